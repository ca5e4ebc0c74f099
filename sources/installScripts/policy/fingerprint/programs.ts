/**
 * Programs of install scripts other than Node, shells and package managers
 * whose options or conventions decide which files run: `env` (another folder,
 * a split string), `make` (which makefile, the makefiles it includes),
 * Python (the modules beside the script shadow the standard library) and
 * Node's test runner (the test files it finds itself).
 */

import type {CollectorHost} from './host';
import {directoryOf, extensionOf, toPackagePath} from './records';
import type {CommandContext} from './tables';
import {type Word, isOption, shellQuoted} from './shell';
import {makeFunctionsExpanded} from './textReadings';

/** How deep `include` lines are followed from one makefile. */
const MAX_MAKE_INCLUDES = 16;
/** Files Python imports: sources, byte code, extension modules. */
const PYTHON_MODULE = /\.(?:py|pyc|pyw|so|pyd)$/;
/** The files `node --test` runs when it is given none (Node 20's rules, and the TypeScript ones of later Node). */
const NODE_TEST_FILE = /\.(?:c|m)?(?:js|ts)$/;
const NODE_TEST_NAME = /^(?:test|test-.*|.*[.\-_]test)$/;

/** What `env`'s options leave to run: the next word at `index` in `context`, or a split string. */
export type EnvCommand = {index: number, context: CommandContext} | {command: string};

export class OtherPrograms {
  constructor(private readonly host: CollectorHost) {}

  /**
   * `env [-i] [-u name] [-C dir] [-S 'string'] …`: `-C` runs the command in
   * another folder of the package, `-S` splits its string into the command
   * and its first arguments. `index` is the word after `env`.
   */
  envOptions(words: Array<Word>, index: number, context: CommandContext): EnvCommand {
    let next = index;
    let current = context;
    while (next < words.length && isOption(words[next].text) && words[next].text !== `-`) {
      const text = words[next].text;
      next++;
      if (text === `--`)
        break;
      const long = /^--(chdir|split-string|unset|argv0)(?:=(.*))?$/s.exec(text);
      let option: string | null = null;
      let value: string | undefined;
      if (long !== null) {
        option = {chdir: `C`, 'split-string': `S`, unset: `u`, argv0: `a`}[long[1]]!;
        value = long[2] ?? words[next++]?.text;
      } else if (!text.startsWith(`--`)) {
        // A cluster of short options: `-iC dir`, `-Sfoo`; the first that takes a value ends it.
        const at = text.slice(1).search(/[CSua]/);
        if (at !== -1) {
          option = text[at + 1];
          const rest = text.slice(at + 2);
          value = rest.length > 0 ? rest : words[next++]?.text;
        }
      }
      if (option === null)
        continue;
      if (value === undefined) {
        this.host.unresolved.add(`${context.origin}: env ${text} has no value; what it runs is not followed`);
        return {index: words.length, context: current};
      }
      if (option === `C`) {
        const cwd = current.cwd === null ? null : toPackagePath(current.cwd, value);
        if (cwd === null)
          this.host.unresolved.add(`${context.origin}: env -C ${value} leaves the package; later paths are looked up from its root`);
        current = {...current, cwd};
      } else if (option === `S`) {
        return {command: [value, ...words.slice(next).map(word => shellQuoted(word.text))].join(` `)};
      }
    }
    return {index: next, context: current};
  }

