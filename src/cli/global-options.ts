// The options every command takes. One table, read by yargs (cli.ts) and by the lean parser of
// `run`'s fast path (run-fast-path.ts), so the two cannot disagree about them.

import type { Options } from 'yargs';

export const GLOBAL_OPTIONS = {
  root: { type: 'string', requiresArg: true, describe: 'Store directory (default $STRATA_ROOT, /var/lib/strata for root, else ~/.local/share/strata)', global: true },
  json: { type: 'boolean', describe: 'Machine-readable output (JSON Lines for lists)', global: true },
  quiet: { alias: 'q', type: 'boolean', describe: 'Print only ids', global: true },
  driver: { type: 'string', requiresArg: true, describe: 'Rootfs driver for containers: overlay or copy (default: overlay where strata can mount it, else copy)', global: true },
} as const satisfies Record<string, Options>;
