// How the Images pane lays out its columns: NAME:TAG, IMAGE ID, SIZE, LAYERS, CREATED.

import { terminalText } from '../../src/base/terminal-text.js';
import { humanSize, shortId, timeAgo } from '../../src/base/format.js';
import type { ImageRow } from '../data/image-rows.js';
import { fit, fitRight, type Line } from '../widgets/line/line.js';

const ID = 12;
const SIZE = 8;
const LAYERS = 6;
const CREATED = 18;
const GAP = '  ';

function refWidth(width: number): number {
  return Math.max(10, width - (ID + SIZE + LAYERS + CREATED + GAP.length * 4));
}

export function imagesHeader(width: number): Line {
  const text = [fit('NAME:TAG', refWidth(width)), fit('IMAGE ID', ID), fitRight('SIZE', SIZE), fitRight('LAYERS', LAYERS), 'CREATED'].join(GAP);
  return [{ text, tone: 'muted', bold: true }];
}

/** A marked row (`m`, to compare) reads "* NAME:TAG". */
export function imageLine(row: ImageRow, width: number, now: number, marked = false): Line {
  return [
    { text: fit(`${marked ? '* ' : ''}${terminalText(row.ref)}`, refWidth(width)) + GAP, ...(marked ? { tone: 'accent' as const, bold: true } : {}) },
    { text: fit(shortId(row.id), ID) + GAP, tone: 'muted' },
    { text: [fitRight(humanSize(row.size), SIZE), fitRight(String(row.layers), LAYERS), fit(timeAgo(row.created, now), CREATED)].join(GAP) },
  ];
}
