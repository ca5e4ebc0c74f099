/**
 * What a GYP file (`binding.gyp`, `.gypi`) makes node-gyp run. GYP files are
 * Python literals; they are parsed here, never evaluated. gyp runs the
 * command expansions `<!(cmd)` and `<!@(cmd)` while it reads the file, and
 * make runs the `action` lists of targets while it builds: both are code the
 * package runs at install time.
 */

type GypValue = string | number | boolean | null | Array<GypValue> | GypDict;

interface GypDict {
  entries: Array<[GypValue, GypValue]>;
}

export interface GypCommands {
  /** Files named by `includes`, and the GYP files of targets named by `dependencies`, as written (relative to the file that names them). */
  includes: Array<string>;
  /** `dependencies` entries whose file gyp finds through a variable it expands at build time (`<@(deps)`, `<(dir)/x.gyp:t`). */
  variableDependencies: Array<string>;
  /** Shell commands of `<!(…)` expansions. */
  shellCommands: Array<string>;
  /** Argument vectors of `<!([…])` expansions and `action` lists, run without a shell. */
  argvs: Array<Array<string>>;
  /** Tools that `make_global_settings` sets (`CC`, `CXX`, `LINK`…): make runs them for every compile. */
  programs: Array<{variable: string, value: string}>;
  /** Python modules that `<!pymod_do_main(module …)` imports from the file's folder. */
  pythonModules: Array<string>;
  /**
   * Words of compiler and linker flags (`cflags`, `ldflags`, `xcode_settings`
   * and their kin) that may name a file of the package the compiler runs
   * (`-wrapper`, `-B`, `-fplugin=`): the collector hashes those that exist.
   */
  flagWords: Array<string>;
  /**
   * Directories that compiler and linker flags make the compiler search for
   * the programs, plugins or system files it runs (`-B tools/`, `--prefix`,
   * `-iplugindir=`, `--sysroot`, `--gcc-toolchain`), with the flag as written:
   * a release that adds `tools/as` changes what the same flags run.
   */
  flagDirectories: Array<{flag: string, directory: string}>;
  /** Response files (`@flags.txt`) that flags name: their words are flags too. */
  responseFiles: Array<string>;
  /** What could not be analysed, worded to follow `<file>: `. */
  problems: Array<string>;
  /** Why the file is not a Python literal; its raw text was searched for expansions instead. */
  parseError?: string;
}

const MAX_DEPTH = 64;
const MAX_EXPANSION_DEPTH = 8;

// node-gyp runs gyp from the package root and defines module_root_dir as it.
const ROOT_VARIABLES = new Set([`module_root_dir`, `DEPTH`]);

class GypSyntaxError extends Error {}

class GypParser {
  private index = 0;

  constructor(private readonly text: string) {}

  parseDocument(): GypValue {
    const value = this.value(0);
    this.skip();
    if (this.index < this.text.length)
      this.fail(`unexpected ${JSON.stringify(this.text[this.index])}`);
    return value;
  }

  private fail(reason: string): never {
    const line = this.text.slice(0, this.index).split(`\n`).length;
    throw new GypSyntaxError(`${reason} at line ${line}`);
  }

  /** Whitespace, `#` comments and backslash line continuations. */
  private skip(): void {
    while (this.index < this.text.length) {
      const char = this.text[this.index];
      if (char === `#`) {
        const end = this.text.indexOf(`\n`, this.index);
        this.index = end === -1 ? this.text.length : end + 1;
      } else if (/\s/.test(char) || (char === `\\` && this.text[this.index + 1] === `\n`)) {
        this.index += char === `\\` ? 2 : 1;
      } else {
        return;
      }
    }
  }

