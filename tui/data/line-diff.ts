// A line-by-line diff of two texts (Myers' O((N+M)D) algorithm, the one `diff` and git use by
// default): the shortest edit script as rows kept (' '), removed ('-') and added ('+'), in order.
// Past MAX_EDITS differences the search stops and the texts are shown as all removed then all
// added: the answer stays correct, only longer, and its cost stays bounded.

export type DiffOp = ' ' | '-' | '+';

export interface DiffRow {
  readonly op: DiffOp;
  readonly text: string;
}

export const MAX_EDITS = 4000;

export function lineDiff(a: readonly string[], b: readonly string[]): DiffRow[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v;
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, d, offset);
    }
    v = next;
  }
  return [...a.map((text): DiffRow => ({ op: '-', text })), ...b.map((text): DiffRow => ({ op: '+', text }))];
}

/** The edit script, read back from the furthest points of each round (`trace[d]`: before round d). */
function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[], depth: number, offset: number): DiffRow[] {
  const rows: DiffRow[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = depth; d > 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    for (; x > prevX && y > prevY; y--) rows.push({ op: ' ', text: a[--x]! });
    if (down) rows.push({ op: '+', text: b[--y]! });
    else rows.push({ op: '-', text: a[--x]! });
  }
  for (; x > 0 && y > 0; y--) rows.push({ op: ' ', text: a[--x]! });
  return rows.reverse();
}
