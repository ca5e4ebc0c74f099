/**
 * npm, pnpm and yarn inside install scripts: the package.json scripts they
 * run (of the package, of a folder of it, of the project's workspaces), the
 * commands they execute, and the ones that install from a registry while the
 * install runs, which no approval can be bound to.
 */

import {posix} from 'path';

import type {CollectorHost} from './host';
import {PACKAGE_MANAGER_CONFIG} from '../ancestorConfig';
import {type CommandContext, LIFECYCLE_ALIASES, NPM_PROGRAM_SETTINGS, NPM_RUN, NPM_RUNS_NOTHING, NPM_SCRIPTS} from './tables';
import {type Word, commandName, isOption, shellQuoted} from './shell';
import {ownString, toPackagePath} from './records';

/** What the package-manager rules hand back to the command analysis. */
export interface CommandRunner {
  analyseCommand(text: string, context: CommandContext): void;
  analyseWords(words: Array<Word>, start: number, context: CommandContext): void;
  /** A command one level deeper (`sh -c '…'`, `npm exec -c '…'`). */
  nested(text: string, context: CommandContext): void;
  /** Words that are arguments of a command: files they name are hashed. */
  plainArguments(words: Array<Word>, start: number, context: CommandContext): void;
  /** Options that npm passes to every node it starts as NODE_OPTIONS (`--require x`). */
  nodeOptions(value: string, context: CommandContext): void;
  /** The program npm starts every script with (`script-shell`). */
  scriptShell(value: string, context: CommandContext): void;
  /** A setting that names a program or a file npm runs (`node-gyp`, `init-module`, `editor`…). */
  npmProgram(key: string, value: string, context: CommandContext): void;
  /** An npm configuration file of the package that npm reads: hashed, and its settings that run code followed. */
  npmrc(path: string, context: CommandContext): void;
  /** A word that names a path outside the package (`npm pack ../x`): reported as running other packages' code. */
  climbsOut(text: string, context: CommandContext): void;
}

/** Package manager options that name the folder it runs in, written without `=`. */
const FOLDER_OPTION = /^(?:--prefix|--cwd|--dir|-C)$/;
/** Package manager commands that install packages from a registry (npm's aliases included). */
const REGISTRY_INSTALLS = new Set([
  `install`, `i`, `in`, `ins`, `inst`, `insta`, `instal`, `isnt`, `isntal`, `isntall`, `add`, `ci`, `clean-install`, `install-clean`, `isntall-clean`,
  `install-test`, `it`, `install-ci-test`, `cit`, `update`, `up`, `upgrade`, `udpate`,
]);

/**
 * A workspace request (`<name>#…`) that is a command to run in the
 * workspace's folder rather than the name of one of its scripts.
 */
export const INLINE_COMMAND = `\0`;

/** Yarn's own commands, which `yarn workspace <name> <word>` runs instead of a script of that name. */
const YARN_COMMANDS_IN_WORKSPACE = new Set([
  `add`, `bin`, `cache`, `config`, `constraints`, `dedupe`, `dlx`, `exec`, `explain`, `info`, `init`, `install`, `link`, `node`, `npm`,
  `pack`, `patch`, `patch-commit`, `plugin`, `rebuild`, `remove`, `set`, `stage`, `unlink`, `unplug`, `up`, `upgrade-interactive`, `version`,
  `why`, `workspace`, `workspaces`,
]);

export class PackageManagerCommands {
  constructor(private readonly host: CollectorHost, private readonly runner: CommandRunner) {}

  /** A command that installs from a registry while the install runs, from the package manager's word on. */
  registryInstall(context: CommandContext, words: Array<Word>, from: number): void {
    this.host.registryInstalls.add(`${context.origin}: ${words.slice(from).map(word => word.text).join(` `)}`);
  }

