// Docker's rules for argv, environment and working directory; limits' units; the /etc files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandArgv, commandCwd, commandEnv } from '../../src/runtime/sandbox/process-spec.js';
import { formatBytes, limitsFrom, parseMemory, parseTimeout } from '../../src/runtime/sandbox/limits.js';
import { etcFiles } from '../../src/runtime/sandbox/etc-files.js';

test('commandArgv: Entrypoint + Cmd; args replace Cmd; --entrypoint replaces Entrypoint and drops Cmd', () => {
  const config = { Entrypoint: ['/bin/tool'], Cmd: ['--help'] };
  assert.equal(commandArgv(config, { args: [] }), ['/bin/tool', '--help']);
  assert.equal(commandArgv(config, { args: ['run', 'x'] }), ['/bin/tool', 'run', 'x']);
  assert.equal(commandArgv(config, { args: [], entrypoint: 'sh' }), ['sh']);
  assert.equal(commandArgv(config, { args: ['-c', 'echo'], entrypoint: 'sh' }), ['sh', '-c', 'echo']);
  assert.equal(commandArgv({ Cmd: ['sh'] }, { args: ['ls'] }), ['ls']);
  assert.equal(commandArgv(config, { args: ['ls'], entrypoint: '' }), ['ls']);
  assert.throws(() => commandArgv({}, { args: [] }), /no command specified/);
  assert.throws(() => commandArgv(config, { args: [], entrypoint: '' }), /no command specified/);
});

/** [exit status, message] of what `f` throws; undefined when it throws nothing. */
function failureOf(f: () => unknown): [number, string] | undefined {
  try {
    f();
  } catch (err) {
    return [(err as { exitCode: number }).exitCode, (err as Error).message];
  }
  return undefined;
}

test('commandArgv: an empty command name or a NUL byte is refused before the helper sees it', () => {
  // From the command line: a usage error.
  assert.equal(failureOf(() => commandArgv({ Cmd: ['sh'] }, { args: [''] })), [2, 'invalid command "": the name of the program to run is empty']);
  assert.equal(failureOf(() => commandArgv({}, { args: ['', 'x'], entrypoint: '' })), [2, 'invalid command "": the name of the program to run is empty']);
  // An Entrypoint before it: "" is an argument like any other.
  assert.equal(commandArgv({ Entrypoint: ['echo'] }, { args: [''] }), ['echo', '']);
  // From the image: status 125, naming the image's config.
  assert.equal(failureOf(() => commandArgv({ Cmd: [''] }, { args: [] }))?.[0], 125);
  assert.equal(failureOf(() => commandArgv({ Entrypoint: [''] }, { args: ['x'] }))?.[0], 125);
  assert.equal(failureOf(() => commandArgv({ Cmd: ['a\0b'] }, { args: [] })), [125, "the image's Entrypoint or Cmd holds a NUL byte"]);
});

