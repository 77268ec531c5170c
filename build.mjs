// Builds dist/strata, the single binary: esbuild bundles src/main.ts into one CommonJS file, and
// Node 20's single executable application support (SEA) embeds it, with its code cache and the
// assets (the busybox base image and the native helper), into a stripped copy of this node.
//
//   node build.mjs            build what changed; prints one summary line
//   node build.mjs --force    rebuild everything
//
// Why each step is as it is: docs/ARCHITECTURE.md, "The single binary". Incremental: busybox itself is
// built once per source version and recipe (cached in dist/.cache), its tar rebuilt only when its
// recipe or the binary changed, the helper only when its C source or flags changed; the SEA steps (blob, copy, strip, inject) run only when the bundle, the assets or this
// node changed. Writes only under dist/.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { compileGuard, GUARD_SOURCE, installGuard } from './build/entry-guard.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const assetDir = join(dist, 'assets');
const stampDir = join(dist, '.stamps');
const force = process.argv.includes('--force');

/** The JavaScript bundle may not grow past this: every byte is parsed at each start. */
const BUNDLE_BUDGET_BYTES = 3 * 1024 * 1024;
/** Node's SEA fuse: postject flips it to tell node that a blob is present. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** The variable the banner sets, standing in for `import.meta.url` in CommonJS. */
const META_URL = '__strata_import_meta_url';

/**
 * Source rewrites applied while bundling. Each names the file it patches (relative to the repo),
 * what to find, what to put instead and why. A rewrite whose file is gone or whose pattern is not
 * in it FAILS the build, whether or not the file is bundled: a dependency upgrade must not
 * silently undo one. Ink and yoga-layout (top-level await, synchronous wasm) will add theirs here.
 * @type {{ file: string, find: string | RegExp, replace: string, why: string }[]}
 */
