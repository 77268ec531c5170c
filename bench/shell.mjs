// Shell helpers shared by bench/run.mjs and the rows.
import { spawnSync } from 'node:child_process';

/** Single-quotes a string for bash. */
export function q(s) {
  return `'${String(s).replaceAll("'", `'\\''`)}'`;
}

/** Runs a bash script for its effect; its output is shown only when it fails. */
export function sh(script) {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`failed: ${script}\n${r.stdout}${r.stderr}`.trim());
  return r.stdout;
}
