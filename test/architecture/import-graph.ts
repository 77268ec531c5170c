// The import graph of the project's TypeScript, as the checks in imports.test.ts read it: every
// static import and export-from, `import type` too (a type cycle is still a cycle a reader has to
// untangle), every lazy `import()` and every `require()` of a relative path.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** File (relative to the root) -> the files it imports (relative to the root). */
export type ImportGraph = Map<string, Set<string>>;

/** Import and export-from statements, require(): what a module loads as it is loaded. */
const EAGER_SPECIFIERS = [
  /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];
/** What it loads only when the code gets there. */
const LAZY_SPECIFIER = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Where a relative specifier lands: `./x.js` is x.ts or x.tsx, as NodeNext resolution maps it. */
function resolveSpecifier(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(js|jsx|mjs|cjs)$/, '');
  for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Comments are dropped first, so an example in a comment is not an import. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The graph of the files under `dirs`; with `lazy: false`, without the edges of lazy `import()`
 * (only import and export-from statements, `import type` too, and require()). */
export function importGraph(root: string, dirs: readonly string[], { lazy = true } = {}): ImportGraph {
  const graph: ImportGraph = new Map();
  const patterns = lazy ? [...EAGER_SPECIFIERS, LAZY_SPECIFIER] : EAGER_SPECIFIERS;
  for (const file of dirs.flatMap((d) => sourceFiles(join(root, d)))) {
    const text = withoutComments(readFileSync(file, 'utf8'));
    const targets = new Set<string>();
    for (const pattern of patterns) {
      for (const m of text.matchAll(pattern)) {
        const target = resolveSpecifier(file, m[1]!);
        if (target) targets.add(relative(root, target));
      }
    }
    graph.set(relative(root, file), targets);
  }
  return graph;
}

/** Every strongly connected component with more than one file (or a file importing itself). */
export function importCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.has(v)) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Imports from a file under `from` to a file under `to`, as "a -> b" lines. */
export function crossings(graph: ImportGraph, from: string, to: string): string[] {
  const lines: string[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith(from)) continue;
    for (const t of targets) if (t.startsWith(to)) lines.push(`${file} -> ${t}`);
  }
  return lines.sort();
}
