// Text that comes from images is untrusted: file names, link targets, config strings (created_by,
// Cmd, Env, labels), container commands. Written to a terminal as it is, a name holding
// "\x1b]2;PWNED\x07" sets the window title, "\x1b[2J" clears the screen, and OSC 52 writes the
// clipboard on some terminals. So before such text reaches a terminal, every control character is
// shown as the \xNN escapes of its UTF-8 bytes, as GNU ls quotes names on a terminal: C0 (tab and
// newline too: a name stays on its line, a table cell in its column), DEL, and C1 (U+0080–U+009F,
// which terminals that read 8-bit controls act on: U+009B is CSI). Everything else is printable
// and passes unchanged, so text without controls (nearly all) costs one regular-expression test.
//
// A name shown this way is also how it is typed: `\xNN` is the escape form REF:PATH accepts
// (byte-path.ts: displayPath, unescapePath).

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

/** `text` with its control characters shown as \xNN escapes: safe to write to a terminal. */
export function terminalText(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, escapeControl) : text;
}

function escapeControl(c: string): string {
  const code = c.charCodeAt(0);
  // C1 controls are two bytes in UTF-8 (U+009B is C2 9B): both shown, so the escape is the bytes.
  return code < 0x80 ? hexByte(code) : hexByte(0xc0 | (code >> 6)) + hexByte(0x80 | (code & 0x3f));
}

function hexByte(b: number): string {
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

/** JSON text of `value`, with DEL and the C1 controls written as \u escapes as well as C0 (which
 * JSON.stringify escapes alone): the same value, and nothing in it a terminal would act on. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
