// RUN --mount: what BuildKit's two everyday mounts give a command, made with `run -v`'s bind
// mounts (runtime/sandbox/volumes.ts, targets resolved inside the image by mount-points.ts).
//   type=cache,target=DIR[,id=ID][,sharing=shared|locked]  a directory kept in the store between
//     builds (ROOT/build-cache/mounts/, gone with `prune --build-cache`), never part of a layer or
//     of a cache key; `locked` lets one step at a time use it, `shared` (the default) any number.
//   type=bind[,from=STAGE|IMAGE][,source=P],target=DIR  read-only: a path of the context (nothing
//     followed, as COPY's sources) or of another stage's or image's files (copied out for the
//     step, as `cp` copies them: symlinks resolved inside that image). Its content is part of the
//     step's key, as a COPY's sources are.

import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { StrataError } from '../../base/errors.js';
import { openStackView } from '../../content/image-view.js';
import { copyOut } from '../../runtime/changes/copy-out.js';
import { imageFilesView } from '../../runtime/containers/view.js';
import { cacheMountsDir } from '../../store/build-cache.js';
import { withLock } from '../../store/lock.js';
import { createStagingDir } from '../../store/staging.js';
import type { BuildContext } from '../context/build-context.js';
import { dockerfileError } from '../dockerfile/parse.js';
import { expandWord, type Lookup } from '../expand/shell-lex.js';
import type { StepContext } from './context.js';

export type RunMount =
  | { readonly type: 'cache'; readonly target: string; readonly id: string; readonly sharing: 'shared' | 'locked' }
  | { readonly type: 'bind'; readonly target: string; readonly from?: string; readonly source: string };

const KEYS: Record<RunMount['type'], readonly string[]> = {
  cache: ['type', 'target', 'id', 'sharing'],
  bind: ['type', 'target', 'from', 'source', 'ro', 'readonly'],
};
const ALIASES: Record<string, string> = { dst: 'target', destination: 'target', src: 'source' };

/** A `--mount=` flag's value, its words expanded; relative targets are below WORKDIR. */
export function parseMount(text: string, lookup: Lookup, escape: string, workdir: string, line: number): RunMount {
  const fail = (why: string) => dockerfileError(line, `--mount=${text}: ${why}`);
  const fields = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const rawKey = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const key = ALIASES[rawKey] ?? rawKey;
    if (key === '') throw fail('an empty option');
    if (fields.has(key)) throw fail(`${key} is given twice`);
    let value: string;
    try {
      value = eq < 0 ? 'true' : expandWord(part.slice(eq + 1), lookup, { escape }).word;
    } catch (err) {
      throw fail((err as Error).message);
    }
    fields.set(key, value);
  }
  const type = fields.get('type') ?? 'bind';
  if (type !== 'cache' && type !== 'bind') throw fail(`type "${type}" is not supported (cache or bind)`);
  for (const key of fields.keys()) if (!KEYS[type].includes(key)) throw fail(`unknown option "${key}" for type=${type}`);
  const rawTarget = fields.get('target');
  if (!rawTarget) throw fail('target is required');
  const target = posix.normalize(posix.isAbsolute(rawTarget) ? rawTarget : posix.join(workdir, rawTarget));
  if (target === '/') throw fail('the target cannot be the root');
  if (type === 'cache') {
    const sharing = fields.get('sharing') ?? 'shared';
    if (sharing !== 'shared' && sharing !== 'locked') throw fail(`sharing "${sharing}" is not shared or locked`);
    const id = fields.get('id') || target;
    return { type, target, id, sharing };
  }
  for (const ro of ['ro', 'readonly']) {
    if (fields.has(ro) && fields.get(ro) !== 'true') throw fail('bind mounts are read-only');
  }
  const from = fields.get('from');
  return { type, target, ...(from ? { from } : {}), source: fields.get('source') || '.' };
}

/** What a mount adds to a step's key: a bind's source, as a COPY's (source-records.ts). A cache
 * mount adds nothing: what the command finds there must not decide whether it runs. */
export function mountSources(mounts: readonly RunMount[]): string[] {
  return mounts.flatMap((m) => (m.type === 'bind' ? [m.from === undefined ? `context:${m.source}` : `mount-from:${m.from}`] : []));
}

