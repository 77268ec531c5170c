// A strata process that has exited but is not yet reaped (a zombie: its parent never waits) owns
// nothing: the next command removes its staging and lease as it would a dead process's. The
// zombie is real: an `import`, started by a shell that then becomes `sleep`, killed mid-unpack.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY, cleanEnv, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;

const stateOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[0];

async function until(what: string, done: () => boolean): Promise<void> {
  for (const end = Date.now() + 60_000; !done();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('an import killed and left unreaped: its staging and lease go with the next command', async () => {
  ok('images');
  // 64 MiB to unpack: the import is still at it when it is stopped.
  const tar = join(t.scratch, 'big.tar');
  spawnSync('sh', ['-c', `mkdir -p ${t.scratch}/rootfs && dd if=/dev/urandom of=${t.scratch}/rootfs/big bs=1M count=64 2>/dev/null && tar -C ${t.scratch}/rootfs -cf ${tar} .`]);
  const parent = spawn('sh', ['-c', `"$0" --root "$1" import "$2" big:1 & echo $!; exec sleep 1000`, BINARY, t.root, tar],
    { env: cleanEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()))));
    // Killed only once `sh` is `sleep`: a shell might still reap it.
    await until('the shell to become sleep', () => readFileSync(`/proc/${parent.pid}/cmdline`, 'latin1') === 'sleep\x001000\x00');
    // The layer it unpacks (a directory; the lease is written through a staging file first).
    const mine = () => readdirSync(join(t.root, 'staging')).filter((n) => n.startsWith(`${pid}.`) && existsSync(join(t.root, 'staging', n, 'rootfs')));
    await until('the import\'s staging', () => mine().length > 0);
    process.kill(pid, 'SIGSTOP');
    assert.ok(mine().length > 0, 'the import was stopped before it published its layer');
    process.kill(pid, 'SIGKILL');
    await until('the import to be a zombie', () => stateOf(pid) === 'Z');
    assert.ok(mine().length > 0);
    assert.is(readdirSync(join(t.root, 'leases')).filter((n) => n.startsWith(`${pid}.`)).length, 1);
    ok('images');
    assert.equal(readdirSync(join(t.root, 'staging')), []);
    assert.equal(readdirSync(join(t.root, 'leases')), []);
    assert.is(stateOf(pid), 'Z', 'still unreaped: it was taken for dead, not found gone');
    assert.is(ok('check'), '');
  } finally {
    parent.kill('SIGKILL');
  }
});

test.run();
