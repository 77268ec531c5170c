// Opening a store: where it is, creating it (mode 0700, format marker) in a new or empty directory
// only, refusing a layout this strata does not know or a directory that is not a store, and
// sweeping staging, leases and locks left by processes that died.

import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { StrataError, errnoOf } from '../base/errors.js';
import { STORE_ENTRIES, STORE_FORMAT, storePaths } from './paths.js';
import { sweepDeadLocks } from './lock.js';
import { isAlive, ownerOf } from './process-identity.js';
import { checkIdMap, removeStoredTree } from './mapped-owners.js';
import type { MappedOwners, Store } from './types.js';

export type { Store } from './types.js';

/** docs/DESIGN.md §3: --root, else $STRATA_ROOT, else /var/lib/strata for root, else $XDG_DATA_HOME/strata. */
export function defaultRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STRATA_ROOT) return env.STRATA_ROOT;
  if (process.getuid?.() === 0) return '/var/lib/strata';
  const data = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(data, 'strata');
}

export interface OpenOptions {
  /** Called once when the store is created, to seed it (the embedded busybox image). */
  readonly seed?: (store: Store) => Promise<void>;
  /** Rootless: the subordinate-id mapping layers get their owners through, if there is one. */
  readonly mapped?: () => Promise<MappedOwners | undefined>;
  /** syncfs(2) of the filesystem holding a path (Store.syncFilesystem). */
  readonly syncFilesystem?: (store: Store, path: string) => Promise<void>;
  /** Open a store that has lost its format marker as it is (nothing created, seeded or swept),
   * for `check` to report; every other command refuses it. */
  readonly unmarked?: boolean;
  /** The root was named by the user (--root, STRATA_ROOT): it is created only in a directory
   * that exists, so that a mistyped path is an error rather than a new tree of directories. */
  readonly named?: boolean;
}

export async function openStore(root: string, options: OpenOptions = {}): Promise<Store> {
  const mapped = await options.mapped?.();
  const store: Store = {
    root, paths: storePaths(root), ...(mapped ? { mapped } : {}),
    ...(options.syncFilesystem ? { syncFilesystem: options.syncFilesystem } : {}),
  };
  let format: string | undefined;
  try {
    format = readFileSync(store.paths.format, 'utf8').trim();
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw new StrataError(`cannot read store at ${root}`, { cause: err });
  }
  if (format === undefined) {
    const kind = unmarkedRoot(store);
    if (kind === 'new') await createStore(store, options);
    else if (kind === 'foreign') throw new StrataError(`${root} is not a strata store (it is not empty and has no format marker); refusing to use it`);
    else if (!options.unmarked) throw new StrataError(`store at ${root} has no format marker but holds layers or images; refusing to use it (run strata check)`);
  } else if (format !== STORE_FORMAT) {
    throw new StrataError(`store at ${root} has format "${format}"; this strata reads "${STORE_FORMAT}"`);
  } else {
    await sweepDeadWork(store);
  }
  checkIdMap(store);
  return store;
}

/**
 * What a root without a format marker is. A store is made only where strata made everything:
 * in a new or empty directory, or one whose creation was interrupted (its `creating` marker is
 * still there, beside nothing but a store's own names). A directory with anything else in it is someone else's — a 1777 scratch
 * directory, a home — and is never adopted: creating a store there would chmod it 0700 and add
 * files to it. A store that holds layers or images but lost its marker is not created again
 * over them either.
 */
function unmarkedRoot(store: Store): 'new' | 'unmarked store' | 'foreign' {
  const names = entriesOf(store.root);
  if (names === undefined || names.length === 0) return 'new';
  if (names.includes(CREATING) && names.every((n) => STORE_ENTRIES.has(n))) return 'new';
  const holds = (dir: string) => (entriesOf(dir) ?? []).some((n) => !n.startsWith('.tmp-'));
  return holds(store.paths.layers) || holds(store.paths.images) ? 'unmarked store' : 'foreign';
}

function entriesOf(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw new StrataError(`cannot read store at ${dir}`, { cause: err });
  }
}

/** Present while a store is being created; the format marker replaces it at the end. */
const CREATING = 'creating';

async function createStore(store: Store, options: OpenOptions): Promise<void> {
  const p = store.paths;
  if (options.named && !existsSync(dirname(p.root))) {
    throw new StrataError(`cannot create store at ${p.root}: ${dirname(p.root)} does not exist`);
  }
  try {
    mkdirSync(p.root, { recursive: true, mode: 0o700 });
    // First, so that a concurrent or later open sees a creation under way, not a foreign dir.
    writeFileSync(join(p.root, CREATING), '', { mode: 0o600 });
    chmodSync(p.root, 0o700);
    for (const dir of [p.layers, p.images, p.sources, p.staging, p.leases, p.locks, p.tags]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
  } catch (err) {
    throw new StrataError(`cannot create store at ${p.root}`, { cause: err });
  }
  // The marker is written last: a store whose creation was interrupted is created again.
  await options.seed?.(store);
  writeFileSync(p.format, STORE_FORMAT + '\n', { mode: 0o600 });
  rmSync(join(p.root, CREATING), { force: true });
}

/** Staging and leases are named "<pid>.<starttime>.<rand>"; those of dead processes go, and so do
 * locks they held (lock.ts). A dead process's lease may name layers it published and never
 * referenced (killed between a layer and its image): those that nothing else references go with
 * it (gc.ts). */
export async function sweepDeadWork(store: Store): Promise<void> {
  sweepDeadLocks(store);
  const leases = deadOwners(store.paths.leases);
  if (leases.length > 0) {
    try {
      // Loaded only then: garbage collection costs every other command's start nothing.
      await (await import('./gc.js')).releaseDeadLeases(store, leases);
    } catch {
      // No gc lock to be had (a full disk, a long collection): the next command tries again.
    }
  }
  for (const name of deadOwners(store.paths.staging)) {
    try {
      await removeStoredTree(store, join(store.paths.staging, name));
    } catch {
      // Another strata process swept it first.
    }
  }
}

/** The names in `dir` whose owner (ownedName) is dead. */
function deadOwners(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !isAlive(ownerOf(name)));
  } catch {
    return [];
  }
}
