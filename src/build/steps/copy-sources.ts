// Where COPY and ADD find what they copy: the build context (build-context.ts), another stage's
// or an image's files (through the resolver: symlinks resolved inside that image's root, contents
// read from its layer directories), or a heredoc. Each source becomes the entries it contributes,
// placed under the destination the way Docker places them: a directory's contents go into the
// destination, a file goes into it (or becomes it, when the destination is one file).

import { readlinkSync, type Stats } from 'node:fs';
import { bytePathFromBuffer, bytesOfUserString, displayPath, joinPath, normalizePath, type BytePath } from '../../base/byte-path.js';
import type { EntryType } from '../../base/layer-index.js';
import { contentPath, type ImageView } from '../../content/image-view.js';
import { PathError } from '../../resolver/path-error.js';
import { resolvePath } from '../../resolver/symlinks.js';
import type { ResolvedEntry } from '../../resolver/types.js';
import type { Store } from '../../store/store.js';
import type { BuildContext, ContextEntry } from '../context/build-context.js';
import { componentPattern, hasGlob } from '../context/glob.js';
import type { NewEntry } from '../layer/entries-tar.js';

/** How copied entries are owned and moded: --chown and --chmod, else the source's own (context
 * files are root's, as Docker makes them). */
export interface Placement {
  readonly owner?: { readonly uid: number; readonly gid: number };
  readonly mode?: number;
}

/** One matched source and the entries it brings, paths relative to where it lands. */
export interface SourceItem {
  readonly isDir: boolean;
  /** Base name (a file lands as DEST/NAME when DEST is a directory). */
  readonly name: string;
  /** The source's own entry (for a file) and, for a directory, everything below it: paths
   * relative to the destination ('' is the destination itself). */
  entries(): Iterable<Omit<NewEntry, 'path'> & { readonly rel: string }>;
}

function typeOfStat(st: Stats): EntryType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  return undefined;
}

export function contextItems(ctx: BuildContext, matched: readonly ContextEntry[], place: Placement, refuse: (why: string) => Error): SourceItem[] {
  const entryOf = (e: ContextEntry, rel: string): Omit<NewEntry, 'path'> & { rel: string } => {
    const type = typeOfStat(e.stat);
    if (type === undefined) throw refuse(`${displayPath(e.path)} is not a regular file, directory or symbolic link`);
    const host = ctx.host(e.path);
    return {
      rel, type,
      mode: place.mode ?? e.stat.mode & 0o7777,
      uid: place.owner?.uid ?? 0,
      gid: place.owner?.gid ?? 0,
      mtime: Math.floor(e.stat.mtimeMs / 1000),
      // The link's target is data, stored as it is: never followed (docs/DESIGN.md §9).
      ...(type === 'symlink' ? { linkTarget: bytePathFromBuffer(readlinkSync(host, { encoding: 'buffer' })) } : {}),
      ...(type === 'file' ? { content: { host, size: e.stat.size } } : {}),
      // Hard links in the context stay hard links in the layer (entries-tar.ts links them).
      ...(type === 'file' && e.stat.nlink > 1 ? { inode: `${e.stat.dev}:${e.stat.ino}` } : {}),
    };
  };
  return matched.map((m) => ({
    isDir: m.stat.isDirectory(),
    name: m.path === '' ? '' : m.path.slice(m.path.lastIndexOf('/') + 1),
    *entries() {
      if (!m.stat.isDirectory()) {
        yield entryOf(m, '');
        return;
      }
      const cut = m.path === '' ? 0 : m.path.length + 1;
      for (const e of ctx.walk(m.path)) yield entryOf(e, e.path.slice(cut));
    },
  }));
}

/** Sources in another stage's or image's tree. A glob matches names in its directory; the path
 * itself is resolved inside that image (a symlink in it is followed, within its root). */
export function imageItems(store: Store, iv: ImageView, pattern: string, place: Placement, refuse: (why: string) => Error): SourceItem[] {
  const parts = normalizePath(pattern).split('/').filter((p) => p !== '');
  let found: BytePath[] = ['/' as BytePath];
  for (const part of parts) {
    const next: BytePath[] = [];
    for (const dir of found) {
      if (!hasGlob(part)) {
        next.push(joinPath(dir, part));
        continue;
      }
      const re = componentPattern(part);
      if (!re) throw refuse(`${pattern} is not a valid pattern`);
      let list: readonly ResolvedEntry[] = [];
      try {
        list = iv.view.readdir(resolvePath(iv.view, dir).path);
      } catch (err) {
        if (!(err instanceof PathError)) throw err;
      }
      for (const r of list) {
        const name = r.path.slice(r.path.lastIndexOf('/') + 1);
        if (re.test(name)) next.push(joinPath(dir, name));
      }
    }
    found = next;
  }
  const items: SourceItem[] = [];
  for (const path of found) {
    let r: ResolvedEntry | undefined;
    try {
      r = resolvePath(iv.view, path).entry;
    } catch (err) {
      if (!(err instanceof PathError)) throw err;
    }
    if (r === undefined) continue;
    const top = r;
    const entryOf = (e: ResolvedEntry, rel: string): Omit<NewEntry, 'path'> & { rel: string } => {
      if (e.entry.type !== 'file' && e.entry.type !== 'dir' && e.entry.type !== 'symlink') throw refuse(`${e.path} is a special file (${e.entry.type})`);
      return {
        rel, type: e.entry.type,
        mode: place.mode ?? e.entry.mode,
        uid: place.owner?.uid ?? e.entry.uid,
        gid: place.owner?.gid ?? e.entry.gid,
        mtime: Math.floor(e.entry.mtime),
        ...(e.entry.linkTarget !== undefined ? { linkTarget: e.entry.linkTarget } : {}),
        ...(e.entry.type === 'file' ? { content: { host: contentPath(store, iv, e), size: e.entry.size } } : {}),
      };
    };
    items.push({
      isDir: top.entry.type === 'dir',
      name: path.slice(path.lastIndexOf('/') + 1),
      *entries() {
        if (top.entry.type !== 'dir') {
          yield entryOf(top, '');
          return;
        }
        const walk = function* (dir: ResolvedEntry, rel: string): Generator<Omit<NewEntry, 'path'> & { rel: string }> {
          for (const child of iv.view.readdir(dir.path)) {
            const name = child.path.slice(child.path.lastIndexOf('/') + 1);
            const r2 = rel === '' ? name : `${rel}/${name}`;
            yield entryOf(child, r2);
            if (child.entry.type === 'dir') yield* walk(child, r2);
          }
        };
        yield* walk(top, '');
      },
    });
  }
  return items;
}

/** A heredoc as a source: one file of that name. */
export function heredocItem(name: string, content: string, place: Placement): SourceItem {
  const data = Buffer.from(content);
  return {
    isDir: false,
    name: bytesOfUserString(name),
    *entries() {
      yield { rel: '', type: 'file', mode: place.mode ?? 0o644, uid: place.owner?.uid ?? 0, gid: place.owner?.gid ?? 0, mtime: Math.floor(Date.now() / 1000), content: { data } };
    },
  };
}
