// Completion for the Import view's path input: the entries of the typed directory that start with
// the typed name, directories ending in "/" (so Tab again goes inside), dot files only when asked.

import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function completePath(text: string, cwd: string = process.cwd()): string[] {
  const slash = text.lastIndexOf('/');
  const dirText = slash >= 0 ? text.slice(0, slash + 1) : '';
  const prefix = text.slice(slash + 1);
  const expanded = dirText.startsWith('~/') ? join(homedir(), dirText.slice(2)) : dirText;
  const dir = expanded === '' ? cwd : isAbsolute(expanded) ? expanded : join(cwd, expanded);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.name.startsWith(prefix) && (prefix.startsWith('.') || !e.name.startsWith('.')))
    .map((e) => dirText + e.name + (e.isDirectory() || (e.isSymbolicLink() && isDir(join(dir, e.name))) ? '/' : ''))
    .sort();
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
