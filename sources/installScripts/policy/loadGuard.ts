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
   * linker builds a package in every folder it installed it in), each with its
   * files as the backstop hashed them before the script started: package path
   * → `sha512-…`.
   */
  own: Array<{root: string, files: Record<string, string>}>;
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
  for (const {root, files} of rules.own) {
    if (!within(root))
      continue;
    const own = load.path.slice(root.replace(/\/$/, ``).length + 1);
    if (/(^|\/)node_modules\//.test(own))
      continue;
    if (Object.prototype.hasOwnProperty.call(files, own)) {
      const bound = files[own];
      return bound === load.hash ? {allowed: true} : {allowed: false, expected: `${own} as approved (${short(bound)})`, found: `${short(load.hash)}: it changed while the install ran`};
    }
    // A file its approved code wrote in its own folder during the build (a
    // stated limit: build output is not bound).
    return {allowed: true};
  }
  if (allowed.has(load.hash) || rules.yarnFiles.includes(load.path))
    return {allowed: true};
  const dependencyFile = /\/node_modules\/|\/\.yarn\/unplugged\/|\.zip\//.test(load.path);
  if (within(rules.projectRoot)) {
    if (dependencyFile) {
      // A Yarn that a script starts looks up supports-color (and its has-flag)
      // by name from its own folder, in the project's node_modules (a stated
      // limit: it does in every Yarn command run in the project).
      if (load.main !== null && rules.yarnFiles.includes(load.main) && /\/node_modules\/(supports-color|has-flag)\/[^/]+\.js$/.test(load.path))
        return {allowed: true};
      return {allowed: false, expected: `a file that an approval of what ${rules.pkg}'s install runs binds`, found: `${short(load.hash)}, which no such approval binds`};
    }
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
    `  return (path, hash, changedAt, sameText, main) => {`,
    `    const verdict = loadVerdict({path, hash, changedAt, sameText, main}, rules, allowed);`,
    `    return verdict.allowed ? '' : 'expected: ' + verdict.expected + '\\n  found: ' + verdict.found;`,
    `  };`,
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
  // Node's functions as they are before any code of the script runs.
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const createObject = Object.create;
  const isArray = Array.isArray;
  const stringify = JSON.stringify;
  const ErrorClass = Error;
  const indexOf = String.prototype.indexOf;
  const startsWith = String.prototype.startsWith;
  const realpathSync = fs.realpathSync;
  const readFileSync = fs.readFileSync;
  const statSync = fs.statSync;
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
  const decide = vm.runInContext(${JSON.stringify(realm)}, vm.createContext(createObject(null)));
  const refuse = (file, reason) => {
    apply(appendFileSync, fs, [log, stringify({pkg, file, reason}) + '\\n']);
    const error = new ErrorClass('yarn-plugin-trust refused to load ' + file + ' in a script of ' + pkg + ': code that no approval covers.\\n  ' + reason);
    error.code = 'YARN_PLUGIN_TRUST_REFUSED';
    throw error;
  };
  const realPath = file => apply(realpathSync, fs, [file]);
  const main = typeof process.argv[1] === 'string' && apply(isAbsolute, path, [process.argv[1]]) ? realPath(process.argv[1]) : null;
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
    const real = realPath(named);
    const bytes = apply(readFileSync, fs, [real]);
    const hash = sha512(bytes);
    // What Node compiles is the file's text (Node may have dropped a byte order mark).
    const sameText = content === undefined || sha512(content) === hash || sha512('\\ufeff' + content) === hash;
    const reason = decide(real, hash, apply(statSync, fs, [real]).ctimeMs, sameText, main);
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
    check(filename, typeof content === 'string' ? content : '' + content);
    return apply(compile, this, arguments);
  });
  guard(process, 'dlopen', dlopen => function (module, filename) {
    // The system's loader looks a name without a slash up in its own folders:
    // no file of a package then, refused as no path.
    const named = '' + filename;
    check(has(named, '/') || has(named, '\\\\') ? apply(resolvePath, path, [named]) : named, undefined);
    return apply(dlopen, this, arguments);
  });
  // Code from text: eval and new Function are refused by Node's option in
  // NODE_OPTIONS, vm here (no file stands for its text).
  for (const name of ['Script', 'compileFunction', 'runInThisContext', 'runInContext', 'runInNewContext', 'SourceTextModule', 'createScript']) {
    if (name in vm) {
      defineProperty(vm, name, {
        value: function () {
          refuse('vm.' + name, 'expected: files that Node loads\\n  found: code evaluated from text (vm.' + name + ')');
        },
        writable: false, configurable: false, enumerable: true,
      });
    }
  }
  // ES modules: Node's ESM loader compiles them without _compile. Its load
  // hook asks the same check (in the hooks thread, which loads this file for
  // it: there the hooks are not registered again).
  module.exports = {check};
  if (globalThis.__yarnPluginTrustHooks !== true) {
    if (typeof Module.registerHooks === 'function') {
      Module.registerHooks({load(url, context, nextLoad) {
        if (typeof url === 'string' && apply(startsWith, url, ['file:']))
          check(fileURLToPath(url), undefined);
        return nextLoad(url, context);
      }});
    } else if (typeof Module.register === 'function') {
      const hooks = "import {createRequire} from 'node:module'; import {fileURLToPath} from 'node:url'; let check; export function initialize(data) { globalThis.__yarnPluginTrustHooks = true; check = createRequire(data.guard)(data.guard).check; } export async function load(url, context, nextLoad) { if (url.startsWith('file:')) check(fileURLToPath(url), undefined); return nextLoad(url, context); }";
      Module.register('data:text/javascript,' + encodeURIComponent(hooks), {data: {guard: __filename}});
    }
  }
  // The processes it starts preload the guard too, whatever environment they
  // are given: it is read once, key by key as Node reads it, into an object of
  // its own. Node builds a snapshot without preloads: refused.
  const preload = '--require ' + stringify(__filename) + ' --disallow-code-generation-from-strings';
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
  const processEnvironment = process.env;
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
    const start = childProcess[name];
    defineProperty(childProcess, name, {
      value: function (...args) {
        processEnvironment.NODE_OPTIONS = withGuard(processEnvironment.NODE_OPTIONS);
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
        super(file, options !== null && typeof options === 'object' ? plainOptions(options) : options);
      }
    },
    writable: false, configurable: false, enumerable: true,
  });
})();
`;
}

/** What the environment of a script's processes must hold for the guard at `file`: the guard first, and no code from text. */
export function guardOptions(file: string): string {
  return `--require ${JSON.stringify(file)} --disallow-code-generation-from-strings`;
}
