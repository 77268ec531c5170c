// `strata build`: a Dockerfile's stages built step by step into one image. Each step is planned
// (its words expanded, its identity fixed: steps/step.ts) and then executed; only the stages the
// target needs are built, each once, when first named. Everything the build publishes is held by
// its lease until the image is written; what only the build used — the images its RUN containers
// started from, layers of stages that are not in the result — goes when it ends. A failed or
// interrupted build (SIGINT, SIGTERM, SIGHUP) sets no tag and leaves no container, mount, staging
// or layer behind (docs/DESIGN.md §11); so does one cancelled through its `signal` (the TUI's Esc).

import { StrataError } from '../base/errors.js';
import { undoneOnInterrupt } from '../base/interrupts.js';
import { encodeConfig, writeImage, type Image } from '../store/images.js';
import { formatReference, parseReference } from '../store/reference.js';
import type { DriverName } from '../runtime/drivers/types.js';
import type { Store } from '../store/store.js';
import { setTag } from '../store/tags.js';
import { BuildResources } from './build-resources.js';
import { BuildContext } from './context/build-context.js';
import { dockerfileError, parseDockerfile } from './dockerfile/parse.js';
import { argDeclarations } from './steps/arg.js';
import { ArgScope } from './expand/scope.js';
import { planStep, type StageFacts } from './plan-step.js';
import type { Progress } from './progress.js';
import { splitStages, stageNamed, targetStage, type Stage } from './stages.js';
import type { SourceImage, StepContext } from './steps/context.js';
import { expandBase, scratchImage, storedBase } from './steps/from-step.js';
import type { PlannedStep, StageImage } from './steps/step.js';
import { readStatCache, slotOf, writeStatCache, type BuildCacheEntry } from '../store/build-cache.js';
import { sourceRecords, type StatCache } from './cache/source-records.js';
import { resolve } from 'node:path';
import { missReason, recordEntry, reusableEntry, stepKey, withStepLock } from './cache/step-cache.js';

export interface BuildOptions {
  readonly dockerfile: string;
  /** The context directory; undefined when there is none (`-` on the command line). */
  readonly contextDir: string | undefined;
  readonly tags: readonly string[];
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly target?: string;
  readonly net: 'none' | 'host';
  /** The rootfs driver of RUN's containers (undefined: the default, as `run`). */
  readonly driver?: DriverName;
  readonly progress: Progress;
  /** Build every step anew (`--no-cache`); what is built is still recorded for later builds. */
  readonly noCache?: boolean;
  /** Cancels the build when aborted: no step starts after it, the running step's sandbox is
   * killed, and the build fails as an interrupted one is undone (BuildCancelled). */
  readonly signal?: AbortSignal;
}

export class BuildCancelled extends StrataError {
  constructor() {
    super('build cancelled');
  }
}

