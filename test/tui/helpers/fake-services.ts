// TuiServices for component tests: fixed images (the demo image and busybox), containers from a
// canned `ps`/`diff`, and a record of what the app asked for.

import type { TuiServices } from '../../../tui/app/services.js';
import type { ImageRow } from '../../../tui/data/image-rows.js';
import type { CliResult, StrataCli } from '../../../tui/data/strata-cli.js';
import { demoModel, DEMO_ID } from './demo-image.js';

export const NOW = Date.parse('2024-01-01T02:00:00Z');

export const ROWS: ImageRow[] = [
  { id: DEMO_ID, ref: 'demo:1', size: 600, layers: 3, created: '2024-01-01T00:00:00Z' },
  { id: `sha256:${'b'.repeat(64)}`, ref: 'busybox:latest', size: 1_980_000, layers: 1, created: '2023-12-31T00:00:00Z' },
];

export const PS = [
  { id: 'k3v9q2x7m1p4w8r6t5y0u2i9o3', name: 'quirky_tesla', image: 'busybox:latest', command: 'sh', state: 'exited', exitCode: 0, created: '2024-01-01T01:00:00Z' },
  { id: 'a1b2c3d4e5f6g7h8i9j0k1l2m3', name: 'web', image: 'demo:1', command: 'httpd -f', state: 'running', created: '2024-01-01T01:30:00Z' },
].map((o) => JSON.stringify(o)).join('\n') + '\n';

export interface Recorded {
  readonly terminal: (readonly string[])[];
  readonly cli: (readonly string[])[];
  readonly removed: string[];
}

export function fakeServices(overrides: Partial<TuiServices> = {}): { services: TuiServices; recorded: Recorded } {
  const recorded: Recorded = { terminal: [], cli: [], removed: [] };
  const answers: Record<string, CliResult> = {
    ps: { status: 0, stdout: PS, stderr: '' },
    diff: { status: 0, stdout: '{"kind":"C","path":"/etc"}\n{"kind":"A","path":"/etc/motd"}\n{"kind":"D","path":"/tmp"}\n', stderr: '' },
    rm: { status: 0, stdout: '', stderr: '' },
  };
  const cli: StrataCli = {
    interactive: () => 0,
    captured: async (args) => {
      recorded.cli.push(args);
      return answers[args[0]!] ?? { status: 1, stdout: '', stderr: `strata: unknown command "${args[0]}"\n` };
    },
  };
  const services: TuiServices = {
    root: '/var/lib/strata',
    driver: 'overlay',
    listImages: () => ROWS.filter((r) => !recorded.removed.includes(r.ref)),
    openImage: (row) => demoModel(row.ref),
    removeImage: async (row) => {
      recorded.removed.push(row.ref);
      return `untagged ${row.ref}`;
    },
    importFile: async () => ['x:1'],
    completePath: () => [],
    cli,
    onTerminal: (args) => {
      recorded.terminal.push(args);
      return 0;
    },
    ...overrides,
  };
  return { services, recorded };
}
