// The lines of a batch input, read as a stream: a chunk is pulled only when the scheduler asks for
// the next line, so a million-line file starts at once and memory holds one chunk and one line,
// however long the file. A line longer than the limit is skipped to its end and given as an error
// of its own, not buffered.

/** The longest line kept (a job with large `files` or `stdin`). */
export const MAX_LINE_BYTES = 64 << 20;

export type InputLine = { readonly line: number; readonly text: string } | { readonly line: number; readonly tooLong: true };

/** Each line of `chunks` with its number; blank lines (only spaces) are skipped, a final line
 * without a newline counts. */
export async function* inputLines(chunks: AsyncIterable<Uint8Array>, maxBytes = MAX_LINE_BYTES): AsyncGenerator<InputLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let line = 0;
  const finish = (): InputLine | undefined => {
    line++;
    const text = tooLong ? '' : Buffer.concat(parts, size).toString('utf8');
    const wasLong = tooLong;
    parts = [];
    size = 0;
    tooLong = false;
    if (wasLong) return { line, tooLong: true };
    return text.trim() === '' ? undefined : { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of chunks) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      add(buf.subarray(start, nl));
      const l = finish();
      if (l) yield l;
      start = nl + 1;
    }
    add(buf.subarray(start));
  }
  if (size > 0 || tooLong) {
    const l = finish();
    if (l) yield l;
  }

  function add(piece: Buffer): void {
    if (tooLong || piece.length === 0) return;
    if (size + piece.length > maxBytes) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    // A copy: the chunk's memory is not held for a line that spans chunks.
    parts.push(Buffer.from(piece));
    size += piece.length;
  }
}
