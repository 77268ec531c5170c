// What a step is planned with: the stage so far and everything around it.

import type { DriverName } from '../../runtime/drivers/types.js';
import type { Lease } from '../../store/lease.js';
import type { Store } from '../../store/store.js';
import type { Instruction } from '../dockerfile/instruction.js';
import type { ArgScope } from '../expand/scope.js';
import type { BuildContext } from '../context/build-context.js';
import type { Progress } from '../progress.js';
import type { StageImage } from './step.js';

export interface StepContext {
  readonly store: Store;
  readonly lease: Lease;
  readonly instruction: Instruction;
  readonly image: StageImage;
  readonly args: ArgScope;
  readonly escape: string;
  readonly net: 'none' | 'host';
  readonly driver?: DriverName;
  readonly context: BuildContext;
  readonly progress: Progress;
  /** The image another stage builds (by name or number), or an image of the store. */
  source(text: string): Promise<SourceImage>;
  /** Writes a step's image to the store for as long as the build runs (a RUN's container needs
   * one); removed when the build ends. */
  intermediate(image: StageImage): Promise<string>;
}

export interface SourceImage {
  readonly image: StageImage;
  /** `stage:N` or `image:ID`, for a step's identity. */
  readonly origin: string;
}
