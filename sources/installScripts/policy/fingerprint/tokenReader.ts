/**
 * A reader of a text's tokens (see `tokens.ts`) for the checks of
 * `processAccess.ts`: brackets paired, what encloses each token, members,
 * keys, assignments, and the names a text declares other than plainly.
 */

import type {Token} from './tokens';

export const ASSIGNMENTS = new Set([`=`, `+=`, `-=`, `*=`, `/=`, `%=`, `**=`, `<<=`, `>>=`, `>>>=`, `&=`, `|=`, `^=`, `&&=`, `||=`, `??=`]);
export const DECLARATIONS = new Set([`const`, `let`, `var`]);
export const DECLARING_KEYWORDS = new Set([...DECLARATIONS, `function`, `class`]);

export class TokenReader {
  /** For each opening bracket, the index of its closing one, and the other way round. */
  readonly partner: Array<number>;
  /** For each token, the index of the innermost bracket open around it, or -1. */
  readonly enclosing: Array<number>;
  /** Names whose uses were read already. */
  readonly checked = new Set<string>();
  /** The calls that start processes (whose options must be read in full): their opening parenthesis, and the function. */
  readonly processCalls: Array<{open: number, method: string}> = [];

  constructor(readonly tokens: ReadonlyArray<Token>, readonly code: string) {
    this.partner = new Array(tokens.length).fill(-1);
    this.enclosing = new Array(tokens.length).fill(-1);
    const open: Array<number> = [];
    tokens.forEach((token, index) => {
      this.enclosing[index] = open.length > 0 ? open[open.length - 1] : -1;
      if (this.isPunct(index, `(`, `[`, `{`) || (token.kind === `template` && (token.part === `head`))) {
        open.push(index);
      } else if (this.isPunct(index, `)`, `]`, `}`) || (token.kind === `template` && token.part === `tail`)) {
        const opener = open.pop();
        if (opener !== undefined) {
          this.partner[opener] = index;
          this.partner[index] = opener;
        }
        this.enclosing[index] = open.length > 0 ? open[open.length - 1] : -1;
      } else if (token.kind === `template` && token.part === `middle`) {
        // Closes one substitution and opens the next.
        const opener = open.pop();
        if (opener !== undefined)
          this.partner[opener] = index;
        this.enclosing[index] = open.length > 0 ? open[open.length - 1] : -1;
        open.push(index);
      }
    });
  }

  /** A punctuator, one of `values` when given (up to six: no array is made on this hot path). */
  isPunct(index: number, a?: string, b?: string, c?: string, d?: string, e?: string, f?: string): boolean {
    return this.is(`punct`, index, a, b, c, d, e, f);
  }

  /** A name, one of `values` when given (up to six). */
  isName(index: number, a?: string, b?: string, c?: string, d?: string, e?: string, f?: string): boolean {
    return this.is(`name`, index, a, b, c, d, e, f);
  }

  private is(kind: `punct` | `name`, index: number, a?: string, b?: string, c?: string, d?: string, e?: string, f?: string): boolean {
    const token = this.tokens[index];
    if (token === undefined || token.kind !== kind)
      return false;
    const value = token.value;
    return a === undefined || value === a || value === b || value === c || value === d || value === e || value === f;
  }

  /** A name in `names`. */
  isNameIn(index: number, names: ReadonlySet<string>): boolean {
    const token = this.tokens[index];
    return token !== undefined && token.kind === `name` && names.has(token.value);
  }

  /** A string literal, or a template without substitutions: its value. */
  literal(index: number): string | null {
    const token = this.tokens[index];
    if (token === undefined)
      return null;
    return token.kind === `string` || (token.kind === `template` && token.part === `whole`) ? token.value : null;
  }

  /** A name that is a member (`x.name`, `x?.name`), not a variable. */
  isMemberName(index: number): boolean {
    return this.isPunct(index - 1, `.`, `?.`);
  }

  /** An object literal's key (`{name: …}`, `{'name': …}`), or a method of one (`{name() {…}}`). */
  isKey(index: number): boolean {
    return this.isPunct(index - 1, `{`, `,`) && this.isPunct(index + 1, `:`) && this.tokens[this.enclosing[index]]?.value === `{`;
  }

  /** A name read as a variable: not a member, not a key. */
  isVariable(index: number): boolean {
    return this.isName(index) && !this.isMemberName(index) && !this.isKey(index);
  }

  /** The member right after `index` (`.name`, `?.name`, `['name']`): its name and the index after it; `computed` when its key is no literal. */
  memberAfter(index: number): {name: string | null, nameAt: number, next: number} | null {
    if (this.isPunct(index, `.`, `?.`) && this.isName(index + 1))
      return {name: this.tokens[index + 1].value, nameAt: index + 1, next: index + 2};
    const bracket = this.isPunct(index, `?.`) && this.isPunct(index + 1, `[`) ? index + 1 : this.isPunct(index, `[`) ? index : -1;
    if (bracket === -1)
      return null;
    const close = this.partner[bracket];
    if (close === -1)
      return {name: null, nameAt: bracket + 1, next: this.tokens.length};
    const key = close === bracket + 2 ? this.literal(bracket + 1) : null;
    return {name: key, nameAt: bracket + 1, next: close + 1};
  }

