// The media types an image archive may name, OCI's and Docker's (image-spec media-types.md,
// distribution's manifest v2 schema 2), and which of them strata can load.

export const OCI_LAYOUT_VERSION = '1.0.0';
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';

export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';

export type ManifestKind = 'index' | 'manifest';

/** What a descriptor in an index points at, or undefined when strata cannot read it. */
export function manifestKind(mediaType: string): ManifestKind | undefined {
  if (mediaType === OCI_INDEX || mediaType === DOCKER_LIST) return 'index';
  if (mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST) return 'manifest';
  return undefined;
}

export function isImageConfig(mediaType: string): boolean {
  return mediaType === OCI_CONFIG || mediaType === DOCKER_CONFIG;
}

// Layers are plain, gzip or zstd tars (compression is detected from the bytes, not trusted from
// the name). Encrypted layers (+encrypted) and foreign artifacts are refused by name.
const LAYERS = new Set([
  OCI_LAYER,
  `${OCI_LAYER}+gzip`,
  `${OCI_LAYER}+zstd`,
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);

export function isLayer(mediaType: string): boolean {
  return LAYERS.has(mediaType);
}