  /** The folder a package manager command runs in, relative to the package (`` for its root); null when it leaves the package. */
  private packageManagerFolder(words: Array<Word>, start: number, context: CommandContext): string {
    // After a `cd` that left the package, it runs in another package's folder or the project's.
    if (context.cwd === null)
      return `..`;
    let folder = context.cwd;
    for (let i = start; i < words.length; i++) {
      const option = /^(--prefix|--cwd|--dir|-C)(?:=(.*))?$/.exec(words[i].text);
      if (option === null)
        continue;
      const value = option[2] ?? words[++i]?.text;
      if (value !== undefined) {
        folder = toPackagePath(context.cwd, value) ?? `..`;
      }
    }
    return folder;
  }

  /**
   * A script of the package.json in `folder` (a folder of the package): its
   * manifest is hashed and the script analysed from there. A folder outside
   * the package, or one without that script, is a limit.
   */
  private otherManifestScript(manager: string, folder: string, words: Array<Word>, sub: number, context: CommandContext): void {
    if (folder === `..`) {
      // Another package's folder, or the project's (round 12, F18, F19).
      this.host.foreignRuns.add(`${context.origin}: ${manager} ${words.slice(sub).map(word => word.text).join(` `)} (in a folder outside the package)`);
      return;
    }
    let name = words[sub].text;
    const run = NPM_RUN.has(name);
    if (run) {
      let target = sub + 1;
      while (target < words.length && isOption(words[target].text))
        target += FOLDER_OPTION.test(words[target].text) ? 2 : 1;
      name = words[target]?.text ?? ``;
    }
    const manifestPath = folder === `` ? `package.json` : `${folder}/package.json`;
    const bytes = this.host.lookup(manifestPath);
    let scripts: unknown;
    try {
      scripts = bytes === null ? undefined : (JSON.parse(bytes.toString(`utf8`)) as {scripts?: unknown}).scripts;
    } catch {
      scripts = undefined;
    }
    const scriptOf = (script: string) => typeof scripts === `object` && scripts !== null ? ownString(scripts as Record<string, unknown>, script) : undefined;
    // npm and pnpm run pre<x> and post<x> around x, and `npm test`, `npm version`
    // run their lifecycle's scripts (outside attack round 32, M1); Yarn 4 runs x alone.
    const lifecycle = (run ? undefined : manager === `yarn` ? undefined : LIFECYCLE_ALIASES.get(name)) ?? [name];
    const names = manager === `yarn` ? lifecycle : lifecycle.flatMap(script => /^(?:pre|post)/.test(script) ? [script] : [`pre${script}`, script, `post${script}`]);
    const commands = [...new Set(names)].flatMap(script => {
      const text = scriptOf(script);
      return text === undefined ? [] : [{script, text}];
    });
    // `cd packages/a && yarn node setup.js`: Yarn's own command (no script of that name), node run in that folder.
    if (manager === `yarn` && name === `node` && commands.length === 0 && sub === words.findIndex(word => word.text === `node`)) {
      this.runner.analyseWords(words, sub, {...context, cwd: folder});
      return;
    }
    if (bytes === null || commands.length === 0) {
      // `cd packages/a && yarn tool`, `(cd packages/a; yarn exec tool)`: Yarn
      // runs that workspace's bin or command, followed in the workspace
      // (outside attack round 19, M11).
      if (manager === `yarn` && this.host.input.workspaceFolders?.includes(folder) === true) {
        this.host.workspaceScripts.add(`./${folder}#${INLINE_COMMAND}yarn ${words.slice(sub).map(word => shellQuoted(word.text)).join(` `)}`);
        return;
      }
      this.host.unresolved.add(`${context.origin}: ${manager} runs ${name} in ${folder}, which has no package.json script of that name: not followed`);
      return;
    }
    this.host.include(manifestPath, bytes, false);
    // The package manager reads that folder's own configuration (`.npmrc`'s node-options preloads code).
    for (const config of PACKAGE_MANAGER_CONFIG) {
      const configPath = folder === `` ? config : `${folder}/${config}`;
      const configBytes = this.host.lookup(configPath);
      if (configBytes !== null) {
        this.host.include(configPath, configBytes, false);
      }
    }
    for (const {script, text} of commands) {
      const scriptContext = {...context, cwd: folder, depth: context.depth + 1, origin: `${manifestPath}#${script}`};
      // A Yarn started in that folder loads its .env.yarn into the script (round 19, M9).
      if (manager === `yarn`)
        this.host.envFile(`.env.yarn`, scriptContext);
      this.runner.analyseCommand(text, scriptContext);
    }
  }

