// What `strata run` does with the process: argv and Docker's Entrypoint/Cmd rules, environment,
// working directory, user, exit statuses, stdin, binary-safe output, timeouts, signals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exited, runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;
const run = (...args: string[]) => runStrata(args, opts);

test('everything after IMAGE is the command\'s, options included; "--" is accepted', () => {
  assert.is(ok('run', '--rm', 'busybox', 'echo', '-n', '--rm', '-e', '12'), '--rm -e 12');
  assert.is(ok('run', '--rm', 'busybox', '--', 'echo', 'x'), 'x\n');
  assert.is(ok('run', '--rm', 'busybox', 'sh', '-c', 'echo "$0 $1"', 'a b', '-0'), 'a b -0\n');
});

test('exit statuses: the command\'s, 128+N for a signal, 126, 127, 125; 2 for a bad flag value', () => {
  assert.is(run('run', '--rm', 'busybox', 'sh', '-c', 'exit 3').status, 3);
  assert.is(run('run', '--rm', 'busybox', 'sh', '-c', 'kill -TERM $$').status, 143);
  const notFound = run('run', '--rm', 'busybox', 'nosuchcommand');
  assert.is(notFound.status, 127);
  assert.match(notFound.stderr, /nosuchcommand/);
  assert.is(run('run', '--rm', 'busybox', '/etc/passwd').status, 126);
  const noImage = run('run', '--rm', 'nosuchimage', 'true');
  assert.is(noImage.status, 125);
  assert.is(noImage.stderr, 'strata: image "nosuchimage" not found\n');
  assert.is(run('run', '--rm', '-u', 'nosuchuser', 'busybox', 'true').status, 125);
  assert.is(run('run', '--rm', '-v', 'relative:/x', 'busybox', 'true').status, 2);
});

test('the image\'s Cmd runs by default; --entrypoint replaces the Entrypoint and drops Cmd', () => {
  // busybox's Cmd is ["sh"]: with no stdin it exits at once.
  assert.is(run('run', '--rm', 'busybox').status, 0);
  assert.is(ok('run', '--rm', '--entrypoint', 'echo', 'busybox'), '\n');
  assert.is(ok('run', '--rm', '--entrypoint', 'echo', 'busybox', 'hi', 'there'), 'hi there\n');
});

test('environment: image Env, --env-file, -e (later wins, K alone copies), HOSTNAME, HOME', () => {
  const file = join(t.scratch, 'env');
  writeFileSync(file, '# a comment\nFROM_FILE=1\nB=file\n\n');
  const out = ok('run', '--rm', '--env-file', file, '-e', 'B=flag', '-e', 'HOST_VAR', '--hostname', 'box', 'busybox', 'env');
  const env = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.is(env.PATH, '/usr/sbin:/usr/bin:/sbin:/bin');
  assert.is(env.FROM_FILE, '1');
  assert.is(env.B, 'flag');
  assert.is(env.HOSTNAME, 'box');
  assert.is(env.HOME, '/root');
  assert.is(env.HOST_VAR, undefined);
  const copied = strataOk(['run', '--rm', '-e', 'HOST_VAR', 'busybox', 'sh', '-c', 'echo $HOST_VAR'], { ...opts, env: { HOST_VAR: 'from host' } });
  assert.is(copied.text, 'from host\n');
});

test('-w: the working directory, made when missing; -u: user and group from the image', () => {
  assert.is(ok('run', '--rm', '-w', '/made/here', 'busybox', 'pwd'), '/made/here\n');
  assert.is(ok('run', '--rm', '-w', '/etc', 'busybox', 'pwd'), '/etc\n');
  assert.match(ok('run', '--rm', '-u', 'nobody', 'busybox', 'id'), /^uid=65534\(nobody\) gid=65534\(nogroup\)/);
  assert.is(ok('run', '--rm', '-u', '1234:5', 'busybox', 'id', '-u'), '1234\n');
  assert.is(ok('run', '--rm', '-u', 'daemon:tty', 'busybox', 'id', '-g'), '5\n');
  assert.is(ok('run', '--rm', '-u', 'nobody', 'busybox', 'sh', '-c', 'echo $HOME'), '/nonexistent\n');
  // A non-root user has no capabilities left.
  assert.match(ok('run', '--rm', '-u', 'nobody', 'busybox', 'grep', 'CapEff', '/proc/self/status'), /CapEff:\s+0000000000000000/);
});

test('hostname defaults to the short container id; /etc/hosts and /etc/hostname agree', () => {
  const out = ok('run', '--name', 'hn', 'busybox', 'sh', '-c', 'hostname; cat /etc/hostname; grep -c "$(hostname)" /etc/hosts');
  const [id] = ok('ps', '-a', '-q').trim().split('\n');
  assert.is(out, `${id}\n${id}\n1\n`);
  ok('rm', 'hn');
});

test('stdin reaches the command only with -i', () => {
  assert.is(strataOk(['run', '--rm', '-i', 'busybox', 'cat'], { ...opts, input: 'hello\n' }).text, 'hello\n');
  assert.is(strataOk(['run', '--rm', 'busybox', 'cat'], { ...opts, input: 'hello\n' }).text, '');
});

test('100 MB through `run -i busybox cat` comes out byte-identical', () => {
  const data = randomBytes(100 * 1024 * 1024);
  const r = runStrata(['run', '--rm', '-i', 'busybox', 'cat'], { ...opts, input: data, timeoutMs: 120_000 });
  assert.is(r.status, 0);
  assert.is(r.stdout.length, data.length);
  assert.is(createHash('sha256').update(r.stdout).digest('hex'), createHash('sha256').update(data).digest('hex'));
});

test('--timeout kills the sandbox: exit 124 and a message', () => {
  const started = Date.now();
  const r = run('run', '--rm', '--timeout', '1', 'busybox', 'sh', '-c', 'sleep 30 & sleep 30');
  assert.is(r.status, 124);
  assert.is(r.stderr, 'strata: timed out after 1s\n');
  assert.ok(Date.now() - started < 10_000);
});

test('a signal to strata reaches the command', async () => {
  const child = spawnStrata(['run', '--rm', 'busybox', 'sh', '-c', 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 1; done'], opts);
  let out = '';
  await new Promise<void>((resolve) => child.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('ready')) resolve();
  }));
  child.kill('SIGTERM');
  const status = await exited(child);
  child.stdout!.on('data', (d) => (out += d));
  await new Promise((r) => setTimeout(r, 50));
  assert.is(status, 7);
  assert.match(out, /got TERM/);
});

test('a relative --root works for run (the helper gets absolute paths)', () => {
  const r = runStrata(['run', '--rm', 'busybox', 'echo', 'ok'], { root: 'relative-store', cwd: t.scratch });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.toString(), 'ok\n');
});

test('--rm leaves no container; without it the container stays, exited', () => {
  const before = ok('ps', '-a', '-q');
  ok('run', '--rm', 'busybox', 'true');
  assert.is(ok('ps', '-a', '-q'), before);
  assert.is(run('run', '--name', 'stays', 'busybox', 'sh', '-c', 'exit 4').status, 4);
  assert.match(ok('ps', '-a'), /\n[0-9a-z]{12}\s+busybox\s+"sh -c exit 4"\s+.+\s+Exited \(4\) .+ago\s+stays\n/);
  assert.is(ok('ps'), 'CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   NAMES\n');
  ok('rm', 'stays');
});

test.run();
