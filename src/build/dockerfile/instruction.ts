// A Dockerfile instruction as the parser leaves it: the words Docker's parser gives each
// instruction (quotes kept where Docker keeps them; variables not yet expanded, which happens per
// step, src/build/expand/), its flags as written, its heredocs, and where it stands in the file.

export interface Heredoc {
  /** The delimiter word, unquoted. */
  readonly name: string;
  /** The body, every line with its newline, leading tabs removed for `<<-`. */
  readonly content: string;
  /** False when the delimiter was quoted: the body is not expanded. */
  readonly expand: boolean;
  /** `<<-`. */
  readonly chomp: boolean;
  /** `3<<EOF`: the descriptor the body is fed to (0 when none is given). */
  readonly fd: number;
}

export interface Instruction {
  /** Upper case: RUN, COPY, … (an unknown one is kept as written, upper-cased). */
  readonly keyword: string;
  /** 1-based lines of the file, first and last (heredoc bodies included). */
  readonly line: number;
  readonly endLine: number;
  /** `--name=value` words before the arguments, as written. */
  readonly flags: readonly string[];
  /** The arguments, by the instruction's form: the JSON array's strings; ENV and LABEL as
   * name, value, name, value…; HEALTHCHECK as its type then its command; else the words. */
  readonly args: readonly string[];
  /** Written in JSON (exec) form. */
  readonly json: boolean;
  readonly heredocs: readonly Heredoc[];
  /** The logical line after continuations are joined, keyword included. */
  readonly original: string;
  /** ONBUILD's instruction. */
  readonly trigger?: Instruction;
}

export interface ParsedDockerfile {
  readonly instructions: readonly Instruction[];
  readonly escape: string;
  /** Notes for the user: `# syntax=` ignored, empty continuation lines. */
  readonly warnings: readonly string[];
}