const REWRITES = [
  // string-width (through yargs' cliui and wrap-ansi) makes an Intl.Segmenter when it loads:
  // ≈ 12–17 ms of every start for the first one, paid even by `strata --version`. Made on first use.
  ...['cliui/node_modules/string-width', 'wrap-ansi/node_modules/string-width', 'string-width'].map((pkg) => ({
    file: `node_modules/${pkg}/index.js`,
    find: 'const segmenter = new Intl.Segmenter();',
    replace: 'let segmenterOnce; const segmenter = { segment: (s) => (segmenterOnce ??= new Intl.Segmenter()).segment(s) };',
    why: 'Intl.Segmenter made on first use, not at load (startup time)',
  })),
  // string-width 8 (yargs' own) compiles /^\p{RGI_Emoji}$/v when it loads: ≈ 20 ms measured here.
  // It is only ever used through .test(), so it is made on first use.
  {
    file: 'node_modules/string-width/index.js',
    find: 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
    replace: 'let rgiEmojiOnce; const rgiEmojiRegex = { test: (s) => (rgiEmojiOnce ??= /^\\p{RGI_Emoji}$/v).test(s) };',
    why: 'the RGI_Emoji regular expression compiled on first use, not at load (startup time)',
  },
  // Its fast path (width = length, no segmenter) covers printable ASCII only, so one "·" in the
  // TUI's first frame made the Intl.Segmenter and the RGI_Emoji expression (≈ 30 ms together).
  // Printable Latin-1 is as simple when ambiguous characters are narrow (the default): each
  // character is its own grapheme, none is an emoji, wide or a mark; only the soft hyphen (U+00AD,
  // a format character) has no width, so it stays on the slow path.
  {
    file: 'node_modules/string-width/index.js',
    find: 'if (/^[\\u0020-\\u007E]*$/.test(string)) {',
    replace: 'if (/^[\\u0020-\\u007E]*$/.test(string) || (ambiguousIsNarrow && /^[\\u0020-\\u007E\\u00A0-\\u00AC\\u00AE-\\u00FF]*$/.test(string))) {',
    why: 'printable Latin-1 measured without the segmenter (TUI first frame)',
  },
  // After running a command's handler, yargs renders the whole help text in case a later failure
  // wants to print it (≈ 25 ms of every command here). strata never prints usage after a
  // command has run (cli.ts prints one line), and `--help` renders on demand regardless.
  {
    file: 'node_modules/yargs/build/lib/command.js',
    find: 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();',
    replace: '/* help text is rendered on demand only */',
    why: 'no help text rendered after every command (startup time)',
  },
  // yargs' platform shim takes two functions from node:assert, whose loading (with the streams and
  // colour support it pulls in) costs ≈ 5 ms of every start. yargs only uses them to check its
  // own arguments; the two checks are written out instead.
  {
    file: 'node_modules/yargs/lib/platform-shims/esm.mjs',
    find: "import { notStrictEqual, strictEqual } from 'assert'",
    replace: "const strictEqual = (a, b, m) => { if (a !== b) throw new Error(m ?? `${a} !== ${b}`) }; const notStrictEqual = (a, b, m) => { if (a === b) throw new Error(m ?? `${a} === ${b}`) };",
    why: 'no node:assert at start (startup time)',
  },
  // yoga-layout (Ink's layout engine) compiles its WebAssembly asynchronously and its entry awaits
  // that at top level, which a CommonJS bundle cannot hold. Emscripten's loader offers the
  // `instantiateWasm` hook; here the hook's call site itself compiles the embedded bytes with the
  // synchronous WebAssembly.Module/Instance (≈ 2 ms), so the runtime is ready when loadYoga returns.
  {
    file: 'node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js',
    find: /if\(h\.instantiateWasm\)try\{return h\.instantiateWasm\(d,\s*a\)\}catch\(e\)\{v\("Module\.instantiateWasm callback failed with error: "\+e\),ca\(e\)\}/,
    replace: 'var syncInstance=new WebAssembly.Instance(new WebAssembly.Module(wa()),d);a(syncInstance);return syncInstance.exports;',
    why: "yoga's WebAssembly instantiated synchronously (no top-level await in CommonJS)",
  },
  {
    file: 'node_modules/yoga-layout/dist/src/index.js',
    find: 'const Yoga = wrapAssembly(await loadYoga());',
    replace: 'const yogaModule = {}; loadYoga(yogaModule); if (!yogaModule.asm) throw new Error("yoga-layout: WebAssembly was not instantiated synchronously"); const Yoga = wrapAssembly(yogaModule);',
    why: "yoga's module used as soon as loadYoga returns (no top-level await in CommonJS)",
  },
  // Ink's reconciler awaits two development-only imports at top level (React devtools, its own
  // package.json), behind DEV=true. The bundle is a production build: neither is ever wanted.
  {
    file: 'node_modules/ink/build/reconciler.js',
    find: "await import('./devtools.js');",
    replace: "throw new Error('React devtools are not part of the strata binary');",
    why: "no top-level await of Ink's devtools (development only)",
  },
  {
    file: 'node_modules/ink/build/reconciler.js',
    find: '? await loadPackageJson()',
    replace: "? { name: 'ink', version: undefined }",
    why: "no top-level await of Ink's package.json (development only)",
  },
  // Ink turns every frame's cells back into a string with styledCharsToString, which diffs each
  // cell's styles against the previous cell's (three Sets and four arrays a cell). A full-screen
  // frame is thousands of cells, almost all styled like their neighbour: ≈ 40 ms and much garbage
  // for the TUI's first frame. The same codes in the same order diff to nothing, so that case (and
  // closing a cell without styles) skips the diff; the string is unchanged.
  {
    file: 'node_modules/@alcalzone/ansi-tokenize/build/styledChars.js',
    find: 'ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));',
    replace: 'const from = chars[i - 1].styles, to = char.styles; if (from.length !== to.length || from.some((code, k) => code.code !== to[k].code)) ret += ansiCodesToString(diffAnsiCodes(from, to));',
    why: 'cells styled like the previous one are not diffed (TUI frame time)',
  },
  {
    file: 'node_modules/@alcalzone/ansi-tokenize/build/styledChars.js',
    find: 'ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
    replace: 'if (char.styles.length > 0) ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
    why: 'a line ending without styles needs no closing codes (TUI frame time)',
  },
  // Output.get starts every frame from a grid of blank cells, one new object (and styles array)
  // each: 4,800 pairs for a 120x40 frame. Cells are replaced, never changed, so one blank will do.
  {
    file: 'node_modules/ink/build/output.js',
    find: /row\.push\(\{\s*type: 'char',\s*value: ' ',\s*fullWidth: false,\s*styles: \[\],\s*\}\);/,
    replace: "row.push(BLANK_CELL);",
    why: 'one shared blank cell, not one per cell of every frame (TUI frame time)',
  },
  {
    file: 'node_modules/ink/build/output.js',
    find: 'export default class Output {',
    replace: "const BLANK_CELL = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });\nexport default class Output {",
    why: 'the shared blank cell (above)',
  },
];

