/**
 * What git runs when an install script runs it: the settings that name
 * programs (`core.editor`, filters, `diff.external`…), folders of programs
 * (`core.hooksPath`, the repository's `hooks`, a template's hooks,
 * `GIT_EXEC_PATH`), and every place it reads settings from (`-c`,
 * `--config-env`, `GIT_CONFIG_*`, `git config` run before it, the
 * repository's `config` found through a `.git` file or `commondir`, `HOME`,
 * `XDG_CONFIG_HOME`, `[include]` files). Outside attack rounds 12, 23-27.
 */

import {posix} from 'path';

import type {CollectorHost} from './host';
import {directoryOf, toPackagePath} from './records';
import {isUnderNodeModules} from './resolver';
import {type Word, isOption} from './shell';
import {type CommandContext, ENV_ASSIGNMENT, GIT_COMMAND_SETTING, MAX_COMMAND_DEPTH, gitIncludedFiles, gitSettings} from './tables';
import {textReadings} from './textReadings';

/** More files than this in a folder of git programs (hooks) and the rest are only hashed. */
const MAX_GIT_PROGRAMS = 64;

/** git's options before its subcommand that take the next word as their value. */
const GIT_VALUE_OPTIONS = new Set([`-c`, `-C`, `--git-dir`, `--work-tree`, `--namespace`, `--exec-path`, `--config-env`, `--super-prefix`, `--list-cmds`, `--attr-source`]);

/** `git config` options that take the next word as their value (`-f file` names where the setting is written). */
const CONFIG_VALUE_OPTIONS = new Set([`-f`, `--file`, `--blob`, `-t`, `--type`, `--default`, `--comment`, `--value`]);

/**
 * Settings whose value is data, never a program or a file git reads code
 * from: `--config-env` may take them from the environment (an access token)
 * without a refusal.
 */
const GIT_DATA_SETTING = /^(?:user|author|committer|http|https|url|color|i18n|log|format|advice|fetch|pull|push|branch|tag|init\.defaultbranch|safe\.directory)(?:\.|$)/i;

/**
 * Subcommands that never run a hook: a folder of hooks named for the
 * repository is followed only once the analysis sees a git command outside
 * this list (an alias or an unknown subcommand counts as one that may). A
 * command that updates a ref (`branch`, `tag`, `stash`, `init` in newer git)
 * runs the `reference-transaction` hook; one that writes the index (`add`,
 * `status`, `describe --dirty`, `apply`, `rm`, `mv`, `diff` after a file's
 * times changed) `post-index-change` (outside attack rounds 28 and 29, M2);
 * `help` starts man or a browser. None of them is here.
 */
const NO_HOOK_SUBCOMMANDS = new Set([
  `config`, `rev-parse`, `log`, `show`, `ls-files`, `ls-tree`, `ls-remote`, `rev-list`, `cat-file`, `version`,
  `shortlog`, `show-ref`, `for-each-ref`, `check-ignore`, `check-attr`, `name-rev`, `var`, `count-objects`,
]);

/** The URL schemes git reads itself (others start `git-remote-<scheme>`); `http(s)`/`ftp(s)` use git's own `git-remote-http`. */
const GIT_TRANSPORTS = new Set([`git`, `ssh`, `git+ssh`, `ssh+git`, `file`]);

/** What the command analysis lends the git reading: a command to follow as the script's. */
export interface GitCommands {
  nested(text: string, context: CommandContext): void;
}

export class GitReading {
  /** Folders of hooks named so far, followed once a git command that may run hooks is seen. */
  private readonly hookFolders: Array<{folder: string, context: CommandContext}> = [];
  private hooksRun = false;

  constructor(private readonly host: CollectorHost, private readonly commands: GitCommands) {}

