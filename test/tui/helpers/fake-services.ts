// TuiServices for component tests: fixed images (the demo image and busybox), two fixed
// containers with a fixed diff, logs, run spec, processes and figures (the running one's CPU
// rising by 10 points a sample), a store watch the test fires itself, and a record of what the
// app asked for.

import type { TuiServices } from '../../../tui/app/services.js';
import type { ImageRow } from '../../../tui/data/image-rows.js';
import type { BytePath } from '../../../src/base/byte-path.js';
import type { ContainerRow, ContainerRunConfig, Containers, ContainerStats } from '../../../tui/data/containers.js';
import { demoModel, DEMO_ID } from './demo-image.js';
import { BuildJobCancelled, type BuildRequest, type BuildResult } from '../../../tui/data/build-job.js';
import type { BuildEvent } from '../../../tui/data/build-log.js';

export const NOW = Date.parse('2024-01-01T02:00:00Z');

export const ROWS: ImageRow[] = [
  { id: DEMO_ID, ref: 'demo:1', size: 600, layers: 3, created: '2024-01-01T00:00:00Z' },
  { id: `sha256:${'b'.repeat(64)}`, ref: 'busybox:latest', size: 1_980_000, layers: 1, created: '2023-12-31T00:00:00Z' },
];

/** Newest first, as Containers.list gives them. */
export const CONTAINERS: ContainerRow[] = [
  { id: 'a1b2c3d4e5f6g7h8i9j0k1l2m3', name: 'web', image: 'demo:1', command: 'httpd -f', state: 'running', exitCode: undefined, created: '2024-01-01T01:30:00Z' },
  { id: 'k3v9q2x7m1p4w8r6t5y0u2i9o3', name: 'quirky_tesla', image: 'busybox:latest', command: 'sh', state: 'exited', exitCode: 0, created: '2024-01-01T01:00:00Z' },
];

export const WEB_CONFIG: ContainerRunConfig = {
  record: {
    id: CONTAINERS[0]!.id, name: 'web', image: DEMO_ID, imageRef: 'demo:1', command: ['httpd', '-f'], created: '2024-01-01T01:30:00Z',
    driver: 'overlay', state: 'running', exitCode: null, started: '2024-01-01T01:30:01Z',
  },
  spec: {
    process: { argv: ['httpd', '-f', '-h', '/var/www html'], env: ['PATH=/usr/bin:/bin', 'HOSTNAME=a1b2c3d4e5f6'], cwd: '/', createCwd: false, uid: 0, gid: 0, groups: [] },
    net: 'none', hostname: 'a1b2c3d4e5f6', readOnly: false, tty: false, interactive: false, etcTargets: [],
    volumes: [{ source: '/srv/site', target: '/var/www' as BytePath, readOnly: true }],
    limits: { memory: 64 * 1024 * 1024, pids: 100, cpus: 0.5 }, rm: false,
  },
};

/** A build the app started: the test plays its progress and ends it. Aborting its signal ends it
 * as the real one ends, with BuildJobCancelled. */
export interface FakeBuild {
  readonly request: BuildRequest;
  readonly signal: AbortSignal;
  emit(...events: BuildEvent[]): void;
  finish(result: BuildResult): void;
  fail(error: Error): void;
}

export interface Recorded {
  readonly builds: FakeBuild[];
  readonly terminal: (readonly string[])[];
  /** Containers' calls: the method's name and its arguments. */
  readonly containers: (readonly string[])[];
  readonly removed: string[];
  /** Fires the store watch, as a change made by another process would. */
  storeChanged(): void;
  /** What list() answers from now on. */
  setContainers(rows: ContainerRow[]): void;
}