/** Packages only the terminal UI uses: plain commands must not evaluate them (startup time). The
 * build fails when one becomes reachable from the entry without a dynamic import in between. */
const LAZY_PACKAGES = ['react', 'react-reconciler', 'ink', 'yoga-layout', 'scheduler'];

/**
 * What the binary embeds, read at run time with readAsset(name) from src/base/assets.ts. `make`
 * produces dist/assets/NAME when `inputs` (files and values) changed.
 */
const ASSETS = [
  {
    name: 'busybox.tar',
    inputs: () => [file('layers/busybox/make-rootfs.sh'), file(busyboxBinary()), process.env.SOURCE_DATE_EPOCH ?? ''],
    make: (out) => run('bash', [join(root, 'layers/busybox/make-rootfs.sh'), out], { env: { ...process.env, BUSYBOX: busyboxBinary() } }),
  },
  {
    name: 'strata-helper',
    inputs: () => [...helperSources().map(file), HELPER_CFLAGS.join(' ')],
    make: (out) => run('gcc', [...HELPER_CFLAGS, '-o', out, ...helperSources().filter((f) => f.endsWith('.c'))]),
  },
];

/** The busybox the image embeds: BUSYBOX=PATH, or the one layers/busybox/build-busybox.sh builds
 * from Debian's source against musl, cached under dist/.cache by source version and recipe. */
let busyboxPath;
function busyboxBinary() {
  busyboxPath ??= process.env.BUSYBOX ?? run('bash', [join(root, 'layers/busybox/build-busybox.sh'), join(dist, '.cache', 'busybox')]).trim();
  return busyboxPath;
}

/** The native helper: static (it runs where no libc may be), stripped, every warning an error. */
const HELPER_CFLAGS = ['-static', '-O2', '-Wall', '-Wextra', '-Werror', '-D_GNU_SOURCE', '-s'];

/** src/runtime/helper/*.c and *.h, sorted (their bytes are the asset's inputs). */
function helperSources() {
  const dir = 'src/runtime/helper';
  return readdirSync(join(root, dir)).filter((n) => /\.[ch]$/.test(n)).sort().map((n) => `${dir}/${n}`);
}

function file(path) {
  return { path, bytes: readFileSync(path.startsWith('/') ? path : join(root, path)) };
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

function inputsDigest(inputs) {
  const h = createHash('sha256');
  for (const input of inputs) {
    if (typeof input === 'string') h.update(`value ${input.length}\n`).update(input);
    else h.update(`file ${input.path} ${input.bytes.length}\n`).update(input.bytes);
  }
  return h.digest('hex');
}

/** Runs `make` unless its output exists and the stamp says its inputs are the same. */
function unlessUnchanged(name, inputs, outputs, make) {
  const stamp = join(stampDir, `${name}.sha256`);
  const digest = inputsDigest(inputs);
  const fresh = !force && outputs.every(existsSync) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest;
  if (fresh) return false;
  rmSync(stamp, { force: true });
  make();
  writeFileSync(stamp, digest);
  return true;
}

/** Runs a tool quietly; on failure, its output becomes the error. */
function run(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  } catch (err) {
    const out = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim();
    const shown = [cmd, ...args].map((a) => (a.startsWith(`${root}/`) ? relative(root, a) : a)).join(' ');
    throw new Error(`${shown} failed${out ? `:\n${out}` : ''}`, { cause: err });
  }
}

function isBuiltin(path) {
  return path.startsWith('node:') || builtinModules.includes(path.split('/')[0]);
}

/**
 * Dynamic `import()` of a builtin fails inside a SEA (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so
 * each one is sent through a tiny CommonJS module that requires it; esbuild then bundles the import
 * as a `require`.
 */
