// The whole TUI: header, the screen in front (Images or Containers pane, an image, the import,
// or help), status line. State lives in reducers; data comes from the services prop. While a
// sandbox has the terminal (r, e), everything stays mounted (the user comes back where they were)
// but no key hook is active, so Ink leaves raw mode and stdin alone; when it ends, the last frame
// is drawn again whole (the shell left the screen cleared), then the status line says how it
// ended.

import { Box, useApp as useInkApp, useStdout } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { oneLine } from '../../src/base/errors.js';
import { refOfRow, type ImageRow } from '../data/image-rows.js';
import type { ImageModel } from '../data/image-model.js';
import { ContainersPane } from '../screens/containers-pane.js';
import { HelpOverlay } from '../screens/help-overlay.js';
import { ImageScreen } from '../screens/image-screen.js';
import { ImagesPane } from '../screens/images-pane.js';
import { ImportScreen } from '../screens/import-screen.js';
import { BuildScreen } from '../screens/build-screen.js';
import type { BuildResult } from '../data/build-job.js';
import { CompareScreen } from '../screens/compare-screen.js';
import type { ImageComparison } from '../data/image-compare.js';
import { useImagesPane } from '../screens/use-images-pane.js';
import { useListState } from '../widgets/list/use-list-state.js';
import { Header, MIN_COLUMNS, MIN_ROWS, StatusLine, TooSmall } from './chrome.js';
import type { TuiServices } from './services.js';
import { useApp } from './use-app.js';
import { helpTopic, useAppState } from './use-app-state.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  readonly services: TuiServices;
  /** Clock for "N minutes ago"; tests pin it. */
  readonly now?: () => number;
}

