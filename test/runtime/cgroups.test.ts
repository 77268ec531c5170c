// cgroups: v2 against a directory shaped like cgroupfs (v2 cannot run here), v1 for real (root).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostCgroupFs, type CgroupFs } from '../../src/runtime/cgroups/cgroup-fs.js';
import { cgroupName, detectCgroups, sweepStaleCgroups } from '../../src/runtime/cgroups/detect.js';
import { ownIdentity } from '../../src/store/process-identity.js';

/** A plain directory standing in for cgroupfs: rmdir takes the "interface files" with it. */
function fakeV2(): { root: string; fs: CgroupFs; killed: number[] } {
  const root = mkdtempSync(join(tmpdir(), 'strata-cg2-'));
  writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  writeFileSync(join(root, 'cgroup.subtree_control'), '');
  const killed: number[] = [];
  const fs: CgroupFs = {
    ...hostCgroupFs,
    rmdir: (path) => rmSync(path, { recursive: true, force: true }),
    // As the kernel would: writing a pid into cgroup.procs moves it, killing empties the file.
    kill: (pid) => {
      killed.push(pid);
    },
  };
  return { root, fs, killed };
}

test('v2 is chosen when the root has controllers; limits are written as v2 files', () => {
  const { root, fs } = fakeV2();
  const cg = detectCgroups({ root, fs, self: '0::/\n' })!;
  assert.is(cg.version, 2);
  const c = cg.create('1.2.abc', { memory: 64 * 1024 * 1024, pids: 100, cpus: 0.5 });
  const dir = join(root, 'strata', '1.2.abc');
  assert.equal(c.dirs, [dir]);
  assert.equal(c.procsFiles, [join(dir, 'cgroup.procs')]);
  assert.is(readFileSync(join(root, 'cgroup.subtree_control'), 'utf8'), '+memory +pids +cpu');
  assert.is(readFileSync(join(root, 'strata', 'cgroup.subtree_control'), 'utf8'), '+memory +pids +cpu');
  assert.is(readFileSync(join(dir, 'memory.max'), 'utf8'), '67108864');
  assert.is(readFileSync(join(dir, 'pids.max'), 'utf8'), '100');
  assert.is(readFileSync(join(dir, 'cpu.max'), 'utf8'), '50000 100000');
  assert.is(cg.oomKilled(c), false);
  writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n');
  assert.is(cg.oomKilled(c), true);
});

test('v2: without --memory no memory.max; swap is turned off when it can be', () => {
  const { root, fs } = fakeV2();
  const cg = detectCgroups({ root, fs })!;
  mkdirSync(join(root, 'strata', 'a.b.c'), { recursive: true });
  writeFileSync(join(root, 'strata', 'a.b.c', 'memory.swap.max'), 'max\n');
  cg.create('a.b.c', { memory: 8 * 1024 * 1024, pids: 4096 });
  assert.is(readFileSync(join(root, 'strata', 'a.b.c', 'memory.swap.max'), 'utf8'), '0');
  const d = cg.create('a.b.d', { pids: 4096 });
  assert.not.ok(existsSync(join(d.dirs[0]!, 'memory.max')));
  assert.not.ok(existsSync(join(d.dirs[0]!, 'cpu.max')));
});

test('v2 destroy: cgroup.kill, then every listed pid is killed until the cgroup is empty', () => {
  const { root, fs, killed } = fakeV2();
  const cg = detectCgroups({ root, fs })!;
  const c = cg.create('x.y.z', { pids: 10 });
  writeFileSync(join(c.dirs[0]!, 'cgroup.kill'), '0');
  let reads = 0;
  const fsWithProcs: CgroupFs = { ...fs, read: (p) => (p.endsWith('cgroup.procs') ? (reads++ === 0 ? '41\n42\n' : '') : fs.read(p)) };
  const cg2 = detectCgroups({ root, fs: fsWithProcs })!;
  cg2.destroy(c);
  assert.equal(killed, [41, 42]);
  assert.not.ok(existsSync(c.dirs[0]!));
});

