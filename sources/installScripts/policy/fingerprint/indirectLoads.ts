/**
 * `require` reached other than by `require('x')`: aliased (`const r =
 * require; r('x')`), called through the comma operator, `.call`, `.apply`,
 * `Reflect.apply` or `?.()`, made by `createRequire(__filename)` or replaced
 * by `Module._load`; and the hooks node:module's `register` loads. The
 * literal names these calls load are specifiers like any other; every other
 * use of such a loader as a value (stored, passed on, bound) is reported,
 * since the scan cannot tell what it loads later.
 *
 * Like the rest of the scan this does not parse JavaScript: each pattern has
 * bounded repetition, and an unclear case is reported rather than dropped.
 */

import {enclosingEnd, enclosingStart, insideText} from './blocks';

export interface IndirectLoads {
  /** Literal specifiers of indirect calls, as written. */
  specifiers: Array<string>;
  /** Indirect calls whose argument is not one literal: `start` is where the argument begins. */
  computed: Array<number>;
  /** Loads that Node resolves from another module's folder, worded to follow `<file>: `: undecidable. */
  foreign: Array<string>;
  /** Uses of a loader the scan cannot follow, worded to follow `<file>: `. */
  limits: Array<string>;
}

const IDENTIFIER = `[A-Za-z_$][\\w$]{0,255}`;
const MAX_ALIASES = 64;
/** A call's argument list without nested calls deeper than one level, bounded. */
const ARGUMENTS = `\\((?:[^()]|\\([^()]{0,256}\\)){0,256}\\)`;
/** `(path.join(__dirname, 'lib', 'x.js'))`, `(__dirname + '/x.js')`, `('./lib/x.js')`: a path inside the package, unless it climbs out. */
const PACKAGE_PATH_ARGUMENT = /^\(\s*(?:(?:path\s*\.\s*)?(?:join|resolve)\s*\(\s*__dirname\s*(?:,\s*(?:'[^']*'|"[^"]*")\s*)*\)|__dirname\s*\+\s*(?:'[^']*'|"[^"]*")|`\$\{__dirname\}[^`$]*`|'\.\.?\/[^']*'|"\.\.?\/[^"]*")\s*\)$/;
/** `.resolve(` or `.resolve.paths(` after a require: it finds a path and loads nothing. */
const RESOLVE_ONLY = /^\s*\??\.\s*resolve\s*(?:\.\s*paths\s*)?(?:\?\.\s*)?\(/;

/** An argument that is not the file's own place, so that the walk for text is worth its time. */
const OTHER_PLACE = /^(?!\(\s*(?:__filename|import\s*\.\s*meta\s*\.\s*url)\s*\)$)/;

/** What makes the require that createRequire returns resolve like the file's own. */
// `fileURLToPath(import.meta.url)` too (ts-node's child-loader.mjs, round 16).
const OWN_FILE = /^\(\s*(?:__filename|import\s*\.\s*meta\s*\.\s*(?:url|filename)|module\s*\.\s*filename|(?:[\w$]+\s*\.\s*)?fileURLToPath\s*\(\s*import\s*\.\s*meta\s*\.\s*url\s*\))\s*\)$/;

const SKIP_ARGUMENT = /\s*(?:[^,()[\]{}]|\([^()]{0,256}\)){0,256},/y;
const ARRAY_OPEN = /\s*\[/y;
const LITERAL = /\s*(?:'([^'\r\n]{0,1024})'|"([^"\r\n]{0,1024})"|`([^`$\r\n]{0,1024})`)\s*[,)\]]/y;

// The require of another module object: the one that loaded this file, the main script, a cached or child module.
const FOREIGN_REQUIRE = /(?<![\w$.])(?:module\s*\.\s*parent(?:\s*\.\s*parent){0,8}|require\s*\.\s*main|process\s*\.\s*mainModule|module\s*\.\s*children\s*\[[^\]\r\n]{0,64}\]|require\s*\.\s*cache\s*\[[^\]\r\n]{0,256}\])\s*(?:\??\.\s*require\s*\(|(?:\?\.)?\s*\[\s*['"`]require['"`]\s*\])/g;

// Another module object read as a value: `module.parent`, `process.mainModule`, `require.main` (not compared, not its filename), destructured.
const OTHER_MODULE_VALUE = /(?<![\w$])(?:module\s*\.\s*parent(?![\w$])|process\s*\.\s*mainModule(?![\w$])|require\s*\.\s*main(?![\w$])(?!\s*(?:[!=]==?|\.\s*filename(?![\w$])))|\{[^{}]{0,256}(?<![\w$])(?:parent|mainModule|main)(?![\w$])[^{}]{0,256}\}\s*=\s*(?:module|process|require)(?![\w$]))/;
const MEMBER_REQUIRE = /(?<![\w$.])([A-Za-z_$][\w$]{0,255})\s*(?:\?\.|\.)\s*require\s*\(/g;

// `_load(x, parent)` with a parent other than this module.
const FOREIGN_LOAD = /(?<![\w$])_load\s*\(\s*(?:'[^'\r\n]{0,1024}'|"[^"\r\n]{0,1024}"|`[^`\r\n]{0,1024}`|[\w$.]{1,256})\s*,(?!\s*(?:module|null|undefined)\s*[,)])\s*([^,()\r\n]{1,128})/g;

// `require` as a token; a member (`module.require`) counts too, `__webpack_require__` does not.
const REQUIRE_TOKEN = /(?<![\w$])require(?![\w$])/g;
const LOAD_TOKEN = /\.\s*_load(?![\w$])/g;
// `x['call']`, `Module['_load']`: a loader reached by a computed member.
const BRACKET_LOADER = /(?<![\w$])(?:require|createRequire)\s*\[|\[\s*(['"`])(?:_load|createRequire|require)\1\s*\]/g;

function sticky(pattern: RegExp, code: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(code);
}

export function indirectLoads(code: string): IndirectLoads {
  const result: IndirectLoads = {specifiers: [], computed: [], limits: [], foreign: []};
  if (!/require|_load|register/i.test(code))
    return result;

  /** A call's first argument: a literal is a specifier, anything else a computed load. */
  const argumentAt = (at: number) => {
    const literal = sticky(LITERAL, code, at);
    if (literal !== null)
      result.specifiers.push(literal[1] ?? literal[2] ?? literal[3]);
    else
      result.computed.push(at);
  };
  /** After `f.call(` or `Reflect.apply(f,`: skip `this`, then the argument (or the array of arguments). */
  const afterThis = (at: number, array: boolean) => {
    const skipped = sticky(SKIP_ARGUMENT, code, at);
    if (skipped === null) {
      result.computed.push(at);
      return;
    }
    let next = SKIP_ARGUMENT.lastIndex;
    if (array) {
      if (sticky(ARRAY_OPEN, code, next) === null) {
        result.computed.push(next);
        return;
      }
      next = ARRAY_OPEN.lastIndex;
    }
    argumentAt(next);
  };

  /**
   * What follows a loader (`require`, an alias, `createRequire(…)`) at `end`:
   * a call (its argument followed), `.call`/`.apply`, or a value use.
   */
  const useAt = (end: number): `call` | `assigned` | `value` | `other` => {
    const rest = code.slice(end, end + 256);
    const call = /^\s*(?:\?\.\s*)?\(/.exec(rest);
    if (call !== null) {
      argumentAt(end + call[0].length);
      return `call`;
    }
    const member = /^\s*\.\s*(call|apply|bind|resolve|main|cache|extensions|paths)(?![\w$])\s*(\()?/.exec(rest);
    if (member !== null) {
      if ((member[1] === `call` || member[1] === `apply`) && member[2] !== undefined) {
        afterThis(end + member[0].length, member[1] === `apply`);
        return `call`;
      }
      return member[1] === `bind` ? `value` : `other`;
    }
    // `(0, require)('x')`, `(require)('x')`
    const parenthesised = /^\s*\)\s*(?:\?\.\s*)?\(/.exec(rest);
    if (parenthesised !== null) {
      argumentAt(end + parenthesised[0].length);
      return `call`;
    }
    if (/^\s*=(?![=>])/.test(rest))
      return `assigned`;
    if (/^\s*(?:[,;)\]}|&?:]|\r?\n|$)/.test(rest) || /^\s*\.\s*[\w$]/.test(rest))
      return `value`;
    return `other`;
  };

  // `Reflect.apply(require, this, ['x'])`
  const reflected = new Set<number>();
  for (const match of code.matchAll(/\bReflect\s*\.\s*apply\s*\(\s*(require|[A-Za-z_$][\w$]*)\s*,/g)) {
    if (match[1] !== `require`)
      continue;
    reflected.add(match.index + match[0].indexOf(`require`));
    afterThis(match.index + match[0].length, true);
  }

  /**
   * A require made by createRequire for another place than this file: from
   * another package's file (`createRequire(require.resolve('h'))`) it loads
   * that package's dependencies, not this one's (round 11, F11), so it is
   * undecidable; from a path of the package it is a named limit.
   */
  const fromElsewhere = (args: string) => {
    if (OWN_FILE.test(args))
      return;
    const shown = `createRequire${args.length > 48 ? `(…)` : args}`;
    // Only a path of the package (from __dirname, or a relative literal,
    // never climbing out) is a named limit; anything else may be another
    // package's or the project's folder (`process.env.INIT_CWD`, round 13).
    if (PACKAGE_PATH_ARGUMENT.test(args) && !/\bresolve\s*\(|\bpaths\b|\bmain\b|\bparent\b|\bnode_modules\b|\.\./.test(args))
      result.limits.push(`${shown} makes a require that resolves from another place than this file: the names it loads are followed from here`);
    else
      result.foreign.push(`${shown} makes a require that resolves from another package or folder than this file's`);
  };

  // `module.parent.require('x')`, `require.main.require('x')`: the require of
  // another module, which resolves from that module's folder (round 11, F14);
  // `Module._load('x', module.parent)` likewise (F26).
  for (const match of code.matchAll(FOREIGN_REQUIRE))
    result.foreign.push(`${match[0].replace(/\s+/g, ``).replace(/\($/, `()`)} loads from the folder of another module than this file`);
  // `const p = module.parent; p.require('g')`, `const {parent} = module`: such
  // a module object held in a name (F35). In a file that reads one, a
  // `name.require()` is taken for that module's.
  if (OTHER_MODULE_VALUE.test(code)) {
    for (const match of code.matchAll(MEMBER_REQUIRE)) {
      if (match[1] !== `module` && match[1] !== `require`) {
        result.foreign.push(`${match[1]}.require() may be the require of another module (the file reads module.parent, require.main or process.mainModule), which loads from that module's folder`);
      }
    }
  }
  for (const match of code.matchAll(FOREIGN_LOAD))
    result.foreign.push(`Module._load(…, ${match[1].replace(/\s+/g, ``)}) loads from the folder of another module than this file`);

  // `import {createRequire as cr}`, `const {createRequire: cr} = require('module')`: other names of it.
  const creators = [`createRequire`];
  for (const match of code.matchAll(new RegExp(`(?<![\\w$])createRequire\\s*(?:\\bas\\s+|:\\s*)(${IDENTIFIER})`, `g`)))
    if (!creators.includes(match[1]) && creators.length <= MAX_ALIASES)
      creators.push(match[1]);
  const creator = `(?:${creators.map(name => name.replace(/\$/g, `\\$`)).join(`|`)})`;

  // Names that hold a require function: `const r = require`, `const r = createRequire(__filename)`.
  const aliasPattern = new RegExp(`(?:\\b(?:const|let|var)\\s+)?(?<![\\w$.])(${IDENTIFIER})\\s*=\\s*(require(?![\\w$])|(?:[\\w$]+\\s*\\.\\s*|require\\s*\\(\\s*['"](?:node:)?module['"]\\s*\\)\\s*\\.\\s*)?${creator}\\s*(${ARGUMENTS}))\\s*(?=[;,)\\r\\n]|$)`, `g`);
  const aliases = new Map<string, number>();
  /** The arguments of the createRequire call that made an alias. */
  const created: Array<{name: string, args: string, from: number, end: number, declared: number}> = [];
  const aliasedAt = new Set<number>();
  for (const match of code.matchAll(aliasPattern)) {
    const name = match[1];
    if (name === `require`)
      continue; // `const require = createRequire(import.meta.url)`: its calls are plain require() calls.
    const declared = match.index + /^(?:(?:const|let|var)\s+)?/.exec(match[0])![0].length;
    aliases.set(name, declared);
    aliasedAt.add(match.index + match[0].lastIndexOf(match[2]));
    if (match[3] !== undefined) {
      // A const or let holds it to the end of its block; minified code reuses
      // the name elsewhere for other values (tsx 4.23, round 16).
      // A function of the block may use it before the declaration.
      const scoped = /^(?:const|let)\s/.test(match[0]);
      const from = scoped ? enclosingStart(code, match.index) : 0;
      const end = scoped ? enclosingEnd(code, match.index + match[0].length) : code.length;
      created.push({name, args: match[3], from, end, declared});
    }
  }

  // ts-node's `const req = createRequire(join(dir, 'x')); req.resolve('./y')`
  // finds a path and loads nothing (round 16): only a load from elsewhere
  // counts, in the block that holds the name.
  for (const {name, args, from, end, declared} of created) {
    const uses = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, `\\$`)}(?![\\w$])`, `g`);
    uses.lastIndex = from;
    for (let use = uses.exec(code); use !== null && use.index < end; use = uses.exec(code)) {
      const after = use.index + use[0].length;
      if (use.index !== declared && !RESOLVE_ONLY.test(code.slice(after, after + 64))) {
        fromElsewhere(args);
        break;
      }
    }
  }

  // `const {require: r} = module`: r is module.require.
  for (const match of code.matchAll(new RegExp(`[{,]\\s*require\\s*:\\s*(${IDENTIFIER})\\s*(?=[,}])`, `g`)))
    aliases.set(match[1], match.index + match[0].length - match[1].length);

  // Each alias is searched for in the whole text: a file with very many is not worth the time to follow.
  if (aliases.size > MAX_ALIASES) {
    result.limits.push(`more than ${MAX_ALIASES} names hold require, so what they load is not followed`);
    aliases.clear();
  }
  for (const [name, declared] of aliases) {
    let unclear = false;
    for (const use of code.matchAll(new RegExp(`(?<![\\w$.])${name.replace(/\$/g, `\\$`)}(?![\\w$])`, `g`))) {
      if (use.index === declared)
        continue;
      const end = use.index + use[0].length;
      if (RESOLVE_ONLY.test(code.slice(end, end + 64)))
        continue;
      if (useAt(end) !== `call`)
        unclear = true;
    }
    if (unclear)
      result.limits.push(`${name} holds require (or one made by createRequire) and is used other than by a call with a literal name, so what it loads is not followed`);
  }

  for (const match of code.matchAll(REQUIRE_TOKEN)) {
    const start = match.index;
    const before = code.slice(Math.max(0, start - 160), start);
    if (/['"`]$/.test(before) || /\btypeof\s*$/.test(before) || /\bfunction\s*$/.test(before) || /\b(?:const|let|var|class)\s+$/.test(before))
      continue;
    if (reflected.has(start) || aliasedAt.has(start))
      continue;
    // A parameter named require (`function (exports, require, module)`, `(require) => …`).
    const after = code.slice(start + match[0].length, start + match[0].length + 160);
    if (/\bfunction\s*[\w$]*\s*\(\s*(?:[\w$]+\s*,\s*){0,8}$/.test(before) || /^(?:\s*,\s*[\w$]+){0,8}\s*\)\s*=>/.test(after) && /\(\s*(?:[\w$]+\s*,\s*){0,8}$/.test(before))
      continue;
    // `{require: …}` is a key.
    if (/[{,]\s*$/.test(before) && /^\s*:/.test(after))
      continue;
    // `require('x')` and `require.resolve('x')` are the scan's own loads.
    if (/^\s*\(|^\s*\.\s*resolve\s*\(/.test(after))
      continue;
    if (useAt(start + match[0].length) === `value`)
      result.limits.push(`require is used as a value (stored, passed on or bound), so what it loads is not followed`);
  }

  for (const match of code.matchAll(new RegExp(`(?<![\\w$])${creator}(?![\\w$])`, `g`))) {
    const start = match.index;
    const before = code.slice(Math.max(0, start - 64), start);
    const after = code.slice(start + match[0].length, start + match[0].length + 1024);
    if (aliasedAt.has(start) || aliasedAt.has(start - (before.length - before.search(/require\s*\(\s*['"](?:node:)?module['"]\s*\)\s*\.\s*$|[\w$]+\s*\.\s*$/))))
      continue;
    // `import {createRequire} from 'module'`, `const {createRequire} = require('module')`.
    if (/[{,]\s*$/.test(before) && /^\s*(?:[,}]|as\s|:)/.test(after))
      continue;
    if (/(?:\bas\s+|createRequire\s*:\s*)$/.test(before) && /^\s*[,}]/.test(after))
      continue;
    const call = new RegExp(`^\\s*(${ARGUMENTS})`).exec(after);
    if (call === null) {
      result.limits.push(`${match[0]} (createRequire) is used as a value, so what the require it makes loads is not followed`);
      continue;
    }
    const end = start + match[0].length + call[0].length;
    // tsx writes `createRequire(${…})` into a template: text, which runs
    // only if evaluated, and evaluation is reported on its own.
    if (!RESOLVE_ONLY.test(code.slice(end, end + 64)) && !(OTHER_PLACE.test(call[1]) && insideText(code, start)))
      fromElsewhere(call[1]);
    if (useAt(end) !== `call`) {
      // `const require = createRequire(…)` is a plain require; anything else escapes.
      if (!/\brequire\s*=\s*(?:[\w$]+\s*\.\s*|require\s*\(\s*['"](?:node:)?module['"]\s*\)\s*\.\s*)?$/.test(before)) {
        result.limits.push(`the require that createRequire makes is used as a value, so what it loads is not followed`);
      }
    }
  }

  for (const match of code.matchAll(LOAD_TOKEN)) {
    if (useAt(match.index + match[0].length) !== `call`)
      result.limits.push(`Module._load is used as a value, so what it loads is not followed`);
  }

  // `register('hooks', import.meta.url)` of node:module loads customization hooks by specifier.
  if (/['"](?:node:)?module['"]/.test(code)) {
    for (const match of code.matchAll(/(?<![\w$])register\s*\(/g)) {
      argumentAt(match.index + match[0].length);
      // Their resolve and load hooks may hand out any file (outside round 55, H1).
      result.limits.push(`registers module customization hooks (node:module register): what their resolve and load hooks hand out is not followed`);
    }
  }

  if (BRACKET_LOADER.test(code))
    result.limits.push(`a loader (require, createRequire, Module._load) is reached by a computed member, so what it loads is not followed`);
  BRACKET_LOADER.lastIndex = 0;

  return result;
}
