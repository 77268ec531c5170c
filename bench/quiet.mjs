// Is the machine quiet enough for figures that hold? Every row compares strata with a peer in one
// run, and a loaded machine inflates the fixed costs both sides pay (process start, page faults,
// scheduling), which flatters every ratio: `run --rm busybox true` was recorded at 0.38× podman
// and 2.07× `node -e 0` with `node -e 0` at 65.7 ms; a quiet machine of the same kind gives
// 28.6 ms and 0.48×, 3.13×. 65 ms is what `node -e 0` costs here with NODE_EXTRA_CA_CERTS set
// (≈ 69 ms with it, ≈ 25 ms without, measured back to back), so a timed command that inherits it
// makes every Node.js start, strata's included, look 40 ms dearer.
//
// So the bench measures, at its start and at its end: the load average (judged at the start
// only: at the end it counts the bench's own work), and `node -e 0` in the
// very environment the rows are timed in (median of 15 runs) — and checks that this environment
// really holds no variable that Node.js acts on at start. A run is "busy" when either
// measurement is far above what a quiet machine shows: the 1-minute load average above half the
// number of cores, or `node -e 0` above 1.4× its quiet median (bench/quiet-baseline.json, written
// by the last run that was quiet from start to end). A busy run's figures are printed under a
// warning and not written to RESULTS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/** Variables Node.js reads before any script runs (each adds to every start or changes it). */
export const NODE_START_VARIABLES = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_V8_COVERAGE', 'NODE_REDIRECT_WARNINGS', 'OPENSSL_CONF', 'NODE_COMPILE_CACHE'];

/** The quiet median of `node -e 0` on this kind of machine when no baseline was written yet. */
const DEFAULT_NODE_MS = 28.6;
const NODE_FACTOR = 1.4;
const LOAD_PER_CORE = 0.5;

export function baselineFile(repo) {
  return join(repo, 'bench', 'quiet-baseline.json');
}

function readBaseline(repo) {
  const file = baselineFile(repo);
  if (!existsSync(file)) return { nodeMs: DEFAULT_NODE_MS, source: 'default' };
  const { nodeMs, measured } = JSON.parse(readFileSync(file, 'utf8'));
  return { nodeMs, source: `measured ${measured}` };
}

/** The load average and `node -e 0`'s median (ms) in `env`, the timed commands' environment. */
export function machineState(env, work) {
  const leaked = NODE_START_VARIABLES.filter((k) => env[k] !== undefined);
  // What a timed node actually sees, not what we think we passed.
  const seen = spawnSync('node', ['-p', `JSON.stringify(${JSON.stringify(NODE_START_VARIABLES)}.filter((k) => process.env[k] !== undefined))`], { env, encoding: 'utf8' });
  const seenByNode = seen.status === 0 ? JSON.parse(seen.stdout) : ['(node did not run)'];
  const json = join(work, `quiet-${process.pid}.json`);
  const r = spawnSync('hyperfine', ['-N', '--style', 'none', '--warmup', '3', '--runs', '15', '--export-json', json, 'node -e 0'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hyperfine node -e 0: ${r.stderr.trim()}`);
  const [result] = JSON.parse(readFileSync(json, 'utf8')).results;
  rmSync(json, { force: true });
  return { load1: loadavg()[0], cores: cpus().length, nodeMs: result.median * 1000, leaked: [...new Set([...leaked, ...seenByNode])] };
}

/** Why the run is not quiet (empty: it is), from the states at its start and its end. */
export function busyReasons(repo, states) {
  const base = readBaseline(repo);
  const reasons = [];
  for (const [when, s] of states) {
    if (s.leaked.length > 0) reasons.push(`${when}: the timed commands' environment holds ${s.leaked.join(', ')}`);
    // At the end the 1-minute load average still counts the bench's own last rows (one busy
    // process is a load of 1): there, `node -e 0` alone tells whether others loaded the machine.
    if (when === 'start' && s.load1 > LOAD_PER_CORE * s.cores) reasons.push(`${when}: load average ${s.load1.toFixed(2)} on ${s.cores} cores (quiet: at most ${(LOAD_PER_CORE * s.cores).toFixed(1)})`);
    if (s.nodeMs > NODE_FACTOR * base.nodeMs) reasons.push(`${when}: node -e 0 took ${s.nodeMs.toFixed(1)} ms (quiet median ${base.nodeMs.toFixed(1)} ms, ${base.source}; at most ${NODE_FACTOR}×)`);
  }
  return reasons;
}

/** A quiet run's `node -e 0` becomes the baseline the next runs are judged by. */
export function writeBaseline(repo, states) {
  // Only ever lowered: a baseline cannot creep up run after run within the 1.4× allowed.
  const nodeMs = Math.min(readBaseline(repo).nodeMs, ...states.map(([, s]) => s.nodeMs));
  writeFileSync(baselineFile(repo), `${JSON.stringify({ nodeMs: Number(nodeMs.toFixed(1)), measured: new Date().toISOString().slice(0, 10) })}\n`);
}

export function describe(states) {
  return states.map(([when, s]) => `${when}: load ${s.load1.toFixed(2)}, node -e 0 ${s.nodeMs.toFixed(1)} ms`).join('; ');
}
