/** The words, flags and limits the install analysis knows: command prefixes, shells, Node flags, lifecycle aliases, file kinds. */

import {extensionOf} from './records';
import {isUnderNodeModules} from './resolver';
import {posix} from 'path';

// Nested `sh -c "…"` / quoted sub-commands deeper than this are not a
// legitimate build setup; refusing is safer than silently not looking inside.
export const MAX_COMMAND_DEPTH = 8;

// binding.gyp includes .gypi files, which may include more.
export const MAX_GYP_INCLUDE_DEPTH = 8;

// What a command-line word may name: the shell runs the exact file; .js,
// .cjs, .mjs, .sh and index.js cover the usual shorthand of install scripts.
export const COMMAND_SUFFIXES = [``, `.js`, `.cjs`, `.mjs`, `.sh`, `/index.js`];

export const JS_EXTENSIONS = new Set([`.js`, `.cjs`, `.mjs`]);

// Files that Node loads without evaluating them as JavaScript.
export const NON_CODE_MODULE_EXTENSIONS = new Set([`.json`, `.node`]);

// Tools that compile the native addon described by binding.gyp, or that fall
// back to compiling it: binding.gyp decides what they build.
export const GYP_TOOLS = new Set([
  `node-gyp`,
  `node-pre-gyp`,
  `node-gyp-build`,
  `node-gyp-build-optional-packages`,
  `prebuild`,
  `prebuild-install`,
]);

// Words that run the rest of the line as a command; the word after them is in
// command position again.
export const COMMAND_PREFIXES = new Set([
  `env`, `cross-env`, `cross-env-shell`, `npx`, `pnpx`, `bunx`, `exec`, `nohup`, `time`,
  `command`, `nice`, `sudo`, `xargs`,
  // Wrappers that exec the command after their options (round 12, F41).
  `timeout`, `stdbuf`, `setsid`, `flock`, `chrt`, `ionice`, `taskset`, `unbuffer`, `chronic`, `doas`, `caffeinate`, `script`,
]);
/** Wrappers whose first operand is not the command: a duration, a lock file, a priority, a CPU mask. */
export const WRAPPERS_WITH_OPERAND = new Set([`timeout`, `flock`, `chrt`, `taskset`]);
/** Options of wrappers that take a separate value (`nice -n 5 cmd`). */
export const WRAPPER_VALUE_OPTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [`nice`, new Set([`-n`, `--adjustment`])],
  [`ionice`, new Set([`-c`, `--class`, `-n`, `--classdata`, `-p`, `-P`, `-u`])],
  [`timeout`, new Set([`-s`, `--signal`, `-k`, `--kill-after`])],
  [`flock`, new Set([`-w`, `--timeout`, `-E`, `--conflict-exit-code`])],
  [`stdbuf`, new Set([`-i`, `-o`, `-e`, `--input`, `--output`, `--error`])],
  [`sudo`, new Set([`-u`, `--user`, `-g`, `--group`, `-C`, `-D`, `--chdir`])],
]);
/** Wrappers whose `-c` option takes a command line. */
export const WRAPPERS_WITH_COMMAND_OPTION = new Set([`flock`, `script`, `su`]);

// Shell syntax: `{ node x; }` and `if …; then node x; fi` are still commands,
// and the keywords themselves run nothing.
export const SHELL_KEYWORDS = new Set([
  `!`, `{`, `}`, `if`, `then`, `else`, `elif`, `fi`, `do`, `done`, `while`, `until`, `for`, `in`, `case`, `esac`,
]);

// Built into sh and into Yarn's shell: they run no program of PATH.
export const SHELL_BUILTINS = new Set([
  `cd`, `echo`, `exit`, `true`, `false`, `pwd`, `set`, `unset`, `export`, `:`, `test`, `[`, `[[`, `]]`,
  `shift`, `return`, `printf`, `read`, `wait`, `trap`, `type`, `umask`, `ulimit`, `local`, `eval`, `source`, `.`,
]);

export const NPX_TOOLS = new Set([`npx`, `pnpx`, `bunx`]);

// Variables that npm and Yarn set to the Node binary running the install.
export const NODE_VARIABLES = new Set([`npm_node_execpath`, `NODE`]);

/** The variable that holds the path of the package manager running the script (Yarn's, npm's under `npm run`). */
export const PACKAGE_MANAGER_VARIABLE = `npm_execpath`;

export const SHELLS = new Set([`sh`, `bash`, `dash`, `zsh`, `ksh`]);

