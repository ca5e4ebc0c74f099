/**
 * Fingerprint of what a package runs at install time.
 *
 * An approval in the trust file is bound to this fingerprint, not to the
 * package name: a later release that keeps the name but changes a lifecycle
 * command, or the content of a file that command executes, produces a
 * different fingerprint and has to be approved again.
 *
 * The module is pure on purpose. File access is injected through
 * `PackageFiles`, so the same code fingerprints a package from a zip archive,
 * a directory, or an in-memory fixture, and so it can be tested exhaustively.
 *
 * Finding "the files a command executes" is necessarily a heuristic. Every
 * heuristic below leans towards including too much rather than too little:
 * an extra file only costs an extra re-approval when it changes, while a
 * missed file is a file an attacker could change silently.
 */

import {createHash} from 'crypto';
import {builtinModules} from 'module';
import {posix} from 'path';

export type InstallEvent = 'preinstall' | 'install' | 'postinstall';

export const INSTALL_EVENTS: readonly InstallEvent[] = [`preinstall`, `install`, `postinstall`];

/** Read-only view of a package's files; paths are posix, relative to the package root. */
export interface PackageFiles {
  /** null: absent or not a regular file */
  read(path: string): Buffer | null;
}

export interface InstallFingerprint {
  /** Script name -> command text, for the install events that run and every script they invoke. */
  scripts: Record<string, string>;
  /** Package-relative path -> 'sha512-<base64>'. */
  files: Record<string, string>;
}

export interface FingerprintLimits {
  /** Most distinct files hashed before giving up (default 500). */
  maxFiles?: number;
  /** Most bytes hashed in total before giving up (default 20 MiB). */
  maxBytes?: number;
  /** Most distinct paths probed through `read` before giving up (default 100000). */
  maxLookups?: number;
}

export interface FingerprintDiff {
  same: boolean;
  scripts: Array<{name: string, before?: string, after?: string}>;
  files: {added: Array<string>, removed: Array<string>, changed: Array<string>};
}

const IMPLICIT_NODE_GYP = `node-gyp rebuild`;

const DEFAULT_MAX_FILES = 500;
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
const DEFAULT_MAX_LOOKUPS = 100_000;

// Nested `sh -c "…"` / quoted sub-commands deeper than this are not a
// legitimate build setup; refusing is safer than silently not looking inside.
const MAX_COMMAND_DEPTH = 8;

// What a command-line word may name: the shell runs the exact file, while
// `node x` also finds x.js; .cjs/.mjs/.sh and index.js cover the usual
// shorthand of install scripts.
const COMMAND_SUFFIXES = [``, `.js`, `.cjs`, `.mjs`, `.sh`, `/index.js`];

// Node's resolution order for a relative specifier (directory `main` aside).
const MODULE_SUFFIXES = [``, `.js`, `.cjs`, `.mjs`, `.json`, `.node`, `/index.js`];

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
// command position again. Shell keywords are here because `{ node x; }` and
// `if …; then node x; fi` are still commands.
const COMMAND_PREFIXES = new Set([
  `env`, `cross-env`, `cross-env-shell`, `npx`, `pnpx`, `bunx`, `exec`, `nohup`, `time`,
  `command`, `nice`, `sudo`, `xargs`,
  `!`, `{`, `}`, `if`, `then`, `else`, `elif`, `do`, `while`, `until`,
]);

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

