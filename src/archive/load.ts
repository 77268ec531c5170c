// `strata load PATH [NAME]`: an OCI image layout (directory or tar) or a docker-archive becomes
// images in the store, every layer with its whiteouts and opaque markers, the config blob kept
// byte for byte (so the image id is Docker's). Two passes: first everything the archive states is
// verified (JSON, media types, blob digests, diff_ids) without writing anything; then layers are
// unpacked and published, and the images and tags written. Bad input leaves the store unchanged.

import { StrataError, oneLine } from '../base/errors.js';
import { decompressChunks } from '../import/decompress.js';
import { parseImageConfig, type ImageConfig } from '../store/image-config.js';
import { imageIdOf, writeImage } from '../store/images.js';
import { addLayer, retainLayer } from '../store/layers.js';
import { takeLease } from '../store/lease.js';
import { parseReference } from '../store/reference.js';
import { createStagingDir, removeTree } from '../store/staging.js';
import type { Store } from '../store/store.js';
import { setTag } from '../store/tags.js';
import { hostPlatform, planArchive, platformOf } from './archive-plan.js';
import { openArchive, type Archive } from './archive-reader.js';
import { readBlob } from './blob-read.js';
import { discardUnreferencedLayers } from '../store/gc.js';
import { platformName, type BlobRef, type ImagePlan, type Platform } from './image-plan.js';
import { verifyLayerBlob } from './layer-verify.js';
import { tagsFor } from './load-names.js';

export interface LoadOptions {
  /** NAME[:TAG] (docs/DESIGN.md §6): names bare-tag and unnamed images, and replaces stated names. */
  readonly name?: string;
  /** The platform to load (--platform). Without it, this machine's (linux/<arch>), or else the one
   * other platform the archive has, with a warning: such an image can be inspected, read and
   * saved, not run (runtime/sandbox/platform.ts). */
  readonly platform?: Platform;
  /** One line about something the user should know (an image for another platform). */
  readonly onWarning?: (message: string) => void;
  /** Bytes and entries unpacked so far, over all layers. */
  readonly onProgress?: (bytes: number, entries: number) => void;
}

export interface LoadedImage {
  /** "sha256:<64 hex>": the sha256 of the config blob. */
  readonly id: string;
  /** The "name:tag" references set for it (none for an image the archive does not name). */
  readonly refs: readonly string[];
}

interface CheckedImage {
  readonly plan: ImagePlan;
  readonly raw: Buffer;
  readonly config: ImageConfig;
  readonly refs: string[];
}

interface LayerToLoad {
  readonly ref: BlobRef;
  readonly diffId: string;
  readonly what: string;
}

export async function loadArchive(store: Store, path: string, options: LoadOptions = {}): Promise<LoadedImage[]> {
  if (options.name !== undefined) parseReference(options.name);
  const scratch = createStagingDir(store);
  let archive: Archive | undefined;
  try {
    archive = await openArchive(path, { scratchDir: scratch });
    const images = await checkImages(archive, path, options);
    const layers = await checkLayers(archive, images);
    await publish(store, archive, images, layers, options);
    return images.map((i) => ({ id: imageIdOf(i.raw), refs: i.refs }));
  } catch (err) {
    if (err instanceof StrataError && err.exitCode === 2) throw err;
    throw new StrataError(`load ${path}: ${oneLine(err)}`, { cause: err });
  } finally {
    await archive?.close();
    removeTree(scratch);
  }
}

/** Pass 1a: plans, configs (digest-checked), platforms and names. */
async function checkImages(archive: Archive, path: string, options: LoadOptions): Promise<CheckedImage[]> {
  if (options.platform) {
    const { images, others } = await imagesFor(archive, path, options, options.platform);
    if (images.length === 0) throw noImageFor(options.platform, others);
    return images;
  }
  const host = hostPlatform();
  const { images, others } = await imagesFor(archive, path, options, host);
  if (images.length > 0) return images;
  // Nothing for this machine: the archive's only platform is taken (to look at, read and save),
  // never a choice among several.
  if (others.size !== 1) throw noImageFor(host, others, others.size > 1 ? '; choose one with --platform' : '');
  const [os = '', architecture = '', variant] = [...others][0]!.split('/');
  const only = platformOf(os, architecture, variant);
  const picked = await imagesFor(archive, path, options, only);
  if (picked.images.length === 0) throw noImageFor(host, others);
  options.onWarning?.(`the archive has no image for this machine (${platformName(host)}): loading its ${platformName(only)} image, which can be inspected, read and saved but not run here`);
  return picked.images;
}

