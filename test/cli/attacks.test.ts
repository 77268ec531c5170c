// Attacks on what strata adds around a running sandbox — cp, exec, commit — run for real through
// dist/strata, as root inside the container, under both drivers. (The sandbox's own defences under
// `run` — the chroot escape, device nodes, setuid, /proc and /sys, -v targets that climb — are
// test/cli/run-attacks.test.ts and run-isolation.test.ts.) Each must fail to reach the host; where
// an attack could fail by accident, a control shows it works without strata.
//
// The image is written with strata's own tar writer: busybox, the attack program
// (test/cli/fixtures/attack.c, static) and a setuid-root copy of it, a /dev/mem-like character
// device at /tmp/mem, the container's own /etc/shadow, and links that point at /etc/shadow or
// climb out of the root.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TarWriter, type TarWriteEntry } from '../../src/tar/writer.js';
import { REPO, runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;

const CONTAINER_SHADOW = 'root:container-own-shadow:19000::::::\n';
/** A directory on the host that a link in the image names: nothing may ever appear in it. */
const hostTarget = `/tmp/strata-attack-target-${randomBytes(6).toString('hex')}`;
mkdirSync(hostTarget);
process.on('exit', () => rmSync(hostTarget, { recursive: true, force: true }));

const attackBin = join(t.scratch, 'attack');
execFileSync('gcc', ['-static', '-O2', '-o', attackBin, join(REPO, 'test/cli/fixtures/attack.c')]);

function tarOf(entries: readonly TarWriteEntry[]): Buffer {
  const chunks: Buffer[] = [];
  const tar = new TarWriter((c) => chunks.push(Buffer.from(c)));
  for (const e of entries) tar.add(e, e.type === 'file' ? Buffer.from('x') : undefined);
  tar.finish();
  return Buffer.concat(chunks);
}

function buildImage(): string {
  const chunks: Buffer[] = [];
  const tar = new TarWriter((c) => chunks.push(Buffer.from(c)));
  const dir = (name: string, mode = 0o755) => tar.add({ name: `${name}/`, type: 'dir', mode });
  const file = (name: string, content: Buffer, mode = 0o644) => tar.add({ name, type: 'file', mode }, content);
  const link = (name: string, target: string) => tar.add({ name, type: 'symlink', mode: 0o777, linkName: target });
  for (const d of ['bin', 'etc', 'tmp', 'root']) dir(d, d === 'tmp' ? 0o1777 : 0o755);
  file('bin/busybox', readFileSync('/bin/busybox'), 0o755);
  for (const applet of ['sh', 'cat', 'head', 'sleep', 'ls', 'id', 'kill', 'touch']) link(`bin/${applet}`, 'busybox');
  file('bin/attack', readFileSync(attackBin), 0o755);
  file('bin/suid-attack', readFileSync(attackBin), 0o4755);
  file('etc/passwd', Buffer.from('root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n'));
  file('etc/group', Buffer.from('root:x:0:\nuser:x:1000:\n'));
  file('etc/shadow', Buffer.from(CONTAINER_SHADOW), 0o640);
  const mem: TarWriteEntry = { name: 'tmp/mem', type: 'char', mode: 0o666, devMajor: 1, devMinor: 1 };
  tar.add(mem);
  // Links that name host files: absolute, and climbing with "..".
  link('leak', '/etc/shadow');
  link('leak-climb', '../../../../../../etc/shadow');
  // A directory link that climbs out to a host directory, which the image also has.
  dir(hostTarget.slice(1).split('/')[0]!);
  dir(hostTarget.slice(1));
  link('into', `/../../../..${hostTarget}`);
  link('etc-link', '/etc');
  tar.finish();
  const path = join(t.scratch, 'attack.tar');
  writeFileSync(path, Buffer.concat(chunks));
  return ok('import', path, 'attack:latest').trim();
}
buildImage();

test('control: the host has its own /etc/shadow, different from the container\'s', () => {
  assert.not.equal(readFileSync('/etc/shadow', 'utf8'), CONTAINER_SHADOW);
});

for (const driver of ['overlay', 'copy']) {
  const d = (...args: string[]) => ['--driver', driver, ...args];
  const out = join(t.scratch, `out-${driver}`);
  mkdirSync(out);

  test(`${driver}: cp out of a link to /etc/shadow yields the container's shadow, never the host's`, () => {
    // Links from the image, and one the container makes at run time in its writable layer.
    ok(...d('run', '--name', `cp-${driver}`, 'attack', 'sh', '-c', 'ln -s /etc/shadow /made; ln -s ../../../../../etc /etcs'));
    for (const [src, name] of [['/leak', 'leak'], ['/leak-climb', 'leak-climb'], ['/made', 'made'], ['/etcs/shadow', 'shadow']]) {
      ok('cp', `cp-${driver}:${src}`, join(out, name!));
      assert.is(readFileSync(join(out, name!), 'utf8'), CONTAINER_SHADOW, src);
      assert.ok(lstatSync(join(out, name!)).isFile(), `${src} is copied as the container's file, not as a link to the host's`);
    }
    const tar = strataOk(['cp', `cp-${driver}:/leak`, '-'], opts).stdout;
    assert.is(execFileSync('tar', ['-xO'], { input: tar, encoding: 'utf8' }), CONTAINER_SHADOW);
  });

  test(`${driver}: cp in through a symlinked directory writes inside the container, never on the host`, () => {
    const ctr = `cp-${driver}`;
    const src = join(t.scratch, `payload-${driver}`);
    writeFileSync(src, 'payload\n');
    ok('cp', src, `${ctr}:/into/`);
    ok('cp', src, `${ctr}:/etc-link/payload-etc`);
    // A link the container made to "/" in its own layer, used as a parent.
    ok(...d('start', ctr));
    ok('wait', ctr);
    ok('cp', src, `${ctr}:/etcs/payload-etcs`);
    assert.not.ok(existsSync(join(hostTarget, `payload-${driver}`)), 'written on the host through /into');
    assert.not.ok(existsSync(`/etc/payload-etc`) || existsSync('/etc/payload-etcs'), 'written into the host\'s /etc');
    const diff = ok('diff', ctr);
    for (const p of [`${hostTarget}/payload-${driver}`, '/etc/payload-etc', '/etc/payload-etcs']) assert.ok(diff.includes(`A ${p}\n`), `${p} in\n${diff}`);
  });

  test(`${driver}: cp - with a tar: names that climb are refused; a link to a host file is copied as a link`, () => {
    const ctr = `cp-${driver}`;
    const climbing = tarOf([{ name: `../../../..${hostTarget}/climbed`, type: 'file', mode: 0o644 }]);
    const r = runStrata(['cp', '-', `${ctr}:/tmp`], { ...opts, input: climbing });
    assert.is(r.status, 1);
    assert.match(r.stderr, /climbs out/);
    assert.not.ok(existsSync(join(hostTarget, 'climbed')));
    strataOk(['cp', '-', `${ctr}:/tmp`], { ...opts, input: tarOf([{ name: 'hostlink', type: 'symlink', mode: 0o777, linkName: '/etc/shadow' }]) });
    const copy = join(out, 'tmp-copy');
    ok('cp', `${ctr}:/tmp`, copy);
    assert.is(readlinkSync(join(copy, 'hostlink')), '/etc/shadow');
    assert.is(execFileSync('tar', ['-xO'], { input: strataOk(['cp', `${ctr}:/tmp/hostlink`, '-'], opts).stdout, encoding: 'utf8' }), CONTAINER_SHADOW);
  });

  test(`${driver}: commit of links to host files stores the links, not the host's bytes`, () => {
    ok('commit', `cp-${driver}`, `stolen-${driver}:1`);
    assert.is(ok(...d('run', '--rm', `stolen-${driver}:1`, 'cat', '/made')), CONTAINER_SHADOW);
    const copy = join(out, 'made-link');
    ok('cp', `cp-${driver}:/`, copy);
    assert.is(readlinkSync(join(copy, 'made')), '/etc/shadow', 'inside a copied directory a link stays a link, verbatim');
  });

  test(`${driver}: exec: a setuid-root binary does not make a -u user root (no_new_privs)`, () => {
    ok(...d('run', '-d', '--name', `ex-${driver}`, 'attack', 'sleep', '100'));
    assert.is(ok('exec', '-u', '1000', `ex-${driver}`, '/bin/attack', 'euid'), 'euid=1000\n');
    assert.is(ok('exec', '-u', '1000', `ex-${driver}`, '/bin/suid-attack', 'euid'), 'euid=1000\n');
    assert.is(ok('exec', '-u', 'user', `ex-${driver}`, 'id', '-u'), '1000\n');
  });

  test(`${driver}: exec: the classic chroot escape reaches no host file`, () => {
    const marker = `/tmp/strata-secret-${randomBytes(6).toString('hex')}`;
    writeFileSync(marker, 'host secret');
    try {
      const r = runStrata(['exec', `ex-${driver}`, '/bin/attack', 'escape', marker], opts);
      assert.is(r.stdout.toString(), 'no host file\n', r.stderr);
    } finally {
      rmSync(marker);
    }
  });

  test(`${driver}: exec: a device node shipped in the image cannot be opened; host processes are out of reach`, () => {
    const r = runStrata(['exec', `ex-${driver}`, 'head', '-c', '1', '/tmp/mem'], opts);
    assert.is(r.status, 1);
    assert.match(r.stderr, /Permission denied/);
    const kill = runStrata(['exec', `ex-${driver}`, 'kill', '-0', String(process.pid)], opts);
    assert.is(kill.status, 1);
    assert.match(kill.stderr, /No such process/);
    ok('rm', '-f', `ex-${driver}`);
  });
}

test('control: the setuid copy and the escape work without strata', () => {
  const suid = join(t.scratch, 'suid-attack');
  execFileSync('cp', [attackBin, suid]);
  chmodSync(suid, 0o4755);
  const outside = spawnSync('setpriv', ['--reuid=1000', '--regid=1000', '--clear-groups', suid, 'euid'], { encoding: 'utf8' });
  assert.is(outside.stdout, 'euid=0\n');
});

test.run();
