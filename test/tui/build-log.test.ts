// The build view's pure parts: progress events folded into the log (lines, carriage returns, the
// partial line, the cap on kept lines, hostile text escaped), build args read as the CLI reads
// them, the Dockerfile a request names, and long errors wrapped.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dockerfileOf, parseBuildArgs } from '../../tui/data/build-job.js';
import { applyBuildEvent, EMPTY_LOG, OUTPUT_LINES, shownOutput, type BuildEvent, type BuildLog } from '../../tui/data/build-log.js';
import { wrapped } from '../../tui/screens/build-screen.js';

const fold = (...events: BuildEvent[]): BuildLog => events.reduce(applyBuildEvent, EMPTY_LOG);
const step = (n: number, text = `RUN ${n}`): BuildEvent => ({ type: 'step', stage: 'stage 0', n, total: 9, text });

test('events before any step are dropped but notes; each step gets its own verdict, output and copy', () => {
  const log = fold(
    { type: 'output', text: 'lost\n' }, { type: 'note', text: 'note: \x1b[31mred' },
    step(1), { type: 'cache', verdict: { cached: true } },
    step(2), { type: 'cache', verdict: { cached: false, reason: 'instruction changed\x07' } }, { type: 'copy', done: 1, total: 4 }, { type: 'copy', done: 4, total: 4 },
  );
  assert.equal(log.notes, ['note: \\x1b[31mred']);
  assert.equal(log.steps.map((s) => [s.title, s.verdict, s.copy, s.lines]), [
    ['[stage 0 1/9] RUN 1', { cached: true }, undefined, []],
    ['[stage 0 2/9] RUN 2', { cached: false, reason: 'instruction changed\\x07' }, { done: 4, total: 4 }, []],
  ]);
});

test('output: lines across chunks, CRLF, a line redrawn with \\r shows its last state, the partial line shown as it stands', () => {
  const log = fold(step(1), { type: 'output', text: 'one\r\ntw' }, { type: 'output', text: 'o\n10%\r50%\r' }, { type: 'output', text: '90%' });
  assert.equal(log.steps[0]!.lines, ['one', 'two']);
  assert.equal(shownOutput(log.steps[0]!), ['one', 'two', '90%']);
  const done = applyBuildEvent(log, { type: 'output', text: '\n' });
  assert.equal(shownOutput(done.steps[0]!), ['one', 'two', '90%']);
});

test('output: tabs to stops of 8, escapes shown escaped, only the last lines kept', () => {
  const log = fold(step(1), { type: 'output', text: 'ab\tc\t\x1b[2Jd\n' });
  assert.equal(log.steps[0]!.lines, ['ab      c       \\x1b[2Jd']);
  const many = fold(step(1), { type: 'output', text: Array.from({ length: OUTPUT_LINES + 50 }, (_, i) => `l${i}\n`).join('') });
  assert.is(many.steps[0]!.lines.length, OUTPUT_LINES);
  assert.is(many.steps[0]!.lines[0], 'l50');
});

test('build args: K=V words, K alone from the environment (absent: not set), an empty name refused', () => {
  assert.equal([...parseBuildArgs(' A=1  B=x=y C D= ', { C: 'from-env' })], [['A', '1'], ['B', 'x=y'], ['C', 'from-env'], ['D', '']]);
  assert.equal([...parseBuildArgs('E', {})], []);
  assert.throws(() => parseBuildArgs('=v'), /build arg "=v": K=V, or K/);
});

test('the Dockerfile: the one named, else CONTEXT/Dockerfile', () => {
  assert.is(dockerfileOf({ contextDir: 'ctx/', file: '' }), 'ctx/Dockerfile');
  assert.is(dockerfileOf({ contextDir: 'ctx', file: 'other/Containerfile' }), 'other/Containerfile');
});

test('a long error wraps at spaces, a word longer than the width is cut', () => {
  assert.equal(wrapped('exit status 1 (the build has no network)', 16), ['exit status 1', '(the build has', 'no network)']);
  assert.equal(wrapped('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
  assert.equal(wrapped('short', 10), ['short']);
});

test.run();
