// run's fast path (run-fast-path.ts, lean-parse.ts) against yargs, the reference: for every line
// it takes, run's handler must get what yargs would give it; every line yargs rejects (or would
// answer with help) it must leave to yargs. Fixed lines first, then 250 drawn at random
// from the forms a run line can take.

import type { CommandModule } from 'yargs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCommandLine } from '../../src/cli/cli.js';
import { RUN_OPTIONS, run } from '../../src/cli/commands/run.js';
import { defineCommand } from '../../src/cli/define.js';
import { GLOBAL_OPTIONS } from '../../src/cli/global-options.js';
import { leanParse } from '../../src/cli/lean-parse.js';
import { parsePlainRun } from '../../src/cli/run-fast-path.js';
import { contextError } from '../helpers/context-error.js';

/** What run's handler reads from its argv. */
const KEYS = [
  ...Object.keys(GLOBAL_OPTIONS),
  ...Object.keys(RUN_OPTIONS).map((k) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())),
  'image', 'commandTail',
];

function project(argv: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(KEYS.filter((k) => argv[k] !== undefined).map((k) => [k, argv[k]]));
}

/** What yargs hands run's handler for `args` (through defineCommand, as in the binary), or the
 * message it fails with. */
async function viaYargs(args: string[]): Promise<{ argv?: Record<string, unknown>; error?: string }> {
  let argv: Record<string, unknown> | undefined;
  const recorder = defineCommand({
    command: run.command as string,
    describe: run.describe as string,
    builder: run.builder as never,
    run: async (_ctx, a) => {
      argv = a as Record<string, unknown>;
    },
  });
  try {
    await parseCommandLine(args, 'test', [recorder as CommandModule]);
  } catch (err) {
    return { error: (err as Error).message };
  }
  return argv === undefined ? { error: 'no handler ran' } : { argv };
}

async function check(args: string[]): Promise<'fast' | 'yargs'> {
  const fast = parsePlainRun(args);
  const reference = await viaYargs(args);
  const line = JSON.stringify(args);
  if (fast === undefined) return 'yargs';
  // The fast path's argv goes to the same handler: the context it makes must fail as yargs' did.
  const failed = contextError(fast);
  assert.is(failed, reference.error, `${line}: taken by the fast path, but yargs ${reference.error === undefined ? 'parses it' : `fails it: ${reference.error}`}`);
  if (failed === undefined) assert.equal(project(fast), project(reference.argv!), line);
  return 'fast';
}

test('parsePlainRun: plain lines get what yargs gives run\'s handler', async () => {
  const plain = [
    ['run', '--rm', 'busybox', 'true'],
    ['run', 'busybox'],
    ['--root', '/s', 'run', '--rm', 'busybox', 'sh', '-c', 'echo hi'],
    ['--root=/s', '--json', '-q', 'run', '-d', 'busybox'],
    ['run', '--root', '/s', '--driver', 'copy', 'busybox', '--rm'],
    ['run', '-it', 'busybox', 'sh'],
    ['run', '-ti', '--rm', 'alpine:3.20', '--', 'x'],
    ['run', '-dq', 'busybox'],
    ['run', '--name', 'web', 'busybox'],
    ['run', '--name=', 'busybox'],
    ['run', '--name=-x', 'busybox'],
    ['run', '--name', '', 'busybox'],
    ['run', '--name', 'true', 'busybox'],
    ['run', '-e', 'A=1', '--env', 'B="2"', '--env=C', '-e', 'D', 'busybox', 'env'],
    ['run', '--env-file', 'a.env', '--env-file=b.env', 'busybox'],
    ['run', '-v', '/a:/b:ro', '--volume', '/c:/d', '--volume=/e:/f', 'busybox'],
    ['run', '-w', '/tmp', '-u', '1000:1000', 'busybox'],
    ['run', '--workdir=/x', '--user=root', 'busybox'],
    ['run', '--net', 'host', 'busybox'],
    ['run', '--network=none', 'busybox'],
    ['run', '-m', '64m', '--pids', '100', '--cpus', '0.5', '--timeout', '3', 'busybox'],
    ['run', '--pids', '010', '--cpus', '2.50', 'busybox'],
    ['run', '--hostname', 'h', '--read-only', '--entrypoint', '', 'busybox'],
    ['run', '--entrypoint=sh', 'busybox', '-c', 'exit 3'],
    ['run', '--d', '--e', 'X=1', 'busybox'],
    ['run', '123', 'x'],
    ['run', 'true'],
    ['run', '-', 'x'],
    ['run', '--', 'busybox', 'true'],
    // Values as typed: run's handler checks them, whichever parser gave them.
    ['run', '--net', 'bridge', 'busybox'],
    ['--driver', 'zfs', 'run', 'busybox'],
    ['run', '--pids', 'x', 'busybox'],
    ['run', '--pids', '0x10', 'busybox'],
    ['run', '--cpus', '.5', '--timeout', 'abc', 'busybox'],
    ['run', '--memory', 'lots', '--hostname', '', 'busybox'],
  ];
  for (const args of plain) assert.is(await check(args), 'fast', JSON.stringify(args));
});

