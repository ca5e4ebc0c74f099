/**
 * What scanned code reaches: the files its static requires and imports load,
 * the directories of computed requires, and the commands of child_process calls.
 */

import {posix} from 'path';

import type {CollectorHost} from './host';
import {type ComputedLoad, DIRNAME_MARK, INDIRECT_CALL_METHOD, type ProcessCall, scanCode} from './code';
import {type CommandContext, LOADABLE_EXTENSIONS, MAX_LISTING_DEPTH, isJavaScriptFile, isModuleCode} from './tables';
import {directoryOf, extensionOf, toPackagePath} from './records';
import {TypescriptFollowing, isTranspiledFile} from './typescriptFollowing';

/** Node's calls that write or move files. */
const FILE_WRITE = /\b(writeFileSync|writeFile|writeSync|openSync|appendFileSync|appendFile|copyFileSync|copyFile|cpSync|renameSync|createWriteStream|symlinkSync|linkSync)\s*\(/g;

/**
 * Ways to run a file or text chosen at run time that the loaders above do
 * not cover (round 9): `Module.runMain()` after setting `process.argv[1]`,
 * `node:test`'s `run({files})`, text fed to a command's standard input
 * (`execSync('node', {input})`).
 */
const RUNS_CHOSEN = /\b(runMain)\s*\(|\b(run)\s*\(\s*\{[^}]{0,256}\bfiles\s*:|\b(input)\s*:\s*(?![\s'"`])/g;

export class CodeFollowing {
  private listedEntries = 0;
  /** `<directory>/<name prefix>` of the computed requires already included, and those whose directory is absent. */
  private readonly listedPrefixes = new Set<string>();
  private readonly missingDirectories = new Set<string>();

  private readonly typescript: TypescriptFollowing;

  constructor(private readonly host: CollectorHost) {
    this.typescript = new TypescriptFollowing(host, (prefix, directory, origin) => this.computedLoad({kind: `import`, prefix}, directory, origin));
  }

  /** Best-effort scan of JavaScript text: `directory` is where its references resolve from, `origin` names it in reports. */
  scanText(code: string, directory: string, origin: string): void {
    const jsx = isTranspiledFile(origin) ? this.typescript.jsxFactoryCalls(code, directory, origin) : ``;
    const references = scanCode(jsx === `` ? code : `${code}\n${jsx}\n`);
    // Yarn and npm hand a script its manifest: the path (`npm_package_json`)
    // and fields (`npm_package_config_*`). Code that reads them reads it.
    if (/npm_package_/i.test(code))
      this.host.readsManifest();

    for (const specifier of references.specifiers) {
      for (const found of this.host.resolver.specifier(directory, specifier, origin)) {
        this.host.include(found.path, found.bytes, isModuleCode(found.path));
      }
    }
    // tsx applies its rules to the JavaScript files it runs too (`paths`, `allowJs`: round 19, M16).
    if (isTranspiledFile(origin) || (this.host.typescriptFolders.size > 0 && isJavaScriptFile(origin, Buffer.from(code.slice(0, 512)))))
      this.typescript.follow(code, references.specifiers, directory, origin);

    for (const path of references.paths)
      this.host.pathReference(directory, path);

    // Paths built from __dirname are relative to the file only; a leading slash there is a separator, not the filesystem root.
    for (const tail of references.dirnamePaths) {
      const found = this.host.pathFrom(directory, `./${tail.replace(/^[/\\]+/, ``)}`);
      if (found !== null) {
        this.host.include(found.path, found.bytes, isJavaScriptFile(found.path, found.bytes));
      }
    }

    for (const load of references.computed)
      this.computedLoad(load, directory, origin);

    // A file named without `./` may be read and run relative to the file or to
    // the working directory (the package root): hashed wherever it exists.
    for (const name of references.namedFiles) {
      for (const base of directory === `` ? [``] : [directory, ``]) {
        const path = toPackagePath(base, `./${name}`);
        const bytes = path === null ? null : this.host.lookup(path);
        if (path !== null && bytes !== null) {
          this.host.include(path, bytes, isJavaScriptFile(path, bytes));
        }
      }
    }

    for (const use of new Set(references.loaderValues))
      this.host.unresolved.add(`${origin}: ${use}`);
    // Node resolves these from the folder of another module (the one that
    // required this file, the main script, another package): what they load
    // is another copy than the one Yarn resolved for this package.
    if (references.foreignLoads.length > 0)
      throw new Error(`${origin}: ${references.foreignLoads[0]}, code that no approval can be bound to`);

    // Code that runs a file or text chosen at run time (round 9): any file of
    // the package may run.
    for (const match of code.matchAll(RUNS_CHOSEN)) {
      const what = match[1] !== undefined ? `Module.runMain() runs the file process.argv names` : match[2] !== undefined ? `node:test's run() runs the files it is given` : `a command reads text built at run time from its standard input`;
      this.host.includeCodeFiles(`${origin}: ${what}, chosen at run time; one outside the package is not followed`);
    }
    // Code that writes files can turn any bytes of the package (a README, a
    // manifest field) into a file it then runs: named as a limit (round 9, E1,
    // E2); the approval binds those bytes since every file and the manifest are.
    const writes = new Set([...code.matchAll(FILE_WRITE)].map(match => match[1]));
    if (writes.size > 0)
      this.host.unresolved.add(`${origin}: writes files at run time (${[...writes].sort().join(`, `)}), which may then run: what it writes is not followed`);

    // Text built at run time may be read from any file of the package.
    for (const evaluation of new Set(references.evaluations)) {
      if (evaluation.startsWith(`file:`))
        this.host.includeCodeFiles(`${origin}: ${evaluation.slice(`file:`.length)}() runs a file chosen at run time; one outside the package is not followed`);
      else
        this.host.includeCodeFiles(`${origin}: ${evaluation}() evaluates text built at run time; what it reads from outside the package is not followed`);
    }

    for (const call of references.processCalls)
      this.processCall(call, directory, origin, references.stdinFeeds);

    // `execArgv` of a fork or worker, or added to this process's (forks
    // inherit it): read as node's options (outside attack round 57, F1, X1, W1, E1).
    for (const {words, computed} of references.nodeOptions) {
      if (words.length > 0)
        this.host.analyseWords([`node`, ...words].map(word => ({text: word, quoted: true})), 0, {cwd: ``, depth: 0, origin: `${origin} (execArgv)`});
      if (computed)
        this.host.unresolved.add(`${origin}: gives node processes or workers options (execArgv) built at run time, which are not followed`);
    }

    // The working folder of install code is the package root.
    for (const file of new Set(references.envFiles))
      this.host.envFile(file, {cwd: ``, depth: 0, origin});

    // A `cwd:` key matters where the file starts processes.
    const moved: Array<string> = references.relocations.filter(what => what === `process.chdir()` || (what === `a cwd option` && references.processCalls.length > 0));
    if (moved.length > 0) {
      this.host.includeCodeFiles(`${origin}: runs commands from another folder (${moved.join(`, `)}), where their relative paths resolve to files the scan does not pick`);
      this.filesNamedAnywhere(references.processCalls);
    }
    const environment = references.relocations.filter(what => what.startsWith(`env:`)).map(what => what.slice(`env:`.length));
    if (environment.length > 0)
      this.host.includeCodeFiles(`${origin}: sets ${environment.join(`, `)} for the commands it runs, which then find programs, options or configuration files elsewhere, possibly in the package`);
    // A literal folder outside the package: the commands run the files of whatever is installed there.
    for (const folder of moved.length === 0 ? [] : references.relocations.filter(what => what.startsWith(`folder:`)).map(what => what.slice(`folder:`.length))) {
      // `cwd: ''` is the working folder as it is (tsx's `n ? o.cwd : ""`, round 16).
      if (folder !== `` && !/^[/\\]/.test(folder) && toPackagePath(directory, folder) === null)
        this.host.foreignRuns.add(`${origin}: runs commands in ${folder}, outside the package, where their relative paths name files no approval holds`);
    }
    if (references.programOptions.length > 0)
      this.host.includeCodeFiles(`${origin}: starts its processes with a program that its options name (${references.programOptions.join(`, `)}), not the one their commands name`);
    const rewired = references.relocations.filter(what => what !== `process.chdir()` && what !== `a cwd option` && !what.startsWith(`env:`) && !what.startsWith(`folder:`));
    if (rewired.length > 0)
      this.host.includeCodeFiles(`${origin}: changes where modules are looked up (${rewired.join(`, `)}), so a require may load another file than the one followed`);
  }

  /**
   * Commands run from a folder the scan cannot pin down: each relative word
   * of theirs (`node setup.dat`) may name that file in any folder, so every
   * file of the package at such a path is hashed, whatever its extension.
   */
  private filesNamedAnywhere(calls: ReadonlyArray<ProcessCall>): void {
    const words = new Set<string>();
    for (const call of calls) {
      for (const text of [call.command ?? ``, ...call.args])
        for (const word of text.split(/\s+/))
          if (word.length > 0 && !word.startsWith(`-`) && !word.includes(`$`) && !word.includes(DIRNAME_MARK) && toPackagePath(``, word) !== null)
            words.add(toPackagePath(``, word)!);
    }
    if (words.size === 0)
      return;
    for (const file of this.host.filesBelow(``) ?? []) {
      for (const word of words) {
        if (file === word || file.endsWith(`/${word}`)) {
          const bytes = this.host.lookup(file);
          if (bytes !== null)
            this.host.include(file, bytes, isJavaScriptFile(file, bytes));
        }
      }
    }
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
    const list = this.host.input.files.list;
    if (load.prefix === null) {
      // `require(file)`: any file of the package may be the one; one outside it is not bound.
      this.host.includeCodeFiles(`${limit}, which may load any file, one outside the package too (not bound)`);
      return;
    }
    if (list === undefined) {
      this.host.unresolved.add(limit);
      return;
    }

    const endsAtSeparator = load.prefix.endsWith(`/`) || /(?:^|\/)\.\.?$/.test(load.prefix);
    const full = toPackagePath(directory, load.prefix);
    if (full === null) {
      this.host.unresolved.add(`${limit}, outside the package`);
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
      this.host.unresolved.add(`${limit}: ${shown} is not a directory of the package`);
      return;
    }
    this.host.unresolved.add(namePrefix === ``
      ? `${limit}: every file of ${shown} is included`
      : `${limit}: every file of ${shown} whose name starts with ${namePrefix} is included, below such subdirectories too`);
  }

  private listDirectory(directory: string): Array<string> | null {
    const entries = this.host.input.files.list!(directory);
    if (entries === null || entries === undefined)
      return null;
    // Every listed entry counts as a lookup: a directory of a million files is refused, not walked.
    this.listedEntries += entries.length + 1;
    if (this.host.lookups.size + this.listedEntries > this.host.input.maxLookups)
      throw new Error(`Install fingerprint aborted: more than ${this.host.input.maxLookups} file lookups (limit maxLookups)`);
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
        const bytes = this.host.lookup(path);
        if (bytes !== null)
          this.host.include(path, bytes, isModuleCode(path));
      } else if (namePrefix !== `` || whole) {
        if (depth + 1 > MAX_LISTING_DEPTH)
          throw new Error(`Install fingerprint aborted: ${path} is nested more than ${MAX_LISTING_DEPTH} directories below a computed require`);
        const below = this.listDirectory(path);
        if (below !== null)
          this.includeListed(path, below, ``, depth + 1);
      } else {
        const found = this.host.resolver.entryPoint(path);
        if (found !== null)
          this.host.include(found.path, found.bytes, isModuleCode(found.path));
      }
    }
  }

  /** A child_process call: what it runs is analysed like an install command, from the package root (the working directory of install scripts). */
  private processCall(call: ProcessCall, directory: string, origin: string, stdinFeeds: ReadonlyArray<string>): void {
    if (call.command === null) {
      this.host.unresolved.add(call.method === `fork` ? `${origin}: forks a module chosen at run time`
        : call.method === INDIRECT_CALL_METHOD ? `${origin}: calls a child_process function under another name or indirectly (${call.args[0]}), whose commands are not followed`
        : `${origin}: spawns a command built at run time`);
      return;
    }

    const here = directory === `` ? `.` : `./${directory}`;
    const text = (value: string) => value.split(DIRNAME_MARK).join(here);
    const context: CommandContext = {cwd: ``, depth: 0, origin, ...call.wordsUnread !== null ? {wordsUnread: true} : {}, ...stdinFeeds.length > 0 ? {stdinFed: stdinFeeds.join(`, `)} : {}};
    if (call.wordsUnread === `computed`)
      this.host.unresolved.add(`${origin}: ${call.method}(${JSON.stringify(text(call.command))}, …) with arguments built at run time`);

    if (call.shell) {
      this.host.analyseCommand(text(call.command), context);
      return;
    }

    const argv = [...(call.method === `fork` ? [`node`] : []), text(call.command), ...call.args.map(text)];
    if (/\s/.test(argv[0])) {
      // `spawn('node-gyp rebuild', {shell: true})`: a whole command line.
      this.host.analyseCommand(argv.join(` `), context);
      return;
    }
    this.host.analyseWords(argv.map(word => ({text: word, quoted: true})), 0, context);
  }
}
