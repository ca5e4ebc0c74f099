/** What the command and code analyses need from the collector that owns the fingerprint's state. */

import type {Located, ModuleResolver} from './resolver';
import type {CommandContext, PendingCommand} from './tables';
import type {PackageFiles} from './types';
import type {Word} from './shell';

export interface CollectorHost {
  /** `bindEveryFile`: a dependency's analysis (a workspace's binds only what it is seen to run). */
  readonly input: {files: PackageFiles, maxLookups: number, bindEveryFile?: boolean, projectFolder?: string, workspaceFolders?: ReadonlyArray<string>};
  readonly resolver: ModuleResolver;
  readonly manifestScripts: Record<string, string>;
  /** Paths looked up so far (each counts against maxLookups). */
  readonly lookups: ReadonlyMap<string, Buffer | null>;
  /** Limits of the analysis, as reported to the user. */
  readonly unresolved: Set<string>;
  /** Bare command words in command position. */
  readonly commands: Set<string>;
  /** Word-like tokens of every command read (see InstallAnalysis.mentions). */
  readonly mentions: Set<string>;
  /**
   * A file of the package that a command hands to a program (`awk -f x.awk`,
   * `ninja -f x.ninja`, `gdb -x x.gdb`): whatever the program, a path in it
   * that climbs out of the package names another package's file.
   */
  operandFile(path: string, bytes: Buffer): void;
  /** Adds the word-like tokens of text a program may take a program's name from (a command, a configuration value). */
  mentionsIn(text: string): void;
  /** Bare module specifiers reached. */
  readonly modules: Set<string>;
  /** Configuration files a TypeScript runner is told to use (`tsx --tsconfig x`, `TSX_TSCONFIG_PATH=x`), as package paths. */
  readonly typescriptConfigs: Set<string>;
  /** Folders a TypeScript runner was started in: it reads their tsconfig.json, not the file's. */
  readonly typescriptFolders: Set<string>;
  /** Scripts of the project's workspaces that `yarn workspace(s)` runs: `<workspace name>#<script>`, `*` for every workspace. */
  readonly workspaceScripts: Set<string>;
  /** Commands that install packages from a registry while the install runs (`npm install x`), as `<origin>: <command>`. */
  readonly registryInstalls: Set<string>;
  /** Package-manager commands that run other packages' code (`npm rebuild`, `--prefix ../..`), as `<origin>: <command>`. */
  readonly foreignRuns: Set<string>;
  wantsBindingGyp: boolean;
  /** Other folders node-gyp builds in (`--directory=sub`, `cd sub && node-gyp rebuild`), and `--nodedir` folders of the package. */
  readonly gypDirectories: Set<string>;
  readonly nodeDirectories: Set<string>;
  wantsCmakeLists: boolean;
  lookup(path: string): Buffer | null;
  /** The package's files below a directory (never through node_modules); null when it is none; refuses the analysis when files cannot be listed. */
  filesBelow(directory: string): Array<string> | null;
  firstExisting(path: string, suffixes: ReadonlyArray<string>): Located | null;
  include(path: string, bytes: Buffer, parseAsCode: boolean): void;
  /** A file run as a program: JavaScript is followed; anything else is hashed and named as a limit. */
  executable(path: string, bytes: Buffer): void;
  /**
   * A program that is not JavaScript (a shell script, a git hook): hashed, not
   * parsed. Over-approximated as text: every word-like token counts as a
   * mention (a bin of that name on the PATH is reached) and every path under
   * a node_modules folder as a dependency's file (outside attack round 26,
   * M4); a binary is only named as a limit. `kind` names it in that limit. With
   * the `context` of the command that runs it, a workspace's shell script is
   * also read command by command.
   */
  programText(path: string, bytes: Buffer, kind: string, context?: CommandContext): void;
  /** The text part of programText, for code of other languages (Python, Perl, Ruby) that the install runs: every bin it names by a word, every node_modules path. */
  namesIn(bytes: Buffer): void;
  /** A command to analyse once the current file or command is done. */
  queueCommand(command: PendingCommand): void;
  followScript(name: string, withHooks: boolean): void;
  followScriptPattern(pattern: string): void;
  analyseCommand(text: string, context: CommandContext): void;
  analyseWords(words: Array<Word>, start: number, context: CommandContext): void;
  pathReference(directory: string, reference: string): void;
  pathFrom(directory: string, reference: string): Located | null;
  scanText(code: string, directory: string, origin: string): void;
  /** An environment file loaded into a process (`--env-file`, `process.loadEnvFile`): hashed, and its NODE_OPTIONS, NODE_PATH… read as assignments. */
  envFile(reference: string, context: CommandContext): void;
  /**
   * Code that runs or loads files from places the analysis cannot pin down:
   * every file of the package is hashed, and `limit` is named.
   */
  includeCodeFiles(limit: string): void;
  /** The code reads the package's own manifest: its data is recorded (`package.json#data`). */
  readsManifest(): void;
  /** Every file below a directory of the package, hashed as data. */
  includeDirectory(directory: string): void;
  /** A path through a node_modules folder: recorded as a dependency's file (true), or not one (false). */
  dependencyPath(path: string, options?: {folder?: boolean}): boolean;
  /** A GYP file through a node_modules folder (`node_modules/dep/x.gypi`): recorded as a dependency's GYP file (true), or not one (false). */
  dependencyGypPath(path: string): boolean;
  /**
   * A path that climbs out of a workspace's folder (`../../scripts/x.js`, already normalized) into
   * the folder of another workspace of the project: recorded in `workspaceFiles` (true), or not one (false).
   */
  outerWorkspaceFile(path: string): boolean;
  /** A `.yarnrc.yml` of the package that a Yarn started by the scripts reads: hashed, its yarnPath, plugins and environment files followed. */
  yarnConfiguration(name: string): void;
  /** A file Yarn runs because its configuration names it (`yarnPath`, a plugin's `path`), from the package root. */
  yarnRunsFile(reference: string, origin: string): void;
  /** A Yarn configuration file of the package (`.yarnrc.yml`, or the name `YARN_RC_FILENAME` gives): hashed, and the files it makes Yarn run followed. */
  yarnConfiguration(name: string): void;
}
