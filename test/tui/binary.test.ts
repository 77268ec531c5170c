// The TUI in the single binary: React and Ink are bundled but only `strata`/`strata tui` loads
// them (the bundle's metafile, build.mjs's own check), and without a terminal `strata` prints help.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO, runStrata, tempStore } from '../helpers/cli.js';

interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
}
interface BuildChecks {
  eagerInputs(metafile: Metafile, entry: string): Set<string>;
  packageOf(input: string): string | undefined;
}
const build = (await import(pathToFileURL(join(REPO, 'build.mjs')).href)) as BuildChecks;
const metafile = JSON.parse(readFileSync(join(REPO, 'dist', 'strata.meta.json'), 'utf8')) as Metafile;
const UI_PACKAGES = ['react', 'react-reconciler', 'ink', 'yoga-layout', 'scheduler'];

test('the bundle holds React, Ink and yoga, and every command but the TUI leaves them unevaluated', () => {
  const bundled = new Set(Object.keys(metafile.inputs).map(build.packageOf));
  for (const p of UI_PACKAGES) assert.ok(bundled.has(p), `${p} is bundled`);
  for (const entry of ['src/main.ts', 'src/cli/cli.ts']) {
    const eager = [...build.eagerInputs(metafile, entry)];
    assert.equal(eager.filter((p) => UI_PACKAGES.includes(build.packageOf(p) ?? '')), [], entry);
    assert.not.ok(eager.some((p) => p.startsWith('tui/')), `${entry} loads no tui/ module`);
  }
  assert.ok(build.eagerInputs(metafile, 'src/cli/cli.ts').has('src/cli/commands/tui.ts'));
});

test('a plain TUI line evaluates neither yargs nor the other commands before the TUI (its fast path)', () => {
  const eager = [...build.eagerInputs(metafile, 'src/cli/tui-fast-path.ts')];
  assert.equal(eager.filter((p) => ['yargs', 'yargs-parser', 'cliui'].includes(build.packageOf(p) ?? '')), []);
  assert.not.ok(eager.includes('src/cli/cli.ts') || eager.includes('src/cli/commands/index.ts') || eager.includes('src/cli/commands/run.ts'));
  assert.ok(eager.includes('src/app/open-tui.ts'));
});

test('eagerInputs: a dynamic import is where evaluation stops', () => {
  const fake: Metafile = { inputs: {
    a: { imports: [{ path: 'b', kind: 'import-statement' }, { path: 'c', kind: 'dynamic-import' }] },
    b: { imports: [{ path: 'd', kind: 'require-call' }] },
    c: { imports: [{ path: 'e', kind: 'import-statement' }] },
    d: { imports: [] },
    e: { imports: [] },
  } };
  assert.equal([...build.eagerInputs(fake, 'a')].sort(), ['a', 'b', 'd']);
  assert.is(build.packageOf('node_modules/ink/build/ink.js'), 'ink');
  assert.is(build.packageOf('node_modules/a/node_modules/@scope/b/x.js'), '@scope/b');
});

test('`strata` alone without a terminal prints the help and exits 0; `strata tui` says it needs one', () => {
  const { root, cleanup } = tempStore();
  try {
    const alone = runStrata([], { root });
    assert.is(alone.status, 0, alone.stderr);
    assert.match(alone.stdout.toString(), /^strata \[--root DIR\]/);
    assert.match(alone.stdout.toString(), /\n {2}strata tui +Open the terminal UI/);
    const tui = runStrata(['tui'], { root });
    assert.is(tui.status, 1);
    assert.is(tui.stderr, 'strata: the terminal UI needs a terminal (stdin and stdout); see strata --help\n');
  } finally {
    cleanup();
  }
});

test.run();
