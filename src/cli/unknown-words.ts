// A mistyped word gets Docker's answer, not the parser's second guess: `strata run --rmm busybox`
// is "unknown flag: --rmm" (yargs would take "busybox" as --rmm's value and complain that IMAGE is
// missing), `strata imgaes` is `unknown command "imgaes"`, each with the closest known word when
// one is close. Run when yargs has refused a line (cli.ts), so a good line pays nothing for it.

import type { CommandModule } from 'yargs';
import { UsageError } from '../base/errors.js';
import { commandWord } from './command-tail.js';
import { findCommand, optionNames, visibleCommands } from './command-words.js';
import { closest } from './suggest.js';

/** The error for the first unknown command or flag in `words` (the line yargs parsed, without a
 * command's tail), or undefined when every word is known. */
export function unknownWord(words: readonly string[], modules: readonly CommandModule[]): UsageError | undefined {
  const word = commandWord(words);
  const module = word === undefined ? undefined : findCommand(modules, word);
  if (word !== undefined && module === undefined && word !== '-') {
    const near = closest(word, visibleCommands(modules));
    return new UsageError(`unknown command "${word}"${near === undefined ? '' : ` (did you mean "${near}"?)`}; see 'strata --help'`);
  }
  const options = optionNames(module);
  const help = word === undefined ? 'strata --help' : `strata ${word} --help`;
  const unknown = (shown: string, name: string) => {
    const near = closest(name, options.long);
    return new UsageError(`unknown flag: ${shown}${near === undefined ? '' : ` (did you mean --${near}?)`}; see '${help}'`);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') break;
    if (!w.startsWith('-') || w === '-') continue;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = w.slice(2, eq < 0 ? undefined : eq);
      const negated = name.startsWith('no-') && options.flags.has(name.slice(3));
      if (!options.all.has(name) && !negated) return unknown(eq < 0 ? w : w.slice(0, eq), name);
      if (eq < 0 && !options.flags.has(name) && !negated) i++;
      continue;
    }
    for (let k = 1; k < w.length; k++) {
      const letter = w[k]!;
      if (!options.all.has(letter)) {
        return new UsageError(`unknown shorthand flag: '${letter}' in ${w}; see '${help}'`);
      }
      if (!options.flags.has(letter)) {
        if (k === w.length - 1) i++;
        break;
      }
    }
  }
  return undefined;
}
