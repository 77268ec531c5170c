// Random layer stacks for the resolver's property and kernel-differential tests: a small name
// space (so layers collide often), files, hard links, directories, symlinks (absolute, relative,
// climbing above the root, dangling, looping), fifos and character devices, whiteouts, opaque
// directories and type changes, all from a seeded PRNG so a failing case re-runs from its seed.
// Every layer lists the parents of its paths, as a layer directory on disk holds them;
// irregularStack() then breaks that rule, for the tests that do not go through the kernel.

import { ROOT, parentOf, type BytePath } from '../../src/base/byte-path.js';
import type { EntryType, IndexEntry, LayerIndex } from '../../src/base/layer-index.js';

export interface ModelEntry {
  readonly type: Exclude<EntryType, 'block'>;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly content?: Buffer;
  readonly target?: string;
  readonly devMajor?: number;
  readonly devMinor?: number;
  /** A hard link to this regular file of the same layer (which sorts before it). */
  readonly hardlinkOf?: string;
}

export interface ModelLayer {
  readonly entries: Map<string, ModelEntry>;
  readonly whiteouts: Set<string>;
  readonly opaque: Set<string>;
}

export type Random = () => number;

export function mulberry32(seed: number): Random {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['a', 'b', 'c', 'd', 'e'];
const FILE_MODES = [0o644, 0o600, 0o755, 0o640, 0o444, 0o4755, 0o2755, 0o1644];
const DIR_MODES = [0o755, 0o700, 0o750, 0o1777, 0o2775];
const OWNERS = [0, 1, 1000, 65534];
const CONTENTS = ['', 'x', 'hello\n', 'hello\n', 'a much longer content line\n'.repeat(3)];
type Kind = 'file' | 'dir' | 'opaque' | 'symlink' | 'whiteout' | 'fifo' | 'char' | 'hardlink';
const KINDS: Array<[Kind, number]> = [
  ['file', 30], ['dir', 18], ['opaque', 8], ['symlink', 18], ['whiteout', 20], ['fifo', 3], ['char', 3], ['hardlink', 6],
];

export interface StackOptions {
  readonly minLayers?: number;
  readonly maxLayers?: number;
  readonly maxOpsPerLayer?: number;
}

/** A random stack of 2-8 (by default) layers, base first. */
export function randomStack(seed: number, options: StackOptions = {}): ModelLayer[] {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const minLayers = options.minLayers ?? 2;
  const count = minLayers + int((options.maxLayers ?? 8) - minLayers + 1);
  const known = new Set<string>();
  const randomPath = (maxDepth = 3) => {
    let path = '';
    for (let i = 0, depth = 1 + int(maxDepth); i < depth; i++) path += `/${pick(NAMES)}`;
    return path;
  };
  const meta = (modes: readonly number[]) => ({
    mode: pick(modes), uid: pick(OWNERS), gid: pick(OWNERS), mtime: 1_000_000_000 + int(700_000_000),
  });
  const target = (path: string): string => {
    switch (int(8)) {
      case 0: return randomPath();
      case 1: return `${'../'.repeat(int(7))}${randomPath(2).slice(1)}`;
      case 2: return pick(NAMES);
      case 3: return pick(['.', '..', '/', '../..', '/a/../b']);
      case 4: return `${randomPath(2)}/`;
      case 5: return path.slice(path.lastIndexOf('/') + 1); // itself: a loop
      case 6: return `/zz${randomPath(1)}`; // dangling
      default: return `../${pick(NAMES)}/${pick(NAMES)}`;
    }
  };
  const weighted = (): Kind => {
    let n = int(KINDS.reduce((sum, [, w]) => sum + w, 0));
    for (const [kind, w] of KINDS) if ((n -= w) < 0) return kind;
    return 'file';
  };

  const layers: ModelLayer[] = [];
  for (let l = 0; l < count; l++) {
    const layer: ModelLayer = { entries: new Map(), whiteouts: new Set(), opaque: new Set() };
    const ops = 1 + int(options.maxOpsPerLayer ?? 10);
    for (let op = 0; op < ops; op++) {
      const path = known.size > 0 && random() < 0.6 ? pick([...known]) : randomPath();
      place(layer, path, weighted());
    }
    for (const path of [...layer.entries.keys(), ...layer.whiteouts]) known.add(path);
    layers.push(layer);
  }
  return layers;

  function place(layer: ModelLayer, path: string, kind: Kind): void {
    const parents = ancestors(path);
    if (parents.some((dir) => layer.whiteouts.has(dir) || (layer.entries.get(dir)?.type ?? 'dir') !== 'dir')) return;
    const existing = layer.entries.get(path);
    if (existing !== undefined || layer.whiteouts.has(path)) {
      if (kind === 'opaque' && existing?.type === 'dir') layer.opaque.add(path);
      return;
    }
    const isDir = kind === 'dir' || kind === 'opaque';
    if (!isDir && hasDescendants(layer, path)) return;
    for (const dir of parents) if (!layer.entries.has(dir)) layer.entries.set(dir, { type: 'dir', ...meta(DIR_MODES) });
    switch (kind) {
      case 'whiteout': layer.whiteouts.add(path); return;
      case 'opaque':
      case 'dir':
        layer.entries.set(path, { type: 'dir', ...meta(DIR_MODES) });
        if (kind === 'opaque') layer.opaque.add(path);
        return;
      case 'file': layer.entries.set(path, { type: 'file', ...meta(FILE_MODES), content: Buffer.from(pick(CONTENTS)) }); return;
      case 'symlink': layer.entries.set(path, { type: 'symlink', ...meta([0o777]), target: target(path) }); return;
      case 'fifo': layer.entries.set(path, { type: 'fifo', ...meta([0o644, 0o600]) }); return;
      case 'char': layer.entries.set(path, { type: 'char', ...meta([0o666]), devMajor: 1, devMinor: pick([3, 5]) }); return;
      case 'hardlink': {
        // To a file that sorts first, so that a tar in path order holds the target before the link.
        const targets = [...layer.entries].filter(([p, e]) => p < path && e.type === 'file' && e.hardlinkOf === undefined);
        if (targets.length === 0) return;
        const [target, entry] = pick(targets);
        layer.entries.set(path, { ...entry, hardlinkOf: target });
        return;
      }
    }
  }
}

/** Proper ancestors of a path, root excluded, outermost first. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

function hasDescendants(layer: ModelLayer, path: string): boolean {
  const prefix = `${path}/`;
  for (const other of [...layer.entries.keys(), ...layer.whiteouts]) if (other.startsWith(prefix)) return true;
  return false;
}

/** The layer's index, as the unpacker would record it; `digestOf` gives file digests. */
export function modelIndex(layer: ModelLayer, digestOf?: (content: Buffer) => string): LayerIndex {
  const entries = new Map<BytePath, IndexEntry>();
  for (const [path, e] of [...layer.entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const entry: { -readonly [K in keyof IndexEntry]: IndexEntry[K] } = {
      path: path as BytePath, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid,
      size: e.content?.length ?? 0, mtime: e.mtime,
    };
    if (e.target !== undefined) entry.linkTarget = e.target;
    if (e.content !== undefined && digestOf !== undefined) entry.digest = digestOf(e.content);
    if (e.devMajor !== undefined) entry.devMajor = e.devMajor;
    if (e.devMinor !== undefined) entry.devMinor = e.devMinor;
    if (e.hardlinkOf !== undefined) entry.hardlinkOf = e.hardlinkOf as BytePath;
    entries.set(path as BytePath, entry);
  }
  return { entries, whiteouts: new Set(layer.whiteouts as Set<BytePath>), opaque: new Set(layer.opaque as Set<BytePath>) };
}

/** A random stack made irregular: some layers omit parent directories, some list a whiteout next
 * to an entry of the same path, some mark a directory opaque without listing it. */
export function irregularStack(seed: number): LayerIndex[] {
  const random = mulberry32(seed * 7919);
  return randomStack(seed, { maxOpsPerLayer: 14 }).map((model) => {
    const index = modelIndex(model);
    const entries = new Map(index.entries);
    const whiteouts = new Set(index.whiteouts);
    const opaque = new Set(index.opaque);
    const parents = impliedDirs(index);
    for (const [path, entry] of index.entries) {
      if (entry.type === 'dir' && parents.has(path) && random() < 0.35) entries.delete(path);
      else if (random() < 0.1) whiteouts.add(path);
    }
    for (const path of parents) if (!entries.has(path) && random() < 0.2) opaque.add(path);
    return { entries, whiteouts, opaque };
  });
}

/** The directories a layer's paths imply (listed or not): every parent of its paths, and its
 * opaque directories. */
export function impliedDirs(index: LayerIndex): Set<BytePath> {
  const out = new Set<BytePath>();
  for (const path of [...index.entries.keys(), ...index.whiteouts, ...index.opaque]) {
    if (index.opaque.has(path) && (index.entries.get(path)?.type ?? 'dir') === 'dir') out.add(path);
    for (let dir = parentOf(path); dir !== ROOT; dir = parentOf(dir)) out.add(dir);
  }
  return out;
}
