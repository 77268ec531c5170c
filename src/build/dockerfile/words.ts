// How Docker's parser splits an instruction's text: builder flags first (`--name=value` up to the
// first word that is not one, or `--`), then per instruction a JSON array, whitespace-separated
// words, or quote-aware words (quotes and escapes kept: expansion removes them later). The rules
// are those of Docker's and BuildKit's parser (frontend/dockerfile/parser/line_parsers.go).

/** Docker's white space between words of an instruction (not newline: lines are joined). */
const BLANKS = /[\t\v\f\r ]+/;

function isSpace(ch: string): boolean {
  return /^\s$/u.test(ch);
}

/** Leading `--flag` words, and the text after them. */
export function extractFlags(line: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < line.length && isSpace(line[pos]!)) pos++;
    if (!line.startsWith('--', pos)) return { flags, rest: line.slice(pos) };
    let word = '';
    let quote = '';
    let blankOk = false;
    for (; pos < line.length; pos++) {
      const ch = line[pos]!;
      if (quote) {
        if (ch === quote) {
          quote = '';
          continue;
        }
        if (ch === '\\' && pos + 1 < line.length) pos++;
        else if (ch === '\\') continue;
        word += line[pos];
        continue;
      }
      if (isSpace(ch)) break;
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === line.length) continue;
        pos++;
      }
      word += line[pos];
    }
    if (word === '--') return { flags, rest: pos < line.length ? line.slice(pos) : '' };
    if (blankOk || word.length > 0) flags.push(word);
    if (pos >= line.length) return { flags, rest: '' };
  }
}

/** Words separated by blanks; quotes group words and stay in them, as does the escape character. */
export function quotedWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  const chars = [...rest];
  let word = '';
  let inWord = false;
  let quote = '';
  let blankOk = false;
  const end = () => {
    if (blankOk || word.length > 0) words.push(word);
    word = '';
    blankOk = false;
    inWord = false;
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (!inWord) {
      if (isSpace(ch)) continue;
      inWord = true;
    }
    if (quote) {
      if (ch === quote) quote = '';
      if (ch === escape && quote !== "'") {
        if (i + 1 === chars.length) {
          quote = '';
          continue;
        }
        word += ch;
        i++;
        word += chars[i];
        continue;
      }
      word += ch;
      continue;
    }
    if (isSpace(ch)) {
      end();
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      blankOk = true;
    }
    if (ch === escape) {
      if (i + 1 === chars.length) continue;
      word += ch;
      i++;
      word += chars[i];
      continue;
    }
    word += ch;
  }
  if (inWord) end();
  return words;
}

/** Words split on blanks alone (FROM, EXPOSE; COPY, ADD and VOLUME when not JSON). */
export function blankWords(rest: string): string[] {
  return rest === '' ? [] : rest.split(BLANKS);
}

/** Split at the first run of blanks. */
export function splitFirst(rest: string): [string, string | undefined] {
  const m = BLANKS.exec(rest);
  return m ? [rest.slice(0, m.index), rest.slice(m.index + m[0].length)] : [rest, undefined];
}

export const NOT_STRINGS = 'when using JSON array syntax, arrays must be comprised of strings only';

/** A JSON array of strings, or undefined when the text is not a JSON array. Throws NOT_STRINGS
 * for an array holding anything else, as Docker does. Parsed by JSON.parse, so what is inside the
 * strings — spaces included — is kept exactly. */
export function jsonArray(rest: string): string[] | undefined {
  const text = rest.replace(/^\s+/u, '');
  if (!text.startsWith('[')) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(firstJsonValue(text));
  } catch {
    return undefined;
  }
  if (!Array.isArray(doc)) return undefined;
  if (!doc.every((v) => typeof v === 'string')) throw new Error(NOT_STRINGS);
  return doc as string[];
}

/** Go's json.Decoder reads the first value and ignores what follows it: the text up to the
 * bracket that closes the array (strings and their escapes skipped). */
function firstJsonValue(text: string): string {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return text.slice(0, i + 1);
    }
  }
  return text;
}
