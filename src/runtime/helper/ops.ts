// The operations the native helper (src/runtime/helper/strata-helper.c) performs, and how they
// are handed to it. The TypeScript side decides everything — what to mount where, which ids,
// capabilities, limits and syscalls — and the helper, which holds no policy, does exactly these
// steps in order, checks every syscall, and dies with the step's name on the first failure.
//
// Wire format: the helper reads its program from file descriptor 3: a sequence of tokens, each
// terminated by a NUL byte. A token is an operation name followed by exactly its arguments
// (numbers in decimal, file modes in octal). The program ends with `exec` (which carries the
// command) — nothing may follow it — unless it is a query (`xattr-dirs`, `set-xattr` or `syncfs`) alone.
// Tokens are byte strings (see base/byte-path.ts: one char per byte): callers convert text a user
// typed with bytesOfUserString first. Paths are absolute.
// Lists inside one argument are comma-separated. Before `pivot`, a path under its newRoot is
// resolved inside that root (openat2 RESOLVE_IN_ROOT: symlinks and ".." in an image cannot lead
// a mount or mknod onto the host), as the sandbox will see it after the pivot.
//
// Process structure. `spawn` splits the helper: the original process stays outside as the
// *monitor* (relays the terminal, forwards signals, reports the exit status), and a child runs
// the remaining operations. When the program unshares a PID namespace, the child is PID 1 there:
// it stays as a tiny init (reaps orphans, forwards signals) and forks once more at `exec`, so the
// command runs as PID 2 and behaves as it would under `docker run --init`.
//
// Exit status of the helper (= strata's): the command's status; 128+N when it died of signal N;
// 125 when a helper step failed (one line on stderr: "strata-helper: STEP: REASON"); 126 when the
// command exists but cannot be executed; 127 when it is not found; 0 when a query has written
// its whole answer to stdout.

