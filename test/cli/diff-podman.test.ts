// `strata diff` checked against `podman diff` on the same image and the same scripts, under both of
// strata's drivers: the image is made by strata, saved as a docker-archive and loaded into podman,
// then each script runs in a container of each. Docker's rules, as podman applies them: a parent
// directory is C only when its own entries or metadata changed (a hard link to an image file is
// `C /bin/busybox` and `A /hard`, no `C /bin`), and a directory deleted and made again is D, with
// what it now holds listed under it. podman's own /etc files (hosts, resolv.conf) make it print
// `C /etc` for every container: that line is left out of its answer, and no script touches /etc.
// podman lists every directory above an A or a D (containers/storage), Docker only the parent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).stdout.toString('latin1');

// podman in a sandbox without the rlimits it would copy from its own: set ones every host allows.
const PODMAN_RUN = ['run', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];
const TAG = `localhost/strata-diff-oracle:${process.pid}`;

function podman(...args: string[]): string {
  const r = spawnSync('podman', args, { encoding: 'latin1' });
  if (r.status !== 0) throw new Error(`podman ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const BASE = [
  'mkdir -p /t/keep/sub /t/gone/deep /t/deep/a/b /t/modes /t/swap',
  'echo k > /t/keep/sub/k; touch /t/keep/f /t/deep/a/b/f /t/swap/in; echo y > /t/gone/deep/y',
].join('; ');

const SCRIPTS = [
  'ln /bin/busybox /hard',
  'rm -rf /usr && mkdir -p /usr/share',
  'rm -rf /t/gone; mkdir -p /t/gone/deep/deeper; echo z > /t/gone/deep/deeper/z',
  'echo more >> /t/deep/a/b/f',
  'touch /t/deep/a/b/new',
  'rm /t/keep/sub/k',
  'rm -rf /t/keep/*',
  'chmod 700 /t/modes',
  'rm -rf /t/swap; echo file > /t/swap',
  'mkdir -p /n/e/w; ln -s /nowhere /t/dangling',
];

ok('run', '--name', 'base', 'busybox', 'sh', '-c', BASE);
ok('commit', 'base', 'oracle:1');
const archive = join(t.scratch, 'oracle.tar');
ok('save', '-o', archive, 'oracle:1');
podman('load', '-q', '-i', archive);
podman('tag', 'oracle:1', TAG);
test.after(() => {
  spawnSync('podman', ['rmi', '-f', TAG, 'localhost/oracle:1']);
});

for (const [i, script] of SCRIPTS.entries()) {
  test(`diff of "${script}" is podman's, under both drivers`, () => {
    const name = `oracle-${process.pid}-${i}`;
    podman(...PODMAN_RUN, '--name', name, TAG, 'sh', '-c', script);
    let want: string;
    try {
      // podman lists a change's parents after it; strata sorts by path bytes: compare in that order.
      want = podman('diff', name).split('\n').filter((line) => line !== '' && line !== 'C /etc')
        .sort((a, b) => (a.slice(2) < b.slice(2) ? -1 : 1)).map((l) => `${l}\n`).join('');
    } finally {
      spawnSync('podman', ['rm', '-f', name]);
    }
    assert.ok(want.length > 0, 'podman saw a change');
    for (const driver of ['overlay', 'copy']) {
      ok('--driver', driver, 'run', '--name', `${driver}-${i}`, 'oracle:1', 'sh', '-c', script);
      assert.is(ok('diff', `${driver}-${i}`), want, driver);
    }
  });
}

test.after(() => t.cleanup());
test.run();
