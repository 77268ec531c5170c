// As in Docker, everything after IMAGE in `run` (and after CTR in `exec`) belongs to the command:
// `strata run busybox ls -la /` passes "-la" to ls, untouched by the option parser (no number
// conversion, no option of ours recognized there). Before yargs sees the line, the command's
// words are cut off here; a "--" right after IMAGE is accepted and dropped.

import type { Options } from 'yargs';
import { GLOBAL_OPTIONS } from './global-options.js';

export interface TailSpec {
  /** Options of the command (and global ones) that take a value: the next word is theirs unless
   * written as --opt=value. Long names without dashes, short names as one letter. */
  readonly valueOptions: ReadonlySet<string>;
  /** How many positional words come before the tail (1 for run's IMAGE). */
  readonly positionals: number;
}

export interface Split {
  /** What yargs parses. */
  readonly args: string[];
  /** The command's own words (undefined when the command takes no tail). */
  readonly tail: string[] | undefined;
}

/** Every name (and alias) of the options in a yargs table that take a value: all but booleans. */
export function valueOptionNames(table: Readonly<Record<string, Options>>): string[] {
  return Object.entries(table).flatMap(([name, o]) => (o.type === 'boolean' ? [] : [name, ...(o.alias === undefined ? [] : [o.alias].flat())]));
}

/** Global options that take a value (global-options.ts). */
export const GLOBAL_VALUE_OPTIONS = valueOptionNames(GLOBAL_OPTIONS);

/** The word naming the command (the first after the global options and their values), if any. */
export function commandWord(args: readonly string[]): string | undefined {
  return args[skipOptions(args, 0, new Set(GLOBAL_VALUE_OPTIONS))];
}

export function splitCommandTail(args: readonly string[], commands: Readonly<Record<string, TailSpec>>): Split {
  const globals = new Set(GLOBAL_VALUE_OPTIONS);
  let i = skipOptions(args, 0, globals);
  const name = args[i];
  const spec = name === undefined ? undefined : commands[name];
  if (spec === undefined) return { args: [...args], tail: undefined };
  const valueOptions = new Set([...globals, ...spec.valueOptions]);
  const head = args.slice(0, i + 1);
  let k = i + 1;
  let seen = 0;
  while (k < args.length && seen < spec.positionals) {
    if (args[k] === '--') {
      // End of options: the positionals follow, then the tail.
      k++;
      while (k < args.length && seen < spec.positionals) {
        head.push(args[k++]!);
        seen++;
      }
      break;
    }
    const next = skipOptions(args, k, valueOptions);
    if (next > k) {
      head.push(...args.slice(k, next));
      k = next;
      continue;
    }
    head.push(args[k++]!);
    seen++;
  }
  const tail = args.slice(k);
  if (tail[0] === '--') tail.shift();
  return { args: head, tail };
}

/** The index after the options starting at `i` (and their values). */
function skipOptions(args: readonly string[], i: number, valueOptions: ReadonlySet<string>): number {
  while (i < args.length) {
    const word = args[i]!;
    if (word === '-' || word === '--' || !word.startsWith('-')) return i;
    if (word.startsWith('--')) {
      const name = word.slice(2);
      i += !name.includes('=') && valueOptions.has(name) ? 2 : 1;
      continue;
    }
    // A group of short options (-it, -e K=V, -eK=V): the first that takes a value takes the rest
    // of the word, or the next word when nothing of this one is left.
    let consumesNext = false;
    for (let k = 1; k < word.length; k++) {
      if (valueOptions.has(word[k]!)) {
        consumesNext = k === word.length - 1;
        break;
      }
    }
    i += consumesNext ? 2 : 1;
  }
  return i;
}
