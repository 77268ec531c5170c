// Builds real OCI image layouts with umoci (and GNU tar for a layer umoci does not write: an
// opaque directory), for the archive tests. Every image has:
//   layer 1: /etc/a, /etc/hl and /etc/hl2 (hardlinks to /etc/a), /etc/d/sub/k, /gone/f, /lnk -> /etc/a, /fifo,
//            /bin/tool (0755, setuid), a char device /dev/c (1:3)
//   layer 2: /gone deleted, /etc/d/sub deleted (whiteouts), /etc/d/new added
//   layer 3: /etc/d made opaque (.wh..wh..opq) with /etc/d/fresh
//   config: Env, Cmd, Entrypoint, WorkingDir, User, Labels; history for each step.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function tempDir(prefix = 'strata-archive-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Creates DIR/NAME (an OCI layout) holding the image tagged `tag`; returns the layout path. */
export function buildUmociLayout(dir: string, name = 'app', tag = 't'): string {
  const layout = join(dir, name);
  const bundle = join(dir, `${name}-bundle`);
  const image = `${layout}:${tag}`;
  run('umoci', ['init', '--layout', layout]);
  run('umoci', ['new', '--image', image]);
  run('umoci', ['unpack', '--image', image, bundle]);
  const root = join(bundle, 'rootfs');
  mkdirSync(join(root, 'etc/d/sub'), { recursive: true });
  mkdirSync(join(root, 'gone'));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'dev'));
  writeFileSync(join(root, 'etc/a'), 'hello\n');
  linkSync(join(root, 'etc/a'), join(root, 'etc/hl'));
  linkSync(join(root, 'etc/a'), join(root, 'etc/hl2'));
  writeFileSync(join(root, 'etc/d/sub/k'), 'k\n');
  writeFileSync(join(root, 'gone/f'), 'x\n');
  writeFileSync(join(root, 'bin/tool'), '#!/bin/sh\necho tool\n');
  chmodSync(join(root, 'bin/tool'), 0o4755);
  symlinkSync('/etc/a', join(root, 'lnk'));
  run('mkfifo', [join(root, 'fifo')]);
  run('mknod', [join(root, 'dev/c'), 'c', '1', '3']);
  run('umoci', ['repack', '--refresh-bundle', '--history.created_by', 'step one', '--image', image, bundle]);

  rmSync(join(root, 'gone'), { recursive: true });
  rmSync(join(root, 'etc/d/sub'), { recursive: true });
  writeFileSync(join(root, 'etc/d/new'), 'new\n');
  run('umoci', ['repack', '--refresh-bundle', '--history.created_by', 'step two', '--image', image, bundle]);

  const opaque = join(dir, `${name}-opaque`);
  mkdirSync(join(opaque, 'etc/d'), { recursive: true });
  writeFileSync(join(opaque, 'etc/d/.wh..wh..opq'), '');
  writeFileSync(join(opaque, 'etc/d/fresh'), 'fresh\n');
  const opaqueTar = join(dir, `${name}-opaque.tar`);
  run('tar', ['--numeric-owner', '--owner=0', '--group=0', '--no-recursion', '-C', opaque, '-cf', opaqueTar, 'etc', 'etc/d', 'etc/d/.wh..wh..opq', 'etc/d/fresh']);
  run('umoci', ['raw', 'add-layer', '--history.created_by', 'step three', '--image', image, opaqueTar]);

  run('umoci', ['config', '--image', image,
    '--config.env', 'PATH=/bin', '--config.env', 'A=1',
    '--config.entrypoint', '/bin/tool', '--config.cmd', 'sh', '--config.cmd', '-c',
    '--config.workingdir', '/etc', '--config.user', '1000:1000',
    '--config.label', 'org.example.k=v',
    '--history.created_by', 'config step']);
  rmSync(bundle, { recursive: true, force: true });
  rmSync(opaque, { recursive: true, force: true });
  rmSync(opaqueTar, { force: true });
  return layout;
}
