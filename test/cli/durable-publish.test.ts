// What the store publishes is on the disk before it is visible: for each rename that publishes a
// layer, an image, a tag, a source record, a stack cache or a container, its data is synced
// before the rename (syncfs, or fsync of its files) and the directory it lands in after it. The
// real binary runs under strace (`-y`: each descriptor printed with its path), on a fresh store;
// the trace is read back and checked call by call. And what a power cut before such a sync could
// leave — a published layer file cut short — is found by `check`.
// End to end through dist/strata.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BINARY, cleanEnv, runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;

/** Directories whose entries are published records (leases and locks name live processes, and a
 * container's later records are its running state: neither is synced, by design). */
const PUBLISHED = /^(layers|images|tags|sources(\/[^/]+)?|stacks|containers)$/;

interface Call {
  readonly pid: number;
  readonly name: string;
  /** Paths the call names: its path arguments, and each descriptor's (strace -y). */
  readonly paths: readonly string[];
}

/** `strata ARGS` under strace; its rename and sync calls, in order, from every process. */
function traced(args: readonly string[]): Call[] {
  const log = join(t.scratch, 'trace');
  const r = spawnSync('strace', ['-f', '-qq', '-y', '-s', '4096', '-o', log,
    '-e', 'trace=fsync,fdatasync,syncfs,rename,renameat,renameat2', BINARY, '--root', t.root, ...args],
  { env: cleanEnv(), timeout: 120_000 });
  if (r.error) throw new Error('run strace', { cause: r.error });
  assert.is(r.status, 0, `strata ${args.join(' ')}: ${r.stderr}`);
  const calls: Call[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const m = /^(\d+) +(\w+)\((.*)\) += 0$/.exec(line);
    if (!m) continue;
    const paths = [...m[3]!.matchAll(/<([^>]*)>|"([^"]*)"/g)].map((p) => p[1] ?? p[2]!);
    calls.push({ pid: Number(m[1]), name: m[2]!, paths });
  }
  return calls;
}

/** Each publishing rename has its data synced before it and its directory synced after it; the
 * names of what was published. */
function assertDurable(calls: readonly Call[]): string[] {
  const published: string[] = [];
  calls.forEach((call, i) => {
    if (!call.name.startsWith('rename')) return;
    const [from, to] = call.paths.slice(-2) as [string, string];
    const dir = dirname(to);
    if (!dir.startsWith(t.root + '/') || !PUBLISHED.test(dir.slice(t.root.length + 1))) return;
    const syncs = (c: Call) => c.name === 'syncfs' || c.name === 'fsync' || c.name === 'fdatasync';
    const before = calls.slice(0, i).filter(syncs);
    assert.ok(before.some((c) => c.paths[0] === from || c.paths[0]!.startsWith(from + '/')),
      `${to}: no sync of ${from} before its rename`);
    // A tree is synced as a whole: syncfs of it, or an fsync of the directory itself.
    assert.ok(before.some((c) => c.paths[0] === from), `${to}: ${from} itself not synced before its rename`);
    assert.ok(calls.slice(i + 1).some((c) => c.pid === call.pid && c.name === 'fsync' && c.paths[0] === dir),
      `${to}: no fsync of ${dir} after its rename`);
    published.push(to.slice(t.root.length + 1));
  });
  return published;
}

const rootfs = join(t.scratch, 'rootfs');
mkdirSync(join(rootfs, 'etc'), { recursive: true });
writeFileSync(join(rootfs, 'etc', 'motd'), 'durable\n'.repeat(1000));
const tarball = join(t.scratch, 'small.tar');
const tar = spawnSync('tar', ['-cf', tarball, '-C', rootfs, '.']);
assert.is(tar.status, 0, String(tar.stderr));
ok('images');

test('import: the layer is synced (syncfs) before its rename, the image, tag and source records are fsynced; each directory after', () => {
  const published = assertDurable(traced(['import', tarball, 'small']));
  for (const kind of [/^layers\/[0-9a-f]{64}$/, /^images\/[0-9a-f]{64}\.json$/, /^tags\/small%3Alatest$/, /^sources\//]) {
    assert.ok(published.some((p) => kind.test(p)), `nothing published matches ${kind}: ${published.join(', ')}`);
  }
});

test('run and commit: the container, then the committed layer, its image and tag, each synced before and after its rename', () => {
  const created = assertDurable(traced(['run', '--name', 'changed', 'busybox', 'sh', '-c', 'echo new > /new']));
  assert.ok(created.some((p) => /^containers\/[0-9a-z]+$/.test(p)), `no container published: ${created.join(', ')}`);
  const published = assertDurable(traced(['commit', 'changed', 'committed:1']));
  for (const kind of [/^layers\/[0-9a-f]{64}$/, /^images\/[0-9a-f]{64}\.json$/, /^tags\/committed%3A1$/]) {
    assert.ok(published.some((p) => kind.test(p)), `nothing published matches ${kind}: ${published.join(', ')}`);
  }
  assert.is(ok('run', '--rm', 'committed:1', 'cat', '/new'), 'new\n');
});

test('check reports a published layer file cut short, by name', () => {
  const layer: string = JSON.parse(ok('inspect', 'small'))[0].RootFS.Layers[0];
  truncateSync(join(t.root, 'layers', layer.slice(7), 'rootfs', 'etc', 'motd'), 100);
  const r = runStrata(['check'], opts);
  assert.is(r.status, 1, 'check must fail');
  const lines = r.stdout.toString().trim().split('\n');
  assert.ok(lines.some((l) => l.startsWith(`layer ${layer}: /etc/motd: `)), `check: no line names /etc/motd:\n${r.stdout}`);
});

test.run();
