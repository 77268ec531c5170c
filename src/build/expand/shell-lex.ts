// Variable expansion in Dockerfile words, by the rules of BuildKit's shell lexer
// (frontend/dockerfile/shell/lex.go): single quotes keep everything, double quotes keep all but
// `$` and the escape character before `"`, `$` or itself; outside quotes the escape character
// makes the next character literal. `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`,
// `${NAME:+word}`, `${NAME+word}`, `${NAME:?msg}`, `${NAME?msg}`, `${NAME#pat}`, `${NAME##pat}`,
// `${NAME%pat}`, `${NAME%%pat}`, `${NAME/pat/repl}`, `${NAME//pat/repl}`. Nothing here runs a
// command: `$(…)` and backquotes are plain text, as in BuildKit.

import { StrataError } from '../../base/errors.js';

export interface LexOptions {
  readonly escape?: string;
  /** Keep quote characters in the result (heredoc detection). */
  readonly rawQuotes?: boolean;
  /** Keep escape characters in the result (heredoc detection). */
  readonly rawEscapes?: boolean;
  /** Leave references to unset variables as written (heredoc detection). */
  readonly skipUnset?: boolean;
  /** Quotes are plain characters (a heredoc body: only `$` and the escape character act). */
  readonly skipQuotes?: boolean;
}

export interface Expanded {
  /** The word with quotes removed and variables replaced. */
  readonly word: string;
  /** The same split on unquoted white space (ProcessWords). */
  readonly words: string[];
  /** Names looked up, set or not: what a step's result depends on. */
  readonly used: ReadonlySet<string>;
}

export type Lookup = (name: string) => string | undefined;

const EOF = -1;
const SPECIAL = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

/** Expand one word (BuildKit's ProcessWord / ProcessWords). Errors are StrataErrors. */
export function expandWord(text: string, env: Lookup, options: LexOptions = {}): Expanded {
  const lex = new Lexer(text, env, options);
  try {
    const { word, words } = lex.until(EOF, options.rawEscapes ?? false);
    return { word, words, used: lex.used };
  } catch (err) {
    if (err instanceof LexError) throw new StrataError(`failed to process ${JSON.stringify(text)}: ${err.message}`);
    throw err;
  }
}

class LexError extends Error {}

/** Words being split on unquoted white space; text from quotes or escapes never splits. */
class Words {
  readonly done: string[] = [];
  private buf = '';
  private inWord = false;
  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.buf.length > 0) this.flush();
    } else this.addRaw(ch);
  }
  addRaw(text: string): void {
    this.buf += text;
    this.inWord = true;
  }
  addString(text: string): void {
    for (const ch of text) this.addChar(ch);
  }
  finish(): string[] {
    if (this.buf.length > 0) this.flush();
    return this.done;
  }
  private flush(): void {
    this.done.push(this.buf);
    this.buf = '';
    this.inWord = false;
  }
}

class Lexer {
  private readonly chars: string[];
  private pos = 0;
  private readonly escape: string;
  private rawEscapes: boolean;
  readonly used = new Set<string>();

  constructor(text: string, private readonly env: Lookup, private readonly options: LexOptions) {
    this.chars = [...text];
    this.escape = options.escape ?? '\\';
    this.rawEscapes = options.rawEscapes ?? false;
  }

  private peek(): string | typeof EOF {
    return this.pos < this.chars.length ? this.chars[this.pos]! : EOF;
  }
  private next(): string | typeof EOF {
    return this.pos < this.chars.length ? this.chars[this.pos++]! : EOF;
  }

