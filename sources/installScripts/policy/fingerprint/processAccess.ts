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
 */

import {type Token, tokenize} from './tokens';

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
}

/** Modules whose functions start processes, with the functions the scan reads, and whether the module itself is such a function. */
interface ProcessModule {
  functions: ReadonlySet<string>;
  callable: boolean;
}
const CHILD_PROCESS: ProcessModule = {functions: new Set([`spawn`, `spawnSync`, `exec`, `execSync`, `execFile`, `execFileSync`, `fork`]), callable: false};
const PROCESS_MODULES = new Map<string, ProcessModule>([
  [`child_process`, CHILD_PROCESS],
  [`node:child_process`, CHILD_PROCESS],
  [`cross-spawn`, {functions: new Set([`spawn`, `sync`]), callable: true}],
  [`execa`, {functions: new Set([`execa`, `execaSync`, `execaCommand`, `execaCommandSync`, `sync`]), callable: true}],
  [`shelljs`, {functions: new Set([`exec`]), callable: false}],
]);
/** Names the call pattern reads when called directly: what a callable module or a destructured function may be bound to. */
const CALLED_DIRECTLY = new Set([`spawn`, `spawnSync`, `exec`, `execSync`, `execFile`, `execFileSync`, `fork`, `execa`, `execaSync`, `execaCommand`, `execaCommandSync`]);
/** `name.sync(…)` is read for these. */
const SYNC_OWNERS = new Set([`spawn`, `execa`]);
/** How compilers wrap a required module (TypeScript, Babel, esbuild): `_interopRequireWildcard(require('child_process'))`. */
const INTEROP_WRAPPER = /^_*(?:interopRequireWildcard|interopRequireDefault|importStar|importDefault|toESM)\d*$/;

const PROCESS_MODULE_NAMES = new Set([`process`, `node:process`]);
const GLOBAL_NAMES = new Set([`globalThis`, `global`]);
/** Calls that read an object's keys and values into new ones: the environment handed to them is not changed. */
const ENVIRONMENT_READERS = [[`Object`, `keys`], [`Object`, `entries`], [`Object`, `values`], [`Object`, `getOwnPropertyNames`], [`JSON`, `stringify`]];
/** Functions whose first argument is a whole shell line, and whose second is the options. */
const SHELL_LINE_METHODS = new Set([`exec`, `execSync`, `execaCommand`, `execaCommandSync`]);
const ASSIGNMENTS = new Set([`=`, `+=`, `-=`, `*=`, `/=`, `%=`, `**=`, `<<=`, `>>=`, `>>>=`, `&=`, `|=`, `^=`, `&&=`, `||=`, `??=`]);
const DECLARATIONS = new Set([`const`, `let`, `var`]);
const DECLARING_KEYWORDS = new Set([...DECLARATIONS, `function`, `class`]);

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
  };
}

