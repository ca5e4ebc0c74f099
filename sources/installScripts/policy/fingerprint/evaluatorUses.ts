/**
 * Evaluators and loaders used otherwise than called by their own name
 * (outside attack round 76): `const run = eval`, `Function(text)` without
 * `new`, `class T extends Function`, `Reflect.construct(Function, …)`,
 * `const {runInThisContext: run} = require('vm')`, `Module.wrap` replaced,
 * `const {register: hooks} = require('node:module')`, `{_load: load}`,
 * `{run: check}` of `node:test`, `const setup = cluster.setupPrimary`. The
 * patterns of code.ts read the calls by their spelling; a value handed on is
 * followed nowhere, so each such use is named. Read from the tokens: strings
 * and comments never count.
 */

import type {Token} from './tokens';

export interface EvaluatorUses {
  /** Evaluators used as values, by name (`eval`, `Function`, `vm.runInThisContext`…): every file of the package may run. */
  evaluations: Array<string>;
  /** Loaders used as values or under another name, described. */
  loaders: Array<string>;
  /** Files outside the package that a literal names to run (`new Worker('../x/index.js')`). */
  foreign: Array<string>;
}

const GLOBAL_OBJECTS = new Set([`globalThis`, `global`, `window`, `self`]);
/** What may stand before `Function` without using it as a value that is called. */
const FUNCTION_TESTS = new Set([`instanceof`, `typeof`, `===`, `!==`, `==`, `!=`]);
const FUNCTION_MEMBERS = new Set([`prototype`, `toString`, `name`, `length`]);
const FUNCTION_METHODS = new Set([`call`, `apply`, `bind`]);
const VM_FUNCTIONS = new Set([`runInThisContext`, `runInNewContext`, `runInContext`, `compileFunction`]);
/** Modules whose members evaluate text or load code: used only through members named as literals. */
const LOADING_MODULES = new Set([`vm`, `module`, `worker_threads`, `cluster`, `test`, `inspector`, `repl`]);
/** What may follow a function's `constructor` without handing the Function constructor on. */
const CONSTRUCTOR_READS = new Set([`name`, `prototype`, `displayName`]);
/** Members of those modules that load or run code, watched when renamed. */
const WATCHED_MEMBERS = new Set([`Worker`, `createRequire`, `_load`, `register`, `registerHooks`, `run`, `runMain`, `_extensions`, `_compile`, `wrap`, `wrapper`, `setupPrimary`, `setupMaster`, `fork`, `start`, `Session`, `runInThisContext`, `runInNewContext`, `runInContext`, `compileFunction`, `Script`, `SourceTextModule`]);
const COMPARISONS = new Set([`===`, `!==`, `==`, `!=`, `instanceof`]);
const EVALUATOR_NAMES = new Set([`eval`, `Function`, `runInThisContext`, `runInNewContext`, `runInContext`, `compileFunction`]);
const VM_CLASSES = new Set([`Script`, `SourceTextModule`, `SyntheticModule`]);
const MODULE_WRAPPERS = new Set([`wrap`, `wrapper`]);
const MODULE_LOADERS = new Set([`register`, `registerHooks`]);
const CLUSTER_SETUP = new Set([`setupPrimary`, `setupMaster`]);
/** Modules that run whatever code they are sent (the inspector's `Runtime.compileScript`, `callFunctionOn`…; a REPL): any load of one is named. */
const CODE_RUNNERS = new Map([[`inspector`, `inspector.Session`], [`inspector/promises`, `inspector.Session`], [`repl`, `repl.start`], [`wasi`, `WASI.start`]]);
/** Module objects whose `load(filename)` (Module.prototype.load) loads the file it is given: `module.load`, `require.main.load`, `process.mainModule.load`. */
const MODULE_OBJECTS = new Set([`module`, `main`, `mainModule`, `parent`, `Module`]);
/** Node's internal bindings (`process.binding('contextify')`): their functions compile and run text. */
const BINDINGS = new Set([`binding`, `_linkedBinding`, `internalBinding`]);
/** WebAssembly's members that compile or start code (`WebAssembly.CompileError`, `Memory` do not). */
const WASM_LOADERS = new Set([`compile`, `compileStreaming`, `instantiate`, `instantiateStreaming`, `Module`, `Instance`]);
/** What a brace opens, as far as `arguments` is concerned. */
type Brace = `function` | `class` | `object` | `block`;
/** Tokens after which a brace opens an object literal. */
const OBJECT_BEFORE = new Set([`=`, `(`, `,`, `:`, `[`, `?`, `??`, `||`, `&&`, `...`, `return`]);

