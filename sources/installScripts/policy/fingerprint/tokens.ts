/**
 * The tokens of a JavaScript text, read the way an engine reads them: comments
 * dropped, strings and identifiers with their escapes decoded, template
 * literals split at their `${`, and a `/` read as a regular expression or a
 * division from what comes before it (the parenthesis of an `if`, the brace of
 * a block or of an object). The checks that must not miss a spelling read
 * these tokens instead of the text, so that a comment, an escape or a quote
 * inside a regular expression cannot hide a name from them.
 *
 * What this reader cannot read as an engine would (a string or regular
 * expression cut by a line break, an unclosed comment or template, an
 * HTML-like comment, whose meaning depends on how Node loads the file) is
 * reported in `errors`; a check then cannot vouch for the text.
 */

export type TokenKind = `name` | `string` | `template` | `number` | `regex` | `punct`;

export interface Token {
  kind: TokenKind;
  /**
   * `name`: the identifier or keyword, escapes decoded; `string`: the decoded
   * value; `template`: the decoded text of one piece (see `part`); `punct`:
   * the punctuator; `number`, `regex`: the text as written.
   */
  value: string;
  /** For templates: `whole` (no `${`), or the `head`, a `middle` or the `tail` around substitutions. */
  part?: `whole` | `head` | `middle` | `tail`;
  start: number;
  end: number;
}

export interface Tokens {
  tokens: Array<Token>;
  /** What was not read as an engine would, with its offset. */
  errors: Array<string>;
}

const PUNCTUATORS = [
  `>>>=`, `...`, `===`, `!==`, `**=`, `<<=`, `>>=`, `>>>`, `&&=`, `||=`, `??=`,
  `=>`, `==`, `!=`, `<=`, `>=`, `&&`, `||`, `??`, `?.`, `++`, `--`, `+=`, `-=`, `*=`, `/=`, `%=`, `&=`, `|=`, `^=`, `**`, `<<`, `>>`,
];

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** What may start a name: an ASCII letter, `_`, `$`, a backslash (an escape), or any character beyond ASCII. */
function startsName(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x24 || code === 0x5c || code >= 0x80;
}

const PUNCTUATORS_BY_FIRST = new Map<string, Array<string>>();
for (const punct of PUNCTUATORS)
  PUNCTUATORS_BY_FIRST.set(punct[0], [...PUNCTUATORS_BY_FIRST.get(punct[0]) ?? [], punct]);

/** Keywords after which a `/` starts a regular expression (an operand is expected). */
/** Statements that take no expression: a slash after them (or after their label) starts a regular expression. */
const STATEMENT_ENDERS = new Set([`break`, `continue`, `debugger`]);
const OPERAND_AFTER = new Set([`return`, `typeof`, `instanceof`, `in`, `of`, `new`, `delete`, `void`, `throw`, `case`, `do`, `else`, `yield`, `await`, `extends`, `default`]);
/** How much of a line after an ambiguous slash is read both ways. */
const SLASH_WINDOW = 65_536;

/** Words that are keywords in some places and names in others (`var of`, `var await` in a script). */
const CONTEXTUAL_WORDS = new Set([`of`, `await`, `yield`, `let`, `async`, `static`, `get`, `set`]);
/** Keywords whose parenthesised head is followed by a statement, not an operator. */
const CONTROL_HEADS = new Set([`if`, `while`, `for`, `with`]);
/** Keywords that start a clause of a `switch`, ended by a `:`. */
const CLAUSE_WORDS = new Set([`case`, `default`]);
/** Keywords before a `{` that opens a block. */
const BLOCK_AFTER = new Set([`else`, `do`, `try`, `finally`]);

// `1..constructor` is the number `1.` and a member: a number never swallows what follows it.
const NUMBER = /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?)n?/y;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const IDENTIFIER_PART = /[\w$\u0080-\uffff\\\u200c\u200d]/;
const WHITESPACE = /[\s\ufeff]/;

/** What a bracket opened, as a small number (no object per bracket on this hot path). */
const enum Opened {Paren, ControlParen, Bracket, ObjectBrace, BlockBrace, Substitution}

