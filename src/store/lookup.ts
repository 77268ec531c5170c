// Turning what a user typed into an image: a RepoDigest (NAME@sha256:…, repo-digests.ts), a full
// image id (with or without "sha256:"), a tag (NAME[:TAG]), or a unique id prefix of at least 4 hex digits — tried in that order. A name can
// never take an id over: a full id is never read as a name (and names that look like one are
// refused, reference.ts), and text that is both a tag and the prefix of another image's id is an
// error that names both, never silently the tag.

import { existsSync } from 'node:fs';
import { StrataError } from '../base/errors.js';
import { fullImageId, looksLikeImageId, shortImageId } from './ids.js';
import { listImageIds, readImage, type Image } from './images.js';
import { formatReference, parseReference } from './reference.js';
import type { Store } from './types.js';
import { readTag } from './tags.js';
import { readRepoDigest, repoDigestOf } from './repo-digests.js';

export function findImage(store: Store, text: string): Image | undefined {
  const id = findImageId(store, text);
  return id === undefined ? undefined : readImage(store, id);
}

export function resolveImage(store: Store, text: string): Image {
  const image = findImage(store, text);
  if (!image) throw new StrataError(`image "${text}" not found`);
  return image;
}

/** The image `text` names and, when it named it as a tag, that tag ("busybox" → "busybox:latest");
 * no tag when it named the image by id or id prefix. */
export function resolveImageReference(store: Store, text: string): { image: Image; ref?: string } {
  const image = resolveImage(store, text);
  if (fullImageId(text) !== undefined) return { image };
  const ref = taggedImageId(store, text, looksLikeImageId(text)) === image.id ? formatReference(parseReference(text)) : undefined;
  return ref === undefined ? { image } : { image, ref };
}

export function findImageId(store: Store, text: string): string | undefined {
  // NAME@sha256:<manifest digest>: a pulled or pushed image, through its RepoDigest.
  const repoDigest = repoDigestOf(text);
  if (repoDigest !== undefined) return readRepoDigest(store, repoDigest);
  const full = fullImageId(text);
  if (full !== undefined) return existsSync(store.paths.image(full)) ? full : undefined;
  const idLike = looksLikeImageId(text);
  const tagged = taggedImageId(store, text, idLike);
  const prefixed = idLike ? idsStartingWith(store, text.replace(/^sha256:/, '')) : [];
  if (tagged !== undefined) {
    const other = prefixed.find((id) => id !== tagged);
    if (other !== undefined) {
      throw new StrataError(`"${text}" is ambiguous: the tag ${formatReference(parseReference(text))} is image ${shortImageId(tagged)}, and image ${shortImageId(other)}'s id starts with it; use a longer id or NAME:TAG`);
    }
    return tagged;
  }
  if (prefixed.length > 1) throw new StrataError(`image id prefix "${text}" is ambiguous (${prefixed.length} images)`);
  return prefixed[0];
}

/** The image `text` names as a tag, if it does. Text that is no reference is an error unless it
 * may still be an id prefix ("sha256:6d0a"). */
function taggedImageId(store: Store, text: string, idLike: boolean): string | undefined {
  let ref: string;
  try {
    ref = formatReference(parseReference(text));
  } catch (err) {
    if (idLike) return undefined;
    throw err;
  }
  return readTag(store, ref);
}

function idsStartingWith(store: Store, hex: string): string[] {
  return listImageIds(store).filter((id) => id.startsWith(hex, 7));
}
