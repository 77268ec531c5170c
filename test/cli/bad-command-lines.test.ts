// Every error is one line of words, through the real binary: for each bad command line, exactly
// one line on stderr starting "strata: ", no raw control byte, no errno or Node.js code, no NaN,
// no line of the helper's own; exit status 2 for a command line that cannot be acted on (a bad
// flag value among them, for `run` too), 1 (125 for run) for a failure while acting on one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, requireBinary, runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root, cwd: t.scratch };
strataOk(['run', '--name', 'ctr', 'busybox', 'true'], opts);
const scratch = (name: string) => join(t.scratch, name);
mkdirSync(scratch('dir'));

const ERRNO_CODES = new Set(Object.keys(constants.errno));

/** The one line a failed command printed; asserts what every such line must be. */
function failureLine(args: readonly string[], status: number, input?: string): string {
  const r = runStrata(args, { ...opts, ...(input === undefined ? {} : { input }) });
  const what = JSON.stringify(args).slice(0, 200);
  assert.is(r.status, status, `${what}: ${r.stderr}`);
  assert.match(r.stderr, /^strata: [^\n]+\n$/, `${what}: not one "strata: " line: ${JSON.stringify(r.stderr)}`);
  const line = r.stderr.slice(0, -1);
  assert.not.match(line, /[\p{Cc}\p{Cf}]/u, `${what}: an unprintable character: ${JSON.stringify(line)}`);
  assert.not.match(line, /ERR_[A-Z_]+|\bNaN\b|strata-helper/, `${what}: ${line}`);
  for (const word of line.split(/[^A-Z0-9_]+/)) assert.not.ok(ERRNO_CODES.has(word), `${what}: the code ${word} in ${line}`);
  return line;
}

const longName = 'h'.repeat(100);
const longPath = join(t.scratch, 'a'.repeat(4080 - t.scratch.length - 1));

