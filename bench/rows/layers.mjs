// Reading through the resolver: a lookup must not cost more with more layers (docs/DESIGN.md §4: an
// index, not a search). /etc/os-release sits in the base layer under 255 others.
import { join } from 'node:path';
import { q } from '../shell.mjs';

export default [
  {
    name: 'cat /etc/os-release, 256-layer image',
    peer: 'the same, 1-layer image',
    target: 1.2,
    warmup: 3,
    runs: 30,
    shell: false,
    plan: (f) => {
      const store = join(f.work, 'layers-store');
      const s = `${q(f.strata)} --root ${q(store)}`;
      return {
        setup: [`rm -rf ${q(store)} && ${s} load ${q(f.layers256())} many >/dev/null && ${s} load ${q(f.layers1())} one >/dev/null`],
        strata: { command: `${s} cat many:/etc/os-release` },
        peer: { command: `${s} cat one:/etc/os-release` },
      };
    },
  },
];