  private value(depth: number): GypValue {
    if (depth > MAX_DEPTH)
      this.fail(`nested more than ${MAX_DEPTH} levels`);

    this.skip();
    const char = this.text[this.index];
    if (char === `{`)
      return this.dict(depth);
    if (char === `[` || char === `(`)
      return this.list(depth, char === `[` ? `]` : `)`);

    const string = this.strings();
    if (string !== null)
      return string;

    const word = /^(?:True|False|None|[-+]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?))\b/.exec(this.text.slice(this.index, this.index + 64));
    if (word === null)
      this.fail(`unexpected ${char === undefined ? `end of file` : JSON.stringify(char)}`);
    this.index += word[0].length;
    if (word[0] === `True`)
      return true;
    if (word[0] === `False`)
      return false;
    if (word[0] === `None`)
      return null;
    return Number(word[0]);
  }

  private dict(depth: number): GypDict {
    this.index++;
    const entries: GypDict[`entries`] = [];
    for (;;) {
      this.skip();
      if (this.text[this.index] === `}`) {
        this.index++;
        return {entries};
      }
      const key = this.value(depth + 1);
      this.skip();
      if (this.text[this.index] !== `:`)
        this.fail(`expected ":"`);
      this.index++;
      entries.push([key, this.value(depth + 1)]);
      this.skip();
      if (this.text[this.index] === `,`) {
        this.index++;
      } else if (this.text[this.index] !== `}`) {
        this.fail(`expected "," or "}"`);
      }
    }
  }

  private list(depth: number, close: string): Array<GypValue> {
    this.index++;
    const items: Array<GypValue> = [];
    for (;;) {
      this.skip();
      if (this.text[this.index] === close) {
        this.index++;
        return items;
      }
      items.push(this.value(depth + 1));
      this.skip();
      if (this.text[this.index] === `,`) {
        this.index++;
      } else if (this.text[this.index] !== close) {
        this.fail(`expected "," or "${close}"`);
      }
    }
  }

  /** One string literal, or several adjacent ones, which Python concatenates. */
  private strings(): string | null {
    let result: string | null = null;
    for (;;) {
      const start = this.index;
      const piece = this.string();
      if (piece === null) {
        this.index = start;
        return result;
      }
      result = (result ?? ``) + piece;
      this.skip();
    }
  }

  private string(): string | null {
    const prefix = /^[rRuUbB]{0,2}(?='|")/.exec(this.text.slice(this.index, this.index + 3));
    if (prefix === null)
      return null;
    const raw = /r/i.test(prefix[0]);
    this.index += prefix[0].length;

    const quote = this.text.startsWith(this.text[this.index].repeat(3), this.index) ? this.text[this.index].repeat(3) : this.text[this.index];
    this.index += quote.length;
    let result = ``;
    for (;;) {
      if (this.index >= this.text.length)
        this.fail(`unterminated string`);
      if (this.text.startsWith(quote, this.index)) {
        this.index += quote.length;
        return result;
      }
      const char = this.text[this.index];
      if (char === `\n` && quote.length === 1)
        this.fail(`unterminated string`);
      if (char === `\\` && this.index + 1 < this.text.length) {
        result += raw ? this.text.slice(this.index, this.index + 2) : this.escape(this.text[this.index + 1]);
        this.index += 2;
        continue;
      }
      result += char;
      this.index++;
    }
  }

  /** Python's escapes; the hex and octal forms are consumed past the two characters already taken. */
  private escape(char: string): string {
    const simple: Record<string, string> = {n: `\n`, t: `\t`, r: `\r`, '\\': `\\`, "'": `'`, '"': `"`, '\n': ``, a: `\x07`, b: `\b`, f: `\f`, v: `\v`};
    if (Object.prototype.hasOwnProperty.call(simple, char))
      return simple[char];

    const hex = char === `x` ? 2 : char === `u` ? 4 : char === `U` ? 8 : 0;
    if (hex > 0) {
      const digits = this.text.slice(this.index + 2, this.index + 2 + hex);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex)
        this.fail(`invalid \\${char} escape`);
      this.index += hex;
      return String.fromCodePoint(parseInt(digits, 16));
    }
    if (/[0-7]/.test(char)) {
      const digits = /^[0-7]{1,3}/.exec(this.text.slice(this.index + 1, this.index + 4))![0];
      this.index += digits.length - 1;
      return String.fromCharCode(parseInt(digits, 8));
    }
    // Python keeps unknown escapes as written.
    return `\\${char}`;
  }
}

/** Index of the parenthesis closing the one at `open`, or -1. */
function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === `(`) {
      depth++;
    } else if (text[i] === `)`) {
      depth--;
      if (depth === 0) {
        return i;
      }
    }
  }
  return -1;
}

