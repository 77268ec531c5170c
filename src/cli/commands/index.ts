// Every command, in the order `strata --help` lists them.

import { exportCommand, load, save } from './archives.js';
import { check } from './check.js';
import { efficiency } from './efficiency.js';
import { history } from './history.js';
import { images } from './images.js';
import { importCommand } from './import.js';
import { info } from './info.js';
import { inspect } from './inspect.js';
import { prune } from './prune.js';
import { cat, ls, tree } from './reading.js';
import { rmi } from './rmi.js';
import { tag } from './tag.js';

export const commands = [
  importCommand, load, save, exportCommand, images, history, inspect, tag, rmi, prune,
  ls, cat, tree, efficiency, check, info,
];
