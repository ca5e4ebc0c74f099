/**
 * The environments handed to processes and the options they are started
 * with, for `processAccess.ts`.
 */

import {DECLARATIONS, type TokenReader, baseStart, conditionEnd, namesDeclaredOtherwise, valueEnd} from './tokenReader';

/** Calls that read an object's keys and values into new ones: the environment handed to them is not changed. */
const ENVIRONMENT_READERS = [[`Object`, `keys`], [`Object`, `entries`], [`Object`, `values`], [`Object`, `getOwnPropertyNames`], [`JSON`, `stringify`]];
/** Functions whose first argument is a whole shell line, and whose second is the options. */
const SHELL_LINE_METHODS = new Set([`exec`, `execSync`, `execaCommand`, `execaCommandSync`]);

/**
 * Environments handed to processes: what an `env` option, an `.env`
 * member, or a variable that holds one may be. An environment expression
 * is safe when it can only hold `process.env`'s variables and keys written
 * as literals: `process.env`, another object's `.env`, an object literal of
 * literal keys and spreads of safe expressions, `Object.assign` of those, a
 * variable declared once with one, or a primitive; joined by `||`, `??` or a
 * condition.
 */
export class EnvironmentHolders {
  /** Variables declared with a safe environment expression (by name: the index of the declaration). */
  private readonly safeVariables = new Map<string, number>();
  /** `.env` members and variables already judged as part of a safe expression. */
  private readonly vouched = new Set<number>();
  /** Variables declared otherwise (parameters, destructuring, another value), in any scope: the same name there may hold anything. */
  private readonly otherwiseDeclared: Set<string>;
  /** Safe variables that hold an environment (declared with one, or used as one): each of their uses must keep it safe. */
  readonly holders = new Set<string>();

  constructor(private readonly reader: TokenReader, private readonly mayNameVariable: (start: string) => boolean) {
    const {tokens} = reader;
    this.otherwiseDeclared = namesDeclaredOtherwise(reader);
    for (let index = 0; index < tokens.length; index++) {
      if (!reader.isNameIn(index, DECLARATIONS) || !reader.isName(index + 1) || !reader.isPunct(index + 2, `=`))
        continue;
      const name = tokens[index + 1].value;
      const found: Array<number> = [];
      const end = this.safeExpressionEnd(index + 3, found, false);
      if (end !== null && !this.safeVariables.has(name) && !this.otherwiseDeclared.has(name)) {
        this.safeVariables.set(name, index + 1);
        // `const e = process.env`, `const e = {...process.env}`: writing to it may reach a process.
        if (found.some(at => reader.isMemberName(at)))
          this.holders.add(name);
      } else {
        this.otherwiseDeclared.add(name);
      }
    }
  }

  /** Every use of the variables that hold an environment keeps them safe; the first that does not, or null. */
  holderProblems(): string | null {
    for (const name of this.holders) {
      const problem = this.holderUses(name);
      if (problem !== null)
        return problem;
    }
    return null;
  }

  /** A use of the variable `env` at `index`. */
  variableUse(index: number): string | null {
    const {reader} = this;
    if (this.vouched.has(index) || this.safeVariables.get(`env`) === index)
      return null;
    if (reader.isName(index - 1, `typeof`))
      return null;
    // `{env}` in an object: its value is the variable, which must hold a safe environment.
    const shorthand = reader.isPunct(index - 1, `{`, `,`) && reader.isPunct(index + 1, `,`, `}`);
    if (shorthand) {
      if (!this.safeVariables.has(`env`) || this.otherwiseDeclared.has(`env`))
        return `an env handed on that the scan cannot read: ${reader.text(index - 1, index + 1)}`;
      this.holders.add(`env`);
      return null;
    }
    return this.memberUse(index, index + 1);
  }

