// The TUI's fast path (tui-fast-path.ts, lean-parse.ts) against yargs, the reference: for every
// line it takes, the TUI must get the global options yargs would give `tui` or the default
// command; every line yargs rejects (or would answer with help) it must leave to yargs.

import type { CommandModule } from 'yargs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCommandLine } from '../../src/cli/cli.js';
import { defineCommand } from '../../src/cli/define.js';
import { GLOBAL_OPTIONS } from '../../src/cli/global-options.js';
import { DEFAULT_COMMAND, leanParse } from '../../src/cli/lean-parse.js';
import { parsePlainTui } from '../../src/cli/tui-fast-path.js';
import { contextError } from '../helpers/context-error.js';

const KEYS = Object.keys(GLOBAL_OPTIONS);

function project(argv: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(KEYS.filter((k) => argv[k] !== undefined).map((k) => [k, argv[k]]));
}

/** The argv yargs hands `tui` for `args`, or the message it fails with. A line without a command
 * is given `tui` at its end: the options are global, so yargs reads them the same for either (its
 * default command prints the help here, without a terminal). */
async function viaYargs(args: string[]): Promise<{ argv?: Record<string, unknown>; error?: string }> {
  let argv: Record<string, unknown> | undefined;
  const recorder = defineCommand({
    command: 'tui',
    describe: 'tui',
    builder: (y) => y,
    run: async (_ctx, a) => {
      argv = a as Record<string, unknown>;
    },
  });
  try {
    await parseCommandLine(args.includes('tui') ? args : [...args, 'tui'], 'test', [recorder as CommandModule]);
  } catch (err) {
    return { error: (err as Error).message };
  }
  return argv === undefined ? { error: 'no handler ran' } : { argv };
}

async function check(args: string[]): Promise<'fast' | 'yargs'> {
  const fast = parsePlainTui(args);
  const reference = await viaYargs(args);
  const line = JSON.stringify(args);
  if (fast === undefined) return 'yargs';
  // The fast path's options go to the same context: it must fail as yargs' did.
  const failed = contextError(fast as Record<string, unknown>);
  assert.is(failed, reference.error, `${line}: taken by the fast path, but yargs ${reference.error === undefined ? 'parses it' : `fails it: ${reference.error}`}`);
  if (failed === undefined) assert.equal(project(fast as Record<string, unknown>), project(reference.argv!), line);
  return 'fast';
}

test('parsePlainTui: plain lines get the global options yargs gives the TUI', async () => {
  const plain = [
    [],
    ['tui'],
    ['--root', '/s'],
    ['--root=/s', 'tui'],
    ['tui', '--root', '/s'],
    ['--json', '-q'],
    ['--quiet', '--driver', 'copy'],
    ['tui', '--driver=overlay'],
    ['--root', ''],
    // Checked by makeContext, whichever parser gave it.
    ['--driver', 'zfs'],
  ];
  for (const args of plain) assert.is(await check(args), 'fast', JSON.stringify(args));
});

test('parsePlainTui: other commands, mistakes, help and unusual forms are left to yargs', async () => {
  const left = [
    ['images'],
    ['run', '--rm', 'busybox', 'true'],
    ['tui', 'extra'],
    ['tui', 'tui'],
    ['--help'],
    ['tui', '-h'],
    ['--version', 'tui'],
    ['--bogus'],
    ['--root'],
    ['--root', '/a', '--root', '/b'],
    ['--json=false'],
    ['--json', 'true'],
    ['--', 'tui'],
  ];
  for (const args of left) assert.is(parsePlainTui(args), undefined, JSON.stringify(args));
  for (const args of left.filter((a) => !a.some((w) => ['--help', '-h', '--version'].includes(w)))) await check(args);
});

test('leanParse: the default command takes a line that names no command, and only such a line', () => {
  const command = { name: DEFAULT_COMMAND, options: {}, positionals: [] };
  assert.equal(leanParse(['--root', '/s'], GLOBAL_OPTIONS, command), { root: '/s' });
  assert.is(leanParse(['tui'], GLOBAL_OPTIONS, command), undefined);
  assert.equal(leanParse(['x'], GLOBAL_OPTIONS, { ...command, positionals: ['image'] }), { image: 'x' });
});

test.run();