export type Op =
  /** Fork: the monitor stays outside, the child goes on. `namespaces`: comma list of
   * user,mnt,pid,uts,ipc,net,cgroup unshared by the child before anything else (cgroup excepted:
   * it is unshared after the last `sync` or `cgroup`, so its root is the sandbox's own cgroup).
   * With `user`, the child waits (see `sync`) for the caller to write its uid/gid maps. */
  | { op: 'spawn'; namespaces: readonly string[] }
  /** Write "PID\n" (the child's pid as the caller sees it) to fd 4, then block until one byte
   * arrives on fd 5: the caller's turn (newuidmap/newgidmap, cgroup placement) in between. */
  | { op: 'sync' }
  /** Single-id maps written by the helper itself (rootless without newuidmap): uid_map
   * "INSIDE OUTSIDE 1", setgroups "deny", gid_map likewise. */
  | { op: 'map-self'; insideUid: number; insideGid: number }
  /** Join cgroup(s): write "0" to each given cgroup.procs file (v1: one per controller). */
  | { op: 'cgroup'; procsFiles: readonly string[] }
  /** setrlimit(resource, soft, hard); resource by name: nproc, nofile, as, core, cpu, fsize. */
  | { op: 'rlimit'; resource: string; soft: number; hard: number }
  /** Make every mount private (MS_REC|MS_PRIVATE on /): nothing propagates back to the host. */
  | { op: 'private-mounts' }
  /** mount -t overlay overlay -o lowerdir=A:B:C,upperdir=U,workdir=W,OPTIONS TARGET (A =
   * topmost). `options`: more overlay options, KEY=VALUE or a flag KEY (not the directories
   * again). In a user namespace the helper adds userxattr itself (trusted.* is out of reach). */
  | { op: 'mount-overlay'; lowerDirs: readonly string[]; upperDir: string; workDir: string; target: string; options: readonly string[] }
  /** Bind mount SOURCE onto TARGET (recursive), then remount with `flags` (comma list of
   * ro,nosuid,nodev,noexec; may be empty). TARGET must already exist. */
  | { op: 'bind'; source: string; target: string; flags: readonly string[] }
  /** mount -t TYPE TYPE TARGET with mount flags (comma list as for bind) and data string. */
  | { op: 'mount'; fstype: string; target: string; flags: readonly string[]; data: string }
  /** mkdir -p with mode, for mount points inside the new root. */
  | { op: 'mkdir'; path: string; mode: number }
  /** symlink(target, path) */
  | { op: 'symlink'; target: string; path: string }
  /** Create a device node or fifo: type c, b or p. */
  | { op: 'mknod'; path: string; type: 'c' | 'b' | 'p'; mode: number; major: number; minor: number }
  /** lchown(path, uid, gid), then — unless it is a symlink — chmod(path, mode), since chown clears
   * setuid and setgid: a rootless layer's files given their image owners from inside the user
   * namespace that maps them (rootless/mapped-root.ts). */
  | { op: 'own'; path: string; uid: number; gid: number; mode: number }
  /** Hide a path: /dev/null bound over a file, an empty read-only tmpfs over a directory;
   * a path that does not exist is skipped. */
  | { op: 'mask'; path: string }
  /** Bind a path onto itself read-only (nosuid,nodev,noexec kept); missing paths are skipped. */
  | { op: 'readonly'; path: string }
  /** pivot_root into NEWROOT with the old root detached (umount2 MNT_DETACH), then chdir("/"). */
  | { op: 'pivot'; newRoot: string }
  /** Remount / read-only (--read-only), after pivot. */
  | { op: 'remount-root-ro' }
  | { op: 'hostname'; name: string }
  /** Bring the loopback interface up (in a new network namespace). */
  | { op: 'loopback-up' }
  /** Allocate a pseudo-terminal inside the sandbox (/dev/pts/ptmx of its own devpts), make its
   * slave the command's controlling terminal and stdio; the monitor relays the caller's
   * terminal to the master (raw mode, window size with SIGWINCH; the end of the caller's input is
   * sent as the pty's EOF character). The sandbox never holds a file descriptor of the caller's
   * terminal, so TIOCSTI cannot reach it. */
  | { op: 'pty' }
  | { op: 'chdir'; path: string }
  /** setgroups, setgid, setuid — in that order — for the command. */
  | { op: 'ids'; uid: number; gid: number; groups: readonly number[] }
  /** The capabilities the command keeps, by name without CAP_: chown,dac_override,… They become
   * the bounding, permitted and effective sets; inheritable and ambient are emptied (Docker,
   * CVE-2022-24769). Put it before `ids`: a non-root uid then ends with no permitted or effective
   * capabilities (Docker's semantics), root keeps these. */
  | { op: 'caps'; keep: readonly string[] }
  | { op: 'no-new-privs' }
  /** Install a seccomp filter (x86_64; other architectures are killed): syscalls by name that
   * fail with EPERM — `personality` still allows Docker's harmless personas; `clone-ns` set
   * forbids clone/unshare with namespace flags and makes clone3 ENOSYS (as Docker's profile does
   * without CAP_SYS_ADMIN). Needs `no-new-privs` before it, or CAP_SYS_ADMIN. */
  | { op: 'seccomp'; deny: readonly string[]; denyNamespaceClone: boolean }
  /** Enter the namespaces (names as for spawn, the user namespace first whatever the order) of a
   * running sandbox's process PID, whose start time (field 22 of /proc/PID/stat) is `startTime`:
   * `strata exec`. Needs a `spawn` before it that makes no namespaces (the monitor stays
   * outside); refused with `pivot` in the same program. Each namespace must differ from the
   * helper's own and the start time must still match once they are open: a reused pid never
   * leads into the host's namespaces. With `pid`, `exec` forks the command into it. */
  | { op: 'join'; pid: number; startTime: string; namespaces: readonly string[] }
  /** Kill the sandbox when this many seconds pass (the helper exits 124 and says so). */
  | { op: 'timeout'; seconds: number }
  /** A query, the program's only operation: the directories under ROOT (itself included) whose
   * extended attribute NAME is exactly VALUE, written to stdout as paths relative to ROOT ("/",
   * "/a/b"), each NUL-terminated. Symlinks are never followed; what vanishes during the walk is
   * skipped (a running container's writable layer changes under it). For overlay's opaque
   * markers, which Node.js cannot read: drivers/upper-index.ts. */
  | { op: 'xattr-dirs'; root: string; name: string; value: string }
  /** A query, the program's only operation: fsetxattr(FD, NAME, VALUE) on a descriptor (4 or
   * above) the caller opened and passed: `cp` marks a directory of an upper layer opaque, opened
   * beneath it, so no path is resolved again. */
  | { op: 'set-xattr'; fd: number; name: string; value: string }
  /** A query, the program's only operation: syncfs(FD) on a descriptor (4 or above) the caller
   * opened and passed — every file of that filesystem on the disk in one call, which Node.js has
   * no binding for; the store syncs a layer with it before publishing it (store/durable.ts). */
  | { op: 'syncfs'; fd: number }
  /** The last operation: environment (K=V each) and argv; argv[0] found through the PATH in
   * env (inside the new root) unless it contains a '/'. */
  | { op: 'exec'; env: readonly string[]; argv: readonly string[] };

