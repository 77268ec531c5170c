// The lists a script reads, as Docker's: `--json` lines hold exactly the keys (and values) of
// Docker's `--format '{{json .}}'`; `--format` takes Go-template fields, `json`, `table`; a
// template strata cannot follow is one line, exit 2, before anything is printed; `images
// REPOSITORY[:TAG]` and `--filter` for images and ps; `inspect` prints Docker's array always.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { runStrata, strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
const opts = { root: t.root };
const ok = (...args: string[]) => strataOk(args, opts).text;
const lines = (text: string) => text.split('\n').filter(Boolean);
const jsonLines = (text: string) => lines(text).map((l) => JSON.parse(l) as Record<string, string>);

// Docker's keys of `{{json .}}` (docker/cli formatter: imageContext, ContainerContext, historyContext).
const DOCKER_KEYS = {
  images: ['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize'],
  ps: ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Ports', 'RunningFor', 'Size', 'State', 'Status'],
  history: ['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size'],
};

ok('export', 'busybox', '-o', join(t.scratch, 'rootfs.tar'));
ok('import', join(t.scratch, 'rootfs.tar'), 'labelled:1', '--change', 'LABEL team=core');
ok('tag', 'labelled:1', 'labelled:2');
ok('tag', 'busybox', 'other/busybox:edge');
assert.is(runStrata(['run', '--name', 'seven', 'busybox', 'sh', '-c', 'exit 7'], opts).status, 7);
ok('run', '--name', 'fromlabelled', 'labelled:1', 'true');
ok('run', '-d', '--name', 'up', 'busybox', 'sleep', '600');
ok('commit', 'seven');

const LISTS: [keyof typeof DOCKER_KEYS, string[]][] = [['images', ['images']], ['ps', ['ps', '-a']], ['history', ['history', 'busybox']]];

test('--json lines: Docker\'s keys, and the same lines as --format "{{json .}}"', () => {
  for (const [name, args] of LISTS) {
    const json = ok('--json', ...args);
    const rows = jsonLines(json);
    assert.ok(rows.length > 0, name);
    for (const row of rows) {
      assert.equal(Object.keys(row), DOCKER_KEYS[name], name);
      for (const v of Object.values(row)) assert.type(v, 'string', name);
    }
    // The same lines, but for the times relative to now ("2 seconds ago"), a second apart.
    const timeless = (text: string) => jsonLines(text).map(({ RunningFor, CreatedSince, Status, ...rest }) => rest);
    assert.equal(timeless(ok(...args, '--format', '{{json .}}')), timeless(json), name);
  }
  const [busybox] = jsonLines(ok('--json', 'images', 'busybox'));
  assert.is(busybox!.Repository, 'busybox');
  assert.is(busybox!.CreatedAt, '2024-01-01 00:00:00 +0000 UTC');
  assert.match(busybox!.ID, /^[0-9a-f]{12}$/);
  const seven = jsonLines(ok('--json', 'ps', '-a')).find((r) => r.Names === 'seven')!;
  assert.is(seven.State, 'exited');
  assert.match(seven.Status, /^Exited \(7\) /);
  assert.is(seven.Command, '"sh -c exit 7"');
});

test('--format: fields, literal text, table with Docker\'s headers, json of a field', () => {
  const ids = lines(ok('images', '-q'));
  assert.equal(lines(ok('images', '--format', '{{.ID}}')), ids.flatMap((id) => lines(ok('images', '--format', '{{.ID}}')).filter((x) => x === id)));
  assert.is(ok('images', 'busybox', '--format', '{{.Repository}}:{{.Tag}} is {{.Size}}'), `busybox:latest is ${jsonLines(ok('--json', 'images', 'busybox'))[0]!.Size}\n`);
  assert.match(ok('images', 'busybox', '--format', 'table {{.ID}}\\t{{.Repository}}\\t{{.CreatedSince}}'), /^IMAGE ID\s+REPOSITORY\s+CREATED\n[0-9a-f]{12}\s+busybox\s+2 years ago\n$/);
  assert.match(ok('ps', '-a', '--filter', 'name=^seven$', '--format', 'table {{.Names}}\t{{.Status}}'), /^NAMES\s+STATUS\nseven\s+Exited \(7\) /);
  assert.is(ok('ps', '-a', '--filter', 'name=^seven$', '--format', '{{upper .Names}} {{json .State}} {{"x"}}'), 'SEVEN "exited" x\n');
  assert.match(ok('history', 'busybox', '--format', '{{.CreatedBy}}'), /^strata layers\/busybox/);
});

