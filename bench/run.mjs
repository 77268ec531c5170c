// `npm run bench`: strata side by side with its peers, one hyperfine run per row, ratios against
// targets (docs/DESIGN.md §10), one markdown table on stdout and in bench/RESULTS.md.
//   node bench/run.mjs [SUBSTRING...]    only the rows whose name contains one of them
//   node bench/run.mjs --before OLD [SUBSTRING...]
//                                        each row's strata side against the same side run by OLD
//                                        (an earlier build's dist/strata): before and after in one
//                                        hyperfine call per row; RESULTS.md is left as it is
//
// On a fresh clone (after `npm ci`) it builds dist/strata, installs the peers from Debian
// (bench/install-peers.sh) and makes its fixtures in bench/.work/ (kept between runs). How it
// measures follows docs/DESIGN.md §10: rows that write trees run on a freshly made,
// journaled ext4 loop mount with `rm -rf` + `sync` before every run, for strata and for the peer
// alike; NODE_EXTRA_CA_CERTS (≈ 60 ms per Node start here) and NODE_OPTIONS are removed from
// the timed commands' environment. Needs root (mount). A run on a busy machine is not reported
// (quiet.mjs): the load average and `node -e 0` are measured at the start and at the end, and
// when either is far above a quiet machine's, the table is printed under a warning, RESULTS.md is
// left as it is, and the exit status is 1.
//
// Rows live in bench/rows/*.mjs, each file exporting an array of rows:
//   { name, peer (its label), target (the largest acceptable strata/peer ratio), warmup?, runs?,
//     targetMs? instead of target: the largest acceptable strata − peer difference, in ms;
//     neither: an informational row,
//     shell?: false (time without a shell in between: hyperfine -N),
//     plan(fixtures) => { setup?: [bash…] run once before timing,
//                         strata: { command, prepare? }, peer: { command, prepare? } } }
//   or a measurement that is no timing: { name, peer, limit (the largest acceptable value), unit,
//     measure(fixtures) => { value, text } }
// `prepare` runs before every timed run of its side. Fixtures (makeFixtures) are made on first use.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeLayout } from './make-layers.mjs';
import { NODE_START_VARIABLES, busyReasons, describe, machineState, writeBaseline } from './quiet.mjs';
import { q, sh } from './shell.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(repo, 'bench', '.work');
const strata = join(repo, 'dist', 'strata');
/** `--before BINARY`: each row times dist/strata against BINARY (an earlier build) instead of
 * against its peer, in one hyperfine call, so a change's before and after come from one run. */
const beforeAt = process.argv.indexOf('--before');
const before = beforeAt >= 0 ? process.argv[beforeAt + 1] : undefined;
const filters = process.argv.slice(2).filter((_, i) => beforeAt < 0 || (i !== beforeAt - 2 && i !== beforeAt - 1));

function say(line) {
  process.stderr.write(`bench: ${line}\n`);
}

/** The fixtures, each made on first use and cached in bench/.work/ where that makes sense. */
function makeFixtures() {
  const cache = new Map();
  const once = (name, make) => () => {
    if (!cache.has(name)) cache.set(name, make());
    return cache.get(name);
  };
  const mounts = [];
  const fixtures = {
    strata,
    work,
    /** A Debian bookworm minbase rootfs tar (mmdebstrap; ≈ 1 min the first time, then cached). */
    debianTar: once('debianTar', () => {
      const out = join(work, 'debian-bookworm-minbase.tar');
      if (!existsSync(out)) {
        say('making the Debian rootfs tar with mmdebstrap (about a minute, once)');
        const tmp = join(work, 'debian-bookworm-minbase.tmp.tar'); // mmdebstrap picks the format from the suffix
        rmSync(tmp, { force: true });
        sh(`SOURCE_DATE_EPOCH=1704067200 mmdebstrap --quiet --variant=minbase bookworm ${q(tmp)}`);
        renameSync(tmp, out);
      }
      return out;
    }),
    /** A tar of one directory holding 100,000 empty files (made once, then cached). */
    manyEmptyTar: once('manyEmptyTar', () => {
      const out = join(work, 'many-empty-files.tar');
      if (!existsSync(out)) {
        say('making the tar of 100,000 empty files (once)');
        const dir = join(work, 'many-empty-files.tmp');
        sh(`rm -rf ${q(dir)} && mkdir -p ${q(dir)}/files && cd ${q(dir)}/files && seq -f 'f%06g' 0 99999 | xargs touch && ` +
          `tar --sort=name --mtime=@1704067200 --owner=0 --group=0 --numeric-owner -cf ${q(out + '.tmp')} -C ${q(dir)} . && ` +
          `mv ${q(out + '.tmp')} ${q(out)} && rm -rf ${q(dir)}`);
      }
      return out;
    }),
    /** The busybox rootfs tar the binary embeds. */
    busyboxTar: once('busyboxTar', () => join(repo, 'dist', 'assets', 'busybox.tar')),
    /** OCI layouts of one image of 256 tiny layers and of 1 layer, the same /etc/os-release. */
    layers256: once('layers256', () => layout(256)),
    layers1: once('layers1', () => layout(1)),
    /** A fresh journaled ext4 loop mount for this run (unmounted at the end). */
    mnt: once('mnt', () => {
      const img = join(work, 'ext4.img');
      const dir = join(work, 'mnt');
      sh(`mountpoint -q ${q(dir)} && umount ${q(dir)} || true`); // left by a killed run
      rmSync(img, { force: true });
      mkdirSync(dir, { recursive: true });
      // 4 GB: room (and inodes: 262,144) for the Debian trees of several rows and a layer of
      // 100,000 files.
      sh(`truncate -s 12G ${q(img)} && mkfs.ext4 -q ${q(img)} && mount -o loop ${q(img)} ${q(dir)}`);
      mounts.push({ img, dir });
      return dir;
    }),
  };
  const cleanup = () => {
    for (const { img, dir } of mounts.splice(0)) {
      spawnSync('umount', ['-R', dir]);
      rmSync(img, { force: true });
    }
  };
  return { fixtures, cleanup };
}