export function tokenize(code: string): Tokens {
  return tokenizeFrom(code, 0, null);
}

/**
 * The tokens of `code` from `from` on; `firstSlash` forces how a slash at
 * `from` is read (to read the rest of a line both ways).
 */
function tokenizeFrom(code: string, from: number, firstSlash: `regex` | `division` | null, around: ReadonlyArray<Opened> = []): Tokens {
  const tokens: Array<Token> = [];
  const errors: Array<string> = [];
  // What is open around `from`: a reading of the rest of a line inside a
  // template's `${…}` goes on with the template at its `}` (outside attack
  // round 68, A2).
  const opened: Array<Opened> = [...around];
  /** What the last `)` or `}` closed, for the `/` right after it. */
  let lastClosed: Opened | undefined;
  /**
   * The `case` clauses whose `:` is still to come (the depth of brackets at
   * their `case`, and the conditionals opened in their expression), and the
   * token index of the last `:` that ends a `case`, `default` or a label: a
   * `{` after it opens a block (outside attack round 70, A1).
   */
  const cases: Array<{depth: number, conditionals: number}> = [];
  let statementColon = -1;
  let index = from;
  // A hashbang line is a comment, also after a byte order mark, which Node
  // drops first (an ES module: outside attack round 68, A1).
  if (from === 0 && code.charCodeAt(0) === 0xfeff)
    index = 1;
  if (from === 0 && code.startsWith(`#!`, index))
    index = lineEnd(code, index);

  const previous = () => tokens.length === 0 ? null : tokens[tokens.length - 1];
  /** A keyword, not a member named like one (`a.if`, `x.return`). */
  const keyword = (at: number, words: ReadonlySet<string>) => tokens[at]?.kind === `name` && words.has(tokens[at].value) && !(at > 0 && tokens[at - 1].kind === `punct` && (tokens[at - 1].value === `.` || tokens[at - 1].value === `?.`));
  /**
   * Whether what comes before a slash may be read either way: a `}` (a
   * block, or a class, function or object expression), a word that is a
   * keyword only in some places (`of`, `await`, `yield`, `let`), `++`/`--`.
   */
  const ambiguousSlash = (): boolean => {
    const last = previous();
    if (last === null || tokens.length - 1 < 0)
      return false;
    if (last.kind === `name`)
      return CONTEXTUAL_WORDS.has(last.value) && keyword(tokens.length - 1, CONTEXTUAL_WORDS);
    return last.kind === `punct` && (last.value === `}` || last.value === `++` || last.value === `--`);
  };
  const regexAllowed = (): boolean => {
    const last = previous();
    if (last === null)
      return true;
    if (last.kind === `name`) {
      // `break label` and `continue label` end their statement: what follows starts another.
      if (keyword(tokens.length - 2, STATEMENT_ENDERS))
        return true;
      return keyword(tokens.length - 1, OPERAND_AFTER) || keyword(tokens.length - 1, STATEMENT_ENDERS);
    }
    // Right after `${`, an expression starts.
    if (last.kind === `template`)
      return last.part === `head` || last.part === `middle`;
    if (last.kind !== `punct`)
      return false;
    if (last.value === `)`)
      return lastClosed === Opened.ControlParen;
    if (last.value === `}`)
      return lastClosed === Opened.BlockBrace;
    return last.value !== `]` && last.value !== `++` && last.value !== `--`;
  };
  /**
   * How a slash at `at` is read. Where what comes before it may be read
   * either way, the rest of its line is read both ways: a reading that
   * cuts a string or regular expression is no reading an engine accepts;
   * two readings that both stand and differ in the names, strings or
   * constructs they open make the text unreadable here.
   */
  const slashStartsRegex = (at: number): boolean => {
    const guess = regexAllowed();
    if (firstSlash !== null || !ambiguousSlash())
      return guess;
    const end = lineEnd(code, at);
    // A line of a minified file may be long: read up to a window of it; what the window cuts is left open, not wrong.
    const truncated = at + SLASH_WINDOW < end;
    // The line with its line break, so that a string or expression the break cuts is read as cut.
    const line = code.slice(0, truncated ? at + SLASH_WINDOW : end + 1);
    const asRegex = tokenizeFrom(line, at, `regex`, opened);
    const asDivision = tokenizeFrom(line, at, `division`, opened);
    // A template or comment may go on over the next lines; in a window, anything may.
    // So may a string: a backslash before the line break continues it, and
    // U+2028 and U+2029 stand in it (outside attack round 66, A1); a string the
    // line break itself cuts is "cut by a line break", which no reading survives.
    // Node reads `<!--` as a comment in a script: a reading with one stands.
    const goesOn = end < code.length;
    const stands = (reading: Tokens) => reading.errors.every(error => error.startsWith(`an HTML-like comment`) || (truncated ? error.startsWith(`an unclosed`) : /^an unclosed (?:template|comment)/.test(error) || (goesOn && error.startsWith(`an unclosed string`))));
    if (stands(asRegex) !== stands(asDivision))
      return stands(asRegex);
    if (stands(asRegex) && (lineSignature(asRegex) !== lineSignature(asDivision) || truncated))
      errors.push(`a slash that may be read as a division or a regular expression, with other code either way, at ${at}`);
    return guess;
  };
  const braceOpensBlock = (): boolean => {
    const last = previous();
    if (last === null)
      return true;
    if (last.kind === `name`)
      return BLOCK_AFTER.has(last.value) || !OPERAND_AFTER.has(last.value);
    if (last.kind !== `punct`)
      return false;
    return last.value === `;` || last.value === `{` || last.value === `}` || last.value === `)` || last.value === `=>` || statementColon === tokens.length - 1;
  };
  /** Whether a `:` at this point ends a `case` or `default` clause, or a label (`name:` at the start of a statement in a block). */
  const endsClauseOrLabel = (): boolean => {
    const clause = cases[cases.length - 1];
    if (clause !== undefined && clause.depth === opened.length) {
      if (clause.conditionals > 0) {
        clause.conditionals--;
        return false;
      }
      cases.pop();
      return true;
    }
    const last = previous();
    if (last === null || last.kind !== `name`)
      return false;
    if (keyword(tokens.length - 1, CLAUSE_WORDS))
      return true;
    const around = opened.length === 0 ? Opened.BlockBrace : opened[opened.length - 1];
    const before = tokens.length < 2 ? null : tokens[tokens.length - 2];
    return around === Opened.BlockBrace && (before === null || (before.kind === `punct` && (before.value === `;` || before.value === `{` || before.value === `}`)) || statementColon === tokens.length - 2);
  };

  while (index < code.length) {
    const code0 = code.charCodeAt(index);
    // Spaces, tabs and line breaks first: most of a text.
    if (code0 === 0x20 || code0 === 0x0a || code0 === 0x09 || code0 === 0x0d || (code0 > 0x7e && WHITESPACE.test(code[index])) || code0 === 0x0b || code0 === 0x0c) {
      index++;
      continue;
    }
    const char = code[index];
    const start = index;
    if (char === `/` && code[index + 1] === `/`) {
      index = lineEnd(code, index);
      continue;
    }
    if (char === `/` && code[index + 1] === `*`) {
      const end = code.indexOf(`*/`, index + 2);
      if (end === -1) {
        errors.push(`an unclosed comment at ${index}`);
        break;
      }
      index = end + 2;
      continue;
    }
    // Node reads `<!--` (and `-->` at a line's start) as a comment in a script, not in a module.
    if (code.startsWith(`<!--`, index) || (code.startsWith(`-->`, index) && atLineStart(code, tokens, index))) {
      errors.push(`an HTML-like comment at ${index}`);
      index = lineEnd(code, index);
      continue;
    }
    if (char === `'` || char === `"`) {
      const read = readString(code, index, char);
      if (read.error !== null)
        errors.push(`${read.error} at ${index}`);
      tokens.push({kind: `string`, value: read.value, start, end: read.end});
      index = read.end;
      continue;
    }
    if (char === `\``) {
      index = readTemplate(code, index + 1, start, `head`, tokens, errors, opened);
      continue;
    }
    if (char === `}` && opened.length > 0 && opened[opened.length - 1] === Opened.Substitution) {
      opened.pop();
      index = readTemplate(code, index + 1, start, `middle`, tokens, errors, opened);
      continue;
    }
    if (isDigit(code0) || (code0 === 0x2e && isDigit(code.charCodeAt(index + 1)))) {
      NUMBER.lastIndex = index;
      NUMBER.test(code);
      const end = Math.max(NUMBER.lastIndex, index + 1);
      tokens.push({kind: `number`, value: code.slice(start, end), start, end});
      index = end;
      continue;
    }
    // A private name (`#return`, `#if`) is one name, never a keyword.
    const isPrivate = code0 === 0x23 && startsName(code.charCodeAt(index + 1));
    if (isPrivate || startsName(code0)) {
      const read = readName(code, isPrivate ? index + 1 : index);
      if (read.error !== null)
        errors.push(`${read.error} at ${index}`);
      tokens.push({kind: `name`, value: isPrivate ? `#${read.value}` : read.value, start, end: read.end});
      if (!isPrivate && read.value === `case` && keyword(tokens.length - 1, CLAUSE_WORDS))
        cases.push({depth: opened.length, conditionals: 0});
      index = read.end;
      continue;
    }
    if (char === `/` && index === from && firstSlash !== null ? firstSlash === `regex` : char === `/` && slashStartsRegex(index)) {
      const end = regexEnd(code, index);
      if (end === null) {
        errors.push(`${lineEnd(code, index) >= code.length ? `an unclosed regular expression` : `a regular expression cut by a line break`} at ${index}`);
        index = lineEnd(code, index);
        continue;
      }
      tokens.push({kind: `regex`, value: code.slice(start, end), start, end});
      index = end;
      continue;
    }
    let punct = char;
    const candidates = PUNCTUATORS_BY_FIRST.get(char);
    if (candidates !== undefined) {
      for (const candidate of candidates) {
        if (code.startsWith(candidate, index)) {
          punct = candidate;
          break;
        }
      }
    }
    // `a?.5:b` is a conditional with the number .5.
    if (punct === `?.` && /[0-9]/.test(code[index + 2] ?? ``))
      punct = `?`;
    if (punct === `(`) {
      // `for await (…)` is a loop's head too.
      const head = tokens[tokens.length - 1]?.value === `await` && keyword(tokens.length - 2, CONTROL_HEADS) ? tokens.length - 2 : tokens.length - 1;
      opened.push(keyword(head, CONTROL_HEADS) ? Opened.ControlParen : Opened.Paren);
    } else if (punct === `[`) {
      opened.push(Opened.Bracket);
    } else if (punct === `{`) {
      opened.push(braceOpensBlock() ? Opened.BlockBrace : Opened.ObjectBrace);
    } else if (punct === `)` || punct === `]` || punct === `}`) {
      lastClosed = opened.pop();
      // No engine reads a bracket closed that is not the one open: a reading
      // with one is no reading (outside attack round 70, A1).
      if (!closes(punct, lastClosed))
        errors.push(`a ${punct} that closes no bracket open before it at ${index}`);
    } else if (punct === `?` && cases.length > 0 && cases[cases.length - 1].depth === opened.length) {
      cases[cases.length - 1].conditionals++;
    } else if (punct === `:` && endsClauseOrLabel()) {
      statementColon = tokens.length;
    }
    tokens.push({kind: `punct`, value: punct, start, end: index + punct.length});
    index += punct.length;
  }
  if (opened.includes(Opened.Substitution))
    errors.push(`an unclosed template literal`);
  return {tokens, errors};
}

