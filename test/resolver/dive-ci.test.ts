import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateDiveCi, parseBytes, parseDiveCi } from '../../src/resolver/dive-ci.js';
import { efficiency } from '../../src/resolver/efficiency.js';
import { file, layer } from '../helpers/overlay-index.js';

test("parseBytes reads sizes as go-humanize's ParseBytes does", () => {
  const cases: [string, number | undefined][] = [
    ['20Mb', 20_000_000], ['20MB', 20_000_000], ['20 MiB', 20 * 2 ** 20], ['1.5 GiB', 1.5 * 2 ** 30], ['4k', 4000],
    ['1,000', 1000], ['1,000 kb', 1_000_000], ['42', 42], ['42b', 42], ['2.9', 2], ['  3', undefined],
    ['KB', undefined], ['5 parsecs', undefined], ['-1', undefined], ['1e3', undefined], ['', undefined],
  ];
  for (const [text, bytes] of cases) assert.is(parseBytes(text), bytes, text);
});

test("parseDiveCi: dive's defaults for rules left out, its spellings of disabled, its range checks", () => {
  assert.equal(parseDiveCi('').map((r) => [r.name, r.threshold]), [['lowestEfficiency', 0.9], ['highestWastedBytes', undefined], ['highestUserWastedPercent', 0.1]]);
  assert.equal(parseDiveCi('rules:\n  lowestEfficiency: OFF\n  highestWastedBytes: 1KiB\n  highestUserWastedPercent: ~\n').map((r) => r.threshold), [undefined, 1024, undefined]);
  // Written as text: "0.10" stays what it says; a quoted number is the same number.
  assert.equal(parseDiveCi('rules:\n  lowestEfficiency: "0.10"\n').map((r) => r.configured), ['0.10', 'disabled', '0.1']);
  assert.throws(() => parseDiveCi('rules:\n  lowestEfficiency: -0.1\n'), /outside allowed range/);
  assert.throws(() => parseDiveCi('rules:\n  highestUserWastedPercent: 1.01\n'), /outside allowed range/);
});

test("evaluateDiveCi: dive's comparisons (strictly below, strictly above; a NaN ratio fails nothing)", () => {
  // One layer of 100 bytes, nothing above it: wasted 0, user bytes 0, ratio 0/0.
  const lone = efficiency([layer({ '/a': file(100) })]);
  const rules = parseDiveCi('rules:\n  lowestEfficiency: 1\n  highestWastedBytes: 0\n  highestUserWastedPercent: 0\n');
  assert.equal(evaluateDiveCi(rules, lone).map((r) => r.status), ['pass', 'pass', 'pass']);
  // /a stored twice: score 100/200, wasted 200, user bytes 100 -> ratio 2.
  const twice = efficiency([layer({ '/a': file(100) }), layer({ '/a': file(100) })]);
  assert.equal(evaluateDiveCi(parseDiveCi('rules:\n  lowestEfficiency: 0.5\n  highestWastedBytes: 200\n  highestUserWastedPercent: 1\n'), twice).map((r) => r.status), ['pass', 'pass', 'fail']);
  assert.equal(evaluateDiveCi(parseDiveCi('rules:\n  lowestEfficiency: 0.51\n  highestWastedBytes: 199\n'), twice).map((r) => r.status), ['fail', 'fail', 'fail']);
});

test.run();
