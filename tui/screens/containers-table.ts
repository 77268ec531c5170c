// How the Containers pane lays out its columns: NAME, CONTAINER ID (where there is room), IMAGE,
// COMMAND, STATE, AGE, and for a running container CPU (its history as a graph, then the last
// share of one core) and MEM. Ages are short ("7s", "3m", "2h", "5d") so the column stays narrow
// and nothing in it is ever cut.

import { inBinaryUnits } from '../../src/base/format.js';
import { terminalText } from '../../src/base/terminal-text.js';
import type { ContainerRow } from '../data/containers.js';
import type { StatsHistory, StatsView } from '../data/stats-history.js';
import { fit, fitRight, type Line, type Tone } from '../widgets/line/line.js';
import { sparkline } from '../widgets/line/sparkline.js';

const ID = 12;
const STATE = 12;
const AGE = 4;
const GRAPH = 8;
/** "100.0%" */
const PERCENT = 6;
const CPU = GRAPH + 1 + PERCENT;
/** "1023.9MiB" */
const MEM = 9;
const GAP = '  ';
/** The id column is shown from this width on. */
const WIDE = 110;

interface Columns {
  readonly id: boolean;
  readonly name: number;
  readonly image: number;
  readonly command: number;
}

function columns(width: number): Columns {
  const id = width >= WIDE;
  const fixed = (id ? ID : 0) + STATE + AGE + CPU + MEM + GAP.length * (id ? 7 : 6);
  const room = Math.max(24, width - fixed);
  const name = Math.floor(room * 0.3);
  const image = Math.floor(room * 0.3);
  return { id, name, image, command: room - name - image };
}

export function containersHeader(width: number): Line {
  const c = columns(width);
  const cells = [fit('NAME', c.name), ...(c.id ? [fit('CONTAINER ID', ID)] : []), fit('IMAGE', c.image), fit('COMMAND', c.command), fit('STATE', STATE), fitRight('AGE', AGE), fitRight('CPU', CPU), fitRight('MEM', MEM)];
  return [{ text: cells.join(GAP), tone: 'muted', bold: true }];
}

/** "running", "exited (0)", "created". */
export function stateText(row: ContainerRow): string {
  return row.state === 'exited' && row.exitCode !== undefined ? `exited (${row.exitCode})` : row.state;
}

export function containerLine(row: ContainerRow, width: number, now: number, stats: StatsView | undefined): Line {
  const c = columns(width);
  const tone: Tone | undefined = row.state === 'running' ? 'added' : row.state === 'exited' && row.exitCode ? 'error' : undefined;
  const lead = [fit(terminalText(row.name), c.name), ...(c.id ? [fit(row.id.slice(0, ID), ID)] : []), fit(terminalText(row.image), c.image), fit(terminalText(row.command), c.command)];
  const line: Line = [
    { text: lead.join(GAP) + GAP },
    tone ? { text: fit(stateText(row), STATE), tone } : { text: fit(stateText(row), STATE) },
    { text: GAP + fitRight(shortAge(row.created, now), AGE), tone: 'muted' },
  ];
  if (!stats || row.state !== 'running') return line;
  const cpu = stats.last.cpuPercent;
  return [
    ...line,
    { text: GAP + sparkline(stats.cpu, GRAPH), tone: 'accent' },
    { text: ' ' + fitRight(cpu === undefined ? '' : percentText(cpu), PERCENT) + GAP + fitRight(stats.last.memoryBytes === undefined ? '' : bytesText(stats.last.memoryBytes), MEM) },
  ];
}

/** "0.4%", "12.5%", "200.0%" */
export function percentText(percent: number): string {
  return `${percent.toFixed(1)}%`;
}

/** Binary units with one decimal, as `docker stats` shows memory: "740KiB", "12.3MiB". */
export function bytesText(bytes: number): string {
  const { value, unit } = inBinaryUnits(bytes);
  return unit === 'B' ? `${value}B` : `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))}${unit}`;
}

/** How long ago `iso` was, in its largest whole unit: "7s", "3m", "2h", "5d", "3w", "4mo", "2y"
 * (kubectl's AGE); "?" for a time that does not parse. */
export function shortAge(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '?';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400 * 2) return `${Math.floor(s / 3600)}h`;
  if (s < 86400 * 14) return `${Math.floor(s / 86400)}d`;
  if (s < 86400 * 60) return `${Math.floor(s / 86400 / 7)}w`;
  if (s < 86400 * 365 * 2) return `${Math.floor(s / 86400 / 30)}mo`;
  return `${Math.min(999, Math.floor(s / 86400 / 365))}y`;
}

/** What the list and the top tab draw from ages and figures, as one text (use-live-containers.ts
 * draws a new frame only when it changes). */
export function liveDrawing(rows: readonly ContainerRow[], now: number, stats: StatsHistory): string {
  return rows.map((r) => {
    const s = stats.get(r.id);
    const figures = s && r.state === 'running'
      ? [sparkline(s.cpu, GRAPH), s.last.cpuPercent === undefined ? '' : percentText(s.last.cpuPercent), s.last.memoryBytes === undefined ? '' : bytesText(s.last.memoryBytes), s.last.memoryLimit, s.last.pids, s.last.pidsLimit].join(' ')
      : '';
    return `${shortAge(r.created, now)} ${figures}`;
  }).join('\n');
}
