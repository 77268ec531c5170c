// strata's internal jobs (app/internal-jobs.ts): `--internal-job` first on the command line runs
// one, before any command-line parsing; the CLI itself has no hidden commands.

import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BytePath } from '../../src/base/byte-path.js';
import { parseIndex } from '../../src/base/layer-index.js';
import { cleanEnv, requireBinary, runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();

function job(...args: string[]) {
  const r = spawnSync(requireBinary(), ['--internal-job', ...args], { env: cleanEnv(), timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

test('writable-layer prints the layer index of a container', () => {
  strataOk(['run', '--name', 'made', 'busybox', 'sh', '-c', 'echo hi > /made'], { root: t.root });
  const id = (JSON.parse(strataOk(['ps', '-a', '--no-trunc', '--json'], { root: t.root }).text) as { ID: string }).ID;
  const r = job('writable-layer', t.root, id);
  assert.is(r.status, 0, r.stderr);
  assert.ok(parseIndex(r.stdout.toString('latin1')).entries.has('/made' as BytePath));
  strataOk(['rm', 'made'], { root: t.root });
});

test('an unknown job, or a job with the wrong arguments, is a usage error', () => {
  for (const args of [['nosuch', t.root], ['supervise', t.root], ['commit-layer', t.root, 'x'], []]) {
    const r = job(...args);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, /^strata: not an internal job/, r.stderr);
  }
});

test('the old hidden commands are not commands', () => {
  for (const name of ['__supervise', '__writable-layer', '__commit-layer']) {
    const r = runStrata([name, 'x', 'y'], { root: t.root });
    assert.is(r.status, 2, name);
    assert.match(r.stderr, /^strata: /);
  }
});

test.after(() => t.cleanup());

test.run();
