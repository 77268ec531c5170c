// One error class for everything strata reports to a user. The message is the one line the user
// sees (after "strata: "); `exitCode` is the process status the CLI uses. Lower layers throw
// StrataError with a precise message, or wrap a lower error with context via `cause`.

export type ExitCode = 1 | 2 | 124 | 125 | 126 | 127 | 137;

export class StrataError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, options: { cause?: unknown; exitCode?: ExitCode } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A command line that cannot be acted on: exit status 2, usage follows. */
export class UsageError extends StrataError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** The errno code of a Node.js system error, if it is one. */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/** The one line a user sees for an error: StrataError messages as they are; any other error
 * with the innermost system reason appended, so `ENOSPC` or `EACCES` is never hidden. */
export function oneLine(err: unknown): string {
  if (err instanceof StrataError) {
    const code = errnoOf(err.cause);
    const reason = err.cause instanceof Error && !(err.cause instanceof StrataError) && code ? `: ${systemReason(err.cause)}` : '';
    return flatten(err.message + reason);
  }
  if (err instanceof Error) return flatten(errnoOf(err) ? systemReason(err) : err.message);
  return flatten(String(err));
}

function systemReason(err: Error): string {
  const e = err as NodeJS.ErrnoException;
  const text: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on device',
    EEXIST: 'already exists',
    ENOTDIR: 'not a directory',
    EISDIR: 'is a directory',
    ELOOP: 'too many levels of symbolic links',
    EROFS: 'read-only file system',
    EXDEV: 'cross-device link',
  };
  const what = text[e.code ?? ''] ?? e.code ?? e.message;
  return e.path ? `${e.path}: ${what}` : what;
}

function flatten(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
