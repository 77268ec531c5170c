// The native helper on real sandboxes (root only): each test runs a program that a broken helper
// would get wrong, and where the property could hold by accident, a control run shows that the
// same check fails without the operation under test.

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, lstatSync, openSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeProgram, type Op } from '../../src/runtime/helper/ops.js';
import {
  CAP_NUMBERS, DOCKER_CAPS, HELPER, makeScratch, requireRootAndHelper, runHelper, sandbox, until, type HelperRun, type SandboxOptions,
} from './helper-fixture.js';

requireRootAndHelper();
const { scratch, rootfs, cleanup } = makeScratch();

// Fixtures inside the image: a file that is not executable, and the classic chroot escape.
writeFileSync(join(rootfs, 'noexec'), '#!/bin/sh\necho ran\n', { mode: 0o644 });
const escapeSource = join(scratch, 'escape.c');
writeFileSync(escapeSource, `
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
/* chroot into a subdirectory while holding a descriptor of the current root, fchdir back out,
 * climb with "..", and make wherever that ends the root: the host's /, under a plain chroot. */
int main(int argc, char **argv) {
	(void)argc;
	mkdir("/jail", 0755);
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	if (fd < 0 || chroot("/jail") != 0 || fchdir(fd) != 0) { perror("setup"); return 2; }
	for (int i = 0; i < 64; i++) if (chdir("..") != 0) { perror("chdir .."); return 2; }
	if (chroot(".") != 0) { perror("chroot ."); return 2; }
	char buf[256];
	int m = open(argv[1], O_RDONLY);
	ssize_t n = m < 0 ? -1 : read(m, buf, sizeof buf);
	if (n < 0) { puts("no host file"); return 1; }
	fwrite(buf, 1, (size_t)n, stdout);
	return 0;
}
`);
execFileSync('gcc', ['-static', '-O2', '-o', join(rootfs, 'escape'), escapeSource]);

const box = (argv: readonly string[], o: SandboxOptions = {}) => sandbox(scratch, rootfs, argv, o);
const sh = (script: string, o: SandboxOptions = {}) => box(['sh', '-c', script], o);
const text = (r: HelperRun) => r.stdout.toString('latin1');

function ok(r: HelperRun): string {
  assert.is(r.status, 0, `exit ${r.status ?? r.signal}: ${r.stderr}`);
  return text(r);
}

/** Capability names → the hex mask /proc/self/status shows. */
function capMask(names: readonly string[]): string {
  let mask = 0n;
  for (const n of names) mask |= 1n << BigInt(CAP_NUMBERS[n]!);
  return mask.toString(16).padStart(16, '0');
}