test('v2 freeze: cgroup.freeze set, then "frozen 1" awaited; thaw clears it; a cgroup that never freezes is thawed and refused', () => {
  const { root, fs } = fakeV2();
  const cg = detectCgroups({ root, fs })!;
  const c = cg.create('f.r.z', { pids: 10 });
  const dir = c.dirs[0]!;
  assert.is(cg.freeze(c), false, 'no cgroup.freeze: nothing to freeze with');
  writeFileSync(join(dir, 'cgroup.freeze'), '0');
  writeFileSync(join(dir, 'cgroup.events'), 'populated 1\nfrozen 1\n');
  assert.is(cg.freeze(c), true);
  assert.is(readFileSync(join(dir, 'cgroup.freeze'), 'utf8'), '1');
  cg.thaw(c);
  assert.is(readFileSync(join(dir, 'cgroup.freeze'), 'utf8'), '0');
  writeFileSync(join(dir, 'cgroup.events'), 'populated 1\nfrozen 0\n');
  assert.throws(() => cg.freeze(c, 20), /cannot freeze the cgroup .*f\.r\.z: not frozen after 20 ms/);
  assert.is(readFileSync(join(dir, 'cgroup.freeze'), 'utf8'), '0');
});

test('no cgroups: neither v2 controllers nor v1 hierarchies', () => {
  const root = mkdtempSync(join(tmpdir(), 'strata-cg0-'));
  assert.is(detectCgroups({ root }), undefined);
});

