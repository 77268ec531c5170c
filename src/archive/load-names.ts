// Which tags a loaded image gets (docs/DESIGN.md §6, `load PATH [NAME]`):
//  - an OCI ref name that is a bare tag T becomes NAME:T, NAME defaulting to the archive's file
//    name without its extension; a ref name that is a full reference is kept;
//  - docker-archive RepoTags are kept as given;
//  - a NAME given by the user replaces the name part of every reference (its tag, when it has
//    one, replaces the tags too), and names an image that came without any reference.

import { basename } from 'node:path';
import { StrataError } from '../base/errors.js';
import { formatReference, parseReference, type Reference } from '../store/reference.js';

/** A reference as an archive states it: a bare tag, or a full NAME[:TAG]. */
export interface StatedName {
  readonly text: string;
  /** OCI ref names may be bare tags; docker RepoTags are always references. */
  readonly mayBeBareTag: boolean;
}

/** The default NAME for bare tags: "busybox.tar" -> "busybox", "/x/app.oci.tar.gz" -> "app". */
export function defaultNameOf(path: string): string {
  const name = basename(path.replace(/\/+$/, '')).replace(/(\.(tar|tgz|gz|xz|zst|zstd|oci|docker))+$/i, '');
  return name.toLowerCase();
}

/** The "name:tag" strings to set for one image. */
export function tagsFor(stated: readonly StatedName[], archivePath: string, userName: string | undefined): string[] {
  const user = userName === undefined ? undefined : parseUserName(userName);
  const out = new Set<string>();
  if (stated.length === 0) {
    if (user) out.add(formatReference({ name: user.name, tag: user.tag ?? 'latest' }));
    return [...out];
  }
  for (const s of stated) {
    const ref = parseStated(isBareTag(s) ? `${user?.name ?? defaultName(archivePath)}:${s.text}` : s.text);
    out.add(formatReference(user ? { name: user.name, tag: user.tag ?? ref.tag } : ref));
  }
  return [...out];
}

function isBareTag(s: StatedName): boolean {
  return s.mayBeBareTag && !s.text.includes(':') && !s.text.includes('/');
}

function parseUserName(text: string): { name: string; tag: string | undefined } {
  const ref = parseReference(text);
  const explicitTag = text.lastIndexOf(':') > text.lastIndexOf('/');
  return { name: ref.name, tag: explicitTag ? ref.tag : undefined };
}

function parseStated(text: string): Reference {
  try {
    return parseReference(text);
  } catch (err) {
    throw new StrataError(`the archive names an image "${text}", which is not a valid reference`, { cause: err });
  }
}

function defaultName(archivePath: string): string {
  const name = defaultNameOf(archivePath);
  try {
    return parseReference(name).name;
  } catch (err) {
    throw new StrataError(`"${name}" (from the file name) is not a valid image name: give NAME`, { cause: err });
  }
}
