// A step's identity — what a build cache keys it by: the parent's digest, the instruction as
// expanded, the ARGs in scope, and for COPY/ADD where the sources come from. Planned without
// executing, so these steps need no store.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instruction } from '../../src/build/dockerfile/instruction.js';
import { parseDockerfile } from '../../src/build/dockerfile/parse.js';
import { ArgScope } from '../../src/build/expand/scope.js';
import { planStep } from '../../src/build/plan-step.js';
import type { StepContext } from '../../src/build/steps/context.js';
import { scratchImage } from '../../src/build/steps/from-step.js';
import { parentDigest } from '../../src/build/steps/identity.js';
import type { StageImage } from '../../src/build/steps/step.js';

function plan(line: string, image: StageImage, buildArgs: Record<string, string> = {}, declare: string[] = []) {
  const instruction = parseDockerfile(`FROM scratch\n${line}\n`).instructions[1] as Instruction;
  const args = new ArgScope(new Map(Object.entries(buildArgs)), new Set());
  for (const name of declare) args.declare(name, undefined);
  const ctx = { instruction, image, args, escape: '\\', net: 'none' } as unknown as StepContext;
  return planStep(ctx, { cmdSetHere: false, globals: new Map() }, { started: () => {}, finished: async () => {} });
}

test('the identity holds the parent digest, the expanded instruction and the ARGs in scope', () => {
  const base = scratchImage();
  const step = plan('ENV GREETING="hi ${WHO}"', base, { WHO: 'you' }, ['WHO']);
  assert.equal(step.identity, { parent: parentDigest(base), instruction: 'ENV GREETING=hi you', args: [['WHO', 'you']] });
  assert.is(plan('ENV GREETING="hi ${WHO}"', base, { WHO: 'them' }, ['WHO']).identity.instruction, 'ENV GREETING=hi them');
});

test('another parent is another identity; the same inputs are the same one', () => {
  const a = scratchImage();
  const b: StageImage = { config: { ...a.config, config: { Env: ['X=1'] } } };
  assert.is.not(plan('LABEL a=b', a).identity.parent, plan('LABEL a=b', b).identity.parent);
  assert.equal(plan('LABEL a=b', a).identity, plan('LABEL a=b', a).identity);
});

test('RUN: its identity is Docker\'s created_by, ARGs in the |N prefix; COPY names its sources', async () => {
  const base = scratchImage();
  assert.is(plan('RUN echo $V', base, { V: '7' }, ['V']).identity.instruction, 'RUN |1 V=7 /bin/sh -c echo $V');
  const copy = plan('COPY --chown=1:1 a b/ /dst/', base);
  assert.equal(copy.identity.sources, ['context:a', 'context:b/']);
  assert.is(copy.identity.instruction, 'COPY --chown=1:1 a b/ /dst/');
});

test.run();