test('v1 layout: below the caller\'s own cgroup, per controller, the freezer too', () => {
  const root = mkdtempSync(join(tmpdir(), 'strata-cg1-'));
  for (const c of ['memory', 'pids', 'cpu', 'freezer']) mkdirSync(join(root, c));
  mkdirSync(join(root, 'memory', 'job', 'strata', '1.2.abc'), { recursive: true });
  writeFileSync(join(root, 'memory', 'job', 'strata', '1.2.abc', 'memory.memsw.limit_in_bytes'), '');
  const fs: CgroupFs = { ...hostCgroupFs, rmdir: (p) => rmSync(p, { recursive: true, force: true }) };
  const cg = detectCgroups({ root, fs, self: '8:pids:/\n4:memory:/job\n1:cpu,cpuacct:/\n' })!;
  assert.is(cg.version, 1);
  const c = cg.create('1.2.abc', { memory: 1 << 30, pids: 64, cpus: 1.5 });
  assert.equal(c.dirs, [join(root, 'memory/job/strata/1.2.abc'), join(root, 'pids/strata/1.2.abc'), join(root, 'cpu/strata/1.2.abc'), join(root, 'freezer/strata/1.2.abc')]);
  assert.is(readFileSync(join(root, 'memory/job/strata/1.2.abc/memory.limit_in_bytes'), 'utf8'), String(1 << 30));
  assert.is(readFileSync(join(root, 'memory/job/strata/1.2.abc/memory.memsw.limit_in_bytes'), 'utf8'), String(1 << 30));
  assert.is(readFileSync(join(root, 'pids/strata/1.2.abc/pids.max'), 'utf8'), '64');
  assert.is(readFileSync(join(root, 'cpu/strata/1.2.abc/cpu.cfs_quota_us'), 'utf8'), '150000');
  writeFileSync(join(root, 'memory/job/strata/1.2.abc/memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
  assert.ok(cg.oomKilled(c));
});

test('v1: cpuacct (CPU time) is joined where it is a hierarchy of its own, once where it shares cpu\'s', () => {
  for (const [self, mounts, expected] of [
    ['2:cpuacct:/\n1:cpu:/\n', ['memory', 'pids', 'cpu', 'cpuacct'], ['memory', 'pids', 'cpu', 'cpuacct']],
    ['1:cpu,cpuacct:/\n', ['memory', 'pids', 'cpu', 'cpuacct'], ['memory', 'pids', 'cpu']],
  ] as const) {
    const root = mkdtempSync(join(tmpdir(), 'strata-cgacct-'));
    for (const c of mounts) mkdirSync(join(root, c));
    const cg = detectCgroups({ root, self, fs: { ...hostCgroupFs, rmdir: (p) => rmSync(p, { recursive: true, force: true }) } })!;
    const c = cg.create('1.2.acct', { pids: 10 });
    assert.equal(c.dirs, expected.map((m) => join(root, m, 'strata/1.2.acct')), self);
    rmSync(root, { recursive: true });
  }
});

const asRoot = process.getuid?.() === 0 && existsSync('/sys/fs/cgroup/pids/cgroup.procs');

test('v1 for real: a process in the cgroup is limited, then killed and the cgroup removed', async () => {
  if (!asRoot) return;
  const cg = detectCgroups()!;
  assert.is(cg.version, 1);
  const name = cgroupName(ownIdentity(), 'test' + process.pid);
  const c = cg.create(name, { memory: 32 * 1024 * 1024, pids: 5 });
  // Join every controller, then try to start 8 sleepers: the pids limit (5, the shell included)
  // stops the fifth. The sleepers are still running when destroy() kills them.
  const script = c.procsFiles.map((f) => `echo 0 > ${f}`).join('; ');
  const r = spawnSync('sh', ['-c', `${script}; for i in 1 2 3 4 5 6 7 8; do sleep 30 >/dev/null 2>&1 & done; echo started`]);
  assert.match(r.stderr.toString(), /Cannot fork/);
  assert.is((readFileSync(c.procsFiles[1]!, 'utf8').match(/\n/g) ?? []).length, 4);
  cg.destroy(c);
  for (const dir of c.dirs) assert.not.ok(existsSync(dir), dir);
});

test('v1 for real: freeze stops the processes, thaw lets them go on; a frozen cgroup is destroyed all the same', async () => {
  if (!asRoot) return;
  const cg = detectCgroups()!;
  const c = cg.create(cgroupName(ownIdentity(), 'freeze' + process.pid), { pids: 10 });
  const freezer = c.dirs.find((d) => d.startsWith('/sys/fs/cgroup/freezer/'));
  assert.ok(freezer, 'a freezer cgroup is made');
  const state = () => readFileSync(join(freezer!, 'freezer.state'), 'utf8').trim();
  // A counter that ticks every 10 ms: frozen, it stops.
  const tick = join(mkdtempSync(join(tmpdir(), 'strata-freeze-')), 'tick');
  writeFileSync(tick, '0');
  const enter = c.procsFiles.map((f) => `echo 0 > ${f}`).join('; ');
  spawn('sh', ['-c', `${enter}; i=0; while :; do i=$((i+1)); echo $i > ${tick}; sleep 0.01; done`], { stdio: 'ignore' });
  const ticks = () => Number(readFileSync(tick, 'utf8'));
  await until(() => ticks() > 3);
  assert.is(cg.freeze(c), true);
  assert.is(state(), 'FROZEN');
  const at = ticks();
  await new Promise((r) => setTimeout(r, 200));
  assert.is(ticks(), at, 'no tick while frozen');
  cg.thaw(c);
  assert.is(state(), 'THAWED');
  await until(() => ticks() > at);
  // A frozen task takes no SIGKILL until it is thawed: destroy thaws first.
  assert.is(cg.freeze(c), true);
  cg.destroy(c);
  for (const dir of c.dirs) assert.not.ok(existsSync(dir), dir);
});

async function until(probe: () => boolean): Promise<void> {
  for (const end = Date.now() + 10_000; !probe();) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('sweepStaleCgroups removes the cgroups of dead strata processes only', () => {
  if (!asRoot) return;
  const cg = detectCgroups()!;
  const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
  const staleName = cgroupName(`${dead}.1`, 'stale');
  const liveName = cgroupName(ownIdentity(), 'live');
  const stale = cg.create(staleName, { pids: 10 });
  const live = cg.create(liveName, { pids: 10 });
  sweepStaleCgroups(cg);
  for (const dir of stale.dirs) assert.not.ok(existsSync(dir));
  for (const dir of live.dirs) assert.ok(existsSync(dir));
  cg.destroy(live);
});

test.run();
