import { terminalText } from '../../base/terminal-text.js';
import { defineCommand } from '../define.js';
import { humanSize, shortId, timeAgo } from '../../base/format.js';
import { table } from '../format.js';
import { layerHistory } from '../../store/image-config.js';
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
    const steps = layerHistory(image.config);
    const rows = image.config.rootfs.diff_ids.map((diffId, layer) => {
      const h = steps[layer];
      return { layer, diffId, created: h?.created ?? image.config.created ?? '', createdBy: h?.created_by ?? '', size: readLayerInfo(store, diffId).size, comment: h?.comment ?? '' };
    }).reverse();
    if (ctx.json) return rows.forEach((r) => ctx.jsonLine(r));
    if (ctx.quiet) return ctx.out(rows.map((r) => shortId(r.diffId) + '\n').join(''));
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
