// The build cache (docs/DESIGN.md §11): a rebuild of an unchanged file costs about what any
// command costs (its steps are found, not run), well under podman's cached rebuild; and after one
// source of a 10,000-file context changed, the COPY step's key costs about what hashing the
// context's tar costs. The key is timed by the build itself (STRATA_BUILD_KEY_TIMING=1 prints it),
// since a whole rebuild also writes the new layer and starts Node.js.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { q, sh } from '../shell.mjs';

/** A 6-step file: FROM, two metadata steps, a COPY, a RUN, a label. */
const SIX_STEPS = (from) => `FROM ${from}\\nENV MODE=bench\\nARG V=1\\nCOPY app.txt /app/\\nRUN echo built > /built\\nLABEL bench=yes\\n`;

function busyboxKey(f) {
  return createHash('sha256').update(readFileSync(f.busyboxTar())).digest('hex').slice(0, 16);
}

/** A store and a context for the 6-step file, built once so every step is cached. */
function cachedSetup(f) {
  const store = join(f.work, 'build-cache-store');
  const ctx = join(f.work, 'build-cache-six');
  const s = `${q(f.strata)} --root ${q(store)}`;
  return {
    s, ctx,
    setup: [
      `rm -rf ${q(store)} ${q(ctx)} && mkdir -p ${q(ctx)} && echo app > ${q(join(ctx, 'app.txt'))} && printf '${SIX_STEPS('busybox')}' > ${q(join(ctx, 'Dockerfile'))}`,
      `${s} build -q ${q(ctx)} >/dev/null`,
    ],
  };
}

/** 10,000 files of 1 KiB in 100 directories, and a file whose COPY comes after two steps. */
function bigContext(dir) {
  return `rm -rf ${q(dir)} && mkdir -p ${q(dir)}/tree && cd ${q(dir)}/tree && seq 0 99 | sed 's/^/d/' | xargs mkdir && ` +
    `seq 0 9999 | awk '{printf "d%d/f%d\\n", $1 % 100, $1}' | xargs -n 500 sh -c 'for f; do printf "%01024d" 7 > "$f"; done' _ && ` +
    `printf 'FROM busybox\\nENV A=1\\nCOPY tree/ /ctx/\\nRUN true\\n' > ${q(dir)}/Dockerfile`;
}

export default [
  {
    name: 'build: rebuild of an unchanged 6-step file (every step cached)',
    peer: 'strata images',
    target: 1.5,
    warmup: 2,
    runs: 15,
    shell: false,
    plan: (f) => {
      const { s, ctx, setup } = cachedSetup(f);
      return { setup, strata: { command: `${s} build -q ${q(ctx)}` }, peer: { command: `${s} images` } };
    },
  },
  {
    name: 'build: rebuild of an unchanged 6-step file (every step cached)',
    peer: 'podman build --layers, cached rebuild of the same file',
    target: 0.5,
    warmup: 2,
    runs: 10,
    shell: false,
    plan: (f) => {
      const { s, ctx, setup } = cachedSetup(f);
      const image = `localhost/strata-bench-busybox:${busyboxKey(f)}`;
      const podCtx = join(f.work, 'build-cache-six-podman');
      const podman = `podman build --layers --network=none --runtime /usr/bin/runc -q -t strata-bench-cached ${podCtx}`;
      return {
        setup: [
          ...setup,
          `podman image exists ${image} || podman import ${q(f.busyboxTar())} ${image} >/dev/null`,
          `rm -rf ${q(podCtx)} && mkdir -p ${q(podCtx)} && echo app > ${q(join(podCtx, 'app.txt'))} && printf '${SIX_STEPS(image)}' > ${q(join(podCtx, 'Dockerfile'))}`,
          `${podman} >/dev/null`,
        ],
        strata: { command: `${s} build -q ${q(ctx)}` },
        peer: { command: podman },
      };
    },
  },
  {
    name: 'build: key of a COPY of a 10,000-file context after one source changed',
    peer: 'tar -cf - TREE | openssl dgst -sha256',
    limit: 1.2,
    unit: '× the peer',
    measure: (f) => {
      const dir = join(f.mnt(), 'build-cache-big');
      const store = join(f.mnt(), 'build-cache-big-store');
      const s = `${q(f.strata)} --root ${q(store)}`;
      sh(`${bigContext(dir)} && rm -rf ${q(store)} && ${s} build -q ${q(dir)} >/dev/null`);
      const keys = [];
      for (let i = 0; i < 5; i++) {
        sh(`echo ${i} > ${q(join(dir, 'tree', 'd7', 'f7'))} && sync`);
        const err = execSync(`${s} build ${q(dir)} 2>&1 >/dev/null`, { env: { ...process.env, STRATA_BUILD_KEY_TIMING: '1', NODE_EXTRA_CA_CERTS: '' } }).toString();
        // Only the COPY step and the one after it ran.
        if (!/ENV A=1\nCACHED\n/.test(err) || !/COPY tree\/ \/ctx\/\n(key-timing.*\n)?not cached: COPY sources changed: tree\/d7\/f7\n/.test(err) || !/RUN true\nnot cached: parent changed\n/.test(err)) {
          throw new Error(`unexpected rebuild:\n${err}`);
        }
        keys.push(Number(/key-timing: ([\d.]+) ms/.exec(err)[1]));
      }
      const peer = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        sh(`tar -cf - -C ${q(join(dir, 'tree'))} . | openssl dgst -sha256 >/dev/null`);
        peer.push(performance.now() - t0);
      }
      const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const ratio = mean(keys) / mean(peer);
      return { value: ratio, text: `${ratio.toFixed(2)}× (key ${mean(keys).toFixed(0)} ms, peer ${mean(peer).toFixed(0)} ms; means of 5)` };
    },
  },
];
