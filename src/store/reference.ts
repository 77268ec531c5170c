// Image references, Docker's grammar (distribution/reference): [HOST[:PORT]/]PATH[:TAG].
// A first component is a registry host when it has a '.' or a ':' or is "localhost", as Docker
// decides it. The tag defaults to "latest". Digest references (@sha256:…) name content, which
// strata resolves as image ids instead; a name that looks like an id is refused.

import { UsageError } from '../base/errors.js';
import { isHex64 } from './ids.js';

export interface Reference {
  /** Everything before the tag, as written: "busybox", "127.0.0.1:5000/team/app". */
  readonly name: string;
  readonly tag: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;

export function parseReference(text: string): Reference {
  const bad = (why: string) => new UsageError(`invalid reference "${text}": ${why}`);
  if (text.length === 0) throw bad('empty');
  if (text.length > 255) throw bad('longer than 255 characters');
  const slash = text.lastIndexOf('/');
  const colon = text.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? text.slice(0, colon) : text;
  const tag = hasTag ? text.slice(colon + 1) : 'latest';
  // A name that reads as an image id would take that id over: `tag evil sha256:<id>` (the name
  // "sha256", the tag "<id>") or `tag evil <64 hex>`. Docker refuses both.
  if (name === 'sha256' || name.startsWith('sha256:') || isHex64(name)) throw bad('a name cannot look like an image id (64 hex digits, or sha256:…)');
  if (!TAG.test(tag)) throw bad(`tag "${tag}" is not valid`);
  const parts = name.split('/');
  const first = parts[0]!;
  const isHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (isHost && !HOST.test(first)) throw bad(`registry "${first}" is not valid`);
  for (const part of isHost ? parts.slice(1) : parts) {
    if (!COMPONENT.test(part)) throw bad(`"${part}" must be lowercase letters, digits and separators`);
  }
  return { name, tag };
}

export function formatReference(ref: Reference): string {
  return `${ref.name}:${ref.tag}`;
}

/** Splits "REF:/path" at the first ":/" (so "alpine:3.20:/etc/os-release" works). */
export function splitRefPath(text: string): { ref: string; path: string } {
  const at = text.indexOf(':/');
  if (at <= 0) throw new UsageError(`"${text}" is not REF:PATH (the path starts at the first ":/")`);
  return { ref: text.slice(0, at), path: text.slice(at + 1) };
}