  /**
   * `git [options] <subcommand> …` from `start` (the word after `git`): the
   * options that name configuration and programs, the repository git finds
   * from its folder, and the subcommands that change what it runs next
   * (`git config core.hooksPath hk`, `git init --template=t`).
   */
  command(words: ReadonlyArray<Word>, start: number, context: CommandContext): void {
    let repository: string | null = context.cwd ?? null;
    let index = start;
    for (; index < words.length; index++) {
      const text = words[index].text;
      if (!isOption(text))
        break;
      const option = /^(--?[\w-]+)(?:=(.*))?$/s.exec(text);
      if (option === null || !GIT_VALUE_OPTIONS.has(option[1]))
        continue;
      const value = option[2] ?? words[++index]?.text;
      if (value === undefined)
        break;
      if (option[1] === `-c`) {
        this.settingWord(value, context);
      } else if (option[1] === `--config-env`) {
        this.settingFromEnvironment(value, words, start, context);
      } else if (option[1] === `--git-dir`) {
        this.directory(value, context);
        repository = null;
      } else if (option[1] === `--exec-path`) {
        this.programsFolder(value, `--exec-path`, context);
      } else if (option[1] === `-C`) {
        // The repository there (or the folder itself, a bare one: round 26, M4).
        const folder = value.includes(`$`) ? null : toPackagePath(repository ?? ``, value);
        if (folder === null || repository === null) {
          this.host.unresolved.add(`${context.origin}: git -C ${value} runs git in a folder ${value.includes(`$`) ? `decided at run time` : `outside the package`}, whose configuration and hooks are not followed`);
          repository = null;
        } else {
          repository = folder;
        }
      }
    }
    if (repository !== null)
      this.repositoryAt(repository, context);

    const subcommand = words[index]?.text;
    if (subcommand !== undefined && !NO_HOOK_SUBCOMMANDS.has(subcommand))
      this.mayRunHooks();
    for (const word of words.slice(index + 1))
      this.remoteHelper(word.text, context);
    if (subcommand === `config`)
      this.configCommand(words, index + 1, context);
    if (subcommand === `init` || subcommand === `clone`) {
      for (let at = index + 1; at < words.length; at++) {
        const template = /^--template(?:=(.*))?$/s.exec(words[at].text);
        if (template !== null)
          this.templateFolder(template[1] ?? words[++at]?.text ?? ``, context);
      }
    }
  }

  /** A variable assignment git reads (`GIT_DIR=gd`, `GIT_CONFIG_VALUE_0=x`…); any other is left alone. */
  assignment(name: string, value: string, context: CommandContext): void {
    if (value.length === 0)
      return;
    // `GIT_CONFIG_KEY_0=alias.x GIT_CONFIG_VALUE_0='!cmd'`: a value may be a command git runs (F34),
    // a folder of hooks (`core.hooksPath`: round 26, M1), a configuration file (`include.path`: round 25, M3)
    // or a template (`init.templateDir`: round 27, M3).
    if (/^GIT_CONFIG_VALUE_\d+$/i.test(name)) {
      this.commands.nested(value.replace(/^!/, ``), context);
      const folder = toPackagePath(context.cwd ?? ``, value);
      if (folder !== null && (isUnderNodeModules(folder) || (this.host.filesBelow(folder)?.length ?? 0) > 0)) {
        this.programsFolder(value, `a git setting`, context);
        this.templateFolder(value, context);
      }
      this.configurationFile(value, context);
    }
    // `GIT_DIR=gd`: git reads gd/config (round 25, M3).
    if (/^(?:GIT_DIR|GIT_COMMON_DIR)$/.test(name) && !value.includes(`$`))
      this.directory(value, context);
    // `GIT_EXEC_PATH=gx`: git runs gx/git-<command> for its subcommands (round 26, M1).
    if (name === `GIT_EXEC_PATH`)
      this.programsFolder(value, `GIT_EXEC_PATH`, context);
    // `GIT_TEMPLATE_DIR=t`: `git init` and `git clone` copy t/hooks into the new repository and run them (round 27, M3).
    if (name === `GIT_TEMPLATE_DIR`)
      this.templateFolder(value, context);
    // `GIT_CONFIG_GLOBAL=./gcfg git zz`: git reads that file's aliases and command settings (F50).
    if (/^GIT_CONFIG(?:_GLOBAL|_SYSTEM)?$/i.test(name))
      this.configurationFile(value, context);
  }

