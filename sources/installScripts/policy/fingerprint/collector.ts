/**
 * Walks from install commands (or from entry points required by other
 * packages) to every package file they may execute, and reports what leaves
 * the package or cannot be decided statically.
 *
 * Finding "the files a command executes" is necessarily a heuristic. Every
 * heuristic below leans towards including too much rather than too little:
 * an extra file only costs an extra re-approval when it changes, while a
 * missed file is a file an attacker could change silently.
 */

import {posix} from 'path';

import {DIRNAME_MARK, scanCode, type ComputedLoad, type ProcessCall} from './code';
import {readGyp} from './gyp';
import {canonicalJson, directoryOf, extensionOf, hasOwn, hashBytes, isPlainObject, ownString, sortedRecord, sortedUnique, toPackagePath} from './records';
import {ModuleResolver, isBuiltinSpecifier, splitBareSpecifier, type Located, type ManifestField} from './resolver';
import {commandName, globMatches, isOption, looksLikeCommand, splitCommands, type Word} from './shell';
import {INSTALL_EVENTS, type AnalysisEntry, type InstallAnalysis, type InstallEvent, type PackageFiles} from './types';

// Nested `sh -c "…"` / quoted sub-commands deeper than this are not a
// legitimate build setup; refusing is safer than silently not looking inside.
const MAX_COMMAND_DEPTH = 8;

// binding.gyp includes .gypi files, which may include more.
const MAX_GYP_INCLUDE_DEPTH = 8;

// What a command-line word may name: the shell runs the exact file; .js,
// .cjs, .mjs, .sh and index.js cover the usual shorthand of install scripts.
const COMMAND_SUFFIXES = [``, `.js`, `.cjs`, `.mjs`, `.sh`, `/index.js`];

const JS_EXTENSIONS = new Set([`.js`, `.cjs`, `.mjs`]);

// Files that Node loads without evaluating them as JavaScript.
const NON_CODE_MODULE_EXTENSIONS = new Set([`.json`, `.node`]);

// Tools that compile the native addon described by binding.gyp, or that fall
// back to compiling it: binding.gyp decides what they build.
const GYP_TOOLS = new Set([
  `node-gyp`,
  `node-pre-gyp`,
  `node-gyp-build`,
  `node-gyp-build-optional-packages`,
  `prebuild`,
  `prebuild-install`,
]);

// Words that run the rest of the line as a command; the word after them is in
// command position again.
const COMMAND_PREFIXES = new Set([
  `env`, `cross-env`, `cross-env-shell`, `npx`, `pnpx`, `bunx`, `exec`, `nohup`, `time`,
  `command`, `nice`, `sudo`, `xargs`,
]);

// Shell syntax: `{ node x; }` and `if …; then node x; fi` are still commands,
// and the keywords themselves run nothing.
const SHELL_KEYWORDS = new Set([
  `!`, `{`, `}`, `if`, `then`, `else`, `elif`, `fi`, `do`, `done`, `while`, `until`, `for`, `in`, `case`, `esac`,
]);

// Built into sh and into Yarn's shell: they run no program of PATH.
const SHELL_BUILTINS = new Set([
  `cd`, `echo`, `exit`, `true`, `false`, `pwd`, `set`, `unset`, `export`, `:`, `test`, `[`, `[[`, `]]`,
  `shift`, `return`, `printf`, `read`, `wait`, `trap`, `type`, `umask`, `ulimit`, `local`, `eval`, `source`, `.`,
]);

const NPX_TOOLS = new Set([`npx`, `pnpx`, `bunx`]);

// Variables that npm and Yarn set to the Node binary running the install.
const NODE_VARIABLES = new Set([`npm_node_execpath`, `NODE`]);

const SHELLS = new Set([`sh`, `bash`, `dash`, `zsh`, `ksh`]);

const NODE_EVAL_FLAGS = new Set([`-e`, `--eval`, `-p`, `--print`, `-pe`, `-ep`]);
const NODE_MODULE_FLAGS = new Set([`-r`, `--require`, `--import`, `--loader`, `--experimental-loader`]);
const NODE_VALUE_FLAGS = new Set([`-C`, `--conditions`, `--title`, `--env-file`, `--env-file-if-exists`, `--input-type`]);

const NPM_RUN = new Set([`run`, `run-script`, `rum`, `urn`]);
const LIFECYCLE_ALIASES: ReadonlyMap<string, ReadonlyArray<string>> = new Map([
  [`start`, [`start`]],
  [`stop`, [`stop`]],
  [`test`, [`test`]],
  [`t`, [`test`]],
  [`tst`, [`test`]],
  // npm runs `restart`, or `stop` then `start` when there is no restart script.
  [`restart`, [`restart`, `stop`, `start`]],
]);
const RUN_ALL_TOOLS = new Set([`run-s`, `run-p`, `npm-run-all`, `npm-run-all2`]);

// What a computed `require('./' + name)` may load from a directory: Node's
// extensions, and files without one (loaded as CommonJS when named exactly).
const LOADABLE_EXTENSIONS = new Set([...JS_EXTENSIONS, ...NON_CODE_MODULE_EXTENSIONS, ``]);

