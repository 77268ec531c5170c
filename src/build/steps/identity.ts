// A step's identity (step.ts): its parent's digest, the expanded instruction, the ARGs it read.

import { createHash } from 'node:crypto';
import type { StepContext } from './context.js';
import type { StageImage, StepIdentity } from './step.js';

export function parentDigest(image: StageImage): string {
  return 'sha256:' + createHash('sha256').update(JSON.stringify(image.config)).digest('hex');
}

export function identityOf(ctx: StepContext, instruction: string, sources?: readonly string[]): StepIdentity {
  return { parent: parentDigest(ctx.image), instruction, args: ctx.args.read(), ...(sources ? { sources } : {}) };
}
