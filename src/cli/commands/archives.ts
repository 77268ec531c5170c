// Moving images in and out as files: load (OCI layout or docker-archive), save, export.

import type { Writable } from 'node:stream';
import { UsageError } from '../../base/errors.js';
import { nonEmpty, oneOf } from '../../base/flag-values.js';
import { resolveImage, resolveImageReference } from '../../store/lookup.js';
import { toStdout } from '../closed-output.js';
import { defineCommand } from '../define.js';
import { progressReporter } from '../progress.js';

export const load = defineCommand({
  command: 'load <path> [name]',
  describe: 'Load images from an OCI image layout (directory or tar) or a docker-archive',
  builder: (y) => y
    .positional('path', { type: 'string', demandOption: true })
    .positional('name', { type: 'string', describe: 'NAME[:TAG] for bare-tag or unnamed images' })
    .option('platform', { type: 'string', requiresArg: true, describe: 'OS/ARCH[/VARIANT] to load (default: this machine\'s, else the only one in the archive, with a warning; another platform\'s image can be inspected, read and saved, not run)' }),
  run: async (ctx, argv) => {
    const { loadArchive } = await import('../../archive/load.js');
    const { parsePlatform } = await import('../../archive/archive-plan.js');
    const platform = argv.platform === undefined ? undefined : parsePlatform(argv.platform);
    const progress = progressReporter('Loading');
    try {
      const loaded = await loadArchive(await ctx.store(), argv.path, {
        ...(argv.name !== undefined ? { name: argv.name } : {}),
        ...(platform ? { platform } : {}),
        onWarning: (message) => process.stderr.write(`strata: warning: ${message}\n`),
        ...(progress ? { onProgress: progress.update } : {}),
      });
      progress?.done();
      for (const image of loaded) {
        if (ctx.json) ctx.jsonLine(image);
        else if (image.refs.length === 0) ctx.out(`Loaded image ID: ${image.id}\n`);
        else ctx.out(image.refs.map((r) => `Loaded image: ${r}\n`).join(''));
      }
    } catch (err) {
      progress?.done();
      throw err;
    }
  },
});

export const save = defineCommand({
  command: 'save <images..>',
  describe: 'Write images as one docker-archive (default) or OCI layout tar, named by the references given (none for an image given by id)',
  builder: (y) => y
    .positional('images', { type: 'string', array: true, demandOption: true })
    .option('output', OUTPUT)
    .option('format', { type: 'string', requiresArg: true, describe: 'docker (the default: docker-archive) or oci (an OCI layout)' }),
  run: async (ctx, argv) => {
    const format = argv.format === undefined ? 'docker' : oneOf('--format', argv.format, ['docker', 'oci'] as const);
    const output = outputOf(argv.output);
    const { saveImages } = await import('../../archive/save.js');
    const store = await ctx.store();
    // Each argument names the image it resolves to; it is recorded only when it was a tag.
    const requests = argv.images.map((text) => {
      const { image, ref } = resolveImageReference(store, String(text));
      return { id: image.id, refs: ref === undefined ? [] : [ref] };
    });
    await writeOutput(output, (out) => saveImages(store, requests, out, { format }));
  },
});

export const exportCommand = defineCommand({
  command: 'export <ref>',
  describe: 'Write the merged filesystem of an image as one flattened tar',
  builder: (y) => y
    .positional('ref', { type: 'string', demandOption: true })
    .option('output', OUTPUT),
  run: async (ctx, argv) => {
    const output = outputOf(argv.output);
    const { exportFlattened } = await import('../../archive/export.js');
    const store = await ctx.store();
    const image = resolveImage(store, argv.ref);
    await writeOutput(output, (out) => exportFlattened(store, image.config.rootfs.diff_ids, out));
  },
});

/** -o FILE: archive/output-file.ts says what happens to what is already there. */
const OUTPUT = { alias: 'o', type: 'string', requiresArg: true, describe: 'File to write (default: stdout); a device or FIFO there is written into, a regular file replaced once complete' } as const;

/** -o's value: undefined (or "-") for stdout. */
function outputOf(file: string | undefined): string | undefined {
  return file === undefined || file === '-' ? undefined : nonEmpty('--output', file, 'a file');
}

/** To a file (output-file.ts) or to stdout (never a TTY). */
async function writeOutput(file: string | undefined, produce: (out: Writable) => Promise<void>): Promise<void> {
  const { produceInto, writeOutputFile } = await import('../../archive/output-file.js');
  if (file !== undefined) return writeOutputFile(file, produce);
  if (process.stdout.isTTY) throw new UsageError('refusing to write an archive to a terminal: use -o FILE or redirect stdout');
  await toStdout(() => produceInto(process.stdout, 'to standard output', produce));
}
