// What a command line may name, read from the same definitions yargs is given: the commands of the
// table and, for one of them, its options (with the global ones). The unknown-word check
// (unknown-words.ts) and shell completion (completion.ts) read it, so a command added to the table
// is checked and completed with nothing more to write.

import yargs, { type Argv, type CommandModule } from 'yargs';
import { GLOBAL_OPTIONS } from './global-options.js';

export interface OptionNames {
  /** Every name and alias, without dashes. */
  readonly all: ReadonlySet<string>;
  /** Those that take no value (yargs also reads --no-NAME for them). */
  readonly flags: ReadonlySet<string>;
  /** Long names (more than one letter) with their describe text, for completion. */
  readonly long: readonly string[];
}

/** The word a command is called by, and its aliases. */
export function commandNames(m: CommandModule): string[] {
  return [m.command, m.aliases].flat().filter((c): c is string => typeof c === 'string').map((c) => c.split(' ')[0]!);
}

/** The commands a user may type (hidden ones, `describe: false`, and the default `$0` left out). */
export function visibleCommands(modules: readonly CommandModule[]): string[] {
  return modules.filter((m) => m.describe !== false).flatMap(commandNames).filter((n) => n !== '$0');
}

export function findCommand(modules: readonly CommandModule[], word: string): CommandModule | undefined {
  return modules.find((m) => commandNames(m).includes(word));
}

/** The names of the positionals in a command's usage (`run <image> [command..]`: image, command). */
export function positionalNames(m: CommandModule): string[] {
  const usage = [m.command].flat()[0] ?? '';
  return [...usage.matchAll(/[<[]([^\]>.]+)(?:\.\.)?[\]>]/g)].map((x) => x[1]!);
}

/** The options `module` takes, global ones included: its builder run on a yargs of its own. */
export function optionNames(module: CommandModule | undefined): OptionNames {
  const probe = yargs([]).options(GLOBAL_OPTIONS);
  const builder = module?.builder;
  if (typeof builder === 'function') (builder as (y: Argv) => unknown)(probe);
  else if (builder !== undefined) probe.options(builder);
  const o = (probe as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]>; boolean: string[] } }).getOptions();
  // A positional is declared as a key too; it is no flag.
  const positionals = new Set(module === undefined ? [] : positionalNames(module));
  const names = [...Object.keys(o.key), ...Object.values(o.alias).flat()].filter((n) => !positionals.has(n));
  const flags = new Set(o.boolean.flatMap((n) => [n, ...(o.alias[n] ?? [])]));
  for (const [name, aliases] of Object.entries(o.alias)) if (aliases.some((a) => flags.has(a))) flags.add(name);
  flags.add('h');
  const all = new Set([...names, 'h']);
  return { all, flags, long: [...all].filter((n) => n.length > 1).sort() };
}
