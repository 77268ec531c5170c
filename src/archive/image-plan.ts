// What an archive says about one image before anything is read or trusted: where its config and
// layer blobs are, what they must hash to, and what it is called; and about the whole archive:
// its format, its images, the platforms left out. oci-layout.ts and docker-archive.ts produce
// plans (archive-plan.ts picks which one reads an archive); load.ts verifies and stores them.

import type { StatedName } from './load-names.js';

export interface BlobRef {
  /** The archive member holding the blob (a normalized relative name). */
  readonly member: string;
  /** "sha256:<64 hex>" the bytes must hash to, when the archive states one. */
  readonly digest?: string;
  /** The size the archive states for the blob, when it states one. */
  readonly size?: number;
}

export interface ImagePlan {
  /** Where in the archive the image is described, for messages. */
  readonly what: string;
  readonly config: BlobRef;
  /** Base first, as the config's rootfs.diff_ids. */
  readonly layers: readonly BlobRef[];
  readonly names: readonly StatedName[];
}

export interface ArchivePlan {
  readonly format: 'oci' | 'docker';
  readonly images: readonly ImagePlan[];
  /** Platforms of images left out because they are not the one asked for, "os/arch[/variant]". */
  readonly otherPlatforms: readonly string[];
}

/** The os, architecture and (optionally) variant images are picked for (archive-plan.ts makes one:
 * platformOf, parsePlatform). */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  /** When set, only images stating this variant match ("v8" of arm64). */
  readonly variant?: string;
  matches(p: { readonly os?: unknown; readonly architecture?: unknown; readonly variant?: unknown }): boolean;
}

/** "os/arch" or "os/arch/variant", as --platform takes it and messages show it. */
export function platformName(p: { readonly os?: unknown; readonly architecture?: unknown; readonly variant?: unknown }): string {
  const base = `${String(p.os)}/${String(p.architecture)}`;
  return typeof p.variant === 'string' && p.variant !== '' ? `${base}/${p.variant}` : base;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isSha256Digest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** "sha256:" and 12 hex digits, as Docker shortens ids: enough to name a blob in a message. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}

/** The digest an archive member's name states, for names like blobs/sha256/<hex> and <hex>.json. */
export function digestInMemberName(member: string): string | undefined {
  const m = /^(?:blobs\/sha256\/([0-9a-f]{64})|([0-9a-f]{64})\.json)$/.exec(member);
  return m ? `sha256:${m[1] ?? m[2]}` : undefined;
}