function statusField(status: string, field: string): string {
  const m = new RegExp(`^${field}:\\s*(\\S+)`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in ${status}`);
  return m[1]!;
}

test('uname -r inside is the host kernel', async () => {
  assert.is(ok(await runHelper(box(['uname', '-r']))), `${release()}\n`);
});

test('the helper is PID 1 (init) and the command PID 2', async () => {
  assert.is(ok(await runHelper(sh('echo $$; cat /proc/1/comm'))), '2\nstrata-helper\n');
});

test('host processes are invisible and out of reach of kill', async () => {
  const hostPids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  assert.ok(hostPids.length > 10, 'the host runs more processes than the sandbox will');
  const out = ok(await runHelper(sh(`ls /proc | grep -E '^[0-9]+$' | sort -n | tr '\\n' ' '; echo; kill -0 ${process.pid} 2>/dev/null || echo unreachable`)));
  const [pids, ...rest] = out.split('\n');
  // init, sh, and the pipeline's ls and grep (sort and tr may have started too)
  for (const pid of pids!.trim().split(' ')) assert.ok(Number(pid) <= 6, `pid ${pid} in ${pids}`);
  if (process.pid > 6) assert.match(rest.join('\n'), /unreachable/);
});

test('the command inherits stdin, stdout and stderr, and no other descriptor', async () => {
  // fds 3 (the program), 4 and 5 (sync) are the helper's, open when it starts.
  const program = sh('ls /proc/self/fd | tr "\\n" " "');
  program.splice(1, 0, { op: 'sync' });
  const r = await runHelper(program, {
    syncFds: true,
    started: (child) => {
      child.stdin!.end();
      (child.stdio[4] as Readable).once('data', () => (child.stdio as unknown as Writable[])[5]!.end('g'));
    },
  });
  assert.is(ok(r), '0 1 2 3 ');   // 3: ls's own listing of the directory
});

test('hostname is set in a UTS namespace of its own', async () => {
  assert.is(ok(await runHelper(box(['hostname'], { hostname: 'box-7' }))), 'box-7\n');
});

test('exit status passes through; death by a signal is 128+N', async () => {
  assert.is((await runHelper(sh('exit 3'))).status, 3);
  assert.is((await runHelper(sh('kill -9 $$'))).status, 137);
});

test('127 for a command not found, 126 for a file that is not executable', async () => {
  const missing = await runHelper(box(['no-such-command']));
  assert.is(missing.status, 127);
  assert.is(missing.stderr, 'strata: exec: "no-such-command": executable file not found in $PATH\n');
  const noexec = await runHelper(box(['/noexec']));
  assert.is(noexec.status, 126);
  assert.match(noexec.stderr, /strata: exec: "\/noexec": permission denied/);
});

test('a failing step exits 125 with one line naming the operation', async () => {
  const program = sh('true');
  const at = program.findIndex((o) => o.op === 'pivot');
  program.splice(at, 0, { op: 'bind', source: join(scratch, 'does-not-exist'), target: join(scratch, 'also-not'), flags: [] });
  const r = await runHelper(program);
  assert.is(r.status, 125);
  assert.match(r.stderr, /^strata-helper: bind: bind \S+does-not-exist on \S+: No such file or directory\n$/);
});

test('a malformed program is refused whole, before any step runs', async () => {
  const marker = join(scratch, `ran-${randomBytes(4).toString('hex')}`);
  const tokens = (...t: string[]) => Buffer.from(t.map((x) => `${x}\0`).join(''), 'latin1');
  const touch = ['exec', '0', '2', '/usr/bin/touch', marker];
  const cases: [Buffer, RegExp][] = [
    [tokens('spawn', '', ...touch, 'extra'), /^strata-helper: program: 1 token\(s\) after exec/],
    [tokens('spawn', '', 'frobnicate', ...touch), /^strata-helper: program: unknown operation "frobnicate"/],
    [tokens('spawn', 'mnt,space', ...touch), /^strata-helper: program: spawn: unknown namespace "space"/],
    [tokens('spawn', '', 'mkdir', '/x', '8', ...touch), /^strata-helper: program: mkdir: bad number "8"/],
    [tokens('spawn', '', 'seccomp', 'mount,frob', '1', ...touch), /^strata-helper: program: seccomp: unknown syscall "frob"/],
    [tokens('spawn', '', 'hostname'), /^strata-helper: program: hostname: missing arguments/],
    [Buffer.concat([tokens('spawn', '', ...touch)]).subarray(0, -1), /not NUL-terminated/],
    [tokens('xattr-dirs', scratch, 'user.x', 'y', 'spawn', '', ...touch), /^strata-helper: program: xattr-dirs is a query: it must be the only operation/],
    [tokens('xattr-dirs', scratch, '', 'y'), /^strata-helper: program: xattr-dirs: empty attribute name/],
  ];
  for (const [program, message] of cases) {
    const r = await runHelper(program);
    assert.is(r.status, 125, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.not.ok(existsSync(marker), 'nothing ran');
  // The same program without the flaw does run: the refusals above were the validation's.
  assert.is((await runHelper(tokens('spawn', '', ...touch))).status, 0);
  assert.ok(existsSync(marker));
});

test('the classic chroot escape finds no host file (and does under a plain chroot)', async () => {
  const secret = `host-secret-${randomBytes(8).toString('hex')}`;
  const marker = `/tmp/strata-escape-${randomBytes(8).toString('hex')}`;
  writeFileSync(marker, secret);
  try {
    // Control: under chroot(1), root walks out to the host's / and reads the marker.
    const plain = execFileSync('chroot', [rootfs, '/escape', marker], { encoding: 'utf8' });
    assert.is(plain, secret);
    const r = await runHelper(box(['/escape', marker]));
    assert.is(r.stderr, '');
    assert.is(text(r), 'no host file\n');
    assert.is(r.status, 1);
  } finally {
    rmSync(marker, { force: true });
  }
});

test('network: only lo, and it is up', async () => {
  const out = ok(await runHelper(sh('ls /sys/class/net; cat /sys/class/net/lo/flags; ping -c 1 -W 1 127.0.0.1 >/dev/null && echo ping-ok')));
  const [ifaces, flags, ping] = out.trim().split('\n');
  assert.is(ifaces, 'lo');
  assert.is(Number(flags) & 1, 1, `IFF_UP in ${flags}`);
  assert.is(ping, 'ping-ok');
});

test('seccomp: mount fails with EPERM even holding CAP_SYS_ADMIN (and works without the filter)', async () => {
  const caps = [...DOCKER_CAPS, 'sys_admin'];
  const script = 'mount -t tmpfs tmpfs /tmp 2>&1 && echo mounted';
  assert.match(ok(await runHelper(sh(script, { caps, deny: null }))), /mounted/);
  const r = await runHelper(sh(script, { caps }));
  assert.is(text(r), 'mount: permission denied (are you root?)\n');   // busybox's words for EPERM
});

test('seccomp: namespaces cannot be created, even holding CAP_SYS_ADMIN', async () => {
  const caps = [...DOCKER_CAPS, 'sys_admin'];
  const script = 'unshare -n true 2>&1 && echo unshared';
  assert.match(ok(await runHelper(sh(script, { caps, deny: [], denyNamespaceClone: false }))), /unshared/);
  const r = await runHelper(sh(script, { caps, deny: [], denyNamespaceClone: true }));
  assert.match(text(r), /Operation not permitted/);
});

test('readonly: /proc/sys cannot be written (and can be without it)', async () => {
  const script = '{ echo renamed > /proc/sys/kernel/hostname; } 2>&1 && hostname';
  assert.is(ok(await runHelper(sh(script))), 'renamed\n');
  const r = await runHelper(sh(script, { readonly: ['/proc/sys'] }));
  assert.match(text(r), /Read-only file system/);
});

test('mask: a file reads as /dev/null, a directory as an empty tmpfs, a missing path is skipped', async () => {
  const masks = ['/proc/kcore', '/proc/timer_list', '/proc/keys', '/sys/firmware', '/proc/no-such-file'];
  const script = "stat -c '%F %t:%T' /proc/timer_list; wc -c < /proc/keys; ls -A /sys/firmware | wc -l";
  const plain = ok(await runHelper(sh(script)));
  assert.match(plain, /^regular (empty )?file/);
  assert.is(ok(await runHelper(sh(script, { masks }))), 'character special file 1:3\n0\n0\n');
  if (readdirSync('/proc').includes('kcore')) {
    assert.is(ok(await runHelper(sh("stat -c '%t:%T' /proc/kcore", { masks }))), '1:3\n');
  }
});

test('no_new_privs is set (and is not without the operation)', async () => {
  const script = 'grep NoNewPrivs /proc/self/status';
  assert.match(ok(await runHelper(sh(script, { noNewPrivs: false, deny: null }))), /NoNewPrivs:\s+0/);
  assert.match(ok(await runHelper(sh(script))), /NoNewPrivs:\s+1/);
});

test('caps: root inside holds exactly the requested set', async () => {
  const status = ok(await runHelper(box(['cat', '/proc/self/status'])));
  const want = capMask(DOCKER_CAPS);
  assert.is(statusField(status, 'CapEff'), want);
  assert.is(statusField(status, 'CapPrm'), want);
  assert.is(statusField(status, 'CapBnd'), want);
  assert.is(statusField(status, 'CapInh'), '0000000000000000');
  assert.is(statusField(status, 'CapAmb'), '0000000000000000');
});

test('ids: a non-root uid runs with its ids and no effective capabilities', async () => {
  const ids = { uid: 1000, gid: 1001, groups: [1002, 1003] };
  const out = ok(await runHelper(sh('id -u; id -g; id -G; cat /proc/self/status', { ids })));
  const [uid, gid, groups] = out.split('\n');
  assert.is(uid, '1000');
  assert.is(gid, '1001');
  assert.is(groups, '1001 1002 1003');
  assert.is(statusField(out, 'CapEff'), '0000000000000000');
  assert.is(statusField(out, 'CapPrm'), '0000000000000000');
  assert.is(statusField(out, 'CapBnd'), capMask(DOCKER_CAPS));
});

test('SIGTERM to the helper reaches the command', async () => {
  const r = await runHelper(sh('trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.05; done'), {
    started: (child) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) child.kill('SIGTERM');
      });
    },
  });
  assert.is(r.status, 7, r.stderr);
  assert.is(text(r), 'ready\ngot-term\n');
});

test('killing the monitor with SIGKILL kills the sandbox', async () => {
  const seconds = String(8_000_000 + Math.floor(Math.random() * 999_999));
  const sleeping = () => readdirSync('/proc').some((p) => {
    if (!/^\d+$/.test(p)) return false;
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'latin1') === `sleep\0${seconds}\0`;
    } catch {
      return false;
    }
  });
  let seen = false;
  const r = await runHelper(box(['sleep', seconds]), {
    started: (child) => {
      void until(sleeping).then((found) => {
        seen = found;
        child.kill('SIGKILL');
      });
    },
  });
  assert.is(r.signal, 'SIGKILL');
  assert.ok(seen, 'the sandboxed sleep was running before the kill');
  assert.ok(await until(() => !sleeping(), 3000), 'the sandboxed sleep is gone');
});

test('timeout: the sandbox is killed, exit 124 and a message', async () => {
  const r = await runHelper(box(['sleep', '30'], { timeout: 1 }));
  assert.is(r.status, 124);
  assert.is(r.stderr, 'strata: timed out after 1s\n');
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
});

/** The processes below `pid` (host pids), from every /proc/N/stat's parent field. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'latin1');
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found = [pid];
  for (let i = 0; i < found.length; i++) for (const [p, pp] of parent) if (pp === found[i]) found.push(p);
  return found.slice(1);
}

function fdLinks(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`));
  } catch {
    return [];
  }
}

