// Steps that change only the image config: each adds a history entry marked empty_layer, its
// created_by written as Docker's builder writes it (`/bin/sh -c #(nop)  ENV A=b`, with the two
// spaces its comment form gives; WORKDIR with one).

import { posix } from 'node:path';
import type { ContainerConfig } from '../../store/image-config.js';
import { dockerfileError } from '../dockerfile/parse.js';
import { expandWord } from '../expand/shell-lex.js';
import { stepLookup } from '../expand/scope.js';
import { parseHealthcheck } from './healthcheck.js';
import type { StepContext } from './context.js';
import { nextImage, type PlannedStep } from './step.js';
import { identityOf } from './identity.js';

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** Docker's `#(nop)` history text: the comment form (two spaces) or the string form (one). */
export const nop = (shell: readonly string[], text: string, form: 'comment' | 'string' = 'comment') =>
  `${shell.join(' ')} #(nop) ${form === 'comment' ? ' ' : ''}${text}`;

/** Go's %q of a string slice, as Docker prints CMD and ENTRYPOINT. */
export const goList = (items: readonly string[]) => `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;

export function planMetadata(ctx: StepContext, state: { cmdSetHere: boolean }): PlannedStep {
  const i = ctx.instruction;
  const config: ContainerConfig = { ...(ctx.image.config.config ?? {}) };
  const lookup = stepLookup(config, ctx.args);
  const word = (text: string) => {
    try {
      return expandWord(text, lookup, { escape: ctx.escape }).word;
    } catch (err) {
      throw dockerfileError(i.line, (err as Error).message);
    }
  };
  const shell = config.Shell ?? DEFAULT_SHELL;
  const need = (n = 1) => {
    if (i.args.length < n) throw dockerfileError(i.line, `${i.keyword} requires at least ${n === 1 ? 'one argument' : `${n} arguments`}`);
  };
  const commandOf = () => (i.json ? [...i.args] : [...shell, i.args[0] ?? '']);
  let text: string;
  let form: 'comment' | 'string' = 'comment';
  switch (i.keyword) {
    case 'ENV':
    case 'LABEL': {
      need();
      const pairs: string[] = [];
      const env = [...(config.Env ?? [])];
      const labels = { ...(config.Labels ?? {}) };
      for (let k = 0; k < i.args.length; k += 2) {
        const name = word(i.args[k]!);
        const value = word(i.args[k + 1]!);
        if (name === '') throw dockerfileError(i.line, `${i.keyword} names must not be empty`);
        pairs.push(`${name}=${value}`);
        if (i.keyword === 'LABEL') labels[name] = value;
        else {
          const at = env.findIndex((e) => e.split('=')[0] === name);
          if (at >= 0) env[at] = `${name}=${value}`;
          else env.push(`${name}=${value}`);
          // Later words of the same ENV see the earlier ones, as in Docker.
          config.Env = env;
        }
      }
      if (i.keyword === 'LABEL') config.Labels = labels;
      text = `${i.keyword} ${pairs.join(' ')}`;
      break;
    }
    case 'CMD':
      need();
      config.Cmd = commandOf();
      state.cmdSetHere = true;
      text = `CMD ${goList(config.Cmd)}`;
      break;
    case 'ENTRYPOINT':
      config.Entrypoint = i.args.length === 0 ? [] : commandOf();
      // A CMD that came with the base image would become arguments of an entrypoint that never
      // expected them: Docker drops it.
      if (!state.cmdSetHere) delete config.Cmd;
      text = `ENTRYPOINT ${goList(config.Entrypoint)}`;
      break;
    case 'EXPOSE': {
      need();
      const ports = { ...(config.ExposedPorts ?? {}) };
      const given = i.args.flatMap((a) => expandWord(a, lookup, { escape: ctx.escape }).words);
      for (const p of given) {
        if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw dockerfileError(i.line, `invalid port "${p}"`);
        ports[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
      }
      config.ExposedPorts = ports;
      text = `EXPOSE ${given.join(' ')}`;
      break;
    }
    case 'VOLUME': {
      need();
      const volumes = { ...(config.Volumes ?? {}) };
      const given = i.args.map(word);
      for (const v of given) {
        if (v.trim() === '') throw dockerfileError(i.line, 'VOLUME specified can not be an empty string');
        volumes[v] = {};
      }
      config.Volumes = volumes;
      text = `VOLUME [${given.join(' ')}]`;
      break;
    }
    case 'USER':
      need();
      config.User = word(i.args[0]!);
      text = `USER ${config.User}`;
      break;
    case 'WORKDIR': {
      need();
      const dir = word(i.args[0]!);
      config.WorkingDir = posix.normalize(posix.isAbsolute(dir) ? dir : posix.join(config.WorkingDir || '/', dir));
      text = `WORKDIR ${config.WorkingDir}`;
      form = 'string';
      break;
    }
    case 'STOPSIGNAL':
      need();
      config.StopSignal = word(i.args[0]!);
      if (!/^(SIG)?[A-Z0-9+-]+$/i.test(config.StopSignal)) throw dockerfileError(i.line, `invalid signal "${config.StopSignal}"`);
      text = `STOPSIGNAL ${config.StopSignal}`;
      break;
    case 'SHELL':
      if (!i.json || i.args.length === 0) throw dockerfileError(i.line, 'SHELL requires the arguments to be in JSON form, with at least one');
      config.Shell = [...i.args];
      text = `SHELL [${i.args.join(' ')}]`;
      break;
    case 'MAINTAINER':
      need();
      text = `MAINTAINER ${i.args[0]}`;
      break;
    case 'ONBUILD': {
      if (!i.trigger) throw dockerfileError(i.line, 'ONBUILD requires an instruction');
      const kw = i.trigger.keyword;
      if (kw === 'ONBUILD' || kw === 'FROM' || kw === 'MAINTAINER') throw dockerfileError(i.line, `${kw} isn't allowed as an ONBUILD trigger`);
      const trigger = i.original.replace(/^\S+\s+/, '');
      config.OnBuild = [...(config.OnBuild ?? []), trigger];
      text = `ONBUILD ${trigger}`;
      break;
    }
    case 'HEALTHCHECK':
      config.Healthcheck = parseHealthcheck(i);
      text = `HEALTHCHECK ${i.original.replace(/^\S+\s*/, '')}`;
      break;
    default:
      throw dockerfileError(i.line, `unknown instruction: ${i.keyword}`);
  }
  const createdBy = nop(shell, text, form);
  return {
    identity: identityOf(ctx, text),
    execute: async () => ({ image: nextImage(ctx.image, config, createdBy) }),
  };
}
