import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_SYMLINK_HOPS, lstatPath, resolvePath, resolvePrefix, statPath } from '../../src/resolver/symlinks.js';
import { PathError, type PathErrorCode } from '../../src/resolver/path-error.js';
import { View } from '../../src/resolver/view.js';
import { dir, file, layer, link } from '../helpers/overlay-index.js';

const view = View.of([
  layer({
    '/etc': dir(),
    '/etc/shadow': file(7),
    '/etc/passwd': file(9),
    '/usr': dir(),
    '/usr/lib': dir(),
    '/usr/lib/libc.so': file(100),
    '/lib': link('usr/lib'),
    '/abs-etc': link('/etc'),
    '/up': link('../../../../../../../etc'),
    '/up-shadow': link('../../../../../../../../../../../../etc/shadow'),
    '/usr/lib/climb': link('../../../../../../etc/passwd'),
    '/chain1': link('chain2'),
    '/chain2': link('/chain3'),
    '/chain3': link('etc/passwd'),
    '/loop-a': link('loop-b'),
    '/loop-b': link('/loop-a'),
    '/self': link('self'),
    '/dangling': link('/nowhere/file'),
    '/dangling-leaf': link('/etc/new-file'),
    '/empty': link(''),
    '/to-file-slash': link('etc/passwd/'),
    '/dot': link('.'),
    '/dotdot-via-link': link('lib/..'),
  }),
]);

const code = (c: PathErrorCode) => (e: unknown) => e instanceof PathError && e.code === c;

test('absolute targets start again at the image root, never the host', () => {
  assert.is(statPath(view, '/abs-etc/shadow').path, '/etc/shadow');
  assert.is(resolvePath(view, '/abs-etc').path, '/etc');
});

test('relative targets climbing far above the root stop at the root', () => {
  assert.is(resolvePath(view, '/up').path, '/etc');
  assert.is(statPath(view, '/up-shadow').entry.size, 7);
  assert.is(statPath(view, '/usr/lib/climb').path, '/etc/passwd');
  assert.is(resolvePath(view, '/../../../etc/passwd').path, '/etc/passwd');
});

test('chains are followed to the end', () => {
  const r = statPath(view, '/chain1');
  assert.is(r.path, '/etc/passwd');
  assert.is(r.entry.size, 9);
});

test('loops fail with ELOOP', () => {
  assert.throws(() => resolvePath(view, '/loop-a'), code('ELOOP'));
  assert.throws(() => resolvePath(view, '/self/x'), code('ELOOP'));
});

test(`the hop limit is ${MAX_SYMLINK_HOPS}, as in Linux`, () => {
  const entries: Record<string, ReturnType<typeof link>> = {};
  for (let i = 0; i < 60; i++) entries[`/h${i}`] = link(`h${i + 1}`);
  const chain = View.of([layer({ ...entries, '/h60': file(1) })]);
  assert.is(statPath(chain, `/h${60 - MAX_SYMLINK_HOPS}`).path, '/h60');
  assert.throws(() => statPath(chain, `/h${60 - MAX_SYMLINK_HOPS - 1}`), code('ELOOP'));
});

test('links through symlinked directories resolve each component in the root', () => {
  assert.is(statPath(view, '/lib/libc.so').path, '/usr/lib/libc.so');
  assert.throws(() => resolvePath(view, '/lib/../etc/passwd'), (e: unknown) => e instanceof PathError && e.path === '/usr/etc');
  assert.is(resolvePath(view, '/lib/../lib/libc.so').path, '/usr/lib/libc.so');
  assert.is(resolvePath(view, '/dotdot-via-link').path, '/usr');
});

test('".." applies after the link before it is followed (not lexically)', () => {
  // /lib -> usr/lib, so /lib/.. is /usr, not /.
  assert.is(resolvePath(view, '/lib/..').path, '/usr');
});

test('the last component: followed by default, returned as is with followLast false', () => {
  assert.is(lstatPath(view, '/lib').entry.type, 'symlink');
  assert.is(statPath(view, '/lib').entry.type, 'dir');
  assert.is(resolvePath(view, '/chain1', { followLast: false }).path, '/chain1');
  assert.is(resolvePath(view, '/lib/libc.so', { followLast: false }).path, '/usr/lib/libc.so');
});

test('a trailing slash follows the last link and requires a directory', () => {
  assert.is(resolvePath(view, '/lib/', { followLast: false }).path, '/usr/lib');
  assert.throws(() => resolvePath(view, '/etc/passwd/'), code('ENOTDIR'));
  assert.throws(() => resolvePath(view, '/to-file-slash'), code('ENOTDIR'));
});

test('a missing last component gives its would-be path; a missing directory on the way is ENOENT', () => {
  const r = resolvePath(view, '/dangling-leaf');
  assert.is(r.path, '/etc/new-file');
  assert.is(r.entry, undefined);
  assert.throws(() => resolvePath(view, '/dangling'), code('ENOENT'));
  assert.throws(() => statPath(view, '/dangling-leaf'), code('ENOENT'));
  assert.is(lstatPath(view, '/dangling').entry.type, 'symlink');
});

test('a file used as a directory is ENOTDIR; an empty link target is ENOENT', () => {
  assert.throws(() => resolvePath(view, '/etc/passwd/x'), code('ENOTDIR'));
  assert.throws(() => resolvePath(view, '/etc/passwd/..'), code('ENOTDIR'));
  assert.throws(() => resolvePath(view, '/empty'), code('ENOENT'));
  assert.is(lstatPath(view, '/empty').entry.type, 'symlink');
});

test('relative input paths start at the root; "." and "//" are ignored', () => {
  assert.is(resolvePath(view, 'etc//./passwd').path, '/etc/passwd');
  assert.is(resolvePath(view, '').path, '/');
  assert.is(resolvePath(view, '/dot/dot/etc').path, '/etc');
});

test('resolvePrefix: the existing part resolved, and the missing tail with links spliced in', () => {
  const at = (path: string, o = {}) => {
    const r = resolvePrefix(view, path, o);
    return [r.path, r.entry.entry.type, r.missing];
  };
  assert.equal(at('/lib/libc.so'), ['/usr/lib/libc.so', 'file', []]);
  assert.equal(at('/'), ['/', 'dir', []]);
  assert.equal(at('/lib/new/deeper'), ['/usr/lib', 'dir', ['new', 'deeper']]);
  // A dangling link: what it names is the tail, climbing stopped at the root.
  assert.equal(at('/dangling/x'), ['/', 'dir', ['nowhere', 'file', 'x']]);
  assert.equal(at('/up/new-file'), ['/etc', 'dir', ['new-file']]);
  assert.equal(at('/new/../etc/'), ['/', 'dir', ['new', '..', 'etc', '.']]);
  assert.equal(at('/dangling', { followLast: false }), ['/dangling', 'symlink', []]);
  // The same refusals as resolvePath, the same hop limit.
  assert.throws(() => resolvePrefix(view, '/etc/passwd/x'), code('ENOTDIR'));
  assert.throws(() => resolvePrefix(view, '/loop-a/x'), code('ELOOP'));
  assert.throws(() => resolvePrefix(view, '/empty/x'), code('ENOENT'));
});

test.run();