/** A device node or fifo to create (a `mknod` step); `path` is a host path as a byte string, as
 * every token is. */
export interface NodeSpec {
  readonly path: string;
  readonly type: 'c' | 'b' | 'p';
  readonly mode: number;
  readonly major: number;
  readonly minor: number;
}

/** A running sandbox's process, as a `join` step names the one it enters. */
export interface SandboxProcess {
  readonly pid: number;
  /** Its start time (clock ticks since boot), which with the pid names it for good. */
  readonly startTime: string;
}

/** Serialize a program for fd 3. */
export function encodeProgram(ops: readonly Op[]): Buffer {
  const tokens: string[] = [];
  const list = (xs: readonly (string | number)[]) => xs.join(',');
  for (const o of ops) {
    switch (o.op) {
      case 'spawn': tokens.push(o.op, list(o.namespaces)); break;
      case 'sync': case 'private-mounts': case 'remount-root-ro': case 'loopback-up': case 'pty': case 'no-new-privs': tokens.push(o.op); break;
      case 'map-self': tokens.push(o.op, String(o.insideUid), String(o.insideGid)); break;
      case 'cgroup': tokens.push(o.op, String(o.procsFiles.length), ...o.procsFiles); break;
      case 'rlimit': tokens.push(o.op, o.resource, String(o.soft), String(o.hard)); break;
      case 'mount-overlay': tokens.push(o.op, o.lowerDirs.join(':'), o.upperDir, o.workDir, o.target, list(o.options)); break;
      case 'bind': tokens.push(o.op, o.source, o.target, list(o.flags)); break;
      case 'mount': tokens.push(o.op, o.fstype, o.target, list(o.flags), o.data); break;
      case 'mkdir': tokens.push(o.op, o.path, o.mode.toString(8)); break;
      case 'symlink': tokens.push(o.op, o.target, o.path); break;
      case 'mknod': tokens.push(o.op, o.path, o.type, o.mode.toString(8), String(o.major), String(o.minor)); break;
      case 'own': tokens.push(o.op, o.path, String(o.uid), String(o.gid), o.mode.toString(8)); break;
      case 'mask': case 'readonly': case 'chdir': tokens.push(o.op, o.path); break;
      case 'pivot': tokens.push(o.op, o.newRoot); break;
      case 'hostname': tokens.push(o.op, o.name); break;
      case 'ids': tokens.push(o.op, String(o.uid), String(o.gid), list(o.groups)); break;
      case 'caps': tokens.push(o.op, list(o.keep)); break;
      case 'seccomp': tokens.push(o.op, list(o.deny), o.denyNamespaceClone ? '1' : '0'); break;
      case 'timeout': tokens.push(o.op, String(o.seconds)); break;
      case 'join': tokens.push(o.op, String(o.pid), o.startTime, list(o.namespaces)); break;
      case 'xattr-dirs': tokens.push(o.op, o.root, o.name, o.value); break;
      case 'set-xattr': tokens.push(o.op, String(o.fd), o.name, o.value); break;
      case 'syncfs': tokens.push(o.op, String(o.fd)); break;
      case 'exec': tokens.push(o.op, String(o.env.length), ...o.env, String(o.argv.length), ...o.argv); break;
    }
  }
  for (const t of tokens) if (t.includes('\0')) throw new Error(`helper program token contains NUL: ${JSON.stringify(t)}`);
  return Buffer.concat(tokens.map((t) => Buffer.from(t + '\0', 'latin1')));
}
