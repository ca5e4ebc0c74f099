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

import {canonicalJson, directoryOf, hasOwn, hashBytes, isPlainObject, ownString, sortedRecord, sortedUnique, toPackagePath} from './records';
import {ModuleResolver, isUnderNodeModules, splitBareSpecifier, type Located, type ManifestField} from './resolver';
import {globMatches, type Word} from './shell';
import {isShellText, nodeModulesReferences, textReadings} from './textReadings';
import {hasGlob, nameSegments} from './shellExpansion';
import {CodeFollowing} from './codeFollowing';
import {GypFollowing} from './gypFollowing';
import {CommandAnalysis} from './commands';
import type {CollectorHost} from './host';
import {INSTALL_EVENTS, type AnalysisEntry, type InstallAnalysis, type InstallEvent, type PackageFiles} from './types';
import {type CommandContext, gitCommandSettings, isBuildOutput, MAX_COMMAND_DEPTH, MAX_LISTING_DEPTH, type PendingCommand, isJavaScriptFile, isModuleCode, MENTION_TOKEN} from './tables';
import {manifestData} from './tables';
import {classPathOutside, jarManifestText} from './jarManifest';
import {PACKAGE_MANAGER_CONFIG} from '../ancestorConfig';
import {ANY_PROGRAM, placesOutside, toolReading, tsconfigPlacesOutside, workingFolderParent} from '../toolConfiguration';

export interface CollectorInput {
  manifestScripts: Record<string, string>;
  manifest: Record<string, unknown>;
  files: PackageFiles;
  maxFiles: number;
  maxBytes: number;
  maxLookups: number;
  /**
   * Bind every file of the package, not only those the scan follows: the
   * default for a dependency whose code runs at install time, so that code
   * the scan cannot see loading another file still runs only approved bytes.
   * Off for a workspace's own scripts (the project's code, never approved).
   */
  bindEveryFile?: boolean;
  /**
   * The package is read from its folder on disk, whose own `node_modules/`
   * holds what the linker installed there, not files of the archive: only
   * `node_modules` folders deeper in the package are bound then.
   */
  onDisk?: boolean;
  /**
   * On disk, the package's own `node_modules/` still holds the archive's
   * files: the pnpm linker puts dependencies beside the package's folder and
   * PnP's unplugged folders hold none, so Node loads what the archive shipped
   * there (outside attack round 44, C2). Bound like in the archive then.
   */
  archiveNodeModules?: boolean;
  /**
   * Folders of the project's other workspaces, relative to this one (a
   * workspace's analysis): `packages/a` below it, `../..` (the root) or `../b`
   * around it. A file there is that workspace's code, whose requires Node
   * resolves from its own folder, so it is reported (`workspaceFiles`), not
   * followed here.
   */
  workspaceFolders?: ReadonlyArray<string>;
  /**
   * The top-level workspace's folder relative to this one (a workspace's
   * analysis): `$PROJECT_CWD/x` is a path from there.
   */
  projectFolder?: string;
}

/** The longest shell script of a workspace read command by command (a generated `configure` is not). */
const MAX_SHELL_SCRIPT_LENGTH = 256 * 1024;

/** The environment files dotenv, dotenv-flow and their kin read from the working folder. */
const ENV_FILES = [``, `.local`, `.development`, `.development.local`, `.production`, `.production.local`, `.test`, `.test.local`, `.yarn`].map(suffix => `.env${suffix}`);

/** Documentation: left out when a workspace's scripts that load unpinnable names bind its code files. */
const DOCUMENTATION = /(?:^|\/)(?:(?:README|CHANGELOG|CHANGES|HISTORY|LICEN[CS]E|NOTICE|AUTHORS|CONTRIBUTING)(?:[.-][^/]*)?|[^/]*\.(?:md|markdown|d\.ts|d\.mts|d\.cts|map))$/i;

