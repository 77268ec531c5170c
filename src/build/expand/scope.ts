// The variables a step's words are expanded with, by Docker's rules: the stage's ARGs (a
// --build-arg value, else the ARG's default, else a global ARG's value when the stage declares
// the name again), overridden by the image's environment (ENV beats ARG). FROM lines see only
// the global ARGs.

import type { ContainerConfig } from '../../store/image-config.js';
import type { Lookup } from './shell-lex.js';

export class ArgScope {
  /** Declared ARGs and their values (undefined: declared, no value), in declaration order. */
  private readonly values = new Map<string, string | undefined>();
  /** The names read since track(): what the build cache keys a step by (only those, so a
   * build argument the step does not use does not make it run again). */
  private reads = new Set<string>();

  constructor(private readonly buildArgs: ReadonlyMap<string, string>, private readonly consumed: Set<string>) {}

  /** `ARG name[=default]`: `fallback` is the default, or the global ARG's value when the stage
   * declares one again; a --build-arg wins over both. */
  declare(name: string, fallback: string | undefined): void {
    this.consumed.add(name);
    const given = this.buildArgs.get(name);
    this.values.set(name, given ?? fallback);
  }

  get(name: string): string | undefined {
    if (this.values.has(name)) this.reads.add(name);
    return this.values.get(name);
  }

  /** The ARGs with a value, in declaration order (all of them count as read). */
  set(): [string, string][] {
    const out = [...this.values].filter((e): e is [string, string] => e[1] !== undefined);
    for (const [k] of out) this.reads.add(k);
    return out;
  }

  /** Starts noting the names read anew. */
  track(): void {
    this.reads = new Set();
  }

  /** The declared names read since track(), with their values (null: declared without one), in
   * declaration order. */
  read(): [string, string | null][] {
    return [...this.values].filter(([k]) => this.reads.has(k)).map(([k, v]) => [k, v ?? null]);
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
