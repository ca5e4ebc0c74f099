/**
 * How install code reaches the two things that decide what the processes it
 * starts run: the child_process module (and its look-alikes) and the
 * environment those processes get. Read from the code's tokens (see
 * `tokens.ts`), and the other way round from the text scan: instead of
 * recognising the spellings that start a process or write a variable, every
 * place that names the module, `process`, the global object or an
 * environment is found, and each must be one of a few forms whose effect the
 * scan reads in full. Any other form is reported, and becomes a stated limit
 * of the approval: an alias, a rename, a key built at run time, the module
 * object or the environment handed to a function.
 *
 * This file reads `process`, the global object and prototypes; the module
 * is read in `processModules.ts`, environments and options in
 * `environmentHolders.ts`, both on `tokenReader.ts`.
 */

import {EnvironmentHolders} from './environmentHolders';
import {destructuredNames, importBindings, loadArgument, moduleUses} from './processModules';
import {DECLARATIONS, HEADS_WITHOUT_BINDINGS, TokenReader} from './tokenReader';
import {tokenize} from './tokens';
import {type EvaluatorUses, evaluatorUses} from './evaluatorUses';

export interface ProcessAccess {
  /**
   * Local names bound to a child_process-like module whose every use is a
   * call the scan reads (`cp` of ``const cp = require(`child_process`)``,
   * whatever the quotes, escapes or comments).
   */
  moduleNames: Array<string>;
  /** Whether the code names such a module at all (however its string is written). */
  mentionsModule: boolean;
  /** The first use of such a module whose calls the scan cannot read, as written (shortened); null when none. */
  unreadModuleUse: string | null;
  /** The first place where the environment of started processes may get a variable the scan cannot name; null when none. */
  unreadEnvironment: string | null;
  /** What the token reader could not read as an engine would; null when it read everything. */
  unreadable: string | null;
  /** Evaluators and loaders used as values or under other names (see evaluatorUses.ts). */
  evaluatorUses: EvaluatorUses;
}

const PROCESS_MODULE_NAMES = new Set([`process`, `node:process`]);
const GLOBAL_NAMES = new Set([`globalThis`, `global`]);

/**
 * `mayNameVariable(start)`: whether a variable whose name starts with the
 * literal `start` may be one that decides what a command runs; a key built at
 * run time from such a start (`SKIP_${name}_FALLBACK`) is read as written.
 */
export function processAccess(code: string, {mayNameVariable}: {mayNameVariable: (start: string) => boolean}): ProcessAccess {
  const {tokens, errors} = tokenize(code);
  const reader = new TokenReader(tokens, code);
  const modules = moduleUses(reader);
  return {
    moduleNames: modules.names,
    mentionsModule: modules.mentioned,
    unreadModuleUse: modules.unread,
    unreadEnvironment: environmentUse(reader, mayNameVariable),
    unreadable: errors.length > 0 ? errors[0] : null,
    evaluatorUses: evaluatorUses(tokens),
  };
}

/**
 * The environment: `process` (and the global object it hangs on) must be
 * used through a member other than `env`, or through `process.env`'s own
 * members; an `env` handed to a process must be built from literal keys and
 * from `process.env`. The first other use, or null.
 */