  /**
   * `make [-C dir] [-f file] [-I dir]`: the makefile it reads, and every
   * makefile that one includes, are hashed and read for the bins they name;
   * the commands of its recipes are not analysed further (a stated limit).
   */
  make(name: string, words: ReadonlyArray<Word>, start: number, context: CommandContext): void {
    let folder: string | null = context.cwd ?? ``;
    const makefiles: Array<string> = [];
    const includeDirectories: Array<string> = [];
    for (let i = start; i < words.length; i++) {
      const text = words[i].text;
      const option = /^(?:(-C|--directory)|(-f|--file|--makefile)|(-I|--include-dir))(?:=(.*))?$/s.exec(text) ?? /^(?:(-C)|(-f)|(-I))(.+)$/s.exec(text);
      if (option === null)
        continue;
      const value = option[4] ?? words[++i]?.text;
      if (value === undefined)
        continue;
      if (option[1] !== undefined)
        folder = folder === null ? null : toPackagePath(folder, value);
      else if (option[2] !== undefined)
        makefiles.push(value);
      else
        includeDirectories.push(value);
    }
    if (folder === null) {
      this.host.unresolved.add(`${context.origin}: ${name} runs in a folder outside the package, whose makefile is not followed`);
      return;
    }

    const read: Array<string> = [];
    const seen = new Set<string>();
    const names = makefiles.length > 0 ? makefiles : [`GNUmakefile`, `makefile`, `Makefile`];
    for (const file of names) {
      const path = toPackagePath(folder, file);
      const found = path === null || path === `` ? null : this.host.lookup(path);
      if (path === null || found === null) {
        if (makefiles.length > 0)
          this.host.unresolved.add(`${context.origin}: ${name} -f ${file} is not a file of the package, so what it runs is not known`);
        continue;
      }
      read.push(path);
      this.makefile(path, found, folder, includeDirectories, seen, 0);
      // Without -f, make reads the first of the three names it finds.
      if (makefiles.length === 0)
        break;
    }
    if (read.length === 0 && makefiles.length === 0)
      this.host.unresolved.add(`${context.origin}: runs ${name}; no makefile of the package was found${folder === `` ? `` : ` in ${folder}`}, so what it runs is not known`);
    else if (read.length > 0)
      this.host.unresolved.add(`${context.origin}: runs ${name}; ${read.join(`, `)} and the makefiles ${read.length === 1 ? `it includes` : `they include`} are hashed and read only for the bins and node_modules files they name (a command a recipe builds at run time is not followed)`);
  }

