// The Containers pane's live list: read when the pane opens, again whenever the store's containers
// change (the library's watch: a run, start, stop or rm from any process shows within a moment,
// no key needed) and when the app says the store changed. A clock ticks once a second while a
// container runs or is under two minutes old (its age and figures move), else twice a minute:
// each tick samples the running containers' figures into their history. A running container
// whose strata process is gone has stopped without a record change (it was killed): the list is
// read again, and shows it exited.

import { useEffect, useRef, useState } from 'react';
import type { ContainerRow, Containers, Outcome } from '../data/containers.js';
import { addSample, type StatsHistory } from '../data/stats-history.js';

export const FAST_TICK_MS = 1000;
export const SLOW_TICK_MS = 30_000;
const YOUNG_MS = 120_000;

export interface LiveContainers {
  readonly rows: Outcome<ContainerRow[]> | undefined;
  readonly stats: StatsHistory;
  /** The time the rows' ages are counted to. */
  readonly now: number;
  /** Read the list again now. */
  reload(): void;
}

export function useLiveContainers(containers: Containers, generation: number, clock: () => number): LiveContainers {
  const [rows, setRows] = useState<Outcome<ContainerRow[]> | undefined>(undefined);
  const [reloads, setReloads] = useState(0);
  const [stats, setStats] = useState<StatsHistory>(new Map());
  const [now, setNow] = useState(clock);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  useEffect(() => {
    let live = true;
    void containers.list().then((r) => {
      if (!live) return;
      setRows(r);
      setNow(clock());
    });
    return () => {
      live = false;
    };
  }, [containers, generation, reloads]);

  useEffect(() => containers.watch(() => setReloads((n) => n + 1)), [containers]);

  const running = rows?.ok ? rows.value.filter((r) => r.state === 'running').map((r) => r.id) : [];
  const fast = running.length > 0 || (rows?.ok === true && rows.value.some((r) => now - Date.parse(r.created) < YOUNG_MS));
  const key = running.join(' ');
  useEffect(() => {
    let live = true;
    const sample = async () => {
      if (running.length === 0) return;
      const sampled = await containers.stats(running);
      if (!live) return;
      setStats((h) => addSample(h, sampled.stats));
      if (sampled.stopped.length > 0) setReloads((n) => n + 1);
    };
    void sample();
    const timer = setInterval(() => {
      setNow(clock());
      void sample();
    }, fast ? FAST_TICK_MS : SLOW_TICK_MS);
    // The terminal's input keeps the app alive; the clock alone never does.
    timer.unref?.();
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [containers, key, fast]);

  return { rows, stats, now, reload: () => setReloads((n) => n + 1) };
}
