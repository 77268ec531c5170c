// A tmux session on a socket of its own, for the TUI's end-to-end tests: keys typed literally, the
// screen read back (plain or with each cell's attributes), waits that poll with a generous deadline
// (the machine may be busy).

import { spawnSync } from 'node:child_process';

export interface TmuxSession {
  /** Runs `tmux -L SOCKET ARGS…`; throws with tmux's stderr when it fails. */
  tmux(...args: string[]): string;
  /** The pane's text. */
  screen(): string;
  /** The pane with each cell's attributes as SGR sequences (a red cell shows as 31 or 41). */
  styledScreen(): string;
  /** The pane's title, as an OSC 2 sequence would have set it. */
  title(): string;
  /** Keys as they are typed: tmux's literal mode, so "q" or "/" is never read as a key name. */
  type(keys: string): void;
  /** Polls the screen until `ok`; throws with the last screen after `ms`. */
  waitFor(what: string, ok: (text: string) => boolean, ms?: number): Promise<string>;
  /** Presses `key` until the screen shows what it leads to: a key that arrives while the pane is
   * still taking in what it just read can be dropped, and pressing it again changes nothing. */
  pressUntil(key: string, what: string, ok: (text: string) => boolean, ms?: number): Promise<string>;
}

export function tmuxSession(socket: string, session: string): TmuxSession {
  const tmux = (...args: string[]): string => {
    const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  const type = (keys: string) => void tmux('send-keys', '-t', session, '-l', keys);
  const waitFor = async (what: string, ok: (text: string) => boolean, ms = 30_000): Promise<string> => {
    let text = '';
    for (const start = Date.now(); Date.now() - start < ms;) {
      text = screen();
      if (ok(text)) return text;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
  };
  return {
    tmux,
    screen,
    styledScreen: () => tmux('capture-pane', '-p', '-e', '-t', session),
    title: () => tmux('display-message', '-p', '-t', session, '#{pane_title}').trim(),
    type,
    waitFor,
    async pressUntil(key, what, ok, ms = 30_000) {
      const start = Date.now();
      for (;;) {
        type(key);
        try {
          return await waitFor(what, ok, Math.min(3_000, Math.max(0, ms - (Date.now() - start))));
        } catch (err) {
          if (Date.now() - start >= ms) throw err;
        }
      }
    },
  };
}

/** A screen predicate: the text holds `s`. */
export const has = (s: string) => (text: string) => text.includes(s);