// [command line, exit status, what the line must say]
const USAGE: [string[], RegExp][] = [
  [['--driver', 'zfs', 'images'], /^strata: invalid value "zfs" for --driver: one of overlay, copy$/],
  [['--driver', 'zfs', 'run', 'busybox', 'true'], /invalid value "zfs" for --driver/],
  [['run', '--hostname', longName, 'busybox', 'true'], new RegExp(`^strata: invalid value "${longName}" for --hostname: longer than Linux's limit of 64 bytes$`)],
  [['run', '--hostname', 'a b', 'busybox', 'true'], /invalid value "a b" for --hostname: letters, digits/],
  [['run', '--hostname', '', 'busybox', 'true'], /invalid value "" for --hostname/],
  [['run', '--hostname', 'x\nevil', 'busybox', 'true'], /invalid value "x\\nevil" for --hostname/],
  [['run', 'busybox', ''], /^strata: invalid command "": the name of the program to run is empty$/],
  [['run', '--rm', 'busybox', '', 'arg'], /invalid command ""/],
  [['run', '--timeout', 'abc', 'busybox', 'true'], /^strata: invalid value "abc" for --timeout: whole seconds from 1 to 3153600000$/],
  [['run', '--timeout', '0', 'busybox', 'true'], /invalid value "0" for --timeout/],
  [['run', '--timeout', '1.5', 'busybox', 'true'], /invalid value "1.5" for --timeout/],
  [['run', '--timeout=', 'busybox', 'true'], /invalid value "" for --timeout/],
  [['run', '--cpus', 'abc', 'busybox', 'true'], /^strata: invalid value "abc" for --cpus: a number of CPUs above 0, at most 1024$/],
  [['run', '--cpus', '0', 'busybox', 'true'], /invalid value "0" for --cpus/],
  [['run', '--cpus', '1e9', 'busybox', 'true'], /invalid value "1e9" for --cpus/],
  [['run', '--memory', 'lots', 'busybox', 'true'], /^strata: invalid value "lots" for --memory: a size such as 256m or 1g$/],
  [['run', '-m', '1k', 'busybox', 'true'], /invalid value "1k" for --memory: below the minimum of 6m/],
  [['run', '--memory', '99999999t', 'busybox', 'true'], /invalid value "99999999t" for --memory: above the maximum/],
  [['run', '--pids', 'abc', 'busybox', 'true'], /^strata: invalid value "abc" for --pids: a whole number from 1 to 4194304$/],
  [['run', '--pids', '99999999999999999999', 'busybox', 'true'], /invalid value "99999999999999999999" for --pids/],
  [['run', '--net', 'bridge', 'busybox', 'true'], /^strata: invalid value "bridge" for --net: one of none, host$/],
  [['run', '--network=', 'busybox', 'true'], /invalid value "" for --net/],
  [['run', '--name', 'a b', 'busybox', 'true'], /invalid value "a b" for --name/],
  [['run', '--name', 'x'.repeat(129), 'busybox', 'true'], /for --name: longer than 128 characters/],
  [['run', '--name', 'a', '--name', 'b', 'busybox', 'true'], /^strata: --name is given more than once$/],
  [['--root', t.root, 'images'], /^strata: --root is given more than once$/],
  [['run', '-u', 'a:b:c', 'busybox', 'true'], /invalid value "a:b:c" for --user/],
  [['run', '-u', '', 'busybox', 'true'], /invalid value "" for --user/],
  [['run', '-w', 'relative', 'busybox', 'true'], /^strata: invalid value "relative" for --workdir: an absolute path$/],
  [['run', '-e', '=x', 'busybox', 'true'], /invalid value "=x" for --env/],
  [['run', '-v', 'relative:/x', 'busybox', 'true'], /invalid value "relative:\/x" for --volume: the host path must be absolute/],
  [['run', '-v', '/a', 'busybox', 'true'], /invalid value "\/a" for --volume/],
  [['run', '-v', '/a:/b:rx', 'busybox', 'true'], /for --volume: mode "rx" is not ro or rw/],
  [['run', '-d', '-t', 'busybox', 'true'], /-d cannot be combined with -i or -t/],
  [['run'], /^strata: Not enough non-option arguments: got 0, need at least 1; see 'strata run --help'$/],
  [['run', '--bogus', 'busybox'], /see 'strata run --help'/],
  [['bogus'], /^strata: unknown command "bogus"; see 'strata --help'$/],
  [['images', 'busybox', 'extra'], /Unknown argument: extra; see 'strata images --help'/],
  [['run', '--name'], /see 'strata run --help'/],
  [['exec', 'ctr', ''], /invalid command ""/],
  [['exec', '-u', 'a:b:c', 'ctr', 'true'], /invalid value "a:b:c" for --user/],
  [['stop', '-t', 'abc', 'ctr'], /^strata: invalid value "abc" for --time: whole seconds from 0 to 86400$/],
  [['kill', '-s', 'NOPE', 'ctr'], /^strata: invalid value "NOPE" for --signal/],
  [['save', 'busybox', '--format', 'tar'], /^strata: invalid value "tar" for --format: one of docker, oci$/],
  [['save', 'busybox', '-o', ''], /^strata: invalid value "" for --output: empty; a file is needed$/],
  [['export', 'busybox', '--output='], /invalid value "" for --output/],
  [['tree', 'busybox', '--layer', 'abc'], /^strata: invalid value "abc" for --layer: a layer of the image from 0 to 0$/],
  [['tree', 'busybox', '--layer', '9'], /invalid value "9" for --layer/],
  [['efficiency', 'busybox', '--top', 'abc'], /invalid value "abc" for --top/],
  [['efficiency', 'busybox', '--lowest-efficiency', 'abc'], /^strata: invalid value "abc" for --lowest-efficiency: a number from 0 to 1$/],
  [['efficiency', 'busybox', '--lowest-efficiency', '2'], /invalid value "2" for --lowest-efficiency/],
  [['inspect', '\x1b[31mred\x07'], /^strata: invalid reference "\\x1b\[31mred\\x07"/],
  [['run', 'nosuch\x1b[2J'], /^strata: invalid reference "nosuch\\x1b\[2J"/],
  [['tag', 'busybox', 'UPPER\x01'], /invalid reference "UPPER\\x01"/],
  [['import', '-', 'x', '--change', 'BOGUS x'], /--change "BOGUS x"/],
  [['cp', 'a', 'b'], /cp copies between a container and the host/],
  [['cp', 'ctr:/etc/passwd', ''], /^strata: cp: the host path is empty$/],
  [['cp', '', 'ctr:/tmp'], /^strata: cp: the host path is empty$/],
];

