// The terminal UI: each row drives the UI in a pseudo-terminal (bench/tui-driver.mjs,
// 120x40) and hyperfine times the whole run; the driver exits the moment what it waits for is
// drawn. The key-press rows also write the per-press median (and the Enter-to-tree time) to
// bench/.work/tui-keys-*.json: hyperfine's ratio includes the start and the opening. The idle
// row is a measurement, not a timing: the UI's CPU use over 10 s with no key pressed.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { q, sh } from '../shell.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const driver = `node ${q(join(repo, 'bench', 'tui-driver.mjs'))}`;

/** A store holding busybox and the Debian minbase image (newest first, so Debian is row 0). */
function tuiStore(f) {
  const store = join(f.work, 'tui-store');
  const s = `${q(f.strata)} --root ${q(store)}`;
  return { store, setup: `[ -d ${q(store)}/images ] && ${s} images | grep -q '^debian ' || { rm -rf ${q(store)} && ${s} import ${q(f.debianTar())} debian >/dev/null; }` };
}

export default [
  {
    name: 'tui: first frame of the Images pane',
    peer: 'a minimal Ink app, bundled and run the same way',
    target: 1.3,
    warmup: 2,
    runs: 15,
    shell: false,
    plan: (f) => {
      const { store, setup } = tuiStore(f);
      const minimal = join(f.work, 'tui-minimal.cjs');
      // Both sides are a build.mjs bundle run by node (the binary is node plus the same bundle).
      const bundle = `node -e ${q(`import(${JSON.stringify(join(repo, 'build.mjs'))}).then((b) => b.bundleEntry(${JSON.stringify(join(repo, 'bench', 'tui-minimal.tsx'))}, ${JSON.stringify(minimal)}, '0'))`)}`;
      return {
        setup: [setup, bundle],
        strata: { command: `${driver} first-frame NAME:TAG -- node ${q(join(repo, 'dist', 'strata.cjs'))} --root ${q(store)}` },
        peer: { command: `${driver} first-frame 'minimal ink app ready' -- node ${q(minimal)}` },
      };
    },
  },
  {
    name: 'tui: open the Debian image (≈8.7k entries) to its tree and summary',
    peer: 'the same, busybox (≈300 entries)',
    target: 1.5,
    warmup: 1,
    runs: 10,
    shell: false,
    plan: (f) => {
      const { store, setup } = tuiStore(f);
      const ui = `-- ${q(f.strata)} --root ${q(store)}`;
      return {
        setup: [setup],
        strata: { command: `${driver} open 0 ${ui}` },
        peer: { command: `${driver} open 1 ${ui}` },
      };
    },
  },
  {
    name: 'tui: open the Debian image and sort its tree by size (s)',
    peer: 'the same, opened and left sorted by name',
    target: 1.2,
    warmup: 1,
    runs: 10,
    shell: false,
    plan: (f) => {
      const { store, setup } = tuiStore(f);
      const ui = `-- ${q(f.strata)} --root ${q(store)}`;
      return {
        setup: [setup],
        strata: { command: `${driver} open-sorted 0 ${ui}` },
        peer: { command: `${driver} open 0 ${ui}` },
      };
    },
  },
  {
    name: 'tui: 200 key presses, each to its frame, in the Debian tree',
    peer: 'the same in the busybox tree',
    target: 1.2,
    warmup: 0,
    runs: 3,
    shell: false,
    plan: (f) => {
      const { store, setup } = tuiStore(f);
      const ui = `-- ${q(f.strata)} --root ${q(store)}`;
      return {
        setup: [setup],
        strata: { command: `${driver} keys 0 200 ${q(join(f.work, 'tui-keys-debian.json'))} ${ui}` },
        peer: { command: `${driver} keys 1 200 ${q(join(f.work, 'tui-keys-busybox.json'))} ${ui}` },
      };
    },
  },
  {
    name: 'tui: idle CPU of the live Containers pane, 50 containers (5 running), over 10 s',
    peer: 'none: % of one core (/proc/PID/stat)',
    limit: 2,
    unit: '% of one core',
    measure: (f) => {
      const store = join(f.work, 'tui-live-store');
      const s = `${q(f.strata)} --root ${q(store)}`;
      const out = join(f.work, 'tui-idle-cpu.json');
      // 45 exited containers and 5 running ones (sleeping: the figures are the UI's, not theirs).
      sh(`rm -rf ${q(store)} && for i in $(seq 1 45); do ${s} run --name done$i busybox true; done && ` +
        `for i in 1 2 3 4 5; do ${s} run -d --name live$i busybox sleep 100000 >/dev/null; done`);
      try {
        rmSync(out, { force: true });
        sh(`${driver} idle-cpu 10 ${q(out)} -- ${q(f.strata)} --root ${q(store)}`);
        const r = JSON.parse(readFileSync(out, 'utf8'));
        return { value: r.percentOfOneCore, text: `${r.percentOfOneCore.toFixed(2)} % (${r.cpuSeconds.toFixed(2)} s of CPU in ${r.seconds.toFixed(1)} s)` };
      } finally {
        sh(`${s} rm -f $(${s} ps -a -q) >/dev/null || true`);
      }
    },
  },
];
