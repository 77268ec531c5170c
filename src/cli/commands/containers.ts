// Container lifecycle commands: ps, rm, diff (of a container, an image's layer, or two images). The runtime modules load inside `run` (startup).

import { escapePath } from '../../base/byte-path.js';
import { terminalText } from '../../base/terminal-text.js';
import { StrataError, oneLine } from '../../base/errors.js';
import type { ContainerRecord } from '../../runtime/containers/records.js';
import type { DiffEntry } from '../../resolver/diff.js';
import { defineCommand } from '../define.js';
import { timeAgo } from '../../base/format.js';
import { nameBytes, table } from '../format.js';

/** Docker's STATUS column: "Up 3 seconds", "Exited (0) 2 minutes ago", "Created". */
export function statusText(rec: ContainerRecord, now = Date.now()): string {
  if (rec.state === 'running') return `Up ${timeAgo(rec.started ?? rec.created, now).replace(/ ago$/, '')}`;
  if (rec.state === 'exited') return `Exited (${rec.exitCode ?? 255}) ${timeAgo(rec.finished ?? rec.created, now)}`;
  return 'Created';
}

/** Docker's COMMAND column: the command line quoted, cut to 20 characters with "…" (after its
 * control characters are escaped: the cut counts what is shown). */
export function commandText(command: readonly string[]): string {
  const line = terminalText(command.join(' '));
  return `"${line.length > 20 ? `${line.slice(0, 19)}…` : line}"`;
}

export const ps = defineCommand({
  command: 'ps',
  describe: 'List containers (running ones; -a: all)',
  builder: (y) => y.option('all', { alias: 'a', type: 'boolean', describe: 'Show stopped containers too' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const { effectiveRecord, listContainers } = await import('../../runtime/containers/records.js');
    const { sweepDeadContainers } = await import('../../runtime/containers/sweep.js');
    await sweepDeadContainers(store);
    const rows = listContainers(store).map(effectiveRecord).filter((c) => argv.all || c.state === 'running');
    if (ctx.json) {
      return rows.forEach((c) => ctx.jsonLine({ id: c.id, name: c.name, image: c.imageRef, imageId: c.image, command: c.command, state: c.state, exitCode: c.exitCode, created: c.created }));
    }
    if (ctx.quiet) return ctx.out(rows.map((c) => `${c.id.slice(0, 12)}\n`).join(''));
    ctx.out(table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'NAMES'],
      rows.map((c) => [c.id.slice(0, 12), c.imageRef, commandText(c.command), timeAgo(c.created), statusText(c), c.name])));
  },
});

export const rm = defineCommand({
  command: 'rm <container..>',
  describe: 'Remove containers (-f: running ones too, killing them)',
  builder: (y) => y
    .positional('container', { type: 'string', array: true, demandOption: true })
    .option('force', { alias: 'f', type: 'boolean', describe: 'Kill a running container, then remove it' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const { removeContainer } = await import('../../runtime/containers/remove.js');
    const { sweepDeadContainers } = await import('../../runtime/containers/sweep.js');
    await sweepDeadContainers(store);
    let failed = 0;
    for (const text of argv.container) {
      try {
        await removeContainer(store, text, { force: argv.force ?? false });
        ctx.out(`${text}\n`);
      } catch (err) {
        if (!(err instanceof StrataError)) throw err;
        process.stderr.write(`strata: ${oneLine(err)}\n`);
        failed++;
      }
    }
    return failed > 0 ? 1 : 0;
  },
});

export const diff = defineCommand({
  command: 'diff <first> [second]',
  describe: 'Show what a container, or an image\'s top layer, added (A), changed (C) and deleted (D); or what differs between two images (IMAGE@N: the image at layer N, numbered as history --json numbers them)',
  builder: (y) => y
    .positional('first', { type: 'string', demandOption: true, describe: 'CONTAINER, IMAGE or IMAGE@N (a container is looked for first, as podman does)' })
    .positional('second', { type: 'string', describe: 'IMAGE or IMAGE@N: list what differs from FIRST to it' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const images = await import('../../content/image-diff.js');
    let changes: readonly DiffEntry[];
    if (argv.second !== undefined) {
      changes = images.diffImageViews(store, images.resolveImageAt(store, argv.first), images.resolveImageAt(store, argv.second));
    } else {
      const { findContainer } = await import('../../runtime/containers/records.js');
      const { containerChanges } = await import('../../runtime/changes/diff.js');
      let isContainer = true;
      try {
        findContainer(store, argv.first);
      } catch (err) {
        if (!(err instanceof StrataError) || !images.findImageAt(store, argv.first)) throw err;
        isContainer = false;
      }
      changes = isContainer ? await containerChanges(store, argv.first) : images.diffTopLayer(store, images.resolveImageAt(store, argv.first));
    }
    if (ctx.json) return changes.forEach((c) => ctx.jsonLine({ kind: c.kind, path: escapePath(c.path) }));
    ctx.out(Buffer.concat(changes.map((c) => Buffer.concat([Buffer.from(`${c.kind} `), nameBytes(ctx.terminal, c.path), Buffer.from('\n')]))));
  },
});
