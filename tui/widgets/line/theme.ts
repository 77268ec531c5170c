// Colour, or none: NO_COLOR (https://no-color.org) and a stdout without colour support turn every
// tone into plain text. Marks and the cursor never depend on colour alone (letters, inverse).

import { createContext, useContext } from 'react';
import type { Tone } from './line.js';

export interface Theme {
  readonly color: boolean;
}

const COLORS: Record<Tone, string> = {
  added: 'green',
  modified: 'yellow',
  removed: 'red',
  accent: 'cyan',
  muted: 'gray',
  warning: 'yellow',
  error: 'red',
};

export const ThemeContext = createContext<Theme>({ color: false });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

export function colorOf(theme: Theme, tone: Tone | undefined): string | undefined {
  return theme.color && tone ? COLORS[tone] : undefined;
}

/** Colour unless NO_COLOR is set (to anything non-empty) or the terminal has none. */
export function themeFor(env: NodeJS.ProcessEnv, stdout: { hasColors?: () => boolean }): Theme {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return { color: !noColor && (stdout.hasColors?.() ?? false) };
}
