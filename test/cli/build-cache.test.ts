// The build cache end to end: every step says CACHED or why it ran, and each reason is made to
// happen here and read from the line under the step: no cache entry, parent changed, instruction
// changed, --build-arg X changed, COPY sources changed (with the paths). A build argument no step
// reads, and an mtime, change nothing; --no-cache never prints CACHED; prune takes the entries
// with their layers; a damaged entry is never used; two builds at once share the work.

import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exited, runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root, timeoutMs: 120_000 };
const ctx = join(t.scratch, 'ctx');

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(ctx, name, '..'), { recursive: true });
    writeFileSync(join(ctx, name), text);
  }
}

/** The build's verdict per step ("CACHED" or the reason), keyed by the step's text. */
function build(...args: string[]): { verdicts: Map<string, string>; id: string; stderr: string } {
  const r = strataOk(['build', ...args, ctx], opts);
  const lines = r.stderr.split('\n');
  const verdicts = new Map<string, string>();
  lines.forEach((line, i) => {
    const m = /^\[[^\]]+\] (.*)$/.exec(line);
    const next = lines[i + 1] ?? '';
    if (m && (next === 'CACHED' || next.startsWith('not cached: '))) verdicts.set(m[1]!, next.replace(/^not cached: /, ''));
  });
  return { verdicts, id: r.text.trim(), stderr: r.stderr };
}

const DOCKERFILE = [
  'FROM busybox',
  'ARG V=1',
  'ARG OTHER=x',
  'ENV E=$OTHER',
  'COPY src/ /app/',
  'RUN echo "v=$V" > /v',
  'LABEL done=yes',
].join('\n');

function fresh(): void {
  rmSync(ctx, { recursive: true, force: true });
  write({ Dockerfile: DOCKERFILE, 'src/a.js': 'a', 'src/b.js': 'b', 'src/c.js': 'c', 'src/d.js': 'd', 'src/e.js': 'e', 'src/f.js': 'f' });
}

test('a first build finds no entries; the same build again takes every step from the cache', () => {
  fresh();
  const first = build();
  assert.is(first.verdicts.get('COPY src/ /app/'), 'no cache entry');
  assert.is(first.verdicts.get('LABEL done=yes'), 'no cache entry');
  assert.not.ok(first.stderr.includes('CACHED'));
  const again = build();
  assert.equal([...again.verdicts.values()], Array(6).fill('CACHED'));
  assert.is(again.id, first.id, 'the same image');
  // The verdict comes before the step's output: nothing of RUN's is printed when cached.
  assert.ok(again.stderr.includes('[stage 0 6/7] RUN echo "v=$V" > /v\nCACHED\n[stage 0 7/7]'));
});

test('COPY sources changed names the paths that differ, two and a count; later steps say parent changed', () => {
  fresh();
  build();
  write({ 'src/b.js': 'B', 'src/c.js': 'C', 'src/e.js': 'E', 'src/new.js': 'n' });
  rmSync(join(ctx, 'src/f.js'));
  const r = build();
  assert.is(r.verdicts.get('ENV E=$OTHER'), 'CACHED');
  assert.is(r.verdicts.get('COPY src/ /app/'), 'COPY sources changed: src/b.js, src/c.js (+3 more)');
  assert.is(r.verdicts.get('RUN echo "v=$V" > /v'), 'parent changed');
  assert.is(r.verdicts.get('LABEL done=yes'), 'parent changed');
});

