// Helpers for the tar and import tests: archives built in memory with the TarWriter, real
// temporary directories, and the outside-of-the-layer sentinel the attack tests check.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TarWriteEntry } from '../../src/tar/writer.js';
import { TarWriter } from '../../src/tar/writer.js';
import { unpackLayer } from '../../src/import/unpack.js';
import type { UnpackResult } from '../../src/import/unpack.js';

export type FixtureEntry = Partial<TarWriteEntry> & { name: string; content?: string | Uint8Array };

/** A tar archive of `entries` (files by default, mode 0644, root-owned, mtime 1700000000). */
export function makeTar(entries: readonly FixtureEntry[], options: { canonical?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const w = new TarWriter((c) => parts.push(Buffer.from(c)), options);
  for (const e of entries) {
    const content = typeof e.content === 'string' ? Buffer.from(e.content) : e.content;
    w.add({ type: 'file', mode: e.type === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, mtime: 1700000000, ...e }, content);
  }
  w.finish();
  return Buffer.concat(parts);
}

/** The tar as a stream of chunks of `size` bytes (header and content boundaries fall anywhere). */
export async function* chunked(bytes: Uint8Array, size = 4096): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A scratch area: `layer` (the empty staging dir the unpacker gets) and `outside` (a host
 * directory next to it holding a sentinel file, which the attack tests check stays untouched). */
export interface Scratch {
  readonly root: string;
  readonly layer: string;
  readonly outside: string;
  /** Files under `outside`, relative names, sorted. */
  outsideListing(): string[];
  cleanup(): void;
}

export function scratch(): Scratch {
  const root = mkdtempSync(join(tmpdir(), 'strata-import-'));
  const layer = join(root, 'layer');
  const outside = join(root, 'outside');
  mkdirSync(layer);
  mkdirSync(outside);
  writeFileSync(join(outside, 'sentinel'), 'untouched');
  return {
    root, layer, outside,
    outsideListing: () => listing(outside),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

function listing(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    out.push(prefix + d.name);
    if (d.isDirectory()) out.push(...listing(join(dir, d.name), `${prefix}${d.name}/`));
  }
  return out.sort();
}

export function unpackBytes(bytes: Uint8Array, layerDir: string, chunkSize = 4096): Promise<UnpackResult> {
  return unpackLayer(chunked(bytes, chunkSize), layerDir);
}

/** Run a command, returning stdout; throws with stderr on failure. */
export function run(cmd: string, args: readonly string[], opts: { cwd?: string; input?: Uint8Array } = {}): Buffer {
  return execFileSync(cmd, args, { cwd: opts.cwd, input: opts.input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
}