test('pty: the command has a terminal, and the sandbox no descriptor of the caller\'s stdin', async () => {
  // What the sandbox's processes hold, seen from the host while it runs: with a pty, nothing of
  // the caller's stdin (were it a terminal: TIOCSTI into the caller's shell).
  const run = async (pty: boolean) => {
    let stdinLink = '';
    let held: string[] = [];
    const r = await runHelper(sh('test -t 0 && test -t 1 && echo is-a-tty; tty; sleep 1', { pty }), {
      started: (child) => {
        stdinLink = readlinkSync(`/proc/${child.pid}/fd/0`);
        void until(() => {
          const pids = descendants(child.pid!);
          held = pids.flatMap(fdLinks);
          return pids.length >= 2 && held.includes('/dev/pts/0') === pty;
        }).then(() => child.stdin!.end());
      },
    });
    return { r, stdinLink, held };
  };
  const plain = await run(false);
  assert.ok(plain.held.includes(plain.stdinLink), `control: without a pty the sandbox holds ${plain.stdinLink}`);
  const { r, stdinLink, held } = await run(true);
  assert.is(r.status, 0, r.stderr);
  assert.is(text(r).replace(/\r\n/g, '\n'), 'is-a-tty\n/dev/pts/0\n');
  assert.ok(held.length > 0);
  assert.not.ok(held.includes(stdinLink), held.join(' '));
});

