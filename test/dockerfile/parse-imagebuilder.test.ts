// The parser against Docker's own expectations: the Dockerfiles of openshift/imagebuilder's parser
// tests (as Debian packages them; copied to fixtures/ with their license) and the parse tree
// Docker's parser gives for each, in its Node.Dump notation. Each instruction is dumped here the
// same way from what parseDockerfile returns, and the whole text must match; its negative cases
// must fail, and its line-number case must give Docker's line ranges.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instruction } from '../../src/build/dockerfile/instruction.js';
import { parseDockerfile } from '../../src/build/dockerfile/parse.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/imagebuilder/testfiles/', import.meta.url));
const INSTALLED = '/usr/share/gocode/src/github.com/openshift/imagebuilder/dockerfile/parser/testfiles/';

/** Go's strconv.Quote for the text these files hold. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (ch === '\x07') out += '\\a';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Node.Dump of one instruction. */
function dump(i: Instruction): string {
  let s = i.keyword.toLowerCase();
  if (i.flags.length > 0) s += ` [${i.flags.map(goQuote).join(' ')}]`;
  if (i.trigger) s += ` (${dump(i.trigger)})`;
  for (const a of i.args) s += ` ${goQuote(a)}`;
  return s;
}

const cases = readdirSync(FIXTURES).sort();

test('all 30 cases of the imagebuilder parser tests are here', () => {
  assert.is(cases.length, 30);
});

test('the copy in fixtures/ equals the installed package (test/install-deps.sh)', () => {
  if (!existsSync(INSTALLED)) return;
  assert.equal(readdirSync(INSTALLED).sort(), cases);
  for (const name of cases) {
    for (const file of ['Dockerfile', 'result']) {
      assert.ok(readFileSync(join(INSTALLED, name, file)).equals(readFileSync(join(FIXTURES, name, file))), `${name}/${file}`);
    }
  }
});

for (const name of cases) {
  test(`imagebuilder testfile ${name}`, () => {
    const parsed = parseDockerfile(readFileSync(join(FIXTURES, name, 'Dockerfile'), 'utf8'));
    const got = parsed.instructions.map((i) => `(${dump(i)})\n`).join('');
    assert.fixture(got, readFileSync(join(FIXTURES, name, 'result'), 'utf8'));
  });
}

const FIXTURE_ROOT = fileURLToPath(new URL('./fixtures/imagebuilder/', import.meta.url));

for (const name of readdirSync(join(FIXTURE_ROOT, 'testfiles-negative')).sort()) {
  test(`imagebuilder negative case ${name} is an error naming its line`, () => {
    assert.throws(() => parseDockerfile(readFileSync(join(FIXTURE_ROOT, 'testfiles-negative', name, 'Dockerfile'), 'utf8')), /^Dockerfile:\d+: /);
  });
}

test('imagebuilder testfile-line: each instruction spans the lines Docker gives it', () => {
  const parsed = parseDockerfile(readFileSync(join(FIXTURE_ROOT, 'testfile-line', 'Dockerfile'), 'utf8'));
  assert.equal(parsed.instructions.map((i) => [i.line, i.endLine]), [[5, 5], [11, 12], [17, 31]]);
});

test.run();
