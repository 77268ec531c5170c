// The three files every sandbox gets, written into the container's directory and bind-mounted
// over the image's paths (so the image's own copies stay untouched and `diff` never lists them):
// /etc/hostname; /etc/hosts (localhost and the hostname; the host's file with --net host, as
// Docker does); /etc/resolv.conf (the host's with --net host; otherwise loopback only, so the
// host's nameservers are not disclosed to a sandbox that cannot reach them anyway).

import { readFileSync } from 'node:fs';

export type NetMode = 'none' | 'host';

export interface EtcFiles {
  readonly hostname: string;
  readonly hosts: string;
  readonly 'resolv.conf': string;
}

export function etcFiles(hostname: string, net: NetMode, readHost: (path: string) => string | undefined = readHostFile): EtcFiles {
  const hosts = net === 'host' ? readHost('/etc/hosts') : undefined;
  const resolv = net === 'host' ? readHost('/etc/resolv.conf') : undefined;
  return {
    hostname: `${hostname}\n`,
    hosts: hosts ?? [
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'ff00::0\tip6-mcastprefix',
      'ff02::1\tip6-allnodes',
      'ff02::2\tip6-allrouters',
      `127.0.1.1\t${hostname}`,
      '',
    ].join('\n'),
    'resolv.conf': resolv ?? 'nameserver 127.0.0.1\n',
  };
}

function readHostFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
