import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isoTime } from '../../src/base/time.js';

test('isoTime gives what Date#toISOString gives', () => {
  const times = [0, 1, 999, 1000, 1704067200000, 1704067199999, 951782400000, 4102444800000, 253402300799999, -1, -62167219200000, Date.now()];
  // Spread over the whole range a Date holds (±8.64e15 ms), past year 9999 and before year 0.
  for (let k = 1; k <= 1000; k++) times.push(Math.floor(k ** 5.3 + k * 7919), -Math.floor(k ** 5.2));
  for (const t of times) assert.is(isoTime(t), new Date(t).toISOString(), String(t));
  assert.throws(() => isoTime(NaN), RangeError);
});

test('isoTime does not set up the local time zone (no read of /etc/localtime)', () => {
  const script = `import('${new URL('../../src/base/time.ts', import.meta.url).href}').then((m) => process.stdout.write(m.isoTime()))`;
  const r = spawnSync('strace', ['-f', '-e', 'trace=openat', process.execPath, '--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.not.match(r.stderr, /localtime/);
});

test.run();
