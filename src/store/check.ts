// `strata check`: is the store sound? Its records are (check-records.ts: the format marker, tags,
// image configs against their ids, stray names); every layer's record and index are well formed,
// its files agree with its index (type, size, mode, owner, link target, content digest), nothing
// is in its directory that the index does not list, and its tar replays to exactly its diff_id.
// Layers no image uses, and leftovers of interrupted work, are problems too: a failed operation
// must leave none.

import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, constants } from 'node:fs';
import { createXXHash128 } from 'hash-wasm';
import { bufferOf, displayPath } from '../base/byte-path.js';
import { oneLine } from '../base/errors.js';
import type { IndexEntry } from '../base/layer-index.js';
import { replayLayerTar } from '../import/tar-split.js';
import { refusedByOwner, unreadableFiles } from './mapped-owners.js';
import { imageProblems, layoutProblems, reasonOf, strayProblems, tagProblems } from './check-records.js';
import { leasedIds } from './lease.js';
import { cacheRecords } from './build-cache.js';
import { layerRootfs, listLayers, readLayerIndex, readLayerInfo } from './layers.js';
import { hexOf } from './paths.js';
import type { Store } from './types.js';

export async function checkStore(store: Store): Promise<string[]> {
  const layout = layoutProblems(store);
  if (!layout.complete) return layout.problems;
  const problems = [...layout.problems, ...tagProblems(store)];
  const leased = leasedIds(store);
  const images = imageProblems(store);
  problems.push(...images.problems);
  const cache = cacheRecords(store);
  problems.push(...cache.problems);
  for (const diffId of listLayers(store)) {
    if (!images.used.has(diffId) && !leased.has(diffId) && !cache.layers.has(diffId)) problems.push(`layer ${diffId}: no image uses it (strata prune removes it, and the build cache entries naming it)`);
    try {
      problems.push(...(await checkLayer(store, diffId)).map((p) => `layer ${diffId}: ${p}`));
    } catch (err) {
      problems.push(`layer ${diffId}: ${reasonOf(err)}`);
    }
  }
  problems.push(...strayProblems(store));
  return problems;
}

async function checkLayer(store: Store, diffId: string): Promise<string[]> {
  const problems: string[] = [];
  try {
    readLayerInfo(store, diffId);
  } catch (err) {
    problems.push(reasonOf(err));
  }
  const index = readLayerIndex(store, diffId);
  const rootfs = layerRootfs(store, diffId);
  const hasher = await createXXHash128();
  const owners = expectedOwners(store);
  for (const e of index.entries.values()) {
    const problem = await checkEntry(store, rootfs, e, hasher, owners);
    if (problem) problems.push(`${displayPath(e.path)}: ${problem}`);
  }
  for (const path of walk(store, rootfs, '')) {
    if (!index.entries.has(path as IndexEntry['path'])) problems.push(`${displayPath(path)}: on disk but not in the index`);
  }
  const sha = createHash('sha256');
  try {
    for await (const chunk of replayLayerTar(store.paths.layer(diffId), unreadableFiles(store))) sha.update(chunk);
  } catch (err) {
    // Reported after what the entries' checks found, which say which files are wrong.
    problems.push(`its tar cannot be replayed: ${oneLine(err)}`);
    return problems;
  }
  const replayed = sha.digest('hex');
  if (replayed !== hexOf(diffId)) problems.push(`its tar replays to sha256:${replayed}`);
  return problems;
}

type Hasher = Awaited<ReturnType<typeof createXXHash128>>;

/** What a file's owner on disk must be, for an index owner: the same as root, shifted by the
 * subordinate ids in a rootless store that maps them (mapped-owners.ts); unknown otherwise. */
type Owners = ((uid: number, gid: number) => [number | undefined, number | undefined]) | undefined;

function expectedOwners(store: Store): Owners {
  if (process.getuid?.() === 0) return (uid, gid) => [uid, gid];
  const mapped = store.mapped;
  return mapped && ((uid, gid) => [mapped.hostUid(uid), mapped.hostGid(gid)]);
}

async function checkEntry(store: Store, rootfs: string, e: IndexEntry, hasher: Hasher, owners: Owners): Promise<string | undefined> {
  const host = Buffer.concat([Buffer.from(rootfs), bufferOf(e.path === '/' ? '' : e.path)]);
  if (e.type === 'char' || e.type === 'block' || e.type === 'fifo') return undefined; // index-only
  let st;
  try {
    st = lstatSync(host);
  } catch (err) {
    // Below a directory only its mapped owner may enter: that directory was checked itself.
    if (refusedByOwner(store, err)) return undefined;
    return `missing (${oneLine(err)})`;
  }
  const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
  if (type !== e.type) return `is a ${type} on disk, a ${e.type} in the index`;
  if (type !== 'symlink' && (st.mode & 0o7777) !== e.mode) return `mode ${(st.mode & 0o7777).toString(8)}, index says ${e.mode.toString(8)}`;
  const [uid, gid] = owners?.(e.uid, e.gid) ?? [st.uid, st.gid];
  if (e.hardlinkOf === undefined && (st.uid !== uid || st.gid !== gid)) return `owner ${st.uid}:${st.gid}, index says ${e.uid}:${e.gid}`;
  if (type === 'symlink' && readlinkSync(host, { encoding: 'latin1' }) !== e.linkTarget) return 'link target differs from the index';
  if (type === 'file') {
    if (st.size !== e.size) return `size ${st.size}, index says ${e.size}`;
    const digest = `xxh128:${await digestFile(store, host, hasher)}`;
    if (digest !== e.digest) return `content digest ${digest}, index says ${e.digest}`;
  }
  return undefined;
}

async function digestFile(store: Store, path: Buffer, hasher: Hasher): Promise<string> {
  hasher.init();
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (!refusedByOwner(store, err)) throw err;
    hasher.update(await store.mapped!.read(store, path));
    return hasher.digest('hex');
  }
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) hasher.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hasher.digest('hex');
}

/** Every path under `dir` as a BytePath relative to the layer root ("/a/b"), without following
 * links; directories only their mapped owner may list are passed over (checked themselves). */
function* walk(store: Store, root: string, rel: string): Generator<string> {
  let names;
  try {
    names = readdirSync(Buffer.concat([Buffer.from(root), bufferOf(rel)]), { encoding: 'buffer', withFileTypes: true });
  } catch (err) {
    if (rel !== '' && refusedByOwner(store, err)) return;
    throw err;
  }
  for (const d of names) {
    const path = `${rel}/${d.name.toString('latin1')}`;
    yield path;
    if (d.isDirectory()) yield* walk(store, root, path);
  }
}
