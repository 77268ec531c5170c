// FROM: where a stage starts — `scratch` (no layers), an earlier stage, or an image of the store.
// Its words see only the ARGs declared before the first FROM.

import { hostArchitecture } from '../../store/image-config.js';
import { findImage } from '../../store/lookup.js';
import type { Store } from '../../store/store.js';
import type { Instruction } from '../dockerfile/instruction.js';
import { dockerfileError } from '../dockerfile/parse.js';
import { expandWord, type Lookup } from '../expand/shell-lex.js';
import type { StageImage } from './step.js';

/** Docker gives an image without PATH this one, so RUN finds its programs. */
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';


export function expandBase(from: Instruction, globals: Lookup, escape: string): string {
  for (const f of from.flags) {
    if (!/^--platform=/.test(f)) throw dockerfileError(from.line, `unknown flag: ${f.split('=')[0]}`);
  }
  try {
    const base = expandWord(from.args[0]!, globals, { escape }).word;
    if (base === '') throw new Error('base name (' + from.args[0] + ') should not be blank');
    return base;
  } catch (err) {
    throw dockerfileError(from.line, (err as Error).message);
  }
}

export function scratchImage(): StageImage {
  return { config: { architecture: hostArchitecture(), os: 'linux', config: { Env: [DEFAULT_PATH] }, rootfs: { type: 'layers', diff_ids: [] }, history: [] } };
}

/** An image of the store as a stage's start. Registries are not asked: the image must be here. */
export function storedBase(store: Store, base: string, line: number): { id: string; image: StageImage } {
  let found;
  try {
    found = findImage(store, base);
  } catch (err) {
    throw dockerfileError(line, (err as Error).message);
  }
  if (!found) throw dockerfileError(line, `image "${base}" not found (import, load or build it first)`);
  const config = found.config;
  const env = config.config?.Env ?? [];
  const withPath = env.some((e) => e.startsWith('PATH=')) ? env : [DEFAULT_PATH, ...env];
  return { id: found.id, image: { config: { ...config, config: { ...(config.config ?? {}), Env: withPath } } } };
}
