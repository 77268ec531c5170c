// Render-only panels of the Image view: the layer list, the selected entry's details, the
// efficiency summary, and the file tree with its title, filter line and legend.

import { Box } from 'ink';
import { displayPath } from '../../src/base/byte-path.js';
import { terminalText } from '../../src/base/terminal-text.js';
import { humanSize } from '../../src/base/format.js';
import type { EfficiencyReport } from '../../src/resolver/efficiency.js';
import type { ChangeScope } from '../data/changes.js';
import type { LayerRow } from '../data/image-model.js';
import { FileTree } from '../widgets/file-tree/file-tree.js';
import { legendLine } from '../widgets/file-tree/tree-row.js';
import type { FileTreeState } from '../widgets/file-tree/use-file-tree-state.js';
import { counted, fit, fitRight, type Line } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';
import { ListRows } from '../widgets/list/list-rows.js';
import type { ListState } from '../widgets/list/use-list-state.js';
import { TextInput } from '../widgets/text-input/text-input.js';
import type { TextInputState } from '../widgets/text-input/use-text-input-state.js';

function title(text: string, focused: boolean, width: number) {
  return <LineText line={[{ text, tone: focused ? 'accent' : 'muted', bold: true }]} width={width} />;
}

export function layerLine(layer: LayerRow): Line {
  const what = terminalText(layer.createdBy) || '(no history)';
  return [
    { text: `${fitRight(String(layer.index), 3)} ${fitRight(humanSize(layer.size), 7)}  ` },
    ...(layer.empty ? [{ text: '∅ empty ', tone: 'muted' as const }] : []),
    { text: what, tone: layer.createdBy ? undefined : 'muted' },
  ];
}

export function LayersPanel(props: { readonly layers: readonly LayerRow[]; readonly list: ListState; readonly rows: number; readonly width: number; readonly focused: boolean }) {
  const { layers, list, rows, width, focused } = props;
  const shown = layers.slice(list.top, list.top + rows).map(layerLine);
  return (
    <Box flexDirection="column" width={width}>
      {title(`Layers (${layers.length})  #   size  created by`, focused, width)}
      <ListRows rows={shown} selected={list.cursor - list.top} focused={focused} width={width} height={rows} />
    </Box>
  );
}

export function DetailsPanel({ lines, rows, width }: { readonly lines: readonly string[]; readonly rows: number; readonly width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {title('Details', false, width)}
      <ListRows rows={lines.slice(0, rows).map((text) => [{ text }])} selected={-1} focused={false} width={width} height={rows} />
    </Box>
  );
}

export function EfficiencyPanel({ report, rows, width }: { readonly report: EfficiencyReport | undefined; readonly rows: number; readonly width: number }) {
  if (!report) {
    return (
      <Box flexDirection="column" width={width}>
        {title('Efficiency', false, width)}
        <ListRows rows={[[{ text: 'computing…', tone: 'muted' }]]} selected={-1} focused={false} width={width} height={rows + 2} />
      </Box>
    );
  }
  const wasted: Line[] = report.wastedPaths.slice(0, rows).map((w) => [
    { text: `${fitRight(String(w.copies), 3)}× ${fitRight(humanSize(w.totalBytes), 7)}  `, tone: 'muted' },
    { text: displayPath(w.path) },
  ]);
  if (wasted.length === 0) wasted.push([{ text: 'nothing stored twice', tone: 'muted' }]);
  return (
    <Box flexDirection="column" width={width}>
      {title('Efficiency', false, width)}
      <LineText line={[{ text: `score ${(report.score * 100).toFixed(2)} %`, tone: report.score < 0.9 ? 'warning' : 'added' }]} width={width} />
      <LineText line={[{ text: `wasted ${humanSize(report.wastedBytes)} (${counted(report.wastedPaths.length, 'path')})` }]} width={width} />
      <ListRows rows={wasted} selected={-1} focused={false} width={width} height={rows} />
    </Box>
  );
}

export interface TreePanelProps {
  readonly tree: FileTreeState;
  readonly layer: number;
  readonly layerCount: number;
  readonly scope: ChangeScope;
  readonly sort: TreeSort;
  /** The filter input (or the extraction's path), while it is open. */
  readonly input: TextInputState | undefined;
  readonly inputLabel?: string;
  readonly rows: number;
  readonly width: number;
  readonly focused: boolean;
}

export type TreeSort = 'name' | 'size';

/** "Layer 2 of 3": numbered as `history --json` numbers layers (0 = the base), out of how many. */
export function layerOf(layer: number, count: number): string {
  return `Layer ${layer} of ${count}`;
}

export function TreePanel({ tree, layer, layerCount, scope, sort, input, inputLabel = '/', rows, width, focused }: TreePanelProps) {
  const scopeText = scope === 'layer' ? "this layer's changes" : 'all changes up to it';
  const flags = [scopeText, ...(sort === 'size' ? ['by size'] : []), ...(tree.changedOnly ? ['changed only'] : []), ...(tree.filter && !(input && inputLabel === '/') ? [`filter "${tree.filter}"`] : [])];
  const position = tree.visible.length === 0 ? 'no entries' : `${tree.cursor + 1}/${tree.visible.length}`;
  const head = `${layerOf(layer, layerCount)} · ${flags.join(' · ')}`;
  return (
    <Box flexDirection="column" width={width}>
      <LineText line={[{ text: fit(head, Math.max(0, width - position.length - 2)), tone: focused ? 'accent' : 'muted', bold: true }, { text: `  ${position}`, tone: 'muted' }]} width={width} />
      {input ? <TextInput label={inputLabel} state={input} width={width} focused /> : null}
      <FileTree state={tree} width={width} height={rows} focused={focused && !input} />
      <LineText line={[...legendLine(), { text: '   Space fold · a scope · c changed · s sort · f full width · / filter · Enter view · d diff · x extract', tone: 'muted' }]} width={width} />
    </Box>
  );
}

/** The layers and details in one line, when the tree takes the full width. */
export function SummaryLine({ layer, count, details, width }: { readonly layer: LayerRow; readonly count: number; readonly details: readonly string[]; readonly width: number }) {
  const line: Line = [
    { text: `${layerOf(layer.index, count)} · ${humanSize(layer.size)} · `, bold: true },
    { text: terminalText(layer.createdBy) || '(no history)', tone: 'muted' },
    { text: '  │  ' },
    { text: details.slice(0, 2).join('  ') },
  ];
  return <LineText line={line} width={width} />;
}
