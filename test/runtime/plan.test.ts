// The run plan is a pure function: these tests pin its exact operations for representative runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BytePath } from '../../src/base/byte-path.js';
import type { Op } from '../../src/runtime/helper/ops.js';
import { encodeProgram } from '../../src/runtime/helper/ops.js';
import { DEFAULT_CAPABILITIES, MASKED_PATHS, READONLY_PATHS, SECCOMP_DENY } from '../../src/runtime/sandbox/hardening.js';
import { planOps, processOps, type RunPlan } from '../../src/runtime/sandbox/plan.js';

const R = '/s/containers/c1';
const base: RunPlan = {
  rootfs: { kind: 'overlay', lowerDirs: [`${R}/init`, '/s/layers/aa/rootfs'], upperDir: `${R}/upper`, workDir: `${R}/work` },
  newRoot: `${R}/merged`,
  net: 'none',
  hostname: 'c1',
  readOnly: false,
  tty: false,
  etcFiles: [{ source: `${R}/hosts`, target: '/etc/hosts' as BytePath, readOnly: false }],
  volumes: [],
  cgroupProcs: ['/sys/fs/cgroup/pids/strata/x/cgroup.procs'],
  rlimits: [],
  process: { argv: ['sh', '-c', 'true'], env: ['PATH=/bin'], cwd: '/', createCwd: false, uid: 0, gid: 0, groups: [] },
};

const M = `${R}/merged`;
const devOps = (): Op[] => [
  { op: 'mount', fstype: 'tmpfs', target: `${M}/dev`, flags: ['nosuid', 'nodev'], data: 'mode=755,size=65536k' },
  ...['null', 'zero', 'full', 'random', 'urandom', 'tty'].flatMap((n): Op[] => [
    { op: 'mknod', path: `${M}/dev/${n}`, type: 'p', mode: 0o666, major: 0, minor: 0 },
    { op: 'bind', source: `/dev/${n}`, target: `${M}/dev/${n}`, flags: ['nosuid', 'noexec'] },
  ]),
  { op: 'mkdir', path: `${M}/dev/pts`, mode: 0o755 },
  { op: 'mount', fstype: 'devpts', target: `${M}/dev/pts`, flags: ['nosuid', 'noexec'], data: 'newinstance,ptmxmode=0666,mode=0620,gid=5' },
  { op: 'symlink', target: 'pts/ptmx', path: `${M}/dev/ptmx` },
  { op: 'mkdir', path: `${M}/dev/shm`, mode: 0o1777 },
  { op: 'mount', fstype: 'tmpfs', target: `${M}/dev/shm`, flags: ['nosuid', 'nodev', 'noexec'], data: 'mode=1777,size=65536k' },
  { op: 'mkdir', path: `${M}/dev/mqueue`, mode: 0o755 },
  { op: 'mount', fstype: 'mqueue', target: `${M}/dev/mqueue`, flags: ['nosuid', 'nodev', 'noexec'], data: '' },
  { op: 'symlink', target: '/proc/self/fd', path: `${M}/dev/fd` },
  { op: 'symlink', target: '/proc/self/fd/0', path: `${M}/dev/stdin` },
  { op: 'symlink', target: '/proc/self/fd/1', path: `${M}/dev/stdout` },
  { op: 'symlink', target: '/proc/self/fd/2', path: `${M}/dev/stderr` },
];

test('planOps: a default root run, every operation in order', () => {
  assert.equal(planOps(base), [
    { op: 'spawn', namespaces: ['mnt', 'pid', 'uts', 'ipc', 'net'] },
    { op: 'cgroup', procsFiles: ['/sys/fs/cgroup/pids/strata/x/cgroup.procs'] },
    { op: 'private-mounts' },
    { op: 'mount-overlay', lowerDirs: [`${R}/init`, '/s/layers/aa/rootfs'], upperDir: `${R}/upper`, workDir: `${R}/work`, target: M,
      options: ['redirect_dir=nofollow', 'metacopy=off', 'index=off'] },
    { op: 'bind', source: M, target: M, flags: ['nodev'] },
    { op: 'mount', fstype: 'proc', target: `${M}/proc`, flags: ['nosuid', 'nodev', 'noexec'], data: '' },
    ...devOps(),
    { op: 'mount', fstype: 'sysfs', target: `${M}/sys`, flags: ['ro', 'nosuid', 'nodev', 'noexec'], data: '' },
    { op: 'bind', source: `${R}/hosts`, target: `${M}/etc/hosts`, flags: ['nosuid', 'nodev', 'noexec'] },
    { op: 'pivot', newRoot: M },
    ...MASKED_PATHS.map((path): Op => ({ op: 'mask', path })),
    ...READONLY_PATHS.map((path): Op => ({ op: 'readonly', path })),
    { op: 'hostname', name: 'c1' },
    { op: 'loopback-up' },
    { op: 'chdir', path: '/' },
    { op: 'caps', keep: DEFAULT_CAPABILITIES },
    { op: 'ids', uid: 0, gid: 0, groups: [] },
    { op: 'no-new-privs' },
    { op: 'seccomp', deny: SECCOMP_DENY, denyNamespaceClone: true },
    { op: 'exec', env: ['PATH=/bin'], argv: ['sh', '-c', 'true'] },
  ]);
});

test('planOps: --net host keeps the host network (no net namespace, no loopback step)', () => {
  const ops = planOps({ ...base, net: 'host' });
  assert.equal(ops[0], { op: 'spawn', namespaces: ['mnt', 'pid', 'uts', 'ipc'] });
  assert.not.ok(ops.some((o) => o.op === 'loopback-up'));
});

