// Container records: publication, names (unique, generated, stale ones taken over), lookup by
// id / name / prefix, the state a dead strata leaves, removal, and rmi refusing a used image.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/store.js';
import { encodeConfig, writeImage } from '../../src/store/images.js';
import { setTag } from '../../src/store/tags.js';
import { prune, removeImages } from '../../src/store/gc.js';
import {
  createContainer, deleteContainer, effectiveRecord, findContainer, listContainers, readContainer, updateContainer,
} from '../../src/runtime/containers/records.js';
import { generatedName } from '../../src/runtime/containers/names.js';

async function freshStore(): Promise<{ store: Store; image: string }> {
  const store = await openStore(join(mkdtempSync(join(tmpdir(), 'strata-ctr-')), 'store'));
  const image = writeImage(store, encodeConfig({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })).id;
  setTag(store, 'empty:latest', image);
  return { store, image };
}

const spec = (image: string, name?: string) => ({ image, imageRef: 'empty', command: ['true'], driver: 'copy' as const, ...(name ? { name } : {}) });

function deadIdentity(): string {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return `${r.stdout.toString().trim()}.1`;
}

test('createContainer publishes a record with a 32-char id and a generated name', async () => {
  const { store, image } = await freshStore();
  const rec = await createContainer(store, spec(image), (dir) => mkdirSync(join(dir, 'upper')));
  assert.match(rec.id, /^[0-9a-z]{32}$/);
  assert.match(rec.name, /^[a-z]+_[a-z]+$/);
  assert.is(rec.state, 'created');
  assert.ok(existsSync(join(store.paths.container(rec.id), 'upper')));
  assert.equal(readContainer(store, rec.id), rec);
  assert.equal(readdirSync(store.paths.staging), []);
});

test('a name is unique; a failed populate releases it and leaves nothing', async () => {
  const { store, image } = await freshStore();
  await createContainer(store, spec(image, 'web'), () => {});
  try {
    await createContainer(store, spec(image, 'web'), () => {});
    assert.unreachable();
  } catch (err) {
    assert.match(String(err), /name "web" is already in use/);
  }
  try {
    await createContainer(store, spec(image, 'db'), () => { throw new Error('boom'); });
    assert.unreachable();
  } catch (err) {
    assert.match(String(err), /boom/);
  }
  assert.equal(readdirSync(store.paths.names).sort(), ['web']);
  assert.is(listContainers(store).length, 1);
  await createContainer(store, spec(image, 'db'), () => {});
});

test('a name left by a dead process without a container is taken over', async () => {
  const { store, image } = await freshStore();
  mkdirSync(store.paths.names, { recursive: true });
  writeFileSync(store.paths.name('ghost'), `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ${deadIdentity()}\n`);
  const rec = await createContainer(store, spec(image, 'ghost'), () => {});
  assert.is(findContainer(store, 'ghost').id, rec.id);
});

test('invalid names are refused', async () => {
  const { store, image } = await freshStore();
  for (const bad of ['-x', 'a b', 'a/b', '.x']) {
    try {
      await createContainer(store, spec(image, bad), () => {});
      assert.unreachable(bad);
    } catch (err) {
      assert.match(String(err), /invalid value ".*" for --name|already/, bad);
    }
  }
});

test('findContainer: full id, name, unique prefix; ambiguity and absence are errors', async () => {
  const { store, image } = await freshStore();
  const a = await createContainer(store, spec(image, 'alpha'), () => {});
  assert.is(findContainer(store, a.id).id, a.id);
  assert.is(findContainer(store, 'alpha').id, a.id);
  assert.is(findContainer(store, a.id.slice(0, 12)).id, a.id);
  for (let i = 0; i < 40; i++) await createContainer(store, spec(image), () => {});
  // 41 ids over 36 first characters: some first character repeats.
  const firsts = listContainers(store).map((c) => c.id[0]!);
  const repeated = firsts.find((ch, i) => firsts.indexOf(ch) !== i)!;
  assert.throws(() => findContainer(store, repeated), /ambiguous/);
  assert.throws(() => findContainer(store, 'nosuch'), /container "nosuch" not found/);
});

test('a running container whose strata died shows as exited (255)', async () => {
  const { store, image } = await freshStore();
  const rec = await createContainer(store, spec(image), () => {});
  updateContainer(store, rec.id, { state: 'running', owner: deadIdentity(), started: new Date().toISOString() });
  const seen = effectiveRecord(readContainer(store, rec.id));
  assert.is(seen.state, 'exited');
  assert.is(seen.exitCode, 255);
  // While its strata lives (this process), it is running.
  updateContainer(store, rec.id, { owner: rec.owner! });
  assert.is(effectiveRecord(readContainer(store, rec.id)).state, 'running');
});

test('deleteContainer removes the directory and frees the name', async () => {
  const { store, image } = await freshStore();
  const rec = await createContainer(store, spec(image, 'gone'), (dir) => mkdirSync(join(dir, 'rootfs')));
  await deleteContainer(store, rec);
  assert.not.ok(existsSync(store.paths.container(rec.id)));
  assert.equal(readdirSync(store.paths.names), []);
  assert.equal(readdirSync(store.paths.staging), []);
  assert.is(updateContainer(store, rec.id, { state: 'exited' }), undefined);
});

test('rmi refuses an image a container uses; -f removes only its tag; prune keeps it', async () => {
  const { store, image } = await freshStore();
  const rec = await createContainer(store, spec(image), () => {});
  try {
    await removeImages(store, ['empty']);
    assert.unreachable();
  } catch (err) {
    assert.match(String(err), /used by container/);
  }
  const forced = await removeImages(store, ['empty'], { force: true });
  assert.equal(forced.untagged, ['empty:latest']);
  assert.equal(forced.deletedImages, []);
  assert.equal((await prune(store)).deletedImages, []);
  await deleteContainer(store, rec);
  assert.equal((await prune(store)).deletedImages, [image]);
});

test('a container cannot be published once its image is gone', async () => {
  const { store, image } = await freshStore();
  await removeImages(store, ['empty']);
  try {
    await createContainer(store, spec(image, 'late'), () => {});
    assert.unreachable();
  } catch (err) {
    assert.match(String(err), /was removed/);
  }
  assert.equal(readdirSync(store.paths.names), []);
});

test('generatedName adds digits after collisions', () => {
  assert.match(generatedName(0), /^[a-z]+_[a-z]+$/);
  assert.match(generatedName(5), /^[a-z]+_[a-z]+\d+$/);
});

test.run();