  /** After an environment (`process.env`, `x.env`, the variable `env`) ends before `next`, at `index`: reads of its members, or a use in a safe expression. */
  memberUse(index: number, next: number): string | null {
    const {reader} = this;
    if (this.vouched.has(index))
      return null;
    const member = reader.memberAfter(next);
    if (member !== null) {
      // `e.__proto__ = o`: the keys of `o` reach a process's environment as inherited ones.
      if (member.name === `__proto__` && reader.isAssignedAt(member.next))
        return `a prototype given to an environment: ${reader.text(index, member.next)}`;
      if (member.name !== null || !reader.isAssignedAt(member.next))
        return null;
      // `env[`SKIP_${name}`] = …`: a key whose literal start names no such variable.
      const start = reader.tokens[member.nameAt];
      if ((start.kind === `template` && start.part === `head`) || (start.kind === `string` && reader.isPunct(member.nameAt + 1, `+`)))
        if (start.value !== `` && !this.mayNameVariable(start.value))
          return null;
      return `a variable named at run time written: ${reader.text(index, member.next)}`;
    }
    if (reader.isPunct(next, `=`)) {
      const end = this.safeExpressionEnd(next + 1, [], true);
      return end !== null ? null : `an environment replaced: ${reader.text(index, next + 2)}`;
    }
    if (reader.isAssignedAt(next))
      return `an environment written: ${reader.text(index, next)}`;
    // Reads of the whole: `Object.keys(process.env)`, `typeof x.env`, `'A' in process.env`, comparisons.
    const base = baseStart(reader, index);
    // `const {HOME, npm_config_user_agent: agent} = process.env`: values read out of it.
    if (reader.isPunct(base - 1, `=`) && reader.isPunct(base - 2, `}`) && reader.isPunct(next, `;`, `,`, `)`) && reader.partner[base - 2] !== -1)
      return null;
    if (reader.isName(base - 1, `typeof`, `in`) || reader.isPunct(base - 1, `!`, `===`, `!==`, `==`, `!=`) || reader.isPunct(next, `===`, `!==`, `==`, `!=`))
      return null;
    if (reader.isPunct(base - 1, `(`) && reader.isPunct(next, `)`) && ENVIRONMENT_READERS.some(([object, method]) => reader.isName(base - 4, object) && reader.isPunct(base - 3, `.`) && reader.isName(base - 2, method)))
      return null;
    return `an environment handed on that the scan cannot read: ${reader.text(base - 1, next)}`;
  }

  /**
   * The arguments of a call that starts a process, after its command: each
   * must be a literal, an array, a function, an object of literal keys, or a
   * variable declared once with an object of literal keys (or an array) and
   * otherwise only read or written through members named as literals. An
   * `env` set any other way (`opts['e' + 'nv'] = o`,
   * `Object.defineProperty(opts, 'env', …)`, `{['e' + 'nv']: o}`) is not read.
   */
  optionsProblem(open: number, method: string): string | null {
    const {reader} = this;
    const close = reader.partner[open];
    if (close === -1)
      return `the arguments of a process it starts run past what is read: ${reader.text(open - 1, open + 4)}`;
    // `spawn(file, args, options)`: the second argument is the words (or, when it is no array, the options).
    const takesWords = !SHELL_LINE_METHODS.has(method);
    const args: Array<[number, number]> = [];
    let start = open + 1;
    for (let index = open + 1; index <= close; index++) {
      if (index !== close && !reader.isPunct(index, `,`)) {
        const partner = reader.partner[index];
        if (partner > index)
          index = partner;
        continue;
      }
      if (index > start)
        args.push([start, index]);
      start = index + 1;
    }
    for (const [position, [from, to]] of args.entries()) {
      if (position === 0)
        continue;
      const readable = (position === 1 && takesWords && this.wordsArgument(from, to)) || this.optionsArgument(from, to);
      if (!readable)
        return `options of a process it starts that the scan cannot read: ${reader.text(from, to - 1)}`;
    }
    return null;
  }

  /** The words of a command: an array literal, an array built by an array's method, or a variable holding one. */
  private wordsArgument(from: number, to: number): boolean {
    const {reader} = this;
    if (reader.isPunct(from, `[`) && reader.partner[from] === to - 1)
      return true;
    // `args.concat(…)`, `line.split(' ')`, `Array.from(…)`: an array.
    if (reader.isPunct(to - 1, `)`)) {
      const open = reader.partner[to - 1];
      if (open !== -1 && reader.isName(open - 1, `concat`, `slice`, `map`, `filter`, `split`, `flat`) && reader.isPunct(open - 2, `.`))
        return true;
      if (open !== -1 && reader.isName(open - 1, `from`, `of`) && reader.isPunct(open - 2, `.`) && reader.isName(open - 3, `Array`))
        return true;
    }
    if (to === from + 1 && reader.isVariable(from) && this.arrayVariable(reader.tokens[from].value))
      return true;
    // A variable or a member (`args`, `parsed.args`, `process.argv`) is read as the words it
    // normally is: options handed in their place are a stated limit (see the README).
    for (let index = from; index < to; index += 2)
      if (!reader.isName(index) || !(index + 1 === to || reader.isPunct(index + 1, `.`, `?.`)))
        return false;
    return true;
  }

