/**
 * A strict RFC 8259 parser that keeps the position of every value and key.
 *
 * The trust file is reviewed by people and enforced by a tool; `JSON.parse`
 * lets those two disagree (the last of two duplicate keys silently wins) and
 * cannot say where a wrong value sits. This parser refuses duplicates and
 * reports positions so that every complaint about the file can point at it.
 *
 * Positions are 1-based. Columns count Unicode code points, so a character
 * outside the BMP takes one column, like in most editors' status bars.
 */

import type {JsonEntry, JsonNode, Pos} from './jsonTree';

/**
 * Deep enough for any sane document, shallow enough that a hostile one cannot
 * exhaust the call stack and surface as a RangeError instead of a syntax error.
 */
export const MAX_JSON_DEPTH = 256;

export class JsonSyntaxError extends Error {
  override readonly name = `JsonSyntaxError`;

  constructor(readonly reason: string, readonly line: number, readonly column: number) {
    super(`${reason} (line ${line}, column ${column})`);
  }
}

const BOM = 0xfeff;

const SIMPLE_ESCAPES = new Map<string, string>([
  [`"`, `"`],
  [`\\`, `\\`],
  [`/`, `/`],
  [`b`, `\b`],
  [`f`, `\f`],
  [`n`, `\n`],
  [`r`, `\r`],
  [`t`, `\t`],
]);

const isDigit = (c: string | undefined) => c !== undefined && c >= `0` && c <= `9`;
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
const hex4 = (code: number) => code.toString(16).toUpperCase().padStart(4, `0`);

/**
 * Names a character so that invisible or look-alike ones (NBSP, zero-width
 * space, Cyrillic letters) cannot hide inside an error message.
 */
function describeCharacter(codePoint: number): string {
  const ch = String.fromCodePoint(codePoint);
  if (codePoint > 0x20 && codePoint < 0x7f)
    return JSON.stringify(ch);
  if (codePoint > 0xa0 && !(codePoint >= 0x2000 && codePoint <= 0x206f) && codePoint !== BOM && !/\p{C}|\p{Z}/u.test(ch))
    return `${JSON.stringify(ch)} (U+${hex4(codePoint)})`;
  return `U+${hex4(codePoint)}`;
}

class Parser {
  private index = 0;
  private line = 1;
  private column = 1;

  constructor(private readonly text: string) {
    // RFC 8259 lets parsers ignore a BOM; editors on Windows add one, and it
    // cannot change what the file means, so refusing it would only annoy.
    if (text.charCodeAt(0) === BOM) {
      this.index = 1;
    }
  }

