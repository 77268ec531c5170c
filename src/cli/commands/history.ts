import { terminalText } from '../../base/terminal-text.js';
import { defineCommand } from '../define.js';
import { humanSize, shortId, timeAgo } from '../../base/format.js';
import { FORMAT_OPTION, checkFormat, printList, type ListSpec } from '../list-output.js';
import { layerHistory } from '../../store/image-config.js';
import { readLayerInfo } from '../../store/layers.js';
import { resolveImage } from '../../store/lookup.js';

interface Row {
  readonly diffId: string;
  /** The image's id on its top row, "<missing>" below, as Docker shows a pulled image's. */
  readonly id: string;
  readonly created: string;
  readonly createdBy: string;
  readonly size: number;
  readonly comment: string;
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
    id: (r) => shortId(r.diffId),
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
    const steps = layerHistory(image.config);
    const rows: Row[] = image.config.rootfs.diff_ids.map((diffId, layer) => {
      const h = steps[layer];
      return { diffId, id: '<missing>', created: h?.created ?? image.config.created ?? '', createdBy: h?.created_by ?? '', size: readLayerInfo(store, diffId).size, comment: h?.comment ?? '' };
    }).reverse();
    if (rows[0] !== undefined) rows[0] = { ...rows[0], id: image.id };
    printList(ctx, argv.format, rows, rowsSpec);
  },
});