  /** A variable that holds an array: declared once with one, or a rest parameter (`...command`). */
  private arrayVariable(name: string): boolean {
    const {reader} = this;
    const {tokens} = reader;
    let declarations = 0;
    let array = false;
    for (let index = 0; index < tokens.length; index++) {
      if (!reader.isName(index, name) || reader.isMemberName(index))
        continue;
      if (reader.isNameIn(index - 1, DECLARATIONS) && reader.isPunct(index + 1, `=`)) {
        declarations++;
        array = reader.isPunct(index + 2, `[`) && reader.isPunct(reader.partner[index + 2] + 1, `;`, `,`, `)`, `}`);
      } else if (reader.isPunct(index - 1, `...`) && reader.isPunct(index + 1, `)`) && reader.isPunct(index + 2, `{`, `=>`)) {
        declarations++;
        array = true;
      } else if (reader.isPunct(index + 1, `=`)) {
        return false;
      }
    }
    return declarations === 1 && array;
  }

  private optionsArgument(from: number, to: number): boolean {
    const {reader} = this;
    const {tokens} = reader;
    const single = to === from + 1;
    if (single && (reader.literal(from) !== null || tokens[from].kind === `number` || reader.isName(from, `undefined`, `null`, `true`, `false`)))
      return true;
    if (this.functionExpression(from, to))
      return true;
    if (reader.isPunct(from, `{`) && reader.partner[from] === to - 1)
      return this.literalKeysOnly(from);
    if (single && reader.isVariable(from))
      return this.optionsVariable(tokens[from].value) || this.declaredFunction(tokens[from].value);
    return false;
  }

  /**
   * A callback written in place: the whole argument is one function
   * (`function done(error) {…}`, `async () => {…}`, `error => …`). An argument
   * that only starts with one or holds an arrow somewhere (`false ? () => 0 :
   * {…}`, `function () {} && {…}`, `async && {…}`) is not (outside attack
   * round 66, A3).
   */
  private functionExpression(from: number, to: number): boolean {
    const {reader} = this;
    let at = from;
    if (reader.isName(at, `async`) && (reader.isName(at + 1, `function`) || this.arrowAt(at + 1)))
      at++;
    if (reader.isName(at, `function`)) {
      at++;
      if (reader.isPunct(at, `*`))
        at++;
      if (reader.isName(at))
        at++;
      const close = reader.isPunct(at, `(`) ? reader.partner[at] : -1;
      return close !== -1 && reader.isPunct(close + 1, `{`) && reader.partner[close + 1] === to - 1;
    }
    // An arrow's body runs to the end of the argument, whatever it holds.
    return this.arrowAt(at);
  }

  /**
   * A callback: a function declared by name (`function done(error) {…}`) or
   * a variable declared once with a function. A name this text never
   * declares may be a global another file set, or a `with` object's member
   * (outside attack round 65, T2): not one.
   */
  private declaredFunction(name: string): boolean {
    const {reader} = this;
    const {tokens} = reader;
    let declarations = 0;
    let functions = 0;
    for (let index = 0; index < tokens.length; index++) {
      if (!reader.isName(index, name) || reader.isMemberName(index) || reader.isKey(index))
        continue;
      if (reader.isName(index - 1, `function`)) {
        declarations++;
        functions++;
      } else if (reader.isNameIn(index - 1, DECLARATIONS) && reader.isPunct(index + 1, `=`)) {
        declarations++;
        if (reader.isName(index + 2, `function`, `async`) || this.arrowAt(index + 2))
          functions++;
      } else if (reader.isPunct(index + 1, `=`) || this.otherwiseDeclared.has(name)) {
        return false;
      }
    }
    return declarations === 1 && functions === 1;
  }

  /** An arrow function starts at `index`: `(…) =>` or `name =>`. */
  private arrowAt(index: number): boolean {
    const {reader} = this;
    if (reader.isName(index) && reader.isPunct(index + 1, `=>`))
      return true;
    return reader.isPunct(index, `(`) && reader.partner[index] !== -1 && reader.isPunct(reader.partner[index] + 1, `=>`);
  }

