// The Import view's job against a real store: a tarball imported with progress, an archive told
// from a rootfs, and a cancelled import that leaves the store exactly as it was.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '../../src/store/store.js';
import { listImageRows } from '../../tui/data/image-rows.js';
import { ImportCancelled, importKindOf, runImport, suggestedName, type ImportProgress } from '../../tui/data/import-job.js';
import { tempStore } from '../helpers/cli.js';

function rootfsTar(dir: string, files: number): string {
  const root = join(dir, 'rootfs');
  mkdirSync(join(root, 'etc'), { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(join(root, 'etc', `f${i}`), Buffer.alloc(4096, i % 256));
  const tar = join(dir, 'rootfs.tar');
  execFileSync('tar', ['-C', root, '-cf', tar, '.']);
  return tar;
}

/** Everything in the store but its format marker, as relative paths. */
function storeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) walk(join(dir, e.name), r);
    }
  };
  walk(root, '');
  return out.sort();
}

test('runImport: a rootfs tarball becomes a tagged image, with progress of bytes and entries toward the size', async () => {
  const t = tempStore();
  try {
    const store = await openStore(t.root);
    const tar = rootfsTar(t.scratch, 20);
    const seen: ImportProgress[] = [];
    const made = await runImport(store, { path: tar, name: 'mine:1' }, (p) => seen.push(p), new AbortController().signal);
    assert.equal(made, ['mine:1']);
    assert.ok(listImageRows(store).some((r) => r.ref === 'mine:1' && r.layers === 1));
    const last = seen[seen.length - 1]!;
    assert.ok(last.entries >= 21 && last.bytes > 20 * 4096, JSON.stringify(last));
    assert.ok(last.total !== undefined && last.bytes <= last.total);
  } finally {
    t.cleanup();
  }
});

test('runImport: Esc (the signal) cancels mid-way and nothing is left behind', async () => {
  const t = tempStore();
  try {
    const store = await openStore(t.root);
    const before = storeFiles(t.root);
    const tar = rootfsTar(t.scratch, 1000);
    const abort = new AbortController();
    let calls = 0;
    const job = runImport(store, { path: tar, name: 'gone:1' }, () => {
      if (++calls === 1) abort.abort();
    }, abort.signal);
    await job.then(() => assert.unreachable('the import finished'), (err: unknown) => assert.instance(err, ImportCancelled));
    assert.equal(storeFiles(t.root), before);
  } finally {
    t.cleanup();
  }
});

test('importKindOf: a directory or a tar holding oci-layout / manifest.json is an archive; else a rootfs', async () => {
  const t = tempStore();
  try {
    const tar = rootfsTar(t.scratch, 1);
    assert.is(await importKindOf(tar), 'rootfs');
    assert.is(await importKindOf(t.scratch), 'archive');
    const archiveDir = join(t.scratch, 'archive');
    mkdirSync(archiveDir);
    writeFileSync(join(archiveDir, 'manifest.json'), '[]');
    const archive = join(t.scratch, 'image.tar');
    execFileSync('tar', ['-C', archiveDir, '-cf', archive, 'manifest.json']);
    assert.is(await importKindOf(archive), 'archive');
  } finally {
    t.cleanup();
  }
});

test('suggestedName: the file name without tar and compression suffixes, as a valid name', () => {
  assert.is(suggestedName('/x/Alpine-MiniRootFS-3.20.tar.gz'), 'alpine-minirootfs-3.20');
  assert.is(suggestedName('debian.tgz'), 'debian');
  assert.is(suggestedName('rootfs.tar.zst'), 'rootfs');
});

test.run();
