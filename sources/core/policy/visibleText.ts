/**
 * Text from packages (file contents, script commands, file names) as a
 * terminal may show it: control characters that move the cursor, erase or
 * recolor (CR, ESC, backspace, C1 controls) and the Unicode controls that
 * reorder text (bidi overrides, the "Trojan Source" characters) are written
 * as escapes, so a reviewer sees every byte that runs.
 */

const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = {'\r': `\\r`, '\u001b': `\\e`, '\u0000': `\\0`, '\b': `\\b`, '\f': `\\f`, '\v': `\\v`};

/** `text` with every invisible or cursor-moving character written as an escape (`\r`, `\e`, `\u202e`); tabs and line feeds kept. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, char => NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, `0`)}`);
}

/** The same for one line: a line feed is escaped too, so that the text cannot start a line of its own. */
export function visibleLine(text: string): string {
  return visibleText(text).replace(/\n/g, `\\n`);
}
