// The container commands beyond run: commit (a container's changes become an image; a running one is paused meanwhile), cp (files in
// and out, links resolved inside the container's root, copy-up and whiteouts honoured), exec (a
// process in a running container, under its namespaces, cgroup and restrictions), prune -a. End to
// end through dist/strata, under both drivers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BINARY, cleanEnv, exited, runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';
import { freezerState, freezerStateFile } from '../helpers/freezer.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;

/** The image's layers (diff_ids) and history, from `inspect`. */
function inspect(ref: string): { Layers: string[]; History: { created_by?: string; comment?: string; empty_layer?: boolean }[]; Config: { Cmd?: string[] } } {
  const doc = JSON.parse(ok('inspect', ref))[0];
  return { Layers: doc.RootFS.Layers, History: doc.History, Config: doc.Config };
}

/** Waits until `exec CTR test -e PATH` succeeds (the detached command got that far). */
function waitForFile(ctr: string, path: string): void {
  for (let i = 0; i < 200; i++) {
    if (runStrata(['exec', ctr, 'test', '-e', path], opts).status === 0) return;
    execFileSync('sleep', ['0.05']);
  }
  throw new Error(`${path} never appeared in ${ctr}`);
}

for (const driver of ['overlay', 'copy']) {
  const d = (...args: string[]) => ['--driver', driver, ...args];

  test(`${driver}: commit makes the container's changes an image: added, changed, deleted, a directory made anew`, () => {
    ok(...d('run', '--name', `c-${driver}`, 'busybox', 'sh', '-c',
      'echo new > /new; echo changed >> /etc/passwd; rm /bin/vi; rm -rf /usr/sbin; mkdir /usr/sbin; echo only > /usr/sbin/only; ln -s ../../../../nowhere /dangling'));
    const id = ok('commit', '-m', 'a message', '--change', 'CMD ["cat", "/new"]', `c-${driver}`, `img-${driver}:1`).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.is(ok(...d('run', '--rm', `img-${driver}:1`)), 'new\n');
    // A dangling link in the writable layer is data like any other (it once broke reading overlay's markers).
    const seen = ok(...d('run', '--rm', `img-${driver}:1`, 'sh', '-c', 'tail -1 /etc/passwd; ls /usr/sbin; test -e /bin/vi || echo vi gone; readlink /dangling'));
    assert.is(seen, 'changed\nonly\nvi gone\n../../../../nowhere\n');
    const image = inspect(`img-${driver}:1`);
    assert.is(image.Layers.length, 2);
    assert.equal(image.Config.Cmd, ['cat', '/new']);
    assert.equal(image.History.at(-1)!.comment, 'a message');
    assert.match(image.History.at(-1)!.created_by!, /^sh -c echo new > \/new; /);
    assert.match(ok('history', `img-${driver}:1`).split('\n')[1]!, /sh -c echo new .+ a message$/);
    // A container of the new image starts with no changes of its own.
    ok(...d('run', '--name', `fresh-${driver}`, `img-${driver}:1`, 'true'));
    assert.is(ok('diff', `fresh-${driver}`), '');
  });

  test(`${driver}: committing again without a change gives the same layer; nothing changed, no layer`, () => {
    const again = inspect(ok('commit', `c-${driver}`).trim());
    assert.is(again.Layers.at(-1), inspect(`img-${driver}:1`).Layers.at(-1));
    const empty = inspect(ok('commit', `fresh-${driver}`).trim());
    assert.equal(empty.Layers, inspect(`img-${driver}:1`).Layers);
    assert.is(empty.History.at(-1)!.empty_layer, true);
  });

  test(`${driver}: commit of a running container`, () => {
    ok(...d('run', '-d', '--name', `live-${driver}`, 'busybox', 'sh', '-c', 'echo running > /state; exec sleep 100'));
    waitForFile(`live-${driver}`, '/state');
    ok('commit', `live-${driver}`, `live-${driver}:1`);
    assert.is(ok(...d('run', '--rm', `live-${driver}:1`, 'cat', '/state')), 'running\n');
  });

  test(`${driver}: exec runs in the container: its processes, hostname, env, cgroup, restrictions; status passes through`, () => {
    const ctr = `live-${driver}`;
    const out = ok('exec', '-e', 'EXTRA=1', ctr, 'sh', '-c',
      'hostname; echo $EXTRA; ps -o comm | grep -c sleep; grep pids /proc/self/cgroup | cut -d: -f3; grep pids /proc/1/cgroup | cut -d: -f3; grep -E "^(NoNewPrivs|CapEff)" /proc/self/status | tr -s "\\t" " "');
    const [host, extra, sleeps, own, init, ...status] = out.trim().split('\n');
    assert.is(host, ok('ps', '--json', '-a').split('\n').map((l) => l && JSON.parse(l)).find((c) => c.Names === ctr).ID);
    assert.is(extra, '1');
    assert.is(sleeps, '1');
    assert.is(own, init, 'exec joins the container\'s cgroup');
    assert.match(own!, /\/strata\//);
    assert.equal(status, ['CapEff: 00000000a80425fb', 'NoNewPrivs: 1']);
    assert.is(runStrata(['exec', ctr, 'sh', '-c', 'exit 42'], opts).status, 42);
    assert.is(runStrata(['exec', ctr, 'no-such-command'], opts).status, 127);
  });

  test(`${driver}: exec -u, -w, -i; exec into a stopped container fails like Docker's`, () => {
    const ctr = `live-${driver}`;
    assert.is(ok('exec', '-u', 'nobody', '-w', '/tmp', ctr, 'sh', '-c', 'id -u; pwd; echo $HOME'), '65534\n/tmp\n/nonexistent\n');
    assert.is(strataOk(['exec', '-i', ctr, 'cat'], { ...opts, input: 'through stdin\n' }).text, 'through stdin\n');
    // -t wants a terminal on stdin, as Docker's does: script(1) gives it one (and what script
    // forwards of its own empty stdin may be echoed first).
    const onTerminal = execFileSync('script', ['-qec', `"${BINARY}" --root "${t.root}" exec -t ${ctr} tty`, '/dev/null'], { env: cleanEnv(), encoding: 'utf8' });
    assert.match(onTerminal, /\/dev\/pts\/\d+\r\n$/);
    ok('rm', '-f', ctr);
    const stopped = runStrata(['exec', `c-${driver}`, 'true'], opts);
    assert.is(stopped.status, 1);
    assert.is(stopped.stderr, `strata: container c-${driver} is not running\n`);
  });

  test(`${driver}: cp out: a file, a directory, a tar on stdout`, () => {
    const out = join(t.scratch, `out-${driver}`);
    mkdirSync(out);
    ok('cp', `c-${driver}:/new`, join(out, 'copied'));
    assert.is(readFileSync(join(out, 'copied'), 'utf8'), 'new\n');
    ok('cp', `c-${driver}:/usr/sbin`, out);
    assert.equal(readdirSync(join(out, 'sbin')), ['only']);
    ok('cp', `c-${driver}:/etc/passwd`, `${out}/`);
    assert.match(readFileSync(join(out, 'passwd'), 'utf8'), /changed\n$/);
    const tar = strataOk(['cp', `c-${driver}:/usr/sbin`, '-'], opts).stdout;
    assert.equal(execFileSync('tar', ['-t'], { input: tar, encoding: 'utf8' }).split('\n'), ['sbin/', 'sbin/only', '']);
    const missing = runStrata(['cp', `c-${driver}:/nope`, out], opts);
    assert.is(missing.status, 1);
    assert.match(missing.stderr, /\/nope: no such file or directory/);
  });

  test(`${driver}: cp in: into a directory, to a new name, a directory; parents keep the image's metadata`, () => {
    const ctr = `in-${driver}`;
    ok(...d('run', '--name', ctr, 'busybox', 'sh', '-c', 'rm /etc/group; rm -rf /sbin'));
    const src = join(t.scratch, `src-${driver}`);
    mkdirSync(join(src, 'tree/sub'), { recursive: true });
    writeFileSync(join(src, 'file'), 'host file\n', { mode: 0o640 });
    writeFileSync(join(src, 'tree/sub/leaf'), 'leaf\n');
    ok('cp', join(src, 'file'), `${ctr}:/usr/sbin`);
    ok('cp', join(src, 'file'), `${ctr}:/var/renamed`);
    ok('cp', join(src, 'tree'), `${ctr}:/`);
    // Deleted paths made again: a file where a file was deleted, a directory where one was.
    ok('cp', join(src, 'file'), `${ctr}:/etc/group`);
    ok('cp', join(src, 'tree'), `${ctr}:/sbin`);
    const diff = ok('diff', ctr);
    for (const line of ['A /usr/sbin/file', 'A /var/renamed', 'A /tree/sub/leaf', 'C /etc/group', 'A /sbin/sub/leaf']) assert.ok(diff.includes(`${line}\n`), `${line} in\n${diff}`);
    ok('commit', ctr, `in-${driver}:1`);
    const look = 'stat -c "%a %u %g %Y" /usr; cat /usr/sbin/file /etc/group; stat -c %a /usr/sbin/file; ls /sbin; ls /tree/sub';
    const seen = ok(...d('run', '--rm', `in-${driver}:1`, 'sh', '-c', look)).split('\n');
    // /usr was passed through on the way: as the image has it, times included.
    assert.is(seen[0], ok(...d('run', '--rm', 'busybox', 'stat', '-c', '%a %u %g %Y', '/usr')).trim());
    // The old /sbin stays deleted: only what was copied is there.
    assert.equal(seen.slice(1), ['host file', 'host file', '640', 'sub', 'leaf', '']);
  });

  test(`${driver}: cp - CTR:DIR extracts a tar from stdin into the directory`, () => {
    const src = join(t.scratch, `tarsrc-${driver}`);
    mkdirSync(join(src, 'd'), { recursive: true });
    writeFileSync(join(src, 'd/f'), 'from tar\n');
    const tar = execFileSync('tar', ['-C', src, '-cf', '-', 'd']);
    strataOk(['cp', '-', `in-${driver}:/tmp`], { ...opts, input: tar });
    const back = join(t.scratch, `tarback-${driver}`);
    ok('cp', `in-${driver}:/tmp/d/f`, back);
    assert.is(readFileSync(back, 'utf8'), 'from tar\n');
    const notDir = runStrata(['cp', '-', `in-${driver}:/etc/passwd`], { ...opts, input: tar });
    assert.is(notDir.status, 1);
    assert.match(notDir.stderr, /not a directory/);
  });

  test(`${driver}: cp in and out of a running container`, () => {
    const ctr = `run-${driver}`;
    ok(...d('run', '-d', '--name', ctr, 'busybox', 'sh', '-c', 'rm -rf /usr/sbin; touch /started; exec sleep 100'));
    waitForFile(ctr, '/started');
    const file = join(t.scratch, `live-${driver}.txt`);
    writeFileSync(file, 'while running\n');
    ok('cp', file, `${ctr}:/etc/live.txt`);
    assert.is(ok('exec', ctr, 'cat', '/etc/live.txt'), 'while running\n');
    ok('cp', join(t.scratch, `src-${driver}`, 'tree'), `${ctr}:/usr/sbin`);
    assert.is(ok('exec', ctr, 'ls', '/usr/sbin'), 'sub\n');
    const back = join(t.scratch, `back-${driver}.txt`);
    ok('cp', `${ctr}:/etc/live.txt`, back);
    assert.is(readFileSync(back, 'utf8'), 'while running\n');
    const proc = runStrata(['cp', file, `${ctr}:/proc/x`], opts);
    assert.is(proc.status, 1);
    assert.match(proc.stderr, /kernel file system of the running container/);
    ok('rm', '-f', ctr);
  });
}

test('rootless: exec and cp into a running container; commit gives the container\'s owners back', () => {
  // A normal user (as test/cli/run-rootless.test.ts makes it) with a store of its own.
  const user = 'strata-rootless';
  if (spawnSync('id', [user]).status !== 0) execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', user]);
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
  const ranged = (file: string) => readFileSync(file, 'utf8').split('\n').some((l) => l.startsWith(`${user}:`));
  const mapsAll = spawnSync('sh', ['-c', 'command -v newuidmap && command -v newgidmap']).status === 0 && ranged('/etc/subuid') && ranged('/etc/subgid');
  const home = mkdtempSync(join(tmpdir(), 'strata-rootless-'));
  process.on('exit', () => rmSync(home, { recursive: true, force: true }));
  chownSync(home, uid, uid);
  const asUser = (args: readonly string[]) => spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--', BINARY, '--root', join(home, 'store'), ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' }, encoding: 'utf8',
  });
  const as = (...args: string[]) => {
    const r = asUser(args);
    assert.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  for (const driver of ['overlay', 'copy']) {
    // With subordinate ids (Debian's useradd gives a range), other owners map too: 1000 inside is
    // a host id of the range, and goes back to 1000 in the image.
    const chown = mapsAll ? 'touch /owned; chown 1000:1000 /owned; ' : '';
    as('--driver', driver, 'run', '-d', '--name', driver, 'busybox', 'sh', '-c', `${chown}echo made > /made; exec sleep 100`);
    for (let i = 0; i < 100 && asUser(['exec', driver, 'test', '-e', '/made']).status !== 0; i++) execFileSync('sleep', ['0.05']);
    assert.is(as('exec', driver, 'sh', '-c', 'id -u; cat /made; grep NoNewPrivs /proc/self/status | tr -s "\\t" " "'), '0\nmade\nNoNewPrivs: 1\n');
    const file = join(home, `in-${driver}`);
    writeFileSync(file, 'from the user\n');
    chownSync(file, uid, uid);
    as('cp', file, `${driver}:/etc/`);
    assert.is(as('exec', driver, 'cat', `/etc/in-${driver}`), 'from the user\n');
    as('commit', driver, `rootless-${driver}:1`);
    assert.match(as('ls', '-l', `rootless-${driver}:1:/made`), /^-rw-r--r--\s+0\s+0\s/);
    assert.match(as('ls', '-l', `rootless-${driver}:1:/etc/in-${driver}`), /^-rw-r--r--\s+0\s+0\s/);
    // (Read from the image's record: a rootless store cannot give its layer files other owners.)
    if (mapsAll) assert.match(as('ls', '-l', `rootless-${driver}:1:/owned`), /^-rw-r--r--\s+1000\s+1000\s/);
    as('rm', '-f', driver);
  }
});

