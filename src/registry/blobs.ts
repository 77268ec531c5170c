// Blobs from a registry, verified while they stream: a blob is counted and hashed chunk by chunk,
// and its last chunk is followed by the check of size and digest, so a consumer that reads it to
// the end (the unpacker does, before it publishes a layer) fails on a bad blob before anything is
// stored. Small blobs (configs) are read whole and checked the same way.

import { createHash } from 'node:crypto';
import { StrataError } from '../base/errors.js';
import type { Descriptor } from '../archive/oci-layout.js';
import { apiError, type RegistryClient } from './client.js';
import { drain, networkError, readBody, type HttpResponse } from './transport.js';

const CONFIG_LIMIT = 16 << 20;

async function openBlob(client: RegistryClient, repository: string, d: Descriptor, what: string): Promise<HttpResponse> {
  const res = await client.request('GET', `/v2/${repository}/blobs/${d.digest}`);
  if (res.status === 200) return res;
  if (res.status === 401) throw await client.refused(res);
  if (res.status === 404) {
    drain(res);
    throw new StrataError(`${what} (${d.digest}) is missing from ${client.registry}/${repository}`);
  }
  throw await apiError(res, what);
}

export async function readSmallBlob(client: RegistryClient, repository: string, d: Descriptor, what: string): Promise<Buffer> {
  if (d.size > CONFIG_LIMIT) throw new StrataError(`${what} is ${d.size} bytes, larger than the ${CONFIG_LIMIT}-byte limit`);
  const bytes = await readBody(await openBlob(client, repository, d, what), d.size + 1);
  check(bytes.length, 'sha256:' + createHash('sha256').update(bytes).digest('hex'), d, what);
  return bytes;
}

/** The blob's bytes; iterating past its last chunk checks it (and throws when it is not `d`). */
export async function* streamBlob(client: RegistryClient, repository: string, d: Descriptor, what: string, onBytes?: (n: number) => void): AsyncGenerator<Uint8Array> {
  const res = await openBlob(client, repository, d, what);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > d.size) throw new StrataError(`${what} (${d.digest}) is longer than the ${d.size} bytes its manifest says`);
      hash.update(chunk);
      onBytes?.(size);
      yield chunk;
    }
  } catch (err) {
    res.body.destroy();
    if (err instanceof StrataError) throw err;
    throw new StrataError(`${what} (${d.digest}) was cut short after ${size} of ${d.size} bytes: ${networkError(res.url, err).message}`, { cause: err });
  }
  check(size, 'sha256:' + hash.digest('hex'), d, what);
}

function check(size: number, digest: string, d: Descriptor, what: string): void {
  if (size !== d.size) throw new StrataError(`${what} (${d.digest}) has ${size} bytes, its manifest says ${d.size}`);
  if (digest !== d.digest) throw new StrataError(`${what} does not match its digest ${d.digest} (it hashes to ${digest})`);
}