  /** A home folder git reads `.gitconfig` and `.config/git/config` from (`HOME=cfg`: round 24, M4; round 25, M3). */
  home(folder: string, context: CommandContext): void {
    for (const file of [`.gitconfig`, `.config/git/config`])
      this.configurationFile(folder === `` ? file : `${folder}/${file}`, {...context, cwd: ``}, context.cwd);
  }

  /** `XDG_CONFIG_HOME=cfg`: git reads cfg/git/config (round 24, M4). */
  configurationHome(folder: string, context: CommandContext): void {
    this.configurationFile(folder === `` ? `git/config` : `${folder}/git/config`, {...context, cwd: ``}, context.cwd);
  }

  /**
   * A word that may be a git setting (`-c key=value`, a word of
   * `GIT_CONFIG_PARAMETERS`): any `section.key=value`. True when it is one.
   */
  settingWord(text: string, context: CommandContext): boolean {
    const setting = /^([A-Za-z][\w-]*(?:\.[^=]*)?\.[A-Za-z][\w-]*)=([\s\S]*)$/.exec(text);
    if (setting === null)
      return false;
    this.setting(setting[1], setting[2], context);
    return true;
  }

  /**
   * A git setting: a folder of programs, a template, a configuration file,
   * a command git runs, or (any other key) a value that names a file of the
   * package or of a dependency, which a key this reading does not know may
   * run (`diff.external`, `core.gitProxy`, `remote.<r>.uploadpack`: round 27, M1).
   */
  setting(key: string, value: string, context: CommandContext): void {
    // The value as the program it reaches reads it (`ext::sh -c zq""x`: round 31, M1).
    for (const reading of textReadings(value))
      this.host.mentionsIn(reading);
    // `remote.o.url = zq::x`, `[url "zq::x"] insteadOf = …` (or pushInsteadOf), `remote.o.vcs = zq`: git runs git-remote-zq.
    this.remoteHelper(value, context);
    this.remoteHelper(/^url\.(.+)\.(?:push)?insteadof$/i.exec(key)?.[1] ?? ``, context);
    const vcs = /^remote\..*\.vcs$/i.test(key) ? /^\s*([\w+.-]+)\s*$/.exec(value)?.[1] : undefined;
    if (vcs !== undefined)
      this.host.mentions.add(`git-remote-${vcs.toLowerCase()}`);
    // `credential.helper = zq`: git runs `git credential-zq`, git-credential-zq from the PATH.
    const helper = /^credential\.(?:.*\.)?helper$/i.test(key) ? /^\s*([^\s!/\\][^\s/\\]*)/.exec(value)?.[1] : undefined;
    if (helper !== undefined)
      this.host.mentions.add(`git-credential-${helper}`);
    if (/^core\.hookspath$/i.test(key)) {
      this.programsFolder(value, `core.hooksPath`, context);
    } else if (/^init\.templatedir$/i.test(key)) {
      this.templateFolder(value, context);
    } else if (/^include(?:if\..*)?\.path$/i.test(key)) {
      this.configurationFile(value, context);
    } else if (GIT_COMMAND_SETTING.test(`${key}=${value}`)) {
      this.commands.nested(value.replace(/^!/, ``), context);
    } else {
      const first = value.replace(/^!/, ``).trim().split(/\s+/)[0] ?? ``;
      const path = first === `` || first.includes(`$`) ? null : toPackagePath(context.cwd ?? ``, first);
      if (path !== null && path !== `` && (isUnderNodeModules(path) || this.host.lookup(path) !== null))
        this.commands.nested(value.replace(/^!/, ``), context);
    }
  }