  /** The text of tokens `from`..`to` (inclusive), shortened for a message. */
  text(from: number, to: number): string {
    const start = this.tokens[Math.max(0, from)]?.start ?? 0;
    const end = this.tokens[Math.min(this.tokens.length - 1, to)]?.end ?? this.code.length;
    const text = this.code.slice(start, end).replace(/\s+/g, ` `);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  }

  /** Whether the value ending before `index` is assigned to: an assignment operator, or the target of a destructuring assignment or a `for … of/in` head. */
  isAssignedAt(index: number): boolean {
    if (this.isPunct(index) && ASSIGNMENTS.has(this.tokens[index].value))
      return true;
    if (this.isName(index, `of`, `in`))
      return true;
    // `[process.env[k]] = […]`, `({a: env[k]} = o)`: an element of a pattern.
    let at = index;
    while (this.isPunct(at, `,`, `]`, `}`)) {
      const open = this.isPunct(at, `,`) ? this.enclosing[at] : this.partner[at];
      if (open === -1 || !this.isPunct(open, `[`, `{`))
        return false;
      const close = this.partner[open];
      if (close === -1)
        return true;
      at = close + 1;
      if (this.isPunct(at, `=`))
        return true;
    }
    return false;
  }
}

/** Keywords whose parenthesised head declares nothing (`catch` does). */
export const HEADS_WITHOUT_BINDINGS = new Set([`if`, `while`, `for`, `switch`, `with`, `return`, `typeof`, `void`, `delete`, `await`, `yield`, `in`, `of`, `new`, `throw`, `case`]);

/**
 * Names declared other than by `const|let|var name = …`: parameters (of
 * functions, methods, arrows, `catch`), names in destructuring patterns,
 * bindings of `for … of/in`, declarations without a value, functions and
 * classes. Read by name, in any scope: a parameter `env` in one function
 * makes every `env` of the file one the checks cannot vouch for.
 */
export function namesDeclaredOtherwise(reader: TokenReader): Set<string> {
  const {tokens} = reader;
  const names = new Set<string>();
  const namesIn = (from: number, to: number) => {
    for (let index = from; index < to; index++)
      if (reader.isName(index) && !reader.isMemberName(index))
        names.add(tokens[index].value);
  };
  for (let index = 0; index < tokens.length; index++) {
    if (reader.isPunct(index, `(`)) {
      const close = reader.partner[index];
      if (close === -1)
        continue;
      const before = tokens[index - 1];
      const head = before !== undefined && before.kind === `name` && HEADS_WITHOUT_BINDINGS.has(before.value);
      if (reader.isName(index - 1, `catch`) || reader.isPunct(close + 1, `=>`) || (!head && reader.isPunct(close + 1, `{`)))
        namesIn(index + 1, close);
      else if (reader.isName(index - 1, `for`))
        namesIn(index + 1, close);
    } else if (reader.isName(index) && reader.isPunct(index + 1, `=>`)) {
      names.add(tokens[index].value);
    } else if (reader.isPunct(index, `{`, `[`)) {
      const close = reader.partner[index];
      if (close !== -1 && (reader.isPunct(close + 1, `=`) || reader.isName(close + 1, `of`, `in`)))
        namesIn(index + 1, close);
    } else if (reader.isNameIn(index, DECLARING_KEYWORDS) && reader.isName(index + 1) && !reader.isPunct(index + 2, `=`)) {
      names.add(tokens[index + 1].value);
    }
  }
  return names;
}

/** The index after the `?` of a conditional expression starting at `from`, or null when the expression has none. */
export function conditionEnd(reader: TokenReader, from: number): number | null {
  let index = from;
  while (index < reader.tokens.length && !reader.isPunct(index, `,`, `;`, `)`, `}`, `]`, `:`)) {
    if (reader.isPunct(index, `?`))
      return index + 1;
    const partner = reader.partner[index];
    index = partner > index ? partner + 1 : index + 1;
  }
  return null;
}

/** The end of a value inside an object literal: its next top-level comma, or the literal's end. */
export function valueEnd(reader: TokenReader, from: number, close: number): number {
  let index = from;
  while (index < close && !reader.isPunct(index, `,`)) {
    const partner = reader.partner[index];
    index = partner > index ? partner + 1 : index + 1;
  }
  return index;
}

/** Where the member chain that ends with the name at `index` starts (`process` of `process.env`, `a` of `a.b.env`). */
export function baseStart(reader: TokenReader, index: number): number {
  let at = index;
  for (;;) {
    if (reader.isPunct(at - 1, `.`, `?.`) && reader.isName(at - 2)) {
      at -= 2;
    } else if (reader.isPunct(at - 1, `.`, `?.`) && reader.isPunct(at - 2, `]`) && reader.partner[at - 2] === at - 4 && reader.literal(at - 3) !== null && reader.isName(at - 5)) {
      // `globalThis['process'].env`
      at -= 5;
    } else if (reader.isPunct(at - 1, `[`) && reader.isPunct(at + 1, `]`) && reader.isName(at - 2)) {
      at -= 2;
    } else {
      return at;
    }
  }
}