test('planOps: the copy driver binds its rootfs; -v, --read-only, -t, -w made, -u, --timeout', () => {
  const ops = planOps({
    ...base,
    rootfs: { kind: 'bind', dir: `${R}/rootfs` },
    newRoot: `${R}/rootfs`,
    readOnly: true,
    tty: true,
    timeoutSeconds: 5,
    volumes: [{ source: '/home/u/data', target: '/data' as BytePath, readOnly: true }, { source: '/srv', target: '/srv' as BytePath, readOnly: false }],
    process: { ...base.process, cwd: '/work', createCwd: true, uid: 1000, gid: 100, groups: [4, 27] },
  });
  const F = `${R}/rootfs`;
  assert.equal(ops[0], { op: 'timeout', seconds: 5 });
  assert.equal(ops.find((o) => o.op === 'bind'), { op: 'bind', source: F, target: F, flags: ['nodev'] });
  assert.ok(!ops.some((o) => o.op === 'mount-overlay'));
  const binds = ops.filter((o) => o.op === 'bind' && (o.source === '/home/u/data' || o.source === '/srv' || o.source.endsWith('/hosts')));
  assert.equal(binds, [
    { op: 'bind', source: `${R}/hosts`, target: `${F}/etc/hosts`, flags: ['nosuid', 'nodev', 'noexec'] },
    { op: 'bind', source: '/home/u/data', target: `${F}/data`, flags: ['ro', 'nodev'] },
    { op: 'bind', source: '/srv', target: `${F}/srv`, flags: ['nodev'] },
  ]);
  const tail = ops.slice(ops.findIndex((o) => o.op === 'pivot') + MASKED_PATHS.length + READONLY_PATHS.length + 1);
  assert.equal(tail, [
    { op: 'remount-root-ro' },
    { op: 'hostname', name: 'c1' },
    { op: 'loopback-up' },
    { op: 'mkdir', path: '/work', mode: 0o755 },
    { op: 'chdir', path: '/work' },
    { op: 'pty' },
    { op: 'caps', keep: DEFAULT_CAPABILITIES },
    { op: 'ids', uid: 1000, gid: 100, groups: [4, 27] },
    { op: 'no-new-privs' },
    { op: 'seccomp', deny: SECCOMP_DENY, denyNamespaceClone: true },
    { op: 'exec', env: ['PATH=/bin'], argv: ['sh', '-c', 'true'] },
  ]);
});

test('planOps: rootless maps itself in a user namespace; devpts without gid=5; /sys bound with the host network', () => {
  const ops = planOps({ ...base, mapSelf: { uid: 0, gid: 0 }, net: 'host', cgroupProcs: [], rlimits: [{ resource: 'nproc', soft: 4096, hard: 4096 }] });
  assert.equal(ops.slice(0, 4), [
    { op: 'spawn', namespaces: ['user', 'mnt', 'pid', 'uts', 'ipc'] },
    { op: 'map-self', insideUid: 0, insideGid: 0 },
    { op: 'rlimit', resource: 'nproc', soft: 4096, hard: 4096 },
    { op: 'private-mounts' },
  ]);
  assert.ok(ops.some((o) => o.op === 'mount' && o.fstype === 'devpts' && o.data === 'newinstance,ptmxmode=0666,mode=0620'));
  assert.ok(ops.some((o) => o.op === 'bind' && o.source === '/sys' && o.target === `${M}/sys`));
});

test('planOps: rootless with subordinate ids: the helper waits at sync for the caller\'s maps', () => {
  const ops = planOps({ ...base, callerMaps: true, cgroupProcs: [], rlimits: [] });
  assert.equal(ops.slice(0, 3), [
    { op: 'spawn', namespaces: ['user', 'mnt', 'pid', 'uts', 'ipc', 'net'] },
    { op: 'sync' },
    { op: 'private-mounts' },
  ]);
  assert.not.ok(ops.some((o) => o.op === 'map-self'));
  assert.ok(ops.some((o) => o.op === 'mount' && o.fstype === 'devpts' && o.data === 'newinstance,ptmxmode=0666,mode=0620'));
});

test('processOps: the process part, the same for run and exec: cwd, pty, privileges dropped, exec', () => {
  const process = { argv: ['ls', 'é'], env: ['A=ü'], cwd: '/wörk', createCwd: true, uid: 1000, gid: 100, groups: [10] };
  const ops = processOps(process, true);
  const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  assert.equal(ops, [
    { op: 'mkdir', path: bytes('/wörk'), mode: 0o755 },
    { op: 'chdir', path: bytes('/wörk') },
    { op: 'pty' },
    { op: 'caps', keep: DEFAULT_CAPABILITIES },
    { op: 'ids', uid: 1000, gid: 100, groups: [10] },
    { op: 'no-new-privs' },
    { op: 'seccomp', deny: SECCOMP_DENY, denyNamespaceClone: true },
    { op: 'exec', env: [bytes('A=ü')], argv: ['ls', bytes('é')] },
  ]);
  // run's plan ends with exactly these.
  const run = planOps({ ...base, tty: true, process });
  assert.equal(run.slice(-ops.length), ops);
  assert.equal(processOps({ ...process, createCwd: false }, false).map((o) => o.op), ['chdir', 'caps', 'ids', 'no-new-privs', 'seccomp', 'exec']);
});

test('planOps: host paths and user text become byte strings for the wire (UTF-8 bytes)', () => {
  const ops = planOps({ ...base, newRoot: '/s/é', hostname: 'hé', process: { ...base.process, argv: ['echo', 'ü'] } });
  const program = encodeProgram(ops);
  assert.ok(program.includes(Buffer.from('/s/é/proc\0', 'utf8')));
  assert.ok(program.includes(Buffer.from('hé\0', 'utf8')));
  assert.ok(program.includes(Buffer.from('ü\0', 'utf8')));
});

test.run();
