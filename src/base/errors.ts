// One error class for everything strata reports to a user. The message is the one line the user
// sees (after "strata: "); `exitCode` is the process status the CLI uses. Lower layers throw
// StrataError with a precise message, or wrap a lower error with context via `cause`.

import { getSystemErrorMap } from 'node:util';

export type ExitCode = 1 | 2 | 124 | 125 | 126 | 127 | 137;

export class StrataError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, options: { cause?: unknown; exitCode?: ExitCode } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A command line that cannot be acted on: exit status 2. */
export class UsageError extends StrataError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** A flag given a value it cannot take, named with the value as typed:
 * `invalid value "abc" for --timeout: whole seconds from 1 to 3153600000`. */
export function invalidValue(flag: string, value: string, why: string): UsageError {
  return new UsageError(`invalid value "${value}" for ${flag}: ${why}`);
}

/** The errno code of a Node.js system error, if it is one. */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/** The one line a user sees for an error: StrataError messages as they are; any other error
 * as words (a system error's code never shows, its reason always does: `ENOSPC` becomes "no
 * space left on device"), a StrataError's system cause appended unless its message already
 * says it. Bytes that are not printable are escaped (`printable`), so no name or value taken
 * from an image, an archive or a command line reaches the terminal raw. */
export function oneLine(err: unknown): string {
  return printable(textOf(err).trim());
}

function textOf(err: unknown): string {
  if (err instanceof StrataError) {
    const cause = err.cause;
    if (!(cause instanceof Error) || cause instanceof StrataError || errnoOf(cause) === undefined) return err.message;
    return err.message.endsWith(reasonOf(cause)) ? err.message : `${err.message}: ${codedReason(cause, err.message)}`;
  }
  if (err instanceof Error) return errnoOf(err) === undefined ? err.message : codedReason(err, '');
  return String(err);
}

/** Words for an error that carries a code, with the path it names unless `context` holds it. */
function codedReason(err: Error, context: string): string {
  const path = (err as NodeJS.ErrnoException).path;
  const what = reasonOf(err);
  return path && !context.includes(path) ? `${path}: ${what}` : what;
}

/** What went wrong, in words, without the path: "no space left on device". */
export function reasonOf(err: unknown): string {
  const code = errnoOf(err);
  if (code === undefined) return err instanceof Error ? err.message : String(err);
  const known = REASONS[code] ?? systemMessages().get(code);
  if (known) return known;
  const message = err instanceof Error ? err.message : '';
  if (code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') {
    return /null bytes/.test(message) ? 'a name holds a NUL byte' : 'invalid argument';
  }
  // Node.js' own errors say what happened in words; only their code is left out.
  return message.replace(code, '').replace(/^[\s:]+/, '') || 'unknown error';
}

/** strerror's words where they read better than libuv's, and codes libuv does not name. */
const REASONS: Readonly<Record<string, string>> = {
  EEXIST: 'already exists',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EDQUOT: 'disk quota exceeded',
  EBUSY: 'device or resource busy',
  EXDEV: 'cross-device link',
};

let systemMessageMap: Map<string, string> | undefined;

function systemMessages(): Map<string, string> {
  return (systemMessageMap ??= new Map([...getSystemErrorMap().values()]));
}

/** Text with every character that is not printable escaped as Go's %q and GNU ls show it:
 * \n, \t, \r, \x00…\x1f, \x7f…\x9f, and \uXXXX for format characters (bidirectional overrides,
 * zero-width characters), separators and lone surrogates. A terminal then shows the bytes as
 * written and runs no escape sequence hidden in a name; text already escaped is unchanged. */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Cn}]/gu, (c) => {
    const short = ESCAPES[c];
    if (short) return short;
    const code = c.codePointAt(0)!;
    if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code < 0x10000 ? `\\u${code.toString(16).padStart(4, '0')}` : `\\U${code.toString(16).padStart(8, '0')}`;
  });
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
