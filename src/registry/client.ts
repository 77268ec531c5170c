// A session with one repository of a registry: every request of the distribution API goes through
// `request`, which answers a 401 once by authenticating as the challenge asks — Basic with the
// stored credentials, or a Bearer token from the challenge's realm for its service and scopes —
// and follows redirects itself, sending the Authorization header only back to the registry's own
// origin (a blob redirected to storage elsewhere must not receive the registry's credentials).

import { StrataError, oneLine } from '../base/errors.js';
import { parseChallenge, type Challenge } from './challenge.js';
import { credentialsFor, type Credentials } from './credentials.js';
import { apiHost, isPlainHttp } from './image-name.js';
import { trustFor } from './tls-trust.js';
import { Transport, drain, readBody, type Body, type HttpResponse, type HttpRequest } from './transport.js';

export interface TransportOptions {
  /** podman's --tls-verify (HTTPS registries only); default true. */
  readonly tlsVerify?: boolean;
}

export interface ClientOptions extends TransportOptions {
  /** The token scopes to ask for: "repository:team/app:pull" and the like. */
  readonly scopes: readonly string[];
  /** Given credentials (login); default: the stored ones (credentials.ts). */
  readonly credentials?: Credentials | null;
}

export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Body;
}

const MAX_REDIRECTS = 5;
const TOKEN_LIMIT = 1 << 20;

export class RegistryClient {
  readonly base: URL;
  private readonly transport: Transport;
  private readonly credentials: Credentials | undefined;
  private authorization: string | undefined;

  constructor(readonly registry: string, private readonly options: ClientOptions) {
    this.base = new URL(`${isPlainHttp(registry) ? 'http' : 'https'}://${apiHost(registry)}/`);
    this.transport = new Transport(trustFor(registry, options.tlsVerify ?? true));
    this.credentials = options.credentials === undefined ? credentialsFor(registry) : options.credentials ?? undefined;
  }

  /** `path` is relative to the registry ("/v2/…") or a URL it gave (an upload's Location). */
  async request(method: HttpRequest['method'], path: string | URL, options: RequestOptions = {}): Promise<HttpResponse> {
    let url = typeof path === 'string' ? new URL(path, this.base) : path;
    let authenticated = false;
    for (let hops = 0; ; ) {
      const sameOrigin = url.origin === this.base.origin;
      const headers = { ...options.headers, ...(sameOrigin && this.authorization ? { authorization: this.authorization } : {}) };
      const res = await this.transport.send({ method, url, headers, ...(options.body !== undefined ? { body: options.body } : {}) });
      if (res.status === 401 && sameOrigin && !authenticated) {
        const challenge = parseChallenge(headerOf(res, 'www-authenticate'));
        drain(res);
        await this.authenticate(challenge);
        authenticated = true;
        continue;
      }
      const location = headerOf(res, 'location');
      if (isRedirect(res.status) && location !== undefined && (method === 'GET' || method === 'HEAD')) {
        drain(res);
        if (++hops > MAX_REDIRECTS) throw new StrataError(`${this.registry}: more than ${MAX_REDIRECTS} redirects for ${url.pathname}`);
        url = resolveLocation(url, location, this.registry);
        continue;
      }
      return res;
    }
  }

  /** Checks that the registry answers and accepts the credentials (`login`): GET /v2/. */
  async ping(): Promise<void> {
    const res = await this.request('GET', '/v2/');
    if (res.status === 401) throw await this.refused(res);
    if (res.status !== 200) throw await apiError(res, 'GET /v2/');
    drain(res);
  }

  close(): void {
    this.transport.close();
  }

  private async authenticate(challenge: Challenge | undefined): Promise<void> {
    if (challenge?.scheme === 'basic') {
      if (this.credentials === undefined) throw this.loginNeeded();
      this.authorization = basic(this.credentials);
      return;
    }
    if (challenge?.scheme !== 'bearer' || challenge.params.realm === undefined) {
      throw new StrataError(`${this.registry}: unauthorized, and its challenge names no scheme strata knows (${challenge?.scheme ?? 'none'})`);
    }
    this.authorization = `Bearer ${await this.token(challenge.params)}`;
  }

  /** A Bearer token from the realm (distribution's token.md): GET realm?service=&scope=…, with
   * Basic credentials when there are any; its reply holds `token` or `access_token`. */
  private async token(params: Readonly<Record<string, string>>): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(params.realm!);
    } catch (err) {
      throw new StrataError(`${this.registry}: its token realm "${params.realm}" is not a URL`, { cause: err });
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new StrataError(`${this.registry}: its token realm "${params.realm}" is not HTTP`);
    if (params.service !== undefined) realm.searchParams.set('service', params.service);
    const scopes = new Set([...(params.scope?.split(' ') ?? []), ...this.options.scopes]);
    for (const scope of scopes) if (scope !== '') realm.searchParams.append('scope', scope);
    const headers: Record<string, string> = this.credentials ? { authorization: basic(this.credentials) } : {};
    const res = await this.transport.send({ method: 'GET', url: realm, headers });
    if (res.status === 401 || res.status === 403) {
      drain(res);
      throw this.credentials ? new StrataError(`${this.registry}: the token server refused the credentials of ${this.credentials.username}`) : this.loginNeeded();
    }
    if (res.status !== 200) throw await apiError(res, 'its token server');
    let doc: unknown;
    try {
      doc = JSON.parse((await readBody(res, TOKEN_LIMIT)).toString('utf8'));
    } catch (err) {
      throw new StrataError(`${this.registry}: its token server sent no JSON`, { cause: err });
    }
    const record = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
    const token = typeof record.token === 'string' && record.token !== '' ? record.token : record.access_token;
    if (typeof token !== 'string' || token === '') throw new StrataError(`${this.registry}: its token server sent no token`);
    return token;
  }

  /** The error for a request still refused after authenticating. */
  async refused(res: HttpResponse): Promise<StrataError> {
    drain(res);
    if (this.credentials === undefined) return this.loginNeeded();
    return new StrataError(`${this.registry}: the credentials of ${this.credentials.username} were refused`);
  }

  private loginNeeded(): StrataError {
    return new StrataError(`${this.registry}: authentication required (strata login ${this.registry})`);
  }
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

export function headerOf(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A Location the registry gave, relative to the request it answered; only HTTP(S). */
export function resolveLocation(from: URL, location: string, registry: string): URL {
  let url: URL;
  try {
    url = new URL(location, from);
  } catch (err) {
    throw new StrataError(`${registry}: it sent a Location that is not a URL ("${location}")`, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StrataError(`${registry}: it sent a Location that is not HTTP ("${location}")`);
  return url;
}

/** The one-line error for an unexpected reply: its status and the registry's error codes. */
export async function apiError(res: HttpResponse, what: string): Promise<StrataError> {
  let detail = '';
  try {
    const doc = JSON.parse((await readBody(res, 64 * 1024)).toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    if (Array.isArray(doc.errors)) detail = doc.errors.map((e) => [e.code, e.message].filter((x) => typeof x === 'string' && x !== '').join(': ')).filter((s) => s !== '').join('; ');
  } catch (err) {
    if (err instanceof StrataError) detail = oneLine(err);
  }
  return new StrataError(`${res.url.host}: ${what}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`);
}
