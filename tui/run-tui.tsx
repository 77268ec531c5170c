// `strata` / `strata tui`: the Ink app on the alternate screen, until q. Loaded only by that
// command (React and Ink cost every other command's start nothing).

import { render } from 'ink';
import { defaultDriverName } from '../src/runtime/drivers/driver.js';
import type { Store } from '../src/store/store.js';
import { App } from './app/app.js';
import { storeServices } from './app/services.js';
import { runInteractive } from './data/interactive-command.js';
import { enterFullScreen, leaveFullScreen, withTerminalGivenAway } from './terminal.js';
import { ThemeContext, themeFor } from './widgets/line/theme.js';

export interface TuiOptions {
  readonly store: Store;
  /** --driver, when given. */
  readonly driver?: string;
}

export async function runTui({ store, driver }: TuiOptions): Promise<number> {
  const out = process.stdout;
  const services = storeServices(store, driver ?? defaultDriverName(), (args) => withTerminalGivenAway(out, () => runInteractive(store.root, args)));
  enterFullScreen(out);
  try {
    const app = render(
      <ThemeContext.Provider value={themeFor(process.env, out)}>
        <App services={services} />
      </ThemeContext.Provider>,
      { stdout: out, stdin: process.stdin, patchConsole: false, exitOnCtrlC: true, maxFps: 120 },
    );
    await app.waitUntilExit();
  } finally {
    leaveFullScreen(out);
  }
  return 0;
}