function layout(count) {
  const dir = join(work, `oci-${count}-layers`);
  writeLayout(dir, count);
  return dir;
}

async function loadRows() {
  const dir = join(repo, 'bench', 'rows');
  const rows = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    rows.push(...mod.default);
  }
  return rows.filter((r) => filters.length === 0 || filters.some((f) => r.name.includes(f)));
}

/** The environment of hyperfine and so of every timed command. */
function timedEnv() {
  const env = { ...process.env };
  for (const k of [...NODE_START_VARIABLES, 'STRATA_ROOT', 'STRATA_DEBUG']) delete env[k];
  return env;
}

/** The fixtures as an earlier build sees them: its own binary, and its own part of the mount, so
 * neither side's stores are the other's. */
function beforeFixtures(fixtures) {
  return {
    ...fixtures,
    strata: before,
    mnt: () => {
      const dir = join(fixtures.mnt(), 'before');
      mkdirSync(dir, { recursive: true });
      return dir;
    },
  };
}

/** A row's plan; with --before, its strata side now (as "strata") against the same side built
 * earlier (as "peer"). */
function planOf(row, fixtures) {
  if (before === undefined) return row.plan(fixtures);
  const now = row.plan(fixtures);
  const earlier = row.plan(beforeFixtures(fixtures));
  return { setup: [...(now.setup ?? []), ...(earlier.setup ?? [])], strata: now.strata, peer: earlier.strata };
}

