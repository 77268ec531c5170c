// Following the store's containers as other processes change them, for a live view (the TUI's
// Containers pane): inotify (fs.watch) on the containers directory sees a container published or
// removed (a rename in or out), and one watch on each container's directory sees its record
// replaced (a rename onto container.json: created, started, exited). Other files there (logs, the
// writable layer) change often and are ignored. Until the containers directory exists (a store's
// first container makes it) the store's own directory is watched for it. A slow poll of the same
// facts (the directory's entries, each record's inode and modification time) catches what a
// watch can miss: a watch the kernel refused (its limit reached), an event lost in an overflow.

import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Store } from '../../store/store.js';
import { isContainerId } from './names.js';
import { containerDir } from './records.js';

const RECORD = 'container.json';

export interface ContainerWatch {
  close(): void;
}

export interface WatchOptions {
  /** How long to gather events into one call (a run publishes, then starts: one change). */
  readonly settleMs?: number;
  /** The fallback poll's period. */
  readonly pollMs?: number;
}

/** Calls `onChange` (at most once per `settleMs`) whenever a container appears, goes, or has its
 * record replaced, until closed. */
export function watchContainers(store: Store, onChange: () => void, options: WatchOptions = {}): ContainerWatch {
  const settleMs = options.settleMs ?? 50;
  const top = store.paths.containers;
  const dirs = new Map<string, FSWatcher | undefined>();
  let topWatch: FSWatcher | undefined;
  // Until the containers directory exists (a store's first container makes it), the store's own
  // directory is watched for it.
  let rootWatch: FSWatcher | undefined;
  let pending: NodeJS.Timeout | undefined;
  let closed = false;
  let last = '';

  const changed = () => {
    if (closed || pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      if (closed) return;
      rescan();
      onChange();
    }, settleMs);
  };
  const tryWatch = (path: string, filter: (name: string | null) => boolean): FSWatcher | undefined => {
    try {
      const w = watch(path, { persistent: false }, (_event, name) => filter(name) && changed());
      w.on('error', () => {
        w.close();
        changed();
      });
      return w;
    } catch {
      return undefined;
    }
  };
  /** The watches follow the directory's entries; returns the facts the poll compares. */
  const rescan = (): string => {
    topWatch ??= tryWatch(top, () => true);
    if (topWatch) {
      rootWatch?.close();
      rootWatch = undefined;
    } else {
      rootWatch ??= tryWatch(dirname(top), (name) => name === null || name === basename(top));
    }
    const ids = listIds(top);
    for (const [id, w] of dirs) {
      if (!ids.includes(id)) {
        w?.close();
        dirs.delete(id);
      }
    }
    for (const id of ids) if (!dirs.get(id)) dirs.set(id, tryWatch(containerDir(store, id), (name) => name === null || name === RECORD));
    last = ids.map((id) => `${id}@${mtime(join(containerDir(store, id), RECORD))}`).join(' ');
    return last;
  };
  rescan();
  const poll = setInterval(() => {
    const before = last;
    if (rescan() !== before) {
      onChange();
    }
  }, options.pollMs ?? 2000);
  poll.unref();
  return {
    close() {
      closed = true;
      clearInterval(poll);
      if (pending) clearTimeout(pending);
      topWatch?.close();
      rootWatch?.close();
      for (const w of dirs.values()) w?.close();
      dirs.clear();
    },
  };
}

function listIds(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isContainerId).sort();
  } catch {
    return [];
  }
}

function mtime(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.mtimeMs}`;
  } catch {
    return '-';
  }
}