/** Whether `punct` closes what `opened` names. */
function closes(punct: string, opened: Opened | undefined): boolean {
  if (punct === `)`)
    return opened === Opened.Paren || opened === Opened.ControlParen;
  if (punct === `]`)
    return opened === Opened.Bracket;
  return opened === Opened.ObjectBrace || opened === Opened.BlockBrace;
}

const TO_LINE_END = /[^\n\r\u2028\u2029]*/y;

/** What a reading of a line holds that matters to the checks: its names, strings and templates, and what it leaves open. */
function lineSignature(reading: Tokens): string {
  return JSON.stringify([reading.tokens.filter(token => token.kind !== `punct` && token.kind !== `number` && token.kind !== `regex`).map(token => `${token.kind}:${token.value}`), reading.errors.map(error => error.replace(/ at \d+$/, ``)), bracketBalance(reading.tokens)]);
}

/** How many brackets a reading opens less the ones it closes: two readings that end at another depth differ (outside attack round 70, A1). */
function bracketBalance(tokens: ReadonlyArray<Token>): number {
  let balance = 0;
  for (const token of tokens) {
    if (token.kind === `punct`)
      balance += token.value === `(` || token.value === `[` || token.value === `{` ? 1 : token.value === `)` || token.value === `]` || token.value === `}` ? -1 : 0;
    else if (token.kind === `template`)
      balance += token.part === `head` ? 1 : token.part === `tail` ? -1 : 0;
  }
  return balance;
}