function environmentUse(reader: TokenReader, mayNameVariable: (start: string) => boolean): string | null {
  const {tokens} = reader;
  // The names `process` goes by: its own, and those the process module is bound to.
  const processNames = new Set([`process`]);
  for (let index = 0; index < tokens.length; index++) {
    const module = reader.literal(index);
    if (module === null || !PROCESS_MODULE_NAMES.has(module))
      continue;
    const bound = processModuleBinding(reader, index);
    if (typeof bound === `string`)
      return bound;
    for (const name of bound)
      processNames.add(name);
  }
  const holders = new EnvironmentHolders(reader, mayNameVariable);
  const sloppy = !strictCode(reader);
  // `getPrototypeOf`, and the names it is taken under (esbuild's `var __getProtoOf = Object.getPrototypeOf`).
  const prototypeGetters = new Set([`getPrototypeOf`]);
  for (let index = 0; index < tokens.length; index++)
    if (reader.isName(index) && reader.isPunct(index + 1, `=`) && reader.isName(index + 2) && reader.isPunct(index + 3, `.`) && reader.isName(index + 4, `getPrototypeOf`) && !reader.isPunct(index + 5, `(`))
      prototypeGetters.add(tokens[index].value);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    let problem: string | null = null;
    if (sloppy && reader.isName(index, `this`) && !reader.isMemberName(index) && !reader.isKey(index) && inSloppyFunction(reader, index)) {
      // In sloppy code, `this` of a function called plainly is the global object: read as `globalThis` is.
      const member = reader.memberAfter(index + 1);
      if (member === null ? !onlyCompared(reader, index) : member.name === null || member.name === `process` || GLOBAL_NAMES.has(member.name))
        problem = `this, which is the global object in a function of sloppy code: ${reader.text(index - 1, member?.next ?? index + 1)}`;
    } else if ((token.kind === `string` || token.kind === `template`) && EVALUATED_GLOBAL.test(token.value) && evaluatedText(reader, index)) {
      problem = `code evaluated from a text that reaches the global object: ${reader.text(index - 2, index + 1)}`;
    } else if ((token.kind === `name` && reader.isMemberName(index) && (token.value === `prototype` || token.value === `__proto__`)) || (reader.isName(index) && prototypeGetters.has(token.value))) {
      problem = prototypeUse(reader, index, token.value, index + 1, prototypeGetters);
    } else if (reader.isPunct(index - 1, `[`) && reader.isPunct(index + 1, `]`) && reader.partner[index - 1] === index + 1 && isPrototypeKey(reader.literal(index), prototypeGetters)) {
      // `Object['prototype']`, ``({})[`__proto__`]``, `Object['getPrototypeOf'](x)`: read as the member written after a dot (outside attack round 66, A4).
      problem = prototypeUse(reader, index, reader.literal(index)!, index + 2, prototypeGetters);
    } else if (reader.isPunct(index, `[`) && reader.isName(index - 1, `Object`, `Reflect`, `constructor`) && !reader.isKey(index - 1) && reader.literal(index + 1) === null) {
      // `Object[k]` may be `Object.prototype` or `Object.getPrototypeOf`: a key chosen at run time is not read.
      problem = `a member of ${tokens[index - 1].value} named at run time: ${reader.text(index - 1, reader.partner[index])}`;
    } else if (token.kind === `name` && reader.isVariable(index)) {
      if (processNames.has(token.value))
        problem = processUse(reader, index);
      else if (GLOBAL_NAMES.has(token.value))
        problem = globalUse(reader, index);
      else if (token.value === `env`)
        problem = holders.variableUse(index);
    } else if ((token.kind === `name` && reader.isMemberName(index) && token.value === `env`) || (reader.literal(index) === `env` && reader.isPunct(index - 1, `[`) && reader.isPunct(index + 1, `]`))) {
      const next = token.kind === `name` ? index + 1 : index + 2;
      problem = holders.memberUse(index, next);
    } else if ((token.kind === `name` || reader.literal(index) !== null) && token.value === `env` && reader.isKey(index)) {
      // `env: o`, and `'env': o` or `"e\u006ev": o` (outside attack round 68, A3).
      problem = holders.optionValue(index + 2);
    }
    if (problem !== null)
      return problem;
  }
  for (const {open, method} of reader.processCalls) {
    const problem = holders.optionsProblem(open, method);
    if (problem !== null)
      return problem;
  }
  return holders.holderProblems();
}

/**
 * `Object.prototype`, `x.__proto__`, `x.constructor.prototype`,
 * `Object.getPrototypeOf(x)`: keys written to the prototype of plain objects
 * are inherited by every environment a process is given, and Node passes
 * inherited keys on (outside attack round 65, T3). Reading a member is free;
 * writing one, or handing the prototype on, is named.
 */