/** YAML beyond plain keys, scalars, lists and flow collections: anchors, aliases, tags, explicit and merge keys, block scalars, escapes, directives, documents. */
const UNREAD_YAML = /(?:^|[\s:,[{-])[&*!][^\s,\]}]|^[ \t]*\?(?:[ \t]|$)|<<[ \t]*:|(?::|^[ \t]*-)[ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?$|\\|^(?:%|---|\.\.\.)/m;

/** An absolute path, or one Yarn builds from the environment (`${PWD}/../x`): it may name any folder. */
function namesAnyFolder(value: string): boolean {
  return /^(?:[A-Za-z]:)?[/\\]/.test(value) || /\$\{?\w/.test(value);
}

export class InstallCollector implements CollectorHost {
  private readonly commandAnalysis = new CommandAnalysis(this);
  private readonly codeFollowing = new CodeFollowing(this);
  private readonly gypFollowing = new GypFollowing(this);
  private readonly scripts = new Map<string, string>();
  private readonly files = new Map<string, string>();
  /** `package.json#<field>` -> hash of the consulted root manifest field. */
  private readonly fields = new Map<string, string>();
  readonly lookups = new Map<string, Buffer | null>();
  /** Shell scripts of a workspace read command by command (a script that sources itself is read once). */
  private readonly analysedPrograms = new Set<string>();
  private readonly pendingCommands: Array<PendingCommand> = [];
  private readonly pendingCode: Array<Located> = [];
  private readonly parsed = new Set<string>();
  readonly modules = new Set<string>();
  readonly typescriptConfigs = new Set<string>();
  readonly typescriptFolders = new Set<string>();
  readonly workspaceScripts = new Set<string>();
  readonly workspaceFiles = new Set<string>();
  readonly registryInstalls = new Set<string>();
  readonly foreignRuns = new Set<string>();
  readonly mentions = new Set<string>();
  private readonly packageRoots = new Set<string>();
  private readonly dependencyFiles = new Set<string>();
  private readonly dependencyGypFiles = new Set<string>();
  readonly commands = new Set<string>();
  readonly unresolved = new Set<string>();
  readonly resolver: ModuleResolver;
  readonly manifestScripts: Record<string, string>;
  private readonly manifest: Record<string, unknown>;
  private totalBytes = 0;
  wantsBindingGyp = false;
  readonly gypDirectories = new Set<string>();
  readonly nodeDirectories = new Set<string>();
  wantsCmakeLists = false;
  private gitConfigRead = false;
  /** Install code loads files by names the scan cannot pin down: any file of the package may run. */
  private unpinnable = false;

  constructor(readonly input: CollectorInput) {
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
      reportDependencyPath: path => this.dependencyPath(path),
      reportWorkspacePath: path => this.outerWorkspaceFile(path),
    });
  }

  /**
   * What the named scripts of the manifest run (a workspace's scripts that
   * another workspace's install script starts with `yarn workspace`).
   */
  analyseScripts(names: ReadonlyArray<string>): InstallAnalysis {
    for (const name of names)
      this.followScript(name, false);
    if (this.scripts.size > 0)
      this.packageManagerConfig();
    this.drain();
    return this.result(false);
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
    if (this.scripts.size > 0)
      this.packageManagerConfig();

    this.drain();
    return this.result(this.input.bindEveryFile === true);
  }

  /**
   * Configuration that a package manager or node-gyp started by the scripts
   * reads from the package's own folder: `.npmrc` (`node-options` preloads
   * code into every script of `npm run`), `.yarnrc.yml` (`yarnPath` replaces
   * the Yarn that `yarn run` or Yarn's own node-gyp call start) and `.yarnrc`.
   * Hashed whenever the package has install scripts, and the file `yarnPath`
   * names is followed as code.
   */
  private packageManagerConfig(): void {
    // `"config": {"node_gyp_python": "x"}` is npm_package_config_node_gyp_python,
    // which node-gyp takes as its Python: a name found on the PATH (round 17, H3).
    const config = this.manifest.config;
    if (typeof config === `object` && config !== null)
      this.mentionsIn(JSON.stringify(config));
    for (const name of PACKAGE_MANAGER_CONFIG) {
      const bytes = this.lookup(name);
      if (bytes === null)
        continue;
      // `python=x` in .npmrc: a program npm or node-gyp looks up on the PATH (round 17, H2).
      this.mentionsIn(bytes.toString(`utf8`));
      if (name === `.yarnrc.yml`)
        this.yarnConfiguration(name);
      else
        this.include(name, bytes, false);
    }
    // `.env`, `.env.local`…: dotenv and its kin load them into process.env from
    // the working folder (the package root), NODE_OPTIONS included.
    for (const name of ENV_FILES)
      this.commandAnalysis.envFile(name, {cwd: ``, depth: 0, origin: name});
  }

  analyseEntries(entries: ReadonlyArray<AnalysisEntry>): InstallAnalysis {
    for (const entry of entries) {
      if (entry.kind === `module`) {
        this.moduleEntry(entry.specifier);
      } else if (entry.kind === `file`) {
        this.fileEntry(entry.path);
      } else if (entry.kind === `gyp`) {
        this.gypEntry(entry.path);
      } else {
        throw new TypeError(`Install fingerprint: unknown entry kind ${JSON.stringify((entry as {kind: unknown}).kind)}`);
      }
    }

    this.drain();
    return this.result(this.input.bindEveryFile === true);
  }

  private moduleEntry(specifier: string): void {
    const origin = `entry ${specifier}`;
    if (specifier !== `.` && !specifier.startsWith(`./`)) {
      this.unresolved.add(`${origin}: not a subpath of the package (expected . or ./…)`);
      return;
    }
    const found = this.resolver.ownExport(specifier, origin);
    if (found.length === 0) {
      // Without exports, Node goes on to the node_modules folders above and
      // loads whatever other copy is installed there (outside attack F36).
      if (!this.resolver.hasExports())
        throw new Error(`${origin} resolves to no file of the package: Node would go on to the node_modules folders above and load another installed copy, code that no approval can be bound to`);
      this.unresolved.add(`${origin}: resolves to no file of the package`);
    }
    for (const file of found) {
      this.include(file.path, file.bytes, isModuleCode(file.path));
    }
  }

  /**
   * A GYP file through a `node_modules` folder (`node_modules/dep/x.gypi`,
   * `node_modules/dep/x.json` of `x.json:target`): recorded as `dep/x.gypi`,
   * to be read as GYP in the dependency Yarn resolved; anything that names no
   * one file of a dependency is handled as any path through node_modules.
   */
  dependencyGypPath(path: string): boolean {
    const at = path.replace(/\\/g, `/`).lastIndexOf(`node_modules/`);
    if (at === -1 || (at > 0 && path[at - 1] !== `/`))
      return false;
    const rest = path.slice(at + `node_modules/`.length).replace(/\\/g, `/`);
    const bare = splitBareSpecifier(rest);
    if (bare === null || bare.subpath === `.` || bare.name.startsWith(`.`) || rest.split(`/`).includes(`..`))
      return this.dependencyPath(path);
    this.dependencyGypFiles.add(rest);
    return true;
  }

  /**
   * A path through a `node_modules` folder names a file of the dependency
   * installed there: recorded as `dep/sub/file.js`, to be followed into the
   * package Yarn resolved (never hashed as the package's own file).
   */
  dependencyPath(path: string, {folder = false}: {folder?: boolean} = {}): boolean {
    const at = path.replace(/\\/g, `/`).lastIndexOf(`node_modules/`);
    if (at === -1 || (at > 0 && path[at - 1] !== `/`))
      return false;
    const rest = path.slice(at + `node_modules/`.length).replace(/\\/g, `/`);
    const linkedBin = /^\.bin\/([^/]+)$/.exec(rest);
    if (linkedBin !== null) {
      // `node_modules/.bin/x`: the bin x the linker linked there, of any package it hoists.
      this.commands.add(`dotbin:${linkedBin[1]}`);
      return true;
    }
    // `node node_modules/zq*/cli.js`: every installed package the glob matches (round 20, M16).
    // Extglobs and brace lists too (`node_modules/!(zz)/x.js`, `{a,b*}`: round 23, M3); `@(…)` is no scope.
    if (hasGlob(rest.split(`/`).slice(0, nameSegments(rest)).join(`/`)) && !rest.split(`/`).includes(`..`)) {
      this.dependencyFiles.add(rest);
      return true;
    }
    const bare = splitBareSpecifier(rest);
    const plainPath = bare !== null && !rest.split(`/`).includes(`..`) && !bare.name.startsWith(`.`);
    if (plainPath && bare.subpath !== `.`)
      this.dependencyFiles.add(rest);
    else if (plainPath && folder)
      // `PERL5LIB=$INIT_CWD/node_modules/dep`: a program reads the folder, not
      // its main; following its package.json binds every file of it.
      this.dependencyFiles.add(`${bare.name}/package.json`);
    else if (plainPath)
      // `require('./node_modules/dep/')`, `node node_modules/dep`: Node loads
      // the directory, that is the dependency's main, as a require by name does.
      this.modules.add(bare.name);
    else
      // `node_modules/.bin/x`, a package's folder itself: no one file of a dependency to follow.
      this.unresolved.add(`${path}: under node_modules, but not a file of one dependency, so what it runs is not followed`);
    return true;
  }

  outerWorkspaceFile(path: string): boolean {
    // `path` is normalized: its `..` come first, and inside a folder none is left after it.
    // The folder itself is the workspace's main (`require('../b')`).
    const inside = (folder: string) => folder.startsWith(`..`) && (path === folder || (path.startsWith(`${folder}/`) && !path.slice(folder.length + 1).startsWith(`..`)));
    if (!path.startsWith(`..`) || !(this.input.workspaceFolders?.some(inside) ?? false))
      return false;
    this.workspaceFiles.add(path);
    return true;
  }

  yarnConfiguration(name: string): void {
    const bytes = this.lookup(name);
    if (bytes === null)
      return;
    this.include(name, bytes, false);
    const text = bytes.toString(`utf8`);
    // In a dependency, only the plain YAML this reading understands: an
    // anchor, an alias, a tag, an explicit key, a block scalar, an escape or
    // a second document can spell a yarnPath the patterns below miss
    // (outside attack round 14, F22, F23).
    const unread = this.input.bindEveryFile === true ? UNREAD_YAML.exec(text) : null;
    if (unread !== null)
      throw new Error(`${name} uses YAML this plugin does not read (${unread[0].trim()}): what Yarn takes from it (a yarnPath, plugins) cannot be bound to an approval`);
    // `yarnPath`, a plugin's `path`, in block or flow style (`{"plugins": [{"path": …}]}`: round 12, F24);
    // the value may sit on the next line (a plain multi-line scalar: F29).
    const yarnPaths = new Set<string>();
    const pluginPaths = new Set<string>();
    for (const match of text.matchAll(/(?:^|[\s{,])["']?(yarnPath|path)["']?[ \t]*:[ \t]*(?:#[^\r\n]*)?(?:\r?\n[ \t]+)?["']?((?:\$\{[^}\r\n]*\}|[^"'#\r\n,{}[\]])+?)["']?[ \t]*(?=[,}\]\r\n#]|$)/gm))
      (match[1] === `yarnPath` ? yarnPaths : pluginPaths).add(match[2].trim());
    // A plugin named by its path alone (`- ./plugin.cjs`, `["../x.js"]`): any
    // value that names a JavaScript file is taken for one.
    for (const match of text.matchAll(/(?:^|[\s[,:{])["']?((?:\$\{[^}\s]*\}|[^\s"'#,{}[\]])+\.[cm]?js)["']?(?=[\s,\]}#]|$)/gm))
      pluginPaths.add(match[1]);
    for (const file of yarnPaths)
      this.yarnRunsFile(file, name);
    // `injectEnvironmentFiles`: files Yarn loads into the environment of the
    // scripts it runs (NODE_OPTIONS…), block or flow style; `?` marks an
    // optional one (round 13).
    const injected = /(?:^|[\s{,])["']?injectEnvironmentFiles["']?[ \t]*:[ \t]*(\[[^\]]*\]|(?:\r?\n[ \t]+-[^\r\n]*)+)/m.exec(text);
    for (const entry of injected === null ? [] : injected[1].replace(/^\[|\]$/g, ``).split(/\r?\n[ \t]+-|,/)) {
      const file = entry.trim().replace(/^-\s*/, ``).replace(/^["']|["']$/g, ``).replace(/\?$/, ``);
      if (file === ``)
        continue;
      if (toPackagePath(``, file) === null || namesAnyFolder(file)) {
        this.outsideFromConfiguration(`${name} makes Yarn load the environment file ${file}`, `what it sets is not followed`, `whose NODE_OPTIONS no approval can be bound to`);
        continue;
      }
      this.envFile(file, {cwd: ``, depth: 0, origin: `${name} (injectEnvironmentFiles)`});
    }
    // The project's own plugins are the project's: only a dependency's are followed.
    if (this.input.bindEveryFile === true) {
      for (const file of pluginPaths) {
        if (!yarnPaths.has(file))
          this.yarnRunsFile(file, name);
      }
    }
  }

  yarnRunsFile(reference: string, origin: string): void {
    const trimmed = reference.trim();
    const path = toPackagePath(``, trimmed);
    // Yarn loads it as code (its own release, a plugin): outside the package
    // it is another package's file, or whatever is installed there
    // (outside attack round 12, F9, F10).
    // `${PWD}/../x`: Yarn expands the environment in its settings, so a
    // value with a variable may name any folder (round 13).
    if (path === null && !/^(?:\.\/)?node_modules\//.test(trimmed) || namesAnyFolder(trimmed)) {
      this.outsideFromConfiguration(`${origin} makes Yarn run ${trimmed}`, `not followed`, `code that no approval can be bound to`);
      return;
    }
    this.fileEntry(trimmed);
  }

  /**
   * A file outside the package that a Yarn configuration makes Yarn load:
   * refused in a dependency; in a workspace the project's own configuration
   * is the project's, so it is named as a limit.
   */
  private outsideFromConfiguration(what: string, limit: string, refusal: string): void {
    if (this.input.bindEveryFile !== true)
      this.unresolved.add(`${what}, outside the workspace: ${limit}`);
    else
      throw new Error(`${what}, outside the package, ${refusal}`);
  }

  private fileEntry(reference: string): void {
    if (reference === `` || reference === `.`) {
      // `node node_modules/dep`: the package's own folder, whose main (else
      // its index) Node runs (ts-node runs its dependencies' folders so:
      // outside round 59, T1).
      const located = this.resolver.entryPoint(``);
      if (located === null)
        this.unresolved.add(`the package's folder is run, but it has no main or index file`);
      else
        this.executable(located.path, located.bytes);
      return;
    }
    const path = toPackagePath(``, reference);
    if ((path === null || isUnderNodeModules(path)) && this.dependencyPath(path ?? reference))
      return;
    const bytes = path === null || path === `` ? null : this.lookup(path);
    if (path !== null && path !== `` && bytes === null && this.input.files.list?.(path) != null) {
      // `cp -r node_modules/dep/dist x && node x/cli.js`: another package's
      // install script handed this directory along; everything below it counts.
      this.includeDirectory(path);
      this.unresolved.add(`${reference}: a directory, handed to a command that may run what is in it: every file below it is hashed`);
      // `node <folder>`, a bin that is a folder: Node loads its package.json
      // main, else its index (outside round 53, B1).
      const located = this.resolver.entryPoint(path);
      if (located !== null)
        this.executable(located.path, located.bytes);
      return;
    }
    if (path === null && this.input.bindEveryFile === true) {
      // `"bin": {"x": "../sib/x.js"}`: Yarn links the bin to whatever file is
      // installed there, another package's (outside attack round 14, F3).
      throw new Error(`${reference} is outside the package (a bin or an entry that climbs out of it), code that no approval can be bound to`);
    }
    // A workspace's file that another workspace runs by a path (`node ../a/setup`):
    // Node completes the name as it does for any program it runs.
    const located = path !== null && path !== `` && bytes === null && this.input.bindEveryFile !== true ? this.resolver.entryPoint(path) : null;
    if (located !== null) {
      this.executable(located.path, located.bytes);
      return;
    }
    if (path === null || bytes === null) {
      this.unresolved.add(`${reference}: not a file of the package`);
      return;
    }
    this.executable(path, bytes);
  }

  /**
   * A GYP file of this package that another package's build reads
   * (`node_modules/<this>/common.gypi`, `…/x.json:target`): gyp reads it as
   * GYP whatever its name, its includes (relative to it) and `<!(…)` commands
   * too (outside round 46, G1); it is never run as a program.
   */
  private gypEntry(reference: string): void {
    const path = toPackagePath(``, reference);
    if (path === null || path === `` || isUnderNodeModules(path) || this.lookup(path) === null) {
      if (this.input.bindEveryFile === true)
        throw new Error(`another package's binding.gyp reads ${reference} of this package as GYP, which is no file of it: gyp would load whatever is installed there, code that no approval can be bound to`);
      this.unresolved.add(`${reference}: read as GYP by another package's build, but not a file of the package`);
      return;
    }
    this.gypFollowing.includedByOther(path);
  }

  /** A file run as a program: JavaScript is followed; anything else is hashed and reported. */
  executable(path: string, bytes: Buffer): void {
    const javaScript = isJavaScriptFile(path, bytes);
    this.include(path, bytes, javaScript);
    if (!javaScript)
      this.programText(path, bytes, `executable that is not JavaScript`);
  }

  namesIn(bytes: Buffer): void {
    if (bytes.includes(0))
      return;
    for (const reading of textReadings(bytes.toString(`utf8`))) {
      this.mentionsIn(reading);
      for (const reference of nodeModulesReferences(reading))
        this.dependencyPath(reference);
    }
  }

  programText(path: string, bytes: Buffer, kind: string, context?: CommandContext): void {
    if (bytes.includes(0)) {
      this.unresolved.add(`${path}: ${kind}, hashed but not analysed`);
      return;
    }
    const text = bytes.toString(`utf8`);
    this.namesIn(bytes);
    this.unresolved.add(`${path}: ${kind}, hashed and read only for the bins and node_modules files it names (a command it builds at run time is not followed)`);
    // A shell script of your own workspace is also read command by command, as
    // an install script is: the files it runs or sources, `cd` into node_modules
    // (outside attack round 28, M1). A dependency's binds every file and every bin already.
    if (this.input.bindEveryFile === true || context === undefined || !isShellText(text) || this.analysedPrograms.has(path))
      return;
    this.analysedPrograms.add(path);
    if (context.depth >= MAX_COMMAND_DEPTH || text.length > MAX_SHELL_SCRIPT_LENGTH) {
      this.unresolved.add(`${path}: a shell script ${context.depth >= MAX_COMMAND_DEPTH ? `run too deep in other scripts` : `too long`} to be read command by command`);
      return;
    }
    // `cd "$(dirname "$0")"`: the script's own folder.
    const folder = directoryOf(path);
    const own = /^[\w./@+-]*$/.test(folder) ? text.replace(/\$\(\s*dirname\s+(["']?)\$(?:0|\{0\})\1\s*\)|`\s*dirname\s+(["']?)\$(?:0|\{0\})\2\s*`|\$\{0%\/\*\}/g, folder === `` ? `.` : folder) : text;
    // Whole-line comments (the `#!` line among them) are no commands; their words were mentions above.
    const script = own.replace(/^[ \t]*#.*$/gm, ``);
    const scriptContext = {...context, depth: context.depth + 1, origin: path, posix: true};
    if (!this.readRefusing(script, scriptContext))
      return;
    // What the reading refuses in an install script Yarn's shell runs (a `**`
    // glob, which sh does not expand through folders) is, in a script sh runs,
    // named as a limit; the script is then read line by line.
    for (const line of script.split(/\r?\n/))
      this.readRefusing(line, {...scriptContext});
  }

  /** Reads shell code; a refusal of the reading is named as a limit of `context.origin` and gives true. */
  private readRefusing(text: string, context: CommandContext): boolean {
    try {
      this.commandAnalysis.analyseCommand(text, context);
      return false;
    } catch (error) {
      // Only the reading's own refusals (plain errors): a crash of the reader is no limit (round 29, M1).
      if (!(error instanceof Error) || error.constructor !== Error || error.message.startsWith(`Install fingerprint aborted`))
        throw error;
      this.unresolved.add(error.message.startsWith(`${context.origin}: `) ? error.message : `${context.origin}: ${error.message}`);
      return true;
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

      if (this.wantsBindingGyp && !this.gypFollowing.has(`binding.gyp`)) {
        this.gypFollowing.build(``);
        continue;
      }
      const directory = [...this.gypDirectories].find(folder => !this.gypFollowing.has(posix.join(folder, `binding.gyp`)));
      if (directory !== undefined) {
        this.gypFollowing.build(directory);
        continue;
      }
      const nodeDirectory = [...this.nodeDirectories].find(folder => !this.gypFollowing.has(posix.join(folder, `include/node/common.gypi`)));
      if (nodeDirectory !== undefined) {
        // node-gyp --nodedir=<folder>: gyp reads that folder's common.gypi.
        this.gypFollowing.file(posix.join(nodeDirectory, `include/node/common.gypi`), 1, null);
        continue;
      }

      break;
    }

    if (this.wantsCmakeLists || this.commands.has(`cmake`)) {
      // CMake reads CMakeLists.txt and what it include()s or add_subdirectory()s,
      // any of which may execute_process() at configure time.
      this.includeIfPresent(`CMakeLists.txt`);
      for (const file of this.filesBelow(``) ?? [])
        if (/(?:^|\/)CMakeLists\.txt$|\.cmake$/i.test(file))
          this.includeIfPresent(file);
      this.unresolved.add(`runs CMake: every CMakeLists.txt and .cmake file of the package is hashed, the commands they run are not analysed`);
    }
    if (this.commands.has(`git`)) {
      // git reads the repository it runs in: a .git/config of the package (core.fsmonitor,
      // hooks, filters) runs commands, and .gitattributes names the filters.
      this.includeDirectory(`.git`);
      for (const file of [`.gitattributes`, `.gitmodules`, `.gitconfig`])
        this.includeIfPresent(file);
      // Settings there that are commands git runs (`[alias] zz = !cmd`,
      // core.fsmonitor, filters…) are followed (round 12, F44).
      if (!this.gitConfigRead) {
        this.gitConfigRead = true;
        for (const file of [`.git/config`, `.gitconfig`]) {
          const bytes = this.lookup(file);
          for (const setting of bytes === null ? [] : gitCommandSettings(bytes.toString(`utf8`)))
            this.pendingCommands.push({text: setting.command, cwd: ``, origin: `${file} (${setting.key})`});
        }
        if (this.pendingCommands.length > 0)
          this.drain();
      }
    }
  }

  /**
   * The files the scan followed are what runs; with `everyFile`, every other
   * file of the package, documentation included, and its whole manifest but
   * the version (`package.json#all`) are bound too: code the scan cannot see
   * evaluating a README, a description or a file it wrote must still run
   * only approved bytes (the ninth outside round found such constructs in
   * code that named no limit). A workspace's scripts that load unpinnable
   * names bind its code files.
   */
  private result(everyFile: boolean): InstallAnalysis {
    const runs = sortedUnique(this.files.keys());
    if (everyFile) {
      // `package.json#data`, when recorded, stays: an approval that holds it
      // then only gains `#all` (yarn trust migrate records that).
      this.fields.set(`package.json#all`, hashBytes(canonicalJson(manifestData(this.manifest, {descriptive: true}))));
    }
    if (everyFile || this.unpinnable) {
      // What the scripts run, before every file joins the fingerprint.
      const ran = new Set(this.files.keys());
      const listed = this.filesBelow(``) ?? [];
      const gypFiles = listed.filter(file => file.endsWith(`binding.gyp`));
      for (const file of listed) {
        if (file !== `package.json` && (everyFile || !DOCUMENTATION.test(file))) {
          this.includeIfPresent(file);
        }
        // On disk, `build/` holds what the package's last build wrote (node-gyp's
        // Makefile names node's headers by `../..`): not the package's files,
        // and made again before anything reads them, unless a script runs one.
        if (everyFile && !(this.input.onDisk === true && isBuildOutput(file, gypFiles) && !ran.has(file)))
          this.toolConfiguration(file, this.lookup(file));
      }
    }
    if (everyFile)
      this.bindBundledFiles(``, 0);
    return {
      runs,
      loadsAnyFile: this.unpinnable,
      fingerprint: {
        scripts: sortedRecord(this.scripts),
        files: sortedRecord([...this.files, ...this.fields]),
      },
      modules: sortedUnique(this.modules),
      packageRoots: sortedUnique(this.packageRoots),
      dependencyFiles: sortedUnique(this.dependencyFiles),
      dependencyGypFiles: sortedUnique(this.dependencyGypFiles),
      commands: sortedUnique(this.commands),
      mentions: sortedUnique(this.mentions),
      workspaceScripts: sortedUnique(this.workspaceScripts),
      workspaceFiles: sortedUnique(this.workspaceFiles),
      registryInstalls: sortedUnique(this.registryInstalls),
      foreignRuns: sortedUnique(this.foreignRuns),
      unresolved: sortedUnique(this.unresolved),
    };
  }

  /**
   * A file that a program started from the machine's PATH reads from the
   * folder it runs in (rustup's rust-toolchain.toml, cargo's
   * .cargo/config.toml, asdf's .tool-versions…): in a dependency, a value
   * that names a place outside the package makes that program run code no
   * approval holds (outside attack round 13, R1-R3: `path =
   * "/proc/self/cwd/../<sibling>"`).
   */
  private toolConfiguration(file: string, bytes: Buffer | null): void {
    if (bytes === null)
      return;
    if (/\.(?:jar|war|ear)$/i.test(file)) {
      this.javaArchive(file, bytes);
      return;
    }
    const parent = workingFolderParent(bytes);
    if (parent !== null)
      this.foreignRuns.add(`${file} names ${parent}, in the folder above the one a program runs in: for a script of the package, outside it`);
    for (const place of tsconfigPlacesOutside(file, bytes.toString(`utf8`)))
      this.foreignRuns.add(`${file}, whose module paths tsx and ts-node resolve imports through, names ${place}, outside the package`);
    const reader = toolReading(file);
    if (/(?:^|\/)(?:\.git(?:\/|$)|HEAD$)/.test(file))
      // `.git`, or a folder laid out as a bare repository: git reads its
      // config, includes and hooks, which can name any program (attack20 F25, F26, F29-F31).
      this.foreignRuns.add(`${file}: the package ships a git repository, whose configuration, includes and hooks git runs; no package needs one`);
    if (reader === null)
      return;
    // A program's name in it (cargo's `rustc-wrapper = "x"`): the program reading
    // it finds that name on its PATH, where npm puts the bins of hoisted packages
    // (outside attack round 17, H4).
    this.mentionsIn(bytes.toString(`utf8`));
    for (const place of placesOutside(file, bytes.toString(`utf8`), {climbingOnly: reader.climbingOnly === true, fromRoot: reader.tool === ANY_PROGRAM}))
      this.foreignRuns.add(reader.tool === ANY_PROGRAM
        ? `${file}, a configuration file that a program may read, names ${place}, outside the package`
        : `${file}, read by ${reader.tool} from the folder it runs in, names ${place}, outside the package`);
  }

  /** A Java archive: the other archives its manifest's `Class-Path` loads must be the package's own. */
  private javaArchive(file: string, bytes: Buffer): void {
    let manifest: string | null;
    try {
      manifest = jarManifestText(bytes);
    } catch (error) {
      // Undecided is refused: `java -jar` would load whatever its Class-Path names.
      this.foreignRuns.add(`${file}: a Java archive whose manifest could not be read (${(error as Error).message}), so what its Class-Path loads cannot be checked`);
      return;
    }
    for (const place of manifest === null ? [] : classPathOutside(file, manifest))
      this.foreignRuns.add(`${file}, a Java archive whose manifest's Class-Path java loads, names ${place}, outside the package`);
  }

  operandFile(path: string, bytes: Buffer): void {
    // Binary files, and configuration files that every dependency's check reads already.
    if (bytes.includes(0) || (this.input.bindEveryFile === true && toolReading(path) !== null))
      return;
    // The program may run what the file names (`awk -f p.awk` with `system("zqb" "in")`: round 30, M7).
    this.namesIn(bytes);
    for (const place of placesOutside(path, bytes.toString(`utf8`), {climbingOnly: true, fromRoot: true}))
      this.foreignRuns.add(`${path}, a file the install script hands to a program, names ${place}, outside the package`);
  }

  mentionsIn(text: string): void {
    for (const token of text.match(MENTION_TOKEN) ?? [])
      this.mentions.add(token);
  }

  lookup(path: string): Buffer | null {
    // What lies under a node_modules folder of the package (on disk, a
    // workspace's installed dependencies) is another package's code, never
    // hashed as its own: the explicit references are dependencyFiles.
    if (isUnderNodeModules(path))
      return null;
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

  firstExisting(path: string, suffixes: ReadonlyArray<string>): Located | null {
    for (const suffix of suffixes) {
      const candidate = path + suffix;
      const bytes = this.lookup(candidate);
      if (bytes !== null) {
        return {path: candidate, bytes};
      }
    }
    return null;
  }

  include(path: string, bytes: Buffer, parseAsCode: boolean): void {
    // The package's own manifest differs in every release (its version); the
    // parts of it that decide what runs are recorded on their own: the
    // scripts, and the `package.json#…` fields that resolution consulted.
    if (path === `package.json`) {
      // Install code that loads its own manifest can be steered by any of it
      // (`execSync(require('./package.json').config.fetch)`): record its data,
      // leaving out what changes with every release and runs nothing.
      this.readsManifest();
      return;
    }
    if (path.startsWith(`package.json#`))
      throw new Error(`Install fingerprint aborted: the file ${path} would be confused with a package.json field in the fingerprint`);
    if (this.input.workspaceFolders?.some(folder => path.startsWith(`${folder}/`)) === true) {
      if (parseAsCode)
        this.workspaceFiles.add(path);
      return;
    }

    if (!this.files.has(path)) {
      if (this.files.size + 1 > this.input.maxFiles)
        throw new Error(`Install fingerprint aborted: more than ${this.input.maxFiles} files referenced (limit maxFiles)`);
      if (this.totalBytes + bytes.length > this.input.maxBytes)
        throw new Error(`Install fingerprint aborted: referenced files exceed ${this.input.maxBytes} bytes (limit maxBytes)`);

      this.totalBytes += bytes.length;
      this.files.set(path, hashBytes(bytes));
      if (path.endsWith(`.node`))
        this.unresolved.add(`${path}: a native addon, hashed; the shared libraries it loads are not followed`);
    }

    if (parseAsCode && !this.parsed.has(path)) {
      this.parsed.add(path);
      // Whether a .js file is CommonJS or ESM changes what the same bytes do.
      this.resolver.consultType(path);
      this.pendingCode.push({path, bytes});
    }
  }

  /**
   * Install code that loads its own manifest can be steered by any of it
   * (`execSync(require('./package.json').config.fetch)`): record its data,
   * leaving out what changes with every release and runs nothing.
   */
  readsManifest(): void {
    if (!this.fields.has(`package.json#data`))
      this.fields.set(`package.json#data`, hashBytes(canonicalJson(manifestData(this.manifest))));
  }

  private includeIfPresent(path: string): void {
    const bytes = this.lookup(path);
    if (bytes !== null) {
      this.include(path, bytes, false);
    }
  }

  /** Every file below `directory` (a compiler flag's directory, a dependency directory a script hands along), hashed as data; nothing when it is not a directory of the package. */
  includeDirectory(directory: string): void {
    for (const file of this.filesBelow(directory) ?? [])
      this.includeIfPresent(file);
  }

  /**
   * Files the archive ships in `node_modules` folders (bundled copies of
   * packages): Node loads them by a path (`./node_modules/h/index.js`) or,
   * from a folder below, by name (`lib/node_modules/h`), and PnP and the pnpm
   * linker keep them (outside attack round 11, F32, F33). Hashed, not
   * followed: the scan still reports their names as other packages'.
   */
  private bindBundledFiles(directory: string, depth: number): void {
    if (depth > MAX_LISTING_DEPTH)
      throw new Error(`Install fingerprint aborted: ${directory} is nested more than ${MAX_LISTING_DEPTH} directories below the package root`);
    for (const entry of this.input.files.list!(directory) ?? []) {
      const name = entry.endsWith(`/`) ? entry.slice(0, -1) : entry;
      if (!entry.endsWith(`/`) || name === `` || name === `.` || name === `..` || name.includes(`/`))
        continue;
      const child = directory === `` ? name : `${directory}/${name}`;
      if (name === `node_modules`) {
        if (directory === `` && this.input.onDisk === true && this.input.archiveNodeModules !== true)
          continue;
        for (const file of this.everyFileBelow(child, depth + 1)) {
          const bytes = this.input.files.read(file);
          if (bytes !== null && bytes !== undefined) {
            this.include(file, bytes, false);
            this.toolConfiguration(file, bytes);
          }
        }
      } else if (!isUnderNodeModules(child)) {
        this.bindBundledFiles(child, depth + 1);
      }
    }
  }

  /** Every file below `directory`, node_modules folders included, sorted. */
  private everyFileBelow(directory: string, depth: number): Array<string> {
    if (depth > MAX_LISTING_DEPTH)
      throw new Error(`Install fingerprint aborted: ${directory} is nested more than ${MAX_LISTING_DEPTH} directories below the package root`);
    const files: Array<string> = [];
    for (const entry of [...this.input.files.list!(directory) ?? []].sort()) {
      const name = entry.endsWith(`/`) ? entry.slice(0, -1) : entry;
      if (name === `` || name === `.` || name === `..` || name.includes(`/`))
        continue;
      const child = `${directory}/${name}`;
      if (entry.endsWith(`/`))
        files.push(...this.everyFileBelow(child, depth + 1));
      else
        files.push(child);
    }
    return files;
  }

  /**
   * The package's files below `directory`, sorted, never through a
   * node_modules folder; null when it is no directory of the package. When
   * the package's files cannot be listed, nothing can be bound: the analysis
   * is refused rather than hashing none of them.
   */
  filesBelow(directory: string, depth = 0): Array<string> | null {
    if (depth > MAX_LISTING_DEPTH)
      throw new Error(`Install fingerprint aborted: ${directory} is nested more than ${MAX_LISTING_DEPTH} directories below a directory whose every file is hashed`);
    if (this.input.files.list === undefined)
      throw new Error(`Install fingerprint aborted: the package's files cannot be listed to bind them to the approval (every file below ${directory === `` ? `the package root` : `${directory}/`})`);
    const entries = isUnderNodeModules(directory) ? null : this.input.files.list(directory);
    if (entries === null)
      return null;
    const files: Array<string> = [];
    for (const entry of [...entries].sort()) {
      const name = entry.endsWith(`/`) ? entry.slice(0, -1) : entry;
      if (name === `` || name === `.` || name === `..` || name.includes(`/`))
        continue;
      const child = directory === `` ? name : `${directory}/${name}`;
      if (entry.endsWith(`/`)) {
        files.push(...this.filesBelow(child, depth + 1) ?? []);
      } else {
        files.push(child);
      }
    }
    return files;
  }

  followScript(name: string, withHooks: boolean): void {
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

  followScriptPattern(pattern: string): void {
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

  analyseCommand(text: string, context: CommandContext): void {
    this.commandAnalysis.analyseCommand(text, context);
  }

  analyseWords(words: Array<Word>, start: number, context: CommandContext): void {
    this.commandAnalysis.analyseWords(words, start, context);
  }

  pathReference(directory: string, reference: string): void {
    this.commandAnalysis.pathReference(directory, reference);
  }

  pathFrom(directory: string, reference: string): Located | null {
    return this.commandAnalysis.pathFrom(directory, reference);
  }

  scanText(code: string, directory: string, origin: string): void {
    this.codeFollowing.scanText(code, directory, origin);
  }

  envFile(reference: string, context: CommandContext): void {
    this.commandAnalysis.envFile(reference, context);
  }

  queueCommand(command: PendingCommand): void {
    this.pendingCommands.push(command);
  }

  includeCodeFiles(limit: string): void {
    // Not only code extensions: a nested package.json's main may name
    // `index.dat`; the files are bound when the analysis ends (see result).
    this.unresolved.add(`${limit}: every file of the package is hashed`);
    this.unpinnable = true;
  }
}