/** Runs `strata ARGS` and watches a freezer meanwhile: the states seen, repeats dropped. */
async function watchingFreezer(state: string, args: string[], onFrozen?: (child: ChildProcess) => void): Promise<{ status: number; seen: string[] }> {
  const child = spawnStrata(args, opts);
  let status: number | undefined;
  void exited(child).then((s) => (status = s));
  const seen: string[] = [];
  while (status === undefined) {
    const now = freezerState(state);
    if (seen.at(-1) !== now) {
      seen.push(now);
      if (now === 'FROZEN') onFrozen?.(child);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  seen.push(freezerState(state));
  return { status, seen: seen.filter((x, i) => x !== seen[i - 1]) };
}

test('commit pauses a running container while it reads the layer, then thaws it (also when interrupted); --pause=false does not', async () => {
  // 48 MiB to read: the commit takes long enough to be watched.
  const id = ok('run', '-d', '--name', 'paused', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1M count=48 2>/dev/null; echo ready > /ready; exec sleep 100').trim();
  waitForFile('paused', '/ready');
  const state = freezerStateFile(id);
  try {
    const paused = await watchingFreezer(state, ['commit', 'paused', 'paused:1']);
    assert.is(paused.status, 0);
    assert.equal(paused.seen, ['THAWED', 'FROZEN', 'THAWED']);
    assert.is(ok('run', '--rm', 'paused:1', 'cat', '/ready'), 'ready\n');
    const running = await watchingFreezer(state, ['commit', '--pause=false', 'paused', 'paused:2']);
    assert.is(running.status, 0);
    assert.equal(running.seen, ['THAWED']);
    // SIGTERM to strata while the container is frozen: thawed, and strata dies of it.
    const killed = await watchingFreezer(state, ['commit', 'paused', 'paused:3'], (child) => child.kill('SIGTERM'));
    assert.is(killed.status, 143);
    assert.equal(killed.seen, ['THAWED', 'FROZEN', 'THAWED']);
    assert.is(ok('exec', 'paused', 'echo', 'still running'), 'still running\n');
  } finally {
    ok('rm', '-f', 'paused');
  }
});

test('prune -a removes stopped containers, keeps running ones, then what only the removed ones held', () => {
  ok('run', '--name', 'gone', 'busybox', 'sh', '-c', 'echo x > /x');
  const held = ok('commit', 'gone', 'held:1').trim();
  ok('run', '--name', 'holder', 'held:1', 'true');
  ok('rmi', '-f', 'held:1');
  ok('run', '-d', '--name', 'alive', 'busybox', 'sleep', '100');
  const out = ok('prune', '-a');
  assert.match(out, /Deleted container: [0-9a-z]{32}\n/);
  assert.ok(out.includes(`Deleted: ${held}\n`), out);
  assert.equal(ok('ps', '-a').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/).pop()), ['alive']);
  ok('rm', '-f', 'alive');
});

test.run();