function lineEnd(code: string, from: number): number {
  TO_LINE_END.lastIndex = from;
  TO_LINE_END.test(code);
  return TO_LINE_END.lastIndex;
}

/** Whether only white space and comments come before `index` on its line (where `-->` opens a comment in a script). */
function atLineStart(code: string, tokens: Array<Token>, index: number): boolean {
  const last = tokens.length === 0 ? null : tokens[tokens.length - 1];
  const from = last === null ? 0 : last.end;
  return last === null || LINE_TERMINATOR.test(code.slice(from, index));
}

/** One escape sequence at `at` (the backslash): the text it stands for and where it ends. */
function readEscape(code: string, at: number): {text: string, end: number, error: string | null} {
  const next = code[at + 1] ?? ``;
  if (next === `\r` && code[at + 2] === `\n`)
    return {text: ``, end: at + 3, error: null};
  if (LINE_TERMINATOR.test(next))
    return {text: ``, end: at + 2, error: null};
  if (next === `u`) {
    const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(code.slice(at + 2, at + 10));
    if (braced !== null) {
      const point = parseInt(braced[1], 16);
      return point <= 0x10ffff ? {text: String.fromCodePoint(point), end: at + 2 + braced[0].length, error: null} : {text: ``, end: at + 2 + braced[0].length, error: `an escape out of range`};
    }
    const four = /^[0-9a-fA-F]{4}/.exec(code.slice(at + 2, at + 6));
    return four !== null ? {text: String.fromCharCode(parseInt(four[0], 16)), end: at + 6, error: null} : {text: ``, end: at + 2, error: `a malformed \\u escape`};
  }
  if (next === `x`) {
    const two = /^[0-9a-fA-F]{2}/.exec(code.slice(at + 2, at + 4));
    return two !== null ? {text: String.fromCharCode(parseInt(two[0], 16)), end: at + 4, error: null} : {text: ``, end: at + 2, error: `a malformed \\x escape`};
  }
  // Legacy octal escapes of sloppy-mode strings: `\145` is `e`.
  const octal = /^[0-7]{1,3}/.exec(code.slice(at + 1, at + 4));
  if (octal !== null) {
    let digits = octal[0];
    while (parseInt(digits, 8) > 0o377)
      digits = digits.slice(0, -1);
    return {text: String.fromCharCode(parseInt(digits, 8)), end: at + 1 + digits.length, error: null};
  }
  const simple: Record<string, string> = {n: `\n`, r: `\r`, t: `\t`, b: `\b`, f: `\f`, v: `\v`};
  return {text: simple[next] ?? next, end: at + 2, error: null};
}

