// The live Containers pane's pure parts: short ages, the CPU history graph, the figures' history,
// logs appended as they are followed, and what counts as a change worth a frame.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addSample } from '../../tui/data/stats-history.js';
import { liveDrawing, shortAge, bytesText } from '../../tui/screens/containers-table.js';
import { appendLogs } from '../../tui/screens/use-container-tab.js';
import { sparkline } from '../../tui/widgets/line/sparkline.js';
import { CONTAINERS, NOW } from './helpers/fake-services.js';

const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

test('shortAge: the largest whole unit, never "less than a second" for a 7-second-old container; 4 columns at most', () => {
  assert.equal([0.4, 7, 59, 60, 3599, 3600, 47 * 3600, 2 * 86400, 13 * 86400, 14 * 86400, 59 * 86400, 60 * 86400, 729 * 86400, 3 * 365 * 86400].map((s) => shortAge(ago(s), NOW)),
    ['0s', '7s', '59s', '1m', '59m', '1h', '47h', '2d', '13d', '2w', '8w', '2mo', '24mo', '3y']);
  assert.is(shortAge('2024-01-01T02:00:05Z', NOW), '0s', 'a clock behind the record: no negative age');
  assert.is(shortAge('garbage', NOW), '?');
  assert.is(shortAge(ago(5000 * 365 * 86400), NOW), '999y');
});

test('sparkline: newest on the right, scaled to the largest figure (or the floor), padded on the left', () => {
  assert.is(sparkline([], 4), '    ');
  assert.is(sparkline([0, 50, 100], 4), ' ▁▅█');
  assert.is(sparkline([0.1, 0.2, 0.1], 3), '▂▂▂', 'below the 1 % floor: flat, not noise');
  assert.is(sparkline([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4), '▆▇▇█', 'only the last `width` figures');
});

test('addSample: each running container keeps its last figures and its CPU history; a stopped one is dropped', () => {
  const fig = (cpu: number | undefined) => ({ cpuPercent: cpu, memoryBytes: 1, memoryLimit: undefined, pids: 1, pidsLimit: undefined });
  let h = addSample(new Map(), new Map([['a', fig(undefined)], ['b', fig(5)]]));
  assert.equal(h.get('a')!.cpu, []);
  h = addSample(h, new Map([['a', fig(10)], ['b', undefined]]));
  assert.equal(h.get('a')!.cpu, [10]);
  assert.not.ok(h.has('b'));
  for (let i = 0; i < 40; i++) h = addSample(h, new Map([['a', fig(i)]]));
  assert.is(h.get('a')!.cpu.length, 30);
  assert.is(h.get('a')!.cpu[29], 39);
});

test('appendLogs: a line cut by a read continues at the next; tabs expanded', () => {
  let lines = appendLogs([], 'one\ntw');
  assert.equal(lines, ['one', 'tw']);
  lines = appendLogs(lines, 'o\n\tthree\n');
  assert.equal(lines, ['one', 'two', '        three', '']);
});

test('liveDrawing: the ages as shown and the figures as rounded; a tick that changes neither changes nothing', () => {
  const stats = addSample(new Map(), new Map([[CONTAINERS[0]!.id, { cpuPercent: 0.01, memoryBytes: 1000, memoryLimit: undefined, pids: 2, pidsLimit: 4096 }]]));
  const same = addSample(stats, new Map([[CONTAINERS[0]!.id, { cpuPercent: 0.02, memoryBytes: 1000, memoryLimit: undefined, pids: 2, pidsLimit: 4096 }]]));
  assert.is(liveDrawing(CONTAINERS, NOW, stats).split('\n')[1], liveDrawing(CONTAINERS, NOW + 1000, same).split('\n')[1]);
  assert.is.not(liveDrawing(CONTAINERS, NOW, stats), liveDrawing(CONTAINERS, NOW + 60_000, stats), 'an age moved');
  const more = addSample(stats, new Map([[CONTAINERS[0]!.id, { cpuPercent: 0.01, memoryBytes: 1000, memoryLimit: undefined, pids: 3, pidsLimit: 4096 }]]));
  assert.is.not(liveDrawing(CONTAINERS, NOW, stats), liveDrawing(CONTAINERS, NOW, more), 'a process more');
  assert.equal([0, 1023, 1024, 1536, 12.5 * 1024 * 1024, 150 * 1024 * 1024].map(bytesText), ['0B', '1023B', '1KiB', '1.5KiB', '12.5MiB', '150MiB']);
});

test.run();
