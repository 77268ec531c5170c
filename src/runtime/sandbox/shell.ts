// Which shell an interactive session starts (the TUI's `r` on an image, `e` on a container): the
// image's bash when it has one, else sh, as a user of the image would choose. bash is looked up
// in the PATH the command will run with, resolved inside the image's root (a link to a file
// elsewhere in the image counts, nothing on the host does); it must be an executable file.

import { PathError } from '../../resolver/path-error.js';
import { statPath } from '../../resolver/symlinks.js';
import type { TreeReader } from '../../resolver/types.js';
import { openImageView } from '../../content/image-view.js';
import type { Image } from '../../store/images.js';
import type { Store } from '../../store/store.js';
import { DEFAULT_PATH } from './hardening.js';

export type Shell = 'bash' | 'sh';

/** bash when a directory of `env`'s PATH holds an executable bash in `tree`, else sh. */
export function interactiveShell(tree: TreeReader, env: readonly string[]): Shell {
  const path = [...env].reverse().find((kv) => kv.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  for (const dir of path.split(':')) {
    if (!dir.startsWith('/')) continue;
    try {
      const found = statPath(tree, `${dir.replace(/\/+$/, '')}/bash`);
      if (found.entry.type === 'file' && (found.entry.mode & 0o111) !== 0) return 'bash';
    } catch (err) {
      if (!(err instanceof PathError)) throw err;
    }
  }
  return 'sh';
}

/** The shell `run -it IMAGE` would start: the image's PATH, else Docker's default. */
export function imageShell(store: Store, image: Image): Shell {
  return interactiveShell(openImageView(store, image).view, image.config.config?.Env ?? []);
}
