// An OCI image layout (image-spec image-layout.md), as a directory or a tar of one: `oci-layout`,
// `index.json`, `blobs/sha256/<hex>`. The index may nest further indexes (multi-platform images);
// the manifests for the platform asked for are picked, each with the ref name its top-level
// descriptor carries.

import { StrataError } from '../base/errors.js';
import type { Archive } from './archive-reader.js';
import { parseJsonObject, readBlob } from './blob-read.js';
import { isSha256Digest, platformName, shortDigest, type ArchivePlan, type BlobRef, type ImagePlan, type Platform } from './image-plan.js';
import { isImageConfig, isLayer, manifestKind, REF_NAME_ANNOTATION } from './media-types.js';

/** Nested indexes deeper than this are refused rather than followed (a cycle needs no more). */
const MAX_DEPTH = 4;

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly os?: unknown; readonly architecture?: unknown; readonly variant?: unknown };
  readonly refName?: string;
}

export function isOciLayout(archive: Archive): boolean {
  return archive.size('oci-layout') !== undefined;
}

export async function planOciLayout(archive: Archive, platform: Platform): Promise<ArchivePlan> {
  const layout = parseJsonObject(await readBlob(archive, { member: 'oci-layout' }, 'oci-layout'), 'oci-layout');
  const version = layout.imageLayoutVersion;
  if (typeof version !== 'string' || !version.startsWith('1.')) {
    throw new StrataError(`oci-layout has imageLayoutVersion ${JSON.stringify(version)}; strata reads 1.x`);
  }
  const walk = new Walk(archive, platform);
  await walk.index({ member: 'index.json' }, 'index.json', undefined, 0);
  if (walk.plans.size === 0 && walk.otherPlatforms.size === 0) throw new StrataError('index.json lists no image');
  return { format: 'oci', images: [...walk.plans.values()], otherPlatforms: [...walk.otherPlatforms] };
}

class Walk {
  /** By manifest digest: several ref names may name one manifest. */
  readonly plans = new Map<string, ImagePlan>();
  readonly otherPlatforms = new Set<string>();
  constructor(private readonly archive: Archive, private readonly platform: Platform) {}

  async index(ref: BlobRef, what: string, refName: string | undefined, depth: number): Promise<void> {
    if (depth > MAX_DEPTH) throw new StrataError(`${what} nests indexes deeper than ${MAX_DEPTH}`);
    const doc = parseJsonObject(await readBlob(this.archive, ref, what), what);
    if (!Array.isArray(doc.manifests)) throw new StrataError(`${what} has no manifests list`);
    for (const [i, raw] of doc.manifests.entries()) {
      const d = descriptor(raw, `${what} manifests[${i}]`);
      const name = d.refName ?? refName;
      const kind = manifestKind(d.mediaType);
      if (kind === undefined) throw new StrataError(`${what} lists ${d.digest} with unsupported mediaType "${d.mediaType}"`);
      if (d.platform && !this.platform.matches(d.platform)) {
        this.otherPlatforms.add(platformName(d.platform));
        continue;
      }
      const blob = { member: blobMember(d.digest), digest: d.digest, size: d.size };
      if (kind === 'index') await this.index(blob, `index ${shortDigest(d.digest)}`, name, depth + 1);
      else await this.manifest(blob, name);
    }
  }

  private async manifest(ref: BlobRef & { digest: string }, refName: string | undefined): Promise<void> {
    const what = `manifest ${shortDigest(ref.digest)}`;
    const known = this.plans.get(ref.digest);
    if (known) {
      if (refName !== undefined) this.plans.set(ref.digest, { ...known, names: [...known.names, { text: refName, mayBeBareTag: true }] });
      return;
    }
    const doc = parseJsonObject(await readBlob(this.archive, ref, what), what);
    const config = descriptor(doc.config, `${what} config`);
    if (!isImageConfig(config.mediaType)) throw new StrataError(`${what} has a config of unsupported mediaType "${config.mediaType}"`);
    if (!Array.isArray(doc.layers)) throw new StrataError(`${what} has no layers list`);
    const layers = doc.layers.map((raw, i) => {
      const layer = descriptor(raw, `${what} layers[${i}]`);
      if (!isLayer(layer.mediaType)) throw new StrataError(`${what} has layer ${layer.digest} of unsupported mediaType "${layer.mediaType}"`);
      return { member: blobMember(layer.digest), digest: layer.digest, size: layer.size };
    });
    this.plans.set(ref.digest, {
      what,
      config: { member: blobMember(config.digest), digest: config.digest, size: config.size },
      layers,
      names: refName === undefined ? [] : [{ text: refName, mayBeBareTag: true }],
    });
  }
}

export function descriptor(raw: unknown, what: string): Descriptor {
  if (typeof raw !== 'object' || raw === null) throw new StrataError(`${what} is not a descriptor`);
  const d = raw as Record<string, unknown>;
  if (!isSha256Digest(d.digest)) throw new StrataError(`${what} has a malformed digest ${JSON.stringify(d.digest)}`);
  if (typeof d.mediaType !== 'string') throw new StrataError(`${what} has no mediaType`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw new StrataError(`${what} has a malformed size`);
  const annotations = typeof d.annotations === 'object' && d.annotations !== null ? (d.annotations as Record<string, unknown>) : {};
  const refName = annotations[REF_NAME_ANNOTATION];
  const platform = typeof d.platform === 'object' && d.platform !== null ? (d.platform as Descriptor['platform']) : undefined;
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(platform ? { platform } : {}),
    ...(typeof refName === 'string' && refName !== '' ? { refName } : {}),
  };
}

/** Only called with a validated digest, so the member name cannot leave blobs/sha256/. */
export function blobMember(digest: string): string {
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}