/** Node options that open its inspector, to which another process can send code to run. */
export const NODE_INSPECTOR_FLAG = /^--(?:inspect|debug)(?:-brk|-wait|-port)?$/;
export const NODE_EVAL_FLAGS = new Set([`-e`, `--eval`, `-p`, `--print`, `-pe`, `-ep`]);
/** Options after which node prints or checks something and exits, reading no program (`node --version`, `node --check`). */
export const NODE_EXITING_FLAGS = new Set([`-v`, `--version`, `-h`, `--help`, `--v8-options`, `--completion-bash`, `-c`, `--check`]);
// `--test-reporter` loads its value like an import unless it names a built-in reporter (round 12, F4).
export const NODE_MODULE_FLAGS = new Set([`-r`, `--require`, `--import`, `--loader`, `--experimental-loader`, `--test-reporter`]);
export const BUILTIN_TEST_REPORTERS = new Set([`spec`, `tap`, `dot`, `junit`, `lcov`]);
export const NODE_VALUE_FLAGS = new Set([`-C`, `--conditions`, `--title`, `--env-file`, `--env-file-if-exists`, `--input-type`, `--openssl-config`, `--snapshot-blob`, `--build-snapshot-config`]);

/**
 * Node's own options that take a value, which may be the next word
 * (`--inspect-port install.js` makes `install.js` the port and leaves node
 * with no program: outside attack round 75, A01). Node 20.20's option table
 * (`internal/options`: the integer, string, host-port and list options, and
 * their aliases; a unit test compares it with the running Node's), with the
 * ones later releases added.
 */
export const NODE_OWN_VALUE_FLAGS: ReadonlySet<string> = new Set([
  `--allow-fs-read`, `--allow-fs-write`, `--build-snapshot-config`, `--conditions`, `--cpu-prof-dir`,
  `--cpu-prof-interval`, `--cpu-prof-name`, `--debug-port`, `--diagnostic-dir`, `--disable-proto`,
  `--disable-warning`, `--dns-result-order`, `--env-file`, `--env-file-if-exists`, `--eval`,
  `--experimental-config-file`, `--experimental-default-type`, `--experimental-loader`, `--experimental-policy`,
  `--experimental-sea-config`, `--heap-prof-dir`, `--heap-prof-interval`, `--heap-prof-name`,
  `--heapsnapshot-near-heap-limit`, `--heapsnapshot-signal`, `--icu-data-dir`, `--import`, `--input-type`,
  `--inspect-port`, `--inspect-publish-uid`, `--loader`, `--localstorage-file`, `--max-http-header-size`,
  `--network-family-autoselection-attempt-timeout`, `--openssl-config`, `--policy-integrity`, `--redirect-warnings`,
  `--report-dir`, `--report-directory`, `--report-filename`, `--report-signal`, `--require`, `--secure-heap`,
  `--secure-heap-min`, `--security-revert`, `--security-reverts`, `--snapshot-blob`, `--test-concurrency`, `--test-coverage-branches`,
  `--test-coverage-exclude`, `--test-coverage-functions`, `--test-coverage-include`, `--test-coverage-lines`,
  `--test-global-setup`, `--test-isolation`, `--test-name-pattern`, `--test-reporter`, `--test-reporter-destination`,
  `--test-rerun-failures`, `--test-shard`, `--test-skip-pattern`, `--test-timeout`, `--title`, `--tls-cipher-list`,
  `--tls-keylog`, `--trace-event-categories`, `--trace-event-file-pattern`, `--trace-require-module`,
  `--unhandled-rejections`, `--use-largepages`, `--v8-pool-size`, `--watch-kill-signal`, `--watch-path`,
]);

/**
 * V8's options that take a value (`node --stack-size 900 x.js`), from `node
 * --v8-options` of Node 20.20: every type but bool and maybe_bool. V8 also
 * reads them with one dash (`-stack-size`).
 */
