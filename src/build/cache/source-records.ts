// What a COPY or ADD reads, as the build cache keys it (docs/DESIGN.md §11): one record a path —
// its type, mode, owner, size, link target and content digest, never its mtime, which a checkout
// or an unpack changes without changing the file. A source of another stage or image is that
// image's config digest (its layers) and the path; a heredoc is its text after expansion.

import { createHash, hash } from 'node:crypto';
import { closeSync, constants, openSync, readSync, readlinkSync, type Stats } from 'node:fs';
import type { BuildContext, ContextEntry } from '../context/build-context.js';
import { stepLookup } from '../expand/scope.js';
import { expandWord } from '../expand/shell-lex.js';
import type { StepContext } from '../steps/context.js';
import { parentDigest } from '../steps/identity.js';

/** [label, record] per path, in the order the sources name them. */
export type SourceRecords = [string, string][];

/** Content digests by stat, kept between builds: a file whose inode, size, mtime and ctime are
 * those it had when it was hashed is not read again (git's index does the same). A file changed
 * within a moment of its hashing could keep all four, so one whose ctime is that recent is never
 * remembered. */
export interface StatCache {
  readonly known: Map<string, readonly [string, string]>;
  /** ctimes from this one on (ms) are too recent to remember. */
  readonly since: number;
  changed: boolean;
}

/** The records of a step's sources, or undefined when they cannot be read now (the step then
 * runs and reports why). */
export async function sourceRecords(ctx: StepContext, sources: readonly string[], stats?: StatCache): Promise<SourceRecords | undefined> {
  const out: SourceRecords = [];
  const i = ctx.instruction;
  const lookup = stepLookup(ctx.image.config.config ?? {}, ctx.args);
  let fromDigest: string | undefined;
  for (const s of sources) {
    if (s.startsWith('heredoc:')) {
      const doc = i.heredocs.find((d) => d.name === s.slice(8));
      if (!doc) return undefined;
      let text = doc.content;
      try {
        if (doc.expand) text = expandWord(doc.content, lookup, { escape: ctx.escape, skipQuotes: true }).word;
      } catch {
        return undefined;
      }
      out.push([s, 'heredoc ' + sha256(text)]);
    } else if (s.startsWith('from:')) {
      if (fromDigest === undefined) {
        const flag = i.flags.find((f) => f.startsWith('--from='));
        if (!flag) return undefined;
        try {
          const named = expandWord(flag.slice(7), lookup, { escape: ctx.escape }).word;
          const found = await ctx.source(named);
          fromDigest = `${found.origin} ${parentDigest(found.image)}`;
        } catch {
          return undefined;
        }
      }
      out.push([s, fromDigest]);
    } else if (s.startsWith('mount-from:')) {
      // RUN --mount=type=bind,from=…: the image's config digest names all of its files.
      try {
        const found = await ctx.source(s.slice(11));
        out.push([s, `${found.origin} ${parentDigest(found.image)}`]);
      } catch {
        return undefined;
      }
    } else if (s.startsWith('context:')) {
      const matched = ctx.context.match(s.slice(8));
      if (typeof matched === 'string') return undefined;
      try {
        for (const m of matched) addTree(ctx.context, m, out, stats);
      } catch {
        return undefined;
      }
    } else return undefined;
  }
  return out;
}

function addTree(context: BuildContext, top: ContextEntry, out: SourceRecords, stats: StatCache | undefined): void {
  out.push([top.path || '.', recordOf(context, top.path, top.stat, stats)]);
  if (!top.stat.isDirectory()) return;
  for (const e of context.walk(top.path)) out.push([e.path, recordOf(context, e.path, e.stat, stats)]);
}

const buffer = Buffer.allocUnsafe(1 << 20);

function recordOf(context: BuildContext, path: string, st: Stats, stats: StatCache | undefined): string {
  const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
  if (st.isDirectory()) return `dir ${meta}`;
  if (st.isSymbolicLink()) return `symlink ${meta} ${readlinkSync(context.host(path), { encoding: 'buffer' }).toString('hex')}`;
  if (!st.isFile()) return `other ${meta} ${st.mode >>> 12}`;
  if (!stats) return fileRecord(context, path, st, meta);
  const fingerprint = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const known = stats.known.get(path);
  if (known && known[0] === fingerprint) return `file ${meta} ${st.size} ${known[1]}`;
  const record = fileRecord(context, path, st, meta);
  const [, , , size, hex] = record.split(' ');
  if (st.ctimeMs < stats.since && Number(size) === st.size) {
    stats.known.set(path, [fingerprint, hex!]);
    stats.changed = true;
  }
  return record;
}

function fileRecord(context: BuildContext, path: string, st: Stats, meta: string): string {
  // Read without following: a file swapped for a link after the walk is not read through it.
  const fd = openSync(context.host(path), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    // Most files fit the buffer: one read (sized by the stat, plus one byte to see growth) and a
    // one-shot hash, which is what makes a 10,000-file context cost about its tar's hashing.
    const first = readSync(fd, buffer, 0, Math.min(st.size + 1, buffer.length), null);
    if (first <= st.size && first < buffer.length) return `file ${meta} ${first} ${hash('sha256', buffer.subarray(0, first))}`;
    const h = createHash('sha256').update(buffer.subarray(0, first));
    let size = first;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      h.update(buffer.subarray(0, n));
      size += n;
    }
    return `file ${meta} ${size} ${h.digest('hex')}`;
  } finally {
    closeSync(fd);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The sources whose records differ between two lists (changed, added or removed), in order. */
export function changedSources(before: readonly (readonly [string, string])[], now: readonly (readonly [string, string])[]): string[] {
  const old = new Map(before);
  const seen = new Set<string>();
  const changed: string[] = [];
  for (const [path, record] of now) {
    seen.add(path);
    if (old.get(path) !== record) changed.push(path);
  }
  for (const [path] of before) if (!seen.has(path)) changed.push(path);
  return changed;
}
