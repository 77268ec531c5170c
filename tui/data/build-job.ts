// The build view's work: the Dockerfile of a context directory built into an image by the
// library's buildImage, its progress calls turned into BuildEvents, cancelled through the build's
// own signal (no step starts after it, the running RUN's sandbox is killed, and everything the
// build made goes, as when an interrupted `strata build` is undone: docs/DESIGN.md §11).

import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { StrataError } from '../../src/base/errors.js';
import type { Progress } from '../../src/build/progress.js';
import type { DriverName } from '../../src/runtime/drivers/types.js';
import type { Store } from '../../src/store/store.js';
import type { BuildEvent } from './build-log.js';

export interface BuildRequest {
  readonly contextDir: string;
  /** The Dockerfile; "" for CONTEXT/Dockerfile. */
  readonly file: string;
  /** `K=V` words separated by spaces (K alone: the value of K in this environment). */
  readonly buildArgs: string;
  /** NAME[:TAG]; "" leaves the image untagged. */
  readonly tag: string;
}

export interface BuildResult {
  readonly id: string;
  /** The tag given, as the store spells it; undefined when untagged. */
  readonly tag: string | undefined;
}

export class BuildJobCancelled extends StrataError {
  constructor() {
    super('build cancelled');
  }
}

/** The Dockerfile a request names: its own path, or CONTEXT/Dockerfile. */
export function dockerfileOf(request: Pick<BuildRequest, 'contextDir' | 'file'>): string {
  return request.file !== '' ? request.file : join(request.contextDir, 'Dockerfile');
}

/** The build args typed in the view, as the CLI reads its --build-arg flags. */
export function parseBuildArgs(text: string, env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const args = new Map<string, string>();
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    if (name === '') throw new StrataError(`build arg "${word}": K=V, or K`);
    const value = eq < 0 ? env[name] : word.slice(eq + 1);
    if (value !== undefined) args.set(name, value);
  }
  return args;
}

/** Builds; resolves with the image made, rejects with BuildJobCancelled once `signal` aborted. */
export async function runBuild(
  store: Store, request: BuildRequest, onEvent: (e: BuildEvent) => void, signal: AbortSignal, driver?: DriverName,
): Promise<BuildResult> {
  const buildArgs = parseBuildArgs(request.buildArgs);
  const contextDir = resolve(request.contextDir);
  if (!isDirectory(contextDir)) throw new StrataError(`build context "${request.contextDir}" is not a directory`);
  const file = dockerfileOf(request);
  let dockerfile: string;
  try {
    dockerfile = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StrataError(`cannot read the Dockerfile "${file}"`, { cause: err });
  }
  const decoder = new StringDecoder('utf8');
  const progress: Progress = {
    quiet: false,
    step: (stage, n, total, text) => onEvent({ type: 'step', stage, n, total, text }),
    note: (text) => onEvent({ type: 'note', text }),
    cache: (verdict) => onEvent({ type: 'cache', verdict }),
    output: (chunk) => onEvent({ type: 'output', text: decoder.write(chunk) }),
    // Nothing is thrown from here to stop a COPY: the interface does not say that a throw fails
    // the step, and one from a stream's callback would not. A cancelled COPY ends, then its layer
    // goes with the rest of the build.
    copyProgress: (done, total) => onEvent({ type: 'copy', done, total }),
  };
  const { buildImage } = await import('../../src/build/executor.js');
  const { formatReference, parseReference } = await import('../../src/store/reference.js');
  const tag = request.tag.trim() === '' ? undefined : formatReference(parseReference(request.tag.trim()));
  try {
    if (signal.aborted) throw new BuildJobCancelled();
    const image = await buildImage(store, {
      dockerfile, contextDir, tags: tag ? [tag] : [], buildArgs, net: 'none', progress, signal, ...(driver ? { driver } : {}),
    });
    return { id: image.id, tag };
  } catch (err) {
    if (signal.aborted) throw new BuildJobCancelled();
    throw err;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