export function evaluatorUses(tokens: ReadonlyArray<Token>): EvaluatorUses {
  const uses: EvaluatorUses = {evaluations: [], loaders: [], foreign: []};
  const modules = new Set(tokens.filter(token => token.kind === `string`).map(token => token.value.replace(/^node:/, ``)).filter(name => [`vm`, `module`, `test`].includes(name)));
  const nodeTest = tokens.some(token => token.kind === `string` && token.value === `node:test`);
  const at = (index: number) => tokens[index] as Token | undefined;
  const is = (index: number, value: string) => at(index)?.kind === `punct` && at(index)!.value === value;
  // A file without a 'use strict' directive that is no ES module (an `import`
  // or `export` declaration, which a CommonJS file cannot hold): its functions
  // are sloppy, and their `caller` is readable.
  const sloppy = !strictDirective()
    && !tokens.some((token, index) => token.kind === `name` && (token.value === `export` || token.value === `import`) && moduleDeclaration(index));
  /**
   * Whether the file starts with a `'use strict'` directive: written without
   * escapes (twelve characters, quotes included) and ending its statement
   * (`'use strict'.length` is an expression).
   */
  function strictDirective(): boolean {
    const first = at(0);
    if (first === undefined || first.kind !== `string` || first.value !== `use strict` || first.end - first.start !== 12)
      return false;
    const next = at(1);
    return next === undefined || is(1, `;`) || next.kind === `string` || (next.kind === `name` && next.value !== `in` && next.value !== `instanceof`);
  }

  /** Whether the `import` or `export` at `index` starts a declaration (not `{export: 1}`, `o.import`, `import(…)`, `import.meta`). */
  function moduleDeclaration(index: number): boolean {
    const before = at(index - 1);
    if (before !== undefined && !(before.kind === `punct` && (before.value === `;` || before.value === `}`)))
      return false;
    const next = at(index + 1);
    if (next === undefined)
      return false;
    if (tokens[index].value === `import`)
      return next.kind === `string` || (next.kind === `name` && next.value !== `from`) || (next.kind === `punct` && (next.value === `{` || next.value === `*`));
    return (next.kind === `punct` && (next.value === `{` || next.value === `*`)) || (next.kind === `name` && [`default`, `const`, `let`, `var`, `function`, `class`, `async`].includes(next.value));
  }

  const literalOnly = (open: number) => is(open, `(`) && (at(open + 1)?.kind === `string` || (at(open + 1)?.kind === `template` && at(open + 1)!.part === `whole`)) && is(open + 2, `)`);
  const add = (list: Array<string>, text: string) => {
    if (!list.includes(text)) {
      list.push(text);
    }
  };

  /** A pattern `{…}` ending at `close`, destructured from a loading module: a computed key in it is named (renames are read below). */
  function destructured(close: number, module: string) {
    for (let back = close - 1; back >= 0 && back >= close - 256; back--) {
      if (is(back, `{`))
        return;
      if (is(back, `[`))
        add(uses.loaders, `the ${module} module is destructured with a key named at run time, so what it loads or runs is not followed`);
      else if (is(back, `:`) && at(back - 1)?.kind === `name` && at(back + 1)?.kind === `name` && at(back - 1)!.value !== at(back + 1)!.value && WATCHED_MEMBERS.has(at(back - 1)!.value))
        add(uses.loaders, `${module}.${at(back - 1)!.value} is used under another name, so what it loads or runs is not followed`);
    }
  }

  /** Whether what follows `after` (or precedes the chain at `before`) only reads a constructor: its name or prototype, a comparison. */
  function constructorRead(after: number, before: number): boolean {
    const next = at(after);
    if (next !== undefined && COMPARISONS.has(next.value))
      return true;
    if (is(after, `.`) && CONSTRUCTOR_READS.has(at(after + 1)?.value ?? ``))
      return true;
    return COMPARISONS.has(at(before)?.value ?? ``);
  }

  /** Whether the destructuring pattern around `inside` is given a function written in place (`} = () => 0`, `} = function`). */
  function patternFromFunction(inside: number): boolean {
    let depth = 0;
    for (let index = inside; index < tokens.length && index < inside + 512; index++) {
      if (is(index, `{`) || is(index, `[`) || is(index, `(`))
        depth++;
      else if (is(index, `]`) || is(index, `)`))
        depth--;
      else if (is(index, `}`) && --depth < 0) {
        if (!is(index + 1, `=`))
          return false;
        for (let value = index + 2; value < tokens.length && value < index + 16 && !is(value, `;`); value++)
          if (is(value, `=>`) || at(value)?.value === `function`)
            return true;
        return false;
      }
    }
    return false;
  }

  /** Whether the `[` at `open` holds only a literal key (`x['a']`, `x[0]`). */
  function literalKey(open: number): boolean {
    const key = at(open + 1);
    return key !== undefined && (key.kind === `string` || key.kind === `number` || (key.kind === `template` && key.part === `whole`)) && is(open + 2, `]`);
  }

  /** Whether the group closed at `close` holds a function written in place (`=>`, `function`). */
  function groupHoldsFunction(close: number): boolean {
    let depth = 0;
    for (let back = close; back >= 0 && back >= close - 512; back--) {
      if (is(back, `)`))
        depth++;
      else if (is(back, `(`) && --depth === 0)
        return false;
      else if (depth >= 1 && (is(back, `=>`) || at(back)?.value === `function`))
        return true;
    }
    return false;
  }

  /**
   * The arguments of the call opened at `open`, each as the range of its
   * tokens (`end` excluded), or null when the call does not close within
   * `limit` tokens: the rules that read them then assume the worst.
   */
  function callArguments(open: number, limit: number): Array<{start: number, end: number}> | null {
    const found: Array<{start: number, end: number}> = [];
    let depth = 0;
    let start = open + 1;
    for (let index = open; index < tokens.length && index < open + limit; index++) {
      if (is(index, `(`) || is(index, `[`) || is(index, `{`)) {
        depth++;
      } else if (is(index, `)`) || is(index, `]`) || is(index, `}`)) {
        if (--depth === 0) {
          if (index > start)
            found.push({start, end: index});
          return found;
        }
      } else if (depth === 1 && is(index, `,`)) {
        found.push({start, end: index});
        start = index + 1;
      }
    }
    return null;
  }

  /** Whether the call opened at `open` has a function written in place as its first argument. */
  function firstArgumentIsFunction(open: number): boolean {
    const found = callArguments(open, 512);
    if (found === null)
      return true;
    const [first] = found;
    // A class or an object literal written in place holds functions too
    // (`Reflect.get(class {}, k)`, `Reflect.get({f() {}}.f, k)`: outside attack round 86, B04).
    for (let index = first?.start ?? 0; first !== undefined && index < first.end; index++)
      if (is(index, `=>`) || is(index, `{`) || (at(index)?.kind === `name` && (at(index)!.value === `function` || at(index)!.value === `class`)))
        return true;
    return false;
  }

  /** The name a destructuring pattern holding the key at `inside` is taken from (`} = process`), or null. */
  function patternSource(inside: number): string | null {
    let depth = 0;
    for (let index = inside; index < tokens.length; index++) {
      if (is(index, `{`) || is(index, `[`) || is(index, `(`))
        depth++;
      else if (is(index, `]`) || is(index, `)`))
        depth--;
      else if (is(index, `}`) && --depth < 0)
        return is(index + 1, `=`) && at(index + 2)?.kind === `name` ? at(index + 2)!.value : null;
      if (depth < 0)
        return null;
    }
    return null;
  }

  /**
   * Whether the token at `index` is inside the body of a function that has its
   * own `arguments`: a `function`, or a method, getter or setter of a class or
   * of an object literal (an arrow function's are its surroundings'). Only a
   * body known for one counts: `f(x)` followed by a block on the next line, a
   * `for await (…) {`, a class whose heritage hides it, are read as blocks, so
   * that the `arguments` in them is the module wrapper's.
   */
  let functionDepths: Int32Array | null = null;
  function inFunctionBody(index: number): boolean {
    if (functionDepths === null) {
      // One pass: what each brace opens, and how many function bodies each token is in.
      functionDepths = new Int32Array(tokens.length);
      const open: Array<Brace> = [];
      let depth = 0;
      for (let at0 = 0; at0 < tokens.length; at0++) {
        if (is(at0, `{`)) {
          const brace = braceKind(at0, open[open.length - 1] ?? `block`);
          open.push(brace);
          if (brace === `function`) {
            depth++;
            // Its parameters' default values (`{x = arguments[1]}`) read its own arguments too.
            for (let parameter = groupStart(at0 - 1) + 1; parameter > 0 && parameter < at0; parameter++)
              functionDepths[parameter]++;
          }
        } else if (is(at0, `}`) && open.pop() === `function`) {
          depth--;
        }
        functionDepths[at0] = depth;
      }
    }
    return functionDepths[index] > 0;
  }

  /** What the brace at `open` opens, inside a brace of kind `around`. */
  function braceKind(open: number, around: Brace): Brace {
    const parameters = is(open - 1, `)`) ? groupStart(open - 1) : -1;
    // `function (…) {`, `function name(…) {`, `function* name(…) {`.
    // `o.function(1)` is a call of a member named so (outside attack round 84, B04).
    if (parameters > 0 && [parameters - 1, parameters - 2, parameters - 3].some(back => at(back)?.value === `function` && at(back)?.kind === `name` && !is(back - 1, `.`) && !is(back - 1, `?.`) && (back === parameters - 1 || at(parameters - 1)?.kind === `name` || is(parameters - 1, `*`))))
      return `function`;
    for (let back = open - 1; back >= 0 && back >= open - 64; back--) {
      if (is(back, `{`) || is(back, `}`) || is(back, `;`))
        break;
      if (at(back)?.value === `class` && at(back)?.kind === `name`)
        return `class`;
    }
    // `name(…) {` where a method may stand: in a class body or an object literal, after `{`, `,`, `;`, `}` or a modifier.
    const name = parameters - 1;
    if (parameters > 0 && at(name)?.kind === `name` && (around === `class` || around === `object`) && (is(name - 1, `{`) || is(name - 1, `,`) || is(name - 1, `;`) || is(name - 1, `}`) || is(name - 1, `*`) || [`get`, `set`, `static`, `async`].includes(at(name - 1)?.value ?? ``)))
      return `function`;
    const before = at(open - 1);
    if (before !== undefined && OBJECT_BEFORE.has(before.value) && (before.kind === `punct` || before.value === `return`))
      return `object`;
    return `block`;
  }

  /** Whether the import list around `index` (`import {… as …} from 'x'`) imports from a module that loads or evaluates. */
  function importedFromLoadingModule(index: number): boolean {
    for (let next = index; next < tokens.length; next++) {
      if (is(next, `}`)) {
        const source = at(next + 2);
        return at(next + 1)?.value === `from` && source?.kind === `string` && LOADING_MODULES.has(source.value.replace(/^node:/, ``));
      }
    }
    return false;
  }

  /** Where the group closed by the `)` (or `]`) at `close` opens, or -1. */
  function groupStart(close: number): number {
    const [opener, closer] = is(close, `]`) ? [`[`, `]`] : [`(`, `)`];
    let depth = 0;
    for (let back = close; back >= 0; back--) {
      if (is(back, closer))
        depth++;
      else if (is(back, opener) && --depth === 0)
        return back;
    }
    return -1;
  }

  /** Whether the call opened at `open` gives, as its argument number `position`, a signal other than a literal name (`'SIGTERM'`). */
  function killsWithChosenSignal(open: number, position: number): boolean {
    const found = callArguments(open, 256);
    if (found === null)
      return true;
    const signal = found[position];
    if (signal === undefined)
      return false;
    const token = tokens[signal.start];
    return !(signal.end === signal.start + 1 && token.kind === `string` && /^SIG(?!USR1$)[A-Z0-9]+$/.test(token.value));
  }

  /** Whether the parenthesis at `open` closes right before a `{` after a name that starts a statement or member: a method's definition. */
  const isMethodDefinition = (open: number) => {
    const before = at(open - 2);
    if (before !== undefined && !(before.kind === `punct` && [`{`, `}`, `;`, `,`].includes(before.value)))
      return false;
    let depth = 0;
    for (let index = open; index < tokens.length && index < open + 256; index++) {
      if (is(index, `(`))
        depth++;
      else if (is(index, `)`) && --depth === 0)
        return is(index + 1, `{`);
    }
    return false;
  };

  /** Whether the name at `index` is a key of a destructuring pattern right after `const`, `let` or `var`. */
  const inDeclaredPattern = (index: number) => {
    for (let back = index - 1; back >= 0 && back >= index - 64; back--) {
      const token = tokens[back];
      if (token.kind === `punct` && (token.value === `}` || token.value === `;`))
        return false;
      if (token.kind === `punct` && token.value === `{`)
        return at(back - 1)?.kind === `name` && [`const`, `let`, `var`].includes(at(back - 1)!.value);
    }
    return false;
  };

  // Names bound to a module that loads or evaluates (`const vm = require('vm')`,
  // `import * as vm from 'node:vm'`, `import vm from 'vm'`): every use must be a
  // member named as a literal (outside attack round 78: `vm[k]`, `m[k]` of node:module).
  const bound = new Map<string, string>();
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind !== `string` || !LOADING_MODULES.has(token.value.replace(/^node:/, ``)) || (token.value === `test` && !token.value.startsWith(`node:`)))
      continue;
    const module = token.value.replace(/^node:/, ``);
    // `require('vm')`, `process.getBuiltinModule('vm')`, `await import('vm')` right
    // after `X =`; otherwise only a member named as a literal may follow it
    // (`Object.values(require('vm'))`, `import('vm').then(…)`: outside attack round 79).
    const loader = at(index - 2)?.value;
    if (is(index - 1, `(`) && (loader === `require` || loader === `getBuiltinModule` || loader === `import`) && is(index + 1, `)`)) {
      const assignedAt = at(index - 3)?.value === `await` ? index - 4 : index - 3;
      if (is(assignedAt, `=`) && at(assignedAt - 1)?.kind === `name`)
        bound.set(at(assignedAt - 1)!.value, module);
      else if (is(assignedAt, `=`) && is(assignedAt - 1, `}`))
        destructured(assignedAt - 1, module);
      else if (!((is(index + 2, `.`) || is(index + 2, `?.`)) && at(index + 3)?.kind === `name` && at(index + 3)!.value !== `then`) || (loader === `import` && at(index - 3)?.value !== `await`))
        add(uses.loaders, `the ${module} module is used with a member named at run time or as a value (${loader}('${token.value}')), so what it loads or runs is not followed`);
    } else if (at(index - 1)?.value === `from`) {
      if (at(index - 2)?.kind === `name` && (at(index - 3)?.value === `as` || at(index - 3)?.value === `import`))
        bound.set(at(index - 2)!.value, module);
      else if (is(index - 2, `}`))
        destructured(index - 2, module);
    }
  }
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind !== `name` || !bound.has(token.value) || is(index - 1, `.`) || is(index - 1, `?.`))
      continue;
    // Its declaration, or a member named as a literal.
    if (is(index + 1, `=`) || ((is(index + 1, `.`) || is(index + 1, `?.`)) && at(index + 2)?.kind === `name`) || at(index - 1)?.value === `as` || at(index - 1)?.value === `import` || at(index + 1)?.value === `from`)
      continue;
    if (is(index + 1, `[`) && at(index + 2)?.kind === `string` && is(index + 3, `]`))
      continue;
    // `import test from 'node:test'; test('x', …)`: a test of this file, no file loaded.
    if (bound.get(token.value) === `test` && is(index + 1, `(`))
      continue;
    add(uses.loaders, `the ${bound.get(token.value)} module is used with a member named at run time or as a value (${token.value}), so what it loads or runs is not followed`);
  }

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    // `require('node:inspector')`, `from 'repl'`: whatever they are sent runs (outside attack round 80, C11, C18);
    // node:wasi starts WebAssembly (outside attack round 83, B06).
    const runner = token.kind === `string` ? CODE_RUNNERS.get(token.value.replace(/^node:/, ``)) : undefined;
    if (runner !== undefined && ((is(index - 1, `(`) && [`require`, `getBuiltinModule`, `import`].includes(at(index - 2)?.value ?? ``)) || at(index - 1)?.value === `from` || (at(index - 1)?.value === `import` && at(index - 1)?.kind === `name`)))
      add(uses.evaluations, runner);
    // `g['caller']`, `Reflect.get(g, 'arguments')`: the module wrapper reached by a string (outside attack round 83).
    // A template without substitutions is a string too (outside attack round 85, B05).
    const text = token.kind === `string` || (token.kind === `template` && token.part === `whole`) ? token.value : null;
    if (text === `caller`)
      add(uses.loaders, `a function's caller is read, which reaches the module wrapper and its arguments (require, module), so what they load is not followed`);
    if (text === `prepareStackTrace` || text === `getFunction`)
      add(uses.loaders, `the functions of the call stack are read (${text}), which reaches the module wrapper and its arguments (require, module), so what they load is not followed`);
    // `globalThis['eval']`, `Reflect.get(globalThis, 'Function')`: an evaluator named by a string.
    if (token.kind === `string` && EVALUATOR_NAMES.has(token.value) && ((is(index - 1, `[`) && is(index + 1, `]`)) || (is(index - 1, `,`) && at(index - 4)?.value === `get` && is(index - 5, `.`) && at(index - 6)?.value === `Reflect`)))
      add(uses.evaluations, token.value === `eval` || token.value === `Function` ? token.value : `vm.${token.value}`);
    // `process['kill'](pid, s)`: the signal is not read (outside attack round 86, B01).
    if (text === `kill` && is(index - 1, `[`) && at(index - 2)?.value === `process` && is(index + 1, `]`))
      add(uses.loaders, `process.kill is used as a value, so the signal it sends is not read, and SIGUSR1 opens Node's inspector, which runs any code sent to it`);
    // `f['constructor']` handed on (called in place, code.ts reads it).
    if (token.kind === `string` && token.value === `constructor` && is(index - 1, `[`) && is(index + 1, `]`) && !is(index + 2, `(`) && !is(index + 2, `[`) && !constructorRead(index + 2, index - 2))
      add(uses.evaluations, `Function`);
    // `const {[k]: F} = () => 0`: a key named at run time destructured from a function.
    if (is(index, `[`) && (is(index - 1, `{`) || is(index - 1, `,`)) && inDeclaredPattern(index) && patternFromFunction(index))
      add(uses.evaluations, `Function`);
    // `(() => 0)[k]`, `Object.getPrototypeOf(function* () {})[k]`: a member named at
    // run time of a function, which may be its constructor.
    if (is(index, `)`) && is(index + 1, `[`) && !literalKey(index + 1) && groupHoldsFunction(index))
      add(uses.evaluations, `Function`);
    if (token.kind !== `name`)
      continue;
    const member = is(index - 1, `.`) || is(index - 1, `?.`);
    const onGlobal = member && at(index - 2)?.kind === `name` && GLOBAL_OBJECTS.has(at(index - 2)!.value);
    const called = is(index + 1, `(`);
    const name = token.value;
    // `import {register} from 'node:module'`, `const {runInThisContext} = require('vm')`:
    // bound under its own name, whose calls code.ts reads. A function's
    // `constructor` bound so is the Function constructor all the same.
    const shorthand = !member && (is(index - 1, `{`) || is(index - 1, `,`)) && (is(index + 1, `}`) || is(index + 1, `,`) || is(index + 1, `=`));
    const key = !member && (is(index - 1, `{`) || is(index - 1, `,`)) && (is(index + 1, `:`) || shorthand);
    if (key && (name === `caller` || name === `prepareStackTrace` || name === `getFunction`)) {
      // `const {caller: c} = g`, `function h({caller})`, `Object.assign(Error, {prepareStackTrace: f})`,
      // `const {getFunction: gf} = site`: the same members as keys (outside attack round 86, B02, B03).
      add(uses.loaders, name === `caller` ? `a function's caller is read, which reaches the module wrapper and its arguments (require, module), so what they load is not followed` : `the functions of the call stack are read (${name}), which reaches the module wrapper and its arguments (require, module), so what they load is not followed`);
      continue;
    }
    if (key && name === `kill` && patternSource(index) === `process`) {
      // `const {kill} = process`: the signal of its calls is not read (outside attack round 86, B01).
      add(uses.loaders, `process.kill is destructured, so the signal it sends is not read, and SIGUSR1 opens Node's inspector, which runs any code sent to it`);
      continue;
    }
    if (shorthand && name !== `constructor`)
      continue;

    if (name === `eval` && (!member || onGlobal)) {
      // `eval(…)` is read by code.ts; `globalThis.eval(…)`, `(0, eval)(…)`, `const run = eval` are not.
      if (!called || onGlobal)
        add(uses.evaluations, `eval`);
    } else if (name === `Function` && (!member || onGlobal)) {
      const before = at(index - 1);
      if (before !== undefined && (before.kind === `name` || before.kind === `punct`) && FUNCTION_TESTS.has(before.value))
        continue;
      // `Function.prototype.x` (its constructor excepted, read by code.ts),
      // `Function.toString`, and `Function.call.bind(…)` (the method taken,
      // not called: `Function.call(null, text)` is the constructor called).
      if (is(index + 1, `.`) && (FUNCTION_MEMBERS.has(at(index + 2)?.value ?? ``) || (FUNCTION_METHODS.has(at(index + 2)?.value ?? ``) && is(index + 3, `.`))))
        continue;
      // A key (`{Function: …}`), an import's or export's name, a method named so (`Function(path) {…}`).
      if ((is(index + 1, `:`) && (is(index - 1, `{`) || is(index - 1, `,`))) || at(index + 1)?.value === `as` || before?.value === `as` || (called && isMethodDefinition(index + 1)))
        continue;
      // `Function('return this')`, `new Function('return this')`: nothing a release can change unseen.
      if (called && literalOnly(index + 1))
        continue;
      if (!(called && before?.value === `new`))
        add(uses.evaluations, `Function`);
    } else if (VM_FUNCTIONS.has(name) && !called) {
      add(uses.evaluations, `vm.${name}`);
    } else if (VM_CLASSES.has(name) && modules.has(`vm`) && !(called && (at(index - 1)?.value === `new` || (member && at(index - 3)?.value === `new`)))) {
      add(uses.evaluations, `vm.${name}`);
    } else if (name === `_compile` && !called) {
      add(uses.evaluations, `Module.prototype._compile`);
    } else if (MODULE_WRAPPERS.has(name) && member && modules.has(`module`) && !called) {
      add(uses.evaluations, `Module.${name}`);
    } else if (MODULE_LOADERS.has(name) && modules.has(`module`) && !called && !member) {
      add(uses.loaders, `module.${name} is used under another name or as a value, so the hooks module it loads is not followed`);
    } else if (name === `_load` && !called) {
      add(uses.loaders, `Module._load is used under another name or as a value, so what it loads is not followed`);
    } else if (name === `arguments` && !member && !is(index + 1, `:`) && !(called && isMethodDefinition(index + 1)) && !inFunctionBody(index)) {
      // Outside any function, `arguments` is the module wrapper's: `[exports, require, module, …]` (outside attack round 82, A01–A08).
      add(uses.loaders, `the module wrapper's arguments (require, module) are used outside a function, so what they load is not followed`);
    } else if (name === `_debugProcess` || name === `SIGUSR1` || (name === `debugPort` && member)) {
      // Node opens its inspector on this signal; another process may then run any code in it (outside attack round 82, A09, A10).
      add(uses.loaders, `${name === `SIGUSR1` ? `the signal SIGUSR1` : `process.${name}`} opens Node's inspector or chooses its port, and the inspector runs any code sent to it, so what runs is not followed`);
    } else if (name === `kill` && member && !called && at(index - 2)?.value === `process` && !is(index + 1, `=`)) {
      // `const k = process.kill; k(pid, s)`, `process.kill?.(pid, s)`: a call whose signal is not read (outside attack round 86, B01).
      add(uses.loaders, `process.kill is used as a value, so the signal it sends is not read, and SIGUSR1 opens Node's inspector, which runs any code sent to it`);
    } else if (name === `kill` && member && called && killsWithChosenSignal(index + 1, at(index - 2)?.value === `process` ? 1 : 0)) {
      add(uses.loaders, `a signal chosen at run time is sent (${at(index - 2)?.value ?? ``}.kill), which may open Node's inspector (SIGUSR1), so what runs is not followed`);
    } else if (name === `Worker` && !called && !is(index + 1, `.`) && at(index - 1)?.value !== `new` && !is(index + 1, `:`) && at(index + 1)?.value !== `as` && at(index - 1)?.value !== `as` && !FUNCTION_TESTS.has(at(index - 1)?.value ?? ``)) {
      // `new (require('worker_threads').Worker)(file)`: the class handed on (outside attack round 82, A12).
      add(uses.loaders, `worker_threads.Worker is used as a value, so the file its workers run is not followed`);
    } else if (name === `_cache` && member && modules.has(`module`)) {
      add(uses.loaders, `Module._cache is used, so a require may load another module than the one followed`);
    } else if (WATCHED_MEMBERS.has(name) && name !== `createRequire` && !member && at(index + 1)?.value === `as` && at(index + 2)?.kind === `name` && at(index + 2)!.value !== name && importedFromLoadingModule(index)) {
      // `import {Worker as W} from 'node:worker_threads'`: renamed, its uses are not read
      // (a renamed createRequire is followed: see indirectLoads).
      add(uses.loaders, `${name} is imported under another name (${at(index + 2)!.value}), so what it loads or runs is not followed`);
    } else if (sloppy && !member && (name === `getOwnPropertyDescriptors` || name === `getOwnPropertyNames` || name === `ownKeys`) || (sloppy && member && (name === `getOwnPropertyDescriptors` || name === `getOwnPropertyNames` || (name === `ownKeys` && at(index - 2)?.value === `Reflect`)))) {
      // In sloppy code a function's own properties include its caller, which
      // may be the module wrapper (outside attack round 84, B01).
      add(uses.loaders, `a function's own properties may be listed (${name}), its caller among them, which reaches the module wrapper and its arguments (require, module), so what they load is not followed`);
    } else if (name === `Error` && !member && is(index + 1, `[`) && !literalKey(index + 1)) {
      // `Error[k] = (e, s) => s`: the structured stack, whose functions reach the module wrapper (B02).
      add(uses.loaders, `a member of Error is named at run time (prepareStackTrace may be set), which reaches the module wrapper and its arguments (require, module), so what they load is not followed`);
    } else if (name === `caller` && member) {
      // `g.caller.arguments[1]`: the module wrapper reached from a function it called, and its `require` (outside attack round 83, B01, B03);
      // a function's `arguments` member alone reaches nothing: the wrapper is only reached this way, through the call stack, or as `arguments.callee`.
      add(uses.loaders, `a function's ${name} is read, which reaches the module wrapper and its arguments (require, module), so what they load is not followed`);
    } else if ((name === `prepareStackTrace` || name === `getFunction`) && member) {
      // Call sites' functions (`Error.prepareStackTrace` then `getFunction()`): the module wrapper again (B02).
      add(uses.loaders, `the functions of the call stack are read (${name}), which reaches the module wrapper and its arguments (require, module), so what they load is not followed`);
    } else if (name === `WebAssembly` && !member && !is(index + 1, `:`) && !(is(index + 1, `.`) && !WASM_LOADERS.has(at(index + 2)?.value ?? ``)) && at(index - 1)?.value !== `typeof`) {
      // WebAssembly compiled from bytes read at run time, from another package's file (B06).
      add(uses.evaluations, `WebAssembly`);
    } else if (name === `_preloadModules`) {
      // `require('module')._preloadModules([name])`: loads what it is given, from the working folder (outside attack round 80, B18).
      add(uses.loaders, `Module._preloadModules loads the modules it is given, chosen at run time, so what it loads is not followed`);
    } else if (name === `load` && member && !is(index + 1, `=`) && (MODULE_OBJECTS.has(at(index - 2)?.value ?? ``) || (at(index - 2)?.value === `prototype` && modules.has(`module`)) || (is(index - 2, `]`) && at(groupStart(index - 2) - 1)?.value === `children`))) {
      // `module.load(file)`: Module.prototype.load loads the file it is given (outside attack round 80, C04, C19).
      add(uses.loaders, `${at(index - 2)!.value === `]` ? `children[…]` : at(index - 2)!.value}.load() loads the file it is given, chosen at run time, so what it loads is not followed`);
    } else if (BINDINGS.has(name) && member && at(index - 2)?.value === `process`) {
      // `process.binding('contextify')`: Node's internals, whose functions compile text.
      add(uses.evaluations, `process.${name}`);
    } else if (name === `run` && nodeTest && !called && !member) {
      add(uses.loaders, `node:test's run is used under another name or as a value, so the files it runs are not followed`);
    } else if (CLUSTER_SETUP.has(name) && !called) {
      add(uses.loaders, `cluster.${name} is used under another name or as a value, so the file its workers run is not followed`);
    } else if (name === `constructor` && member && is(index - 2, `)`) && groupHoldsFunction(index - 2) && !called && !is(index + 1, `.`) && !constructorRead(index + 1, index - 3)) {
      // `const F = (() => 0).constructor`: the Function constructor handed on
      // (its own members and comparisons are reads; code.ts reads the calls).
      // The constructor of another value is taken as a value all the time
      // (`const Ctor = object.constructor` to clone it): a stated limit.
      add(uses.evaluations, `Function`);
    } else if (name === `with` && !member && called) {
      add(uses.loaders, `a with statement: the names in it may be members of any object, the Function constructor included, which is not followed`);
    } else if ((name === `module` || name === `require`) && !member && is(index + 1, `[`) && !literalKey(index + 1)) {
      add(uses.loaders, `${name} is used with a member named at run time, so what it loads is not followed`);
    } else if ((name === `get` && member && at(index - 2)?.value === `Reflect`) || (name === `Proxy` && at(index - 1)?.value === `new`)) {
      // `Reflect.get(() => 0, k)`, `new Proxy(() => 0, handler)`: members of a function named at run time.
      if (called && firstArgumentIsFunction(index + 1))
        add(uses.evaluations, `Function`);
    } else if (name === `constructor` && !member && (is(index + 1, `:`) || shorthand) && inDeclaredPattern(index)) {
      // `const {constructor: F} = [].map`: the Function constructor.
      add(uses.evaluations, `Function`);
    } else if (name === `Worker` && at(index - 1)?.value === `new` && called) {
      const path = at(index + 2);
      if (path !== undefined && (path.kind === `string` || (path.kind === `template` && path.part === `whole`)) && /^\.\.?[/\\]/.test(path.value) && path.value.split(/[/\\]/).filter(part => part === `..`).length > 0)
        add(uses.foreign, `new Worker('${path.value.slice(0, 80)}') runs a file that may be outside the package`);
    }
  }
  return uses;
}