  /**
   * `--config-env=<key>=<VAR>`: the value is the variable's, set before git
   * on the same command or earlier in the script; from the environment, it
   * is refused unless the key is data (round 27, M1).
   */
  private settingFromEnvironment(text: string, words: ReadonlyArray<Word>, gitAt: number, context: CommandContext): void {
    const equals = text.lastIndexOf(`=`);
    const key = equals === -1 ? text : text.slice(0, equals);
    const variable = equals === -1 ? `` : text.slice(equals + 1);
    let value = context.shellVariables?.get(variable);
    for (const word of words.slice(0, gitAt))
      if (ENV_ASSIGNMENT.test(word.text) && word.text.startsWith(`${variable}=`))
        value = word.text.slice(variable.length + 1);
    if (value !== undefined && !value.includes(`$`)) {
      this.setting(key, value, context);
      return;
    }
    if (!GIT_DATA_SETTING.test(key)) {
      throw new Error(`${context.origin}: git --config-env=${text} takes the setting ${key} from the variable ${variable}, decided at run time; it may name a program or a folder of hooks that no approval can be bound to`);
    }
  }

  /** `git config [options] <key> <value>` (and `git config set`): git runs with that setting from then on (round 27, M3, M4). */
  private configCommand(words: ReadonlyArray<Word>, start: number, context: CommandContext): void {
    const operands: Array<string> = [];
    // Where the setting is written: an include path is read from that file's folder.
    let file = context.cwd === null ? null : posix.join(context.cwd === `` ? `.` : context.cwd, `.git/config`);
    for (let index = start; index < words.length; index++) {
      const text = words[index].text;
      if (isOption(text)) {
        const option = /^(--?[\w-]+)(?:=(.*))?$/s.exec(text);
        if (option !== null && CONFIG_VALUE_OPTIONS.has(option[1])) {
          const value = option[2] ?? words[++index]?.text;
          if (option[1] === `-f` || option[1] === `--file`)
            file = value === undefined || value.includes(`$`) || context.cwd === null ? null : posix.join(context.cwd === `` ? `.` : context.cwd, value);
        } else if (text === `--global` || text === `--system`) {
          file = null;
        }
        continue;
      }
      operands.push(text);
    }
    if (operands[0] === `set`)
      operands.shift();
    if (operands.length < 2 || !/^[A-Za-z][\w-]*(?:\.[^=]*)?\.[A-Za-z][\w-]*$/.test(operands[0]))
      return;
    if (/^include(?:if\..*)?\.path$/i.test(operands[0]) && file === null)
      this.host.unresolved.add(`${context.origin}: git config ${operands[0]} ${operands[1]} writes an include outside the package's repository, which is not followed`);
    else if (/^include(?:if\..*)?\.path$/i.test(operands[0]))
      this.configurationFile(operands[1], {...context, cwd: posix.dirname(file!)}, context.cwd);
    else
      this.setting(operands[0], operands[1], context);
  }

  /**
   * The repository git finds from a folder: `<folder>/.git` (a folder, or a
   * file that names one with `gitdir:`), else the folder itself when it is a
   * bare repository, else the folder above, up to the package's root.
   */
  private repositoryAt(folder: string, context: CommandContext): void {
    for (let current: string | null = folder; current !== null; current = current === `` ? null : directoryOf(current)) {
      const dotGit = current === `` ? `.git` : `${current}/.git`;
      if (this.host.lookup(dotGit) !== null || (this.host.filesBelow(dotGit)?.length ?? 0) > 0) {
        this.directory(dotGit, {...context, cwd: ``}, current);
        return;
      }
      if (this.host.lookup(current === `` ? `HEAD` : `${current}/HEAD`) !== null) {
        this.directory(current, {...context, cwd: ``}, current);
        return;
      }
    }
  }