/** The mounts made ready for the step: `-v` specs, and what to undo once it ran. */
export async function prepareMounts(ctx: StepContext, mounts: readonly RunMount[], line: number): Promise<{ volumes: string[]; locks: string[]; dispose: () => void }> {
  const volumes: string[] = [];
  const locks: string[] = [];
  const staged: string[] = [];
  const dispose = () => {
    for (const dir of staged) rmSync(dir, { recursive: true, force: true });
  };
  const fail = (why: string) => dockerfileError(line, why);
  try {
    for (const m of mounts) {
      if (m.type === 'cache') {
        const hex = createHash('sha256').update(m.id).digest('hex');
        const dir = join(cacheMountsDir(ctx.store), hex);
        mkdirSync(dir, { recursive: true, mode: 0o755 });
        volumes.push(volume(dir, m.target, false, fail));
        if (m.sharing === 'locked') locks.push(`build-mount-${hex}`);
      } else if (m.from === undefined) {
        const matched = ctx.context.match(m.source);
        if (typeof matched === 'string') throw fail(`--mount source "${m.source}" ${matched}`);
        if (matched.length !== 1) throw fail(`--mount source "${m.source}" names ${matched.length} paths; one is needed`);
        // The source is bound as it is: a symbolic link would be followed by the mount.
        if (matched[0]!.stat.isSymbolicLink()) throw fail(`--mount source "${m.source}" is a symbolic link, which is not followed`);
        const { path, stat } = matched[0]!;
        if (stat.isDirectory() && ctx.context.hidesBelow(path)) {
          // What .dockerignore leaves out does not exist for the build: the rest is copied.
          const dir = createStagingDir(ctx.store);
          staged.push(dir);
          volumes.push(volume(visibleCopy(ctx.context, path, join(dir, 'source')), m.target, true, fail));
        } else {
          const host = ctx.context.host(path);
          // `-v` takes text: a name that is not UTF-8 cannot be bound.
          if (typeof host !== 'string' && Buffer.from(host.toString()).compare(host) !== 0) throw fail(`--mount source "${m.source}" is not a UTF-8 name`);
          volumes.push(volume(resolve(host.toString()), m.target, true, fail));
        }
      } else {
        const found = await ctx.source(m.from);
        const dir = createStagingDir(ctx.store);
        staged.push(dir);
        const out = join(dir, 'source');
        const view = imageFilesView(openStackView(ctx.store, found.image.config.rootfs.diff_ids), m.from);
        try {
          await copyOut(ctx.store, view, m.source, out, { warn: () => {}, stdout: () => {} });
        } catch (err) {
          throw fail(`--mount from=${m.from} source "${m.source}": ${(err as Error).message}`);
        }
        volumes.push(volume(out, m.target, true, fail));
      }
    }
  } catch (err) {
    dispose();
    throw err;
  }
  return { volumes, locks, dispose };
}

/** The entries of a context directory that .dockerignore keeps, copied under `out` (links as
 * links, never followed). */
function visibleCopy(context: BuildContext, dir: string, out: string): string {
  mkdirSync(out, { mode: 0o755 });
  for (const e of context.walk(dir)) {
    const to = join(out, posix.relative(dir, e.path));
    if (e.stat.isDirectory()) mkdirSync(to, { mode: e.stat.mode & 0o7777 });
    else if (e.stat.isSymbolicLink()) symlinkSync(readlinkSync(context.host(e.path)), to);
    else if (e.stat.isFile()) copyFileSync(context.host(e.path), to);
  }
  return out;
}

function volume(host: string, target: string, readOnly: boolean, fail: (why: string) => StrataError): string {
  // `-v` separates its parts with ':'.
  if (host.includes(':') || target.includes(':')) throw fail(`--mount cannot bind a path with ':' (${host.includes(':') ? host : target})`);
  return `${host}:${target}${readOnly ? ':ro' : ''}`;
}

/** Runs `fn` holding the locks of the step's `sharing=locked` cache mounts. */
export async function withMountLocks<T>(ctx: StepContext, locks: readonly string[], fn: () => Promise<T>): Promise<T> {
  if (locks.length === 0) return fn();
  const [first, ...rest] = locks;
  return withLock(ctx.store, first!, () => withMountLocks(ctx, rest, fn), 7 * 24 * 3600_000);
}
