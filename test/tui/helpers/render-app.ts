// Renders the App with ink-testing-library at a chosen terminal size (resizable), keys sent one at
// a time with the time for the effects and renders they cause.

import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { App } from '../../../tui/app/app.js';
import type { TuiServices } from '../../../tui/app/services.js';
import { ThemeContext } from '../../../tui/widgets/line/theme.js';
import { NOW } from './fake-services.js';

/** `clock`: the app's time (NOW unless given: a test of ages moves it). */
export function renderApp(services: TuiServices, size = { columns: 100, rows: 24 }, color = false, clock: () => number = () => NOW) {
  const r = render(createElement(ThemeContext.Provider, { value: { color } }, createElement(App, { services, now: clock })));
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(r.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
    r.stdout.emit('resize');
  };
  resize(size.columns, size.rows);
  return {
    ...r,
    resize,
    /** The last frame, each line's trailing spaces dropped. */
    frame: () => (r.lastFrame() ?? '').split('\n').map((l) => l.trimEnd()).join('\n'),
    /** Each key, then until the frame it causes is drawn (at most 500 ms: a key may change
     * nothing) and the effects after it have run. */
    async press(...keys: string[]) {
      for (const key of keys) {
        const before = r.lastFrame();
        r.stdin.write(key);
        for (let waited = 0; waited < 500 && r.lastFrame() === before; waited += 5) await settle(5);
        await settle(20);
      }
    },
  };
}

/** Long enough for React's passive effects and Ink's render to have run. */
export function settle(ms = 60): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
