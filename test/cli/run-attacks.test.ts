// The attacks, run for real as root (or a user) inside sandboxes that `strata run` builds
// with its own plan: each must fail. Where the attack could fail by accident, a control shows it
// works without the sandbox. Programs: test/cli/fixtures/attack.c, built static into an image.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY, REPO, runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const rootfs = join(t.scratch, 'rootfs');
mkdirSync(join(rootfs, 'bin'), { recursive: true });
mkdirSync(join(rootfs, 'mnt'));
execFileSync('gcc', ['-static', '-O2', '-o', join(rootfs, 'bin/attack'), join(REPO, 'test/cli/fixtures/attack.c')]);
execFileSync('cp', [join(rootfs, 'bin/attack'), join(rootfs, 'bin/suid-attack')]);
chmodSync(join(rootfs, 'bin/suid-attack'), 0o4755);
execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-cf', join(t.scratch, 'attack.tar'), '-C', rootfs, '.']);
strataOk(['import', join(t.scratch, 'attack.tar'), 'attack:latest'], opts);

const attack = (driver: string, ...args: string[]) => runStrata(['--driver', driver, 'run', '--rm', ...args], opts);

for (const driver of ['overlay', 'copy']) {
  test(`${driver}: the classic chroot escape reaches no host file (a plain chroot does)`, () => {
    const marker = `/tmp/strata-secret-${randomBytes(6).toString('hex')}`;
    writeFileSync(marker, 'host secret');
    try {
      assert.is(execFileSync('chroot', [rootfs, '/bin/attack', 'escape', marker], { encoding: 'utf8' }), 'host secret');
      const r = attack(driver, 'attack', '/bin/attack', 'escape', marker);
      assert.is(r.stdout.toString(), 'no host file\n');
    } finally {
      rmSync(marker);
    }
  });

  test(`${driver}: a setuid-root binary does not make a -u user root (no_new_privs)`, () => {
    assert.is(attack(driver, '-u', '1000', 'attack', '/bin/attack', 'euid').stdout.toString(), 'euid=1000\n');
    assert.is(attack(driver, '-u', '1000', 'attack', '/bin/suid-attack', 'euid').stdout.toString(), 'euid=1000\n');
    // Control: the bit is there and works outside a sandbox.
    const outside = spawnSync('setpriv', ['--reuid=1000', '--regid=1000', '--clear-groups', join(rootfs, 'bin/suid-attack'), 'euid'], { encoding: 'utf8' });
    assert.is(outside.stdout, 'euid=0\n');
  });
}

test('root inside cannot open host files by handle, load modules, or mount anything', () => {
  assert.is(attack('overlay', 'attack', '/bin/attack', 'shocker').stdout.toString(), 'open_by_handle_at: Operation not permitted\n');
  assert.is(attack('overlay', 'attack', '/bin/attack', 'module').stdout.toString(), 'finit_module: Operation not permitted\ninit_module: Operation not permitted\n');
  assert.is(attack('overlay', 'attack', '/bin/attack', 'mount').stdout.toString(), 'mount tmpfs: Operation not permitted\nmount proc: Operation not permitted\n');
});

test('with -t, TIOCSTI cannot type into the caller\'s terminal', () => {
  const pwned = `/tmp/strata-pwned-${randomBytes(6).toString('hex')}`;
  const session = `strata-tiocsti-${process.pid}`;
  const shell = (cmd: string) => spawnSync('tmux', ['send-keys', '-t', session, cmd, 'Enter']);
  spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '30', 'bash --norc']);
  try {
    // Control: run directly on the terminal, the program does type a command into the shell.
    shell(`${join(rootfs, 'bin/attack')} tiocsti 'touch ${pwned}-control\n'`);
    waitFor(() => existsSync(`${pwned}-control`));
    assert.ok(existsSync(`${pwned}-control`), 'TIOCSTI works on this machine');
    shell(`env -u NODE_EXTRA_CA_CERTS ${BINARY} --root ${t.root} run --rm -t attack /bin/attack tiocsti 'touch ${pwned}\n'; touch ${pwned}-done`);
    waitFor(() => existsSync(`${pwned}-done`));
    execFileSync('sleep', ['0.5']);
    assert.ok(existsSync(`${pwned}-done`));
    assert.not.ok(existsSync(pwned), 'the sandbox typed into the caller\'s shell');
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session]);
    for (const f of [pwned, `${pwned}-control`, `${pwned}-done`]) rmSync(f, { force: true });
  }
});

function waitFor(probe: () => boolean, ms = 20_000): void {
  const end = Date.now() + ms;
  while (!probe() && Date.now() < end) execFileSync('sleep', ['0.05']);
}

test.run();
