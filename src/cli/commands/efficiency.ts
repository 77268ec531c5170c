import { readFileSync } from 'node:fs';
import { displayPath, escapePath } from '../../base/byte-path.js';
import { UsageError, oneLine } from '../../base/errors.js';
import { fraction, nonEmpty, wholeNumber } from '../../base/flag-values.js';
import { efficiency as measure } from '../../resolver/efficiency.js';
import { readLayerIndex } from '../../store/layers.js';
import { resolveImage } from '../../store/lookup.js';
import { defineCommand } from '../define.js';
import { humanSize } from '../../base/format.js';
import { table } from '../format.js';

export const efficiency = defineCommand({
  command: 'efficiency <image>',
  describe: "Wasted space across an image's layers, as dive computes it; a CI gate with --lowest-efficiency or dive's --ci-config",
  builder: (y) => y
    .positional('image', { type: 'string', demandOption: true })
    .option('lowest-efficiency', { type: 'string', requiresArg: true, describe: 'Exit 1 when the score is below this (0..1)' })
    .option('ci-config', { type: 'string', requiresArg: true, describe: "dive's .dive-ci file: exit 1 naming each of its rules (lowestEfficiency, highestWastedBytes, highestUserWastedPercent) that fails" })
    .option('top', { type: 'string', requiresArg: true, describe: 'How many wasted paths to list (default 10)' }),
  run: async (ctx, argv) => {
    const floor = argv.lowestEfficiency === undefined ? undefined : fraction('--lowest-efficiency', argv.lowestEfficiency);
    const count = argv.top === undefined ? 10 : wholeNumber('--top', argv.top, 0, 1_000_000);
    const rules = argv.ciConfig === undefined ? undefined : await readCiConfig(nonEmpty('--ci-config', argv.ciConfig, 'a file'));
    const store = await ctx.store();
    const image = resolveImage(store, argv.image);
    const report = measure(image.config.rootfs.diff_ids.map((d) => readLayerIndex(store, d)));
    const top = report.wastedPaths.slice(0, count);
    const results = rules === undefined ? [] : (await import('../../resolver/dive-ci.js')).evaluateDiveCi(rules, report);
    const failed = [
      ...(floor !== undefined && report.score < floor ? [`efficiency ${report.score.toFixed(4)} is below the lowest allowed ${floor}`] : []),
      ...results.filter((r) => r.status === 'fail').map((r) => `rule ${r.name} failed: ${r.message}`),
    ];
    if (ctx.json) {
      ctx.jsonLine({
        score: report.score, wastedBytes: report.wastedBytes, totalBytes: report.totalBytes, minimumBytes: report.minimumBytes,
        sizeBytes: report.sizeBytes, userSizeBytes: report.userSizeBytes,
        userWastedRatio: Number.isFinite(report.userWastedRatio) ? report.userWastedRatio : null,
        ...(floor !== undefined ? { lowestEfficiency: floor } : {}),
        ...(rules !== undefined ? { rules: results } : {}),
        ...(floor !== undefined || rules !== undefined ? { pass: failed.length === 0 } : {}),
        wastedPaths: top.map((w) => ({ path: escapePath(w.path), copies: w.copies, totalBytes: w.totalBytes })),
      });
    } else {
      const ratio = Number.isFinite(report.userWastedRatio) ? `${(report.userWastedRatio * 100).toFixed(4)} %` : 'n/a (no bytes above the base layer)';
      ctx.out(`Efficiency: ${(report.score * 100).toFixed(4)} %\nWasted space: ${humanSize(report.wastedBytes)} (${report.wastedBytes} bytes)\n`
        + `Wasted of the bytes above the base layer: ${ratio}\n`);
      if (top.length > 0) {
        ctx.out('\nTop wasted paths:\n' + table(['COUNT', 'TOTAL SPACE', 'PATH'], top.map((w) => [String(w.copies), humanSize(w.totalBytes), displayPath(w.path)])));
      }
      if (results.length > 0) {
        ctx.out('\nRules:\n' + results.map((r) => `  ${{ pass: 'PASS', fail: 'FAIL', disabled: 'SKIP' }[r.status]}: ${r.name}${r.status === 'pass' ? '' : `: ${r.message}`}\n`).join(''));
      }
    }
    if (failed.length > 0) {
      process.stderr.write(`strata: ${failed.join('; ')}\n`);
      return 1;
    }
  },
});

/** The rules of a .dive-ci file; a file that is not one is refused (exit 2) before anything is measured. */
async function readCiConfig(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--ci-config ${file}: ${oneLine(err)}`);
  }
  const { parseDiveCi } = await import('../../resolver/dive-ci.js');
  try {
    return parseDiveCi(text);
  } catch (err) {
    throw new UsageError(`--ci-config ${file}: ${oneLine(err)}`);
  }
}
