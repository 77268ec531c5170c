// Reading an image without running anything: ls, cat, tree. Everything goes through the resolver;
// symlinks are followed inside the image only. Paths are typed in the text form of byte-path.ts
// (\xNN a byte, \\ a backslash). Names are listed as their exact bytes to a pipe or a file (as
// GNU ls does), escaped on a terminal (a name must not drive it), in the text form in JSON.

import { escapePath, unescapePath } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import { wholeNumber } from '../../base/flag-values.js';
import type { IndexEntry } from '../../base/layer-index.js';
import { openImageView } from '../../content/image-view.js';
import { readVerifiedContent } from '../../content/read-file.js';
import { resolvePath } from '../../resolver/symlinks.js';
import type { ResolvedEntry } from '../../resolver/types.js';
import { resolveImage } from '../../store/lookup.js';
import { splitRefPath } from '../../store/reference.js';
import type { Context } from '../../app/context.js';
import { defineCommand } from '../define.js';
import { modeString } from '../../base/format.js';
import { nameBytes } from '../format.js';

async function openRefPath(ctx: Context, text: string, followLast: boolean) {
  const { ref, path } = splitRefPath(text);
  const store = await ctx.store();
  const image = resolveImage(store, ref);
  const iv = openImageView(store, image);
  const resolved = resolvePath(iv.view, unescapePath(path), { followLast });
  if (!resolved.entry) throw new StrataError(`${path}: no such file or directory in ${ref}`);
  return { store, iv, target: resolved.entry };
}

function entryJson(r: ResolvedEntry, name: string) {
  const e: IndexEntry = r.entry;
  return {
    name: escapePath(name), path: escapePath(r.path), type: e.type, mode: e.mode, uid: e.uid, gid: e.gid,
    size: e.size, mtime: new Date(e.mtime * 1000).toISOString(), layer: r.layer,
    ...(e.linkTarget !== undefined ? { linkTarget: escapePath(e.linkTarget) } : {}),
  };
}

function longLine(ctx: Context, r: ResolvedEntry, name: string): Buffer {
  const e = r.entry;
  const size = e.type === 'char' || e.type === 'block' ? `${e.devMajor ?? 0}, ${e.devMinor ?? 0}` : String(e.size);
  const time = new Date(e.mtime * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const head = `${modeString(e.type, e.mode)} ${String(e.uid).padStart(5)} ${String(e.gid).padStart(5)} ${size.padStart(10)} ${time} `;
  const link = e.linkTarget !== undefined ? Buffer.concat([Buffer.from(' -> '), nameBytes(ctx.terminal, e.linkTarget)]) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from(head), nameBytes(ctx.terminal, name), link, Buffer.from('\n')]);
}

export const ls = defineCommand({
  command: 'ls <target>',
  describe: 'List a directory of an image (REF:PATH), one name a line',
  builder: (y) => y
    .positional('target', { type: 'string', demandOption: true, describe: 'REF:PATH, e.g. busybox:/bin' })
    .option('long', { alias: 'l', type: 'boolean', describe: 'Mode, owner, size, mtime, name, -> target' }),
  run: async (ctx, argv) => {
    const { iv, target } = await openRefPath(ctx, argv.target, !argv.long || argv.target.endsWith('/'));
    const listing: [ResolvedEntry, string][] = target.entry.type === 'dir'
      ? iv.view.readdir(target.path).map((r) => [r, r.path.slice(r.path.lastIndexOf('/') + 1)])
      : [[target, target.path]];
    if (ctx.json) return listing.forEach(([r, name]) => ctx.jsonLine(entryJson(r, name)));
    ctx.out(Buffer.concat(listing.map(([r, name]) => (argv.long ? longLine(ctx, r, name) : Buffer.concat([nameBytes(ctx.terminal, name), Buffer.from('\n')])))));
  },
});

export const cat = defineCommand({
  command: 'cat <target>',
  describe: 'Print a file of an image (REF:PATH)',
  builder: (y) => y.positional('target', { type: 'string', demandOption: true, describe: 'REF:PATH, e.g. busybox:/etc/passwd' }),
  run: async (ctx, argv) => {
    const { store, iv, target } = await openRefPath(ctx, argv.target, true);
    if (target.entry.type === 'dir') throw new StrataError(`${splitRefPath(argv.target).path}: is a directory`);
    await readVerifiedContent(store, iv, target, (chunk) => ctx.out(chunk));
  },
});

export const tree = defineCommand({
  command: 'tree <ref>',
  describe: 'Print every path of an image, sorted, one a line',
  builder: (y) => y
    .positional('ref', { type: 'string', demandOption: true, describe: 'NAME[:TAG] or image id' })
    .option('layer', { type: 'string', requiresArg: true, describe: 'The image as of layer N (0 = the base layer)' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const image = resolveImage(store, argv.ref);
    const layer = argv.layer === undefined ? undefined : wholeNumber('--layer', argv.layer, 0, image.config.rootfs.diff_ids.length - 1, 'a layer of the image');
    const { view } = openImageView(store, image, layer);
    const entries = view.walk().filter((r) => r.path !== '/');
    if (ctx.json) return entries.forEach((r) => ctx.jsonLine(entryJson(r, r.path.slice(r.path.lastIndexOf('/') + 1))));
    ctx.out(Buffer.concat(entries.map((r) => Buffer.concat([nameBytes(ctx.terminal, r.path), Buffer.from('\n')]))));
  },
});
