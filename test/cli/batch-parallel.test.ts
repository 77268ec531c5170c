// docs/batch.md's example for GNU parallel, run for real: one file of jobs cut at line boundaries
// into blocks, each block given to its own `strata batch`, the results collected on parallel's
// stdout. Every job is there exactly once, whole, and a failing job shows in parallel's status.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY, cleanEnv, requireBinary, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
strataOk(['images'], { root: t.root });

function parallelBatch(file: string): { status: number | null; results: { id: string; exitCode: number | null; stdout: string }[]; stderr: string } {
  requireBinary();
  // As in docs/batch.md: --pipe-part -a FILE --block SIZE -j 2 strata batch --jobs 1
  const r = spawnSync('parallel', ['--will-cite', '--pipe-part', '-a', file, '--block', '4k', '-j', '2', BINARY, '--root', t.root, 'batch', '--jobs', '1'], {
    env: cleanEnv({ HOME: t.scratch }), encoding: 'utf8', timeout: 300_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, results: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)), stderr: r.stderr };
}

test('GNU parallel splits a job file across strata batch runs; every result comes back once, whole', () => {
  const file = join(t.scratch, 'jobs.jsonl');
  // ≈ 90 bytes a line: 120 lines make several 4 KB blocks.
  const jobs = Array.from({ length: 120 }, (_, i) => ({ id: `job-${i}`, image: 'busybox', cmd: ['sh', '-c', `echo $((${i} * 2))`] }));
  writeFileSync(file, jobs.map((j) => JSON.stringify(j)).join('\n') + '\n');
  const { status, results, stderr } = parallelBatch(file);
  assert.is(status, 0, stderr);
  assert.is(results.length, 120);
  assert.equal(results.map((r) => r.id).sort(), jobs.map((j) => j.id).sort());
  for (const r of results) assert.is(r.stdout, `${Number(r.id.slice(4)) * 2}\n`);
});

test('a failing job makes parallel\'s status non-zero; the other pieces still run', () => {
  const file = join(t.scratch, 'one-fails.jsonl');
  const jobs = Array.from({ length: 80 }, (_, i) => ({ id: `j${i}`, image: 'busybox', cmd: i === 50 ? ['false'] : ['true'] }));
  writeFileSync(file, jobs.map((j) => JSON.stringify(j)).join('\n') + '\n');
  const { status, results } = parallelBatch(file);
  assert.is(status, 1);
  assert.is(results.length, 80);
  assert.equal(results.filter((r) => r.exitCode !== 0).map((r) => r.id), ['j50']);
});

test.run();