/** Runs one row: strata and its peer in one hyperfine invocation. */
function runRow(row, fixtures) {
  const plan = planOf(row, fixtures);
  for (const step of plan.setup ?? []) sh(step);
  const json = join(work, `hyperfine-${process.pid}.json`);
  rmSync(json, { force: true });
  const sides = [plan.strata, plan.peer];
  const args = [
    '--style', 'none', '--export-json', json,
    '--warmup', String(row.warmup ?? 3), '--runs', String(row.runs ?? 20),
    ...(row.shell === false ? ['-N'] : []),
    ...(sides.some((s) => s.prepare) ? sides.flatMap((s) => ['--prepare', s.prepare ?? 'true']) : []),
    ...sides.flatMap((s, i) => ['-n', i === 0 ? 'strata' : 'peer', s.command]),
  ];
  const r = spawnSync('hyperfine', args, { env: timedEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(diagnose(sides) ?? `hyperfine: ${`${r.stdout}${r.stderr}`.trim()}`);
  const [mine, theirs] = JSON.parse(readFileSync(json, 'utf8')).results;
  rmSync(json, { force: true });
  return { mine, theirs, ratio: mine.mean / theirs.mean };
}

/** Why a side fails, in one line: hyperfine discards the commands' own output. */
function diagnose(sides) {
  for (const [i, side] of sides.entries()) {
    const script = `${side.prepare ?? 'true'} && ${side.command}`;
    const r = spawnSync('bash', ['-c', script], { env: timedEnv(), encoding: 'utf8' });
    if (r.status !== 0) {
      const last = `${r.stderr}`.trim().split('\n').pop() || `exit status ${r.status}`;
      return `${i === 0 ? 'strata' : 'peer'}: ${last}`;
    }
  }
  return undefined;
}

/** A measurement row: its own figure against its limit (with --before, this build's only). */
function measureRow(row, fixtures) {
  const { value, text } = row.measure(fixtures);
  return { measured: { value, text } };
}

function ms(result) {
  const f = (s) => (s * 1000 >= 100 ? (s * 1000).toFixed(0) : (s * 1000).toFixed(1));
  return `${f(result.mean)} ms ± ${f(result.stddev ?? 0)}`;
}

function table(lines) {
  const head = ['row', 'peer', 'strata mean', 'peer mean', 'ratio (or difference)', 'target', 'met?'];
  const target = (row) => row.targetMs !== undefined ? `≤ +${row.targetMs} ms` : row.target !== undefined ? `≤ ${row.target}×` : '—';
  const measured = (l) => {
    if (l.row.targetMs === undefined) return [`${l.ratio.toFixed(2)}×`, l.row.target === undefined ? 'info' : l.ratio <= l.row.target];
    const d = (l.mine.mean - l.theirs.mean) * 1000;
    return [`${d < 0 ? '−' : '+'}${Math.abs(d).toFixed(0)} ms`, d <= l.row.targetMs];
  };
  const met = (ok) => (ok === 'info' ? 'info' : ok ? 'yes' : '**no**');
  const rows = lines.map((l) => l.error
    ? [l.row.name, l.peer, '—', '—', '—', target(l.row), `error: ${l.error}`]
    : l.measured
      ? [l.row.name, l.peer, l.measured.text, '—', '—', `≤ ${l.row.limit} ${l.row.unit}`, met(l.measured.value <= l.row.limit)]
      : [l.row.name, l.peer, ms(l.mine), ms(l.theirs), measured(l)[0], target(l.row), met(measured(l)[1])]);
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main() {
  if (!existsSync(join(repo, 'node_modules'))) throw new Error('node_modules is missing: run `npm ci` first');
  if (process.getuid?.() !== 0) throw new Error('the bench needs root (it mounts a loop filesystem)');
  execFileSync(process.execPath, [join(repo, 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('bash', [join(repo, 'bench', 'install-peers.sh')], { stdio: 'inherit' });
  mkdirSync(work, { recursive: true });
  const rows = await loadRows();
  if (rows.length === 0) throw new Error(`no row matches ${filters.join(', ')}`);

  const { fixtures, cleanup } = makeFixtures();
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { cleanup(); process.exit(130); });
  const lines = [];
  const states = [['start', machineState(timedEnv(), work)]];
  say(`machine at the start: ${describe(states)}`);
  try {
    for (const [i, row] of rows.entries()) {
      say(`${row.name} (${i + 1}/${rows.length})`);
      const peer = before === undefined ? row.peer : `the same, ${before}`;
      try {
        // Before and after have no target of their own: the ratio is the finding.
        const shown = before === undefined ? row : { ...row, target: undefined, targetMs: undefined };
        lines.push({ row: shown, peer, ...(row.measure ? measureRow(row, fixtures) : runRow(row, fixtures)) });
      } catch (err) {
        say(err.message);
        const reason = err.message.trim().split('\n').pop();
        lines.push({ row, peer, error: reason.replace(/\|/g, '\\|').slice(0, 120) });
      }
    }
  } finally {
    cleanup();
  }
  states.push(['end', machineState(timedEnv(), work)]);
  const busy = busyReasons(repo, states);
  const version = execFileSync(strata, ['--version'], { encoding: 'utf8', env: timedEnv() }).trim();
  const text = [
    '# Benchmark results',
    '',
    `\`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${version}, node ${process.version} (the peer of the startup rows), ` +
      `${cpus().length} cores, Linux ${release()}. Means over hyperfine runs, ratio = strata / peer (difference = strata − peer where the target is in ms), lower is better.`,
    '',
    table(lines),
    '',
    `The machine was quiet (bench/quiet.mjs): ${describe(states)}.`,
    '',
  ].join('\n');
  if (busy.length > 0) {
    const warning = ['BUSY MACHINE: these figures are not valid and were not written to RESULTS.md:', ...busy.map((r) => `  ${r}`)].join('\n');
    process.stdout.write(`${warning}\n\n${table(lines)}\n\n${warning}\n`);
    process.exitCode = 1;
    return;
  }
  if (filters.length === 0 && before === undefined) {
    writeFileSync(join(repo, 'bench', 'RESULTS.md'), text);
    writeBaseline(repo, states);
  }
  process.stdout.write(`${table(lines)}\n`);
  if (lines.some((l) => l.error)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
