// `strata build` as a normal user: RUN in the rootless sandbox, COPY --chown and RUN's chown kept
// as the image's owners (shifted into the user's subordinate range on disk, as podman stores them).

import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BINARY, requireBinary, tempStore } from '../helpers/cli.js';

const USER = 'strata-rootless';
const asRoot = process.getuid?.() === 0;
if (asRoot && spawnSync('id', [USER]).status !== 0) execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
const uid = asRoot ? Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' })) : 0;
const t = tempStore();
const mapsAll = asRoot && spawnSync('sh', ['-c', 'command -v newuidmap && command -v newgidmap']).status === 0 &&
  ['/etc/subuid', '/etc/subgid'].every((f) => readFileSync(f, 'utf8').split('\n').some((l) => l.startsWith(`${USER}:`)));

function asUser(...args: string[]) {
  requireBinary();
  const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--', BINARY, '--root', t.root, ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: t.scratch, LANG: 'C.UTF-8' },
    maxBuffer: 1 << 28,
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test('a normal user builds: COPY --chown and a RUN that chowns keep the image owners', () => {
  if (!mapsAll) return;
  chownSync(join(t.root, '..'), uid, uid);
  const ctx = join(t.scratch, 'ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'f'), 'data\n');
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nCOPY --chown=1000:1000 f /f\nRUN echo ran > /g && chown 9:9 /g && id -u\n');
  execFileSync('chown', ['-R', `${uid}:${uid}`, t.scratch]);
  const built = asUser('build', '-t', 'rootless:1', ctx);
  assert.is(built.status, 0, built.stderr);
  assert.match(built.stderr, /^0$/m);
  const r = asUser('run', '--rm', 'rootless:1', 'sh', '-c', 'stat -c "%u:%g %n" /f /g; cat /f /g');
  assert.is(r.stdout, '1000:1000 /f\n9:9 /g\ndata\nran\n', r.stderr);
});

test.run();
