// Store records are untrusted input, through dist/strata: each record is damaged or planted the
// way a hand edit, a disk error or a restored backup would, and the commands that read it must
// refuse it with one line (never use it, never read a file outside the store), while `check`
// names each problem. After each attack the record is put back and the store is sound again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTar } from '../import/tar-fixtures.js';
import { runStrata, strataOk, tempStore, type StrataResult } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;
const strata = (...args: string[]) => runStrata(args, opts);

const busyboxId: string = JSON.parse(ok('inspect', 'busybox'))[0].Id;
const hex = busyboxId.slice(7);
const configPath = join(t.root, 'images', `${hex}.json`);
const [busyboxLayer] = JSON.parse(ok('inspect', 'busybox'))[0].RootFS.Layers as string[];
const layerDir = join(t.root, 'layers', busyboxLayer!.slice(7));

/** Busybox's config with another command, outside the store: what a planted id would point at. */
const outside = join(t.scratch, 'outside.json');
const outsideConfig = JSON.parse(readFileSync(configPath, 'utf8'));
outsideConfig.config = { ...outsideConfig.config, Cmd: ['echo', 'from-outside'] };
writeFileSync(outside, JSON.stringify(outsideConfig));
/** "sha256:" + a path from images/ to `outside` (without .json): a tag or record's planted id. */
const climbingId = 'sha256:../../scratch/outside';

/** Replaces a file for the length of `fn`, then puts the original back. */
function tampered(path: string, content: string | Buffer, fn: () => void): void {
  const original = readFileSync(path);
  const mode = statSync(path).mode;
  writeFileSync(path, content);
  try {
    fn();
  } finally {
    writeFileSync(path, original, { mode });
  }
}

/** A failure with one "strata: …" line saying the record is damaged and pointing to check. */
function assertDamaged(r: StrataResult, status: number, what: RegExp): void {
  assert.is(r.status, status, r.stderr);
  assert.match(r.stderr, /^strata: [^\n]* is damaged \([^\n]*\); run strata check\n$/);
  assert.match(r.stderr, what);
  assert.not.match(r.stdout.toString(), /from-outside|ROOT:x/);
}

/** `check` fails and one of its lines matches each pattern. */
function assertCheckReports(...patterns: RegExp[]): void {
  const r = strata('check');
  assert.is(r.status, 1, 'check must fail');
  const lines = r.stdout.toString().trim().split('\n');
  for (const p of patterns) assert.ok(lines.some((l) => p.test(l)), `check: no line matches ${p}:\n${r.stdout}`);
}

test('a tag holding sha256:../../… is never followed out of the store: run and inspect refuse it; check reports it', () => {
  tampered(join(t.root, 'tags', 'busybox%3Alatest'), `${climbingId}\n`, () => {
    assertDamaged(strata('run', '--rm', 'busybox'), 125, /tag busybox:latest/);
    assertDamaged(strata('inspect', 'busybox'), 1, /tag busybox:latest/);
    assert.not.match(ok('images'), /busybox/);
    assertCheckReports(/^tag busybox:latest: it holds "sha256:\.\.\/\.\.\/scratch\/outside", not an image id$/);
  });
  // rmi removes a damaged tag: it is only a name.
  const planted = join(t.root, 'tags', 'planted%3Alatest');
  writeFileSync(planted, `${climbingId}\n`);
  assert.is(ok('rmi', 'planted'), 'Untagged: planted:latest\n');
  assert.not.ok(existsSync(planted));
});

test('a config edited in place is not run, inspected or saved under its old id; check reports it', () => {
  const edited = readFileSync(configPath, 'utf8').replace('"Cmd":["sh"]', '"Cmd":["echo","from-outside"]');
  assert.ok(edited.includes('from-outside'), 'the config has a Cmd to change');
  tampered(configPath, edited, () => {
    assertDamaged(strata('run', '--rm', 'busybox'), 125, new RegExp(`image ${busyboxId}`));
    assertDamaged(strata('inspect', busyboxId), 1, /its config hashes to sha256:/);
    const archive = join(t.scratch, 'saved.tar');
    assertDamaged(strata('save', 'busybox', '-o', archive), 1, /its config hashes to/);
    assert.not.ok(existsSync(archive), 'no archive written');
    assertDamaged(strata('save', '--format', 'oci', 'busybox'), 1, /its config hashes to/);
    assertCheckReports(new RegExp(`^image ${busyboxId}: its config hashes to sha256:[0-9a-f]{64} \\(it changed after it was stored\\)$`));
  });
});

