// Container ids and names. An id is 32 lowercase letters and digits from nanoid's custom alphabet
// (docs/DESIGN.md §3: it never looks like a flag); lists show its first 12, as Docker shows 12 of 64 hex
// digits. A name is the user's (--name) or an adjective_noun pair in Docker's manner.

import { customAlphabet } from 'nanoid';
import { invalidValue } from '../../base/errors.js';

export const newContainerId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 32);

/** Docker's rule for container names. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const ID = /^[0-9a-z]{32}$/;

export function isContainerId(text: string): boolean {
  return ID.test(text);
}

/** A name strata would have accepted for a container. */
export function isContainerName(text: string): boolean {
  return NAME.test(text) && text.length <= 128 && !ID.test(text);
}

/** --name's value: Docker's rule, and a length that fits one file name in ROOT/names. */
export function checkContainerName(name: string): string {
  if (!NAME.test(name)) throw invalidValue('--name', name, 'letters, digits, "_", "." and "-", starting with a letter or digit');
  if (name.length > 128) throw invalidValue('--name', name, 'longer than 128 characters');
  // A name shaped like an id would read as one: ids are resolved before names, so it could never
  // be used, and lists would show it as if it were one.
  if (ID.test(name)) throw invalidValue('--name', name, 'it looks like a container id');
  return name;
}

const ADJECTIVES = [
  'brave', 'calm', 'clever', 'eager', 'fervent', 'gallant', 'happy', 'jolly', 'keen', 'kind',
  'lucid', 'merry', 'nifty', 'noble', 'quiet', 'quirky', 'serene', 'sharp', 'stoic', 'sweet',
  'tender', 'vivid', 'wise', 'zealous', 'bold', 'crisp', 'dreamy', 'focused', 'gentle', 'humble',
];
const NOUNS = [
  'basalt', 'cedar', 'comet', 'delta', 'ember', 'fjord', 'garnet', 'glacier', 'harbor', 'island',
  'jasper', 'lagoon', 'meadow', 'nebula', 'obsidian', 'onyx', 'prairie', 'quartz', 'reef', 'ridge',
  'sierra', 'slate', 'summit', 'tundra', 'valley', 'willow', 'zephyr', 'canyon', 'marble', 'pebble',
];

/** A random adjective_noun; after the first tries, with a digit as Docker adds one on collision. */
export function generatedName(attempt: number, random: () => number = Math.random): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const base = `${pick(ADJECTIVES)}_${pick(NOUNS)}`;
  return attempt < 3 ? base : `${base}${Math.floor(random() * 10 ** Math.min(attempt - 2, 6))}`;
}