// `require('./x')`, `require.resolve('./x')`, `import('./x')`, `… from './x'`,
// `import './x'`. Only relative specifiers are captured: bare ones resolve
// outside the package. Lengths are bounded so a hostile file cannot make the
// scan expensive.
const MODULE_REFERENCE = /\b(?:require\s*(?:\.\s*resolve\s*)?\(|import\s*\(|from|import)\s*(['"`])(\.\.?(?:[/\\][^'"`\r\n]{0,1024})?)\1/g;

// Any other string literal that starts with ./ or ../ — paths handed to
// `fork`, `spawn`, `new URL(…, import.meta.url)`, `createRequire(…)(…)`.
const RELATIVE_STRING = /(['"`])(\.\.?[/\\][^'"`\r\n]{0,1024})\1/g;

// `path.join(__dirname, 'lib', 'x.js')` and `path.resolve(__dirname, …)`.
const DIRNAME_JOIN = /\b(?:join|resolve)\s*\(\s*__dirname\s*((?:,\s*(?:'[^'\r\n]{0,256}'|"[^"\r\n]{0,256}")\s*){1,16})\)/g;
const QUOTED_PIECE = /'([^'\r\n]*)'|"([^"\r\n]*)"/g;

// `__dirname + '/x.js'` and `${__dirname}/x.js`.
const DIRNAME_CONCAT = /__dirname\s*\+\s*(['"])([/\\][^'"\r\n]{0,1024})\1|`\$\{__dirname\}([/\\][^`$\r\n]{0,1024})`/g;

// TEMPORARY (lead's interim until the resolution work lands): bare specifiers.
const BARE_REFERENCE = /\b(?:require\s*\(|import\s*\(|from|import)\s*(['"`])([^./#'"`\r\n][^'"`\r\n]{0,256})\1/g;

function isBuiltinModule(specifier: string) {
  return specifier.startsWith(`node:`) || builtinModules.includes(specifier.split(`/`)[0]);
}

const NODE_SHEBANG = /^#![^\r\n]*\bnode(?:js)?\b/;

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** The value of an own string property; inherited or non-string values do not count (Yarn's Manifest drops them too). */
function ownString(record: Record<string, unknown>, key: string): string | undefined {
  if (!hasOwn(record, key))
    return undefined;

  const value = record[key];
  return typeof value === `string` ? value : undefined;
}

/** Plain assignment would turn a script or file called `__proto__` into a prototype change; define it as data instead. */
function setEntry(record: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(record, key, {value, enumerable: true, writable: true, configurable: true});
}

function sortedRecord(entries: Iterable<[string, string]>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    setEntry(record, key, value);
  return record;
}

function hashBytes(bytes: Buffer): string {
  return `sha512-${createHash(`sha512`).update(bytes).digest(`base64`)}`;
}

/**
 * True only when a package manifest (its raw text) certainly runs nothing at
 * install time: it parses as an object, names none of the install events
 * among its scripts, and there is no binding.gyp. Anything unusual (a BOM,
 * invalid JSON, odd types) answers false, so that the caller reads the
 * package the slow, exact way.
 */
export function certainlyRunsNothing(manifestText: string, hasBindingGyp: boolean): boolean {
  if (hasBindingGyp)
    return false;
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    if (error instanceof SyntaxError)
      return false;
    throw error;
  }
  if (typeof manifest !== `object` || manifest === null || Array.isArray(manifest))
    return false;
  if (!Object.prototype.hasOwnProperty.call(manifest, `scripts`))
    return true;
  const scripts = (manifest as {scripts: unknown}).scripts;
  if (scripts === null)
    return true;
  if (typeof scripts !== `object` || Array.isArray(scripts))
    return false;
  return INSTALL_EVENTS.every(event => !Object.prototype.hasOwnProperty.call(scripts, event));
}

export function installCommands(manifestScripts: Record<string, string>, hasBindingGyp: boolean): {commands: Partial<Record<InstallEvent, string>>, implicitNodeGyp: boolean} {
  const commands: Partial<Record<InstallEvent, string>> = {};
  for (const event of INSTALL_EVENTS) {
    const command = ownString(manifestScripts, event);
    if (command !== undefined) {
      commands[event] = command;
    }
  }

  // Mirrors plugin-pnp's extractBuildRequest: any `install` entry (even an
  // empty one) suppresses the implicit build.
  const implicitNodeGyp = hasBindingGyp && commands.install === undefined;
  if (implicitNodeGyp)
    commands.install = IMPLICIT_NODE_GYP;

  return {commands, implicitNodeGyp};
}

/**
 * Turns a reference into a path relative to the package root, or null when it
 * is absolute, uses a URL scheme or drive letter, depends on the environment
 * (`~`, `$VAR`), or climbs out of the root. The root itself is returned as ``.
 */
function toPackagePath(base: string, reference: string): string | null {
  if (reference.length === 0 || reference.includes(`\0`))
    return null;

  // Backslashes are separators on Windows; treating them as such everywhere
  // means `..\..\x` is recognised as an escape on every platform.
  const slashed = reference.replace(/\\/g, `/`);
  if (slashed.startsWith(`/`) || slashed.startsWith(`~`) || slashed.startsWith(`$`))
    return null;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(slashed))
    return null;

  const normalized = posix.normalize(posix.join(base === `` ? `.` : base, slashed)).replace(/\/+$/, ``);
  if (normalized === `..` || normalized.startsWith(`../`) || posix.isAbsolute(normalized))
    return null;

  return normalized === `.` ? `` : normalized;
}

function extensionOf(path: string): string {
  return posix.extname(path).toLowerCase();
}

function isJavaScriptFile(path: string, bytes: Buffer): boolean {
  if (JS_EXTENSIONS.has(extensionOf(path)))
    return true;

  return NODE_SHEBANG.test(bytes.subarray(0, 512).toString(`latin1`));
}

/** `/usr/bin/node.exe` -> `node`; how a command word is recognised regardless of how it is spelled. */
function commandName(word: string): string {
  return posix.basename(word.replace(/\\/g, `/`)).toLowerCase().replace(/\.(?:cmd|exe)$/, ``);
}

function isOption(word: string): boolean {
  return word.length > 1 && word.startsWith(`-`);
}

/** Plain `*` glob (npm-run-all's `build:*`); iterative so a hostile pattern cannot backtrack exponentially. */
function globMatches(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] === `*`) {
      star = p++;
      resume = n;
    } else if (p < pattern.length && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (star !== -1) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === `*`)
    p++;
  return p === pattern.length;
}

interface Word {
  text: string;
  quoted: boolean;
}

/**
 * Splits shell-ish text into simple commands (lists of words). It knows
 * quotes, backslashes, `&&`, `||`, `;`, `|`, `&`, subshells, `$(…)`,
 * backticks and redirections; that is enough to find the words of each
 * command, which is all the fingerprint needs.
 */
function splitCommands(text: string): Array<Array<Word>> {
  const commands: Array<Array<Word>> = [];
  let words: Array<Word> = [];
  let current = ``;
  let inWord = false;
  let quoted = false;

  const endWord = () => {
    if (inWord)
      words.push({text: current, quoted});
    current = ``;
    inWord = false;
    quoted = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0)
      commands.push(words);
    words = [];
  };

  for (let i = 0; i < text.length; i++) {
    const char = text[i];

    if (char === `\\`) {
      // Backslash-newline is a line continuation; any other escaped char is literal.
      if (i + 1 < text.length && text[i + 1] !== `\n`) {
        current += text[i + 1];
        inWord = true;
      }
      i++;
      continue;
    }

    if (char === `'`) {
      const end = text.indexOf(`'`, i + 1);
      const stop = end === -1 ? text.length : end;
      current += text.slice(i + 1, stop);
      i = stop;
      inWord = true;
      quoted = true;
      continue;
    }

    if (char === `"`) {
      let j = i + 1;
      while (j < text.length && text[j] !== `"`) {
        if (text[j] === `\\` && j + 1 < text.length && `"\\$\`\n`.includes(text[j + 1])) {
          current += text[j + 1];
          j += 2;
        } else {
          current += text[j];
          j++;
        }
      }
      i = j;
      inWord = true;
      quoted = true;
      continue;
    }

    if (char === `\n` || char === `;` || char === `|` || char === `&` || char === `(` || char === `)` || char === `\``) {
      endCommand();
      continue;
    }

    if (char === `$` && text[i + 1] === `(`) {
      endCommand();
      i++;
      continue;
    }

    if (char === `<` || char === `>`) {
      // `2>&1` must not split the command at its `&`.
      endWord();
      if (text[i + 1] === `&`)
        i++;
      continue;
    }

    if (/\s/.test(char)) {
      endWord();
      continue;
    }

    current += char;
    inWord = true;
  }

  endCommand();
  return commands;
}

/** Quoted words that still look like shell code (`sh -c "…"`, `concurrently "node a.js"`) are analysed as commands too. */
function looksLikeCommand(word: Word): boolean {
  return word.quoted && /[\s;&|()`<>]/.test(word.text);
}

interface CommandContext {
  /** Working directory relative to the root after `cd`; null once it left the package. */
  cwd: string | null;
  depth: number;
}

class FingerprintCollector {
  private readonly scripts = new Map<string, string>();
  private readonly files = new Map<string, string>();
  private readonly lookups = new Map<string, Buffer | null>();
  private readonly pendingCommands: Array<string> = [];
  private readonly pendingCode: Array<{path: string, bytes: Buffer}> = [];
  private readonly parsed = new Set<string>();
  private totalBytes = 0;
  private wantsBindingGyp = false;
  private wantsCmakeLists = false;
  readonly commandWords = new Set<string>();
  readonly bareModules = new Set<string>();

  constructor(
    private readonly manifestScripts: Record<string, string>,
    private readonly packageFiles: PackageFiles,
    private readonly maxFiles: number,
    private readonly maxBytes: number,
    private readonly maxLookups: number,
  ) {}

  entry(path: string): void {
    const found = this.firstExisting(path, MODULE_SUFFIXES);
    if (found !== null)
      this.include(found.path, found.bytes, !NON_CODE_MODULE_EXTENSIONS.has(extensionOf(found.path)));
  }

  run(commands: Partial<Record<InstallEvent, string>>): InstallFingerprint {
    for (const event of INSTALL_EVENTS) {
      if (!hasOwn(commands, event))
        continue;

      const command: unknown = commands[event];
      if (command === undefined)
        continue;
      if (typeof command !== `string`)
        throw new TypeError(`Install fingerprint: the ${event} command must be a string`);

      this.scripts.set(event, command);
      this.pendingCommands.push(command);
    }

    // Commands can reach scripts, scripts reach files, files reach files; the
    // two queues drain until nothing new turns up. Sets of seen scripts and
    // parsed files are what keeps cycles finite.
    while (this.pendingCommands.length > 0 || this.pendingCode.length > 0) {
      const command = this.pendingCommands.shift();
      if (command !== undefined) {
        this.analyseCommand(command, {cwd: ``, depth: 0});
        continue;
      }

      const code = this.pendingCode.shift();
      if (code !== undefined) {
        this.scanCode(code.bytes.toString(`utf8`), posix.dirname(code.path) === `.` ? `` : posix.dirname(code.path));
      }
    }

    if (this.wantsBindingGyp)
      this.includeIfPresent(`binding.gyp`);
    if (this.wantsCmakeLists)
      this.includeIfPresent(`CMakeLists.txt`);

    return {
      scripts: sortedRecord(this.scripts),
      files: sortedRecord(this.files),
    };
  }

  private lookup(path: string): Buffer | null {
    const cached = this.lookups.get(path);
    if (cached !== undefined)
      return cached;

    if (this.lookups.size >= this.maxLookups)
      throw new Error(`Install fingerprint aborted: more than ${this.maxLookups} file lookups (limit maxLookups)`);

    const bytes = this.packageFiles.read(path);
    const result = bytes === null || bytes === undefined ? null : bytes;
    this.lookups.set(path, result);
    return result;
  }

  private firstExisting(path: string, suffixes: ReadonlyArray<string>): {path: string, bytes: Buffer} | null {
    // The root directory itself can only stand for its index file.
    const candidates = path === `` ? [`index.js`] : suffixes.map(suffix => path + suffix);
    for (const candidate of candidates) {
      const bytes = this.lookup(candidate);
      if (bytes !== null) {
        return {path: candidate, bytes};
      }
    }
    return null;
  }

  private include(path: string, bytes: Buffer, parseAsCode: boolean): void {
    // The package's own manifest differs in every release (its version), and the
    // part of it that decides what runs — the scripts — is already fingerprinted.
    // Hashing it would force a new review on every upgrade.
    if (path === `package.json`)
      return;

    if (!this.files.has(path)) {
      if (this.files.size + 1 > this.maxFiles)
        throw new Error(`Install fingerprint aborted: more than ${this.maxFiles} files referenced (limit maxFiles)`);
      if (this.totalBytes + bytes.length > this.maxBytes)
        throw new Error(`Install fingerprint aborted: referenced files exceed ${this.maxBytes} bytes (limit maxBytes)`);

      this.totalBytes += bytes.length;
      this.files.set(path, hashBytes(bytes));
    }

    if (parseAsCode && !this.parsed.has(path)) {
      this.parsed.add(path);
      this.pendingCode.push({path, bytes});
    }
  }

  private includeIfPresent(path: string): void {
    const bytes = this.lookup(path);
    if (bytes !== null) {
      this.include(path, bytes, false);
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
      this.pendingCommands.push(command);
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
    const shared: CommandContext = {cwd: context.cwd, depth: context.depth};
    for (const words of splitCommands(text)) {
      this.analyseWords(words, 0, shared);
    }
  }

  private nested(text: string, context: CommandContext): void {
    this.analyseCommand(text, {cwd: context.cwd, depth: context.depth + 1});
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
      if (word.includes(`/`) || !COMMAND_PREFIXES.has(commandName(word)))
        break;

      index++;
      while (index < words.length && isOption(words[index].text)) {
        this.optionValue(words[index].text, context);
        index++;
      }
    }

    this.commandAt(words, index, context);
  }

  private commandAt(words: Array<Word>, index: number, context: CommandContext): void {
    const word = words[index];
    const name = commandName(word.text);
    const rest = index + 1;

    if (GYP_TOOLS.has(name))
      this.wantsBindingGyp = true;
    if (!word.text.includes(`/`) && !word.text.includes(`\\`) && name !== `cd`)
      this.commandWords.add(name);
    if (name === `cmake-js`)
      this.wantsCmakeLists = true;

    // A bare command word is looked up in PATH, never in the package; only a
    // word with a slash (`./configure`, `bin/setup`) names a package file.
    if (word.text.includes(`/`) || word.text.includes(`\\`))
      this.candidate(word.text, context, false);
    if (looksLikeCommand(word))
      this.nested(word.text, context);

    if (name === `cd`) {
      this.changeDirectory(words[rest]?.text, context);
    } else if (name === `node` || name === `nodejs`) {
      this.nodeArguments(words, rest, context);
    } else if (SHELLS.has(name)) {
      this.shellArguments(words, rest, context);
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
      return;
    }
    context.cwd = toPackagePath(context.cwd, target);
  }

  private plainArguments(words: Array<Word>, start: number, context: CommandContext): void {
    for (let i = start; i < words.length; i++) {
      this.argument(words[i], context, false);
    }
  }

  private argument(word: Word, context: CommandContext, asCode: boolean): void {
    const text = word.text;
    if (GYP_TOOLS.has(commandName(text)))
      this.wantsBindingGyp = true;

    if (ENV_ASSIGNMENT.test(text)) {
      this.assignment(text, context);
    } else if (isOption(text)) {
      this.optionValue(text, context);
    } else {
      this.candidate(text, context, asCode);
    }

    if (looksLikeCommand(word)) {
      this.nested(text, context);
    }
  }

  /** `FOO=bar` is not a file, but its value may be: `NODE_OPTIONS="--require ./hook.js"` runs hook.js. */
  private assignment(text: string, context: CommandContext): void {
    const value = text.slice(text.indexOf(`=`) + 1);
    for (const piece of value.split(/\s+/)) {
      if (piece.length === 0)
        continue;
      if (isOption(piece)) {
        this.optionValue(piece, context);
      } else {
        this.candidate(piece, context, false);
      }
    }
  }

  /** `--config=./x.js` may name a file; `--flag` does not. */
  private optionValue(text: string, context: CommandContext): void {
    const equals = text.indexOf(`=`);
    if (equals !== -1) {
      this.candidate(text.slice(equals + 1), context, false);
    }
  }

  private nodeArguments(words: Array<Word>, start: number, context: CommandContext): void {
    let scriptSeen = false;
    for (let i = start; i < words.length; i++) {
      const text = words[i].text;

      if (scriptSeen || !isOption(text)) {
        // The first non-option word is the entry point, run as JavaScript
        // whatever its extension; later words are the script's own arguments.
        this.argument(words[i], context, !scriptSeen);
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
        // The code itself is part of the recorded command; what it loads is not.
        this.scanCode(value, context.cwd ?? ``);
        scriptSeen = true;
      } else {
        this.candidate(value, context, NODE_MODULE_FLAGS.has(flag));
      }
    }
  }

  private shellArguments(words: Array<Word>, start: number, context: CommandContext): void {
    for (let i = start; i < words.length; i++) {
      const text = words[i].text;
      // `-c`, `-ec`, `-lc`: the next word is shell code.
      if (/^-[A-Za-z]*c[A-Za-z]*$/.test(text) && i + 1 < words.length) {
        this.nested(words[++i].text, context);
        continue;
      }
      this.argument(words[i], context, false);
    }
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
        target++;
      }
      if (target < words.length)
        this.analyseWords(words, target, context);
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
   * this analysis cannot follow (or resolved nothing).
   */
  private candidate(text: string, context: CommandContext, asCode: boolean): void {
    const bases = context.cwd === null || context.cwd === `` ? [``] : [context.cwd, ``];
    for (const base of bases) {
      const path = toPackagePath(base, text);
      // Only an entry point may stand for the root directory (`node .`);
      // otherwise `.` in `cp -r . dist` would drag index.js in.
      if (path === null || (path === `` && !asCode))
        continue;

      const found = this.firstExisting(path, COMMAND_SUFFIXES);
      if (found !== null) {
        this.include(found.path, found.bytes, asCode || isJavaScriptFile(found.path, found.bytes));
        return;
      }
    }
  }

  /** A specifier loaded as a module: everything but JSON and native addons is evaluated as JavaScript. */
  private moduleReference(directory: string, specifier: string): void {
    const found = this.resolveRelative(directory, specifier);
    if (found !== null) {
      this.include(found.path, found.bytes, !NON_CODE_MODULE_EXTENSIONS.has(extensionOf(found.path)));
    }
  }

  /** A relative string used as a path: relative to the file, or to the root (the working directory of install scripts). */
  private pathReference(directory: string, reference: string): void {
    // The root is only a fallback: trying it as well would drag in an
    // unrelated root file whenever `./x` exists both beside the file and at the root.
    const found = this.resolveRelative(directory, reference) ?? (directory === `` ? null : this.resolveRelative(``, reference));
    if (found !== null) {
      this.include(found.path, found.bytes, isJavaScriptFile(found.path, found.bytes));
    }
  }

  private resolveRelative(directory: string, specifier: string): {path: string, bytes: Buffer} | null {
    const path = toPackagePath(directory, specifier);
    if (path !== null) {
      const found = this.firstExisting(path, MODULE_SUFFIXES);
      if (found !== null) {
        return found;
      }
    }

    // ESM specifiers are URLs: `./x.js?v=1` loads ./x.js.
    const bare = specifier.replace(/[?#].*$/s, ``);
    if (bare !== specifier && bare.length > 0)
      return this.resolveRelative(directory, bare);

    return null;
  }

  /** Best-effort scan of JavaScript text for relative references; `directory` is where they resolve from. */
  scanCode(code: string, directory: string): void {
    for (const match of code.matchAll(BARE_REFERENCE))
      if (!isBuiltinModule(match[2]))
        this.bareModules.add(match[2]);
    for (const match of code.matchAll(MODULE_REFERENCE)) {
      // A template literal with `${…}` is not a fixed path.
      if (match[1] === `\`` && match[2].includes(`\${`))
        continue;
      this.moduleReference(directory, match[2]);
    }

    for (const match of code.matchAll(RELATIVE_STRING)) {
      if (match[1] === `\`` && match[2].includes(`\${`))
        continue;
      this.pathReference(directory, match[2]);
    }

    for (const match of code.matchAll(DIRNAME_JOIN)) {
      const pieces: Array<string> = [];
      for (const piece of match[1].matchAll(QUOTED_PIECE))
        pieces.push(piece[1] ?? piece[2]);
      this.pathReferenceFromDirectory(directory, pieces.join(`/`));
    }

    for (const match of code.matchAll(DIRNAME_CONCAT)) {
      this.pathReferenceFromDirectory(directory, match[2] ?? match[3]);
    }
  }

  /** Paths built from __dirname are relative to the file only; a leading slash there is a separator, not the filesystem root. */
  private pathReferenceFromDirectory(directory: string, tail: string): void {
    const relative = `./${tail.replace(/^[/\\]+/, ``)}`;
    const found = this.resolveRelative(directory, relative);
    if (found !== null) {
      this.include(found.path, found.bytes, isJavaScriptFile(found.path, found.bytes));
    }
  }
}

function readLimit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined)
    return fallback;
  if (typeof value !== `number` || !(Number.isInteger(value) || value === Infinity) || value < 0)
    throw new RangeError(`Install fingerprint: ${name} must be a non-negative integer`);
  return value;
}

export function computeFingerprint(input: {commands: Partial<Record<InstallEvent, string>>, manifestScripts: Record<string, string>, files: PackageFiles, limits?: FingerprintLimits}): InstallFingerprint {
  const limits = input.limits ?? {};
  const collector = new FingerprintCollector(
    input.manifestScripts,
    input.files,
    readLimit(limits.maxFiles, DEFAULT_MAX_FILES, `maxFiles`),
    readLimit(limits.maxBytes, DEFAULT_MAX_BYTES, `maxBytes`),
    readLimit(limits.maxLookups, DEFAULT_MAX_LOOKUPS, `maxLookups`),
  );
  return collector.run(input.commands);
}

function ownEntries(record: Record<string, string>): Map<string, string> {
  const entries = new Map<string, string>();
  for (const key of Object.keys(record))
    entries.set(key, record[key]);
  return entries;
}

function sortedUnion(a: Map<string, string>, b: Map<string, string>): Array<string> {
  return [...new Set([...a.keys(), ...b.keys()])].sort();
}

export function diffFingerprints(before: InstallFingerprint, after: InstallFingerprint): FingerprintDiff {
  // Maps keyed by own keys: a trust file parsed with JSON.parse may carry a
  // `__proto__` entry, which must compare like any other name.
  const scriptsBefore = ownEntries(before.scripts);
  const scriptsAfter = ownEntries(after.scripts);
  const scripts: FingerprintDiff[`scripts`] = [];
  for (const name of sortedUnion(scriptsBefore, scriptsAfter)) {
    const was = scriptsBefore.get(name);
    const now = scriptsAfter.get(name);
    if (was === now)
      continue;

    const entry: FingerprintDiff[`scripts`][number] = {name};
    if (was !== undefined)
      entry.before = was;
    if (now !== undefined)
      entry.after = now;
    scripts.push(entry);
  }

  const filesBefore = ownEntries(before.files);
  const filesAfter = ownEntries(after.files);
  const files: FingerprintDiff[`files`] = {added: [], removed: [], changed: []};
  for (const path of sortedUnion(filesBefore, filesAfter)) {
    const was = filesBefore.get(path);
    const now = filesAfter.get(path);
    if (was === undefined) {
      files.added.push(path);
    } else if (now === undefined) {
      files.removed.push(path);
    } else if (was !== now) {
      files.changed.push(path);
    }
  }

  const same = scripts.length === 0 && files.added.length === 0 && files.removed.length === 0 && files.changed.length === 0;
  return {same, scripts, files};
}

export function sameFingerprint(a: InstallFingerprint, b: InstallFingerprint): boolean {
  return diffFingerprints(a, b).same;
}

export interface InstallAnalysis {
  fingerprint: InstallFingerprint;
  modules: string[];
  commands: string[];
  unresolved: string[];
}

function makeCollector(manifest: Record<string, unknown>, files: PackageFiles, limits: FingerprintLimits = {}) {
  const scripts = typeof manifest.scripts === `object` && manifest.scripts !== null ? manifest.scripts as Record<string, string> : {};
  return new FingerprintCollector(
    scripts,
    files,
    readLimit(limits.maxFiles, DEFAULT_MAX_FILES, `maxFiles`),
    readLimit(limits.maxBytes, DEFAULT_MAX_BYTES, `maxBytes`),
    readLimit(limits.maxLookups, DEFAULT_MAX_LOOKUPS, `maxLookups`),
  );
}

export function analyzeInstall(input: {commands: Partial<Record<InstallEvent, string>>, manifestScripts: Record<string, string>, manifest: Record<string, unknown>, files: PackageFiles, limits?: FingerprintLimits}): InstallAnalysis {
  const collector = makeCollector({...input.manifest, scripts: input.manifestScripts}, input.files, input.limits);
  const fingerprint = collector.run(input.commands);
  return {fingerprint, modules: [...collector.bareModules].sort(), commands: [...collector.commandWords].sort(), unresolved: []};
}

export function analyzeEntries(input: {entries: Array<{kind: `module`, specifier: string} | {kind: `file`, path: string}>, manifest: Record<string, unknown>, files: PackageFiles, limits?: FingerprintLimits}): InstallAnalysis {
  const collector = makeCollector(input.manifest, input.files, input.limits);
  for (const entry of input.entries) {
    if (entry.kind === `file`) {
      collector.entry(posix.normalize(entry.path).replace(/^\.\//, ``));
    } else if (entry.specifier === `.`) {
      const main = typeof input.manifest.main === `string` ? posix.normalize(input.manifest.main).replace(/^\.\//, ``) : `index.js`;
      collector.entry(main);
    } else {
      collector.entry(entry.specifier.replace(/^\.\//, ``));
    }
  }
  const fingerprint = collector.run({});
  return {fingerprint, modules: [...collector.bareModules].sort(), commands: [...collector.commandWords].sort(), unresolved: []};
}
