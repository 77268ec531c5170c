// The environment strata was started with, as the kernel laid it out at exec (/proc/self/environ).
//
// In the binary it is more than process.env: the entry guard (build/entry-guard.c) hides every
// NODE_*, OPENSSL_* and UV_* variable from Node.js, which would act on them before strata's first
// line (NODE_OPTIONS=--require runs code, OPENSSL_CONF can load an engine). The strings themselves
// stay in this block, so strata can still pass a caller's variable on where the caller asked for
// it (`run -e NAME`), and read NODE_EXTRA_CA_CERTS itself where it wants extra certificate
// authorities, instead of Node.js loading that file at every start.
import { readFileSync } from 'node:fs';

/** The caller's variables; a name given twice keeps its first value, as getenv(3) does. */
export function callerEnvironment(): Readonly<Record<string, string>> {
  let block: string;
  try {
    block = readFileSync('/proc/self/environ', 'utf8');
  } catch {
    return { ...process.env } as Record<string, string>;
  }
  const env: Record<string, string> = {};
  for (const entry of block.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (!Object.hasOwn(env, name)) env[name] = entry.slice(eq + 1);
  }
  return env;
}