test('parsePlainRun: mistakes, help and unusual forms are left to yargs', async () => {
  const left = [
    ['run'],
    ['run', '--rm'],
    ['run', '--help'],
    ['run', '-h', 'busybox'],
    ['--version', 'run', 'busybox'],
    ['run', '--bogus', 'busybox'],
    ['run', '-x', 'busybox'],
    ['run', '--no-rm', 'busybox'],
    ['run', '--rm=false', 'busybox'],
    ['run', '--rm', 'true', 'busybox'],
    ['run', '-it', 'false'],
    ['run', '--rm', '--rm', 'busybox'],
    ['run', '--name', 'a', '--name', 'b', 'busybox'],
    ['run', '--name', '-x', 'busybox'],
    ['run', '--name'],
    ['run', '-eA=1', 'busybox'],
    ['run', '-e=A=1', 'busybox'],
    ['run', '-ie', 'A=1', 'busybox'],
    ['run', '--readOnly', 'busybox'],
    ['run', '--envFile', 'f', 'busybox'],
    ['run', '--timeout', '-1', 'busybox'],
    ['run', '--net'],
    ['images'],
    ['exec', 'c1', 'true'],
    ['--json'],
    [],
  ];
  for (const args of left) assert.is(parsePlainRun(args), undefined, JSON.stringify(args));
  // Those yargs can parse without printing help and exiting: the answers stay yargs' own.
  for (const args of left.filter((a) => !a.some((w) => ['--help', '-h', '--version'].includes(w)))) await check(args);
});

test('parsePlainRun agrees with yargs on 250 lines drawn at random', async () => {
  const globals = [['--root', '/s'], ['--root=/s'], ['--json'], ['-q'], ['--quiet'], ['--driver', 'copy'], ['--driver=overlay'], ['--driver', 'bad']];
  const options = [
    ['--rm'], ['-d'], ['-it'], ['-i'], ['-t'], ['-ti'], ['-dq'], ['--detach'], ['--interactive'], ['--tty'],
    ['--name', 'n1'], ['--name=x'], ['--name', ''], ['--name', '-n'], ['-e', 'A=1'], ['--env', 'B=2'], ['-eA=1'], ['-e=A=1'], ['-e'],
    ['--env-file', 'f'], ['-w', '/tmp'], ['--workdir=/x'], ['-u', '1000:1000'], ['--user', 'root'], ['-v', '/a:/b:ro'], ['--volume=/c:/d'],
    ['--net', 'host'], ['--network', 'none'], ['--net', 'bridge'], ['-m', '64m'], ['--memory=1g'], ['--pids', '100'], ['--pids', 'x'],
    ['--cpus', '0.5'], ['--cpus', '1e1'], ['--timeout', '3'], ['--hostname', 'h'], ['--read-only'], ['--readOnly'], ['--entrypoint', ''],
    ['--entrypoint=sh'], ['--no-tty'], ['--rm=true'], ['-x'], ['--rm', 'true'], ['-'], ['--'], ['-it', 'false'], ['--bogus'], ...globals,
  ];
  const images = [['busybox'], ['alpine:3'], ['123'], ['true'], ['-'], []];
  const tails = [[], ['true'], ['sh', '-c', 'echo hi'], ['--rm'], ['-e', 'X']];
  let seed = 20260101;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pick = <T>(list: readonly T[]): T => list[random(list.length)]!;
  const counts = { fast: 0, yargs: 0 };
  for (let k = 0; k < 250; k++) {
    const line = [
      ...Array.from({ length: random(3) }, () => pick(globals)).flat(),
      'run',
      ...Array.from({ length: random(5) }, () => pick(options)).flat(),
      ...pick(images),
      ...pick(tails),
    ];
    counts[await check(line)]++;
  }
  // Both paths must be exercised for the comparison to mean something.
  assert.ok(counts.fast > 40 && counts.yargs > 40, JSON.stringify(counts));
});

test('leanParse: an option table using what it does not follow is never parsed', () => {
  const command = { name: 'run', positionals: ['image'] };
  assert.ok(leanParse(['run', 'x'], {}, { ...command, options: { rm: { type: 'boolean' } } }));
  assert.is(leanParse(['run', 'x'], {}, { ...command, options: { rm: { type: 'boolean', default: true } } }), undefined);
  assert.is(leanParse(['run', 'x'], {}, { ...command, options: { v: { type: 'count' } } }), undefined);
  assert.is(leanParse(['run', 'x'], {}, { ...command, options: { e: { type: 'string', array: true } } }), undefined);
  assert.is(leanParse(['run', 'x'], {}, { ...command, options: { pids: { type: 'number' } } }), undefined);
  assert.is(leanParse(['run', 'x'], {}, { ...command, options: { net: { type: 'string', choices: ['none'] } } }), undefined);
  assert.is(leanParse(['run', 'x'], { json: { type: 'boolean', coerce: Boolean } }, { ...command, options: {} }), undefined);
});

test.run();
