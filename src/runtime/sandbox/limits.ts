// Resource limits as the user writes them (Docker's units) and as strata reports them.

import { UsageError } from '../../base/errors.js';
import { DEFAULT_PIDS_LIMIT } from './hardening.js';

export interface Limits {
  /** Bytes; undefined = no memory limit. */
  readonly memory?: number;
  /** Process count; a default applies without --pids. */
  readonly pids: number;
  /** CPUs (fractional: 0.5 = half of one). */
  readonly cpus?: number;
}

/** "64m", "1g", "512k", "1048576", "100b" — binary units, as `docker run --memory`. */
export function parseMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new UsageError(`invalid memory size "${text}" (e.g. 256m, 1g)`);
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g' | 't'];
  const bytes = Math.floor(Number(m[1]) * unit);
  // Docker's minimum: below it the runtime itself cannot start.
  if (bytes < 6 * 1024 * 1024) throw new UsageError(`memory limit ${text} is too low (the minimum is 6m)`);
  return bytes;
}

export function parsePids(value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`invalid --pids ${value}: a positive whole number`);
  return value;
}

export function parseCpus(value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 1024) throw new UsageError(`invalid --cpus ${value}: a positive number of CPUs`);
  return value;
}

export function limitsFrom(options: { memory?: string; pids?: number; cpus?: number }): Limits {
  return {
    ...(options.memory !== undefined ? { memory: parseMemory(options.memory) } : {}),
    pids: options.pids !== undefined ? parsePids(options.pids) : DEFAULT_PIDS_LIMIT,
    ...(options.cpus !== undefined ? { cpus: parseCpus(options.cpus) } : {}),
  };
}

/** 67108864 -> "64MiB" (the unit the user most likely typed). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toFixed(2))}${units[i]}`;
}
