// The index of one layer: every entry the layer's tar holds, plus the whiteouts and opaque
// markers it carries as facts. The resolver, `check` and the TUI read only this, never the
// layer's directory tree. Paths are BytePaths (see byte-path.ts).

import type { BytePath } from './byte-path.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';

export interface IndexEntry {
  readonly path: BytePath;
  readonly type: EntryType;
  /** Permission bits including setuid, setgid and sticky (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Bytes of content for regular files; 0 for everything else. */
  readonly size: number;
  /** Modification time in seconds since the epoch (fractional when the tar had it). */
  readonly mtime: number;
  /** Symlinks: the target exactly as stored (a byte string, never resolved on the host). */
  readonly linkTarget?: string;
  /** Regular files that were a tar hardlink: the path of the file they link to, in this layer. */
  readonly hardlinkOf?: BytePath;
  /** Regular files: content digest, "xxh128:<32 hex>" (integrity, not identity). */
  readonly digest?: string;
  readonly devMajor?: number;
  readonly devMinor?: number;
  /** Extended attributes from PAX SCHILY.xattr.* records: name -> value as base64. */
  readonly xattrs?: Readonly<Record<string, string>>;
}

export interface LayerIndex {
  readonly entries: ReadonlyMap<BytePath, IndexEntry>;
  /** Paths this layer deletes from the layers below (from `.wh.NAME` entries). */
  readonly whiteouts: ReadonlySet<BytePath>;
  /** Directories whose lower contents this layer hides (from `.wh..wh..opq` entries). */
  readonly opaque: ReadonlySet<BytePath>;
}

const FORMAT = 1;
const TYPES: readonly EntryType[] = ['file', 'dir', 'symlink', 'char', 'block', 'fifo'];

type Row = [
  path: string, type: number, mode: number, uid: number, gid: number, size: number, mtime: number,
  extra?: { l?: string; h?: string; d?: string; M?: number; m?: number; x?: Record<string, string> },
];

/** Serialize compactly: one array per entry, optional fields in a trailing object. */
export function serializeIndex(index: LayerIndex): string {
  const rows: Row[] = [];
  for (const e of index.entries.values()) {
    const extra: NonNullable<Row[7]> = {};
    if (e.linkTarget !== undefined) extra.l = e.linkTarget;
    if (e.hardlinkOf !== undefined) extra.h = e.hardlinkOf;
    if (e.digest !== undefined) extra.d = e.digest;
    if (e.devMajor !== undefined) extra.M = e.devMajor;
    if (e.devMinor !== undefined) extra.m = e.devMinor;
    if (e.xattrs !== undefined) extra.x = { ...e.xattrs };
    const row: Row = [e.path, TYPES.indexOf(e.type), e.mode, e.uid, e.gid, e.size, e.mtime];
    if (Object.keys(extra).length > 0) row.push(extra);
    rows.push(row);
  }
  return JSON.stringify({ format: FORMAT, entries: rows, whiteouts: [...index.whiteouts], opaque: [...index.opaque] });
}

/** Parses an index, checking the shape of every row: an index is read back from the store, and a
 * path in it names a file under the layer's directory, so a path that climbs ("/../../etc/shadow")
 * or a type, mode or size that is not one must never get past here. Throws with the reason. */
