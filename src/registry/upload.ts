// Sending one blob to a repository (distribution spec, "Pushing blobs"): nothing when a HEAD finds
// it there; a cross-repository mount (POST ?mount=&from=) from a repository of the same registry
// known to hold it, falling back to an upload when the registry answers with an upload session
// instead; else an upload session (POST), filled in one PUT (monolithic) or in PATCH chunks
// (Content-Range, each reply's Location followed, never smaller than OCI-Chunk-Min-Length, resumed
// from the offset the registry states after a 416) and closed by PUT ?digest=.

import { StrataError, oneLine } from '../base/errors.js';
import { ByteWindow } from './byte-window.js';
import { apiError, headerOf, resolveLocation, type RegistryClient } from './client.js';
import { drain, type Body, type HttpResponse } from './transport.js';

export interface BlobSource {
  readonly digest: string;
  readonly size: number;
  /** The blob's bytes from the start; may be called again (a retry, a resume). */
  readonly open: () => AsyncIterable<Uint8Array>;
}

export interface UploadOptions {
  /** PATCH chunks of this many bytes (raised to the registry's minimum); default one PUT. */
  readonly chunkSize?: number;
  /** Repositories of the same registry that may hold the blob (mount sources), best first. */
  readonly mountFrom?: readonly string[];
  readonly onBytes?: (n: number) => void;
}

export type BlobOutcome = 'exists' | 'mounted' | 'uploaded';

/** 416s in a row without progress before giving up. */
const MAX_RESUMES = 3;

export async function sendBlob(client: RegistryClient, repository: string, blob: BlobSource, what: string, options: UploadOptions = {}): Promise<BlobOutcome> {
  const head = await client.request('HEAD', `/v2/${repository}/blobs/${blob.digest}`);
  drain(head);
  if (head.status === 200) return 'exists';
  if (head.status === 401) throw await client.refused(head);
  if (head.status !== 404) throw await apiError(head, `HEAD ${what}`);

  let session: HttpResponse | undefined;
  for (const from of options.mountFrom ?? []) {
    const res = await client.request('POST', `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from)}`, { body: Buffer.alloc(0) });
    if (res.status === 201) {
      drain(res);
      return 'mounted';
    }
    // 202: the registry could not mount and opened an upload session instead, which is used.
    if (res.status === 202) {
      session = res;
      break;
    }
    drain(res);
  }
  session ??= await client.request('POST', `/v2/${repository}/blobs/uploads/`, { body: Buffer.alloc(0) });
  if (session.status === 401) throw await client.refused(session);
  if (session.status !== 202) throw await apiError(session, `starting the upload of ${what}`);
  drain(session);
  let url = locationOf(client, session, what);
  const min = Number(headerOf(session, 'oci-chunk-min-length') ?? 0);
  if (options.chunkSize !== undefined || (Number.isSafeInteger(min) && min > 0 && blob.size > min)) {
    const chunk = Math.max(options.chunkSize ?? min, Number.isSafeInteger(min) ? min : 0);
    url = await patchChunks(client, url, blob, chunk, what, options.onBytes);
    await finish(client, url, blob, Buffer.alloc(0), what);
  } else {
    const body: Body = { length: blob.size, open: () => counted(blob.open(), options.onBytes) };
    await finish(client, url, blob, body, what);
  }
  return 'uploaded';
}

/** PUT <location>?digest=: the whole blob (monolithic) or nothing more (after the chunks). */
async function finish(client: RegistryClient, url: URL, blob: BlobSource, body: Body, what: string): Promise<void> {
  const put = new URL(url);
  put.searchParams.set('digest', blob.digest);
  const res = await client.request('PUT', put, { headers: { 'content-type': 'application/octet-stream' }, body });
  if (res.status === 401) throw await client.refused(res);
  if (res.status !== 201 && res.status !== 204) throw await apiError(res, `uploading ${what}`);
  drain(res);
}

async function patchChunks(client: RegistryClient, start: URL, blob: BlobSource, chunk: number, what: string, onBytes?: (n: number) => void): Promise<URL> {
  const window = new ByteWindow(blob.open, blob.size);
  let url = start;
  let offset = 0;
  let resumes = 0;
  try {
    while (offset < blob.size) {
      const end = Math.min(offset + chunk, blob.size);
      const bytes = await window.read(offset, end).catch((err: unknown) => {
        throw new StrataError(`${what}: ${oneLine(err)}`, { cause: err });
      });
      const res = await client.request('PATCH', url, {
        headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${end - 1}` },
        body: bytes,
      });
      if (res.status === 416) {
        // The registry holds another amount than was sent: ask it how much, go on from there.
        drain(res);
        if (++resumes > MAX_RESUMES) throw new StrataError(`${what}: the registry refused the upload's ranges ${MAX_RESUMES} times (HTTP 416)`);
        if (headerOf(res, 'location') !== undefined) url = locationOf(client, res, what);
        ({ url, offset } = await uploadStatus(client, url, what));
        continue;
      }
      if (res.status === 401) throw await client.refused(res);
      if (res.status !== 202) throw await apiError(res, `uploading ${what} (bytes ${offset}-${end - 1})`);
      drain(res);
      url = locationOf(client, res, what);
      const stated = rangeEnd(headerOf(res, 'range'));
      offset = stated === undefined ? end : stated + 1;
      if (offset > end) throw new StrataError(`${what}: the registry says it holds ${offset} bytes after ${end} were sent`);
      if (offset === end) resumes = 0;
      onBytes?.(offset);
    }
  } finally {
    window.close();
  }
  return url;
}

/** GET <location>: how many bytes the upload session holds, and where it goes on. */
async function uploadStatus(client: RegistryClient, url: URL, what: string): Promise<{ url: URL; offset: number }> {
  const res = await client.request('GET', url);
  if (res.status !== 204 && res.status !== 200) throw await apiError(res, `the upload status of ${what}`);
  drain(res);
  // "0-0" is how distribution states an empty session as well as a one-byte one: from 0, then.
  const end = rangeEnd(headerOf(res, 'range'));
  return { url: headerOf(res, 'location') !== undefined ? locationOf(client, res, what) : url, offset: end === undefined || end === 0 ? 0 : end + 1 };
}

/** The last byte a Range header ("0-1234", "bytes=0-1234") says the registry holds. */
function rangeEnd(header: string | undefined): number | undefined {
  const m = header === undefined ? null : /^(?:bytes=)?0-([0-9]+)$/.exec(header.trim());
  return m ? Number(m[1]) : undefined;
}

function locationOf(client: RegistryClient, res: HttpResponse, what: string): URL {
  const location = headerOf(res, 'location');
  if (location === undefined) throw new StrataError(`${client.registry}: no Location in its reply for ${what}`);
  return resolveLocation(res.url, location, client.registry);
}

async function* counted(source: AsyncIterable<Uint8Array>, onBytes?: (n: number) => void): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const chunk of source) {
    n += chunk.length;
    onBytes?.(n);
    yield chunk;
  }
}
