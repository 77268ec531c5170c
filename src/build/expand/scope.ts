// The variables a step's words are expanded with, by Docker's rules: the stage's ARGs (a
// --build-arg value, else the ARG's default, else a global ARG's value when the stage declares
// the name again), overridden by the image's environment (ENV beats ARG). FROM lines see only
// the global ARGs.

import type { ContainerConfig } from '../../store/image-config.js';
import type { Lookup } from './shell-lex.js';

export class ArgScope {
  /** Declared ARGs and their values (undefined: declared, no value), in declaration order. */
  private readonly values = new Map<string, string | undefined>();

  constructor(private readonly buildArgs: ReadonlyMap<string, string>, private readonly consumed: Set<string>) {}

  /** `ARG name[=default]`: `fallback` is the default, or the global ARG's value when the stage
   * declares one again; a --build-arg wins over both. */
  declare(name: string, fallback: string | undefined): void {
    this.consumed.add(name);
    const given = this.buildArgs.get(name);
    this.values.set(name, given ?? fallback);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** The ARGs with a value, in declaration order. */
  set(): [string, string][] {
    return [...this.values].filter((e): e is [string, string] => e[1] !== undefined);
  }

  copy(): ArgScope {
    const s = new ArgScope(this.buildArgs, this.consumed);
    for (const [k, v] of this.values) s.values.set(k, v);
    return s;
  }
}

/** NAME=value entries of an environment list, the last of a name winning. */
export function envMap(env: readonly string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) m.set(e.slice(0, eq), e.slice(eq + 1));
    else if (eq < 0) m.set(e, '');
  }
  return m;
}

export function stepLookup(config: ContainerConfig, args: ArgScope): Lookup {
  const env = envMap(config.Env);
  return (name) => env.get(name) ?? args.get(name);
}
