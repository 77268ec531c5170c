// Rootfs assembly drivers (docs/DESIGN.md §5). `overlay`: the kernel's overlayfs gives copy-on-write at
// run time and the container's upper directory is its writable layer. `copy`: the merged view is
// materialized into the container's own rootfs (reflinked where the file system can), and its
// writable layer is computed after the fact by comparing with the image. Both hand the run plan a
// root to mount and give `diff` (and later `commit`) the same thing: a LayerIndex.

import { release } from 'node:os';
import type { DriverContext, DriverName, RootfsDriver } from './types.js';

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
