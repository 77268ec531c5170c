// Start-up: what every command pays before it does anything, against a bare `node -e 0` (the
// floor for any Node.js program; the binary is node plus a bundle).
import { join } from 'node:path';
import { q } from '../shell.mjs';

export default [
  {
    name: 'strata --version',
    peer: 'node -e 0',
    target: 1.6,
    warmup: 5,
    runs: 40,
    shell: false,
    plan: (f) => ({
      strata: { command: `${q(f.strata)} --version` },
      peer: { command: 'node -e 0' },
    }),
  },
  {
    name: 'strata images',
    peer: 'node -e 0',
    target: 1.8,
    warmup: 5,
    runs: 40,
    shell: false,
    plan: (f) => {
      const store = join(f.work, 'startup-store');
      return {
        setup: [`rm -rf ${q(store)} && ${q(f.strata)} --root ${q(store)} images >/dev/null`],
        strata: { command: `${q(f.strata)} --root ${q(store)} images` },
        peer: { command: 'node -e 0' },
      };
    },
  },
];
