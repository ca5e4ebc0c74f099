import assert from 'node:assert/strict';

import {JsonSyntaxError, MAX_JSON_DEPTH, parseJson} from '../../sources/core/policy/json';
import {type JsonNode, toPlain} from '../../sources/core/policy/jsonTree';

/** Asserts the exact error, position included, so a wrong column fails the test. */
function assertSyntaxError(text: string, reason: string, line: number, column: number) {
  assert.throws(() => parseJson(text), (error: unknown) => {
    assert.ok(error instanceof JsonSyntaxError, `expected a JsonSyntaxError, got ${String(error)}`);
    assert.deepEqual({reason: error.reason, line: error.line, column: error.column}, {reason, line, column});
    assert.equal(error.message, `${reason} (line ${line}, column ${column})`);
    return true;
  });
}

describe(`parseJson`, () => {
  describe(`when the input is a valid document`, () => {
    it(`builds a tree with the 1-based position of every value and key`, () => {
      const text = [
        `{`,
        `  "a": [1, "x"],`,
        `  "b": {"c": null},`,
        `  "d": true, "e": false`,
        `}`,
      ].join(`\n`);

      const expected: JsonNode = {kind: `object`, pos: {line: 1, column: 1}, entries: [
        {key: `a`, keyPos: {line: 2, column: 3}, value: {kind: `array`, pos: {line: 2, column: 8}, items: [
          {kind: `number`, value: 1, pos: {line: 2, column: 9}},
          {kind: `string`, value: `x`, pos: {line: 2, column: 12}},
        ]}},
        {key: `b`, keyPos: {line: 3, column: 3}, value: {kind: `object`, pos: {line: 3, column: 8}, entries: [
          {key: `c`, keyPos: {line: 3, column: 9}, value: {kind: `null`, pos: {line: 3, column: 14}}},
        ]}},
        {key: `d`, keyPos: {line: 4, column: 3}, value: {kind: `boolean`, value: true, pos: {line: 4, column: 8}}},
        {key: `e`, keyPos: {line: 4, column: 14}, value: {kind: `boolean`, value: false, pos: {line: 4, column: 19}}},
      ]};

      assert.deepEqual(parseJson(text), expected);
    });

    it(`keeps object entries in document order, not in engine key order`, () => {
      const node = parseJson(`{"b": 1, "10": 2, "a": 3, "2": 4}`);
      assert.equal(node.kind, `object`);
      assert.deepEqual(node.entries.map(entry => entry.key), [`b`, `10`, `a`, `2`]);
    });

    it(`decodes every escape sequence RFC 8259 defines`, () => {
      const node = parseJson(String.raw`"\" \\ \/ \b \f \n \r \t \u00e9 \u00E9 \ud83d\ude00 \u0000"`);
      assert.deepEqual(node, {kind: `string`, value: `" \\ / \b \f \n \r \t é é 😀 \u0000`, pos: {line: 1, column: 1}});
    });

    it(`reads numbers in every form of the grammar`, () => {
      const values = [`0`, `-0`, `7`, `-12`, `0.25`, `1.5e3`, `1E+2`, `-12E-2`, `123456789012`, `1e308`].map(text => {
        const node = parseJson(text);
        assert.equal(node.kind, `number`);
        return node.value;
      });
      assert.deepEqual(values, [0, -0, 7, -12, 0.25, 1500, 100, -0.12, 123456789012, 1e308]);
      assert.ok(Object.is(values[1], -0));
    });

    it(`accepts scalars at the top level`, () => {
      assert.deepEqual(parseJson(` "x" `), {kind: `string`, value: `x`, pos: {line: 1, column: 2}});
      assert.deepEqual(parseJson(`\n\n  null`), {kind: `null`, pos: {line: 3, column: 3}});
    });

    it(`counts columns in code points, so an emoji takes one column`, () => {
      const node = parseJson(`["😀😀", 1]`);
      assert.equal(node.kind, `array`);
      assert.deepEqual(node.items[1].pos, {line: 1, column: 8});
    });

    it(`counts CRLF, LF and a lone CR as one line break each`, () => {
      const node = parseJson(`[\r\n1,\r2,\n3,\r\n\r\n4]`);
      assert.equal(node.kind, `array`);
      assert.deepEqual(node.items.map(item => item.pos), [
        {line: 2, column: 1},
        {line: 3, column: 1},
        {line: 4, column: 1},
        {line: 6, column: 1},
      ]);
    });

    it(`agrees with JSON.parse on values both accept`, () => {
      const corpus = [
        `{}`, `[]`, `[[[]]]`, `{"a":{"b":{"c":[1,2,{"d":null}]}}}`,
        `{"x": "tab\\there", "y": [true, false, null, -1.25e-3]}`,
        `"\\u2028\\u2029 \\ud834\\udd1e"`,
        `{"": "empty key", " ": "space key"}`,
        ` \t\n\r [ 1 , 2 ] \n`,
        `"中文 ключ"`,
      ];
      for (const text of corpus)
        assert.deepEqual(toPlain(parseJson(text)), JSON.parse(text), text);
    });
  });

  describe(`when the input starts with a byte order mark`, () => {
    it(`ignores it without shifting the columns of what follows`, () => {
      assert.deepEqual(parseJson(`\uFEFF{"a": 1}`), {kind: `object`, pos: {line: 1, column: 1}, entries: [
        {key: `a`, keyPos: {line: 1, column: 2}, value: {kind: `number`, value: 1, pos: {line: 1, column: 7}}},
      ]});
    });

    it(`refuses a second one, or one that is not at the very start`, () => {
      assertSyntaxError(`\uFEFF\uFEFF{}`, `unexpected character U+FEFF; expected a value`, 1, 1);
      assertSyntaxError(` \uFEFF{}`, `unexpected character U+FEFF; expected a value`, 1, 2);
    });
  });

  describe(`when the input is empty`, () => {
    it(`reports an unexpected end of input`, () => {
      assertSyntaxError(``, `unexpected end of input; expected a value`, 1, 1);
      assertSyntaxError(`  \n `, `unexpected end of input; expected a value`, 2, 2);
    });
  });

  describe(`when an object has a duplicate key`, () => {
    it(`refuses the second occurrence, pointing at it and naming the line of the first`, () => {
      const text = [
        `{`,
        `  "name": "reviewed",`,
        `  "other": 1,`,
        `  "name": "sneaky"`,
        `}`,
      ].join(`\n`);
      assertSyntaxError(text, `duplicate key "name" (first at line 2)`, 4, 3);
    });

    it(`compares decoded keys, so an escaped spelling is still a duplicate`, () => {
      assertSyntaxError(`{"ab": 1,\n "\\u0061b": 2}`, `duplicate key "ab" (first at line 1)`, 2, 2);
    });

    it(`treats "__proto__" as an ordinary key`, () => {
      assertSyntaxError(`{"__proto__": 1, "__proto__": 2}`, `duplicate key "__proto__" (first at line 1)`, 1, 18);
    });

    it(`allows the same key in sibling and nested objects`, () => {
      assert.deepEqual(toPlain(parseJson(`{"a": {"a": 1}, "b": {"a": 2}}`)), {a: {a: 1}, b: {a: 2}});
    });

    it(`quotes the key so that an invisible character shows`, () => {
      assertSyntaxError(`{"a\\u0007": 1, "a\\u0007": 2}`, `duplicate key "a\\u0007" (first at line 1)`, 1, 16);
    });
  });

  describe(`when a container has a trailing comma`, () => {
    it(`points at the comma of an object`, () => {
      assertSyntaxError(`{"a": 1,\n}`, `trailing comma in object`, 1, 8);
    });

    it(`points at the comma of an array`, () => {
      assertSyntaxError(`[1, 2 , ]`, `trailing comma in array`, 1, 7);
    });

    it(`refuses an empty element between commas`, () => {
      assertSyntaxError(`[1,,2]`, `unexpected character ","; expected a value`, 1, 4);
      assertSyntaxError(`{"a":1,,"b":2}`, `unexpected character ","; expected a string key`, 1, 8);
    });
  });

  describe(`when a string is malformed`, () => {
    it(`refuses an unknown escape, pointing at the backslash`, () => {
      assertSyntaxError(`["ok", "a\\xb"]`, `invalid escape sequence: backslash followed by "x"`, 1, 10);
      assertSyntaxError(`"\\'"`, `invalid escape sequence: backslash followed by "'"`, 1, 2);
    });

    it(`refuses a \\u escape without four hexadecimal digits`, () => {
      const reason = `invalid escape sequence: "\\u" must be followed by four hexadecimal digits`;
      assertSyntaxError(`"ab\\u12G4"`, reason, 1, 4);
      assertSyntaxError(`"\\u12"`, reason, 1, 2);
      assertSyntaxError(`"\\u+123"`, reason, 1, 2);
    });

    it(`refuses unescaped control characters, naming them`, () => {
      assertSyntaxError(`{"a": "x\ty"}`, `unescaped control character U+0009 in string`, 1, 9);
      assertSyntaxError(`[\n  "line\nbreak"]`, `unescaped control character U+000A in string`, 2, 8);
      assertSyntaxError(`"\u0000"`, `unescaped control character U+0000 in string`, 1, 2);
    });

    it(`accepts DEL and other non-C0 characters unescaped`, () => {
      assert.deepEqual(toPlain(parseJson(`"\u007f\u0085\u2028"`)), `\u007f\u0085\u2028`);
    });

    it(`refuses unpaired surrogates, escaped or raw`, () => {
      assertSyntaxError(`"x\\ud800"`, `unpaired UTF-16 surrogate \\uD800 in string`, 1, 3);
      assertSyntaxError(`"\\udc00\\ud800"`, `unpaired UTF-16 surrogate \\uDC00 in string`, 1, 2);
      assertSyntaxError(`"\\ud800\\u0041"`, `unpaired UTF-16 surrogate \\uD800 in string`, 1, 2);
      assertSyntaxError(`"\\ud800\\n"`, `unpaired UTF-16 surrogate \\uD800 in string`, 1, 2);
      assertSyntaxError(`"ab\ud800"`, `unpaired UTF-16 surrogate U+D800 in string`, 1, 4);
      assertSyntaxError(`"\udc00\ud800"`, `unpaired UTF-16 surrogate U+DC00 in string`, 1, 2);
    });

    it(`refuses a string that never ends`, () => {
      assertSyntaxError(`{"a": "abc`, `unexpected end of input; unterminated string starting at line 1, column 7`, 1, 11);
      assertSyntaxError(`"abc\\`, `unexpected end of input in an escape sequence`, 1, 5);
    });

    it(`refuses single quotes`, () => {
      assertSyntaxError(`{'a': 1}`, `unexpected character "'"; expected a string key`, 1, 2);
    });
  });

  describe(`when a number is malformed`, () => {
    it(`refuses leading zeros`, () => {
      assertSyntaxError(`[01]`, `leading zeros are not allowed in numbers`, 1, 2);
      assertSyntaxError(`-007`, `leading zeros are not allowed in numbers`, 1, 1);
    });

    it(`refuses forms JavaScript accepts but JSON does not`, () => {
      assertSyntaxError(`+1`, `unexpected character "+"; expected a value`, 1, 1);
      assertSyntaxError(`.5`, `unexpected character "."; expected a value`, 1, 1);
      assertSyntaxError(`[1.]`, `unexpected character "]"; expected a digit after the decimal point`, 1, 4);
      assertSyntaxError(`-`, `unexpected end of input; expected a digit`, 1, 2);
      assertSyntaxError(`-x`, `unexpected character "x"; expected a digit`, 1, 2);
      assertSyntaxError(`1e`, `unexpected end of input; expected a digit in the exponent`, 1, 3);
      assertSyntaxError(`1e+`, `unexpected end of input; expected a digit in the exponent`, 1, 4);
      assertSyntaxError(`0x10`, `unexpected character "x"; expected the end of input after the JSON value`, 1, 2);
      assertSyntaxError(`NaN`, `unexpected character "N"; expected a value`, 1, 1);
      assertSyntaxError(`-Infinity`, `unexpected character "I"; expected a digit`, 1, 2);
    });

    it(`refuses a number too large for a double instead of reading Infinity`, () => {
      assertSyntaxError(`{"n": -1e400}`, `number -1e400 is out of range`, 1, 7);
    });
  });

  describe(`when a literal is misspelled`, () => {
    it(`points at the first character that differs`, () => {
      assertSyntaxError(`[tru]`, `unexpected character "]"; expected "true"`, 1, 5);
      assertSyntaxError(`nul`, `unexpected end of input; expected "null"`, 1, 4);
      assertSyntaxError(`True`, `unexpected character "T"; expected a value`, 1, 1);
      assertSyntaxError(`falsey`, `unexpected character "y"; expected the end of input after the JSON value`, 1, 6);
      assertSyntaxError(`undefined`, `unexpected character "u"; expected a value`, 1, 1);
    });
  });

  describe(`when the structure is broken`, () => {
    it(`reports what was expected at the point it went wrong`, () => {
      assertSyntaxError(`{"a" 1}`, `unexpected character "1"; expected ":" after the key`, 1, 6);
      assertSyntaxError(`{"a": 1 "b": 2}`, `unexpected character "\\""; expected "," or "}"`, 1, 9);
      assertSyntaxError(`[1 2]`, `unexpected character "2"; expected "," or "]"`, 1, 4);
      assertSyntaxError(`{a: 1}`, `unexpected character "a"; expected a string key`, 1, 2);
      assertSyntaxError(`{"a": 1]`, `unexpected character "]"; expected "," or "}"`, 1, 8);
      assertSyntaxError(`{"a":`, `unexpected end of input; expected a value`, 1, 6);
      assertSyntaxError(`[1,`, `unexpected end of input; expected a value`, 1, 4);
      assertSyntaxError(`{`, `unexpected end of input; expected a string key`, 1, 2);
      assertSyntaxError(`[`, `unexpected end of input; expected a value`, 1, 2);
      assertSyntaxError(`]`, `unexpected character "]"; expected a value`, 1, 1);
    });

    it(`refuses anything after the top-level value`, () => {
      assertSyntaxError(`{}\n{}`, `unexpected character "{"; expected the end of input after the JSON value`, 2, 1);
      assertSyntaxError(`{} // note`, `unexpected character "/"; expected the end of input after the JSON value`, 1, 4);
    });

    it(`refuses comments`, () => {
      assertSyntaxError(`{\n  // why\n  "a": 1}`, `unexpected character "/"; expected a string key`, 2, 3);
    });

    it(`refuses whitespace that RFC 8259 does not list, naming it by code point`, () => {
      assertSyntaxError(`{"a":\u00a01}`, `unexpected character U+00A0; expected a value`, 1, 6);
      assertSyntaxError(`[1,\u200b2]`, `unexpected character U+200B; expected a value`, 1, 4);
      assertSyntaxError(`[1,\f2]`, `unexpected character U+000C; expected a value`, 1, 4);
      assertSyntaxError(`[\v]`, `unexpected character U+000B; expected a value`, 1, 2);
    });

    it(`shows look-alike letters with their code point`, () => {
      assertSyntaxError(`[\u0430]`, `unexpected character "\u0430" (U+0430); expected a value`, 1, 2);
      assertSyntaxError(`["😀", 😀]`, `unexpected character "😀" (U+1F600); expected a value`, 1, 7);
    });
  });

  describe(`when the nesting is deep`, () => {
    it(`accepts exactly MAX_JSON_DEPTH levels`, () => {
      const text = `${`[`.repeat(MAX_JSON_DEPTH)}${`]`.repeat(MAX_JSON_DEPTH)}`;
      assert.equal(parseJson(text).kind, `array`);
    });

    it(`refuses one more level with a syntax error pointing at the opening bracket`, () => {
      const text = `${`[{"a":`.repeat(MAX_JSON_DEPTH / 2)}[]${`}]`.repeat(MAX_JSON_DEPTH / 2)}`;
      assertSyntaxError(text, `nesting deeper than ${MAX_JSON_DEPTH} levels`, 1, 6 * (MAX_JSON_DEPTH / 2) + 1);
    });

    it(`refuses hostile nesting without overflowing the stack`, () => {
      assertSyntaxError(`[`.repeat(1_000_000), `nesting deeper than ${MAX_JSON_DEPTH} levels`, 1, MAX_JSON_DEPTH + 1);
    });
  });
});

describe(`toPlain`, () => {
  describe(`when given a parsed tree`, () => {
    it(`returns the value without positions`, () => {
      assert.deepEqual(toPlain(parseJson(`{"a": [1, "two", null, true, {"b": false}]}`)), {a: [1, `two`, null, true, {b: false}]});
    });

    it(`keeps "__proto__" as an own key instead of replacing the prototype`, () => {
      const plain = toPlain(parseJson(`{"__proto__": {"polluted": true}}`));
      assert.ok(plain !== null && typeof plain === `object` && !Array.isArray(plain));
      assert.equal(Object.getPrototypeOf(plain), Object.prototype);
      assert.deepEqual(Object.keys(plain), [`__proto__`]);
      assert.equal((plain as {polluted?: boolean}).polluted, undefined);
      assert.deepEqual(Object.getOwnPropertyDescriptor(plain, `__proto__`)?.value, {polluted: true});
    });
  });
});
