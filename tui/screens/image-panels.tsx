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
import { fit, fitRight, type Line } from '../widgets/line/line.js';
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
      <LineText line={[{ text: `wasted ${humanSize(report.wastedBytes)} (${report.wastedPaths.length} paths)` }]} width={width} />
      <ListRows rows={wasted} selected={-1} focused={false} width={width} height={rows} />
    </Box>
  );
}

export interface TreePanelProps {
  readonly tree: FileTreeState;
  readonly layer: number;
  readonly layerCount: number;
  readonly scope: ChangeScope;
  /** The filter input, while it is open. */
  readonly input: TextInputState | undefined;
  readonly rows: number;
  readonly width: number;
  readonly focused: boolean;
}

export function TreePanel({ tree, layer, layerCount, scope, input, rows, width, focused }: TreePanelProps) {
  const scopeText = scope === 'layer' ? "this layer's changes" : 'all changes up to it';
  const flags = [scopeText, ...(tree.changedOnly ? ['changed only'] : []), ...(tree.filter && !input ? [`filter "${tree.filter}"`] : [])];
  const position = tree.visible.length === 0 ? 'no entries' : `${tree.cursor + 1}/${tree.visible.length}`;
  const head = `Layer ${layer}/${layerCount - 1} · ${flags.join(' · ')}`;
  return (
    <Box flexDirection="column" width={width}>
      <LineText line={[{ text: fit(head, Math.max(0, width - position.length - 2)), tone: focused ? 'accent' : 'muted', bold: true }, { text: `  ${position}`, tone: 'muted' }]} width={width} />
      {input ? <TextInput label="/" state={input} width={width} focused /> : null}
      <FileTree state={tree} width={width} height={rows} focused={focused && !input} />
      <LineText line={[...legendLine(), { text: '   Space fold · a scope · c changed · / filter', tone: 'muted' }]} width={width} />
    </Box>
  );
}