test('a template strata cannot follow: one line naming it, exit 2, nothing printed', () => {
  const cases: [string[], RegExp][] = [
    [['images', '--format', '{{.Nope}}'], /^strata: invalid value "\{\{\.Nope\}\}" for --format: no field Nope \(the fields are Containers, /],
    [['ps', '--format', '{{printf "%s" .ID}}'], /for --format: the function "printf" is not supported/],
    [['history', 'busybox', '--format', '{{range .}}x{{end}}'], /for --format: the function "range" is not supported/],
    [['images', '--format', '{{.ID'], /for --format: a "\{\{" without its "\}\}"/],
    [['inspect', 'busybox', '--format', '{{.Id | printf}}'], /for --format: "\{\{\.Id \| printf\}\}" is not supported/],
    [['images', '--filter', 'colour=red'], /^strata: invalid value "colour=red" for --filter: no filter "colour" \(reference, dangling, label, before, since\)\n/],
    [['ps', '--filter', 'status=zombie'], /for --filter: one of created, restarting, running/],
    [['ps', '--filter', 'exited=x'], /invalid value "x" for --filter/],
    [['images', '--filter', 'dangling=maybe'], /invalid value "dangling=maybe" for --filter: true or false/],
  ];
  for (const [args, line] of cases) {
    const r = runStrata(args, opts);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, line, args.join(' '));
    assert.is(r.stderr.split('\n').length, 2, args.join(' '));
    assert.is(r.stdout.length, 0, args.join(' '));
  }
});

test('images [REPOSITORY[:TAG]] and --filter reference= dangling= label= before= since=', () => {
  const refs = (...args: string[]) => lines(ok('images', ...args, '--format', '{{.Repository}}:{{.Tag}}')).sort();
  assert.equal(refs('labelled'), ['labelled:1', 'labelled:2']);
  assert.equal(refs('labelled:2'), ['labelled:2']);
  assert.equal(refs('nothing'), []);
  assert.equal(refs('--filter', 'reference=*/busybox*'), ['other/busybox:edge']);
  assert.equal(refs('--filter', 'reference=busybox'), ['busybox:latest']);
  assert.equal(refs('--filter', 'reference=labelled:[1]', '--filter', 'reference=busybox'), ['busybox:latest', 'labelled:1']);
  assert.equal(refs('--filter', 'dangling=true'), ['<none>:<none>']);
  assert.ok(!refs('--filter', 'dangling=false').includes('<none>:<none>'));
  assert.equal(refs('--filter', 'label=team'), ['labelled:1', 'labelled:2']);
  assert.equal(refs('--filter', 'label=team=core'), ['labelled:1', 'labelled:2']);
  assert.equal(refs('--filter', 'label=team=other'), []);
  // busybox was made in 2024, the import and the commit now.
  assert.equal(refs('--filter', 'before=labelled:1'), ['busybox:latest', 'other/busybox:edge']);
  assert.ok(!refs('--filter', 'since=busybox').includes('busybox:latest'));
  assert.ok(refs('--filter', 'since=busybox').includes('labelled:1'));
  assert.equal(refs('--filter', 'since=busybox', '--filter', 'label=team'), ['labelled:1', 'labelled:2']);
});

test('ps --filter status= name= ancestor= exited=', () => {
  const names = (...args: string[]) => lines(ok('ps', ...args, '--format', '{{.Names}}')).sort();
  assert.equal(names(), ['up']);
  assert.equal(names('--filter', 'status=exited'), ['fromlabelled', 'seven']);
  assert.equal(names('--filter', 'status=running', '--filter', 'status=exited'), ['fromlabelled', 'seven', 'up']);
  assert.equal(names('-a', '--filter', 'name=seve'), ['seven']);
  assert.equal(names('--filter', 'exited=7'), ['seven']);
  assert.equal(names('--filter', 'exited=0'), ['fromlabelled']);
  assert.equal(names('-a', '--filter', 'ancestor=labelled:1'), ['fromlabelled']);
  assert.equal(names('-a', '--filter', 'ancestor=busybox'), ['seven', 'up']);
  assert.equal(names('-a', '--filter', 'ancestor=busybox', '--filter', 'status=running'), ['up']);
});

test('inspect: Docker\'s array with or without --json; --format per image', () => {
  const plain = ok('inspect', 'busybox', 'labelled:1');
  assert.is(ok('--json', 'inspect', 'busybox', 'labelled:1'), plain);
  const records = JSON.parse(plain) as { Id: string; Config: { Labels?: Record<string, string> } }[];
  assert.is(records.length, 2);
  assert.equal(records[1]!.Config.Labels, { team: 'core' });
  assert.is(ok('inspect', 'busybox', 'labelled:1', '--format', '{{.Id}}'), `${records[0]!.Id}\n${records[1]!.Id}\n`);
  assert.is(ok('inspect', 'labelled:1', '--format', '{{json .Config.Labels}} {{.Config.Labels}} {{.RepoTags}}'), '{"team":"core"} map[team:core] [labelled:1 labelled:2]\n');
});

test.after(() => {
  runStrata(['rm', '-f', 'up'], opts);
  t.cleanup();
});
test.run();
