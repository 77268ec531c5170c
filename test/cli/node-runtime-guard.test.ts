// The binary's command line and environment are strata's alone: the Node.js inside it takes no
// option from argv, reads no env file, and acts on no NODE_*, OPENSSL_* or UV_* variable (the entry
// guard, build/entry-guard.c). Every payload here would write a marker file on the host if Node.js
// ran it; each test first shows the payload works against a plain `node`, so it cannot pass by a
// broken payload.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const marker = join(t.scratch, 'PWNED');
const payload = join(t.scratch, 'payload.js');
writeFileSync(payload, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran as ' + process.getuid());\n`);
const envFile = join(t.scratch, 'evil.env');
writeFileSync(envFile, `NODE_OPTIONS=--require ${payload}\nSTRATA_DEBUG=1\nFROM_FILE=yes\n`);

function assertNoMarker(what: string): void {
  assert.not.ok(existsSync(marker), `${what}: the payload ran on the host`);
}

test('the payloads work against a plain node (so their absence below means something)', () => {
  const script = join(t.scratch, 'noop.js');
  writeFileSync(script, '');
  spawnSync(process.execPath, ['--env-file', envFile, script], { env: cleanEnv() });
  assert.ok(existsSync(marker), 'node --env-file ran NODE_OPTIONS from the file');
  rmSync(marker);
  spawnSync(process.execPath, [script, '--env-file', envFile], { env: cleanEnv() });
  assert.ok(existsSync(marker), 'node reads --env-file even after the script (nodejs/node#54232)');
  rmSync(marker);
  spawnSync(process.execPath, [script], { env: cleanEnv({ NODE_OPTIONS: `--require ${payload}` }) });
  assert.ok(existsSync(marker), 'node honours NODE_OPTIONS');
  rmSync(marker);
});

test('run --env-file F: F is for the container only, never read by Node.js', () => {
  const r = strataOk(['run', '--rm', '--env-file', envFile, 'busybox', 'sh', '-c', 'echo "$FROM_FILE $NODE_OPTIONS"'], opts);
  assertNoMarker('run --env-file');
  assert.is(r.text, `yes --require ${payload}\n`, 'the container gets every variable of the file');
  // STRATA_DEBUG=1 from F would add a stack trace to a failure if F reached strata's environment.
  const bad = runStrata(['run', '--rm', '--env-file', envFile, 'no-such-image'], opts);
  assert.is(bad.status, 125, bad.stderr);
  assert.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assertNoMarker('run --env-file with a failing image');
});

for (const form of [['--env-file', 'F'], ['--env-file=F'], ['--env-file-if-exists', 'F'], ['--env-file-if-exists=F']]) {
  const args = form.map((a) => a.replace('F', envFile));
  test(`a container argument ${form.join(' ')} is the container's, not Node.js's`, () => {
    const r = strataOk(['run', '--rm', 'busybox', 'echo', ...args], opts);
    assertNoMarker(form.join(' '));
    assert.is(r.text, `${args.join(' ')}\n`);
  });
}

test('--env-file with a missing file: strata says so, not Node.js (no exit 9)', () => {
  const r = runStrata(['run', '--rm', '--env-file', '/nonexistent/env', 'busybox', 'true'], opts);
  assert.is.not(r.status, 9);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /^strata: .*\/nonexistent\/env/);
  const arg = strataOk(['run', '--rm', 'busybox', 'echo', '--env-file', '/nonexistent/env'], opts);
  assert.is(arg.text, '--env-file /nonexistent/env\n');
});

test("strata's own environment: NODE_OPTIONS and the other NODE_* variables have no effect", () => {
  const coverage = join(t.scratch, 'coverage');
  mkdirSync(coverage);
  const warnings = join(t.scratch, 'warnings.log');
  const r = runStrata(['images'], {
    ...opts,
    env: {
      NODE_OPTIONS: `--require ${payload}`,
      NODE_V8_COVERAGE: coverage,
      NODE_REDIRECT_WARNINGS: warnings,
      NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem',
      NODE_ICU_DATA: '/nonexistent/icu',
      NODE_CHANNEL_FD: '0',
      NODE_DEBUG_NATIVE: 'SEA,INSPECTOR',
    },
  });
  assert.is(r.status, 0, r.stderr);
  assertNoMarker('NODE_OPTIONS in the environment');
  assert.equal(readdirSync(coverage), [], 'NODE_V8_COVERAGE wrote coverage files on the host');
  assert.not.ok(existsSync(warnings), 'NODE_REDIRECT_WARNINGS wrote a host file');
  assert.is(r.stderr, '', 'no warning about the extra CA file or anything else');
  assert.match(r.stdout.toString(), /^REPOSITORY/);
});

test('an OpenSSL configuration in the environment is not loaded (it could load an engine)', () => {
  const conf = join(t.scratch, 'openssl.cnf');
  // Would make Node.js fail to start, were it read: the engine's shared object does not exist.
  writeFileSync(conf, 'nodejs_conf = conf\n[conf]\nengines = engines\n[engines]\nevil = evil\n[evil]\ndynamic_path = /nonexistent/evil.so\ninit = 1\n');
  const node = spawnSync(process.execPath, ['-e', '0'], { env: cleanEnv({ OPENSSL_CONF: conf }), encoding: 'utf8' });
  assert.is.not(node.status, 0, 'the configuration is one a plain node refuses to start with');
  const r = runStrata(['images', '-q'], { ...opts, env: { OPENSSL_CONF: conf, OPENSSL_ENGINES: t.scratch, UV_THREADPOOL_SIZE: 'x' } });
  assert.is(r.status, 0, r.stderr);
});

test('run -e NAME still copies a NODE_* variable from the caller, as docker does', () => {
  const r = strataOk(['run', '--rm', '-e', 'NODE_EXTRA_CA_CERTS', '-e', 'NODE_ENV', 'busybox', 'env'], {
    ...opts,
    env: { NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem', NODE_ENV: 'test' },
  });
  assert.match(r.text, /^NODE_EXTRA_CA_CERTS=\/etc\/ssl\/extra\.pem$/m);
  assert.match(r.text, /^NODE_ENV=test$/m);
  assertNoMarker('run -e');
});

test('Node.js options on strata\'s command line are strata\'s arguments (refused), never Node.js options', () => {
  for (const args of [['--require', payload, 'images'], [`--import=${payload}`, 'images'], ['--env-file', envFile, 'images']]) {
    const r = runStrata(args, opts);
    assertNoMarker(args.join(' '));
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^strata: /);
  }
});

test.after(() => t.cleanup());
test.run();
