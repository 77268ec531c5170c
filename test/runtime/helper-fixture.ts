// Running the native helper directly, as the runtime will: dist/assets/strata-helper (built by
// `node build.mjs`) with a program from encodeProgram on fd 3, against a busybox rootfs unpacked
// from dist/assets/busybox.tar, each sandbox on an overlay with its own upper directory. Root only.

import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProgram, type Op } from '../../src/runtime/helper/ops.js';
import { OVERLAY_OPTIONS } from '../../src/runtime/sandbox/plan.js';
import { REPO } from '../helpers/cli.js';

export const HELPER = join(REPO, 'dist', 'assets', 'strata-helper');
const BUSYBOX_TAR = join(REPO, 'dist', 'assets', 'busybox.tar');

/** Docker's default capability set. */
export const DOCKER_CAPS = [
  'chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap', 'net_bind_service', 'net_raw',
  'sys_chroot', 'mknod', 'audit_write', 'setfcap',
];
/** What Docker's default seccomp profile refuses (the parts of it that are names). */
export const DOCKER_DENY = [
  'mount', 'umount2', 'pivot_root', 'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module',
  'keyctl', 'add_key', 'request_key', 'bpf', 'open_by_handle_at', 'name_to_handle_at', 'reboot', 'swapon', 'swapoff',
  'perf_event_open', 'acct', 'settimeofday', 'clock_settime', 'clock_adjtime', 'iopl', 'ioperm', 'create_module',
  'get_kernel_syms', 'query_module', 'uselib', 'userfaultfd', 'lookup_dcookie', 'nfsservctl', 'vm86', 'vm86old',
  'quotactl', 'syslog', 'setns', 'unshare', 'personality', 'fsopen', 'fsconfig', 'fsmount', 'move_mount', 'open_tree',
  'fspick', 'mount_setattr',
];
export const CAP_NUMBERS: Readonly<Record<string, number>> = {
  chown: 0, dac_override: 1, fowner: 3, fsetid: 4, kill: 5, setgid: 6, setuid: 7, setpcap: 8, net_bind_service: 10,
  net_raw: 13, sys_chroot: 18, sys_admin: 21, mknod: 27, audit_write: 29, setfcap: 31,
};

export function requireRootAndHelper(): void {
  if (process.getuid?.() !== 0) throw new Error('the helper tests need root (CI runs as root)');
  if (!existsSync(HELPER) || !existsSync(BUSYBOX_TAR)) throw new Error(`${HELPER} or ${BUSYBOX_TAR} missing: run \`node build.mjs\` first`);
}

/** A scratch directory with the busybox rootfs unpacked (by GNU tar, owners kept). */
export function makeScratch(): { scratch: string; rootfs: string; cleanup: () => void } {
  const scratch = mkdtempSync(join(tmpdir(), 'strata-helper-test-'));
  const rootfs = join(scratch, 'rootfs');
  mkdirSync(rootfs);
  execFileSync('tar', ['-xf', BUSYBOX_TAR, '-C', rootfs]);
  return { scratch, rootfs, cleanup: () => rmSync(scratch, { recursive: true, force: true }) };
}

export interface SandboxOptions {
  readonly caps?: readonly string[];
  /** Syscalls denied; `null`: no seccomp filter at all. */
  readonly deny?: readonly string[] | null;
  readonly denyNamespaceClone?: boolean;
  readonly noNewPrivs?: boolean;
  readonly ids?: { uid: number; gid: number; groups: number[] };
  readonly pty?: boolean;
  readonly timeout?: number;
  readonly hostname?: string;
  readonly masks?: readonly string[];
  readonly readonly?: readonly string[];
  /** Operations put just before the security ones (caps, ids, no-new-privs, seccomp). */
  readonly extra?: readonly Op[];
  readonly env?: readonly string[];
}

let counter = 0;

