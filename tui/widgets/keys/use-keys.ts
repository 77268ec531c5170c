// Ink's useInput for command keys. A terminal may deliver several key presses in one read (key
// repeat, tmux send-keys, a slow connection): Ink then reports "jjj" as one input. Commands are
// single keys, so a run of printable characters is handled one character at a time.

import { useInput, type Key } from 'ink';

export function useKeys(handler: (input: string, key: Key) => void, options: { readonly isActive: boolean }): void {
  useInput((input, key) => {
    if (input.length > 1 && !key.ctrl && !key.meta && /^[\x20-\x7e]+$/.test(input)) {
      for (const ch of input) handler(ch, key);
    } else {
      handler(input, key);
    }
  }, options);
}
