// A build's progress in its two forms. plain: exact lines, line by line. tty: the block BuildKit's
// tty mode draws, redrawn in place: finished steps one line each with their time (CACHED when the
// cache says so), the running step's spinner, reason, COPY bar and last output lines, and hostile
// text escaped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plainProgress, progressMode } from '../../src/build/progress.js';
import { ttyProgress } from '../../src/build/tty-progress.js';

test('plain: each step, its cache verdict, one line for a COPY, output as it comes', () => {
  let text = '';
  const p = plainProgress({ quiet: false, terminal: true, write: (s) => (text += s.toString()) });
  p.step('stage 0', 1, 3, 'FROM busybox');
  p.step('stage 0', 2, 3, 'COPY . /app');
  p.cache({ cached: false, reason: 'a source changed' });
  p.copyProgress(0, 2_500_000);
  p.copyProgress(1_000_000, 2_500_000);
  p.copyProgress(2_500_000, 2_500_000);
  p.step('stage 0', 3, 3, 'RUN make \x1b[2J');
  p.cache({ cached: true });
  p.output(Buffer.from('built\n'));
  p.note('warning: x');
  p.end(true);
  assert.is(text, [
    '[stage 0 1/3] FROM busybox',
    '[stage 0 2/3] COPY . /app',
    'not cached: a source changed',
    'copied 2.5MB',
    '[stage 0 3/3] RUN make \\x1b[2J',
    'CACHED',
    'built',
    'warning: x',
    '',
  ].join('\n'));
});

test('plain -q: nothing at all', () => {
  let text = '';
  const p = plainProgress({ quiet: true, terminal: false, write: (s) => (text += s.toString()) });
  p.step('stage 0', 1, 1, 'COPY a b');
  p.copyProgress(1, 1);
  p.output(Buffer.from('x\n'));
  assert.is(text, '');
});

test('auto is tty on a terminal and plain elsewhere; an explicit choice stands', () => {
  assert.is(progressMode(undefined, true), 'tty');
  assert.is(progressMode('auto', true), 'tty');
  assert.is(progressMode('auto', false), 'plain');
  assert.is(progressMode(undefined, false), 'plain');
  assert.is(progressMode('plain', true), 'plain');
  assert.is(progressMode('tty', false), 'tty');
});

/** The block as the terminal shows it last: what follows the last cursor move to its top. */
function lastBlock(written: string): string[] {
  const at = Math.max(written.lastIndexOf('\x1b[J'), 0);
  return written.slice(at + 3).split('\n').slice(0, -1);
}

test('tty: finished steps collapse to a line with their time; the running one shows its bar and output window', () => {
  let written = '';
  let clock = 1_000_000;
  const p = ttyProgress({ write: (s) => (written += s), columns: 81 }, () => clock);
  p.step('stage 0', 1, 3, 'FROM busybox');
  clock += 200;
  p.step('stage 0', 2, 3, 'COPY . /app');
  p.cache({ cached: true });
  clock += 1500;
  p.step('stage 0', 3, 3, 'RUN make');
  p.cache({ cached: false, reason: 'the context changed' });
  p.copyProgress(5_000_000, 10_000_000);
  for (let i = 1; i <= 9; i++) p.output(Buffer.from(`out ${i}\n`));
  p.output(Buffer.from('partial \x1b]2;PWNED\x07'));
  clock += 2300;
  p.copyProgress(10_000_000, 10_000_000); // forces a redraw
  const block = lastBlock(written);
  assert.equal(block.slice(0, 3), [
    '[+] Building 4.0s (2/3)',
    ' => [stage 0 1/3] FROM busybox' + ' '.repeat(46) + '0.2s',
    ' => CACHED [stage 0 2/3] COPY . /app' + ' '.repeat(40) + '1.5s',
  ]);
  assert.match(block[3]!, /^ . \[stage 0 3\/3\] RUN make +2\.3s$/);
  assert.not.match(block[3]!, /^ => /, 'the running step has a spinner');
  assert.is(block[4], ' => => not cached: the context changed');
  assert.is(block[5], ' => => copying 10MB / 10MB [==============================] 100%');
  // The last six lines: five whole ones and the line still being written, escaped.
  assert.equal(block.slice(6), ['out 5', 'out 6', 'out 7', 'out 8', 'out 9', 'partial \\x1b]2;PWNED\\x07'].map((l) => ` => => ${l}`));
  assert.ok(block.every((l) => [...l].length <= 80), 'every line fits the terminal');
  p.end(true);
  const final = lastBlock(written);
  assert.is(final[0], '[+] Building 4.0s (3/3) FINISHED');
  assert.is(final.length, 4, 'a finished build keeps one line a step');
  assert.match(final[3]!, /^ => \[stage 0 3\/3\] RUN make +2\.3s$/);
});

test('tty: a half-done COPY shows its bar; a failed step keeps its output window', () => {
  let written = '';
  const p = ttyProgress({ write: (s) => (written += s), columns: 100 }, () => 0);
  p.step('stage 0', 1, 2, 'COPY big /');
  p.copyProgress(2_500_000, 10_000_000);
  p.step('stage 0', 1, 2, 'COPY big /'); // a redraw with the bar of the step before gone
  p.copyProgress(0, 10_000_000);
  p.copyProgress(2_500_000, 10_000_000);
  p.cache({ cached: true }); // forces a redraw
  assert.is(lastBlock(written)[3], ' => => copying 2.5MB / 10MB [=======>                      ]  25%');
  p.output(Buffer.from('error: it broke\n'));
  p.end(false);
  const final = lastBlock(written);
  assert.match(final[2]!, /^ ✗ CACHED \[stage 0 1\/2\] COPY big \//);
  assert.is(final[final.length - 1], ' => => error: it broke');
});

test('tty: a block taller than the terminal keeps its header and its last lines', () => {
  let written = '';
  const p = ttyProgress({ write: (s) => (written += s), columns: 80, rows: 6 }, () => 0);
  for (let n = 1; n <= 9; n++) p.step('stage 0', n, 9, `RUN step ${n}`);
  p.end(true);
  const block = lastBlock(written);
  assert.is(block.length, 5);
  assert.is(block[0], '[+] Building 0.0s (9/9) FINISHED');
  assert.match(block[4]!, /^ => \[stage 0 9\/9\] RUN step 9 +0\.0s$/);
  // Each redraw moves up no more lines than it drew.
  for (const m of written.matchAll(/\x1b\[(\d+)F/g)) assert.ok(Number(m[1]) <= 5, m[0]);
});

test('tty: a note goes above the block and stays', () => {
  let written = '';
  const p = ttyProgress({ write: (s) => (written += s), columns: 80 }, () => 0);
  p.step('stage 0', 1, 1, 'FROM busybox');
  p.note('warning: \x1b]2;x\x07');
  const at = written.lastIndexOf('warning:');
  assert.is(written.slice(at, written.indexOf('\n', at)), 'warning: \\x1b]2;x\\x07');
  p.end(true);
  // The final redraw moves up to the block's top only: the note is above it.
  assert.ok(written.lastIndexOf('\x1b[2F') > at);
  assert.equal(lastBlock(written), ['[+] Building 0.0s (1/1) FINISHED', ' => [stage 0 1/1] FROM busybox' + ' '.repeat(45) + '0.0s']);
});

test.run();