export async function buildImage(store: Store, o: BuildOptions): Promise<Image> {
  // What the user typed is checked before any work.
  const tags = o.tags.map((t) => formatReference(parseReference(t)));
  const parsed = parseDockerfile(o.dockerfile);
  for (const w of parsed.warnings) o.progress.note(`note: ${w}`);
  const staged = splitStages(parsed);
  const target = targetStage(staged, o.target);
  const context = BuildContext.open(o.contextDir);
  const consumed = new Set<string>();

  // The global ARGs: FROM lines see them; a stage sees one it declares again.
  const globals = new Map<string, string | undefined>();
  for (const a of staged.metaArgs) {
    for (const d of argDeclarations(a.args, (n) => globals.get(n), parsed.escape, a.line)) {
      consumed.add(d.name);
      globals.set(d.name, o.buildArgs.get(d.name) ?? d.fallback);
    }
  }

  const held = new BuildResources(store);
  const lease = held.lease;
  // A sandbox may be starting when the abort comes (its pid not recorded yet): kill until the end.
  let killing: NodeJS.Timeout | undefined;
  const cancel = () => {
    held.killRunning();
    killing = setInterval(() => held.killRunning(), 100);
  };
  o.signal?.addEventListener('abort', cancel, { once: true });
  const goOn = () => {
    if (o.signal?.aborted) throw new BuildCancelled();
  };

  const built = new Map<number, Promise<StageImage>>();
  const buildStage = (stage: Stage): Promise<StageImage> => {
    let p = built.get(stage.index);
    if (!p) {
      p = runStage(stage);
      built.set(stage.index, p);
    }
    return p;
  };

  const source = async (text: string, before: number, line: number): Promise<SourceImage> => {
    const stage = stageNamed(staged, text, before);
    if (stage) return { image: await buildStage(stage), origin: `stage:${stage.index}` };
    const { id, image } = storedBase(store, text, line);
    lease.add(id, ...image.config.rootfs.diff_ids);
    return { image, origin: `image:${id}` };
  };

  const runStage = async (stage: Stage): Promise<StageImage> => {
    const label = stage.name ?? `stage ${stage.index}`;
    const total = stage.steps.length + 1;
    const base = expandBase(stage.from, (n) => globals.get(n), parsed.escape);
    let image: StageImage;
    const earlier = stageNamed(staged, base, stage.index);
    if (base.toLowerCase() === 'scratch') image = scratchImage();
    else if (earlier) image = await buildStage(earlier);
    else {
      const found = storedBase(store, base, stage.from.line);
      lease.add(found.id, ...found.image.config.rootfs.diff_ids);
      image = found.image;
    }
    goOn();
    o.progress.step(label, 1, total, stage.from.original);
    const args = new ArgScope(o.buildArgs, consumed);
    const facts: StageFacts = { cmdSetHere: false, globals };
    for (const [n, instruction] of stage.steps.entries()) {
      goOn();
      const announce = () => o.progress.step(label, n + 2, total, instruction.original);
      const ctx: StepContext = {
        store, lease, instruction, image, args, escape: parsed.escape, net: o.net, ...(o.driver ? { driver: o.driver } : {}), context, progress: o.progress,
        source: (text) => source(text, stage.index, instruction.line),
        intermediate: async (img) => held.intermediate(img),
      };
      image = await atLine(instruction.line, async () => {
        args.track();
        let step: PlannedStep;
        try {
          step = planStep(ctx, facts, { started: (id) => held.containerStarted(id), finished: (id) => held.removeContainer(id) });
        } catch (err) {
          announce();
          throw err;
        }
        return cachedStep(ctx, step, slotOf(stage.index, n), announce);
      });
    }
    return image;
  };

  let stats: StatCache | undefined;
  const statCache = (): StatCache | undefined => {
    if (o.contextDir === undefined) return undefined;
    stats ??= { known: readStatCache(store, resolve(o.contextDir)), since: Date.now() - 2000, changed: false };
    return stats;
  };

  /** A step's image: an entry's when there is one to reuse (a build of the same step running
   * now is waited for), else the step's, recorded for the next build. */
  const cachedStep = async (ctx: StepContext, step: PlannedStep, slot: string, announce: () => void): Promise<StageImage> => {
    const { identity } = step;
    const started = performance.now();
    // Reading the sources builds a stage a COPY --from names: its steps come before this one's.
    const sourceList = identity.sources ? await sourceRecords(ctx, identity.sources, statCache()) : undefined;
    announce();
    if (identity.sources && !sourceList) {
      // Sources that cannot be read now: the step runs and says why.
      o.progress.cache({ cached: false, reason: `${ctx.instruction.keyword} sources unreadable` });
      const outcome = await step.execute();
      if (outcome.diffId) held.layerMade(outcome.diffId);
      return outcome.image;
    }
    const key = stepKey({
      parent: identity.parent, instruction: identity.instruction, args: ctx.args.read(), slot, written: ctx.instruction.original,
      keyword: ctx.instruction.keyword, ...(sourceList ? { sourceList } : {}),
    });
    // What the key of a step with sources costs, for the benchmark (bench/rows/build-cache.mjs).
    if (sourceList && process.env.STRATA_BUILD_KEY_TIMING === '1') process.stderr.write(`key-timing: ${(performance.now() - started).toFixed(1)} ms, ${sourceList.length} paths\n`);
    const reused = (entry: BuildCacheEntry): StageImage => {
      o.progress.cache({ cached: true });
      step.reuse?.();
      return { config: entry.result };
    };
    // An entry that is there is taken without the step's lock; without one, the lock is taken
    // and the entry looked for again: another build may have been making it.
    const ready = o.noCache ? undefined : await reusableEntry(store, lease, key);
    if (ready) return reused(ready);
    return withStepLock(store, key, async () => {
      const entry = o.noCache ? undefined : await reusableEntry(store, lease, key);
      if (entry) return reused(entry);
      o.progress.cache({ cached: false, reason: o.noCache ? '--no-cache' : missReason(store, key) });
      const outcome = await step.execute();
      try {
        recordEntry(store, key, outcome.image.config, outcome.diffId);
        held.cached(key, outcome.diffId);
      } catch {
        // Not recorded (a full disk, say): the layer then goes with the build, as an uncached one.
        if (outcome.diffId) held.layerMade(outcome.diffId);
      }
      return outcome.image;
    });
  };

  try {
    return await undoneOnInterrupt(() => held.release(), async () => {
      try {
        const stageImage = await buildStage(target);
        goOn();
        const unused = [...o.buildArgs.keys()].filter((k) => !consumed.has(k));
        if (unused.length > 0) o.progress.note(`warning: build-args not consumed by any ARG: ${unused.join(', ')}`);
        const image = writeImage(store, encodeConfig(stageImage.config));
        held.result = image.id;
        lease.add(image.id);
        for (const t of tags) setTag(store, t, image.id);
        return image;
      } finally {
        if (stats?.changed) writeStatCache(store, resolve(o.contextDir!), stats.known);
      }
    });
  } catch (err) {
    if (o.signal?.aborted) throw new BuildCancelled();
    if (err instanceof StrataError) throw err;
    throw new StrataError('build failed', { cause: err });
  } finally {
    o.signal?.removeEventListener('abort', cancel);
    clearInterval(killing);
    await held.release();
  }
}

/** Every error of a step names its line of the Dockerfile. */
async function atLine<T>(line: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StrataError && !err.message.startsWith('Dockerfile:')) throw dockerfileError(line, err.message, err);
    throw err;
  }
}
