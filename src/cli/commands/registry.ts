// Images to and from registries (the OCI distribution API, src/registry/): pull, push, login,
// logout.

import { UsageError } from '../../base/errors.js';
import { nonEmpty, wholeNumber } from '../../base/flag-values.js';
import { humanSize } from '../../base/format.js';
import { defineCommand } from '../define.js';

const TLS_VERIFY = { type: 'boolean', default: true, describe: 'Check the registry\'s HTTPS certificate (--tls-verify=false: do not; localhost and 127.0.0.1 speak plain HTTP)' } as const;

export const pull = defineCommand({
  command: 'pull <image>',
  describe: 'Fetch an image from a registry: REGISTRY/REPO[:TAG|@DIGEST]',
  builder: (y) => y
    .positional('image', { type: 'string', demandOption: true })
    .option('platform', { type: 'string', requiresArg: true, describe: 'OS/ARCH of the image to take from a multi-platform index (default: this machine\'s)' })
    .option('tls-verify', TLS_VERIFY),
  run: async (ctx, argv) => {
    const [{ pullImage }, { platformOf }] = await Promise.all([import('../../registry/pull.js'), import('../../archive/archive-plan.js')]);
    const platform = argv.platform === undefined ? undefined : platformOf(...osAndArch(argv.platform));
    const progress = layerProgress();
    try {
      const pulled = await pullImage(await ctx.store(), argv.image, {
        tlsVerify: argv.tlsVerify,
        ...(platform ? { platform } : {}),
        onWarning: (m) => process.stderr.write(`strata: warning: ${m}\n`),
        ...progress.callbacks,
      });
      progress.done();
      if (ctx.json) ctx.jsonLine(pulled);
      else ctx.out(`${pulled.tag ?? pulled.repoDigest}\nDigest: ${pulled.repoDigest.slice(pulled.repoDigest.indexOf('@') + 1)}\nImage ID: ${pulled.id}\n`);
    } finally {
      progress.done();
    }
  },
});

export const push = defineCommand({
  command: 'push <image> [destination]',
  describe: 'Send an image to a registry: push IMAGE REGISTRY/REPO[:TAG] (or IMAGE named so)',
  builder: (y) => y
    .positional('image', { type: 'string', demandOption: true })
    .positional('destination', { type: 'string', describe: 'REGISTRY/REPO[:TAG] (default: IMAGE itself)' })
    .option('chunk-size', { type: 'string', requiresArg: true, describe: 'Upload blobs in PATCH chunks of this many bytes (default: one request a blob)' })
    .option('tls-verify', TLS_VERIFY),
  run: async (ctx, argv) => {
    const { pushImage } = await import('../../registry/push.js');
    const chunkSize = argv.chunkSize === undefined ? undefined : wholeNumber('--chunk-size', argv.chunkSize, 1, 2 ** 40, 'a number of bytes');
    const progress = layerProgress();
    try {
      const pushed = await pushImage(await ctx.store(), argv.image, argv.destination ?? argv.image, {
        tlsVerify: argv.tlsVerify,
        ...(chunkSize !== undefined ? { chunkSize } : {}),
        ...progress.callbacks,
      });
      progress.done();
      if (ctx.json) ctx.jsonLine(pushed);
      else ctx.out(`${pushed.reference}@${pushed.digest}\n`);
    } finally {
      progress.done();
    }
  },
});

export const login = defineCommand({
  command: 'login <registry>',
  describe: 'Store credentials for a registry (checked against it first)',
  builder: (y) => y
    .positional('registry', { type: 'string', demandOption: true })
    .option('username', { alias: 'u', type: 'string', requiresArg: true, describe: 'User name' })
    .option('password-stdin', { type: 'boolean', describe: 'Read the password from standard input' })
    .option('tls-verify', TLS_VERIFY),
  run: async (ctx, argv) => {
    const { loginTo } = await import('../../registry/login.js');
    if (argv.username === undefined) throw new UsageError('login needs -u USER (and the password on standard input with --password-stdin, or typed)');
    const username = nonEmpty('--username', argv.username, 'a user name');
    const password = argv.passwordStdin ? await readStdin() : await askPassword();
    if (password === '') throw new UsageError('the password is empty');
    const registry = await loginTo(argv.registry, { username, password }, { tlsVerify: argv.tlsVerify });
    ctx.out(`Login Succeeded (${registry})\n`);
  },
});

export const logout = defineCommand({
  command: 'logout <registry>',
  describe: 'Remove the credentials strata stored for a registry',
  builder: (y) => y.positional('registry', { type: 'string', demandOption: true }),
  run: async (ctx, argv) => {
    const { logoutFrom } = await import('../../registry/login.js');
    const { registry, removed } = logoutFrom(argv.registry);
    if (!removed) throw new UsageError(`not logged in to ${registry}`);
    ctx.out(`Removed login credentials for ${registry}\n`);
  },
});

/** --platform OS/ARCH[/VARIANT]: the variant is accepted and not used to choose. */
function osAndArch(text: string): [string, string] {
  const m = /^([a-z0-9]+)\/([a-z0-9_]+)(?:\/[a-z0-9]+)?$/.exec(text);
  if (!m) throw new UsageError(`invalid value "${text}" for --platform: OS/ARCH, such as linux/amd64`);
  return [m[1]!, m[2]!];
}

/** Per-layer progress on stderr when it is a terminal: one line redrawn for the layer in flight,
 * one kept line per layer done. */
function layerProgress() {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) process.stderr.write('\r\x1b[K');
    drawn = false;
  };
  return {
    callbacks: tty ? {
      onLayerBytes: (layer: string, bytes: number, total: number) => {
        const now = Date.now();
        if (now - last < 100) return;
        last = now;
        drawn = true;
        process.stderr.write(`\r\x1b[K${layer}: ${humanSize(bytes)} / ${humanSize(total)}`);
      },
      onLayerDone: (layer: string, moved: boolean) => {
        clear();
        process.stderr.write(`${layer}: ${moved ? 'done' : 'already there'}\n`);
      },
    } : {},
    done: clear,
  };
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8').replace(/\r?\n$/, '');
}

/** The password typed at a terminal, not echoed. */
async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('no terminal to ask the password on: use --password-stdin');
  process.stderr.write('Password: ');
  process.stdin.setRawMode(true);
  let text = '';
  try {
    for await (const chunk of process.stdin) {
      for (const ch of (chunk as Buffer).toString('utf8')) {
        if (ch === '\r' || ch === '\n') return text;
        if (ch === '\u0003') throw new UsageError('interrupted');
        if (ch === '\u007f') text = text.slice(0, -1);
        else text += ch;
      }
    }
    return text;
  } finally {
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stderr.write('\n');
  }
}
