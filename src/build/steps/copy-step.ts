// COPY and ADD: the sources' entries placed under the destination, written as one layer through
// the store without starting a sandbox. The destination is resolved inside the image being built
// (its symlinks followed within its root, never the host's); directories it lacks are made, owned
// as --chown says. ADD also unpacks a local tar archive (any compression `import` reads).

import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { bytesOfUserString, joinPath, normalizePath, type BytePath } from '../../base/byte-path.js';
import { openStackView, type ImageView } from '../../content/image-view.js';
import { resolvePrefix } from '../../resolver/symlinks.js';
import { PathError } from '../../resolver/path-error.js';
import { addLayer } from '../../store/layers.js';
import { readImageText } from '../../runtime/sandbox/image-files.js';
import { resolveUser } from '../../runtime/sandbox/users.js';
import { dockerfileError } from '../dockerfile/parse.js';
import { stepLookup } from '../expand/scope.js';
import { expandWord, type Lookup } from '../expand/shell-lex.js';
import { contentBytes, entriesTar, sortedEntries, type NewEntry } from '../layer/entries-tar.js';
import { archiveItems } from './add-archive.js';
import type { StepContext } from './context.js';
import { contextItems, heredocItem, imageItems, type Placement, type SourceItem } from './copy-sources.js';
import { identityOf } from './identity.js';
import { DEFAULT_SHELL, nop } from './metadata.js';
import { nextImage, type PlannedStep } from './step.js';

const FLAGS: Record<string, readonly string[]> = { COPY: ['chown', 'chmod', 'from', 'link'], ADD: ['chown', 'chmod', 'link'] };

export function planCopy(ctx: StepContext): PlannedStep {
  const i = ctx.instruction;
  const fail = (why: string) => dockerfileError(i.line, why);
  const config = ctx.image.config.config ?? {};
  const lookup = stepLookup(config, ctx.args);
  const word = (text: string) => {
    try {
      return expandWord(text, lookup, { escape: ctx.escape }).word;
    } catch (err) {
      throw fail((err as Error).message);
    }
  };
  const flags = new Map<string, string>();
  for (const f of i.flags) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(f);
    if (!m || !FLAGS[i.keyword]!.includes(m[1]!)) throw fail(`unknown flag: ${f.split('=')[0]}`);
    flags.set(m[1]!, word(m[2] ?? 'true'));
  }
  const heredocNames = new Set(i.heredocs.map((h) => h.name));
  const words = i.args.map((a) => (heredocNames.size > 0 && /^\d*<<-?/.test(a) ? a : word(a)));
  if (words.length < 2) throw fail(`${i.keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
  const sources = words.slice(0, -1);
  const rawDest = words[words.length - 1]!;
  const workdir = config.WorkingDir || '/';
  // A relative destination is below WORKDIR; a trailing `/` (or `.`) says it is a directory.
  const joined = posix.isAbsolute(rawDest) ? rawDest : posix.join(workdir, rawDest);
  const dest = !joined.endsWith('/') && (rawDest.endsWith('/') || rawDest === '.' || rawDest.endsWith('/.')) ? joined + '/' : joined;
  const from = flags.get('from');
  const chmod = flags.get('chmod');
  if (chmod !== undefined && !/^[0-7]{3,4}$/.test(chmod)) throw fail(`invalid --chmod value "${chmod}": an octal mode is needed`);
  const origin = (s: string) => heredocOf(i.heredocs, s) ? `heredoc:${heredocOf(i.heredocs, s)!.name}` : from !== undefined ? `from:${from}:${s}` : `context:${s}`;
  const text = `${i.keyword}${i.flags.length ? ' ' + i.flags.join(' ') : ''} ${words.join(' ')}`;

  return {
    identity: identityOf(ctx, text, sources.map(origin)),
    execute: async () => {
      const iv = openStackView(ctx.store, ctx.image.config.rootfs.diff_ids);
      const place: Placement = {
        ...(chmod !== undefined ? { mode: parseInt(chmod, 8) } : {}),
        ...(flags.has('chown') ? { owner: ownerOf(ctx, iv, flags.get('chown')!, fail) } : {}),
      };
      const { items, dispose } = await collectItems(ctx, sources, from, lookup, place, fail);
      try {
        const many = items.length > 1 || items.some((it) => it.isDir);
        if (items.length > 1 && !dest.endsWith('/')) throw fail(`when using ${i.keyword} with more than one source file, the destination must be a directory and end with a /`);
        const { entries, single } = placeItems(iv, dest, items, place, fail);
        const sorted = sortedEntries(entries);
        const total = contentBytes(sorted);
        ctx.progress.copyProgress(0, total);
        const layer = await addLayer(ctx.store, entriesTar(sorted, (done) => ctx.progress.copyProgress(done, total)), ctx.lease);
        const hex = layer.diffId.slice(7);
        const what = many ? `${items.length > 1 ? 'multi' : 'dir'}:${hex}` : `file:${single ? fileDigest(single) : hex}`;
        const createdBy = nop(config.Shell ?? DEFAULT_SHELL, `${i.keyword} ${what} in ${dest} `, 'string');
        return { image: nextImage(ctx.image, config, createdBy, layer.diffId), diffId: layer.diffId };
      } finally {
        await dispose();
      }
    },
  };
}

/** Every source's items: heredocs, another stage's or image's files, the context's. */
async function collectItems(ctx: StepContext, sources: readonly string[], from: string | undefined, lookup: Lookup, place: Placement, fail: (why: string) => Error): Promise<{ items: SourceItem[]; dispose: () => Promise<void> }> {
  const i = ctx.instruction;
  const fromImage = from === undefined ? undefined : await ctx.source(from);
  const fromView = fromImage && openStackView(ctx.store, fromImage.image.config.rootfs.diff_ids);
  const items: SourceItem[] = [];
  const disposals: (() => Promise<void>)[] = [];
  const dispose = async () => {
    for (const d of disposals) await d();
  };
  try {
    for (const s of sources) {
      const doc = heredocOf(i.heredocs, s);
      if (doc) {
        items.push(heredocItem(doc.name, doc.expand ? expandHeredoc(doc.content, lookup, ctx.escape, fail) : doc.content, place));
      } else if (fromView) {
        const found = imageItems(ctx.store, fromView, s, place, fail);
        if (found.length === 0) throw fail(`${i.keyword} source "${s}" not found in ${from}`);
        items.push(...found);
      } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@')) {
        throw fail(`${i.keyword} of a URL (${s}) is not supported: the build reads no network but RUN's with --net host`);
      } else {
        const matched = ctx.context.match(s);
        if (typeof matched === 'string') throw fail(`${i.keyword} source "${s}" ${matched}`);
        if (i.keyword === 'ADD') {
          const added = await archiveItems(ctx, matched, place, fail);
          disposals.push(added.dispose);
          items.push(...added.items);
        } else items.push(...contextItems(ctx.context, matched, place, fail));
      }
    }
  } catch (err) {
    await dispose();
    throw err;
  }
  return { items, dispose };
}

