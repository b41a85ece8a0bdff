/**
 * Characters a terminal acts on instead of printing: C0 controls (newline, carriage return,
 * escape, …), DEL, C1 controls, the Unicode line/paragraph separators and the bidirectional
 * overrides and isolates (which reorder what follows on the line).
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` safe to print on a terminal: every character a terminal would act on (a newline, an
 * escape sequence's ESC, a bidi override) is written as an escape (`\n`, `\r`, `\t`, `\x1b`,
 * `\u202e`); everything else is kept. For names that come from the file system or a database
 * (migration folders), which may hold anything.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    const short = SHORT_ESCAPES[ch];
    if (short) return short;
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
