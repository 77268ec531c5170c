// What an open store is, as every function of the library takes it, and the rootless owner
// mapping it may carry. Kept apart from store.ts (which opens a store) so that the modules
// store.ts itself uses, staging.ts and mapped-owners.ts, name the type without importing it back.

import type { IndexEntry } from '../base/layer-index.js';
import type { StorePaths } from './paths.js';

export interface Store {
  readonly root: string;
  readonly paths: StorePaths;
  /** Rootless with subordinate ids: layers carry shifted image owners (mapped-owners.ts). */
  readonly mapped?: MappedOwners;
  /** syncfs(2) of the filesystem holding `path`: what `durable.ts` puts a published tree on the
   * disk with. Node.js has no binding for it; without one, every file is synced on its own. */
  readonly syncFilesystem?: (store: Store, path: string) => Promise<void>;
}

export interface MappedOwners {
  /** The ranges, as ROOT/idmap records them: "uid START COUNT\ngid START COUNT\n". */
  readonly ranges: string;
  /** The host uid and gid of image ids (undefined: outside the mapped range). */
  hostUid(id: number): number | undefined;
  hostGid(id: number): number | undefined;
  /** Give files under `root` (by their paths) the owners their entries record; hard links
   * share their first path's inode and are passed over. */
  own(store: Store, root: string, entries: Iterable<IndexEntry>): Promise<void>;
  /** rm -rf of a tree holding files of mapped owners. */
  remove(store: Store, path: string): Promise<void>;
  /** The whole content of a file the caller cannot open itself (path: host bytes). */
  read(store: Store, path: Buffer): Promise<Buffer>;
}
