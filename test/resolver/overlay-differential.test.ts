// Differential test: the resolver against the kernel's overlayfs. Random layer stacks (seeded) are
// written as overlayfs lower directories and mounted read-only, and, for strata, as OCI layer tars
// unpacked by strata's unpacker; the mounted tree is walked and compared entry by entry with the
// resolver's View of the unpacked indices (name, type, mode, owner, size, content digest,
// link target, device numbers, mtime), and symlinks are resolved both ways: by the kernel under
// chroot (busybox stat: the inode it arrives at) and by resolvePath (the inode the walk found at
// the path it arrives at).
//
// Re-run one case: STRATA_SEED=<seed> node test/run.mjs overlay-differential
// Overlay quirks handled here: the mount's root takes its metadata from the topmost layer's root
// directory (only its type is compared); a whiteout in a directory that only one layer has is
// listed by readdir but not found by lstat (the kernel filters whiteouts only while merging
// directories), so such names are skipped as the resolver skips them.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createXXHash128 } from 'hash-wasm';
import type { IndexEntry } from '../../src/base/layer-index.js';
import { unpackLayer } from '../../src/import/unpack.js';
import { PathError } from '../../src/resolver/path-error.js';
import { resolvePath } from '../../src/resolver/symlinks.js';
import { View } from '../../src/resolver/view.js';
import {
  dropScratch, makeScratch, mountAll, mountPoint, resolveInKernel, walkKernel, writeLowerDirs,
  type KernelEntry, type KernelResolution, type KernelWalk,
} from '../helpers/overlay-kernel.js';
import { modelIndex, mulberry32, randomStack, type ModelLayer } from '../helpers/overlay-model.js';
import { layerTar } from '../helpers/overlay-tar.js';

const CASES = 300;
const fixedSeed = process.env.STRATA_SEED === undefined ? undefined : Number(process.env.STRATA_SEED);
const firstSeed = fixedSeed ?? Math.floor(Math.random() * 2 ** 30);
const seeds = fixedSeed === undefined ? Array.from({ length: CASES }, (_, i) => firstSeed + i) : [fixedSeed];

test(`overlayfs and the resolver agree on ${seeds.length} random layer stacks`, async () => {
  const hasher = await createXXHash128();
  const digestOf = (content: Buffer) => {
    hasher.init();
    hasher.update(content);
    return `xxh128:${hasher.digest('hex')}`;
  };
  const stacks = seeds.map((seed) => randomStack(seed));
  // The model's own indices check the harness (the kernel side is written from the same model);
  // the unpacked ones are what strata reads.
  const modelViews = stacks.map((layers) => View.of(layers.map((layer) => modelIndex(layer, digestOf))));
  const probeLists = modelViews.map((view, c) => probePaths(view, seeds[c]!));
  const failures: string[] = [];
  let phantoms = 0;
  let probes = 0;
  const root = makeScratch();
  try {
    writeLowerDirs(root, stacks);
    mountAll(root, stacks);
    const resolutions = resolveInKernel(root, probeLists);
    const unpackedViews = await unpackAll(join(root, 'unpacked'), stacks);
    const walks = stacks.map((_, c) => walkKernel(mountPoint(root, c)));
    const kernelResolutions = await resolutions;
    stacks.forEach((layers, c) => {
      const walk = walks[c]!;
      phantoms += walk.phantoms.length;
      probes += probeLists[c]!.length;
      const unpacked = unpackedViews[c]!;
      const problems = typeof unpacked === 'string' ? [`unpack: ${unpacked}`] : [];
      const views = typeof unpacked === 'string' ? [] : [['unpacked', unpacked] as const];
      for (const [source, view] of [...views, ['model', modelViews[c]!] as const]) {
        for (const problem of [
          ...compareTrees(view, walk, digestOf),
          ...compareResolutions(view, walk, probeLists[c]!, kernelResolutions[c]!),
        ]) problems.push(`${source}: ${problem}`);
      }
      if (problems.length > 0) failures.push(report(seeds[c]!, layers, problems));
    });
  } finally {
    dropScratch(root, stacks.length);
  }
  if (failures.length > 0) {
    assert.unreachable(`${failures.length} of ${seeds.length} cases differ (seeds ${firstSeed}..${firstSeed + seeds.length - 1}):\n${failures.slice(0, 3).join('\n')}`);
  }
  assert.ok(probes > seeds.length, `symlink probes: ${probes}`);
  assert.ok(fixedSeed !== undefined || phantoms > 0, 'no case had a whiteout in a one-layer directory (the quirk above)');
});

/** Each layer as an OCI tar, through strata's unpacker: the view of the indices it records, or
 * why the unpacker refused a layer. */
