// Everything the TUI asks of the world, in one interface: the store through the library's
// functions, the sandbox commands through the strata CLI. The app takes it as a prop, so tests
// give it a store of their own (or fakes) and no component reaches past it.

import { removeImages } from '../../src/store/gc.js';
import type { Store } from '../../src/store/store.js';
import { listImageRows, refOfRow, type ImageRow } from '../data/image-rows.js';
import { openImageModel, type ImageModel } from '../data/image-model.js';
import { runImport, type ImportProgress, type ImportRequest } from '../data/import-job.js';
import { completePath } from '../data/path-completion.js';
import type { StrataCli } from '../data/strata-cli.js';

export interface TuiServices {
  /** The store's directory, for the status line. */
  readonly root: string;
  readonly driver: string;
  listImages(): ImageRow[];
  openImage(row: ImageRow): ImageModel;
  /** `rmi`: the tag (or the image, by id); resolves with a one-line report. */
  removeImage(row: ImageRow): Promise<string>;
  importFile(request: ImportRequest, onProgress: (p: ImportProgress) => void, signal: AbortSignal): Promise<string[]>;
  completePath(text: string): string[];
  /** The sandbox commands (ps, diff, commit, rm, start, stop, logs). */
  readonly cli: StrataCli;
  /** Gives the terminal to `strata ARGS…` (run -it, exec -it) and takes it back; its status. */
  onTerminal(args: readonly string[]): number;
}

export function storeServices(store: Store, driver: string, cli: StrataCli, onTerminal: (args: readonly string[]) => number): TuiServices {
  return {
    root: store.root,
    driver,
    listImages: () => listImageRows(store),
    openImage: (row) => openImageModel(store, row.id, row.ref),
    async removeImage(row) {
      const report = await removeImages(store, [refOfRow(row)]);
      const parts = [...report.untagged.map((t) => `untagged ${t}`), ...report.deletedImages.map((i) => `deleted ${i.slice(7, 19)}`)];
      return parts.join(', ') || `nothing removed for ${row.ref}`;
    },
    importFile: (request, onProgress, signal) => runImport(store, request, onProgress, signal),
    completePath: (text) => completePath(text),
    cli,
    onTerminal,
  };
}