  /**
   * `yarn workspace <name> [run] <script>` and `yarn workspaces foreach
   * [options] run <script>` run scripts of the project's workspaces (every
   * one for foreach: its filters are not evaluated, which follows more, never
   * less). What else they run (`exec`, `node`, a bin by name, a yarn command)
   * is not followed and said so.
   */
  private otherWorkspaceScript(subcommand: string, words: Array<Word>, sub: number, context: CommandContext): void {
    const operands = (from: number) => {
      let i = from;
      while (i < words.length && isOption(words[i].text))
        i++;
      return i;
    };
    const notFollowed = () => this.host.unresolved.add(`${context.origin}: yarn ${words.slice(sub).map(word => word.text).join(` `)} runs something in other workspaces that is not followed`);
    // Anything else (`node x.js`, `exec node x.js`, `pack`, a bin) is what
    // `yarn <that>` does in the workspace's folder: followed there as such a
    // command (outside attack round 16, G1, G7, G17, G30).
    const inWorkspace = (name: string, from: number) => this.host.workspaceScripts.add(`${name}#${INLINE_COMMAND}yarn ${words.slice(from).map(word => shellQuoted(word.text)).join(` `)}`);
    if (subcommand === `workspace`) {
      const name = operands(sub + 1);
      const command = operands(name + 1);
      if (command >= words.length) {
        notFollowed();
        return;
      }
      // `run x` too: x may be a bin of the workspace's dependencies, or a
      // colon script another workspace defines (round 19, M10, M12).
      inWorkspace(words[name].text, command);
      return;
    }
    // `foreach`'s own options may take values: the script is what follows
    // `run`, the command the first of Yarn's commands.
    const command = words.findIndex((word, index) => index > sub + 1 && (word.text === `run` || YARN_COMMANDS_IN_WORKSPACE.has(word.text)));
    if (words[sub + 1]?.text !== `foreach` || command < 0) {
      notFollowed();
      return;
    }
    inWorkspace(`*`, command);
  }

  /**
   * npm's and pnpm's settings that run code, from a flag or the `.npmrc` of
   * the folder they run in (the package's, which npm reads as its project
   * configuration): `node-options` reaches every node their scripts start as
   * NODE_OPTIONS (`--require x` preloads x: outside attack round 11, F36,
   * F37), `script-shell` starts every script (round 12, F5-F7).
   */
  private codeSettings(words: Array<Word>, start: number, context: CommandContext): void {
    const apply = (key: string, value: string, at: CommandContext) => {
      if (/^node[-_]options$/i.test(key))
        this.runner.nodeOptions(value, at);
      else if (value.length > 0)
        this.runner.scriptShell(value, at);
    };
    const settingFlag = new RegExp(`^--(node[-_]options|script[-_]shell|userconfig|globalconfig|${NPM_PROGRAM_SETTINGS.source})(?:=([\\s\\S]*))?$`, `i`);
    for (let i = start; i < words.length; i++) {
      const flag = settingFlag.exec(words[i].text);
      const value = flag === null ? undefined : flag[2] ?? words[++i]?.text;
      if (flag === null || value === undefined)
        continue;
      if (/config$/.test(flag[1]))
        this.runner.npmrc(toPackagePath(context.cwd ?? ``, value) ?? ``, context);
      else if (NPM_PROGRAM_SETTINGS.test(flag[1]))
        this.runner.npmProgram(flag[1], value, context);
      else
        apply(flag[1], value, context);
    }
    const folder = this.packageManagerFolder(words, start, context);
    if (folder !== `..`) {
      this.runner.npmrc(folder === `` ? `.npmrc` : `${folder}/.npmrc`, {...context, cwd: folder});
      // `--prefix ./p`: npm's global configuration is then ./p/etc/npmrc (F24).
      if (folder !== `` && words.slice(start).some(word => /^--prefix(?:=|$)/.test(word.text)))
        this.runner.npmrc(`${folder}/etc/npmrc`, {...context, cwd: folder});
    }
  }

