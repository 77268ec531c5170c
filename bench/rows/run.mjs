// Running sandboxes: `strata run --rm busybox true` against podman + runc on the same
// busybox rootfs (imported into podman once, cached under a tag named after the tar's digest),
// against `node -e 0` (strata's own work must cost about Node's start) and, for information, against
// bubblewrap on that rootfs extracted. Then the first run of a newly imported Debian image against a
// later one (an absolute difference: what an image needs at run time is prepared once), and
// `strata diff` of a Debian container against a busybox one with the same 100 changes (its cost must
// follow the change, not the image).
//
// The run rows keep their store on the root filesystem, where podman keeps its own; rows that
// import the Debian tree use the fresh journaled ext4 loop mount (docs/DESIGN.md §10).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { q } from '../shell.mjs';

export const PODMAN = 'podman --runtime /usr/bin/runc run --rm --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024';

/** The busybox tar's digest, short: names the podman image and the extracted rootfs. */
export function busyboxKey(f) {
  return createHash('sha256').update(readFileSync(f.busyboxTar())).digest('hex').slice(0, 16);
}

/** A store on the root filesystem with the busybox image seeded. */
export function runStore(f) {
  const store = join(f.work, 'run-store');
  return { store, s: `${q(f.strata)} --root ${q(store)}`, setup: `rm -rf ${q(store)} && ${q(f.strata)} --root ${q(store)} images >/dev/null` };
}

/** The busybox rootfs extracted for bubblewrap (once, cached), and the step that makes it. */
export function busyboxRootfs(f) {
  const rootfs = join(f.work, `busybox-rootfs-${busyboxKey(f)}`);
  return { rootfs, setup: `test -d ${q(rootfs)} || { mkdir ${q(`${rootfs}.tmp`)} && tar -xf ${q(f.busyboxTar())} -C ${q(`${rootfs}.tmp`)} && mv ${q(`${rootfs}.tmp`)} ${q(rootfs)}; }` };
}

/** The podman image of the busybox tar (imported once, cached under its digest), and the step that makes it. */
export function podmanBusybox(f) {
  const image = `localhost/strata-bench-busybox:${busyboxKey(f)}`;
  return { image, setup: `podman image exists ${image} || podman import ${q(f.busyboxTar())} ${image} >/dev/null` };
}

/** The same `strata run` row against three peers. */
function runRow(peer, target, plan) {
  return {
    name: 'strata run --rm busybox true',
    peer,
    target,
    warmup: 3,
    runs: 20,
    shell: false,
    plan: (f) => {
      const { s, setup } = runStore(f);
      const p = plan(f);
      return { setup: [setup, ...(p.setup ?? [])], strata: { command: `${s} run --rm busybox true` }, peer: { command: p.command } };
    },
  };
}

/** 100 changes, the same in any image with /usr/bin, /root and a POSIX sh: 30 files of /usr/bin
 * replaced (C), 30 deleted (D), a new directory with 39 files (A). Only `rm` and builtins run
 * once the list is taken, and `rm` is kept off it. */
const CHANGES = [
  'set -ef',
  "L=$(ls /usr/bin | grep -vxE 'rm|sh|dash|bash|busybox' | head -n 60)",
  'i=0',
  'for f in $L; do i=$((i+1)); rm -f "/usr/bin/$f"; if [ $i -le 30 ]; then echo changed >"/usr/bin/$f"; fi; done',
  'mkdir /root/added',
  'i=0',
  'while [ $i -lt 39 ]; do i=$((i+1)); echo $i >/root/added/f$i; done',
].join('\n');

export default [
  runRow('podman + runc, same rootfs', 0.4, (f) => {
    const { image, setup } = podmanBusybox(f);
    return { setup: [setup], command: `${PODMAN} ${image} true` };
  }),
  runRow('node -e 0', 2.5, () => ({ command: 'node -e 0' })),
  runRow('bubblewrap, same rootfs (info)', undefined, (f) => {
    const { rootfs, setup } = busyboxRootfs(f);
    return { setup: [setup], command: `bwrap --unshare-all --ro-bind ${q(rootfs)} / --proc /proc --dev /dev true` };
  }),
  {
    name: 'first run of a newly imported Debian image',
    peer: 'a later run',
    targetMs: 1000,
    warmup: 1,
    runs: 8,
    plan: (f) => {
      const first = join(f.mnt(), 'first-run-store');
      const later = join(f.mnt(), 'later-run-store');
      const tar = f.debianTar();
      const s = (store) => `${q(f.strata)} --root ${q(store)}`;
      return {
        setup: [`rm -rf ${q(later)} && ${s(later)} import ${q(tar)} debian >/dev/null && ${s(later)} run --rm debian true && sync`],
        strata: {
          prepare: `rm -rf ${q(first)} && ${s(first)} import ${q(tar)} debian >/dev/null && sync`,
          command: `${s(first)} run --rm debian true && sync -f ${q(first)}`,
        },
        peer: { command: `${s(later)} run --rm debian true && sync -f ${q(later)}` },
      };
    },
  },
  {
    name: 'strata diff, Debian container, 100 changes',
    peer: 'the same, busybox container',
    target: 1.2,
    warmup: 3,
    runs: 30,
    shell: false,
    plan: (f) => {
      const store = join(f.mnt(), 'diff-store');
      const s = `${q(f.strata)} --root ${q(store)}`;
      return {
        setup: [
          `rm -rf ${q(store)} && ${s} import ${q(f.debianTar())} debian >/dev/null`,
          `${s} run --name deb100 debian sh -c ${q(CHANGES)}`,
          `${s} run --name bb100 busybox sh -c ${q(CHANGES)}`,
          // Both must show the same 100 changes (plus the C of /root, /usr and /usr/bin).
          `test "$(${s} diff deb100 | wc -l)" = 103 && test "$(${s} diff bb100 | wc -l)" = 103`,
        ],
        strata: { command: `${s} diff deb100` },
        peer: { command: `${s} diff bb100` },
      };
    },
  },
];
