// Untrusted text never reaches a terminal raw: every command that prints names or config strings
// of an image (or a container's command) is run on a real terminal — a pty, script(1) — over an
// image whose strings would set the window title (OSC 2 … BEL) and clear the screen red (CSI).
// What the terminal receives holds no ESC, BEL or C1 byte, and the escaped form is there. To a
// pipe, `tree`, `ls` and `diff` keep the names' exact bytes; `--json` escapes them as JSON does;
// a container's own output stays the program's.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanEnv, requireBinary, strataOk, tempStore } from '../helpers/cli.js';
import { CLEAR_RED, HOSTILE_NAMES, MADE, TITLE, writeHostileArchive } from '../helpers/hostile-image.js';

const binary = requireBinary();
const t = tempStore();
const opts = { root: t.root, timeoutMs: 120_000 };
const ok = (...args: string[]) => strataOk(args, opts);

const archive = join(t.scratch, 'hostile.tar');
writeHostileArchive(archive);
ok('load', archive);
// A container of it: its command (the image's Cmd) and the file it makes carry the sequences too.
ok('run', '--name', 'evil', 'hostile:1');

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** What a terminal receives from `strata --root ROOT ARGS…` run on a pty (script(1)). */
function onTerminal(...args: string[]): Buffer {
  const command = [binary, '--root', t.root, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { env: cleanEnv({ TERM: 'xterm-256color' }), timeout: 120_000 });
  if (r.error) throw new Error(`script ${command}`, { cause: r.error });
  assert.is(r.status, 0, `strata ${args.join(' ')} on a terminal: ${r.stdout.toString('utf8')}`);
  return r.stdout;
}

/** Checks that `out` holds nothing a terminal acts on — valid UTF-8 (no stray byte that an 8-bit
 * terminal reads as a C1 control) with no control character but the pty's CR LF — and gives it
 * as text. */
function inert(out: Buffer, what: string): string {
  const text = out.toString('utf8');
  assert.ok(Buffer.from(text, 'utf8').equals(out), `${what}: not valid UTF-8`);
  assert.not.match(text, /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]/, `${what}: a control character reached the terminal`);
  return text;
}

const ESCAPED_TITLE = '\\x1b]2;PWNED\\x07';
const ESCAPED_CLEAR_RED = '\\x1b[2J\\x1b[31m';

test('tree on a terminal: every name escaped, none acted on', () => {
  const out = inert(onTerminal('tree', 'hostile:1'), 'tree');
  assert.ok(out.includes(`/etc/${ESCAPED_TITLE}evil\r\n`), out);
  assert.ok(out.includes(`/etc/${ESCAPED_CLEAR_RED}red\r\n`), out);
  // The escape form tells the raw byte 0xE9 from the four characters "\xe9".
  assert.ok(out.includes('/etc/caf\\xe9\r\n') && out.includes('/etc/caf\\\\xe9\r\n'), out);
  assert.ok(out.includes('/etc/\\xc2\\x9b2Jc1\r\n'), out);
});

test('ls and ls -l on a terminal: names and link targets escaped', () => {
  const short = inert(onTerminal('ls', 'hostile:1:/etc'), 'ls');
  assert.ok(short.includes(`${ESCAPED_TITLE}evil\r\n`), short);
  const long = inert(onTerminal('ls', '-l', 'hostile:1:/etc'), 'ls -l');
  assert.ok(long.includes(` link -> ${ESCAPED_TITLE}target\r\n`), long);
  assert.ok(long.includes(` ${ESCAPED_CLEAR_RED}red\r\n`), long);
});

test('history, images, inspect, efficiency on a terminal: config strings escaped', () => {
  const history = inert(onTerminal('history', '--no-trunc', 'hostile:1'), 'history');
  assert.ok(history.includes(`/bin/sh -c ${ESCAPED_TITLE}${ESCAPED_CLEAR_RED}echo red`), history);
  assert.ok(history.includes(`${ESCAPED_TITLE}comment`), history);
  // Cut to its column, the escaped text is what is cut: no half sequence gets through.
  inert(onTerminal('history', 'hostile:1'), 'history (cut)');
  inert(onTerminal('images'), 'images');
  const inspect = inert(onTerminal('inspect', 'hostile:1'), 'inspect');
  assert.ok(inspect.includes('"EVIL=\\u001b[2J\\u001b[31mx"') && inspect.includes('"evil": "\\u001b]2;PWNED\\u0007label"'), inspect);
  assert.ok(inspect.includes('"c1": "\\u009b2Jc1"'), inspect);
  const efficiency = inert(onTerminal('efficiency', 'hostile:1'), 'efficiency');
  assert.ok(efficiency.includes(`/etc/${ESCAPED_TITLE}evil`), efficiency);
});

test("ps and diff on a terminal: a container's command and its new names escaped", () => {
  const ps = inert(onTerminal('ps', '-a'), 'ps');
  assert.ok(ps.includes(`"touch /tmp/\\x1b]2;P…"`), ps);
  const diff = inert(onTerminal('diff', 'evil'), 'diff');
  assert.ok(diff.includes(`A /tmp/${ESCAPED_TITLE}made\r\n`), diff);
});

test('--json on a terminal: JSON escapes, and DEL and C1 escaped too', () => {
  for (const args of [['--json', 'tree', 'hostile:1'], ['--json', 'ls', 'hostile:1:/etc'], ['--json', 'history', 'hostile:1'], ['--json', 'ps', '-a', '--no-trunc'], ['--json', 'diff', 'evil']]) {
    const out = inert(onTerminal(...args), args.join(' '));
    assert.ok(out.includes('\\u001b]2;PWNED\\u0007'), `${args.join(' ')}: ${out}`);
  }
  const entries = inert(onTerminal('--json', 'ls', 'hostile:1:/etc'), 'ls --json').trim().split('\r\n').map((l) => JSON.parse(l));
  assert.ok(entries.some((e) => e.name === '\u009b2Jc1'), 'a C1 name: \\u009b in JSON, the same value');
});

test('to a pipe, tree, ls and diff print the exact bytes of names (as GNU ls does)', () => {
  const tree = ok('tree', 'hostile:1').stdout.toString('latin1').split('\n');
  for (const name of Object.values(HOSTILE_NAMES)) assert.ok(tree.includes(`/${name}`), name);
  assert.ok(ok('ls', '-l', 'hostile:1:/etc').stdout.toString('latin1').includes(` link -> ${TITLE}target\n`));
  assert.ok(ok('diff', 'evil').stdout.toString('latin1').includes(`A ${MADE}\n`));
  // --json: the same values, JSON-escaped; the names' text form (README) for what is not UTF-8.
  const entries = ok('--json', 'ls', 'hostile:1:/etc').text.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(entries.some((e) => e.name === `${CLEAR_RED}red`));
  assert.ok(entries.some((e) => e.linkTarget === `${TITLE}target`));
});

test("a container's own output stays the program's, on a terminal too", () => {
  const out = onTerminal('run', '--rm', 'hostile:1', 'busybox', 'printf', '\\033]2;mine\\007\\033[1mbold').toString('latin1');
  assert.ok(out.includes('\x1b]2;mine\x07\x1b[1mbold'), out);
});

test.after(() => t.cleanup());

test.run();
