// batch's progress bar and summary, on stderr and only when stderr is a terminal
// (docs/DESIGN.md §6): jobs done of those started, failures, the rate; redrawn at most ten times a
// second.

import type { BatchCounts, BatchOutcome } from '../batch/batch.js';

const WIDTH = 24;

export interface BatchProgress {
  update(counts: BatchCounts): void;
  done(outcome: BatchOutcome): void;
}

export function batchProgress(): BatchProgress | undefined {
  if (!process.stderr.isTTY) return undefined;
  const began = Date.now();
  let last = 0;
  let drawn = false;
  const rate = (done: number) => done / Math.max((Date.now() - began) / 1000, 0.001);
  return {
    update(c) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      drawn = true;
      const filled = c.started === 0 ? 0 : Math.round((c.done / c.started) * WIDTH);
      process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${c.done}/${c.started} done, ${c.failed} failed, ${rate(c.done).toFixed(1)}/s`);
    },
    done(o) {
      if (drawn) process.stderr.write('\r\x1b[K');
      const secs = (Date.now() - began) / 1000;
      const stopped = o.signal !== undefined ? `, stopped by ${o.signal}` : '';
      process.stderr.write(`batch: ${o.done} jobs, ${o.done - o.failed} succeeded, ${o.failed} failed in ${secs.toFixed(1)} s (${rate(o.done).toFixed(1)} jobs/s)${stopped}\n`);
    },
  };
}
