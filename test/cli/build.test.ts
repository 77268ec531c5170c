// `strata build` end to end on the embedded busybox: the language (stages, ARG and ENV expansion,
// heredocs, COPY from the context, a stage and with --chown/--chmod, ADD of an archive,
// .dockerignore), one layer per filesystem step and none for a step that changes nothing, history
// as Docker writes it, and the errors: one line naming the Dockerfile's line, exit 1, no tag moved,
// the store as it was.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root, timeoutMs: 120_000 };
const ok = (...args: string[]) => strataOk(args, opts).text;
const ctx = join(t.scratch, 'ctx');

function context(files: Record<string, string>): string {
  execFileSync('rm', ['-rf', ctx]);
  mkdirSync(ctx);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(ctx, name, '..'), { recursive: true });
    writeFileSync(join(ctx, name), text);
  }
  return ctx;
}

const inspect = (ref: string) => JSON.parse(ok('inspect', ref))[0];
const layersOf = (ref: string): string[] => inspect(ref).RootFS.Layers;
const busyboxLayers = () => layersOf('busybox');

test('stages, ARG and ENV expansion, heredocs, COPY and metadata make the image Docker would', () => {
  context({
    'a.txt': 'A\n',
    'sub/b.txt': 'B\n',
    'Dockerfile': [
      'ARG BASE=busybox',
      'FROM ${BASE} AS build',
      'ARG WHO=world',
      'ENV GREETING="hello ${WHO:-nobody}" EMPTY=',
      'RUN echo "$GREETING ${EMPTY:+set}${EMPTY:-unset}" > /made',
      'FROM $BASE',
      'ARG WHO',
      'WORKDIR /app',
      'COPY a.txt sub/ ./',
      'COPY --from=build --chown=1:2 --chmod=640 /made /from-stage',
      'COPY <<EOF /app/doc.txt',
      "who is '$WHO'",
      'EOF',
      "RUN cat << 'EOF' > /app/quoted",
      '$GREETING stays',
      'EOF',
      'RUN <<EOF',
      'echo script ran > /app/script',
      'EOF',
      'RUN true',
      'LABEL org.example=yes',
      'EXPOSE 80 53/udp',
      'USER 1:2',
      'CMD ["cat", "/from-stage"]',
      '',
    ].join('\n'),
  });
  const id = ok('build', '-t', 'lang:1', '--build-arg', 'WHO=you', ctx).trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.is(ok('run', '--rm', 'lang:1'), 'hello you unset\n');
  assert.is(ok('run', '--rm', '-u', '0', 'lang:1', 'sh', '-c', 'cat a.txt b.txt doc.txt quoted script; stat -c "%u:%g %a" /from-stage; pwd'),
    "A\nB\nwho is 'you'\n$GREETING stays\nscript ran\n1:2 640\n/app\n");
  const config = inspect('lang:1').Config;
  assert.equal(config.Labels, { 'org.example': 'yes' });
  assert.equal(Object.keys(config.ExposedPorts).sort(), ['53/udp', '80/tcp']);
  assert.is(config.User, '1:2');
  assert.is(config.WorkingDir, '/app');
  // One layer per filesystem step (WORKDIR making /app, COPY ×3, the two RUNs that write), none
  // for `RUN true`.
  const layers = layersOf('lang:1');
  assert.equal(layers.slice(0, 1), busyboxLayers());
  assert.is(layers.length, 1 + 6);
  // Every history entry, the empty ones with 0B; Docker's created_by text.
  const history = ok('history', '--no-trunc', 'lang:1');
  assert.match(history, /\/bin\/sh -c #\(nop\)  CMD \["cat" "\/from-stage"\]\s+0B/);
  assert.match(history, /\/bin\/sh -c #\(nop\)  LABEL org\.example=yes\s+0B/);
  assert.match(history, /\/bin\/sh -c #\(nop\) WORKDIR \/app\s+0B/);
  assert.match(history, /RUN \|1 WHO=you \/bin\/sh -c true\s+0B/);
  assert.match(history, /\/bin\/sh -c #\(nop\) COPY multi:[0-9a-f]{64} in \/app\/ /);
  const sha = execFileSync('sh', ['-c', `printf "who is 'you'\\n" | sha256sum`]).toString().split(' ')[0];
  assert.match(history, new RegExp(`COPY file:${sha} in /app/doc.txt `));
  // The base's entry and one for each of the final stage's 12 steps: every one is listed.
  assert.is(history.trim().split('\n').length - 1, 1 + 12);
  // The build stage was built (FROM and COPY --from need it) but is no image of its own.
  assert.is(ok('images', '-q').trim().split('\n').length, 2);
});

test('--target stops at a stage; a stage the target does not need is not built', () => {
  context({ Dockerfile: 'FROM busybox AS one\nRUN echo one > /one\nFROM busybox AS never\nRUN exit 9\nFROM one\nRUN echo two > /two\n' });
  ok('build', '-t', 'target:one', '--target', 'one', ctx);
  assert.is(layersOf('target:one').length, 2);
  ok('build', '-t', 'target:last', ctx);
  assert.is(ok('run', '--rm', 'target:last', 'cat', '/one', '/two'), 'one\ntwo\n');
  assert.is(runStrata(['build', '--target', 'NEVER', ctx], opts).status, 1);
});

test('.dockerignore: left-out paths do not exist for COPY; a re-included path under an excluded directory is found', () => {
  context({
    '.dockerignore': 'secret\n*.log\ndir\n!dir/keep\n',
    'secret': 'no', 'x.log': 'no', 'deep/y.log': 'yes', 'dir/keep': 'kept', 'dir/drop': 'no',
    'Dockerfile': 'FROM busybox\nCOPY . /c/\n',
  });
  ok('build', '-t', 'ignore:1', ctx);
  const listed = ok('run', '--rm', 'ignore:1', 'find', '/c').trim().split('\n').sort();
  assert.equal(listed, ['/c', '/c/.dockerignore', '/c/Dockerfile', '/c/deep', '/c/deep/y.log', '/c/dir', '/c/dir/keep']);
  const bad = runStrata(['build', '-f', '-', ctx], { ...opts, input: 'FROM busybox\nCOPY secret /\n' });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /^strata: Dockerfile:2: COPY source "secret" not found/m);
});

test('a context symlink is copied as a symlink, never followed', () => {
  context({ Dockerfile: 'FROM busybox\nCOPY out /copied\n' });
  symlinkSync('/etc/shadow', join(ctx, 'out'));
  ok('build', '-t', 'link:1', ctx);
  assert.is(ok('run', '--rm', 'link:1', 'readlink', '/copied'), '/etc/shadow\n');
});

test('ADD unpacks a local tar archive of any compression; a plain file is copied as it is', () => {
  context({ 'plain.txt': 'p\n', Dockerfile: 'FROM busybox\nADD files.tar.xz plain.txt /opt/\n' });
  mkdirSync(join(t.scratch, 'tree/inner'), { recursive: true });
  writeFileSync(join(t.scratch, 'tree/inner/f'), 'from the archive\n');
  execFileSync('tar', ['-cJf', join(ctx, 'files.tar.xz'), '-C', join(t.scratch, 'tree'), 'inner']);
  ok('build', '-t', 'add:1', ctx);
  assert.is(ok('run', '--rm', 'add:1', 'cat', '/opt/inner/f', '/opt/plain.txt'), 'from the archive\np\n');
});

test('-f - reads the Dockerfile from stdin; CONTEXT - builds without a context', () => {
  const r = runStrata(['build', '-'], { ...opts, input: 'FROM busybox\nARG V\nRUN echo $V > /v\n' });
  assert.is(r.status, 0, r.stderr);
  const out = runStrata(['build', '-q', '--build-arg', 'V=7', '-t', 'stdin:1', '-'], { ...opts, input: 'FROM busybox\nARG V\nRUN echo $V > /v\n' });
  assert.is(out.stderr, '');
  assert.is(ok('run', '--rm', 'stdin:1', 'cat', '/v'), '7\n');
  const noContext = runStrata(['build', '-'], { ...opts, input: 'FROM busybox\nCOPY x /\n' });
  assert.match(noContext.stderr, /^strata: Dockerfile:2: COPY source "x" there is no build context/m);
});

test('a bad command line is exit 2 before any work: a tag, --net, --progress', () => {
  context({ Dockerfile: 'FROM busybox\nRUN echo ran > /ran\n' });
  const layers = readdirSync(join(t.root, 'layers')).sort();
  for (const args of [['-t', 'Bad Name'], ['-t', 'sha256:' + 'a'.repeat(64)], ['--net', 'bridge'], ['--progress', 'fancy']]) {
    const r = runStrata(['build', ...args, ctx], opts);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, /^strata: /, args.join(' '));
    assert.not.match(r.stderr, /ran|\[stage/);
  }
  assert.equal(readdirSync(join(t.root, 'layers')).sort(), layers);
});

test('a context that is not a directory is one line, exit 1', () => {
  const r = runStrata(['build', join(t.scratch, 'no-such-dir')], opts);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^strata: build context ".*no-such-dir" is not a directory$/m);
});

test('an undeclared --build-arg is a warning, as in Docker', () => {
  const r = runStrata(['build', '--build-arg', 'NOPE=1', '-'], { ...opts, input: 'FROM busybox\n' });
  assert.is(r.status, 0);
  assert.match(r.stderr, /build-args not consumed by any ARG: NOPE/);
});

test('attack: a COPY destination through an image symlink that climbs out lands inside the image', () => {
  const outside = join(t.scratch, 'escape-target');
  context({ f: 'payload\n', Dockerfile: `FROM busybox\nRUN ln -s /../../../..${outside} /link\nCOPY f /link/x\n` });
  ok('build', '-t', 'climb:1', ctx);
  assert.not.ok(existsSync(join(outside, 'x')), 'nothing is written on the host');
  assert.is(ok('run', '--rm', 'climb:1', 'cat', `${outside}/x`), 'payload\n');
});

test('attack: ADD of an archive whose names climb out is refused in one line; nothing lands on the host', () => {
  const evil = join(t.scratch, 'evil');
  mkdirSync(join(evil, 'a'), { recursive: true });
  writeFileSync(join(evil, 'planted'), 'x');
  context({ Dockerfile: 'FROM busybox\nADD evil.tar /opt/\n' });
  execFileSync('tar', ['-cf', join(ctx, 'evil.tar'), '-C', join(evil, 'a'), '--absolute-names', '../planted']);
  const r = runStrata(['build', '-t', 'evil:1', ctx], opts);
  assert.is(r.status, 1);
  assert.match(r.stderr.trim().split('\n').pop()!, /^strata: Dockerfile:2: ADD evil\.tar: /);
  assert.not.ok(existsSync(join(t.root, 'planted')));
  assert.not.match(ok('images'), 'evil');
});

test('attack: a context file named like a whiteout would delete in the layer: refused', () => {
  context({ '.wh.etc': '', Dockerfile: 'FROM busybox\nCOPY . /\n' });
  const r = runStrata(['build', ctx], opts);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^strata: Dockerfile:2: cannot copy \/\.wh\.etc: names starting with "\.wh\." are reserved/m);
});

/** The store's contents that a failed build must leave as they were. */
function snapshot(): string {
  const list = (d: string) => readdirSync(join(t.root, d)).sort().join(',');
  return ['tags', 'images', 'layers', 'containers', 'staging', 'leases'].map((d) => `${d}: ${list(d)}`).join('\n');
}

const failures: [string, string, RegExp][] = [
  ['unknown instruction', 'FROM busybox\nFETCH x\n', /^strata: Dockerfile:2: unknown instruction: FETCH$/],
  ['no FROM', 'ARG A=1\n', /^strata: Dockerfile:1: no FROM instruction$/],
  ['an instruction before FROM', 'RUN true\nFROM busybox\n', /^strata: Dockerfile:1: RUN before the first FROM/],
  ['a source above the context', 'FROM busybox\nRUN true\nCOPY ../x /\n', /^strata: Dockerfile:3: COPY source "\.\.\/x" is outside the build context$/],
  ['an absolute source', 'FROM busybox\nCOPY /etc/passwd /\n', /^strata: Dockerfile:2: COPY source "\/etc\/passwd" is an absolute path/],
  ['a source through a symlink that points out', 'FROM busybox\nCOPY hostetc/passwd /\n', /^strata: Dockerfile:2: COPY source "hostetc\/passwd" passes through the symbolic link/],
  ['a glob that matches nothing', 'FROM busybox\nCOPY *.none /\n', /^strata: Dockerfile:2: COPY source "\*\.none" not found/],
  ['an unknown stage', 'FROM busybox\nCOPY --from=nostage /x /\n', /^strata: Dockerfile:2: image "nostage" not found/],
  ['a failing RUN, after a layer was made', 'FROM busybox\nRUN echo made > /f\nRUN echo first; echo last >&2; exit 3\n', /^strata: Dockerfile:3: RUN echo first; echo last >&2; exit 3: exit status 3 .*last output: first \/ last$/],
  ['a RUN that needs the network', 'FROM busybox\nRUN wget -q http://deb.debian.org/\n', /^strata: Dockerfile:2: .*exit status 1 \(the build has no network; --net host gives it the host's\)/],
  ['a RUN flag strata cannot honour', 'FROM busybox\nRUN --security=insecure true\n', /^strata: Dockerfile:2: RUN --security is not supported by strata build$/],
  ['a bad substitution', 'FROM busybox\nENV A=${B:?unset}\n', /^strata: Dockerfile:2: .*B: unset$/],
];

for (const [what, text, message] of failures) {
  test(`a Dockerfile with ${what}: one line naming its line, exit 1, no tag moved, the store as it was`, () => {
    context({ Dockerfile: text });
    symlinkSync('/etc', join(ctx, 'hostetc'));
    ok('tag', 'busybox', 'kept:1');
    const before = snapshot();
    const kept = inspect('kept:1').Id;
    const r = runStrata(['build', '-t', 'kept:1', ctx], opts);
    assert.is(r.status, 1);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[lines.length - 1]!, message);
    assert.is(r.stdout.length, 0);
    assert.is(snapshot(), before);
    assert.is(inspect('kept:1').Id, kept);
  });
}

test.run();
