// THE path-safety rule for names that come from archives: a tar entry's name, or a hard link's
// target, becomes a BytePath inside the layer, or is refused with a reason. Nothing else in strata
// turns an untrusted name into a path. Until a name has passed through here it is called unsafe*.
//
// Names are read as GNU tar and Docker read them: leading "/" are stripped ("/etc/passwd" is
// etc/passwd of the layer: kaniko writes "/" itself into every layer), empty and "." components
// ("./etc//passwd", as alpine's minirootfs writes) are dropped, and a name left empty — "", "/",
// ".", "./" — names the layer root. The rest is strict on purpose. A name is refused when:
//   - it holds a NUL byte (a C-string truncation would make it mean another path);
//   - any component is "..": even "a/../b", which stays inside, is refused — a name that needs ".."
//     is never produced by an honest writer, and refusing all of them leaves nothing to get wrong.

import type { BytePath } from '../base/byte-path.js';
import { ROOT } from '../base/byte-path.js';

export type SafeName = { readonly ok: true; readonly path: BytePath } | { readonly ok: false; readonly reason: string };

export function safeEntryPath(unsafeName: string): SafeName {
  // Fast path for the usual "etc/passwd", "./etc/passwd", "./usr/bin/": no NUL, no "." or ".."
  // component, no empty component once one leading "./" and one trailing "/" are taken off.
  let s = unsafeName.startsWith('./') ? unsafeName.slice(2) : unsafeName;
  if (s.endsWith('/')) s = s.slice(0, -1);
  if (s !== '' && s.charCodeAt(0) !== 0x2f && !s.includes('\0') && !s.includes('//') && !hasDotComponent(s)) {
    return { ok: true, path: `/${s}` as BytePath };
  }
  return slowPath(unsafeName);
}

function hasDotComponent(s: string): boolean {
  return s === '.' || s === '..' || s.startsWith('./') || s.startsWith('../') || s.endsWith('/.') || s.endsWith('/..') ||
    s.includes('/./') || s.includes('/../');
}

function slowPath(unsafeName: string): SafeName {
  if (unsafeName.includes('\0')) return refuse('name contains a NUL byte');
  const parts: string[] = [];
  let depth = 0;
  let climbs = false;
  let dotdot = false;
  for (const part of unsafeName.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      dotdot = true;
      if (--depth < 0) climbs = true;
      continue;
    }
    depth++;
    parts.push(part);
  }
  if (climbs) return refuse('name climbs out of the layer');
  if (dotdot) return refuse('name has a ".." component');
  return { ok: true, path: (parts.length === 0 ? ROOT : `/${parts.join('/')}`) as BytePath };
}

function refuse(reason: string): SafeName {
  return { ok: false, reason };
}
