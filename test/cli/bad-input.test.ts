// Every bad tarball through the real binary: a one-line error naming the entry and the reason, a
// non-zero exit, the store exactly as it was (no layer, no image, no staging), `check` clean, and
// the host directory the attack aims at untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar } from '../import/tar-fixtures.js';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
strataOk(['images'], opts); // create the store (with busybox)
const target = join(t.scratch, 'host-target');
mkdirSync(target);
writeFileSync(join(target, 'sentinel'), 'untouched');

/** Every path under a directory with its size and mode: what "exactly as it was" compares. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      out.push(`${relative(dir, p)} ${st?.size ?? '-'} ${st?.mode.toString(8) ?? '-'}`);
      if (st?.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

const up = relative('/', target).split('/').map(() => '..').join('/');
const cases: [string, Buffer, RegExp][] = [
  ['a name with ..', makeTar([{ name: `../../${up}${target}/x`, content: 'x' }]), /\.\./],
  ['an absolute name that climbs', makeTar([{ name: `/../${up}${target}/x`, content: 'x' }]), /\.\./],
  ['an entry under an absolute symlink', makeTar([{ name: 'l', type: 'symlink', linkName: target }, { name: 'l/x', content: 'x' }]), /symlink/],
  ['an entry under a climbing symlink', makeTar([{ name: 'l', type: 'symlink', linkName: `../../../../../../../..${target}` }, { name: 'l/x', content: 'x' }]), /symlink/],
  ['a hardlink out of the root', makeTar([{ name: 'h', type: 'hardlink', linkName: `${target}/sentinel` }]), /link/],
  ['a hardlink climbing with ..', makeTar([{ name: 'h', type: 'hardlink', linkName: `../../../../..${target}/sentinel` }]), /link|\.\./],
  ['a whiteout climbing out', makeTar([{ name: `.wh.../../${up}${target}/sentinel`, content: '' }]), /whiteout|\.\./],
  ['a whiteout of ..', makeTar([{ name: 'a/.wh...', content: '' }]), /whiteout/],
  ['a whiteout with an empty name', makeTar([{ name: 'a/.wh.', content: '' }]), /whiteout/],
  ['the root turned into a symlink', makeTar([{ name: '.', type: 'symlink', linkName: target }, { name: 'x', content: 'x' }]), /root/],
  ['a truncated tar', makeTar([{ name: 'big', content: Buffer.alloc(100_000, 1) }]).subarray(0, 50_000), /truncated/],
  ['a header that claims more data than follows', claimsMore(), /truncated/],
  ['a corrupt gzip', corrupt(gzipSync(makeTar([{ name: 'f', content: 'x'.repeat(10000) }]))), /gzip/],
  ['an unknown compression', Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(2000)]), /compression/],
  ['a bad header checksum', badChecksum(), /checksum/],
];

function claimsMore(): Buffer {
  const tar = makeTar([{ name: 'f', content: 'abc' }]);
  // Size field of the first header: 1 GiB in octal, checksum recomputed so only the size lies.
  tar.write('10000000000\0', 124, 'latin1');
  tar.write('        ', 148, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += tar[i]!;
  tar.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return tar.subarray(0, 1024);
}

function corrupt(gz: Buffer): Buffer {
  const b = Buffer.from(gz);
  for (let i = 20; i < b.length - 8; i += 7) b[i] ^= 0x5a;
  return b;
}

function badChecksum(): Buffer {
  const tar = makeTar([{ name: 'f', content: 'abc' }]);
  tar[0] = 'g'.charCodeAt(0);
  return tar;
}

for (const [name, bytes, reason] of cases) {
  test(`import refuses ${name} and leaves the store as it was`, () => {
    const before = snapshot(t.root);
    const file = join(t.scratch, 'bad.tar');
    writeFileSync(file, bytes);
    const r = runStrata(['import', file, 'bad'], opts);
    assert.is(r.status, 1, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^strata: /);
    assert.match(lines[0]!, reason);
    assert.equal(snapshot(t.root), before);
    assert.equal(readdirSync(target), ['sentinel']);
    assert.is(runStrata(['check'], opts).stdout.toString(), '');
  });
}

test('an absolute name is taken as relative to the layer root, as GNU tar and Docker take it', () => {
  const file = join(t.scratch, 'absolute.tar');
  writeFileSync(file, makeTar([{ name: `${target}/x`, content: 'inside' }]));
  strataOk(['import', file, 'absolute'], opts);
  assert.equal(readdirSync(target), ['sentinel']);
  assert.is(strataOk(['cat', `absolute:${target}/x`], opts).text, 'inside');
});

test('a symlink loop is stored as data and never followed', () => {
  const file = join(t.scratch, 'loop.tar');
  writeFileSync(file, makeTar([{ name: 'a', type: 'symlink', linkName: 'b' }, { name: 'b', type: 'symlink', linkName: 'a' }]));
  strataOk(['import', file, 'loop'], opts);
  const r = runStrata(['cat', 'loop:/a'], opts);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^strata: .*(symbolic links|ELOOP|loop)/i);
  assert.match(strataOk(['ls', '-l', 'loop:/'], opts).text, /a -> b/);
  assert.is(runStrata(['check'], opts).status, 0);
});

test('nothing outside the store was created', () => {
  assert.equal(readdirSync(target), ['sentinel']);
  assert.is(execFileSync('cat', [join(target, 'sentinel')]).toString(), 'untouched');
});

test.after(() => t.cleanup());
test.run();