export const V8_VALUE_FLAGS: ReadonlySet<string> = new Set([
  `--arm-arch`, `--baseline-batch-compilation-threshold`, `--bytecode-old-age`, `--bytecode-size-allowance-per-tick`,
  `--concurrent-marking-max-worker-num`, `--concurrent-recompilation-delay`,
  `--concurrent-recompilation-queue-length`, `--concurrent-sparkplug-max-threads`,
  `--cpu-profiler-sampling-interval`, `--csa-trap-on-node`, `--deopt-every-n-times`,
  `--dump-allocations-digest-at-alloc`, `--dump-wasm-module-path`, `--embedded-src`, `--embedded-variant`,
  `--ephemeron-fixpoint-iterations`, `--expose-cputracemark-as`, `--expose-gc-as`, `--fuzzer-random-seed`,
  `--gc-fake-mmap`, `--gc-interval`, `--gc-memory-reducer-start-delay-ms`, `--gc-stats`, `--gdbjit-dump-filter`,
  `--hash-seed`, `--heap-growing-percent`, `--heap-snapshot-string-limit`, `--histogram-interval`,
  `--incremental-marking-hard-trigger`, `--incremental-marking-soft-trigger`, `--initial-heap-size`,
  `--initial-old-space-size`, `--initial-shared-heap-size`, `--interrupt-budget`,
  `--interrupt-budget-factor-for-feedback-allocation`, `--interrupt-budget-for-feedback-allocation`,
  `--invocation-count-for-maglev`, `--invocation-count-for-osr`, `--lazy-compile-dispatcher-max-threads`,
  `--logfile`, `--maglev-filter`, `--map-counters`, `--max-bytecode-size-for-early-opt`, `--max-heap-size`,
  `--max-inlined-bytecode-size`, `--max-inlined-bytecode-size-absolute`, `--max-inlined-bytecode-size-cumulative`,
  `--max-inlined-bytecode-size-small`, `--max-old-space-size`, `--max-opt`, `--max-optimized-bytecode-size`,
  `--max-semi-space-size`, `--max-serializer-nesting`, `--max-shared-heap-size`, `--max-stack-trace-source-length`,
  `--max-valid-polymorphic-map-count`, `--max-wasm-functions`, `--mcpu`, `--min-inlining-frequency`,
  `--min-semi-space-size`, `--minimum-invocations-after-ic-update`, `--minor-gc-task-trigger`,
  `--mock-arraybuffer-allocator-limit`, `--page-promotion-threshold`, `--print-builtin-code-filter`,
  `--print-bytecode-filter`, `--print-opt-code-filter`, `--print-wasm-code-function-index`,
  `--prof-sampling-interval`, `--random-gc-interval`, `--random-seed`, `--redirect-code-traces-to`,
  `--regexp-backtracks-before-fallback`, `--regexp-tier-up-ticks`, `--reserve-inline-budget-scale-factor`,
  `--retain-maps-for-n-gc`, `--semi-space-growth-factor`, `--sim-arm64-optional-features`, `--sparkplug-filter`,
  `--stack-size`, `--stack-trace-limit`, `--startup-blob`, `--startup-src`, `--static-roots-src`, `--stress-marking`,
  `--stress-runs`, `--stress-sampling-allocation-profiler`, `--stress-scavenge`, `--switch-table-min-cases`,
  `--switch-table-spread-threshold`, `--target-arch`, `--target-os`, `--testing-float-flag`, `--testing-int-flag`,
  `--testing-prng-seed`, `--testing-string-flag`, `--ticks-before-optimization`, `--trace-allocation-stack-interval`,
  `--trace-duplicate-threshold-kb`, `--trace-ignition-dispatches-output-file`, `--trace-turbo-cfg-file`,
  `--trace-turbo-file-prefix`, `--trace-turbo-filter`, `--trace-turbo-path`, `--turbo-filter`,
  `--turbo-profiling-input`, `--turbo-profiling-output`, `--turbo-verify-machine-graph`, `--v8-os-page-size`,
  `--wasm-caching-threshold`, `--wasm-debug-mask-for-testing`, `--wasm-disassembly-max-mb`, `--wasm-inlining-budget`,
  `--wasm-inlining-max-size`, `--wasm-loop-peeling-max-size`, `--wasm-max-code-space-size-mb`,
  `--wasm-max-committed-code-mb`, `--wasm-max-initial-code-space-reservation`, `--wasm-max-mem-pages`,
  `--wasm-max-module-size`, `--wasm-max-table-size`, `--wasm-num-compilation-tasks`,
  `--wasm-stack-switching-stack-size`, `--wasm-tier-mask-for-testing`, `--wasm-tier-up-filter`,
  `--wasm-tiering-budget`, `--wasm-trace-native`, `--zone-stats-tolerance`,
]);

/** Whether node reads the word after the option `flag` (spelled with dashes) as its value. */
export function nodeFlagTakesValue(flag: string): boolean {
  if (NODE_EVAL_FLAGS.has(flag) || NODE_MODULE_FLAGS.has(flag) || NODE_VALUE_FLAGS.has(flag) || NODE_OWN_VALUE_FLAGS.has(flag) || V8_VALUE_FLAGS.has(flag))
    return true;
  return /^-[^-]/.test(flag) && V8_VALUE_FLAGS.has(`-${flag.replace(/_/g, `-`)}`);
}

