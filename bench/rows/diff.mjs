// `diff IMAGE1 IMAGE2` costs what the layers that differ cost, not what the images hold: two Debian
// minbase images that differ in one layer of 1 MB against two busybox images that differ the same
// way. The shared layers are read through their path table only (made once, in the setup).
import { join } from 'node:path';
import { q } from '../shell.mjs';

export default [
  {
    name: 'diff IMAGE1 IMAGE2, two Debian images differing in one 1 MB layer',
    peer: 'the same, two busybox images',
    target: 1.2,
    warmup: 3,
    runs: 30,
    shell: false,
    plan: (f) => {
      const store = join(f.work, 'diff-store');
      const s = `${q(f.strata)} --root ${q(store)}`;
      // One image per side: the base and a layer of 1 MB of random bytes made by `run` + `commit`.
      const side = (base, tag) => `${s} run --name ${tag} ${base} dd if=/dev/urandom of=/blob bs=1000000 count=1 2>/dev/null && ${s} commit ${tag} ${base}:${tag} >/dev/null && ${s} rm ${tag} >/dev/null`;
      return {
        setup: [
          `[ -d ${q(store)}/images ] && ${s} images | grep -q '^debian ' || { rm -rf ${q(store)} && ${s} import ${q(f.debianTar())} debian >/dev/null && ${side('debian', 'a')} && ${side('debian', 'b')} && ${side('busybox', 'a')} && ${side('busybox', 'b')}; }`,
          `${s} diff debian:a debian:b >/dev/null && ${s} diff busybox:a busybox:b >/dev/null`,
        ],
        strata: { command: `${s} diff debian:a debian:b` },
        peer: { command: `${s} diff busybox:a busybox:b` },
      };
    },
  },
];