  until(stop: string | typeof EOF, rawEscapes: boolean): { word: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let result = '';
      const words = new Words();
      while (this.peek() !== EOF) {
        const ch = this.peek() as string;
        if (stop !== EOF && ch === stop) {
          this.next();
          return { word: result, words: words.finish() };
        }
        if (ch === '$') {
          const value = this.dollar();
          result += value;
          words.addString(value);
        } else if (ch === '<') {
          const value = this.possibleHeredoc();
          result += value;
          words.addRaw(value);
        } else if ((ch === "'" || ch === '"') && !this.options.skipQuotes) {
          const value = ch === "'" ? this.singleQuoted() : this.doubleQuoted();
          result += value;
          words.addRaw(value);
        } else {
          let c = this.next() as string;
          if (c === this.escape) {
            if (this.rawEscapes) {
              words.addRaw(c);
              result += c;
            }
            const n = this.next();
            if (n === EOF) break;
            c = n;
            words.addRaw(c);
          } else words.addChar(c);
          result += c;
        }
      }
      if (stop !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${stop}`);
      return { word: result, words: words.finish() };
    } finally {
      this.rawEscapes = saved;
    }
  }

  private singleQuoted(): string {
    const raw = this.options.rawQuotes ?? false;
    let result = raw ? (this.next() as string) : (this.next(), '');
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return raw ? result + ch : result;
      result += ch;
    }
  }

  private doubleQuoted(): string {
    const raw = this.options.rawQuotes ?? false;
    let result = raw ? (this.next() as string) : (this.next(), '');
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        this.next();
        return raw ? result + '"' : result;
      }
      if (p === '$') {
        result += this.dollar();
        continue;
      }
      let ch = this.next() as string;
      if (ch === this.escape) {
        if (this.rawEscapes) result += ch;
        const after = this.peek();
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.escape) ch = this.next() as string;
      }
      result += ch;
    }
  }

  private lookup(name: string): string | undefined {
    this.used.add(name);
    return this.env(name);
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.name();
      if (name === '') return '$';
      const value = this.lookup(name);
      if (value === undefined && this.options.skipUnset) return '$' + name;
      return value ?? '';
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution');
    const name = this.name();
    let ch = this.next();
    if (ch === EOF) throw new LexError("syntax error: missing '}'");
    let modifier: string = ch;
    if (ch === '}') {
      const value = this.lookup(name);
      if (value === undefined && this.options.skipUnset) return `\${${name}}`;
      return value ?? '';
    }
    let nullIsUnset = false;
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.next();
      modifier += ch === EOF ? '' : ch;
    }
    if (ch === '+' || ch === '-' || ch === '?' || ch === '#' || ch === '%') {
      const patterned = ch === '#' || ch === '%';
      if (nullIsUnset && patterned) throw new LexError(`unsupported modifier (${modifier}) in substitution`);
      const word = this.closing('}', patterned);
      const value = this.lookup(name);
      if (value === undefined && this.options.skipUnset) return `\${${name}${modifier}${word}}`;
      const unset = value === undefined || (nullIsUnset && value === '');
      switch (ch) {
        case '-':
          return unset ? word : value!;
        case '+':
          return unset ? '' : word;
        case '?':
          if (value === undefined) throw new LexError(`${name}: ${word || 'is not allowed to be unset'}`);
          if (unset) throw new LexError(`${name}: ${word || 'is not allowed to be empty'}`);
          return value;
        default: {
          const greedy = word.startsWith(ch);
          const pattern = greedy ? word.slice(1) : word;
          return ch === '%' ? trimSuffix(pattern, value ?? '', greedy) : trimPrefix(pattern, value ?? '', greedy);
        }
      }
    }
    if (ch === '/' && !nullIsUnset) {
      const all = this.peek() === '/';
      if (all) this.next();
      const pattern = this.closing('/', true, "syntax error: missing '/' in ${}");
      const replacement = this.closing('}', true);
      const value = this.lookup(name);
      if (value === undefined && this.options.skipUnset) return `\${${name}/${pattern}/${replacement}}`;
      const re = shellPattern(pattern, true, false, all);
      return (value ?? '').replace(re, () => replacement);
    }
    throw new LexError(`unsupported modifier (${modifier}) in substitution`);
  }

  private closing(stop: string, rawEscapes: boolean, missing = "syntax error: missing '}'"): string {
    try {
      return this.until(stop, rawEscapes).word;
    } catch (err) {
      if (this.peek() === EOF) throw new LexError(missing);
      throw err;
    }
  }

  private name(): string {
    let name = '';
    for (;;) {
      const ch = this.peek();
      if (ch === EOF) return name;
      if (name === '' && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek() as string)) name += this.next();
        return name;
      }
      if (name === '' && SPECIAL.has(ch)) return this.next() as string;
      if (!/^[\p{L}\p{Nd}_]$/u.test(ch)) return name;
      name += this.next();
    }
  }

  /** `<<` followed by blanks is one piece of a word, so `<< EOF` reads as the word `<<EOF`. */
  private possibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let space = '';
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === '\r') space += this.next();
    return '<<' + space;
  }
}

function isSpace(ch: string): boolean {
  return /^\s$/u.test(ch);
}

function isDigit(ch: string): boolean {
  return /^\p{Nd}$/u.test(ch);
}

/** A shell pattern (`*`, `?`, `\` before `*`, `?` or `\`) as a regular expression. */
function shellPattern(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  let out = anchored ? '^' : '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') out += greedy ? '[\\s\\S]*' : '[\\s\\S]*?';
    else if (ch === '?') out += '[\\s\\S]';
    else if (ch === '\\') {
      const n = chars[i + 1];
      if (n === '}' || n === '/') continue;
      if (n !== '*' && n !== '?' && n !== '\\') throw new LexError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${n ?? ''}'`);
      out += '\\' + n;
      i++;
    } else out += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(out, global ? 'gu' : 'u');
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = shellPattern(pattern, greedy, true).exec(value);
  return m ? value.slice(m[0].length) : value;
}

/** Suffixes are matched as prefixes of the reversed text, as BuildKit does. */
function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  const reversed = [...value].reverse().join('');
  return [...trimPrefix(reversePattern(pattern), reversed, greedy)].reverse().join('');
}

function reversePattern(pattern: string): string {
  const chars = [...pattern];
  const out: string[] = new Array(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last;) {
    if (chars[i] === '\\' && i !== last) {
      out[last - i - 1] = '\\';
      out[last - i] = chars[i + 1]!;
      i += 2;
    } else {
      out[last - i] = chars[i]!;
      i++;
    }
  }
  return out.join('');
}
