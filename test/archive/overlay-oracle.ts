// The kernel's answer to "what does this layer stack look like": each layer tar extracted by GNU
// tar, its whiteouts turned into what overlayfs reads (a 0:0 character device for `.wh.NAME`, the
// trusted.overlay.opaque xattr for `.wh..wh..opq`), and the layers mounted read-only as one
// overlay. Needs root (the test machines run as root).

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface OverlayMount {
  readonly merged: string;
  unmount(): void;
}

/** `layerTars`: paths of (possibly compressed) layer tars, base first. */
export function mountLayerTars(dir: string, layerTars: readonly string[]): OverlayMount {
  const lowers = layerTars.map((tar, i) => {
    const root = join(dir, `layer${i}`);
    mkdirSync(root, { recursive: true });
    execFileSync('tar', ['-xpf', tar, '--numeric-owner', '-C', root]);
    convertWhiteouts(root);
    return root;
  });
  const merged = join(dir, 'merged');
  mkdirSync(merged);
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${[...lowers].reverse().join(':')}`, merged]);
  return {
    merged,
    unmount() {
      execFileSync('umount', [merged]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function convertWhiteouts(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === '.wh..wh..opq') {
      rmSync(path);
      execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', dir]);
    } else if (name.startsWith('.wh.')) {
      rmSync(path);
      execFileSync('mknod', [join(dir, name.slice(4)), 'c', '0', '0']);
    } else if (lstatSync(path).isDirectory()) {
      convertWhiteouts(path);
    }
  }
}
