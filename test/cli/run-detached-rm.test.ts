// `run -d --rm` and the commands a script runs next: the container goes at its exit, often before
// `wait` starts, yet `wait` prints its status and `logs` (-f) its output, from the exit note the
// supervisor leaves (runtime/containers/exit-notes.ts); the note goes after its lifetime. And `-t`
// from a pipe is refused as Docker refuses it, before anything is created.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;

/** Runs strata to its end without blocking the test's loop (two run side by side). */
function later(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnStrata(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('wait and logs after the container went: its status and its output', () => {
  const id = ok('run', '-d', '--rm', '--name', 'quick', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 7').trim();
  assert.is(ok('wait', id), '7\n');
  // Gone as --rm says: not listed, its name free, `rm` does not know it.
  assert.not.match(ok('ps', '-a'), /quick/);
  assert.equal(readdirSync(join(t.root, 'containers')), []);
  for (const name of [id, id.slice(0, 8), 'quick']) {
    const logs = runStrata(['logs', name], opts);
    assert.is(logs.stdout.toString(), 'out\n', name);
    assert.is(logs.stderr, 'err\n', name);
    assert.is(ok('wait', name), '7\n', name);
  }
  const followed = runStrata(['logs', '-f', id], opts);
  assert.is(followed.stdout.toString(), 'out\n');
  assert.is(runStrata(['rm', id], opts).status, 1);
  ok('run', '--rm', '--name', 'quick', 'busybox', 'true');
});

test('wait and logs -f begun while it runs end at its exit with its status and all its output', async () => {
  const id = ok('run', '-d', '--rm', 'busybox', 'sh', '-c', 'echo first; sleep 1; echo second; exit 5').trim();
  const [waited, followed] = await Promise.all([later(['wait', id]), later(['logs', '-f', id])]);
  assert.is(waited.stdout, '5\n', waited.stderr);
  assert.is(followed.stdout, 'first\nsecond\n', followed.stderr);
  assert.is(followed.status, 0);
});

test('a note goes once its lifetime is over; the container is then unknown', () => {
  const id = ok('run', '-d', '--rm', 'busybox', 'sh', '-c', 'exit 4').trim();
  assert.is(ok('wait', id), '4\n');
  const note = join(t.root, 'exited', id, 'exit.json');
  const doc = JSON.parse(readFileSync(note, 'utf8')) as Record<string, unknown>;
  writeFileSync(note, JSON.stringify({ ...doc, finished: new Date(Date.now() - 11 * 60 * 1000).toISOString() }));
  ok('ps');
  const r = runStrata(['wait', id], opts);
  assert.is(r.status, 1);
  assert.is(r.stderr, `strata: container "${id}" not found\n`);
  assert.is(ok('check'), '');
});

test('-t without a terminal on stdin: refused, status 1, nothing created', () => {
  ok('run', '-d', '--name', 'running', 'busybox', 'sleep', '600');
  const before = ok('ps', '-a', '-q');
  for (const args of [['run', '--rm', '-it', 'busybox', 'cat'], ['run', '-t', 'busybox', 'cat'], ['exec', '-it', 'running', 'cat']]) {
    const r = runStrata(args, { ...opts, input: 'hi\n' });
    assert.is(r.stderr, 'strata: the input device is not a TTY\n', args.join(' '));
    assert.is(r.status, 1, args.join(' '));
    assert.is(r.stdout.length, 0);
  }
  assert.is(ok('ps', '-a', '-q'), before);
  // -i alone reads the pipe, once.
  assert.is(strataOk(['run', '--rm', '-i', 'busybox', 'cat'], { ...opts, input: 'hi\n' }).text, 'hi\n');
  ok('rm', '-f', 'running');
});

test.after(() => t.cleanup());
test.run();
