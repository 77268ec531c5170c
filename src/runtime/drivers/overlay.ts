// The overlay driver. Lower directories, top first: the container's init layer (mount points the
// image lacks), then for each image layer from the top its marks and directory (overlay-marks.ts),
// stopping below a layer whose root is opaque. upper/ is the writable layer, work/ overlay's work
// directory, merged/ the mount point (the mount exists only in the sandbox's mount namespace).
// The helper passes each lower directory to the kernel separately (fsconfig "lowerdir+"), so the
// one-page limit of mount(2) options does not cap the layer count; overlay's own stack limit is
// OVL_MAX_STACK = 500 lower directories.

import { chmodSync, chownSync, mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../base/byte-path.js';
import { StrataError } from '../../base/errors.js';
import type { LayerIndex } from '../../base/layer-index.js';
import type { ImageView } from '../../content/image-view.js';
import { layerRootfs } from '../../store/layers.js';
import type { DriverContext, RootfsDriver } from './types.js';
import type { MountPoint } from '../sandbox/mount-points.js';
import { existingMarks, layerMarks, type LayerMarks } from './overlay-marks.js';
import type { RootfsMount } from '../sandbox/plan.js';
import { makeSkeleton } from './skeleton.js';
import { readUpperIndex } from './upper-index.js';

export const OVERLAY_MAX_LOWER = 500;

export class OverlayDriver implements RootfsDriver {
  readonly name = 'overlay' as const;

  constructor(private readonly ctx: DriverContext) {}

  async populate(dir: string, image: ImageView, mountPoints: readonly MountPoint[]): Promise<void> {
    const marks: LayerMarks[] = [];
    for (let i = 0; i < image.diffIds.length; i++) marks.push(await layerMarks(this.ctx.store, image.diffIds[i]!, image.view.layers[i]!, this.ctx.makeNodes));
    const count = this.imageLowers(image, (i) => marks[i]!).length + 1;
    if (count > OVERLAY_MAX_LOWER) {
      throw new StrataError(`the image needs ${count} overlay lower directories, more than the kernel's ${OVERLAY_MAX_LOWER}; use --driver copy`, { exitCode: 125 });
    }
    makeSkeleton(join(dir, 'init'), mountPoints, image.view);
    for (const sub of ['upper', 'work', 'merged']) mkdirSync(join(dir, sub), { mode: 0o755 });
    // The merged root shows the topmost directories' own metadata: give them the image's.
    const root = image.view.lookup(ROOT)!.entry;
    for (const top of [join(dir, 'upper'), join(dir, 'init')]) {
      if (process.getuid?.() === 0) chownSync(top, root.uid, root.gid);
      chmodSync(top, root.mode);
      utimesSync(top, root.mtime, root.mtime);
    }
  }

  rootfs(dir: string, image: ImageView): RootfsMount {
    const lowers = [join(dir, 'init'), ...this.imageLowers(image, (i) => existingMarks(this.ctx.store, image.diffIds[i]!))];
    return { kind: 'overlay', lowerDirs: lowers, upperDir: join(dir, 'upper'), workDir: join(dir, 'work') };
  }

  newRoot(dir: string): string {
    return join(dir, 'merged');
  }

  async writableLayer(dir: string, image: ImageView): Promise<LayerIndex> {
    return readUpperIndex(this.ctx.store, join(dir, 'upper'), image.types);
  }

  private imageLowers(image: ImageView, marksOf: (layer: number) => LayerMarks): string[] {
    const lowers: string[] = [];
    for (let i = image.diffIds.length - 1; i >= 0; i--) {
      const marks = marksOf(i);
      if (marks.above) lowers.push(marks.above);
      lowers.push(layerRootfs(this.ctx.store, image.diffIds[i]!));
      if (image.view.layers[i]!.opaque.has(ROOT)) break;
      if (marks.below) lowers.push(marks.below);
    }
    return lowers;
  }
}
