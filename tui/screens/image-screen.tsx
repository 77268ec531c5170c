// The Image view: dive's layout over the resolver. The layer list picks the layer; the tree shows
// the merged view at that layer with its changes marked; the details and the efficiency summary
// sit under the layers. Opens on the top layer with the tree focused (docs/DESIGN.md §7).

import { Box } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { EfficiencyReport } from '../../src/resolver/efficiency.js';
import { changesAt, type ChangeScope } from '../data/changes.js';
import { entryDetails } from '../data/entry-details.js';
import { buildFileTree, sortedBySize, type FileTreeModel } from '../data/file-tree-model.js';
import type { ImageModel } from '../data/image-model.js';
import { selectedNode, useFileTreeState } from '../widgets/file-tree/use-file-tree-state.js';
import { oneLine } from '../../src/base/errors.js';
import { displayPath } from '../../src/base/byte-path.js';
import { diffPage, filePage, type Page } from '../data/file-pages.js';
import { PagerScreen } from './pager-screen.js';
import { useListState } from '../widgets/list/use-list-state.js';
import { useTextInputState } from '../widgets/text-input/use-text-input-state.js';
import { imageLayout } from './image-layout.js';
import { DetailsPanel, EfficiencyPanel, LayersPanel, SummaryLine, TreePanel, type TreeSort } from './image-panels.js';
import { useImageScreen, type ImageFocus } from './use-image-screen.js';

export interface ImageScreenProps {
  readonly model: ImageModel;
  readonly width: number;
  readonly height: number;
  /** Keys go to this screen (no help, no shell in front of it). */
  readonly isActive: boolean;
  readonly onBack: () => void;
  readonly onHelp: () => void;
  readonly onShell: () => void;
  /** A line for the status bar (an extraction done, a file that cannot be read). */
  readonly onNotify: (text: string, error?: boolean) => void;
  /** Completions of a host path being typed (`x`). */
  readonly complete: (text: string) => readonly string[];
}

/** Trees already built for this image, by layer, scope and order (switching back is free). */
function useTreeCache(model: ImageModel) {
  const cache = useRef(new Map<string, FileTreeModel>());
  const get = (layer: number, scope: ChangeScope, sort: TreeSort): FileTreeModel => {
    const key = `${layer} ${scope} ${sort}`;
    let tree = cache.current.get(key);
    if (!tree) {
      tree = sort === 'size' ? sortedBySize(get(layer, scope, 'name')) : buildFileTree(model.viewAt(layer), changesAt(model, layer, scope));
      cache.current.set(key, tree);
    }
    return tree;
  };
  return get;
}

