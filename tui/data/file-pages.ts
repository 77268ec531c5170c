// What the pager shows for the Image view's `v` (a file as the view at a layer has it: text or hex)
// and `d` (its lines against the file the layer below had at that path), as titled rows.

import { displayPath } from '../../src/base/byte-path.js';
import { humanSize } from '../../src/base/format.js';
import type { Line } from '../widgets/line/line.js';
import { PAGER_LIMIT } from './image-files.js';
import type { ImageModel } from './image-model.js';
import { lineDiff } from './line-diff.js';
import { isText, pagerText, textLines } from './pager-text.js';
import type { TreeNode } from './file-tree-model.js';

export interface Page {
  readonly title: string;
  readonly lines: readonly Line[];
}

const cut = (size: number) => (size > PAGER_LIMIT ? ` · first ${humanSize(PAGER_LIMIT)} shown` : '');

/** The file of `node` as the view at `layer` shows it. */
export async function filePage(model: ImageModel, node: TreeNode, layer: number): Promise<Page> {
  const r = node.entry!;
  const bytes = await model.files.read(r, layer);
  const { kind, lines } = pagerText(bytes);
  return {
    title: `${displayPath(node.path)} · layer ${r.layer} · ${kind} · ${humanSize(r.entry.size)}${cut(r.entry.size)}`,
    lines: lines.map((text) => [{ text }]),
  };
}

/** The file of `node` (as the view at `layer` has it) against the version it replaced: what the
 * view just below the file's own layer had at its path (nothing, for a file that layer added). A
 * removed file is compared with nothing. */
export async function diffPage(model: ImageModel, node: TreeNode, layer: number): Promise<Page> {
  const r = node.entry!;
  const lower = node.mark === 'R' ? r : r.layer > 0 ? model.viewAt(r.layer - 1).lookup(node.path) : undefined;
  const before = lower?.entry.type === 'file' ? await model.files.read(lower, lower.layer) : Buffer.alloc(0);
  const after = node.mark === 'R' ? Buffer.alloc(0) : await model.files.read(r, layer);
  const from = lower?.entry.type === 'file' ? `layer ${lower.layer}` : 'nothing';
  const to = node.mark === 'R' ? 'nothing' : `layer ${r.layer}`;
  const head = `diff ${displayPath(node.path)}: ${from} → ${to}`;
  if (!isText(before) || !isText(after)) {
    const same = before.equals(after);
    return { title: head, lines: [[{ text: same ? 'the same bytes' : `binary files differ (${humanSize(before.length)} → ${humanSize(after.length)})`, tone: 'muted' }]] };
  }
  const rows = lineDiff(textLines(before.toString('utf8')), textLines(after.toString('utf8')));
  const added = rows.filter((d) => d.op === '+').length;
  const removed = rows.filter((d) => d.op === '-').length;
  return {
    title: `${head} (+${added} −${removed})`,
    lines: rows.map((d): Line => [{ text: `${d.op} ${d.text}`, ...(d.op === '+' ? { tone: 'added' as const } : d.op === '-' ? { tone: 'removed' as const } : {}) }]),
  };
}
