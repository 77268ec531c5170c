// Parsing a Dockerfile. dockerfile-ast reads the file's structure — parser directives, the
// escape character, where each instruction starts, its keyword's range — and the code here
// reads each instruction's text by the rules of Docker's parser, for two known faults of
// dockerfile-ast: its JSON arguments lose the spaces inside strings (`["a  b"]`), and a heredoc
// whose delimiter follows a space (`RUN cat << 'EOF'`) is split into instructions
// (rcjsuen/dockerfile-ast#120). So the logical line is joined here (lines.ts), heredoc bodies are
// read here (heredoc-heads.ts), and an instruction dockerfile-ast found inside a body is skipped.

import { DockerfileParser } from 'dockerfile-ast';
import { StrataError } from '../../base/errors.js';
import type { Heredoc, Instruction, ParsedDockerfile } from './instruction.js';
import { heredocHeads } from './heredoc-heads.js';
import { heredocBodies, logicalLine } from './lines.js';
import { blankWords, extractFlags, jsonArray, quotedWords, splitFirst } from './words.js';

/** The error every Dockerfile problem becomes: `Dockerfile:LINE: …`. */
export function dockerfileError(line: number, message: string, cause?: unknown): StrataError {
  return new StrataError(`Dockerfile:${line}: ${message}`, cause === undefined ? {} : { cause });
}

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

export function parseDockerfile(text: string): ParsedDockerfile {
  const source = text.replace(/^\uFEFF/, '');
  const ast = DockerfileParser.parse(source);
  let escape = '\\';
  const warnings: string[] = [];
  for (const d of ast.getDirectives()) {
    const name = d.getName()?.toLowerCase();
    const value = d.getValue() ?? '';
    if (name === 'syntax') warnings.push(`the syntax directive (${value}) is ignored: strata reads the Dockerfile itself`);
    if (name === 'escape') escape = escapeOf(value, d.getRange().start.line + 1);
  }
  const lines = source.split(/\r?\n/);
  const instructions: Instruction[] = [];
  let consumed = -1;
  for (const found of ast.getInstructions()) {
    const start = found.getRange().start.line;
    if (start <= consumed) continue;
    const logical = logicalLine(lines, start, escape);
    let end = logical.end;
    let heredocs: Heredoc[] = [];
    const keyword = keywordOf(logical.text);
    if (HEREDOC_KEYWORDS.has(keyword) || (keyword === 'ONBUILD' && HEREDOC_KEYWORDS.has(keywordOf(splitFirst(logical.text.trim())[1] ?? '')))) {
      const heads = heredocHeads(logical.text);
      if (heads.length > 0) {
        const bodies = heredocBodies(lines, logical.end, heads);
        if (!bodies) throw dockerfileError(start + 1, 'unterminated heredoc');
        heredocs = bodies.docs;
        end = bodies.end;
      }
    }
    if (logical.emptyContinuation) warnings.push(`Dockerfile:${start + 1}: empty continuation line (an error in a future Docker)`);
    consumed = end;
    instructions.push(instructionOf(logical.text, start + 1, end + 1, escape, heredocs));
  }
  if (instructions.length === 0) throw new StrataError('Dockerfile: the file has no instructions');
  return { instructions, escape, warnings };
}

/** Docker reads the directive's first character; only a backslash or a backquote can be one
 * (dockerfile-ast rejects `# escape=``` as a whole, which Docker's parser takes as a backquote). */
function escapeOf(value: string, line: number): string {
  const ch = value[0] ?? '';
  if (ch !== '\\' && ch !== '`') throw dockerfileError(line, `invalid escape token ${JSON.stringify(value)} does not match ` + '` or \\');
  return ch;
}

function keywordOf(line: string): string {
  return splitFirst(line.trim())[0].toUpperCase();
}

function instructionOf(text: string, line: number, endLine: number, escape: string, heredocs: Heredoc[]): Instruction {
  const [word, after] = splitFirst(text.trim());
  const keyword = word.toUpperCase();
  const { flags, rest: untrimmed } = after === undefined ? { flags: [], rest: '' } : extractFlags(after);
  const rest = untrimmed.trim();
  try {
    const base = { keyword, line, endLine, flags, heredocs, original: text.trim() };
    if (keyword === 'ONBUILD') {
      if (rest === '') return { ...base, args: [], json: false };
      const trigger = instructionOf(rest, line, endLine, escape, heredocs);
      return { ...base, heredocs: [], args: [], json: false, trigger };
    }
    return { ...base, ...argumentsOf(keyword, rest, escape) };
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw dockerfileError(line, `${keyword}: ${(err as Error).message}`);
  }
}

function argumentsOf(keyword: string, rest: string, escape: string): { args: string[]; json: boolean } {
  switch (keyword) {
    case 'ADD':
    case 'COPY':
    case 'VOLUME': {
      const json = jsonArray(rest);
      return json ? { args: json, json: true } : { args: blankWords(rest), json: false };
    }
    case 'CMD':
    case 'ENTRYPOINT':
    case 'RUN':
    case 'SHELL':
      return maybeJson(rest);
    case 'ENV':
    case 'LABEL':
      return { args: nameValues(keyword, rest, escape), json: false };
    case 'ARG':
      return { args: quotedWords(rest, escape), json: false };
    case 'EXPOSE':
    case 'FROM':
      return { args: blankWords(rest), json: false };
    case 'HEALTHCHECK': {
      const m = /\s/u.exec(rest);
      const sep = m ? m.index : rest.length;
      if (sep === 0) return { args: [], json: false };
      const cmd = maybeJson(rest.slice(sep).replace(/^\s+/u, ''));
      return { args: [rest.slice(0, sep), ...cmd.args], json: cmd.json };
    }
    default:
      // MAINTAINER, STOPSIGNAL, USER, WORKDIR: the text as one word; an unknown keyword's text
      // is kept for nothing but the error its step gives.
      return { args: rest === '' ? [] : [rest], json: false };
  }
}

function maybeJson(rest: string): { args: string[]; json: boolean } {
  if (rest === '') return { args: [], json: false };
  const json = jsonArray(rest);
  return json ? { args: json, json: true } : { args: [rest], json: false };
}

/** ENV and LABEL: `NAME VALUE` (the old form: the rest of the line is the value), or
 * `NAME=VALUE…` words; values keep their quotes until expansion. */
function nameValues(keyword: string, rest: string, escape: string): string[] {
  const words = quotedWords(rest, escape);
  if (words.length === 0) return [];
  if (!words[0]!.includes('=')) {
    const [name, value] = splitFirst(rest);
    if (value === undefined || value === '') throw new Error(`${keyword} must have two arguments`);
    return [name, value];
  }
  return words.flatMap((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) throw new Error(`syntax error - can't find = in ${JSON.stringify(w)}. Must be of the form: name=value`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}
