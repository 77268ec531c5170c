// Container lifecycle commands: ps (Docker's filters and list forms: list-output.ts), rm, diff (of a
// container, an image's layer, or two images). The runtime modules load inside `run` (startup).

import { escapePath } from '../../base/byte-path.js';
import { terminalText } from '../../base/terminal-text.js';
import { StrataError, invalidValue, oneLine } from '../../base/errors.js';
import { wholeNumber } from '../../base/flag-values.js';
import type { ContainerRecord } from '../../runtime/containers/records.js';
import type { DiffEntry } from '../../resolver/diff.js';
import { defineCommand } from '../define.js';
import { goTime, timeAgo } from '../../base/format.js';
import { readImage } from '../../store/images.js';
import { resolveImage } from '../../store/lookup.js';
import { matchesAll, parseFilters } from '../list-filters.js';
import { FORMAT_OPTION, checkFormat, printList, type ListSpec } from '../list-output.js';
import { nameBytes } from '../format.js';

/** Docker's STATUS column: "Up 3 seconds", "Exited (0) 2 minutes ago", "Created". */
export function statusText(rec: ContainerRecord, now = Date.now()): string {
  if (rec.state === 'running') return `Up ${timeAgo(rec.started ?? rec.created, now).replace(/ ago$/, '')}`;
  if (rec.state === 'exited') return `Exited (${rec.exitCode ?? 255}) ${timeAgo(rec.finished ?? rec.created, now)}`;
  return 'Created';
}

/** Docker's COMMAND column: the command line quoted, cut to 20 characters with "…" (after its
 * control characters are escaped: the cut counts what is shown). */
export function commandText(command: readonly string[]): string {
  return `"${cut(terminalText(command.join(' ')), 20)}"`;
}

function cut(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/** --no-trunc: the full id and the whole command line, as Docker's. */
const psSpec = (trunc: boolean): ListSpec<ContainerRecord> => ({
  fields: ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Ports', 'RunningFor', 'Size', 'State', 'Status'],
  headers: { ID: 'CONTAINER ID', RunningFor: 'CREATED', CreatedAt: 'CREATED AT', LocalVolumes: 'LOCAL VOLUMES' },
  row: (c) => ({
    Command: `"${trunc ? cut(c.command.join(' '), 20) : c.command.join(' ')}"`, CreatedAt: goTime(c.created), ID: trunc ? c.id.slice(0, 12) : c.id, Image: c.imageRef, Labels: '', LocalVolumes: '0',
    Mounts: '', Names: c.name, Networks: '', Ports: '', RunningFor: timeAgo(c.created), Size: '0B', State: c.state, Status: statusText(c),
  }),
  columns: ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'NAMES'],
  cells: (c) => [trunc ? c.id.slice(0, 12) : c.id, c.imageRef, trunc ? commandText(c.command) : `"${terminalText(c.command.join(' '))}"`, timeAgo(c.created), statusText(c), c.name],
  id: (c) => (trunc ? c.id.slice(0, 12) : c.id),
});

const PS_FILTERS = ['status', 'name', 'ancestor', 'exited'];
const STATES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

export const ps = defineCommand({
  command: 'ps',
  describe: 'List containers (running ones; -a: all)',
  builder: (y) => y
    .option('all', { alias: 'a', type: 'boolean', describe: 'Show stopped containers too' })
    .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'status=STATE, name=REGEX, ancestor=IMAGE, exited=STATUS' })
    .option('trunc', { type: 'boolean', default: true, describe: 'Cut ids and commands (--no-trunc: do not)' })
    .option('format', FORMAT_OPTION),
  run: async (ctx, argv) => {
    const spec = psSpec(argv.trunc);
    checkFormat(argv.format, spec);
    const filters = parseFilters(argv.filter, PS_FILTERS);
    for (const v of filters.get('status') ?? []) if (!STATES.includes(v)) throw invalidValue('--filter', `status=${v}`, `one of ${STATES.join(', ')}`);
    for (const v of filters.get('exited') ?? []) wholeNumber('--filter', v, 0, 255, 'an exit status');
    const names = (filters.get('name') ?? []).map((v) => {
      try {
        return new RegExp(v);
      } catch {
        throw invalidValue('--filter', `name=${v}`, 'a regular expression');
      }
    });
    const store = await ctx.store();
    const { effectiveRecord, listContainers } = await import('../../runtime/containers/records.js');
    const { sweepDeadContainers } = await import('../../runtime/containers/sweep.js');
    await sweepDeadContainers(store);
    // ancestor=IMAGE: containers of that image or of one built on it (its layers first).
    const ancestors = (filters.get('ancestor') ?? []).map((ref) => resolveImage(store, ref).config.rootfs.diff_ids);
    const layersOf = (id: string) => {
      try {
        return readImage(store, id).config.rootfs.diff_ids;
      } catch {
        return [];
      }
    };
    // As Docker's: a status or exit filter looks at stopped containers without -a.
    const all = argv.all || filters.has('status') || filters.has('exited');
    const rows = listContainers(store).map(effectiveRecord).filter((c) => (all || c.state === 'running') && matchesAll(filters, (key, value) => {
      switch (key) {
        case 'status': return c.state === value;
        case 'name': return names.some((re) => re.test(c.name));
        case 'ancestor': {
          const layers = layersOf(c.image);
          const want = ancestors[(filters.get('ancestor') ?? []).indexOf(value)]!;
          return want.length <= layers.length && want.every((d, k) => layers[k] === d);
        }
        case 'exited': return c.state === 'exited' && c.exitCode === Number(value);
        default: return false;
      }
    }));
    printList(ctx, argv.format, rows, spec);
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
  describe: 'Show what a container, or an image\'s top layer, added (A), changed (C) and deleted (D); or what differs between two images (IMAGE@N: the image at layer N, from 0 at the base: the history entries that made a layer, counted from the bottom)',
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
