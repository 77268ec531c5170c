// What a command's context refuses (an empty --root, an unknown --driver), for the fast-path
// tests: a line a fast path takes must fail there exactly as it fails through yargs.

import { makeContext } from '../../src/app/context.js';

/** The message makeContext throws for `argv`, or undefined when it takes it. */
export function contextError(argv: Record<string, unknown>): string | undefined {
  try {
    makeContext(argv);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
