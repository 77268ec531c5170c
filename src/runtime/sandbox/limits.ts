// Resource limits and the time limit, as the user writes them (Docker's units) and as strata
// reports them. Each bounds what the kernel and the helper accept, so a value the kernel would
// refuse mid-start is a usage error naming its flag instead.

import { invalidValue } from '../../base/errors.js';
import { inBinaryUnits } from '../../base/format.js';
import { positiveDecimal, wholeNumber } from '../../base/flag-values.js';
import { DEFAULT_PIDS_LIMIT } from './hardening.js';

export interface Limits {
  /** Bytes; undefined = no memory limit. */
  readonly memory?: number;
  /** Process count; a default applies without --pids. */
  readonly pids: number;
  /** CPUs (fractional: 0.5 = half of one). */
  readonly cpus?: number;
}

const UNITS = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 } as const;

/** "64m", "1g", "512k", "1048576", "100b" — binary units, as `docker run --memory`. */
export function parseMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw invalidValue('--memory', text, 'a size such as 256m or 1g');
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase() as keyof typeof UNITS]);
  // Docker's minimum: below it the runtime itself cannot start.
  if (bytes < 6 * UNITS.m) throw invalidValue('--memory', text, 'below the minimum of 6m');
  if (bytes > 1024 * UNITS.t) throw invalidValue('--memory', text, 'above the maximum of 1024t');
  return bytes;
}

/** At most Linux's PID_MAX_LIMIT: no more processes can exist. */
export function parsePids(text: string): number {
  return wholeNumber('--pids', text, 1, 4 * 1024 * 1024);
}

export function parseCpus(text: string): number {
  return positiveDecimal('--cpus', text, 1024, 'a number of CPUs');
}

/** Whole seconds, at most the helper's bound (100 years). */
export function parseTimeout(text: string): number {
  return wholeNumber('--timeout', text, 1, 100 * 365 * 24 * 3600, 'whole seconds');
}

export function limitsFrom(options: { memory?: string; pids?: string; cpus?: string }): Limits {
  return {
    ...(options.memory !== undefined ? { memory: parseMemory(options.memory) } : {}),
    pids: options.pids !== undefined ? parsePids(options.pids) : DEFAULT_PIDS_LIMIT,
    ...(options.cpus !== undefined ? { cpus: parseCpus(options.cpus) } : {}),
  };
}

/** 67108864 -> "64MiB" (the unit the user most likely typed). */
export function formatBytes(bytes: number): string {
  const { value, unit } = inBinaryUnits(bytes);
  return `${Number(value.toFixed(2))}${unit}`;
}
