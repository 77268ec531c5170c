// Importing a rootfs tarball: a whole Debian minbase tree written to a fresh journaled ext4, and a
// re-import of the same tar, which stores nothing new (content-addressed) and so should cost
// about what hashing the tar costs.
import { join } from 'node:path';
import { q } from '../shell.mjs';

export default [
  {
    name: 'import Debian rootfs tar + sync',
    peer: 'GNU tar -xf + sync',
    target: 1.5,
    warmup: 1,
    runs: 10,
    plan: (f) => {
      const store = join(f.mnt(), 'import-store');
      const tree = join(f.mnt(), 'tar-tree');
      const tar = f.debianTar();
      return {
        strata: {
          // A store that exists (busybox seeded) before timing, so the run is the import alone.
          prepare: `rm -rf ${q(store)} && ${q(f.strata)} --root ${q(store)} images >/dev/null && sync`,
          command: `${q(f.strata)} --root ${q(store)} import ${q(tar)} debian >/dev/null && sync`,
        },
        peer: {
          prepare: `rm -rf ${q(tree)} && mkdir ${q(tree)} && sync`,
          command: `tar -xf ${q(tar)} -C ${q(tree)} && sync`,
        },
      };
    },
  },
  {
    name: 're-import of the same tar',
    peer: 'openssl dgst -sha256',
    target: 1.3,
    warmup: 2,
    runs: 10,
    shell: false,
    plan: (f) => {
      const store = join(f.mnt(), 'reimport-store');
      const tar = f.debianTar();
      return {
        setup: [`rm -rf ${q(store)} && ${q(f.strata)} --root ${q(store)} import ${q(tar)} debian >/dev/null && sync`],
        strata: { command: `${q(f.strata)} --root ${q(store)} import ${q(tar)} debian` },
        peer: { command: `openssl dgst -sha256 ${q(tar)}` },
      };
    },
  },
];