function prototypeUse(reader: TokenReader, index: number, name: string, after: number, getters: ReadonlySet<string>): string | null {
  const {tokens} = reader;
  // `Object.getPrototypeOf(x)`: read as `x.__proto__` is, from after its call.
  let end = after;
  if (getters.has(name) && name !== `prototype` && name !== `__proto__`) {
    // Taken under another name (read where that name is called), or named in a comparison.
    if (!reader.isPunct(after, `(`)) {
      // The alias's own declaration (`var __getProtoOf = Object.getPrototypeOf;`), or a comparison.
      const declared = after === index + 1 && (reader.isPunct(index + 1, `=`) || (reader.isPunct(index + 1, `;`, `,`) && reader.isPunct(index - 3, `=`) && reader.isName(index - 2, `Object`, `Reflect`)));
      return declared || onlyCompared(reader, after - 1) ? null : `the prototype getter taken: ${reader.text(index - 2, after)}`;
    }
    const close = reader.partner[after];
    if (close === -1)
      return `the prototype of an object taken: ${reader.text(index - 2, index + 1)}`;
    end = close + 1;
    // `Object.create(Object.getPrototypeOf(x))`: a new object with that prototype; nothing is written to it.
    const around = reader.enclosing[after === index + 1 ? index : index - 1];
    const callee = around === -1 ? undefined : tokens[around - 1];
    if (reader.isPunct(end, `)`) && callee !== undefined && callee.kind === `name` && /^_*create\d*$/.test(callee.value))
      return null;
  }
  const base = tokens[index - 2];
  // Another class's prototype (`Foo.prototype.bar = …`) is not that of plain objects.
  if (name === `prototype` && !(base !== undefined && base.kind === `name` && (base.value === `Object` || base.value === `constructor`)))
    return null;
  const member = reader.memberAfter(end);
  if (member !== null) {
    if (reader.isAssignedAt(member.next))
      return `a key written to the prototype of plain objects: ${reader.text(index - 2, member.next)}`;
    return null;
  }
  // `x.__proto__ = y` is read where environments and options are; `Object.prototype` as a value is named.
  if (name === `__proto__` && reader.isPunct(after, `=`))
    return null;
  if (onlyCompared(reader, end - 1))
    return null;
  return `the prototype of plain objects handed on: ${reader.text(index - 2, end)}`;
}

/** A key that names the prototype of plain objects, or a function that returns an object's prototype. */
function isPrototypeKey(key: string | null, getters: ReadonlySet<string>): boolean {
  return key !== null && (key === `prototype` || key === `__proto__` || getters.has(key));
}

/** A text that reaches the global object when evaluated (`new Function('return this')`). */
const EVALUATED_GLOBAL = /\b(?:this|process|global|globalThis)\b/;
const EVALUATORS = new Set([`Function`, `eval`, `runInThisContext`, `runInNewContext`, `runInContext`, `compileFunction`, `Script`, `AsyncFunction`]);

/** Whether the text at `index` is an argument of something that evaluates text. */
function evaluatedText(reader: TokenReader, index: number): boolean {
  const open = reader.enclosing[index];
  if (open === -1 || !reader.isPunct(open, `(`))
    return false;
  const callee = reader.tokens[open - 1];
  return callee !== undefined && callee.kind === `name` && EVALUATORS.has(callee.value);
}

/**
 * Whether `this` at `index` is that of a function (or method) of sloppy code,
 * which is the global object when the function is called plainly. At the
 * top of a CommonJS module `this` is `module.exports`, an arrow function
 * takes the `this` around it, and a class body is strict code.
 */
function inSloppyFunction(reader: TokenReader, index: number): boolean {
  for (let open = reader.enclosing[index]; open !== -1; open = reader.enclosing[open])
    if (reader.isPunct(open, `{`) && isClassBody(reader, open))
      return false;
  for (let open = reader.enclosing[index]; open !== -1; open = reader.enclosing[open]) {
    if (!reader.isPunct(open, `{`))
      continue;
    // A function's or a method's body: `(…) {` after anything but the head of a statement
    // (`function f`, a method's name, a computed one `['f']`, `*`, `async`).
    if (reader.isPunct(open - 1, `)`)) {
      const params = reader.partner[open - 1];
      const before = reader.tokens[params - 1];
      if (params !== -1 && !(before !== undefined && before.kind === `name` && (HEADS_WITHOUT_BINDINGS.has(before.value) || before.value === `catch`) && !reader.isMemberName(params - 1)))
        return true;
    }
  }
  return false;
}

/** Whether the brace at `open` starts a class body (`class A {`, `class A extends B {`, `class {`). */
function isClassBody(reader: TokenReader, open: number): boolean {
  for (let at = open - 1; at >= 0 && at >= open - 64 && !reader.isPunct(at, `;`, `{`, `}`, `=>`); at--) {
    if (reader.isName(at, `class`))
      return true;
    const partner = reader.partner[at];
    if (partner !== -1 && partner < at)
      at = partner;
  }
  return false;
}

