// Exporting an image's merged tree as one tar, to a pipe, against GNU tar reading the same tree:
// the layer's own rootfs directory in the store (a one-layer image's merged view), so both read
// the same inodes on the fresh journaled ext4 loop mount. A Debian minbase image (≈ 9k entries,
// 170 MB) and a layer of 100,000 empty files (where the cost per entry shows). The output goes
// through `cat` to /dev/null: GNU tar skips reading file data when its output is /dev/null itself.
import { join } from 'node:path';
import { q } from '../shell.mjs';

/** A store holding `tar` imported as IMAGE, and a stable path to its layer's rootfs for tar -C. */
function exportPlan(f, name, tar) {
  const store = join(f.mnt(), `export-${name}-store`);
  const tree = join(f.mnt(), `export-${name}-tree`);
  const s = `${q(f.strata)} --root ${q(store)}`;
  return {
    setup: [
      `rm -rf ${q(store)} ${q(tree)} && ${s} import ${q(tar)} ${name} >/dev/null`,
      `layer=$(${s} inspect ${name} | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8"))[0].RootFS.Layers[0].slice(7)') && ` +
        `ln -s ${q(store)}/layers/"$layer"/rootfs ${q(tree)} && sync`,
    ],
    strata: { command: `${s} export ${name} | cat >/dev/null` },
    peer: { command: `tar -cf - -C ${q(tree)}/ . | cat >/dev/null` },
  };
}

export default [
  {
    name: 'export Debian image to a pipe',
    peer: 'GNU tar -cf - of its tree, to a pipe',
    target: 1.5,
    warmup: 2,
    runs: 15,
    plan: (f) => exportPlan(f, 'debian', f.debianTar()),
  },
  {
    name: 'export a layer of 100,000 empty files to a pipe',
    peer: 'GNU tar -cf - of its tree, to a pipe',
    target: 1.5,
    warmup: 2,
    runs: 15,
    plan: (f) => exportPlan(f, 'many', f.manyEmptyTar()),
  },
];
