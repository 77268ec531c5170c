// `strata pull REGISTRY/REPO[:TAG|@DIGEST]`: the manifest (an index resolved to this machine's
// platform, or --platform's), the config, then each layer the store lacks, streamed from the
// registry through the decompressor into the unpacker, its digest and diff_id checked before it
// is published. The image then enters the store as a `load`ed one does (same config bytes, so the
// same image id; same layers by diff_id), with its tag and its RepoDigest. Any failure takes back
// the layers this pull published: the store is left as it was.

import { StrataError, oneLine } from '../base/errors.js';
import { hostPlatform } from '../archive/archive-plan.js';
import type { Platform } from '../archive/image-plan.js';
import type { Descriptor } from '../archive/oci-layout.js';
import { decompressChunks } from '../import/decompress.js';
import { discardUnreferencedLayers } from '../store/gc.js';
import { parseImageConfig, type ImageConfig } from '../store/image-config.js';
import { imageIdOf, writeImage } from '../store/images.js';
import { addLayer, retainLayer } from '../store/layers.js';
import { takeLease } from '../store/lease.js';
import { setRepoDigest } from '../store/repo-digests.js';
import type { Store } from '../store/store.js';
import { setTag } from '../store/tags.js';
import { readSmallBlob, streamBlob } from './blobs.js';
import { RegistryClient } from './client.js';
import { manifestReference, parseRemoteName, type RemoteName } from './image-name.js';
import { fetchManifest, pickPlatform, readImageManifest } from './manifests.js';

export interface PullOptions {
  readonly tlsVerify?: boolean;
  /** --platform; default this machine's, and then a lone foreign image is taken with a warning. */
  readonly platform?: Platform;
  readonly onWarning?: (message: string) => void;
  /** Per layer fetched: its bytes so far of `total` (compressed, as the registry sends them). */
  readonly onLayerBytes?: (layer: string, bytes: number, total: number) => void;
  /** A layer is in the store, fetched (`fetched` true) or already there. */
  readonly onLayerDone?: (layer: string, fetched: boolean) => void;
}

export interface PulledImage {
  readonly id: string;
  /** "NAME:TAG", when the image was pulled by tag. */
  readonly tag?: string;
  /** "NAME@sha256:<manifest digest>". */
  readonly repoDigest: string;
}

interface Fetched {
  readonly name: RemoteName;
  readonly manifestDigest: string;
  readonly layers: readonly Descriptor[];
  readonly raw: Buffer;
  readonly config: ImageConfig;
}

export async function pullImage(store: Store, text: string, options: PullOptions = {}): Promise<PulledImage> {
  const name = parseRemoteName(text);
  const client = new RegistryClient(name.registry, { scopes: [`repository:${name.repository}:pull`], ...(options.tlsVerify !== undefined ? { tlsVerify: options.tlsVerify } : {}) });
  try {
    const fetched = await fetchImage(client, name, options);
    await storeImage(store, client, fetched, options);
    const id = imageIdOf(fetched.raw);
    return {
      id,
      ...(name.tag !== undefined ? { tag: `${name.storeName}:${name.tag}` } : {}),
      repoDigest: `${name.storeName}@${fetched.manifestDigest}`,
    };
  } finally {
    client.close();
  }
}

/** Manifest(s) and config, all verified; no layer yet. */
async function fetchImage(client: RegistryClient, name: RemoteName, options: PullOptions): Promise<Fetched> {
  const what = `${name.storeName}${name.digest ? `@${name.digest}` : `:${name.tag}`}`;
  const platform = options.platform ?? hostPlatform();
  const top = await fetchManifest(client, name.repository, manifestReference(name), what);
  let manifest = top;
  let foreign: string | undefined;
  if (top.kind === 'index') {
    const choice = pickPlatform(top, platform, options.platform !== undefined, what);
    foreign = choice.foreign;
    manifest = await fetchManifest(client, name.repository, choice.descriptor.digest, what);
    if (manifest.digest !== choice.descriptor.digest) throw new StrataError(`${what}: the manifest does not match its digest in the index`);
    if (manifest.kind !== 'manifest') throw new StrataError(`${what}: the index names another index for ${platform.os}/${platform.architecture}`);
  }
  const image = readImageManifest(manifest, what);
  const raw = await readSmallBlob(client, name.repository, image.config, `the config of ${what}`);
  let config: ImageConfig;
  try {
    config = parseImageConfig(raw, `the config of ${what}`);
  } catch (err) {
    throw new StrataError(oneLine(err), { cause: err });
  }
  if (config.rootfs.diff_ids.length !== image.layers.length) {
    throw new StrataError(`${what}: the manifest has ${image.layers.length} layers, its config ${config.rootfs.diff_ids.length} diff_ids`);
  }
  const its = `${String(config.os)}/${String(config.architecture)}`;
  if (foreign === undefined && top.kind === 'manifest' && !platform.matches(config)) {
    if (options.platform !== undefined) throw new StrataError(`${what}: the image is for ${its}, not ${platform.os}/${platform.architecture}`);
    foreign = its;
  }
  if (foreign !== undefined) options.onWarning?.(`${what} has no image for ${platform.os}/${platform.architecture}; pulling its only one, for ${foreign}`);
  return { name, manifestDigest: top.digest, layers: image.layers, raw, config };
}

/** Under a lease: the layers the store lacks, then the image, its tag and its RepoDigest. */
async function storeImage(store: Store, client: RegistryClient, f: Fetched, options: PullOptions): Promise<void> {
  const lease = takeLease(store);
  const published: string[] = [];
  const id = imageIdOf(f.raw);
  const diffIds = f.config.rootfs.diff_ids;
  try {
    lease.add(...new Set(diffIds), id);
    for (const [i, layer] of f.layers.entries()) {
      const diffId = diffIds[i]!;
      const label = `layer ${i + 1}/${f.layers.length} ${layer.digest.slice(7, 19)}`;
      if (await retainLayer(store, lease, diffId)) {
        options.onLayerDone?.(label, false);
        continue;
      }
      const what = `layer ${i + 1} of ${f.name.storeName}`;
      published.push(diffId);
      const onBytes = options.onLayerBytes ? (n: number) => options.onLayerBytes!(label, n, layer.size) : undefined;
      const info = await addLayer(store, decompressChunks(streamBlob(client, f.name.repository, layer, what, onBytes)), lease).catch((err: unknown) => {
        throw err instanceof StrataError && err.message.startsWith(what) ? err : new StrataError(`${what} (${layer.digest}): ${oneLine(err)}`, { cause: err });
      });
      if (info.diffId !== diffId) {
        published.push(info.diffId);
        throw new StrataError(`${what} (${layer.digest}) has diff_id ${info.diffId}, its config says ${diffId}`);
      }
      options.onLayerDone?.(label, true);
    }
    writeImage(store, f.raw);
    if (f.name.tag !== undefined) setTag(store, `${f.name.storeName}:${f.name.tag}`, id);
    setRepoDigest(store, `${f.name.storeName}@${f.manifestDigest}`, id);
  } catch (err) {
    lease.release();
    await discardUnreferencedLayers(store, published);
    throw err;
  } finally {
    lease.release();
  }
}