export function parseIndex(text: string): LayerIndex {
  const doc = JSON.parse(text) as { format: number; entries: Row[]; whiteouts: string[]; opaque: string[] };
  if (typeof doc !== 'object' || doc === null) throw new Error('not a JSON object');
  if (doc.format !== FORMAT) throw new Error(`layer index format ${doc.format} is not supported (want ${FORMAT})`);
  if (!Array.isArray(doc.entries) || !Array.isArray(doc.whiteouts) || !Array.isArray(doc.opaque)) throw new Error('entries, whiteouts or opaque is not a list');
  const entries = new Map<BytePath, IndexEntry>();
  // Rows are read by index, not destructured: destructuring runs the iterator protocol, and before
  // V8 optimizes this loop — most of an image's rows — that made parsing cost twice JSON.parse.
  for (const row of doc.entries) {
    const problem = rowProblem(row);
    if (problem !== undefined) throw new Error(`entry ${JSON.stringify(Array.isArray(row) ? row[0] : row)}: ${problem}`);
    const e: { -readonly [K in keyof IndexEntry]: IndexEntry[K] } = {
      path: row[0] as BytePath, type: TYPES[row[1]]!, mode: row[2], uid: row[3], gid: row[4], size: row[5], mtime: row[6],
    };
    const extra = row[7];
    if (extra) {
      if (extra.l !== undefined) e.linkTarget = extra.l;
      if (extra.h !== undefined) e.hardlinkOf = extra.h as BytePath;
      if (extra.d !== undefined) e.digest = extra.d;
      if (extra.M !== undefined) e.devMajor = extra.M;
      if (extra.m !== undefined) e.devMinor = extra.m;
      if (extra.x !== undefined) e.xattrs = extra.x;
    }
    entries.set(e.path, e);
  }
  for (const path of [...doc.whiteouts, ...doc.opaque]) {
    if (!isIndexPath(path)) throw new Error(`whiteout or opaque directory ${JSON.stringify(path)} is not a path inside the layer`);
  }
  return {
    entries,
    whiteouts: new Set(doc.whiteouts as BytePath[]),
    opaque: new Set(doc.opaque as BytePath[]),
  };
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

function rowProblem(row: Row): string | undefined {
  if (!Array.isArray(row) || row.length < 7 || row.length > 8) return 'not an index row';
  // Indexed, not destructured, for the reason parseIndex gives.
  const path = row[0], type = row[1], mode = row[2], uid = row[3], gid = row[4], size = row[5], mtime = row[6], extra = row[7];
  if (!isIndexPath(path)) return 'not a path inside the layer';
  if (!Number.isInteger(type) || TYPES[type] === undefined) return `unknown type ${JSON.stringify(type)}`;
  if (!isCount(mode) || mode > 0o7777) return `mode ${JSON.stringify(mode)}`;
  if (!isCount(uid) || !isCount(gid)) return `owner ${JSON.stringify(uid)}:${JSON.stringify(gid)}`;
  if (!isCount(size)) return `size ${JSON.stringify(size)}`;
  if (typeof mtime !== 'number' || !Number.isFinite(mtime)) return `mtime ${JSON.stringify(mtime)}`;
  if (extra === undefined) return undefined;
  if (typeof extra !== 'object' || extra === null) return 'its extra fields are not an object';
  if (extra.l !== undefined && typeof extra.l !== 'string') return 'link target is not a string';
  if (extra.h !== undefined && !isIndexPath(extra.h)) return 'hardlink target is not a path inside the layer';
  if (extra.d !== undefined && (typeof extra.d !== 'string' || !/^xxh128:[0-9a-f]{32}$/.test(extra.d))) return `digest ${JSON.stringify(extra.d)}`;
  if ((extra.M !== undefined && !isCount(extra.M)) || (extra.m !== undefined && !isCount(extra.m))) return 'device numbers';
  if (extra.x !== undefined && (typeof extra.x !== 'object' || extra.x === null || !Object.values(extra.x).every((v) => typeof v === 'string'))) return 'xattrs';
  return undefined;
}

/** "/" or "/a/b": absolute, no empty, "." or ".." component, no NUL — the paths the unpacker
 * makes (import/safe-name.ts), and so the only ones an index may hold. */
function isIndexPath(p: unknown): p is BytePath {
  if (typeof p !== 'string' || p.charCodeAt(0) !== 0x2f) return false;
  if (p === '/') return true;
  if (p.endsWith('/') || p.includes('//') || p.includes('\0')) return false;
  // Most paths have no component starting with a dot: one scan settles them.
  return !p.includes('/.') || !(p.includes('/./') || p.includes('/../') || p.endsWith('/.') || p.endsWith('/..'));
}
