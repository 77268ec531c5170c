// What a rootfs driver is; overlay.ts and copy.ts are the two. Kept apart from driver.ts, which
// chooses a driver and loads its module only when it is asked for, so neither driver imports the
// module that loads it.

import type { LayerIndex } from '../../base/layer-index.js';
import type { ImageView } from '../../content/image-view.js';
import type { Store } from '../../store/store.js';
import type { MountPoint } from '../sandbox/mount-points.js';
import type { RootfsMount } from '../sandbox/plan.js';
import type { MakeNodes } from './overlay-marks.js';

/** The drivers there are (`--driver`), as a container's record names its own. */
export type DriverName = 'overlay' | 'copy';

export interface RootfsDriver {
  readonly name: DriverName;
  /** Fill a new container's directory (still in staging) with what its root needs. */
  populate(dir: string, image: ImageView, mountPoints: readonly MountPoint[]): Promise<void>;
  /** The root the plan mounts, for the container's published directory. */
  rootfs(dir: string, image: ImageView): RootfsMount;
  /** Where the root is mounted inside the sandbox's mount namespace (an existing directory). */
  newRoot(dir: string): string;
  /** The container's writable layer: what it added, changed and deleted. */
  writableLayer(dir: string, image: ImageView): Promise<LayerIndex>;
}

export interface DriverContext {
  readonly store: Store;
  readonly makeNodes: MakeNodes;
}