  /**
   * A git directory (`GIT_DIR`, `--git-dir`, `.git`): a `.git` file's
   * `gitdir:` followed, its `config` read, its `commondir` followed, and its
   * `hooks` run like `core.hooksPath` (round 27, M3). `worktree`: the folder
   * git works in, from which a relative `core.hooksPath` is read.
   */
  private directory(value: string, context: CommandContext, worktree: string | null = context.cwd, depth = 0): void {
    const folder = toPackagePath(context.cwd ?? ``, value);
    if (folder === null) {
      this.host.unresolved.add(`${context.origin}: git reads a repository outside the package (${value}), whose configuration and hooks are not followed`);
      return;
    }
    if (folder === `` || depth > MAX_COMMAND_DEPTH)
      return;
    const file = this.host.lookup(folder);
    if (file !== null) {
      const target = /^gitdir:\s*(.+?)\s*$/m.exec(file.toString(`utf8`));
      this.host.include(folder, file, false);
      if (target !== null)
        this.directory(target[1], {...context, cwd: directoryOf(folder)}, worktree, depth + 1);
      return;
    }
    // With `extensions.worktreeConfig`, git also reads `config.worktree` (outside attack round 28, M3).
    for (const file of [`config`, `config.worktree`])
      this.configurationFile(`${folder}/${file}`, {...context, cwd: ``}, worktree);
    this.host.includeDirectory(folder);
    const common = this.host.lookup(`${folder}/commondir`);
    if (common !== null)
      this.directory(common.toString(`utf8`).trim(), {...context, cwd: folder}, worktree, depth + 1);
    if ((this.host.filesBelow(`${folder}/hooks`) ?? []).some(hook => !hook.endsWith(`.sample`)))
      this.programsFolder(`hooks`, `the repository's hooks folder`, {...context, cwd: folder});
  }

  /** A template folder (`--template`, `init.templateDir`, `GIT_TEMPLATE_DIR`): git copies it into the new repository, hooks and config. */
  private templateFolder(value: string, context: CommandContext): void {
    if (value === ``)
      return;
    const folder = this.projectPath(value, context);
    if (folder === null || folder === ``) {
      this.host.unresolved.add(`${context.origin}: git takes a template (${value}) from outside the package, whose hooks are not followed`);
      return;
    }
    this.configurationFile(`${folder}/config`, {...context, cwd: ``}, context.cwd);
    if (isUnderNodeModules(folder) || (this.host.filesBelow(`${folder}/hooks`)?.length ?? 0) > 0)
      this.programsFolder(`${folder}/hooks`, `a git template`, {...context, cwd: ``});
  }

  /**
   * A URL `zq::…` or `zq://…` (a scheme git has no transport of its own for)
   * makes git start `git-remote-zq` from the PATH: that name is mentioned, so
   * that a bin of that name is reached (outside attack round 30, M2, M9).
   */
  private remoteHelper(text: string, context: CommandContext): void {
    const scheme = /^([A-Za-z][\w+.-]*)(?:::|:\/\/)/.exec(text)?.[1]?.toLowerCase();
    if (scheme !== undefined && !GIT_TRANSPORTS.has(scheme))
      this.host.mentions.add(`git-remote-${scheme}`);
    // `ext::<command>`: git-remote-ext runs the command (`% ` a space, `%S` the service's name: round 31, M1).
    if (scheme === `ext` && text.startsWith(`ext::`))
      this.commands.nested(text.slice(`ext::`.length).replace(/%(.)/gs, (_, char: string) => char === ` ` || char === `%` ? char : `git-upload-pack`), context);
  }

  /** A git command that may run hooks: every folder of hooks named, before or after it, is followed. */
  private mayRunHooks(): void {
    if (this.hooksRun)
      return;
    this.hooksRun = true;
    for (const {folder, context} of this.hookFolders.splice(0))
      this.followPrograms(folder, context);
  }

