// What both faces start from: the global options (--root, --driver, --json, -q) and the store they
// name, opened on first use, seeded with the embedded busybox image when new and, rootless, given
// the caller's subordinate-id mapping; the CLI's commands receive it, and app/open-tui.ts hands
// its store to the terminal UI.

import { resolve } from 'node:path';
import { nonEmpty, oneOf } from '../base/flag-values.js';
import { defaultRoot, openStore, type Store } from '../store/store.js';
import { jsonText } from '../base/terminal-text.js';

export interface GlobalOptions {
  readonly root?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly driver?: string;
}

export interface Context {
  readonly json: boolean;
  readonly quiet: boolean;
  /** stdout is a terminal: lists of names show them escaped (displayPath), not as their bytes. */
  readonly terminal: boolean;
  readonly root: string;
  /** --driver: the rootfs driver containers use (undefined: chosen automatically). */
  readonly driver: 'overlay' | 'copy' | undefined;
  /** The store, opened on first use; `unmarked`: also one that lost its format marker (check). */
  store(options?: { readonly unmarked?: boolean }): Promise<Store>;
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
    terminal: process.stdout.isTTY === true,
    root,
    driver,
    store: (options = {}) => (opened ??= openStore(root, {
      ...options,
      named: argv.root !== undefined || (process.env.STRATA_ROOT ?? '') !== '',
      // Only a new store is seeded; the seed's code loads then and only then.
      seed: async (store) => (await import('../store/busybox-seed.js')).seedBusybox(store),
      // Rootless: layers get their image owners through the caller's subordinate ids, if any.
      ...(process.getuid?.() === 0 ? {} : { mapped: async () => (await import('../runtime/rootless/mapped-root.js')).mappedOwners() }),
      // A layer goes on the disk in one syncfs before it is published (store/durable.ts).
      syncFilesystem: async (store, path) => (await import('../runtime/helper/process.js')).syncFilesystem(store, path),
    })),
    out: (data) => {
      process.stdout.write(data);
    },
    jsonLine: (value) => {
      process.stdout.write(jsonText(value) + '\n');
    },
  };
}
