// Small text files of an image read through the resolver (never the host's): /etc/passwd and
// /etc/group for user lookups.

import { readEntryContent } from '../../content/read-file.js';
import type { ImageView } from '../../content/image-view.js';
import { PathError } from '../../resolver/path-error.js';
import { resolvePath } from '../../resolver/symlinks.js';
import type { Store } from '../../store/store.js';

/** The file's text (UTF-8), or undefined when the image has none there. */
export function readImageText(store: Store, iv: ImageView, path: string): string | undefined {
  let found;
  try {
    found = resolvePath(iv.view, path).entry;
  } catch (err) {
    if (err instanceof PathError) return undefined;
    throw err;
  }
  if (found === undefined || found.entry.type !== 'file') return undefined;
  const chunks: Buffer[] = [];
  readEntryContent(store, iv, found, (c) => chunks.push(c));
  return Buffer.concat(chunks).toString('utf8');
}