export const NPM_RUN = new Set([`run`, `run-script`, `rum`, `urn`]);
/**
 * A command word of the analysis (`npmscripts:<manager>`) saying that npm or
 * pnpm runs scripts or commands there: what they run finds on its PATH the
 * node_modules/.bin folders npm adds, with every hoisted bin.
 */
export const NPM_SCRIPTS = `npmscripts:`;
/** npm and pnpm commands that run no script and no command, so put no node_modules/.bin on any PATH. */
export const NPM_RUNS_NOTHING: ReadonlySet<string> = new Set([
  `config`, `c`, `get`, `set`, `view`, `v`, `info`, `show`, `ls`, `list`, `ll`, `la`, `bin`, `prefix`, `root`, `whoami`,
  `ping`, `help`, `help-search`, `cache`, `doctor`, `outdated`, `search`, `s`, `se`, `find`, `token`, `owner`, `author`,
  `access`, `team`, `org`, `profile`, `audit`, `fund`, `query`, `pkg`, `sbom`, `completion`, `diff`, `dist-tag`,
  `dist-tags`, `deprecate`, `undeprecate`, `hook`, `login`, `logout`, `adduser`, `add-user`, `star`, `stars`, `unstar`,
  `why`, `explain`, `licenses`, `store`, `docs`, `home`, `bugs`, `repo`,
]);
export const LIFECYCLE_ALIASES: ReadonlyMap<string, ReadonlyArray<string>> = new Map([
  [`start`, [`start`]],
  [`stop`, [`stop`]],
  [`test`, [`test`]],
  [`t`, [`test`]],
  [`tst`, [`test`]],
  // npm runs `restart`, or `stop` then `start` when there is no restart script.
  [`restart`, [`restart`, `stop`, `start`]],
  // `npm version <v>` runs the version lifecycle around its bump.
  [`version`, [`preversion`, `version`, `postversion`]],
]);
export const RUN_ALL_TOOLS = new Set([`run-s`, `run-p`, `npm-run-all`, `npm-run-all2`]);

// What a computed `require('./' + name)` may load from a directory: Node's
// extensions, and files without one (loaded as CommonJS when named exactly).
// TypeScript too: a runner's hook (tsx, ts-node) loads it like JavaScript, and tsconfig `paths` map imports to it.
export const LOADABLE_EXTENSIONS = new Set([...JS_EXTENSIONS, ...NON_CODE_MODULE_EXTENSIONS, ``, `.ts`, `.mts`, `.cts`, `.tsx`, `.jsx`]);

// Subdirectories followed below a computed prefix that ends inside a name (`'./cmd-' + x`).
export const MAX_LISTING_DEPTH = 16;

// Python runs what node-gyp's gyp and build actions name; it is hashed, never analysed.
export const PYTHON = /^python[0-9.]*$/;

export const NODE_SHEBANG = /^#![^\r\n]*\bnode(?:js)?\b/;

export const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

// A `$VAR` / `${VAR}` command word.
export const VARIABLE_WORD = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/;

/**
 * TypeScript and JSX, which runners such as tsx, ts-node, babel-node and jiti
 * run (`tsx scripts/postinstall.ts`): their imports are read like
 * JavaScript's (outside attack round 15, F16); declaration files run nothing.
 */
const TRANSPILED_EXTENSIONS = new Set([`.ts`, `.mts`, `.cts`, `.tsx`, `.jsx`]);

export function isJavaScriptFile(path: string, bytes: Buffer): boolean {
  const extension = extensionOf(path);
  if (JS_EXTENSIONS.has(extension) || (TRANSPILED_EXTENSIONS.has(extension) && !/\.d\.[mc]?ts$/.test(path)))
    return true;

  return NODE_SHEBANG.test(bytes.subarray(0, 512).toString(`latin1`));
}

/**
 * Whether `require` runs the file as JavaScript: Node picks JSON and native
 * addons by the exact extension (`x.JSON` is JavaScript to it: outside
 * attack round 56, C1), and anything else is compiled as JavaScript.
 */
export function isModuleCode(path: string): boolean {
  return !NON_CODE_MODULE_EXTENSIONS.has(posix.extname(path));
}