const EXPANSION = /([<>^])(!?)(@?)([-a-zA-Z0-9_.]+)?\(/g;
const HAS_EXPANSION = /[<>^]!?@?[-a-zA-Z0-9_.]*\(/;

/**
 * Finds the command expansions of one string. Variable references
 * (`<(module_root_dir)`) are substituted first, since the commands use them
 * to name package files; an unknown variable becomes `$GYP_<name>`, which the
 * command analysis treats as decided at run time.
 */
function expansionsOf(text: string, result: GypCommands, depth: number): void {
  if (depth > MAX_EXPANSION_DEPTH) {
    result.problems.push(`command expansions nested more than ${MAX_EXPANSION_DEPTH} levels`);
    return;
  }

  let rest = text;
  const found: Array<{command: string, content: string}> = [];
  // Innermost first, as gyp does: replace each expansion with a placeholder.
  for (let guard = 0; guard < 1000; guard++) {
    let innermost: {start: number, end: number, isCommand: boolean, name: string | undefined, content: string} | null = null;
    for (const match of rest.matchAll(EXPANSION)) {
      const open = match.index + match[0].length - 1;
      const close = closingParenthesis(rest, open);
      if (close === -1)
        continue;
      const content = rest.slice(open + 1, close);
      if (!HAS_EXPANSION.test(content)) {
        innermost = {start: match.index, end: close + 1, isCommand: match[2] === `!`, name: match[4], content};
        break;
      }
    }
    if (innermost === null)
      break;

    let replacement: string;
    if (!innermost.isCommand) {
      const variable = innermost.name === undefined ? innermost.content.trim() : innermost.name;
      replacement = innermost.name === undefined && ROOT_VARIABLES.has(variable) ? `.` : `$GYP_${variable.replace(/[^A-Za-z0-9_]/g, `_`)}`;
    } else {
      found.push({command: innermost.name ?? ``, content: innermost.content});
      replacement = `$GYP_EXPANSION`;
    }
    rest = rest.slice(0, innermost.start) + replacement + rest.slice(innermost.end);
  }

  for (const {command, content} of found) {
    if (command === `pymod_do_main`) {
      // gyp imports the module from the folder of the file that names it.
      const module = content.trim().split(/\s+/)[0] ?? ``;
      if (/^[A-Za-z_][\w.]*$/.test(module))
        result.pythonModules.push(module);
      result.problems.push(`<!pymod_do_main(${content}) runs Python code: its module is hashed, what that imports is not analysed`);
      continue;
    }
    if (command !== ``) {
      result.problems.push(`<!${command}(${content}) runs Python code, which is not analysed`);
      continue;
    }

    const trimmed = content.trim();
    if (!trimmed.startsWith(`[`)) {
      result.shellCommands.push(trimmed);
      continue;
    }

    let argv: GypValue;
    try {
      argv = new GypParser(trimmed).parseDocument();
    } catch (error) {
      if (!(error instanceof GypSyntaxError))
        throw error;
      result.problems.push(`could not parse the command list <!(${content}): ${error.message}`);
      continue;
    }
    if (Array.isArray(argv) && argv.every(item => typeof item === `string`)) {
      result.argvs.push(argv as Array<string>);
    } else {
      result.problems.push(`the command list <!(${content}) is not a list of strings`);
    }
  }
}

// Settings whose values are handed to the compiler or linker as flags.
const FLAG_KEYS = /^(?:cflags(?:_c|_cc)?|ldflags|OTHER_(?:C|CPLUSPLUS|LD)FLAGS|AdditionalOptions|WARNING_CFLAGS)!?$/;
const MAX_FLAG_WORDS = 256;

/** `-B dir`, `-Bdir`, `--sysroot=dir`: flags whose value is a directory the compiler or linker searches for what it runs. */
const DIRECTORY_FLAG = /^(-B|--prefix|-iplugindir|--sysroot|-isysroot|--gcc-toolchain|-gcc-toolchain|-ccc-install-dir)(=?)(.*)$/s;
/** Flags whose value is a file the compiler reads instructions from (specs can start programs). */
const FILE_FLAG = /^(--?specs)(=?)(.*)$/s;

function flagWordsOf(value: GypValue, result: GypCommands): void {
  const tokens: Array<string> = [];
  flagTokens(value, tokens);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    const directory = DIRECTORY_FLAG.exec(token);
    const file = FILE_FLAG.exec(token);
    if (directory !== null) {
      // `-B` takes its value attached or as the next word; the long forms with `=` or as the next word.
      const named = directory[3] !== `` ? directory[3] : tokens[++index];
      if (named !== undefined && result.flagDirectories.length < MAX_FLAG_WORDS)
        result.flagDirectories.push({flag: directory[1], directory: named});
      continue;
    }
    if (file !== null) {
      const named = file[3] !== `` ? file[3] : tokens[++index];
      if (named !== undefined && result.flagWords.length < MAX_FLAG_WORDS)
        result.flagWords.push(named);
      continue;
    }
    if (token.startsWith(`@`) && token.length > 1) {
      // A response file: more flags, read by the compiler from the file.
      if (result.responseFiles.length < MAX_FLAG_WORDS)
        result.responseFiles.push(token.slice(1));
      continue;
    }
    for (const word of token.split(/[,=]+/)) {
      if (word !== `` && !word.startsWith(`-`) && result.flagWords.length < MAX_FLAG_WORDS) {
        result.flagWords.push(word);
      }
    }
  }
}

function flagTokens(value: GypValue, tokens: Array<string>): void {
  if (typeof value === `string`) {
    for (const word of substituteVariables(value).split(/\s+/)) {
      if (word !== `` && tokens.length < MAX_FLAG_WORDS * 4) {
        tokens.push(word);
      }
    }
  } else if (Array.isArray(value)) {
    for (const item of value) {
      flagTokens(item, tokens);
    }
  } else if (value !== null && typeof value === `object`) {
    for (const [, item] of value.entries) {
      flagTokens(item, tokens);
    }
  }
}

/** The words of a response file (`@flags.txt`), read as flags like those of binding.gyp. */
export function readFlagFile(text: string): Pick<GypCommands, `flagWords` | `flagDirectories` | `responseFiles`> {
  const result: GypCommands = emptyCommands();
  flagWordsOf(text.replace(/["']/g, ` `), result);
  return {flagWords: result.flagWords, flagDirectories: result.flagDirectories, responseFiles: result.responseFiles};
}

function walk(value: GypValue, result: GypCommands): void {
  if (typeof value === `string`) {
    expansionsOf(value, result, 0);
  } else if (Array.isArray(value)) {
    for (const item of value) {
      walk(item, result);
    }
  } else if (value !== null && typeof value === `object`) {
    for (const [key, item] of value.entries) {
      if (typeof key === `string` && FLAG_KEYS.test(key))
        flagWordsOf(item, result);
      walk(key, result);
      walk(item, result);
      if (key === `includes` && Array.isArray(item))
        for (const include of item)
          if (typeof include === `string`)
            result.includes.push(include);

      // A target's `dependencies` on targets of other GYP files: gyp loads
      // those files too (`sub/sub.gyp:s`, and a file of any name before the
      // `:`), expansions and all; also under gyp's merge keys (`dependencies+`
      // in `conditions`: outside round 48, G6). `dependencies!` excludes.
      if (typeof key === `string` && /^dependencies[+=?]?$/.test(key) && Array.isArray(item)) {
        for (const dependency of item) {
          if (typeof dependency !== `string` || dependency.startsWith(`<!`))
            continue;
          const file = substituteVariables(/:[^:/\\]*$/.test(dependency) ? dependency.replace(/:[^:/\\]*$/, ``) : dependency);
          if (file.includes(`$GYP_`))
            result.variableDependencies.push(dependency);
          else if (file !== `` && (file !== dependency || /\.gypi?$/.test(file)))
            result.includes.push(file);
        }
      }

      if (key === `make_global_settings` && Array.isArray(item)) {
        for (const setting of item) {
          if (Array.isArray(setting) && setting.length === 2 && typeof setting[0] === `string` && typeof setting[1] === `string`) {
            result.programs.push({variable: setting[0], value: substituteVariables(setting[1])});
          } else {
            result.problems.push(`a make_global_settings entry that is not a [name, value] pair of strings`);
          }
        }
      }

      if (key === `action` && Array.isArray(item) && item.length > 0 && item.every(word => typeof word === `string`)) {
        result.argvs.push((item as Array<string>).map(word => substituteVariables(word)));
      }
    }
  }
}

/** An `action` word may hold variables too; they are resolved like those of expansions. */
function substituteVariables(word: string): string {
  return word.replace(/[<>^]@?\(([^()]*)\)/g, (_, name: string) => ROOT_VARIABLES.has(name.trim()) ? `.` : `$GYP_${name.replace(/[^A-Za-z0-9_]/g, `_`)}`);
}

function emptyCommands(): GypCommands {
  return {includes: [], variableDependencies: [], shellCommands: [], argvs: [], programs: [], pythonModules: [], flagWords: [], flagDirectories: [], responseFiles: [], problems: []};
}

/**
 * Everything a GYP file runs or includes. A file that does not parse is not
 * an error: its raw text is still searched for command expansions, and the
 * failure is reported among the problems.
 */
export function readGyp(text: string): GypCommands {
  const result = emptyCommands();
  let document: GypValue;
  try {
    document = new GypParser(text).parseDocument();
  } catch (error) {
    if (!(error instanceof GypSyntaxError))
      throw error;
    result.parseError = error.message;
    expansionsOf(text, result, 0);
    return result;
  }
  walk(document, result);
  return result;
}
