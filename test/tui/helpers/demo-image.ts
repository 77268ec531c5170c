// A small three-layer image for the TUI's tests, built from literal layer indexes (no store):
//   layer 0: /bin/sh -> busybox, /etc/hosts, /etc/passwd (100 B), /var/cache/a (50 B)
//   layer 1: /etc/passwd changed (120 B), /opt/app added (300 B), /etc/hosts whited out
//   layer 2: /var/cache made opaque, holding only /var/cache/b (10 B)

import type { ImageConfig } from '../../../src/store/image-config.js';
import type { ImageFiles } from '../../../tui/data/image-files.js';
import { imageModelOf, type ImageModel } from '../../../tui/data/image-model.js';
import { dir, file, layer, link } from '../../helpers/overlay-index.js';

export const DEMO_ID = `sha256:${'d'.repeat(64)}`;

export const DEMO_LAYERS = [
  layer({ '/bin': dir(), '/bin/sh': link('busybox'), '/etc': dir(), '/etc/hosts': file(20), '/etc/passwd': file(100), '/var': dir(), '/var/cache': dir(), '/var/cache/a': file(50) }),
  layer({ '/etc': dir(), '/etc/passwd': file(120, { mode: 0o600, uid: 0, gid: 42 }), '/opt': dir(), '/opt/app': file(300) }, { whiteouts: ['/etc/hosts'] }),
  layer({ '/var': dir(), '/var/cache': dir(), '/var/cache/b': file(10) }, { opaque: ['/var/cache'] }),
];

export const DEMO_CONFIG: ImageConfig = {
  created: '2024-01-01T00:00:00Z',
  architecture: 'amd64',
  os: 'linux',
  rootfs: { type: 'layers', diff_ids: ['1', '2', '3'].map((c) => `sha256:${c.repeat(64)}`) },
  history: [
    { created_by: '/bin/sh -c #(nop) ADD file:0123 in / ' },
    { created_by: '/bin/sh -c #(nop)  ENV X=1', empty_layer: true },
    { created_by: '/bin/sh -c apt-get install app' },
    { created_by: '/bin/sh -c rm -rf /var/cache/*' },
  ],
};

/** A file's bytes in the demo image: a few lines naming it and the layer it comes from; the base
 * layer's /var/cache/a is binary. Extractions are recorded. */
export const DEMO_EXTRACTED: { path: string; layer: number; dest: string }[] = [];

export const DEMO_FILES: ImageFiles = {
  async read(r) {
    if (r.path === '/var/cache/a') return Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0x41, 0x42, 0x0a, 0xff, 0xfe, 0x10, 0x20, 0x7e, 0x7f, 0x80]);
    return Buffer.from(`${r.path}\nfrom layer ${r.layer}\nsame\n`);
  },
  async extract(r, layer, dest) {
    DEMO_EXTRACTED.push({ path: r.path, layer, dest });
    return [];
  },
};

export function demoModel(ref = 'demo:1'): ImageModel {
  return imageModelOf(DEMO_ID, ref, DEMO_CONFIG, DEMO_LAYERS, [{ size: 170 }, { size: 420 }, { size: 10 }], DEMO_FILES);
}
