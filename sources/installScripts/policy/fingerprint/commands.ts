/**
 * The commands of install scripts, word by word: what each command word runs
 * (a file of the package, a script, Node with its flags, a shell, npm/yarn/npx,
 * node-gyp), which files that reaches, and what cannot be decided.
 */

import {posix} from 'path';

import type {CollectorHost} from './host';
import {envFileSettings, envSplitCommand, nodeOptionSpelling, nodeOptionsWords} from './nodeSpellings';
import {BUILTIN_TEST_REPORTERS, COMMAND_PREFIXES, GIT_COMMAND_SETTING, WRAPPER_VALUE_OPTIONS, WRAPPERS_WITH_COMMAND_OPTION, WRAPPERS_WITH_OPERAND, COMMAND_SUFFIXES, type CommandContext, ENV_ASSIGNMENT, GYP_TOOLS, MAX_COMMAND_DEPTH, NODE_EVAL_FLAGS, NODE_EXITING_FLAGS, NODE_INSPECTOR_FLAG, NODE_MODULE_FLAGS, NODE_VARIABLES, NPM_PROGRAM_SETTINGS, NPM_SCRIPTS, PACKAGE_MANAGER_VARIABLE, NPX_TOOLS, PYTHON, RUN_ALL_TOOLS, SHELLS, SHELL_BUILTINS, SHELL_KEYWORDS, VARIABLE_WORD, MENTION_TOKEN, isJavaScriptFile, nodeFlagTakesValue} from './tables';
import {type Word, commandName, decodeEscapes, isOption, looksLikeCommand, shellQuoted, splitNested} from './shell';
import {hasUnfoldedArithmetic, textReadings} from './textReadings';
import {typescriptCandidates} from './tsconfig';
import {directoryOf, toPackagePath} from './records';
import {PackageManagerCommands} from './packageManagers';
import {OtherPrograms} from './programs';
import {GitReading} from './git';
import {expandBraces, expandVariables, globRegExp, hasGlob, isGlobWord, withAssignments, workspaceGlobPaths} from './shellExpansion';
import {type Located, decodePercent, fileUrlPath, isBuiltinSpecifier, isUnderNodeModules, noPackageName, splitBareSpecifier} from './resolver';

/** Variables that tell programs where their configuration lives (npm's .npmrc node-options, git's hooks). */
/** Runners of TypeScript that take node's options and a file to run (tsx, ts-node and its spellings). */
const TYPESCRIPT_RUNNERS = new Set([`tsx`, `ts-node`, `ts-node-esm`, `ts-node-transpile-only`, `ts-node-cwd`, `ts-node-script`]);

/** Variables that tell a TypeScript runner which configuration to use. */
const TYPESCRIPT_CONFIG_VARIABLES = /^(?:TSX_TSCONFIG_PATH|TS_NODE_PROJECT)=/;

const CONFIGURATION_HOMES = new Set([`HOME`, `USERPROFILE`, `XDG_CONFIG_HOME`, `npm_config_userconfig`, `NPM_CONFIG_USERCONFIG`, `npm_config_globalconfig`, `NPM_CONFIG_GLOBALCONFIG`, `GIT_CONFIG_GLOBAL`, `GIT_DIR`, `GIT_COMMON_DIR`, `PYTHONUSERBASE`, `ZDOTDIR`, `CURL_HOME`, `GNUPGHOME`]);

/** The most files of a home folder a script sets that are read for the bins they name. */
const MAX_HOME_FILES = 256;

/**
 * `node --experimental-policy=policy.json`: the policy's redirects decide
 * what a require loads, a file of another package included (outside attack
 * round 12, F14); not followed, so refused.
 */
function refusePolicy(word: string, context: CommandContext): void {
  if (/^--(?:experimental-policy|policy-integrity)(?:=|$)/.test(word))
    throw new Error(`${context.origin}: node ${word} lets a policy file redirect what require loads, to code that no approval can be bound to`);
}

export class CommandAnalysis {
  private readonly packageManagers: PackageManagerCommands;
  private readonly programs: OtherPrograms;
  private readonly git: GitReading;
  /** Shell functions whose body changes the folder (`f() { cd sub; }`), with that body (null when it could not be read). */
  private readonly folderFunctions = new Map<string, string | null>();
  /** The functions being followed (a function that calls itself is followed once). */
  private readonly calling = new Set<string>();

  constructor(private readonly host: CollectorHost) {
    this.programs = new OtherPrograms(host);
    this.git = new GitReading(host, {nested: (text, context) => this.nested(text, context)});
    this.packageManagers = new PackageManagerCommands(host, {
      analyseCommand: (text, context) => this.analyseCommand(text, context),
      analyseWords: (words, start, context) => this.analyseWords(words, start, context),
      nested: (text, context) => this.nested(text, context),
      plainArguments: (words, start, context) => this.plainArguments(words, start, context),
      nodeOptions: (value, context) => this.assignment(`NODE_OPTIONS=${value}`, context),
      scriptShell: (value, context) => this.scriptShell(value, context),
      npmProgram: (key, value, context) => this.npmProgram(key, value, context),
      npmrc: (path, context) => this.npmrc(path, context),
      climbsOut: (text, context) => this.climbsOut(text, context),
    });
  }

