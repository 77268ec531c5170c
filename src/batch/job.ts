// One line of a batch file: a JSON object describing one job (docs/batch.md). A line is untrusted
// input: every field is checked for its type here, before anything runs, and a line that fails is
// a result of its own naming its line number. Values that `run` would check (limits, user, net,
// timeout) are kept as text and checked by the same code `run` uses (sandbox/run-flags.ts).

import { StrataError } from '../base/errors.js';

/** Where a job's bytes come from: text, or `{"base64": "…"}`. */
export type JobBytes = Uint8Array;

export interface Job {
  readonly id: string;
  /** Its line in the input (1-based). */
  readonly line: number;
  readonly image: string;
  /** An argv after the image's Entrypoint, or a shell line for /bin/sh -c; none: the image's. */
  readonly cmd?: readonly string[] | string;
  /** NAME=VALUE pairs. */
  readonly env: readonly string[];
  readonly workdir?: string;
  readonly user?: string;
  readonly stdin?: JobBytes;
  /** Path in the container -> contents, placed before the job starts. */
  readonly files: readonly { readonly path: string; readonly data: JobBytes }[];
  readonly timeout?: string;
  readonly memory?: string;
  readonly pids?: string;
  readonly cpus?: string;
  readonly net?: string;
}

/** What the command line gives every job that does not say otherwise. */
export interface JobDefaults {
  readonly image?: string;
  readonly timeout?: string;
  readonly memory?: string;
  readonly pids?: string;
  readonly cpus?: string;
  readonly net?: string;
}

/** A line that is not a job: its result says why. */
export class JobLineError extends StrataError {
  constructor(readonly line: number, readonly id: string | null, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const FIELDS = new Set(['id', 'image', 'cmd', 'env', 'workdir', 'user', 'stdin', 'files', 'timeout', 'memory', 'pids', 'cpus', 'net']);

/** The job on line `line` (its text without the newline). */
export function parseJob(text: string, line: number, defaults: JobDefaults): Job {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new JobLineError(line, null, `not JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new JobLineError(line, null, 'a job is a JSON object');
  const o = doc as Record<string, unknown>;
  const id = o.id === undefined ? String(line) : o.id;
  if (typeof id !== 'string' || id === '') throw new JobLineError(line, null, '"id" must be a non-empty string');
  const bad = (message: string) => new JobLineError(line, id, message);
  for (const key of Object.keys(o)) if (!FIELDS.has(key)) throw bad(`unknown field "${key}"`);

  const text_ = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && (key === 'timeout' || key === 'memory' || key === 'pids' || key === 'cpus')) return String(v);
    if (typeof v !== 'string') throw bad(`"${key}" must be a string`);
    return v;
  };
  const image = text_('image') ?? defaults.image;
  if (image === undefined) throw bad('"image" is missing (and no --image was given)');
  return {
    id, line, image,
    ...optional('cmd', command(o.cmd, bad)),
    env: environment(o.env, bad),
    ...optional('workdir', text_('workdir')),
    ...optional('user', text_('user')),
    ...optional('stdin', o.stdin === undefined || o.stdin === null ? undefined : bytes(o.stdin, '"stdin"', bad)),
    files: files(o.files, bad),
    ...optional('timeout', text_('timeout') ?? defaults.timeout),
    ...optional('memory', text_('memory') ?? defaults.memory),
    ...optional('pids', text_('pids') ?? defaults.pids),
    ...optional('cpus', text_('cpus') ?? defaults.cpus),
    ...optional('net', text_('net') ?? defaults.net),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

type Bad = (message: string) => JobLineError;

function command(v: unknown, bad: Bad): readonly string[] | string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    if (v.includes('\0')) throw bad('"cmd" holds a NUL byte');
    return v;
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === 'string')) throw bad('"cmd" must be a shell string or a non-empty array of strings');
  return v as string[];
}

/** `{"NAME": "value"}` or `["NAME=value"]`. A bare NAME (run -e's "copy it from my environment")
 * is refused: a job file must not read strata's own environment. */
function environment(v: unknown, bad: Bad): readonly string[] {
  if (v === undefined || v === null) return [];
  const pairs: string[] = [];
  if (Array.isArray(v)) {
    for (const e of v) {
      if (typeof e !== 'string' || !e.includes('=')) throw bad('"env" entries must be "NAME=value" strings');
      pairs.push(e);
    }
  } else if (typeof v === 'object') {
    for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
      if (typeof value !== 'string') throw bad(`"env.${k}" must be a string`);
      pairs.push(`${k}=${value}`);
    }
  } else {
    throw bad('"env" must be an object of strings or an array of "NAME=value"');
  }
  for (const p of pairs) if (p.startsWith('=') || p.includes('\0')) throw bad(`"env" entry ${JSON.stringify(p.slice(0, 40))} is not NAME=value`);
  return pairs;
}

function files(v: unknown, bad: Bad): Job['files'] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) throw bad('"files" must be an object of path -> contents');
  return Object.entries(v as Record<string, unknown>).map(([path, contents]) => {
    if (!path.startsWith('/') || path.includes('\0')) throw bad(`"files" path ${JSON.stringify(path.slice(0, 80))} is not an absolute path`);
    return { path, data: bytes(contents, `"files.${path}"`, bad) };
  });
}

/** Text (UTF-8) or `{"base64": "…"}`. */
function bytes(v: unknown, what: string, bad: Bad): JobBytes {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const b64 = (v as { base64?: unknown }).base64;
    if (keys.length === 1 && typeof b64 === 'string') {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw bad(`${what}.base64 is not base64`);
      return Buffer.from(b64, 'base64');
    }
  }
  throw bad(`${what} must be text or {"base64": "…"}`);
}