export function fakeServices(overrides: Partial<TuiServices> = {}): { services: TuiServices; recorded: Recorded } {
  let rows = CONTAINERS;
  const watchers = new Set<() => void>();
  const recorded: Recorded = {
    terminal: [], containers: [], removed: [], builds: [],
    storeChanged: () => watchers.forEach((w) => w()),
    setContainers: (r) => void (rows = r),
  };
  const called = (...call: string[]) => void recorded.containers.push(call);
  let samples = 0;
  const containers: Containers = {
    list: async () => (called('list'), { ok: true, value: rows }),
    diff: async (id) => (called('diff', id), { ok: true, value: [
      { path: '/etc' as BytePath, mark: 'M' },
      { path: '/etc/motd' as BytePath, mark: 'A' },
      { path: '/tmp' as BytePath, mark: 'R' },
    ] }),
    remove: async (id) => (called('remove', id), { ok: true, value: undefined }),
    start: async (id) => (called('start', id), { ok: false, error: 'no sandbox here' }),
    stop: async (id) => (called('stop', id), { ok: false, error: 'no sandbox here' }),
    commit: async (id, ref) => (called('commit', id, ref), { ok: true, value: `sha256:${'c'.repeat(64)}` }),
    logs: async (id) => (called('logs', id), { ok: true, value: 'hello\n' }),
    logsSince: async (id, offset) => (called('logsSince', id, String(offset)), { ok: true, value: offset === undefined ? { text: 'hello\n\tworld\n', next: 13 } : { text: '', next: offset } }),
    watch: (onChange) => {
      watchers.add(onChange);
      return () => void watchers.delete(onChange);
    },
    stats: async (ids) => {
      samples++;
      const stats = new Map<string, ContainerStats | undefined>();
      for (const id of ids) stats.set(id, { cpuPercent: samples === 1 ? undefined : (samples - 1) * 10, memoryBytes: 12.5 * 1024 * 1024, memoryLimit: 64 * 1024 * 1024, pids: 3, pidsLimit: 100 });
      return { stats, stopped: [] };
    },
    config: async (id) => (called('config', id), { ok: true, value: WEB_CONFIG }),
    top: async (id) => (called('top', id), { ok: true, value: [
      { pid: 4242, ppid: 4241, uid: 0, state: 'S', cpuSeconds: 3.2, rssBytes: 1536 * 1024, command: 'httpd -f -h /var/www' },
      { pid: 4250, ppid: 4242, uid: 33, state: 'R', cpuSeconds: 62, rssBytes: 800 * 1024, command: 'sh -c \x1b[31mworker' },
    ] }),
    shell: async (id) => (called('shell', id), { ok: true, value: 'bash' }),
  };
  const services: TuiServices = {
    root: '/var/lib/strata',
    driver: 'overlay',
    listImages: () => ROWS.filter((r) => !recorded.removed.includes(r.ref)),
    openImage: (row) => demoModel(row.ref),
    compareImages: (first, second) => (called('compare', first.ref, second.ref), {
      changes: [
        { path: '/etc' as BytePath, mark: 'M' },
        { path: '/etc/passwd' as BytePath, mark: 'M' },
        { path: '/opt' as BytePath, mark: 'A' },
        { path: '/opt/app' as BytePath, mark: 'A' },
        { path: '/var/cache/a' as BytePath, mark: 'R' },
      ],
      shared: [{ index: 0, createdBy: 'ADD file:0123 in /' }],
    }),
    removeImage: async (row) => {
      recorded.removed.push(row.ref);
      return `untagged ${row.ref}`;
    },
    imageShell: (row) => (row.ref === 'demo:1' ? 'bash' : 'sh'),
    importFile: async () => ['x:1'],
    buildImage: (request, onEvent, signal) => new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new BuildJobCancelled()));
      recorded.builds.push({ request, signal, emit: (...events) => events.forEach(onEvent), finish: resolve, fail: reject });
    }),
    completePath: () => [],
    containers,
    onTerminal: (args) => {
      recorded.terminal.push(args);
      return 0;
    },
    ...overrides,
  };
  return { services, recorded };
}