  analyseCommand(text: string, context: CommandContext): void {
    if (context.depth > MAX_COMMAND_DEPTH)
      throw new Error(`Install fingerprint aborted: commands nested more than ${MAX_COMMAND_DEPTH} levels deep`);
    // Any program may run a name it is given (`timeout 20 x`, `ssh -o ProxyCommand=x`),
    // also one awk joins from adjacent literals, escapes decoded (`system("zqb" "\151n")`: round 30, M6, M7).
    for (const reading of textReadings(text))
      this.host.mentionsIn(reading);
    // `$INIT_CWD/node_modules/.bin/x`: a bin the linker linked there, whatever the folder before it.
    for (const linked of text.matchAll(/node_modules[/\\]\.bin[/\\]([\w@.+-]+)/g))
      this.host.commands.add(`dotbin:${linked[1]}`);
    // `$npm_package_config_url`, `$npm_package_json`: the manifest, read by the script.
    if (/npm_package_/i.test(text))
      this.host.readsManifest();
    // `node $(ls | grep md)`: a command's words come from another command's
    // output, so what runs is decided at run time (round 9, E29, E40).
    if (/\$\((?!\()|`/.test(text))
      this.host.unresolved.add(`${context.origin}: builds a command from another command's output ($(…) or backticks): what it runs is decided at run time and not followed`);
    // Arithmetic the reading could not work out (a variable in it): round 31, M2.
    if (hasUnfoldedArithmetic(text))
      this.host.unresolved.add(`${context.origin}: builds a word with shell arithmetic ($((…)) or $[…]) that is not made of constants: what it runs is decided at run time and not followed`);

    // `f() { cd sub; }`: a call of f changes the folder (round 29, M1).
    for (const definition of text.matchAll(/(?:^|[\s;&|(])(?:function\s+([A-Za-z_][\w-]*)\s*(?:\(\s*\))?|([A-Za-z_][\w-]*)\s*\(\s*\))\s*[{(]([^}]*)/g)) {
      if (/(?:^|[\s;&|({])(?:cd|pushd|popd)(?:\s|;|$)/.test(definition[3]))
        this.folderFunctions.set(definition[1] ?? definition[2], definition[3].includes(`{`) ? null : definition[3]);
    }

    // `cd` in one simple command applies to the following ones of the same
    // text, but not beyond the subshell it ran in: `(cd x; a); b` runs b here.
    const outer: Array<CommandContext> = [];
    let shared: CommandContext = {...context};
    for (const {words, subshell, feeds, fed} of splitNested(text)) {
      while (outer.length < subshell)
        outer.push({...shared});
      while (outer.length > subshell)
        shared = outer.pop()!;
      // A command that feeds a pipe runs in a subshell; in sh the last one
      // too, while Yarn's shell lets the last one keep its `cd` (round 29, M1).
      this.analyseWords(words, 0, feeds === true || (fed === true && context.posix === true) ? {...shared} : shared);
    }
  }

  /**
   * Words as Yarn's shell expands them where the analysis can tell (round 20,
   * M4, M7): `$T` that an earlier command of the script set to a literal,
   * `${X:-default}` (its default, stated), a glob whose folder part matches
   * one workspace's folder.
   */
  private expandVariables(words: Array<Word>, context: CommandContext): Array<Word> {
    if (!words.some(word => word.text.includes(`$`) || hasGlob(word.text)))
      return words;
    return words.flatMap(word => {
      const expanded = word.text.includes(`$`) ? expandVariables(word.text, context.shellVariables, defaulted => {
        this.host.unresolved.add(`${context.origin}: ${defaulted.expansion} is followed as ${JSON.stringify(defaulted.value)}; what runs when ${defaulted.name} is set or unset otherwise in the environment is not`);
      }) : word.text;
      // A brace list makes several words (`node_modules/{a,b*}/x.js`: round 23, M3). Quoted or
      // escaped braces stay one word, and which were is not known here: the word as written
      // comes first, the words the list would make after it (more files, none missed).
      const alternatives = [...new Set([expanded, ...(/\s/.test(expanded) ? [] : expandBraces(expanded))])];
      return alternatives.flatMap(text => {
        // A word quoted in part (`"packages/t"*`) is still a glob: read as one either way.
        const paths = isOption(text) || context.cwd === null ? [] : workspaceGlobPaths(text, context.cwd, this.host.input.workspaceFolders ?? []);
        if (paths.length > 0)
          return paths.map(path => ({...word, text: path}));
        return [text === word.text ? word : {...word, text}];
      });
    });
  }

  private rememberVariables(assignments: Array<Word>, context: CommandContext): void {
    context.shellVariables = withAssignments(context.shellVariables, assignments.map(word => word.text));
  }

  private nested(text: string, context: CommandContext): void {
    this.analyseCommand(text, {...context, depth: context.depth + 1});
  }

  /**
   * A folder a script makes a program's home (`HOME=cfg sh -lc …`): bound,
   * and every file in it read for the bins it names, since the programs read
   * their start-up files there (`.profile`, `.bashrc`, `.lesskey`, `.ssh/config`,
   * a Python `.pth`) and run what those name (outside attack round 32, M1, M3).
   */
  private homeFiles(name: string, folder: string, context: CommandContext): void {
    this.host.includeDirectory(folder);
    const files = this.host.filesBelow(folder) ?? [];
    for (const file of files.slice(0, MAX_HOME_FILES)) {
      const bytes = this.host.lookup(file);
      if (bytes !== null)
        this.host.namesIn(bytes);
    }
    if (files.length > MAX_HOME_FILES)
      this.host.unresolved.add(`${context.origin}: ${name}=${folder} holds more than ${MAX_HOME_FILES} files: those past the ${MAX_HOME_FILES}th are hashed but not read for the programs they start`);
  }

  /** Words from `start` form a simple command: skip assignments and prefixes, then dispatch on the command word. */
  analyseWords(unexpanded: Array<Word>, start: number, context: CommandContext): void {
    const words = this.expandVariables(unexpanded, context);
    // Every word, options and their values included (`--env-file=../x/.env`).
    for (const word of words.slice(start)) {
      this.climbsOut(word.text, context);
      this.parentOfWorkingFolder(word.text, context);
      this.projectFolderValue(word.text, context);
      // The word as the program gets it (`z''q` is `zq`; `$'\x7aq'` is `zq`): a name it may run.
      for (const token of decodeEscapes(word.text).match(MENTION_TOKEN) ?? [])
        this.host.mentions.add(token);
    }
    let index = start;
    let current = context;
    for (;;) {
      const assignments = index;
      while (index < words.length && ENV_ASSIGNMENT.test(words[index].text)) {
        this.assignment(words[index].text, current);
        index++;
      }
      if (index >= words.length) {
        // `T=packages/a`: the shell keeps it for the commands after it.
        this.rememberVariables(words.slice(assignments), current);
        return;
      }

      const word = words[index].text;
      const name = commandName(word);
      if (word.includes(`/`) || !(COMMAND_PREFIXES.has(name) || SHELL_KEYWORDS.has(name)))
        break;

      if (COMMAND_PREFIXES.has(name))
        this.host.commands.add(name);
      // The command after xargs is followed, but not the files it is given.
      if (name === `xargs`)
        this.host.unresolved.add(`${current.origin}: xargs runs a command on files chosen at run time, which are not followed`);

      index++;
      if (name === `env`) {
        // `env -C dir cmd` runs cmd in that folder; `env -S 'node -r x' y` splits its string.
        const env = this.programs.envOptions(words, index, current);
        if (`command` in env) {
          this.nested(env.command, current);
          return;
        }
        ({index, context: current} = env);
        continue;
      }
      while (index < words.length && isOption(words[index].text)) {
        const option = words[index].text;
        if ((NPX_TOOLS.has(name) && (option === `-c` || option === `--call`)) || (WRAPPERS_WITH_COMMAND_OPTION.has(name) && (option === `-c` || option === `--command`))) {
          // `npx -c 'node x.js'`: a command line, run with the project's bins on PATH; `script -c`, `flock f -c` likewise.
          if (index + 1 < words.length)
            this.nested(words[index + 1].text, current);
          return;
        } else if (NPX_TOOLS.has(name) && (option === `-p` || option === `--package` || option.startsWith(`--package=`))) {
          // `npx -p x cmd` downloads x from the registry: nothing yarn.lock or the pins hold.
          this.packageManagers.registryInstall(current, words, start);
          return;
        } else {
          this.optionValue(option, current);
          if (WRAPPER_VALUE_OPTIONS.get(name)?.has(option) === true)
            index++;
        }
        index++;
      }

      if (WRAPPERS_WITH_OPERAND.has(name) && index < words.length) {
        // `timeout 20 cmd`, `flock /tmp/l cmd`: the operand, then the command (`flock f -c 'cmd'` too).
        index++;
        while (index < words.length && isOption(words[index].text)) {
          if (WRAPPERS_WITH_COMMAND_OPTION.has(name) && words[index].text === `-c` && index + 1 < words.length) {
            this.nested(words[index + 1].text, current);
            return;
          }
          index++;
        }
        continue;
      }
      if (NPX_TOOLS.has(name) && index < words.length && words[index].text.lastIndexOf(`@`) > 0) {
        // `npx tool@1`: the project's tool only if it has that version, else the registry's.
        this.packageManagers.registryInstall(current, words, start);
        return;
      } else if (NPX_TOOLS.has(name) && index < words.length && !words[index].text.includes(`/`)) {
        // Whether npx finds the tool among the project's bins or downloads it is
        // for the caller, who knows the PATH: reported as `npx:<tool>`.
        this.host.commands.add(`${name}:${commandName(words[index].text)}`);
      }
    }

    this.commandAt(words, index, current);
  }

  private commandAt(words: Array<Word>, index: number, context: CommandContext): void {
    const word = words[index];
    let name = commandName(word.text);
    const rest = index + 1;
    const body = this.folderFunctions.get(word.text);
    if (body !== undefined && context.cwd !== null) {
      if (body !== null && !this.calling.has(word.text)) {
        // Its commands, where it is called: their `cd` is the caller's.
        this.calling.add(word.text);
        for (const command of splitNested(body))
          this.analyseWords(command.words, 0, context);
        this.calling.delete(word.text);
      } else {
        context.cwd = null;
        this.host.unresolved.add(`${context.origin}: runs the function ${word.text}, which changes the folder with cd; later paths are looked up from the package's root`);
      }
    }
    // `git lfs install` runs the program git-lfs it finds on the PATH (so do
    // cargo, kubectl and other tools with subcommand programs): such a name
    // is mentioned too.
    for (const argument of words.slice(rest)) {
      if (argument.text.match(MENTION_TOKEN)?.[0] === argument.text)
        this.host.mentions.add(`${name}-${argument.text}`);
    }

    // `kill -USR1 $PPID`: node opens its inspector on that signal, to which
    // another process can send code to run (outside attack round 83, B04).
    if (SIGNAL_SENDERS.has(name) && sendsInspectorSignal(words.slice(rest).map(argument => argument.text)))
      this.host.unresolved.add(`${context.origin}: ${name} sends a signal that may open node's inspector (SIGUSR1), which runs any code sent to it: not followed`);

    const variable = VARIABLE_WORD.exec(word.text)?.[1];
    if (variable !== undefined && NODE_VARIABLES.has(variable)) {
      name = `node`;
      this.host.commands.add(name);
    } else if (variable === PACKAGE_MANAGER_VARIABLE) {
      // `$npm_execpath run -T x`: the package manager that runs the script
      // (Yarn, or npm under `npm run`), read both ways.
      this.packageManagerByPath(words, rest - 1, context);
      return;
    } else if (fromProjectFolder(word.text, context)) {
      // `$INIT_CWD/node_modules/dep/cli.js` runs that dependency's file; any
      // other path there, the project's or another package's (round 14).
      if (!this.host.dependencyPath(word.text))
        this.notInPackage(`runs`, word.text, context);
    } else if (word.text.includes(`$`)) {
      this.host.unresolved.add(`${context.origin}: runs ${word.text}, a command decided at run time`);
    } else if (word.text.includes(`/`) || word.text.includes(`\\`)) {
      // A word with a slash (`./configure`, `bin/setup`) names a file, not a program of PATH.
      const found = isGlobWord(word) ? this.globFiles(word.text, context, false) : this.candidate(word.text, context, false);
      if (found !== null && this.leftPackage(`runs`, word.text, context)) {
        // Refused: what runs is the other folder's file.
      } else if (found === null) {
        if (!this.host.dependencyPath(toPackagePath(context.cwd ?? ``, word.text) ?? word.text))
          this.notInPackage(`runs`, word.text, context);
      } else if (!isJavaScriptFile(found.path, found.bytes)) {
        this.host.programText(found.path, found.bytes, `executable that is not JavaScript`, context);
      } else {
        // The kernel picks the program by the `#!` line, not the name: `setup.js`
        // that starts `#!/bin/sh`, or has no `#!` line (a BOM before it too), runs
        // as a shell script (outside attack round 58, J1).
        const program = kernelProgram(found.bytes);
        if (!/^(?:node|nodejs)$/.test(program))
          this.host.programText(found.path, found.bytes, `file named like JavaScript that runs as ${program}`, context);
      }
      // `/usr/bin/npx x`: npx by a path runs x with npm's PATH, as npx does
      // (`/usr/bin/npm run x` is read as npm below: outside attack round 36, M1).
      if (found === null && NPX_TOOLS.has(name))
        this.host.commands.add(`${NPM_SCRIPTS}${name}`);
      // `#!/usr/bin/env -S node --require ./hook.js`: the options of the
      // interpreter run code too; analysed as the command the kernel runs.
      const interpreter = found === null ? null : this.shebangCommand(found, context);
      if (interpreter !== null && !found!.path.includes(`'`))
        this.nested(`${interpreter} '${found!.path}'`, context);
    } else if (!SHELL_KEYWORDS.has(name) && !SHELL_BUILTINS.has(name)) {
      this.host.commands.add(name);
    }

    if (PYTHON.test(name)) {
      const shown = words.slice(index, index + 4).map(argument => argument.text).join(` `);
      this.host.unresolved.add(`${context.origin}: runs Python (${shown}${words.length > index + 4 ? ` …` : ``}), which is not analysed; the files it names and the Python modules of the folder it imports from are hashed`);
      this.programs.python(words, rest, context);
    }

    if (name === `perl` || name === `ruby`)
      this.programs.scriptModules(name);
    // GNU sed's `e` command and `s///e` flag run the pattern space, which a substitution builds (round 32, M2).
    if (/^g?sed$/.test(name) && words.slice(rest).some(argument => /(?:^|[;{}\n\s])\d*e(?:\s|$|;)|^s(.).*\1.*\1[^;}]*e|^-f|^--file/.test(argument.text)))
      this.host.unresolved.add(`${context.origin}: runs ${name} with a script that may run commands (e, s///e, a script file): only the names it writes as literals are followed, a command it builds is not`);
    // awk runs commands (`system()`, `print | "cmd"`) whose text it may build (`sprintf`,
    // `substr`, `tolower`): only the names it writes as literals are read (round 31, M2).
    if (/^[gmn]?awk$/.test(name) && words.slice(rest).some(argument => /system|\||^-f|^--file/.test(argument.text)))
      this.host.unresolved.add(`${context.origin}: runs ${name}, whose program may run commands: only the names it writes as literals (joined literals too) are followed, a command it builds (sprintf, substr, a variable) is not`);
    if (name === `make` || name === `gmake`)
      this.programs.make(name, words, rest, context);
    if (name === `git`)
      this.git.command(words, rest, context);
    if (name === `node` && words.slice(rest).some(argument => argument.text === `--test` || argument.text.startsWith(`--test=`)))
      this.programs.nodeTests(words, rest, context);
    if (name === `find` && words.slice(rest).some(argument => argument.text === `-exec` || argument.text === `-execdir`))
      this.host.unresolved.add(`${context.origin}: ${name} runs a command on files chosen at run time, which are not followed`);

    if (GYP_TOOLS.has(name))
      this.gypTool(words.slice(rest), context);
    if (name === `cmake-js`)
      this.host.wantsCmakeLists = true;

    if (looksLikeCommand(word))
      this.nested(word.text, context);

    if (name === `cd`) {
      const target = words[rest];
      if (target !== undefined && isGlobWord(target))
        this.changeDirectoryByGlob(target.text, context);
      else
        this.changeDirectory(target?.text, context);
    } else if (name === `node` || name === `nodejs`) {
      this.nodeArguments(words, rest, context);
    } else if (TYPESCRIPT_RUNNERS.has(name)) {
      this.typescriptRunner(words, rest, context);
    } else if (SHELLS.has(name)) {
      this.shellArguments(words, rest, context);
    } else if (name === `source` || name === `.`) {
      this.shellScript(words, rest, context);
    } else if (name === `eval`) {
      this.nested(words.slice(rest).map(argument => argument.text).join(` `), context);
    } else if (name === `npm` || name === `pnpm` || name === `yarn`) {
      this.packageManagers.arguments(name, words, rest, context);
    } else if (name === `yarnpkg`) {
      // Yarn's own wrappers on the PATH of its scripts: `yarnpkg` is yarn,
      // `run` is `yarn run` (outside attack round 14, F33).
      this.packageManagers.arguments(`yarn`, words, rest, context);
    } else if (name === `run` && !/[/\\]/.test(word.text)) {
      // Not `./run`, a file of the package (read as `yarn run ./run`, it recursed: round 29, M1).
      this.packageManagers.arguments(`yarn`, words, rest - 1, context);
    } else if (name === `corepack`) {
      // `corepack pnpm@9 …`, `corepack install`: a package manager fetched from
      // a registry (one the script may choose) and run (round 12, F56).
      const sub = words.slice(rest).find(word => !isOption(word.text))?.text;
      if (sub !== undefined && !/^(?:enable|disable)$/.test(sub))
        this.packageManagers.registryInstall(context, words, rest - 1);
    } else if (RUN_ALL_TOOLS.has(name)) {
      for (let i = rest; i < words.length; i++) {
        if (!isOption(words[i].text)) {
          this.host.followScriptPattern(words[i].text);
        }
      }
    } else {
      this.plainArguments(words, rest, context);
    }
  }

  /**
   * `tsx [watch] [--tsconfig x] [node options] file`, `ts-node [-P x] file`:
   * read like node, whose options they pass on (`--env-file`, `--require`:
   * round 19, M6), with the configuration they are told to use and the
   * tsconfig.json of the folder they run in (M1-M3), and the entry resolved
   * as they resolve it: `scripts/x` or `scripts/x.js` is `scripts/x.ts`, a
   * folder its `index.ts` (M4).
   */
  private typescriptRunner(words: Array<Word>, rest: number, context: CommandContext): void {
    this.host.typescriptFolders.add(context.cwd ?? ``);
    const passed: Array<Word> = [];
    let i = rest;
    if (words[i]?.text === `watch`)
      i++;
    for (; i < words.length; i++) {
      const text = words[i].text;
      const config = /^(?:--tsconfig|--project|-P)(?:=([\s\S]*))?$/.exec(text);
      if (config !== null) {
        const value = config[1] ?? words[++i]?.text;
        // Without a value the runner does not start.
        if (value !== undefined)
          this.typescriptConfiguration(value, `${text} ${value}`, context);
        continue;
      }
      if (!isOption(text)) {
        passed.push({...words[i], text: this.typescriptEntry(text, context)}, ...words.slice(i + 1));
        break;
      }
      passed.push(words[i]);
    }
    this.nodeArguments([...words.slice(0, rest), ...passed], rest, context);
  }

  /**
   * A TypeScript configuration a runner is told to use (`--tsconfig x`,
   * `TSX_TSCONFIG_PATH=x`): read with the package's files. Outside the package
   * (`../../cfg/x.json` from a dependency's folder, as the project's .env.yarn
   * may set it: round 19, M15) or decided at run time, it retargets what the
   * runner loads for every import: undecidable.
   */
  private typescriptConfiguration(value: string, shown: string, context: CommandContext): void {
    const path = value.includes(`$`) ? null : toPackagePath(context.cwd ?? ``, value);
    if (path === null)
      throw new Error(`${context.origin}: ${shown} names a TypeScript configuration outside the package, which decides what a TypeScript runner loads for its imports, code that no approval can be bound to`);
    this.host.typescriptConfigs.add(path);
  }

  /** The file a TypeScript runner runs for `entry`: as written when it exists, else its TypeScript spelling. */
  private typescriptEntry(entry: string, context: CommandContext): string {
    const base = context.cwd ?? ``;
    const path = toPackagePath(base, entry);
    if (path === null || this.host.lookup(path) !== null || entry.includes(`$`))
      return entry;
    for (const candidate of typescriptCandidates(/^\.\.?\//.test(entry) ? entry : `./${entry}`)) {
      const found = toPackagePath(base, candidate);
      if (found !== null && this.host.lookup(found) !== null)
        return candidate;
    }
    return entry;
  }

  private changeDirectory(target: string | undefined, context: CommandContext): void {
    if (target !== undefined)
      this.climbsOut(target, context);
    // `cd` alone, `cd -` or a directory outside the root: whatever runs next
    // is not resolved inside the package any more.
    const fromProject = target === undefined ? undefined : this.projectFolderPath(target);
    if (fromProject !== undefined && fromProject !== target) {
      // `cd $PROJECT_CWD` in the top-level workspace: its own folder.
      context.cwd = fromProject === `` ? `` : toPackagePath(``, fromProject);
    } else if (target === undefined || context.cwd === null) {
      context.cwd = null;
    } else if (!/^(?:\.{1,2}(?:[/\\]|$)|[/\\~$])/.test(target) && (context.shellVariables?.has(`CDPATH`) === true || this.host.mentions.has(`CDPATH`))) {
      // `CDPATH=scripts; cd sub` enters scripts/sub when it exists (round 29, M1).
      const cdpath = context.shellVariables?.get(`CDPATH`);
      const cwd = context.cwd;
      const entered = cdpath === undefined || cdpath.includes(`$`) ? null : [...cdpath.split(`:`).map(entry => toPackagePath(toPackagePath(cwd, entry === `` ? `.` : entry) ?? ``, target)), toPackagePath(cwd, target)]
        .find(folder => folder !== null && (folder === `` || (this.host.filesBelow(folder)?.length ?? 0) > 0));
      context.cwd = entered ?? null;
      if (entered === undefined || entered === null)
        this.host.unresolved.add(`${context.origin}: cd ${target} with CDPATH set by the environment or to a folder decided at run time; later paths are looked up from the package's root`);
      return;
    } else {
      context.cwd = toPackagePath(context.cwd, target);
    }
    if (context.cwd === null) {
      this.host.unresolved.add(`${context.origin}: ${target === undefined ? `cd` : `cd ${target}`} leaves the package; later paths are looked up from its root`);
    }
  }

  /**
   * `cd x*` where the glob matches no workspace's folder (one that does was
   * read as that folder's path before: expandVariables): the folder it enters
   * is not known.
   */
  private changeDirectoryByGlob(pattern: string, context: CommandContext): void {
    // Into node_modules (`cd node_modules; cd zq*`): the folders of the
    // packages the glob matches, whose files later paths name (outside attack round 28, M1).
    const path = context.cwd === null ? null : toPackagePath(context.cwd, pattern);
    if (path !== null && isUnderNodeModules(path)) {
      context.cwd = path;
      return;
    }
    context.cwd = null;
    this.host.unresolved.add(`${context.origin}: cd ${pattern} enters the folder a glob matches when the script runs; later paths are looked up from the package's root`);
  }

  private plainArguments(words: Array<Word>, start: number, context: CommandContext): void {
    for (let i = start; i < words.length; i++) {
      this.argument(words[i], context, false);
    }
  }

  /**
   * node-gyp and its kin build the binding.gyp of their working directory, or
   * of `--directory=<dir>` (`-C <dir>`); `--nodedir=<dir>` makes gyp read that
   * folder's `include/node/common.gypi`.
   */
  private gypTool(args: ReadonlyArray<Word>, context: CommandContext): void {
    let directory = context.cwd ?? ``;
    for (let i = 0; i < args.length; i++) {
      const text = args[i].text;
      const option = /^(--directory|--nodedir|-C)(?:=(.*))?$/.exec(text);
      if (option === null)
        continue;
      const value = option[2] ?? args[++i]?.text;
      if (value === undefined)
        continue;
      const path = toPackagePath(context.cwd ?? ``, value);
      if (path === null) {
        if (option[1] !== `--nodedir`)
          this.host.unresolved.add(`${context.origin}: node-gyp builds in ${value}, outside the package`);
        continue;
      }
      if (option[1] === `--nodedir`)
        this.host.nodeDirectories.add(path);
      else
        directory = path;
    }
    if (directory === ``)
      this.host.wantsBindingGyp = true;
    else
      this.host.gypDirectories.add(directory);
  }

  private argument(word: Word, context: CommandContext, asCode: boolean): Located | null {
    const text = word.text;
    if (GYP_TOOLS.has(commandName(text)))
      this.host.wantsBindingGyp = true;

    let found: Located | null = null;
    if (ENV_ASSIGNMENT.test(text)) {
      this.assignment(text, context);
    } else if (isOption(text)) {
      this.optionValue(text, context);
    } else if (isGlobWord(word)) {
      found = this.globFiles(text, context, asCode);
    } else {
      found = this.candidate(text, context, asCode);
    }

    if (looksLikeCommand(word))
      this.nested(text, context);

    return found;
  }

  /**
   * `--env-file=.env`, `process.loadEnvFile()`: the file is hashed, and what
   * it sets is read like assignments before the command (a `NODE_OPTIONS`
   * there preloads code into every node the install starts).
   */
  envFile(reference: string, context: CommandContext): void {
    const path = toPackagePath(context.cwd ?? ``, reference);
    if (path === null || path === `` || isUnderNodeModules(path)) {
      this.host.unresolved.add(`${context.origin}: loads the environment file ${reference}, outside the package: what it sets (NODE_OPTIONS…) is not followed`);
      return;
    }
    const bytes = this.host.lookup(path);
    if (bytes === null)
      return;
    this.host.include(path, bytes, false);
    // Every reading a Node release gives the file: a quoted value followed by
    // text (`NODE_OPTIONS='--require=x' # c`) is read differently (round 56, D1).
    for (const {key, value} of envFileSettings(bytes.toString(`utf8`)))
      this.assignment(`${key}=${value}`, context);
  }

  /**
   * `PATH=./tools:$PATH cmd`: every later command word, `node` included, may
   * be a file of those folders: every file below each folder of the package
   * it names is hashed. A folder built at run time is a limit.
   */
  private searchPath(value: string, context: CommandContext): void {
    for (const entry of value.split(`:`)) {
      if (entry === `` || /^\$\{?PATH\}?$/.test(entry) || entry.startsWith(`/`))
        continue;
      const folder = entry.includes(`$`) ? null : toPackagePath(context.cwd ?? ``, entry);
      if (folder === null || isUnderNodeModules(folder)) {
        this.host.unresolved.add(`${context.origin}: PATH=${value} puts ${entry} before the system's programs, a folder whose files are not bound to the approval`);
        continue;
      }
      this.host.includeDirectory(folder);
      this.host.unresolved.add(`${context.origin}: PATH=${value} puts ${folder === `` ? `the package root` : `${folder}/`} before the system's programs: every file below it is hashed`);
    }
  }

  /**
   * An npm configuration file (`.npmrc` of the folder npm runs in, or the
   * file `userconfig`/`globalconfig` names there or in the environment):
   * hashed, and the settings that run code followed — `node-options` like
   * NODE_OPTIONS, `script-shell` like a command word — and the configuration
   * files it names in turn (outside attack round 12, F23). A file outside the
   * package is another package's, or the project's: refused in a dependency.
   */
  private npmrc(path: string | null, context: CommandContext, depth = 0): void {
    if (path === null || isUnderNodeModules(path) || path === ``) {
      this.host.foreignRuns.add(`${context.origin}: npm reads its configuration from a file outside the package`);
      return;
    }
    const bytes = this.host.lookup(path);
    if (bytes === null)
      return;
    this.host.include(path, bytes, false);
    this.host.mentionsIn(bytes.toString(`utf8`));
    // Read as npm's ini parser reads it: any line break (CR alone too),
    // quoted keys, `key[]` arrays (outside attack round 14, F27).
    for (const {key, value} of npmrcSettings(bytes)) {
      // `init-${K}=../x`: npm expands the environment in a setting's name too,
      // so it may be any setting that runs code (outside attack round 14, F18g).
      if (key.includes(`\${`)) {
        this.host.foreignRuns.add(`${context.origin}: ${path} has a setting whose name npm builds from the environment (${key}), which may be any setting that runs code`);
        continue;
      }
      if (!NPM_CODE_SETTINGS.test(key))
        continue;
      if (/^node[-_]options$/i.test(key))
        this.assignment(`NODE_OPTIONS=${value}`, context);
      else if (/^script[-_]shell$/i.test(key))
        this.scriptShell(value, context);
      else if (NPM_PROGRAM_SETTINGS.test(key))
        this.npmProgram(key, value, {...context, cwd: directoryOf(path)});
      else if (depth >= 4)
        throw new Error(`${context.origin}: npm configuration files name each other more than 4 levels deep`);
      else
        // `userconfig=`, `globalconfig=`, and `prefix=`, whose `etc/npmrc` is npm's global configuration (F24).
        this.npmrc(value.startsWith(`~`) || value.includes(`$`) ? null : toPackagePath(directoryOf(path), /^prefix$/i.test(key) ? `${value}/etc/npmrc` : value), context, depth + 1);
    }
  }

  /**
   * npm's and pnpm's settings that name a program or a file they run:
   * `node-gyp` (npm's node-gyp shim runs `node "$npm_config_node_gyp"`),
   * `shell`, `git`, `editor`, `browser`, `viewer`, `init-module`,
   * `onload-script`, `pnpmfile` (outside attack round 14, F10b). Followed like
   * a command of the script: a file outside the package is refused in a
   * dependency, a dependency's bin is approved with the package.
   */
  private npmProgram(key: string, value: string, context: CommandContext): void {
    if (value === ``)
      return;
    const origin = `${context.origin} (npm's ${key.toLowerCase().replace(/_/g, `-`)} setting)`;
    const quoted = `'${value.replace(/'/g, `'\\''`)}'`;
    const runsWithNode = /^(?:node[-_]gyp|init[-_.]module|onload[-_]script|(?:global[-_])?pnpmfile)$/i.test(key);
    this.analyseCommand(runsWithNode ? `node ${quoted}` : value, {...context, depth: context.depth + 1, origin});
  }

  /**
   * npm's and pnpm's `script-shell`: the program every script they run is
   * started with, looked up on their PATH (a dependency's bin) or a file of
   * the package (outside attack round 12, F5-F7).
   */
  private scriptShell(value: string, context: CommandContext): void {
    this.analyseCommand(value, {...context, depth: context.depth + 1, origin: `${context.origin} (its script-shell)`});
  }

  /** `FOO=bar` is not a file, but its value may be: `NODE_OPTIONS="--require ./hook.js"` runs hook.js. */
  private assignment(text: string, context: CommandContext): void {
    const value = text.slice(text.indexOf(`=`) + 1);
    // `X=$INIT_CWD; node $X/*/sib/x.js`: X names the project's folder too.
    if (fromProjectFolder(value, context))
      context.projectVariables = new Set([...context.projectVariables ?? [], text.slice(0, text.indexOf(`=`))]);
    if (text.startsWith(`PYTHONPATH=`))
      this.programs.pythonPath(value, context);
    // `TSX_TSCONFIG_PATH=cfg/x.json`: the configuration tsx resolves imports through (round 19, M1, M2).
    if (TYPESCRIPT_CONFIG_VARIABLES.test(text))
      this.typescriptConfiguration(value.replace(/^(['"])(.*)\1$/s, `$2`), text, context);
    if (text.startsWith(`PATH=`))
      this.searchPath(value, context);
    // npm and pnpm pass their node-options setting on as NODE_OPTIONS, and
    // run every script through their script-shell setting.
    if (/^npm_config_node[-_]options=/i.test(text))
      this.assignment(`NODE_OPTIONS=${value}`, context);
    if (/^npm_config_script[-_]shell=/i.test(text) && value.length > 0)
      this.scriptShell(value, context);
    const program = new RegExp(`^npm_config_(${NPM_PROGRAM_SETTINGS.source})=`, `i`).exec(text);
    if (program !== null)
      this.npmProgram(program[1], value, context);
    // `DESTDIR=./d`: npm's global configuration moves below it
    // (`d/usr/etc/npmrc`: attack19 F42); every npmrc below it is read.
    const destination = /^DESTDIR=/.test(text) && value !== `` && !value.includes(`$`) ? toPackagePath(context.cwd ?? ``, value) : null;
    for (const file of destination === null ? [] : this.host.filesBelow(destination) ?? [])
      if (/(?:^|\/)\.?npmrc$/.test(file))
        this.npmrc(file, context);
    // npm takes its prefix from PREFIX, and reads `<prefix>/etc/npmrc` as its
    // global configuration (outside attack round 14, F24).
    const prefix = /^(?:PREFIX|npm_config_prefix)=/i.test(text) && value !== `` && !value.includes(`$`) ? toPackagePath(context.cwd ?? ``, value) : null;
    if (prefix !== null)
      this.npmrc(prefix === `` ? `etc/npmrc` : `${prefix}/etc/npmrc`, context);
    this.git.assignment(text.slice(0, text.indexOf(`=`)), value, context);
    // `GIT_CONFIG_PARAMETERS="'core.fsmonitor'='x'"`: how git hands `-c` settings to the programs it starts (round 23, M4).
    if (/^GIT_CONFIG_PARAMETERS=/i.test(text)) {
      for (const {words} of splitNested(value)) {
        for (const word of words) {
          this.git.settingWord(word.text, context);
          this.candidate(word.text, context, false);
        }
      }
      return;
    }
    // make expands variables and functions in these before it reads anything (round 23, M1):
    // `node_mod$@ules`, `$U` set elsewhere, `${subst …}` spell any path.
    if (/^(?:MAKEFILES|MAKEFLAGS|GNUMAKEFLAGS|MFLAGS)=/.test(text) && value.replace(/\$\$/g, ``).includes(`$`))
      throw new Error(`${context.origin}: ${text.slice(0, text.indexOf(`=`))}=${value} holds make's own expansions, which make resolves when it starts: what it reads (makefiles, SHELL) cannot be known, and no approval can be bound to it`);
    // OpenSSL resolves a relative `.include` from this folder, not from the configuration's (round 23, M5).
    if (/^OPENSSL_CONF_INCLUDE=/.test(text) && value.length > 0)
      throw new Error(`${context.origin}: OPENSSL_CONF_INCLUDE=${value} moves the files OpenSSL's configurations include, and the shared objects they load, to where no approval can follow them`);
    if (/^(?:HOME|USERPROFILE)=/.test(text) && value.length > 0) {
      // `HOME=./cfg npm run x`: npm reads ./cfg/.npmrc as the user's configuration (F28); `HOME=$PWD/cfg` too.
      const home = this.git.projectPath(value, context);
      if (home !== null) {
        this.npmrc(home === `` ? `.npmrc` : `${home}/.npmrc`, context);
        // git reads ~/.gitconfig and ~/.config/git/config, whose commands (`core.fsmonitor`) it runs (round 24, M4; round 25, M3).
        this.git.home(home, context);
        // Yarn reads the home folder's .yarnrc.yml too (attack19 F41, F44).
        this.host.yarnConfiguration(home === `` ? `.yarnrc.yml` : `${home}/.yarnrc.yml`);
      }
    }
    if (/^npm_config_(?:user|global)config=/i.test(text) && value.length > 0)
      this.npmrc(value.startsWith(`~`) || value.includes(`$`) ? null : toPackagePath(context.cwd ?? ``, value), context);
    // Yarn's settings from the environment: a release, plugins, another name
    // for its configuration files (outside attack round 12, F9).
    if (/^YARN_YARN_PATH=/i.test(text) && value.length > 0)
      this.host.yarnRunsFile(value, `${context.origin}: YARN_YARN_PATH`);
    if (/^YARN_PLUGINS=/i.test(text) && value.length > 0)
      throw new Error(`${context.origin}: YARN_PLUGINS=${value} makes Yarn load plugins named at run time, code that no approval can be bound to`);
    if (/^YARN_RC_FILENAME=/i.test(text) && value.length > 0) {
      const path = toPackagePath(context.cwd ?? ``, value);
      if (path === null || value.includes(`/`) || value.includes(`\\`))
        throw new Error(`${context.origin}: YARN_RC_FILENAME=${value} makes Yarn read its configuration from ${value}, which is not a file name in the package's folder`);
      this.host.yarnConfiguration(path);
    }
    // `HOME=./cfg npm run x`: npm then reads ./cfg/.npmrc (node-options), git ./cfg/.gitconfig.
    const name = text.slice(0, text.indexOf(`=`));
    if (CONFIGURATION_HOMES.has(name) && value.length > 0) {
      // `HOME=$PWD/cfg`: the script's folder (outside attack round 32, M1).
      const folder = this.git.projectPath(value, context);
      if (folder === null)
        this.host.unresolved.add(`${context.origin}: ${name}=${value} points the programs it starts at configuration outside the package, which is not bound to the approval`);
      else
        this.homeFiles(name, folder, context);
    }
    // git reads `$XDG_CONFIG_HOME/git/config` (round 24, M4).
    if (/^XDG_CONFIG_HOME=/.test(text) && value.length > 0 && !value.includes(`$`)) {
      const folder = toPackagePath(context.cwd ?? ``, value);
      if (folder !== null)
        this.git.configurationHome(folder, context);
    }
    // OpenSSL reads its configuration when a program starts: its providers and engines are shared objects (round 21, M7).
    if (/^OPENSSL_CONF=/.test(text) && value.length > 0)
      this.opensslConfig(value, context);
    if (/^OPENSSL_(?:MODULES|ENGINES)=/.test(text) && value.length > 0)
      this.opensslFile(value, `${text.slice(0, text.indexOf(`=`))}`, context);
    // `NODE_PRESERVE_SYMLINKS=1`: --preserve-symlinks for every node it starts (outside round 55, P1).
    if (text.startsWith(`NODE_PRESERVE_SYMLINKS=`) && value !== `` && value !== `0`)
      this.lookupChangingOption(`--preserve-symlinks`, context);
    // `NODE_REPL_EXTERNAL_MODULE=x node -i`: node loads x in place of its REPL, as --require would (outside attack round 59, N1).
    if (text.startsWith(`NODE_REPL_EXTERNAL_MODULE=`) && value.length > 0)
      this.preloadedModule(value, context);
    if (text.startsWith(`NODE_PATH=`) && value.length > 0)
      this.host.includeCodeFiles(`${context.origin}: NODE_PATH=${value} makes require look for modules in other folders`);
    // Node splits NODE_OPTIONS at spaces only: a tab stays in the word (a URL parser then drops it: round 21, M4),
    // and removes double quotes (`"--require=x"`: round 56, N1).
    const nodeOptions = /^NODE_OPTIONS=/.test(text);
    const pieces = nodeOptions ? this.nodeOptionsOf(value, context) : value.split(/\s+/).filter(piece => piece.length > 0);
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      // `--require_x`: Node reads `_` as `-` in an option's name (round 56, U1).
      const option = nodeOptionSpelling(piece);
      refusePolicy(option, context);
      if (nodeOptions)
        this.lookupChangingOption(option.replace(/=.*$/s, ``), context);
      // `NODE_OPTIONS=--inspect=…` from an environment file too (outside attack round 83, B05).
      if (nodeOptions && NODE_INSPECTOR_FLAG.test(option.replace(/=.*$/s, ``)))
        this.host.unresolved.add(`${context.origin}: node starts with its inspector open (${option.replace(/=.*$/s, ``)} in NODE_OPTIONS), which runs any code sent to it: not followed`);
      if (NODE_MODULE_FLAGS.has(option) && i + 1 < pieces.length) {
        this.preloadedModule(pieces[++i], context);
      } else if (i + 1 < pieces.length && this.nodeStartupFile(option, pieces[i + 1], context)) {
        i++;
      } else if (isOption(piece)) {
        this.optionValue(option, context);
      } else {
        this.candidate(piece, context, false);
        // `MAKEFLAGS= -- SHELL=./node_modules/x/sh`: a definition's value may name a file (round 23, M11).
        if (/^[^=]+=./s.test(piece))
          this.optionValue(piece, context);
        // `LD_PRELOAD=/a.so:./node_modules/x/b.so`, `PYTHONPATH=a:b`: each entry of a list (round 21, M1).
        if (/[:;]/.test(piece) && !/^[A-Za-z][\w+.-]*:\/\//.test(piece))
          for (const entry of piece.split(/[:;]/))
            if (entry !== `` && entry !== piece)
              this.candidate(entry, context, false);
      }
    }
  }

  /** The words of a NODE_OPTIONS value as Node reads them; one Node refuses is refused with the script's origin. */
  private nodeOptionsOf(value: string, context: CommandContext): Array<string> {
    try {
      return nodeOptionsWords(value);
    } catch (error) {
      throw new Error(`${context.origin}: ${(error as Error).message} (NODE_OPTIONS=${value})`);
    }
  }

  /**
   * An OpenSSL configuration (`OPENSSL_CONF`, `node --openssl-config`): bound,
   * and the files and folders it names (`module =`, `dynamic_path =`,
   * `.include`, `MODULESDIR`…) followed like a path the script names; one it
   * names by an absolute path into node_modules or through /proc is refused.
   */
  private opensslConfig(value: string, context: CommandContext, depth = 0): void {
    const path = toPackagePath(context.cwd ?? ``, value);
    const bytes = path === null || path === `` ? null : this.host.lookup(path);
    if (path === null || bytes === null) {
      this.opensslFile(value, `an OpenSSL configuration`, context);
      // The system's own (`/etc/ssl/openssl.cnf`, `/dev/null`) is no package's: no one installing can change it.
      const system = value.startsWith(`/`) && !value.includes(`$`);
      if (!system && (path === null || !isUnderNodeModules(path)))
        this.host.unresolved.add(`${context.origin}: ${value} is an OpenSSL configuration outside the package or not in it, whose providers are not followed`);
      return;
    }
    this.host.include(path, bytes, false);
    for (const line of bytes.toString(`utf8`).split(/\r?\n|\r/)) {
      const setting = /^\s*(\.?include|module|dynamic_path|modulesdir|enginesdir|\.include\s+dir)\s*=?\s*(.+?)\s*$/i.exec(line.replace(/(?<!\\)#.*$/, ``));
      if (setting === null)
        continue;
      const named = setting[2].replace(/^(['"])(.*)\1$/s, `$2`);
      if (/^\.?include$/i.test(setting[1]) && depth < MAX_COMMAND_DEPTH)
        this.opensslConfig(named, context, depth + 1);
      else
        this.opensslFile(named, `${path}: ${setting[1]}`, context);
    }
  }

  /**
   * A file or folder OpenSSL loads code from: followed as a path of the
   * script. Built from variables, by an absolute path into node_modules or
   * through /proc, it is refused, in your own scripts too: a shared object no
   * approval can be bound to, loaded before any script runs (round 21, M7).
   */
  private opensslFile(value: string, what: string, context: CommandContext): void {
    if (value.includes(`$`))
      throw new Error(`${context.origin}: ${what} names ${value}, built from variables, from which OpenSSL loads shared objects that no approval can be bound to`);
    if (/^\/proc\//.test(value) || (/^\//.test(value) && /\/node_modules\//.test(value)))
      throw new Error(`${context.origin}: ${what} names ${value}, from which OpenSSL loads a shared object of an installed package by an absolute path, which no approval can be bound to`);
    this.candidate(value, context, false);
  }

  /** node's options whose value names a file it loads code from before any script: `--openssl-config`, `--snapshot-blob`. False for others. */
  private nodeStartupFile(flag: string, value: string, context: CommandContext): boolean {
    if (flag === `--openssl-config`)
      this.opensslConfig(value, context);
    else if (flag === `--snapshot-blob`)
      this.snapshotBlob(value, context);
    else if (flag === `--build-snapshot-config`)
      throw new Error(`${context.origin}: node --build-snapshot-config ${value} runs the builder script that JSON file names, which is not followed, so no approval can be bound to what it runs`);
    else
      return false;
    return true;
  }

  /**
   * `node --snapshot-blob x` (also in NODE_OPTIONS) starts from a V8 startup
   * snapshot and runs its main function instead of the script: compiled code
   * the scan cannot read, refused wherever it comes from (round 22, M2).
   */
  private snapshotBlob(value: string, context: CommandContext): void {
    throw new Error(`${context.origin}: node --snapshot-blob ${value} runs a V8 startup snapshot instead of the script, compiled code that cannot be read, so no approval can be bound to what it runs`);
  }

  /** `--config=./x.js` may name a file; `--flag` does not. */
  private optionValue(text: string, context: CommandContext): void {
    const equals = text.indexOf(`=`);
    if (equals === -1)
      return;
    // tar's options that run a command (also from TAR_OPTIONS: round 12, F41, F46).
    const runs = /^--(?:checkpoint-action=exec|to-command|use-compress-program|info-script|new-volume-script|rsh-command)=([\s\S]+)$/.exec(text);
    if (runs !== null) {
      this.nested(runs[1], context);
      return;
    }
    if (this.nodeStartupFile(text.slice(0, equals), text.slice(equals + 1), context))
      return;
    if (NODE_MODULE_FLAGS.has(text.slice(0, equals))) {
      this.preloadedModule(text.slice(equals + 1), context);
    } else {
      this.candidate(text.slice(equals + 1), context, false);
    }
  }

  /**
   * Node options that change which files Node loads in ways the fingerprint
   * does not follow (outside round 55): `--preserve-symlinks` looks modules
   * up from where links sit (a requirer's store folder under the pnpm linker),
   * `--experimental-wasm-modules` imports what a `.wasm` file's import section
   * names: refused in a dependency, a limit of the project's own scripts.
   * `--loader` hooks may hand out any file: named as a limit.
   */
  private lookupChangingOption(flag: string, context: CommandContext): void {
    if (flag === `--experimental-network-imports`)
      this.host.foreignRuns.add(`${context.origin}: node ${flag} lets import load code from the network, which no approval can be bound to`);
    else if (/^--(?:preserve-symlinks(?:-main)?|experimental-wasm-modules)$/.test(flag))
      this.host.foreignRuns.add(`${context.origin}: node ${flag} changes which files Node loads (from where links sit, or what WebAssembly modules import), which the fingerprint does not follow`);
    else if (/^--(?:experimental-)?loader$/.test(flag))
      this.host.unresolved.add(`${context.origin}: node ${flag} registers module customization hooks: what their resolve and load hooks hand out is not followed`);
  }

  /** `node -r x` / `--import x`: Node resolves x like a require, so a bare x is another package's module. */
  private preloadedModule(value: string, context: CommandContext): void {
    if (BUILTIN_TEST_REPORTERS.has(value))
      return;
    // `--import=https://…` (with --experimental-network-imports): code from the network (round 57, N1).
    if (/^https?:/i.test(value)) {
      this.host.foreignRuns.add(`${context.origin}: preloads ${value}, code from the network, which no approval can be bound to`);
      return;
    }
    if (value.startsWith(`data:`)) {
      this.host.unresolved.add(`${context.origin}: loads inline code (${value.length > 48 ? `${value.slice(0, 48)}…` : value}), which is not analysed`);
      return;
    }
    // `--import=file:///proc/self/cwd/node_modules/x/i.js`: the path the URL names (round 20, M12).
    const path = fileUrlPath(value);
    if (path !== null) {
      this.preloadedModule(inWorkingFolder(path) ?? path, context);
      return;
    }
    if (/^\/(?:.*\/)?node_modules\//.test(value) && inWorkingFolder(value) === null) {
      this.host.foreignRuns.add(`${context.origin}: preloads ${value}, a file of an installed package named by an absolute path, which is not followed`);
      return;
    }
    this.candidate(value, context, true);
    // `--import ./h%65lper.mjs`: an import specifier is a URL, decoded by Node.
    if (decodePercent(value) !== value)
      this.candidate(decodePercent(value), context, true);
    if (!/^[./\\]/.test(value) && !isBuiltinSpecifier(value) && !/^(?:file|https?|node|data):/i.test(value)) {
      // `node -r "h'"`: a dependency may be installed under a key that is no package name (round 11, F24).
      if (splitBareSpecifier(value) === null)
        throw noPackageName(context.origin, value);
      this.host.modules.add(value);
    }
  }

  /**
   * `node /usr/lib/node_modules/npm/bin/npm-cli.js run x`, `node /usr/bin/npm
   * run x`: npm's (or pnpm's, npx's) own script, outside the package, read as
   * that package manager; `node "$(which npm)" run x`, a script decided at run
   * time, may be one, so what it runs is given npm's PATH (outside attack
   * round 36, M1). True when the words were read here.
   */
  private packageManagerScript(words: Array<Word>, at: number, context: CommandContext): boolean {
    const text = words[at].text;
    // A relative path is a file of the package (or refused as another's).
    if (!/^[/\\~]|^[A-Za-z]:|[$`]/.test(text))
      return false;
    const script = /^(npm|npx|pnpm|pnpx)(?:-cli)?(?:\.c?js|\.mjs)?$/.exec(commandName(text))?.[1];
    if (script === `npm` || script === `pnpm`) {
      this.host.unresolved.add(`${context.origin}: node runs ${text}, read as ${script}`);
      this.packageManagers.arguments(script, words, at + 1, context);
      return true;
    }
    if (script !== undefined || text.includes(`$`) || text.includes(`\``))
      this.host.commands.add(`${NPM_SCRIPTS}node`);
    return false;
  }

  private nodeArguments(words: Array<Word>, start: number, context: CommandContext): void {
    let scriptSeen = false;
    // `node -`, or node with no program at all: it runs what it reads from stdin.
    let readsStdin = false;
    let stdinNamed = false;
    let interactive: string | null = null;
    for (let i = start; i < words.length; i++) {
      // `--experimental_loader`: Node reads `_` as `-` in an option's name (round 56, U1, U2).
      const text = scriptSeen ? words[i].text : nodeOptionSpelling(words[i].text);
      if (!scriptSeen)
        refusePolicy(text, context);

      if (words[i].stdin === true) {
        // `node < x.js`, `node - < x.js`: the file redirected in is the program.
        const program = !scriptSeen || readsStdin;
        const found = this.argument(words[i], context, program);
        if (program) {
          scriptSeen = true;
          stdinNamed = true;
          if (found !== null)
            this.leftPackage(`node runs`, text, context);
          else if (!this.host.dependencyPath(toPackagePath(context.cwd ?? ``, text) ?? text))
            this.notInPackage(`node runs`, text, context);
        }
        continue;
      }

      if (!scriptSeen && text === `-`) {
        readsStdin = true;
        scriptSeen = true;
        continue;
      }

      // `node -i`: the REPL, which runs what it reads (or the module NODE_REPL_EXTERNAL_MODULE names).
      if (!scriptSeen && (text === `-i` || text === `--interactive`)) {
        interactive = text;
        continue;
      }

      if (!scriptSeen && VARIABLE_WORD.exec(text)?.[1] === PACKAGE_MANAGER_VARIABLE) {
        // `node "$npm_execpath" run -T x`: the package manager's own script.
        this.packageManagerByPath(words, i, context);
        return;
      }

      if (!scriptSeen && !isOption(text) && this.packageManagerScript(words, i, context))
        return;

      if (scriptSeen || !isOption(text)) {
        // The first non-option word is the entry point, run as JavaScript
        // whatever its extension; later words are the script's own arguments.
        const found = this.argument(words[i], context, !scriptSeen);
        if (!scriptSeen && found !== null)
          this.leftPackage(`node runs`, text, context);
        else if (!scriptSeen && found === null && !this.host.dependencyPath(toPackagePath(context.cwd ?? ``, text) ?? text))
          this.notInPackage(`node runs`, text, context);
        scriptSeen = true;
        continue;
      }

      if (text === `--`)
        continue;

      const equals = text.indexOf(`=`);
      const flag = equals === -1 ? text : text.slice(0, equals);
      const takesValue = nodeFlagTakesValue(flag);
      const value = !takesValue ? undefined : equals !== -1 ? text.slice(equals + 1) : words[++i]?.text;

      this.lookupChangingOption(flag, context);
      // `--inspect=9229`: another process may connect to the inspector and
      // run any code in this one (outside attack round 82, A14).
      if (NODE_INSPECTOR_FLAG.test(flag))
        this.host.unresolved.add(`${context.origin}: node starts with its inspector open (${flag}), which runs any code sent to it: not followed`);
      if (value === undefined) {
        this.optionValue(text, context);
      } else if (flag === `--env-file` || flag === `--env-file-if-exists`) {
        this.envFile(value, context);
      } else if (this.nodeStartupFile(flag, value, context)) {
        // Followed, or refused, by it.
      } else if (NODE_EVAL_FLAGS.has(flag)) {
        // The code itself is part of the recorded command; what it loads is followed.
        this.host.scanText(value, context.cwd ?? ``, context.origin);
        scriptSeen = true;
      } else if (NODE_MODULE_FLAGS.has(flag)) {
        this.preloadedModule(value, context);
      } else {
        this.candidate(value, context, false);
      }
    }
    if (interactive !== null && !scriptSeen)
      this.host.unresolved.add(`${context.origin}: node starts its REPL (node ${interactive}), which runs what it reads from its standard input, or the module NODE_REPL_EXTERNAL_MODULE names, which are not followed`);
    // Node without a program runs what it reads from its standard input when
    // that is no terminal, as it is for a process install code starts with
    // `spawn('node', [])` and then writes to (outside attack round 72, Q5).
    // Words the scan could not read may name the program.
    const exitsFirst = words.slice(start).some(word => NODE_EXITING_FLAGS.has(word.text));
    const noProgram = !scriptSeen && (words[0].piped === true || (interactive === null && !exitsFirst && context.wordsUnread !== true));
    if (!stdinNamed && (readsStdin || noProgram))
      this.host.unresolved.add(`${context.origin}: node runs the program it reads from ${words[0].piped === true ? `a pipe (… | node)` : `its standard input`}, which is not followed; the files the commands before it name are hashed`);
    // Words not read in full may leave node with no program at run time (an
    // array emptied before the call: outside attack round 75, A03, A04): where
    // the code also writes to the standard input of what it starts, node may
    // run that.
    else if (!stdinNamed && !scriptSeen && context.wordsUnread === true && context.stdinFed !== undefined && interactive === null && !exitsFirst)
      this.host.unresolved.add(`${context.origin}: node may run the program it reads from its standard input, which the code writes to (${context.stdinFed}), since the words it gives node are not all read; that text is not followed`);
  }

  /** `$npm_execpath` at `index`, its arguments after it: Yarn's, or npm's under `npm run`. */
  private packageManagerByPath(words: Array<Word>, index: number, context: CommandContext): void {
    this.packageManagers.arguments(`yarn`, words, index + 1, context);
    this.packageManagers.arguments(`npm`, words, index + 1, context);
  }

  private shellArguments(words: Array<Word>, start: number, context: CommandContext): void {
    const name = commandName(words[start - 1].text);
    // `sh -s`: the commands come from stdin, the words after it are their arguments.
    let fromStdin = false;
    for (let i = start; i < words.length; i++) {
      const text = words[i].text;
      // `-c`, `-ec`, `-lc`: the next word is shell code.
      if (/^-[A-Za-z]*c[A-Za-z]*$/.test(text)) {
        // Without the next word, the code was built at run time (already a limit).
        if (i + 1 < words.length)
          this.nested(words[++i].text, context);
        return;
      }
      if (words[i].stdin === true)
        continue;
      if (!isOption(text)) {
        if (!fromStdin) {
          this.shellScript(words, i, context);
          return;
        }
        this.plainArguments(words.slice(i).filter(word => word.stdin !== true), 0, context);
        break;
      }
      if (/^-[A-Za-z]*s[A-Za-z]*$/.test(text))
        fromStdin = true;
      else
        this.optionValue(text, context);
    }
    // `sh < x.sh`: the file redirected in is the script.
    const stdin = words.slice(start).find(word => word.stdin === true);
    if (stdin !== undefined) {
      this.shellScript([stdin], 0, context);
      return;
    }
    this.host.unresolved.add(`${context.origin}: ${name} runs the commands it reads from ${words[0].piped === true ? `a pipe (… | ${name})` : `its standard input`}, which are not followed; the files the commands before it name are hashed`);
  }

  /** `sh x.sh args`, `. ./env.sh`: the script is hashed, not parsed (its names are followed as text); its arguments may still name files. */
  private shellScript(words: Array<Word>, index: number, context: CommandContext): void {
    if (index >= words.length)
      return;
    const script = words[index];
    const found = this.argument(script, context, false);
    if (found !== null && this.leftPackage(`runs the shell script`, script.text, context)) {
      // Refused: what runs is the other folder's file.
    } else if (found === null) {
      if (!this.host.dependencyPath(toPackagePath(context.cwd ?? ``, script.text) ?? script.text))
        this.notInPackage(`runs the shell script`, script.text, context);
    } else if (!isJavaScriptFile(found.path, found.bytes)) {
      this.host.programText(found.path, found.bytes, `shell script`, context);
    }
    this.plainArguments(words, index + 1, context);
  }

  /**
   * A glob whose folders may match `node_modules` (round 24, M1): `**` walks
   * every folder, installed packages included, and is refused (in your own
   * scripts too: what it runs cannot be bound to an approval); a folder glob
   * that matches the name `node_modules` (`*\/x/cli.js`, `n*\/x/cli.js`) is
   * followed into the installed packages as that path. False otherwise.
   */
  private globThroughDependencies(text: string, path: string, context: CommandContext): boolean {
    const segments = path.split(`/`);
    if (segments.slice(0, -1).some(segment => segment.includes(`**`)) || segments[segments.length - 1] === `**`)
      throw new Error(`${context.origin}: ${text} is a glob that Yarn's shell expands through every folder below it, node_modules included, so it may run any installed package's files, which no approval can be bound to; name the files without **`);
    let reached = false;
    for (let index = 0; index < segments.length - 2; index++) {
      if (hasGlob(segments[index]) && globRegExp(segments[index]).test(`node_modules`)) {
        this.host.dependencyPath([...segments.slice(0, index), `node_modules`, ...segments.slice(index + 1)].join(`/`));
        reached = true;
      }
    }
    return reached;
  }

  /**
   * A word of a command that may name a package file. It resolves from the
   * current directory; the root is a fallback for when `cd` went somewhere
   * this analysis cannot follow (or resolved nothing). An entry point of
   * node (`asCode`) resolves the way node resolves it: extensions, then the
   * directory's package.json main, then its index.
   */
  /**
   * An unquoted word with `*`, `?` or `[…]`: Yarn's shell replaces it with
   * the files it matches when the script runs, so a release that adds a
   * matching file (`setup[1].js` → `setup1.js`) changes what runs. Every file
   * of the package it matches today is hashed (and, for node, followed), the
   * literal name too, and the glob is stated as a limit. Returns the first.
   */
  private globFiles(text: string, context: CommandContext, asCode: boolean): Located | null {
    const base = context.cwd === null ? `` : context.cwd;
    const path = toPackagePath(base, inWorkingFolder(text) ?? text);
    const list = this.host.input.files.list;
    const slash = path === null ? -1 : path.lastIndexOf(`/`);
    const directory = path === null || slash === -1 ? `` : path.slice(0, slash);
    const pattern = path === null ? `` : path.slice(slash + 1);
    // A glob through node_modules matches installed packages: followed into each (round 20, M16).
    if (path !== null && isUnderNodeModules(path) && this.host.dependencyPath(path))
      return null;
    if (path !== null && this.globThroughDependencies(text, path, context))
      return null;
    const entries = path === null || list === undefined || hasGlob(directory) ? null : list(directory);
    if (entries === null) {
      this.host.unresolved.add(`${context.origin}: ${text} is a glob the shell expands when the script runs, and its matches cannot be listed`);
      return this.candidate(text, context, asCode);
    }
    const matcher = globRegExp(pattern);
    const matches = entries.filter(entry => !entry.endsWith(`/`) && matcher.test(entry)).sort();
    let first: Located | null = null;
    for (const name of matches) {
      const file = directory === `` ? name : `${directory}/${name}`;
      const bytes = this.host.lookup(file);
      if (bytes === null)
        continue;
      this.host.include(file, bytes, asCode || isJavaScriptFile(file, bytes));
      first ??= {path: file, bytes};
    }
    const literal = this.candidate(text, context, asCode);
    this.host.unresolved.add(`${context.origin}: ${text} is a glob the shell expands when the script runs; the ${matches.length} file(s) it matches now are hashed`);
    return first ?? literal;
  }

  private candidate(word: string, context: CommandContext, asCode: boolean): Located | null {
    this.climbsOut(word, context);
    // `node /proc/self/cwd/x.js` runs the package's x.js, followed like
    // `node ./x.js`; after cd left the package, the other folder's (round 14).
    const own = inWorkingFolder(word);
    if (own !== null && context.cwd === null) {
      this.host.foreignRuns.add(`${context.origin}: ${word} after cd left the package, a file outside it`);
      return null;
    }
    // `node $PROJECT_CWD/scripts/x.js` in a workspace: the top-level workspace's file, by a path from this one.
    const fromProject = this.projectFolderPath(word);
    if (fromProject !== word)
      return this.candidate(fromProject, {...context, cwd: ``}, asCode);
    const text = own ?? word;
    // `git -c alias.x='!cmd' x`, `-c core.sshCommand=cmd`, `include.path=./x`: git runs that command,
    // reads that file (round 12, F33, F38); the word may be any program's, so only git's command settings.
    const gitSetting = GIT_COMMAND_SETTING.exec(text) ?? /^(include(?:if\.[^=]*)?\.path|core\.hookspath|init\.templatedir)=([\s\S]+)$/i.exec(text);
    if (gitSetting !== null)
      this.git.setting(gitSetting[1], gitSetting[2], context);
    const bases = context.cwd === null || context.cwd === `` ? [``] : [context.cwd, ``];
    for (const base of bases) {
      const path = toPackagePath(base, text);
      // Only an entry point may stand for the root directory (`node .`);
      // otherwise `.` in `cp -r . dist` would drag index.js in.
      if (path === null || (path === `` && !asCode))
        continue;

      // Any word through node_modules (`cat node_modules/dep/x.sh | sh`, `cp
      // node_modules/dep/x.js s.js`) hands that dependency's file to the
      // command: it is the dependency's code, gated like `node node_modules/dep/x.js`.
      if (!asCode && isUnderNodeModules(path)) {
        this.host.dependencyPath(path);
        return null;
      }
      const found = asCode ? this.host.resolver.entryPoint(path) : this.host.firstExisting(path, COMMAND_SUFFIXES);
      if (found !== null) {
        const code = asCode || isJavaScriptFile(found.path, found.bytes);
        this.host.include(found.path, found.bytes, code);
        if (!code)
          this.host.operandFile(found.path, found.bytes);
        return found;
      }
    }
    return null;
  }

  /**
   * A file a command runs that the package does not hold. After `cd` left the
   * package a relative path names another folder's file (round 13); a path
   * from the project's folder, a file descriptor, and a relative file the
   * package does not ship (made at run time: copied, downloaded, unpacked)
   * run bytes no approval holds (round 14): refused in a dependency, named
   * in a workspace. A path of the machine (`/usr/share/x.js`) is a limit.
   */
  private notInPackage(what: string, text: string, context: CommandContext): void {
    const fromProject = this.projectFolderPath(text);
    if (fromProject !== text) {
      this.notInPackage(what, fromProject, {...context, cwd: ``});
      return;
    }
    if (this.outerWorkspaceFile(text, context) || this.leftPackage(what, text, context))
      return;
    // `node $INIT_CWD/*/sib/x.js`, `node $PWD/x.js`: a file of the project's
    // folder, that is of another package or of the project, by a path not
    // followed into one dependency (round 13, V1).
    if (fromProjectFolder(text, context))
      this.host.foreignRuns.add(`${context.origin}: ${what} ${text}, a file of the project's folder or of the one Yarn was started in, outside the package`);
    // `node /dev/fd/3 3<$INIT_CWD/x.js`: what runs is whatever the shell opened.
    else if (/^(?:\/dev\/(?:stdin|fd\/\d+)|\/proc\/[^/]+\/fd\/\d+)$/.test(text))
      this.host.foreignRuns.add(`${context.origin}: ${what} ${text}, a file descriptor the shell's redirections decide, not a file of the package`);
    // `cp "$INIT_CWD/$d/sib/x.js" y.js && node y.js`: a file the package does
    // not ship is made at run time (copied, downloaded, unpacked) from bytes
    // no approval holds (round 14).
    else if (!/^(?:[/\\$~]|[A-Za-z]:)/.test(text) && toPackagePath(context.cwd ?? ``, text) !== null)
      this.host.foreignRuns.add(`${context.origin}: ${what} ${text}, which the package does not ship: a file made at run time, whose code no approval holds`);
    else
      this.host.unresolved.add(`${context.origin}: ${what} ${text}, which is not a file of the package`);
  }

  /** True (and refused) when `text` is a relative path run after `cd` left the package, even where the package has a file of that name. */
  private leftPackage(what: string, text: string, context: CommandContext): boolean {
    if (context.cwd !== null || /^[/\\$~]/.test(text) || isUnderNodeModules(text))
      return false;
    this.host.foreignRuns.add(`${context.origin}: ${what} ${text} after cd left the package, a file outside it`);
    return true;
  }

  /**
   * A word of a command that names a path climbing out of the package
   * (`BASH_ENV=../x.sh`, `LD_PRELOAD=../x.so`, `git -c alias.x='!sh ../x.sh'`,
   * `npm pack ../x`): whatever program takes it, it reaches another package's
   * files or the project's, which no approval holds (outside attack round
   * 12, F31-F40). Refused in a dependency, named in a workspace.
   */
  private climbsOut(text: string, context: CommandContext): void {
    if (!text.includes(`..`))
      return;
    const foreign = (path: string) => this.host.foreignRuns.add(`${context.origin}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text} names ${path}, outside the package`);
    // `../x`, and `./../x` or `a/../../x`, which climb out the same way (round 20, M6).
    for (const match of text.matchAll(/(?:^|[\s=:'"!,;(@])((?:[^\s'"`;,)=:!(@$~/\\][^\s'"`;,)=:!(@$]*?[/\\]+)?\.\.(?:[/\\][^\s'"`;,)]*)?)(?=$|[\s'"`;,)/\\])/g)) {
      if (context.cwd === null || toPackagePath(context.cwd, match[1]) === null) {
        // From a workspace, into another workspace's folder (`node ../../scripts/setup.js`):
        // followed there, where its requires resolve.
        if (this.outerWorkspaceFile(match[1], context))
          continue;
        foreign(match[1]);
        return;
      }
    }
    // `$PWD/../x`, `$(pwd)/../x`, `~+/../x`, `/proc/self/cwd/../x`: the
    // working folder by another name, then out of it (round 13).
    // A word that starts with `/..` lost its start to a command's output
    // (`$(dirname $npm_package_json)/../x`): `..` from a folder decided at run time.
    const named = /(?:\$\{?\w+\}?|\$\([^)]*\)|`[^`]*`|~[+-]?|(?<![\w.])\/[^\s'"`;,)]*?|^)[/\\]\.\.(?=$|[/\\\s'"`;,)])/.exec(text);
    if (named !== null)
      foreign(named[0]);
    // `${npm_package_json/package.json/../x.js}`: `..` inside an expansion
    // the shell computes, from a folder it decides at run time.
    else if (text.includes(`$`) && text.split(/[/\\{}'"]/).includes(`..`))
      foreign(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  }

  /**
   * `$PROJECT_CWD/x` (Yarn sets it to the top-level workspace's folder) as a
   * path from the package's root, in a workspace's analysis: `x` in the
   * top-level workspace, `../../x` in `packages/a`. The word itself otherwise.
   */
  private projectFolderPath(text: string): string {
    const folder = this.host.input.projectFolder;
    const match = /^(["']?)\$(?:\{PROJECT_CWD\}|PROJECT_CWD(?!\w))(\/[^"'$`]*)?\1$/.exec(text);
    if (folder === undefined || match === null)
      return text;
    const rest = (match[2] ?? ``).replace(/^\/+/, ``);
    const joined = posix.normalize(posix.join(folder === `` ? `.` : folder, rest === `` ? `.` : rest));
    return joined === `.` ? `` : joined;
  }

  /** A relative path from a workspace into another workspace's folder: recorded to be followed there. */
  private outerWorkspaceFile(text: string, context: CommandContext): boolean {
    if (context.cwd === null || !text.startsWith(`..`))
      return false;
    return this.host.outerWorkspaceFile(posix.normalize(posix.join(context.cwd === `` ? `.` : context.cwd, text.replace(/\\/g, `/`))));
  }

  /**
   * `LD_PRELOAD=$INIT_CWD/x.so`, `CARGO_HOME=$PROJECT_CWD/x`, `--config=$PWD/x`:
   * a variable or an option set to a path of the project's folder hands a
   * program a file outside the package, code or configuration that no
   * approval holds (round 14). Through `node_modules/<dep>/` it is that
   * dependency's file, approved with the package; a plain argument (`cp x
   * $INIT_CWD/public`) is data the package writes or reads.
   */
  private projectFolderValue(text: string, context: CommandContext): void {
    const assigned = /^(?:[A-Za-z_]\w*|--?[\w.-]+)=([^]*)$/.exec(text);
    if (assigned === null)
      return;
    for (const part of assigned[1].split(/[:;,\s]+/)) {
      if (!fromProjectFolder(part, context) || !/[/\\][^/\\]/.test(part))
        continue;
      if (/[/\\]node_modules[/\\]/.test(part) && this.host.dependencyPath(part, {folder: true}))
        continue;
      this.host.foreignRuns.add(`${context.origin}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text} names ${part}, a path of the project's folder, outside the package`);
    }
  }

  /** `$(dirname $PWD)/x`, `${PWD%/*}/x`: the folder above the working folder, by other means than `..`. */
  private parentOfWorkingFolder(text: string, context: CommandContext): void {
    const parent = /\$\{PWD[%#/:^,]|\bdirname\s+["']?(?:\$\{?PWD\b|\$\(\s*pwd\s*\)|`\s*pwd\s*`|\.\/?["']?(?=[\s)`]|$))/.exec(text);
    if (parent !== null)
      this.host.foreignRuns.add(`${context.origin}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text} names the folder above the package (${parent[0].trim()}…), outside it`);
  }

  /** A relative string used as a path (`fork('./child')`): relative to the file, or to the root (the working directory of install scripts). */
  pathReference(directory: string, reference: string): void {
    // The root is only a fallback: trying it as well would drag in an
    // unrelated root file whenever `./x` exists both beside the file and at the root.
    const found = this.pathFrom(directory, reference) ?? (directory === `` ? null : this.pathFrom(``, reference));
    if (found !== null) {
      this.host.include(found.path, found.bytes, isJavaScriptFile(found.path, found.bytes));
    }
  }

  /**
   * The node command of a file's shebang line (see nodeShebang); the program
   * `env` looks up on the PATH is a command word of the script. A line env
   * would read in a way not followed is refused.
   */
  private shebangCommand(found: Located, context: CommandContext): string | null {
    try {
      const program = shebangPathProgram(found.bytes);
      if (program !== null && !/^(?:node|nodejs)$/.test(program))
        this.host.commands.add(program);
      return nodeShebang(found.bytes);
    } catch (error) {
      throw new Error(`${context.origin}: ${found.path}: ${(error as Error).message}, so what it runs cannot be bound to an approval`);
    }
  }

  pathFrom(directory: string, reference: string): Located | null {
    const path = toPackagePath(directory, reference);
    return path === null ? null : this.host.resolver.entryPoint(path);
  }
}

type ShebangWords = {interpreter: string, viaEnv: boolean, assignments: Array<string>, words: Array<string>};

/** Read once per file (three readers ask): its words, or why env would not run it. */
const shebangs = new WeakMap<Buffer, ShebangWords | null | Error>();

/** The words of a shebang line as the kernel and `env` read them: the program, its arguments, and what `env` sets. */
function shebangWords(bytes: Buffer): ShebangWords | null {
  let known = shebangs.get(bytes);
  if (known === undefined) {
    try {
      known = readShebang(bytes);
    } catch (error) {
      if (!(error instanceof Error))
        throw error;
      known = error;
    }
    shebangs.set(bytes, known);
  }
  if (known instanceof Error)
    throw known;
  return known;
}

function readShebang(bytes: Buffer): ShebangWords | null {
  if (bytes[0] !== 0x23 || bytes[1] !== 0x21)
    return null;
  const end = bytes.indexOf(0x0a);
  const line = bytes.subarray(2, end === -1 ? Math.min(bytes.length, 512) : end).toString(`utf8`).replace(/\r$/, ``).trim();
  const [interpreter = ``, ...rest] = line.split(/[ \t]+/);
  if (!/(?:^|\/)env$/.test(interpreter))
    return {interpreter, viaEnv: false, assignments: [], words: [interpreter, ...rest]};
  // `env -S` splits its string with its own syntax (`node\_--require=x`, `-vS`, `-Snode`: round 56, S1);
  // without it, the words as macOS hands them to env.
  return {interpreter, viaEnv: true, ...envSplitCommand(line.slice(interpreter.length))};
}

/**
 * The program the kernel runs a file with, by its name (`node`, `sh`, `bash`):
 * that of its `#!` line (or the one env runs), else the shell's, which runs a
 * file with no `#!` line; a line env would not run as written is named so.
 */
function kernelProgram(bytes: Buffer): string {
  let shebang: ReturnType<typeof shebangWords>;
  try {
    shebang = shebangWords(bytes);
  } catch (error) {
    if (error instanceof Error)
      return `an env line that is not followed (${error.message})`;
    throw error;
  }
  if (shebang === null)
    return `sh (no #! line)`;
  const program = shebang.words[0] ?? shebang.interpreter;
  return program.slice(program.lastIndexOf(`/`) + 1);
}

/**
 * The node command of a shebang line that passes options to node
 * (`#!/usr/bin/env -S node --require ./x.js`, `#!/usr/bin/node -r ./x.js`,
 * `#!/usr/bin/env -S NODE_OPTIONS=-r\_./x.js node`), or null: a plain
 * `#!/usr/bin/env node` adds nothing to what runs. Each word is quoted for
 * the shell that reads the command again.
 */
export function nodeShebang(bytes: Buffer): string | null {
  const shebang = shebangWords(bytes);
  if (shebang === null)
    return null;
  const {assignments, words} = shebang;
  if (words.length === 0 || !/(?:^|\/)(?:node|nodejs)$/.test(words[0]) || (words.length < 2 && assignments.length === 0))
    return null;
  return [...assignments.map(word => `${word.slice(0, word.indexOf(`=`))}=${shellQuoted(word.slice(word.indexOf(`=`) + 1))}`), `node`, ...words.slice(1).map(shellQuoted)].join(` `);
}

/**
 * The program `env` looks up on the PATH for a shebang line (`#!/usr/bin/env
 * zqtool`): on an install script's PATH, a dependency's bin of that name
 * comes first (outside attack round 56). Null when the kernel runs a program
 * by its path, or env runs node (followed by nodeShebang).
 */
export function shebangPathProgram(bytes: Buffer): string | null {
  const shebang = shebangWords(bytes);
  if (shebang === null || !shebang.viaEnv || shebang.words.length === 0)
    return null;
  const program = shebang.words[0];
  return program.includes(`/`) ? null : program;
}

/**
 * `/proc/self/cwd/x`: the working folder by another name, as `./x`; null
 * otherwise. (`$PWD` is not one: Yarn's shell never sets it, so it is the
 * folder Yarn was started in.)
 */
function inWorkingFolder(text: string): string | null {
  const match = /^\/proc\/(?:self|thread-self)\/cwd(?=\/|$)/.exec(text);
  return match === null ? null : `.${text.slice(match[0].length)}`;
}

/** npm's settings that run code or name a configuration file that may. */
const NPM_CODE_SETTINGS = new RegExp(`^(?:node[-_]options|script[-_]shell|userconfig|globalconfig|prefix|${NPM_PROGRAM_SETTINGS.source})$`, `i`);

/**
 * The settings of an npm configuration file as npm's ini parser reads them:
 * lines end at any CR or LF, `;` and `#` start comments, a key may be quoted
 * and end with `[]` (an array), a value may be quoted; sections are read as
 * if they were not there (npm ignores them: reading more is the safe side).
 */
function npmrcSettings(bytes: Buffer): Array<{key: string, value: string}> {
  const settings: Array<{key: string, value: string}> = [];
  for (const line of bytes.toString(`utf8`).split(/[\r\n]+/)) {
    const trimmed = line.trim();
    const equals = trimmed.indexOf(`=`);
    if (trimmed === `` || /^[;#[]/.test(trimmed) || equals === -1)
      continue;
    const key = unquote(trimmed.slice(0, equals).trim()).replace(/\[\]$/, ``).trim();
    const rawValue = trimmed.slice(equals + 1).trim();
    const value = /^(['"]).*\1$/.test(rawValue) ? unquote(rawValue) : rawValue.replace(/\s[;#].*$/, ``);
    settings.push({key, value});
  }
  return settings;
}

/**
 * `"x"` and `'x'` as npm's ini parser unquotes them: single quotes are
 * removed first, then what is left is read as JSON when it parses
 * (`'"\u002d\u002drequire x"'` is `--require x`: outside attack round 57, P1);
 * anything else as written.
 */
function unquote(text: string): string {
  if (!/^(".*"|'.*')$/s.test(text))
    return text;
  const inner = text.startsWith(`'`) ? text.slice(1, -1) : text;
  try {
    const parsed: unknown = JSON.parse(inner);
    return typeof parsed === `string` ? parsed : typeof parsed === `object` && parsed !== null ? inner : String(parsed);
  } catch {
    // Not JSON: npm keeps the text, without the single quotes; a double-quoted one without its quotes too.
    return text.startsWith(`'`) ? inner : text.slice(1, -1);
  }
}

/**
 * A path from the project's folder, which Yarn gives install scripts as
 * INIT_CWD and PROJECT_CWD, from `$PWD` (Yarn's shell keeps the one of the
 * folder Yarn was started in, whatever the script's folder), or from a
 * variable the script set to one of them.
 */
function fromProjectFolder(text: string, context: CommandContext): boolean {
  if (/^["']?~\+(?:\/|$)/.test(text))
    return true;
  const variable = /^["']?\$(?:\{\s*)?(\w+)/.exec(text)?.[1];
  return variable !== undefined && (/^(?:INIT_CWD|PROJECT_CWD|PWD|npm_config_local_prefix)$/.test(variable) || context.projectVariables?.has(variable) === true);
}

/** Programs that send signals to other processes. */
const SIGNAL_SENDERS = new Set([`kill`, `pkill`, `killall`]);

/** Whether the words of a `kill` may send SIGUSR1 (`-USR1`, `-s 10`, `--signal=$SIG`; its number is 10 on Linux, 30 on macOS, 16 on some others): a signal named by a variable may be it too. */
function sendsInspectorSignal(words: ReadonlyArray<string>): boolean {
  return words.some((word, index) => /USR1|^-(?:10|16|30)$|^-[a-z]*\$|^--signal=(?:(?:10|16|30)$|\$)/i.test(word)
    || ([`-s`, `-n`, `--signal`].includes(word) && /^(?:(?:10|16|30)$|\$)/.test(words[index + 1] ?? ``)));
}
