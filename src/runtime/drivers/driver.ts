// Rootfs assembly drivers (DESIGN §5). `overlay`: the kernel's overlayfs gives copy-on-write at
// run time and the container's upper directory is its writable layer. `copy`: the merged view is
// materialized into the container's own rootfs (reflinked where the file system can), and its
// writable layer is computed after the fact by comparing with the image. Both hand the run plan a
// root to mount and give `diff` (and later `commit`) the same thing: a LayerIndex.

import { release } from 'node:os';
import type { LayerIndex } from '../../base/layer-index.js';
import type { ImageView } from '../../content/image-view.js';
import type { Store } from '../../store/store.js';
import type { DriverName } from '../containers/records.js';
import type { MountPoint } from '../sandbox/mount-points.js';
import type { MakeNodes } from './overlay-marks.js';
import type { RootfsMount } from '../sandbox/plan.js';

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

/** overlay where this process may mount it: as root, or in a user namespace from Linux 5.11 on
 * (overlay mounts there, keeping its markers in user.* xattrs); copy otherwise. */
export function defaultDriverName(kernel: string = release()): DriverName {
  if (process.getuid?.() === 0) return 'overlay';
  const [major = 0, minor = 0] = kernel.split('.').map((n) => parseInt(n, 10));
  return major > 5 || (major === 5 && minor >= 11) ? 'overlay' : 'copy';
}

export async function openDriver(name: DriverName, ctx: DriverContext): Promise<RootfsDriver> {
  if (name === 'overlay') return new (await import('./overlay.js')).OverlayDriver(ctx);
  return new (await import('./copy.js')).CopyDriver(ctx);
}
