// Everything the TUI asks of the world, in one interface: images, builds and containers through
// the library's functions, and the terminal given to an interactive `run -it` / `exec -it`. The app
// takes it as a prop, so tests give it a store of their own (or fakes) and no component reaches
// past it.

import { imageShell } from '../../src/runtime/sandbox/shell.js';
import { removeImages } from '../../src/store/gc.js';
import { readImage } from '../../src/store/images.js';
import type { Store } from '../../src/store/store.js';
import { storeContainers, type Containers } from '../data/containers.js';
import { listImageRows, refOfRow, type ImageRow } from '../data/image-rows.js';
import { openImageModel, type ImageModel } from '../data/image-model.js';
import { runImport, type ImportProgress, type ImportRequest } from '../data/import-job.js';
import { runBuild, type BuildRequest, type BuildResult } from '../data/build-job.js';
import type { BuildEvent } from '../data/build-log.js';
import type { DriverName } from '../../src/runtime/drivers/types.js';
import { completePath } from '../data/path-completion.js';
import { compareImages, type ImageComparison } from '../data/image-compare.js';

export interface TuiServices {
  /** The store's directory, for the status line. */
  readonly root: string;
  readonly driver: string;
  listImages(): ImageRow[];
  openImage(row: ImageRow): ImageModel;
  /** What differs from the first image to the second (`m`, then `c`). */
  compareImages(first: ImageRow, second: ImageRow): ImageComparison;
  /** `rmi`: the tag (or the image, by id); resolves with a one-line report. */
  removeImage(row: ImageRow): Promise<string>;
  importFile(request: ImportRequest, onProgress: (p: ImportProgress) => void, signal: AbortSignal): Promise<string[]>;
  /** `b`: a Dockerfile built, its progress as events; aborting the signal cancels it (nothing left behind). */
  buildImage(request: BuildRequest, onEvent: (e: BuildEvent) => void, signal: AbortSignal): Promise<BuildResult>;
  completePath(text: string): string[];
  /** The shell `r` starts in the image: its bash when it has one, else sh. */
  imageShell(row: ImageRow): 'bash' | 'sh';
  /** The containers: list (live), diff, commit, remove, start, stop, logs, figures, config, top. */
  readonly containers: Containers;
  /** Gives the terminal to `strata ARGS…` (run -it, exec -it) and takes it back; its status. */
  onTerminal(args: readonly string[]): number;
}

export function storeServices(store: Store, driver: string, onTerminal: (args: readonly string[]) => number): TuiServices {
  return {
    root: store.root,
    driver,
    listImages: () => listImageRows(store),
    openImage: (row) => openImageModel(store, row.id, row.ref),
    compareImages: (first, second) => compareImages(store, first.id, second.id),
    async removeImage(row) {
      const report = await removeImages(store, [refOfRow(row)]);
      const parts = [...report.untagged.map((t) => `untagged ${t}`), ...report.deletedImages.map((i) => `deleted ${i.slice(7, 19)}`)];
      return parts.join(', ') || `nothing removed for ${row.ref}`;
    },
    imageShell(row) {
      try {
        return imageShell(store, readImage(store, row.id));
      } catch {
        return 'sh';   // an image that cannot be read: run's own error will say why
      }
    },
    importFile: (request, onProgress, signal) => runImport(store, request, onProgress, signal),
    buildImage: (request, onEvent, signal) => runBuild(store, request, onEvent, signal, driver === 'overlay' || driver === 'copy' ? (driver satisfies DriverName) : undefined),
    completePath: (text) => completePath(text),
    containers: storeContainers(store),
    onTerminal,
  };
}
