// `strata build`: a COPY step costs what copying the files and hashing their tar costs (strata
// also writes the layer's tar-split and index), and a RUN step's cost follows its change, not the
// size of the image it runs on (docs/DESIGN.md §11).
import { join } from 'node:path';
import { q } from '../shell.mjs';

/** A build context of 10,000 files of 1 KiB in 100 directories, and its Dockerfile. */
function copyContext(dir) {
  return `rm -rf ${q(dir)} && mkdir -p ${q(dir)} && cd ${q(dir)} && seq 0 99 | sed 's/^/d/' | xargs mkdir && ` +
    `seq 0 9999 | awk '{printf "d%d/f%d\\n", $1 % 100, $1}' | xargs -n 500 sh -c 'for f; do printf "%01024d" 7 > "$f"; done' _ && ` +
    `printf 'FROM busybox\\nCOPY . /ctx/\\n' > Dockerfile`;
}

export default [
  {
    name: 'build: COPY of a 10,000-file context into a new layer + sync',
    peer: 'cp -a + tar -cf - | openssl dgst -sha256 + sync',
    target: 1.5,
    warmup: 1,
    runs: 10,
    plan: (f) => {
      const ctx = join(f.mnt(), 'copy-context');
      const store = join(f.mnt(), 'copy-store');
      const tree = join(f.mnt(), 'copy-tree');
      return {
        setup: [copyContext(ctx)],
        strata: {
          // A fresh store (busybox seeded) each run: the layer is new every time.
          prepare: `rm -rf ${q(store)} && ${q(f.strata)} --root ${q(store)} images >/dev/null && sync`,
          command: `${q(f.strata)} --root ${q(store)} build -q ${q(ctx)} >/dev/null && sync`,
        },
        peer: {
          prepare: `rm -rf ${q(tree)} && sync`,
          command: `cp -a ${q(ctx)} ${q(tree)} && tar -cf - -C ${q(tree)} . | openssl dgst -sha256 >/dev/null && sync`,
        },
      };
    },
  },
  {
    name: 'build: a RUN step changing one file, Debian-based image',
    peer: 'the same step on busybox',
    target: 1.2,
    warmup: 2,
    runs: 10,
    plan: (f) => {
      const store = join(f.mnt(), 'run-step-store');
      const s = `${q(f.strata)} --root ${q(store)}`;
      const dockerfile = (dir, base) => `mkdir -p ${q(dir)} && printf 'FROM ${base}\\nRUN echo changed > /etc/changed\\n' > ${q(join(dir, 'Dockerfile'))}`;
      const debian = join(f.mnt(), 'run-step-debian');
      const busybox = join(f.mnt(), 'run-step-busybox');
      return {
        setup: [`rm -rf ${q(store)} && ${s} import ${q(f.debianTar())} debian >/dev/null`, dockerfile(debian, 'debian'), dockerfile(busybox, 'busybox')],
        strata: { command: `${s} build -q ${q(debian)} >/dev/null` },
        peer: { command: `${s} build -q ${q(busybox)} >/dev/null` },
      };
    },
  },
];