  /** `npm …`, `pnpm …`, `yarn …` in an install script, `start` being the word after the manager's name. */
  arguments(manager: `npm` | `pnpm` | `yarn`, words: Array<Word>, start: number, context: CommandContext): void {
    if (manager !== `yarn`)
      this.codeSettings(words, start, context);
    // `cd sub && yarn …`: Yarn reads the .yarnrc.yml of every folder from
    // where it runs up to the root (attack19 F46, F56); the root's is read
    // whenever the package has scripts.
    for (let folder = manager === `yarn` ? context.cwd ?? `` : ``; folder !== ``; folder = posix.dirname(folder) === `.` ? `` : posix.dirname(folder))
      this.host.yarnConfiguration(`${folder}/.yarnrc.yml`);
    for (const word of words.slice(start))
      this.runner.climbsOut(word.text, context);
    let sub = start;
    while (sub < words.length && isOption(words[sub].text))
      sub += FOLDER_OPTION.test(words[sub].text) ? 2 : 1;
    // Installing from a registry while the install runs fetches, and runs the
    // scripts of, whatever the registry serves then: nothing yarn.lock or the
    // pins hold, nothing an approval can be bound to. Bare `yarn` installs.
    if (sub >= words.length) {
      // `yarn --version`, `yarn -h` print and exit.
      if (manager === `yarn` && !words.slice(start).some(word => /^(?:-v|--version|-h|--help)$/.test(word.text)))
        this.registryInstall(context, words, start - 1);
      return;
    }

    const subcommand = words[sub].text;
    const withHooks = manager !== `yarn`;
    // What npm and pnpm run (a script, `exec`, a lifecycle alias, a
    // subcommand the analysis cannot read) gets every hoisted bin on its PATH.
    if (manager !== `yarn` && !NPM_RUNS_NOTHING.has(subcommand) && !REGISTRY_INSTALLS.has(subcommand))
      this.host.commands.add(`${NPM_SCRIPTS}${manager}`);

    if (REGISTRY_INSTALLS.has(subcommand)) {
      this.registryInstall(context, words, start - 1);
      return;
    }
    // `npm init @x`, `npm create x`: npm exec of the registry's create-x (round 12, F54).
    if (manager !== `yarn` && /^(?:init|innit|create)$/.test(subcommand) && words.slice(sub + 1).some(word => !isOption(word.text))) {
      this.registryInstall(context, words, start - 1);
      return;
    }
    // `npm rebuild x`: the install scripts of installed packages, run by npm
    // instead of Yarn, past the gate (a denied package's too: round 12, F18);
    // `npm edit x` rebuilds x after the editor, `npm explore x -- cmd` runs a
    // command in x's folder (outside attack round 14, F12).
    if (manager !== `yarn` && /^(?:rebuild|rb|edit|explore)$/.test(subcommand)) {
      this.host.foreignRuns.add(`${context.origin}: ${words.slice(start - 1).map(word => word.text).join(` `)}`);
      return;
    }

    // `npm run build --workspaces`, `-w tools/a`: the scripts of the package's
    // own npm workspaces run, whichever folders its globs match.
    if (manager !== `yarn` && words.slice(start).some(word => /^(?:-ws|--workspaces?(?:=.*)?|-w|--include-workspace-root|--filter(?:=.*)?|-r|--recursive)$/.test(word.text))) {
      // From the project, `npm run x -w <folder or name>` and `--workspaces`
      // run that script of the project's workspaces: followed there (outside
      // attack round 16, G16). Anything else is named.
      if (this.host.input.projectFolder !== undefined && this.host.input.bindEveryFile !== true && manager === `npm` && NPM_RUN.has(subcommand) && this.npmWorkspaceScripts(words, sub, context))
        return;
      this.host.includeCodeFiles(`${context.origin}: ${manager} ${words.slice(start).map(word => word.text).join(` `)} runs scripts in the package's own workspaces`);
      return;
    }

    // Another folder's package.json decides what runs: `npm run x --prefix
    // sub`, `cd sub && npm run x`, `yarn --cwd sub x`, `pnpm -C sub x`.
    const folder = this.packageManagerFolder(words, start, context);
    if (folder !== ``) {
      this.otherManifestScript(manager, folder, words, sub, context);
      return;
    }
    if (manager === `yarn` && (subcommand === `workspace` || subcommand === `workspaces`)) {
      this.otherWorkspaceScript(subcommand, words, sub, context);
      return;
    }

    if (NPM_RUN.has(subcommand) && (manager === `npm` || subcommand === `run` || subcommand === `run-script`)) {
      // `yarn run --require x bin`: Yarn hands `--require x` to the node that
      // runs the bin, as NODE_OPTIONS does (outside attack round 16, G23).
      let target = sub + 1;
      for (; target < words.length && isOption(words[target].text); target++) {
        const require = manager === `yarn` ? /^--require(?:=([\s\S]*))?$/.exec(words[target].text) : null;
        if (require !== null) {
          const value = require[1] ?? words[++target]?.text;
          if (value !== undefined) {
            this.runner.nodeOptions(`--require ${/^[^\s"'\\]+$/.test(value) ? value : JSON.stringify(value)}`, context);
          }
        }
      }
      if (target >= words.length)
        return;

      const name = words[target].text;
      // `yarn run -T x` (`-BT`, `-TB`: F32) runs the top-level workspace's script or bin x: the
      // project's code, or a root dependency's bin, never this package's.
      if (manager === `yarn` && words.slice(sub + 1, target).some(word => /^-[A-Za-z]*T[A-Za-z]*$/.test(word.text) || word.text === `--top-level`)) {
        this.host.commands.add(`toplevel:${commandName(name)}`);
        this.runner.plainArguments(words, target + 1, context);
        return;
      }
      if (ownString(this.host.manifestScripts, name) !== undefined) {
        this.host.followScript(name, withHooks);
        this.runner.plainArguments(words, target + 1, context);
      } else if (manager !== `npm`) {
        // `yarn run X` / `pnpm run X` fall back to a binary called X.
        this.runner.analyseWords(words, target, context);
        this.otherWorkspacesColonScript(manager, name);
      }
      return;
    }

    const lifecycle = LIFECYCLE_ALIASES.get(subcommand);
    if (lifecycle !== undefined && manager !== `yarn`) {
      for (const name of lifecycle)
        this.host.followScript(name, withHooks);
      // Without a start script, npm runs `node server.js`.
      if (lifecycle.includes(`start`) && ownString(this.host.manifestScripts, `start`) === undefined)
        this.runner.nested(`node server.js`, context);
      this.runner.plainArguments(words, sub + 1, context);
      return;
    }

    // `yarn constraints` runs the project's yarn.config.cjs (outside attack
    // round 16, G29, G49): from a dependency, code of the project.
    if (manager === `yarn` && subcommand === `constraints`) {
      this.runner.nested(`node "$PROJECT_CWD/yarn.config.cjs"`, context);
      return;
    }

    // Packing runs the package's own prepack, prepare and postpack scripts.
    if (subcommand === `pack` || subcommand === `publish`) {
      for (const name of [`prepack`, `prepare`, `postpack`])
        this.host.followScript(name, false);
      return;
    }

    if (subcommand === `exec` || subcommand === `x` || subcommand === `dlx`) {
      // `dlx`, `npm exec --package x` and `npm exec x@1` download what they
      // run from the registry: nothing yarn.lock or the pins hold.
      let downloads = subcommand === `dlx`;
      let target = sub + 1;
      while (target < words.length && isOption(words[target].text)) {
        const flag = words[target].text;
        // `npm exec -c 'cmd'` / `--call 'cmd'`
        if ((flag === `-c` || flag === `--call`) && target + 1 < words.length)
          this.runner.nested(words[++target].text, context);
        else if (flag === `-p` || flag === `--package`)
          downloads = true, target++;
        else if (flag.startsWith(`--package=`))
          downloads = true;
        target++;
      }
      const npmExec = manager === `npm` && target < words.length;
      if (downloads || (npmExec && words[target].text.lastIndexOf(`@`) > 0)) {
        this.registryInstall(context, words, start - 1);
        return;
      }
      if (target < words.length) {
        // `npm exec tool` is npx: a tool no dependency provides is downloaded.
        if (npmExec && !words[target].text.includes(`/`))
          this.host.commands.add(`npx:${commandName(words[target].text)}`);
        this.runner.analyseWords(words, target, context);
      }
      return;
    }

    if (manager === `npm`) {
      this.runner.plainArguments(words, sub + 1, context);
      return;
    }

    // `yarn X` / `pnpm X`: a script called X if there is one, otherwise a
    // command or binary (`yarn node x.js`, `yarn node-gyp rebuild`).
    if (ownString(this.host.manifestScripts, subcommand) !== undefined) {
      this.host.followScript(subcommand, withHooks);
      this.runner.plainArguments(words, sub + 1, context);
    } else {
      this.runner.analyseWords(words, sub, context);
      this.otherWorkspacesColonScript(manager, subcommand);
    }
  }

