// The kernel side of the resolver's differential test: model layers become overlayfs lower
// directories (whiteout = character device 0:0, opaque = xattr trusted.overlay.opaque "y"), many
// stacks are mounted read-only at once, the mounted trees are walked, and paths are resolved
// inside them by the kernel under chroot (a static busybox's stat). Needs root.
//
// Kept fast by batching, since starting a process costs milliseconds here: everything lives on one
// tmpfs (unmounting it is the cleanup); GNU tar writes all lower directories of all cases from one
// tar (owners, modes, times, device nodes, xattrs; independent of strata's unpacker); one
// `mount -a -T FSTAB` mounts every stack and one `umount` lists them all.

import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TarWriter, type TarWriteEntry } from '../../src/tar/writer.js';
import type { ModelLayer } from './overlay-model.js';

export interface KernelEntry {
  readonly type: 'file' | 'dir' | 'symlink' | 'fifo' | 'char' | 'block';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly ino: number;
  readonly content?: Buffer;
  readonly target?: string;
  readonly devMajor?: number;
  readonly devMinor?: number;
}

export interface KernelWalk {
  readonly entries: Map<string, KernelEntry>;
  /** Names readdir listed that lstat then did not find: whiteouts the kernel leaves visible in a
   * directory only one layer has (it filters whiteouts only while merging directories). */
  readonly phantoms: string[];
}

/** The kernel's resolution of a path: the type and inode number of what stat(2) arrives at, or
 * the errno code. */
export type KernelResolution = { readonly type: string; readonly ino: number } | { readonly error: string };

/** The busybox directory in the shared bottom layer (walks skip it). */
export const BUSYBOX_DIR = '.bb';
const BUSYBOX = `/${BUSYBOX_DIR}/busybox`;

/** A work directory on its own tmpfs. */
export function makeScratch(): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-ovl-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'mode=0700,size=512m', 'tmpfs', root]);
  return root;
}

/** Unmount the stacks and the tmpfs, remove the directory. */
export function dropScratch(root: string, caseCount: number): void {
  const mounted = new Set(readFileSync('/proc/self/mountinfo', 'latin1').split('\n').map((line) => line.split(' ')[4]));
  const ours = Array.from({ length: caseCount }, (_, c) => mountPoint(root, c)).filter((mnt) => mounted.has(mnt));
  if (ours.length > 0) execFileSync('umount', ours);
  execFileSync('umount', [root]);
  rmdirSync(root);
}

export function mountPoint(root: string, c: number): string {
  return join(root, String(c), 'mnt');
}

const layerDir = (root: string, c: number, l: number) => join(root, String(c), `L${l}`);

/** Write every case's layers as `root/<case>/L<n>`, and a shared bottom layer `root/bb` holding
 * a static busybox for the chroot probes. */
export function writeLowerDirs(root: string, cases: ReadonlyArray<readonly ModelLayer[]>): void {
  const chunks: Buffer[] = [];
  const tar = new TarWriter((chunk) => chunks.push(Buffer.from(chunk)));
  const dir = (name: string): TarWriteEntry => ({ name: `${name}/`, type: 'dir', mode: 0o755 });
  tar.add(dir('bb'));
  tar.add(dir(`bb/${BUSYBOX_DIR}`));
  cases.forEach((layers, c) => {
    tar.add(dir(String(c)));
    tar.add(dir(`${c}/mnt`));
    layers.forEach((layer, l) => {
      const prefix = `${c}/L${l}`;
      tar.add(dir(prefix));
      // One sorted stream, whiteouts included, so that tar sets each directory's times after
      // everything inside it is made.
      const paths = [...layer.entries.keys(), ...layer.whiteouts].sort();
      for (const path of paths) {
        const e = layer.entries.get(path);
        if (e === undefined) {
          tar.add({ name: prefix + path, type: 'char', mode: 0o600, devMajor: 0, devMinor: 0 });
          continue;
        }
        const common = { mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime };
        if (e.type === 'dir') {
          const xattrs = layer.opaque.has(path) ? { 'trusted.overlay.opaque': 'y' } : undefined;
          tar.add({ name: `${prefix}${path}/`, type: 'dir', ...common, ...(xattrs && { xattrs }) });
        } else if (e.type === 'file' && e.hardlinkOf !== undefined) {
          tar.add({ name: prefix + path, type: 'hardlink', ...common, linkName: prefix + e.hardlinkOf });
        } else if (e.type === 'file') {
          tar.add({ name: prefix + path, type: 'file', ...common }, e.content);
        } else if (e.type === 'symlink') {
          tar.add({ name: prefix + path, type: 'symlink', ...common, linkName: e.target! });
        } else {
          tar.add({ name: prefix + path, type: e.type, ...common, devMajor: e.devMajor ?? 0, devMinor: e.devMinor ?? 0 });
        }
      }
    });
  });
  tar.finish();
  execFileSync('tar', ['-x', '-C', root, '--numeric-owner', '--same-owner', '-p', '--xattrs', '--xattrs-include=trusted.*'], {
    input: Buffer.concat(chunks), stdio: ['pipe', 'ignore', 'pipe'],
  });
  copyFileSync('/bin/busybox', join(root, 'bb', BUSYBOX_DIR, 'busybox'));
}

