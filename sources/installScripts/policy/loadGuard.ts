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
  /** The Yarn that runs the install (a script may start it again): what it loads itself may load. */
  yarnFiles: Array<string>;
  /** When the install started (ms since the epoch): a file of the project changed after it was written during the install. */
  startedAt: number;
}

export interface Load {
  /** The real path of the file Node loads, with `/` separators. */
  path: string;
  /** `sha512-…` of its bytes. */
  hash: string;
  /** Its status change time (ms since the epoch). */
  changedAt: number;
  /** False when the code Node compiles under the file's name is not the file's text. */
  sameText: boolean;
  /** The real path of the file of the module that loads it (`/` separators), or null. */
  parent: string | null;
}

/** `tool`: allowed as what Yarn or the machine's Node.js loads itself (what it loads in turn is too). */
export type LoadVerdict = {allowed: true, tool?: true} | {allowed: false, expected: string, found: string};

/**
 * `toolModules`: the files loaded so far in the process with a `tool`
 * verdict, whose own loads are the tool's too.
 */
export function loadVerdict(load: Load, rules: LoadRules, allowed: ReadonlySet<string>, toolModules: ReadonlySet<string> = new Set()): LoadVerdict {
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
  if (allowed.has(load.hash))
    return {allowed: true};
  const dependencyFile = /\/node_modules\/|\/\.yarn\/unplugged\/|\.zip\//.test(load.path);
  // The machine's own Node.js (npm, corepack and what is installed globally
  // beside them).
  if (!/\.zip\//.test(load.path) && rules.machineRoots.some(within))
    return {allowed: true};
  // What the Yarn that a script starts loads itself: it looks for an optional
  // module (`supports-color`) by name from its own folder, in the project's
  // node_modules (a stated limit).
  if (rules.yarnFiles.includes(load.path) || (load.parent !== null && (rules.yarnFiles.includes(load.parent) || toolModules.has(load.parent) || rules.machineRoots.some(root => load.parent!.startsWith(`${root.replace(/\/$/, ``)}/`)))))
    return {allowed: true, tool: true};
  if (dependencyFile)
    return {allowed: false, expected: `a file that an approval of what ${rules.pkg}'s install runs binds`, found: `${short(load.hash)}, which no such approval binds`};
  // Elsewhere on the machine: code an earlier install may have put there (a
  // dependency's file copied to /tmp, to be loaded by the next install).
  if (!within(rules.projectRoot))
    return {allowed: false, expected: `a file that an approval of what ${rules.pkg}'s install runs binds, a file of the project, or one of the machine's Node.js`, found: `${short(load.hash)}, outside the project, which no such approval binds`};
  // The project's own code: there before the install started.
  if (load.changedAt < rules.startedAt)
    return {allowed: true};
  return {allowed: false, expected: `a file of the project that was there before the install started`, found: `${short(load.hash)}, a file written while the install ran`};
}

/**
 * The file the processes of the script preload (`--require`): it replaces
 * `Module.prototype._compile` (every CommonJS file, the main one included) and
 * `process.dlopen` (native addons) with versions that ask `loadVerdict` first,
 * and cannot be put back; the functions of `child_process` pass the guard on
 * to the processes they start, whatever environment they are given. A refused load throws, and is written to `log`, which
 * the install reads after the builds: code that catches the error still fails
 * the install.
 */
export function guardSource(rules: LoadRules, log: string): string {
  return `'use strict';
// Written by yarn-plugin-trust for one install script: what its processes may load.
(() => {
  const loadVerdict = ${loadVerdict.toString()};
  const rules = ${JSON.stringify(rules)};
  const log = ${JSON.stringify(log)};
  const allowed = new Set(rules.allowed);
  const toolModules = new Set();
  const fs = require('fs');
  const path = require('path');
  const crypto = require('crypto');
  const Module = require('module');
  // Node compiles transpiled sources (a require hook's .ts) from other text than the file's.
  const portable = file => path.sep === '\\\\' ? file.replace(/\\\\/g, '/') : file;
  const compiledFrom = /\\.(?:[cm]?tsx?|jsx|coffee|es6?)$/i;
  const check = (filename, content, parent) => {
    // Code given on the command line or on stdin ([eval]-wrapper) is no file.
    if (typeof filename !== 'string' || !path.isAbsolute(filename.replace(/^\\\\\\\\\\?\\\\/, '')))
      return;
    const real = fs.realpathSync(filename.replace(/^\\\\\\\\\\?\\\\/, ''));
    const bytes = fs.readFileSync(real);
    const text = bytes.toString('utf8');
    const sameText = content === undefined || compiledFrom.test(real) || content === text || '\\ufeff' + content === text;
    const load = {
      path: portable(real),
      hash: 'sha512-' + crypto.createHash('sha512').update(bytes).digest('base64'),
      changedAt: fs.statSync(real).ctimeMs,
      sameText,
      // Only a module Node loaded: createRequire(path) makes one up for any path.
      parent: parent && typeof parent.filename === 'string' && Module._cache[parent.filename] === parent && path.isAbsolute(parent.filename) ? portable(fs.realpathSync(parent.filename)) : null,
    };
    const verdict = loadVerdict(load, rules, allowed, toolModules);
    if (verdict.tool)
      toolModules.add(load.path);
    if (verdict.allowed)
      return;
    fs.appendFileSync(log, JSON.stringify({pkg: rules.pkg, file: load.path, expected: verdict.expected, found: verdict.found}) + '\\n');
    const error = new Error('yarn-plugin-trust refused to load ' + load.path + ' in a script of ' + rules.pkg + ': code that no approval covers.\\n  expected: ' + verdict.expected + '\\n  found: ' + verdict.found);
    error.code = 'YARN_PLUGIN_TRUST_REFUSED';
    throw error;
  };
  // Others replace these functions too (Yarn's .pnp.cjs replaces
  // process.dlopen; ts-node a module's _compile): whatever is put in their
  // place is wrapped in the check, and what was there before cannot be had
  // back without it.
  const guard = (owner, name, wrap) => {
    let current = wrap(owner[name]);
    Object.defineProperty(owner, name, {
      get() {
        return current;
      },
      set(replacement) {
        if (this === owner) {
          current = wrap(replacement);
          return;
        }
        let own = wrap(replacement);
        Object.defineProperty(this, name, {get: () => own, set: next => { own = wrap(next); }, configurable: false, enumerable: false});
      },
      configurable: false, enumerable: false,
    });
  };
  guard(Module.prototype, '_compile', compile => function (content, filename) {
    check(filename, typeof content === 'string' ? content : String(content), this.parent);
    return compile.apply(this, arguments);
  });
  guard(process, 'dlopen', dlopen => function (module, filename) {
    check(String(filename), undefined, module && module.parent);
    return dlopen.apply(this, arguments);
  });
  // The processes it starts preload the guard too: an environment given to
  // them, or process.env emptied of NODE_OPTIONS, gets the guard back.
  const preload = '--require ' + JSON.stringify(__filename);
  const guarded = env => {
    const options = env.NODE_OPTIONS === undefined ? '' : String(env.NODE_OPTIONS);
    return options.startsWith(preload) ? env : Object.assign({}, env, {NODE_OPTIONS: options === '' ? preload : preload + ' ' + options});
  };
  const childProcess = require('child_process');
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
    const start = childProcess[name];
    Object.defineProperty(childProcess, name, {
      value: function (...args) {
        if (!String(process.env.NODE_OPTIONS || '').startsWith(preload))
          process.env.NODE_OPTIONS = guarded(process.env).NODE_OPTIONS;
        const at = args.findIndex((arg, index) => index > 0 && arg !== null && typeof arg === 'object' && !Array.isArray(arg));
        if (at !== -1 && args[at].env !== undefined && args[at].env !== null)
          args[at] = Object.assign({}, args[at], {env: guarded(args[at].env)});
        return start.apply(this, args);
      },
      writable: false, configurable: false, enumerable: true,
    });
  }
  // A worker thread given an environment of its own preloads from that one.
  const workerThreads = require('worker_threads');
  const Worker = workerThreads.Worker;
  Object.defineProperty(workerThreads, 'Worker', {
    value: class extends Worker {
      constructor(file, options) {
        const env = options !== null && typeof options === 'object' && options.env !== null && typeof options.env === 'object' ? guarded(options.env) : undefined;
        super(file, env === undefined ? options : Object.assign({}, options, {env}));
      }
    },
    writable: false, configurable: false, enumerable: true,
  });
})();
`;
}
