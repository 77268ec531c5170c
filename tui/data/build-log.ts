// What the build view shows of a running build: its steps in order, each with the cache's verdict
// (CACHED, or why it ran), its output as lines (the last ones kept), a COPY's bytes written, and
// the build's notes. Pure: the job folds the library's progress calls into it as events.

import { terminalText } from '../../src/base/terminal-text.js';

export type CacheVerdict = { readonly cached: true } | { readonly cached: false; readonly reason: string };

export type BuildEvent =
  | { readonly type: 'step'; readonly stage: string; readonly n: number; readonly total: number; readonly text: string }
  | { readonly type: 'cache'; readonly verdict: CacheVerdict }
  | { readonly type: 'output'; readonly text: string }
  | { readonly type: 'copy'; readonly done: number; readonly total: number }
  | { readonly type: 'note'; readonly text: string };

export interface BuildStep {
  /** `[stage n/total] instruction`, escaped for the terminal. */
  readonly title: string;
  readonly verdict: CacheVerdict | undefined;
  /** Complete lines of output, the last OUTPUT_LINES of them. */
  readonly lines: readonly string[];
  /** Output after the last line end (a prompt, a progress line redrawn with \r). */
  readonly partial: string;
  readonly copy: { readonly done: number; readonly total: number } | undefined;
}

export interface BuildLog {
  readonly steps: readonly BuildStep[];
  readonly notes: readonly string[];
}

export const EMPTY_LOG: BuildLog = { steps: [], notes: [] };

/** Lines of a step's output kept: more than any screen shows. */
export const OUTPUT_LINES = 200;

export function applyBuildEvent(log: BuildLog, event: BuildEvent): BuildLog {
  if (event.type === 'step') {
    const title = terminalText(`[${event.stage} ${event.n}/${event.total}] ${event.text}`);
    return { ...log, steps: [...log.steps, { title, verdict: undefined, lines: [], partial: '', copy: undefined }] };
  }
  if (event.type === 'note') return { ...log, notes: [...log.notes, terminalText(event.text)] };
  const last = log.steps[log.steps.length - 1];
  if (!last) return log;
  let step: BuildStep;
  switch (event.type) {
    case 'cache':
      step = { ...last, verdict: !event.verdict.cached ? { cached: false, reason: terminalText(event.verdict.reason) } : event.verdict };
      break;
    case 'copy':
      step = { ...last, copy: { done: event.done, total: event.total } };
      break;
    case 'output':
      step = withOutput(last, event.text);
      break;
  }
  return { ...log, steps: [...log.steps.slice(0, -1), step] };
}

/** Output split into lines; a carriage return starts its line again (a redrawn progress line
 * shows as its last state); each line escaped for the terminal. */
function withOutput(step: BuildStep, text: string): BuildStep {
  const pieces = (step.partial + text).split('\n');
  const partial = pieces.pop()!;
  const done = pieces.map((l) => shown(afterReturn(l.endsWith('\r') ? l.slice(0, -1) : l)));
  const lines = done.length === 0 ? step.lines : [...step.lines, ...done].slice(-OUTPUT_LINES);
  return { ...step, lines, partial };
}

function afterReturn(line: string): string {
  return line.slice(line.lastIndexOf('\r') + 1);
}

/** The output lines to show: the complete ones and the partial one as it stands. */
export function shownOutput(step: BuildStep): readonly string[] {
  const partial = afterReturn(step.partial);
  return partial === '' ? step.lines : [...step.lines, shown(partial)];
}

/** A line of output as the terminal may show it: tabs expanded to stops of 8, other controls
 * escaped (the program's output is untrusted). */
function shown(line: string): string {
  let out = '';
  for (const c of line) out += c === '\t' ? ' '.repeat(8 - (out.length % 8)) : c;
  return terminalText(out);
}
