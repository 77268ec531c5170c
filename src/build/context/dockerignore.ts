// .dockerignore, with Docker's matching rules (patterns from the context's root, `**`, `!`
// re-including, the last matching line winning, a directory's exclusion covering what is below
// it), through @balena/dockerignore rather than gitignore's rules.

import dockerignoreModule, { type Ignore } from '@balena/dockerignore';
import { bytesOfUserString } from '../../base/byte-path.js';

// The package is CommonJS whose module.exports is the factory; its typings call it a default export.
type Factory = (options?: { ignorecase?: boolean }) => Ignore;
const dockerignore: Factory = typeof dockerignoreModule === 'function'
  ? (dockerignoreModule as unknown as Factory)
  : (dockerignoreModule as unknown as { default: Factory }).default;

export interface IgnoreRules {
  /** Whether a path (relative to the context, `/`-separated) is left out. */
  ignores(path: string): boolean;
  /** Some line re-includes (`!`): an excluded directory may still hold paths that are not. */
  readonly reincludes: boolean;
}

export function ignoreRules(text: string | undefined): IgnoreRules {
  if (text === undefined) return { ignores: () => false, reincludes: false };
  // Paths are byte strings (build-context.ts): the patterns, UTF-8 text, are matched as bytes too.
  const lines = text.split(/\r?\n/).map((l) => bytesOfUserString(l.trim())).filter((l) => l !== '' && !l.startsWith('#'));
  const rules = dockerignore().add(lines);
  return { ignores: (p) => p !== '' && rules.ignores(p), reincludes: lines.some((l) => l.startsWith('!')) };
}
