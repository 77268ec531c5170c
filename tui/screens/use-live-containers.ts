// The Containers pane's live list: read when the pane opens, again whenever the store's containers
// change (the library's watch: a run, start, stop or rm from any process shows within a moment,
// no key needed) and when the app says the store changed. A clock ticks once a second while a
// container runs or is under two minutes old (its age and figures move), else twice a minute:
// each tick samples the running containers' figures into their history. A tick that changes
// nothing drawn (`drawing` says what is: ages as shown, figures as rounded) costs no frame, so
// an idle pane of idle containers stays idle. A running container whose strata process is gone
// has stopped without a record change (it was killed): the list is read again, and shows it
// exited.

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

/** What the pane draws from the rows' ages and figures, as text: equal texts, equal frames. */
export type Drawing = (rows: readonly ContainerRow[], now: number, stats: StatsHistory) => string;

export function useLiveContainers(containers: Containers, generation: number, clock: () => number, drawing: Drawing): LiveContainers {
  const [rows, setRows] = useState<Outcome<ContainerRow[]> | undefined>(undefined);
  const [reloads, setReloads] = useState(0);
  // One state for both, so a tick costs one render (the time and the figures move together).
  const [{ now, stats }, setLive] = useState<{ now: number; stats: StatsHistory }>(() => ({ now: clock(), stats: new Map() }));
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  // The figures as sampled (every tick), and the text of what was last drawn from them.
  const history = useRef<StatsHistory>(new Map());
  const drawn = useRef('');
  const show = (t: number) => {
    const shownRows = rowsRef.current?.ok ? rowsRef.current.value : [];
    const text = drawing(shownRows, t, history.current);
    if (text === drawn.current) return;
    drawn.current = text;
    setLive({ now: t, stats: history.current });
  };

  useEffect(() => {
    let live = true;
    void containers.list().then((r) => {
      if (!live) return;
      setRows(r);
      drawn.current = '';
      setLive({ now: clock(), stats: history.current });
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
      if (running.length === 0) return show(clock());
      const sampled = await containers.stats(running);
      if (!live) return;
      history.current = addSample(history.current, sampled.stats);
      show(clock());
      if (sampled.stopped.length > 0) setReloads((n) => n + 1);
    };
    void sample();
    const timer = setInterval(() => void sample(), fast ? FAST_TICK_MS : SLOW_TICK_MS);
    // The terminal's input keeps the app alive; the clock alone never does.
    timer.unref?.();
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [containers, key, fast]);

  return { rows, stats, now, reload: () => setReloads((n) => n + 1) };
}
