// `strata batch` end to end on the built binary: results in completion order with every field,
// malformed lines and unknown images as results of their own while the other jobs run, files placed
// through the resolver and owned by the job's user (a symlink in the image cannot lead them onto
// the host), stdin, output limits, timeouts, the memory limit, --keep, --fail-fast, the stream
// read as it comes, and a batch stopped by a signal leaving no sandbox, cgroup, container or
// staging behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exited, runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
strataOk(['images'], opts);

const FIELDS = ['id', 'line', 'exitCode', 'signal', 'timedOut', 'oomKilled', 'stdout', 'stdoutTruncated', 'stderr', 'stderrTruncated', 'durationMs', 'changes', 'error'];

type Result = Record<string, unknown> & { id: string | null; exitCode: number | null; stdout: unknown; stderr: unknown; error: string | null };

function batch(lines: readonly (string | object)[], args: readonly string[] = []): { status: number | null; results: Result[]; stderr: string } {
  const input = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  const r = runStrata(['batch', ...args], { ...opts, input: Buffer.from(input), timeoutMs: 120_000 });
  const results = r.stdout.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Result);
  return { status: r.status, results, stderr: r.stderr };
}

const byId = (results: readonly Result[]) => new Map(results.map((r) => [r.id, r]));

test('results: one line per job with every field; bad lines and unknown images are results; the rest run', () => {
  const { status, results, stderr } = batch([
    { id: 'ok', image: 'busybox', cmd: 'echo out; echo err >&2' },
    'not json at all',
    { id: 'gone', image: 'no-such-image', cmd: ['true'] },
    { id: 'three', image: 'busybox', cmd: ['sh', '-c', 'exit 3'] },
    { id: 'killed', image: 'busybox', cmd: 'kill -TERM $$' },
    { id: 'bad', image: 'busybox', cmd: [] },
  ], ['--jobs', '2']);
  assert.is(status, 1);
  assert.is(stderr, '', 'nothing on stderr when it is not a terminal');
  assert.is(results.length, 6);
  for (const r of results) assert.equal(Object.keys(r), FIELDS);
  const m = byId(results);
  assert.equal([m.get('ok')!.exitCode, m.get('ok')!.stdout, m.get('ok')!.stderr, m.get('ok')!.error], [0, 'out\n', 'err\n', null]);
  assert.is(m.get('three')!.exitCode, 3);
  assert.equal([m.get('killed')!.exitCode, m.get('killed')!.signal], [143, 'SIGTERM']);
  assert.equal([m.get('gone')!.exitCode, m.get('gone')!.error], [null, 'image "no-such-image" not found']);
  const notJson = results.find((r) => r.line === 2)!;
  assert.is(notJson.id, null);
  assert.match(notJson.error!, /^line 2: not JSON/);
  assert.match(m.get('bad')!.error!, /^line 6: "cmd"/);
  assert.is(m.get('bad')!.line, 6);
  // Nothing of the jobs is left: no container, no staging.
  assert.is(strataOk(['ps', '-a', '-q'], opts).text, '');
  assert.equal(readdirSync(join(t.root, 'staging')), []);
});

test('files: placed before the start, directories made, owned by the job\'s user; stdin as text and base64', () => {
  const { results } = batch([
    { id: 'f', image: 'busybox', user: 'nobody', cmd: 'stat -c "%u:%g %a %n" /work /work/in/a.txt /etc/motd; cat /work/in/a.txt; od -An -tx1 /etc/motd', files: { '/work/in/a.txt': 'hello\n', '/etc/motd': { base64: 'AP8=' } } },
    { id: 's', image: 'busybox', cmd: ['cat'], stdin: 'line one\n' },
    { id: 'b', image: 'busybox', cmd: ['od', '-An', '-tx1'], stdin: { base64: 'AAH/' } },
  ]);
  const m = byId(results);
  assert.is(m.get('f')!.stdout, '65534:65534 755 /work\n65534:65534 644 /work/in/a.txt\n65534:65534 644 /etc/motd\nhello\n 00 ff\n', JSON.stringify(m.get('f')));
  assert.is(m.get('s')!.stdout, 'line one\n');
  assert.is(m.get('b')!.stdout, ' 00 01 ff\n');
});

test('files: a symlink in the image is resolved inside the container, never onto the host', () => {
  const hostDir = join(t.scratch, 'host-target');
  // An image whose /escape leads, read on the host, to hostDir.
  strataOk(['run', '--name', 'linker', 'busybox', 'ln', '-s', `/../../../../../../..${hostDir}`, '/escape'], opts);
  strataOk(['commit', 'linker', 'linky'], opts);
  strataOk(['rm', 'linker'], opts);
  const { results } = batch([{ id: 'l', image: 'linky', cmd: `cat ${hostDir}/pwned`, files: { '/escape/pwned': 'inside' } }]);
  assert.is(results[0]!.stdout, 'inside', JSON.stringify(results[0]));
  assert.not.ok(existsSync(join(hostDir, 'pwned')), 'a file was written on the host');
});

