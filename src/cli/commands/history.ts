import { terminalText } from '../../base/terminal-text.js';
import { defineCommand } from '../define.js';
import { humanSize, shortId, timeAgo } from '../../base/format.js';
import { table } from '../format.js';
import { layerHistory, type ImageConfig } from '../../store/image-config.js';
import { readLayerInfo } from '../../store/layers.js';
import { resolveImage } from '../../store/lookup.js';

export const history = defineCommand({
  command: 'history <image>',
  describe: 'Show the layers of an image, newest first',
  builder: (y) => y
    .positional('image', { type: 'string', demandOption: true, describe: 'NAME[:TAG] or image id' })
    // yargs reads --no-X as X=false: the option is `trunc`, so that --no-trunc means what it says.
    .option('trunc', { type: 'boolean', default: true, describe: 'Cut CREATED BY to 45 characters (--no-trunc: do not)' }),
  run: async (ctx, argv) => {
    const store = await ctx.store();
    const image = resolveImage(store, argv.image);
    const rows = historyRows(image.config, (diffId) => readLayerInfo(store, diffId).size).reverse();
    if (ctx.json) return rows.forEach((r) => ctx.jsonLine(r));
    if (ctx.quiet) return ctx.out(rows.filter((r) => r.diffId !== null).map((r) => shortId(r.diffId!) + '\n').join(''));
    // Escaped before the cut, so the cut counts what is shown.
    const trunc = (text: string, n: number) => {
      const s = terminalText(text);
      return !argv.trunc || s.length <= n ? s : s.slice(0, n - 1) + '…';
    };
    ctx.out(table(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], rows.map((r, i) => [
      i === 0 ? shortId(image.id) : '<missing>', timeAgo(r.created), trunc(r.createdBy, 45), humanSize(r.size), r.comment,
    ])));
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
