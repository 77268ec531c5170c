// Which words of a RUN, COPY or ADD line open heredocs (`<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`,
// `<< "EOF"`), by BuildKit's rule: the line is split into words by the shell lexer keeping quotes
// and escapes, and a word `[fd]<<[-]WORD` opens one; a delimiter with any quoted part keeps its
// body from expansion. The lexer reads `<<` and the blanks after it as one piece of a word, so a
// space before the delimiter (`cat << 'EOF'`) still opens a heredoc.

import { expandWord } from '../expand/shell-lex.js';
import type { HeredocHead } from './lines.js';

const HEREDOC = /^(\d*)<<(-?)\s*([^<]*)$/u;
const none = () => undefined;

export function heredocHeads(line: string): HeredocHead[] {
  if (!line.includes('<<')) return [];
  let words: string[];
  try {
    words = expandWord(line, none, { rawQuotes: true, rawEscapes: true, skipUnset: true }).words;
  } catch {
    // A line the lexer cannot split (an open quote) opens no heredoc; its own step reports it.
    return [];
  }
  const heads: HeredocHead[] = [];
  for (const word of words) {
    const m = HEREDOC.exec(word);
    if (!m || m[3] === '') continue;
    const plain = expandWord(m[3]!, none, { skipUnset: true }).words;
    if (plain.length !== 1) continue;
    const raw = expandWord(m[3]!, none, { skipUnset: true, rawQuotes: true }).words;
    const quotes = (s: string) => (s.match(/['"]/g) ?? []).length;
    heads.push({ name: plain[0]!, expand: quotes(plain[0]!) === quotes(raw[0] ?? ''), chomp: m[2] === '-', fd: m[1] ? Number(m[1]) : 0 });
  }
  return heads;
}