test('output limit: the rest dropped and marked; bytes that are not UTF-8 as base64', () => {
  const { results } = batch([
    { id: 'big', image: 'busybox', cmd: 'yes abcdefgh | head -c 100000; yes x | head -c 50 >&2' },
    { id: 'bin', image: 'busybox', cmd: "printf '\\377\\376'" },
  ], ['--output-limit', '1000']);
  const m = byId(results);
  const big = m.get('big')!;
  assert.is((big.stdout as string).length, 1000);
  assert.equal([big.stdoutTruncated, big.stderrTruncated, big.exitCode], [true, false, 0]);
  assert.equal(m.get('bin')!.stdout, { base64: '//4=' });
});

test('timeout and memory: timedOut and oomKilled say so; the limits come from the line or the command line', () => {
  const { results } = batch([
    { id: 'slow', image: 'busybox', cmd: ['sleep', '30'], timeout: 1 },
    { id: 'hog', image: 'busybox', cmd: 'dd if=/dev/zero of=/dev/null bs=64M count=1' },
    { id: 'fits', image: 'busybox', cmd: ['true'], memory: '256m' },
  ], ['--memory', '16m']);
  const m = byId(results);
  assert.equal([m.get('slow')!.exitCode, m.get('slow')!.timedOut, m.get('slow')!.oomKilled], [124, true, false]);
  assert.ok((m.get('slow')!.durationMs as number) < 20_000);
  assert.equal([m.get('hog')!.exitCode, m.get('hog')!.oomKilled, m.get('hog')!.timedOut], [137, true, false], JSON.stringify(m.get('hog')));
  assert.equal([m.get('fits')!.exitCode, m.get('fits')!.oomKilled], [0, false]);
  // The reused cgroup does not carry the kill over to the next job that runs in it.
  const again = batch([{ id: 'hog', image: 'busybox', cmd: 'dd if=/dev/zero of=/dev/null bs=64M count=1' }, { id: 'after', image: 'busybox', cmd: ['true'] }], ['--memory', '16m', '--jobs', '1']);
  assert.equal(byId(again.results).get('after')!.oomKilled, false);
});

test('bad command-line values are usage errors before any job runs', () => {
  for (const args of [['--jobs', '0'], ['--memory', 'lots'], ['--output-limit', '-1'], ['--net', 'bridge']]) {
    const r = runStrata(['batch', ...args], { ...opts, input: Buffer.from('{"image":"busybox","cmd":["true"]}\n') });
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^strata: invalid value/);
    assert.is(r.stdout.length, 0);
  }
  const missing = runStrata(['batch', join(t.scratch, 'no-such-file')], opts);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /^strata: cannot read .*no-such-file/);
});

test('--keep: each container stays, named by the job id, its changes in the result; a taken name is that job\'s error', () => {
  const { results } = batch([
    { id: 'kept-a', image: 'busybox', cmd: 'echo x > /root/new' },
    { id: 'kept-a', image: 'busybox', cmd: ['true'] },
  ], ['--keep', '--jobs', '1']);
  assert.equal(results[0]!.changes, [{ kind: 'C', path: '/root' }, { kind: 'A', path: '/root/new' }]);
  assert.match(results[1]!.error!, /name "kept-a" is already in use/);
  assert.is(strataOk(['diff', 'kept-a'], opts).text, 'C /root\nA /root/new\n');
  const names = strataOk(['--json', 'ps', '-a'], opts).text.trim().split('\n').map((l) => JSON.parse(l).name);
  assert.equal(names, ['kept-a']);
  strataOk(['rm', 'kept-a'], opts);
});

test('--fail-fast: no job starts after the first that fails', () => {
  const { results, status } = batch([
    { id: 'a', image: 'busybox', cmd: ['true'] },
    { id: 'b', image: 'busybox', cmd: ['false'] },
    { id: 'c', image: 'busybox', cmd: ['true'] },
    { id: 'd', image: 'busybox', cmd: ['true'] },
  ], ['--fail-fast', '--jobs', '1']);
  assert.is(status, 1);
  assert.equal(results.map((r) => r.id), ['a', 'b']);
});

test('the input is a stream: a job runs and its result comes while stdin is still open', async () => {
  const child = spawnStrata(['batch'], { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.write('{"id":"first","image":"busybox","cmd":["echo","early"]}\n');
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no result while stdin stays open: ${out}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });
  assert.is(JSON.parse(line).stdout, 'early\n');
  child.stdin!.end();
  assert.is(await exited(child), 0);
});