export function ImageScreen({ model, width, height, isActive, onBack, onHelp, onShell, onNotify, complete }: ImageScreenProps) {
  const top = model.layers.length - 1;
  const treeFor = useTreeCache(model);
  const [scope, setScope] = useState<ChangeScope>('layer');
  const [sort, setSort] = useState<TreeSort>('name');
  const [full, setFull] = useState(false);
  // Read by the key handler between renders (see use-image-screen.ts); `focus` mirrors it for drawing.
  const focusRef = useRef<ImageFocus>('tree');
  const [focus, setFocusState] = useState<ImageFocus>('tree');
  const setFocus = (f: ImageFocus) => {
    focusRef.current = f;
    setFocusState(f);
  };
  const [tree, treeDispatch] = useFileTreeState(useMemo(() => treeFor(top, 'layer', 'name'), [model]));
  const [input, inputDispatch] = useTextInputState();
  const [dest, destDispatch] = useTextInputState();
  const [page, setPage] = useState<Page | undefined>(undefined);
  const filtering = focus === 'filter';
  const layout = imageLayout(width, height, model.layers.length, filtering || focus === 'extract', full);
  const layers = useListState(model.layers.length, layout.layerRows, top);
  const layer = layers.state.cursor;
  // dive's score walks every layer again: it comes after the first frame of the tree.
  const [report, setReport] = useState<EfficiencyReport | undefined>(undefined);
  useEffect(() => {
    const timer = setTimeout(() => setReport(model.efficiency()), 0);
    return () => clearTimeout(timer);
  }, [model]);
  // The filter narrows the tree as it is typed.
  useEffect(() => {
    if (filtering) treeDispatch({ type: 'setFilter', filter: input.value });
  }, [filtering, input.value]);

  /** The pager over the selected file: its text (`filePage`) or its diff (`diffPage`). */
  const showPage = (make: typeof filePage) => {
    const n = selectedNode(tree);
    if (n?.entry?.entry.type !== 'file') return;
    make(model, n, layer).then((p) => {
      setPage(p);
      setFocus('pager');
    }, (err: unknown) => onNotify(oneLine(err), true));
  };

  useImageScreen(focusRef, layout.treeRows, {
    toggleFocus: () => setFocus(focusRef.current === 'tree' ? 'layers' : 'tree'),
    moveLayer: (move) => {
      const next = layers.peek(move);
      layers.move(move);
      if (next !== layer) treeDispatch({ type: 'setModel', model: treeFor(next, scope, sort) });
    },
    tree: treeDispatch,
    toggleScope: () => {
      const next = scope === 'layer' ? 'all' : 'layer';
      setScope(next);
      treeDispatch({ type: 'setModel', model: treeFor(layer, next, sort) });
    },
    toggleSort: () => {
      const next = sort === 'name' ? 'size' : 'name';
      setSort(next);
      treeDispatch({ type: 'setModel', model: treeFor(layer, scope, next) });
    },
    toggleFull: () => {
      setFull(!full);
      // The layer list has no rows of its own in full width: the tree keeps the keys.
      if (focusRef.current === 'layers') setFocus('tree');
    },
    openFilter: () => {
      inputDispatch({ type: 'set', value: tree.filter });
      setFocus('filter');
    },
    filter: inputDispatch,
    closeFilter: (keep) => {
      if (!keep) treeDispatch({ type: 'setFilter', filter: '' });
      setFocus('tree');
    },
    shell: onShell,
    view: () => showPage(filePage),
    diffBelow: () => showPage(diffPage),
    extract: () => {
      const n = selectedNode(tree);
      if (!n?.entry || n.mark === 'R') return;
      destDispatch({ type: 'set', value: '' });
      setFocus('extract');
    },
    extractInput: (action) => (action === 'complete' ? destDispatch({ type: 'completed', matches: complete(dest.value) }) : destDispatch(action)),
    closeExtract: (submit) => {
      setFocus('tree');
      const n = selectedNode(tree);
      if (!submit || !n?.entry || dest.value === '') return;
      const where = dest.value;
      model.files.extract(n.entry, layer, where).then(
        (skipped) => onNotify(`extracted ${displayPath(n.path)} (layer ${n.entry!.layer}) to ${where}${skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : ''}`),
        (err: unknown) => onNotify(oneLine(err), true),
      );
    },
    back: onBack,
    help: onHelp,
    // The pager takes the keys while it is shown (its Esc must not reach the tree's too).
  }, { isActive: isActive && focus !== 'pager' });

  const node = selectedNode(tree);
  const details = node ? entryDetails(model, node, layer) : ['(no entry selected)'];
  if (page && focus === 'pager') {
    return <PagerScreen title={page.title} lines={page.lines} width={width} height={height} isActive={isActive} onBack={() => setFocus('tree')} />;
  }

  const treePanel = (
    <TreePanel
      tree={tree} layer={layer} layerCount={model.layers.length} scope={scope} sort={sort}
      input={filtering ? input : focus === 'extract' ? dest : undefined} inputLabel={focus === 'extract' ? 'extract to ' : '/'}
      rows={layout.treeRows} width={layout.right} focused={focus !== 'layers'}
    />
  );
  if (full) {
    return (
      <Box width={width} height={height} flexDirection="column">
        <SummaryLine layer={model.layers[layer]!} count={model.layers.length} details={details} width={width} />
        {treePanel}
      </Box>
    );
  }
  return (
    <Box width={width} height={height}>
      <Box flexDirection="column" width={layout.left}>
        <LayersPanel layers={model.layers} list={layers.state} rows={layout.layerRows} width={layout.left} focused={focus === 'layers'} />
        <DetailsPanel lines={details} rows={layout.detailRows} width={layout.left} />
        <EfficiencyPanel report={report} rows={layout.wastedRows} width={layout.left} />
      </Box>
      <Box width={1} />
      {treePanel}
    </Box>
  );
}