export interface CommandContext {
  /** Working directory relative to the root after `cd`; null once it left the package. */
  cwd: string | null;
  depth: number;
  /** Where the command comes from, for reports: a script name or a GYP file. */
  origin: string;
  /** Words of the command that the scan could not read (a process started from JavaScript with its words in a variable). */
  wordsUnread?: boolean;
  /**
   * How the code that starts the process writes to the standard input of the
   * processes it starts (`its stdin`, `an input option`): node whose words were
   * not read may then have no program and run what is written there.
   */
  stdinFed?: string;
  /** Variables the script set to a path of the project's folder (`X=$INIT_CWD`). */
  projectVariables?: ReadonlySet<string>;
  /** Variables an earlier command of the same script set to a literal (`T=packages/a; cd $T`). */
  shellVariables?: ReadonlyMap<string, string>;
  /** Read as sh runs it (a shell script file), not as Yarn's shell runs an install script. */
  posix?: boolean;
}

export interface PendingCommand {
  text: string;
  cwd: string;
  origin: string;
}

/** Files of the package that node-gyp adds to binding.gyp's includes without being asked. */
export const NODE_GYP_AUTOMATIC_INCLUDES = [`common.gypi`, `config.gypi`];

/**
 * Manifest fields that describe the package and change between releases but
 * steer nothing at install time on their own; everything else a manifest holds
 * (`config`, `binary`, custom fields…) is data install code may act on.
 */
export const DESCRIPTIVE_FIELDS = new Set([
  `version`, `description`, `keywords`, `homepage`, `bugs`, `license`, `author`, `contributors`, `maintainers`,
  `funding`, `repository`, `readme`, `readmeFilename`, `dependencies`, `devDependencies`, `peerDependencies`,
  `peerDependenciesMeta`, `optionalDependencies`, `bundleDependencies`, `bundledDependencies`, `engines`, `files`,
  `types`, `typings`, `gitHead`, `publishConfig`, `packageManager`, `sideEffects`,
]);

/**
 * What a release's dependencies are: a new version that only moves them is
 * the same code, carried forward (the dependencies are judged on their own).
 */
const DEPENDENCY_FIELDS = new Set([`version`, `dependencies`, `devDependencies`, `peerDependencies`, `peerDependenciesMeta`, `optionalDependencies`, `bundleDependencies`, `bundledDependencies`]);

/** The manifest's data: without the descriptive fields, or with them (`descriptive`) but the version and the dependency lists. */
export function manifestData(manifest: Record<string, unknown>, {descriptive = false}: {descriptive?: boolean} = {}): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(manifest))
    if ((descriptive ? !DEPENDENCY_FIELDS.has(key) : !DESCRIPTIVE_FIELDS.has(key)) && !key.startsWith(`_`))
      Object.defineProperty(data, key, {value: manifest[key], enumerable: true, writable: true, configurable: true});
  return data;
}

/** git settings whose value is a command git runs (an alias with `!`, a helper, a pager, an editor, a filter, a proxy, an external diff…). */
export const GIT_COMMAND_SETTING = /^((?:alias\.[^=]+)|core\.(?:sshcommand|pager|editor|fsmonitor|askpass|hookspath|gitproxy|alternaterefscommand)|diff\.external|credential\.(?:[^=]*\.)?helper|sequence\.editor|gpg(?:\.[^=]+)?\.program|filter\.[^=]+\.(?:clean|smudge|process)|diff\.[^=]+\.(?:textconv|command)|merge\.[^=]+\.driver|remote\.[^=]+\.(?:uploadpack|receivepack)|uploadpack\.packobjectshook|sendemail\.(?:[^=]*\.)?(?:sendmailcmd|smtpserver)|[^=]+\.(?:command|cmd|program|tool|helper))=([\s\S]+)$/i;

/**
 * Every `key = value` setting of a git configuration file, the key as
 * `section[.subsection].name`, read as git reads it (outside attack round 28,
 * M3): a line ending in a backslash continues on the next, a setting may
 * follow its section header on the same line, and a value loses its quotes,
 * its escapes and a `;` or `#` comment outside quotes.
 */
export function gitSettings(text: string): Array<{key: string, value: string}> {
  const settings: Array<{key: string, value: string}> = [];
  let section = ``;
  for (let line of text.replace(/\\\r?\n/g, ``).split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]\s"]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (header !== null) {
      section = header[2] === undefined ? header[1] : `${header[1]}.${header[2].replace(/\\(.)/g, `$1`)}`;
      line = line.slice(header[0].length);
    }
    const entry = /^\s*([A-Za-z][\w-]*)\s*=\s*(.*)$/.exec(line);
    if (entry !== null)
      settings.push({key: `${section}.${entry[1]}`, value: gitValue(entry[2])});
  }
  return settings;
}