test('commandEnv: defaults, image Env, --env-file, -e in order; K alone copies or drops', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-env-'));
  writeFileSync(join(dir, 'env'), '# comment\n\nA=file\n  B=file\nHOSTV\nNOTSET\n');
  const env = commandEnv({ Env: ['PATH=/img/bin', 'A=image', 'C=image'] }, { args: [], envFiles: [join(dir, 'env')], env: ['C=flag', 'A', 'D=x=y'], tty: true },
    { hostname: 'h1', home: '/home/u' }, { HOSTV: 'from-host' });
  assert.equal(env, ['PATH=/img/bin', 'HOSTNAME=h1', 'TERM=xterm', 'C=flag', 'B=file', 'HOSTV=from-host', 'D=x=y', 'HOME=/home/u']);
  const plain = commandEnv({}, { args: [] }, { hostname: 'h', home: '/' }, {});
  assert.equal(plain, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=h', 'HOME=/']);
  assert.equal(commandEnv({ Env: ['HOME=/img'] }, { args: [] }, { hostname: 'h', home: '/root' }, {}).at(-1), 'HOME=/img');
  assert.throws(() => commandEnv({}, { args: [], env: ['=x'] }, { hostname: 'h', home: '/' }, {}), /^invalid value "=x" for --env: a variable needs a name/);
  assert.throws(() => commandEnv({ Env: ['A=a\0b'] }, { args: [] }, { hostname: 'h', home: '/' }, {}), /in the image's Env: it holds a NUL byte/);
  writeFileSync(join(dir, 'bad'), '=nameless\n');
  assert.throws(() => commandEnv({}, { args: [], envFiles: [join(dir, 'bad')] }, { hostname: 'h', home: '/' }, {}), /invalid environment variable "=nameless" in .*bad: a variable needs a name/);
});

test('commandCwd: -w, else WorkingDir, else /; must be absolute', () => {
  assert.is(commandCwd({ WorkingDir: '/app' }, { args: [] }), '/app');
  assert.is(commandCwd({ WorkingDir: '/app' }, { args: [], workdir: '/x' }), '/x');
  assert.is(commandCwd({}, { args: [] }), '/');
  assert.throws(() => commandCwd({}, { args: [], workdir: 'rel' }), /^invalid value "rel" for --workdir: an absolute path$/);
  assert.throws(() => commandCwd({ WorkingDir: 'rel' }, { args: [] }), /the image's working directory "rel" is not an absolute path/);
  assert.throws(() => commandCwd({ WorkingDir: '/a\0' }, { args: [] }), /NUL byte/);
});

test('limits: Docker\'s memory units, the default pids limit, reported sizes', () => {
  assert.is(parseMemory('64m'), 64 * 1024 * 1024);
  assert.is(parseMemory('1g'), 1024 ** 3);
  assert.is(parseMemory('1.5G'), 1.5 * 1024 ** 3);
  assert.is(parseMemory('7340032'), 7340032);
  assert.equal(limitsFrom({}), { pids: 4096 });
  assert.equal(limitsFrom({ memory: '256m', pids: '10', cpus: '0.5' }), { memory: 256 * 1024 * 1024, pids: 10, cpus: 0.5 });
  assert.equal(limitsFrom({ pids: '010', cpus: '.5' }), { pids: 10, cpus: 0.5 });
  assert.is(parseTimeout('5'), 5);
  assert.is(formatBytes(64 * 1024 * 1024), '64MiB');
  assert.is(formatBytes(1536 * 1024 * 1024), '1.5GiB');
});

test('limits: a value as typed that is no limit is a usage error naming the flag and the value', () => {
  const refused: [() => unknown, string][] = [
    [() => parseMemory('64x'), 'invalid value "64x" for --memory: a size such as 256m or 1g'],
    [() => parseMemory('lots'), 'invalid value "lots" for --memory: a size such as 256m or 1g'],
    [() => parseMemory('1m'), 'invalid value "1m" for --memory: below the minimum of 6m'],
    [() => parseMemory('2000t'), 'invalid value "2000t" for --memory: above the maximum of 1024t'],
    [() => limitsFrom({ pids: 'abc' }), 'invalid value "abc" for --pids: a whole number from 1 to 4194304'],
    [() => limitsFrom({ pids: '0' }), 'invalid value "0" for --pids: a whole number from 1 to 4194304'],
    [() => limitsFrom({ pids: '-1' }), 'invalid value "-1" for --pids: a whole number from 1 to 4194304'],
    [() => limitsFrom({ pids: '1e3' }), 'invalid value "1e3" for --pids: a whole number from 1 to 4194304'],
    [() => limitsFrom({ pids: '4194305' }), 'invalid value "4194305" for --pids: a whole number from 1 to 4194304'],
    [() => limitsFrom({ cpus: 'abc' }), 'invalid value "abc" for --cpus: a number of CPUs above 0, at most 1024'],
    [() => limitsFrom({ cpus: '0' }), 'invalid value "0" for --cpus: a number of CPUs above 0, at most 1024'],
    [() => limitsFrom({ cpus: '1e1' }), 'invalid value "1e1" for --cpus: a number of CPUs above 0, at most 1024'],
    [() => limitsFrom({ cpus: '' }), 'invalid value "" for --cpus: a number of CPUs above 0, at most 1024'],
    [() => parseTimeout('abc'), 'invalid value "abc" for --timeout: whole seconds from 1 to 3153600000'],
    [() => parseTimeout('0'), 'invalid value "0" for --timeout: whole seconds from 1 to 3153600000'],
    [() => parseTimeout('1.5'), 'invalid value "1.5" for --timeout: whole seconds from 1 to 3153600000'],
    [() => parseTimeout('3153600001'), 'invalid value "3153600001" for --timeout: whole seconds from 1 to 3153600000'],
  ];
  for (const [f, message] of refused) assert.equal(failureOf(f), [2, message]);
});

test('formatBytes: the unit the user most likely typed', () => {
  assert.is(formatBytes(64 * 1024 * 1024), '64MiB');
  assert.is(formatBytes(1536 * 1024 * 1024), '1.5GiB');
});

test('etcFiles: loopback-only by default; the host\'s files with --net host', () => {
  const none = etcFiles('abc', 'none', () => 'HOST');
  assert.is(none.hostname, 'abc\n');
  assert.match(none.hosts, /^127\.0\.0\.1\tlocalhost\n/);
  assert.match(none.hosts, /\n127\.0\.1\.1\tabc\n$/);
  assert.is(none['resolv.conf'], 'nameserver 127.0.0.1\n');
  const host = etcFiles('abc', 'host', (p) => `host ${p}`);
  assert.is(host.hosts, 'host /etc/hosts');
  assert.is(host['resolv.conf'], 'host /etc/resolv.conf');
});

test.run();