  /**
   * A folder of programs git runs (`core.hooksPath`, a template's or a
   * repository's `hooks`, `GIT_EXEC_PATH`): in the package, every file below
   * it is bound and, for hooks once a git command that may run them is seen,
   * followed like a program the script runs by its path (a shell script read
   * as text); a path into node_modules makes them another package's code.
   */
  programsFolder(value: string, what: string, context: CommandContext, {hooks = what !== `GIT_EXEC_PATH` && what !== `--exec-path`}: {hooks?: boolean} = {}): void {
    const folder = this.projectPath(value, context);
    if (folder !== null && isUnderNodeModules(folder)) {
      this.host.dependencyPath(folder, {folder: true});
      return;
    }
    if (folder === null) {
      this.host.unresolved.add(`${context.origin}: ${what} ${value} makes git run programs from a folder outside the package, which are not followed`);
      return;
    }
    this.host.includeDirectory(folder);
    this.host.unresolved.add(`${context.origin}: ${what} ${value} makes git run the programs in ${folder === `` ? `the package's folder` : folder} (hooks, git-<command>): each is followed as a command the script runs${hooks ? `, once it runs a git command that may run hooks` : ``}`);
    if (hooks && !this.hooksRun)
      this.hookFolders.push({folder, context});
    else
      this.followPrograms(folder, context);
  }

  /** Each program of the folder as if the script ran it by its path: a node script's requires are followed (round 26, M6). */
  private followPrograms(folder: string, context: CommandContext): void {
    const programs = (this.host.filesBelow(folder) ?? []).filter(hook => !hook.endsWith(`.sample`));
    for (const file of programs.slice(0, MAX_GIT_PROGRAMS)) {
      if (file.includes(`'`))
        this.host.unresolved.add(`${context.origin}: ${file}, a program git runs, has a quote in its name and is hashed, not followed`);
      else
        this.commands.nested(`'./${file}'`, {...context, cwd: ``});
    }
    if (programs.length > MAX_GIT_PROGRAMS)
      this.host.unresolved.add(`${context.origin}: ${folder === `` ? `the package's folder` : folder} holds ${programs.length} programs git may run; the first ${MAX_GIT_PROGRAMS} are followed, the rest hashed, not followed`);
  }

  /**
   * A git configuration file (`GIT_CONFIG_GLOBAL`, `include.path`): bound,
   * its settings read (paths in them from `worktree`, the folder git works
   * in), and the files its `[include]` and `[includeIf]` sections name (from
   * its folder) read the same way.
   */
  configurationFile(value: string, context: CommandContext, worktree: string | null = context.cwd, depth = 0): void {
    const path = this.projectPath(value, context);
    const bytes = path === null || path === `` ? null : this.host.lookup(path);
    if (path !== null && bytes !== null) {
      this.host.include(path, bytes, false);
      const text = bytes.toString(`utf8`);
      for (const setting of gitSettings(text))
        this.setting(setting.key, setting.value, {...context, cwd: worktree});
      if (depth < MAX_COMMAND_DEPTH) {
        for (const included of gitIncludedFiles(text))
          this.configurationFile(included, {...context, cwd: directoryOf(path)}, worktree, depth + 1);
      }
    } else if (path !== null && isUnderNodeModules(path)) {
      this.host.dependencyPath(path);
    }
  }

  /**
   * A path git is given, from the package's root: relative to the working
   * folder, or from the project's folder (`$PWD/hk`, `$INIT_CWD/hk`: Yarn's
   * shell keeps the `PWD` of the folder Yarn started in) in a workspace's
   * analysis. Null for anything else built at run time, or outside the package.
   */
  projectPath(value: string, context: CommandContext): string | null {
    const fromProject = /^["']?\$(?:\{(PWD|INIT_CWD|PROJECT_CWD)\}|(PWD|INIT_CWD|PROJECT_CWD)(?!\w))(\/[^"'$`]*)?["']?$/.exec(value);
    // `$PWD` is the folder the script is in (after its `cd`s); the others, the project's.
    const base = fromProject === null ? undefined : (fromProject[1] ?? fromProject[2]) === `PWD` && context.cwd !== null ? context.cwd : this.host.input.projectFolder;
    if (fromProject !== null && base !== undefined) {
      const joined = posix.normalize(posix.join(base === `` ? `.` : base, (fromProject[3] ?? ``).replace(/^\/+/, ``) || `.`));
      return joined === `.` ? `` : joined.startsWith(`..`) ? null : joined;
    }
    if (value.includes(`$`))
      return null;
    return toPackagePath(context.cwd ?? ``, value);
  }
}
