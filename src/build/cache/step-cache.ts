// The build cache as the executor uses it (docs/DESIGN.md §11): a step's key from its identity,
// the entry to reuse, and — when there is none — why, told against the closest earlier entry: one
// of the same parent (then the instruction, a build argument or a source differs) or of the same
// place in the Dockerfile (then the parent differs).

import { withLock } from '../../store/lock.js';
import type { Lease } from '../../store/lease.js';
import { hasLayer } from '../../store/layers.js';
import {
  entryKey, indexedEntries, readEntry, readSourceList, sourceListDigest, writeEntry, writeSourceList, type BuildCacheEntry, type EntryKeyParts,
} from '../../store/build-cache.js';
import type { Store } from '../../store/store.js';
import { changedSources, type SourceRecords } from './source-records.js';

export interface StepKey extends EntryKeyParts {
  readonly key: string;
  readonly slot: string;
  readonly written: string;
  readonly keyword: string;
  readonly sourceList?: SourceRecords;
}

export function stepKey(parts: Omit<StepKey, 'key' | 'sources'>): StepKey {
  const sources = parts.sourceList ? sourceListDigest(parts.sourceList) : null;
  return { ...parts, sources, key: entryKey({ ...parts, sources }) };
}

/** The entry of `key` with every layer it names still there, those layers then held by the
 * build's lease. Checked and leased under the gc lock, so a prune cannot take them in between. */
export async function reusableEntry(store: Store, lease: Lease, key: StepKey): Promise<BuildCacheEntry | undefined> {
  const entry = readEntry(store, key.key);
  if (!entry) return undefined;
  return withLock(store, 'gc', () => {
    const layers = entry.result.rootfs.diff_ids;
    if (!layers.every((d) => hasLayer(store, d))) return undefined;
    lease.add(...layers);
    return entry;
  });
}

/** Why a step found no entry to reuse. Entries of the same parent at the same place in the
 * Dockerfile are the closest: one with the same text differs in the arguments it read or in its
 * sources (the one that differs least is named), else the instruction changed. Without one, an
 * entry of the same text at the same place means the parent changed. */
export function missReason(store: Store, key: StepKey): string {
  const siblings = indexedEntries(store, 'by-parent', key.parent).filter((e) => e.key !== key.key && e.slot === key.slot);
  const sameText = siblings.filter((e) => e.written === key.written);
  const argChanges = sameText.map((e) => changedArgs(e.args, key.args)).sort((a, b) => a.length - b.length);
  if (argChanges.length > 0 && argChanges[0]!.length > 0) return `--build-arg ${argChanges[0]!.join(', ')} changed`;
  const sameInstruction = sameText.filter((e) => e.instruction === key.instruction && e.sources !== key.sources);
  if (sameInstruction.length > 0 && key.sourceList) {
    // A few candidates are enough to name the paths (each list is a read of the whole context's).
    const changes = sameInstruction
      .slice(0, 3)
      .map((e) => (e.sources ? readSourceList(store, e.sources) : undefined))
      .map((before) => (before ? changedSources(before, key.sourceList!) : []))
      .filter((c) => c.length > 0)
      .sort((a, b) => a.length - b.length);
    const changed = changes[0] ?? [];
    const names = changed.length > 0 ? `: ${changed.slice(0, 2).join(', ')}${changed.length > 2 ? ` (+${changed.length - 2} more)` : ''}` : '';
    return `${key.keyword} sources changed${names}`;
  }
  if (siblings.length > 0) return 'instruction changed';
  if (indexedEntries(store, 'by-slot', key.slot).some((e) => e.written === key.written)) return 'parent changed';
  return 'no cache entry';
}

function changedArgs(before: EntryKeyParts['args'], now: EntryKeyParts['args']): string[] {
  const old = new Map(before);
  const cur = new Map(now);
  const names = [...new Set([...cur.keys(), ...old.keys()])];
  return names.filter((n) => old.get(n) !== cur.get(n));
}

/** Records what a step built under its key. */
export function recordEntry(store: Store, key: StepKey, result: BuildCacheEntry['result'], diffId: string | undefined): void {
  if (key.sourceList && key.sources) writeSourceList(store, key.sources, key.sourceList);
  writeEntry(store, {
    key: key.key, parent: key.parent, slot: key.slot, written: key.written, instruction: key.instruction,
    args: key.args, sources: key.sources, result, diffId: diffId ?? null,
  });
}

/** The lock a step's build holds: a second build of the same step waits, then reuses the entry. */
export function withStepLock<T>(store: Store, key: StepKey, fn: () => Promise<T>): Promise<T> {
  return withLock(store, `build-step-${key.key.slice(7)}`, fn, 7 * 24 * 3600_000);
}