  /**
   * `npm run <script> -w <folder>|<name>`, `--workspace=<…>`, `--workspaces`
   * (`-ws`) and `--include-workspace-root`: the script of those workspaces
   * (and of this one). False when the words say something else.
   */
  private npmWorkspaceScripts(words: Array<Word>, sub: number, context: CommandContext): boolean {
    let script: string | null = null;
    const targets: Array<string> = [];
    let every = false;
    let root = false;
    for (let i = sub + 1; i < words.length; i++) {
      const text = words[i].text;
      const flag = /^(?:-w|--workspace)(?:=([\s\S]*))?$/.exec(text);
      if (flag !== null) {
        const value = flag[1] ?? words[++i]?.text;
        if (value === undefined || value.includes(`$`))
          return false;
        targets.push(value);
      } else if (/^(?:-ws|--workspaces(?:=true)?)$/.test(text)) {
        every = true;
      } else if (/^--include-workspace-root(?:=true)?$/.test(text)) {
        root = true;
      } else if (/^--if-present$/.test(text)) {
        continue;
      } else if (text === `--`) {
        break;
      } else if (isOption(text)) {
        return false;
      } else if (script === null) {
        script = text;
      }
    }
    if (script === null || (targets.length === 0 && !every))
      return false;
    if (every)
      this.host.workspaceScripts.add(`*#${script}`);
    for (const target of targets) {
      // A folder (`packages/tools`, `./tools`) or a workspace's name (`@c/tools`, `tools`).
      if (/^\.{0,2}\//.test(target) || (target.includes(`/`) && !target.startsWith(`@`)))
        this.runner.nested(`cd ${shellQuoted(target)} && npm run ${shellQuoted(script)}`, context);
      else
        this.host.workspaceScripts.add(`${target}#${script}`);
    }
    if (root && ownString(this.host.manifestScripts, script) !== undefined)
      this.host.followScript(script, true);
    return true;
  }

  /**
   * `yarn run build:x` (or `yarn build:x`) from a workspace that has no script
   * and no bin of that name runs the one workspace of the project that has
   * such a script: Yarn's rule for names with a colon. Followed in every
   * workspace with that script (more, never less).
   */
  private otherWorkspacesColonScript(manager: string, name: string): void {
    if (manager === `yarn` && name.includes(`:`) && this.host.input.bindEveryFile !== true)
      this.host.workspaceScripts.add(`*#${name}`);
  }
}
