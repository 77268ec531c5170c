import { terminalText } from '../../base/terminal-text.js';
import { defineCommand } from '../define.js';
import { humanSize, shortId, timeAgo } from '../../base/format.js';
import { FORMAT_OPTION, checkFormat, printList, type ListSpec } from '../list-output.js';
import { layerHistory, type ImageConfig } from '../../store/image-config.js';
import { readLayerInfo } from '../../store/layers.js';
import { resolveImage } from '../../store/lookup.js';

interface Row extends HistoryRow {
  /** The image's id on its top row, "<missing>" below, as Docker shows a pulled image's. */
  readonly id: string;
}

function spec(trunc: boolean): ListSpec<Row> {
  // Escaped before the cut, so the cut counts what is shown.
  const cut = (text: string, n: number) => (!trunc || text.length <= n ? text : text.slice(0, n - 1) + '…');
  const id = (r: Row) => (r.id === '<missing>' || !trunc ? r.id : shortId(r.id));
  return {
    fields: ['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size'],
    headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY' },
    row: (r) => ({ Comment: r.comment, CreatedAt: r.created, CreatedBy: cut(r.createdBy, 45), CreatedSince: timeAgo(r.created), ID: id(r), Size: humanSize(r.size) }),
    columns: ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'],
    cells: (r) => [id(r), timeAgo(r.created), cut(terminalText(r.createdBy), 45), humanSize(r.size), r.comment],
    id: (r) => (r.diffId === null ? r.id : shortId(r.diffId)),
  };
}

export const history = defineCommand({
  command: 'history <image>',
  describe: 'Show the layers of an image, newest first',
  builder: (y) => y
    .positional('image', { type: 'string', demandOption: true, describe: 'NAME[:TAG] or image id' })
    // yargs reads --no-X as X=false: the option is `trunc`, so that --no-trunc means what it says.
    .option('trunc', { type: 'boolean', default: true, describe: 'Cut CREATED BY to 45 characters (--no-trunc: do not)' })
    .option('format', FORMAT_OPTION),
  run: async (ctx, argv) => {
    const rowsSpec = spec(argv.trunc);
    checkFormat(argv.format, rowsSpec);
    const store = await ctx.store();
    const image = resolveImage(store, argv.image);
    const rows: Row[] = historyRows(image.config, (diffId) => readLayerInfo(store, diffId).size).reverse()
      .map((r, i) => ({ ...r, id: i === 0 ? image.id : '<missing>' }));
    // -q: the layers' ids, as before; an entry that made no layer has none.
    if (ctx.quiet) return ctx.out(rows.filter((r) => r.diffId !== null).map((r) => shortId(r.diffId!) + '\n').join(''));
    printList(ctx, argv.format, rows, rowsSpec);
  },
});

interface HistoryRow {
  /** The layer's number (0 = base); null for an entry that made none (empty_layer). */
  readonly layer: number | null;
  readonly diffId: string | null;
  readonly created: string;
  readonly createdBy: string;
  readonly size: number;
  readonly comment: string;
}

/** Every history entry, oldest first, each with its layer — entries marked empty_layer (a
 * Dockerfile's ENV, CMD, …) with none and size 0, as `docker history` shows them. A config whose
 * history does not account for its layers (made by hand or by older tools) gets one row a layer. */
function historyRows(config: ImageConfig, sizeOf: (diffId: string) => number): HistoryRow[] {
  const layers = config.rootfs.diff_ids;
  const entries = config.history ?? [];
  const row = (h: ImageConfig['history'] extends (infer E)[] | undefined ? E | undefined : never, layer: number | null): HistoryRow => {
    const diffId = layer === null ? null : layers[layer]!;
    return { layer, diffId, created: h?.created ?? config.created ?? '', createdBy: h?.created_by ?? '', size: diffId === null ? 0 : sizeOf(diffId), comment: h?.comment ?? '' };
  };
  if (entries.length === 0 || entries.filter((h) => !h.empty_layer).length !== layers.length) {
    const steps = layerHistory(config);
    return layers.map((_, i) => row(steps[i], i));
  }
  let next = 0;
  return entries.map((h) => row(h, h.empty_layer ? null : next++));
}
