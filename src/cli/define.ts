// A command is a yargs CommandModule whose handler gets a Context; its return value, if a number,
// is the exit status.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { makeContext, type Context, type GlobalOptions } from './context.js';

export function defineCommand<A>(spec: {
  command: string | string[];
  describe: string;
  builder: (y: Argv<GlobalOptions>) => Argv<A>;
  run: (ctx: Context, argv: ArgumentsCamelCase<A & GlobalOptions>) => Promise<number | void>;
}): CommandModule<GlobalOptions, A> {
  return {
    command: spec.command,
    describe: spec.describe,
    builder: spec.builder,
    handler: async (argv) => {
      const code = await spec.run(makeContext(argv as GlobalOptions), argv as ArgumentsCamelCase<A & GlobalOptions>);
      if (typeof code === 'number') process.exitCode = code;
    },
  };
}
