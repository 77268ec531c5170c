// Every command, in the order `strata --help` lists them.

import { exportCommand, load, save } from './archives.js';
import { batch } from './batch.js';
import { build } from './build.js';
import { check } from './check.js';
import { commit } from './commit.js';
import { complete, completion } from './completion.js';
import { cp } from './cp.js';
import { diff, ps, rm } from './containers.js';
import { efficiency } from './efficiency.js';
import { EXEC_VALUE_OPTIONS, exec } from './exec.js';
import { help } from './help.js';
import { history } from './history.js';
import { images } from './images.js';
import { importCommand } from './import.js';
import { info } from './info.js';
import { kill, logs, start, stop, wait } from './lifecycle.js';
import { inspect } from './inspect.js';
import { prune } from './prune.js';
import { login, logout, pull, push } from './registry.js';
import { cat, ls, tree } from './reading.js';
import { rmi } from './rmi.js';
import { RUN_TAIL, run } from './run.js';
import { tag } from './tag.js';
import type { TailSpec } from '../command-tail.js';
import { tui } from './tui.js';

export const commands = [
  run, batch, exec, ps, rm, diff, commit, build, cp, start, stop, kill, wait, logs, importCommand, load, save, exportCommand, pull, push, login, logout, images, history, inspect, tag, rmi, prune,
  ls, cat, tree, efficiency, check, info, tui, help, completion, complete,
];

/** Commands whose words after their positionals belong to a command they run (command-tail.ts). */
export const commandTails: Record<string, TailSpec> = {
  run: RUN_TAIL,
  exec: { valueOptions: new Set(EXEC_VALUE_OPTIONS), positionals: 1 },
  __complete: { valueOptions: new Set(), positionals: 0 },
};
