// Unpacks one layer tar, safely and faithfully, into a staging directory:
//   layerDir/rootfs/     the files (owners when running as root, exact modes, mtimes, links)
//   layerDir/index.json  the LayerIndex (base/layer-index.ts)
//   layerDir/tar-split   what it takes to give the tar back byte for byte (tar-split.ts)
// The tar is untrusted. Names go through safe-name.ts, whiteouts through whiteout.ts, and every
// write through layer-tree.ts, which keeps them inside rootfs. A refused entry ends the unpack
// with one line naming the entry and the reason; the caller removes the staging directory.
//
// The loop is synchronous per chunk: the parser hands out entries and content slices, content is
// written straight from the input chunk, and the only awaits are between chunks.

import { createHash } from 'node:crypto';
import { closeSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createXXHash128 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';
import type { BytePath } from '../base/byte-path.js';
import { displayPath } from '../base/byte-path.js';
import { StrataError } from '../base/errors.js';
import type { LayerIndex } from '../base/layer-index.js';
import { serializeIndex } from '../base/layer-index.js';
import type { TarHeader } from '../tar/header.js';
import type { TarVisitor } from '../tar/reader.js';
import { TarParser } from '../tar/reader.js';
import { TarStream } from './decompress.js';
import { LayerTree, Refused } from './layer-tree.js';
import { SparseWriter } from './sparse-writer.js';
import { safeEntryPath } from './safe-name.js';
import { TAR_SPLIT_FILE, TarSplitRecorder } from './tar-split.js';
import { classifyEntry } from './whiteout.js';

export const INDEX_FILE = 'index.json';

export interface UnpackResult {
  /** "sha256:<hex>" of the uncompressed tar stream (the OCI diff_id). */
  readonly diffId: string;
  /** Bytes in the uncompressed tar stream. */
  readonly tarSize: number;
  readonly index: LayerIndex;
}

export interface UnpackOptions {
  /** Called after each chunk: tar bytes read so far, entries seen so far. */
  readonly onProgress?: (bytes: number, entries: number) => void;
}

/** A tar written synchronously, piece by piece, into `push` (each piece is read during the call
 * only, so a writer may reuse its buffer): a layer strata writes itself (COPY) goes to the
 * unpacker with no stream, chunk or copy between them, and is unpacked byte for byte as the same
 * tar would be when imported. */
export type TarProducer = (push: (piece: Buffer) => void) => void;

/** Unpack `tar` (uncompressed) into `layerDir`, which exists and is empty. */
export async function unpackLayer(tar: AsyncIterable<Uint8Array> | TarProducer, layerDir: string, opts: UnpackOptions = {}): Promise<UnpackResult> {
  const split = new TarSplitRecorder();
  const tree = new LayerTree(layerDir, split);
  const unpacker = new Unpacker(tree, split, await createXXHash128());
  const parser = new TarParser(unpacker);
  // A TarStream hashes the tar itself (for a plain file, with the same hash as the raw bytes):
  // hashing here too would cost a second pass of sha256.
  const sha = tar instanceof TarStream ? undefined : createHash('sha256');
  try {
    if (typeof tar === 'function') {
      tar((piece) => {
        sha!.update(piece);
        parser.push(piece);
      });
      opts.onProgress?.(parser.bytesRead, unpacker.entries);
    } else {
      for await (const chunk of tar) {
        sha?.update(chunk);
        parser.push(chunk);
        opts.onProgress?.(parser.bytesRead, unpacker.entries);
      }
    }
    parser.end();
  } finally {
    unpacker.abandon();
  }
  const index = tree.finish();
  const diffId = sha ? `sha256:${sha.digest('hex')}` : (tar as TarStream).tarDigest();
  writeFileSync(join(layerDir, INDEX_FILE), serializeIndex(index), { mode: 0o644 });
  writeFileSync(join(layerDir, TAR_SPLIT_FILE), split.encode(), { mode: 0o644 });
  return { diffId, tarSize: parser.bytesRead, index };
}

/** Turns the parser's events into layer-tree operations. */
class Unpacker implements TarVisitor {
  entries = 0;
  /** The regular file whose content is arriving, or -1. */
  private fd = -1;
  private path: BytePath | undefined;
  private header: TarHeader | undefined;
  /** Where the content of a sparse file goes, while it arrives. */
  private sparse: SparseWriter | undefined;

  constructor(private readonly tree: LayerTree, private readonly split: TarSplitRecorder, private readonly hasher: IHasher) {}

  meta(bytes: Buffer): void {
    this.split.meta(bytes);
  }

  entry(h: TarHeader): void {
    this.entries++;
    try {
      this.place(h);
    } catch (err) {
      this.abandon();
      if (err instanceof Refused) throw new StrataError(`layer entry "${displayPath(h.name)}": ${err.message}`);
      throw new StrataError(`layer entry "${displayPath(h.name)}": cannot unpack`, { cause: err });
    }
  }

  content(bytes: Buffer): void {
    if (this.fd < 0) {
      // Content nobody keeps on disk (a whiteout file with data, a dumpdir's listing): the
      // tar-split keeps it.
      this.split.meta(bytes);
      return;
    }
    try {
      if (this.sparse !== undefined) {
        this.sparse.write(this.fd, bytes);
        return;
      }
      for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (err) {
      this.abandon();
      throw new StrataError(`layer entry "${displayPath(this.header!.name)}": cannot write`, { cause: err });
    }
    this.hasher.update(bytes);
  }

  entryEnd(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      if (this.sparse !== undefined) {
        this.sparse.finish(fd, this.hasher);
        this.sparse = undefined;
      }
      this.tree.finishFile(fd, this.path!, this.header!, `xxh128:${this.hasher.digest('hex')}`);
    } catch (err) {
      throw new StrataError(`layer entry "${displayPath(this.header!.name)}": cannot unpack`, { cause: err });
    }
  }

  /** Close a file left open by an error. */
  abandon(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private place(h: TarHeader): void {
    const safe = safeEntryPath(h.name);
    if (!safe.ok) throw new Refused(safe.reason);
    const path = safe.path;
    const wh = classifyEntry(path);
    switch (wh.kind) {
      case 'refused': throw new Refused(wh.reason);
      case 'whiteout': this.tree.addWhiteout(path, wh.target, h.mtime); return;
      case 'opaque': this.tree.addOpaque(path, wh.dir, h.mtime); return;
      case 'plain': break;
    }
    switch (h.type) {
      case 'file':
        this.fd = this.tree.createFile(path, h);
        this.path = path;
        this.header = h;
        this.hasher.init();
        if (h.sparse !== undefined) {
          this.sparse = new SparseWriter(h.sparse);
          this.split.sparseContent(path, h.sparse.realSize, h.sparse.regions!);
        } else {
          this.split.content(path, h.size);
        }
        return;
      case 'dir': this.tree.addDir(path, h); return;
      case 'symlink': this.tree.addSymlink(path, h); return;
      case 'hardlink': {
        const target = safeEntryPath(h.linkName);
        if (!target.ok) throw new Refused(`hard link target "${displayPath(h.linkName)}": ${target.reason}`);
        this.tree.addHardlink(path, target.path, h);
        return;
      }
      case 'char': case 'block': case 'fifo': this.tree.addSpecial(path, h); return;
    }
  }
}
