// The rows of a container's config and top tabs: its run spec as `inspect` would describe it
// (image, command, environment, working directory, user, mounts, limits, network, times), and its
// processes as `docker top` lists them under a line of its figures. Every string from the store
// or /proc is escaped where it becomes a row (terminalText), so it is cut by its escaped width.

import { displayPath } from '../../src/base/byte-path.js';
import { terminalText } from '../../src/base/terminal-text.js';
import type { ContainerProcess, ContainerRunConfig } from '../data/containers.js';
import type { StatsView } from '../data/stats-history.js';
import { fit, fitRight, type Line } from '../widgets/line/line.js';
import { bytesText, percentText } from './containers-table.js';

const LABEL = 12;

export function configLines({ record, spec }: ContainerRunConfig): Line[] {
  const out: Line[] = [];
  const row = (label: string, value: string, first = true) => out.push([{ text: fit(first ? label : '', LABEL), tone: 'muted' }, { text: terminalText(value) }]);
  const rows = (label: string, values: readonly string[]) => values.length === 0 ? row(label, '(none)') : values.forEach((v, i) => row(label, v, i === 0));
  row('Image', `${record.imageRef} (${record.image.replace(/^sha256:/, '').slice(0, 12)})`);
  row('Command', spec.process.argv.map(quoted).join(' '));
  rows('Env', spec.process.env);
  row('WorkingDir', spec.process.cwd);
  row('User', `${spec.process.uid}:${spec.process.gid}${spec.process.groups.length > 0 ? ` (groups ${spec.process.groups.join(',')})` : ''}`);
  rows('Mounts', spec.volumes.map((v) => `${v.source} -> ${displayPath(v.target)}${v.readOnly ? ' (read-only)' : ''}`));
  const limits = [
    `memory ${spec.limits.memory === undefined ? 'unlimited' : bytesText(spec.limits.memory)}`,
    `pids ${spec.limits.pids}`,
    `cpus ${spec.limits.cpus ?? 'unlimited'}`,
    ...(spec.timeout !== undefined ? [`timeout ${spec.timeout}s`] : []),
  ];
  row('Limits', limits.join(' · '));
  row('Network', spec.net);
  row('Hostname', spec.hostname);
  row('Root', `${spec.readOnly ? 'read-only' : 'writable'} · driver ${record.driver}${spec.tty ? ' · tty' : ''}`);
  row('Id', record.id);
  row('Created', record.created);
  if (record.started) row('Started', record.started);
  if (record.finished && record.state === 'exited') row('Finished', `${record.finished}${record.exitCode !== null ? ` · status ${record.exitCode}` : ''}${record.oomKilled ? ' · killed for want of memory' : ''}`);
  return out;
}

/** An argument as a shell would need it to read back the same: quoted when it holds a space, a
 * quote or nothing. */
function quoted(arg: string): string {
  return /^[^\s'"\\$`]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const PID = 8;
const USER = 6;
const TIME = 8;
const RSS = 8;

export function topHeader(stats: StatsView | undefined): Line {
  if (!stats) return [{ text: 'no figures: the container has no cgroup of its own', tone: 'muted' }];
  const s = stats.last;
  const of = (n: number | undefined, limit: number | undefined, text: (v: number) => string) => (n === undefined ? '?' : text(n)) + (limit === undefined ? '' : ` of ${text(limit)}`);
  return [{ text: [
    `CPU ${s.cpuPercent === undefined ? '…' : percentText(s.cpuPercent)}`,
    `memory ${of(s.memoryBytes, s.memoryLimit, bytesText)}`,
    `pids ${of(s.pids, s.pidsLimit, String)}`,
  ].join(' · '), tone: 'accent' }];
}

export function topLines(processes: readonly ContainerProcess[]): Line[] {
  const head = [fitRight('PID', PID), fitRight('PPID', PID), fitRight('UID', USER), ' S', fitRight('TIME', TIME), fitRight('RSS', RSS), 'COMMAND'].join(' ');
  return [
    [{ text: head, tone: 'muted', bold: true }],
    ...processes.map((p): Line => [{ text: [fitRight(String(p.pid), PID), fitRight(String(p.ppid), PID), fitRight(String(p.uid), USER), ` ${p.state}`, fitRight(cpuTime(p.cpuSeconds), TIME), fitRight(bytesText(p.rssBytes), RSS), terminalText(p.command)].join(' ') }]),
  ];
}

/** "0:03", "12:07", "1:02:03" (as ps's TIME, minutes and seconds; hours when there are any). */
function cpuTime(seconds: number): string {
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}