for (const [args, says] of USAGE) {
  test(`usage error, exit 2: ${JSON.stringify(args).slice(0, 120)}`, () => {
    assert.match(failureLine(args, 2), says);
  });
}

// Failures while acting on a good command line: 1 (run: 125), one line, the cause in words.
const FAILED: [string[], number, RegExp][] = [
  [['export', 'busybox', '-o', longPath], 1, /^strata: cannot write \/.*a{100}: file name too long$/],
  [['export', 'busybox', '-o', join(t.scratch, 'no', 'such', 'x')], 1, /^strata: cannot write \/.*\/no\/such\/x: no such file or directory$/],
  [['export', 'busybox', '-o', scratch('dir')], 1, /cannot write .*\/dir: it is a directory$/],
  [['inspect', 'nosuch'], 1, /^strata: image "nosuch" not found$/],
  [['run', 'nosuch'], 125, /^strata: image "nosuch" not found$/],
  [['load', scratch('missing.tar')], 1, /no such file or directory$/],
  [['cat', 'busybox:/etc/\x1b]0;title\x07'], 1, /\/etc\/\\x1b\]0;title\\x07: no such file or directory in busybox$/],
];

for (const [args, status, says] of FAILED) {
  test(`failure, exit ${status}: ${JSON.stringify(args).slice(0, 120)}`, () => {
    assert.match(failureLine(args, status), says);
  });
}

test('--root "" is refused, not taken for the current directory (whose mode a new store would change)', () => {
  const cwd = scratch('cwd');
  mkdirSync(cwd);
  chmodSync(cwd, 0o755);
  const r = spawnSync(requireBinary(), ['--root', '', 'images'], { cwd, env: cleanEnv({ STRATA_ROOT: t.root }), encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.is(r.stderr, 'strata: invalid value "" for --root: empty; a directory is needed\n');
  assert.equal(readdirSync(cwd), []);
  assert.is(statSync(cwd).mode & 0o7777, 0o755);
});

test('a tag holding garbage (a NUL byte, invalid UTF-8) is reported escaped, in words', () => {
  writeFileSync(join(t.root, 'tags', encodeURIComponent('garbage:latest')), Buffer.from([0, 0xef, 0xbb, 0x20, 0x67, 0x0a]));
  try {
    assert.match(failureLine(['inspect', 'garbage'], 1), /\\x00/);
  } finally {
    execFileSync('rm', ['-f', join(t.root, 'tags', encodeURIComponent('garbage:latest'))]);
  }
});

test('an env file holding a variable without a name: status 125, the file named', () => {
  writeFileSync(scratch('bad.env'), '=x\n');
  assert.match(failureLine(['run', '--env-file', scratch('bad.env'), 'busybox', 'true'], 125), /invalid environment variable "=x" in .*bad\.env: a variable needs a name/);
});

/** A 64 KiB tmpfs at `dir` for `body`: no archive fits. */
function onFullDisk(name: string, body: (dir: string) => void): void {
  const dir = scratch(name);
  mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  try {
    body(dir);
  } finally {
    execFileSync('umount', [dir]);
  }
}

test('a full disk under -o: save and export say so once and leave nothing behind', () => {
  onFullDisk('full', (dir) => {
    for (const command of ['save', 'export']) {
      assert.is(failureLine([command, 'busybox', '-o', join(dir, 'out.tar')], 1), `strata: cannot write ${join(dir, 'out.tar')}: no space left on device`);
      assert.equal(readdirSync(dir), []);
    }
  });
});

test('a full disk behind stdout: one line naming standard output, not the layer being read', () => {
  onFullDisk('full-stdout', (dir) => {
    for (const command of ['save', 'export']) {
      const r = execFileSync('sh', ['-c', `"$0" --root "$1" ${command} busybox 2>&1 > "$2"; echo "status $?"`, requireBinary(), t.root, join(dir, 'out.tar')], { encoding: 'utf8', env: cleanEnv() });
      assert.is(r, 'strata: cannot write to standard output: no space left on device\nstatus 1\n');
    }
  });
});

test.after(() => t.cleanup());
test.run();
