// `strata push IMAGE REGISTRY/REPO[:TAG]`: every blob the registry lacks (uncompressed layer tars
// replayed from the store, so each layer's blob digest is its diff_id and known before a byte is
// read; the config blob as stored), then the manifest, last, byte for byte the one whose digest
// strata computed. Layers another repository of the same registry holds (known from this store's
// RepoDigests) are mounted rather than sent. The pushed manifest's RepoDigest is recorded.

import { StrataError } from '../base/errors.js';
import { ociManifest } from '../archive/save-metadata.js';
import { OCI_MANIFEST } from '../archive/media-types.js';
import { replayLayerTar } from '../import/tar-split.js';
import { resolveImage } from '../store/lookup.js';
import { readImage } from '../store/images.js';
import { readLayerInfo } from '../store/layers.js';
import { withLease } from '../store/lease.js';
import { unreadableFiles } from '../store/mapped-owners.js';
import { listRepoDigests, setRepoDigest } from '../store/repo-digests.js';
import type { Store } from '../store/store.js';
import { apiError, headerOf, RegistryClient, type TransportOptions } from './client.js';
import { parseRemoteName, type RemoteName } from './image-name.js';
import { drain } from './transport.js';
import { sendBlob, type BlobOutcome, type BlobSource } from './upload.js';

export interface PushOptions extends TransportOptions {
  readonly chunkSize?: number;
  readonly onLayerBytes?: (layer: string, bytes: number, total: number) => void;
  readonly onLayerDone?: (layer: string, sent: boolean) => void;
}

export interface PushedImage {
  /** "REGISTRY/REPO:TAG" as pushed. */
  readonly reference: string;
  /** The manifest's "sha256:…". */
  readonly digest: string;
  /** What happened to each blob, layers first then the config. */
  readonly blobs: readonly BlobOutcome[];
}

export async function pushImage(store: Store, imageText: string, destText: string, options: PushOptions = {}): Promise<PushedImage> {
  const dest = parseRemoteName(destText);
  if (dest.digest !== undefined) throw new StrataError(`push names a tag, not a digest: "${destText}"`);
  const tag = dest.tag ?? 'latest';
  const image = resolveImage(store, imageText);
  return withLease(store, async (lease) => {
    lease.add(image.id);
    const diffIds = image.config.rootfs.diff_ids;
    lease.add(...diffIds);
    const layers: BlobSource[] = diffIds.map((diffId) => ({
      digest: diffId,
      size: readLayerInfo(store, diffId).tarSize,
      open: () => replayLayerTar(store.paths.layer(diffId), unreadableFiles(store)),
    }));
    const manifest = ociManifest({ config: { digest: image.id, size: image.raw.length }, layers, refs: [] });
    const mountFrom = mountSources(store, dest, new Set(diffIds));
    const client = new RegistryClient(dest.registry, {
      scopes: [`repository:${dest.repository}:pull,push`, ...mountFrom.map((r) => `repository:${r}:pull`)],
      ...(options.tlsVerify !== undefined ? { tlsVerify: options.tlsVerify } : {}),
    });
    try {
      const outcomes: BlobOutcome[] = [];
      const sent = new Set<string>();
      for (const [i, layer] of layers.entries()) {
        const label = `layer ${i + 1}/${layers.length} ${layer.digest.slice(7, 19)}`;
        if (sent.has(layer.digest)) continue;
        sent.add(layer.digest);
        const outcome = await sendBlob(client, dest.repository, layer, `layer ${i + 1} (${layer.digest})`, {
          mountFrom,
          ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
          ...(options.onLayerBytes ? { onBytes: (n: number) => options.onLayerBytes!(label, n, layer.size) } : {}),
        });
        outcomes.push(outcome);
        options.onLayerDone?.(label, outcome === 'uploaded');
      }
      const configBlob: BlobSource = { digest: image.id, size: image.raw.length, open: async function* () { yield image.raw; } };
      outcomes.push(await sendBlob(client, dest.repository, configBlob, 'the config', { mountFrom, ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}) }));
      await putManifest(client, dest, tag, manifest.bytes, manifest.digest);
      setRepoDigest(store, `${dest.storeName}@${manifest.digest}`, image.id);
      return { reference: `${dest.storeName}:${tag}`, digest: manifest.digest, blobs: outcomes };
    } finally {
      client.close();
    }
  });
}

async function putManifest(client: RegistryClient, dest: RemoteName, tag: string, bytes: Buffer, digest: string): Promise<void> {
  const res = await client.request('PUT', `/v2/${dest.repository}/manifests/${tag}`, { headers: { 'content-type': OCI_MANIFEST }, body: bytes });
  if (res.status === 401) throw await client.refused(res);
  if (res.status !== 201 && res.status !== 200) throw await apiError(res, `the manifest of ${dest.storeName}:${tag}`);
  drain(res);
  const stated = headerOf(res, 'docker-content-digest');
  if (stated !== undefined && stated !== digest) throw new StrataError(`${client.registry}: it stored the manifest as ${stated}, not ${digest}`);
}

/** Other repositories of the destination's registry that this store pushed to or pulled from an
 * image sharing a layer with this one: their blobs may be mounted rather than sent. */
function mountSources(store: Store, dest: RemoteName, diffIds: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const [ref, id] of listRepoDigests(store)) {
    const name = parseRemoteName(ref);
    if (name.registry !== dest.registry || name.repository === dest.repository) continue;
    let shares = false;
    try {
      shares = readImage(store, id).config.rootfs.diff_ids.some((d) => diffIds.has(d));
    } catch {
      // A damaged image record offers no mount source.
    }
    if (shares) out.add(name.repository);
  }
  return [...out].sort();
}
