// The container layer's rules (docs/DESIGN.md §4) on real sandboxes, under both rootfs drivers:
// the host's kernel; a new file goes to the container's layer only; a read finds the topmost
// copy; a modification copies up and leaves the image's layer byte-identical; a deletion records
// a whiteout; `diff` shows A, C and D; a second container sees none of it; the image is unchanged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const duBytes = (path: string) => Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The busybox layer's directory (the store's only layer). */
function busyboxLayer(): string {
  const [hex] = readdirSync(join(t.root, 'layers'));
  return join(t.root, 'layers', hex!, 'rootfs');
}

for (const driver of ['overlay', 'copy']) {
  const ok = (...args: string[]) => strataOk(['--driver', driver, ...args], opts).text;

  test(`${driver}: uname -r inside is the host's kernel`, () => {
    assert.is(ok('run', '--rm', 'busybox', 'uname', '-r').trim(), release());
  });

  test(`${driver}: add, copy-up, delete; diff shows A, C and D; the image is untouched`, () => {
    ok('images');
    const passwd = join(busyboxLayer(), 'etc/passwd');
    const before = sha(passwd);
    const name = `seed-${driver}`;
    const out = ok('run', '--name', name, 'busybox', 'sh', '-c',
      'echo added > /added; echo changed >> /etc/passwd; rm /etc/shadow; cat /etc/passwd | tail -1; ls /etc');
    assert.match(out, /^changed\n/, 'the read finds the container\'s copy');
    assert.not.match(out, /shadow/);
    assert.is(sha(passwd), before, 'the image layer\'s file is byte-identical');
    assert.is(ok('diff', name), 'A /added\nC /etc\nC /etc/passwd\nD /etc/shadow\n');
    // A second container of the same image sees none of it.
    const second = ok('run', '--rm', 'busybox', 'sh', '-c', 'ls /added 2>&1; tail -1 /etc/passwd; ls /etc/shadow');
    assert.match(second, /No such file/);
    assert.match(second, /nobody:x:65534/);
    assert.match(second, /\/etc\/shadow/);
    // Every layer file still matches its index (check verifies digests).
    const check = runStrata(['check'], opts);
    assert.is(check.stderr + check.stdout.toString(), '');
    assert.is(check.status, 0);
    ok('rm', name);
  });

  test(`${driver}: diff --json, and a directory tree made and removed`, () => {
    const name = `tree-${driver}`;
    ok('run', '--name', name, 'busybox', 'sh', '-c', 'mkdir -p /a/b && echo x > /a/b/c && rm -rf /home /usr/sbin');
    const lines = ok('--json', 'diff', name).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines, [
      { kind: 'A', path: '/a' }, { kind: 'A', path: '/a/b' }, { kind: 'A', path: '/a/b/c' },
      { kind: 'D', path: '/home' }, { kind: 'C', path: '/usr' }, { kind: 'D', path: '/usr/sbin' },
    ]);
    ok('rm', name);
  });

  test(`${driver}: a container that changes nothing has an empty diff`, () => {
    const name = `quiet-${driver}`;
    ok('run', '--name', name, 'busybox', 'cat', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf');
    assert.is(ok('diff', name), '');
    ok('rm', name);
  });
}

test('overlay: containers share the image\'s files: ten of them add only their own layers', () => {
  const ok = (...args: string[]) => strataOk(['--driver', 'overlay', ...args], opts).text;
  const before = duBytes(join(t.root, 'containers'));
  for (let i = 0; i < 10; i++) ok('run', '--name', `share-${i}`, 'busybox', 'true');
  const grown = duBytes(join(t.root, 'containers')) - before;
  assert.ok(grown < 10 * 100 * 1024, `10 containers grew the store by ${grown} bytes`);
  for (let i = 0; i < 10; i++) ok('rm', `share-${i}`);
});

test.run();