  /** An object literal whose keys are all written out: no computed key, and spreads only of option variables. */
  private literalKeysOnly(open: number): boolean {
    const {reader} = this;
    const close = reader.partner[open];
    let index = open + 1;
    while (index < close) {
      if (reader.isPunct(index, `...`)) {
        if (!(reader.isVariable(index + 1) && reader.isPunct(index + 2, `,`, `}`) && this.optionsVariable(reader.tokens[index + 1].value)))
          return false;
        index += 2;
      } else {
        const key = reader.tokens[index];
        if (!(key.kind === `name` || key.kind === `string` || key.kind === `number` || (key.kind === `template` && key.part === `whole`)))
          return false;
        if (key.value === `__proto__` || key.value === `get` || key.value === `set`)
          return false;
        if (reader.isPunct(index + 1, `:`))
          index = valueEnd(reader, index + 2, close);
        else if (key.kind === `name` && reader.isPunct(index + 1, `,`, `}`))
          index++;
        else
          return false;
      }
      if (index >= close)
        break;
      if (!reader.isPunct(index, `,`))
        return false;
      index++;
    }
    return true;
  }

  /** Variables already judged as options (true) or not (false). */
  private readonly optionVariables = new Map<string, boolean>();

  /** A variable declared once with an object of literal keys or an array, and only used through members named as literals, or handed whole to a call. */
  private optionsVariable(name: string): boolean {
    const known = this.optionVariables.get(name);
    if (known !== undefined)
      return known;
    // Cycles (`{...a}` in a's own uses) are judged not readable.
    this.optionVariables.set(name, false);
    const {reader} = this;
    const {tokens} = reader;
    let declared = -1;
    for (let index = 0; index < tokens.length; index++) {
      if (reader.isNameIn(index, DECLARATIONS) && reader.isName(index + 1, name) && reader.isPunct(index + 2, `=`)) {
        if (declared !== -1)
          return false;
        declared = index + 1;
      }
    }
    if (declared === -1 || this.otherwiseDeclared.has(name))
      return false;
    const value = declared + 2;
    const valueIsReadable = (reader.isPunct(value, `{`) && this.literalKeysOnly(value)) || (reader.isPunct(value, `[`) && reader.partner[value] !== -1);
    if (!valueIsReadable)
      return false;
    for (let index = 0; index < tokens.length; index++) {
      if (index === declared || !reader.isName(index, name) || !reader.isVariable(index))
        continue;
      const member = reader.memberAfter(index + 1);
      if (member !== null) {
        if (member.name === null || member.name === `__proto__`)
          return false;
        continue;
      }
      // Handed whole to a call that starts a process or only reads it, or spread into an object literal.
      if ((reader.isPunct(index - 1, `(`, `,`) && reader.isPunct(index + 1, `)`, `,`) && this.onlyReadsArguments(reader.enclosing[index])) || (reader.isPunct(index - 1, `...`)))
        continue;
      return false;
    }
    this.optionVariables.set(name, true);
    return true;
  }

  /** A call that starts a process, or one that only reads its arguments (`Object.keys`, `JSON.stringify`): it adds no key to them. */
  private onlyReadsArguments(open: number): boolean {
    const {reader} = this;
    if (open === -1 || !reader.isPunct(open, `(`))
      return false;
    if (reader.processCalls.some(call => call.open === open))
      return true;
    return ENVIRONMENT_READERS.some(([object, method]) => reader.isName(open - 3, object) && reader.isPunct(open - 2, `.`) && reader.isName(open - 1, method));
  }

  /** The value of an `env:` key, starting at `index`. */
  optionValue(index: number): string | null {
    const end = this.safeExpressionEnd(index, [], true);
    if (end === null)
      return `an env option the scan cannot read: ${this.reader.text(index - 2, index + 4)}`;
    return null;
  }

  /** Every other use of a variable that holds a safe environment must keep it so. */
  private holderUses(name: string): string | null {
    const {reader} = this;
    const declared = this.safeVariables.get(name)!;
    for (let index = 0; index < reader.tokens.length; index++) {
      if (index === declared || !reader.isName(index, name) || !reader.isVariable(index) || this.vouched.has(index))
        continue;
      if (reader.isPunct(index - 1, `{`, `,`) && reader.isPunct(index + 1, `,`, `}`))
        continue;
      const problem = this.memberUse(index, index + 1);
      if (problem !== null)
        return problem;
    }
    return null;
  }

