// A model layer as an OCI layer tar, the way strata receives layers: whiteouts as empty
// `DIR/.wh.NAME` files, opaque directories as a `DIR/.wh..wh..opq` marker. The differential test
// unpacks these with strata's own unpacker, so the resolver it checks reads real indices.

import { TarWriter } from '../../src/tar/writer.js';
import type { ModelLayer } from './overlay-model.js';

export function layerTar(layer: ModelLayer): Buffer {
  const chunks: Buffer[] = [];
  const tar = new TarWriter((chunk) => chunks.push(Buffer.from(chunk)));
  for (const path of [...layer.entries.keys(), ...layer.whiteouts].sort()) {
    const name = path.slice(1);
    const e = layer.entries.get(path);
    if (e === undefined) {
      const cut = name.lastIndexOf('/') + 1;
      tar.add({ name: `${name.slice(0, cut)}.wh.${name.slice(cut)}`, type: 'file', mode: 0o644 });
      continue;
    }
    const common = { mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime };
    switch (e.type) {
      case 'dir':
        tar.add({ name: `${name}/`, type: 'dir', ...common });
        if (layer.opaque.has(path)) tar.add({ name: `${name}/.wh..wh..opq`, type: 'file', mode: 0o644 });
        break;
      case 'file':
        if (e.hardlinkOf !== undefined) tar.add({ name, type: 'hardlink', ...common, linkName: e.hardlinkOf.slice(1) });
        else tar.add({ name, type: 'file', ...common }, e.content);
        break;
      case 'symlink': tar.add({ name, type: 'symlink', ...common, linkName: e.target! }); break;
      default: tar.add({ name, type: e.type, ...common, devMajor: e.devMajor ?? 0, devMinor: e.devMinor ?? 0 });
    }
  }
  tar.finish();
  return Buffer.concat(chunks);
}
