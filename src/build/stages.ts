// A Dockerfile's stages: the ARGs before the first FROM (usable in FROM lines), then one stage a
// FROM, named by `AS name` (case-insensitive, as BuildKit). Only the stages the target needs are
// built: the target, the stages its FROM names, and those its COPY --from names, and theirs.

import { StrataError } from '../base/errors.js';
import type { Instruction, ParsedDockerfile } from './dockerfile/instruction.js';
import { dockerfileError } from './dockerfile/parse.js';

export interface Stage {
  readonly index: number;
  readonly name: string | undefined;
  readonly from: Instruction;
  readonly steps: readonly Instruction[];
}

export interface StagedDockerfile {
  /** ARGs before the first FROM. */
  readonly metaArgs: readonly Instruction[];
  readonly stages: readonly Stage[];
}

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

export function splitStages(parsed: ParsedDockerfile): StagedDockerfile {
  const metaArgs: Instruction[] = [];
  const stages: { index: number; name: string | undefined; from: Instruction; steps: Instruction[] }[] = [];
  for (const i of parsed.instructions) {
    if (i.keyword === 'FROM') {
      const name = stageNameOf(i);
      if (name !== undefined && stages.some((s) => s.name === name)) throw dockerfileError(i.line, `duplicate stage name "${name}"`);
      stages.push({ index: stages.length, name, from: i, steps: [] });
    } else if (stages.length === 0) {
      if (i.keyword !== 'ARG') throw dockerfileError(i.line, `${i.keyword} before the first FROM: no build stage in current context`);
      metaArgs.push(i);
    } else stages[stages.length - 1]!.steps.push(i);
  }
  if (stages.length === 0) throw dockerfileError(parsed.instructions[0]?.line ?? 1, 'no FROM instruction');
  return { metaArgs, stages };
}

function stageNameOf(from: Instruction): string | undefined {
  const a = from.args;
  if (a.length === 0) throw dockerfileError(from.line, 'FROM requires an image');
  if (a.length === 1) return undefined;
  if (a.length !== 3 || a[1]!.toUpperCase() !== 'AS') throw dockerfileError(from.line, 'FROM requires either one or three arguments (IMAGE [AS NAME])');
  const name = a[2]!.toLowerCase();
  if (!STAGE_NAME.test(name)) throw dockerfileError(from.line, `invalid name for build stage: "${a[2]}", name can't start with a number or contain symbols`);
  return name;
}

/** The stage that `--target` names (the last one without it). */
export function targetStage(staged: StagedDockerfile, target: string | undefined): Stage {
  if (target === undefined) return staged.stages[staged.stages.length - 1]!;
  const found = staged.stages.find((s) => s.name === target.toLowerCase());
  if (!found) throw new StrataError(`target stage "${target}" could not be found in the Dockerfile`);
  return found;
}

/** An earlier stage a FROM or --from names: by name, or by its number. */
export function stageNamed(staged: StagedDockerfile, text: string, before: number): Stage | undefined {
  const lower = text.toLowerCase();
  const byName = staged.stages.find((s) => s.name === lower && s.index < before);
  if (byName) return byName;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < before) return staged.stages[n];
  }
  return undefined;
}
