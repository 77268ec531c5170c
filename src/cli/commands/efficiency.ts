import { displayPath, escapePath } from '../../base/byte-path.js';
import { fraction, wholeNumber } from '../../base/flag-values.js';
import { efficiency as measure } from '../../resolver/efficiency.js';
import { readLayerIndex } from '../../store/layers.js';
import { resolveImage } from '../../store/lookup.js';
import { defineCommand } from '../define.js';
import { humanSize } from '../../base/format.js';
import { table } from '../format.js';

export const efficiency = defineCommand({
  command: 'efficiency <image>',
  describe: "Wasted space across an image's layers (dive's score); a CI gate with --lowest-efficiency",
  builder: (y) => y
    .positional('image', { type: 'string', demandOption: true })
    .option('lowest-efficiency', { type: 'string', requiresArg: true, describe: 'Exit 1 when the score is below this (0..1)' })
    .option('top', { type: 'string', requiresArg: true, describe: 'How many wasted paths to list (default 10)' }),
  run: async (ctx, argv) => {
    const floor = argv.lowestEfficiency === undefined ? undefined : fraction('--lowest-efficiency', argv.lowestEfficiency);
    const count = argv.top === undefined ? 10 : wholeNumber('--top', argv.top, 0, 1_000_000);
    const store = await ctx.store();
    const image = resolveImage(store, argv.image);
    const report = measure(image.config.rootfs.diff_ids.map((d) => readLayerIndex(store, d)));
    const top = report.wastedPaths.slice(0, count);
    const pass = floor === undefined || report.score >= floor;
    if (ctx.json) {
      ctx.jsonLine({
        score: report.score, wastedBytes: report.wastedBytes, totalBytes: report.totalBytes, minimumBytes: report.minimumBytes,
        ...(floor !== undefined ? { lowestEfficiency: floor, pass } : {}),
        wastedPaths: top.map((w) => ({ path: escapePath(w.path), copies: w.copies, totalBytes: w.totalBytes })),
      });
    } else {
      ctx.out(`Efficiency: ${(report.score * 100).toFixed(4)} %\nWasted space: ${humanSize(report.wastedBytes)} (${report.wastedBytes} bytes)\n`);
      if (top.length > 0) {
        ctx.out('\nTop wasted paths:\n' + table(['COUNT', 'TOTAL SPACE', 'PATH'], top.map((w) => [String(w.copies), humanSize(w.totalBytes), displayPath(w.path)])));
      }
    }
    if (!pass) {
      process.stderr.write(`strata: efficiency ${report.score.toFixed(4)} is below the lowest allowed ${floor}\n`);
      return 1;
    }
  },
});