  parseDocument(): JsonNode {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.index < this.text.length)
      this.failUnexpected(`the end of input after the JSON value`);
    return value;
  }

  private here(): Pos {
    return {line: this.line, column: this.column};
  }

  private fail(reason: string, pos: Pos = this.here()): never {
    throw new JsonSyntaxError(reason, pos.line, pos.column);
  }

  private failUnexpected(expected: string): never {
    if (this.index >= this.text.length)
      this.fail(`unexpected end of input; expected ${expected}`);
    const codePoint = this.text.codePointAt(this.index)!;
    this.fail(`unexpected character ${describeCharacter(codePoint)}; expected ${expected}`);
  }

  /** Moves over `count` code units known to be single-column ASCII. */
  private advance(count = 1) {
    this.index += count;
    this.column += count;
  }

  private skipWhitespace() {
    const text = this.text;
    while (this.index < text.length) {
      const c = text[this.index];
      if (c === ` ` || c === `\t`) {
        this.advance();
      } else if (c === `\n`) {
        this.index += 1;
        this.line += 1;
        this.column = 1;
      } else if (c === `\r`) {
        // CRLF is one line break; a lone CR (old Mac) is one too.
        this.index += text[this.index + 1] === `\n` ? 2 : 1;
        this.line += 1;
        this.column = 1;
      } else {
        return;
      }
    }
  }

  private parseValue(depth: number): JsonNode {
    const c = this.text[this.index];
    switch (c) {
      case `{`:
        return this.parseObject(depth + 1);
      case `[`:
        return this.parseArray(depth + 1);
      case `"`: {
        const pos = this.here();
        return {kind: `string`, value: this.parseString(), pos};
      }
      case `t`:
        return this.parseLiteral(`true`, {kind: `boolean`, value: true, pos: this.here()});
      case `f`:
        return this.parseLiteral(`false`, {kind: `boolean`, value: false, pos: this.here()});
      case `n`:
        return this.parseLiteral(`null`, {kind: `null`, pos: this.here()});
      default:
        if (c === `-` || isDigit(c))
          return this.parseNumber();
        return this.failUnexpected(`a value`);
    }
  }

  private checkDepth(depth: number) {
    if (depth > MAX_JSON_DEPTH) {
      this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    }
  }

  private parseObject(depth: number): JsonNode {
    this.checkDepth(depth);
    const pos = this.here();
    const entries: Array<JsonEntry> = [];
    // A Map, not an object: keys such as "__proto__" must be plain data here.
    const seen = new Map<string, Pos>();

    this.advance();
    this.skipWhitespace();
    if (this.text[this.index] === `}`) {
      this.advance();
      return {kind: `object`, entries, pos};
    }

    for (;;) {
      if (this.text[this.index] !== `"`)
        this.failUnexpected(`a string key`);

      const keyPos = this.here();
      const key = this.parseString();
      const first = seen.get(key);
      if (first !== undefined)
        this.fail(`duplicate key ${JSON.stringify(key)} (first at line ${first.line})`, keyPos);
      seen.set(key, keyPos);

      this.skipWhitespace();
      if (this.text[this.index] !== `:`)
        this.failUnexpected(`":" after the key`);
      this.advance();
      this.skipWhitespace();

      entries.push({key, keyPos, value: this.parseValue(depth)});

      this.skipWhitespace();
      const c = this.text[this.index];
      if (c === `}`) {
        this.advance();
        return {kind: `object`, entries, pos};
      }
      if (c !== `,`)
        this.failUnexpected(`"," or "}"`);

      const commaPos = this.here();
      this.advance();
      this.skipWhitespace();
      if (this.text[this.index] === `}`) {
        this.fail(`trailing comma in object`, commaPos);
      }
    }
  }

  private parseArray(depth: number): JsonNode {
    this.checkDepth(depth);
    const pos = this.here();
    const items: Array<JsonNode> = [];

    this.advance();
    this.skipWhitespace();
    if (this.text[this.index] === `]`) {
      this.advance();
      return {kind: `array`, items, pos};
    }

    for (;;) {
      items.push(this.parseValue(depth));

      this.skipWhitespace();
      const c = this.text[this.index];
      if (c === `]`) {
        this.advance();
        return {kind: `array`, items, pos};
      }
      if (c !== `,`)
        this.failUnexpected(`"," or "]"`);

      const commaPos = this.here();
      this.advance();
      this.skipWhitespace();
      if (this.text[this.index] === `]`)
        this.fail(`trailing comma in array`, commaPos);
    }
  }

  private parseLiteral(word: string, node: JsonNode): JsonNode {
    for (let k = 0; k < word.length; ++k) {
      if (this.text[this.index] !== word[k])
        this.failUnexpected(JSON.stringify(word));
      this.advance();
    }
    return node;
  }

  private parseNumber(): JsonNode {
    const text = this.text;
    const pos = this.here();
    const start = this.index;

    if (text[this.index] === `-`)
      this.advance();

    if (text[this.index] === `0`) {
      this.advance();
      if (isDigit(text[this.index])) {
        this.fail(`leading zeros are not allowed in numbers`, pos);
      }
    } else if (isDigit(text[this.index])) {
      while (isDigit(text[this.index])) {
        this.advance();
      }
    } else {
      this.failUnexpected(`a digit`);
    }

    if (text[this.index] === `.`) {
      this.advance();
      if (!isDigit(text[this.index]))
        this.failUnexpected(`a digit after the decimal point`);
      while (isDigit(text[this.index])) {
        this.advance();
      }
    }

    if (text[this.index] === `e` || text[this.index] === `E`) {
      this.advance();
      if (text[this.index] === `+` || text[this.index] === `-`)
        this.advance();
      if (!isDigit(text[this.index]))
        this.failUnexpected(`a digit in the exponent`);
      while (isDigit(text[this.index])) {
        this.advance();
      }
    }

    const literal = text.slice(start, this.index);
    const value = Number(literal);
    // JSON.parse would turn 1e400 into Infinity, which no JSON writer can
    // reproduce; refusing it keeps parse and serialize inverse.
    if (!Number.isFinite(value))
      this.fail(`number ${literal} is out of range`, pos);

    return {kind: `number`, value, pos};
  }

  /** Parses a string starting at the opening quote; returns its decoded value. */
  private parseString(): string {
    const text = this.text;
    const startPos = this.here();
    let value = ``;

    this.advance();
    for (;;) {
      if (this.index >= text.length)
        this.fail(`unexpected end of input; unterminated string starting at line ${startPos.line}, column ${startPos.column}`);

      const code = text.charCodeAt(this.index);
      if (code === 0x22) {
        this.advance();
        return value;
      }

      if (code === 0x5c) {
        value += this.parseEscape();
      } else if (code < 0x20) {
        this.fail(`unescaped control character U+${hex4(code)} in string`);
      } else if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(this.index + 1))) {
        value += text.slice(this.index, this.index + 2);
        this.index += 2;
        this.column += 1;
      } else if (isHighSurrogate(code) || isLowSurrogate(code)) {
        // Only reachable with text that did not come from UTF-8; such a string
        // cannot be written back to disk unchanged, so it is not accepted.
        this.fail(`unpaired UTF-16 surrogate U+${hex4(code)} in string`);
      } else {
        value += text[this.index];
        this.advance();
      }
    }
  }

  private parseEscape(): string {
    const text = this.text;
    const escapePos = this.here();
    const c = text[this.index + 1];

    if (c === undefined)
      this.fail(`unexpected end of input in an escape sequence`);

    const simple = SIMPLE_ESCAPES.get(c);
    if (simple !== undefined) {
      this.advance(2);
      return simple;
    }

    if (c !== `u`) {
      const codePoint = text.codePointAt(this.index + 1)!;
      this.fail(`invalid escape sequence: backslash followed by ${describeCharacter(codePoint)}`, escapePos);
    }

    const code = this.readUnicodeEscape(escapePos);
    if (isLowSurrogate(code))
      this.fail(`unpaired UTF-16 surrogate \\u${hex4(code)} in string`, escapePos);
    if (!isHighSurrogate(code))
      return String.fromCharCode(code);

    const lowPos = this.here();
    if (text[this.index] !== `\\` || text[this.index + 1] !== `u`)
      this.fail(`unpaired UTF-16 surrogate \\u${hex4(code)} in string`, escapePos);
    const low = this.readUnicodeEscape(lowPos);
    if (!isLowSurrogate(low))
      this.fail(`unpaired UTF-16 surrogate \\u${hex4(code)} in string`, escapePos);

    return String.fromCharCode(code, low);
  }

  /** Reads `\uXXXX` at the cursor. */
  private readUnicodeEscape(escapePos: Pos): number {
    const digits = this.text.slice(this.index + 2, this.index + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(digits))
      this.fail(`invalid escape sequence: "\\u" must be followed by four hexadecimal digits`, escapePos);
    this.advance(6);
    return parseInt(digits, 16);
  }
}

/** Parses one JSON document; throws `JsonSyntaxError` on anything RFC 8259 forbids, and on duplicate keys. */
export function parseJson(text: string): JsonNode {
  return new Parser(text).parseDocument();
}
