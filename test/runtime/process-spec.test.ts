// Docker's rules for argv, environment and working directory; limits' units; the /etc files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandArgv, commandCwd, commandEnv } from '../../src/runtime/sandbox/process-spec.js';
import { formatBytes, limitsFrom, parseMemory } from '../../src/runtime/sandbox/limits.js';
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

test('commandEnv: defaults, image Env, --env-file, -e in order; K alone copies or drops', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-env-'));
  writeFileSync(join(dir, 'env'), '# comment\n\nA=file\n  B=file\nHOSTV\nNOTSET\n');
  const env = commandEnv({ Env: ['PATH=/img/bin', 'A=image', 'C=image'] }, { args: [], envFiles: [join(dir, 'env')], env: ['C=flag', 'A', 'D=x=y'], tty: true },
    { hostname: 'h1', home: '/home/u' }, { HOSTV: 'from-host' });
  assert.equal(env, ['PATH=/img/bin', 'HOSTNAME=h1', 'TERM=xterm', 'C=flag', 'B=file', 'HOSTV=from-host', 'D=x=y', 'HOME=/home/u']);
  const plain = commandEnv({}, { args: [] }, { hostname: 'h', home: '/' }, {});
  assert.equal(plain, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=h', 'HOME=/']);
  assert.equal(commandEnv({ Env: ['HOME=/img'] }, { args: [] }, { hostname: 'h', home: '/root' }, {}).at(-1), 'HOME=/img');
  assert.throws(() => commandEnv({}, { args: [], env: ['=x'] }, { hostname: 'h', home: '/' }, {}), /invalid environment variable/);
});

test('commandCwd: -w, else WorkingDir, else /; must be absolute', () => {
  assert.is(commandCwd({ WorkingDir: '/app' }, { args: [] }), '/app');
  assert.is(commandCwd({ WorkingDir: '/app' }, { args: [], workdir: '/x' }), '/x');
  assert.is(commandCwd({}, { args: [] }), '/');
  assert.throws(() => commandCwd({}, { args: [], workdir: 'rel' }), /absolute/);
});

test('limits: Docker\'s memory units, the default pids limit, reported sizes', () => {
  assert.is(parseMemory('64m'), 64 * 1024 * 1024);
  assert.is(parseMemory('1g'), 1024 ** 3);
  assert.is(parseMemory('1.5G'), 1.5 * 1024 ** 3);
  assert.is(parseMemory('7340032'), 7340032);
  assert.throws(() => parseMemory('64x'), /invalid memory size/);
  assert.throws(() => parseMemory('1m'), /too low/);
  assert.equal(limitsFrom({}), { pids: 4096 });
  assert.equal(limitsFrom({ memory: '256m', pids: 10, cpus: 0.5 }), { memory: 256 * 1024 * 1024, pids: 10, cpus: 0.5 });
  assert.throws(() => limitsFrom({ pids: 0 }), /--pids/);
  assert.throws(() => limitsFrom({ cpus: -1 }), /--cpus/);
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
