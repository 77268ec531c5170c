// Go's filepath.Match for one path component, as Docker matches COPY sources: `*` (not `/`),
// `?`, `[abc]`, `[a-z]`, `[^…]` (or `[!…]`), and `\` quoting the next character.

export const hasGlob = (text: string) => /[*?[\\]/.test(text);

/** A regular expression for one component; undefined when the pattern is malformed. */
export function componentPattern(pattern: string): RegExp | undefined {
  let out = '^';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '\\') {
      if (i + 1 >= chars.length) return undefined;
      out += escapeRe(chars[++i]!);
    } else if (ch === '[') {
      let j = i + 1;
      let cls = '';
      if (chars[j] === '^' || chars[j] === '!') {
        cls += '^';
        j++;
      }
      let closed = false;
      let first = true;
      for (; j < chars.length; j++) {
        const c = chars[j]!;
        if (c === ']' && !first) {
          closed = true;
          break;
        }
        first = false;
        if (c === '\\') {
          if (j + 1 >= chars.length) return undefined;
          cls += escapeRe(chars[++j]!);
        } else if (c === '-') cls += '-';
        else cls += escapeRe(c);
      }
      if (!closed) return undefined;
      out += `[${cls}]`;
      i = j;
    } else out += escapeRe(ch);
  }
  try {
    return new RegExp(out + '$', 'u');
  } catch {
    return undefined;
  }
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