const STRING_CHUNK = {[`'`]: /[^'\\\n\r]+/y, [`"`]: /[^"\\\n\r]+/y} as Record<string, RegExp>;

function readString(code: string, from: number, quote: string): {value: string, end: number, error: string | null} {
  let value = ``;
  let index = from + 1;
  const chunk = STRING_CHUNK[quote];
  while (index < code.length) {
    chunk.lastIndex = index;
    if (chunk.test(code)) {
      value += code.slice(index, chunk.lastIndex);
      index = chunk.lastIndex;
      continue;
    }
    const char = code[index];
    if (char === quote)
      return {value, end: index + 1, error: null};
    if (char === `\\`) {
      const escape = readEscape(code, index);
      value += escape.text;
      index = escape.end;
      continue;
    }
    // U+2028 and U+2029 may stand in a string; other line breaks end the file's reading.
    if (char === `\n` || char === `\r`)
      return {value, end: index, error: `a string cut by a line break`};
    value += char;
    index++;
  }
  return {value, end: index, error: `an unclosed string`};
}

const TEMPLATE_CHUNK = /[^`\\$]+/y;

/** Reads a template piece from `from` (after its opening backtick or `}`); pushes its token, and opens a substitution at `${`. */
function readTemplate(code: string, from: number, start: number, first: `head` | `middle`, tokens: Array<Token>, errors: Array<string>, opened: Array<Opened>): number {
  let value = ``;
  let index = from;
  while (index < code.length) {
    TEMPLATE_CHUNK.lastIndex = index;
    if (TEMPLATE_CHUNK.test(code)) {
      value += code.slice(index, TEMPLATE_CHUNK.lastIndex);
      index = TEMPLATE_CHUNK.lastIndex;
      continue;
    }
    const char = code[index];
    if (char === `\``) {
      tokens.push({kind: `template`, value, part: first === `head` ? `whole` : `tail`, start, end: index + 1});
      return index + 1;
    }
    if (char === `$` && code[index + 1] === `{`) {
      tokens.push({kind: `template`, value, part: first, start, end: index + 2});
      opened.push(Opened.Substitution);
      return index + 2;
    }
    if (char === `\\`) {
      const escape = readEscape(code, index);
      value += escape.text;
      index = escape.end;
      continue;
    }
    value += char;
    index++;
  }
  errors.push(`an unclosed template literal at ${start}`);
  tokens.push({kind: `template`, value, part: first === `head` ? `whole` : `tail`, start, end: index});
  return index;
}

