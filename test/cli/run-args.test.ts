// Everything after IMAGE belongs to the command (command-tail.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { splitCommandTail } from '../../src/cli/command-tail.js';

const specs = { run: { valueOptions: new Set(['e', 'name', 'v', 'w', 'u']), positionals: 1 } };
const split = (line: string[]) => splitCommandTail(line, specs);

test('splitCommandTail: options before IMAGE are ours, words after it the command\'s', () => {
  assert.equal(split(['run', '--rm', '-e', 'A=1', 'busybox', 'ls', '-la', '/']), { args: ['run', '--rm', '-e', 'A=1', 'busybox'], tail: ['ls', '-la', '/'] });
  assert.equal(split(['--root', '/s', 'run', '-it', 'busybox', '--', 'sh', '-c', 'echo hi']), { args: ['--root', '/s', 'run', '-it', 'busybox'], tail: ['sh', '-c', 'echo hi'] });
  assert.equal(split(['run', 'busybox', '--rm', '-0', '12']), { args: ['run', 'busybox'], tail: ['--rm', '-0', '12'] });
  assert.equal(split(['run', '--name=x', '-eA=1', '-v', '/a:/b', 'busybox']), { args: ['run', '--name=x', '-eA=1', '-v', '/a:/b', 'busybox'], tail: [] });
  assert.equal(split(['run', '--', 'busybox', 'true']), { args: ['run', 'busybox'], tail: ['true'] });
  assert.equal(split(['run', 'busybox', '--', '--', 'x']), { args: ['run', 'busybox'], tail: ['--', 'x'] });
});

test('splitCommandTail: other commands are left alone', () => {
  assert.equal(split(['images', '-q']), { args: ['images', '-q'], tail: undefined });
  assert.equal(split(['--json', 'ps', '-a']), { args: ['--json', 'ps', '-a'], tail: undefined });
  assert.equal(split([]), { args: [], tail: undefined });
});

test.run();
