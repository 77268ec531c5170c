// The import's progress line: a bar when the total is known, the counts always.

import { humanSize } from '../../src/base/format.js';
import type { ImportProgress } from '../data/import-job.js';

export function progressBar(fraction: number, width: number): string {
  const cells = Math.max(1, width);
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * cells);
  return '█'.repeat(full) + '░'.repeat(cells - full);
}

export function progressText(p: ImportProgress | undefined): string {
  if (!p) return 'starting…';
  const bytes = p.total !== undefined ? `${humanSize(p.bytes)} of ${humanSize(p.total)}` : `${humanSize(p.bytes)} read`;
  return `${bytes} · ${p.entries.toLocaleString('en-US')} ${p.entries === 1 ? 'entry' : 'entries'}`;
}

export function progressFraction(p: ImportProgress | undefined): number | undefined {
  return p?.total ? p.bytes / p.total : undefined;
}
