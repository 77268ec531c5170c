// The Containers pane's data, through the CLI contract (docs/DESIGN.md §6): `ps -a --json`, `diff --json`,
// and the lifecycle verbs. Rows are plain data; a failure is one line for the status bar.

import type { BytePath } from '../../src/base/byte-path.js';
import { unescapePath } from '../../src/base/byte-path.js';
import type { Mark } from './changes.js';
import { failureOf, type StrataCli } from './strata-cli.js';

export interface ContainerRow {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly command: string;
  /** "created", "running" or "exited". */
  readonly state: string;
  readonly exitCode: number | undefined;
  /** ISO 8601 */
  readonly created: string;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export async function listContainers(cli: StrataCli): Promise<Outcome<ContainerRow[]>> {
  const r = await cli.captured(['ps', '-a', '--json']);
  if (r.status !== 0) return { ok: false, error: failureOf(r, 'strata ps') };
  const rows = jsonLines(r.stdout).map((o): ContainerRow => ({
    id: String(o.id ?? ''),
    name: String(o.name ?? ''),
    image: String(o.image ?? ''),
    command: Array.isArray(o.command) ? o.command.join(' ') : String(o.command ?? ''),
    state: String(o.state ?? ''),
    exitCode: typeof o.exitCode === 'number' ? o.exitCode : undefined,
    created: String(o.created ?? ''),
  }));
  return { ok: true, value: rows.sort((a, b) => b.created.localeCompare(a.created)) };
}

const MARKS: Record<string, Mark> = { A: 'A', C: 'M', D: 'R' };

/** `docker diff`'s A/C/D as the tree's A/M/R. */
export async function containerDiff(cli: StrataCli, id: string): Promise<Outcome<{ path: BytePath; mark: Mark }[]>> {
  const r = await cli.captured(['diff', id, '--json']);
  if (r.status !== 0) return { ok: false, error: failureOf(r, 'strata diff') };
  const changes = jsonLines(r.stdout)
    .filter((o) => typeof o.path === 'string' && typeof o.kind === 'string' && MARKS[o.kind])
    .map((o) => ({ path: unescapePath(o.path as string) as BytePath, mark: MARKS[o.kind as string]! }));
  return { ok: true, value: changes };
}

/** A verb on one container (`rm`, `start`, `stop`, `commit ID REF`, `logs`): its output, or why not. */
export async function containerCommand(cli: StrataCli, args: readonly string[]): Promise<Outcome<string>> {
  const r = await cli.captured(args);
  return r.status === 0 ? { ok: true, value: r.stdout } : { ok: false, error: failureOf(r, `strata ${args[0]}`) };
}

function jsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === 'object') out.push(value as Record<string, unknown>);
    } catch {
      // A line that is not JSON is not a row.
    }
  }
  return out;
}
