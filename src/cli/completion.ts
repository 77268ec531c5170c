// What the shell completes (`strata completion bash|zsh|fish` installs a function that asks
// `strata __complete WORD…`, the last word the one being typed): a command's name, its flags,
// and — from the store the line names with --root — image references and container names,
// chosen by what the positional is called in the command's usage (`<image>`, `<container..>`).
// Everything is read from the command table (command-words.ts): a new command completes too.

import type { CommandModule } from 'yargs';
import { findCommand, optionNames, positionalNames, visibleCommands } from './command-words.js';
import { GLOBAL_VALUE_OPTIONS, commandWord } from './command-tail.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Names from the store, looked up only when a positional wants them. */
export interface StoreNames {
  images(): string[];
  containers(): string[];
}

/** What a positional called `name` holds. */
function kindOf(name: string): 'image' | 'container' | 'command' | 'shell' | undefined {
  if (/image|ref|source|target/.test(name)) return 'image';
  if (/container|ctr/.test(name)) return 'container';
  if (name === 'command') return 'command';
  if (name === 'shell') return 'shell';
  return undefined;
}

/** The candidates for the last of `words` (the words after `strata`), one per line, those that
 * begin with what is typed. */
export function completions(words: readonly string[], modules: readonly CommandModule[], names: StoreNames): string[] {
  const typed = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const word = commandWord(before);
  const module = word === undefined ? undefined : findCommand(modules, word);
  const options = optionNames(module);
  const previous = before.at(-1);
  const begins = (list: readonly string[]) => [...new Set(list)].filter((c) => c.startsWith(typed)).sort();

  // The value of an option that takes one: the shell's own file completion, when it has any.
  if (previous?.startsWith('-') && !previous.includes('=') && valueOption(previous, options.flags)) return [];
  if (typed.startsWith('-')) return begins(options.long.map((n) => `--${n}`));
  if (word === undefined) return begins(visibleCommands(modules));
  if (module === undefined) return [];
  const slot = positionalSlot(before.slice(before.indexOf(word) + 1), options.flags);
  const positionals = positionalNames(module);
  const kind = kindOf(positionals[Math.min(slot, positionals.length - 1)] ?? '');
  if (positionals.length === 0 || (slot >= positionals.length && !/\.\.[\]>]/.test([module.command].flat()[0] ?? ''))) return [];
  switch (kind) {
    case 'image': return begins(names.images());
    case 'container': return begins(names.containers());
    case 'command': return word === 'help' ? begins(visibleCommands(modules)) : [];
    case 'shell': return begins(SHELLS);
    default: return [];
  }
}

function valueOption(word: string, flags: ReadonlySet<string>): boolean {
  if (word.startsWith('--')) return !flags.has(word.slice(2)) && (GLOBAL_VALUE_OPTIONS.includes(word.slice(2)) || !word.slice(2).startsWith('no-'));
  const last = word.at(-1)!;
  return word.length === 2 && !flags.has(last);
}

/** How many positionals the words after the command hold. */
function positionalSlot(words: readonly string[], flags: ReadonlySet<string>): number {
  let n = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w === '-') n++;
    else if (!w.includes('=') && valueOption(w, flags)) i++;
  }
  return n;
}
