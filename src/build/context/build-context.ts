// The build context: the directory whose files COPY and ADD read. A source names a path inside
// it — `../x` and absolute paths are refused, never clamped — and nothing is followed: a symlink
// in the context is copied as a symlink, and a source path that passes through one is refused, so
// no COPY reads a host file outside the context (docs/DESIGN.md §9). Paths .dockerignore leaves
// out do not exist for the build. Names are bytes (base/byte-path.ts): a context path is a byte
// string, one char per byte, so a name that is not UTF-8 is copied exactly as it is on the disk.

import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { bufferOf, bytePathFromBuffer, bytesOfUserString, displayPath } from '../../base/byte-path.js';
import { StrataError, errnoOf } from '../../base/errors.js';
import { componentPattern, hasGlob } from './glob.js';
import { ignoreRules, type IgnoreRules } from './dockerignore.js';

const ASCII = /^[\x00-\x7f]*$/;
const SLASH = Buffer.from('/');

export interface ContextEntry {
  /** Relative to the context, `/`-separated, a byte string; '' is the context itself. */
  readonly path: string;
  readonly stat: Stats;
}

export class BuildContext {
  private constructor(readonly root: string | undefined, private readonly rules: IgnoreRules) {
    this.rootBytes = root === undefined ? undefined : Buffer.from(root);
  }

  private readonly rootBytes: Buffer | undefined;

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

  /** The entries a COPY source (as the Dockerfile spells it) names (a glob may name several), or a
   * reason it names none. */
  match(source: string): ContextEntry[] | string {
    if (this.root === undefined) return 'there is no build context (the Dockerfile came from stdin)';
    if (source.startsWith('/')) return 'is an absolute path: sources are paths inside the build context';
    const clean = posix.normalize(bytesOfUserString(source));
    if (clean === '..' || clean.startsWith('../')) return 'is outside the build context';
    const parts = clean === '.' ? [] : clean.replace(/\/$/, '').split('/');
    let found: ContextEntry[] = [{ path: '', stat: this.lstat('') }];
    for (const part of parts) {
      const next: ContextEntry[] = [];
      for (const dir of found) {
        if (!dir.stat.isDirectory()) {
          if (dir.stat.isSymbolicLink()) return `passes through the symbolic link ${displayPath(dir.path)}, which is not followed`;
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
        for (const name of this.names(dir.path)) {
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
    for (const name of this.names(dir)) {
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
    for (const name of this.names(dir)) {
      const path = dir === '' ? name : `${dir}/${name}`;
      if (this.rules.ignores(path)) return true;
      if (this.lstat(path).isDirectory() && this.hidesBelow(path)) return true;
    }
    return false;
  }

  /** The host path of a context path: a string when it is ASCII (nearly always), else its bytes. */
  host(path: string): string | Buffer {
    if (path === '') return this.root!;
    // A context path is normalized and holds no "..": joining is a concatenation (path.join's
    // normalizing cost a measurable part of walking a large context).
    return ASCII.test(path) ? `${this.root}/${path}` : Buffer.concat([this.rootBytes!, SLASH, bufferOf(path)]);
  }

  /** The names in a directory of the context as byte strings, sorted by bytes. */
  private names(dir: string): string[] {
    return readdirSync(this.host(dir), { encoding: 'buffer' }).map(bytePathFromBuffer).sort();
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
