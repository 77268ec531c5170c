// The keys the App answers itself: closing help (Esc, ? or q) and quitting a terminal too small
// to show anything else (q). Everything else belongs to the screen in front.

import { useKeys } from '../widgets/keys/use-keys.js';

export function useApp(actions: { closeHelp(): void; quit(): void }, options: { readonly help: boolean; readonly tooSmall: boolean; readonly isActive: boolean }): void {
  useKeys((input, key) => {
    if (options.tooSmall) {
      if (input === 'q') actions.quit();
    } else if (key.escape || input === '?' || input === 'q') {
      actions.closeHelp();
    }
  }, { isActive: options.isActive && (options.help || options.tooSmall) });
}
