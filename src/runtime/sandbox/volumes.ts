// `-v HOST:CTR[:ro|rw]` bind mounts. The host side is the user's own path and is resolved on the
// host (realpath: a symlinked source is followed deliberately, as Docker does, and the mount then
// names the real directory, so swapping the link later changes nothing); a missing host path is
// created as a directory, as `docker run -v` does. The container side is resolved inside the
// container's root (mount-points.ts).

import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { StrataError, invalidValue } from '../../base/errors.js';

export interface VolumeSpec {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** -v's value. */
export function parseVolume(text: string): VolumeSpec {
  const bad = (why: string) => invalidValue('--volume', text, why);
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) throw bad('HOST:CONTAINER[:ro] (strata has bind mounts only)');
  const [source = '', target = '', mode = 'rw'] = parts;
  if (!isAbsolute(source)) throw bad('the host path must be absolute (strata has bind mounts only, no named volumes)');
  if (!target.startsWith('/')) throw bad('the container path must be absolute');
  if (mode !== 'ro' && mode !== 'rw') throw bad(`mode "${mode}" is not ro or rw`);
  return { source, target, readOnly: mode === 'ro' };
}

export interface HostSource {
  /** The real path (no symlink left in it). */
  readonly path: string;
  readonly isDir: boolean;
}

export function resolveHostSource(source: string): HostSource {
  try {
    mkdirSync(source, { recursive: true });
  } catch (err) {
    // It exists as a file (EEXIST/ENOTDIR): fine, it is bound as a file.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw new StrataError(`cannot create the volume source ${source}`, { cause: err, exitCode: 125 });
  }
  try {
    const path = realpathSync(source);
    return { path, isDir: statSync(path).isDirectory() };
  } catch (err) {
    throw new StrataError(`volume source ${source}`, { cause: err, exitCode: 125 });
  }
}