class TokenReader {
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

/** The modules that start processes: every place that names one must bind it in a form the call pattern reads. */
function moduleUses(reader: TokenReader): {names: Array<string>, mentioned: boolean, unread: string | null} {
  const {tokens} = reader;
  const names: Array<string> = [];
  let mentioned = false;
  let unread: string | null = null;
  const note = (from: number, to: number) => {
    unread ??= reader.text(from, to);
  };
  for (let index = 0; index < tokens.length; index++) {
    const name = reader.literal(index);
    const module = name === null ? undefined : PROCESS_MODULES.get(name);
    if (module === undefined)
      continue;
    mentioned = true;
    // A name in a list or a comparison loads nothing; a load of it by a
    // name built from the list is a computed load, which the scan names.
    if (!reader.isName(index - 1, `from`, `import`) && !loadArgument(reader, index))
      continue;
    // `import … from 'child_process'`
    if (reader.isName(index - 1, `from`)) {
      const bound = importBindings(reader, index - 1);
      if (bound === null) {
        note(index - 1, index);
        continue;
      }
      for (const binding of bound)
        checkBinding(reader, binding, module, note, names);
      continue;
    }
    // `require('child_process')`, possibly inside a compiler's wrapper.
    if (!(reader.isPunct(index - 1, `(`) && reader.isPunct(index + 1, `)`) && reader.isVariable(index - 2) && tokens[index - 2].value === `require`)) {
      note(index - 2, index + 1);
      continue;
    }
    let callStart = index - 2;
    let callEnd = index + 1;
    if (reader.isPunct(callStart - 1, `(`) && reader.isVariable(callStart - 2) && INTEROP_WRAPPER.test(tokens[callStart - 2].value) && reader.isPunct(callEnd + 1, `)`)) {
      callStart -= 2;
      callEnd += 1;
    }
    // `require('child_process').spawn(…)`: read by the call pattern.
    const member = reader.memberAfter(callEnd + 1);
    if (member !== null) {
      // `const spawn = require('child_process').spawn`: under its own name, which the call pattern reads.
      if (member.name !== null && module.functions.has(member.name) && reader.isPunct(callStart - 1, `=`) && reader.isName(callStart - 2, member.name) && reader.isPunct(member.next, `;`, `,`)) {
        checkBinding(reader, {name: member.name, at: callStart - 2, whole: false}, module, note, names);
        continue;
      }
      if (member.name === null || !module.functions.has(member.name) || !reader.isPunct(member.next, `(`))
        note(callStart, member.next);
      else
        reader.processCalls.push({open: member.next, method: member.name});
      continue;
    }
    // `const cp = require(…)`, `cp = require(…)`, `const {spawn, execSync} = require(…)`.
    if (reader.isPunct(callStart - 1, `=`)) {
      if (reader.isVariable(callStart - 2)) {
        checkBinding(reader, {name: tokens[callStart - 2].value, at: callStart - 2, whole: true}, module, note, names);
        continue;
      }
      if (reader.isPunct(callStart - 2, `}`)) {
        const bound = destructuredNames(reader, reader.partner[callStart - 2]);
        if (bound !== null) {
          for (const binding of bound)
            checkBinding(reader, binding, module, note, names);
          continue;
        }
      }
    }
    // A statement of its own (`require('child_process');`) binds nothing.
    if (reader.isPunct(callEnd + 1, `;`) && (callStart === 0 || reader.isPunct(callStart - 1, `;`, `{`, `}`)))
      continue;
    note(callStart, callEnd);
  }
  // `process.binding('spawn_sync')`: Node's own process spawner, reached without the module.
  for (let index = 0; index < tokens.length && unread === null; index++) {
    const member = reader.isName(index, `process`) && reader.isVariable(index) ? reader.memberAfter(index + 1) : null;
    if (member !== null && (member.name === null || member.name === `binding` || member.name === `_linkedBinding`))
      note(index, member.next);
  }
  return {names, mentioned, unread};
}

/**
 * A string handed to what looks like a loader: `require(…)`, `import(…)`,
 * `module.require(…)`, `__require(…)`, `createRequire(…)(…)`. A loader taken
 * under another name (`const r = require`) is named by the scan of loaders.
 */
function loadArgument(reader: TokenReader, index: number): boolean {
  if (!reader.isPunct(index - 1, `(`) || !reader.isPunct(index + 1, `)`, `,`))
    return false;
  const callee = reader.tokens[index - 2];
  return callee !== undefined && ((callee.kind === `name` && /require|import|load/i.test(callee.value)) || (callee.kind === `punct` && (callee.value === `)` || callee.value === `]`)));
}

interface Binding {
  name: string;
  /** Where the name is declared. */
  at: number;
  /** Bound to the module object (not to one of its functions). */
  whole: boolean;
}

/** `{spawn, execSync}` from its `{`: the names, each bound to the function of its own name; null for a rename, a default, a rest or a nested pattern. */
function destructuredNames(reader: TokenReader, open: number): Array<Binding> | null {
  const close = reader.partner[open];
  if (open === -1 || close === -1)
    return null;
  const bindings: Array<Binding> = [];
  for (let index = open + 1; index < close; index += 2) {
    if (!reader.isName(index) || !reader.isPunct(index + 1, `,`, `}`))
      return null;
    bindings.push({name: reader.tokens[index].value, at: index, whole: false});
  }
  return bindings;
}

/** The bindings of `import … from` whose `from` is at `from`; null for a rename (`as`) of a function or an export. */
function importBindings(reader: TokenReader, from: number): Array<Binding> | null {
  let start = from - 1;
  while (start >= 0 && !reader.isName(start, `import`, `export`))
    start--;
  if (start < 0 || reader.isName(start, `export`))
    return null;
  const bindings: Array<Binding> = [];
  let index = start + 1;
  while (index < from) {
    if (reader.isName(index) && (reader.isPunct(index + 1, `,`) || index + 1 === from)) {
      // `import cp from …`
      bindings.push({name: reader.tokens[index].value, at: index, whole: true});
      index += 2;
    } else if (reader.isPunct(index, `*`) && reader.isName(index + 1, `as`) && reader.isName(index + 2)) {
      bindings.push({name: reader.tokens[index + 2].value, at: index + 2, whole: true});
      index += 3;
      if (reader.isPunct(index, `,`))
        index++;
    } else if (reader.isPunct(index, `{`)) {
      const named = destructuredNames(reader, index);
      if (named === null)
        return null;
      bindings.push(...named);
      index = reader.partner[index] + 1;
      if (reader.isPunct(index, `,`))
        index++;
    } else {
      return null;
    }
  }
  return bindings;
}

/** Every use of a name bound to a module (or to one of its functions) must be a call the call pattern reads. */
function checkBinding(reader: TokenReader, binding: Binding, module: ProcessModule, note: (from: number, to: number) => void, names: Array<string>) {
  const {tokens} = reader;
  // Each name is read once (a text that binds one name many times costs no more).
  if (names.includes(binding.name) || reader.checked.has(binding.name))
    return;
  reader.checked.add(binding.name);
  if (!binding.whole && !CALLED_DIRECTLY.has(binding.name) && !module.functions.has(binding.name)) {
    note(binding.at, binding.at);
    return;
  }
  if (binding.whole)
    names.push(binding.name);
  for (let index = 0; index < tokens.length; index++) {
    if (index === binding.at || tokens[index].kind !== `name` || tokens[index].value !== binding.name || !reader.isVariable(index))
      continue;
    if (reader.isName(index - 1, `typeof`))
      continue;
    const called = reader.isPunct(index + 1, `(`);
    if (binding.whole) {
      if (called && module.callable && CALLED_DIRECTLY.has(binding.name)) {
        reader.processCalls.push({open: index + 1, method: binding.name});
        continue;
      }
      const member = reader.memberAfter(index + 1);
      const readable = member !== null && member.name !== null && module.functions.has(member.name) && (member.name !== `sync` || SYNC_OWNERS.has(binding.name));
      // `cp.spawn(…)`, and `(0, cp.spawn)(…)` as TypeScript and esbuild compile a call.
      if (readable && reader.isPunct(member.next, `(`)) {
        reader.processCalls.push({open: member.next, method: member!.name === `sync` ? binding.name : member!.name!});
        continue;
      }
      if (readable && reader.isPunct(member.next, `)`) && reader.isPunct(index - 1, `,`) && reader.tokens[index - 2]?.value === `0` && reader.isPunct(index - 3, `(`) && reader.isPunct(member.next + 1, `(`)) {
        reader.processCalls.push({open: member.next + 1, method: member!.name!});
        continue;
      }
      note(index, member?.next ?? index + 1);
    } else {
      if (called && CALLED_DIRECTLY.has(binding.name)) {
        reader.processCalls.push({open: index + 1, method: binding.name});
        continue;
      }
      const sync = binding.name === `spawn` ? reader.memberAfter(index + 1) : null;
      if (sync !== null && sync.name === `sync` && reader.isPunct(sync.next, `(`)) {
        reader.processCalls.push({open: sync.next, method: `spawn`});
        continue;
      }
      note(index, index + 1);
    }
  }
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
    } else if (token.kind === `name` && token.value === `env` && reader.isKey(index)) {
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

/**
 * Environments handed to processes: what an `env` option, an `.env`
 * member, or a variable that holds one may be. An environment expression
 * is safe when it can only hold `process.env`'s variables and keys written
 * as literals: `process.env`, another object's `.env`, an object literal of
 * literal keys and spreads of safe expressions, `Object.assign` of those, a
 * variable declared once with one, or a primitive; joined by `||`, `??` or a
 * condition.
 */
class EnvironmentHolders {
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

/** Keywords whose parenthesised head declares nothing (`catch` does). */
const HEADS_WITHOUT_BINDINGS = new Set([`if`, `while`, `for`, `switch`, `with`, `return`, `typeof`, `void`, `delete`, `await`, `yield`, `in`, `of`, `new`, `throw`, `case`]);

/**
 * Names declared other than by `const|let|var name = …`: parameters (of
 * functions, methods, arrows, `catch`), names in destructuring patterns,
 * bindings of `for … of/in`, declarations without a value, functions and
 * classes. Read by name, in any scope: a parameter `env` in one function
 * makes every `env` of the file one the checks cannot vouch for.
 */
function namesDeclaredOtherwise(reader: TokenReader): Set<string> {
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
function conditionEnd(reader: TokenReader, from: number): number | null {
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
function valueEnd(reader: TokenReader, from: number, close: number): number {
  let index = from;
  while (index < close && !reader.isPunct(index, `,`)) {
    const partner = reader.partner[index];
    index = partner > index ? partner + 1 : index + 1;
  }
  return index;
}

/** Where the member chain that ends with the name at `index` starts (`process` of `process.env`, `a` of `a.b.env`). */
function baseStart(reader: TokenReader, index: number): number {
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
