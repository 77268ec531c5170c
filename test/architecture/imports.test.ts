// The import structure docs/ARCHITECTURE.md describes, checked on the code: no import cycle in
// src/ or tui/ (type imports, lazy import() and require() count); the runtime's rooms import only
// the rooms below them; neither face imports the other, and only src/app/ loads the TUI, lazily.
// Each check also runs on files planted in a temporary directory, which break it on purpose: a
// check that could not fail would show there.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crossings, importCycles, importGraph, type ImportGraph } from './import-graph.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIRS = ['src', 'tui'];

/** The runtime's rooms, bottom first: a file of one imports from src/runtime/ only its own room's
 * files and those of the rooms before it (docs/ARCHITECTURE.md, "The runtime"). */
const RUNTIME_ROOMS = ['helper', 'rootless', 'sandbox', 'cgroups', 'drivers', 'containers', 'changes'];

/** Each cycle as the files in it, one line a cycle. */
function cycleReport(root: string): string[] {
  return importCycles(importGraph(root, DIRS)).map((files) => files.join(' '));
}

/** Imports between rooms that go upward, and runtime files outside every room. */
function roomViolations(graph: ImportGraph, rooms: readonly string[]): string[] {
  const roomOf = (file: string) => (file.startsWith('src/runtime/') ? file.split('/')[2] : undefined);
  const problems: string[] = [];
  for (const [file, targets] of graph) {
    const room = roomOf(file);
    if (room === undefined) continue;
    if (!rooms.includes(room) || file.split('/').length !== 4) {
      problems.push(`${file} is in no room of the runtime (${rooms.join(', ')})`);
      continue;
    }
    for (const target of targets) {
      const to = roomOf(target);
      if (to !== undefined && rooms.indexOf(to) > rooms.indexOf(room)) problems.push(`${file} -> ${target} (${room} imports ${to}, above it)`);
    }
  }
  return problems.sort();
}

/** Imports that cross between the two faces: tui/ never imports src/cli/, src/cli/ never tui/;
 * src/app/, which both use, imports neither src/cli/ nor tui/ but lazily (import()). */
function faceViolations(root: string): string[] {
  const all = importGraph(root, DIRS);
  const eager = importGraph(root, DIRS, { lazy: false });
  const intoTui = [...crossings(all, 'src/', 'tui/')];
  return [
    ...crossings(all, 'tui/', 'src/cli/'),
    ...crossings(all, 'src/app/', 'src/cli/'),
    ...intoTui.filter((line) => !line.startsWith('src/app/')),
    ...crossings(eager, 'src/app/', 'tui/').map((line) => `${line} (not through import())`),
  ].sort();
}

test('no import cycle in src/ or tui/, counting type imports, import() and require()', () => {
  const cycles = cycleReport(REPO);
  assert.equal(cycles, [], `import cycles (the files of each):\n${cycles.join('\n')}`);
});

test('the runtime is in rooms, and each imports only the rooms below it', () => {
  const problems = roomViolations(importGraph(REPO, DIRS), RUNTIME_ROOMS);
  assert.equal(problems, [], problems.join('\n'));
});

test('tui/ and src/cli/ import nothing of each other; only src/app/ loads tui/, by import()', () => {
  const problems = faceViolations(REPO);
  assert.equal(problems, [], problems.join('\n'));
  assert.ok(crossings(importGraph(REPO, DIRS), 'src/app/', 'tui/').length > 0, 'src/app/ is where the TUI is loaded from');
});

/** A tree of the given files (path -> text) in a temporary directory, removed after `check`. */
function withPlanted(files: Record<string, string>, check: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'strata-imports-'));
  try {
    for (const dir of DIRS) mkdirSync(join(root, dir), { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    check(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('the cycle check finds planted cycles: a type import against an import(), a require against an import', () => {
  withPlanted({
    'src/store/a.ts': "import type { B } from './b.js';\nexport type A = B;\n",
    'src/store/b.ts': "export type B = string;\nexport const load = () => import('./a.js');\n",
    'tui/data/c.ts': "import { d } from './d.js';\nexport const c = d;\n",
    'tui/data/d.ts': "export const d = 1;\nexport const c = () => require('./c.js');\n",
    'tui/data/e.ts': "import { d } from './d.js';\nexport const e = d;\n",
  }, (root) => {
    assert.equal(cycleReport(root), ['src/store/a.ts src/store/b.ts', 'tui/data/c.ts tui/data/d.ts']);
  });
});

test('the room check finds a planted upward import and a file outside the rooms', () => {
  withPlanted({
    'src/runtime/helper/process.ts': "import type { Driver } from '../drivers/driver.js';\nexport type P = Driver;\n",
    'src/runtime/drivers/driver.ts': "import type { P } from '../helper/process.js';\nexport type Driver = P;\n",
    'src/runtime/loose.ts': 'export const loose = 1;\n',
  }, (root) => {
    assert.equal(roomViolations(importGraph(root, DIRS), RUNTIME_ROOMS), [
      'src/runtime/helper/process.ts -> src/runtime/drivers/driver.ts (helper imports drivers, above it)',
      'src/runtime/loose.ts is in no room of the runtime (helper, rootless, sandbox, cgroups, drivers, containers, changes)',
    ]);
  });
});

test('the face check finds planted crossings: tui -> cli, cli -> tui, app -> tui without import()', () => {
  withPlanted({
    'src/cli/format.ts': 'export const table = 1;\n',
    'src/cli/commands/tui.ts': "export const open = () => import('../../../tui/run-tui.js');\n",
    'src/app/open-tui.ts': "import { runTui } from '../../tui/run-tui.js';\nexport const open = runTui;\n",
    'src/app/lazy.ts': "export const open = () => import('../../tui/run-tui.js');\n",
    'tui/run-tui.ts': 'export const runTui = 1;\n',
    'tui/screens/table.ts': "import { table } from '../../src/cli/format.js';\nexport const t = table;\n",
  }, (root) => {
    assert.equal(faceViolations(root), [
      'src/app/open-tui.ts -> tui/run-tui.ts (not through import())',
      'src/cli/commands/tui.ts -> tui/run-tui.ts',
      'tui/screens/table.ts -> src/cli/format.ts',
    ]);
  });
});

test.run();
