// Which certificates a registry's HTTPS is checked against. The binary's entry guard hides
// NODE_EXTRA_CA_CERTS from Node.js (base/caller-environment.ts), so strata reads that file itself
// and adds it to Node's bundled roots; /etc/containers/certs.d/HOST[:PORT]/ is read as podman and
// skopeo read it: *.crt are more authorities, a NAME.cert with its NAME.key a client certificate.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { callerEnvironment } from '../base/caller-environment.js';
import { StrataError, errnoOf } from '../base/errors.js';

export const CERTS_D = '/etc/containers/certs.d';

export interface TrustOptions {
  /** ca / cert / key / rejectUnauthorized, as https.Agent takes them. */
  readonly ca?: string[];
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized: boolean;
}

/** The TLS options for `registry`; `verify` false is podman's --tls-verify=false. */
export function trustFor(registry: string, verify: boolean): TrustOptions {
  if (!verify) return { rejectUnauthorized: false };
  const extra: string[] = [];
  const file = callerEnvironment().NODE_EXTRA_CA_CERTS;
  if (file !== undefined && file !== '') extra.push(readPem(file, 'NODE_EXTRA_CA_CERTS'));
  const dir = join(CERTS_D, registry);
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT' && errnoOf(err) !== 'ENOTDIR') throw new StrataError(`cannot read ${dir}`, { cause: err });
  }
  let cert: string | undefined;
  let key: string | undefined;
  for (const name of names) {
    if (name.endsWith('.crt')) extra.push(readPem(join(dir, name), dir));
    if (name.endsWith('.cert') && names.includes(name.replace(/\.cert$/, '.key'))) {
      cert = readPem(join(dir, name), dir);
      key = readPem(join(dir, name.replace(/\.cert$/, '.key')), dir);
    }
  }
  return {
    rejectUnauthorized: true,
    ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
    ...(cert !== undefined && key !== undefined ? { cert, key } : {}),
  };
}

function readPem(path: string, from: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new StrataError(`cannot read the certificate ${path} (from ${from})`, { cause: err });
  }
}