function heredocOf(docs: StepContext['instruction']['heredocs'], word: string) {
  const m = /^\d*<<-?(.*)$/.exec(word);
  if (!m) return undefined;
  const name = m[1]!.replace(/^["']|["']$/g, '');
  return docs.find((d) => d.name === name);
}

/** A heredoc body is expanded as a whole: `$` references and escapes act, quotes are text. */
function expandHeredoc(content: string, lookup: Lookup, escape: string, fail: (why: string) => Error): string {
  try {
    return expandWord(content, lookup, { escape, skipQuotes: true }).word;
  } catch (err) {
    throw fail((err as Error).message);
  }
}

export function ownerOf(ctx: StepContext, iv: ImageView, spec: string, fail: (why: string) => Error): { uid: number; gid: number } {
  try {
    const u = resolveUser(spec, readImageText(ctx.store, iv, '/etc/passwd') ?? '', readImageText(ctx.store, iv, '/etc/group') ?? '');
    // `--chown=user` alone: the user's primary group, or the same number for a numeric user.
    const gid = spec.includes(':') ? u.gid : /^\d+$/.test(spec) ? u.uid : u.gid;
    return { uid: u.uid, gid };
  } catch (err) {
    throw fail(`--chown=${spec}: ${(err as Error).message}`);
  }
}

/** Every entry at its place in the image, with the destination's missing directories. */
function placeItems(iv: ImageView, dest: string, items: readonly SourceItem[], place: Placement, fail: (why: string) => Error): { entries: NewEntry[]; single?: NewEntry } {
  const intoDir = dest.endsWith('/') || items.length > 1 || items[0]!.isDir;
  let at;
  try {
    at = resolvePrefix(iv.view, bytesOfUserString(dest));
  } catch (err) {
    if (err instanceof PathError) throw fail(`cannot copy to ${dest}: ${err.message}`);
    throw err;
  }
  const existingDir = at.missing.length === 0 && at.entry.entry.type === 'dir';
  const target = normalizePath([at.path, ...at.missing].join('/'));
  if (at.missing.length === 0 && !existingDir && (intoDir || items[0]!.isDir)) throw fail(`cannot copy to ${dest}: it is not a directory in the image`);
  const entries: NewEntry[] = [];
  const now = Math.floor(Date.now() / 1000);
  const dirOwner = { uid: place.owner?.uid ?? 0, gid: place.owner?.gid ?? 0 };
  // Directories the destination needs that the image lacks.
  const lastDir = intoDir || existingDir ? target : (target.slice(0, target.lastIndexOf('/')) || '/') as BytePath;
  let made = at.path;
  for (const name of at.missing.slice(0, at.missing.length - (lastDir === target ? 0 : 1))) {
    if (name === '.' || name === '..') continue;
    made = joinPath(made, name);
    entries.push({ path: made, type: 'dir', mode: 0o755, ...dirOwner, mtime: now });
  }
  let single: NewEntry | undefined;
  for (const item of items) {
    const base = intoDir || existingDir ? (item.isDir ? target : joinPath(target, item.name)) : target;
    for (const e of item.entries()) {
      const { rel, ...rest } = e;
      const path = rel === '' ? base : joinPath(base, rel);
      if (path === '/' && rest.type !== 'dir') throw fail('cannot copy a file over the image root');
      const entry: NewEntry = { ...rest, path };
      if (!(item.isDir && rel === '' && existingDir)) entries.push(entry);
      if (!item.isDir && rest.type === 'file') single = entry;
    }
  }
  return { entries, ...(single && items.length === 1 ? { single } : {}) };
}

function fileDigest(e: NewEntry): string {
  const hash = createHash('sha256');
  if (e.content && 'data' in e.content) hash.update(e.content.data);
  else if (e.content) hash.update(readFileSyncNoFollow(e.content.host));
  return hash.digest('hex');
}

function readFileSyncNoFollow(path: string | Buffer): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
