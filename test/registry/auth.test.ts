// Authentication against real servers: the distribution registry with htpasswd Basic auth
// (`strata login` checks and stores the credentials 0600; logout removes them; Docker's
// config.json is read too), and a Bearer token flow of the tests' own — a proxy that answers
// every request without a token it issued, for the repository and action asked, with a 401
// challenge naming its token server, which wants Basic credentials (anonymous: pull only) and
// answers `token` or `access_token` alternately.

import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempStore, type TempStore } from '../helpers/cli.js';
import { closeServer, startProxy, startRegistry, strataAsync, strataAsyncOk, type Proxy, type Registry } from '../helpers/registry.js';

let basic: Registry;
let plain: Registry;
let store: TempStore;
let env: Record<string, string>;

test.before(async () => {
  basic = await startRegistry({ htpasswd: { user: 'alice', password: 'wonder land' } });
  plain = await startRegistry();
  store = tempStore();
  env = { HOME: join(store.scratch, 'home'), XDG_CONFIG_HOME: join(store.scratch, 'config') };
  mkdirSync(env.HOME!, { recursive: true });
});
test.after(async () => {
  await basic.stop();
  await plain.stop();
  store.cleanup();
});

test('Basic: anonymous is refused in one line naming login; a wrong password is not stored; login, push, pull, logout', async () => {
  const { root } = store;
  const anonymous = await strataAsync(root, ['push', 'busybox', `${basic.host}/a/b:1`], env);
  assert.is(anonymous.status, 1);
  assert.is(anonymous.stderr, `strata: ${basic.host}: authentication required (strata login ${basic.host})\n`);

  const wrong = await strataAsync(root, ['login', '-u', 'alice', '--password-stdin', basic.host], env, 'wrong\n');
  assert.is(wrong.status, 1);
  assert.match(wrong.stderr, 'refused');
  assert.throws(() => statSync(join(env.XDG_CONFIG_HOME!, 'strata', 'auth.json')));

  await strataAsyncOk(root, ['login', '-u', 'alice', '--password-stdin', basic.host], env, 'wonder land\n');
  const file = join(env.XDG_CONFIG_HOME!, 'strata', 'auth.json');
  assert.is(statSync(file).mode & 0o777, 0o600);
  const auth = JSON.parse(readFileSync(file, 'utf8')).auths[basic.host].auth;
  assert.is(Buffer.from(auth, 'base64').toString(), 'alice:wonder land');

  await strataAsyncOk(root, ['push', 'busybox', `${basic.host}/a/b:1`], env);
  const fresh = tempStore();
  try {
    await strataAsyncOk(fresh.root, ['pull', `${basic.host}/a/b:1`], env);
  } finally {
    fresh.cleanup();
  }
  assert.match(await strataAsyncOk(root, ['logout', basic.host], env), `Removed login credentials for ${basic.host}`);
  assert.not.ok(JSON.parse(readFileSync(file, 'utf8')).auths[basic.host]);
  const again = await strataAsync(root, ['logout', basic.host], env);
  assert.is(again.status, 2);
  assert.is((await strataAsync(root, ['pull', `${basic.host}/a/b:1`], env)).status, 1);
});

test('Basic: credentials from $DOCKER_CONFIG/config.json, and from ~/.docker/config.json', async () => {
  const { root, scratch } = store;
  const auth = Buffer.from('alice:wonder land').toString('base64');
  const dockerDir = join(scratch, 'docker-config');
  mkdirSync(dockerDir, { recursive: true });
  writeFileSync(join(dockerDir, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth } } }));
  await strataAsyncOk(root, ['push', 'busybox', `${basic.host}/d/c:1`], { ...env, DOCKER_CONFIG: dockerDir });
  mkdirSync(join(env.HOME!, '.docker'), { recursive: true });
  writeFileSync(join(env.HOME!, '.docker', 'config.json'), JSON.stringify({ auths: { [`https://${basic.host}`]: { auth } } }));
  await strataAsyncOk(root, ['push', 'busybox', `${basic.host}/d/home:1`], env);
  // A wrong one there is refused, naming the user.
  writeFileSync(join(dockerDir, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from('alice:nope').toString('base64') } } }));
  const r = await strataAsync(root, ['push', 'busybox', `${basic.host}/d/c:2`], { ...env, DOCKER_CONFIG: dockerDir });
  assert.is(r.status, 1);
  assert.is(r.stderr, `strata: ${basic.host}: the credentials of alice were refused\n`);
});

interface TokenServer {
  readonly realm: string;
  /** Scopes asked per token request, and whether Basic credentials came with it. */
  readonly asked: { scopes: string[]; basic: string | undefined; service: string | null }[];
  readonly tokens: Map<string, Set<string>>;
  stop(): Promise<void>;
}

