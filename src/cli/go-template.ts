// `--format` as Docker reads it: a Go text/template over one row, of which strata understands the
// part scripts use — literal text, `{{.Field}}` and `{{.Field.Sub}}`, `{{.}}`, `{{json X}}`,
// `{{upper X}}`, `{{lower X}}`, `{{"text"}}`, and a leading `table ` (a header row from the
// fields, columns padded as Docker's tabwriter pads them). `\t` and `\n` typed in the format are
// a tab and a newline, as in Docker. Anything else is one line naming what is not supported, and
// a field the rows do not have is refused before anything is printed.

import { invalidValue } from '../base/errors.js';
import { jsonText } from '../base/terminal-text.js';

type Piece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value'; readonly fn: 'json' | 'upper' | 'lower' | undefined; readonly path: readonly string[] | undefined; readonly literal?: string };

export interface Template {
  /** Whether it began with `table `: a header row, and columns. */
  readonly table: boolean;
  readonly pieces: readonly Piece[];
}

const FUNCTIONS = new Set(['json', 'upper', 'lower']);

/** Parses `format` (the value of --format) for rows with `fields` (Docker's keys of `{{json .}}`;
 * undefined: any, for `inspect`'s nested records). */
export function parseTemplate(format: string, fields: readonly string[] | undefined): Template {
  const bad = (why: string) => invalidValue('--format', format, why);
  let text = format.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const table = text.startsWith('table');
  if (table) text = text.slice(5).trim();
  const pieces: Piece[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    if (open < 0) {
      pieces.push({ kind: 'text', text: text.slice(at) });
      break;
    }
    if (open > at) pieces.push({ kind: 'text', text: text.slice(at, open) });
    const close = text.indexOf('}}', open);
    if (close < 0) throw bad('a "{{" without its "}}"');
    pieces.push(action(text.slice(open + 2, close).replace(/^-\s|\s-$/g, '').trim(), fields, bad));
    at = close + 2;
  }
  return { table, pieces };
}

function action(body: string, fields: readonly string[] | undefined, bad: (why: string) => Error): Piece {
  const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(body);
  if (literal) return { kind: 'value', fn: undefined, path: undefined, literal: JSON.parse(`"${literal[1]}"`) as string };
  const words = body.split(/\s+/).filter(Boolean);
  let fn: 'json' | 'upper' | 'lower' | undefined;
  if (words.length === 2 && FUNCTIONS.has(words[0]!)) fn = words.shift() as typeof fn;
  if (words.length !== 1 || !/^\.([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)?$/.test(words[0]!)) {
    const first = words[0] ?? '';
    const why = /^[a-z]/.test(first) && !FUNCTIONS.has(first)
      ? `the function "${first}" is not supported (json, upper, lower are)`
      : `"{{${body}}}" is not supported: strata reads {{.Field}}, {{json .}}, {{upper .Field}}, {{lower .Field}}, {{"text"}}`;
    throw bad(why);
  }
  const path = words[0] === '.' ? [] : words[0]!.slice(1).split('.');
  if (fields !== undefined && path.length > 0 && !fields.includes(path[0]!)) {
    throw bad(`no field ${path[0]} (the fields are ${fields.join(', ')})`);
  }
  return { kind: 'value', fn, path };
}

/** One row through the template; `escape` is applied to each value printed as text. */
export function render(t: Template, row: unknown, escape: (text: string) => string = (s) => s): string {
  return t.pieces.map((p) => {
    if (p.kind === 'text') return p.text;
    if (p.literal !== undefined) return p.literal;
    let value: unknown = row;
    for (const key of p.path!) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (p.fn === 'json') return jsonText(value ?? null);
    const text = escape(goText(value));
    return p.fn === 'upper' ? text.toUpperCase() : p.fn === 'lower' ? text.toLowerCase() : text;
  }).join('');
}

/** The header cell of each column of a table template: Docker's name for the field, else the
 * field's name in capitals, words split where the case changes. */
export function headerOf(t: Template, headers: Readonly<Record<string, string>>): string {
  return t.pieces.map((p) => {
    if (p.kind === 'text') return p.text;
    if (p.literal !== undefined) return p.literal;
    const key = p.path!.join('.');
    return headers[key] ?? (key === '' ? '' : key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/\./g, ' ').toUpperCase());
  }).join('');
}

/** A value as Go's %v prints it: lists as [a b], maps as map[k:v] with sorted keys. */
function goText(value: unknown): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goText).join(' ')}]`;
  if (typeof value === 'object') return `map[${Object.keys(value).sort().map((k) => `${k}:${goText((value as Record<string, unknown>)[k])}`).join(' ')}]`;
  return String(value);
}
