// The Containers pane, live: every container (`ps -a`) as the store has it now, with a running
// one's CPU (and its recent history) and memory; below, the selected container's tab — logs
// (followed), diff (a tree), config (its run spec), top (its processes and figures); commit,
// remove, start / stop through the library, and a shell on the terminal.

import { Box } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { Containers } from '../data/containers.js';
import { FileTree } from '../widgets/file-tree/file-tree.js';
import { useFileTree } from '../widgets/file-tree/use-file-tree.js';
import { fileTreeReducer } from '../widgets/file-tree/use-file-tree-state.js';
import type { Line } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';
import { ListRows } from '../widgets/list/list-rows.js';
import { useListState, type ListMove } from '../widgets/list/use-list-state.js';
import { TextInput } from '../widgets/text-input/text-input.js';
import { useTextInput } from '../widgets/text-input/use-text-input.js';
import { useTextInputState } from '../widgets/text-input/use-text-input-state.js';
import { configLines, topHeader, topLines } from './container-details.js';
import { containerLine, containersHeader, liveDrawing } from './containers-table.js';
import { useContainersPane, type ContainersFocus } from './use-containers-pane.js';
import { TABS, useContainerTab, type Tab, type TabContent } from './use-container-tab.js';
import { useLiveContainers } from './use-live-containers.js';

export interface ContainersPaneProps {
  readonly containers: Containers;
  readonly width: number;
  readonly height: number;
  readonly isActive: boolean;
  /** Re-read the list when this changes. */
  readonly generation: number;
  /** The clock ages are counted by; tests pin it. */
  readonly clock: () => number;
  readonly onTerminal: (args: readonly string[]) => void;
  readonly onNotify: (text: string, error?: boolean) => void;
  readonly onStoreChanged: () => void;
  readonly onSwitchPane: () => void;
  readonly onHelp: () => void;
  readonly onQuit: () => void;
}

export function ContainersPane(props: ContainersPaneProps) {
  const { containers, width, height, isActive, generation } = props;
  const live = useLiveContainers(containers, generation, props.clock, liveDrawing);
  const rows = live.rows;
  const [focus, setFocus] = useState<ContainersFocus>('list');
  const [tab, setTab] = useState<Tab>('logs');
  const [scroll, setScroll] = useState(0);
  const [commitName, commitDispatch] = useTextInputState();
  const count = rows?.ok ? rows.value.length : 0;
  const listHeight = Math.max(3, Math.min(count + 1, Math.floor((height - 3) / 2)));
  const lowerHeight = height - listHeight - 3;
  const list = useListState(count, listHeight);
  const selected = rows?.ok ? rows.value[list.state.cursor] : undefined;
  const { content, setContent } = useContainerTab(containers, tab, selected);

  // The list changes under the cursor (a container started elsewhere goes on top): the cursor
  // stays on the container it was on (the one selected when the last frame was drawn).
  const selectedId = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!rows?.ok) return;
    const at = rows.value.findIndex((r) => r.id === selectedId.current);
    if (at >= 0 && at !== list.state.cursor) list.select(at);
  }, [rows]);
  useEffect(() => {
    selectedId.current = selected?.id;
  });
  useEffect(() => setScroll(0), [tab, selected?.id]);

  const act = (work: Promise<{ ok: boolean; error?: string }>, done: string) => {
    void work.then((r) => {
      props.onNotify(r.ok ? done : r.error!, !r.ok);
      if (r.ok) {
        live.reload();
        props.onStoreChanged();
      }
    });
  };
  const tabLines = linesOf(content);
  const scrollBy = (move: ListMove) => setScroll((s) => scrolled(s, move, Math.max(0, tabLines.length - lowerHeight), lowerHeight, tab === 'logs'));

  useContainersPane(focus, {
    move: (m) => list.move(m),
    enterTab: () => setFocus('tab'),
    logs: () => {
      setTab('logs');
      setFocus('tab');
    },
    nextTab: (step) => setTab((t) => TABS[(TABS.indexOf(t) + step + TABS.length) % TABS.length]!),
    exec: () => {
      if (selected?.state !== 'running') return selected && props.onNotify(`${selected.name} is not running`, true);
      const id = selected.id;
      void containers.shell(id).then((r) => props.onTerminal(['exec', '-it', id, r.ok ? r.value : 'sh']));
    },
    commit: () => {
      commitDispatch({ type: 'set', value: '' });
      setFocus('commit');
    },
    askRemove: () => setFocus('confirmRemove'),
    remove: () => {
      setFocus('list');
      if (selected) act(containers.remove(selected.id), `removed ${selected.name}`);
    },
    startStop: () => {
      if (!selected) return;
      if (selected.state === 'running') act(containers.stop(selected.id), `stopped ${selected.name}`);
      else act(containers.start(selected.id), `started ${selected.name}`);
    },
    scrollTab: scrollBy,
    reload: live.reload,
    toList: () => setFocus('list'),
    switchPane: props.onSwitchPane,
    help: props.onHelp,
    quit: props.onQuit,
  }, { isActive, hasRows: count > 0, treeTab: tab === 'diff' });
  useFileTree((action) => setContent((c) => (c && 'tree' in c ? { ...c, tree: fileTreeReducer(c.tree, action) } : c)), { isActive: isActive && focus === 'tab' && tab === 'diff', height: lowerHeight });
  useTextInput(commitName, commitDispatch, {
    isActive: isActive && focus === 'commit',
    onSubmit: (ref) => {
      setFocus('list');
      if (selected && ref.trim()) act(containers.commit(selected.id, ref.trim()), `committed ${selected.name} as ${ref.trim()}`);
    },
    onCancel: () => setFocus('list'),
  });

  const shown: Line[] = rows?.ok ? rows.value.slice(list.state.top, list.state.top + listHeight).map((r) => containerLine(r, width, live.now, live.stats.get(r.id))) : [];
  if (!rows) shown.push([{ text: 'reading containers…', tone: 'muted' }]);
  else if (!rows.ok) shown.push([{ text: `containers: ${rows.error}`, tone: 'error' }]);
  else if (count === 0) shown.push([{ text: 'No containers. Run one with r on an image.', tone: 'muted' }]);
  const lower = focus === 'commit'
    ? <TextInput label="Commit as NAME[:TAG]:" state={commitName} width={width} focused />
    : tab === 'diff' && content && 'tree' in content
      ? <FileTree state={content.tree} width={width} height={lowerHeight} focused={focus === 'tab'} />
      : <ListRows rows={windowOf(tabLines, tab, scroll, lowerHeight, selected?.state === 'running' ? live.stats.get(selected.id) : undefined)} selected={-1} focused={false} width={width} height={lowerHeight} />;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LineText line={containersHeader(width)} width={width} />
      <ListRows rows={shown} selected={count > 0 ? list.state.cursor - list.state.top : -1} focused={focus === 'list'} width={width} height={listHeight} />
      <LineText line={tabBar(focus, tab, selected?.name)} width={width} />
      <Box height={lowerHeight} flexDirection="column">{selected || focus === 'commit' ? lower : null}</Box>
      <LineText line={hints(focus, tab)} width={width} />
    </Box>
  );
}

