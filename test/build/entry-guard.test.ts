// build/entry-guard.mjs: the guard is compiled position-independent, patched in front of a real
// Node.js's _start, and the patched program then ignores NODE_OPTIONS and argv's --env-file while
// running normally; the patch refuses what it cannot do safely rather than ship without the guard.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv, REPO, tempStore } from '../helpers/cli.js';

interface Guard { code: Buffer; jumpOffset: number }
const { compileGuard, installGuard } = (await import(pathToFileURL(join(REPO, 'build/entry-guard.mjs')).href)) as {
  compileGuard(root: string): Guard;
  installGuard(binary: string, guard: Guard): number;
};

const t = tempStore();
const guard = compileGuard(REPO);
const guarded = join(t.scratch, 'node');
copyFileSync(process.execPath, guarded);
chmodSync(guarded, 0o755);
const entryBefore = readFileSync(guarded).readBigUInt64LE(24);
const address = installGuard(guarded, guard);

test('the guard is small and ends in a jump to the original entry', () => {
  assert.ok(guard.code.length < 512, `${guard.code.length} bytes`);
  assert.is(guard.code[guard.jumpOffset - 1], 0xe9);
  const elf = readFileSync(guarded);
  assert.is(elf.readBigUInt64LE(24), BigInt(address));
  assert.is.not(BigInt(address), entryBefore);
  const at = elf.indexOf(guard.code.subarray(0, guard.jumpOffset));
  assert.ok(at > 0, 'the guard is in the file');
  const target = BigInt(address + guard.jumpOffset + 4 + elf.readInt32LE(at + guard.jumpOffset));
  assert.is(target, entryBefore, 'the jump lands on the original entry');
});

test('a guarded node runs, sees argv[0] as "--", and gets no NODE_*, OPENSSL_* or UV_* variable', () => {
  const marker = join(t.scratch, 'PWNED');
  const payload = join(t.scratch, 'payload.js');
  writeFileSync(payload, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');\n`);
  const r = spawnSync(guarded, ['-e', 'console.log(JSON.stringify([process.argv0, Object.keys(process.env).sort()]))'], {
    env: cleanEnv({ NODE_OPTIONS: `--require ${payload}`, OPENSSL_CONF: '/nonexistent', UV_THREADPOOL_SIZE: '1', KEPT: 'yes' }),
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  const [argv0, names] = JSON.parse(r.stdout) as [string, string[]];
  assert.is(argv0, '--');
  assert.ok(names.includes('KEPT'));
  assert.ok(names.includes('PATH'));
  assert.equal(names.filter((n) => /^(NODE_|OPENSSL_|UV_)/.test(n)), []);
  assert.not.ok(existsSync(marker));
  // The strings stay in the block the kernel made: /proc/self/environ still has them.
  const environ = spawnSync(guarded, ['-e', 'process.stdout.write(require("fs").readFileSync("/proc/self/environ"))'], {
    env: cleanEnv({ NODE_OPTIONS: '--no-warnings' }),
  });
  assert.ok(environ.stdout.toString().split('\0').includes('NODE_OPTIONS=--no-warnings'));
});

test('installing twice fails: the entry is no longer glibc\'s _start', () => {
  assert.throws(() => installGuard(guarded, guard), /not glibc's _start/);
});

test('a file that is not a 64-bit ELF is refused', () => {
  const junk = join(t.scratch, 'junk');
  writeFileSync(junk, Buffer.alloc(4096, 1));
  assert.throws(() => installGuard(junk, guard), /not a 64-bit little-endian ELF/);
});

test.after(() => t.cleanup());
test.run();
