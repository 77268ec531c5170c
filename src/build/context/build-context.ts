// The build context: the directory whose files COPY and ADD read. A source names a path inside
// it — `../x` and absolute paths are refused, never clamped — and nothing is followed: a symlink
// in the context is copied as a symlink, and a source path that passes through one is refused, so
// no COPY reads a host file outside the context (docs/DESIGN.md §9). Paths .dockerignore leaves
// out do not exist for the build.

import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { StrataError, errnoOf } from '../../base/errors.js';
import { componentPattern, hasGlob } from './glob.js';
import { ignoreRules, type IgnoreRules } from './dockerignore.js';

export interface ContextEntry {
  /** Relative to the context, `/`-separated; '' is the context itself. */
  readonly path: string;
  readonly stat: Stats;
}

export class BuildContext {
  private constructor(readonly root: string | undefined, private readonly rules: IgnoreRules) {}

  /** A directory as the context (undefined: none, the Dockerfile came alone on stdin). */
  static open(root: string | undefined): BuildContext {
    if (root === undefined) return new BuildContext(undefined, ignoreRules(undefined));
    let text: string | undefined;
    try {
      text = readFileSync(join(root, '.dockerignore'), 'utf8');
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw new StrataError('cannot read .dockerignore', { cause: err });
    }
    return new BuildContext(root, ignoreRules(text));
  }

  /** The entries a COPY source names (a glob may name several), or a reason it names none. */
  match(source: string): ContextEntry[] | string {
    if (this.root === undefined) return 'there is no build context (the Dockerfile came from stdin)';
    if (source.startsWith('/')) return 'is an absolute path: sources are paths inside the build context';
    const clean = posix.normalize(source);
    if (clean === '..' || clean.startsWith('../')) return 'is outside the build context';
    const parts = clean === '.' ? [] : clean.replace(/\/$/, '').split('/');
    let found: ContextEntry[] = [{ path: '', stat: this.lstat('') }];
    for (const part of parts) {
      const next: ContextEntry[] = [];
      for (const dir of found) {
        if (!dir.stat.isDirectory()) {
          if (dir.stat.isSymbolicLink()) return `passes through the symbolic link ${dir.path}, which is not followed`;
          continue;
        }
        if (!hasGlob(part)) {
          const path = dir.path === '' ? part : `${dir.path}/${part}`;
          const stat = this.lstatMaybe(path);
          if (stat && this.visible(path)) next.push({ path, stat });
          continue;
        }
        const re = componentPattern(part);
        if (!re) return 'is not a valid pattern';
        for (const name of readdirSync(this.host(dir.path)).sort()) {
          const path = dir.path === '' ? name : `${dir.path}/${name}`;
          if (re.test(name) && this.visible(path)) next.push({ path, stat: this.lstat(path) });
        }
      }
      found = next;
    }
    return found.length > 0 ? found : 'not found in the build context (or left out by .dockerignore)';
  }

  /** What is below a directory of the context, parents first, sorted; left-out paths skipped. */
  *walk(dir: string): Generator<ContextEntry> {
    for (const name of readdirSync(this.host(dir)).sort()) {
      const path = dir === '' ? name : `${dir}/${name}`;
      const stat = this.lstat(path);
      const ignored = this.rules.ignores(path);
      if (stat.isDirectory()) {
        // An excluded directory is still walked when a `!` line may bring back something below
        // it; the directory itself then comes along as the parent of what is kept.
        if (ignored && !this.rules.reincludes) continue;
        const below = [...this.walk(path)];
        if (!ignored || below.length > 0) yield { path, stat };
        yield* below;
      } else if (!ignored) yield { path, stat };
    }
  }

  /** Whether .dockerignore leaves out anything below a directory of the context (a bind mount of
   * it must then not show the host directory itself). */
  hidesBelow(dir: string): boolean {
    for (const name of readdirSync(this.host(dir))) {
      const path = dir === '' ? name : `${dir}/${name}`;
      if (this.rules.ignores(path)) return true;
      if (this.lstat(path).isDirectory() && this.hidesBelow(path)) return true;
    }
    return false;
  }

  /** The host path of a context path. */
  host(path: string): string {
    return path === '' ? this.root! : join(this.root!, path);
  }

  private visible(path: string): boolean {
    return !this.rules.ignores(path) || (this.rules.reincludes && this.lstat(path).isDirectory() && this.walk(path).next().done === false);
  }

  private lstat(path: string): Stats {
    return lstatSync(this.host(path));
  }

  private lstatMaybe(path: string): Stats | undefined {
    try {
      return this.lstat(path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return undefined;
      throw err;
    }
  }
}