/** Peak resident memory (VmHWM) of a process, read until it exits. */
async function peakMemory(child: ReturnType<typeof spawnStrata>): Promise<number> {
  let peak = 0;
  const done = exited(child);
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (kb) peak = Math.max(peak, Number(kb[1]) * 1024);
    } catch {
      // Exited.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return peak;
}

/** Every path of the store with its type and size (of files: a directory's size is the
 * file system's business). */
function storeListing(): string[] {
  const r = spawnSync('find', [t.root, '-printf', '%P %y %s\n'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map((l) => (l.split(' ')[1] === 'd' ? l.replace(/ \d+$/, '') : l)).sort();
}

test('1,000 jobs that each write 1 MB: the store is as it was afterwards, memory stays below 150 MB', async () => {
  // What a store keeps once anything has run (the helper, the layers' overlay marks) is there.
  batch([{ image: 'busybox', cmd: ['true'] }]);
  const file = join(t.scratch, 'writers.jsonl');
  writeFileSync(file, Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: `w${i}`, image: 'busybox', cmd: 'head -c 1048576 /dev/zero > /big && wc -c < /big' })).join('\n') + '\n');
  const before = storeListing();
  const child = spawnStrata(['batch', '--jobs', '2', file], opts);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const peak = await peakMemory(child);
  const results = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Result);
  assert.is(results.length, 1000);
  assert.ok(results.every((r) => r.exitCode === 0 && r.stdout === '1048576\n'), out.slice(0, 500));
  assert.equal(storeListing(), before);
  assert.ok(peak < 150 * 1024 * 1024, `peak ${peak} bytes`);
});

test('a long input is read as it is used: 300,000 lines in flat memory', async () => {
  const file = join(t.scratch, 'many.jsonl');
  // Lines that are checked and answered without a sandbox: the reading and results alone.
  writeFileSync(file, '{"image":"busybox","bogus":1}\n'.repeat(300_000));
  const child = spawnStrata(['batch', file], opts);
  let lines = 0;
  child.stdout!.on('data', (d: Buffer) => {
    for (const b of d) if (b === 10) lines++;
  });
  const peak = await peakMemory(child);
  assert.is(lines, 300_000);
  assert.ok(peak < 150 * 1024 * 1024, `peak ${peak} bytes`);
});

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commandOf(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  return [argv[0]!.split('/').pop(), ...argv.slice(1)].join(' ');
}

/** strata cgroups of a process (pid.start.…) in any v1 hierarchy or the v2 tree. */
function strataCgroups(pid: number): string[] {
  const out: string[] = [];
  for (const base of ['/sys/fs/cgroup/memory/strata', '/sys/fs/cgroup/pids/strata', '/sys/fs/cgroup/cpu/strata', '/sys/fs/cgroup/strata']) {
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) if (name.startsWith(`${pid}.`)) out.push(join(base, name));
  }
  return out;
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} stops every job and leaves no sandbox, mount, cgroup, container or staging`, async () => {
    const marker = signal === 'SIGTERM' ? 3171 : 3172;
    const file = join(t.scratch, `sleepers-${signal}.jsonl`);
    writeFileSync(file, Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `s${i}`, image: 'busybox', cmd: ['sleep', String(marker)] })).join('\n') + '\n');
    const child = spawnStrata(['batch', '--jobs', '2', file], opts);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const sleepers = () => spawnSync('pgrep', ['-f', `^sleep ${marker}$`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const end = Date.now() + 60_000; sleepers().length < 2;) {
      if (Date.now() > end) throw new Error('the jobs did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(strataCgroups(child.pid!).length > 0, 'the running jobs have cgroups');
    // Each job's helper was forked by the batch's one helper server, not spawned by strata.
    const servers = childrenOf(child.pid!).filter((pid) => /^strata-helper-[0-9a-f]+ serve$/.test(commandOf(pid)));
    assert.is(servers.length, 1, `strata's children: ${childrenOf(child.pid!).map(commandOf).join(', ')}`);
    assert.is(childrenOf(child.pid!).filter((pid) => /^strata-helper-[0-9a-f]+$/.test(commandOf(pid))).length, 0);
    assert.is(childrenOf(servers[0]!).length, 2);
    child.kill(signal);
    const status = await exited(child);
    assert.is(status, signal === 'SIGTERM' ? 143 : 130);
    assert.equal(sleepers(), []);
    // strata waited for its helper server's exit before it died.
    assert.not.ok(existsSync(`/proc/${servers[0]}`), 'the helper server is gone');
    assert.equal(strataCgroups(child.pid!), []);
    assert.not.match(readFileSync('/proc/self/mountinfo', 'utf8'), t.root);
    assert.is(strataOk(['ps', '-a', '-q'], opts).text, '');
    assert.equal(readdirSync(join(t.root, 'staging')), []);
    // The two jobs that ran were stopped; no other started.
    const results = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Result);
    assert.ok(results.length <= 2 && results.every((r) => r.exitCode === 137), out);
  });
}

test.run();
