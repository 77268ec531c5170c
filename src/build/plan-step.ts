// Which planner takes an instruction.

import type { StepContext } from './steps/context.js';
import { planArg } from './steps/arg.js';
import { planCopy } from './steps/copy-step.js';
import { planMetadata } from './steps/metadata.js';
import { planRun, type RunHooks } from './steps/run-step.js';
import { planWorkdir } from './steps/workdir.js';
import type { PlannedStep } from './steps/step.js';

export interface StageFacts {
  /** CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSetHere: boolean;
  /** The global ARGs, for an ARG that declares one again. */
  readonly globals: ReadonlyMap<string, string | undefined>;
}

export function planStep(ctx: StepContext, facts: StageFacts, hooks: RunHooks): PlannedStep {
  switch (ctx.instruction.keyword) {
    case 'RUN':
      return planRun(ctx, hooks);
    case 'COPY':
    case 'ADD':
      return planCopy(ctx);
    case 'ARG':
      return planArg(ctx, facts.globals);
    case 'WORKDIR':
      return planWorkdir(ctx, facts);
    default:
      return planMetadata(ctx, facts);
  }
}