const builtinDynamicImports = {
  name: 'builtin-dynamic-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' && isBuiltin(args.path) ? { path: args.path, namespace: 'builtin-require' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** Fails unless every rewrite's file exists and holds its pattern. */
function checkRewrites() {
  const problems = [];
  for (const r of REWRITES) {
    const path = join(root, r.file);
    const text = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (text === undefined) problems.push(`  ${r.file}: file not found`);
    else if (typeof r.find === 'string' ? !text.includes(r.find) : !r.find.test(text)) problems.push(`  ${r.file}: pattern ${String(r.find)} not found`);
  }
  if (problems.length > 0) {
    throw new Error(`source rewrites that no longer apply (did a dependency change?):\n${problems.join('\n')}`);
  }
}

/** Applies REWRITES to the files esbuild loads (matched by real path: node_modules may be a link). */
function sourceRewrites(applied) {
  return {
    name: 'source-rewrites',
    setup(build) {
      const byPath = new Map();
      for (const r of REWRITES) {
        const path = realpathSync(join(root, r.file));
        byPath.set(path, [...(byPath.get(path) ?? []), r]);
      }
      if (byPath.size === 0) return;
      build.onLoad({ filter: /[\\/]node_modules[\\/]/ }, (args) => {
        const rewrites = byPath.get(realpathSync(args.path));
        if (!rewrites) return undefined;
        let text = readFileSync(args.path, 'utf8');
        for (const r of rewrites) {
          text = text.replace(r.find, r.replace);
          applied.add(r);
        }
        return { contents: text, loader: 'js' };
      });
    },
  };
}

/** Fails if a file that a rewrite names went into the bundle without the rewrite. */
function checkRewritesApplied(metafile, applied) {
  const bundled = new Set(Object.keys(metafile.inputs).filter((p) => p.includes('node_modules/')).map((p) => realpathSync(join(root, p))));
  const missed = REWRITES.filter((r) => bundled.has(realpathSync(join(root, r.file))) && !applied.has(r));
  if (missed.length > 0) throw new Error(`source rewrites not applied:\n${missed.map((r) => `  ${r.file}: ${r.why}`).join('\n')}`);
}

/** Bundles `entry` into the CommonJS file `outfile` the way the binary's bundle is made (same
 * defines, rewrites and plugins). Exported for bench/rows/tui.mjs, whose minimal Ink app must be
 * bundled exactly like strata to be a fair peer. */
export async function bundleEntry(entry, outfile, version, applied = new Set(), helperDigest = undefined) {
  checkRewrites();
  return esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // ES modules first: they tree-shake (hash-wasm's CommonJS build drags in every hasher it has,
    // ≈ 250 KB evaluated at start; its ES build only the one strata uses).
    mainFields: ['module', 'main'],
    // Whitespace and syntax only: names stay, so a STRATA_DEBUG stack trace stays readable.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    banner: { js: `var ${META_URL}=require("node:url").pathToFileURL(__filename).href;` },
    define: {
      'process.env.NODE_ENV': '"production"',
      'import.meta.url': META_URL,
      STRATA_VERSION: JSON.stringify(version),
      // The embedded helper's sha256 (src/runtime/helper/binary.ts): no run need hash the asset.
      ...(helperDigest === undefined ? {} : { STRATA_HELPER_SHA256: JSON.stringify(helperDigest) }),
    },
    plugins: [builtinDynamicImports, sourceRewrites(applied)],
  }).catch((err) => {
    throw new Error(`esbuild failed:\n${(err.errors ?? []).map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('\n') || err.message}`);
  });
}

async function bundle(version) {
  const applied = new Set();
  const outfile = join(dist, 'strata.cjs');
  const helperDigest = sha256(readFileSync(join(assetDir, 'strata-helper')));
  const result = await bundleEntry(join(root, 'src/main.ts'), outfile, version, applied, helperDigest);
  checkRewritesApplied(result.metafile, applied);
  checkLazyPackages(result.metafile);
  const js = readFileSync(outfile);
  checkBundle(js.toString('utf8'));
  writeFileSync(join(dist, 'strata.meta.json'), JSON.stringify(result.metafile));
  return js;
}

/** The bundle's inputs that the entry evaluates as it loads: reachable by `import` statements and
 * `require` calls alone (a dynamic `import()` is where esbuild defers evaluation). Exported for
 * test/tui/binary.test.ts. */
export function eagerInputs(metafile, entry) {
  const seen = new Set([entry]);
  for (const path of seen) {
    for (const imp of metafile.inputs[path]?.imports ?? []) {
      if (imp.kind !== 'dynamic-import' && !imp.external && !seen.has(imp.path)) seen.add(imp.path);
    }
  }
  return seen;
}

