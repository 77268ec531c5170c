// How a list leaves strata, the same for every list Docker also prints (images, ps, history):
// `-q` the ids; `--format` a Go template over each row (go-template.ts); `--json` one line per
// row holding exactly what Docker's `--format '{{json .}}'` prints — its keys, its values —
// so a script written against Docker reads strata's lines unchanged; else Docker's table.

import type { Context } from '../app/context.js';
import { terminalText } from '../base/terminal-text.js';
import { table } from './format.js';
import { headerOf, parseTemplate, render } from './go-template.js';

/** The --format option of a list (and of inspect). */
export const FORMAT_OPTION = {
  type: 'string',
  requiresArg: true,
  describe: "Go template, as Docker's: '{{.ID}}', '{{json .}}', 'table {{.ID}}\\t{{.Size}}'",
} as const;

export interface ListSpec<R> {
  /** The keys of Docker's `{{json .}}` for a row, in its (alphabetical) order. */
  readonly fields: readonly string[];
  /** Docker's header of a field in a `table` format ("ID": "IMAGE ID"). */
  readonly headers: Readonly<Record<string, string>>;
  /** The row as Docker's template sees it. */
  row(r: R): Record<string, string>;
  /** The default table: its header and the cells of a row. */
  readonly columns: readonly string[];
  cells(r: R): string[];
  /** What -q prints of a row. */
  id(r: R): string;
}

/** Checks --format before anything is read, so a bad template fails first. */
export function checkFormat<R>(format: string | undefined, spec: ListSpec<R>): void {
  if (format !== undefined) parseTemplate(format, spec.fields);
}

export function printList<R>(ctx: Context, format: string | undefined, rows: readonly R[], spec: ListSpec<R>): void {
  if (ctx.quiet) return ctx.out([...new Set(rows.map(spec.id))].map((id) => `${id}\n`).join(''));
  if (format !== undefined) return ctx.out(formatted(ctx, format, rows.map((r) => spec.row(r)), spec.fields, spec.headers));
  if (ctx.json) return rows.forEach((r) => ctx.jsonLine(sortedKeys(spec.row(r))));
  ctx.out(table(spec.columns, rows.map(spec.cells)));
}

/** Rows through a --format template: one line each, or a padded table under a header. Values
 * from images are escaped on a terminal, as in every table (the json function keeps its JSON). */
export function formatted(ctx: Context, format: string, rows: readonly unknown[], fields: readonly string[] | undefined, headers: Readonly<Record<string, string>>): string {
  const t = parseTemplate(format, fields);
  const escape = ctx.terminal ? terminalText : (s: string) => s;
  if (!t.table) return rows.map((r) => `${render(t, r, escape)}\n`).join('');
  const split = (line: string) => line.split('\t');
  const header = split(headerOf(t, headers));
  return table(header, rows.map((r) => split(render(t, r, (s) => s))));
}

function sortedKeys(row: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(row).sort().map((k) => [k, row[k]!]));
}
