// A parser for the plain forms of one command's line, so that a command whose start time matters
// (`run`) need not load yargs. It reads the same option tables yargs is given and returns what
// yargs would hand the command's handler — or undefined for anything it does not plainly
// understand: help, a misspelt, negated or repeated option, a short group holding a value option
// (-eK=V), a value that starts with "-". Those lines go to yargs, whose results, errors and help
// stay the reference; test/cli/run-fast-path.test.ts holds the two to the same answers. Values
// are strings as typed (numbers and choices are the command's to check, with its own messages),
// so a table with a number option or a list of choices is never parsed here.

import type { Options } from 'yargs';

export type OptionTable = Readonly<Record<string, Options>>;

export interface LeanCommand {
  /** The command's word; DEFAULT_COMMAND for the line without one (yargs' `$0`). */
  readonly name: string;
  readonly options: OptionTable;
  /** Its positionals, in order; each takes exactly one word. */
  readonly positionals: readonly string[];
}

/** yargs' name of the default command: the line that names no command. */
export const DEFAULT_COMMAND = '$0';

/** The keys of an option's definition this parser follows; a table using any other (default,
 * coerce, count, conflicts…) is never parsed here. */
const UNDERSTOOD = new Set(['alias', 'type', 'array', 'nargs', 'requiresArg', 'describe', 'global']);

interface Spec {
  /** Its key in the handler's argv (yargs' camel case of the option's name). */
  readonly key: string;
  readonly type: 'boolean' | 'string';
  readonly array: boolean;
}

/** Every name and alias of the tables' options -> its spec; undefined when an option uses what
 * this parser does not follow. */
function specsOf(tables: readonly OptionTable[]): Map<string, Spec> | undefined {
  const specs = new Map<string, Spec>();
  for (const table of tables) {
    for (const [name, o] of Object.entries(table)) {
      if (Object.keys(o).some((k) => !UNDERSTOOD.has(k))) return undefined;
      if (o.type !== 'boolean' && o.type !== 'string') return undefined;
      // An array without nargs: 1 takes every word up to the next option.
      if (o.array && (o.type === 'boolean' || o.nargs !== 1)) return undefined;
      if (!o.array && o.nargs !== undefined) return undefined;
      const spec: Spec = { key: camelCase(name), type: o.type, array: o.array === true };
      for (const n of [name, ...(o.alias === undefined ? [] : typeof o.alias === 'string' ? [o.alias] : o.alias)]) specs.set(n, spec);
    }
  }
  return specs;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `words`: options (global or the command's) in any order, the command's name, its positionals.
 * Returns the handler's argv (options and positionals by key), or undefined: let yargs decide. */
export function leanParse(words: readonly string[], globals: OptionTable, command: LeanCommand): Record<string, unknown> | undefined {
  const specs = specsOf([globals, command.options]);
  if (!specs) return undefined;
  const argv: Record<string, unknown> = {};
  const positionals: string[] = [];

  const set = (spec: Spec, value: unknown): boolean => {
    if (spec.array) {
      ((argv[spec.key] ??= []) as unknown[]).push(value);
      return true;
    }
    // Given twice, yargs makes an array of a single-valued option: not plain.
    if (spec.key in argv) return false;
    argv[spec.key] = value;
    return true;
  };
  // yargs reads a "true" or "false" after a boolean flag as the flag's value.
  const flagValueFollows = (i: number) => /^(true|false)$/.test(words[i + 1] ?? '');

  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') return undefined;
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const long = word.startsWith('--');
    const eq = long ? word.indexOf('=') : -1;
    const names = long ? [eq < 0 ? word.slice(2) : word.slice(2, eq)] : [...word.slice(1)];
    const found = names.map((n) => specs.get(n));
    if (found.some((s) => s === undefined)) return undefined;
    const valued = found.filter((s) => s!.type !== 'boolean');
    if (valued.length === 0) {
      if (eq >= 0 || found.some((s) => !set(s!, true)) || flagValueFollows(i)) return undefined;
      continue;
    }
    // One option that takes a value, alone in its word: --name=V, --name V, -e V.
    if (names.length !== 1) return undefined;
    const spec = valued[0]!;
    let text: string;
    if (eq >= 0) {
      text = word.slice(eq + 1);
    } else {
      const next = words[i + 1];
      if (next === undefined || next.startsWith('-')) return undefined;
      text = next;
      i++;
    }
    if (!set(spec, text)) return undefined;
  }

  const named = command.name === DEFAULT_COMMAND ? [DEFAULT_COMMAND, ...positionals] : positionals;
  if (named[0] !== command.name || named.length !== command.positionals.length + 1) return undefined;
  command.positionals.forEach((name, k) => {
    argv[name] = named[k + 1];
  });
  return argv;
}
