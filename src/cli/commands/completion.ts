// `strata completion bash|zsh|fish` prints the shell function; the function calls the hidden
// `strata __complete WORD…`, which prints the candidates for the last word (../completion.ts).

import { existsSync } from 'node:fs';
import { makeContext } from '../../app/context.js';
import { oneOf } from '../../base/flag-values.js';
import { commandLineOf, defineCommand } from '../define.js';
import { SHELLS } from '../completion.js';

export const completion = defineCommand({
  command: 'completion <shell>',
  describe: 'Print the shell completion script: bash (source <(strata completion bash)), zsh, fish',
  builder: (y) => y.positional('shell', { type: 'string', demandOption: true, describe: 'bash, zsh or fish' }),
  run: async (ctx, argv) => {
    const { COMPLETION_SCRIPTS } = await import('../completion-scripts.js');
    ctx.out(COMPLETION_SCRIPTS[oneOf('SHELL', argv.shell, SHELLS)]);
  },
});

/** Its words are the shell's, flags included: all of them are its tail (commandTails). */
export const complete = defineCommand({
  command: '__complete [words..]',
  describe: false,
  builder: (y) => y,
  run: async (ctx, argv) => {
    const words = (argv as { commandTail?: string[] }).commandTail ?? [];
    const { completions } = await import('../completion.js');
    const store = await existingStore(words, ctx.root);
    const { listTags } = await import('../../store/tags.js');
    const { listContainers } = await import('../../runtime/containers/records.js');
    const names = {
      images: () => (store === undefined ? [] : [...listTags(store).keys()]),
      containers: () => (store === undefined ? [] : listContainers(store).map((c) => c.name)),
    };
    process.stdout.write(completions(words, commandLineOf(argv).modules, names).map((w) => `${w}\n`).join(''));
  },
});

/** The store the typed line names (its --root, else strata's own), if it exists: completing a
 * word creates no store, and a store that cannot be read completes no names. */
async function existingStore(words: readonly string[], given: string) {
  const at = words.findIndex((w) => w === '--root' || w.startsWith('--root='));
  const root = at < 0 ? undefined : words[at]!.startsWith('--root=') ? words[at]!.slice(7) : words[at + 1];
  try {
    const ctx = makeContext({ root: root ?? given });
    if (!existsSync(ctx.root)) return undefined;
    return await ctx.store();
  } catch {
    return undefined;
  }
}
