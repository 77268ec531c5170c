// What a build step is to the executor. Each instruction is first *planned* — its words expanded,
// its identity fixed — and then *executed*. The identity is everything the step's result depends
// on: the parent (its config's digest, which names its layers), the instruction as expanded, the
// build arguments it can see, and for COPY/ADD the sources it reads. A build cache keys a step by
// it and can take a stored result instead of executing (docs/DESIGN.md §11).

import type { HistoryEntry, ImageConfig } from '../../store/image-config.js';

/** The image a stage has built so far: its config (layers, environment, history). */
export interface StageImage {
  readonly config: ImageConfig;
}

export interface StepIdentity {
  /** sha256 of the parent's config bytes: its layers, config and history. */
  readonly parent: string;
  /** The instruction with its words expanded, as history records it. */
  readonly instruction: string;
  /** Build arguments the step read while it was planned, with their values (null: declared
   * without one), in declaration order. */
  readonly args: readonly (readonly [string, string | null])[];
  /** COPY/ADD: where each source comes from (`context:PATH`, `stage:N:PATH`, `image:ID:PATH`,
   * `heredoc:NAME`); its content is read when the step executes. */
  readonly sources?: readonly string[];
}

export interface StepOutcome {
  readonly image: StageImage;
  /** The layer the step added, if any. */
  readonly diffId?: string;
}

export interface PlannedStep {
  readonly identity: StepIdentity;
  /** Makes the step's image: its config, its layer if it has one, its history entry (whose
   * created_by, Docker's text, may name what only execution learns, such as a COPY's digest). */
  execute(): Promise<StepOutcome>;
  /** What the step does to the rest of the build besides its image (an ARG declares names),
   * done instead of execute() when its image comes from the cache. */
  reuse?(): void;
}

/** The parent's config with one more history entry and, when a layer was made, that layer. */
export function nextImage(parent: StageImage, config: ImageConfig['config'], createdBy: string, diffId?: string): StageImage {
  const created = new Date().toISOString();
  const entry: HistoryEntry = { created, created_by: createdBy, ...(diffId === undefined ? { empty_layer: true } : {}) };
  return {
    config: {
      ...parent.config,
      created,
      config: config ?? {},
      rootfs: { type: 'layers', diff_ids: diffId === undefined ? parent.config.rootfs.diff_ids : [...parent.config.rootfs.diff_ids, diffId] },
      history: [...(parent.config.history ?? []), entry],
    },
  };
}