// Subdirectories followed below a computed prefix that ends inside a name (`'./cmd-' + x`).
const MAX_LISTING_DEPTH = 16;

// Python runs what node-gyp's gyp and build actions name; it is hashed, never analysed.
const PYTHON = /^python[0-9.]*$/;

const NODE_SHEBANG = /^#![^\r\n]*\bnode(?:js)?\b/;

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

// A `$VAR` / `${VAR}` command word.
const VARIABLE_WORD = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/;

function isJavaScriptFile(path: string, bytes: Buffer): boolean {
  if (JS_EXTENSIONS.has(extensionOf(path)))
    return true;

  return NODE_SHEBANG.test(bytes.subarray(0, 512).toString(`latin1`));
}

function isModuleCode(path: string): boolean {
  return !NON_CODE_MODULE_EXTENSIONS.has(extensionOf(path));
}

interface CommandContext {
  /** Working directory relative to the root after `cd`; null once it left the package. */
  cwd: string | null;
  depth: number;
  /** Where the command comes from, for reports: a script name or a GYP file. */
  origin: string;
}

interface PendingCommand {
  text: string;
  cwd: string;
  origin: string;
}

/** Files of the package that node-gyp adds to binding.gyp's includes without being asked. */
const NODE_GYP_AUTOMATIC_INCLUDES = [`common.gypi`, `config.gypi`];

/**
 * Manifest fields that describe the package and change between releases but
 * steer nothing at install time on their own; everything else a manifest holds
 * (`config`, `binary`, custom fields…) is data install code may act on.
 */
const DESCRIPTIVE_FIELDS = new Set([
  `version`, `description`, `keywords`, `homepage`, `bugs`, `license`, `author`, `contributors`, `maintainers`,
  `funding`, `repository`, `readme`, `readmeFilename`, `dependencies`, `devDependencies`, `peerDependencies`,
  `peerDependenciesMeta`, `optionalDependencies`, `bundleDependencies`, `bundledDependencies`, `engines`, `files`,
  `types`, `typings`, `gitHead`, `publishConfig`, `packageManager`, `sideEffects`,
]);

function manifestData(manifest: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(manifest))
    if (!DESCRIPTIVE_FIELDS.has(key) && !key.startsWith(`_`))
      Object.defineProperty(data, key, {value: manifest[key], enumerable: true, writable: true, configurable: true});
  return data;
}

export interface CollectorInput {
  manifestScripts: Record<string, string>;
  manifest: Record<string, unknown>;
  files: PackageFiles;
  maxFiles: number;
  maxBytes: number;
  maxLookups: number;
}

export class InstallCollector {
  private readonly scripts = new Map<string, string>();
  private readonly files = new Map<string, string>();
  /** `package.json#<field>` -> hash of the consulted root manifest field. */
  private readonly fields = new Map<string, string>();
  private readonly lookups = new Map<string, Buffer | null>();
  private readonly pendingCommands: Array<PendingCommand> = [];
  private readonly pendingCode: Array<Located> = [];
  private readonly parsed = new Set<string>();
  private readonly gypFiles = new Set<string>();
  private readonly modules = new Set<string>();
  private readonly packageRoots = new Set<string>();
  private listedEntries = 0;
  /** `<directory>/<name prefix>` of the computed requires already included, and those whose directory is absent. */
  private readonly listedPrefixes = new Set<string>();
  private readonly missingDirectories = new Set<string>();
  private readonly commands = new Set<string>();
  private readonly unresolved = new Set<string>();
  private readonly resolver: ModuleResolver;
  private readonly manifestScripts: Record<string, string>;
  private readonly manifest: Record<string, unknown>;
  private totalBytes = 0;
  private wantsBindingGyp = false;
  private wantsCmakeLists = false;

  constructor(private readonly input: CollectorInput) {
    this.manifestScripts = input.manifestScripts;
    this.manifest = input.manifest;
    this.resolver = new ModuleResolver({
      lookup: path => this.lookup(path),
      consultRootField: field => this.consultRootField(field),
      rootName: () => ownString(this.manifest, `name`),
      nestedManifest: (path, bytes) => this.nestedManifest(path, bytes),
      reportModule: specifier => {
        this.modules.add(specifier);
        const bare = splitBareSpecifier(specifier);
        if (bare !== null && bare.subpath === `./package.json`)
          this.packageRoots.add(bare.name);
      },
      reportProblem: line => {
        this.unresolved.add(line);
      },
    });
  }

  analyseInstall(commands: Partial<Record<InstallEvent, string>>): InstallAnalysis {
    for (const event of INSTALL_EVENTS) {
      if (!hasOwn(commands, event))
        continue;

      const command: unknown = commands[event];
      if (command === undefined)
        continue;
      if (typeof command !== `string`)
        throw new TypeError(`Install fingerprint: the ${event} command must be a string`);

      this.scripts.set(event, command);
      this.pendingCommands.push({text: command, cwd: ``, origin: event});
    }

    this.drain();
    return this.result();
  }