export function App({ services, now = Date.now }: AppProps) {
  const { exit } = useInkApp();
  const { write } = useStdout();
  const { columns, rows } = useTerminalSize();
  const [state, dispatch] = useAppState();
  const images = useMemo(() => services.listImages(), [services, state.generation]);
  // Ink leaves the last line alone: a frame as tall as the terminal is redrawn with a full clear.
  const bodyHeight = rows - 3;
  const imageList = useListState(images.length, bodyHeight - 2);
  const selected: ImageRow | undefined = images[imageList.state.cursor];
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const screen = state.screen;
  const active = !state.help && !tooSmall && state.terminal === undefined;

  const [model, setModel] = useState<{ row: ImageRow; model: ImageModel } | undefined>(undefined);
  const openImage = (row: ImageRow) => {
    try {
      setModel({ row, model: services.openImage(row) });
      dispatch({ type: 'openImage', row });
    } catch (err) {
      dispatch({ type: 'notify', text: oneLine(err), error: true });
    }
  };
  const [marked, setMarked] = useState<ImageRow | undefined>(undefined);
  const [comparison, setComparison] = useState<ImageComparison | undefined>(undefined);
  // A build's image opens in the image view, under its tag (or its id when it has none).
  const built = ({ id, tag }: BuildResult) => {
    dispatch({ type: 'storeChanged' });
    const rows = services.listImages().filter((r) => r.id === id);
    const row = rows.find((r) => r.ref === tag) ?? rows[0];
    if (!row) return dispatch({ type: 'notify', text: `built ${tag ?? id}, but it is no longer in the store`, error: true });
    openImage(row);
    dispatch({ type: 'notify', text: `built ${tag ?? id.slice(7, 19)}` });
  };
  const takeTerminal = (args: readonly string[]) => dispatch({ type: 'takeTerminal', args });
  const shellIn = (row: ImageRow | undefined) => row && takeTerminal(['run', '-it', '--rm', refOfRow(row), services.imageShell(row)]);

  // Every key hook is inactive while a sandbox has the terminal; the hand-over waits until their
  // effects have run (a macrotask later), so Ink has left raw mode and stopped reading stdin.
  useEffect(() => {
    const args = state.terminal;
    if (!args) return;
    const timer = setTimeout(() => {
      const status = services.onTerminal(args);
      // Ink writes only what changed since its last frame, which the shell has wiped: an empty
      // write makes it erase what it believes is there and draw that frame again, whole.
      write('');
      dispatch({ type: 'terminalDone', status });
    }, 0);
    return () => clearTimeout(timer);
  }, [state.terminal]);

  const confirming = useImagesPane(imageList, {
    open: () => selected && openImage(selected),
    shell: () => shellIn(selected),
    remove: () => {
      if (!selected) return;
      services.removeImage(selected).then(
        (text) => {
          dispatch({ type: 'notify', text });
          dispatch({ type: 'storeChanged' });
        },
        (err: unknown) => dispatch({ type: 'notify', text: oneLine(err), error: true }),
      );
    },
    importFile: () => dispatch({ type: 'openImport' }),
    build: () => dispatch({ type: 'openBuild' }),
    mark: () => setMarked(marked && selected && marked.id === selected.id && marked.ref === selected.ref ? undefined : selected),
    compare: () => {
      if (!selected) return;
      if (!marked) return dispatch({ type: 'notify', text: 'mark an image with m first, then press c on another' });
      try {
        setComparison(services.compareImages(marked, selected));
        dispatch({ type: 'openCompare', first: marked, second: selected });
      } catch (err) {
        dispatch({ type: 'notify', text: oneLine(err), error: true });
      }
    },
    switchPane: () => dispatch({ type: 'switchPane' }),
    help: () => dispatch({ type: 'toggleHelp' }),
    quit: () => exit(),
  }, { isActive: active && screen.kind === 'panes' && state.pane === 'images', hasRows: images.length > 0 });
  useApp({ closeHelp: () => dispatch({ type: 'toggleHelp' }), quit: () => exit() }, { help: state.help, tooSmall, isActive: state.terminal === undefined });

  if (tooSmall) return <TooSmall columns={columns} rows={rows} />;

  const notify = (text: string, error?: boolean) => dispatch({ type: 'notify', text, error: error ?? false });
  const storeChanged = () => dispatch({ type: 'storeChanged' });
  const help = () => dispatch({ type: 'toggleHelp' });
  const back = () => dispatch({ type: 'back' });
  const title = screen.kind === 'image' ? `› ${screen.row.ref}` : screen.kind === 'import' ? '› Import' : screen.kind === 'build' ? '› Build' : screen.kind === 'compare' ? '› Compare' : '';
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Header pane={state.pane} title={title} width={columns} />
      <Box height={bodyHeight} width={columns} flexDirection="column">
        {state.help ? <HelpOverlay topic={helpTopic(state)} width={columns} height={bodyHeight} /> : null}
        <Box display={state.help ? 'none' : 'flex'} flexDirection="column">
          {screen.kind === 'panes' && state.pane === 'images' ? (
            <ImagesPane rows={images} list={imageList.state} width={columns} height={bodyHeight} confirming={confirming ? selected : undefined} now={now()} marked={marked} />
          ) : null}
          {screen.kind === 'panes' && state.pane === 'containers' ? (
            <ContainersPane
              containers={services.containers} width={columns} height={bodyHeight} isActive={active} generation={state.generation} clock={now}
              onTerminal={takeTerminal} onNotify={notify} onStoreChanged={storeChanged}
              onSwitchPane={() => dispatch({ type: 'switchPane' })} onHelp={help} onQuit={() => exit()}
            />
          ) : null}
          {screen.kind === 'image' && model ? (
            <ImageScreen
              key={`${model.row.id} ${model.row.ref}`} model={model.model} width={columns} height={bodyHeight} isActive={active}
              onBack={back} onHelp={help} onShell={() => shellIn(model.row)} onNotify={notify} complete={(t) => services.completePath(t)}
            />
          ) : null}
          {screen.kind === 'compare' && comparison ? (
            <CompareScreen
              key={`${screen.first.id} ${screen.second.id}`} first={screen.first.ref} second={screen.second.ref} comparison={comparison}
              width={columns} height={bodyHeight} isActive={active} onBack={back} onHelp={help}
            />
          ) : null}
          {screen.kind === 'build' ? (
            <BuildScreen
              width={columns} height={bodyHeight} isActive={active} complete={(t) => services.completePath(t)}
              run={(request, onEvent, signal) => services.buildImage(request, onEvent, signal)}
              onBuilt={built} onBack={back} onHelp={help}
            />
          ) : null}
          {screen.kind === 'import' ? (
            <ImportScreen
              width={columns} height={bodyHeight} isActive={active} complete={(t) => services.completePath(t)}
              run={(request, onProgress, signal) => services.importFile(request, onProgress, signal)}
              onStoreChanged={storeChanged} onBack={back} onHelp={help}
            />
          ) : null}
        </Box>
      </Box>
      <StatusLine message={state.message} root={services.root} driver={services.driver} width={columns} />
    </Box>
  );
}