async function startTokenServer(user: string, password: string): Promise<TokenServer> {
  const asked: TokenServer['asked'] = [];
  const tokens = new Map<string, Set<string>>();
  let n = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const given = req.headers.authorization;
    asked.push({ scopes: url.searchParams.getAll('scope'), basic: given, service: url.searchParams.get('service') });
    if (given !== undefined && given !== `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end('{"details":"bad credentials"}');
    }
    const token = randomBytes(16).toString('hex');
    // "repository:a/b:pull,push" -> "a/b:pull", "a/b:push"; anonymous: pull only (as Docker Hub).
    tokens.set(token, new Set(url.searchParams.getAll('scope').flatMap((s) => {
      const [, repo, actions] = /^repository:(.+):([a-z,]+)$/.exec(s) ?? [];
      return repo ? actions!.split(',').filter((a) => given !== undefined || a === 'pull').map((a) => `${repo}:${a}`) : [];
    })));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(n++ % 2 === 0 ? { token, expires_in: 300 } : { access_token: token }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { realm: `http://127.0.0.1:${(server.address() as { port: number }).port}/token`, asked, tokens, stop: () => closeServer(server) };
}

/** The proxy asks for a token covering the repository and action of each request. */
function requireTokens(proxy: Proxy, tokens: TokenServer): void {
  proxy.hook = (req, _body, res) => {
    const m = /^\/v2\/(.+?)\/(blobs|manifests|tags)\//.exec(req.url!);
    if (!m) return false;
    const action = req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'push';
    const needed = [`${m[1]}:${action}`];
    const from = new URL(req.url!, 'http://x').searchParams.get('from');
    if (from) needed.push(`${from}:pull`);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const granted = token === undefined ? undefined : tokens.tokens.get(token);
    if (granted && needed.every((s) => granted.has(s))) return false;
    res.writeHead(401, { 'www-authenticate': `Bearer realm="${tokens.realm}",service="strata-test",scope="repository:${m[1]}:${action === 'pull' ? 'pull' : 'pull,push'}"`, 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    return true;
  };
}

test('Bearer: the challenge is answered with a token for the scope; token and access_token both work; bad credentials are one line', async () => {
  const { root } = store;
  const tokens = await startTokenServer('bob', 's3cret');
  const proxy = await startProxy(plain.host);
  requireTokens(proxy, tokens);
  try {
    const anonymous = await strataAsync(root, ['push', 'busybox', `${proxy.host}/t/app:1`], env);
    assert.is(anonymous.status, 1);
    assert.is(anonymous.stderr, `strata: ${proxy.host}: authentication required (strata login ${proxy.host})\n`);

    const dockerDir = join(store.scratch, 'bearer-config');
    mkdirSync(dockerDir, { recursive: true });
    writeFileSync(join(dockerDir, 'config.json'), JSON.stringify({ auths: { [proxy.host]: { auth: Buffer.from('bob:s3cret').toString('base64') } } }));
    const withCreds = { ...env, DOCKER_CONFIG: dockerDir };
    await strataAsyncOk(root, ['push', 'busybox', `${proxy.host}/t/app:1`], withCreds);
    assert.ok(tokens.asked.some((a) => a.scopes.includes('repository:t/app:pull,push') && a.service === 'strata-test'), JSON.stringify(tokens.asked));
    const fresh = tempStore();
    try {
      // Anonymous pulls get a pull-only token, as from Docker Hub.
      const anonymousPull = tempStore();
      try {
        await strataAsyncOk(anonymousPull.root, ['pull', `${proxy.host}/t/app:1`], env);
        assert.ok(tokens.asked.some((a) => a.basic === undefined && a.scopes.includes('repository:t/app:pull')));
      } finally {
        anonymousPull.cleanup();
      }
      await strataAsyncOk(fresh.root, ['pull', `${proxy.host}/t/app:1`], withCreds);
      // Pushing the image to a second repository mounts its layer from the first: the token asked
      // for covers both.
      const out = await strataAsyncOk(fresh.root, ['--json', 'push', `${proxy.host}/t/app:1`, `${proxy.host}/t/other:1`], withCreds);
      assert.equal(JSON.parse(out).blobs, ['mounted', 'mounted']);
    } finally {
      fresh.cleanup();
    }
    writeFileSync(join(dockerDir, 'config.json'), JSON.stringify({ auths: { [proxy.host]: { auth: Buffer.from('bob:wrong').toString('base64') } } }));
    const wrong = await strataAsync(root, ['pull', `${proxy.host}/t/app:1`], withCreds);
    assert.is(wrong.status, 1);
    assert.is(wrong.stderr, `strata: ${proxy.host}: the token server refused the credentials of bob\n`);
    // login goes through the same flow: GET /v2/ is open here, so the check is the token server's.
    await strataAsyncOk(root, ['login', '-u', 'bob', '--password-stdin', proxy.host], env, 's3cret');
  } finally {
    await proxy.stop();
    await tokens.stop();
  }
});

test.run();