  analyseEntries(entries: ReadonlyArray<AnalysisEntry>): InstallAnalysis {
    for (const entry of entries) {
      if (entry.kind === `module`) {
        this.moduleEntry(entry.specifier);
      } else if (entry.kind === `file`) {
        this.fileEntry(entry.path);
      } else {
        throw new TypeError(`Install fingerprint: unknown entry kind ${JSON.stringify((entry as {kind: unknown}).kind)}`);
      }
    }

    this.drain();
    return this.result();
  }

  private moduleEntry(specifier: string): void {
    const origin = `entry ${specifier}`;
    if (specifier !== `.` && !specifier.startsWith(`./`)) {
      this.unresolved.add(`${origin}: not a subpath of the package (expected . or ./…)`);
      return;
    }
    const found = this.resolver.ownExport(specifier, origin);
    if (found.length === 0)
      this.unresolved.add(`${origin}: resolves to no file of the package`);
    for (const file of found) {
      this.include(file.path, file.bytes, isModuleCode(file.path));
    }
  }

  private fileEntry(reference: string): void {
    const path = toPackagePath(``, reference);
    const bytes = path === null || path === `` ? null : this.lookup(path);
    if (path === null || bytes === null) {
      this.unresolved.add(`${reference}: not a file of the package`);
      return;
    }
    this.executable(path, bytes);
  }

  /** A file run as a program: JavaScript is followed; anything else is hashed and reported. */
  private executable(path: string, bytes: Buffer): void {
    const javaScript = isJavaScriptFile(path, bytes);
    this.include(path, bytes, javaScript);
    if (!javaScript) {
      this.unresolved.add(`${path}: executable that is not JavaScript, hashed but not analysed`);
    }
  }

  /**
   * Commands reach scripts, scripts reach files, files reach files, node-gyp
   * reaches binding.gyp and the commands it expands; the queues drain until
   * nothing new turns up. Sets of seen scripts, parsed files and GYP files
   * keep cycles finite.
   */
  private drain(): void {
    for (;;) {
      const command = this.pendingCommands.shift();
      if (command !== undefined) {
        this.analyseCommand(command.text, {cwd: command.cwd, depth: 0, origin: command.origin});
        continue;
      }

      const code = this.pendingCode.shift();
      if (code !== undefined) {
        this.scanText(code.bytes.toString(`utf8`), directoryOf(code.path), code.path);
        continue;
      }

      if (this.wantsBindingGyp && !this.gypFiles.has(`binding.gyp`)) {
        this.gyp(`binding.gyp`, 0, null);
        // node-gyp loads these of the package by itself, as if binding.gyp included them.
        for (const automatic of NODE_GYP_AUTOMATIC_INCLUDES)
          if (!this.gypFiles.has(automatic) && this.lookup(automatic) !== null)
            this.gyp(automatic, 1, null);
        continue;
      }

      break;
    }

    if (this.wantsCmakeLists) {
      this.includeIfPresent(`CMakeLists.txt`);
    }
  }

  private result(): InstallAnalysis {
    return {
      fingerprint: {
        scripts: sortedRecord(this.scripts),
        files: sortedRecord([...this.files, ...this.fields]),
      },
      modules: sortedUnique(this.modules),
      packageRoots: sortedUnique(this.packageRoots),
      commands: sortedUnique(this.commands),
      unresolved: sortedUnique(this.unresolved),
    };
  }

  private lookup(path: string): Buffer | null {
    const cached = this.lookups.get(path);
    if (cached !== undefined)
      return cached;

    if (this.lookups.size >= this.input.maxLookups)
      throw new Error(`Install fingerprint aborted: more than ${this.input.maxLookups} file lookups (limit maxLookups)`);

    const bytes = this.input.files.read(path);
    const result = bytes === null || bytes === undefined ? null : bytes;
    this.lookups.set(path, result);
    return result;
  }

  /** A root manifest field that decided resolution; recorded even when absent, since adding it later changes what runs. */
  private consultRootField(field: ManifestField): unknown {
    const value = hasOwn(this.manifest, field) ? this.manifest[field] : undefined;
    this.fields.set(`package.json#${field}`, hashBytes(canonicalJson(value)));
    return value;
  }

  private nestedManifest(path: string, bytes: Buffer): Record<string, unknown> | null {
    this.include(path, bytes, false);
    let manifest: unknown;
    try {
      manifest = JSON.parse(bytes.toString(`utf8`).replace(/^\uFEFF/, ``));
    } catch (error) {
      if (!(error instanceof SyntaxError))
        throw error;
      this.unresolved.add(`${path}: not valid JSON, so Node cannot resolve through it`);
      return null;
    }
    if (!isPlainObject(manifest)) {
      this.unresolved.add(`${path}: not a JSON object, so Node cannot resolve through it`);
      return null;
    }
    return manifest;
  }

  private firstExisting(path: string, suffixes: ReadonlyArray<string>): Located | null {
    for (const suffix of suffixes) {
      const candidate = path + suffix;
      const bytes = this.lookup(candidate);
      if (bytes !== null) {
        return {path: candidate, bytes};
      }
    }
    return null;
  }