test('a mode is part of a source, an mtime is not', () => {
  fresh();
  build();
  utimesSync(join(ctx, 'src/a.js'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  assert.is(build().verdicts.get('COPY src/ /app/'), 'CACHED');
  chmodSync(join(ctx, 'src/a.js'), 0o600);
  assert.is(build().verdicts.get('COPY src/ /app/'), 'COPY sources changed: src/a.js');
});

test('a file remembered by its stat is hashed again when it changes, even to the same size and mtime', async () => {
  fresh();
  // Older than the moment of hashing, so the first build remembers the files' digests.
  await new Promise((r) => setTimeout(r, 2200));
  build();
  assert.ok(readdirSync(join(t.root, 'build-cache', 'stat')).length === 1);
  assert.is(build().verdicts.get('COPY src/ /app/'), 'CACHED');
  const file = join(ctx, 'src/d.js');
  const { mtime } = statSync(file);
  writeFileSync(file, 'D');
  utimesSync(file, mtime, mtime);
  assert.is(build().verdicts.get('COPY src/ /app/'), 'COPY sources changed: src/d.js');
});

test('--build-arg: a changed argument names itself at the first step that reads it; one no step reads changes nothing', () => {
  fresh();
  build();
  const unrelated = build('--build-arg', 'NOBODY=1');
  assert.equal([...unrelated.verdicts.values()], Array(6).fill('CACHED'));
  const v = build('--build-arg', 'V=2');
  assert.is(v.verdicts.get('ENV E=$OTHER'), 'CACHED', 'ENV does not read V');
  assert.is(v.verdicts.get('COPY src/ /app/'), 'CACHED');
  assert.is(v.verdicts.get('RUN echo "v=$V" > /v'), '--build-arg V changed');
  assert.is(v.verdicts.get('LABEL done=yes'), 'parent changed');
  const other = build('--build-arg', 'OTHER=y');
  assert.is(other.verdicts.get('ENV E=$OTHER'), '--build-arg OTHER changed');
  // Back to the defaults: every step is found again.
  assert.equal([...build().verdicts.values()], Array(6).fill('CACHED'));
});

test('instruction changed: an edited step; the steps after it say parent changed', () => {
  fresh();
  build();
  write({ Dockerfile: DOCKERFILE.replace('RUN echo "v=$V" > /v', 'RUN echo "w=$V" > /v') });
  const r = build();
  assert.is(r.verdicts.get('COPY src/ /app/'), 'CACHED');
  assert.is(r.verdicts.get('RUN echo "w=$V" > /v'), 'instruction changed');
  assert.is(r.verdicts.get('LABEL done=yes'), 'parent changed');
});

test('--no-cache builds every step anew and never prints CACHED; the build after it is cached', () => {
  fresh();
  build();
  const r = build('--no-cache');
  assert.not.ok(r.stderr.includes('CACHED'));
  assert.equal([...r.verdicts.values()], Array(6).fill('--no-cache'));
  assert.equal([...build().verdicts.values()], Array(6).fill('CACHED'));
});

test('stages: a stage the result copies from is cached too (its layers kept for the cache)', () => {
  rmSync(ctx, { recursive: true, force: true });
  write({ Dockerfile: 'FROM busybox AS b\nRUN echo built > /x\nFROM busybox\nCOPY --from=b /x /y\n' });
  build();
  const r = build();
  assert.is(r.verdicts.get('RUN echo built > /x'), 'CACHED');
  assert.is(r.verdicts.get('COPY --from=b /x /y'), 'CACHED');
});

const entries = () => readdirSync(join(t.root, 'build-cache', 'entries'));

test('a damaged entry is never used; check accepts sound entries and reports damaged ones, which prune removes', () => {
  fresh();
  build();
  strataOk(['check'], opts);
  const damaged = entries();
  for (const name of damaged) writeFileSync(join(t.root, 'build-cache', 'entries', name), '{"key":"x"}');
  const r = build();
  assert.not.ok(r.stderr.includes('CACHED'));
  assert.equal([...build('-t', 'sound:1').verdicts.values()], Array(6).fill('CACHED'));
  const check = runStrata(['check'], opts);
  assert.is(check.status, 1);
  assert.match(check.stdout.toString() + check.stderr, /build-cache\/entries\/[0-9a-f]{64}\.json: args is not a list of names and values \(strata prune removes it\)/);
  strataOk(['prune'], opts);
  strataOk(['check'], opts);
  assert.equal([...build().verdicts.values()], Array(6).fill('CACHED'), 'the sound entries stay');
});

test('prune removes the entries whose layers it removes; --build-cache removes the cache', () => {
  fresh();
  build('-t', 'cached:1');
  const before = entries().length;
  strataOk(['rmi', 'cached:1', 'sound:1'], opts);
  strataOk(['prune'], opts);
  // Those left name only layers still there (busybox's: the metadata steps before COPY).
  assert.ok(entries().length < before, `${entries().length} of ${before} entries left`);
  strataOk(['check'], opts);
  const r = build();
  assert.is(r.verdicts.get('COPY src/ /app/'), 'no cache entry');
  strataOk(['prune', '--build-cache'], opts);
  assert.equal(readdirSync(t.root).includes('build-cache'), false);
  const after = build();
  assert.is(after.verdicts.get('ARG V=1'), 'no cache entry');
  strataOk(['check'], opts);
});

test('two builds of one file at once: the second waits for each step and reuses the entry', async () => {
  rmSync(ctx, { recursive: true, force: true });
  write({ Dockerfile: 'FROM busybox\nRUN sleep 1; echo once > /once\nRUN cat /once\n' });
  const run = () => {
    const child = spawnStrata(['build', ctx], { root: t.root });
    let err = '';
    let out = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => (out += d));
    return exited(child).then((status) => ({ status, err, out }));
  };
  const [a, b] = await Promise.all([run(), run()]);
  assert.is(a.status, 0, a.err);
  assert.is(b.status, 0, b.err);
  assert.is(a.out, b.out, 'one image');
  const ran = [a, b].filter((r) => /RUN sleep 1; echo once > \/once\nnot cached: /.test(r.err)).length;
  const cached = [a, b].filter((r) => /RUN sleep 1; echo once > \/once\nCACHED/.test(r.err)).length;
  assert.is(ran, 1, 'the step ran once');
  assert.is(cached, 1, 'the other build took it from the cache');
  assert.is(runStrata(['check'], opts).status, 0);
});

test.after(() => t.cleanup());
test.run();