/** A git configuration value as git reads it: quotes removed, `\"`, `\\`, `\n`, `\t` undone, a comment and trailing blanks outside quotes dropped. */
function gitValue(raw: string): string {
  let value = ``;
  let quoted = false;
  let pending = ``;
  for (let index = 0; index < raw.length; index++) {
    const char = raw[index];
    if (char === `\\` && index + 1 < raw.length) {
      const next = raw[++index];
      value += pending + (({n: `\n`, t: `\t`, b: `\b`} as Partial<Record<string, string>>)[next] ?? next);
      pending = ``;
    } else if (char === `"`) {
      value += pending;
      pending = ``;
      quoted = !quoted;
    } else if (!quoted && (char === `;` || char === `#`)) {
      break;
    } else if (!quoted && (char === ` ` || char === `\t`)) {
      pending += char;
    } else {
      value += pending + char;
      pending = ``;
    }
  }
  return value;
}

/** The settings of a git configuration file whose value is a command git runs (see GIT_COMMAND_SETTING). */
export function gitCommandSettings(text: string): Array<{key: string, command: string}> {
  return gitSettings(text)
    .filter(({key, value}) => GIT_COMMAND_SETTING.test(`${key}=${value}`))
    .map(({key, value}) => ({key, command: value.replace(/^!/, ``)}));
}

/** The files a git configuration's `[include]` and `[includeIf "…"]` sections name by `path =` (any condition: it may hold). */
export function gitIncludedFiles(text: string): Array<string> {
  return gitSettings(text).filter(({key, value}) => /^include(?:if\..*)?\.path$/i.test(key) && value !== ``).map(({value}) => value);
}

/** npm's and pnpm's settings whose value is a program, a command line (`call`: what a bare `npm exec` runs) or a file they run (`node-gyp=`, `init-module=`…). */
export const NPM_PROGRAM_SETTINGS = /node[-_]gyp|shell|git|editor|browser|viewer|call|init[-_.]module|onload[-_]script|(?:global[-_])?pnpmfile/;

/**
 * What a package's own build writes into its folder on disk (node-gyp's and
 * cmake-js's `build/`, also beside a `binding.gyp` in a subfolder, which
 * `cd native && node-gyp rebuild` builds in; the `.ready` some packages
 * touch): not a file of the archive, and made again by the next build.
 * `paths`: the package's files, where the `binding.gyp` files are found.
 */
/** What gyp writes for a dependency's targets under `build/…/node_modules/<dependency>/`: makefiles, project files, objects and their records. */
const GYP_OUTPUT = /\.(?:mk|o|d|a|obj|lib|pdb|vcxproj|filters|tlog|lastbuildstate|stamp|exp|ilk|iobj|ipdb)$/i;

/**
 * A file in a `node_modules` folder below a package that is no build output.
 * gyp writes makefiles and objects for a dependency's targets under
 * `build/…/node_modules/<dependency>/`, which Node loads for no package name;
 * anything else there may be a copy Node finds before the approved one when
 * code under `build/` requires it: a file right in `node_modules` is loaded
 * for the package name it bears, whatever its extension (`zq.help`), and Node
 * runs a file of an unknown extension as JavaScript (outside attack rounds
 * 46, 69 N2 and 71 D1).
 */
export function isNestedModuleFile(path: string, paths: Iterable<string> = []): boolean {
  if (!isUnderNodeModules(path))
    return false;
  if (!isBuildOutput(path, paths))
    return true;
  const rest = path.slice(path.lastIndexOf(`node_modules/`) + `node_modules/`.length).split(`/`);
  const nameSegments = rest[0].startsWith(`@`) ? 2 : 1;
  return !(rest.length > nameSegments && GYP_OUTPUT.test(path));
}

export function isBuildOutput(path: string, paths: Iterable<string> = []): boolean {
  if (path === `.ready` || path.startsWith(`build/`))
    return true;
  for (const file of paths) {
    if (file.endsWith(`/binding.gyp`) && path.startsWith(`${file.slice(0, -`binding.gyp`.length)}build/`)) {
      return true;
    }
  }
  return false;
}

/** A word-like token of a command or a configuration value: a name a program given it may run. */
export const MENTION_TOKEN = /[A-Za-z0-9_][\w.+-]{0,127}/g;
