// Which kind of image archive a path holds, decided by its contents: a docker-archive has
// manifest.json (Docker 25+ writes an OCI layout beside it; its RepoTags are the better names),
// an OCI image layout has oci-layout.

import { StrataError, UsageError } from '../base/errors.js';
import { hostArchitecture } from '../store/image-config.js';
import type { Archive } from './archive-reader.js';
import { isDockerArchive, planDockerArchive } from './docker-archive.js';
import type { ArchivePlan, Platform } from './image-plan.js';
import { isOciLayout, planOciLayout } from './oci-layout.js';

export function platformOf(os: string, architecture: string, variant?: string): Platform {
  return {
    os, architecture, ...(variant !== undefined ? { variant } : {}),
    // An image that states no variant is taken for any (Docker's arm64 is v8 whether said or not).
    matches: (p) => p.os === os && p.architecture === architecture && (variant === undefined || p.variant === undefined || p.variant === variant),
  };
}

const PLATFORM_PART = /^[a-z0-9_.-]{1,64}$/;

/** --platform's value: "os/arch" or "os/arch/variant" ("linux/arm64", "linux/arm/v7"). */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((x) => PLATFORM_PART.test(x))) {
    throw new UsageError(`invalid --platform "${text}": expected OS/ARCH[/VARIANT], e.g. linux/arm64`);
  }
  return platformOf(parts[0]!, parts[1]!, parts[2]);
}

export function hostPlatform(): Platform {
  return platformOf('linux', hostArchitecture());
}

export async function planArchive(archive: Archive, platform: Platform): Promise<ArchivePlan> {
  if (isDockerArchive(archive)) return planDockerArchive(archive);
  if (isOciLayout(archive)) return planOciLayout(archive, platform);
  throw new StrataError('neither an OCI image layout (no oci-layout) nor a docker-archive (no manifest.json)');
}
