// The JSON documents `save` writes, as pure functions of the image: docker-archive's
// manifest.json, or an OCI layout's oci-layout, index.json and image manifest. Keys are written
// in a fixed order so the same image always gives the same bytes. Layers are described as
// uncompressed tars, so each layer's blob digest is its diff_id.

import { createHash } from 'node:crypto';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_LAYOUT_VERSION, OCI_MANIFEST, REF_NAME_ANNOTATION } from './media-types.js';

export interface SavedBlob {
  /** "sha256:<64 hex>" */
  readonly digest: string;
  readonly size: number;
}

export interface SavedImage {
  /** The config blob: its digest is the image id. */
  readonly config: SavedBlob;
  /** Base first; a layer's digest is its diff_id. */
  readonly layers: readonly SavedBlob[];
  /** "name:tag" references to record. */
  readonly refs: readonly string[];
}

/** A small file of the archive: its name and bytes. */
export interface MetadataFile {
  readonly name: string;
  readonly bytes: Buffer;
}

export function blobName(digest: string): string {
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

/** One entry per image, in the order given; RepoTags are the references given for it (none when
 * it was named by id), as `docker save A B` writes them. */
export function dockerManifest(images: readonly SavedImage[]): MetadataFile {
  const doc = images.map((image) => ({
    Config: blobName(image.config.digest),
    RepoTags: [...image.refs],
    Layers: image.layers.map((l) => blobName(l.digest)),
  }));
  return { name: 'manifest.json', bytes: Buffer.from(JSON.stringify(doc)) };
}

/** An image's OCI manifest: a blob, returned with its digest and bytes. */
export function ociManifest(image: SavedImage): SavedBlob & { bytes: Buffer } {
  const bytes = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: image.config.digest, size: image.config.size },
    layers: image.layers.map((l) => ({ mediaType: OCI_LAYER, digest: l.digest, size: l.size })),
  }));
  return { digest: 'sha256:' + createHash('sha256').update(bytes).digest('hex'), size: bytes.length, bytes };
}

/** oci-layout, index.json, and each image's manifest (blobs, in the images' order). */
export function ociLayout(images: readonly SavedImage[]): { files: MetadataFile[]; manifests: (SavedBlob & { bytes: Buffer })[] } {
  const manifests = images.map(ociManifest);
  // One descriptor per reference (an index names one image once per name); one unnamed
  // descriptor for an image given by id.
  const descriptors = images.flatMap((image, i) => {
    const descriptor = { mediaType: OCI_MANIFEST, digest: manifests[i]!.digest, size: manifests[i]!.size };
    return image.refs.length === 0
      ? [descriptor]
      : image.refs.map((ref) => ({ ...descriptor, annotations: { [REF_NAME_ANNOTATION]: ref } }));
  });
  const files = [
    { name: 'oci-layout', bytes: Buffer.from(JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION })) },
    { name: 'index.json', bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: descriptors })) },
  ];
  return { files, manifests };
}
