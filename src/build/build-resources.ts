// What a build holds while it runs, and lets go of when it ends — done, failed or interrupted: the
// lease on every layer and image it uses, the images its RUN containers start from, the layers its
// steps made, the container of the step that runs. What the result does not use goes — but for
// the layers of steps recorded in the build cache, when the build succeeds; a running step's
// sandbox is killed first.

import { deleteContainer, readContainer } from '../runtime/containers/records.js';
import { discardImages, discardUnreferencedLayers } from '../store/gc.js';
import { encodeConfig, imageIdOf, writeImage } from '../store/images.js';
import { takeLease, type Lease } from '../store/lease.js';
import { removeEntry, type BuildCacheEntry } from '../store/build-cache.js';
import type { Store } from '../store/store.js';
import { existsSync } from 'node:fs';
import type { StageImage } from './steps/step.js';

export class BuildResources {
  readonly lease: Lease;
  private readonly intermediates: string[] = [];
  private readonly layers: string[] = [];
  private readonly containers = new Set<string>();
  /** Removals under way: an interrupted build waits for them before strata dies of the signal,
   * or a step's container that was going when the signal came would be left half removed. */
  private readonly removing = new Set<Promise<void>>();
  private readonly entries: { entry: Pick<BuildCacheEntry, 'key' | 'parent' | 'slot'>; diffId: string | undefined }[] = [];
  private released = false;
  /** The image the build made, kept when the rest goes. */
  result: string | undefined;

  constructor(private readonly store: Store) {
    this.lease = takeLease(store);
  }

  /** A step's image written to the store for a RUN container to start from, until the end. */
  intermediate(image: StageImage): string {
    const raw = encodeConfig(image.config);
    // An image that was already there (the base itself, unchanged) is not the build's to remove.
    const known = existsSync(this.store.paths.image(imageIdOf(raw)));
    const written = writeImage(this.store, raw);
    this.lease.add(written.id);
    if (!known) this.intermediates.push(written.id);
    return written.id;
  }

  layerMade(diffId: string): void {
    this.layers.push(diffId);
  }

  /** A step recorded in the build cache: kept when the build succeeds; a failed or interrupted
   * build takes its entries back, and their layers go as the rest of its own. */
  cached(entry: Pick<BuildCacheEntry, 'key' | 'parent' | 'slot'>, diffId: string | undefined): void {
    this.entries.push({ entry, diffId });
  }

  containerStarted(id: string): void {
    this.containers.add(id);
  }

  async removeContainer(id: string): Promise<void> {
    this.containers.delete(id);
    const removal = this.removeNow(id);
    this.removing.add(removal);
    try {
      await removal;
    } finally {
      this.removing.delete(removal);
    }
  }

  private async removeNow(id: string): Promise<void> {
    let rec;
    try {
      rec = readContainer(this.store, id);
    } catch {
      return;
    }
    // Interrupted while the command runs: its helper would die with strata (PDEATHSIG), but the
    // tree it works in goes first, so it is killed and awaited. A pid of an exited container may
    // be another process's by now: only a running one is signalled.
    if (rec.state === 'running' && rec.pid !== undefined) {
      try {
        process.kill(rec.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
      for (let i = 0; i < 200 && alive(rec.pid); i++) await new Promise((r) => setTimeout(r, 10));
    }
    await deleteContainer(this.store, rec);
  }

  /** A cancelled build: the running step's sandbox is killed, so the step fails and its container
   * is removed as a failing step's is. Only a running container is signalled (see below). */
  killRunning(): void {
    for (const id of this.containers) {
      try {
        const rec = readContainer(this.store, id);
        if (rec.state === 'running' && rec.pid !== undefined) process.kill(rec.pid, 'SIGKILL');
      } catch {
        // Not started yet (the check before the next step stops it) or gone already.
      }
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const id of [...this.containers]) await this.removeContainer(id);
    await Promise.allSettled([...this.removing]);
    await discardImages(this.store, this.intermediates.filter((id) => id !== this.result));
    if (this.result === undefined) {
      for (const { entry, diffId } of this.entries) {
        removeEntry(this.store, entry);
        if (diffId) this.layers.push(diffId);
      }
    }
    this.lease.release();
    await discardUnreferencedLayers(this.store, this.layers);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
