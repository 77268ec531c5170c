// Manifests from a registry: fetched by tag or digest with every media type strata reads accepted,
// their digest computed from the bytes as received (and checked when the reference pins one), an
// index resolved to the manifest for the platform `run` needs, an image manifest read into its
// config and layer descriptors.

import { createHash } from 'node:crypto';
import { StrataError } from '../base/errors.js';
import { parseJsonObject } from '../archive/blob-read.js';
import type { Platform } from '../archive/image-plan.js';
import { DOCKER_LIST, DOCKER_MANIFEST, isImageConfig, isLayer, manifestKind, OCI_INDEX, OCI_MANIFEST, type ManifestKind } from '../archive/media-types.js';
import { descriptor, type Descriptor } from '../archive/oci-layout.js';
import { apiError, headerOf, type RegistryClient } from './client.js';
import { readBody } from './transport.js';

export const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(', ');
/** Manifests are small; distribution itself refuses those over 4 MiB. */
const MANIFEST_LIMIT = 4 << 20;

export interface Manifest {
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
  readonly kind: ManifestKind;
  readonly doc: Record<string, unknown>;
}

export interface ImageManifest {
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export async function fetchManifest(client: RegistryClient, repository: string, reference: string, what: string): Promise<Manifest> {
  const res = await client.request('GET', `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
  if (res.status === 404) {
    await readBody(res, MANIFEST_LIMIT).catch(() => undefined);
    throw new StrataError(`${what}: no such image on ${client.registry}`);
  }
  if (res.status === 401) throw await client.refused(res);
  if (res.status !== 200) throw await apiError(res, `the manifest of ${what}`);
  const bytes = await readBody(res, MANIFEST_LIMIT);
  const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  // A manifest named by digest must be those bytes; one named by tag must at least be the
  // manifest the registry says it sent.
  const stated = reference.startsWith('sha256:') ? reference : headerOf(res, 'docker-content-digest');
  if (stated !== undefined && stated.startsWith('sha256:') && stated !== digest) {
    throw new StrataError(`${what}: the manifest received does not match its digest ${stated} (it hashes to ${digest})`);
  }
  const doc = parseJsonObject(bytes, `the manifest of ${what}`);
  const contentType = headerOf(res, 'content-type')?.split(';')[0]?.trim();
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : contentType ?? '';
  const kind = manifestKind(mediaType) ?? (Array.isArray(doc.manifests) ? 'index' : doc.config !== undefined ? 'manifest' : undefined);
  if (kind === undefined) throw new StrataError(`${what}: unsupported manifest type "${mediaType}"`);
  return { bytes, digest, mediaType, kind, doc };
}

export interface PlatformChoice {
  /** The manifest's descriptor in the index. */
  readonly descriptor: Descriptor;
  /** Set when the index has nothing for the platform asked and this, its only other, was taken. */
  readonly foreign?: string;
}

/** The index entry for `platform`; if there is none and the index has exactly one other platform
 * (attestations, "unknown/unknown", not counted), that one, marked foreign unless `strict`. */
export function pickPlatform(index: Manifest, platform: Platform, strict: boolean, what: string): PlatformChoice {
  const list = index.doc.manifests;
  if (!Array.isArray(list)) throw new StrataError(`${what}: the index has no manifests list`);
  const others = new Map<string, Descriptor>();
  for (const [i, raw] of list.entries()) {
    const d = descriptor(raw, `${what} manifests[${i}]`);
    if (manifestKind(d.mediaType) !== 'manifest') continue;
    const p = d.platform ?? {};
    if (platform.matches(p)) return { descriptor: d };
    const name = `${String(p.os)}/${String(p.architecture)}`;
    if (name !== 'unknown/unknown' && !others.has(name)) others.set(name, d);
  }
  const here = `${platform.os}/${platform.architecture}`;
  if (others.size === 1 && !strict) {
    const [name, d] = [...others][0]!;
    return { descriptor: d, foreign: name };
  }
  const has = others.size === 0 ? 'no image manifest' : [...others.keys()].sort().join(', ');
  throw new StrataError(`${what}: no image for ${here} (it has ${has})`);
}

export function readImageManifest(m: Manifest, what: string): ImageManifest {
  const config = descriptor(m.doc.config, `${what} config`);
  if (!isImageConfig(config.mediaType)) throw new StrataError(`${what}: a config of unsupported mediaType "${config.mediaType}"`);
  if (!Array.isArray(m.doc.layers)) throw new StrataError(`${what}: the manifest has no layers list`);
  const layers = m.doc.layers.map((raw, i) => {
    const layer = descriptor(raw, `${what} layers[${i}]`);
    if (!isLayer(layer.mediaType)) throw new StrataError(`${what}: layer ${layer.digest} has unsupported mediaType "${layer.mediaType}"`);
    return layer;
  });
  return { config, layers };
}
