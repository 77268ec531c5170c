import { defineCommand } from '../define.js';
import { parseTemplate } from '../go-template.js';
import { FORMAT_OPTION, formatted } from '../list-output.js';
import { jsonText } from '../../base/terminal-text.js';
import { imageSize } from '../../store/image-size.js';
import { resolveImage } from '../../store/lookup.js';
import { listTags } from '../../store/tags.js';

export const inspect = defineCommand({
  command: 'inspect <ref..>',
  describe: "Show the full record of images: Docker's JSON array (--format: a Go template per image)",
  builder: (y) => y
    .positional('ref', { type: 'string', array: true, demandOption: true })
    .option('format', FORMAT_OPTION),
  run: async (ctx, argv) => {
    // Checked first: any field, as records nest (`{{.Config.Env}}`), but the template's form.
    if (argv.format !== undefined) parseTemplate(argv.format, undefined);
    const store = await ctx.store();
    const tags = [...listTags(store)];
    const records = argv.ref.map((text) => {
      const image = resolveImage(store, text);
      const c = image.config;
      return {
        Id: image.id,
        RepoTags: tags.filter(([, id]) => id === image.id).map(([ref]) => ref),
        Created: c.created,
        Author: c.author,
        Architecture: c.architecture,
        Os: c.os,
        Config: c.config ?? {},
        RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
        Size: imageSize(store, c.rootfs.diff_ids),
        History: c.history ?? [],
      };
    });
    // Docker's array, with --json or without: one document a script parses whole.
    if (argv.format !== undefined) return ctx.out(formatted(ctx, argv.format, records, undefined, {}));
    ctx.out(jsonText(records, 4) + '\n');
  },
});