  /**
   * Where the safe environment expression starting at `from` ends (the index
   * after it), or null when it is not one. The `.env` members and variables
   * in it are vouched for.
   */
  private safeExpressionEnd(from: number, found: Array<number>, handedOn: boolean): number | null {
    const {reader} = this;
    // `c ? a : b`: the condition chooses, and holds nothing; it is read as any other code is.
    let index = conditionEnd(reader, from) ?? from;
    for (;;) {
      const operand = this.safeOperandEnd(index, found);
      if (operand === null)
        return null;
      index = operand;
      if (reader.isPunct(index, `||`, `??`, `&&`, `:`)) {
        index++;
        continue;
      }
      if (reader.isPunct(index, `?`)) {
        // The condition of `c ? a : b` was read as an operand: it chooses, and holds nothing.
        index++;
        continue;
      }
      break;
    }
    if (!(index >= reader.tokens.length || reader.isPunct(index, `,`, `;`, `)`, `}`, `]`)))
      return null;
    // `.env` members in it are read here; variables only where the
    // expression is handed on as an environment (their own uses are then
    // judged): elsewhere a variable used is a value use of it.
    for (const at of found) {
      if (reader.isMemberName(at)) {
        this.vouched.add(at);
      } else if (handedOn) {
        this.vouched.add(at);
        this.holders.add(reader.tokens[at].value);
      }
    }
    return index;
  }

  private safeOperandEnd(index: number, found: Array<number>): number | null {
    const {reader} = this;
    const {tokens} = reader;
    const token = tokens[index];
    if (token === undefined)
      return null;
    if (token.kind === `string` || token.kind === `number` || (token.kind === `template` && token.part === `whole`))
      return index + 1;
    if (reader.isName(index, `undefined`, `null`, `true`, `false`))
      return index + 1;
    if (reader.isName(index, `void`) && tokens[index + 1]?.kind === `number`)
      return index + 2;
    if (reader.isPunct(index, `!`))
      return this.safeOperandEnd(index + 1, found);
    if (reader.isPunct(index, `(`)) {
      const close = reader.partner[index];
      if (close === -1)
        return null;
      const inner = this.safeExpressionEnd(index + 1, found, false) === close ? close : null;
      return inner === null ? null : close + 1;
    }
    if (reader.isPunct(index, `{`))
      return this.safeObjectEnd(index, found);
    if (reader.isName(index, `Object`) && reader.isPunct(index + 1, `.`) && reader.isName(index + 2, `assign`) && reader.isPunct(index + 3, `(`)) {
      const close = reader.partner[index + 3];
      if (close === -1)
        return null;
      let at = index + 4;
      while (at < close) {
        const end = this.safeOperandEnd(at, found);
        if (end === null)
          return null;
        at = reader.isPunct(end, `,`) ? end + 1 : end;
        if (at !== close && end === at)
          return null;
      }
      return close + 1;
    }
    if (token.kind !== `name`)
      return null;
    // A member chain of names ending in `.env`, or a variable.
    let at = index;
    while (reader.isPunct(at + 1, `.`, `?.`) && reader.isName(at + 2))
      at += 2;
    if (at > index) {
      if (tokens[at].value !== `env`)
        return null;
      // `process.env`, `options.env`: the environment of something else, judged where it is written.
      found.push(at);
      return at + 1;
    }
    // A variable: declared once with a safe expression, or `env` itself when it is such a variable.
    if (reader.isVariable(index) && (this.safeVariables.has(token.value) && !this.otherwiseDeclared.has(token.value))) {
      found.push(index);
      return index + 1;
    }
    return null;
  }

  /** An object literal of literal keys (any values) and spreads of safe operands. */
  private safeObjectEnd(open: number, found: Array<number>): number | null {
    const {reader} = this;
    const close = reader.partner[open];
    if (close === -1)
      return null;
    let index = open + 1;
    while (index < close) {
      if (reader.isPunct(index, `...`)) {
        const end = this.safeOperandEnd(index + 1, found);
        if (end === null)
          return null;
        index = end;
      } else {
        const key = reader.tokens[index];
        if (!(key.kind === `name` || key.kind === `string` || key.kind === `number` || (key.kind === `template` && key.part === `whole`)))
          return null;
        // A shorthand `{A}` or a key with a value; a method, getter or computed key is no literal key.
        // `__proto__: o` gives the object a prototype, whose keys a process's environment includes.
        if (key.value === `__proto__` && reader.isPunct(index + 1, `:`)) {
          const end = this.safeOperandEnd(index + 2, found);
          if (end === null || !(end === close || reader.isPunct(end, `,`)))
            return null;
          index = end;
        } else if (reader.isPunct(index + 1, `:`)) {
          index = valueEnd(reader, index + 2, close);
        } else if (key.kind === `name` && reader.isPunct(index + 1, `,`, `}`)) {
          index++;
        } else {
          return null;
        }
      }
      if (index === close)
        break;
      if (!reader.isPunct(index, `,`))
        return null;
      index++;
    }
    return close + 1;
  }
}
