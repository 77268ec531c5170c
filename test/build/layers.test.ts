// The base-layer recipes under layers/: the busybox rootfs the binary embeds, and the
// alpine-shaped minirootfs fixture. Both must be reproducible byte for byte.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO, tempStore } from '../helpers/cli.js';

const store = tempStore();
test.after(() => store.cleanup());

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

interface Entry { mode: string; owner: string; name: string; target?: string }

/** `tar -tv` lines as entries (names here have no spaces). */
function list(tarFile: string, ...flags: string[]): Entry[] {
  const out = execFileSync('tar', ['--numeric-owner', '-tv', ...flags, '-f', tarFile], { encoding: 'utf8' });
  return out.trim().split('\n').map((line) => {
    const f = line.split(/\s+/);
    return { mode: f[0]!, owner: f[1]!, name: f[5]!, ...(f[6] === '->' ? { target: f[7]! } : {}) };
  });
}

function byName(entries: Entry[]): Map<string, Entry> {
  return new Map(entries.map((e) => [e.name, e]));
}

/** The busybox the build embeds: built from Debian's source against musl, cached by build.mjs. */
function embeddedBusybox(): string {
  return execFileSync('bash', [join(REPO, 'layers/busybox/build-busybox.sh'), join(REPO, 'dist/.cache/busybox')], { encoding: 'utf8' }).trim();
}

test('the busybox recipe is reproducible and gives the tar the binary embeds', () => {
  const out = join(store.scratch, 'busybox.tar');
  execFileSync('bash', [join(REPO, 'layers/busybox/make-rootfs.sh'), out], { env: { ...process.env, BUSYBOX: embeddedBusybox() } });
  assert.is(sha256(out), sha256(join(REPO, 'dist/assets/busybox.tar')));
});

test('the embedded busybox is static, linked against musl, and has wget with -T', () => {
  const bb = embeddedBusybox();
  const headers = execFileSync('readelf', ['-l', bb], { encoding: 'utf8' });
  assert.not.ok(headers.includes('program interpreter'), 'static: the image has no libc');
  assert.match(execFileSync(bb, [], { encoding: 'utf8' }), /^BusyBox v[\d.]+ \(Debian [^)]*, musl\)/);
  // glibc's static binaries carry its own messages ("Fatal glibc error: …"); musl has none.
  assert.not.ok(readFileSync(bb).includes('glibc'), 'no glibc inside');
  // Debian's configuration leaves wget's -T out; this build has it (`busybox wget --help` exits 1).
  const help = spawnSync(bb, ['wget', '--help'], { encoding: 'utf8' });
  assert.match(help.stderr, /-T SEC/);
});

test('busybox rootfs: a symlink per applet to /bin/busybox, owners 0:0, sorted, modes', () => {
  const entries = list(join(REPO, 'dist/assets/busybox.tar'));
  const names = entries.map((e) => e.name);
  assert.equal(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  assert.ok(entries.every((e) => e.owner === '0/0'));
  assert.ok(names.every((n) => !n.startsWith('./') && !n.startsWith('/')));
  const e = byName(entries);
  const applets = execFileSync(embeddedBusybox(), ['--list-full'], { encoding: 'utf8' }).trim().split('\n')
    .filter((a) => a !== 'bin/busybox' && a !== 'linuxrc');
  for (const applet of applets) assert.is(e.get(applet)?.target, '/bin/busybox', applet);
  assert.is(e.get('bin/busybox')?.mode, '-rwxr-xr-x');
  assert.is(e.get('tmp/')?.mode, 'drwxrwxrwt');
  assert.is(e.get('root/')?.mode, 'drwx------');
  for (const dir of ['dev/', 'proc/', 'sys/', 'etc/']) assert.ok(e.has(dir), dir);
  for (const file of ['etc/passwd', 'etc/group', 'etc/os-release']) assert.is(e.get(file)?.mode, '-rw-r--r--', file);
  assert.not.ok(e.has('etc/hostname'), 'the runtime provides /etc/hostname');
});

test('alpine-shaped minirootfs: gzip, ./ entries, musl loader, apk dirs, reproducible', () => {
  const a = join(store.scratch, 'a.tar.gz');
  const b = join(store.scratch, 'b.tar.gz');
  const script = join(REPO, 'layers/alpine/make-minirootfs.sh');
  execFileSync('bash', [script, a]);
  execFileSync('bash', [script, b]);
  assert.is(sha256(a), sha256(b));
  assert.equal([...readFileSync(a).subarray(0, 2)], [0x1f, 0x8b]);
  const entries = list(a, '-z');
  assert.is(entries[0]!.name, './');
  assert.ok(entries.every((x) => x.name.startsWith('./')));
  const e = byName(entries);
  assert.is(e.get('./lib/ld-musl-x86_64.so.1')?.mode, '-rwxr-xr-x');
  assert.is(e.get('./lib/libc.musl-x86_64.so.1')?.target, 'ld-musl-x86_64.so.1');
  assert.ok(e.has('./etc/alpine-release'));
  assert.is(e.get('./etc/os-release')?.target, '../usr/lib/os-release');
  assert.ok(e.has('./etc/apk/world') && e.has('./lib/apk/db/installed'));
  assert.is(e.get('./etc/shadow')?.owner, '0/42');
  assert.is(e.get('./var/run')?.target, '../run');
  assert.is(e.get('./bin/sh')?.target, '/bin/busybox');
});

test.run();
