/**
 * The load guard: what the Node processes of a dependency's install script
 * may load, decided file by file while they run.
 *
 * The fingerprint reads install code to find the files it runs, and names
 * what it cannot follow. Code written to hide how it loads a file (a
 * `require` reached through a sloppy function's `caller`, keys built at run
 * time) gets past any reading. It cannot get past Node's own loader: every
 * CommonJS file Node compiles and every native addon it opens in those
 * processes is compared here with what the approvals bind.
 *
 * `loadVerdict` is written out into the guard file the processes preload
 * (see `guardSource`), so it must stay self-contained: no imports, no
 * helpers from outside its body.
 */

export interface LoadRules {
  /** The package whose script runs (`name@version`), for messages. */
  pkg: string;
  /**
   * Its folders on disk (real paths with `/` separators; the node-modules
   * linker builds a package in every folder it installed it in). The backstop
   * compared them with the approval right before the script started.
   */
  own: Array<string>;
  /** The hashes of the files that the approvals of what its install runs bind (its closure). */
  allowed: Array<string>;
  /** The project's folder: a real path with `/` separators. */
  projectRoot: string;
  /** Files Yarn itself wrote in this install that Node may load (`.pnp.cjs`, `.pnp.loader.mjs`). */
  exempt: Array<string>;
  /** Folders of the machine's own Node.js. */
  machineRoots: Array<string>;
  /** The Yarn that runs the install (a script may start it again). */
  yarnFiles: Array<string>;
  /** When the install started (ms since the epoch): a file of the project changed after it was written during the install. */
  startedAt: number;
}

export interface Load {
  /** The real path of the file Node loads (`\\` read as `/`). */
  path: string;
  /** `sha512-…` of its bytes. */
  hash: string;
  /** Its status change time (ms since the epoch). */
  changedAt: number;
  /** False when the code Node compiles under the file's name is not the file's text. */
  sameText: boolean;
  /** The real path of the main file of the process (`\\` read as `/`), or null. */
  main: string | null;
}

export type LoadVerdict = {allowed: true} | {allowed: false, expected: string, found: string};

