// WORKDIR sets the working directory and, as BuildKit does, makes it: the directories of the path
// the image lacks are created 0755, owned by the stage's USER when one is set (looked up in the
// image's /etc/passwd and /etc/group as --chown is), root's otherwise. A directory that is already
// there changes nothing and adds no layer; a path through a symlink is resolved inside the image;
// a path that is a file is an error, as BuildKit's mkdir makes it.

import { bytesOfUserString, joinPath, parentOf, type BytePath } from '../../base/byte-path.js';
import { openStackView } from '../../content/image-view.js';
import { PathError } from '../../resolver/path-error.js';
import { resolvePrefix } from '../../resolver/symlinks.js';
import { addLayer } from '../../store/layers.js';
import { dockerfileError } from '../dockerfile/parse.js';
import { entriesTar, sortedEntries, type NewEntry } from '../layer/entries-tar.js';
import type { StepContext } from './context.js';
import { ownerOf } from './copy-step.js';
import { planMetadata } from './metadata.js';
import { nextImage, type PlannedStep } from './step.js';

export function planWorkdir(ctx: StepContext, state: { cmdSetHere: boolean }): PlannedStep {
  const meta = planMetadata(ctx, state);
  const fail = (why: string) => dockerfileError(ctx.instruction.line, why);
  return {
    identity: meta.identity,
    execute: async () => {
      const set = await meta.execute();
      const config = set.image.config.config ?? {};
      const dir = config.WorkingDir ?? '/';
      const iv = openStackView(ctx.store, ctx.image.config.rootfs.diff_ids);
      let at;
      try {
        at = resolvePrefix(iv.view, bytesOfUserString(dir));
      } catch (err) {
        if (err instanceof PathError) throw fail(`cannot make the working directory ${dir}: ${err.message}`);
        throw err;
      }
      if (at.missing.length === 0) {
        if (at.entry.entry.type !== 'dir') throw fail(`cannot make the working directory ${dir}: it is not a directory in the image`);
        return set;
      }
      const owner = config.User ? ownerOf(ctx, iv, config.User, fail) : { uid: 0, gid: 0 };
      const mtime = Math.floor(Date.now() / 1000);
      const entries: NewEntry[] = [];
      let made = at.path as BytePath;
      for (const name of at.missing) {
        if (name === '.') continue;
        // (A symlink's target spliced in may climb back: mkdir -p follows it the same way.)
        made = name === '..' ? parentOf(made) : joinPath(made, name);
        if (name === '..') continue;
        entries.push({ path: made, type: 'dir', mode: 0o755, ...owner, mtime });
      }
      let sorted;
      try {
        sorted = sortedEntries(entries);
      } catch (err) {
        throw fail(`cannot make the working directory ${dir}: ${(err as Error).message.replace(/^cannot copy [^:]*: /, '')}`);
      }
      const layer = await addLayer(ctx.store, entriesTar(sorted), ctx.lease);
      const history = set.image.config.history ?? [];
      return { image: nextImage(ctx.image, config, history[history.length - 1]!.created_by!, layer.diffId), diffId: layer.diffId };
    },
  };
}
