// dive's image efficiency score (dive/filetree/efficiency.go), from the layer indices alone.
//
// Every layer contributes one "copy" per leaf path it holds (a path with nothing of the same layer
// below it; the root never counts). A copy's size is the bytes the layer stores for it: a regular
// file's size, 0 for directories, links and devices, 0 for a hard link (the tar stores no content
// for it). A whiteout is a copy whose size is what it deletes (docs/DESIGN.md §6): for a directory, the
// bytes of all files below it in the view of the layers under the whiteout; for a file, its size.
// (dive's code counts a deleted file as 0; strata follows its design, where a file added and
// deleted again costs its bytes twice, so both copies count as waste.) As in dive, a directory no layer lists (only implied by deeper paths) counts 0, a whiteout of a path
// that does not exist is no copy, and opaque markers are not copies.
//
//   score = Σ over paths of the smallest copy / Σ over paths of all copies   (1 when nothing counts)
//   wasted bytes = Σ of all copies' bytes over the paths with two or more copies (dive's
//                  "potential wasted space")

import { ROOT, parentOf, type BytePath } from '../base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../base/layer-index.js';
import { MergedTree } from './merge.js';

export interface WastedPath {
  readonly path: BytePath;
  /** How many layers hold a copy of the path (whiteouts included). */
  readonly copies: number;
  /** Bytes of all the copies. */
  readonly totalBytes: number;
}

export interface EfficiencyReport {
  /** 0..1; 1 = nothing stored twice, nothing deleted. */
  readonly score: number;
  /** Σ over paths of their smallest copy: what the image would need at best. */
  readonly minimumBytes: number;
  /** Σ over paths of all their copies. */
  readonly totalBytes: number;
  /** Σ of all copies' bytes over the paths with two or more copies, as dive reports it. */
  readonly wastedBytes: number;
  /** The paths with two or more copies, most bytes first (then by path). */
  readonly wastedPaths: readonly WastedPath[];
}

interface Tally {
  copies: number;
  totalBytes: number;
  minBytes: number;
}

export function efficiency(layers: readonly LayerIndex[]): EfficiencyReport {
  const tallies = new Map<BytePath, Tally>();
  const count = (path: BytePath, bytes: number) => {
    const tally = tallies.get(path);
    if (tally === undefined) tallies.set(path, { copies: 1, totalBytes: bytes, minBytes: bytes });
    else {
      tally.copies++;
      tally.totalBytes += bytes;
      tally.minBytes = Math.min(tally.minBytes, bytes);
    }
  };

  const below = new MergedTree();
  for (const layer of layers) {
    const inner = innerDirs(layer);
    for (const [path, entry] of layer.entries) {
      if (path !== ROOT && !inner.has(path)) count(path, storedBytes(entry));
    }
    for (const path of layer.whiteouts) {
      const deleted = below.get(path);
      if (path === ROOT || deleted === undefined) continue;
      let bytes = deleted.entry.type === 'dir' ? 0 : storedBytes(deleted.entry);
      if (deleted.entry.type === 'dir' && !deleted.implied) {
        for (const inside of below.descendants(path)) bytes += storedBytes(inside.entry);
      }
      count(path, bytes);
    }
    below.push(layer);
  }

  let minimumBytes = 0;
  let totalBytes = 0;
  let wastedBytes = 0;
  const wastedPaths: WastedPath[] = [];
  for (const [path, tally] of tallies) {
    minimumBytes += tally.minBytes;
    totalBytes += tally.totalBytes;
    if (tally.copies < 2) continue;
    wastedBytes += tally.totalBytes;
    wastedPaths.push({ path, copies: tally.copies, totalBytes: tally.totalBytes });
  }
  wastedPaths.sort((a, b) => b.totalBytes - a.totalBytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    score: totalBytes === 0 ? 1 : minimumBytes / totalBytes,
    minimumBytes,
    totalBytes,
    wastedBytes,
    wastedPaths,
  };
}

function storedBytes(entry: IndexEntry): number {
  return entry.type === 'file' && entry.hardlinkOf === undefined ? entry.size : 0;
}

/** The directories of a layer that hold something of the same layer (not leaves). */
function innerDirs(layer: LayerIndex): Set<BytePath> {
  const inner = new Set<BytePath>();
  for (const path of [...layer.entries.keys(), ...layer.whiteouts]) {
    for (let dir = parentOf(path); dir !== ROOT && !inner.has(dir); dir = parentOf(dir)) inner.add(dir);
  }
  return inner;
}