test('pty: input reaches the command, and the end of input is its EOF', async () => {
  const r = await runHelper(sh('read line; echo "got:$line"; cat; echo eof', { pty: true }), { input: 'hello\nrest\n' });
  assert.is(r.status, 0, r.stderr);
  // The pty echoes the input as it arrives, before the command prints anything.
  assert.is(text(r).replace(/\r\n/g, '\n'), 'hello\nrest\ngot:hello\nrest\neof\n');
});

test('output is binary-safe: 10 MB through cat, byte for byte', async () => {
  const data = randomBytes(10 * 1024 * 1024);
  const r = await runHelper(box(['cat']), { input: data });
  assert.is(r.status, 0, r.stderr);
  assert.ok(r.stdout.equals(data), `got ${r.stdout.length} bytes`);
});

test('sync: the caller sees the child\'s pid and writes its uid map before it goes on', async () => {
  const program: Op[] = [
    { op: 'spawn', namespaces: ['user', 'mnt', 'pid'] },
    { op: 'sync' },
    { op: 'exec', env: [], argv: ['/bin/cat', '/proc/self/uid_map', '/proc/self/gid_map'] },
  ];
  const r = await runHelper(program, {
    syncFds: true,
    started: (child) => {
      child.stdin!.end();
      const [fd4, fd5] = [4, 5].map((fd) => (child.stdio as unknown as (Readable & Writable)[])[fd]!);
      fd4.once('data', (d: Buffer) => {
        const pid = Number(d.toString().trim());
        writeFileSync(`/proc/${pid}/uid_map`, '0 100000 65536\n');
        writeFileSync(`/proc/${pid}/gid_map`, '0 100000 65536\n');
        fd5.end('g');
      });
    },
  });
  assert.is(r.status, 0, r.stderr);
  assert.equal(text(r).split('\n').map((l) => l.trim().split(/\s+/).join(' ')), ['0 100000 65536', '0 100000 65536', '']);
});

