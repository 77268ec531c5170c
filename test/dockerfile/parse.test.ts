// What the parser adds to dockerfile-ast: strings of JSON arguments kept exactly (dockerfile-ast
// loses their inner spaces), heredocs whatever the space before the delimiter
// (rcjsuen/dockerfile-ast#120), line numbers, and one-line errors.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDockerfile } from '../../src/build/dockerfile/parse.js';

test('JSON form keeps the spaces inside its strings', () => {
  const [, run, cmd] = parseDockerfile('FROM x\nRUN ["echo", "a  b", " c "]\nCMD [ "x\\ty",\t"z" ]\n').instructions;
  assert.equal(run!.args, ['echo', 'a  b', ' c ']);
  assert.ok(run!.json);
  assert.equal(cmd!.args, ['x\ty', 'z']);
});

test('a heredoc with a space before its quoted delimiter is one instruction with its body', () => {
  const text = "FROM x\nRUN cat << 'EOF' > /x\nRUN not an instruction\n$HOME\nEOF\nRUN echo after\n";
  const ins = parseDockerfile(text).instructions;
  assert.equal(ins.map((i) => i.keyword), ['FROM', 'RUN', 'RUN']);
  assert.equal(ins[1]!.heredocs, [{ name: 'EOF', content: 'RUN not an instruction\n$HOME\n', expand: false, chomp: false, fd: 0 }]);
  assert.equal(ins[1]!.args, ["cat << 'EOF' > /x"]);
  assert.is(ins[1]!.line, 2);
  assert.is(ins[1]!.endLine, 5);
  assert.is(ins[2]!.line, 6);
});

test('several heredocs, <<- removes leading tabs, an unquoted delimiter expands', () => {
  const text = 'FROM x\nCOPY <<A <<-"B" /dst/\na1\n\tA\nA\n\tb1\n\tB\nRUN 3<<C cat <&3\nc\nC\n';
  const ins = parseDockerfile(text).instructions;
  assert.equal(ins[1]!.heredocs, [
    { name: 'A', content: 'a1\n\tA\n', expand: true, chomp: false, fd: 0 },
    { name: 'B', content: 'b1\n', expand: false, chomp: true, fd: 0 },
  ]);
  assert.equal(ins[2]!.heredocs, [{ name: 'C', content: 'c\n', expand: true, chomp: false, fd: 3 }]);
});

test('an unterminated heredoc is an error at its line', () => {
  assert.throws(() => parseDockerfile('FROM x\n\nRUN <<EOF\necho\n'), /^Dockerfile:3: unterminated heredoc$/);
});

test('continuations, comments inside them, and the escape directive', () => {
  const ins = parseDockerfile('# escape=`\nFROM x\nRUN a `\n# skipped\n  b\nENV P=C:\\dir\n').instructions;
  assert.equal(ins[1]!.args, ['a   b']);
  assert.equal(ins[2]!.args, ['P', 'C:\\dir']);
  assert.is(ins[2]!.line, 6);
});

test('# syntax= is noted and ignored', () => {
  const parsed = parseDockerfile('# syntax=docker/dockerfile:1\nFROM x\n');
  assert.match(parsed.warnings.join('\n'), /syntax directive .* is ignored/);
});

test('errors name the line', () => {
  assert.throws(() => parseDockerfile('FROM x\nENV a=1 b\n'), /^Dockerfile:2: ENV: syntax error - can't find = in "b"/);
  assert.throws(() => parseDockerfile('FROM x\n\nCMD ["a", 1]\n'), /^Dockerfile:3: CMD: when using JSON array syntax/);
  assert.throws(() => parseDockerfile('# escape=x\nFROM x\n'), /^Dockerfile:1: invalid escape token/);
  assert.throws(() => parseDockerfile('# just a comment\n\n'), /has no instructions/);
});

test('flags before the arguments, and -- ends them', () => {
  const [, copy, copy2] = parseDockerfile('FROM x\nCOPY --chown=1:2 --from=build a b /c/\nCOPY -- --weird /d\n').instructions;
  assert.equal(copy!.flags, ['--chown=1:2', '--from=build']);
  assert.equal(copy!.args, ['a', 'b', '/c/']);
  assert.equal(copy2!.flags, []);
  assert.equal(copy2!.args, ['--weird', '/d']);
});

test.run();
