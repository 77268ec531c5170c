// `--change 'INSTRUCTION ARGS'` as `docker import --change` takes it: Dockerfile instructions that
// only touch the image config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR,
// STOPSIGNAL). Each returns a new config; the input is never modified.

import { UsageError } from '../base/errors.js';
import type { ContainerConfig } from './image-config.js';

export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  return changes.reduce(applyChange, config);
}

export function applyChange(config: ContainerConfig, change: string): ContainerConfig {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(change);
  if (!m) throw new UsageError(`--change "${change}": expected INSTRUCTION ARGS`);
  const instruction = m[1]!.toUpperCase();
  const args = m[2]!.trim();
  const need = () => {
    if (!args) throw new UsageError(`--change "${change}": ${instruction} needs an argument`);
  };
  switch (instruction) {
    case 'CMD':
      need();
      return { ...config, Cmd: commandForm(args, change) };
    case 'ENTRYPOINT':
      need();
      return { ...config, Entrypoint: commandForm(args, change) };
    case 'ENV': {
      need();
      const env = [...(config.Env ?? [])];
      for (const [k, v] of keyValues(args, change, 'ENV')) {
        const at = env.findIndex((e) => e.split('=')[0] === k);
        if (at >= 0) env[at] = `${k}=${v}`;
        else env.push(`${k}=${v}`);
      }
      return { ...config, Env: env };
    }
    case 'LABEL': {
      need();
      const labels = { ...(config.Labels ?? {}) };
      for (const [k, v] of keyValues(args, change, 'LABEL')) labels[k] = v;
      return { ...config, Labels: labels };
    }
    case 'EXPOSE': {
      need();
      const ports = { ...(config.ExposedPorts ?? {}) };
      for (const p of words(args, change)) {
        if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/.test(p)) throw new UsageError(`--change "${change}": bad port "${p}"`);
        ports[p.includes('/') ? p : `${p}/tcp`] = {};
      }
      return { ...config, ExposedPorts: ports };
    }
    case 'VOLUME': {
      need();
      const volumes = { ...(config.Volumes ?? {}) };
      for (const v of args.startsWith('[') ? jsonArray(args, change) : words(args, change)) volumes[v] = {};
      return { ...config, Volumes: volumes };
    }
    case 'USER':
      need();
      return { ...config, User: args };
    case 'WORKDIR':
      need();
      return { ...config, WorkingDir: args };
    case 'STOPSIGNAL':
      need();
      return { ...config, StopSignal: args };
    default:
      throw new UsageError(`--change "${change}": ${instruction} cannot be used here (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)`);
  }
}

/** JSON array form, or shell form run by /bin/sh -c (Docker's rule). */
function commandForm(args: string, change: string): string[] {
  if (args.startsWith('[')) {
    try {
      return jsonArray(args, change);
    } catch {
      // Docker treats a malformed JSON array as shell form.
    }
  }
  return ['/bin/sh', '-c', args];
}

function jsonArray(args: string, change: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(args);
  } catch {
    throw new UsageError(`--change "${change}": not a JSON array`);
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new UsageError(`--change "${change}": not an array of strings`);
  return v as string[];
}

/** Shell-like words: whitespace separates, single and double quotes group, backslash escapes. */
export function words(text: string, change: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`--change "${change}": unterminated quote`);
  if (inWord) out.push(cur);
  return out;
}

/** "K=V K2='v 2'" or the legacy single pair "K V". */
function keyValues(args: string, change: string, what: string): [string, string][] {
  const parts = words(args, change);
  if (parts.length > 0 && !parts[0]!.includes('=')) {
    const [k, ...rest] = args.split(/\s+/);
    return [[k!, rest.join(' ')]];
  }
  return parts.map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--change "${change}": ${what} expects KEY=VALUE, got "${p}"`);
    return [p.slice(0, eq), p.slice(eq + 1)];
  });
}
