// RUN: the command runs in a container of the step's parent image, made and started by the
// runtime exactly as `strata run` makes and starts one (the same sandbox, hardening and limits;
// no network unless the build has --net host), and its writable layer becomes the step's layer
// as `commit` makes one. A command that changes nothing adds no layer. The build arguments in
// scope reach the command as environment variables, below the image's ENV, as in Docker.

import { StrataError } from '../../base/errors.js';
import { addWritableLayer } from '../../runtime/changes/commit.js';
import { createRunContainer } from '../../runtime/containers/run.js';
import { readContainer } from '../../runtime/containers/records.js';
import { startContainer } from '../../runtime/containers/start.js';
import { dockerfileError } from '../dockerfile/parse.js';
import { envMap, stepLookup } from '../expand/scope.js';
import type { StepContext } from './context.js';
import { identityOf } from './identity.js';
import { DEFAULT_SHELL } from './metadata.js';
import { runOutput } from './run-output.js';
import { mountSources, parseMount, prepareMounts, withMountLocks } from './run-mounts.js';
import { nextImage, type PlannedStep } from './step.js';

export interface RunHooks {
  /** The step's container, once it exists: an interrupted build removes it. */
  started(id: string): void;
  finished(id: string): Promise<void>;
}

export function planRun(ctx: StepContext, hooks: RunHooks): PlannedStep {
  const i = ctx.instruction;
  const config = ctx.image.config.config ?? {};
  if (i.args.length === 0) throw dockerfileError(i.line, 'RUN requires a command');
  // --network and --security need BuildKit's machinery; running without what they ask for would
  // build something else, so they are refused. --mount gives cache and bind mounts (run-mounts.ts).
  const mounts = i.flags.map((f) => {
    if (!f.startsWith('--mount=')) throw dockerfileError(i.line, `RUN ${f.split('=')[0]} is not supported by strata build`);
    return parseMount(f.slice(8), stepLookup(config, ctx.args), ctx.escape, config.WorkingDir || '/', i.line);
  });
  const argv = commandOf(i, config.Shell ?? DEFAULT_SHELL);
  const env = envMap(config.Env);
  const argEnv = ctx.args.set().filter(([k]) => !env.has(k)).map(([k, v]) => `${k}=${v}`);
  const createdBy = `RUN ${argEnv.length > 0 ? `|${argEnv.length} ${argEnv.join(' ')} ` : ''}${argv.join(' ')}`;
  // The mounts are not in the history (Docker's isn't either), but they are in the key.
  const keyed = mounts.length > 0 ? `${createdBy} ${JSON.stringify(mounts)}` : createdBy;
  const sources = mountSources(mounts);
  return {
    identity: identityOf(ctx, keyed, sources.length > 0 ? sources : undefined),
    execute: async () => {
      const image = await ctx.intermediate(ctx.image);
      const ready = await prepareMounts(ctx, mounts, i.line);
      let id: string;
      let iv;
      try {
        ({ id, iv } = await createRunContainer(ctx.store, {
          image, args: argv, entrypoint: '', env: argEnv, net: ctx.net, ...(ctx.driver ? { driver: ctx.driver } : {}), ...(ready.volumes.length > 0 ? { volumes: ready.volumes } : {}),
        }));
      } catch (err) {
        ready.dispose();
        throw err;
      }
      hooks.started(id);
      const output = runOutput(ctx.store, ctx.progress);
      let status: number;
      try {
        status = await withMountLocks(ctx, ready.locks, () => startContainer(ctx.store, id, { stdin: false, output: output.helperOutput, image: iv }));
      } finally {
        output.close();
        ready.dispose();
      }
      try {
        if (status !== 0) {
          const tail = output.lastLines(3);
          const offline = ctx.net === 'none' ? ' (the build has no network; --net host gives it the host\'s)' : '';
          throw dockerfileError(i.line, `${i.original}: exit status ${status}${offline}${tail ? `; last output: ${tail}` : ''}`);
        }
        let diffId: string | undefined;
        try {
          // The image's view, built once for the sandbox's user lookup, serves the layer too.
          diffId = await addWritableLayer(ctx.store, readContainer(ctx.store, id), ctx.lease, iv);
        } catch (err) {
          throw err instanceof StrataError ? dockerfileError(i.line, err.message) : err;
        }
        return { image: nextImage(ctx.image, config, createdBy, diffId), ...(diffId ? { diffId } : {}) };
      } finally {
        await hooks.finished(id);
      }
    },
  };
}

/** The argv of a RUN: the exec form as written; the shell form through the image's SHELL, its
 * heredocs as BuildKit passes them (a lone heredoc is the script itself, a `#!` one run by its
 * interpreter; others go to the shell, which reads them as heredocs). */
export function commandOf(i: StepContext['instruction'], shell: readonly string[]): string[] {
  if (i.json) return [...i.args];
  const line = i.args[0]!;
  if (i.heredocs.length === 0) return [...shell, line];
  const lone = /^\s*\d*<<-?\s*\S+\s*$/.test(line) && i.heredocs.length === 1;
  if (!lone) return [...shell, [line, ...i.heredocs.map((d) => d.content + d.name)].join('\n')];
  const data = i.heredocs[0]!.content;
  const shebang = /^#!\s*(\S+)(?:[ \t]+(\S.*))?\n/.exec(data);
  if (!shebang) return [...shell, data];
  // The script reaches its interpreter on descriptor 3 from a heredoc of the shell, with a
  // delimiter that cannot occur in it: nothing is written into the image.
  let end = 'STRATA_SCRIPT_END';
  while (data.includes(end)) end += '_';
  const interp = [shebang[1]!, ...(shebang[2] ? [shebang[2].trim()] : [])].map(shellQuote).join(' ');
  return [...shell, `exec ${interp} /dev/fd/3 3<<'${end}'\n${data}${data.endsWith('\n') ? '' : '\n'}${end}`];
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
