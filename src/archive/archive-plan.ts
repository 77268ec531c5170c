// Which kind of image archive a path holds, decided by its contents: a docker-archive has
// manifest.json (Docker 25+ writes an OCI layout beside it; its RepoTags are the better names),
// an OCI image layout has oci-layout.

import { StrataError } from '../base/errors.js';
import { hostArchitecture } from '../store/image-config.js';
import type { Archive } from './archive-reader.js';
import { isDockerArchive, planDockerArchive } from './docker-archive.js';
import type { ArchivePlan, Platform } from './image-plan.js';
import { isOciLayout, planOciLayout } from './oci-layout.js';

export function platformOf(os: string, architecture: string): Platform {
  return { os, architecture, matches: (p) => p.os === os && p.architecture === architecture };
}

export function hostPlatform(): Platform {
  return platformOf('linux', hostArchitecture());
}

export async function planArchive(archive: Archive, platform: Platform): Promise<ArchivePlan> {
  if (isDockerArchive(archive)) return planDockerArchive(archive);
  if (isOciLayout(archive)) return planOciLayout(archive, platform);
  throw new StrataError('neither an OCI image layout (no oci-layout) nor a docker-archive (no manifest.json)');
}
