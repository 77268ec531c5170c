// Flag values as users type them -> the values they stand for. Numbers are plain decimals (no
// sign, exponent, hex or spaces), so "abc" never becomes NaN and "1e9" never a surprise; a value
// that does not fit is a usage error naming the flag and the value as typed (exit status 2).

import { invalidValue } from './errors.js';

/** A whole number from `min` to `max`; `what` names its unit in the message ("seconds"). */
export function wholeNumber(flag: string, text: string, min: number, max: number, what = 'a whole number'): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw invalidValue(flag, text, `${what} from ${min} to ${max}`);
  return value;
}

/** A number with an optional fraction ("0.5", ".5", "2"), above 0 and at most `max`. */
export function positiveDecimal(flag: string, text: string, max: number, what = 'a number'): number {
  const value = decimal(text);
  if (!(value > 0 && value <= max)) throw invalidValue(flag, text, `${what} above 0, at most ${max}`);
  return value;
}

/** A number from 0 to 1 ("0.9", "1"). */
export function fraction(flag: string, text: string): number {
  const value = decimal(text);
  if (!(value >= 0 && value <= 1)) throw invalidValue(flag, text, 'a number from 0 to 1');
  return value;
}

function decimal(text: string): number {
  return /^(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
}

/** One of `choices`. */
export function oneOf<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw invalidValue(flag, text, `one of ${choices.join(', ')}`);
  return text as T;
}

/** Any text but the empty one; `what` names what is needed ("a directory"). */
export function nonEmpty(flag: string, text: string, what: string): string {
  if (text === '') throw invalidValue(flag, text, `empty; ${what} is needed`);
  return text;
}
