// The Containers pane: every container (`ps -a`), the selected one's diff as a tree, its logs,
// commit / remove / start / stop through the library, and exec on the terminal.

import { Box } from 'ink';
import { useEffect, useState } from 'react';
import type { ContainerRow, Containers, Outcome } from '../data/containers.js';
import { buildPathTree } from '../data/file-tree-model.js';
import { FileTree } from '../widgets/file-tree/file-tree.js';
import { useFileTree } from '../widgets/file-tree/use-file-tree.js';
import { fileTreeReducer, initialFileTree, type FileTreeState } from '../widgets/file-tree/use-file-tree-state.js';
import type { Line } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';
import { ListRows } from '../widgets/list/list-rows.js';
import { clampList, listReducer, LIST_START, useListState, type ListState } from '../widgets/list/use-list-state.js';
import { TextInput } from '../widgets/text-input/text-input.js';
import { useTextInput } from '../widgets/text-input/use-text-input.js';
import { useTextInputState } from '../widgets/text-input/use-text-input-state.js';
import { containerLine, containersHeader } from './containers-table.js';
import { useContainersPane, type ContainersMode } from './use-containers-pane.js';

export interface ContainersPaneProps {
  readonly containers: Containers;
  readonly width: number;
  readonly height: number;
  readonly isActive: boolean;
  /** Re-read the list when this changes. */
  readonly generation: number;
  readonly now: number;
  readonly onTerminal: (args: readonly string[]) => void;
  readonly onNotify: (text: string, error?: boolean) => void;
  readonly onStoreChanged: () => void;
  readonly onSwitchPane: () => void;
  readonly onHelp: () => void;
  readonly onQuit: () => void;
}

