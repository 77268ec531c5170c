// `--filter KEY=VALUE`, as Docker reads it: a key given twice matches either value, different
// keys must all match. Each list names the keys it knows; any other key, or a value without
// "=", is a usage error naming the filter.

import { invalidValue } from '../base/errors.js';

export type Filters = ReadonlyMap<string, readonly string[]>;

export function parseFilters(values: readonly string[] | undefined, known: readonly string[]): Filters {
  const filters = new Map<string, string[]>();
  for (const text of values ?? []) {
    const eq = text.indexOf('=');
    const key = eq < 0 ? text : text.slice(0, eq);
    if (eq < 0) throw invalidValue('--filter', text, `KEY=VALUE, with KEY one of ${known.join(', ')}`);
    if (!known.includes(key)) throw invalidValue('--filter', text, `no filter "${key}" (${known.join(', ')})`);
    filters.set(key, [...(filters.get(key) ?? []), text.slice(eq + 1)]);
  }
  return filters;
}

/** True when every key of `filters` has a value that `test` accepts for it. */
export function matchesAll(filters: Filters, test: (key: string, value: string) => boolean): boolean {
  for (const [key, values] of filters) if (!values.some((v) => test(key, v))) return false;
  return true;
}

/** A boolean filter's value: "true"/"1" or "false"/"0", as Docker takes them. */
export function filterBoolean(key: string, value: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw invalidValue('--filter', `${key}=${value}`, 'true or false');
}

/** Docker's reference= pattern: shell globs (* ? [..]) where "*" does not cross a "/". */
export function globMatch(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(text);
}