  private makefile(path: string, bytes: Buffer, folder: string, includeDirectories: ReadonlyArray<string>, seen: Set<string>, depth: number): void {
    if (seen.has(path))
      return;
    seen.add(path);
    this.host.include(path, bytes, false);
    // A recipe is shell code make hands to sh: the bins it names run (round 30, M1).
    this.host.namesIn(bytes);
    // make hands `$$` to the shell as `$` (`$$[1]`, bash's arithmetic), and works out
    // its text functions (`$(subst q,,zqbqin)`) before it does: round 31, M2.
    const text = bytes.toString(`utf8`);
    const expanded = makeFunctionsExpanded(text);
    for (const reading of new Set([text.replace(/\$\$/g, `$`), expanded, expanded.replace(/\$\$/g, `$`)]))
      if (reading !== text)
        this.host.namesIn(Buffer.from(reading));
    if (depth >= MAX_MAKE_INCLUDES) {
      this.host.unresolved.add(`${path}: makefiles included more than ${MAX_MAKE_INCLUDES} levels deep are not followed`);
      return;
    }
    // Continued lines join before make reads `include`.
    for (const line of text.replace(/\\\r?\n/g, ` `).split(/\r?\n/)) {
      const include = /^[ \t]*[-s]?include[ \t]+([^#]*)/.exec(line);
      if (include === null)
        continue;
      for (const name of include[1].split(/\s+/).filter(word => word.length > 0)) {
        if (/[$*?[]/.test(name)) {
          this.host.unresolved.add(`${path}: includes ${name}, a name make builds when it runs: not followed`);
          continue;
        }
        // make looks an include up from its folder, then in the -I folders.
        const bases = [folder, ...includeDirectories.map(directory => toPackagePath(folder, directory)).filter((base): base is string => base !== null)];
        const target = bases.map(base => toPackagePath(base, name)).find(candidate => candidate !== null && candidate !== `` && this.host.lookup(candidate) !== null);
        if (target === undefined || target === null) {
          this.host.unresolved.add(`${path}: includes ${name}, which is not a file of the package (make may build it, or find it outside)`);
          continue;
        }
        this.makefile(target, this.host.lookup(target)!, folder, includeDirectories, seen, depth + 1);
      }
    }
  }

  /**
   * `python script.py`, `python -m mod`, `python -c '…'`: Python imports
   * first from the script's folder (the working folder for -m and -c), so a
   * `json.py` there replaces the standard module. Every Python module below
   * that folder is hashed; the Python itself is not analysed.
   */
  python(words: ReadonlyArray<Word>, start: number, context: CommandContext): void {
    let i = start;
    let fromWorkingFolder = false;
    while (i < words.length && isOption(words[i].text)) {
      const text = words[i].text;
      if (text === `-m` || text === `-c` || /^-[mc]./.test(text)) {
        fromWorkingFolder = true;
        // `python -m pip install x` installs from PyPI while the install runs.
        const module = text.length > 2 ? text.slice(2) : words[i + 1]?.text;
        if (text.startsWith(`-m`) && module === `pip` && words.slice(i + 1).some(word => word.text === `install`))
          this.host.registryInstalls.add(`${context.origin}: ${words.slice(start - 1).map(word => word.text).join(` `)}`);
        break;
      }
      if (/^-[WXQ]$|^--check-hash-based-pycs$/.test(text))
        i++;
      i++;
    }
    let folder: string | null = context.cwd ?? ``;
    if (!fromWorkingFolder) {
      const script = i < words.length ? toPackagePath(context.cwd ?? ``, words[i].text) : null;
      folder = script === null ? null : directoryOf(script);
    }
    if (folder !== null)
      this.pythonModules(folder);
  }

  /**
   * `perl build.pl`, `ruby x.rb`: `use lib`, `-I`, `require_relative` load
   * modules from anywhere in the package: every Perl (or Ruby) file of it is
   * hashed, and read as text for the bins and node_modules files it names; the
 * code itself is not analysed (a stated limit).
   */
  scriptModules(name: `perl` | `ruby`): void {
    const modules = name === `perl` ? /\.(?:pm|pl|pmc)$/ : /\.rb$/;
    for (const file of this.host.filesBelow(``) ?? []) {
      if (modules.test(file)) {
        const bytes = this.host.lookup(file);
        if (bytes !== null) {
          this.host.include(file, bytes, false);
          this.host.namesIn(bytes);
        }
      }
    }
    this.host.unresolved.add(`runs ${name === `perl` ? `Perl` : `Ruby`}, which is not analysed: every ${name === `perl` ? `.pm and .pl` : `.rb`} file of the package is hashed`);
  }

  /** `PYTHONPATH=a:b`: Python imports from those folders before its own. */
  pythonPath(value: string, context: CommandContext): void {
    for (const entry of value.split(/[:;]/).filter(part => part.length > 0)) {
      const folder = toPackagePath(context.cwd ?? ``, entry);
      if (folder === null)
        this.host.unresolved.add(`${context.origin}: PYTHONPATH names ${entry}, outside the package: the Python modules there are not hashed`);
      else
        this.pythonModules(folder);
    }
  }

  private pythonModules(folder: string): void {
    for (const file of this.host.filesBelow(folder) ?? []) {
      if (PYTHON_MODULE.test(file)) {
        const bytes = this.host.lookup(file);
        if (bytes !== null) {
          this.host.include(file, bytes, false);
          this.host.namesIn(bytes);
        }
      }
    }
  }

  /**
   * `node --test` without files runs the test files it finds below its
   * working folder (`test/` folders, `*.test.js`, `test-*.js`…, never in
   * node_modules): each is followed as code.
   */
  nodeTests(words: ReadonlyArray<Word>, start: number, context: CommandContext): void {
    if (words.slice(start).some(word => !isOption(word.text)))
      return;
    const folder = context.cwd ?? ``;
    for (const file of this.host.filesBelow(folder) ?? []) {
      const relative = folder === `` ? file : file.slice(folder.length + 1);
      const stem = relative.slice(relative.lastIndexOf(`/`) + 1, relative.length - extensionOf(relative).length);
      if (!NODE_TEST_FILE.test(relative) || !(NODE_TEST_NAME.test(stem) || relative.split(`/`).slice(0, -1).includes(`test`)))
        continue;
      const bytes = this.host.lookup(file);
      if (bytes !== null) {
        this.host.include(file, bytes, true);
      }
    }
  }
}
