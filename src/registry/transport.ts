// One HTTP exchange with a registry over Node's own http/https: a request (its body a Buffer or a
// stream that can be made again, for a retry), the reply's status and headers, and its body as a
// stream the caller reads or drains. Connections are kept alive per registry. Nothing here knows
// the distribution API or authentication (client.ts); errors of the network become one line
// naming the host.

import { once } from 'node:events';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { StrataError, errnoOf, oneLine } from '../base/errors.js';
import type { TrustOptions } from './tls-trust.js';

export type Body = Buffer | { readonly length: number; readonly open: () => AsyncIterable<Uint8Array> };

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Body;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly url: URL;
  readonly body: IncomingMessage;
}

/** A reply that stays silent this long (no byte either way) fails the request. */
const IDLE_MS = 120_000;

export class Transport {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 8 });
  private readonly https: HttpsAgent;
  constructor(trust: TrustOptions) {
    this.https = new HttpsAgent({ keepAlive: true, maxSockets: 8, ...trust });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const isHttps = req.url.protocol === 'https:';
    const headers: Record<string, string> = { 'user-agent': 'strata', ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(req.body.length);
    const outgoing = (isHttps ? httpsRequest : httpRequest)(req.url, { method: req.method, headers, agent: isHttps ? this.https : this.http });
    outgoing.setTimeout(IDLE_MS, () => outgoing.destroy(new StrataError(`no reply for ${IDLE_MS / 1000} s`)));
    const replied = new Promise<IncomingMessage>((resolve, reject) => {
      outgoing.once('response', resolve);
      outgoing.once('error', reject);
    });
    // A registry may answer before the body is all sent (a 401, a refused upload): the reply
    // wins, and the rest of the body's writing may then fail without anyone waiting for it.
    const writing = writeBody(outgoing, req.body);
    writing.catch(() => {});
    replied.catch(() => {});
    try {
      await Promise.race([writing, replied]);
      const res = await replied;
      res.setTimeout(IDLE_MS, () => res.destroy(new StrataError(`the reply stalled for ${IDLE_MS / 1000} s`)));
      return { status: res.statusCode ?? 0, headers: res.headers, url: req.url, body: res };
    } catch (err) {
      outgoing.destroy();
      throw networkError(req.url, err);
    }
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

async function writeBody(out: ClientRequest, body: Body | undefined): Promise<void> {
  if (body === undefined || Buffer.isBuffer(body)) {
    out.end(body);
    return;
  }
  for await (const chunk of body.open()) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
}

/** The reply's body whole (small documents: manifests, configs, tokens, errors), refused past
 * `limit` bytes. */
export async function readBody(res: HttpResponse, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        res.body.destroy();
        throw new StrataError(`${res.url.host} sent more than ${limit} bytes for ${res.url.pathname}`);
      }
      parts.push(chunk);
    }
  } catch (err) {
    throw err instanceof StrataError ? err : networkError(res.url, err);
  }
  return Buffer.concat(parts);
}

/** Reads and drops a body that is not wanted, so the connection can be used again. */
export function drain(res: HttpResponse): void {
  res.body.resume();
  res.body.on('error', () => {});
}

export function networkError(url: URL, err: unknown): StrataError {
  if (err instanceof StrataError && err.message.startsWith(url.host)) return err;
  const code = errnoOf(err);
  const reason = code === 'ECONNREFUSED' ? 'connection refused'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'no such host'
    : code === 'ECONNRESET' ? 'the connection was reset'
    : code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code) ? `its certificate is not trusted (${oneLine(err)}): give its CA (NODE_EXTRA_CA_CERTS, /etc/containers/certs.d/${url.host}/) or --tls-verify=false`
    : code === 'EPROTO' || /wrong version number|packet length too long/.test(oneLine(err)) ? `TLS failed (${oneLine(err)}); does it speak HTTPS?`
    : oneLine(err);
  return new StrataError(`${url.host}: ${reason}`, { cause: err });
}
