// The scripting contract, for every command of the command table (src/cli/commands/index.ts),
// through the real binary: a closed stdout ends strata by SIGPIPE with nothing on stderr; an
// unknown flag or command is one "strata: unknown …" line and exit status 2; `help COMMAND` and
// `COMMAND --help` print the command's help on stdout; the shell completion offers the command and
// its flags. The table is read, not copied: a command added to it is held to all of this, and the
// closed-stdout test fails until it has a line of its own in EXAMPLES.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { commands } from '../../src/cli/commands/index.js';
import { commandNames, optionNames } from '../../src/cli/command-words.js';
import { BINARY, cleanEnv, runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';
import { startRegistry } from '../helpers/registry.js';

const t = tempStore();
const opts = { root: t.root, cwd: t.scratch };
const modules = commands as CommandModule[];
const NAMES = modules.map((m) => commandNames(m)[0]!);
const VISIBLE = modules.filter((m) => m.describe !== false).map((m) => commandNames(m)[0]!);

strataOk(['run', '-d', '--name', 'ctr', 'busybox', 'sh', '-c', 'echo out; touch /new'], opts);
strataOk(['wait', 'ctr'], opts);
for (const name of ['started', 'removed']) strataOk(['run', '--name', name, 'busybox', 'true'], opts);
for (const name of ['live', 'stopped', 'killed']) strataOk(['run', '-d', '--name', name, 'busybox', 'sleep', '600'], opts);
strataOk(['save', 'busybox', '-o', join(t.scratch, 'busybox.tar')], opts);
strataOk(['export', 'busybox', '-o', join(t.scratch, 'rootfs.tar')], opts);
strataOk(['tag', 'busybox', 'spare'], opts);

/** A line of each command (in an order that leaves each its material): one that writes to stdout,
 * or, for a command that prints nothing when it succeeds, `silent`. `run`'s output is its
 * container's, which dies of SIGPIPE itself, and strata reports that. */
type Example = readonly string[] | { readonly silent: readonly string[] } | { readonly line: readonly string[]; readonly input: string } | { readonly skip: string };
/** REGISTRY in a line: a registry of the test's own (Basic auth: REGISTRY_USER, REGISTRY_PASSWORD). */
const EXAMPLES: Readonly<Record<string, Example>> = {
  run: ['run', '--rm', 'busybox', 'sh', '-c', 'while :; do echo y; done'],
  batch: { line: ['batch', '-'], input: '{"id":"a","image":"busybox","cmd":"echo hi"}\n{"id":"b","image":"busybox","cmd":"echo ho"}\n' },
  build: { line: ['build', '-q', '-'], input: 'FROM busybox\nENV A=1\n' },
  exec: ['exec', 'live', 'sh', '-c', 'while :; do echo y; done'],
  ps: ['ps', '-a', '--format', '{{json .}}'],
  rm: ['rm', 'removed'],
  diff: ['diff', 'ctr'],
  commit: ['commit', 'ctr', 'committed'],
  cp: ['cp', 'ctr:/bin', '-'],
  start: ['start', 'started'],
  stop: ['stop', '-t', '0', 'stopped'],
  kill: ['kill', 'killed'],
  wait: ['wait', 'ctr'],
  logs: ['logs', 'ctr'],
  import: ['import', join(t.scratch, 'rootfs.tar'), 'imported'],
  load: ['load', join(t.scratch, 'busybox.tar')],
  save: ['save', 'busybox'],
  login: { line: ['login', '-u', 'alice', '--password-stdin', 'REGISTRY'], input: 'wonder land\n' },
  push: ['push', 'busybox', 'REGISTRY/team/busybox:1'],
  pull: ['pull', 'REGISTRY/team/busybox:1'],
  logout: ['logout', 'REGISTRY'],
  export: ['export', 'busybox'],
  images: ['images'],
  history: ['history', 'busybox'],
  inspect: ['inspect', 'busybox'],
  tag: { silent: ['tag', 'busybox', 'tagged'] },
  rmi: ['rmi', 'spare'],
  prune: ['prune'],
  ls: ['ls', 'busybox:/bin'],
  cat: ['cat', 'busybox:/bin/busybox'],
  tree: ['tree', 'busybox'],
  efficiency: ['efficiency', 'busybox'],
  check: { silent: ['check'] },
  info: ['info'],
  tui: { skip: 'needs a terminal on stdin and stdout: test/tui drives it in tmux' },
  help: ['help', 'run'],
  completion: ['completion', 'bash'],
  __complete: ['__complete', ''],
};

/** Credentials that login stores go here, not to the home of whoever runs the tests. */
const CONFIG = { XDG_CONFIG_HOME: join(t.scratch, 'config'), DOCKER_CONFIG: join(t.scratch, 'docker') };

/** Runs strata with a stdout whose reader is gone before strata starts writing. */
function withClosedStdout(args: readonly string[], input?: string): Promise<{ status: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnStrata(args, { ...opts, env: CONFIG, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    child.stdout!.destroy();
    if (input !== undefined) child.stdin!.end(input);
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

test('every command of the table has a closed-stdout example', () => {
  const missing = NAMES.filter((n) => !(n in EXAMPLES));
  assert.equal(missing, [], `commands without a line in EXAMPLES: ${missing.join(', ')}`);
});

test('a closed stdout ends every command by SIGPIPE, quietly', async () => {
  const registry = await startRegistry({ htpasswd: { user: 'alice', password: 'wonder land' } });
  try {
    await closedStdoutForEach((line) => line.map((w) => w.replace('REGISTRY', registry.host)));
  } finally {
    await registry.stop();
  }
});

async function closedStdoutForEach(at: (line: readonly string[]) => string[]): Promise<void> {
  // In EXAMPLES' order (login before push), each command of the table once.
  for (const name of Object.keys(EXAMPLES).filter((n) => NAMES.includes(n))) {
    const entry = EXAMPLES[name]!;
    if ('skip' in entry) continue;
    if ('line' in entry) {
      const r = await withClosedStdout(at(entry.line), entry.input);
      assert.is(r.stderr, '', `${entry.line.join(' ')}: ${r.stderr}`);
      assert.is(r.signal, 'SIGPIPE', `${entry.line.join(' ')}: status ${r.status}`);
      continue;
    }
    const example = Array.isArray(entry) ? at(entry as readonly string[]) : entry;
    if ('silent' in example) {
      const r = await withClosedStdout(example.silent);
      assert.is(r.stderr, '', `${example.silent.join(' ')}: ${r.stderr}`);
      assert.ok(r.status === 0 || r.signal === 'SIGPIPE', `${example.silent.join(' ')}: status ${r.status}`);
      continue;
    }
    const r = await withClosedStdout(example);
    assert.is(r.stderr, '', `${example.join(' ')}: ${r.stderr}`);
    // strata itself dies of the signal; `run` and `exec` exit with their command's 141.
    const ok = r.signal === 'SIGPIPE' || (['run', 'exec'].includes(name) && r.status === 141);
    assert.ok(ok, `${example.join(' ')}: status ${r.status}, signal ${r.signal}`);
  }
}

test('the help of a command closed early also ends by SIGPIPE', async () => {
  for (const name of VISIBLE) {
    const r = await withClosedStdout([name, '--help']);
    assert.is(r.stderr, '', name);
    assert.is(r.signal, 'SIGPIPE', `${name} --help: status ${r.status}`);
  }
});

test('an unknown flag is named, exit 2, for every command', () => {
  // __complete's words are the shell's line, flags and all.
  for (const name of VISIBLE) {
    const r = runStrata([name, '--rmm'], opts);
    assert.is(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^strata: unknown flag: --rmm[^\\n]*\\n$`), name);
    assert.is(r.stdout.length, 0, name);
    const short = runStrata([name, '-Z'], opts);
    assert.is(short.status, 2, name);
    assert.match(short.stderr, /^strata: unknown shorthand flag: 'Z' in -Z/, name);
  }
});

test('unknown flags and commands: did you mean, exit 2', () => {
  const cases: [string[], string][] = [
    [['run', '--rmm', 'busybox', 'echo', 'hi'], "strata: unknown flag: --rmm (did you mean --rm?); see 'strata run --help'\n"],
    [['imgaes'], 'strata: unknown command "imgaes" (did you mean "images"?); see \'strata --help\'\n'],
    [['xyzzy'], 'strata: unknown command "xyzzy"; see \'strata --help\'\n'],
    [['ps', '--al'], "strata: unknown flag: --al (did you mean --all?); see 'strata ps --help'\n"],
    [['--jsno', 'images'], "strata: unknown flag: --jsno (did you mean --json?); see 'strata images --help'\n"],
    [['help', 'imgaes'], 'strata: unknown command "imgaes" (did you mean "images"?); see \'strata --help\'\n'],
  ];
  for (const [args, line] of cases) {
    const r = runStrata(args, opts);
    assert.is(r.stderr, line, args.join(' '));
    assert.is(r.status, 2, args.join(' '));
  }
  // After IMAGE the words are the container's, whichever parser reads the line.
  assert.is(strataOk(['run', '--rm', 'busybox', 'echo', '--rmm'], opts).text, '--rmm\n');
  assert.is(strataOk(['run', '--rm', 'busybox', 'echo', '-Z', '--', 'x'], opts).text, '-Z -- x\n');
  // A negated boolean and a value option's value are no unknown flags.
  assert.ok(strataOk(['history', '--no-trunc', 'busybox'], opts).text.startsWith('IMAGE'));
});

test('help COMMAND and COMMAND --help: the same text, on stdout, exit 0', () => {
  for (const name of VISIBLE) {
    const viaHelp = strataOk(['help', name], opts);
    const viaFlag = strataOk([name, '--help'], opts);
    assert.is(viaHelp.stderr, '', name);
    assert.is(viaHelp.text, viaFlag.text, name);
    assert.ok(viaHelp.text.startsWith(name === 'help' ? 'strata [--root DIR]' : `strata ${name}`), `${name}: ${viaHelp.text.slice(0, 80)}`);
    assert.is(strataOk([name, '-h'], opts).text, viaFlag.text, name);
  }
  const top = strataOk(['help'], opts).text;
  assert.is(strataOk(['--help'], opts).text, top);
  for (const name of VISIBLE) assert.match(top, new RegExp(`strata ${name}\\b`), name);
  assert.not.match(top, /__complete/);
});

test('completion: every command, its flags, images and containers', () => {
  const complete = (...words: string[]) => strataOk(['__complete', ...words], opts).text.split('\n').filter(Boolean);
  assert.equal(complete(''), [...VISIBLE].sort());
  for (const name of VISIBLE) {
    const flags = complete(name, '--');
    const expected = optionNames(modules.find((m) => commandNames(m)[0] === name)).long.map((n) => `--${n}`);
    assert.equal(flags, expected, name);
    assert.ok(flags.includes('--root') && flags.includes('--help'), name);
  }
  assert.equal(complete('run', '--r'), ['--read-only', '--rm', '--root']);
  assert.ok(complete('run', 'bu').includes('busybox:latest'));
  assert.ok(complete('history', '').includes('committed:latest'));
  assert.equal(complete('rm', 'li'), ['live']);
  assert.equal(complete('wait', 'c'), ['ctr']);
  assert.equal(complete('completion', ''), ['bash', 'fish', 'zsh']);
  assert.equal(complete('help', 'im'), ['images', 'import']);
  // run's command: left to the shell (its files).
  assert.equal(complete('run', 'busybox', 'l'), []);
  assert.equal(complete('--root', ''), []);
});

test('no ANSI escape to a pipe, with or without NO_COLOR; stdout and stderr apart', () => {
  const lines = [['images'], ['ps', '-a'], ['history', 'busybox'], ['--json', 'images'], ['help'], ['tree', 'busybox'], ['efficiency', 'busybox'], ['info'], ['imgaes'], ['run', '--rmm', 'busybox']];
  for (const name of VISIBLE) lines.push([name, '--help']);
  for (const env of [{ NO_COLOR: undefined, FORCE_COLOR: '1', TERM: 'xterm-256color' }, { NO_COLOR: '1' }]) {
    for (const args of lines) {
      const r = runStrata(args, { ...opts, env });
      assert.not.ok(r.stdout.includes(0x1b) || r.stderr.includes('\x1b'), `${args.join(' ')}: an escape`);
      // A failure says so on stderr alone; output goes to stdout alone.
      if (r.status === 0) assert.is(r.stderr, '', args.join(' '));
      else assert.is(r.stdout.length, 0, args.join(' '));
    }
  }
});

test('--root: created in a directory that exists, else one line and nothing made', () => {
  const fresh = join(t.scratch, 'fresh-store');
  assert.match(strataOk(['images'], { root: fresh }).text, /^REPOSITORY/);
  const deep = join(t.scratch, 'no', 'such', 'store');
  for (const env of [{}, { STRATA_ROOT: deep }]) {
    const r = 'STRATA_ROOT' in env
      ? spawnSync(BINARY, ['images'], { env: cleanEnv(env), encoding: 'utf8' })
      : runStrata(['images'], { root: deep });
    assert.is(r.status, 1);
    assert.is(r.stderr, `strata: cannot create store at ${deep}: ${join(t.scratch, 'no', 'such')} does not exist\n`);
    assert.not.ok(existsSync(join(t.scratch, 'no')));
  }
});

/** Runs `script` in `shell` with dist/strata on PATH as `strata` and the test's store. */
function inShell(shell: string, args: readonly string[], script: string): string {
  const bin = join(t.scratch, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(BINARY, join(bin, 'strata'));
  }
  const r = spawnSync(shell, [...args, script], { env: cleanEnv({ PATH: `${bin}:${process.env.PATH}`, STRATA_ROOT: t.root }), encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, `${shell}: ${r.stderr}`);
  return r.stdout;
}

test('completion bash: complete -p, and _strata over COMP_WORDS and COMP_CWORD as bash fills them', () => {
  const out = inShell('bash', ['-c'], `
    source <(strata completion bash)
    complete -p strata
    ask() { COMP_LINE=$1; COMP_POINT=\${#1}; COMP_WORDS=("\${@:2}"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _strata; echo "\${COMPREPLY[*]}"; }
    ask 'strata ima' strata ima
    ask 'strata run --r' strata run --r
    ask 'strata run bu' strata run bu
    ask 'strata wait ' strata wait ''
    ask 'strata run busybox:la' strata run busybox : la
    ask 'strata --root ${t.root} history com' strata --root ${t.root} history com`);
  assert.equal(out.split('\n'), [
    'complete -o default -F _strata strata',
    'images',
    '--read-only --rm --root',
    'busybox:latest',
    'ctr killed live started stopped',
    'latest',
    'committed:latest',
    '',
  ]);
});

test('completion zsh: the script parses and registers _strata with compinit', () => {
  assert.is(inShell('zsh', ['-n', '-c'], execFileSync(BINARY, ['completion', 'zsh'], { encoding: 'utf8' })), '');
  const out = inShell('zsh', ['-f', '-c'], 'autoload -U compinit && compinit -u -D && source <(strata completion zsh) && print -r -- $_comps[strata]');
  assert.is(out, '_strata\n');
});

test('completion fish: the script parses and fish completes from it', () => {
  assert.is(inShell('fish', ['--no-execute', '-c'], execFileSync(BINARY, ['completion', 'fish'], { encoding: 'utf8' })), '');
  const out = inShell('fish', ['--no-config', '-c'], "strata completion fish | source; complete -C 'strata ima'; complete -C 'strata rm li'");
  assert.equal(out.split('\n').map((l) => l.split('\t')[0]), ['images', 'live', '']);
});

test.after(() => {
  for (const name of ['live']) runStrata(['rm', '-f', name], opts);
  t.cleanup();
});

test.run();
