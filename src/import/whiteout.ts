// THE whiteout rules of OCI / Docker layer tars (nothing else in strata re-implements them):
//   - an entry `DIR/.wh.NAME` deletes DIR/NAME from the layers below;
//   - an entry `DIR/.wh..wh..opq` makes DIR opaque: nothing below shows through it.
// Both are facts of the layer, recorded in its index (LayerIndex.whiteouts / .opaque) and written
// back out on save; they are never created as files in the layer directory. A whiteout applies
// to lower layers only, so a path and its whiteout may sit in the same layer.

import type { BytePath } from '../base/byte-path.js';
import { ROOT, baseName, joinPath, parentOf } from '../base/byte-path.js';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** aufs kept its own bookkeeping under this prefix (.wh..wh.plnk, .wh..wh.aufs). */
const AUFS_META_PREFIX = '.wh..wh.';

export type WhiteoutClass =
  | { readonly kind: 'plain' }
  | { readonly kind: 'whiteout'; readonly target: BytePath }
  | { readonly kind: 'opaque'; readonly dir: BytePath }
  | { readonly kind: 'refused'; readonly reason: string };

const PLAIN: WhiteoutClass = { kind: 'plain' };

/** Classify an entry by its (already safe) path inside the layer. */
export function classifyEntry(path: BytePath): WhiteoutClass {
  if (!path.includes(`/${WHITEOUT_PREFIX}`)) return PLAIN;
  const dir = parentOf(path);
  // A whiteout has no children. Unpacking "a/.wh.x/f" would make a directory named ".wh.x" that
  // a later save writes back out as a whiteout entry — of a name ("x/") the layer never meant.
  const nested = dir.indexOf(`/${WHITEOUT_PREFIX}`);
  if (nested >= 0) {
    const component = dir.slice(nested + 1).split('/')[0]!;
    return { kind: 'refused', reason: `whiteout "${component}" cannot be a directory` };
  }
  const base = baseName(path);
  if (!base.startsWith(WHITEOUT_PREFIX)) return PLAIN;
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  if (base.startsWith(AUFS_META_PREFIX)) return { kind: 'refused', reason: 'aufs metadata entries are not supported' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  // A whiteout names one entry of its own directory. "." or ".." would delete the directory itself
  // or its parent (a whiteout that climbs), and "" names nothing; safe-name.ts already split on
  // "/" and refused NUL, the checks here keep this module safe on its own.
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    return { kind: 'refused', reason: `whiteout of "${name}" is not a name in its directory` };
  }
  return { kind: 'whiteout', target: joinPath(dir, name) };
}

/** The entry name that whites out `path` ("/a/b" -> "/a/.wh.b"). */
export function whiteoutEntryFor(path: BytePath): BytePath {
  if (path === ROOT) throw new Error('the root cannot be whited out');
  return joinPath(parentOf(path), WHITEOUT_PREFIX + baseName(path));
}

/** The opaque marker entry of directory `dir` ("/a" -> "/a/.wh..wh..opq"). */
export function opaqueMarkerFor(dir: BytePath): BytePath {
  return joinPath(dir, OPAQUE_MARKER);
}
