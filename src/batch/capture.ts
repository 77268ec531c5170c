// A job's stdout or stderr as its result carries it: the first `limit` bytes kept, the rest read
// and dropped (the command is never blocked on a full pipe), and given as text when the bytes are
// UTF-8, else as {"base64": …}.

export type CapturedText = string | { readonly base64: string };

export class CappedOutput {
  private readonly parts: Buffer[] = [];
  private kept = 0;
  private dropped = false;

  constructor(private readonly limit: number) {}

  readonly add = (chunk: Buffer): void => {
    const room = this.limit - this.kept;
    if (chunk.length > room) this.dropped = true;
    if (room <= 0) return;
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.parts.push(Buffer.from(piece));
    this.kept += piece.length;
  };

  get truncated(): boolean {
    return this.dropped;
  }

  text(): CapturedText {
    let bytes = Buffer.concat(this.parts, this.kept);
    // A cut in the middle of a character is not a reason for base64: the partial one goes.
    if (this.dropped) bytes = bytes.subarray(0, completeUtf8Length(bytes));
    const text = decodeUtf8(bytes);
    return text ?? { base64: bytes.toString('base64') };
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The length of `bytes` without a multi-byte character cut off at its end. */
function completeUtf8Length(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
