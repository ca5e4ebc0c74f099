/**
 * Best-effort scan of JavaScript text for what it loads. It does not parse
 * JavaScript: it finds string literals in the places where code names other
 * code, and leans towards finding too much. Every pattern has bounded
 * repetition, so a hostile file cannot make the scan expensive.
 */

import {insideText} from './blocks';
import {indirectLoads} from './indirectLoads';
import {type ProcessAccess, processAccess} from './processAccess';

export interface CodeReferences {
  /** Specifiers of `require`, `require.resolve`, `import(…)`, `import … from`, as written: `./x`, `#x`, `dep/sub`. */
  specifiers: Array<string>;
  /** Other string literals that start with ./ or ../: paths handed to `fork`, `spawn`, `new URL(…, import.meta.url)`. */
  paths: Array<string>;
  /** Paths built from `__dirname` (`path.join(__dirname, 'x')`, `__dirname + '/x'`), relative to the file. */
  dirnamePaths: Array<string>;
  /** `require(…)` / `require.resolve(…)` / `import(…)` whose argument is not a plain string literal. */
  computed: Array<ComputedLoad>;
  /** Calls of child_process functions (and look-alikes: cross-spawn, execa, shelljs). */
  processCalls: Array<ProcessCall>;
  /**
   * Other string literals that look like the name of a code file (`'helper.js'`,
   * `'scripts/setup.sh'`): code may read such a file and run it (`new
   * Function(fs.readFileSync('helper.js'))`), so the collector hashes it
   * when the package has it.
   */
  namedFiles: Array<string>;
  /** Where code is evaluated from text (`eval`, `new Function`, `vm.run…`), with a text that is not a literal. */
  evaluations: Array<string>;
  /** Uses of `require`, `createRequire` or `Module._load` as a value that the scan cannot follow (see indirectLoads). */
  loaderValues: Array<string>;
  /** Loads resolved from another module's folder (`require.main.require('x')`): undecidable (see indirectLoads). */
  foreignLoads: Array<string>;
  /**
   * Environment files the code loads into its process (`process.loadEnvFile()`
   * reads `.env`, `process.loadEnvFile('x.env')`): a `NODE_OPTIONS` there
   * reaches every node it starts.
   */
  envFiles: Array<string>;
  /**
   * Node options the code gives the node processes and workers it starts
   * (`fork(x, {execArgv: ['--require', 'y']})`, `new Worker(x, {execArgv})`,
   * `process.execArgv.push('--require', 'y')`, which forks inherit): the
   * literal strings of each, and whether any part is built at run time.
   */
  nodeOptions: Array<{words: Array<string>, computed: boolean}>;
  /**
   * What makes the code run or load files from elsewhere than the scan
   * assumes: `process.chdir`, a `cwd` option (commands then resolve from
   * another folder), `module.paths`, `NODE_PATH`, `Module._resolveFilename`
   * and other loader internals (modules then resolve elsewhere), and
   * `env:<NAME>` for a variable it sets that decides what its commands run or
   * read (`PATH`, `HOME`, `NODE_OPTIONS`, `npm_config_*`…).
   */
  relocations: Array<string>;
  /**
   * Options that name the program a process runs instead of its command:
   * fork's `execPath` other than `process.execPath`, a `shell` other than the
   * usual shells (`python3 -c` runs the command line as Python).
   */
  programOptions: Array<`execPath` | `shell`>;
  /**
   * How the code may write to the standard input of a process it starts: its
   * `stdin` stream (`child.stdin.end(text)`), an `input` option, or a `stdio`
   * option whose first entry is neither inherited nor ignored. Node started
   * with no program runs what it reads there.
   */
  stdinFeeds: Array<string>;
}

export type LoaderKind = `require` | `require.resolve` | `import`;

export interface ComputedLoad {
  kind: LoaderKind;
  /**
   * The literal start of the computed path, relative to the file's directory
   * (`./`, `./lib/`, `./cmd-`, `../x/`), when the argument has one: a string
   * concatenation, a template, `__dirname + '/…'` or `path.join(__dirname, …)`
   * followed by a computed part. Null when nothing literal and relative leads.
   */
  prefix: string | null;
}

/** Stands for `__dirname` inside texts of `ProcessCall`; the collector replaces it with the file's directory. */
export const DIRNAME_MARK = `\u0000dirname`;

export interface ProcessCall {
  /** `spawn`, `spawnSync`, `exec`, `execSync`, `execFile`, `execFileSync`, `fork`, `execa`…, whitespace removed. */
  method: string;
  /** Whether the first argument is shell text (`exec`) rather than a command word (`spawn`) or a module (`fork`). */
  shell: boolean;
  /** The first argument when literal enough (`process.execPath` reads `node`); null when built at run time. */
  command: string | null;
  /** The literal leading elements of the argument array, when there is one. */
  args: Array<string>;
  /**
   * Why `args` may not be all the words: `computed` when the argument array has
   * an element built at run time (the ones after it are not in `args`),
   * `elsewhere` when the words are given otherwise than as an array literal
   * (`spawn(file, args)`), so they are not known to be none; null when `args`
   * holds every word.
   */
  wordsUnread: `computed` | `elsewhere` | null;
}

