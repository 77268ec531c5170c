// `strata commit CTR [NAME[:TAG]]`: the container's writable layer becomes a new layer on top of
// its image's, and a new image: the parent's config with the `--change`s applied, its history plus
// one entry (created_by = the container's command, comment = -m), as `docker commit` makes it. The
// layer goes into the store like any other (addLayer: unpacked, indexed, tar-split kept), from the
// canonical tar of commit-tar.ts, so committing an unchanged container again gives the same
// diff_id. A container that changed nothing adds no layer: its history entry says empty_layer.
// A running container is paused while its writable layer is read (containers/pause.ts), unless
// asked not to be (`--pause=false`, as with docker); read unpaused, its files may be mid-change,
// but never anything outside them (commit-tar.ts).

import { StrataError } from '../../base/errors.js';
import type { ImageView } from '../../content/image-view.js';
import { applyChanges } from '../../store/config-changes.js';
import type { HistoryEntry, ImageConfig } from '../../store/image-config.js';
import { encodeConfig, readImage, writeImage, type Image } from '../../store/images.js';
import { addLayer } from '../../store/layers.js';
import { withLease, type Lease } from '../../store/lease.js';
import { formatReference, parseReference } from '../../store/reference.js';
import type { Store } from '../../store/store.js';
import { setTag } from '../../store/tags.js';
import { findContainer, type ContainerRecord } from '../containers/records.js';
import { thawAbandonedPause, whilePaused } from '../containers/pause.js';
import { subordinateIds } from '../rootless/subordinate-ids.js';
import { containerLayerTar } from './container-layer-tar.js';

export interface CommitOptions {
  /** NAME[:TAG] to tag the new image with. */
  readonly ref?: string;
  readonly message?: string;
  readonly author?: string;
  /** Dockerfile instructions for the config (CMD, ENV, …), as `docker commit --change`. */
  readonly changes?: readonly string[];
  /** Freeze a running container while its layer is read (default true, as `docker commit`). */
  readonly pause?: boolean;
}

export async function commitContainer(store: Store, text: string, o: CommitOptions = {}): Promise<Image> {
  // What the user typed is checked before any work.
  const ref = o.ref === undefined ? undefined : formatReference(parseReference(o.ref));
  const rec = findContainer(store, text);
  const parent = readImage(store, rec.image);
  const config = applyChanges(parent.config.config ?? {}, o.changes ?? []);

  await thawAbandonedPause(store, rec);
  return withLease(store, async (lease) => {
    lease.add(parent.id, ...parent.config.rootfs.diff_ids);
    const read = () => addWritableLayer(store, rec, lease);
    const added = await ((o.pause ?? true) ? whilePaused(store, rec, read) : read());
    const empty = added === undefined;
    const diffIds = empty ? parent.config.rootfs.diff_ids : [...parent.config.rootfs.diff_ids, added];
    const created = new Date().toISOString();
    const step: HistoryEntry = {
      created,
      created_by: rec.command.join(' '),
      ...(o.author ? { author: o.author } : {}),
      ...(o.message ? { comment: o.message } : {}),
      ...(empty ? { empty_layer: true } : {}),
    };
    const { author: _parentAuthor, ...inherited } = parent.config;
    const next: ImageConfig = {
      ...inherited,
      created,
      ...(o.author ? { author: o.author } : {}),
      config,
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [...(parent.config.history ?? []), step],
    };
    const image = writeImage(store, encodeConfig(next));
    lease.add(image.id);
    if (ref) setTag(store, ref, image.id);
    return image;
  });
}

/** The container's writable layer added to the store; its diff_id, or undefined when the
 * container changed nothing. `build` makes a RUN step's layer with it too. */
export async function addWritableLayer(store: Store, rec: ContainerRecord, lease: Lease, image?: ImageView): Promise<string | undefined> {
  // Rootless with subordinate ids, the container may hold files only their mapped owners can
  // read: its layer is written as root of that user namespace (mapped-changes.ts).
  const tar = store.mapped
    ? await (await import('./mapped-changes.js')).containerLayerTarMapped(store, rec)
    : await containerLayerTar(store, rec, ownerInside(), image);
  if (tar === undefined) return undefined;
  try {
    return (await addLayer(store, tar, lease)).diffId;
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError(`commit container ${rec.id.slice(0, 12)}`, { cause: err });
  }
}

/** Host owners -> the container's, as a rootless sandbox maps them (rootless/subordinate-ids.ts):
 * the caller is root inside, its subordinate range is 1..N; as root, ids are the same on both
 * sides. */
function ownerInside(): (id: number, kind: 'uid' | 'gid') => number {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid === 0) return (id) => id;
  const sub = subordinateIds();
  return (id, kind) => {
    if (id === (kind === 'uid' ? uid : gid)) return 0;
    const range = kind === 'uid' ? sub?.uids : sub?.gids;
    return range !== undefined && id >= range.start && id < range.start + range.count ? id - range.start + 1 : id;
  };
}