/** Whether the code runs in strict mode as a whole: an ES module (`import`/`export` statements) or a `'use strict'` directive first. */
function strictCode(reader: TokenReader): boolean {
  if (reader.literal(0) === `use strict`)
    return true;
  return reader.tokens.some((token, index) => token.kind === `name` && (token.value === `import` || token.value === `export`) && reader.enclosing[index] === -1 && !reader.isMemberName(index) && !reader.isPunct(index + 1, `(`, `.`));
}

/** A comparison or `typeof` around the value at `index` (`process !== undefined`, `typeof globalThis`): it reads, and hands nothing on. */
function onlyCompared(reader: TokenReader, index: number): boolean {
  return reader.isName(index - 1, `typeof`) || reader.isPunct(index - 1, `===`, `!==`, `==`, `!=`, `!`) || reader.isPunct(index + 1, `===`, `!==`, `==`, `!=`);
}

/** `process` (or another name of it) as a variable at `index`. */
function processUse(reader: TokenReader, index: number): string | null {
  if (onlyCompared(reader, index) || reader.isName(index - 1, `function`, `class`, `import`, `as`) || reader.isPunct(index + 1, `(`))
    return null;
  // A declaration (`const process = spawn.sync(…)`, `const process = require('node:process')`):
  // what it is given is read where it is written, and its uses are read as `process`'s.
  if (reader.isNameIn(index - 1, DECLARATIONS) && reader.isPunct(index + 1, `=`))
    return null;
  // `const {platform, argv} = process`: members other than `env`, under their own names.
  if (reader.isPunct(index - 1, `=`) && reader.isPunct(index - 2, `}`) && reader.isPunct(index + 1, `;`, `,`)) {
    const names = destructuredNames(reader, reader.partner[index - 2]);
    if (names !== null && !names.some(binding => binding.name === `env`))
      return null;
  }
  return memberOfProcessObject(reader, index, index + 1);
}

/** After `process` (or `globalThis.process`) ends before `next`: a member other than `env`, or `env` read through its members. */
function memberOfProcessObject(reader: TokenReader, from: number, next: number): string | null {
  const member = reader.memberAfter(next);
  if (member === null)
    return `process used as a value: ${reader.text(from - 1, next)}`;
  if (member.name === null)
    return `a member of process named at run time: ${reader.text(from, member.next)}`;
  // `process.env` itself is read where its `env` member is (memberUse).
  return null;
}

/** `globalThis` or `global` as a variable at `index`. */
function globalUse(reader: TokenReader, index: number): string | null {
  if (onlyCompared(reader, index))
    return null;
  const member = reader.memberAfter(index + 1);
  if (member === null)
    return `the global object used as a value: ${reader.text(index - 1, index + 1)}`;
  if (member.name === null)
    return `a member of the global object named at run time: ${reader.text(index, member.next)}`;
  if (member.name === `process`)
    return memberOfProcessObject(reader, index, member.next);
  // `globalThis.globalThis`, `global.global`: the global object again.
  if (GLOBAL_NAMES.has(member.name))
    return globalUse(reader, member.nameAt);
  return null;
}

/**
 * A literal `'process'` or `'node:process'` at `index`: the names it is
 * bound to (read then as `process` is), or the problem. Only a load binds
 * it: a name in a list or a comparison binds nothing.
 */
function processModuleBinding(reader: TokenReader, index: number): Array<string> | string {
  if (reader.isName(index - 1, `from`)) {
    const bound = importBindings(reader, index - 1);
    if (bound !== null && !bound.some(binding => !binding.whole && binding.name === `env`))
      return bound.filter(binding => binding.whole).map(binding => binding.name);
    return `the process module bound otherwise than by name: ${reader.text(index - 6, index)}`;
  }
  if (!loadArgument(reader, index))
    return [];
  if (reader.isName(index - 2, `require`) && reader.isVariable(index - 2) && reader.isPunct(index + 1, `)`) && reader.isPunct(index - 3, `=`)) {
    if (reader.isName(index - 4) && reader.isVariable(index - 4))
      return [reader.tokens[index - 4].value];
    if (reader.isPunct(index - 4, `}`)) {
      const names = destructuredNames(reader, reader.partner[index - 4]);
      if (names !== null && !names.some(binding => binding.name === `env`))
        return [];
    }
  }
  return `the process module loaded otherwise than by name: ${reader.text(index - 4, index + 1)}`;
}
