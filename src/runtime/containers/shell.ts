// The shell `exec -it` starts in a running container for the TUI's `e`: bash when the container's
// tree (its image and what it changed: it may have installed bash) has one in the PATH it runs
// with, else sh (sandbox/shell.ts).

import type { Store } from '../../store/store.js';
import { loadRunSpec } from '../sandbox/run-spec.js';
import { interactiveShell, type Shell } from '../sandbox/shell.js';
import { containerDir, findContainer } from './records.js';
import { openContainerView } from './view.js';

export async function containerShell(store: Store, text: string): Promise<Shell> {
  const rec = findContainer(store, text);
  const env = loadRunSpec(containerDir(store, rec.id)).process.env;
  return interactiveShell((await openContainerView(store, rec)).tree, Array.isArray(env) ? env.filter((e) => typeof e === 'string') : []);
}
