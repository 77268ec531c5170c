// Two images compared: the tree of what differs from the first (marked with `m`) to the second
// (`c`), with the layers they share named above it — those were not read. The tree's keys are the
// Image view's (moves, folds, `c` has no use here: everything shown is a change); Esc or q back.

import { Box } from 'ink';
import { useMemo } from 'react';
import { terminalText } from '../../src/base/terminal-text.js';
import { buildPathTree } from '../data/file-tree-model.js';
import type { ImageComparison } from '../data/image-compare.js';
import { FileTree } from '../widgets/file-tree/file-tree.js';
import { legendLine } from '../widgets/file-tree/tree-row.js';
import { fileTreeActionOf } from '../widgets/file-tree/use-file-tree.js';
import { useFileTreeState } from '../widgets/file-tree/use-file-tree-state.js';
import { useKeys } from '../widgets/keys/use-keys.js';
import { counted, type Line } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';

export interface CompareScreenProps {
  readonly first: string;
  readonly second: string;
  readonly comparison: ImageComparison;
  readonly width: number;
  readonly height: number;
  readonly isActive: boolean;
  readonly onBack: () => void;
  readonly onHelp: () => void;
}

/** "2 shared layers: 0 ADD file…, 1 RUN …", or that they share none. */
export function sharedLine(comparison: ImageComparison): string {
  const { shared } = comparison;
  if (shared.length === 0) return 'no shared layers';
  return `${counted(shared.length, 'shared layer')}, not read: ${shared.map((l) => `${l.index} ${terminalText(l.createdBy) || '(no history)'}`).join(' · ')}`;
}

export function CompareScreen({ first, second, comparison, width, height, isActive, onBack, onHelp }: CompareScreenProps) {
  const model = useMemo(() => buildPathTree(comparison.changes), [comparison]);
  const [tree, dispatch] = useFileTreeState(model);
  const rows = Math.max(1, height - 3);
  useKeys((input, key) => {
    if (key.escape || input === 'q') return onBack();
    if (input === '?') return onHelp();
    const action = fileTreeActionOf(input, key, rows);
    if (action && action.type !== 'toggleChangedOnly') dispatch(action);
  }, { isActive });
  const position = tree.visible.length === 0 ? 'the same' : `${tree.cursor + 1}/${tree.visible.length}`;
  const head: Line = [{ text: `${terminalText(first)} → ${terminalText(second)} · ${counted(comparison.changes.length, 'difference')}`, tone: 'accent', bold: true }, { text: `  ${position}`, tone: 'muted' }];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LineText line={head} width={width} />
      <LineText line={[{ text: sharedLine(comparison), tone: 'muted' }]} width={width} />
      <FileTree state={tree} width={width} height={rows} focused />
      <LineText line={[...legendLine(), { text: '   Space fold · Esc back', tone: 'muted' }]} width={width} />
    </Box>
  );
}
