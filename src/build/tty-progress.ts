// `--progress tty`: the build as BuildKit's tty mode shows it, one block redrawn in place at the
// bottom of the terminal:
//   [+] Building 2.3s (3/5)
//    => [stage-0 1/5] FROM busybox                                   0.0s
//    => CACHED [stage-0 2/5] RUN make deps                           0.0s
//    ⠹ [stage-0 3/5] COPY . /app                                     1.2s
//    => => copying 3.4MB / 10MB [=========>                  ]  34%
//    => => (the running step's last lines of output)
// Finished steps keep one line each with their time; the running one has a spinner, its COPY bar
// and a window of its last output lines. Notes are printed above the block. Every line is cut to
// the terminal's width, so the block's height is known when it is redrawn; the text in it is
// untrusted and goes through terminalText. A step done synchronously (a COPY) redraws from its
// progress calls, a timer does between them.

import { terminalText } from '../base/terminal-text.js';
import { humanSize } from '../base/format.js';
import type { BuildProgress } from './progress.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Lines of the running step's output kept in its window. */
const WINDOW = 6;
/** At most this often, but for a step starting or ending. */
const REDRAW_MS = 80;
const BAR = 30;

interface StepState {
  readonly label: string;
  readonly started: number;
  ended?: number;
  cached?: boolean;
  reason?: string;
  copy?: { done: number; total: number };
}

interface Terminal {
  write(s: string): unknown;
  readonly columns?: number;
  readonly rows?: number;
}

export function ttyProgress(term: Terminal, now: () => number = Date.now): BuildProgress {
  const begun = now();
  const steps: StepState[] = [];
  let total = 0;
  let lines: string[] = [];
  let partial = '';
  let drawn = 0;
  let lastDraw = 0;
  let tick = 0;
  let over = false;
  /** The step a failed build stopped in: its window stays, with what went wrong. */
  let failed: StepState | undefined;
  const width = () => Math.max(20, (term.columns ?? 80) - 1);
  const cut = (s: string) => {
    const w = width();
    const chars = [...s];
    return chars.length > w ? chars.slice(0, w - 1).join('') + '…' : s;
  };
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const rightAlign = (left: string, right: string) => {
    const w = width();
    const room = w - right.length - 1;
    const l = [...left];
    const text = l.length > room ? l.slice(0, Math.max(0, room - 1)).join('') + '…' : left;
    return text + ' '.repeat(Math.max(1, w - [...text].length - right.length)) + right;
  };

  const render = (): string[] => {
    const t = now();
    const finished = steps.filter((s) => s.ended !== undefined).length;
    const out = [`[+] Building ${seconds(t - begun)} (${finished}/${total || steps.length})${over ? ' FINISHED' : ''}`];
    for (const s of steps) {
      const running = s.ended === undefined || s === failed;
      const head = s === failed ? ' ✗ ' : running ? ` ${SPINNER[tick % SPINNER.length]} ` : ' => ';
      const mark = s.cached ? 'CACHED ' : '';
      out.push(rightAlign(`${head}${mark}${s.label}`, seconds((s.ended ?? t) - s.started)));
      if (!running) continue;
      if (s.reason !== undefined) out.push(cut(` => => not cached: ${s.reason}`));
      if (s.copy && s.copy.total > 0) {
        const frac = Math.min(1, s.copy.done / s.copy.total);
        const fill = Math.round(frac * BAR);
        const bar = `[${'='.repeat(Math.max(0, fill - 1))}${fill > 0 ? (fill === BAR ? '=' : '>') : ''}${' '.repeat(BAR - fill)}]`;
        out.push(cut(` => => copying ${humanSize(s.copy.done)} / ${humanSize(s.copy.total)} ${bar} ${String(Math.floor(frac * 100)).padStart(3)}%`));
      }
      const shown = partial === '' ? lines : [...lines, partial];
      for (const line of shown.slice(-WINDOW)) out.push(cut(` => => ${terminalText(line.replace(/\t/g, '  '))}`));
    }
    return out;
  };

  const draw = (force = false) => {
    const t = now();
    if (!force && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    let block = render();
    // A block taller than the terminal could not be reached again by moving up: its header and
    // its last lines (the running step's) are drawn.
    const room = Math.max(2, (term.rows ?? 24) - 1);
    if (block.length > room) block = [block[0]!, ...block.slice(block.length - room + 1)];
    // Up to the block's first line, clear from there down, write the new block.
    term.write(`${drawn > 0 ? `\x1b[${drawn}F` : '\r'}\x1b[J${block.join('\n')}\n`);
    drawn = block.length;
  };
  const timer = setInterval(() => {
    tick++;
    draw(true);
  }, 100);
  timer.unref();

  const finishRunning = () => {
    const last = steps[steps.length - 1];
    if (last && last.ended === undefined) last.ended = now();
    lines = [];
    partial = '';
  };

  return {
    quiet: false,
    step(stage, n, count, text) {
      finishRunning();
      total = count > total ? count : total;
      steps.push({ label: terminalText(`[${stage} ${n}/${count}] ${text}`), started: now() });
      draw(true);
    },
    cache(verdict) {
      const s = steps[steps.length - 1];
      if (!s) return;
      if (verdict.cached) s.cached = true;
      else s.reason = terminalText(verdict.reason);
      draw(true);
    },
    copyProgress(done, count) {
      const s = steps[steps.length - 1];
      if (!s) return;
      s.copy = { done, total: count };
      draw(done >= count);
    },
    note(text) {
      // Above the block: it stays when the block is redrawn.
      term.write(`${drawn > 0 ? `\x1b[${drawn}F` : '\r'}\x1b[J${cut(terminalText(text))}\n`);
      drawn = 0;
      draw(true);
    },
    output(chunk) {
      // Lines as the program ends them (a lone \r, a progress bar's, starts one too); each is
      // made safe when it is drawn.
      const parts = (partial + chunk.toString('utf8')).split(/\r?\n|\r/);
      partial = parts.pop()!;
      if (parts.length > 0) lines = [...lines, ...parts].slice(-WINDOW);
      draw();
    },
    end(ok) {
      clearInterval(timer);
      const last = steps[steps.length - 1];
      if (!ok && last && last.ended === undefined) failed = last;
      if (last && last.ended === undefined) last.ended = now();
      over = ok;
      draw(true);
    },
  };
}
