// Turning what a user typed into an image: a tag (NAME[:TAG]), or an image id (full, with or
// without "sha256:", or a unique prefix of at least 4 hex digits), as Docker resolves them.

import { StrataError } from '../base/errors.js';
import { listImageIds, readImage, type Image } from './images.js';
import { formatReference, looksLikeImageId, parseReference } from './reference.js';
import type { Store } from './store.js';
import { readTag } from './tags.js';

export function findImage(store: Store, text: string): Image | undefined {
  const id = findImageId(store, text);
  return id === undefined ? undefined : readImage(store, id);
}

export function resolveImage(store: Store, text: string): Image {
  const image = findImage(store, text);
  if (!image) throw new StrataError(`image "${text}" not found`);
  return image;
}

export function findImageId(store: Store, text: string): string | undefined {
  let tagError: unknown;
  try {
    const id = readTag(store, formatReference(parseReference(text)));
    if (id) return id;
  } catch (err) {
    tagError = err;
  }
  if (looksLikeImageId(text)) {
    const hex = text.replace(/^sha256:/, '');
    const matches = listImageIds(store).filter((id) => id.slice(7).startsWith(hex));
    if (matches.length > 1) throw new StrataError(`image id prefix "${text}" is ambiguous (${matches.length} images)`);
    if (matches.length === 1) return matches[0];
  } else if (tagError) {
    throw tagError;
  }
  return undefined;
}