/** The program of a Docker-like sandbox over `rootfs`, running argv. */
export function sandbox(scratch: string, rootfs: string, argv: readonly string[], o: SandboxOptions = {}): Op[] {
  const dir = join(scratch, `sandbox-${++counter}`);
  const [upper, work, merged] = ['upper', 'work', 'merged'].map((d) => join(dir, d));
  for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true });
  const dev = (name: string, major: number, minor: number): Op =>
    ({ op: 'mknod', path: `${merged}/dev/${name}`, type: 'c', mode: 0o666, major, minor });
  return [
    { op: 'spawn', namespaces: ['mnt', 'pid', 'uts', 'ipc', 'net'] },
    { op: 'private-mounts' },
    { op: 'mount-overlay', lowerDirs: [rootfs], upperDir: upper, workDir: work, target: merged, options: OVERLAY_OPTIONS },
    { op: 'mount', fstype: 'proc', target: `${merged}/proc`, flags: ['nosuid', 'nodev', 'noexec'], data: '' },
    { op: 'mount', fstype: 'tmpfs', target: `${merged}/dev`, flags: ['nosuid'], data: 'mode=755,size=65536k' },
    dev('null', 1, 3), dev('zero', 1, 5), dev('full', 1, 7), dev('random', 1, 8), dev('urandom', 1, 9), dev('tty', 5, 0),
    { op: 'mkdir', path: `${merged}/dev/pts`, mode: 0o755 },
    { op: 'mount', fstype: 'devpts', target: `${merged}/dev/pts`, flags: ['nosuid', 'noexec'], data: 'newinstance,ptmxmode=0666,mode=0620' },
    { op: 'symlink', target: 'pts/ptmx', path: `${merged}/dev/ptmx` },
    { op: 'mount', fstype: 'sysfs', target: `${merged}/sys`, flags: ['ro', 'nosuid', 'nodev', 'noexec'], data: '' },
    { op: 'pivot', newRoot: merged },
    { op: 'hostname', name: o.hostname ?? 'sandbox' },
    { op: 'loopback-up' },
    ...(o.masks ?? []).map((path): Op => ({ op: 'mask', path })),
    ...(o.readonly ?? []).map((path): Op => ({ op: 'readonly', path })),
    ...(o.timeout ? [{ op: 'timeout', seconds: o.timeout } as const] : []),
    ...(o.pty ? [{ op: 'pty' } as const] : []),
    ...(o.extra ?? []),
    { op: 'caps', keep: o.caps ?? DOCKER_CAPS },
    ...(o.ids ? [{ op: 'ids', ...o.ids } as const] : []),
    ...(o.noNewPrivs === false ? [] : [{ op: 'no-new-privs' } as const]),
    ...(o.deny === null ? [] : [{ op: 'seccomp', deny: o.deny ?? DOCKER_DENY, denyNamespaceClone: o.denyNamespaceClone ?? true } as const]),
    { op: 'exec', env: o.env ?? ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'], argv },
  ];
}

export interface HelperRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly input?: Buffer | string;
  /** Called once the helper runs (to signal it, or to take part in `sync` on fds 4 and 5). */
  readonly started?: (child: ChildProcess) => void;
  /** Extra pipes: fds 4 and 5 for `sync`. */
  readonly syncFds?: boolean;
  readonly killAfterMs?: number;
}

/** Runs the helper with `program` on fd 3 (raw bytes, or operations to encode). */
export function runHelper(program: Buffer | readonly Op[], o: RunOptions = {}): Promise<HelperRun> {
  const started = Date.now();
  const child = spawn(HELPER, [], { stdio: ['pipe', 'pipe', 'pipe', 'pipe', ...(o.syncFds ? ['pipe', 'pipe'] as const : [])] });
  const fd3 = child.stdio[3] as NodeJS.WritableStream;
  fd3.end(Buffer.isBuffer(program) ? program : encodeProgram(program));
  child.stdin!.on('error', () => {});   // EPIPE when the command does not read its input
  if (o.input !== undefined) child.stdin!.end(o.input);
  else if (!o.started) child.stdin!.end();
  const out: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('latin1')));
  const killer = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs ?? 30_000);
  o.started?.(child);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (status, signal) => {
      clearTimeout(killer);
      const done = () => resolve({ status, signal, stdout: Buffer.concat(out), stderr: err, ms: Date.now() - started });
      // The output ends when every holder of our pipes is gone. A sandbox that outlived its
      // helper (the bug some tests look for) would hold them forever: give up after a while.
      const orphaned = setTimeout(() => {
        for (const s of child.stdio) s?.destroy();
        done();
      }, 2000);
      child.on('close', () => {
        clearTimeout(orphaned);
        done();
      });
    });
  });
}

/** Waits until `check` holds, polling every 20 ms; false after `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}