test('map-self: the process maps one id itself', async () => {
  const program: Op[] = [
    { op: 'spawn', namespaces: ['user', 'mnt'] },
    { op: 'map-self', insideUid: 0, insideGid: 0 },
    { op: 'ids', uid: 0, gid: 0, groups: [] },
    { op: 'exec', env: [], argv: ['/bin/cat', '/proc/self/uid_map', '/proc/self/setgroups'] },
  ];
  const out = ok(await runHelper(program));
  assert.equal(out.split('\n').map((l) => l.trim().split(/\s+/).join(' ')), ['0 0 1', 'deny', '']);
});

test('own: lchown, then the mode again (chown cleared setgid); a symlink is not followed', async () => {
  const dir = join(scratch, 'own');
  mkdirSync(dir);
  writeFileSync(join(dir, 'prog'), 'x', { mode: 0o755 });
  symlinkSync('/etc/passwd', join(dir, 'link'));
  const before = statSync('/etc/passwd');
  const program: Op[] = [
    { op: 'own', path: join(dir, 'prog'), uid: 1234, gid: 42, mode: 0o2755 },
    { op: 'own', path: join(dir, 'link'), uid: 7, gid: 7, mode: 0o644 },
    { op: 'exec', env: [], argv: ['/bin/true'] },
  ];
  ok(await runHelper(program));
  const prog = statSync(join(dir, 'prog'));
  assert.equal([prog.uid, prog.gid, prog.mode & 0o7777], [1234, 42, 0o2755]);
  const link = lstatSync(join(dir, 'link'));
  assert.equal([link.uid, link.gid], [7, 7]);
  const after = statSync('/etc/passwd');
  assert.equal([after.uid, after.gid, after.mode], [before.uid, before.gid, before.mode]);
});

test('rlimit and cgroup: limits apply and the sandbox joins its cgroup', async () => {
  const cgroup = `/sys/fs/cgroup/pids/strata-helper-test-${randomBytes(4).toString('hex')}`;
  execFileSync('mkdir', [cgroup]);
  try {
    const extra: Op[] = [
      { op: 'rlimit', resource: 'nofile', soft: 123, hard: 456 },
    ];
    const program = sh('ulimit -n; ulimit -Hn; cat /proc/self/cgroup', { extra });
    program.splice(1, 0, { op: 'cgroup', procsFiles: [`${cgroup}/cgroup.procs`] });
    const out = ok(await runHelper(program));
    assert.match(out, /^123\n456\n/);
    assert.match(out, new RegExp(`pids:${cgroup.replace('/sys/fs/cgroup/pids', '')}\\n`));
  } finally {
    await until(() => readFileSync(`${cgroup}/cgroup.procs`, 'utf8') === '');
    execFileSync('rmdir', [cgroup]);
  }
});

test('remount-root-ro makes / read-only; chdir sets the working directory', async () => {
  const script = 'pwd; touch /new-file 2>&1 || true';
  assert.is(ok(await runHelper(sh(script))), '/\n');
  const extra: Op[] = [{ op: 'remount-root-ro' }, { op: 'chdir', path: '/etc' }];
  assert.is(ok(await runHelper(sh(script, { extra }))), "/etc\ntouch: /new-file: Read-only file system\n");
});

