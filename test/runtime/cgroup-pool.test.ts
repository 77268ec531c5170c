// The cgroups a batch reuses (cgroups/pool.ts), on a directory shaped like cgroupfs v2: a cgroup
// given back is renamed to an idle name of this process and renamed again to the next container's
// name, only for the same limits; no more are kept than asked; close removes them; an OOM kill in
// one run does not show in the next (counts, not flags).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCgroups } from '../../src/runtime/cgroups/detect.js';
import { hostCgroupFs, type CgroupFs } from '../../src/runtime/cgroups/cgroup-fs.js';
import { CgroupPool } from '../../src/runtime/cgroups/pool.js';
import { ownIdentity } from '../../src/store/process-identity.js';

function fakeV2() {
  const root = mkdtempSync(join(tmpdir(), 'strata-pool-'));
  writeFileSync(join(root, 'cgroup.controllers'), 'memory pids cpu\n');
  writeFileSync(join(root, 'cgroup.subtree_control'), '');
  const fs: CgroupFs = { ...hostCgroupFs, rmdir: (path) => rmSync(path, { recursive: true, force: true }), kill: () => {} };
  return { root, cgroups: detectCgroups({ root, fs, self: '0::/\n' })! };
}

const me = ownIdentity();
const small = { memory: 64 << 20, pids: 100 };
const other = { pids: 100 };

test('a cgroup given back is reused under the next container\'s name, with its limits', () => {
  const { root, cgroups } = fakeV2();
  const pool = new CgroupPool(cgroups, 2);
  const a = pool.take('job1', small);
  assert.equal(a.dirs, [join(root, 'strata', `${me}.job1`)]);
  pool.give(a, small);
  assert.equal(readdirSync(join(root, 'strata')).filter((n) => n.startsWith(me)), [`${me}.idle0`]);
  const b = pool.take('job2', small);
  assert.equal(b.dirs, [join(root, 'strata', `${me}.job2`)]);
  assert.equal(b.procsFiles, [join(root, 'strata', `${me}.job2`, 'cgroup.procs')]);
  // The limits written when it was made are still there: it is the same directory.
  assert.is(readdirSync(join(root, 'strata')).filter((n) => n.startsWith(me)).length, 1);
  // Other limits: a cgroup of its own.
  const c = pool.take('job3', other);
  assert.equal(c.dirs, [join(root, 'strata', `${me}.job3`)]);
  assert.is(readdirSync(join(root, 'strata')).filter((n) => n.startsWith(me)).length, 2);
});

test('no more idle cgroups are kept than asked; close removes them all', () => {
  const { root, cgroups } = fakeV2();
  const pool = new CgroupPool(cgroups, 1);
  const a = pool.take('a1', small);
  const b = pool.take('b1', small);
  pool.give(a, small);
  pool.give(b, small);
  assert.equal(readdirSync(join(root, 'strata')).filter((n) => n.startsWith(me)), [`${me}.idle0`]);
  pool.close();
  assert.equal(readdirSync(join(root, 'strata')).filter((n) => n.startsWith(me)), []);
});

test('oomKills counts: a reused cgroup\'s earlier kill is told apart from a new one', () => {
  const { cgroups } = fakeV2();
  const pool = new CgroupPool(cgroups, 2);
  const a = pool.take('x1', small);
  writeFileSync(join(a.dirs[0]!, 'memory.events'), 'oom 1\noom_kill 1\n');
  pool.give(a, small);
  const b = pool.take('x2', small);
  assert.is(cgroups.oomKills(b), 1);
  assert.ok(cgroups.oomKilled(b));
  writeFileSync(join(b.dirs[0]!, 'memory.events'), 'oom 2\noom_kill 2\n');
  assert.is(cgroups.oomKills(b), 2);
});

test.run();
