// ARG inside a stage: declares names the following steps can use, valued by --build-arg, else
// the default written here, else the global ARG of the same name. Its history entry is Docker's
// (`/bin/sh -c #(nop)  ARG NAME=default`); the value itself reaches only the build.

import { dockerfileError } from '../dockerfile/parse.js';
import { stepLookup } from '../expand/scope.js';
import { expandWord, type Lookup } from '../expand/shell-lex.js';
import type { StepContext } from './context.js';
import { identityOf } from './identity.js';
import { DEFAULT_SHELL, nop } from './metadata.js';
import { nextImage, type PlannedStep } from './step.js';

export interface ArgDeclaration {
  readonly name: string;
  /** The default, expanded; undefined when none is written. */
  readonly fallback: string | undefined;
}

/** The declarations of an ARG instruction's words, defaults expanded with `lookup`. */
export function argDeclarations(words: readonly string[], lookup: Lookup, escape: string, line: number): ArgDeclaration[] {
  if (words.length === 0) throw dockerfileError(line, 'ARG requires at least one argument');
  return words.map((w) => {
    const eq = w.indexOf('=');
    const name = eq < 0 ? w : w.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw dockerfileError(line, `invalid ARG name "${name}"`);
    try {
      return { name, fallback: eq < 0 ? undefined : expandWord(w.slice(eq + 1), lookup, { escape }).word };
    } catch (err) {
      throw dockerfileError(line, (err as Error).message);
    }
  });
}

export function planArg(ctx: StepContext, globals: ReadonlyMap<string, string | undefined>): PlannedStep {
  const i = ctx.instruction;
  const config = ctx.image.config.config ?? {};
  const decls = argDeclarations(i.args, stepLookup(config, ctx.args), ctx.escape, i.line);
  const text = `ARG ${decls.map((d) => (d.fallback === undefined ? d.name : `${d.name}=${d.fallback}`)).join(' ')}`;
  const createdBy = nop(config.Shell ?? DEFAULT_SHELL, text);
  const declare = () => {
    for (const d of decls) ctx.args.declare(d.name, d.fallback ?? globals.get(d.name));
  };
  return {
    identity: identityOf(ctx, text),
    execute: async () => {
      declare();
      return { image: nextImage(ctx.image, config, createdBy) };
    },
    reuse: declare,
  };
}
