// The terminal around the app: the alternate screen (so quitting gives back the shell's screen as
// it was, as less and vim do), and handing the whole terminal to a sandbox and taking it back.

const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const CLEAR_HOME = '\x1b[2J\x1b[H';
const CURSOR_SHOW = '\x1b[?25h';
const CURSOR_HIDE = '\x1b[?25l';

export function enterFullScreen(out: NodeJS.WriteStream): void {
  out.write(ALT_SCREEN_ON + CLEAR_HOME);
}

export function leaveFullScreen(out: NodeJS.WriteStream): void {
  out.write(CURSOR_SHOW + ALT_SCREEN_OFF);
}

/** Runs `fn` with the terminal given back (main screen, cleared, cursor shown, cooked mode: Ink
 * has left raw mode by then), then takes it again. The main screen is cleared so that a shell
 * starts on a clean screen, not under what the last one left there (the terminal keeps that in
 * its scrollback). Ctrl-C and Ctrl-\ in the meantime are the sandbox's: strata's own process
 * ignores them until `fn` returns. */
export function withTerminalGivenAway<T>(out: NodeJS.WriteStream, fn: () => T): T {
  leaveFullScreen(out);
  out.write(CLEAR_HOME);
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  try {
    return fn();
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGQUIT', ignore);
    out.write(ALT_SCREEN_ON + CLEAR_HOME + CURSOR_HIDE);
  }
}
