// The details pane of the Image view: one tree node described in a few lines of text — type and
// mode, owner, size (a directory's: what is under it, and what this layer's changes add there),
// link target, the layer it comes from, what it does to the layers below (a directory over a
// directory is merged with it, unless opaque; anything else replaces what was there), and for a
// removed path the layer that hid it.

import { displayPath } from '../../src/base/byte-path.js';
import type { IndexEntry } from '../../src/base/layer-index.js';
import { humanSize, modeString } from '../../src/base/format.js';
import { removedBy } from './changes.js';
import type { TreeNode } from './file-tree-model.js';
import type { ImageModel } from './image-model.js';

/** Lines describing `node` of the tree at `layer`. */
export function entryDetails(model: Pick<ImageModel, 'indexes'>, node: TreeNode, layer: number): string[] {
  const lines = [displayPath(node.path)];
  const r = node.entry;
  if (!r) return node.mark ? [...lines, markText(node)] : lines;
  lines.push(describe(r.entry));
  if (node.mark === 'R') {
    const by = removedBy(model.indexes, node.path, layer);
    const how = by !== undefined && model.indexes[by]!.whiteouts.has(node.path) ? 'whiteout' : 'opaque directory or whiteout above';
    lines.push(by === undefined ? `removed; was in layer ${r.layer}` : `hidden by layer ${by} (${how}); was in layer ${r.layer}`);
    return lines;
  }
  lines.push(r.implied ? `implied directory (paths of layer ${r.layer} are under it)` : `from layer ${r.layer}${node.mark ? `, ${markText(node)}` : ''}`);
  const opaque = model.indexes[r.layer]?.opaque.has(node.path) ?? false;
  // Overlay merges a directory with the directories below it; anything else, or an opaque
  // directory, replaces what the layers below had at that path.
  const merged = r.entry.type === 'dir' && !opaque;
  const below = merged ? r.hides.filter((h) => h.entry.type === 'dir') : r.hides.slice(0, 1);
  const what = below.map((h) => `layer ${h.layer}'s ${TYPE_NAMES[h.entry.type]}${h.entry.type === 'file' ? ` (${humanSize(h.entry.size)})` : ''}`);
  if (what.length > 0) lines.push(`${opaque ? 'opaque directory: ' : ''}${merged ? 'merged with' : 'replaces'} ${what.join(', ')}`);
  if (node.isDir) lines.push(`${humanSize(node.size)} under it, ${humanSize(node.changedSize)} of it changed here`);
  return lines;
}

const TYPE_NAMES: Record<IndexEntry['type'], string> = {
  file: 'file', dir: 'directory', symlink: 'symbolic link', char: 'character device', block: 'block device', fifo: 'fifo',
};

function describe(e: IndexEntry): string {
  const parts = [modeString(e.type, e.mode), `${e.uid}:${e.gid}`];
  if (e.type === 'file') parts.push(humanSize(e.size));
  if (e.type === 'char' || e.type === 'block') parts.push(`device ${e.devMajor ?? 0},${e.devMinor ?? 0}`);
  if (e.linkTarget !== undefined) parts.push(`-> ${displayPath(e.linkTarget)}`);
  if (e.hardlinkOf !== undefined) parts.push(`hard link to ${displayPath(e.hardlinkOf)}`);
  return parts.join('  ');
}

function markText(node: TreeNode): string {
  return { A: 'added', M: 'modified', R: 'removed' }[node.mark!];
}