/** The package a bundle input belongs to ("node_modules/ink/build/x.js" -> "ink"). */
export function packageOf(input) {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const [first, second] = input.slice(at + 'node_modules/'.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

/** Fails when a plain command would evaluate a package of the terminal UI: every module that
 * src/cli/cli.ts (every command's definition) or src/main.ts loads eagerly is checked. */
function checkLazyPackages(metafile) {
  const eager = new Set([...eagerInputs(metafile, 'src/main.ts'), ...eagerInputs(metafile, 'src/cli/cli.ts')]);
  const bad = [...eager].filter((p) => LAZY_PACKAGES.includes(packageOf(p)));
  if (bad.length > 0) throw new Error(`the terminal UI's packages are loaded by every command (import them lazily):\n${bad.map((p) => `  ${p}`).join('\n')}`);
}

/** The checks a bundle must pass before it is embedded; exported for test/build/binary.test.ts. */
export function bundleProblems(js) {
  const problems = [];
  if (Buffer.byteLength(js) > BUNDLE_BUDGET_BYTES) {
    problems.push(`bundle is ${kb(Buffer.byteLength(js))}, over its budget of ${kb(BUNDLE_BUDGET_BYTES)}`);
  }
  for (const m of js.matchAll(/(?<![\w$.])import\s*\(\s*(["'`])([^"'`]*)\1/g)) {
    if (isBuiltin(m[2])) problems.push(`dynamic import of a builtin left in the bundle: ${m[0]}`);
  }
  if (/\bimport\.meta\b/.test(js)) problems.push('import.meta left in the bundle (it is {} in CommonJS)');
  return problems;
}

function checkBundle(js) {
  const problems = bundleProblems(js);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/** A stripped copy of this node, kept per node binary: stripping takes a while, and must happen
 * BEFORE injection (stripping an injected binary gives one that crashes). */
function strippedNode() {
  const st = statSync(process.execPath);
  const key = sha256(`${process.execPath} ${process.version} ${st.size} ${st.mtimeMs}`).slice(0, 16);
  const out = join(dist, '.cache', `node-${process.version}-${key}`);
  if (!existsSync(out)) {
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `${out}.tmp`;
    copyFileSync(process.execPath, tmp);
    chmodSync(tmp, 0o755);
    run('strip', [tmp]);
    renameSync(tmp, out);
  }
  return out;
}

function sea(js) {
  const config = {
    main: join(dist, 'strata.cjs'),
    output: join(dist, 'strata.blob'),
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    assets: Object.fromEntries(ASSETS.map((a) => [a.name, join(assetDir, a.name)])),
  };
  const inputs = [
    js.toString('latin1'),
    JSON.stringify(config),
    ...ASSETS.map((a) => file(join(assetDir, a.name))),
    // The code cache is tied to the node that made it: the blob, the copy and the node are one.
    process.execPath, process.version, String(statSync(process.execPath).mtimeMs),
    file(fileURLToPath(import.meta.url)),
    file(GUARD_SOURCE), file('build/entry-guard.mjs'),
  ];
  const binary = join(dist, 'strata');
  return unlessUnchanged('sea', inputs, [binary], () => {
    const configPath = join(dist, 'sea-config.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    run(process.execPath, ['--experimental-sea-config', configPath], { env: { ...process.env, NODE_OPTIONS: '' } });
    const tmp = `${binary}.tmp`;
    copyFileSync(strippedNode(), tmp);
    run(process.execPath, [join(root, 'node_modules/postject/dist/cli.js'), tmp, 'NODE_SEA_BLOB', config.output, '--sentinel-fuse', SEA_FUSE]);
    installGuard(tmp, compileGuard(root));
    chmodSync(tmp, 0o755);
    renameSync(tmp, binary);
  });
}

function kb(n) {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}

async function main() {
  const started = performance.now();
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (Number(process.versions.node.split('.')[0]) < 20) throw new Error(`node ${process.version}: the single binary needs Node.js 20 or later`);
  mkdirSync(assetDir, { recursive: true });
  mkdirSync(stampDir, { recursive: true });
  for (const asset of ASSETS) {
    const out = join(assetDir, asset.name);
    unlessUnchanged(`asset-${asset.name}`, asset.inputs(), [out], () => {
      const tmp = `${out}.tmp`;
      asset.make(tmp);
      renameSync(tmp, out);
    });
  }
  const js = await bundle(version);
  const rebuilt = sea(js);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const size = statSync(join(dist, 'strata')).size;
  console.log(`dist/strata ${version}: ${kb(size)} (bundle ${kb(js.length)})${rebuilt ? '' : ', unchanged'} in ${secs}s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`build: ${err.message}`);
    process.exitCode = 1;
  });
}
