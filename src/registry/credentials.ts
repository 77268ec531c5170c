// Registry credentials: those `strata login` stores (its own file, Docker's config.json format,
// mode 0600 in a 0700 directory), then Docker's ($DOCKER_CONFIG/config.json, else
// ~/.docker/config.json), each an `auths` entry whose `auth` is base64 "user:password". Docker's
// file is only read: `login` never writes into another tool's configuration.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { StrataError, errnoOf } from '../base/errors.js';
import { DOCKER_HUB } from './image-name.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

type AuthFile = { auths?: Record<string, { auth?: unknown; username?: unknown; password?: unknown }> } & Record<string, unknown>;

export function strataAuthFile(): string {
  const config = process.env.XDG_CONFIG_HOME || join(process.env.HOME || homedir(), '.config');
  return join(config, 'strata', 'auth.json');
}

function dockerConfigFile(): string {
  const dir = process.env.DOCKER_CONFIG || join(process.env.HOME || homedir(), '.docker');
  return join(dir, 'config.json');
}

/** The credentials for `registry` ("host[:port]"), or undefined for anonymous access. */
export function credentialsFor(registry: string): Credentials | undefined {
  for (const file of [strataAuthFile(), dockerConfigFile()]) {
    const auths = readAuthFile(file)?.auths;
    if (auths === undefined) continue;
    for (const key of keysOf(registry)) {
      const entry = auths[key];
      if (entry !== undefined) return decodeEntry(entry, file, key);
    }
  }
  return undefined;
}

/** The keys an `auths` map may use for a registry (Docker writes Docker Hub's as a URL). */
function keysOf(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`];
  if (registry === DOCKER_HUB) keys.push('https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io');
  return keys;
}

function decodeEntry(entry: Record<string, unknown>, file: string, key: string): Credentials {
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  if (typeof entry.auth !== 'string') throw new StrataError(`${file}: the entry for ${key} has no auth`);
  const text = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw new StrataError(`${file}: the auth of ${key} is not base64 "user:password"`);
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function readAuthFile(file: string): AuthFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return undefined;
    throw new StrataError(`cannot read ${file}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StrataError(`${file} is not JSON`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new StrataError(`${file} is not a JSON object`);
  const auths = (doc as AuthFile).auths;
  if (auths !== undefined && (typeof auths !== 'object' || auths === null || Array.isArray(auths))) throw new StrataError(`${file}: "auths" is not an object`);
  return doc as AuthFile;
}

/** Stores (login) or removes (logout, `creds` undefined) a registry's entry in strata's file;
 * returns whether there was one. The file is replaced whole, created 0600. */
export function storeCredentials(registry: string, creds: Credentials | undefined): boolean {
  const file = strataAuthFile();
  const doc: AuthFile = readAuthFile(file) ?? {};
  const auths = { ...(doc.auths ?? {}) };
  const had = Object.hasOwn(auths, registry);
  if (creds === undefined) {
    if (!had) return false;
    delete auths[registry];
  } else {
    auths[registry] = { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') };
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify({ ...doc, auths }, null, '\t') + '\n', { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new StrataError(`cannot write ${file}`, { cause: err });
  }
  return had;
}
