// A remote image name, REGISTRY/REPO[:TAG|@DIGEST] (distribution/reference's grammar, as
// store/reference.ts parses names): which registry to ask, which repository, and which manifest.
// A name without a registry is Docker Hub's (docker.io, "library/" for a one-part name).

import { UsageError } from '../base/errors.js';
import { isSha256Digest } from '../archive/image-plan.js';
import { parseReference } from '../store/reference.js';

export interface RemoteName {
  /** "host[:port]" as written, or "docker.io". */
  readonly registry: string;
  /** The repository path on the registry: "team/app", "library/alpine". */
  readonly repository: string;
  /** The name the store tags the image under, as the user wrote it: "127.0.0.1:5000/team/app". */
  readonly storeName: string;
  /** Set when a tag was given, or no digest was ("latest"). */
  readonly tag?: string;
  /** "sha256:<hex>" when the name pins a manifest. */
  readonly digest?: string;
}

export const DOCKER_HUB = 'docker.io';

export function parseRemoteName(text: string): RemoteName {
  let rest = text;
  let digest: string | undefined;
  const at = text.indexOf('@');
  if (at >= 0) {
    digest = text.slice(at + 1);
    rest = text.slice(0, at);
    if (!isSha256Digest(digest)) throw new UsageError(`invalid reference "${text}": the digest must be sha256: and 64 lowercase hex digits`);
  }
  const explicitTag = rest.lastIndexOf(':') > rest.lastIndexOf('/');
  const ref = parseReference(rest);
  const parts = ref.name.split('/');
  const first = parts[0]!;
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : DOCKER_HUB;
  let repository = hasRegistry ? parts.slice(1).join('/') : ref.name;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  const tag = explicitTag || digest === undefined ? ref.tag : undefined;
  return {
    registry,
    repository,
    storeName: ref.name,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** The reference a manifest is asked for by: the digest when pinned, else the tag. */
export function manifestReference(name: RemoteName): string {
  return name.digest ?? name.tag ?? 'latest';
}

/** A registry as `login`/`logout` take it: "host[:port]", no scheme or path. */
export function parseRegistryHost(text: string): string {
  const host = text.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (!/^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$/.test(host)) {
    throw new UsageError(`invalid registry "${text}": give HOST or HOST:PORT`);
  }
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

/** The host the API of `registry` is reached at. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/** localhost and 127.0.0.1 speak plain HTTP (as podman and Docker treat them); others HTTPS. */
export function isPlainHttp(registry: string): boolean {
  const host = registry.replace(/:[0-9]+$/, '');
  return host === 'localhost' || host === '127.0.0.1';
}
