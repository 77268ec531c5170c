// End to end through dist/strata: a new store, import, the image commands, reading files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;

/** A small rootfs tarball made with GNU tar. */
function makeRootfs(name: string, files: Record<string, string>): string {
  const dir = join(t.scratch, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const tar = join(t.scratch, `${name}.tar`);
  execFileSync('tar', ['-cf', tar, '-C', dir, '.']);
  return tar;
}

test('a new store lists the embedded busybox image', () => {
  const out = ok('images');
  assert.match(out, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\n/);
  assert.match(out, /\nbusybox\s+latest\s+[0-9a-f]{12}\s+/);
  const [row] = ok('images', '--json').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(row.Repository, 'busybox');
  assert.is(row.Tag, 'latest');
  assert.match(row.ID, /^[0-9a-f]{12}$/);
  assert.match(row.Size, /^([5-9]\d\dkB|[\d.]+MB)$/, 'busybox binary counted');
  assert.is(ok('images', '-q').trim(), row.ID);
  assert.match(ok('images', '-q', '--no-trunc').trim(), new RegExp(`^sha256:${row.ID}[0-9a-f]{52}$`));
});

test('ls, cat and tree read busybox without running anything', () => {
  const bin = ok('ls', 'busybox:/bin').split('\n');
  assert.ok(bin.includes('busybox') && bin.includes('sh') && bin.includes('ls'));
  assert.match(ok('ls', '-l', 'busybox:/bin'), /\nlrwxrwxrwx\s+0\s+0\s+\d+ [\d-]+ [\d:]+ sh -> /);
  assert.match(ok('cat', 'busybox:/etc/passwd'), /^root:x:0:0:/);
  const tree = ok('tree', 'busybox').trim().split('\n');
  assert.ok(tree.includes('/bin/sh') && tree.includes('/etc/passwd'));
  assert.equal(tree, [...tree].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  // A symlink is followed inside the image: /bin/sh -> busybox.
  assert.ok(ok('cat', 'busybox:/bin/sh').length > 500_000);
});

test('import prints the image id; the same content again stores nothing new', () => {
  const tar = makeRootfs('one', { 'etc/os-release': 'NAME=one\n', 'usr/bin/tool': '#!/bin/sh\n' });
  const id = ok('import', tar, 'one:1.0').trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  const layers = readdirSync(join(t.root, 'layers')).length;
  // The tarball is remembered by size and digest, so importing it again is one hash of the file.
  const size = statSync(tar).size;
  const digest = createHash('sha256').update(readFileSync(tar)).digest('hex');
  const [rec] = JSON.parse(ok('inspect', id));
  assert.is(readFileSync(join(t.root, 'sources', String(size), digest), 'utf8').trim(), rec.RootFS.Layers[0]);
  assert.is(ok('import', tar, 'one:1.0').trim(), id);
  assert.is(readdirSync(join(t.root, 'layers')).length, layers);
  assert.is(ok('cat', 'one:1.0:/etc/os-release'), 'NAME=one\n');
  // From stdin, the same content is the same layer.
  const viaStdin = strataOk(['import', '-', 'one:stdin'], { ...opts, input: execFileSync('cat', [tar]) }).text.trim();
  assert.match(viaStdin, /^sha256:/);
  assert.is(readdirSync(join(t.root, 'layers')).length, layers);
});

test('a tarball rewritten in place with the same size is imported anew, not taken from the cache', () => {
  const a = makeRootfs('same-a', { 'f': 'A' });
  const b = makeRootfs('same-b', { 'f': 'B' });
  const target = join(t.scratch, 'same.tar');
  writeFileSync(target, readFileSync(a));
  ok('import', target, 'same:1');
  assert.is(readdirSync(join(t.root, 'sources', 'stat')).length > 0, true);
  writeFileSync(target, readFileSync(b)); // same size, same inode, new content and ctime
  assert.is(statSync(a).size, statSync(b).size);
  ok('import', target, 'same:2');
  assert.is(ok('cat', 'same:1:/f'), 'A');
  assert.is(ok('cat', 'same:2:/f'), 'B');
});

test('import --change and -m shape the config and history', () => {
  const tar = makeRootfs('two', { 'hello': 'hi\n' });
  ok('import', '--change', 'CMD ["/hello"]', '--change', 'ENV A=1', '-m', 'first', tar, 'two');
  const [rec] = JSON.parse(ok('inspect', 'two'));
  assert.equal(rec.Config.Cmd, ['/hello']);
  assert.equal(rec.Config.Env, ['A=1']);
  assert.equal(rec.RepoTags, ['two:latest']);
  const hist = ok('history', '--json', 'two').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(hist.length, 1);
  assert.is(hist[0].Comment, 'first');
  assert.match(ok('history', 'two'), /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT\n[0-9a-f]{12}\s+.*strata import two.tar.*first\n$/);
  assert.match(ok('history', '--no-trunc', 'two'), /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT\nsha256:[0-9a-f]{64}\s+.*strata import two.tar.*first\n$/);
});

test('tag, rmi and prune', () => {
  ok('tag', 'two', 'registry.local:5000/team/two:9');
  assert.match(ok('images'), /registry.local:5000\/team\/two\s+9\s/);
  assert.is(ok('rmi', 'two'), 'Untagged: two:latest\n');
  assert.match(ok('images'), /team\/two/);
  const out = ok('rmi', 'registry.local:5000/team/two:9');
  assert.match(out, /^Untagged: registry.local:5000\/team\/two:9\nDeleted: sha256:[0-9a-f]{64}\n$/);
  assert.not.match(ok('images'), /two/);
  assert.match(ok('prune'), /Total reclaimed space: \d/);
  assert.is(runStrata(['check'], opts).status, 0);
});

test('REF:PATH splits at the first ":/"', () => {
  const tar = makeRootfs('alp', { 'etc/os-release': 'ID=alpine\n' });
  ok('import', tar, 'alpine:3.20');
  assert.is(ok('cat', 'alpine:3.20:/etc/os-release'), 'ID=alpine\n');
});

test('errors are one line with the right exit status', () => {
  const missing = runStrata(['cat', 'nosuch:/etc/passwd'], opts);
  assert.is(missing.status, 1);
  assert.is(missing.stderr, 'strata: image "nosuch" not found\n');
  const noFile = runStrata(['cat', 'busybox:/nope'], opts);
  assert.is(noFile.status, 1);
  assert.is(noFile.stderr.trim().split('\n').length, 1);
  assert.match(noFile.stderr, /^strata: .*\/nope/);
  const isDir = runStrata(['cat', 'busybox:/etc'], opts);
  assert.match(isDir.stderr, /is a directory/);
  const usage = runStrata(['images', 'busybox', 'extra'], opts);
  assert.is(usage.status, 2);
  assert.match(usage.stderr, /^strata: /);
  assert.is(runStrata(['frobnicate'], opts).status, 2);
  const badRef = runStrata(['import', '/dev/null', 'Bad:Ref'], opts);
  assert.is(badRef.status, 2);
});

test('a link pointing outside the image never reaches the host', () => {
  const dir = join(t.scratch, 'evil');
  mkdirSync(join(dir, 'etc'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'shadow'), 'image shadow\n');
  symlinkSync('/etc/shadow', join(dir, 'abs'));
  symlinkSync('../../../../../../etc/shadow', join(dir, 'rel'));
  const tar = join(t.scratch, 'evil.tar');
  execFileSync('tar', ['-cf', tar, '-C', dir, '.']);
  ok('import', tar, 'evil');
  assert.is(ok('cat', 'evil:/abs'), 'image shadow\n');
  assert.is(ok('cat', 'evil:/rel'), 'image shadow\n');
});

test.after(() => t.cleanup());
test.run();
