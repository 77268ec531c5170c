// Detached containers: run -d, ps, logs (-f), stop (SIGTERM, then SIGKILL after -t), kill, wait,
// start again, rm -f.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;

test('run -d prints the full id and returns while the container runs; logs has its output', () => {
  const id = ok('run', '-d', '--name', 'bg', 'busybox', 'sh', '-c', 'trap "" TERM; echo out; echo err >&2; exec sleep 1000').trim();
  assert.match(id, /^[0-9a-z]{32}$/);
  assert.match(ok('ps'), new RegExp(`\\n${id.slice(0, 12)}\\s+busybox\\s+.+\\s+Up .+\\s+bg\\n`));
  let logs = runStrata(['logs', 'bg'], opts);
  for (let i = 0; i < 100 && logs.stdout.toString() === ''; i++) logs = runStrata(['logs', 'bg'], opts);
  assert.is(logs.stdout.toString(), 'out\n');
  assert.is(logs.stderr, 'err\n');
});

test('stop: SIGTERM, then SIGKILL after -t seconds for a command that ignores it', () => {
  const started = Date.now();
  assert.is(ok('stop', '-t', '1', 'bg'), 'bg\n');
  assert.ok(Date.now() - started >= 1000);
  assert.is(ok('wait', 'bg'), '137\n');
  assert.match(ok('ps', '-a'), /Exited \(137\) .+ bg\n/);
});

test('stop of a command that handles SIGTERM gives its own status; start runs it again', () => {
  ok('run', '-d', '--name', 'polite', 'busybox', 'sh', '-c', 'trap "echo bye; exit 3" TERM; echo hi; while :; do sleep 0.1; done');
  ok('stop', 'polite');
  assert.is(ok('wait', 'polite'), '3\n');
  assert.is(ok('start', 'polite'), 'polite\n');
  assert.match(ok('ps'), /Up .+ polite\n/);
  assert.is(ok('kill', '-s', 'TERM', 'polite'), 'polite\n');
  assert.is(ok('wait', 'polite'), '3\n');
  assert.is(ok('logs', 'polite'), 'hi\nbye\nhi\nbye\n');
});

test('logs -f follows until the container exits', () => {
  ok('run', '-d', '--name', 'counter', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo $i; sleep 0.3; done');
  assert.is(ok('logs', '-f', 'counter'), '1\n2\n3\n');
  assert.is(ok('wait', 'counter'), '0\n');
});

test('rm -f removes a running detached container; -d with -t is refused', () => {
  ok('run', '-d', '--name', 'doomed', 'busybox', 'sleep', '1000');
  assert.is(ok('rm', '-f', 'doomed'), 'doomed\n');
  assert.not.match(ok('ps', '-a'), /doomed/);
  const r = runStrata(['run', '-d', '-t', 'busybox', 'true'], opts);
  assert.is(r.status, 2);
  ok('rm', 'bg', 'polite', 'counter');
});

test.run();
