// The copy driver's writable layer, computed after the fact: a walk of the container's rootfs
// against the image's view. A path whose ctime is newer than the stamp was made or changed by the
// container (an entry; its parent directories are entries too, as overlay copies them up); a path
// of the image that is gone is a whiteout (only the topmost of a deleted subtree); what is not in
// the image and not newer than the stamp is a mount point strata made (skeleton.ts), not a change.
// A directory born after the stamp where the image has an entry (`rm -rf /usr && mkdir /usr`, or a
// file replaced by a directory) was deleted and made again: it is opaque, as overlay makes it, so `diff` says `D /usr` and lists what it holds now,
// not a change of /usr and a deletion of each old child. Its birth time comes from statx; a file
// system that keeps none (birthtime 0) leaves such a directory a change, as before.

import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { ROOT, joinPath, parentOf, type BytePath } from '../../base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../../base/layer-index.js';
import type { View } from '../../resolver/view.js';
import { entryOf, hostPath } from './upper-index.js';

export function computeChanges(rootfs: string, stampCtimeNs: bigint, view: View): LayerIndex {
  const entries = new Map<BytePath, IndexEntry>();
  const present = new Set<BytePath>([ROOT]);
  const changed = new Set<BytePath>();
  const stats = new Map<BytePath, IndexEntry>();
  const opaque = new Set<BytePath>();
  const underOpaque = (dir: BytePath): boolean => {
    for (let d = dir; d !== ROOT; d = parentOf(d)) if (opaque.has(d)) return true;
    return false;
  };
  const walk = (dir: BytePath) => {
    for (const name of readdirSync(hostPath(rootfs, dir), { encoding: 'buffer' })) {
      const path = joinPath(dir, name.toString('latin1'));
      const where = hostPath(rootfs, path);
      const st = lstatSync(where, { bigint: true });
      const entry = entryOf(path, lstatSync(where), () => readlinkSync(where, { encoding: 'buffer' }).toString('latin1'));
      present.add(path);
      const below = view.lookup(path);
      const newer = st.ctimeNs > stampCtimeNs;
      // Below a directory made again nothing of the image shows: a directory there is plainly new.
      if (entry.type === 'dir' && below !== undefined && st.birthtimeNs > stampCtimeNs && !underOpaque(dir)) opaque.add(path);
      if (newer || (below !== undefined && below.entry.type !== entry.type)) {
        changed.add(path);
        stats.set(path, entry);
      }
      if (entry.type === 'dir') {
        stats.set(path, entry);
        walk(path);
      }
    }
  };
  walk(ROOT);
  for (const path of changed) {
    entries.set(path, stats.get(path)!);
    for (let dir = parentOf(path); dir !== ROOT && !entries.has(dir); dir = parentOf(dir)) entries.set(dir, stats.get(dir)!);
  }
  const whiteouts = new Set<BytePath>();
  for (const r of view.walk()) {
    const parent = parentOf(r.path);
    // Only the topmost path of what is gone: its parent is still a directory of the rootfs.
    if (r.path === ROOT || present.has(r.path) || (parent !== ROOT && stats.get(parent)?.type !== 'dir') || underOpaque(parent)) continue;
    whiteouts.add(r.path);
    for (let dir = parent; dir !== ROOT && !entries.has(dir); dir = parentOf(dir)) entries.set(dir, stats.get(dir)!);
  }
  const sorted = new Map([...entries].sort(([a], [b]) => (a < b ? -1 : 1)));
  return { entries: sorted, whiteouts, opaque };
}
