// How one node of the file tree reads on screen:
//   "A   1.2kB   ▾ etc"      mark letter (A added, M modified, R removed), size, indent, fold, name
// A directory's size is what is under it: in the view, or (changed entries only) what the changes
// under it add.
// The letter makes the mark readable without colour; the tone colours it when there is colour.

import { displayPath } from '../../../src/base/byte-path.js';
import { humanSize } from '../../../src/base/format.js';
import type { Mark } from '../../data/changes.js';
import type { TreeNode } from '../../data/file-tree-model.js';
import { fitRight, type Line, type Segment, type Tone } from '../line/line.js';

export const MARK_TONES: Record<Mark, Tone> = { A: 'added', M: 'modified', R: 'removed' };

export const MARK_NAMES: Record<Mark, string> = { A: 'added', M: 'modified', R: 'removed' };

const SIZE_WIDTH = 7;

/** Columns before the name: mark, space, size, two spaces; then the indent and the fold glyph. */
export function nameColumn(node: TreeNode): number {
  return 1 + 1 + SIZE_WIDTH + 2 + 2 * node.depth + 2;
}

export function treeRow(node: TreeNode, folded: boolean, changedOnly = false): Line {
  const tone = node.mark ? MARK_TONES[node.mark] : undefined;
  const entry = node.entry?.entry;
  const dirSize = changedOnly ? node.changedSize : node.size;
  const size = entry?.type === 'file' ? humanSize(entry.size) : node.isDir && node.entry && node.mark !== 'R' && dirSize > 0 ? humanSize(dirSize) : '';
  const glyph = node.isDir ? (folded ? '▸ ' : '▾ ') : '  ';
  const name = node.isDir ? `${node.name}/` : node.name;
  const link = entry?.linkTarget !== undefined ? ` -> ${displayPath(entry.linkTarget)}` : '';
  const segments: Segment[] = [
    tone ? { text: node.mark!, tone, bold: true } : { text: ' ' },
    { text: ` ${fitRight(size, SIZE_WIDTH)}  ${'  '.repeat(node.depth)}${glyph}`, tone: 'muted' },
    tone ? { text: name, tone } : { text: name },
  ];
  if (link) segments.push({ text: link, tone: 'muted' });
  return segments;
}

/** The legend under the tree. */
export function legendLine(): Line {
  return (['A', 'M', 'R'] as const).flatMap((m, i): Segment[] => [
    ...(i > 0 ? [{ text: '  ' }] : []),
    { text: m, tone: MARK_TONES[m], bold: true },
    { text: ` ${MARK_NAMES[m]}` },
  ]);
}
