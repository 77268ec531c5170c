// Key presses as a terminal sends them, for ink-testing-library's stdin and tmux.

export const ENTER = '\r';
export const ESC = '\x1b';
export const TAB = '\t';
export const SPACE = ' ';
export const BACKSPACE = '\x7f';
export const UP = '\x1b[A';
export const DOWN = '\x1b[B';
export const RIGHT = '\x1b[C';
export const LEFT = '\x1b[D';
export const PAGE_DOWN = '\x1b[6~';
export const PAGE_UP = '\x1b[5~';
export const HOME = '\x1b[H';
export const END = '\x1b[F';
