// The helper's `join` operation (strata exec) on real sandboxes, root only: a second helper enters
// a running sandbox's namespaces and runs a command there under the same restrictions; it refuses
// a process that shares the helper's own namespaces (a reused pid leading to the host) and a
// process whose start time is not the one named; the program's structure is checked first.

import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Op } from '../../src/runtime/helper/ops.js';
import { DOCKER_CAPS, DOCKER_DENY, makeScratch, requireRootAndHelper, runHelper, sandbox, until, type HelperRun } from './helper-fixture.js';

requireRootAndHelper();
const { scratch, rootfs, cleanup } = makeScratch();
process.on('exit', cleanup);

/** /proc/PID/stat field 22. */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

/** A sandbox that writes a marker into its own root and sleeps; resolves its init's pid once
 * the marker is there, and a function that ends it. */
async function runningSandbox(): Promise<{ init: number; stop: () => Promise<HelperRun> }> {
  let helper: ChildProcess | undefined;
  const done = runHelper(sandbox(scratch, rootfs, ['sh', '-c', 'echo inside > /marker; echo ready; exec sleep 60'], { hostname: 'joined' }), {
    started: (child) => (helper = child),
    killAfterMs: 60_000,
  });
  let init = 0;
  await until(() => {
    if (!helper?.pid) return false;
    try {
      init = Number(readFileSync(`/proc/${helper.pid}/task/${helper.pid}/children`, 'utf8').trim().split(' ')[0]);
      return init > 0 && readFileSync(`/proc/${init}/task/${init}/children`, 'utf8').trim() !== '';
    } catch {
      return false;
    }
  });
  await new Promise((r) => setTimeout(r, 100));
  return { init, stop: () => (helper!.kill('SIGKILL'), done) };
}

function joinProgram(pid: number, start: string, argv: string[], namespaces = ['mnt', 'pid', 'uts', 'ipc', 'net']): Op[] {
  return [
    { op: 'spawn', namespaces: [] },
    { op: 'join', pid, startTime: start, namespaces },
    { op: 'chdir', path: '/' },
    { op: 'caps', keep: DOCKER_CAPS },
    { op: 'ids', uid: 0, gid: 0, groups: [] },
    { op: 'no-new-privs' },
    { op: 'seccomp', deny: DOCKER_DENY, denyNamespaceClone: true },
    { op: 'exec', env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], argv },
  ];
}

test('join: the command runs inside the sandbox (its root, PID, UTS and network namespaces) with its restrictions', async () => {
  const box = await runningSandbox();
  try {
    const r = await runHelper(joinProgram(box.init, startTime(box.init), ['sh', '-c',
      'cat /marker; hostname; cat /proc/1/comm; ps -o comm | grep -c sleep; ls /sys/class/net | tr "\\n" " "; echo; grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\\t" " "; exit 7']));
    assert.is(r.status, 7, r.stderr);
    assert.is(r.stdout.toString(), 'inside\njoined\nstrata-helper\n1\nlo \nNoNewPrivs: 1\nSeccomp: 2\n');
  } finally {
    await box.stop();
  }
});

test('join: a process that shares our namespaces is refused (a reused pid never leads to the host)', async () => {
  const r = await runHelper(joinProgram(process.pid, startTime(process.pid), ['true']));
  assert.is(r.status, 125);
  assert.match(r.stderr, /^strata-helper: join: process \d+ shares our mnt namespace: it is not a sandbox\n$/);
});

test('join: the start time must still match once the namespaces are open', async () => {
  const box = await runningSandbox();
  try {
    const r = await runHelper(joinProgram(box.init, String(Number(startTime(box.init)) + 1), ['true']));
    assert.is(r.status, 125);
    assert.match(r.stderr, /^strata-helper: join: process \d+ is gone \(the container stopped\)\n$/);
  } finally {
    await box.stop();
  }
});

test('join: refused without a spawn before it, after a spawn that makes namespaces, twice, or with pivot', async () => {
  const base = joinProgram(2, '1', ['true']);
  const cases: [Op[], RegExp][] = [
    [base.slice(1), /join: needs a spawn before it/],
    [[{ op: 'spawn', namespaces: ['mnt'] }, ...base.slice(1)], /join: the spawn before it must not make namespaces/],
    [[base[0]!, base[1]!, ...base.slice(1)], /join given twice/],
    [[...base.slice(0, 2), { op: 'pivot', newRoot: '/tmp' }, ...base.slice(2)], /join and pivot cannot be in one program/],
    [[base[0]!, { op: 'join', pid: 2, startTime: '1', namespaces: ['mnt', 'mnt'] }, ...base.slice(2)], /namespace "mnt" given twice/],
    [[base[0]!, { op: 'join', pid: 2, startTime: '1', namespaces: ['time'] }, ...base.slice(2)], /unknown namespace "time"/],
  ];
  for (const [program, message] of cases) {
    const r = await runHelper(program);
    assert.is(r.status, 125);
    assert.match(r.stderr, message);
  }
});

test.run();
