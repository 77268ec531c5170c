// save, load, export, efficiency and tree --layer through dist/strata.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTar } from '../import/tar-fixtures.js';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const a = tempStore();
const b = tempStore();
const ok = (root: string, ...args: string[]) => strataOk(args, { root }).text;

test('save -o writes a docker-archive whose layer digests are the diff_ids; load takes it into another store', () => {
  const out = join(a.scratch, 'bb.tar');
  ok(a.root, 'save', 'busybox', '-o', out);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', out, 'manifest.json']).toString());
  assert.equal(manifest[0].RepoTags, ['busybox:latest']);
  const [rec] = JSON.parse(ok(a.root, 'inspect', 'busybox'));
  const layerBytes = execFileSync('tar', ['-xOf', out, manifest[0].Layers[0]], { maxBuffer: 1 << 30 });
  assert.is('sha256:' + createHash('sha256').update(layerBytes).digest('hex'), rec.RootFS.Layers[0]);
  assert.is(ok(b.root, 'load', out, 'copy'), 'Loaded image: copy:latest\n');
  assert.is(JSON.parse(ok(b.root, 'inspect', 'copy'))[0].Id, rec.Id);
  // Saving twice gives the same bytes.
  ok(a.root, 'save', 'busybox', '-o', out + '.2');
  assert.ok(readFileSync(out).equals(readFileSync(out + '.2')));
});

test('save --format oci puts index.json and oci-layout at the root of the tar; to stdout when redirected', () => {
  const r = runStrata(['save', '--format', 'oci', 'busybox'], { root: a.root });
  assert.is(r.status, 0, r.stderr);
  const file = join(a.scratch, 'oci.tar');
  writeFileSync(file, r.stdout);
  const names = execFileSync('tar', ['-tf', file]).toString().split('\n');
  assert.ok(names.includes('index.json') && names.includes('oci-layout'));
});

test('export writes the merged view, which GNU tar extracts', () => {
  const layers = join(a.scratch, 'layers');
  mkdirSync(layers);
  const out = join(a.scratch, 'flat.tar');
  ok(a.root, 'export', 'busybox', '-o', out);
  execFileSync('tar', ['-xpf', out, '-C', layers]);
  const tree = ok(a.root, 'tree', 'busybox').trim().split('\n');
  const extracted = execFileSync('find', ['.', '-mindepth', '1'], { cwd: layers }).toString().trim().split('\n').map((p) => p.slice(1)).sort();
  assert.equal(extracted, [...tree].sort());
});

test('efficiency reports waste and --lowest-efficiency gates on it; tree --layer cuts the stack', () => {
  // A two-layer image via docker-archive: layer 0 adds /big, layer 1 deletes it.
  const dir = join(a.scratch, 'two');
  mkdirSync(join(dir, 'blobs'), { recursive: true });
  const l0 = makeTar([{ name: 'big', content: Buffer.alloc(4000, 1) }, { name: 'keep', content: 'k' }]);
  const l1 = makeTar([{ name: '.wh.big', content: '' }]);
  const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');
  writeFileSync(join(dir, 'l0.tar'), l0);
  writeFileSync(join(dir, 'l1.tar'), l1);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: {},
    rootfs: { type: 'layers', diff_ids: [`sha256:${sha(l0)}`, `sha256:${sha(l1)}`] },
    history: [{ created_by: 'ADD big' }, { created_by: 'RUN rm big' }],
  }));
  writeFileSync(join(dir, 'config.json'), config);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: ['waste:1'], Layers: ['l0.tar', 'l1.tar'] }]));
  const archive = join(a.scratch, 'two.tar');
  execFileSync('tar', ['-cf', archive, '-C', dir, 'manifest.json', 'config.json', 'l0.tar', 'l1.tar']);
  assert.is(ok(a.root, 'load', archive), 'Loaded image: waste:1\n');
  assert.equal(ok(a.root, 'tree', 'waste:1').trim().split('\n'), ['/keep']);
  assert.equal(ok(a.root, 'tree', '--layer', '0', 'waste:1').trim().split('\n'), ['/big', '/keep']);
  const report = JSON.parse(ok(a.root, 'efficiency', '--json', 'waste:1'));
  assert.is(report.wastedBytes, 8000);
  assert.equal(report.wastedPaths[0], { path: '/big', copies: 2, totalBytes: 8000 });
  assert.match(ok(a.root, 'efficiency', 'waste:1'), /^Efficiency: 50\.0\d+ %\nWasted space: 8kB/);
  const gate = runStrata(['efficiency', '--lowest-efficiency', '0.9', 'waste:1'], { root: a.root });
  assert.is(gate.status, 1);
  assert.match(gate.stderr, /below the lowest allowed 0.9/);
  assert.is(runStrata(['efficiency', '--lowest-efficiency', '0.4', 'waste:1'], { root: a.root }).status, 0);
  assert.match(ok(a.root, 'history', 'waste:1'), /RUN rm big[\s\S]*ADD big/);
  const outOfRange = runStrata(['tree', '--layer', '5', 'waste:1'], { root: a.root });
  assert.is(outOfRange.status, 2);
  assert.is(outOfRange.stderr, 'strata: invalid value "5" for --layer: a layer of the image from 0 to 1\n');
});

test('load of a damaged archive leaves the store as it was', () => {
  const before = readdirSync(join(b.root, 'layers')).length;
  const file = join(b.scratch, 'junk.tar');
  execFileSync('tar', ['-cf', file, '-C', '/etc', 'hostname']);
  const r = runStrata(['load', file], { root: b.root });
  assert.is(r.status, 1);
  assert.is(r.stderr.trim().split('\n').length, 1);
  assert.is(readdirSync(join(b.root, 'layers')).length, before);
  assert.is(runStrata(['check'], { root: b.root }).status, 0);
});

test.after(() => {
  a.cleanup();
  b.cleanup();
});
test.run();