// `__require('x')` is how esbuild's bundles call require; `import.meta.resolve('x')` locates a module as require.resolve does.
// The other two quote characters may be in the name: Yarn installs a dependency under `h'` too
// (round 11, F5); such a name has no space or code punctuation, which keeps
// minified code (`import(`…`).replace(a,"…")`) from reading as one.
const MODULE_REFERENCE = /\b(?:(?:__)?require\s*(?:\.\s*resolve\s*)?\(|import\s*\.\s*meta\s*\.\s*resolve\s*\(|import\s*\(|from|import)\s*(['"`])([^'"`\r\n]{1,1024}|(?:(?!\1)[^\r\n\s(),;{}=<>+]){1,256})\1/g;

const RELATIVE_STRING = /(['"`])(\.\.?[/\\][^'"`\r\n]{0,1024})\1/g;

const DIRNAME_JOIN = /\b(?:join|resolve)\s*\(\s*__dirname\s*((?:,\s*(?:'[^'\r\n]{0,256}'|"[^"\r\n]{0,256}")\s*){1,16})\)/g;
const QUOTED_PIECE = /'([^'\r\n]*)'|"([^"\r\n]*)"/g;

const DIRNAME_CONCAT = /__dirname\s*\+\s*(['"])([/\\][^'"\r\n]{0,1024})\1|`\$\{__dirname\}([/\\][^`$\r\n]{0,1024})`/g;

// A relative path without a leading `./`, ending in an extension of code that
// install scripts run or evaluate; no spaces, no URL, bounded.
const NAMED_FILE = /(['"`])((?:[\w@+-][\w@+.-]{0,127}\/){0,8}[\w@+-][\w@+.-]{0,127}\.(?:js|cjs|mjs|ts|cts|mts|json|node|sh|bash|py|pl|rb|bat|cmd|ps1|gyp|gypi|mk|wasm))\1/g;

// Evaluation of text as code. `eval(` as a member (`obj.eval(`) or a
// declaration is not the global eval.
const EVALUATION = /(?:(?<![\w$.])(eval)|(new\s+Function)|\b(runInThisContext|runInNewContext|runInContext|compileFunction|_compile)|(new\s+(?:[\w$]+\s*\.\s*)?Script)|(new\s+(?:[\w$]+\s*\.\s*)?Worker|\bsetupPrimary|\bsetupMaster|\bdlopen))\s*\(/g;
// Evaluators reached without a call to `eval`: a REPL fed text, the
// inspector's Runtime.evaluate, a Worker of source text, and the Function
// constructors of arrow, async and generator functions (`(async () => {}).constructor`,
// `Object.getPrototypeOf(function* () {}).constructor`).
// The Function constructor is also the constructor of any function
// (`''.constructor.constructor`, `[].map.constructor(…)`: outside attack round
// 75, A09): a `constructor` member called, or its own `constructor`
// (`this.constructor(…)` is the class of the object at hand).
const OTHER_EVALUATORS = /\brepl['"]?\s*\)?\s*\.\s*start\b|\bRuntime\s*\.\s*evaluate\b|\beval\s*:\s*true\b|\}\s*\)\s*\.\s*constructor\b|\bFunction\s*\.\s*prototype\s*\.\s*constructor\b|(?:(?<!\bthis\s*)\.\s*constructor\b|\[\s*(['"\x60])constructor\1\s*\])\s*(?:\.\s*constructor\b|\[\s*(['"\x60])constructor\2\s*\]|\(|\.\s*(?:call|apply|bind)\b)/g;
const LITERAL_ONLY = /\s*(?:'[^'\r\n]{0,1024}'|"[^"\r\n]{0,1024}"|`[^`$\r\n]{0,1024}`)?\s*\)/y;

// `process.getBuiltinModule(id)` (Node 20.16) loads a builtin as `require` does (outside attack round 68, A4).
const LOADER_CALL = /\b(?:__)?(require\s*\.\s*resolve|require|import\s*\.\s*meta\s*\.\s*resolve|import|getBuiltinModule)\s*\(/g;

const ENV_FILE_CHOSEN = `env:the variables of an environment file chosen at run time (process.loadEnvFile)`;
const LOAD_ENV_FILE = /\bloadEnvFile\s*\(\s*(?:(['"`])([^'"`\r\n]{1,1024})\1)?/g;
// Changes of the working folder, of where require looks for modules, and of
// the environment that tells the commands it starts what to run or read.
// A variable is set when assigned or written as an object key (after `{` or `,`), not when read.
const COMMAND_VARIABLE = `PATH|HOME|USERPROFILE|XDG_CONFIG_HOME|NODE_OPTIONS|NODE_REPL_EXTERNAL_MODULE|NODE_PRESERVE_SYMLINKS|PYTHONPATH|PYTHONSTARTUP|PYTHONHOME|PYTHONUSERBASE|LD_[A-Z_]{1,32}|DYLD_[A-Z_]{1,32}|GYP_[A-Z_]{1,32}|COMPILER_PATH|GCC_EXEC_PREFIX|GCONV_PATH|BASH_ENV|SHELLOPTS|BASHOPTS|PS4|RUBYLIB|PERLLIB|PERL5LIB|PERL5DB|OPENSSL_CONF|OPENSSL_MODULES|OPENSSL_ENGINES|PERL5OPT|RUBYOPT|BASH_FUNC_[^'"\\s=:]{1,64}|(?:npm_config|NPM_CONFIG|YARN|GIT)_[A-Za-z_]{1,64}`;
const RELOCATION = new RegExp(String.raw`\b(?:(process\s*\.\s*chdir)\s*\(|(cwd)['"\x60]?\s*:|(${COMMAND_VARIABLE})(?:\s*(?:['"]\s*)?(?:\]\s*)?=(?![=>])|(?<=[{,]\s{0,64}['"]?(?:${COMMAND_VARIABLE}))['"]?\s*:)|(module\s*\.\s*paths|require\s*\.\s*main\s*\.\s*paths|require\s*\.\s*cache|prototype\s*\.\s*require|globalPaths|_nodeModulePaths|_resolveFilename|_resolveLookupPaths|_findPath|_initPaths|_pathCache|Module\s*\.\s*_cache|['"\x60]\s*\)\s*\.\s*_cache|require\s*\.\s*extensions|_extensions|NODE_PATH|module\s*\.\s*constructor|new\s+Module)\b)|(\[\s*\.\.\.\s*arguments\s*\]|\bArray\s*\.\s*from\s*\(\s*arguments\s*\))|(\bObject\s*\.\s*assign\s*\(\s*process\s*\.\s*env\b|\bprocess\s*\.\s*env\s*\[\s*[^\]'"\x60\s][^\]]{0,64}\]\s*=(?!=))`, `g`);
// What writes to a started process's standard input: its `stdin` (not this
// process's own), an `input` option, a `stdio` option (its first entry is read below).
const STDIN_FEED = /(?<!\bprocess\s*(?:\.\s*|\[\s*['"\x60]))\b(stdin)\b|(?<![.\w$])(input)['"\x60]?\s*:(?!:)|(?<![.\w$])(stdio)['"\x60]?\s*:(?!:)\s*(\[\s*)?/g;
const PLAIN_STDIN = /^(?:(['"\x60])(?:inherit|ignore)\1|0|null|undefined|process\s*\.\s*stdin)\s*[,\]}]/;
// `execPath: …`, `shell: …` as option keys (not members: `process.execPath`), and `{execPath}`.
const PROGRAM_OPTION = /(?<![.\w$])(execPath|shell)['"\x60]?\s*:(?!:)\s*|(?<=[{,]\s{0,64})(execPath)(?=\s*[,}])/g;
const PLAIN_EXEC_PATH = /^process\s*\.\s*execPath\b/;
const PLAIN_SHELL = /^(?:true|false|undefined|null|!0|!1)\b|^(['"\x60])(?:[^'"\x60\r\n]{0,256}[/\\])?(?:sh|bash|dash|zsh|ksh|cmd|cmd\.exe|powershell|powershell\.exe|pwsh|pwsh\.exe)\1/i;
// What makes a load call static: one literal, then `)` or the options argument of import().
const LITERAL_ARGUMENT = /\s*(?:'[^'\r\n]{0,1024}'|"[^"\r\n]{0,1024}"|`[^`$\r\n]{0,1024}`)\s*[),]/y;
const DECLARATION_BEFORE = /\bfunction\s*$/;

/**
 * What the code loads, read from the text as written and from views of it
 * that undo what hides a literal load from the patterns below: comments
 * between tokens (a block comment between `require(` and its string), escapes in identifiers and strings
 * (`\u0072equire('\u0079')`), `eval` of a literal name (`eval('require')`)
 * and a bare `_load(` (destructured from node:module). The views only add
 * references: what the text as written shows is always kept, so a view that
 * misreads a string (a comment opener inside one) cannot hide anything.
 */
export function scanCode(code: string): CodeReferences {
  const access = processAccess(code, {mayNameVariable: start => mayNameCommandVariable(JSON.stringify(start))});
  const references = scanText(code, access);
  for (const view of codeViews(code)) {
    const more = scanText(view, access);
    for (const key of Object.keys(references) as Array<keyof CodeReferences>) {
      const known = new Set((references[key] as Array<unknown>).map(value => JSON.stringify(value)));
      for (const value of more[key] as Array<unknown>) {
        if (!known.has(JSON.stringify(value))) {
          (references[key] as Array<unknown>).push(value);
        }
      }
    }
  }
  // Read from the tokens: every use of the child_process module and of the
  // environment that the patterns above do not read in full (outside attack
  // round 62). A text the token reader cannot read as an engine would counts
  // as such a use, whatever it spells: code it cannot read may name a module
  // or a key in pieces or escapes that no test of the text sees.
  const unreadable = access.unreadable !== null ? `its text cannot be read as JavaScript (${access.unreadable})` : null;
  const unreadModule = access.unreadModuleUse ?? unreadable;
  if (unreadModule !== null && !references.processCalls.some(call => call.method === INDIRECT_CALL_METHOD))
    references.processCalls.push({method: INDIRECT_CALL_METHOD, shell: true, command: null, args: [unreadModule], wordsUnread: `computed`});
  if ((access.unreadEnvironment !== null || unreadable !== null) && !references.relocations.includes(`env:variables named at run time`))
    references.relocations.push(`env:variables named at run time`);
  // Evaluators and loaders handed on as values or renamed (outside attack round 76).
  const {evaluations, loaders, foreign} = access.evaluatorUses;
  references.evaluations.push(...evaluations.filter(name => !references.evaluations.includes(name)));
  references.loaderValues.push(...loaders.filter(text => !references.loaderValues.includes(text)));
  references.foreignLoads.push(...foreign.filter(text => !references.foreignLoads.includes(text)));
  return references;
}

const BLOCK_COMMENT = /\/\*[\s\S]{0,16384}?\*\//g;
const LINE_COMMENT = /(^|[^:\\'"`/])\/\/[^\r\n]{0,65536}/g;
// `\u0041`, `\u{41}`, `\x41`, and the legacy octal `\101` of sloppy-mode strings (outside attack round 61, C1).
const UNICODE_ESCAPE = /\\u(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4}))|\\x([0-9a-fA-F]{2})|\\([0-7]{1,3})/g;
// A backslash before a line break continues a string on the next line: both are dropped.
const LINE_CONTINUATION = /\\(?:\r\n|[\n\r\u2028\u2029])/g;
const EVAL_OF_NAME = /\beval\s*\(\s*(['"`])([\w$.]{1,64})\1\s*\)/g;
const BARE_LOAD = /(?<![\w$.])_load\s*\(/g;
// `(0, cp.execSync)(…)`: how TypeScript and Babel compile a call of an imported function.
const INDIRECT_CALL = /\(\s*0\s*,\s*([A-Za-z_$][\w$]{0,64}(?:\s*\.\s*[A-Za-z_$][\w$]{0,64}){0,4})\s*\)\s*\(/g;
// The CommonJS wrapper's arguments: (exports, require, module, __filename, __dirname).
const WRAPPER_REQUIRE = /(?<![\w$.])arguments\s*\[\s*1\s*\]/g;
const WRAPPER_MODULE = /(?<![\w$.])arguments\s*\[\s*2\s*\]/g;
const PARENTHESISED_LITERAL = /\(\s*(['"`][^'"`\r\n]{1,1024}['"`])\s*\)(?=\s*\))/g;

/** The views of `code` that scanCode reads besides the text itself; only those that differ from it. */
function codeViews(code: string): Array<string> {
  const views = new Set<string>();
  const uncommented = code.replace(BLOCK_COMMENT, ` `).replace(LINE_COMMENT, `$1`);
  views.add(uncommented);
  const decode = (text: string) => text.replace(LINE_CONTINUATION, ``).replace(UNICODE_ESCAPE, (escape, braced: string | undefined, four: string | undefined, two: string | undefined, octal: string | undefined) => {
    const point = octal !== undefined ? parseInt(octal, 8) : parseInt(braced ?? four ?? two!, 16);
    const char = point <= 0x10ffff ? String.fromCodePoint(point) : escape;
    // A decoded quote or backslash would end or change the literal it is in.
    return /['"`\\\r\n]/.test(char) ? escape : char;
  });
  for (const text of [code, uncommented]) {
    const decoded = decode(text);
    views.add(decoded);
    views.add(decoded.replace(EVAL_OF_NAME, `$2`).replace(BARE_LOAD, `require(`).replace(WRAPPER_REQUIRE, `require`).replace(WRAPPER_MODULE, `module`).replace(INDIRECT_CALL, `$1(`));
    // `require(('x'))`, `import((("x")))`: a literal in parentheses is that literal (round 18, K14).
    let unwrapped = decoded;
    for (let round = 0; round < 4; round++) {
      const next = unwrapped.replace(PARENTHESISED_LITERAL, `$1`);
      if (next === unwrapped)
        break;
      unwrapped = next;
    }
    views.add(unwrapped);
  }
  views.delete(code);
  return [...views];
}

function scanText(code: string, access: ProcessAccess): CodeReferences {
  const references: CodeReferences = {specifiers: [], paths: [], dirnamePaths: [], computed: [], processCalls: [], namedFiles: [], evaluations: [], loaderValues: [], foreignLoads: [], envFiles: [], nodeOptions: [], relocations: [], programOptions: [], stdinFeeds: []};

  for (const match of code.matchAll(LOAD_ENV_FILE)) {
    if (match[2] !== undefined || code.slice((match.index ?? 0) + match[0].length).trimStart().startsWith(`)`))
      references.envFiles.push(match[2] ?? `.env`);
    // A file chosen at run time (another package's `.env`: outside attack round 82, A13).
    else if (!references.relocations.includes(ENV_FILE_CHOSEN))
      references.relocations.push(ENV_FILE_CHOSEN);
  }

  for (const match of code.matchAll(EXEC_ARGV))
    references.nodeOptions.push(execArgvWords(code, (match.index ?? 0) + match[0].length, match[0].trimEnd().endsWith(`(`) ? 1 : 0));
  // `{execArgv}` (shorthand, or destructured from data: `const {execArgv} = require('./o.json')`),
  // and options of a fork, worker or cluster that are no literal object (outside attack round 58, K1).
  // Any other use of `execArgv` that is not a plain read (a comment before its
  // `:`, an alias, a function it is handed to) and a member of `process` named
  // at run time (`process['exec' + 'Argv']`) may add options the scan does not read.
  if (EXEC_ARGV_SHORTHAND.test(code) || computedProcessOptions(code) || unreadExecArgvUse(code) || COMPUTED_PROCESS_MEMBER.test(code))
    references.nodeOptions.push({words: [], computed: true});

  // The environment of the processes it starts, changed in a way the names
  // above do not show (outside attack round 59, E1).
  if (environmentWrittenAtRunTime(code) && !references.relocations.includes(`env:variables named at run time`))
    references.relocations.push(`env:variables named at run time`);

  // The program a process runs named by its options, not by its command:
  // fork's `execPath`, a `shell` other than the usual ones (`python3 -c` runs
  // the command line as Python: outside attack round 68, A6).
  for (const match of code.matchAll(PROGRAM_OPTION)) {
    const name = (match[1] ?? match[2]) as `execPath` | `shell`;
    const value = code.slice(match.index + match[0].length, match.index + match[0].length + 256);
    if (match[2] !== undefined || !(name === `execPath` ? PLAIN_EXEC_PATH : PLAIN_SHELL).test(value))
      if (!references.programOptions.includes(name))
        references.programOptions.push(name);
  }

  for (const match of code.matchAll(STDIN_FEED)) {
    const what = match[1] !== undefined ? `its stdin` : match[2] !== undefined ? `an input option` : `a stdio option`;
    // `stdio: 'inherit'`, `stdio: ['ignore', 'pipe', 'pipe']`: nothing written to it.
    if (match[3] !== undefined && PLAIN_STDIN.test(code.slice(match.index + match[0].length, match.index + match[0].length + 64)))
      continue;
    if (!references.stdinFeeds.includes(what))
      references.stdinFeeds.push(what);
  }

  for (const match of code.matchAll(RELOCATION)) {
    const what = match[1] !== undefined ? `process.chdir()` : match[2] !== undefined ? `a cwd option` : match[3] !== undefined ? `env:${match[3]}`
      : match[4] !== undefined ? match[4].replace(/\s+/g, ``) : match[5] !== undefined ? `the module wrapper's arguments` : `env:variables named at run time`;
    if (!references.relocations.includes(what)) {
      references.relocations.push(what);
    }
    // `cwd: '..'`, `process.chdir(path.join(__dirname, '..'))`: a literal
    // folder, which may be outside the package (round 13).
    if (match[1] !== undefined || match[2] !== undefined) {
      let at = match.index + match[0].length;
      while (at < code.length && /\s/.test(code[at]))
        at++;
      const literal = literalAt(code, at, match[2] !== undefined);
      if (literal !== null && literal.complete) {
        const folder = `folder:${literal.text.startsWith(DIRNAME_MARK) ? `.${literal.text.slice(DIRNAME_MARK.length)}` : literal.text}`;
        if (!references.relocations.includes(folder))
          references.relocations.push(folder);
      }
    }
  }

  for (const match of code.matchAll(MODULE_REFERENCE)) {
    // A template literal with `${…}` is not a fixed specifier.
    if (match[1] === `\`` && match[2].includes(`\${`))
      continue;
    if (isCommentedModuleName(code, match))
      continue;
    // ts-node's `\`declare import ${name} = require('${name}')\``: text of a
    // template, whose placeholder makes it no fixed name (round 16, E5).
    if (match[2].includes(`\${`) && insideText(code, match.index))
      continue;
    references.specifiers.push(match[2]);
  }

  for (const match of code.matchAll(RELATIVE_STRING)) {
    if (match[1] === `\`` && match[2].includes(`\${`))
      continue;
    references.paths.push(match[2]);
  }

  for (const match of code.matchAll(DIRNAME_JOIN)) {
    const pieces: Array<string> = [];
    for (const piece of match[1].matchAll(QUOTED_PIECE))
      pieces.push(piece[1] ?? piece[2]);
    references.dirnamePaths.push(pieces.join(`/`));
  }

  for (const match of code.matchAll(DIRNAME_CONCAT))
    references.dirnamePaths.push(match[2] ?? match[3]);

  for (const match of code.matchAll(LOADER_CALL)) {
    const start = match.index;
    // `function require(id)` declares a function; it loads nothing.
    if (DECLARATION_BEFORE.test(code.slice(Math.max(0, start - 16), start)))
      continue;
    const argument = start + match[0].length;
    LITERAL_ARGUMENT.lastIndex = argument;
    if (LITERAL_ARGUMENT.test(code))
      continue;
    const kind: LoaderKind = match[1] === `getBuiltinModule` ? `require` : match[1].startsWith(`require`) ? (match[1].length > `require`.length ? `require.resolve` : `require`) : match[1].length > `import`.length ? `require.resolve` : `import`;
    // `require(path.join(__dirname, 'x'))` names one file: dirnamePaths has it.
    // With `..` in it, it is `require('../x')` from the file's folder, which
    // may leave the package (round 13): resolved as that specifier.
    const literal = literalAt(code, argument);
    if (literal !== null && literal.complete && literal.text.startsWith(DIRNAME_MARK)) {
      const relative = `.${literal.text.slice(DIRNAME_MARK.length)}`;
      if (kind !== `require.resolve` && /(?:^|[/\\])\.\.(?:[/\\]|$)/.test(relative))
        references.specifiers.push(relative);
      continue;
    }
    references.computed.push({kind, prefix: computedPrefix(code, argument)});
  }

  for (const match of code.matchAll(NAMED_FILE))
    references.namedFiles.push(match[2]);

  for (const match of code.matchAll(OTHER_EVALUATORS))
    references.evaluations.push(match[0].replace(/\s+/g, ``).replace(/^\)/, `(…)`));

  for (const match of code.matchAll(EVALUATION)) {
    const start = match.index;
    if (DECLARATION_BEFORE.test(code.slice(Math.max(0, start - 16), start)))
      continue;
    LITERAL_ONLY.lastIndex = start + match[0].length;
    // `new Function('return this')` evaluates nothing a release can change unseen.
    if (LITERAL_ONLY.test(code))
      continue;
    // A Worker, a cluster's exec or dlopen given a file chosen at run time runs that file.
    const name = match[1] ?? match[2] ?? match[3] ?? match[4] ?? `file:${match[5]}`;
    references.evaluations.push(name.replace(/\s+/g, ` `).replace(/ ?\. ?/g, `.`));
  }

  // `const r = require; r('x')`, `require.call(null, 'x')`, `createRequire(__filename)('x')`, `Module._load('x')`.
  const indirect = indirectLoads(code);
  references.specifiers.push(...indirect.specifiers);
  for (const at of indirect.computed)
    references.computed.push({kind: `require`, prefix: computedPrefix(code, at)});
  references.loaderValues = indirect.limits;
  references.foreignLoads = indirect.foreign;

  references.processCalls = processCalls(code, access);
  return references;
}

const STRING_LITERAL = /\s*(?:'([^'\r\n]{0,1024})'|"([^"\r\n]{0,1024})"|`([^`\r\n]{0,1024})`)/y;
const EXEC_PATH = /\s*process\s*\.\s*(?:execPath|argv0|argv\s*\[\s*0\s*\])\b/y;
const DIRNAME_JOIN_AT = /\s*(?:(?:path|require\s*\(\s*['"](?:node:)?path['"]\s*\))\s*\.\s*(?:posix\s*\.\s*)?)?(?:join|resolve)\s*\(\s*__dirname\s*((?:,\s*(?:'[^'\r\n]{0,256}'|"[^"\r\n]{0,256}")\s*){0,16})/y;
const DIRNAME_PLUS = /\s*__dirname\s*\+\s*(?:'([/\\][^'\r\n]{0,1024})'|"([/\\][^"\r\n]{0,1024})")/y;
/** `path.dirname(__dirname) + '/x'`: the folder above the file's, without writing `..` (attack19 F28a). */
const PARENT_PLUS = /\s*(?:path|require\s*\(\s*['"](?:node:)?path['"]\s*\))\s*\.\s*dirname\s*\(\s*__dirname\s*\)\s*\+\s*(?:'([/\\][^'\r\n]{0,1024})'|"([/\\][^"\r\n]{0,1024})")/y;
/** `new URL('../x.js', import.meta.url)`: a path relative to the file (attack19 F28g). */
const MODULE_URL = /\s*new\s+URL\s*\(\s*(?:'([^'\r\n]{0,1024})'|"([^"\r\n]{0,1024})")\s*,\s*import\s*\.\s*meta\s*\.\s*url\s*\)/y;
const AFTER_VALUE = /\s*([,)\]+]?)/y;
/** The same, for the value of an object's key (`{cwd: '..'}`). */
const AFTER_OBJECT_VALUE = /\s*([,)\]+}]?)/y;

function sticky(pattern: RegExp, code: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(code);
}

function quotedPieces(text: string): Array<string> {
  const pieces: Array<string> = [];
  for (const piece of text.matchAll(QUOTED_PIECE))
    pieces.push(piece[1] ?? piece[2]);
  return pieces;
}

/**
 * A value written so that its text is known without running the code: a
 * string, a template whose only placeholder is `${__dirname}`,
 * `process.execPath` (read as `node`), `path.join(__dirname, 'a', …)` or
 * `__dirname + '/a'`. `complete` is false when `+` follows it, so that it is
 * only the start of a computed value.
 */
function literalAt(code: string, at: number, objectValue = false): {text: string, end: number, complete: boolean} | null {
  let text: string | null = null;
  let end = at;

  const string = sticky(STRING_LITERAL, code, at);
  if (string !== null) {
    const template = string[3];
    if (template === undefined || !template.replace(/\$\{\s*__dirname\s*\}/g, ``).includes(`\${`)) {
      text = string[1] ?? string[2] ?? template.replace(/\$\{\s*__dirname\s*\}/g, DIRNAME_MARK);
      end = STRING_LITERAL.lastIndex;
    }
  }
  if (text === null) {
    const execPath = sticky(EXEC_PATH, code, at);
    if (execPath !== null) {
      text = `node`;
      end = EXEC_PATH.lastIndex;
    }
  }
  if (text === null) {
    const join = sticky(DIRNAME_JOIN_AT, code, at);
    if (join !== null) {
      const close = sticky(/\s*\)/y, code, DIRNAME_JOIN_AT.lastIndex);
      if (close === null)
        return null;
      text = [DIRNAME_MARK, ...quotedPieces(join[1])].join(`/`);
      end = close.index + close[0].length;
    }
  }
  if (text === null) {
    const plus = sticky(DIRNAME_PLUS, code, at);
    if (plus !== null) {
      text = DIRNAME_MARK + (plus[1] ?? plus[2]);
      end = DIRNAME_PLUS.lastIndex;
    }
  }
  if (text === null) {
    const parent = sticky(PARENT_PLUS, code, at);
    if (parent !== null) {
      text = `${DIRNAME_MARK}/..${parent[1] ?? parent[2]}`;
      end = PARENT_PLUS.lastIndex;
    }
  }
  if (text === null) {
    const url = sticky(MODULE_URL, code, at);
    const relative = url === null ? null : url[1] ?? url[2];
    if (url !== null && relative !== undefined && relative !== null && /^\.\.?\//.test(relative)) {
      text = `${DIRNAME_MARK}/${relative}`;
      end = MODULE_URL.lastIndex;
    }
  }
  if (text === null)
    return null;

  const after = sticky(objectValue ? AFTER_OBJECT_VALUE : AFTER_VALUE, code, end)!;
  if (after[1] === ``)
    return null;
  return {text, end, complete: after[1] !== `+`};
}

const DIRNAME_JOIN_OPEN = /\s*(?:path\s*\.\s*)?(?:join|resolve)\s*\(\s*__dirname\s*((?:,\s*(?:'[^'\r\n]{0,256}'|"[^"\r\n]{0,256}")\s*){0,16}),\s*(?!['"\s])/y;
const TEMPLATE_PREFIX = /\s*`([^`$\r\n]{0,1024})\$\{/y;
const DIRNAME_TEMPLATE_PREFIX = /\s*`\$\{\s*__dirname\s*\}([/\\][^`$\r\n]{0,1024})\$\{/y;

/** The literal relative start of a computed load argument (`'./' + x`, `` `./cmd/${x}` ``, `path.join(__dirname, 'lib', x)`), or null. */
function computedPrefix(code: string, at: number): string | null {
  let prefix: string | null = null;
  const literal = literalAt(code, at);
  if (literal !== null && !literal.complete) {
    prefix = literal.text.startsWith(DIRNAME_MARK) ? `.${literal.text.slice(DIRNAME_MARK.length)}` : literal.text;
  } else {
    const join = sticky(DIRNAME_JOIN_OPEN, code, at);
    const template = sticky(TEMPLATE_PREFIX, code, at);
    const dirnameTemplate = sticky(DIRNAME_TEMPLATE_PREFIX, code, at);
    if (join !== null) {
      // The computed argument is a path segment of its own.
      prefix = [`.`, ...quotedPieces(join[1]), ``].join(`/`);
    } else if (dirnameTemplate !== null) {
      prefix = `.${dirnameTemplate[1]}`;
    } else if (template !== null) {
      prefix = template[1];
    }
  }
  if (prefix === null)
    return null;
  prefix = prefix.replace(/\\/g, `/`);
  return /^\.\.?\//.test(prefix) && !prefix.includes(DIRNAME_MARK) ? prefix : null;
}

// Functions that run a program; cross-spawn's spawn.sync, execa and shelljs's exec included.
const PROCESS_CALL = /(\.\s*)?\b(spawnSync|spawn(?:\s*\.\s*sync)?|execFileSync|execFile|execSync|exec|fork|execaSync|execa(?:\s*\.\s*sync)?|execaCommandSync|execaCommand)\s*\(/g;
const SHELL_METHODS = new Set([`exec`, `execSync`, `execaCommand`, `execaCommandSync`]);
// `exec` and `fork` are also common method names (RegExp#exec, cluster.fork): they count only on these objects.
const AMBIGUOUS_METHODS = new Set([`exec`, `fork`]);
const PROCESS_MODULES = `(?:node:)?child_process|shelljs`;
const PROCESS_ALIAS = new RegExp(`(?:\\b([A-Za-z_$][\\w$]*)\\s*=\\s*require\\s*\\(\\s*['"](?:${PROCESS_MODULES})['"]\\s*\\)|import\\s+(?:\\*\\s*as\\s+)?([A-Za-z_$][\\w$]*)\\s+from\\s*['"](?:${PROCESS_MODULES})['"])`, `g`);
const PROCESS_MODULE_MENTION = new RegExp(`['"](?:${PROCESS_MODULES})['"]`);
const REQUIRED_OBJECT = new RegExp(`require\\s*\\(\\s*['"](?:${PROCESS_MODULES})['"]\\s*\\)\\s*$`);
const OBJECT_BEFORE = /([A-Za-z_$][\w$]*)\s*$/;
const ARRAY_OPEN = /\s*,\s*\[/y;
const ARRAY_NEXT = /\s*(,\s*(?=\S)|\])/y;

/** Destructured names of `process.env`: `const {env} = process`, `const {env: e} = require('process')`, `import {env as e} from 'node:process'`. */
const PROCESS_OBJECT = String.raw`(?:process|require\s*\(\s*['"](?:node:)?process['"]\s*\))`;
const ENV_DESTRUCTURED = new RegExp(String.raw`\{\s*(?:[^{}]{0,256},\s*)?env\s*(?:(?::|\bas\b)\s*([A-Za-z_$][\w$]*))?\s*(?:,[^{}]{0,256})?\}\s*(?:=\s*${PROCESS_OBJECT}(?!\s*\.)|from\s*['"](?:node:)?process['"])`, `g`);
/** The variables that make the programs they reach load code: node's, the dynamic loader's, the shells', OpenSSL's, Perl's, Ruby's, Python's. */
const LOADING_VARIABLE = `BASH_FUNC_[^'"\\s=:,]{1,64}|NODE_OPTIONS|NODE_PATH|NODE_REPL_EXTERNAL_MODULE|NODE_PRESERVE_SYMLINKS|LD_[A-Z_]{1,32}|DYLD_[A-Z_]{1,32}|GYP_[A-Z_]{1,32}|COMPILER_PATH|GCC_EXEC_PREFIX|GCONV_PATH|PYTHONHOME|PYTHONUSERBASE|RUBYLIB|PERLLIB|PERL5DB|SHELLOPTS|BASHOPTS|PS4|BASH_ENV|OPENSSL_CONF|OPENSSL_MODULES|OPENSSL_ENGINES|PERL5OPT|PERL5LIB|RUBYOPT|PYTHONSTARTUP|PYTHONPATH`;
const COMMAND_VARIABLE_SET_OTHERWISE = new RegExp(String.raw`[{,]\s*(?:${LOADING_VARIABLE})\s*(?=[,}])|[[,(]\s*(['"\`])(?:${LOADING_VARIABLE})\1\s*,`);
/** A literal object given as an environment: `{env: {`. */
const ENV_LITERAL = /[{,]\s*env\s*:\s*\{/g;
/** The environment a process is given by a name: `{env: e}`, `{env}`. */
const ENV_OPTION = /[{,]\s*env\s*:\s*([A-Za-z_$][\w$]*)\b(?!\s*[.(\[])|[{,]\s*(env)\s*(?=[,}])/g;

/**
 * Whether the code writes the environment of the processes it starts in a
 * way whose variable names the scan cannot read: `process.env` replaced or
 * written by `Reflect`/`Object.defineProperty`, or, through another name
 * of it or of an `env` option, a key named at run time
 * (`e['NODE_' + 'OPTIONS'] = …`) or a function that writes keys
 * (`Object.assign(e, data)`). A literal name (`e.NODE_OPTIONS = …`) is read
 * by {@link RELOCATION}.
 */
function environmentWrittenAtRunTime(code: string): boolean {
  if (!/\benv\b/.test(code))
    return false;
  // A variable the commands read, set by a shorthand property (`{...process.env, NODE_OPTIONS}`) or as the
  // name of an entry (`Object.fromEntries([['NODE_OPTIONS', x]])`, `Reflect.set(e, 'NODE_OPTIONS', x)`).
  if (COMMAND_VARIABLE_SET_OTHERWISE.test(code))
    return true;
  // `process` by other names (`globalThis.process`, `const p = process`,
  // `require('node:process')`: outside attack round 61, E1), and its `env`.
  const processes = [String.raw`(?:\b(?:globalThis|global)\s*\.\s*|(?<![\w$.]))process\b`, String.raw`\brequire\s*\(\s*['"](?:node:)?process['"]\s*\)`];
  for (const match of code.matchAll(PROCESS_ALIAS_OF))
    processes.push(String.raw`(?<![\w$.])${escapedName(match[1])}(?![\w$])`);
  // `process.env`, `process['env']`, `process?.env` (outside attack round 60, E2).
  const environments = processes.map(name => String.raw`${name}\s*(?:\??\.\s*env\b|(?:\?\.\s*)?\[\s*(?:'env'|"env"|\`env\`)\s*\])`);
  const names = new Set<string>();
  for (const environment of environments) {
    // `process.env = …`: replaced.
    if (new RegExp(String.raw`${environment}\s*=(?![=>])`).test(code))
      return true;
    // `e = process.env`, `e = {...process.env}`: another name for it, or a copy that may be handed on.
    for (const match of code.matchAll(new RegExp(String.raw`\b([A-Za-z_$][\w$]*)\s*=\s*(?:\{\s*\.\.\.\s*)?${environment}(?!\s*(?:\.|\[|\?\.))`, `g`)))
      names.add(match[1]);
  }
  for (const match of code.matchAll(ENV_DESTRUCTURED))
    names.add(match[1] ?? `env`);
  for (const match of code.matchAll(ENV_OPTION))
    names.add(match[1] ?? match[2]);
  // A literal environment: a key named at run time in it (`{env: {...process.env, [key]: x}}`), and the
  // objects spread into it (`{env: {...process.env, ...extra}}`), whose keys it takes.
  for (const match of code.matchAll(ENV_LITERAL)) {
    const literal = code.slice((match.index ?? 0) + match[0].length - 1, (match.index ?? 0) + match[0].length - 1 + 8192);
    if (hasComputedKey(literal))
      return true;
    const end = closingAt(literal, 1, 8192);
    for (const spread of literal.slice(0, end ?? literal.length).matchAll(/\.\.\.\s*([A-Za-z_$][\w$]*)(?![\w$]|\s*[.([])/g))
      names.add(spread[1]);
  }
  names.delete(`process`);
  // Each name, and `process.env` itself (`Reflect.set(process.env, …)`, `process['env'][k] = …`).
  const subjects = [...[...names].map(name => String.raw`(?<![\w$.])${escapedName(name)}(?![\w$])`), ...environments];
  for (const subject of subjects) {
    if (new RegExp(String.raw`\b(?:Reflect\s*\.\s*(?:set|defineProperty)|Object\s*\.\s*(?:defineProperty|defineProperties|setPrototypeOf|assign))\s*\(\s*${subject}`).test(code))
      return true;
    // `name[…] = …` with anything but a plain string between the brackets,
    // unless its literal start names no such variable (`SKIP_${name}_FALLBACK`).
    for (const match of code.matchAll(new RegExp(String.raw`${subject}\s*\[\s*(?!(['"\`])[\w$]*\1\s*\])`, `g`))) {
      const start = (match.index ?? 0) + match[0].length;
      const end = closingBracket(code, start);
      if (end === null || (/^\s*=(?![=>])/.test(code.slice(end + 1, end + 64)) && mayNameCommandVariable(code.slice(start, end))))
        return true;
    }
    // `const name = {[key]: x}`: an object made with a key named at run time.
    for (const match of code.matchAll(new RegExp(String.raw`${subject}\s*=\s*(?=\{)`, `g`)))
      if (hasComputedKey(code.slice((match.index ?? 0) + match[0].length, (match.index ?? 0) + match[0].length + 8192)))
        return true;
  }
  return false;
}

/** `p = process`, `p = globalThis.process`, `p = require('node:process')`: another name for the process object. */
const PROCESS_ALIAS_OF = /\b([A-Za-z_$][\w$]*)\s*=\s*(?:(?:globalThis|global)\s*\.\s*process|(?<![\w$.])process|require\s*\(\s*['"](?:node:)?process['"]\s*\))(?![\w$]|\s*(?:\.|\[|\?\.))/g;

/** A name, escaped for a regular expression (`$` is a character of names). */
function escapedName(name: string): string {
  return name.replace(/\$/g, `\\$`);
}

/** The names of COMMAND_VARIABLE and LOADING_VARIABLE, and the stems of their families. */
const COMMAND_VARIABLE_NAMES = [...[...COMMAND_VARIABLE.split(`|`), ...LOADING_VARIABLE.split(`|`)].filter(name => /^\w+$/.test(name)), `npm_config_`, `NPM_CONFIG_`, `YARN_`, `GIT_`, `BASH_FUNC_`, `LD_`, `DYLD_`, `GYP_`];

/**
 * Whether a key built at run time may be one of the variables the scan
 * reads: unless it starts with a string whose literal start begins no such
 * name (`'SKIP_' + name`, `` `SKIP_${name}` ``), it may.
 */
function mayNameCommandVariable(key: string): boolean {
  const literal = /^(['"`])((?:(?!\1|\$\{|\\)[^\n])*)/.exec(key);
  if (literal === null || literal[2] === ``)
    return true;
  const start = literal[2];
  return COMMAND_VARIABLE_NAMES.some(name => name.startsWith(start) || start.startsWith(name));
}

/** Where the `]` closing a bracket opened before `from` is (strings skipped); null when not within reach. */
function closingBracket(code: string, from: number): number | null {
  const end = closingAt(code, from, 4096);
  return end !== null && code[end] === `]` ? end : null;
}

/** Whitespace and comments (`execArgv /* x *\/ :`). */
const GAP = String.raw`(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*)*`;

/**
 * `execArgv` where a value is given to it: an option key (`execArgv: […]`), an
 * assignment, or an array method that adds to it (`execArgv.push(…)`), with
 * comments allowed in between.
 */
const EXEC_ARGV_VALUE = String.raw`['"\`]?${GAP}(?:\]${GAP})?(?::|=(?!=)|\.${GAP}(?:push|unshift|concat|splice)${GAP}\()`;
const EXEC_ARGV = new RegExp(String.raw`\bexecArgv\b${EXEC_ARGV_VALUE}${GAP}`, `g`);
const EXEC_ARGV_VALUE_AFTER = new RegExp(`^${EXEC_ARGV_VALUE}`);

/** What may stand before an `execArgv` that is only read: a spread (`...process.execArgv`), a `for…of`, `typeof`. */
const EXEC_ARGV_READ_BEFORE = /(?:\.\.\.|\bof|\btypeof)\s*(?:[\w$]+\s*\.\s*)*$/;

/**
 * What may follow an `execArgv` that is only read: a method that does not
 * change the array (its `(` may be gone in a view that unwraps a literal
 * argument), `.length`, an index, a comparison.
 */
const EXEC_ARGV_READ_AFTER = new RegExp(`^${GAP}(?:\\.${GAP}(?:includes|indexOf|lastIndexOf|some|every|find|findIndex|findLast|findLastIndex|join|filter|map|forEach|slice|at|entries|keys|values|reduce|flatMap|toString)\\b(?!${GAP}=(?!=))|\\.${GAP}length\\b(?!${GAP}=(?!=))|\\[${GAP}\\d+${GAP}\\](?!${GAP}=(?!=))|[!=]==?)`);

/**
 * Whether `execArgv` is used anywhere other than where {@link EXEC_ARGV}
 * reads a value, {@link EXEC_ARGV_SHORTHAND} names it, or a plain read: an alias
 * (`const a = process.execArgv`), a function it is handed to
 * (`Reflect.set(o, 'execArgv', v)`), an element written (`execArgv[0] = …`).
 */
function unreadExecArgvUse(code: string): boolean {
  for (const match of code.matchAll(/\bexecArgv\b/g)) {
    const at = match.index ?? 0;
    const after = code.slice(at + 8, at + 8 + 256);
    // Where EXEC_ARGV reads the value.
    if (EXEC_ARGV_VALUE_AFTER.test(after))
      continue;
    // `{execArgv}`, `{execArgv, …}`: the shorthand, named as computed on its own.
    if (/^\s*[,}]/.test(after) && /[{,]\s*$/.test(code.slice(Math.max(0, at - 64), at)))
      continue;
    if (EXEC_ARGV_READ_AFTER.test(after.replace(/^['"`]?\s*\]?/, ``)) || EXEC_ARGV_READ_BEFORE.test(code.slice(Math.max(0, at - 128), at)))
      continue;
    return true;
  }
  return false;
}

/** A member of `process` named by something other than a plain string: `process['exec' + 'Argv']`, `process[key]`. */
const COMPUTED_PROCESS_MEMBER = /\bprocess\s*\[\s*(?!(['"`])[\w$]*\1\s*\])/;

/**
 * The string literals of the value that starts at `from` (up to the bracket,
 * parenthesis or brace that closes it, or the end of the statement; inside
 * `opened` parentheses for a method's arguments), and
 * whether anything else is in it (a variable, a spread, a call): the scan
 * cannot tell what that adds.
 */
function execArgvWords(code: string, from: number, opened: number): {words: Array<string>, computed: boolean} {
  const words: Array<string> = [];
  let computed = false;
  let depth = opened;
  for (let index = from; index < code.length && index < from + 4096; index++) {
    const char = code[index];
    // A comment adds nothing (and a quote inside it opens no string).
    if (char === `/` && (code[index + 1] === `*` || code[index + 1] === `/`)) {
      const end = code[index + 1] === `*` ? code.indexOf(`*/`, index + 2) : code.indexOf(`\n`, index + 2);
      if (end === -1)
        break;
      index = code[index + 1] === `*` ? end + 1 : end - 1;
      continue;
    }
    if (char === `'` || char === `"` || char === `\``) {
      let end = index + 1;
      let text = ``;
      while (end < code.length && code[end] !== char) {
        if (code[end] === `\\`) {
          text += code[end + 1] ?? ``;
          end += 2;
          continue;
        }
        if (char === `\`` && code.startsWith(`\${`, end))
          computed = true;
        text += code[end++];
      }
      words.push(text);
      index = end;
      continue;
    }
    if (char === `[` || char === `(` || char === `{`) {
      depth++;
      continue;
    }
    if (char === `]` || char === `)` || char === `}`) {
      if (--depth <= 0)
        return {words, computed};
      continue;
    }
    if (depth === 0 && (char === `;` || char === `\n` || char === `,`))
      return {words, computed};
    if (/[A-Za-z_$]/.test(char))
      computed = true;
  }
  // No end within reach (`execArgv: [` padded past it): what follows is not read.
  return {words, computed: true};
}

const EXEC_ARGV_SHORTHAND = /[{,]\s*execArgv\s*(?=[,}])/;

/** Calls that take node options for the process or worker they start: `fork(m, [args], options)`, `new Worker(f, options)`, `cluster.setupPrimary(settings)`. */
const OPTIONS_CALL = /\b(fork|Worker|setupPrimary|setupMaster)\s*\(/g;

/**
 * Whether a `fork`, `Worker` or `setupPrimary` call is given options that are
 * not a literal object, or one with a spread (`fork(x, require('./o.json'))`,
 * `new Worker(x, options)`): their `execArgv` is decided at run time.
 */
function computedProcessOptions(code: string): boolean {
  for (const match of code.matchAll(OPTIONS_CALL)) {
    const args = topLevelArguments(code, (match.index ?? 0) + match[0].length);
    if (args === null)
      return true;
    const options = match[1] === `fork` ? (args[1]?.startsWith(`[`) ? args[2] : args[1]) : match[1] === `Worker` ? args[1] : args[0];
    if (options !== undefined && options !== `` && (!options.startsWith(`{`) || /\.\.\./.test(options) || hasComputedKey(options)))
      return true;
  }
  return false;
}

/** Whether a literal object (its text, from its `{`) has a key named at run time at its top level: `{['exec' + 'Argv']: […]}`. */
function hasComputedKey(object: string): boolean {
  const commas: Array<number> = [];
  // No end within reach (padded past what is read): its keys cannot all be seen.
  if (closingAt(object, 1, object.length, commas) === null)
    return true;
  return [0, ...commas].some(at => KEY_NAMED_AT_RUN_TIME.test(object.slice(at + 1, at + 1 + 4096)));
}

const KEY_NAMED_AT_RUN_TIME = new RegExp(`^${GAP}\\[`);

/** The arguments of a call whose `(` ends before `from`, as trimmed texts split at its top-level commas (strings skipped over); null when its end is not within reach. */
function topLevelArguments(code: string, from: number): Array<string> | null {
  const commas: Array<number> = [];
  const end = closingAt(code, from, 8192, commas);
  // No closing parenthesis within reach: the arguments are not read.
  if (end === null)
    return null;
  return [from - 1, ...commas].map((at, index) => code.slice(at + 1, commas[index] ?? end).trim()).filter(arg => arg !== ``);
}

/**
 * Where the bracket, parenthesis or brace that closes one opened before
 * `from` is, within `limit` characters (strings and comments skipped over); the commas
 * at its top level are added to `commas`. Null when not within reach.
 */
function closingAt(code: string, from: number, limit: number, commas: Array<number> = []): number | null {
  let depth = 0;
  for (let index = from; index < code.length && index < from + limit; index++) {
    const char = code[index];
    // A comment: a quote or bracket in it is none.
    if (char === `/` && (code[index + 1] === `*` || code[index + 1] === `/`)) {
      const end = code[index + 1] === `*` ? code.indexOf(`*/`, index + 2) + 1 : code.indexOf(`\n`, index + 2);
      if (end <= 0)
        return null;
      index = end;
    } else if (char === `'` || char === `"` || char === `\``) {
      for (index++; index < code.length && code[index] !== char; index++)
        if (code[index] === `\\`)
          index++;
    } else if (char === `(` || char === `[` || char === `{`) {
      depth++;
    } else if (char === `)` || char === `]` || char === `}`) {
      if (depth === 0)
        return index;
      depth--;
    } else if (char === `,` && depth === 0) {
      commas.push(index);
    }
  }
  return null;
}

function processCalls(code: string, access: ProcessAccess): Array<ProcessCall> {
  const calls: Array<ProcessCall> = [];
  // The names the tokens bind to the module, whatever the quotes, escapes or comments of its string.
  const aliases = new Set([`child_process`, `childProcess`, `cp`, `shell`, ...access.moduleNames]);
  for (const match of code.matchAll(PROCESS_ALIAS))
    aliases.add(match[1] ?? match[2]);
  const mentionsModule = access.mentionsModule || PROCESS_MODULE_MENTION.test(code);

  for (const match of code.matchAll(PROCESS_CALL)) {
    const method = match[2].replace(/\s+/g, ``);
    const before = code.slice(Math.max(0, match.index - 64), match.index);
    if (DECLARATION_BEFORE.test(before))
      continue;
    if (AMBIGUOUS_METHODS.has(method)) {
      const member = match[1] !== undefined;
      const attributed = member ? (REQUIRED_OBJECT.test(before) || aliases.has(OBJECT_BEFORE.exec(before)?.[1] ?? ``)) : mentionsModule;
      if (!attributed)
        continue;
    }

    const first = literalAt(code, match.index + match[0].length);
    const call: ProcessCall = {method, shell: SHELL_METHODS.has(method), command: first?.complete ? first.text : null, args: [], wordsUnread: null};
    calls.push(call);
    if (call.command === null || call.shell)
      continue;
    readArgumentArray(code, first!.end, call);
    if (method === `fork`)
      continue;

    // `spawn(cmd, [args], {shell: true})`: Node joins the words with spaces and
    // runs them with /bin/sh -c, so `;`, `&&`, `$(…)` in them take effect
    // (outside attack round 60, S1). Options that may set it (a variable, a
    // spread) and words a shell would read otherwise: both readings count.
    const shell = shellOption(code, match.index + match[0].length);
    const words = [call.command, ...call.args];
    if (shell === `on` || (shell === `unknown` && (call.wordsUnread === `computed` || words.some(word => SHELL_SYNTAX.test(word))))) {
      const shellCall: ProcessCall = {method, shell: true, command: call.wordsUnread === `computed` ? null : words.join(` `), args: [], wordsUnread: null};
      if (shell === `on`)
        calls[calls.length - 1] = shellCall;
      else
        calls.push(shellCall);
    }
  }
  // `const {spawnSync: run} = require('child_process')`, `const run = cp.spawnSync`, `cp['spawnSync'](…)`,
  // `cp.spawnSync.call(…)`: calls the pattern above cannot read (outside attack round 61, C1).
  const indirect = mentionsModule ? indirectProcessUse(code, aliases) : null;
  if (indirect !== null)
    calls.push({method: INDIRECT_CALL_METHOD, shell: true, command: null, args: [indirect.replace(/\s+/g, ` `).trim()], wordsUnread: `computed`});
  return calls;
}

/** The method of a ProcessCall that stands for calls made under another name. */
export const INDIRECT_CALL_METHOD = `(indirect)`;
const PROCESS_METHODS = `spawnSync|spawn|execFileSync|execFile|execSync|exec|fork`;
const CHILD_PROCESS = String.raw`['"](?:node:)?child_process['"]`;
/** A function of child_process taken under another name: `{spawnSync: run} = require('child_process')`, `import {spawnSync as run} from 'child_process'`. */
const RENAMED_PROCESS_FUNCTION = new RegExp(String.raw`\{[^{}]{0,512}\b(?:${PROCESS_METHODS})\s*:\s*[A-Za-z_$][^{}]{0,512}\}\s*=\s*require\s*\(\s*${CHILD_PROCESS}\s*\)|\bimport\s*\{[^{}]{0,512}\b(?:${PROCESS_METHODS})\s+as\b[^{}]{0,512}\}\s*from\s*${CHILD_PROCESS}`);

/**
 * A call of child_process that the call pattern cannot read: a function
 * renamed, or taken from the module object without calling it
 * (`const run = cp.spawnSync`, `cp.spawnSync.call(…)`,
 * `Reflect.apply(cp.spawnSync, …)`), or named by a string (`cp['spawnSync']`).
 * The text found, or null.
 */
function indirectProcessUse(text: string, aliases: ReadonlySet<string>): string | null {
  // Prose in comments (`[child_process.fork](https://…)`) calls nothing.
  const code = text.replace(BLOCK_COMMENT, ` `).replace(LINE_COMMENT, `$1`);
  const renamed = RENAMED_PROCESS_FUNCTION.exec(code);
  if (renamed !== null)
    return renamed[0].slice(0, 80);
  const objects = [...[...aliases].map(escapedName), String.raw`require\s*\(\s*${CHILD_PROCESS}\s*\)`].join(`|`);
  // `spawn = require('child_process').spawn`: under its own name, which the call pattern reads;
  // `(0, cp.spawn)(…)`, as TypeScript compiles a call, is read in a view that drops the `(0, …)`.
  const member = new RegExp(String.raw`(?:\b([A-Za-z_$][\w$]*)\s*=\s*)?(?<![\w$.])(?:${objects})\s*(?:\.\s*(?:${PROCESS_METHODS})\b(?!\s*(?:\(|=(?![=>])|\)\s*\())|\[)`, `g`);
  for (const match of code.matchAll(member))
    if (match[1] === undefined || !new RegExp(`^(?:${PROCESS_METHODS})$`).test(match[1]))
      return match[0].slice(0, 80);
  return null;
}

/** The literal leading elements of the argument array that starts at `at` (after the command), into `call`. */
function readArgumentArray(code: string, at: number, call: ProcessCall): void {
  if (sticky(ARRAY_OPEN, code, at) === null) {
    // No words at all (`spawn('node')`, `spawn('node', {stdio})`), or words in a variable.
    if (sticky(NO_WORDS, code, at) === null)
      call.wordsUnread = `elsewhere`;
    return;
  }
  at = ARRAY_OPEN.lastIndex;
  if (sticky(/\s*\]/y, code, at) !== null)
    return;
  for (let i = 0; i < 256; i++) {
    const element = literalAt(code, at);
    if (element === null || !element.complete) {
      call.wordsUnread = `computed`;
      return;
    }
    call.args.push(element.text);
    const next = sticky(ARRAY_NEXT, code, element.end);
    if (next === null || next[1] === `]`)
      return;
    at = ARRAY_NEXT.lastIndex;
  }
}

/** What follows a command given no words: the call's end, its options object, or no value. */
const NO_WORDS = /\s*(?:\)|,\s*(?:\{|undefined\b|null\b|\)))/y;

/** Characters that make a shell read a word otherwise than as it is written. */
const SHELL_SYNTAX = /[\s;&|<>$`()*?[\]{}~'"\\#!]/;

/**
 * Whether the options of a `spawn`/`execFile`/`execa` call whose `(` ends
 * before `from` run the command through a shell: `on` for a literal
 * `shell:` other than false, `off` without options or without the key, and
 * `unknown` when the options are not a literal object (a variable, a spread,
 * a key named at run time, `{shell}`).
 */
function shellOption(code: string, from: number): `on` | `off` | `unknown` {
  const args = topLevelArguments(code, from);
  if (args === null)
    return `unknown`;
  const options = args[1]?.startsWith(`[`) ? args[2] : args[1];
  if (options === undefined || options === ``)
    return `off`;
  if (!options.startsWith(`{`) || /\.\.\./.test(options) || hasComputedKey(options))
    return `unknown`;
  const key = /[{,]\s*(['"`]?)shell\1\s*(?::\s*([^,}]*)|(?=[,}]))/.exec(options);
  if (key === null)
    return `off`;
  if (key[2] === undefined)
    return `unknown`;
  return /^(?:false|0|''|""|``|null|undefined|void\s+0)\s*$/.test(key[2].trim()) ? `off` : `on`;
}

/**
 * A package name that only a comment or prose mentions: "read from `now`" in
 * a JSDoc block (`from` and a bare `import` take a quoted string, never a
 * template), "from 'node_modules'" after a quoted word in a message,
 * or `// const x = require('internal/fs/utils')` on a line that is a comment
 * from its start. Such names made false "not installed" limits on real
 * packages (axios, ts-node, nx). Relative paths stay found wherever they are:
 * hashing a file too many costs nothing.
 */
function isCommentedModuleName(code: string, match: RegExpMatchArray): boolean {
  const specifier = match[2];
  // `e.includes("import(")`: the quote after `import(` closes the string the
  // word is in (tsx 4.19, round 16); no load starts right after a quote.
  if (/^(?:(?:__)?require|import)[^'"`]*\($/.test(match[0].slice(0, match[0].length - specifier.length - 2).trimEnd()) && code[match.index! - 1] === match[1])
    return true;
  if (specifier.startsWith(`.`) || specifier.startsWith(`/`) || specifier.startsWith(`#`))
    return false;
  if (/^(?:from|import)\b/.test(match[0]) && !/^import\s*\(/.test(match[0])) {
    if (match[1] === `\``)
      return true;
    // Prose inside a string ("Loading module '{0}' from 'node_modules'",
    // "to import 'jsx'"): a string never precedes `from` in an import, and a
    // bare `import` after a word on the same line is no statement.
    const before = code.slice(Math.max(0, match.index! - 64), match.index).match(/(\S)([ \t]*)$/);
    // `"--import":"--loader"` (tsx's command line): after `-` or `.` the word
    // is no keyword either.
    if (before !== null && (match[0].startsWith(`from`) ? /['"`]/.test(before[1]) : /[\w$'"`]/.test(before[1]) || /[.-]/.test(before[1]) && before[2] === ``))
      return true;
  }
  return onCommentLine(code, match.index!);
}

const LINE_TERMINATORS = `\n\r\u2028\u2029`;
const LOOK_BACK = 4096;

/**
 * Whether `index` lies on a line whose first non-blank characters are `//`:
 * such a line holds no code up to the next line terminator (LF, CR, U+2028,
 * U+2029, as JavaScript counts them). A line with a backslash does not count:
 * inside a template literal an escape like `\u2028` becomes a line break in
 * evaluated text. Bounded: a line start further back than LOOK_BACK is not
 * looked for, and the line is taken as code.
 */
function onCommentLine(code: string, index: number): boolean {
  let start = index;
  while (start > 0 && index - start < LOOK_BACK && !LINE_TERMINATORS.includes(code[start - 1]))
    start -= 1;
  if (start > 0 && !LINE_TERMINATORS.includes(code[start - 1]))
    return false;
  const before = code.slice(start, index);
  return /^[ \t]*\/\//.test(before) && !before.includes(`\\`);
}
