/**
 * What node-gyp reads and runs when it builds a package: binding.gyp, the GYP
 * files it includes or node-gyp adds by itself, the commands their `<!(…)`
 * expansions and actions run, and the files and directories the compiler
 * flags and `make_global_settings` name.
 */

import {posix} from 'path';

import {readFlagFile, readGyp, type GypCommands} from './gyp';
import type {CollectorHost} from './host';
import {directoryOf, sortedUnique, toPackagePath} from './records';
import {isUnderNodeModules} from './resolver';
import {MAX_GYP_INCLUDE_DEPTH, NODE_GYP_AUTOMATIC_INCLUDES} from './tables';

export class GypFollowing {
  /** GYP files read (or found missing) so far. */
  private readonly seen = new Set<string>();
  /** GYP files of this package that another package's binding.gyp includes (read from its folder, not this one's). */
  private readonly includedByOthers = new Set<string>();

  constructor(private readonly host: CollectorHost) {}

  /** Whether the GYP file at `path` was read already. */
  has(path: string): boolean {
    return this.seen.has(path);
  }

  /** What node-gyp reads when it builds in `directory`: its binding.gyp, and the GYP files it adds by itself. */
  build(directory: string): void {
    this.file(posix.join(directory, `binding.gyp`).replace(/^\.\//, ``), 0, null);
    for (const automatic of NODE_GYP_AUTOMATIC_INCLUDES) {
      const path = posix.join(directory, automatic).replace(/^\.\//, ``);
      if (!this.seen.has(path) && this.host.lookup(path) !== null) {
        this.file(path, 1, null);
      }
    }
  }

  /**
   * A GYP file of this package that another package's binding.gyp includes
   * (`node_modules/<this>/x.gypi`): gyp reads it, and the files it includes,
   * as part of that build, running their `<!(…)` commands, actions and
   * `make_global_settings` tools from the including package's folder, where
   * the paths and bins they name are that package's. What they run cannot be
   * bound to this package, so they are refused (outside round 47, G5).
   */
  includedByOther(path: string): void {
    this.includedByOthers.add(path);
    this.file(path, 1, null);
  }

  /** A GYP file: hashed, its includes followed, its command expansions and actions analysed like scripts. */
  file(path: string, depth: number, includedFrom: string | null): void {
    if (this.seen.has(path))
      return;
    this.seen.add(path);
    const foreign = this.includedByOthers.has(path) || (includedFrom !== null && this.includedByOthers.has(includedFrom));
    if (foreign)
      this.includedByOthers.add(path);

    if (depth > MAX_GYP_INCLUDE_DEPTH) {
      this.host.unresolved.add(`${includedFrom}: includes nested more than ${MAX_GYP_INCLUDE_DEPTH} levels deep, ${path} is not followed`);
      return;
    }

    const bytes = this.host.lookup(path);
    if (bytes === null) {
      // A dependency's file (`node_modules/dep/common.gypi`): gyp loads and
      // evaluates it, `<!(…)` commands included, so it is followed into the
      // dependency Yarn resolved, whose files are then bound (outside round 45, G2, G3).
      if (includedFrom !== null && !(isUnderNodeModules(path) && this.host.dependencyGypPath(path)))
        this.host.unresolved.add(`${includedFrom}: includes ${path}, which is not in the package`);
      return;
    }
    this.host.include(path, bytes, false);
    if (path === `binding.gyp` || path.endsWith(`/binding.gyp`))
      this.host.unresolved.add(`${path}: read by node-gyp's own gyp, Python code that is not analysed`);

    const gyp = readGyp(bytes.toString(`utf8`));
    if (gyp.parseError !== undefined)
      this.host.unresolved.add(`${path}: could not parse ${posix.basename(path)} (${gyp.parseError}); its includes are not followed`);
    for (const problem of gyp.problems)
      this.host.unresolved.add(`${path}: ${problem}`);

    const cwd = directoryOf(path);
    if (foreign)
      this.refuseForeignRuns(path, gyp);
    else
      this.ownRuns(path, cwd, gyp);
    this.followIncludes(path, cwd, depth, gyp.includes, gyp.variableDependencies);
  }

  /**
   * What a GYP file of this package runs while another package's binding.gyp
   * includes it: gyp runs its commands, actions and tools, and imports its
   * `pymod_do_main` modules, from the including file's folder, and the
   * compiler reads its flags from the including package's build/, so what they
   * name is that package's, not this one's: refused (outside round 47, G5).
   */
  private refuseForeignRuns(path: string, gyp: GypCommands): void {
    const named = [
      ...gyp.shellCommands.map(text => `runs ${text}`),
      ...gyp.argvs.map(argv => `runs ${argv.join(` `)}`),
      ...gyp.programs.map(({variable, value}) => `runs ${variable}=${value}`),
      ...gyp.pythonModules.map(module => `runs <!pymod_do_main(${module})`),
      // A path (`tools/w.sh`, `../node_modules/x/w`) names a file from that
      // build/; a bare value (`hidden` of `-fvisibility=hidden`) names none.
      ...gyp.flagWords.filter(word => /[/\\]/.test(word)).map(word => `gives the compiler ${word}`),
      ...gyp.flagDirectories.map(({flag, directory}) => `gives the compiler ${flag} ${directory}`),
      ...gyp.responseFiles.map(file => `makes the compiler read its flags from @${file}`),
    ];
    for (const what of named)
      this.host.foreignRuns.add(`${path}: ${what} while another package's binding.gyp includes it, from that package's folder, where what it names is not this package's`);
    // A bare word may be a program the compiler starts from the PATH (`-wrapper w`), where this package's bins are.
    for (const word of gyp.flagWords.filter(word => !/[/\\]/.test(word)))
      this.host.mentionsIn(word);
  }

  /** What a GYP file of this package's own build runs: its commands and actions analysed like scripts, the files its tools and flags name hashed. */
  private ownRuns(path: string, cwd: string, gyp: GypCommands): void {
    for (const text of gyp.shellCommands)
      this.host.queueCommand({text, cwd, origin: path});
    for (const argv of gyp.argvs)
      this.host.analyseWords(argv.map(text => ({text, quoted: true})), 0, {cwd, depth: 0, origin: path});
    for (const {variable, value} of gyp.programs)
      this.gypProgram(path, cwd, variable, value);

    this.flagFiles(cwd, gyp.flagWords);
    this.flagDirectories(path, cwd, gyp.flagDirectories);
    for (const file of new Set(gyp.responseFiles))
      this.responseFile(path, cwd, file, 0);

    for (const module of gyp.pythonModules) {
      const base = module.split(`.`).join(`/`);
      const found = [`${base}.py`, `${base}/__init__.py`].map(name => toPackagePath(cwd, `./${name}`)).find(name => name !== null && this.host.lookup(name) !== null);
      if (found === undefined || found === null) {
        this.host.unresolved.add(`${path}: <!pymod_do_main(${module}) imports a module that is not a file beside it`);
      } else {
        this.host.include(found, this.host.lookup(found)!, false);
      }
    }
  }

  /** The GYP files a GYP file includes or names in target `dependencies`: followed, or refused when they leave the package. */
  private followIncludes(path: string, cwd: string, depth: number, includes: ReadonlyArray<string>, variableDependencies: ReadonlyArray<string>): void {
    for (const dependency of variableDependencies) {
      const line = `${path}: depends on ${dependency}, a target whose file gyp finds through a variable it expands at build time, so which file it loads and evaluates cannot be bound`;
      this.host.foreignRuns.add(line);
      this.host.unresolved.add(line);
    }
    for (const include of includes) {
      const target = toPackagePath(cwd, include);
      if (target === null || target === ``) {
        // gyp loads and evaluates it, `<!(…)` commands included: by `..`, another
        // package's file (round 17, E4), refused in a dependency.
        // An absolute path too (`/proc/self/cwd/node_modules/dep/x.gypi`: outside round 47, G4).
        if (/^\.\.(?:[/\\]|$)/.test(posix.normalize(posix.join(cwd === `` ? `.` : cwd, include.replace(/\\/g, `/`)))) || /^(?:[/\\~]|[A-Za-z]:)/.test(include))
          this.host.foreignRuns.add(`${path}: includes ${include}, outside the package, which gyp loads and evaluates`);
        else
          this.host.unresolved.add(`${path}: includes ${include}, outside the package`);
      } else {
        this.file(target, depth + 1, path);
      }
    }
  }

  /**
   * A flag word that names a file of the package (`-wrapper tools/w.sh`):
   * the compiler may run it, so it is hashed, from the GYP file's folder or build/.
   */
  private flagFiles(cwd: string, words: ReadonlyArray<string>): void {
    for (const word of new Set(words)) {
      for (const base of [cwd, `build`]) {
        const target = toPackagePath(base, word);
        const bytes = target === null || target === `` ? null : this.host.lookup(target);
        if (target !== null && bytes !== null) {
          this.host.executable(target, bytes);
          break;
        }
      }
    }
  }

  /**
   * `-B tools/`, `-iplugindir=`, `--sysroot`: the compiler (run from node-gyp's
   * `build/`) looks in that directory for the programs and plugins it starts
   * (`as`, `ld`, `cc1plus`, `collect2`), so a release that adds one there runs
   * it under identical flags. Every file below the directory is hashed, from
   * the file's folder and from build/; a directory the package cannot hold
   * (absolute, outside it, built at run time) is refused, naming the flag.
   */
  private flagDirectories(path: string, cwd: string, flags: ReadonlyArray<{flag: string, directory: string}>): void {
    for (const {flag, directory} of flags) {
      const shown = `${flag} ${directory}`;
      const targets = sortedUnique([cwd, `build`].map(base => toPackagePath(base, directory)).filter((target): target is string => target !== null));
      if (targets.length === 0 || targets.some(isUnderNodeModules))
        throw new Error(`Install fingerprint aborted: ${path} gives the compiler ${shown}, a directory outside the package (or built at run time): the programs it finds there would run, and no approval can be bound to them`);
      if (this.host.input.files.list === undefined)
        throw new Error(`Install fingerprint aborted: ${path} gives the compiler ${shown}, and the files of that directory cannot be listed to bind them to the approval`);
      for (const target of targets)
        this.host.includeDirectory(target);
      this.host.unresolved.add(`${path}: the compiler flag ${shown} makes it run programs it finds in that directory: every file below ${targets.map(target => target === `` ? `the package root` : `${target}/`).join(` and `)} is hashed`);
    }
  }

  /** `@flags.txt`: a file of more flags; hashed (as a flag word) and its flags read like binding.gyp's. */
  private responseFile(path: string, cwd: string, file: string, depth: number): void {
    const targets = [cwd, `build`].map(base => toPackagePath(base, file));
    if (targets.every(target => target === null || target === `` || isUnderNodeModules(target)))
      throw new Error(`Install fingerprint aborted: ${path} makes the compiler read its flags from @${file}, a file outside the package: no approval can be bound to what it says`);
    let found = false;
    for (const target of targets) {
      const bytes = target === null || target === `` ? null : this.host.lookup(target);
      if (target === null || bytes === null)
        continue;
      found = true;
      this.host.include(target, bytes, false);
      if (depth >= MAX_GYP_INCLUDE_DEPTH)
        throw new Error(`Install fingerprint aborted: ${path}: response files nested more than ${MAX_GYP_INCLUDE_DEPTH} levels deep`);
      const flags = readFlagFile(bytes.toString(`utf8`));
      this.flagFiles(cwd, flags.flagWords);
      this.flagDirectories(target, cwd, flags.flagDirectories);
      for (const nested of new Set(flags.responseFiles))
        this.responseFile(path, cwd, nested, depth + 1);
    }
    if (!found)
      this.host.unresolved.add(`${path}: the compiler reads its flags from @${file}, which is not a file of the package`);
  }

  /**
   * A tool that `make_global_settings` sets: gyp's make generator writes it as
   * `$(abspath <value>)`, so make runs it from node-gyp's `build/` folder for
   * every compile and link. Each word that names a file of the package is
   * hashed (and followed when it is JavaScript); anything else is a limit.
   */
  private gypProgram(path: string, cwd: string, variable: string, value: string): void {
    let named = false;
    for (const word of value.split(/\s+/).filter(word => word !== ``)) {
      for (const base of [`build`, cwd]) {
        const target = toPackagePath(base, word);
        const bytes = target === null || target === `` ? null : this.host.lookup(target);
        if (target !== null && bytes !== null) {
          this.host.executable(target, bytes);
          named = true;
        }
      }
    }
    if (!named) {
      this.host.unresolved.add(`${path}: make_global_settings sets ${variable} to ${value}, which is not a file of the package: make runs what it finds there at build time`);
      // A bare program name (`$(firstword x)`): make finds it on the PATH, where a package's bin may be.
      this.host.mentionsIn(value);
    }
  }
}
