// What a build makes of WORKDIR and of the context's hard links and byte names, as BuildKit does:
// WORKDIR makes its directory (0755, the parents too, owned by the stage's USER) in a layer of its
// own, and no layer when the directory is there; files hard-linked in the context are one inode in
// the image; a name that is not UTF-8 arrives byte for byte, .dockerignore matching it as bytes.

import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root, timeoutMs: 120_000 };
const ok = (...args: string[]) => strataOk(args, opts).text;
const layersOf = (ref: string): string[] => JSON.parse(ok('inspect', ref))[0].RootFS.Layers;
let n = 0;

/** A fresh context directory holding `dockerfile`. */
function context(dockerfile: string): string {
  const dir = join(t.scratch, `ctx${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

test('WORKDIR makes its directory and parents, owned by USER, in a layer; an existing one adds none', () => {
  const ctx = context([
    'FROM busybox',
    'WORKDIR /w/a',
    'USER nobody',
    'WORKDIR b/c',
    'USER 7:8',
    'WORKDIR /w/a/d',
    'WORKDIR /tmp',
    'WORKDIR /w',
    '',
  ].join('\n'));
  ok('build', '-t', 'wd:1', ctx);
  const base = layersOf('busybox').length;
  // /w/a, then /w/a/b/c, then /w/a/d: three layers; /tmp and /w were there.
  assert.is(layersOf('wd:1').length, base + 3);
  const stat = ok('run', '--rm', '-u', '0', 'wd:1', 'stat', '-c', '%n %u:%g %a', '/w', '/w/a', '/w/a/b', '/w/a/b/c', '/w/a/d', '/tmp');
  assert.is(stat, ['/w 0:0 755', '/w/a 0:0 755', '/w/a/b 65534:65534 755', '/w/a/b/c 65534:65534 755', '/w/a/d 7:8 755', '/tmp 0:0 1777', ''].join('\n'));
  const history = ok('history', '--no-trunc', 'wd:1');
  assert.match(history, /WORKDIR \/w\/a\/b\/c/);
});

test('WORKDIR through a symlink makes the directory where it points; onto a file it fails', () => {
  const ctx = context('FROM busybox\nRUN mkdir /real && ln -s /real /link\nWORKDIR /link/sub\nRUN pwd -P > /where\n');
  ok('build', '-t', 'wd:2', ctx);
  assert.is(ok('run', '--rm', 'wd:2', 'cat', '/where'), '/real/sub\n');
  const bad = runStrata(['build', context('FROM busybox\nWORKDIR /etc/passwd/x\n')], opts);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /^strata: Dockerfile:2: cannot make the working directory \/etc\/passwd\/x: /m);
  const whiteout = runStrata(['build', context('FROM busybox\nWORKDIR /x/.wh.etc\n')], opts);
  assert.is(whiteout.status, 1);
  assert.match(whiteout.stderr, /^strata: Dockerfile:2: cannot make the working directory \/x\/\.wh\.etc: names starting with "\.wh\." are reserved/m);
  const unknown = runStrata(['build', context('FROM busybox\nUSER nosuchuser\nWORKDIR /made\n')], opts);
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, /^strata: Dockerfile:3: /m);
});

test('hard links in the context stay hard links: one inode, the content stored once', () => {
  const ctx = context('FROM busybox\nCOPY . /c/\n');
  mkdirSync(join(ctx, 'd'));
  writeFileSync(join(ctx, 'a'), 'shared\n');
  linkSync(join(ctx, 'a'), join(ctx, 'd', 'b'));
  linkSync(join(ctx, 'a'), join(ctx, 'z'));
  writeFileSync(join(ctx, 'alone'), 'alone\n');
  ok('build', '-t', 'links:1', ctx);
  const out = ok('run', '--rm', 'links:1', 'stat', '-c', '%n %h %i', '/c/a', '/c/d/b', '/c/z', '/c/alone').trim().split('\n').map((l) => l.split(' '));
  assert.equal(out.map((f) => f.slice(0, 2)), [['/c/a', '3'], ['/c/d/b', '3'], ['/c/z', '3'], ['/c/alone', '1']]);
  assert.is(new Set(out.slice(0, 3).map((f) => f[2])).size, 1, 'the three names are one inode');
  assert.is(ok('run', '--rm', 'links:1', 'cat', '/c/z'), 'shared\n');
});

test('context names that are not UTF-8 are copied byte for byte; .dockerignore matches bytes', () => {
  const ctx = context('FROM busybox\nCOPY . /c/\n');
  const raw = (s: string) => Buffer.from(s, 'latin1');
  const at = (...parts: Buffer[]) => Buffer.concat([Buffer.from(ctx), ...parts.flatMap((p) => [Buffer.from('/'), p])]);
  mkdirSync(at(raw('dir\xff')));
  writeFileSync(at(raw('dir\xff'), raw('caf\xe9')), 'latin-1 name\n');
  writeFileSync(at(raw('ok-\xc3\xa9')), 'utf-8 name\n');
  writeFileSync(at(raw('skip-\xc3\xa9')), 'left out\n');
  writeFileSync(join(ctx, '.dockerignore'), 'skip-é\nDockerfile\n.dockerignore\n');
  ok('build', '-t', 'bytes:1', ctx);
  const hex = ok('run', '--rm', 'bytes:1', 'sh', '-c', 'cd /c && find . | sort | od -An -tx1 | tr -d " \\n"');
  const want = ['.', './dir\xff', './dir\xff/caf\xe9', './ok-\xc3\xa9'].map((p) => `${p}\n`).join('');
  assert.is(hex, raw(want).toString('hex'));
  assert.is(ok('run', '--rm', 'bytes:1', 'sh', '-c', 'cat /c/dir*/caf*'), 'latin-1 name\n');
});

test('ADD unpacks an archive whose name is not UTF-8', () => {
  const ctx = context('FROM busybox\nADD arch* /opt/\n');
  const tree = join(t.scratch, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'inner'), 'from the archive\n');
  execFileSync('tar', ['-czf', join(t.scratch, 'a.tgz'), '-C', tree, 'inner']);
  renameSync(join(t.scratch, 'a.tgz'), Buffer.concat([Buffer.from(ctx), Buffer.from('/arch\xff.tgz', 'latin1')]));
  assert.ok(readdirSync(ctx, { encoding: 'buffer' }).some((name) => name.includes(0xff)));
  ok('build', '-t', 'bytes:2', ctx);
  assert.is(ok('run', '--rm', 'bytes:2', 'cat', '/opt/inner'), 'from the archive\n');
});

test.after(() => t.cleanup());
test.run();