  private include(path: string, bytes: Buffer, parseAsCode: boolean): void {
    // The package's own manifest differs in every release (its version); the
    // parts of it that decide what runs are recorded on their own: the
    // scripts, and the `package.json#…` fields that resolution consulted.
    if (path === `package.json`) {
      // Install code that loads its own manifest can be steered by any of it
      // (`execSync(require('./package.json').config.fetch)`): record its data,
      // leaving out what changes with every release and runs nothing.
      this.fields.set(`package.json#data`, hashBytes(canonicalJson(manifestData(this.manifest))));
      return;
    }
    if (path.startsWith(`package.json#`))
      throw new Error(`Install fingerprint aborted: the file ${path} would be confused with a package.json field in the fingerprint`);

    if (!this.files.has(path)) {
      if (this.files.size + 1 > this.input.maxFiles)
        throw new Error(`Install fingerprint aborted: more than ${this.input.maxFiles} files referenced (limit maxFiles)`);
      if (this.totalBytes + bytes.length > this.input.maxBytes)
        throw new Error(`Install fingerprint aborted: referenced files exceed ${this.input.maxBytes} bytes (limit maxBytes)`);

      this.totalBytes += bytes.length;
      this.files.set(path, hashBytes(bytes));
    }

    if (parseAsCode && !this.parsed.has(path)) {
      this.parsed.add(path);
      // Whether a .js file is CommonJS or ESM changes what the same bytes do.
      this.resolver.consultType(path);
      this.pendingCode.push({path, bytes});
    }
  }

  private includeIfPresent(path: string): void {
    const bytes = this.lookup(path);
    if (bytes !== null) {
      this.include(path, bytes, false);
    }
  }

  /** A GYP file: hashed, its includes followed, its command expansions and actions analysed like scripts. */
  private gyp(path: string, depth: number, includedFrom: string | null): void {
    if (this.gypFiles.has(path))
      return;
    this.gypFiles.add(path);

    if (depth > MAX_GYP_INCLUDE_DEPTH) {
      this.unresolved.add(`${includedFrom}: includes nested more than ${MAX_GYP_INCLUDE_DEPTH} levels deep, ${path} is not followed`);
      return;
    }

    const bytes = this.lookup(path);
    if (bytes === null) {
      if (includedFrom !== null)
        this.unresolved.add(`${includedFrom}: includes ${path}, which is not in the package`);
      return;
    }
    this.include(path, bytes, false);
    if (path === `binding.gyp`)
      this.unresolved.add(`binding.gyp: read by node-gyp's own gyp, Python code that is not analysed`);

    const gyp = readGyp(bytes.toString(`utf8`));
    if (gyp.parseError !== undefined)
      this.unresolved.add(`${path}: could not parse ${posix.basename(path)} (${gyp.parseError}); its includes are not followed`);
    for (const problem of gyp.problems)
      this.unresolved.add(`${path}: ${problem}`);

    const cwd = directoryOf(path);
    for (const text of gyp.shellCommands)
      this.pendingCommands.push({text, cwd, origin: path});
    for (const argv of gyp.argvs)
      this.analyseWords(argv.map(text => ({text, quoted: true})), 0, {cwd, depth: 0, origin: path});

    for (const include of gyp.includes) {
      const target = toPackagePath(cwd, include);
      if (target === null || target === ``) {
        this.unresolved.add(`${path}: includes ${include}, outside the package`);
      } else {
        this.gyp(target, depth + 1, path);
      }
    }
  }

  private followScript(name: string, withHooks: boolean): void {
    if (ownString(this.manifestScripts, name) === undefined)
      return;

    // npm and pnpm run pre<name>/post<name> around a script; Yarn 4 does not.
    const names = withHooks ? [`pre${name}`, name, `post${name}`] : [name];
    for (const scriptName of names) {
      const command = ownString(this.manifestScripts, scriptName);
      if (command === undefined)
        continue;

      const known = this.scripts.get(scriptName);
      if (known !== undefined) {
        // An install event that the caller described differently from the
        // manifest would make the record ambiguous; refuse rather than guess.
        if (known !== command)
          throw new Error(`Install fingerprint aborted: script "${scriptName}" differs from the ${scriptName} command being fingerprinted`);
        continue;
      }

      this.scripts.set(scriptName, command);
      this.pendingCommands.push({text: command, cwd: ``, origin: scriptName});
    }
  }

  private followScriptPattern(pattern: string): void {
    if (!pattern.includes(`*`)) {
      this.followScript(pattern, true);
      return;
    }

    for (const name of Object.keys(this.manifestScripts)) {
      if (globMatches(pattern, name)) {
        this.followScript(name, true);
      }
    }
  }

  private analyseCommand(text: string, context: CommandContext): void {
    if (context.depth > MAX_COMMAND_DEPTH)
      throw new Error(`Install fingerprint aborted: commands nested more than ${MAX_COMMAND_DEPTH} levels deep`);

    // `cd` in one simple command applies to the following ones of the same text.
    const shared: CommandContext = {...context};
    for (const words of splitCommands(text)) {
      this.analyseWords(words, 0, shared);
    }
  }