async function unpackAll(dir: string, stacks: readonly ModelLayer[][]): Promise<Array<View | string>> {
  const views: Array<View | string> = [];
  for (const [c, layers] of stacks.entries()) {
    const indices = [];
    try {
      for (const [l, layer] of layers.entries()) {
        const layerDir = join(dir, `${c}-${l}`);
        mkdirSync(layerDir, { recursive: true });
        const tar = layerTar(layer);
        indices.push((await unpackLayer((async function* () { yield tar; })(), layerDir)).index);
      }
      views.push(View.of(indices));
    } catch (err) {
      views.push(`layer ${indices.length}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return views;
}

function compareTrees(view: View, kernel: KernelWalk, digestOf: (b: Buffer) => string): string[] {
  const problems: string[] = [];
  const mine = new Map(view.walk().map((r) => [r.path as string, r.entry]));
  for (const path of new Set([...mine.keys(), ...kernel.entries.keys()])) {
    const ours = mine.get(path);
    const theirs = kernel.entries.get(path);
    if (theirs === undefined) problems.push(`${path}: only the resolver has it (${ours!.type})`);
    else if (ours === undefined) problems.push(`${path}: only the kernel has it (${theirs.type})`);
    else if (path === '/') {
      if (theirs.type !== 'dir') problems.push(`/: the kernel's root is a ${theirs.type}`);
    } else {
      const a = describe(ours);
      const b = describeKernel(theirs, digestOf);
      if (a !== b) problems.push(`${path}: resolver ${a} / kernel ${b}`);
    }
  }
  for (const path of kernel.phantoms) if (mine.has(path)) problems.push(`${path}: a whiteout the resolver shows`);
  return problems;
}

function describe(e: IndexEntry): string {
  return [e.type, e.mode.toString(8), `${e.uid}:${e.gid}`, e.type === 'file' ? e.size : '', e.mtime, e.digest ?? '',
    e.linkTarget ?? '', e.type === 'char' ? `${e.devMajor},${e.devMinor}` : ''].join(' ');
}

function describeKernel(e: KernelEntry, digestOf: (b: Buffer) => string): string {
  return [e.type, e.mode.toString(8), `${e.uid}:${e.gid}`, e.type === 'file' ? e.size : '', e.mtime,
    e.content === undefined ? '' : digestOf(e.content), e.target ?? '',
    e.type === 'char' ? `${e.devMajor},${e.devMinor}` : ''].join(' ');
}

/** Every symlink of the view, a name below it and its "..", and a few paths with "..". */
function probePaths(view: View, seed: number): string[] {
  const random = mulberry32(seed ^ 0x5bd1e995);
  const names = ['a', 'b', 'c', 'd', 'e'];
  const out = new Set<string>();
  for (const r of view.walk()) {
    if (r.entry.type !== 'symlink') continue;
    out.add(r.path);
    out.add(`${r.path}/${names[Math.floor(random() * names.length)]}`);
    out.add(`${r.path}/..`);
  }
  for (let i = 0; i < 3; i++) {
    const pick = () => names[Math.floor(random() * names.length)]!;
    out.add(`/${pick()}/../${pick()}/${pick()}`);
  }
  return [...out];
}

function compareResolutions(view: View, walk: KernelWalk, paths: readonly string[], kernel: Map<string, KernelResolution>): string[] {
  const problems: string[] = [];
  for (const path of paths) {
    const ours = resolveWithResolver(view, walk, path);
    const theirs = kernelOutcome(kernel.get(path));
    if (ours !== theirs) problems.push(`resolve ${path}: resolver ${ours} / kernel ${theirs}`);
  }
  return problems;
}

/** "TYPE, inode N" of where the path leads, or an errno code. */
function resolveWithResolver(view: View, walk: KernelWalk, path: string): string {
  try {
    const r = resolvePath(view, path);
    if (r.entry === undefined) return 'ENOENT';
    const there = walk.entries.get(r.path);
    return `${r.entry.entry.type}, inode ${there?.ino ?? `? (the kernel has no ${r.path})`}`;
  } catch (err) {
    if (err instanceof PathError) return err.code;
    throw err;
  }
}

function kernelOutcome(resolution: KernelResolution | undefined): string {
  if (resolution === undefined) return 'no answer';
  return 'error' in resolution ? resolution.error : `${resolution.type}, inode ${resolution.ino}`;
}

function report(seed: number, layers: readonly ModelLayer[], problems: string[]): string {
  const dump = layers.map((layer, l) => {
    const entries = [...layer.entries].map(([path, e]) =>
      `${path}:${e.type}${e.target === undefined ? '' : `->${e.target}`}`);
    return `  L${l}: ${entries.join(' ')}${layer.whiteouts.size ? ` wh[${[...layer.whiteouts].join(' ')}]` : ''}${layer.opaque.size ? ` opq[${[...layer.opaque].join(' ')}]` : ''}`;
  });
  return [`STRATA_SEED=${seed}`, ...problems.slice(0, 10).map((p) => `  ${p}`), ...dump].join('\n');
}

test.run();