function noImageFor(platform: Platform, others: ReadonlySet<string>, hint = ''): StrataError {
  const has = others.size === 0 ? '' : ` (it has ${[...others].sort().join(', ')})`;
  return new StrataError(`no image for ${platformName(platform)} in the archive${has}${hint}`);
}

async function imagesFor(archive: Archive, path: string, options: LoadOptions, platform: Platform): Promise<{ images: CheckedImage[]; others: Set<string> }> {
  const plan = await planArchive(archive, platform);
  const others = new Set(plan.otherPlatforms);
  const images: CheckedImage[] = [];
  for (const p of plan.images) {
    const raw = await readBlob(archive, p.config, `config of ${p.what}`);
    let config: ImageConfig;
    try {
      config = parseImageConfig(raw, `config of ${p.what}`);
    } catch (err) {
      throw new StrataError(oneLine(err), { cause: err });
    }
    if (!platform.matches(config)) {
      others.add(platformName(config));
      continue;
    }
    if (config.rootfs.diff_ids.length !== p.layers.length) {
      throw new StrataError(`${p.what} has ${p.layers.length} layers, its config ${config.rootfs.diff_ids.length} diff_ids`);
    }
    images.push({ plan: p, raw, config, refs: tagsFor(p.names, path, options.name) });
  }
  return { images, others };
}

/** Pass 1b: every distinct layer blob hashed and checked against its digest and diff_id. */
async function checkLayers(archive: Archive, images: readonly CheckedImage[]): Promise<LayerToLoad[]> {
  const byKey = new Map<string, LayerToLoad>();
  for (const image of images) {
    image.plan.layers.forEach((ref, i) => {
      const diffId = image.config.rootfs.diff_ids[i]!;
      const key = `${ref.member}\0${diffId}`;
      if (!byKey.has(key)) byKey.set(key, { ref, diffId, what: `layer ${i + 1} of ${image.plan.what}` });
    });
  }
  const layers = [...byKey.values()];
  for (const l of layers) await verifyLayerBlob(archive, l.ref, l.diffId, l.what);
  return layers;
}

/** Pass 2: under a lease, layers the store lacks are unpacked and published, then the images and
 * tags written. A failure here takes back the layers this load published. */
async function publish(store: Store, archive: Archive, images: readonly CheckedImage[], layers: readonly LayerToLoad[], options: LoadOptions): Promise<void> {
  const lease = takeLease(store);
  const published: string[] = [];
  try {
    lease.add(...new Set(layers.map((l) => l.diffId)), ...images.map((i) => imageIdOf(i.raw)));
    let doneBytes = 0;
    let doneEntries = 0;
    const onProgress = options.onProgress;
    for (const l of layers) {
      if (await retainLayer(store, lease, l.diffId)) continue;
      published.push(l.diffId);
      const info = await addLayer(store, decompressChunks(archive.read(l.ref.member)), lease,
        onProgress ? { onProgress: (b, e) => onProgress(doneBytes + b, doneEntries + e) } : {},
      ).catch((err: unknown) => {
        throw new StrataError(`${l.what}: ${oneLine(err)}`, { cause: err });
      });
      if (info.diffId !== l.diffId) {
        published.push(info.diffId);
        throw new StrataError(`${l.what} changed while it was loaded (diff_id ${info.diffId}, expected ${l.diffId})`);
      }
      doneBytes += info.tarSize;
      doneEntries += info.entries;
    }
    for (const image of images) {
      writeImage(store, image.raw);
      for (const ref of image.refs) setTag(store, ref, imageIdOf(image.raw));
    }
  } catch (err) {
    lease.release();
    await discardUnreferencedLayers(store, published);
    throw err;
  } finally {
    lease.release();
  }
}