  private nested(text: string, context: CommandContext): void {
    this.analyseCommand(text, {...context, depth: context.depth + 1});
  }

  /** Words from `start` form a simple command: skip assignments and prefixes, then dispatch on the command word. */
  private analyseWords(words: Array<Word>, start: number, context: CommandContext): void {
    let index = start;
    for (;;) {
      while (index < words.length && ENV_ASSIGNMENT.test(words[index].text)) {
        this.assignment(words[index].text, context);
        index++;
      }
      if (index >= words.length)
        return;

      const word = words[index].text;
      const name = commandName(word);
      if (word.includes(`/`) || !(COMMAND_PREFIXES.has(name) || SHELL_KEYWORDS.has(name)))
        break;

      if (COMMAND_PREFIXES.has(name))
        this.commands.add(name);

      index++;
      while (index < words.length && isOption(words[index].text)) {
        const option = words[index].text;
        if (NPX_TOOLS.has(name) && (option === `-p` || option === `--package` || option.startsWith(`--package=`))) {
          const pkg = option.includes(`=`) ? option.slice(option.indexOf(`=`) + 1) : words[++index]?.text;
          this.unresolved.add(`${context.origin}: ${name} installs ${pkg ?? `a package`} when the project does not have it, and runs it`);
        } else {
          this.optionValue(option, context);
        }
        index++;
      }

      if (NPX_TOOLS.has(name) && index < words.length && words[index].text.lastIndexOf(`@`) > 0) {
        this.unresolved.add(`${context.origin}: ${name} runs ${words[index].text}, a version it may download instead of the project's`);
      } else if (NPX_TOOLS.has(name) && index < words.length && !words[index].text.includes(`/`)) {
        // Whether npx finds the tool among the project's bins or downloads it is
        // for the caller, who knows the PATH: reported as `npx:<tool>`.
        this.commands.add(`${name}:${commandName(words[index].text)}`);
      }
    }

    this.commandAt(words, index, context);
  }

  private commandAt(words: Array<Word>, index: number, context: CommandContext): void {
    const word = words[index];
    let name = commandName(word.text);
    const rest = index + 1;

    const variable = VARIABLE_WORD.exec(word.text)?.[1];
    if (variable !== undefined && NODE_VARIABLES.has(variable)) {
      name = `node`;
      this.commands.add(name);
    } else if (word.text.includes(`$`)) {
      this.unresolved.add(`${context.origin}: runs ${word.text}, a command decided at run time`);
    } else if (word.text.includes(`/`) || word.text.includes(`\\`)) {
      // A word with a slash (`./configure`, `bin/setup`) names a file, not a program of PATH.
      const found = this.candidate(word.text, context, false);
      if (found === null) {
        this.unresolved.add(`${context.origin}: runs ${word.text}, which is not a file of the package`);
      } else if (!isJavaScriptFile(found.path, found.bytes)) {
        this.unresolved.add(`${found.path}: executable that is not JavaScript, hashed but not analysed`);
      }
    } else if (!SHELL_KEYWORDS.has(name) && !SHELL_BUILTINS.has(name)) {
      this.commands.add(name);
    }

    if (PYTHON.test(name)) {
      const shown = words.slice(index, index + 4).map(argument => argument.text).join(` `);
      this.unresolved.add(`${context.origin}: runs Python (${shown}${words.length > index + 4 ? ` …` : ``}), which is not analysed; the files it names are hashed`);
    }

    if (GYP_TOOLS.has(name))
      this.wantsBindingGyp = true;
    if (name === `cmake-js`)
      this.wantsCmakeLists = true;

    if (looksLikeCommand(word))
      this.nested(word.text, context);

    if (name === `cd`) {
      this.changeDirectory(words[rest]?.text, context);
    } else if (name === `node` || name === `nodejs`) {
      this.nodeArguments(words, rest, context);
    } else if (SHELLS.has(name)) {
      this.shellArguments(words, rest, context);
    } else if (name === `source` || name === `.`) {
      this.shellScript(words, rest, context);
    } else if (name === `eval`) {
      this.nested(words.slice(rest).map(argument => argument.text).join(` `), context);
    } else if (name === `npm` || name === `pnpm` || name === `yarn`) {
      this.packageManagerArguments(name, words, rest, context);
    } else if (RUN_ALL_TOOLS.has(name)) {
      for (let i = rest; i < words.length; i++) {
        if (!isOption(words[i].text)) {
          this.followScriptPattern(words[i].text);
        }
      }
    } else {
      this.plainArguments(words, rest, context);
    }
  }

  private changeDirectory(target: string | undefined, context: CommandContext): void {
    // `cd` alone, `cd -` or a directory outside the root: whatever runs next
    // is not resolved inside the package any more.
    if (target === undefined || context.cwd === null) {
      context.cwd = null;
    } else {
      context.cwd = toPackagePath(context.cwd, target);
    }
    if (context.cwd === null) {
      this.unresolved.add(`${context.origin}: ${target === undefined ? `cd` : `cd ${target}`} leaves the package; later paths are looked up from its root`);
    }
  }

