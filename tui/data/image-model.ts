// What the Image view shows of one image, as plain data: its layers (index, size, created-by,
// empty-layer marks), the merged view at any layer, and dive's efficiency report. Built from the
// layer indexes alone; `openImageModel` reads them through the store's functions.

import type { LayerIndex } from '../../src/base/layer-index.js';
import { efficiency, type EfficiencyReport } from '../../src/resolver/efficiency.js';
import { View } from '../../src/resolver/view.js';
import { layerHistory, type ImageConfig } from '../../src/store/image-config.js';
import { readImage } from '../../src/store/images.js';
import { readLayerInfo, readStackIndexes, type LayerInfo } from '../../src/store/layers.js';
import type { Store } from '../../src/store/store.js';
import { storeImageFiles, type ImageFiles } from './image-files.js';

export interface LayerRow {
  /** 0 = the base layer. */
  readonly index: number;
  readonly diffId: string;
  /** Bytes of file content the layer adds. */
  readonly size: number;
  readonly entries: number;
  /** The history's created_by, without the "/bin/sh -c #(nop)" noise; "" when unknown. */
  readonly createdBy: string;
  /** The layer holds no entry, whiteout or opaque marker (a metadata-only step's layer). */
  readonly empty: boolean;
}

export interface ImageModel {
  readonly id: string;
  /** How the user named it (the row they opened). */
  readonly ref: string;
  readonly layers: readonly LayerRow[];
  /** The layers' indexes, base first. */
  readonly indexes: readonly LayerIndex[];
  /** The merged view of layers 0..n; built on first use and kept. */
  viewAt(n: number): View;
  /** dive's score over all layers; computed on first use and kept. */
  efficiency(): EfficiencyReport;
  /** The files' bytes (pager, diff) and their extraction to the host. */
  readonly files: ImageFiles;
}

/** The model of an image from its config, its layers' indexes and their store records. */
export function imageModelOf(id: string, ref: string, config: ImageConfig, indexes: readonly LayerIndex[], infos: readonly Pick<LayerInfo, 'size'>[], files: ImageFiles): ImageModel {
  const history = layerHistory(config);
  const layers = indexes.map((index, i): LayerRow => ({
    index: i,
    diffId: config.rootfs.diff_ids[i]!,
    size: infos[i]?.size ?? 0,
    entries: index.entries.size,
    createdBy: cleanCreatedBy(history[i]?.created_by ?? ''),
    empty: index.entries.size === 0 && index.whiteouts.size === 0 && index.opaque.size === 0,
  }));
  const views = new Map<number, View>();
  let top: View | undefined;
  let report: EfficiencyReport | undefined;
  return {
    id,
    ref,
    layers,
    indexes,
    viewAt(n) {
      let view = views.get(n);
      if (!view) {
        top ??= View.of(indexes);
        view = top.at(n);
        views.set(n, view);
      }
      return view;
    },
    efficiency: () => (report ??= efficiency(indexes)),
    files,
  };
}

export function openImageModel(store: Store, id: string, ref: string): ImageModel {
  const { config } = readImage(store, id);
  const diffIds = config.rootfs.diff_ids;
  return imageModelOf(id, ref, config, readStackIndexes(store, diffIds), diffIds.map((d) => readLayerInfo(store, d)), storeImageFiles(store, id, ref));
}

/** Docker's history says "/bin/sh -c #(nop)  CMD [...]" for metadata steps and "/bin/sh -c cmd"
 * for RUN; dive shows the instruction, as here. */
export function cleanCreatedBy(text: string): string {
  return text.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN ').replace(/\s+/g, ' ').trim();
}