test('an image of 300 layers with long paths mounts (more than one page of overlay options)', async () => {
  const lowerDirs = [rootfs];
  for (let i = 0; i < 300; i++) {
    const layer = join(scratch, 'layers', `${'a'.repeat(64)}${i}`, 'rootfs');
    mkdirSync(layer, { recursive: true });
    writeFileSync(join(layer, `file-${i}`), `layer ${i}\n`);
    lowerDirs.unshift(layer);
  }
  const program = sh('ls / | grep -c ^file-; cat /file-0 /file-299');
  const overlay = program.find((o) => o.op === 'mount-overlay') as { lowerDirs: readonly string[] };
  overlay.lowerDirs = lowerDirs;
  assert.ok(lowerDirs.join(':').length > 4096);
  assert.is(ok(await runHelper(program)), '300\nlayer 0\nlayer 299\n');
});

test('mount-overlay: its options reach the kernel; a wrong one fails the step by name', async () => {
  const rootLine = (r: HelperRun) => ok(r).split('\n').find((l) => / \/ overlay /.test(l)) ?? '';
  const program = sh('cat /proc/mounts');
  assert.match(rootLine(await runHelper(program)), /,redirect_dir=nofollow[, ]/);
  // The control: without the option the kernel's default shows (nothing said about redirects).
  const overlay = program.find((o) => o.op === 'mount-overlay') as { options: readonly string[] };
  overlay.options = [];
  assert.not.match(rootLine(await runHelper(program)), /redirect_dir=/);
  overlay.options = ['redirect_dir=sideways'];
  const r = await runHelper(program);
  assert.is(r.status, 125);
  assert.match(r.stderr, /^strata-helper: mount-overlay: redirect_dir: .*Invalid argument\n$/);
  overlay.options = ['upperdir=/tmp'];
  assert.match((await runHelper(program)).stderr, /^strata-helper: program: mount-overlay: option "upperdir" is given by the operation's own arguments\n$/);
});

test('a missing lower directory fails the overlay step by name', async () => {
  const program = sh('true');
  const overlay = program.find((o) => o.op === 'mount-overlay') as { lowerDirs: readonly string[] };
  overlay.lowerDirs = [join(scratch, 'no-such-layer'), rootfs];
  const r = await runHelper(program);
  assert.is(r.status, 125);
  assert.match(r.stderr, /^strata-helper: mount-overlay: \S+no-such-layer: No such file or directory\n$/);
});

test('a mount target that is a symlink in the image resolves inside the new root', async () => {
  // The image (or an earlier run's writable layer) has /link -> an absolute host path. Resolved
  // by the kernel before the pivot, the bind would land on the host's file (and vanish with the
  // old root); resolved inside the new root, it lands where the sandbox will find it.
  const program = sh('cat /link');
  const merged = (program.find((o) => o.op === 'pivot') as { newRoot: string }).newRoot;
  const upper = (program.find((o) => o.op === 'mount-overlay') as { upperDir: string }).upperDir;
  const hostPath = join(scratch, `host-${randomBytes(4).toString('hex')}`);
  writeFileSync(hostPath, 'host\n');
  symlinkSync(hostPath, join(upper, 'link'));
  mkdirSync(join(upper, dirname(hostPath)), { recursive: true });
  writeFileSync(join(upper, hostPath), 'image\n');
  const source = join(scratch, 'bind-source');
  writeFileSync(source, 'bound\n');
  program.splice(program.findIndex((o) => o.op === 'pivot'), 0, { op: 'bind', source, target: `${merged}/link`, flags: ['ro'] });
  assert.is(ok(await runHelper(program)), 'bound\n');
});

test('xattr-dirs: the directories whose xattr is the value, names as bytes, no link followed', async () => {
  const tree = join(scratch, `xattr-${randomBytes(4).toString('hex')}`);
  const outside = `${tree}-outside`;
  for (const d of ['a/b', 'c/d', 'e']) mkdirSync(join(tree, d), { recursive: true });
  mkdirSync(Buffer.concat([Buffer.from(`${tree}/`), Buffer.from([0xff])]));
  mkdirSync(outside);
  writeFileSync(join(tree, 'f'), '');
  symlinkSync(outside, join(tree, 'link'));
  const set = (path: string, value: string) => execFileSync('setfattr', ['-h', '-n', 'trusted.overlay.opaque', '-v', value, path]);
  for (const d of ['', 'a', 'c/d', 'f']) set(join(tree, d), 'y');
  set(join(tree, 'a/b'), 'yes');
  set(join(tree, 'e'), '');
  set(outside, 'y');
  execFileSync('sh', ['-c', 'setfattr -n trusted.overlay.opaque -v y "$(printf "%s/\\377" "$1")"', 'sh', tree]);
  const query: Op = { op: 'xattr-dirs', root: tree, name: 'trusted.overlay.opaque', value: 'y' };
  const listed = ok(await runHelper([query])).split('\0');
  assert.is(listed.pop(), '', 'each path NUL-terminated');
  assert.equal(listed.sort(), ['/', '/a', '/c/d', '/\xff']);
  // Another attribute, another value: what is asked for, nothing else.
  assert.equal(ok(await runHelper([{ ...query, name: 'user.overlay.opaque' }])), '');
  assert.equal(ok(await runHelper([{ ...query, value: '' }])), '/e\0');
  // The root itself must be a directory, not a link to one (O_NOFOLLOW with O_DIRECTORY: ENOTDIR).
  const r = await runHelper([{ ...query, root: join(tree, 'link') }]);
  assert.is(r.status, 125);
  assert.match(r.stderr, /^strata-helper: xattr-dirs: open \S+\/link: Not a directory\n$/);
});

test('set-xattr: sets the attribute on the descriptor handed over; refused beside other steps or on fd 3', async () => {
  const dir = join(scratch, `setx-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir);
  const program = encodeProgram([{ op: 'set-xattr', fd: 4, name: 'trusted.overlay.opaque', value: 'y' }]);
  const programFile = join(scratch, 'setx-program');
  writeFileSync(programFile, program);
  const [p, d] = [openSync(programFile, 'r'), openSync(dir, 'r')];
  try {
    const r = spawnSync(HELPER, [], { stdio: ['ignore', 'pipe', 'pipe', p, d] });
    assert.is(r.status, 0, r.stderr.toString());
  } finally {
    closeSync(p);
    closeSync(d);
  }
  assert.is(execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', dir], { encoding: 'utf8' }), 'y');
  for (const bad of [
    [{ op: 'set-xattr', fd: 3, name: 'user.x', value: 'y' }],
    [{ op: 'set-xattr', fd: 4, name: 'user.x', value: 'y' }, { op: 'exec', env: [], argv: ['/bin/true'] }],
  ] as Op[][]) {
    const r = await runHelper(bad);
    assert.is(r.status, 125);
    assert.match(r.stderr, /^strata-helper: program: set-xattr/);
  }
});

test('syncfs: syncs the filesystem of the descriptor handed over; refused beside other steps, on fd 3, or with none', async () => {
  const programFile = join(scratch, 'syncfs-program');
  writeFileSync(programFile, encodeProgram([{ op: 'syncfs', fd: 4 }]));
  // The helper reads its program to the end: each run gets a descriptor of its own.
  const run = (...fds: number[]) => {
    const p = openSync(programFile, 'r');
    try {
      return spawnSync(HELPER, [], { stdio: ['ignore', 'pipe', 'pipe', p, ...fds] });
    } finally {
      closeSync(p);
    }
  };
  const d = openSync(scratch, 'r');
  try {
    const r = run(d);
    assert.is(r.status, 0, r.stderr.toString());
    assert.is(r.stdout.length, 0);
  } finally {
    closeSync(d);
  }
  // No descriptor 4: the call itself fails, and says so.
  const r = run();
  assert.is(r.status, 125);
  assert.match(r.stderr.toString(), /^strata-helper: syncfs: on descriptor 4: Bad file descriptor\n$/);
  for (const bad of [
    [{ op: 'syncfs', fd: 3 }],
    [{ op: 'syncfs', fd: 4 }, { op: 'exec', env: [], argv: ['/bin/true'] }],
  ] as Op[][]) {
    const r = await runHelper(bad);
    assert.is(r.status, 125);
    assert.match(r.stderr, /^strata-helper: program: syncfs/);
  }
});

test.after(cleanup);
test.run();
