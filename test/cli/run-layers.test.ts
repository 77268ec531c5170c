// Real layered images run under both drivers: a 256-layer image, and an OCI image whose layers
// delete files and directories (whiteouts) and make a directory opaque — what the sandbox sees
// must be exactly the resolver's merged view (`strata tree`). The images hold no shell: the
// host's static busybox is bound in read-only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { strataOk, tempStore, REPO } from '../helpers/cli.js';
import { buildUmociLayout } from '../archive/umoci-fixture.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;
const BB = ['-v', '/bin/busybox:/busybox:ro', '--entrypoint', '/busybox'];

execFileSync(process.execPath, [join(REPO, 'bench/make-layers.mjs'), join(t.scratch, 'deep'), '256']);
ok('load', join(t.scratch, 'deep'), 'deep');
buildUmociLayout(t.scratch, 'app', 't');
ok('load', join(t.scratch, 'app'), 'app');

/** Paths strata mounts something on (or at), or binds busybox to: not the image's to compare. */
const mounted = (p: string) => /^\/(proc|sys|dev|busybox)(\/|$)/.test(p) || /^\/etc\/(hosts|hostname|resolv\.conf)$/.test(p);

test('overlay: the root is mounted without redirects, metacopy or index (the upper dir stays a plain tree)', () => {
  const line = ok('--driver', 'overlay', 'run', '--rm', 'busybox', 'grep', ' / overlay ', '/proc/mounts');
  assert.match(line, /,redirect_dir=nofollow[, ]/);
  assert.not.match(line, /metacopy=on|index=on/);
});

for (const driver of ['overlay', 'copy']) {
  test(`${driver}: a 256-layer image runs and shows every layer`, () => {
    const out = strataOk(['--driver', driver, 'run', '--rm', ...BB, 'deep', 'sh', '-c', 'cat /etc/os-release; ls /layers | wc -l'], opts).text;
    assert.match(out, /^PRETTY_NAME="strata bench image"\n/);
    assert.match(out, /\n255\n$/);
  });

  test(`${driver}: whiteouts and opaque directories: the sandbox sees the resolver's view`, () => {
    const inside = strataOk(['--driver', driver, 'run', '--rm', ...BB, '-u', '0', '-w', '/', 'app:t', 'find', '/', '-xdev'], opts).text
      .trim().split('\n').filter((p) => p !== '/' && !mounted(p)).sort();
    const view = ok('tree', 'app:t').trim().split('\n').filter((p) => !mounted(p)).sort();
    assert.equal(inside, view);
    assert.ok(!inside.includes('/gone') && !inside.includes('/etc/d/new') && inside.includes('/etc/d/fresh'));
    // The fifo is there (a node the helper made), and the hardlinks share an inode.
    const out = strataOk(['--driver', driver, 'run', '--rm', ...BB, '-u', '0', 'app:t', 'sh', '-c', 'ls -l /fifo; stat -c %i /etc/a /etc/hl /etc/hl2 | uniq | wc -l'], opts).text;
    assert.match(out, /^p/);
    assert.match(out, /\n1\n$/);
  });

  test(`${driver}: changes over a layered image: diff lists them against the merged view`, () => {
    const name = `layered-${driver}`;
    strataOk(['--driver', driver, 'run', '--name', name, ...BB, '-u', '0', 'app:t', 'sh', '-c', 'rm -r /etc/d; mkdir /etc/d; echo x > /etc/d/again; rm /lnk'], opts);
    const diff = ok('diff', name).trim().split('\n');
    assert.ok(diff.includes('D /lnk'), diff.join('\n'));
    assert.ok(diff.includes('A /etc/d/again'), diff.join('\n'));
    assert.ok(diff.includes('C /etc'), diff.join('\n'));
    ok('rm', name);
  });
}

test.run();
