// A Debian bookworm minbase rootfs tarball from mmdebstrap, made once per machine and kept
// (≈ 1 min): the real base image of the end-to-end tests that need one.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export function debianTar(): string {
  const cache = '/var/tmp/strata-test-cache';
  const tar = join(cache, 'debian-bookworm-minbase.tar');
  if (!existsSync(tar)) {
    mkdirSync(cache, { recursive: true });
    const tmp = join(cache, `building-${process.pid}.tar`);
    execFileSync('mmdebstrap', ['--quiet', '--variant=minbase', 'bookworm', tmp], { stdio: 'ignore', timeout: 600_000 });
    renameSync(tmp, tar);
  }
  return tar;
}
