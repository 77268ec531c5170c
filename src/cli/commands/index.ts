// Every command, in the order `strata --help` lists them.

import { history } from './history.js';
import { images } from './images.js';
import { importCommand } from './import.js';
import { info } from './info.js';
import { inspect } from './inspect.js';
import { prune } from './prune.js';
import { rmi } from './rmi.js';
import { tag } from './tag.js';

export const commands = [importCommand, images, history, inspect, tag, rmi, prune, info];
