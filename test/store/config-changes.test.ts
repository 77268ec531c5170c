import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyChanges } from '../../src/store/config-changes.js';

test('CMD and ENTRYPOINT take the JSON form or the shell form', () => {
  assert.equal(applyChanges({}, ['CMD ["sh", "-c", "echo hi"]']).Cmd, ['sh', '-c', 'echo hi']);
  assert.equal(applyChanges({}, ['ENTRYPOINT echo hi']).Entrypoint, ['/bin/sh', '-c', 'echo hi']);
  assert.equal(applyChanges({}, ['cmd [broken']).Cmd, ['/bin/sh', '-c', '[broken']);
});

test('ENV sets, quotes group, a later value replaces an earlier one', () => {
  const c = applyChanges({ Env: ['PATH=/bin', 'A=1'] }, ['ENV A=2 B="two words"', 'ENV C legacy form']);
  assert.equal(c.Env, ['PATH=/bin', 'A=2', 'B=two words', 'C=legacy form']);
});

test('LABEL, EXPOSE, WORKDIR, USER, VOLUME', () => {
  const c = applyChanges({}, ['LABEL a=b "c d"=e', 'EXPOSE 80 53/udp', 'WORKDIR /srv', 'USER nobody', 'VOLUME ["/data"]']);
  assert.equal(c.Labels, { a: 'b', 'c d': 'e' });
  assert.equal(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.is(c.WorkingDir, '/srv');
  assert.is(c.User, 'nobody');
  assert.equal(c.Volumes, { '/data': {} });
});

test('the input config is not modified', () => {
  const base = { Env: ['A=1'] };
  applyChanges(base, ['ENV A=2']);
  assert.equal(base.Env, ['A=1']);
});

test('instructions that change files, and malformed ones, are refused with the reason', () => {
  assert.throws(() => applyChanges({}, ['RUN rm -rf /']), /RUN cannot be used here/);
  assert.throws(() => applyChanges({}, ['ENV']), /ENV needs an argument/);
  assert.throws(() => applyChanges({}, ['ENV A="x']), /unterminated quote/);
  assert.throws(() => applyChanges({}, ['EXPOSE eighty']), /bad port/);
  assert.throws(() => applyChanges({}, ['   ']), /expected INSTRUCTION/);
});

test.run();
