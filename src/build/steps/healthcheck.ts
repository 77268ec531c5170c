// HEALTHCHECK as Docker records it: `NONE` turns a base image's check off; `CMD …` with
// --interval, --timeout, --start-period, --start-interval (Go durations) and --retries.

import type { ContainerConfig } from '../../store/image-config.js';
import type { Instruction } from '../dockerfile/instruction.js';
import { dockerfileError } from '../dockerfile/parse.js';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration (`1m30s`, `500ms`) in nanoseconds, or undefined when it is not one. */
export function goDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === text.length && matched > 0 ? Math.round(total) : undefined;
}

export function parseHealthcheck(i: Instruction): NonNullable<ContainerConfig['Healthcheck']> {
  const [type, ...cmd] = i.args;
  if (type === undefined) throw dockerfileError(i.line, 'HEALTHCHECK requires an argument');
  const kind = type.toUpperCase();
  if (kind === 'NONE') {
    if (cmd.length > 0 || i.flags.length > 0) throw dockerfileError(i.line, 'HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (kind !== 'CMD') throw dockerfileError(i.line, `unknown type "${type}" in HEALTHCHECK (try CMD)`);
  if (cmd.length === 0) throw dockerfileError(i.line, 'HEALTHCHECK CMD requires a command');
  const check: NonNullable<ContainerConfig['Healthcheck']> = { Test: i.json ? ['CMD', ...cmd] : ['CMD-SHELL', cmd[0]!] };
  for (const flag of i.flags) {
    const m = /^--(interval|timeout|start-period|start-interval|retries)=(.*)$/.exec(flag);
    if (!m) throw dockerfileError(i.line, `unknown flag for HEALTHCHECK: ${flag}`);
    const [, name, value] = m;
    if (name === 'retries') {
      if (!/^\d+$/.test(value!)) throw dockerfileError(i.line, `--retries must be a whole number, not "${value}"`);
      check.Retries = Number(value);
      continue;
    }
    const ns = goDuration(value!);
    if (ns === undefined) throw dockerfileError(i.line, `--${name}: "${value}" is not a duration`);
    if (name === 'interval') check.Interval = ns;
    else if (name === 'timeout') check.Timeout = ns;
    else if (name === 'start-period') check.StartPeriod = ns;
    else check.StartInterval = ns;
  }
  return check;
}
