// The figures the Containers pane draws for each running container: the last sample, and the CPU
// shares of the last few, for its history graph. Pure: a new history from the old one and a
// sample; containers not in the sample (stopped, removed) are dropped.

import type { ContainerStats } from './containers.js';

export const HISTORY_LENGTH = 30;

export interface StatsView {
  readonly last: ContainerStats;
  /** CPU percent of one core, oldest first, at most HISTORY_LENGTH. */
  readonly cpu: readonly number[];
}

export type StatsHistory = ReadonlyMap<string, StatsView>;

export function addSample(history: StatsHistory, sample: ReadonlyMap<string, ContainerStats | undefined>): StatsHistory {
  const next = new Map<string, StatsView>();
  for (const [id, stats] of sample) {
    if (stats === undefined) continue;
    const cpu = history.get(id)?.cpu ?? [];
    next.set(id, { last: stats, cpu: stats.cpuPercent === undefined ? cpu : [...cpu, stats.cpuPercent].slice(-HISTORY_LENGTH) });
  }
  return next;
}