export function ContainersPane(props: ContainersPaneProps) {
  const { containers, width, height, isActive, generation, now } = props;
  const [rows, setRows] = useState<Outcome<ContainerRow[]> | undefined>(undefined);
  const [reloads, setReloads] = useState(0);
  const [mode, setMode] = useState<ContainersMode>('list');
  const [diff, setDiff] = useState<FileTreeState | undefined>(undefined);
  const [logs, setLogs] = useState<{ lines: string[]; view: ListState }>({ lines: [], view: LIST_START });
  const [commitName, commitDispatch] = useTextInputState();
  const count = rows?.ok ? rows.value.length : 0;
  const listHeight = Math.max(3, Math.min(count + 1, Math.floor((height - 3) / 2)));
  const lowerHeight = height - listHeight - 3;
  const list = useListState(count, listHeight);
  const selected = rows?.ok ? rows.value[list.state.cursor] : undefined;

  useEffect(() => {
    let live = true;
    void containers.list().then((r) => live && setRows(r));
    return () => {
      live = false;
    };
  }, [containers, generation, reloads]);

  const act = (work: Promise<Outcome<unknown>>, done: string) => {
    void work.then((r) => {
      props.onNotify(r.ok ? done : r.error, !r.ok);
      if (r.ok) {
        setReloads((n) => n + 1);
        props.onStoreChanged();
      }
    });
  };

  useContainersPane(mode, {
    move: (m) => list.move(m),
    diff: () => {
      if (!selected) return;
      void containers.diff(selected.id).then((r) => {
        if (!r.ok) return props.onNotify(r.error, true);
        setDiff(initialFileTree(buildPathTree(r.value)));
        setMode('diff');
      });
    },
    exec: () => {
      if (selected?.state === 'running') props.onTerminal(['exec', '-it', selected.id, 'sh']);
      else props.onNotify('exec needs a running container', true);
    },
    commit: () => {
      commitDispatch({ type: 'set', value: '' });
      setMode('commit');
    },
    askRemove: () => setMode('confirmRemove'),
    remove: () => {
      setMode('list');
      if (selected) act(containers.remove(selected.id), `removed ${selected.name}`);
    },
    startStop: () => {
      if (!selected) return;
      if (selected.state === 'running') act(containers.stop(selected.id), `stopped ${selected.name}`);
      else act(containers.start(selected.id), `started ${selected.name}`);
    },
    logs: () => {
      if (!selected) return;
      void containers.logs(selected.id).then((r) => {
        if (!r.ok) return props.onNotify(r.error, true);
        const lines = r.value.split('\n').map(expandTabs);
        setLogs({ lines, view: clampList({ cursor: lines.length - 1, top: 0 }, lines.length, lowerHeight) });
        setMode('logs');
      });
    },
    scrollLogs: (move) => setLogs((l) => ({ ...l, view: listReducer(l.view, { type: 'move', move, count: l.lines.length, height: lowerHeight }) })),
    reload: () => setReloads((n) => n + 1),
    toList: () => setMode('list'),
    switchPane: props.onSwitchPane,
    help: props.onHelp,
    quit: props.onQuit,
  }, { isActive, hasRows: count > 0 });
  useFileTree((action) => setDiff((d) => d && fileTreeReducer(d, action)), { isActive: isActive && mode === 'diff', height: lowerHeight });
  useTextInput(commitName, commitDispatch, {
    isActive: isActive && mode === 'commit',
    onSubmit: (ref) => {
      setMode('list');
      if (selected && ref.trim()) act(containers.commit(selected.id, ref.trim()), `committed ${selected.name} as ${ref.trim()}`);
    },
    onCancel: () => setMode('list'),
  });

  const shown: Line[] = rows?.ok ? rows.value.slice(list.state.top, list.state.top + listHeight).map((r) => containerLine(r, width, now)) : [];
  if (!rows) shown.push([{ text: 'reading containers…', tone: 'muted' }]);
  else if (!rows.ok) shown.push([{ text: `containers: ${rows.error}`, tone: 'error' }]);
  else if (count === 0) shown.push([{ text: 'No containers. Run one with r on an image.', tone: 'muted' }]);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LineText line={containersHeader(width)} width={width} />
      <ListRows rows={shown} selected={count > 0 ? list.state.cursor - list.state.top : -1} focused={mode === 'list'} width={width} height={listHeight} />
      <LineText line={lowerTitle(mode, selected)} width={width} />
      {mode === 'commit' ? <TextInput label="Commit as NAME[:TAG]:" state={commitName} width={width} focused /> : null}
      {mode === 'diff' && diff ? <FileTree state={diff} width={width} height={lowerHeight} focused /> : null}
      {mode === 'logs' ? (
        <ListRows rows={logs.lines.slice(logs.view.top, logs.view.top + lowerHeight).map((text) => [{ text }])} selected={-1} focused={false} width={width} height={lowerHeight} />
      ) : null}
    </Box>
  );
}

/** Tabs to spaces, to the next multiple of 8 as a terminal sets them: drawn in a pane, every
 * other control character of a container's output is shown escaped. */
function expandTabs(line: string): string {
  return line.includes('\t') ? line.split('\t').reduce((out, part, i) => (i === 0 ? part : out + ' '.repeat(8 - ([...out].length % 8)) + part), '') : line;
}

function lowerTitle(mode: ContainersMode, row: ContainerRow | undefined): Line {
  const name = row ? row.name : '';
  switch (mode) {
    case 'diff':
      return [{ text: `Changes of ${name} (A added · M changed · R removed) · Esc back`, tone: 'accent', bold: true }];
    case 'logs':
      return [{ text: `Logs of ${name} · Esc back`, tone: 'accent', bold: true }];
    case 'confirmRemove':
      return [{ text: `Remove ${name}? y to remove, any other key to keep it`, tone: 'warning', bold: true }];
    case 'commit':
      return [{ text: `Commit ${name} · Enter commit · Esc cancel`, tone: 'accent', bold: true }];
    case 'list':
      return [{ text: 'Enter diff · e exec · c commit · d remove · s start/stop · L logs · R reload', tone: 'muted' }];
  }
}
