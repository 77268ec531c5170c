// The store's layout on disk, in one place.
//
//   ROOT/format                     format-version marker ("strata-store 1")
//   ROOT/creating                   only while the store is being created (store.ts)
//   ROOT/layers/<hex>/              one published layer (immutable), hex = its diff_id
//       rootfs/                     the layer's files
//       index.json                  its LayerIndex
//       tar-split                   what it takes to give its tar back byte for byte
//       layer.json                  LayerInfo
//   ROOT/images/<hex>.json          an image: its OCI config blob; hex = sha256 of these bytes = image id
//   ROOT/tags/<escaped name:tag>    a tag: the file holds the image id (one file a tag: no lock)
//   ROOT/digests/<escaped name@sha256:…>  a RepoDigest: the image a registry manifest is (repo-digests.ts)
//   ROOT/stacks/<sha256>            cache: the indexes of a layer stack (>1 layer) in one file,
//                                   so a 256-layer image opens with one read, not 256
//   ROOT/stacks/<sha256>.paths      cache: the paths of a stack's merged view with their types, sorted
//                                   (resolver/path-table.ts), so `diff` needs no view of the image
//   ROOT/sources/<size>/<sha256>    a tarball imported before (raw bytes' digest) -> its diff_id
//   ROOT/staging/<owner>.<rand>     work in progress of a live process (a directory, or a file
//                                   about to be renamed or linked into place); removed when it is dead
//   ROOT/leases/<owner>.<rand>      ids an in-flight operation uses; garbage collection keeps them
//   ROOT/locks/<name>               short exclusive sections (garbage collection, a container's
//                                   pause); the file holds its owner
//   ROOT/helper/strata-helper-<hex> the native helper, extracted from the binary; hex = its sha256
//   ROOT/containers/<id>/           one container (runtime/containers/records.ts): container.json,
//                                   its writable layer (upper/ + work/ or rootfs/), files it mounts
//   ROOT/names/<name>               a container name, taken with O_EXCL: "<id> <owner>"
//   ROOT/exited/<id>/               what `wait` and `logs` need of a detached container removed at
//                                   its exit (-d --rm): exit.json and its logs, kept for a while
//                                   (runtime/containers/exit-notes.ts)
//   ROOT/idmap                      rootless: the subordinate ids the layers' owners are shifted
//                                   into ("uid START COUNT\ngid START COUNT\n", mapped-owners.ts)
//   ROOT/build-cache/               the build cache's entries and RUN's cache mounts (build-cache.ts)
//   ROOT/overlay/<hex>/             what the overlay driver adds to a layer (its whiteouts, opaque
//                                   dirs and device nodes, which the layer dir does not hold);
//                                   derived from the layer's index once, removed with the layer

import { join } from 'node:path';
import { StrataError } from '../base/errors.js';
import { isHex64 } from './ids.js';

export const STORE_FORMAT = 'strata-store 1';

/** The 64 hex digits of an id ("sha256:" optional) that name its file or directory. Anything else
 * is refused here, the last step before a path: an id from a damaged record must never climb out
 * of its directory ("sha256:../../x"). Readers validate their records first, with a better message. */
export function hexOf(id: string): string {
  const hex = id.startsWith('sha256:') ? id.slice(7) : id;
  if (!isHex64(hex)) throw new StrataError(`${JSON.stringify(id)} is not an id (sha256: and 64 lowercase hex digits); run strata check`);
  return hex;
}

export const storePaths = (root: string) => ({
  root,
  format: join(root, 'format'),
  layers: join(root, 'layers'),
  layer: (diffId: string) => join(root, 'layers', hexOf(diffId)),
  images: join(root, 'images'),
  image: (id: string) => join(root, 'images', `${hexOf(id)}.json`),
  tags: join(root, 'tags'),
  tag: (ref: string) => join(root, 'tags', encodeURIComponent(ref)),
  digests: join(root, 'digests'),
  repoDigest: (ref: string) => join(root, 'digests', encodeURIComponent(ref)),
  stacks: join(root, 'stacks'),
  sources: join(root, 'sources'),
  staging: join(root, 'staging'),
  leases: join(root, 'leases'),
  locks: join(root, 'locks'),
  helper: join(root, 'helper'),
  containers: join(root, 'containers'),
  container: (id: string) => join(root, 'containers', id),
  names: join(root, 'names'),
  exited: join(root, 'exited'),
  name: (name: string) => join(root, 'names', name),
  idMap: join(root, 'idmap'),
  overlay: join(root, 'overlay'),
  overlayMarks: (diffId: string) => join(root, 'overlay', hexOf(diffId)),
});

export type StorePaths = ReturnType<typeof storePaths>;

/** The names a store's root may hold (above), and nothing else. */
export const STORE_ENTRIES: ReadonlySet<string> = new Set([
  'format', 'creating', 'layers', 'images', 'tags', 'digests', 'stacks', 'sources', 'staging', 'leases', 'locks', 'helper',
  'containers', 'names', 'exited', 'idmap', 'overlay', 'build-cache',
]);
