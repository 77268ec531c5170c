// Every key of every pane, as `?` lists them: the one table the help overlay reads.

import type { HelpTopic } from './use-app-state.js';

export interface KeyHelp {
  readonly keys: string;
  readonly does: string;
}

const MOVE: KeyHelp[] = [
  { keys: '↑ ↓  k j', does: 'move' },
  { keys: 'PgUp PgDn', does: 'move a page' },
  { keys: 'Home End  g G', does: 'first / last' },
];

export const KEY_HELP: Record<HelpTopic, { readonly title: string; readonly keys: readonly KeyHelp[] }> = {
  images: {
    title: 'Images',
    keys: [
      ...MOVE,
      { keys: 'Enter', does: 'open the image: layers, files, wasted space' },
      { keys: 'r', does: 'run a shell in the image (its bash, else sh)' },
      { keys: 'i', does: 'import a tarball, OCI layout or docker-archive' },
      { keys: 'b', does: 'build an image from a Dockerfile; it opens when built' },
      { keys: 'd', does: 'remove the image (asks first)' },
      { keys: 'm', does: 'mark the image (again: unmark it)' },
      { keys: 'c', does: 'compare the marked image with this one: a tree of what differs' },
      { keys: 'Tab', does: 'Containers pane' },
      { keys: '?', does: 'this help' },
      { keys: 'q', does: 'quit' },
    ],
  },
  containers: {
    title: 'Containers',
    keys: [
      ...MOVE,
      { keys: '[ ]  ← → h l', does: 'the tab below: logs (followed), diff, config (run spec), top (processes)' },
      { keys: 'Enter', does: 'into the tab (scroll it; the diff tree folds); Esc back to the list' },
      { keys: 'L', does: "into the container's logs" },
      { keys: 'e', does: 'a shell in a running container (bash when it has one, else sh)' },
      { keys: 'c', does: 'commit the container as NAME[:TAG]' },
      { keys: 'd', does: 'remove the container (asks first)' },
      { keys: 's', does: 'start a stopped container, or stop a running one' },
      { keys: 'R', does: 'read the list again (it follows the store by itself)' },
      { keys: 'Tab', does: 'Images pane' },
      { keys: '?', does: 'this help' },
      { keys: 'q', does: 'quit' },
    ],
  },
  image: {
    title: 'Image',
    keys: [
      ...MOVE,
      { keys: 'Tab', does: 'file tree / layer list' },
      { keys: '← → h l', does: 'fold a directory or go to its parent / unfold' },
      { keys: 'Space  e', does: 'fold or unfold the directory / every directory' },
      { keys: 'a', does: "this layer's changes / all changes up to this layer" },
      { keys: 'c', does: 'changed entries only' },
      { keys: '/', does: 'filter by path (Enter keeps it, Esc clears it)' },
      { keys: 's', does: 'sort each directory by size (largest first) / by name' },
      { keys: 'f', does: 'the tree in the full width (layers and details on one line) / beside them' },
      { keys: 'Enter v  d', does: 'the file in a pager (hex when binary) / d: against the layer below' },
      { keys: 'x', does: 'extract the file, as this layer has it, to a host path (Tab completes)' },
      { keys: 'r', does: 'run a shell in the image' },
      { keys: 'Esc q', does: 'back to the images' },
      { keys: '?', does: 'this help' },
    ],
  },
  compare: {
    title: 'Compare',
    keys: [
      ...MOVE,
      { keys: '← → h l', does: 'fold a directory or go to its parent / unfold' },
      { keys: 'Space  e', does: 'fold or unfold the directory / every directory' },
      { keys: 'Esc q', does: 'back to the images' },
      { keys: '?', does: 'this help' },
    ],
  },
  build: {
    title: 'Build',
    keys: [
      { keys: 'Tab', does: 'complete the context directory or the Dockerfile' },
      { keys: 'Enter', does: 'next field / build' },
      { keys: 'Esc', does: 'the field before / cancel the build (nothing is left behind) / back' },
      { keys: 'b', does: 'after a failed or cancelled build: edit it and build again' },
      { keys: '?', does: 'this help (when no field is being edited)' },
    ],
  },
  import: {
    title: 'Import',
    keys: [
      { keys: 'Tab', does: 'complete the path' },
      { keys: 'Enter', does: 'next field / start' },
      { keys: 'Esc', does: 'cancel the import (nothing is left behind) or go back' },
      { keys: '?', does: 'this help (when no field is being edited)' },
    ],
  },
};
