// What every command receives: the global options and the store, opened on first use.

import { resolve } from 'node:path';
import { nonEmpty, oneOf } from '../base/flag-values.js';
import { defaultRoot, openStore, type Store } from '../store/store.js';

export interface GlobalOptions {
  readonly root?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly driver?: string;
}

export interface Context {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly root: string;
  /** --driver: the rootfs driver containers use (undefined: chosen automatically). */
  readonly driver: 'overlay' | 'copy' | undefined;
  store(): Promise<Store>;
  /** Write to stdout (strings as UTF-8, Buffers as bytes). */
  out(data: string | Uint8Array): void;
  /** One JSON value per line. */
  jsonLine(value: unknown): void;
}

export function makeContext(argv: GlobalOptions): Context {
  // Absolute from here on: the helper mounts layer directories by path, from its own cwd. An
  // empty --root is refused rather than taken for the current directory.
  const root = resolve(argv.root === undefined ? defaultRoot() : nonEmpty('--root', argv.root, 'a directory'));
  const driver = argv.driver === undefined ? undefined : oneOf('--driver', argv.driver, ['overlay', 'copy'] as const);
  let opened: Promise<Store> | undefined;
  return {
    json: argv.json ?? false,
    quiet: argv.quiet ?? false,
    root,
    driver,
    store: () => (opened ??= openStore(root, {
      // Only a new store is seeded; the seed's code loads then and only then.
      seed: async (store) => (await import('../store/busybox-seed.js')).seedBusybox(store),
      // Rootless: layers get their image owners through the caller's subordinate ids, if any.
      ...(process.getuid?.() === 0 ? {} : { mapped: async () => (await import('../runtime/mapped-root.js')).mappedOwners() }),
    })),
    out: (data) => {
      process.stdout.write(data);
    },
    jsonLine: (value) => {
      process.stdout.write(JSON.stringify(value) + '\n');
    },
  };
}
