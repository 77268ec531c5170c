// A container's figures from its cgroup: v2 against a directory shaped like cgroupfs (v2 cannot
// run here), v1's files likewise, then v1 for real on a running container (root), with its
// processes (`top`) read the same way.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostCgroupFs } from '../../src/runtime/cgroups/cgroup-fs.js';
import { readCgroupUsage } from '../../src/runtime/cgroups/usage.js';
import { containerProcesses } from '../../src/runtime/containers/processes.js';
import { effectiveRecord, findContainer, type ContainerRecord } from '../../src/runtime/containers/records.js';
import { StatsSampler } from '../../src/runtime/containers/stats.js';
import { openStore } from '../../src/store/store.js';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-cgstats-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const RUNNING = { id: 'c'.repeat(32), name: 'x', state: 'running', cgroup: '1.2.ccc', owner: '1.2', pid: 7 } as unknown as ContainerRecord;

test('v2: CPU from cpu.stat, memory without inactive_file, "max" is no limit, pids and their limit', () => {
  const root = tree({
    'strata/n/cpu.stat': 'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n',
    'strata/n/memory.current': '10485760\n',
    'strata/n/memory.stat': 'anon 6291456\nfile 4194304\nactive_file 1048576\ninactive_file 3145728\n',
    'strata/n/memory.max': 'max\n',
    'strata/n/pids.current': '3\n',
    'strata/n/pids.max': '4096\n',
  });
  assert.equal(readCgroupUsage(hostCgroupFs, [{ controllers: [], dir: join(root, 'strata/n') }]), {
    cpuNs: 2_500_000_000, memoryBytes: 10485760 - 3145728, memoryLimit: undefined, pids: 3, pidsLimit: 4096,
  });
  writeFileSync(join(root, 'strata/n/memory.max'), '67108864\n');
  assert.is(readCgroupUsage(hostCgroupFs, [{ controllers: [], dir: join(root, 'strata/n') }]).memoryLimit, 67108864);
  rmSync(root, { recursive: true });
});

test('v2 sampler: the CPU share is the CPU time between two samples over the time between them; a removed cgroup has no figures', () => {
  const root = tree({ 'strata/n/cpu.stat': 'usage_usec 1000000\n', 'strata/n/memory.current': '4096\n', 'strata/n/pids.current': '1\n', 'strata/n/pids.max': 'max\n' });
  let now = 1000;
  let located = 0;
  const sampler = new StatsSampler({ clock: () => now, locate: () => (located++, [{ controllers: [], dir: join(root, 'strata/n') }]) });
  const first = sampler.sample([RUNNING]).get(RUNNING.id)!;
  assert.equal(first, { cpuPercent: undefined, memoryBytes: 4096, memoryLimit: undefined, pids: 1, pidsLimit: undefined });
  // 150 ms of CPU in 200 ms: 75 % of one core.
  writeFileSync(join(root, 'strata/n/cpu.stat'), 'usage_usec 1150000\n');
  now += 200;
  assert.is(sampler.sample([RUNNING]).get(RUNNING.id)!.cpuPercent, 75);
  // Two cores busy: 200 %.
  writeFileSync(join(root, 'strata/n/cpu.stat'), 'usage_usec 1550000\n');
  now += 200;
  assert.is(sampler.sample([RUNNING]).get(RUNNING.id)!.cpuPercent, 200);
  assert.is(located, 1, 'the cgroup is found once per run of the container');
  // A stopped container has none; a restarted one (another helper pid) is located again.
  assert.is(sampler.sample([{ ...RUNNING, state: 'exited' }]).get(RUNNING.id), undefined);
  sampler.sample([{ ...RUNNING, pid: 8 }]);
  assert.is(located, 2);
  rmSync(join(root, 'strata/n'), { recursive: true });
  assert.is(sampler.sample([{ ...RUNNING, pid: 8 }]).get(RUNNING.id), undefined);
  rmSync(root, { recursive: true });
});

test('v1: each figure from its own hierarchy (cpuacct.usage, memory, pids); the "unlimited" limit is no limit', () => {
  const root = tree({
    'cpuacct/strata/n/cpuacct.usage': '123456789\n',
    'memory/job/strata/n/memory.usage_in_bytes': '8388608\n',
    'memory/job/strata/n/memory.stat': 'cache 2097152\ninactive_file 1048576\ntotal_inactive_file 2097152\n',
    'memory/job/strata/n/memory.limit_in_bytes': '9223372036854771712\n',
    'pids/strata/n/pids.current': '2\n',
    'pids/strata/n/pids.max': '100\n',
  });
  const dirs = [
    { controllers: ['memory'], dir: join(root, 'memory/job/strata/n') },
    { controllers: ['pids'], dir: join(root, 'pids/strata/n') },
    { controllers: ['cpuacct'], dir: join(root, 'cpuacct/strata/n') },
  ];
  assert.equal(readCgroupUsage(hostCgroupFs, dirs), { cpuNs: 123456789, memoryBytes: 8388608 - 2097152, memoryLimit: undefined, pids: 2, pidsLimit: 100 });
  writeFileSync(join(root, 'memory/job/strata/n/memory.limit_in_bytes'), '67108864\n');
  assert.is(readCgroupUsage(hostCgroupFs, dirs).memoryLimit, 67108864);
  rmSync(root, { recursive: true });
});

const asRoot = process.getuid?.() === 0;

test('v1 for real: a busy container uses CPU, memory and pids within its limits; top lists its processes', async () => {
  if (!asRoot) return;
  const t = tempStore();
  try {
    strataOk(['run', '-d', '--name', 'busy', '--pids', '50', '-m', '64m', 'busybox', 'sh', '-c', 'while :; do :; done & sleep 1000'], { root: t.root });
    const store = await openStore(t.root);
    const rec = effectiveRecord(findContainer(store, 'busy'));
    const sampler = new StatsSampler();
    // Just after `run -d` the sandbox may not have joined its cgroups yet: no figures until then.
    for (let i = 0; i < 100 && !sampler.sample([rec]).get(rec.id); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(sampler.sample([rec]).get(rec.id), 'figures once it runs');
    await new Promise((r) => setTimeout(r, 1000));
    const s = sampler.sample([rec]).get(rec.id)!;
    assert.ok(s.cpuPercent! > 10 && s.cpuPercent! < 210, `cpu ${s.cpuPercent}`);
    assert.ok(s.memoryBytes! > 0 && s.memoryBytes! < 64 * 1024 * 1024, `memory ${s.memoryBytes}`);
    assert.is(s.memoryLimit, 64 * 1024 * 1024);
    assert.is(s.pidsLimit, 50);
    const top = containerProcesses(rec);
    assert.is(s.pids, top.length);
    assert.ok(top.some((p) => p.command === 'sleep 1000' && p.uid === 0), JSON.stringify(top));
    assert.ok(top.some((p) => p.command.startsWith('sh -c while') && p.cpuSeconds >= 0), JSON.stringify(top));
    strataOk(['rm', '-f', 'busy'], { root: t.root });
    assert.is(sampler.sample([rec]).get(rec.id), undefined, 'removed: no figures');
  } finally {
    runStrata(['rm', '-f', 'busy'], { root: t.root });
    t.cleanup();
  }
});

test.run();