const ASCII_NAME = /[A-Za-z_$][\w$]*/y;
const PLAIN_NAME = /[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/y;

function readName(code: string, from: number): {value: string, end: number, error: string | null} {
  // Most names are ASCII, with no escape.
  ASCII_NAME.lastIndex = from;
  if (ASCII_NAME.test(code)) {
    const end = ASCII_NAME.lastIndex;
    const next = code.charCodeAt(end);
    if (next !== 0x5c && !(next >= 0x80))
      return {value: code.slice(from, end), end, error: null};
  }
  // Then names with characters beyond ASCII, none of them white space.
  PLAIN_NAME.lastIndex = from;
  if (PLAIN_NAME.test(code)) {
    const end = PLAIN_NAME.lastIndex;
    const next = code.charCodeAt(end);
    const text = code.slice(from, end);
    if (next !== 0x5c && !/[\s\ufeff]/.test(text))
      return {value: text, end, error: null};
  }
  let value = ``;
  let index = from;
  let error: string | null = null;
  while (index < code.length && IDENTIFIER_PART.test(code[index]) && !WHITESPACE.test(code[index]) && !LINE_TERMINATOR.test(code[index])) {
    if (code[index] === `\\`) {
      if (code[index + 1] !== `u`) {
        error = `a backslash in an identifier`;
        index++;
        continue;
      }
      const escape = readEscape(code, index);
      error ??= escape.error;
      value += escape.text;
      index = escape.end;
      continue;
    }
    value += code[index];
    index++;
  }
  return {value, end: index, error};
}

/** Where the regular expression literal starting at `from` ends (after its flags), or null when a line break cuts it. */
function regexEnd(code: string, from: number): number | null {
  let index = from + 1;
  let inClass = false;
  while (index < code.length) {
    const char = code[index];
    if (LINE_TERMINATOR.test(char))
      return null;
    if (char === `\\`) {
      index += 2;
      continue;
    }
    if (char === `[`)
      inClass = true;
    else if (char === `]`)
      inClass = false;
    else if (char === `/` && !inClass)
      break;
    index++;
  }
  if (index >= code.length)
    return null;
  index++;
  while (index < code.length && /[\w$]/.test(code[index]))
    index++;
  return index;
}
