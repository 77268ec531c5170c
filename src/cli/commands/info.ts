import { release } from 'node:os';
import { defineCommand } from '../define.js';
import { humanSize } from '../../base/format.js';
import { hostArchitecture } from '../../store/image-config.js';
import { listImageIds } from '../../store/images.js';
import { listLayers, readLayerInfo } from '../../store/layers.js';
import { STORE_FORMAT } from '../../store/paths.js';

export const info = defineCommand({
  command: 'info',
  describe: 'Show the store and the host strata runs on',
  builder: (y) => y,
  run: async (ctx) => {
    const store = await ctx.store();
    const layers = listLayers(store);
    const { runtimeFacts } = await import('../../runtime/containers/facts.js');
    const runtime = runtimeFacts(store, ctx.driver);
    const record = {
      root: store.root,
      storeFormat: STORE_FORMAT,
      images: listImageIds(store).length,
      layers: layers.length,
      layersSize: layers.reduce((n, d) => n + readLayerInfo(store, d).size, 0),
      kernel: release(),
      os: 'linux',
      architecture: hostArchitecture(),
      user: process.getuid?.() === 0 ? 'root' : `uid ${process.getuid?.()}`,
      ...runtime,
    };
    if (ctx.json) return ctx.jsonLine(record);
    ctx.out([
      `Root Dir: ${record.root}`,
      `Store Format: ${record.storeFormat}`,
      `Images: ${record.images}`,
      `Layers: ${record.layers} (${humanSize(record.layersSize)})`,
      `Kernel Version: ${record.kernel}`,
      `Operating System: ${record.os}`,
      `Architecture: ${record.architecture}`,
      `Running As: ${record.user}`,
      `Containers: ${record.containers}`,
      `Storage Driver: ${record.driver}`,
      `Cgroup Version: ${record.cgroupVersion ?? 'none'}${record.cgroupVersion === undefined ? ' (limits fall back to rlimits)' : ''}`,
      ...(record.userNamespace ? [`User Namespace: ${record.userNamespace}`] : []),
    ].join('\n') + '\n');
  },
});
