// dive's CI rules (`dive --ci --ci-config .dive-ci`), read and judged as dive does
// (cmd/dive/cli/internal/options/ci.go and command/ci/rules.go), so a .dive-ci written for dive
// gives the same verdict here:
//
//   rules:
//     lowestEfficiency: 0.95          # fail when efficiency < this (a ratio 0..1)
//     highestWastedBytes: 20MB        # fail when wasted bytes > this (go-humanize's byte sizes)
//     highestUserWastedPercent: 0.1   # fail when wasted / user bytes > this (a ratio 0..1)
//
// A rule the file leaves out takes dive's default (0.9, disabled, 0.1); "", "disabled", "off" and
// "false" (any case) disable one; other keys (plugins…) are ignored. Values are read as the text
// written (YAML's failsafe schema), as dive's string fields take them.

import { parse } from 'yaml';
import type { EfficiencyReport } from './efficiency.js';

export type RuleName = 'lowestEfficiency' | 'highestWastedBytes' | 'highestUserWastedPercent';

export interface DiveRule {
  readonly name: RuleName;
  /** The value as written; "disabled" for a disabled rule. */
  readonly configured: string;
  /** undefined when disabled. */
  readonly threshold?: number;
}

export interface RuleResult {
  readonly name: RuleName;
  readonly status: 'pass' | 'fail' | 'disabled';
  /** dive's message for a failure, else the configured value. */
  readonly message: string;
}

const DEFAULTS: Record<RuleName, string> = { lowestEfficiency: '0.9', highestWastedBytes: 'disabled', highestUserWastedPercent: '0.1' };
const NAMES = Object.keys(DEFAULTS) as RuleName[];

/** Parses a .dive-ci file's text; throws Error with the reason (dive's wording) when it is not one. */
export function parseDiveCi(text: string): DiveRule[] {
  let doc: unknown;
  try {
    doc = parse(text, { schema: 'failsafe', uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw new Error(`not YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  if (doc === null || doc === undefined || doc === '') doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a YAML mapping');
  let rules = (doc as Record<string, unknown>).rules;
  if (rules === undefined || rules === '' || rules === '~' || rules === 'null') rules = {};
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw new Error('"rules" is not a mapping');
  const values = rules as Record<string, unknown>;
  return NAMES.map((name) => {
    let value = Object.hasOwn(values, name) ? values[name] : DEFAULTS[name];
    if (value === '~' || value === 'null' || value === 'Null' || value === 'NULL') value = '';
    if (typeof value !== 'string') throw new Error(`rules.${name} is not a single value`);
    return parseRule(name, value);
  });
}

function parseRule(name: RuleName, value: string): DiveRule {
  if (['', 'disabled', 'off', 'false'].includes(value.trim().toLowerCase())) return { name, configured: 'disabled' };
  if (name === 'highestWastedBytes') {
    const bytes = parseBytes(value);
    if (bytes === undefined) throw new Error(`invalid highestWastedBytes config value, given ${JSON.stringify(value)}`);
    return { name, configured: value, threshold: bytes };
  }
  const ratio = parseFloatGo(value);
  if (ratio === undefined) throw new Error(`invalid ${name} config value, given ${JSON.stringify(value)}`);
  if (ratio < 0 || ratio > 1) throw new Error(`${name} config value is outside allowed range (0-1), given '${value}'`);
  return { name, configured: value, threshold: ratio };
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** strconv.ParseFloat for the decimal numbers people write (no hex, inf or NaN). */
function parseFloatGo(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/** go-humanize's size names: SI for kb/k…, IEC for kib/ki…; "" and "b" are bytes. */
const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, ki: 2 ** 10, kib: 2 ** 10,
  m: 1e6, mb: 1e6, mi: 2 ** 20, mib: 2 ** 20,
  g: 1e9, gb: 1e9, gi: 2 ** 30, gib: 2 ** 30,
  t: 1e12, tb: 1e12, ti: 2 ** 40, tib: 2 ** 40,
  p: 1e15, pb: 1e15, pi: 2 ** 50, pib: 2 ** 50,
  e: 1e18, eb: 1e18, ei: 2 ** 60, eib: 2 ** 60,
};

/** humanize.ParseBytes: the leading digits, dots and commas (commas dropped) as a number, then a
 * unit after optional spaces, any case ("20Mb", "1.5 GiB", "1,000"). */
export function parseBytes(text: string): number | undefined {
  const m = /^[\d.,]*/.exec(text)!;
  const number = parseFloatGo(m[0].replaceAll(',', ''));
  const unit = UNITS[text.slice(m[0].length).trim().toLowerCase()];
  if (number === undefined || unit === undefined) return undefined;
  const bytes = number * unit;
  return bytes >= 2 ** 64 ? undefined : Math.floor(bytes);
}

/** Go's %2.2f. */
const f2 = (x: number) => (Number.isNaN(x) ? 'NaN' : Number.isFinite(x) ? x.toFixed(2) : x > 0 ? '+Inf' : '-Inf');

export function evaluateDiveCi(rules: readonly DiveRule[], report: EfficiencyReport): RuleResult[] {
  return rules.map(({ name, configured, threshold }) => {
    if (threshold === undefined) return { name, status: 'disabled', message: 'rule disabled' };
    // The comparisons are dive's: a NaN ratio (no user bytes, nothing wasted) fails nothing.
    if (name === 'lowestEfficiency' && threshold > report.score) {
      return { name, status: 'fail', message: `image efficiency is too low (efficiency=${f2(report.score)} < threshold=${threshold})` };
    }
    if (name === 'highestWastedBytes' && report.wastedBytes > threshold) {
      return { name, status: 'fail', message: `too many bytes wasted (wasted-bytes=${report.wastedBytes} > threshold=${threshold})` };
    }
    if (name === 'highestUserWastedPercent' && report.userWastedRatio > threshold) {
      return { name, status: 'fail', message: `too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=${f2(report.userWastedRatio)} > threshold=${threshold})` };
    }
    return { name, status: 'pass', message: configured };
  });
}
