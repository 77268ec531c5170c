// `strata build [-f FILE] [-t NAME[:TAG]]… [--build-arg K=V]… [--target STAGE] [--net none|host]
// [--progress auto|plain|tty] CONTEXT|-`: a Dockerfile built into an image (src/build/); the
// image id on stdout, progress on stderr (none with -q).

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { callerEnvironment } from '../../base/caller-environment.js';
import { StrataError, invalidValue } from '../../base/errors.js';
import { oneOf } from '../../base/flag-values.js';
import { defineCommand } from '../define.js';

export const build = defineCommand({
  command: 'build <context>',
  describe: 'Build an image from a Dockerfile; prints the image id',
  builder: (y) => y
    .positional('context', { type: 'string', demandOption: true, describe: 'The build context directory, or - (a Dockerfile on stdin, no context)' })
    .option('file', { alias: 'f', type: 'string', requiresArg: true, describe: 'The Dockerfile (default: CONTEXT/Dockerfile; - reads it from stdin)' })
    .option('tag', { alias: 't', type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'NAME[:TAG] for the image (repeatable)' })
    .option('build-arg', { type: 'string', array: true, nargs: 1, requiresArg: true, describe: 'K=V for an ARG (K alone: the value of K in this environment)' })
    .option('target', { type: 'string', requiresArg: true, describe: 'Build up to this stage' })
    .option('net', { type: 'string', requiresArg: true, describe: 'Network of RUN steps: none (default) or host' })
    .option('cache', { type: 'boolean', default: true, describe: 'Reuse the steps of earlier builds; --no-cache builds every step anew (and still caches it)' })
    .option('progress', { type: 'string', requiresArg: true, describe: 'Progress output: auto (default), plain or tty' }),
  run: async (ctx, argv) => {
    const net = argv.net === undefined ? 'none' : oneOf('--net', argv.net, ['none', 'host'] as const);
    const asked = argv.progress === undefined ? undefined : oneOf('--progress', argv.progress, ['auto', 'plain', 'tty'] as const);
    for (const flag of ['file', 'target', 'net', 'progress'] as const) {
      if (Array.isArray(argv[flag])) throw invalidValue(`--${flag}`, String(argv[flag]), 'given more than once');
    }
    const buildArgs = new Map<string, string>();
    const env = callerEnvironment();
    for (const kv of argv.buildArg ?? []) {
      const eq = kv.indexOf('=');
      const name = eq < 0 ? kv : kv.slice(0, eq);
      if (name === '') throw invalidValue('--build-arg', kv, 'K=V, or K');
      const value = eq < 0 ? env[name] : kv.slice(eq + 1);
      if (value !== undefined) buildArgs.set(name, value);
    }
    const contextDir = argv.context === '-' ? undefined : argv.context;
    if (contextDir !== undefined && !isDirectory(contextDir)) throw new StrataError(`build context "${contextDir}" is not a directory`);
    const file = argv.file ?? (contextDir === undefined ? '-' : join(contextDir, 'Dockerfile'));
    if (file === '-' && argv.context === '-' && argv.file !== undefined) throw invalidValue('--file', '-', 'stdin already holds the Dockerfile (CONTEXT is -)');
    let dockerfile: string;
    try {
      dockerfile = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (err) {
      throw new StrataError(`cannot read the Dockerfile ${file === '-' ? 'from stdin' : `"${file}"`}`, { cause: err });
    }
    const store = await ctx.store();
    const { buildImage } = await import('../../build/executor.js');
    const { plainProgress, progressMode } = await import('../../build/progress.js');
    const terminal = process.stderr.isTTY === true;
    const progress = progressMode(asked, terminal) === 'tty' && !ctx.quiet
      ? (await import('../../build/tty-progress.js')).ttyProgress(process.stderr)
      : plainProgress({ quiet: ctx.quiet, terminal });
    let ok = false;
    const image = await buildImage(store, {
      dockerfile,
      contextDir,
      tags: argv.tag ?? [],
      buildArgs,
      ...(argv.target !== undefined ? { target: argv.target } : {}),
      net,
      ...(argv.cache === false ? { noCache: true } : {}),
      ...(ctx.driver ? { driver: ctx.driver } : {}),
      progress,
    }).then((built) => {
      ok = true;
      return built;
    }).finally(() => progress.end(ok));
    ctx.out(ctx.json ? `${JSON.stringify({ id: image.id })}\n` : `${image.id}\n`);
  },
});

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
