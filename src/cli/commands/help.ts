// `strata help [COMMAND]`: the same text as `strata [COMMAND] --help`, which yargs writes.

import { findCommand } from '../command-words.js';
import { commandLineOf, defineCommand } from '../define.js';
import { unknownWord } from '../unknown-words.js';

export const help = defineCommand({
  command: 'help [command]',
  describe: 'Show the help of strata, or of one command',
  builder: (y) => y.positional('command', { type: 'string', describe: 'A command' }),
  run: async (_ctx, argv) => {
    const line = commandLineOf(argv);
    const word = argv.command;
    if (word !== undefined && findCommand(line.modules, word) === undefined) throw unknownWord([word], line.modules);
    await line.parse(word === undefined ? ['--help'] : [word, '--help']);
  },
});
