// Batch mode (docs/batch.md): 1,000 `true` jobs on busybox at --jobs 2 against the same work done
// by the peers. Against podman the target is a rate: strata's 1,000 jobs must take no longer than
// 40 sequential `podman run --rm` (≥ 25× podman's rate: 1000 / 40). Against bubblewrap the target
// is the per-job cost at the same parallelism (xargs -P2), the same rootfs, /proc and /dev: ≤ 2×.
// The 1 MB writers are for information: what they must keep (the store unchanged, strata below
// 150 MB) is asserted by test/cli/batch.test.ts, memory not being a timing.
import { join } from 'node:path';
import { q } from '../shell.mjs';
import { PODMAN, busyboxRootfs, podmanBusybox, runStore } from './run.mjs';

const JOBS = 1000;
const PODMAN_RUNS = 40;
const BWRAP = (rootfs) => `bwrap --unshare-all --ro-bind ${q(rootfs)} / --proc /proc --dev /dev`;

/** A file of JOBS identical jobs, written by the row's setup. */
function jobsFile(f, name, job) {
  const file = join(f.work, `batch-${name}.jsonl`);
  return { file, setup: `for i in $(seq ${JOBS}); do printf '%s\\n' ${q(JSON.stringify(job))}; done > ${q(file)}` };
}

function batchSide(f, name, job) {
  const { s, setup } = runStore(f);
  const jobs = jobsFile(f, name, job);
  return { setup: [setup, jobs.setup], command: `${s} batch --jobs 2 ${q(jobs.file)} > /dev/null` };
}

export default [
  {
    name: `strata batch: ${JOBS} true jobs, --jobs 2`,
    peer: `${PODMAN_RUNS} sequential podman run --rm (≥ 25× the rate)`,
    target: 1,
    warmup: 0,
    runs: 3,
    plan: (f) => {
      const side = batchSide(f, 'true', { image: 'busybox', cmd: ['true'] });
      const podman = podmanBusybox(f);
      return {
        setup: [...side.setup, podman.setup],
        strata: { command: side.command },
        peer: { command: `for i in $(seq ${PODMAN_RUNS}); do ${PODMAN} ${podman.image} true; done` },
      };
    },
  },
  {
    name: `strata batch: ${JOBS} true jobs, --jobs 2`,
    peer: `bubblewrap, same rootfs, xargs -P2 (per job ≤ 2×)`,
    target: 2,
    warmup: 1,
    runs: 5,
    plan: (f) => {
      const side = batchSide(f, 'true', { image: 'busybox', cmd: ['true'] });
      const bb = busyboxRootfs(f);
      return {
        setup: [...side.setup, bb.setup],
        strata: { command: side.command },
        peer: { command: `seq ${JOBS} | xargs -P2 -I{} ${BWRAP(bb.rootfs)} true` },
      };
    },
  },
  {
    name: `strata batch: ${JOBS} jobs writing 1 MB each, --jobs 2`,
    peer: 'bubblewrap, the same writes to a tmpfs, xargs -P2 (info)',
    warmup: 0,
    runs: 3,
    plan: (f) => {
      const write = 'head -c 1048576 /dev/zero > /tmp/big';
      const side = batchSide(f, 'write-1mb', { image: 'busybox', cmd: write });
      const bb = busyboxRootfs(f);
      return {
        setup: [...side.setup, bb.setup],
        strata: { command: side.command },
        peer: { command: `seq ${JOBS} | xargs -P2 -I{} ${BWRAP(bb.rootfs)} --tmpfs /tmp sh -c ${q(write)}` },
      };
    },
  },
];
