// A real registry for the registry tests: the CNCF distribution registry (Debian's
// docker-registry), started on a loopback address and a free port with a config of the test's own
// (optionally htpasswd Basic auth, optionally HTTPS with a fresh self-signed certificate); and a
// proxy of the tests' own in front of it, which counts requests and lets a test answer some of
// them itself (Bearer challenges, faults). Everything here is asynchronous: strata and skopeo are
// run as child processes (strataAsync), so the proxy in this process keeps answering.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, requireBinary } from './cli.js';

export interface Registry {
  /** "ADDRESS:PORT" */
  readonly host: string;
  readonly dir: string;
  /** The self-signed certificate (PEM file) of an HTTPS registry. */
  readonly certFile?: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  readonly address?: string;
  readonly htpasswd?: { readonly user: string; readonly password: string };
  readonly tls?: boolean;
}

export async function freePort(address: string): Promise<number> {
  const server = createNetServer();
  server.listen(0, address);
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const address = options.address ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'strata-registry-'));
  const port = await freePort(address);
  const lines = [
    'version: 0.1',
    'log:', '  level: error',
    'storage:', `  filesystem:`, `    rootdirectory: ${join(dir, 'data')}`, '  delete:', '    enabled: true',
    'http:', `  addr: ${address}:${port}`,
  ];
  let certFile: string | undefined;
  if (options.tls) {
    certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2',
      '-subj', `/CN=${address}`, '-addext', `subjectAltName=IP:${address}`], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('openssl could not make a certificate');
    lines.push('  tls:', `    certificate: ${certFile}`, `    key: ${keyFile}`);
  }
  if (options.htpasswd) {
    const file = join(dir, 'htpasswd');
    const r = spawnSync('htpasswd', ['-Bbn', options.htpasswd.user, options.htpasswd.password]);
    if (r.status !== 0) throw new Error('htpasswd failed');
    writeFileSync(file, r.stdout);
    lines.push('auth:', '  htpasswd:', '    realm: strata-test', `    path: ${file}`);
  }
  const config = join(dir, 'config.yml');
  writeFileSync(config, lines.join('\n') + '\n');
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const host = `${address}:${port}`;
  await waitUntilUp(host, options.tls === true, child, () => stderr);
  return {
    host,
    dir,
    ...(certFile ? { certFile } : {}),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilUp(host: string, tls: boolean, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = (tls ? httpsRequest : request)(`${tls ? 'https' : 'http'}://${host}/v2/`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${host}: ${stderr()}`);
}

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly bodyBytes: number;
}

/** Answers a request itself (returns true) or lets the proxy forward it (false). */
export type Hook = (req: IncomingMessage, body: Buffer, res: ServerResponse) => boolean | Promise<boolean>;
/** Edits a forwarded request's reply before it goes back: status, headers, body. */
export type ReplyEdit = (req: IncomingMessage, reply: { status: number; headers: Record<string, string | string[]>; body: Buffer }) => void;

export interface Proxy {
  readonly host: string;
  readonly requests: SeenRequest[];
  hook: Hook | undefined;
  edit: ReplyEdit | undefined;
  stop(): Promise<void>;
}

/** An HTTP proxy of the test's own on 127.0.0.1 in front of a plain-HTTP registry. The Host
 * header is passed on, so the registry's Locations name the proxy. */
export async function startProxy(target: string, address = '127.0.0.1'): Promise<Proxy> {
  const proxy: Proxy = { host: '', requests: [], hook: undefined, edit: undefined, stop: async () => {} };
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    const body = Buffer.concat(parts);
    proxy.requests.push({ method: req.method!, url: req.url!, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), bodyBytes: body.length });
    try {
      if (proxy.hook && (await proxy.hook(req, body, res))) return;
      const reply = await forward(target, req, body);
      proxy.edit?.(req, reply);
      reply.headers['content-length'] = String(reply.body.length);
      delete reply.headers['transfer-encoding'];
      res.writeHead(reply.status, reply.headers);
      res.end(req.method === 'HEAD' ? undefined : reply.body);
    } catch (err) {
      res.writeHead(502);
      res.end(String(err));
    }
  });
  server.listen(0, address);
  await once(server, 'listening');
  (proxy as { host: string }).host = `${address}:${(server.address() as { port: number }).port}`;
  proxy.stop = () => closeServer(server);
  return proxy;
}

export function forward(target: string, req: IncomingMessage, body: Buffer, path = req.url!): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    delete headers.authorization;
    const out = request(`http://${target}${path}`, { method: req.method!, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers as Record<string, string | string[]>, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}

export interface AsyncResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command run without blocking this process (the proxy lives here). */
export function runAsync(file: string, args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv(), input?: string): Promise<AsyncResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** dist/strata --root ROOT ARGS… without blocking. */
export function strataAsync(root: string, args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, input?: string): Promise<AsyncResult> {
  return runAsync(requireBinary(), ['--root', root, ...args], cleanEnv(env), input);
}

/** strataAsync for a command that must succeed. */
export async function strataAsyncOk(root: string, args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, input?: string): Promise<string> {
  const r = await strataAsync(root, args, env, input);
  if (r.status !== 0) throw new Error(`strata ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}
