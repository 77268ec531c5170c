// An image whose every string tries to drive the terminal it is shown on, as a docker-archive for
// `strata load`: names and a link target holding OSC (set the window title to PWNED) and CSI
// (clear the screen, turn it red) sequences, the same in its config (Cmd, Env, a label, the
// history's created_by and comment), and two names that only the escape form tells apart — the
// raw byte 0xE9 and the four characters "\xe9". Its Cmd, run by busybox (the host's static one,
// copied in), makes a file with such a name, so a container of it shows one in `diff` and `ps`.

import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { makeTar } from '../import/tar-fixtures.js';

export const TITLE = '\x1b]2;PWNED\x07';
export const CLEAR_RED = '\x1b[2J\x1b[31m';

/** Layer entry names, without the leading "/" (tar names), as byte strings. */
export const HOSTILE_NAMES = {
  title: `etc/${TITLE}evil`,
  red: `etc/${CLEAR_RED}red`,
  link: 'etc/link',
  rawE9: 'etc/caf\xe9',
  fourChars: 'etc/caf\\xe9',
  backslash: 'etc/back\\slash',
  /** CSI as one C1 character, U+009B, in UTF-8 (C2 9B): a control to terminals that read 8-bit ones. */
  c1: 'etc/\xc2\x9b2Jc1',
} as const;

/** What the container's command makes. */
export const MADE = `/tmp/${TITLE}made`;

export const HOSTILE_CONFIG = {
  architecture: 'amd64',
  os: 'linux',
  created: '2024-01-01T00:00:00Z',
  config: {
    Cmd: ['touch', MADE],
    Env: [`PATH=/bin`, `EVIL=${CLEAR_RED}x`],
    Labels: { evil: `${TITLE}label`, c1: '\u009b2Jc1' },
  },
  history: [
    { created: '2024-01-01T00:00:00Z', created_by: `/bin/sh -c ${TITLE}${CLEAR_RED}echo red`, comment: `${TITLE}comment` },
    { created: '2024-01-01T00:00:00Z', created_by: `/bin/sh -c ${CLEAR_RED}again` },
  ],
};

/** Writes the archive (tagged `ref`) to `path`. Two layers: the second writes the title name
 * again, so `efficiency` lists it as wasted. */
export function writeHostileArchive(path: string, ref = 'hostile:1'): void {
  const base = makeTar([
    { name: 'bin/', type: 'dir' },
    { name: 'bin/busybox', mode: 0o755, content: readFileSync('/bin/busybox') },
    { name: 'bin/touch', type: 'symlink', linkName: 'busybox' },
    { name: 'etc/', type: 'dir' },
    { name: 'tmp/', type: 'dir', mode: 0o1777 },
    { name: HOSTILE_NAMES.title, content: 'title\n' },
    { name: HOSTILE_NAMES.red, content: 'red\n' },
    { name: HOSTILE_NAMES.link, type: 'symlink', linkName: `${TITLE}target` },
    { name: HOSTILE_NAMES.rawE9, content: 'raw byte E9\n' },
    { name: HOSTILE_NAMES.fourChars, content: 'four characters\n' },
    { name: HOSTILE_NAMES.backslash, content: 'a backslash\n' },
    { name: HOSTILE_NAMES.c1, content: 'c1\n' },
  ]);
  const top = makeTar([{ name: 'etc/', type: 'dir' }, { name: HOSTILE_NAMES.title, content: 'title again\n' }]);
  const diffIds = [base, top].map((layer) => `sha256:${createHash('sha256').update(layer).digest('hex')}`);
  const config = Buffer.from(JSON.stringify({ ...HOSTILE_CONFIG, rootfs: { type: 'layers', diff_ids: diffIds } }));
  const manifest = Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: [ref], Layers: ['base.tar', 'top.tar'] }]));
  writeFileSync(path, makeTar([
    { name: 'manifest.json', content: manifest },
    { name: 'config.json', content: config },
    { name: 'base.tar', content: base },
    { name: 'top.tar', content: top },
  ]));
}
