// RUN --mount end to end: a cache mount keeps its files between builds, outside every layer and
// every key, until `prune --build-cache`; a bind mount is read-only, from the context (nothing
// followed) or another stage, and its content is part of the key; a bad --mount is one line
// naming the Dockerfile's line.

import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exited, runStrata, spawnStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root, timeoutMs: 120_000 };
const ctx = join(t.scratch, 'ctx');

function context(files: Record<string, string>): void {
  rmSync(ctx, { recursive: true, force: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(ctx, name, '..'), { recursive: true });
    writeFileSync(join(ctx, name), text);
  }
}

const build = (...args: string[]) => strataOk(['build', ...args, ctx], opts);

test('a cache mount keeps its files between builds, in no layer and no key; prune --build-cache removes it', () => {
  context({
    Dockerfile: [
      'FROM busybox',
      "RUN --mount=type=cache,target=/cache,id=counter,sharing=locked sh -c 'echo x >> /cache/n; wc -l < /cache/n > /seen'",
      'RUN test ! -e /cache/n && cat /seen',
    ].join('\n'),
  });
  const first = build('--no-cache');
  assert.match(first.stderr, /\n1\n/);
  const second = build('--no-cache');
  assert.match(second.stderr, /\n2\n/, 'the file written by the first build is there');
  // What the command found in the cache is not part of the key.
  assert.ok(/sharing=locked.*\nCACHED/.test(build().stderr));
  assert.ok(readdirSync(join(t.root, 'build-cache', 'mounts')).length === 1);
  strataOk(['prune', '--build-cache'], opts);
  assert.match(build().stderr, /\n1\n/, 'a new, empty cache');
  // Another id is another directory.
  context({ Dockerfile: "FROM busybox\nRUN --mount=type=cache,target=/cache sh -c 'ls /cache | wc -l'\n" });
  assert.match(build().stderr, /\n0\n/);
});

test('sharing=locked: two builds using one cache mount at once take turns', async () => {
  const files = ['a', 'b'].map((name) => {
    const dir = join(t.scratch, `locked-${name}`);
    mkdirSync(dir, { recursive: true });
    // Different steps (no step lock in common), the same cache directory.
    writeFileSync(join(dir, 'Dockerfile'), `FROM busybox\nRUN --mount=type=cache,target=/c,id=turns,sharing=locked sh -c '[ -e /c/busy ] && echo OVERLAP; touch /c/busy; sleep 1; rm /c/busy; echo ${name} done'\n`);
    return dir;
  });
  const run = (dir: string) => {
    const child = spawnStrata(['build', dir], { root: t.root });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    return exited(child).then((status) => ({ status, err }));
  };
  const results = await Promise.all(files.map(run));
  for (const r of results) {
    assert.is(r.status, 0, r.err);
    assert.not.match(r.err, /^OVERLAP$/m);
    assert.match(r.err, / done\n/);
  }
});

test('a bind mount of the context is read-only and keyed by its content; one of a stage gives its files', () => {
  context({
    Dockerfile: [
      'FROM busybox AS b',
      'RUN echo from-stage > /s',
      'FROM busybox',
      'RUN --mount=type=bind,source=data,target=/d cat /d/h.txt && ! touch /d/new 2>/dev/null',
      'RUN --mount=type=bind,from=b,source=/s,target=/m/s cat /m/s',
      'RUN --mount=type=bind,target=/ctx cat /ctx/data/h.txt',
    ].join('\n'),
    'data/h.txt': 'hello\n',
  });
  const r = build();
  assert.match(r.stderr, /\/d\/new 2>\/dev\/null\nnot cached: no cache entry\nhello\n/);
  assert.match(r.stderr, /cat \/m\/s\nnot cached: no cache entry\nfrom-stage\n/);
  assert.match(r.stderr, /cat \/ctx\/data\/h.txt\nnot cached: no cache entry\nhello\n/);
  writeFileSync(join(ctx, 'data/h.txt'), 'changed\n');
  const again = build();
  assert.match(again.stderr, /\/d\/new 2>\/dev\/null\nnot cached: RUN sources changed: data\/h.txt\nchanged\n/);
  // The bound files are in no layer.
  const id = again.stdout.toString().trim();
  assert.is(runStrata(['run', '--rm', id, 'ls', '/d/h.txt'], opts).status, 1);
});

test('a bind mount of the context shows nothing .dockerignore leaves out', () => {
  context({
    Dockerfile: 'FROM busybox\nRUN --mount=type=bind,target=/ctx sh -c "ls -a /ctx/sub; cat /ctx/sub/kept; test ! -e /ctx/secret.env && test ! -e /ctx/sub/secret.env"\n',
    '.dockerignore': '**/secret.env\n',
    'secret.env': 'TOKEN=1\n',
    'sub/secret.env': 'TOKEN=2\n',
    'sub/kept': 'kept\n',
  });
  const r = build();
  assert.match(r.stderr, /\nkept\n/);
  assert.not.match(r.stderr, /TOKEN/);
});

test('a bind source through or at a symbolic link, or outside the context, is refused', () => {
  context({ Dockerfile: 'FROM busybox\nRUN --mount=type=bind,source=link,target=/d cat /d\n' });
  symlinkSync('/etc', join(ctx, 'link'));
  let r = runStrata(['build', ctx], opts);
  assert.is(r.status, 1);
  assert.is(r.stderr.trim().split('\n').at(-1), 'strata: Dockerfile:2: --mount source "link" is a symbolic link, which is not followed');
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN --mount=type=bind,source=link/passwd,target=/d cat /d\n');
  r = runStrata(['build', ctx], opts);
  assert.match(r.stderr, /strata: Dockerfile:2: --mount source "link\/passwd" passes through the symbolic link link/);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN --mount=type=bind,source=../,target=/d ls /d\n');
  r = runStrata(['build', ctx], opts);
  assert.match(r.stderr, /strata: Dockerfile:2: --mount source "..\/" is outside the build context/);
});

test('a bad --mount is one line naming its line, exit 1, nothing built', () => {
  const cases: [string, string][] = [
    ['type=tmpfs,target=/t', 'type "tmpfs" is not supported (cache or bind)'],
    ['type=cache', 'target is required'],
    ['type=cache,target=/c,sharing=private', 'sharing "private" is not shared or locked'],
    ['type=cache,target=/c,mode=0700', 'unknown option "mode" for type=cache'],
    ['type=bind,target=/c,rw', 'unknown option "rw" for type=bind'],
    ['type=bind,target=/c,readonly=false', 'bind mounts are read-only'],
    ['type=cache,target=/', 'the target cannot be the root'],
    ['type=cache,target=/a,target=/b', 'target is given twice'],
  ];
  for (const [spec, why] of cases) {
    context({ Dockerfile: `FROM busybox\n\nRUN --mount=${spec} true\n` });
    const r = runStrata(['build', '-q', ctx], opts);
    assert.is(r.status, 1, spec);
    assert.is(r.stderr, `strata: Dockerfile:3: --mount=${spec}: ${why}\n`);
  }
  context({ Dockerfile: 'FROM busybox\nRUN --network=host true\n' });
  assert.match(runStrata(['build', ctx], opts).stderr, /strata: Dockerfile:2: RUN --network is not supported by strata build/);
});

test.after(() => t.cleanup());
test.run();
