// build.mjs's source rewrites that change how a dependency computes, not what: the bundled,
// rewritten functions must return what the originals (imported from node_modules) return.

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize';
import Output from '../../node_modules/ink/build/output.js';
import stringWidth from 'string-width';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO } from '../helpers/cli.js';

interface Rewritten {
  stringWidth: typeof stringWidth;
  styledCharsFromTokens: typeof styledCharsFromTokens;
  styledCharsToString: typeof styledCharsToString;
  tokenize: typeof tokenize;
  Output: typeof Output;
}

const build = (await import(pathToFileURL(join(REPO, 'build.mjs')).href)) as {
  bundleEntry(entry: string, outfile: string, version: string, applied?: Set<{ file: string }>): Promise<unknown>;
};
const dir = mkdtempSync(join(tmpdir(), 'strata-rewrites-'));
const applied = new Set<{ file: string }>();
await build.bundleEntry(join(REPO, 'test', 'build', 'fixtures', 'rewritten-deps.ts'), join(dir, 'deps.cjs'), 'test', applied);
const rewritten = createRequire(import.meta.url)(join(dir, 'deps.cjs')) as Rewritten;
rmSync(dir, { recursive: true });

let seed = 20261128;
const random = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};

test('the rewrites of string-width and ansi-tokenize were applied', () => {
  const files = new Set([...applied].map((r) => r.file));
  assert.ok(files.has('node_modules/string-width/index.js'));
  assert.ok(files.has('node_modules/@alcalzone/ansi-tokenize/build/styledChars.js'));
  assert.ok(files.has('node_modules/ink/build/output.js'));
});

test('stringWidth: every character up to U+02FF, alone and among others, as the original measures it', () => {
  const chars = Array.from({ length: 0x300 }, (_, c) => String.fromCharCode(c));
  const extras = ['\u0301', '\u200b', '\u00b7\u0301', '·', '©\ufe0f', '👍', '界', '\x1b[31m·\x1b[39m', ''];
  const samples = [...chars, ...extras];
  for (let k = 0; k < 2000; k++) samples.push(Array.from({ length: 1 + random(6) }, () => (random(4) === 0 ? extras[random(extras.length)] : chars[0x20 + random(0x2e0)])).join(''));
  for (const s of samples) {
    for (const options of [undefined, { ambiguousIsNarrow: false }, { countAnsiEscapeCodes: true }]) {
      assert.is(rewritten.stringWidth(s, options), stringWidth(s, options), `${JSON.stringify(s)} ${JSON.stringify(options)}`);
    }
  }
});

test('styledCharsToString: styled lines come back as the original writes them', () => {
  const codes = ['\x1b[1m', '\x1b[2m', '\x1b[22m', '\x1b[3m', '\x1b[23m', '\x1b[31m', '\x1b[32m', '\x1b[39m', '\x1b[44m', '\x1b[49m', '\x1b[38;5;200m', '\x1b[0m', '\x1b]8;;https://x\x07', '\x1b]8;;\x07'];
  for (let k = 0; k < 1000; k++) {
    let line = '';
    for (let n = random(40); n > 0; n--) line += random(3) === 0 ? codes[random(codes.length)] : 'ab ·'[random(4)];
    const chars = styledCharsFromTokens(tokenize(line));
    assert.is(rewritten.styledCharsToString(rewritten.styledCharsFromTokens(rewritten.tokenize(line))), styledCharsToString(chars), JSON.stringify(line));
  }
});

test('Output: frames of styled, wide and clipped writes come out as the original draws them', () => {
  const pieces = ['abc', ' ', '\x1b[1mbold\x1b[22m', '\x1b[36m[Images]\x1b[39m', '\x1b[7mrow \x1b[27m', '·', '界', '…', 'x\ny'];
  for (let k = 0; k < 200; k++) {
    const width = 1 + random(30);
    const height = 1 + random(8);
    const ours = new rewritten.Output({ width, height });
    const theirs = new Output({ width, height });
    for (let n = random(12); n > 0; n--) {
      const op = random(8);
      if (op === 0) {
        const clip = { x1: random(width), x2: random(width + 4), y1: random(height), y2: random(height + 2) };
        ours.clip(clip);
        theirs.clip(clip);
      } else if (op === 1) {
        ours.unclip();
        theirs.unclip();
      } else {
        const text = Array.from({ length: 1 + random(4) }, () => pieces[random(pieces.length)]).join('');
        const x = random(width);
        const y = random(height);
        ours.write(x, y, text, { transformers: [] });
        theirs.write(x, y, text, { transformers: [] });
      }
    }
    assert.equal(ours.get(), theirs.get());
  }
});

test.run();
