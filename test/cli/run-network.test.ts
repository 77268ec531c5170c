// The embedded busybox on the network: `run --net host busybox wget -T 5 URL` fetches from a server
// on the host's loopback by name (localhost, resolved through the sandbox's /etc/hosts), and -T is
// honoured: a server that never answers ends in a timeout, not a hang or a crash. (Debian's static
// glibc busybox died with SIGSEGV on `wget -T`: layers/README.md.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BINARY, cleanEnv, tempStore } from '../helpers/cli.js';

const s = tempStore();
test.after(() => s.cleanup());

/** dist/strata without blocking this process, whose event loop serves the requests. */
function strata(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(BINARY, ['--root', s.root, ...args], { env: cleanEnv(), timeout: 60_000 }, (err, stdout, stderr) => {
      const status = err ? ((err as { code?: unknown }).code as number | null) ?? null : 0;
      resolve({ status: typeof status === 'number' ? status : null, stdout, stderr });
    });
  });
}

function listen<T extends Server | ReturnType<typeof createTcpServer>>(server: T): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

test('run --net host busybox wget -T 5 fetches http://localhost:PORT/ from the host loopback', async () => {
  const body = `hello ${randomBytes(8).toString('hex')}\n`;
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.end(body);
  });
  const port = await listen(server);
  try {
    const r = await strata(['run', '--rm', '--net', 'host', 'busybox', 'wget', '-T', '5', '-q', '-O', '-', `http://localhost:${port}/`]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, body);
    assert.equal(paths, ['/']);
    // The name came from the sandbox's /etc/hosts.
    const hosts = await strata(['run', '--rm', '--net', 'host', 'busybox', 'cat', '/etc/hosts']);
    assert.match(hosts.stdout, /^127\.0\.0\.1\s+localhost\b/m);
  } finally {
    server.close();
  }
});

test('wget -T gives up on a server that never answers: a timeout, exit 1, no crash', async () => {
  const sockets: Socket[] = [];
  const silent = createTcpServer((socket) => { sockets.push(socket); });
  const port = await listen(silent);
  try {
    const started = Date.now();
    const r = await strata(['run', '--rm', '--net', 'host', 'busybox', 'wget', '-T', '1', '-O', '-', `http://localhost:${port}/`]);
    assert.is(r.status, 1, `${r.status} ${r.stderr}`);
    assert.match(r.stderr, /timed out/);
    assert.ok(Date.now() - started < 30_000, 'it did not wait for the test timeout');
    assert.ok(sockets.length >= 1, 'it connected');
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

test.run();