export function loadVerdict(given: Load, rules: LoadRules, allowed: ReadonlySet<string>): LoadVerdict {
  const load = {path: given.path.replace(/\\/g, `/`), hash: given.hash, changedAt: given.changedAt, sameText: given.sameText, main: given.main === null ? null : given.main.replace(/\\/g, `/`)};
  const within = (root: string) => load.path.startsWith(root.endsWith(`/`) ? root : `${root}/`);
  const short = (hash: string) => `${hash.slice(0, 19)}…`;
  if (rules.exempt.includes(load.path))
    return {allowed: true};
  if (!load.sameText)
    return {allowed: false, expected: `the text of the file that Node reads`, found: `other code compiled under its name (a require hook, or a file system that answers differently)`};
  // The package's own folder, as the backstop found it before the script
  // started, and what its approved code writes there while it runs (build
  // output, a file it generates: a stated limit).
  for (const root of rules.own) {
    if (within(root) && !/(^|\/)node_modules\//.test(load.path.slice(root.replace(/\/$/, ``).length + 1)))
      return {allowed: true};
  }
  if (allowed.has(load.hash) || rules.yarnFiles.includes(load.path))
    return {allowed: true};
  // A Yarn that a script starts looks up supports-color (and its has-flag) by
  // name from its own folder, in the project's node_modules (a stated limit:
  // it does in every Yarn command run in the project).
  if (load.main !== null && rules.yarnFiles.includes(load.main) && /\/node_modules\/(supports-color|has-flag)\/[^/]+\.js$/.test(load.path))
    return {allowed: true};
  const dependencyFile = /\/node_modules\/|\/\.yarn\/unplugged\/|\.zip\//.test(load.path);
  if (within(rules.projectRoot)) {
    if (dependencyFile)
      return {allowed: false, expected: `a file that an approval of what ${rules.pkg}'s install runs binds`, found: `${short(load.hash)}, which no such approval binds`};
    // The project's own code: there before the install started.
    return load.changedAt < rules.startedAt
      ? {allowed: true}
      : {allowed: false, expected: `a file of the project that was there before the install started`, found: `${short(load.hash)}, a file written while the install ran`};
  }
  // The machine's own Node.js (npm, corepack and what is installed globally
  // beside them). Elsewhere: code an earlier install may have put there (a
  // dependency's file copied to /tmp, to be loaded by the next install).
  if (!/\.zip\//.test(load.path) && rules.machineRoots.some(within))
    return {allowed: true};
  return {allowed: false, expected: `a file that an approval of what ${rules.pkg}'s install runs binds, a file of the project, or one of the machine's Node.js`, found: `${short(load.hash)}, outside the project, which no such approval binds`};
}

/**
 * The file the processes of the script preload (`--require`). It replaces
 * `Module.prototype._compile` (every CommonJS file, the main one included) and
 * `process.dlopen` (native addons), and registers a load hook of the ESM
 * loader, each asking `loadVerdict` first; what is put in their place later
 * runs behind the check. The functions of `child_process` and
 * `worker_threads.Worker` pass the guard on to what they start, whatever
 * environment they are given, and refuse Node's snapshot options (a snapshot
 * is built without preloads). Code from text (`eval`, `new Function`, `vm`)
 * is refused in those processes.
 *
 * Install code runs in the same process and may replace any global or
 * prototype: the guard takes Node's functions before it runs, and decides in
 * a realm of its own (`vm.createContext`), where no such change reaches.
 *
 * A refused load throws, and is written to `log`, which the install reads
 * after the builds: code that catches the error still fails the install.
 */
export function guardSource(rules: LoadRules, log: string): string {
  const realm = [
    `'use strict';`,
    `(() => {`,
    `  const loadVerdict = ${loadVerdict.toString()};`,
    `  const rules = ${JSON.stringify(rules)};`,
    `  const allowed = new Set(rules.allowed);`,
    `  return [(path, hash, changedAt, sameText, main) => {`,
    `    const verdict = loadVerdict({path, hash, changedAt, sameText, main}, rules, allowed);`,
    `    return verdict.allowed ? '' : 'expected: ' + verdict.expected + '\\n  found: ' + verdict.found;`,
    `  }, main => main !== null && rules.yarnFiles.includes(main.replace(/\\\\/g, '/'))];`,
    `})()`,
  ].join(`\n`);
  return `'use strict';
// Written by yarn-plugin-trust for one install script: what its processes may load.
(() => {
  const fs = require('fs');
  const path = require('path');
  const crypto = require('crypto');
  const Module = require('module');
  const vm = require('vm');
  const url = require('url');
  const childProcess = require('child_process');
  const workerThreads = require('worker_threads');
  // Node's own fs functions resolve paths through the shared path module:
  // it stays as it is (outside attack round 88, R01).
  Object.freeze(path.posix);
  Object.freeze(path.win32);
  Object.freeze(path);
  // Node compiles with Module.wrap once it or Module.wrapper was replaced
  // (M01): a compile after a replacement is refused. (Module.wrapper is a
  // proxy that counts any change, freezing included, as one.)
  const wrap = Module.wrap;
  const wrapper = Module.wrapper;
  const [wrapperStart, wrapperEnd] = [wrapper[0], wrapper[1]];
  // Node's functions as they are before any code of the script runs.
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const createObject = Object.create;
  const getPrototypeOf = Object.getPrototypeOf;
  const isArray = Array.isArray;
  const stringify = JSON.stringify;
  const ErrorClass = Error;
  const indexOf = String.prototype.indexOf;
  const startsWith = String.prototype.startsWith;
  // fs as Yarn's .pnp.cjs leaves it (it reads archives), taken when the
  // first file other than it loads: before any code of the script runs.
  let files = null;
  const takeFiles = () => ({realpathSync: fs.realpathSync, readFileSync: fs.readFileSync, statSync: fs.statSync});
  const appendFileSync = fs.appendFileSync;
  const isAbsolute = path.isAbsolute;
  const resolvePath = path.resolve;
  const fileURLToPath = url.fileURLToPath;
  const hashOnce = crypto.hash;
  const createHash = crypto.createHash;
  const hashMethods = Object.getPrototypeOf(createHash('sha512'));
  const update = hashMethods.update;
  const digest = hashMethods.digest;
  const sha512 = data => 'sha512-' + (typeof hashOnce === 'function' ? hashOnce('sha512', data, 'base64') : apply(digest, apply(update, createHash('sha512'), [data]), ['base64']));
  const has = (text, part) => apply(indexOf, text, [part]) !== -1;
  const log = ${JSON.stringify(log)};
  const pkg = ${JSON.stringify(rules.pkg)};
  // The decision, in a realm that the script's code cannot reach.
  const [decide, isYarn] = vm.runInContext(${JSON.stringify(realm)}, vm.createContext(createObject(null)));
  const refuse = (file, reason) => {
    apply(appendFileSync, fs, [log, stringify({pkg, file, reason}) + '\\n']);
    const error = new ErrorClass('yarn-plugin-trust refused to load ' + file + ' in a script of ' + pkg + ': code that no approval covers.\\n  ' + reason);
    error.code = 'YARN_PLUGIN_TRUST_REFUSED';
    throw error;
  };
  const main = typeof process.argv[1] === 'string' && apply(isAbsolute, path, [process.argv[1]]) ? fs.realpathSync(process.argv[1]) : null;
  // Node compiles code under a name that is no path only for what is given
  // on its command line or its standard input, once, before any of it runs.
  let wrapperExpected = main === null;
  const check = (filename, content) => {
    const named = typeof filename === 'string' ? filename : '' + filename;
    if (wrapperExpected && (named === '[eval]-wrapper' || named === '[stdin]-wrapper')) {
      wrapperExpected = false;
      return;
    }
    if (!apply(isAbsolute, path, [named]))
      refuse(named, 'expected: a file named by its path\\n  found: code compiled under a name that is no path');
    const pnp = has(named, '.pnp.cjs') || has(named, '.pnp.loader.mjs');
    const use = files !== null ? files : takeFiles();
    if (files === null && !pnp)
      files = use;
    const real = apply(use.realpathSync, fs, [named]);
    const bytes = apply(use.readFileSync, fs, [real]);
    const hash = sha512(bytes);
    // What Node compiles is the file's text (Node may have dropped a byte order mark).
    const sameText = content === undefined || sha512(content) === hash || sha512('\\ufeff' + content) === hash;
    const reason = decide(real, hash, apply(use.statSync, fs, [real]).ctimeMs, sameText, main);
    if (reason !== '')
      refuse(real, reason);
  };
  // Others replace these functions too (Yarn's .pnp.cjs replaces
  // process.dlopen; ts-node a module's _compile): whatever is put in their
  // place is wrapped in the check, and what was there before cannot be had
  // back without it.
  const guard = (owner, name, wrap) => {
    let current = wrap(owner[name]);
    defineProperty(owner, name, {
      get() {
        return current;
      },
      set(replacement) {
        if (this === owner) {
          current = wrap(replacement);
          return;
        }
        let own = wrap(replacement);
        defineProperty(this, name, {get: () => own, set: next => { own = wrap(next); }, configurable: false, enumerable: false});
      },
      configurable: false, enumerable: false,
    });
  };
  guard(Module.prototype, '_compile', compile => function (content, filename) {
    // Read once, and handed on as read (a toString that answers differently: outside attack round 88, D01).
    const text = typeof content === 'string' ? content : '' + content;
    const named = typeof filename === 'string' ? filename : '' + filename;
    if (Module.wrap !== wrap || Module.wrapper !== wrapper || wrapper[0] !== wrapperStart || wrapper[1] !== wrapperEnd)
      refuse(named, 'expected: the module wrapper of Node\\n  found: Module.wrap or Module.wrapper replaced, with which Node compiles other text than the file');
    check(named, text);
    return apply(compile, this, [text, named]);
  });
  guard(process, 'dlopen', dlopen => function (module, filename, ...rest) {
    // The system's loader looks a name without a slash up in its own folders:
    // no file of a package then, refused as no path. The name is read once.
    const named = '' + filename;
    const file = has(named, '/') || has(named, '\\\\') ? apply(resolvePath, path, [named]) : named;
    check(file, undefined);
    return apply(dlopen, this, [module, file, ...rest]);
  });
  // Code from text: no file stands for it. vm's compiling functions, and in
  // any process but the install's Yarn (whose own code builds functions from
  // text), eval and the constructors of functions, however they are reached
  // (Function, fn.constructor, that of async and generator functions).
  const refuseText = name => {
    const refusing = function () {
      refuse(name, 'expected: files that Node loads\\n  found: code evaluated from text (' + name + ')');
    };
    // Named as the function it stands for (code that looks it up by name finds it, and is refused).
    defineProperty(refusing, 'name', {value: name.slice(name.lastIndexOf('.') + 1)});
    return refusing;
  };
  for (const name of ['Script', 'compileFunction', 'runInThisContext', 'runInContext', 'runInNewContext', 'SourceTextModule', 'createScript']) {
    if (name in vm)
      defineProperty(vm, name, {value: refuseText('vm.' + name), writable: false, configurable: false, enumerable: true});
  }
  if (!isYarn(main)) {
    const kinds = [[Function, 'Function'], [getPrototypeOf(async function () {}).constructor, 'AsyncFunction'], [getPrototypeOf(function* () {}).constructor, 'GeneratorFunction'], [getPrototypeOf(async function* () {}).constructor, 'AsyncGeneratorFunction']];
    for (let index = 0; index < kinds.length; index++) {
      const [kind, name] = kinds[index];
      const refusing = refuseText(name);
      // \`x instanceof Function\` holds as before.
      defineProperty(refusing, 'prototype', {value: kind.prototype});
      defineProperty(kind.prototype, 'constructor', {value: refusing, writable: false, configurable: false, enumerable: false});
      if (name === 'Function')
        defineProperty(globalThis, 'Function', {value: refusing, writable: false, configurable: false, enumerable: false});
    }
    defineProperty(globalThis, 'eval', {value: refuseText('eval'), writable: false, configurable: false, enumerable: false});
    // The inspector runs any text it is sent (Runtime.evaluate: outside attack round 88, K01).
    // Both loaded first: inspector/promises is built on inspector's Session.
    const inspectors = [['inspector', require('inspector')], ['inspector/promises', require('inspector/promises')]];
    for (const [id, inspector] of inspectors) {
      for (const name of ['Session', 'open', 'url', 'waitForDebugger'])
        if (name in inspector)
          defineProperty(inspector, name, {value: refuseText(id + '.' + name), writable: false, configurable: false, enumerable: true});
    }
  }
  // Loader hooks from text run in the hooks thread (I02); a hooks file is
  // loaded through the guard's own hook, which checks it.
  const register = Module.register;
  if (typeof register === 'function') {
    defineProperty(Module, 'register', {
      value: function (specifier, ...rest) {
        const named = specifier !== null && typeof specifier === 'object' && typeof specifier.href === 'string' ? specifier.href : '' + specifier;
        if (apply(startsWith, named, ['data:']) || apply(startsWith, named, ['http:']) || apply(startsWith, named, ['https:']))
          refuse(named.slice(0, 120), 'expected: files that Node loads\\n  found: loader hooks from text or the network');
        return apply(register, this, [named, ...rest]);
      },
      writable: false, configurable: false, enumerable: true,
    });
  }
  // ES modules: Node's ESM loader compiles them without _compile. Its load
  // hook asks the same check (in the hooks thread, which loads this file for
  // it: there the hooks are not registered again).
  // A module from a data: or network URL is code from text.
  const checkURL = url => {
    const named = typeof url === 'string' ? url : '' + url;
    if (apply(startsWith, named, ['file:']))
      check(fileURLToPath(named), undefined);
    else if (!apply(startsWith, named, ['node:']))
      refuse(named.slice(0, 120), 'expected: files that Node loads\\n  found: a module from text or the network (' + named.slice(0, 40) + '…)');
  };
  module.exports = {checkURL};
  if (globalThis.__yarnPluginTrustHooks !== true) {
    if (typeof Module.registerHooks === 'function') {
      Module.registerHooks({load(url, context, nextLoad) {
        checkURL(url);
        return nextLoad(url, context);
      }});
    } else if (typeof register === 'function') {
      const hooks = "import {createRequire} from 'node:module'; let checkURL; export function initialize(data) { globalThis.__yarnPluginTrustHooks = true; checkURL = createRequire(data.guard)(data.guard).checkURL; } export async function load(url, context, nextLoad) { checkURL(url); return nextLoad(url, context); }";
      apply(register, Module, ['data:text/javascript,' + encodeURIComponent(hooks), {data: {guard: __filename}}]);
    }
  }
  // The processes it starts preload the guard too, whatever environment they
  // are given: it is read once, key by key as Node reads it, into an object of
  // its own. Node builds a snapshot without preloads: refused.
  const preload = '--require ' + stringify(__filename);
  const refuseSnapshot = word => {
    if (typeof word === 'string' && (has(word, '--build-snapshot') || has(word, '--snapshot-blob') || has(word, '--build_snapshot') || has(word, '--snapshot_blob')))
      refuse('a snapshot', 'expected: Node started with its preloads\\n  found: a snapshot option, with which Node starts without them');
  };
  const withGuard = options => {
    const value = options === undefined || options === null ? '' : '' + options;
    refuseSnapshot(value);
    return value === preload || apply(startsWith, value, [preload + ' ']) ? value : value === '' ? preload : preload + ' ' + value;
  };
  const guardedEnvironment = env => {
    const copy = createObject(null);
    for (const key in env)
      copy[key] = env[key];
    copy.NODE_OPTIONS = withGuard(copy.NODE_OPTIONS);
    return copy;
  };
  const plainOptions = options => {
    const copy = createObject(null);
    for (const key in options)
      copy[key] = options[key];
    if (copy.env !== undefined && copy.env !== null)
      copy.env = guardedEnvironment(copy.env);
    if (isArray(copy.execArgv)) {
      for (let index = 0; index < copy.execArgv.length; index++)
        refuseSnapshot(copy.execArgv[index]);
    }
    return copy;
  };
  // Node given its code on its command line or its standard input by the
  // script's code: code from text (X01, X02). The script's own command
  // (\`node -e\` in package.json, gyp's \`<!(node -p …)\`) is bound, and not
  // started through these functions.
  const execPath = process.execPath;
  const endsWith = String.prototype.endsWith;
  const isNode = file => typeof file === 'string' && (file === execPath || file === 'node' || file === 'node.exe' || apply(endsWith, file, ['/node']) || apply(endsWith, file, ['\\\\node']) || apply(endsWith, file, ['/node.exe']) || apply(endsWith, file, ['\\\\node.exe']));
  const refuseNodeText = (file, words, options) => {
    if (!isNode(file))
      return;
    let script = false;
    for (let index = 0; index < words.length; index++) {
      const word = typeof words[index] === 'string' ? words[index] : '';
      if (word === '-e' || word === '--eval' || word === '-p' || word === '--print' || word === '-pe' || word === '-i' || word === '--interactive' || apply(startsWith, word, ['--eval=']) || apply(startsWith, word, ['--print=']))
        refuse('node ' + word, 'expected: files that Node loads\\n  found: node given its code as text on its command line (' + word + ')');
      if (word !== '' && !apply(startsWith, word, ['-']))
        script = true;
    }
    const versionOnly = words.length > 0 && (words[0] === '--version' || words[0] === '-v' || words[0] === '--help' || words[0] === '-h');
    if (!script && !versionOnly)
      refuse('node', 'expected: files that Node loads\\n  found: node started without a script, which runs the code on its standard input');
  };
  const processEnvironment = process.env;
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
    const start = childProcess[name];
    defineProperty(childProcess, name, {
      value: function (...args) {
        processEnvironment.NODE_OPTIONS = withGuard(processEnvironment.NODE_OPTIONS);
        if (name !== 'exec' && name !== 'execSync' && name !== 'fork')
          refuseNodeText(args[0], isArray(args[1]) ? args[1] : [], undefined);
        for (let index = 0; index < args.length; index++) {
          const given = args[index];
          if (isArray(given)) {
            for (let word = 0; word < given.length; word++)
              refuseSnapshot(given[word]);
          } else if (index > 0 && given !== null && typeof given === 'object') {
            args[index] = plainOptions(given);
            break;
          } else {
            refuseSnapshot(given);
          }
        }
        return apply(start, this, args);
      },
      writable: false, configurable: false, enumerable: true,
    });
  }
  // A worker thread given an environment of its own preloads from that one.
  const Worker = workerThreads.Worker;
  defineProperty(workerThreads, 'Worker', {
    value: class extends Worker {
      constructor(file, options) {
        const given = options !== null && typeof options === 'object' ? plainOptions(options) : options;
        if (given !== null && typeof given === 'object' && given.eval)
          refuse('new Worker(code, {eval: true})', 'expected: files that Node loads\\n  found: code evaluated from text (a worker given its code as text)');
        super(file, given);
      }
    },
    writable: false, configurable: false, enumerable: true,
  });
})();
`;
}

/** What NODE_OPTIONS of a script's processes starts with for the guard at `file`. */
export function guardOptions(file: string): string {
  return `--require ${JSON.stringify(file)}`;
}