/** The tab's rows (the diff tree draws its own). */
function linesOf(content: TabContent | undefined): Line[] {
  if (!content) return [[{ text: 'reading…', tone: 'muted' }]];
  if ('error' in content) return [[{ text: content.error, tone: 'error' }]];
  switch (content.tab) {
    case 'logs': {
      const lines = content.lines[content.lines.length - 1] === '' ? content.lines.slice(0, -1) : content.lines;
      return lines.length === 0 ? [[{ text: 'no output yet', tone: 'muted' }]] : lines.map((text) => [{ text }]);
    }
    case 'config':
      return configLines(content.config);
    case 'top':
      return topLines(content.processes);
    case 'diff':
      return [];
  }
}

/** The rows on screen: logs count `scroll` up from their end (0 follows new output), the others
 * down from their start; top's figures stay on its first row. */
function windowOf(lines: readonly Line[], tab: Tab, scroll: number, height: number, stats: Parameters<typeof topHeader>[0]): Line[] {
  if (tab === 'logs') {
    const end = Math.max(0, lines.length - scroll);
    return lines.slice(Math.max(0, end - height), end);
  }
  if (tab === 'top' && lines.length > 1) return [topHeader(stats), ...lines.slice(scroll, scroll + height - 1)];
  return lines.slice(scroll, scroll + height);
}

/** The scroll after `move`: logs count from their end (up shows older lines), the other tabs
 * from their start. */
function scrolled(scroll: number, move: ListMove, max: number, height: number, fromEnd: boolean): number {
  const page = Math.max(1, height - 1);
  const older = { up: 1, down: -1, pageUp: page, pageDown: -page, home: max, end: -max }[move];
  return Math.max(0, Math.min(max, scroll + (fromEnd ? older : -older)));
}

function tabBar(focus: ContainersFocus, tab: Tab, name: string | undefined): Line {
  if (focus === 'confirmRemove') return [{ text: `Remove ${name}? y to remove, any other key to keep it`, tone: 'warning', bold: true }];
  if (focus === 'commit') return [{ text: `Commit ${name} · Enter commit · Esc cancel`, tone: 'accent', bold: true }];
  const tabs: Line = TABS.flatMap((t, i) => [
    ...(i > 0 ? [{ text: ' ' }] : []),
    t === tab ? { text: `[${title(t)}]`, tone: 'accent' as const, bold: true } : { text: ` ${title(t)} `, tone: 'muted' as const },
  ]);
  return [...tabs, { text: name === undefined ? '' : `  ${name}`, bold: true }];
}

const title = (t: Tab) => t[0]!.toUpperCase() + t.slice(1);

function hints(focus: ContainersFocus, tab: Tab): Line {
  if (focus === 'tab') return [{ text: `${tab === 'diff' ? 'A added · M changed · R removed · Space fold' : '↑↓ PgUp PgDn scroll'} · [ ] tab · Esc back to the list`, tone: 'muted' }];
  return [{ text: 'Enter the tab · [ ] tabs · e shell · c commit · d remove · s start/stop', tone: 'muted' }];
}
