// The one error the resolver throws: a path and an errno-style code, worded as the kernel would
// word it, so `strata cat IMG:/x` reads like `cat /x` does.

import { displayPath, type BytePath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';

export type PathErrorCode = 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EEXIST' | 'ENOTEMPTY' | 'ELOOP' | 'EINVAL';

const REASONS: Record<PathErrorCode, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  EINVAL: 'invalid argument',
};

export class PathError extends StrataError {
  readonly code: PathErrorCode;
  readonly path: string;
  constructor(code: PathErrorCode, path: BytePath | string, detail?: string) {
    super(`${displayPath(path)}: ${detail ?? REASONS[code]}`);
    this.name = 'PathError';
    this.code = code;
    this.path = path;
  }
}
