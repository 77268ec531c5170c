// What the lower half of the Containers pane shows for the selected container, one tab at a time:
// its logs (followed: new output is read from where the last read ended, each second while it
// runs), its changes as a tree, its run spec, its processes (read again each second). A tab is
// read when the selection rests on a container (a cursor running down the list reads nothing on
// the way) or the tab changes; a reply for a container no longer selected is dropped.

import { useEffect, useRef, useState } from 'react';
import { buildPathTree } from '../data/file-tree-model.js';
import type { ContainerProcess, ContainerRow, ContainerRunConfig, Containers } from '../data/containers.js';
import { initialFileTree, type FileTreeState } from '../widgets/file-tree/use-file-tree-state.js';

export const TABS = ['logs', 'diff', 'config', 'top'] as const;
export type Tab = (typeof TABS)[number];

/** How long the selection must rest before its tab is read. */
const SETTLE_MS = 120;

export type TabContent =
  | { readonly tab: 'logs'; readonly id: string; readonly lines: readonly string[]; readonly next: number }
  | { readonly tab: 'diff'; readonly id: string; readonly tree: FileTreeState }
  | { readonly tab: 'config'; readonly id: string; readonly config: ContainerRunConfig }
  | { readonly tab: 'top'; readonly id: string; readonly processes: readonly ContainerProcess[] }
  | { readonly tab: Tab; readonly id: string; readonly error: string };

/** At most this many lines of logs are kept (the rest scrolled off the top). */
const LOG_LINES = 5000;

export function useContainerTab(containers: Containers, tab: Tab, selected: ContainerRow | undefined) {
  const [content, setContent] = useState<TabContent | undefined>(undefined);
  const id = selected?.id;
  const running = selected?.state === 'running';
  const contentRef = useRef(content);
  contentRef.current = content;

  // Read the tab afresh when the selection or the tab changes (after the selection rests).
  useEffect(() => {
    if (id === undefined) return setContent(undefined);
    let live = true;
    const timer = setTimeout(() => void read(containers, tab, id, undefined).then((c) => live && setContent(c)), SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [containers, tab, id]);

  // Follow, once a second while the container runs (and once more when it has just stopped: its
  // last words): the logs from where they ended, the processes again. A read that finds nothing
  // new draws nothing.
  useEffect(() => {
    if (id === undefined || (tab !== 'logs' && tab !== 'top')) return;
    let live = true;
    const follow = () => {
      const before = contentRef.current;
      if (before === undefined || before.id !== id || before.tab !== tab) return;
      void read(containers, tab, id, before).then((c) => {
        if (!live || sameContent(c, before)) return;
        setContent((now) => (now === before ? c : now));
      });
    };
    if (!running) {
      follow();
      return () => {
        live = false;
      };
    }
    const timer = setInterval(follow, FOLLOW_MS);
    timer.unref?.();
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [containers, tab, id, running]);

  const shown = content && content.id === id && content.tab === tab ? content : undefined;
  return { content: shown, setContent };
}

const FOLLOW_MS = 1000;

function sameContent(a: TabContent, b: TabContent): boolean {
  if (a === b) return true;
  if ('processes' in a && 'processes' in b) return JSON.stringify(a.processes) === JSON.stringify(b.processes);
  if ('error' in a && 'error' in b) return a.error === b.error;
  return false;
}

async function read(containers: Containers, tab: Tab, id: string, before: TabContent | undefined): Promise<TabContent> {
  switch (tab) {
    case 'logs': {
      const prior = before?.tab === 'logs' && before.id === id && 'lines' in before ? before : undefined;
      const r = await containers.logsSince(id, prior?.next);
      if (!r.ok) return { tab, id, error: r.error };
      if (prior && r.value.text === '') return prior;
      return { tab, id, lines: appendLogs(prior?.lines ?? [], r.value.text), next: r.value.next };
    }
    case 'diff': {
      const r = await containers.diff(id);
      return r.ok ? { tab, id, tree: initialFileTree(buildPathTree(r.value)) } : { tab, id, error: r.error };
    }
    case 'config': {
      const r = await containers.config(id);
      return r.ok ? { tab, id, config: r.value } : { tab, id, error: r.error };
    }
    case 'top': {
      const r = await containers.top(id);
      return r.ok ? { tab, id, processes: r.value } : { tab, id, error: r.error };
    }
  }
}

/** The log's lines with `text` added: its first line continues the last one when that had no
 * newline yet; tabs expanded; the oldest dropped past LOG_LINES. */
export function appendLogs(lines: readonly string[], text: string): string[] {
  const parts = text.split('\n').map(expandTabs);
  const out = lines.length === 0 ? parts : [...lines.slice(0, -1), lines[lines.length - 1]! + parts[0]!, ...parts.slice(1)];
  return out.length > LOG_LINES ? out.slice(-LOG_LINES) : out;
}

/** Tabs to spaces, to the next multiple of 8 as a terminal sets them: drawn in a pane, every
 * other control character of a container's output is shown escaped. */
function expandTabs(line: string): string {
  return line.includes('\t') ? line.split('\t').reduce((out, part, i) => (i === 0 ? part : out + ' '.repeat(8 - ([...out].length % 8)) + part), '') : line;
}