/** Mount every case read-only: its layers top first, the busybox layer at the bottom. */
export function mountAll(root: string, cases: ReadonlyArray<readonly ModelLayer[]>): void {
  const fstab = cases.map((layers, c) => {
    const lower = [...layers.keys()].reverse().map((l) => layerDir(root, c, l));
    lower.push(join(root, 'bb'));
    return `overlay ${mountPoint(root, c)} overlay ro,lowerdir=${lower.join(':')} 0 0`;
  });
  writeFileSync(join(root, 'fstab'), `${fstab.join('\n')}\n`);
  execFileSync('mount', ['-a', '-T', join(root, 'fstab')], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Every path under a mounted tree (as image paths: "/", "/a", ...), by readdir + lstat. */
export function walkKernel(mnt: string): KernelWalk {
  const entries = new Map<string, KernelEntry>();
  const phantoms: string[] = [];
  const visit = (path: string) => {
    const host = path === '/' ? mnt : mnt + path;
    let st;
    try {
      st = lstatSync(host);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return void phantoms.push(path);
      throw err;
    }
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink'
      : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'char' : 'block';
    const entry: { -readonly [K in keyof KernelEntry]: KernelEntry[K] } = {
      type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0,
      mtime: Math.floor(st.mtimeMs / 1000), ino: st.ino,
    };
    if (type === 'file') entry.content = readFileSync(host);
    if (type === 'symlink') entry.target = readlinkSync(host, { encoding: 'buffer' }).toString('latin1');
    if (type === 'char' || type === 'block') {
      entry.devMajor = (st.rdev >> 8) & 0xfff;
      entry.devMinor = st.rdev & 0xff;
    }
    entries.set(path, entry);
    if (type !== 'dir') return;
    for (const name of readdirSync(host, { encoding: 'buffer' }).map((b) => b.toString('latin1')).sort()) {
      if (path === '/' && name === BUSYBOX_DIR) continue;
      visit(path === '/' ? `/${name}` : `${path}/${name}`);
    }
  };
  visit('/');
  return { entries, phantoms };
}

/** stat(2) of each probe path inside each mounted case, under chroot: the kernel resolving
 * symlinks inside a root. The inode number says where the walk arrived. One `busybox chroot ...
 * stat -L p1 p2 ...` per case, all driven by one sh that runs while the caller goes on. */
export async function resolveInKernel(root: string, probes: ReadonlyArray<readonly string[]>): Promise<Array<Map<string, KernelResolution>>> {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = probes.map((paths, c) => paths.length === 0 ? '' :
    `echo '#case ${c}'; busybox chroot ${q(mountPoint(root, c))} ${BUSYBOX} stat -L -c '%n|%F|%i' ${paths.map(q).join(' ')} 2>&1`);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('sh', ['-c', `${script.join('\n')}\ntrue`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(new Error(`probe sh exited ${code}`))));
  });
  const results = probes.map(() => new Map<string, KernelResolution>());
  let current: Map<string, KernelResolution> | undefined;
  for (const line of output.split('\n')) {
    const error = /^stat: can't stat '(.*)': (.+)$/.exec(line);
    if (line.startsWith('#case ')) current = results[Number(line.slice(6))];
    else if (error) current?.set(error[1]!, { error: errnoOf(error[2]!) });
    else if (line !== '') {
      const [path, type, ino] = line.split('|');
      current?.set(path!, { type: fileType(type!), ino: Number(ino) });
    }
  }
  return results;
}

function fileType(text: string): string {
  if (text.startsWith('regular')) return 'file';
  if (text === 'directory') return 'dir';
  if (text === 'fifo') return 'fifo';
  if (text.startsWith('character')) return 'char';
  if (text.startsWith('block')) return 'block';
  return text;
}

function errnoOf(reason: string): string {
  if (reason.includes('No such file')) return 'ENOENT';
  if (reason.includes('Not a directory')) return 'ENOTDIR';
  if (reason.includes('Too many levels')) return 'ELOOP';
  return reason;
}
