// What a content id looks like: an image id or a layer's diff_id is "sha256:" and 64 lowercase hex
// digits, and nothing else. Ids name files in the store (images/<hex>.json, layers/<hex>/), so an
// id read from a record is checked here before it becomes part of a path: "sha256:../../x" would
// otherwise name a file outside the store.

const DIGEST_ID = /^sha256:[0-9a-f]{64}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** "sha256:<64 lowercase hex>" exactly. */
export function isDigestId(text: unknown): boolean {
  return typeof text === 'string' && DIGEST_ID.test(text);
}

/** 64 lowercase hex digits exactly (an id without its "sha256:"). */
export function isHex64(text: unknown): boolean {
  return typeof text === 'string' && HEX64.test(text);
}

/** The image id a user wrote in full ("sha256:<64 hex>" or the 64 hex alone), else undefined. */
export function fullImageId(text: string): string | undefined {
  if (isDigestId(text)) return text;
  if (isHex64(text)) return `sha256:${text}`;
  return undefined;
}

/** Whether `text` may be (the start of) an image id: at least 4 hex digits, "sha256:" optional. */
export function looksLikeImageId(text: string): boolean {
  return /^(sha256:)?[0-9a-f]{4,64}$/.test(text);
}

/** An id as lists show it: its first 12 hex digits. */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
