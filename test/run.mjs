// Runs every test file (test/**/*.test.ts) in its own Node.js process, two at a time, and sums
// uvu's per-file totals into the one closing line CI reads: "N passed, N failed".
// Usage: node test/run.mjs [substring...]   (only files whose path contains one of them)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = walk(here).filter((f) => f.endsWith('.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
const jobs = Number(process.env.STRATA_TEST_JOBS ?? 2);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? (name === 'fixtures' ? [] : walk(p)) : [p];
  });
}

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      const num = (label) => Number(out.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);
      const total = num('Total');
      const passed = num('Passed');
      let failed = total - passed - (num('Skipped') || 0);
      // A file that crashed or printed no summary counts as one failure, never as silence.
      if (Number.isNaN(total) || code !== 0 || signal) failed = Math.max(failed || 0, 1);
      resolve({ file, passed: passed || 0, failed, out, ms: Date.now() - started, code, signal });
    });
  });
}

const queue = [...files];
const results = [];
await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, async () => {
  for (let f = queue.shift(); f; f = queue.shift()) {
    const r = await runFile(f);
    results.push(r);
    const name = relative(here, r.file);
    const status = r.failed === 0 ? 'ok  ' : 'FAIL';
    console.log(`${status} ${name}  ${r.passed} passed, ${r.failed} failed  (${(r.ms / 1000).toFixed(1)}s)`);
    if (r.failed > 0) console.log(r.out.replace(/^/gm, '    | '));
  }
}));
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && files.length > 0 ? 0 : 1;