  private plainArguments(words: Array<Word>, start: number, context: CommandContext): void {
    for (let i = start; i < words.length; i++) {
      this.argument(words[i], context, false);
    }
  }

  private argument(word: Word, context: CommandContext, asCode: boolean): Located | null {
    const text = word.text;
    if (GYP_TOOLS.has(commandName(text)))
      this.wantsBindingGyp = true;

    let found: Located | null = null;
    if (ENV_ASSIGNMENT.test(text)) {
      this.assignment(text, context);
    } else if (isOption(text)) {
      this.optionValue(text, context);
    } else {
      found = this.candidate(text, context, asCode);
    }

    if (looksLikeCommand(word))
      this.nested(text, context);

    return found;
  }

  /** `FOO=bar` is not a file, but its value may be: `NODE_OPTIONS="--require ./hook.js"` runs hook.js. */
  private assignment(text: string, context: CommandContext): void {
    const value = text.slice(text.indexOf(`=`) + 1);
    const pieces = value.split(/\s+/).filter(piece => piece.length > 0);
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (NODE_MODULE_FLAGS.has(piece) && i + 1 < pieces.length) {
        this.preloadedModule(pieces[++i], context);
      } else if (isOption(piece)) {
        this.optionValue(piece, context);
      } else {
        this.candidate(piece, context, false);
      }
    }
  }

  /** `--config=./x.js` may name a file; `--flag` does not. */
  private optionValue(text: string, context: CommandContext): void {
    const equals = text.indexOf(`=`);
    if (equals === -1)
      return;
    if (NODE_MODULE_FLAGS.has(text.slice(0, equals))) {
      this.preloadedModule(text.slice(equals + 1), context);
    } else {
      this.candidate(text.slice(equals + 1), context, false);
    }
  }

  /** `node -r x` / `--import x`: Node resolves x like a require, so a bare x is another package's module. */
  private preloadedModule(value: string, context: CommandContext): void {
    this.candidate(value, context, true);
    if (!/^[./\\]/.test(value) && !isBuiltinSpecifier(value) && splitBareSpecifier(value) !== null) {
      this.modules.add(value);
    }
  }

  private nodeArguments(words: Array<Word>, start: number, context: CommandContext): void {
    let scriptSeen = false;
    for (let i = start; i < words.length; i++) {
      const text = words[i].text;

      if (scriptSeen || !isOption(text)) {
        // The first non-option word is the entry point, run as JavaScript
        // whatever its extension; later words are the script's own arguments.
        const found = this.argument(words[i], context, !scriptSeen);
        if (!scriptSeen && found === null)
          this.unresolved.add(`${context.origin}: node runs ${text}, which is not a file of the package`);
        scriptSeen = true;
        continue;
      }

      if (text === `--`)
        continue;

      const equals = text.indexOf(`=`);
      const flag = equals === -1 ? text : text.slice(0, equals);
      const takesValue = NODE_EVAL_FLAGS.has(flag) || NODE_MODULE_FLAGS.has(flag) || NODE_VALUE_FLAGS.has(flag);
      const value = !takesValue ? undefined : equals !== -1 ? text.slice(equals + 1) : words[++i]?.text;

      if (value === undefined) {
        this.optionValue(text, context);
      } else if (NODE_EVAL_FLAGS.has(flag)) {
        // The code itself is part of the recorded command; what it loads is followed.
        this.scanText(value, context.cwd ?? ``, context.origin);
        scriptSeen = true;
      } else if (NODE_MODULE_FLAGS.has(flag)) {
        this.preloadedModule(value, context);
      } else {
        this.candidate(value, context, false);
      }
    }
  }

  private shellArguments(words: Array<Word>, start: number, context: CommandContext): void {
    for (let i = start; i < words.length; i++) {
      const text = words[i].text;
      // `-c`, `-ec`, `-lc`: the next word is shell code.
      if (/^-[A-Za-z]*c[A-Za-z]*$/.test(text) && i + 1 < words.length) {
        this.nested(words[++i].text, context);
        return;
      }
      if (!isOption(text)) {
        this.shellScript(words, i, context);
        return;
      }
      this.optionValue(text, context);
    }
  }

  /** `sh x.sh args`, `. ./env.sh`: the script is hashed, not parsed; its arguments may still name files. */
  private shellScript(words: Array<Word>, index: number, context: CommandContext): void {
    if (index >= words.length)
      return;
    const script = words[index];
    const found = this.argument(script, context, false);
    if (found === null) {
      this.unresolved.add(`${context.origin}: runs the shell script ${script.text}, which is not a file of the package`);
    } else if (!isJavaScriptFile(found.path, found.bytes)) {
      this.unresolved.add(`${found.path}: shell script, hashed but not analysed`);
    }
    this.plainArguments(words, index + 1, context);
  }

  private packageManagerArguments(manager: `npm` | `pnpm` | `yarn`, words: Array<Word>, start: number, context: CommandContext): void {
    let sub = start;
    while (sub < words.length && isOption(words[sub].text))
      sub++;
    if (sub >= words.length)
      return;

    const subcommand = words[sub].text;
    const withHooks = manager !== `yarn`;

    const nextOperand = (from: number): number => {
      let i = from;
      while (i < words.length && isOption(words[i].text))
        i++;
      return i;
    };

    if (NPM_RUN.has(subcommand) && (manager === `npm` || subcommand === `run` || subcommand === `run-script`)) {
      const target = nextOperand(sub + 1);
      if (target >= words.length)
        return;

      const name = words[target].text;
      if (ownString(this.manifestScripts, name) !== undefined) {
        this.followScript(name, withHooks);
        this.plainArguments(words, target + 1, context);
      } else if (manager !== `npm`) {
        // `yarn run X` / `pnpm run X` fall back to a binary called X.
        this.analyseWords(words, target, context);
      }
      return;
    }

    const lifecycle = LIFECYCLE_ALIASES.get(subcommand);
    if (lifecycle !== undefined && manager !== `yarn`) {
      for (const name of lifecycle)
        this.followScript(name, withHooks);
      this.plainArguments(words, sub + 1, context);
      return;
    }

    if (subcommand === `exec` || subcommand === `x` || subcommand === `dlx`) {
      let target = sub + 1;
      while (target < words.length && isOption(words[target].text)) {
        const flag = words[target].text;
        // `npm exec -c 'cmd'` / `--call 'cmd'`
        if ((flag === `-c` || flag === `--call`) && target + 1 < words.length)
          this.nested(words[++target].text, context);
        if ((flag === `-p` || flag === `--package`) && target + 1 < words.length)
          this.unresolved.add(`${context.origin}: ${manager} ${subcommand} installs ${words[++target].text} when the project does not have it, and runs it`);
        target++;
      }
      if (target < words.length) {
        if (subcommand === `dlx`)
          this.unresolved.add(`${context.origin}: ${manager} dlx downloads and runs ${words[target].text}, outside the project's dependencies`);
        this.analyseWords(words, target, context);
      }
      return;
    }

    if (manager === `npm`) {
      this.plainArguments(words, sub + 1, context);
      return;
    }

    // `yarn X` / `pnpm X`: a script called X if there is one, otherwise a
    // command or binary (`yarn node x.js`, `yarn node-gyp rebuild`).
    if (ownString(this.manifestScripts, subcommand) !== undefined) {
      this.followScript(subcommand, withHooks);
      this.plainArguments(words, sub + 1, context);
    } else {
      this.analyseWords(words, sub, context);
    }
  }

  /**
   * A word of a command that may name a package file. It resolves from the
   * current directory; the root is a fallback for when `cd` went somewhere
   * this analysis cannot follow (or resolved nothing). An entry point of
   * node (`asCode`) resolves the way node resolves it: extensions, then the
   * directory's package.json main, then its index.
   */
  private candidate(text: string, context: CommandContext, asCode: boolean): Located | null {
    const bases = context.cwd === null || context.cwd === `` ? [``] : [context.cwd, ``];
    for (const base of bases) {
      const path = toPackagePath(base, text);
      // Only an entry point may stand for the root directory (`node .`);
      // otherwise `.` in `cp -r . dist` would drag index.js in.
      if (path === null || (path === `` && !asCode))
        continue;

      const found = asCode ? this.resolver.entryPoint(path) : this.firstExisting(path, COMMAND_SUFFIXES);
      if (found !== null) {
        this.include(found.path, found.bytes, asCode || isJavaScriptFile(found.path, found.bytes));
        return found;
      }
    }
    return null;
  }

  /** A relative string used as a path (`fork('./child')`): relative to the file, or to the root (the working directory of install scripts). */
  private pathReference(directory: string, reference: string): void {
    // The root is only a fallback: trying it as well would drag in an
    // unrelated root file whenever `./x` exists both beside the file and at the root.
    const found = this.pathFrom(directory, reference) ?? (directory === `` ? null : this.pathFrom(``, reference));
    if (found !== null) {
      this.include(found.path, found.bytes, isJavaScriptFile(found.path, found.bytes));
    }
  }

  private pathFrom(directory: string, reference: string): Located | null {
    const path = toPackagePath(directory, reference);
    return path === null ? null : this.resolver.entryPoint(path);
  }

  /** Best-effort scan of JavaScript text: `directory` is where its references resolve from, `origin` names it in reports. */
  private scanText(code: string, directory: string, origin: string): void {
    const references = scanCode(code);

    for (const specifier of references.specifiers) {
      for (const found of this.resolver.specifier(directory, specifier, origin)) {
        this.include(found.path, found.bytes, isModuleCode(found.path));
      }
    }

    for (const path of references.paths)
      this.pathReference(directory, path);

    // Paths built from __dirname are relative to the file only; a leading slash there is a separator, not the filesystem root.
    for (const tail of references.dirnamePaths) {
      const found = this.pathFrom(directory, `./${tail.replace(/^[/\\]+/, ``)}`);
      if (found !== null) {
        this.include(found.path, found.bytes, isJavaScriptFile(found.path, found.bytes));
      }
    }

    for (const load of references.computed)
      this.computedLoad(load, directory, origin);

    for (const call of references.processCalls)
      this.processCall(call, directory, origin);
  }

  /**
   * `require('./' + name)` and its kin: every file the computed name may
   * pick in the directory the literal prefix names is included, so that a
   * release changing one of them is a new fingerprint. When the prefix ends
   * with a separator (`'./lib/' + x`), that is the files directly in the
   * directory and what each subdirectory resolves to as a module (its
   * package.json main or index); when it ends inside a name
   * (`'./cmd-' + x`), it is the files of the directory whose name starts
   * with it, and every file below its subdirectories whose name does. A
   * computed part that climbs (`'./' + '../x'`) or reaches deeper is not
   * followed: the load stays named among the limits either way.
   */
  private computedLoad(load: ComputedLoad, directory: string, origin: string): void {
    const limit = `${origin}: ${load.kind}() with a computed argument`;
    const list = this.input.files.list;
    if (load.prefix === null || list === undefined) {
      this.unresolved.add(limit);
      return;
    }

    const endsAtSeparator = load.prefix.endsWith(`/`) || /(?:^|\/)\.\.?$/.test(load.prefix);
    const full = toPackagePath(directory, load.prefix);
    if (full === null) {
      this.unresolved.add(`${limit}, outside the package`);
      return;
    }
    const base = endsAtSeparator ? full : directoryOf(full);
    const namePrefix = endsAtSeparator ? `` : posix.basename(full);
    const shown = base === `` ? `the package root` : `${base}/`;

    const key = `${base}/${namePrefix}`;
    if (!this.listedPrefixes.has(key)) {
      this.listedPrefixes.add(key);
      const entries = this.listDirectory(base);
      if (entries === null)
        this.missingDirectories.add(key);
      else
        this.includeListed(base, entries, namePrefix, 0);
    }
    if (this.missingDirectories.has(key)) {
      this.unresolved.add(`${limit}: ${shown} is not a directory of the package`);
      return;
    }
    this.unresolved.add(namePrefix === ``
      ? `${limit}: every file of ${shown} is included`
      : `${limit}: every file of ${shown} whose name starts with ${namePrefix} is included, below such subdirectories too`);
  }

  private listDirectory(directory: string): Array<string> | null {
    const entries = this.input.files.list!(directory);
    if (entries === null || entries === undefined)
      return null;
    // Every listed entry counts as a lookup: a directory of a million files is refused, not walked.
    this.listedEntries += entries.length + 1;
    if (this.lookups.size + this.listedEntries > this.input.maxLookups)
      throw new Error(`Install fingerprint aborted: more than ${this.input.maxLookups} file lookups (limit maxLookups)`);
    return entries;
  }

  /** Below the first level (`depth` > 0), every loadable file of every subdirectory is included. */
  private includeListed(directory: string, entries: ReadonlyArray<string>, namePrefix: string, depth: number): void {
    const whole = depth > 0;
    for (const entry of [...entries].sort()) {
      const isDirectory = entry.endsWith(`/`);
      const name = isDirectory ? entry.slice(0, -1) : entry;
      if (name === `` || name === `.` || name === `..` || name.includes(`/`) || !name.startsWith(namePrefix))
        continue;
      const path = directory === `` ? name : `${directory}/${name}`;

      if (!isDirectory) {
        if (!LOADABLE_EXTENSIONS.has(extensionOf(name)))
          continue;
        const bytes = this.lookup(path);
        if (bytes !== null)
          this.include(path, bytes, isModuleCode(path));
      } else if (namePrefix !== `` || whole) {
        if (depth + 1 > MAX_LISTING_DEPTH)
          throw new Error(`Install fingerprint aborted: ${path} is nested more than ${MAX_LISTING_DEPTH} directories below a computed require`);
        const below = this.listDirectory(path);
        if (below !== null)
          this.includeListed(path, below, ``, depth + 1);
      } else {
        const found = this.resolver.entryPoint(path);
        if (found !== null)
          this.include(found.path, found.bytes, isModuleCode(found.path));
      }
    }
  }

  /** A child_process call: what it runs is analysed like an install command, from the package root (the working directory of install scripts). */
  private processCall(call: ProcessCall, directory: string, origin: string): void {
    if (call.command === null) {
      this.unresolved.add(call.method === `fork` ? `${origin}: forks a module chosen at run time` : `${origin}: spawns a command built at run time`);
      return;
    }

    const here = directory === `` ? `.` : `./${directory}`;
    const text = (value: string) => value.split(DIRNAME_MARK).join(here);
    const context: CommandContext = {cwd: ``, depth: 0, origin};
    if (call.computedArgs)
      this.unresolved.add(`${origin}: ${call.method}(${JSON.stringify(text(call.command))}, …) with arguments built at run time`);

    if (call.shell) {
      this.analyseCommand(text(call.command), context);
      return;
    }

    const argv = [...(call.method === `fork` ? [`node`] : []), text(call.command), ...call.args.map(text)];
    if (/\s/.test(argv[0])) {
      // `spawn('node-gyp rebuild', {shell: true})`: a whole command line.
      this.analyseCommand(argv.join(` `), context);
      return;
    }
    this.analyseWords(argv.map(word => ({text: word, quoted: true})), 0, context);
  }
}