test('cat refuses a layer file whose content no longer matches its index, same size or not; check reports it', () => {
  const passwd = join(layerDir, 'rootfs/etc/passwd');
  const original = readFileSync(passwd, 'utf8');
  for (const changed of [original.replace('root:', 'ROOT:'), original + 'extra:x:5:5::/:/bin/sh\n']) {
    tampered(passwd, changed, () => {
      const r = strata('cat', 'busybox:/etc/passwd');
      assertDamaged(r, 1, /\/etc\/passwd no longer matches the layer's index/);
      assert.is(r.stdout.length, 0, 'not a byte of it');
      assertCheckReports(new RegExp(`^layer ${busyboxLayer}: /etc/passwd: (content digest|size) `));
    });
  }
  assert.match(ok('cat', 'busybox:/etc/passwd'), /^root:x:0:0:/);
});

test('an index whose path climbs out of the layer is refused by every reader; check reports it', () => {
  const indexPath = join(layerDir, 'index.json');
  const index = JSON.parse(readFileSync(indexPath, 'utf8'));
  const row = index.entries.find((r: unknown[]) => r[0] === '/etc/passwd');
  row[0] = '/etc/../../../../../../../../etc/hostname';
  row[5] = readFileSync('/etc/hostname').length;
  tampered(indexPath, JSON.stringify(index), () => {
    for (const args of [['tree', 'busybox'], ['ls', 'busybox:/etc'], ['export', 'busybox', '-o', join(t.scratch, 'flat.tar')]]) {
      assertDamaged(strata(...args), 1, /index\.json: entry "\/etc\/\.\.\/[^"]*": not a path inside the layer/);
    }
    assert.not.ok(existsSync(join(t.scratch, 'flat.tar')));
    assertCheckReports(new RegExp(`^layer ${busyboxLayer}: index\\.json: entry `));
  });
});

test('a layer record that names another layer or holds no size is refused; check reports it', () => {
  const info = join(layerDir, 'layer.json');
  const record = JSON.parse(readFileSync(info, 'utf8'));
  for (const [change, reason] of [
    [{ diffId: climbingId }, /layer\.json names "sha256:\.\.\/\.\.\/scratch\/outside"/],
    [{ size: -1 }, /layer\.json has size -1/],
  ] as const) {
    tampered(info, JSON.stringify({ ...record, ...change }), () => {
      assertDamaged(strata('history', 'busybox'), 1, reason);
      assertDamaged(strata('images'), 1, reason);
      assertCheckReports(new RegExp(`^layer ${busyboxLayer}: ${reason.source}`));
    });
  }
});

test('a record of an imported tarball that holds no diff_id is not followed: the tarball is unpacked again; check reports it', () => {
  const tar = join(t.scratch, 'small.tar');
  writeFileSync(tar, makeTar([{ name: 'hello', content: 'hello\n' }]));
  const id = ok('import', tar, 'small').trim();
  const sizeDir = join(t.root, 'sources', String(statSync(tar).size));
  const [record] = readdirSync(sizeDir);
  tampered(join(sizeDir, record!), `${climbingId}\n`, () => {
    assertCheckReports(new RegExp(`^${join(sizeDir, record!)}: not a record of an imported tarball$`));
    assert.is(ok('import', tar, 'small').trim(), id);
  });
  ok('rmi', 'small');
});

test('a container-name record holding ../../ never reaches a directory outside the store: rm refuses it', () => {
  const fake = join(t.scratch, 'fake-container');
  mkdirSync(fake);
  writeFileSync(join(fake, 'container.json'), JSON.stringify({
    id: '../../scratch/fake-container', name: 'planted', image: busyboxId, imageRef: 'busybox', command: ['true'],
    created: new Date().toISOString(), driver: 'overlay', state: 'exited', exitCode: 0,
  }));
  mkdirSync(join(t.root, 'names'), { recursive: true });
  const nameRecord = join(t.root, 'names', 'planted');
  writeFileSync(nameRecord, '../../scratch/fake-container 1.1\n');
  try {
    assertDamaged(strata('rm', 'planted'), 1, /container name "planted"/);
    assert.ok(existsSync(join(fake, 'container.json')), 'the directory outside the store is still there');
    assertCheckReports(new RegExp(`^${nameRecord}: not a record of a container name$`));
  } finally {
    rmSync(nameRecord);
  }
});

test('a container record naming an image outside the store, or pid 1, is not used; check reports it', () => {
  ok('run', '--name', 'victim', 'busybox', 'true');
  const id = JSON.parse(ok('ps', '-a', '--no-trunc', '--json').trim().split('\n')[0]!).ID as string;
  const recordPath = join(t.root, 'containers', id, 'container.json');
  const record = JSON.parse(readFileSync(recordPath, 'utf8'));
  tampered(recordPath, JSON.stringify({ ...record, image: climbingId }), () => {
    assertDamaged(strata('diff', 'victim'), 1, /image "sha256:\.\.\/\.\.\/scratch\/outside" is not an image id/);
    assertDamaged(strata('start', 'victim'), 1, /is not an image id/);
    assertCheckReports(new RegExp(`^container ${id.slice(0, 12)}: image `));
  });
  tampered(recordPath, JSON.stringify({ ...record, pid: 1 }), () => {
    assertDamaged(strata('kill', 'victim'), 1, /pid 1/);
    assertCheckReports(new RegExp(`^container ${id.slice(0, 12)}: pid 1$`));
  });
  ok('rm', 'victim');
});

test('a stack cache that does not parse is made again; one that parses but is not its layers\' is reported by check', () => {
  ok('run', '--name', 'two-layers', 'busybox', 'touch', '/added');
  const imageId = ok('commit', 'two-layers', 'two:1').trim();
  ok('rm', 'two-layers');
  const tree = ok('tree', 'two:1');
  const stacks = join(t.root, 'stacks');
  const cache = join(stacks, readdirSync(stacks).find((n) => !n.endsWith('.paths'))!);
  const lines = readFileSync(cache, 'utf8').split('\n');
  tampered(cache, 'not json\nat all', () => {
    assert.is(ok('tree', 'two:1'), tree);
  });
  tampered(cache, [...lines].reverse().join('\n'), () => {
    assertCheckReports(new RegExp(`^image ${imageId}: its stack cache differs from its layers' indexes `));
  });
  ok('rmi', 'two:1');
});

test('check is clean once every record is back', () => {
  const r = strata('check');
  assert.is(r.stdout.toString() + r.stderr, '');
  assert.is(r.status, 0);
});

test.run();
