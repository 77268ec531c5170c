// Limits on real cgroups (v1 here): memory (an OOM kill exits 137 and says so), pids (a default
// applies; a fork bomb stops), CPU quota; and what a strata killed with SIGKILL leaves behind for
// the next command: no sandbox processes, no cgroups, no mounts, the container shown as exited.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { exited, runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;
const CG = '/sys/fs/cgroup';

/** The cgroup directories of a container (v1: one per controller), found by its id. */
function cgroupDirs(id: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      if (e.name.endsWith(`.${id}`)) out.push(join(dir, e.name));
      else if (depth < 4) walk(join(dir, e.name), depth + 1);
    }
  };
  for (const c of ['memory', 'pids', 'cpu', 'freezer']) if (existsSync(join(CG, c))) walk(join(CG, c), 0);
  return out;
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function runningId(name: string): string | undefined {
  const line = ok('--json', 'ps', '--no-trunc').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((c) => c.Names === name);
  return line?.ID;
}

test('--memory: a memory hog is killed: exit 137 and "killed: out of memory"', () => {
  const r = runStrata(['run', '--rm', '--memory', '64m', 'busybox', 'sh', '-c', 'a=x; while :; do a="$a$a"; done'], opts);
  assert.is(r.status, 137);
  assert.is(r.stderr, 'strata: killed: out of memory (limit 64MiB)\n');
});

test('limits are set on the container\'s cgroups: default pids, --pids, --cpus, --memory', async () => {
  const child = spawnStrata(['run', '--name', 'limited', '--cpus', '0.5', '--memory', '100m', 'busybox', 'sleep', '30'], opts);
  const id = await waitFor('the container', () => runningId('limited'));
  const dirs = await waitFor('its cgroups', () => (cgroupDirs(id).length === 4 ? cgroupDirs(id) : undefined));
  const read = (file: string) => readFileSync(dirs.find((d) => existsSync(join(d, file)))! + '/' + file, 'utf8').trim();
  assert.is(read('pids.max'), '4096');
  assert.is(read('cpu.cfs_quota_us'), '50000');
  assert.is(read('memory.limit_in_bytes'), String(100 * 1024 * 1024));
  child.kill('SIGTERM');
  assert.is(await exited(child), 143);
  assert.equal(cgroupDirs(id), [], 'removed after the run');
  ok('rm', 'limited');
});

test('a fork bomb stops at --pids and the host stays responsive', () => {
  const started = Date.now();
  const r = runStrata(['run', '--rm', '--pids', '64', '--timeout', '5', 'busybox', 'sh', '-c', 'b() { b | b & }; b; sleep 30'], opts);
  assert.is(r.status, 124);
  const probe = Date.now();
  spawnSync('true');
  assert.ok(Date.now() - probe < 1000, 'the host still starts processes');
  assert.ok(Date.now() - started < 30_000);
});

test('kill -9 of strata: the sandbox dies; the next command shows the container exited and leaves nothing', async () => {
  const child = spawnStrata(['run', '--name', 'doomed', 'busybox', 'sh', '-c', `sleep ${SLEEP_A} & sleep ${SLEEP_B}`], opts);
  const id = await waitFor('the container', () => runningId('doomed'));
  await waitFor('the sandbox', () => (sleepers().length === 2 ? true : undefined));
  child.kill('SIGKILL');
  await exited(child);
  await waitFor('the sandbox to die', () => (sleepers().length === 0 ? true : undefined));
  assert.match(ok('ps', '-a'), /Exited \(255\) .* doomed\n/);
  assert.equal(cgroupDirs(id), []);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  assert.not.ok(mounts.includes(t.root), 'no mount of the store is left');
  const [rec] = ok('--json', 'ps', '-a').trim().split('\n').map((l) => JSON.parse(l)).filter((c) => c.Names === 'doomed');
  assert.is(rec.State, 'exited');
  ok('rm', 'doomed');
});

/** Durations no other sandbox on the machine sleeps for (another run of this file, say), so the
 * host's process list tells this sandbox's sleepers apart. */
const SLEEP_A = 100_000 + Math.floor(Math.random() * 800_000);
const SLEEP_B = SLEEP_A + 1;

/** The sandbox's two `sleep` processes, seen from the host. */
function sleepers(): string[] {
  const r = spawnSync('pgrep', ['-f', `^sleep (${SLEEP_A}|${SLEEP_B})$`]);
  return r.stdout.toString().trim().split('\n').filter(Boolean);
}

test('rm refuses a running container; rm -f kills and removes it', async () => {
  const child = spawnStrata(['run', '--name', 'busy', 'busybox', 'sleep', '1000'], opts);
  await waitFor('the container', () => runningId('busy'));
  const refused = runStrata(['rm', 'busy'], opts);
  assert.is(refused.status, 1);
  assert.match(refused.stderr, /is running/);
  assert.is(ok('rm', '-f', 'busy'), 'busy\n');
  assert.is(await exited(child), 137);
  assert.not.match(ok('ps', '-a'), /busy/);
});

test.run();
