// The build view's log as lines for a given height: notes, then one line per step — a mark (✓ done,
// a spinner while it runs, ✗ where it failed), `[stage n/total] instruction`, and `CACHED` or why it
// ran — and under the running (or failed) step its COPY bar and the last lines of its output. When
// it does not fit, the earliest steps give way first, then the oldest output.

import { humanSize } from '../../src/base/format.js';
import { shownOutput, type BuildLog, type BuildStep } from '../data/build-log.js';
import { fit, type Line } from '../widgets/line/line.js';
import { progressBar } from './progress-bar.js';

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

export type LastStep = 'running' | 'failed' | 'done';

/** Output lines kept under the running step even when the steps above must give way for them. */
const MIN_OUTPUT = 3;

export function buildLogLines(log: BuildLog, last: LastStep, tick: number, width: number, height: number): Line[] {
  if (height <= 0) return [];
  const notes: Line[] = log.notes.map((n) => [{ text: n, tone: 'warning' }]);
  const heads: Line[] = log.steps.map((s, i) => stepLine(s, i === log.steps.length - 1 ? last : 'done', tick));
  const current = log.steps[log.steps.length - 1];
  const under: Line[] = [];
  let output: Line[] = [];
  if (current && last !== 'done') {
    if (current.copy && current.copy.total > 0) under.push(copyLine(current.copy.done, current.copy.total, width));
    output = shownOutput(current).map((l) => [{ text: `  │ ${l}`, tone: 'muted' }]);
  }
  const room = height - notes.length - heads.length - under.length;
  const keptOutput = output.slice(-Math.max(Math.min(output.length, MIN_OUTPUT), room));
  let lines = [...notes, ...heads, ...under, ...keptOutput];
  if (lines.length > height) {
    // The earliest lines give way, and the first one left says how many steps are above.
    const cut = lines.length - height + 1;
    const hiddenSteps = Math.max(0, Math.min(heads.length, cut - notes.length));
    lines = [[{ text: hiddenSteps > 0 ? `… ${hiddenSteps} earlier step${hiddenSteps === 1 ? '' : 's'}` : '…', tone: 'muted' }], ...lines.slice(cut)];
  }
  return lines;
}

function stepLine(step: BuildStep, state: LastStep, tick: number): Line {
  const mark = state === 'running' ? SPINNER[tick % SPINNER.length]! : state === 'failed' ? '✗' : '✓';
  const line: Line = [
    { text: `${mark} `, tone: state === 'failed' ? 'error' : state === 'running' ? 'accent' : 'added' },
    { text: step.title, bold: state === 'running' },
  ];
  if (!step.verdict) return line;
  return [...line, { text: '  ' }, step.verdict.cached ? { text: 'CACHED', tone: 'accent' } : { text: step.verdict.reason, tone: 'muted' }];
}

function copyLine(done: number, total: number, width: number): Line {
  const fraction = Math.min(1, done / total);
  return [
    { text: `  ${progressBar(fraction, Math.min(40, width - 30))} `, tone: 'accent' },
    { text: `${fit(`${Math.floor(fraction * 100)}%`, 4)} ${humanSize(done)} of ${humanSize(total)}` },
  ];
}
