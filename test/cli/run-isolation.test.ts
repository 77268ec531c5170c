// What the sandbox keeps out and in: bind mounts (read-only enforced, host side resolved on the
// host, container side inside the root), the network, a read-only root, /proc and /sys, device
// nodes shipped in an image, host processes. Under both drivers where the driver matters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;
const run = (...args: string[]) => runStrata(args, opts);

/** An image made from a rootfs directory with GNU tar (devices and odd links included). */
function importRootfs(name: string, build: (dir: string) => void): string {
  const dir = join(t.scratch, name);
  mkdirSync(dir);
  build(dir);
  const tar = join(t.scratch, `${name}.tar`);
  execFileSync('tar', ['--numeric-owner', '-cf', tar, '-C', dir, '.']);
  return ok('import', tar, `${name}:latest`).trim();
}

function withBusybox(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  execFileSync('cp', ['/bin/busybox', join(dir, 'bin/busybox')]);
  symlinkSync('busybox', join(dir, 'bin/sh'));
}

importRootfs('tricky', (dir) => {
  withBusybox(dir);
  mkdirSync(join(dir, 'tmp'));
  // A character device shipped in the image: /dev/mem's numbers, out of /dev.
  execFileSync('mknod', [join(dir, 'tmp/mem'), 'c', '1', '1']);
  // A link that climbs out of the root, as a mount target.
  symlinkSync('/../../../../tmp/escape', join(dir, 'data'));
});

for (const driver of ['overlay', 'copy']) {
  const d = (...args: string[]) => ['--driver', driver, ...args];

  test(`${driver}: -v binds a host directory; :ro is enforced`, () => {
    const vol = join(t.scratch, `vol-${driver}`);
    mkdirSync(vol);
    writeFileSync(join(vol, 'in'), 'from host\n');
    assert.is(strataOk(d('run', '--rm', '-v', `${vol}:/vol`, 'busybox', 'sh', '-c', 'cat /vol/in; echo from box > /vol/out'), opts).text, 'from host\n');
    assert.is(readFileSync(join(vol, 'out'), 'utf8'), 'from box\n');
    const ro = runStrata(d('run', '--rm', '-v', `${vol}:/vol:ro`, 'busybox', 'sh', '-c', 'echo x > /vol/out2'), opts);
    assert.is(ro.status, 1);
    assert.match(ro.stderr, /Read-only file system/);
    assert.not.ok(existsSync(join(vol, 'out2')));
  });

  test(`${driver}: a character device shipped in an image cannot be opened`, () => {
    const r = runStrata(d('run', '--rm', 'tricky', '/bin/busybox', 'sh', '-c', 'ls -l /tmp/mem; /bin/busybox head -c 1 /tmp/mem'), opts);
    assert.match(r.stdout.toString(), /^c.* 1,\s+1 .*\/tmp\/mem/);
    assert.is(r.status, 1);
    assert.match(r.stderr, /Permission denied/);
  });

  test(`${driver}: a -v target that climbs out through a link is resolved inside the root`, () => {
    const vol = join(t.scratch, `climb-${driver}`);
    mkdirSync(vol);
    writeFileSync(join(vol, 'f'), 'mounted\n');
    const out = strataOk(d('run', '--rm', '-v', `${vol}:/data`, 'tricky', '/bin/busybox', 'cat', '/tmp/escape/f'), opts).text;
    assert.is(out, 'mounted\n');
    assert.not.ok(existsSync('/tmp/escape'), 'nothing was made on the host');
    assert.is(strataOk(d('run', '--rm', '-v', `${vol}:/../../../x`, 'busybox', 'cat', '/x/f'), opts).text, 'mounted\n');
  });

  test(`${driver}: --read-only makes the root read-only`, () => {
    const r = runStrata(d('run', '--rm', '--read-only', 'busybox', 'touch', '/x'), opts);
    assert.is(r.status, 1);
    assert.match(r.stderr, /Read-only file system/);
  });
}

test('a -v source that is a symlink is followed on the host (the real directory is mounted)', () => {
  const real = join(t.scratch, 'real');
  mkdirSync(real);
  writeFileSync(join(real, 'f'), 'real\n');
  symlinkSync(real, join(t.scratch, 'link'));
  assert.is(ok('run', '--rm', '-v', `${join(t.scratch, 'link')}:/v`, 'busybox', 'cat', '/v/f'), 'real\n');
});

test('network: a TCP server on the host\'s 127.0.0.1 is unreachable by default, reachable with --net host', async () => {
  const server = createServer((s) => s.end('hello from host\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = String((server.address() as { port: number }).port);
  try {
    const probe = ['busybox', 'sh', '-c', `nc 127.0.0.1 ${port} </dev/null`];
    const none = await runAsync(['run', '--rm', ...probe]);
    assert.is(none.status, 1);
    assert.match(none.stderr, /Connection refused/);
    const host = await runAsync(['run', '--rm', '--net', 'host', ...probe]);
    assert.is(host.stdout, 'hello from host\n');
    assert.match(ok('run', '--rm', 'busybox', 'ip', 'addr'), /^1: lo: <LOOPBACK,UP,LOWER_UP>/);
  } finally {
    server.close();
  }
});

/** runStrata blocks the event loop, and the server above needs it: run asynchronously. */
async function runAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const { BINARY, cleanEnv } = await import('../helpers/cli.js');
  return new Promise((resolve) => {
    const child = spawn(BINARY, ['--root', t.root, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('/proc and /sys: core_pattern cannot be written, nothing can be mounted, masks hold', () => {
  const out = run('run', '--rm', 'busybox', 'sh', '-c', [
    'echo x > /proc/sys/kernel/core_pattern && echo wrote-core',
    'mount -t tmpfs none /mnt && echo mounted',
    'mount -t proc proc /mnt && echo mounted-proc',
    'echo 1 > /sys/kernel/uevent_helper 2>/dev/null && echo wrote-sys',
    'echo keys=$(wc -c < /proc/keys)',
    'true',
  ].join('; '));
  const text = out.stdout.toString();
  assert.not.match(text, /wrote-core|mounted|wrote-sys/);
  assert.match(text, /keys=0/);
  assert.match(out.stderr, /Read-only file system/);
});

test('host processes are invisible and cannot be signalled', () => {
  const out = ok('run', '--rm', 'busybox', 'sh', '-c', `ps -o pid,comm; kill -0 ${process.pid} 2>&1 || echo cannot-kill`);
  const pids = out.split('\n').slice(1).filter((l) => /^\s*\d+ /.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
  assert.ok(pids.every((p) => p <= 10), out);
  assert.match(out, /cannot-kill/);
});

test('the helper\'s program (an unlinked file in staging, its fd 3) reaches neither the command nor the store', () => {
  assert.is(ok('run', '--rm', 'busybox', 'sh', '-c', 'ls /proc/$$/fd; true'), '0\n1\n2\n');
  assert.equal(readdirSync(join(t.root, 'staging')), []);
});

test.run();
