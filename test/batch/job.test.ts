// The batch input, line by line: a job's fields checked for their types (a bad line is an error of
// its own, naming its line), lines read as a stream (the first job is there before the input
// ends), and a job's output kept to its limit, as text or as base64.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CappedOutput } from '../../src/batch/capture.js';
import { JobLineError, parseJob } from '../../src/batch/job.js';
import { inputLines } from '../../src/batch/job-lines.js';

const lineError = (text: string, defaults = {}): JobLineError => {
  try {
    parseJob(text, 7, defaults);
  } catch (err) {
    assert.instance(err, JobLineError);
    return err as JobLineError;
  }
  throw new Error(`accepted: ${text}`);
};

test('parseJob: every field, cmd as array or shell string, stdin and files as text or base64', () => {
  const job = parseJob(JSON.stringify({
    id: 'j1', image: 'busybox', cmd: ['echo', 'hi'], env: { A: '1', B: 'x=y' }, workdir: '/w', user: 'nobody',
    stdin: { base64: 'AAE=' }, files: { '/a': 'text', '/b': { base64: '/w==' } }, timeout: 5, memory: '64m', pids: 10, cpus: '0.5', net: 'none',
  }), 3, {});
  assert.equal(job.cmd, ['echo', 'hi']);
  assert.equal(job.env, ['A=1', 'B=x=y']);
  assert.equal([...job.stdin!], [0, 1]);
  assert.equal(job.files.map((f) => [f.path, [...f.data]]), [['/a', [...Buffer.from('text')]], ['/b', [0xff]]]);
  assert.is(job.timeout, '5');
  assert.is(job.pids, '10');
  assert.is(job.line, 3);
  assert.is(parseJob('{"image":"x","cmd":"echo $HOME"}', 1, {}).cmd, 'echo $HOME');
});

test('parseJob: the id defaults to the line number, the image and limits to the command line', () => {
  const job = parseJob('{"cmd":["true"]}', 12, { image: 'busybox', memory: '32m', timeout: '3' });
  assert.is(job.id, '12');
  assert.is(job.image, 'busybox');
  assert.is(job.memory, '32m');
  assert.is(parseJob('{"image":"a","memory":"8m"}', 1, { memory: '32m' }).memory, '8m');
});

test('parseJob: malformed lines are errors naming the line, with the id when there is one', () => {
  assert.match(lineError('{"image":').message, /^line 7: not JSON/);
  assert.match(lineError('[1,2]').message, /a job is a JSON object/);
  const e = lineError('{"id":"x","image":"busybox","cmd":[1]}');
  assert.is(e.id, 'x');
  assert.is(e.line, 7);
  assert.match(e.message, /"cmd" must be/);
  assert.match(lineError('{"image":"b","cmd":[]}').message, /"cmd"/);
  assert.match(lineError('{"cmd":["true"]}').message, /"image" is missing/);
  assert.match(lineError('{"image":"b","imgae":"c"}').message, /unknown field "imgae"/);
  assert.match(lineError('{"image":"b","id":""}').message, /"id"/);
  assert.match(lineError('{"image":"b","id":5}').message, /"id"/);
  assert.match(lineError('{"image":"b","env":["HOME"]}').message, /NAME=value/);
  assert.match(lineError('{"image":"b","env":{"A":1}}').message, /env.A/);
  assert.match(lineError('{"image":"b","env":"A=1"}').message, /"env"/);
  assert.match(lineError('{"image":"b","files":{"rel/x":"t"}}').message, /not an absolute path/);
  assert.match(lineError('{"image":"b","files":{"/x":{"base64":"@@"}}}').message, /not base64/);
  assert.match(lineError('{"image":"b","files":{"/x":5}}').message, /must be text or/);
  assert.match(lineError('{"image":"b","stdin":{"base64":"AA==","x":1}}').message, /"stdin"/);
  assert.match(lineError('{"image":"b","user":7}').message, /"user" must be a string/);
  assert.match(lineError('{"image":"b","cmd":"a\\u0000b"}').message, /NUL/);
});

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

test('inputLines: lines across chunks, numbered; blank lines skipped but counted; CRLF; no final newline', async () => {
  const got = [];
  for await (const l of inputLines(chunks('{"a"', ':1}\n\n  \r\n{"b":2}\r', '\n{"c"', ':3}'))) got.push(l);
  assert.equal(got, [{ line: 1, text: '{"a":1}' }, { line: 4, text: '{"b":2}' }, { line: 5, text: '{"c":3}' }]);
});

test('inputLines: a line is given before the input ends (a stream that never ends starts at once)', async () => {
  let pulled = 0;
  async function* endless(): AsyncGenerator<Uint8Array> {
    for (;;) {
      pulled++;
      yield Buffer.from('{"n":1}\n');
    }
  }
  const it = inputLines(endless())[Symbol.asyncIterator]();
  assert.equal((await it.next()).value, { line: 1, text: '{"n":1}' });
  assert.equal((await it.next()).value, { line: 2, text: '{"n":1}' });
  // Only what was asked for was read: a reader that read ahead would never have returned.
  assert.ok(pulled <= 3, `pulled ${pulled} chunks`);
});

test('inputLines: a line over the limit is its own entry, not kept, and the next line is read', async () => {
  const got = [];
  for await (const l of inputLines(chunks('x'.repeat(50), 'y'.repeat(60), '\n{"ok":1}\n'), 100)) got.push(l);
  assert.equal(got, [{ line: 1, tooLong: true }, { line: 2, text: '{"ok":1}' }]);
});

test('CappedOutput: text within the limit; the rest dropped and marked; a cut character not kept', () => {
  const c = new CappedOutput(5);
  c.add(Buffer.from('abc'));
  assert.is(c.text(), 'abc');
  assert.is(c.truncated, false);
  c.add(Buffer.from('déf'));
  // "abcd" and the first byte of "é" fit: the half character goes, the rest is text.
  assert.is(c.text(), 'abcd');
  assert.is(c.truncated, true);
  const exact = new CappedOutput(3);
  exact.add(Buffer.from('abc'));
  assert.is(exact.truncated, false);
});

test('CappedOutput: bytes that are not UTF-8 come back as base64', () => {
  const c = new CappedOutput(100);
  c.add(Buffer.from([0xff, 0xfe, 0x41]));
  assert.equal(c.text(), { base64: Buffer.from([0xff, 0xfe, 0x41]).toString('base64') });
  const none = new CappedOutput(0);
  none.add(Buffer.from('x'));
  assert.is(none.text(), '');
  assert.is(none.truncated, true);
});

test.run();
