// Layer indices for resolver tests, written as a literal:
//   layer({ '/etc': dir(), '/etc/passwd': file(120), '/bin/sh': link('busybox') },
//         { whiteouts: ['/tmp'], opaque: ['/var'] })

import type { BytePath } from '../../src/base/byte-path.js';
import type { IndexEntry, LayerIndex } from '../../src/base/layer-index.js';

export type Spec = Omit<IndexEntry, 'path'>;
type Extra = Partial<Omit<IndexEntry, 'path' | 'type'>>;

export const dir = (extra: Extra = {}): Spec => ({ type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 1000, ...extra });

export const file = (size = 0, extra: Extra = {}): Spec =>
  ({ type: 'file', mode: 0o644, uid: 0, gid: 0, size, mtime: 1000, ...extra });

export const link = (target: string, extra: Extra = {}): Spec =>
  ({ type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 1000, linkTarget: target, ...extra });

export function layer(entries: Record<string, Spec>, marks: { whiteouts?: string[]; opaque?: string[] } = {}): LayerIndex {
  return {
    entries: new Map(Object.entries(entries).map(([path, spec]) => [path as BytePath, { ...spec, path: path as BytePath }])),
    whiteouts: new Set((marks.whiteouts ?? []) as BytePath[]),
    opaque: new Set((marks.opaque ?? []) as BytePath[]),
  };
}

/** A path literal as a BytePath (tests use ASCII paths). */
export const p = (path: string): BytePath => path as BytePath;
