/**
 * How Node, its environment files and GNU env read the words an install
 * script hands them, where that differs from a shell's reading (outside attack
 * round 56): option names with `_` for `-`, double quotes inside NODE_OPTIONS,
 * the value syntax of `--env-file`, and the `-S` string of an `env` shebang.
 * Pure: no I/O.
 */

/**
 * Node reads `_` as `-` in the name of a long option (`--experimental_loader`
 * is `--experimental-loader`, on the command line and in NODE_OPTIONS): the
 * word with its name spelled with dashes, its value as it is.
 */
export function nodeOptionSpelling(word: string): string {
  if (!/^--[^-=]/.test(word))
    return word;
  const equals = word.indexOf(`=`);
  const name = equals === -1 ? word : word.slice(0, equals);
  return name.replace(/_/g, `-`) + (equals === -1 ? `` : word.slice(equals));
}

/**
 * The words of a NODE_OPTIONS value as Node splits it: at spaces (only),
 * double quotes group and are removed, and a backslash inside them takes the
 * next character as it is. An unterminated quote or escape is an error for
 * Node, which then runs nothing: thrown, so that the caller refuses.
 */
export function nodeOptionsWords(value: string): Array<string> {
  const words: Array<string> = [];
  let current: string | null = null;
  let quoted = false;
  for (let index = 0; index < value.length; index++) {
    let char = value[index];
    if (char === `\\` && quoted) {
      if (index + 1 === value.length)
        throw new Error(`NODE_OPTIONS ends with a backslash inside double quotes, which Node refuses`);
      char = value[++index];
    } else if (char === ` ` && !quoted) {
      if (current !== null)
        words.push(current);
      current = null;
      continue;
    } else if (char === `"`) {
      quoted = !quoted;
      // `""` is an empty word for Node.
      current ??= ``;
      continue;
    }
    current = (current ?? ``) + char;
  }
  if (quoted)
    throw new Error(`NODE_OPTIONS has an unterminated double quote, which Node refuses`);
  if (current !== null)
    words.push(current);
  return words;
}

/**
 * The settings of an environment file (`node --env-file`, `process.loadEnvFile`)
 * under every reading a Node release gives it: Node 20.20 and later read a
 * quoted value up to its closing quote (across lines) and drop the rest of the
 * line, and cut an unquoted one at the first `#`; earlier releases strip a
 * `#` comment first and then quotes that enclose what is left; dotenv, which
 * Yarn reads `.env.yarn` and `injectEnvironmentFiles` with, also takes
 * `KEY: value`; the plain reading keeps a value whole. Every distinct reading
 * is returned, so that what any of them names is followed.
 */
export function envFileSettings(text: string): Array<{key: string, value: string}> {
  const seen = new Set<string>();
  const settings: Array<{key: string, value: string}> = [];
  for (const setting of [...quotedToClosingReading(text), ...commentFirstReading(text), ...dotenvReading(text), ...lineReading(text)]) {
    const id = `${setting.key}\0${setting.value}`;
    if (!seen.has(id)) {
      seen.add(id);
      settings.push(setting);
    }
  }
  return settings;
}

const KEY = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*$/;

/** Node 20.20: a quoted value ends at its closing quote, wherever that is; the rest of that line is dropped. */
function quotedToClosingReading(text: string): Array<{key: string, value: string}> {
  const settings: Array<{key: string, value: string}> = [];
  let rest = text.replace(/\r/g, ``);
  while (rest.length > 0) {
    const lineEnd = rest.indexOf(`\n`);
    const equals = rest.indexOf(`=`);
    if (equals === -1)
      break;
    if (lineEnd !== -1 && lineEnd < equals) {
      rest = rest.slice(lineEnd + 1);
      continue;
    }
    const key = KEY.exec(rest.slice(0, equals))?.[1];
    rest = rest.slice(equals + 1).replace(/^[ \t]+/, ``);
    const quote = rest[0];
    const closing = quote === `"` || quote === `'` || quote === `\`` ? rest.indexOf(quote, 1) : -1;
    let value: string;
    if (closing !== -1) {
      value = rest.slice(1, closing);
      if (quote === `"`)
        value = value.replace(/\\n/g, `\n`);
      const after = rest.indexOf(`\n`, closing);
      rest = after === -1 ? `` : rest.slice(after + 1);
    } else {
      const end = rest.indexOf(`\n`);
      const line = end === -1 ? rest : rest.slice(0, end);
      const hash = line.indexOf(`#`);
      value = (hash === -1 ? line : line.slice(0, hash)).trim();
      rest = end === -1 ? `` : rest.slice(end + 1);
    }
    if (key !== undefined)
      settings.push({key, value});
  }
  return settings;
}

/** Earlier Node 20 releases: a `#` outside a value that starts quoted ends it, then enclosing quotes are removed. */
function commentFirstReading(text: string): Array<{key: string, value: string}> {
  const settings: Array<{key: string, value: string}> = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const equals = line.indexOf(`=`);
    if (equals === -1 || line.trimStart().startsWith(`#`))
      continue;
    const key = KEY.exec(line.slice(0, equals))?.[1];
    let value = line.slice(equals + 1).trim();
    const quote = value[0];
    const startsQuoted = quote === `"` || quote === `'` || quote === `\``;
    const closing = startsQuoted ? value.indexOf(quote, 1) : -1;
    const hash = value.indexOf(`#`, closing === -1 ? (startsQuoted ? value.length : 0) : closing);
    if (hash !== -1)
      value = value.slice(0, hash).trim();
    if (value.length >= 2 && startsQuoted && value.endsWith(quote))
      value = value.slice(1, -1);
    if (key !== undefined)
      settings.push({key, value});
  }
  return settings;
}

/** dotenv's: `KEY=value` or `KEY: value`, a quoted value up to its closing quote (across lines), an unquoted one cut at `#`. */
function dotenvReading(text: string): Array<{key: string, value: string}> {
  const settings: Array<{key: string, value: string}> = [];
  const line = /^[ \t]*(?:export[ \t]+)?([\w.-]+)(?:[ \t]*=[ \t]*|:[ \t]+)('(?:\\'|[^'])*'|"(?:\\"|[^"])*"|`(?:\\`|[^`])*`|[^#\r\n]*)/gm;
  for (const match of text.replace(/\r\n?/g, `\n`).matchAll(line)) {
    const raw = match[2].trim();
    const quote = raw[0];
    let value = raw.length >= 2 && (quote === `'` || quote === `"` || quote === `\``) && raw.endsWith(quote) ? raw.slice(1, -1) : raw;
    if (quote === `"`)
      value = value.replace(/\\n/g, `\n`).replace(/\\r/g, `\r`);
    settings.push({key: match[1], value});
  }
  return settings;
}

/** The value as the whole rest of its line: quotes that enclose it removed, else a ` # comment` dropped. */
function lineReading(text: string): Array<{key: string, value: string}> {
  const settings: Array<{key: string, value: string}> = [];
  for (const line of text.split(/\r?\n/)) {
    const entry = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (entry === null)
      continue;
    const quoted = /^(['"`])([\s\S]*)\1$/.exec(entry[2]);
    settings.push({key: entry[1], value: quoted !== null ? quoted[2] : entry[2].replace(/\s+#.*$/, ``)});
  }
  return settings;
}

/**
 * The command `env` runs for a shebang line (`#!/usr/bin/env …`), from what
 * follows `env` on the line: env's options (`-i`, `-u NAME`, `-S` in every
 * spelling: `-vS`, `-Snode`, `--split-string=…`, whose string is split as GNU
 * env splits it, `node\_-r\_x`), then `NAME=value` words (what env sets),
 * then the program and its arguments. Linux hands env the rest of the line as
 * one argument, which only `-S` splits; macOS splits it at blanks first: the
 * words are read that way too when there is no `-S` (more is followed, never
 * less). A string env would read in a way decided at run time (`${VAR}`), an
 * escape it refuses, or an option that changes how it runs the program
 * (`-C dir`) is thrown, so that the caller refuses.
 */
export function envSplitCommand(argument: string): {assignments: Array<string>, words: Array<string>} {
  let argv = argument.trim().split(/[ \t]+/).filter(word => word !== ``);
  let index = 0;
  while (index < argv.length) {
    const word = argv[index];
    if (word === `--`) {
      index++;
      break;
    }
    const long = /^--(s|sp|spl|spli|split|split-|split-s|split-st|split-str|split-stri|split-strin|split-string)(?:=([\s\S]*))?$/.exec(word);
    const group = /^-([iv0]*)S([\s\S]*)$/.exec(word);
    if (long !== null || group !== null) {
      // The string is the rest of the line, from where it starts; env reads on from its first word.
      const inline = long !== null ? long[2] : group![2] !== `` ? group![2] : undefined;
      argv = splitEnvString([...inline === undefined ? [] : [inline], ...argv.slice(index + 1)].join(` `));
      index = 0;
      continue;
    }
    if (/^-[iv0]+$/.test(word) || /^--(?:i|ig|ign|igno|ignor|ignore|ignore-|ignore-e|ignore-en|ignore-env|ignore-envi|ignore-envir|ignore-enviro|ignore-environ|ignore-environm|ignore-environme|ignore-environmen|ignore-environment|n|nu|nul|null|de|deb|debu|debug)$/.test(word)) {
      index++;
      continue;
    }
    // `-u NAME`, `-uNAME`, `--unset=NAME`: what env removes from the environment.
    if (/^-[iv0]*u$/.test(word) || /^--un?s?e?t?$/.test(word)) {
      index += 2;
      continue;
    }
    if (/^-[iv0]*u./.test(word) || /^--un?s?e?t?=/.test(word)) {
      index++;
      continue;
    }
    if (word.startsWith(`-`) && word !== `-`)
      throw new Error(`the shebang runs env with the option ${word}, which changes how it runs the program in a way that is not followed`);
    break;
  }
  const assignments: Array<string> = [];
  while (index < argv.length && /^[^=-][^=]*=/.test(argv[index]))
    assignments.push(argv[index++]);
  return {assignments, words: argv.slice(index)};
}

/**
 * GNU env's split of a `-S` string: blanks separate words, single quotes take
 * everything up to the next one, double quotes and bare text take backslash
 * escapes (`\_` is a blank: outside quotes it separates), `#` at the start of
 * a word comments out the rest, `\c` ends the string.
 */
export function splitEnvString(text: string): Array<string> {
  const words: Array<string> = [];
  let current: string | null = null;
  let quote: `'` | `"` | null = null;
  const end = () => {
    if (current !== null)
      words.push(current);
    current = null;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quote === `'`) {
      if (char === `'`)
        quote = null;
      else if (char === `\\` && (text[index + 1] === `'` || text[index + 1] === `\\`))
        current += text[++index];
      else
        current += char;
      continue;
    }
    if (char === `'` || char === `"`) {
      if (quote === char) {
        quote = null;
      } else if (quote === null) {
        quote = char;
        current ??= ``;
      } else {
        current = (current ?? ``) + char;
      }
      continue;
    }
    if (quote === null && /[ \t\n\r\f\v]/.test(char)) {
      end();
      continue;
    }
    if (quote === null && char === `#` && current === null)
      break;
    if (char === `$`)
      throw new Error(`the shebang's env -S string has a $ (${text}), which env expands from the environment when the file runs`);
    if (char === `\\`) {
      const next = text[++index];
      if (next === `c` && quote === null) {
        end();
        return words;
      }
      if (next === `_`) {
        if (quote === null)
          end();
        else
          current += ` `;
        continue;
      }
      const escaped = ({f: `\f`, n: `\n`, r: `\r`, t: `\t`, v: `\v`, '#': `#`, $: `$`, '"': `"`, "'": `'`, '\\': `\\`} as Record<string, string>)[next ?? ``];
      if (escaped === undefined)
        throw new Error(`the shebang's env -S string has the escape \\${next ?? ``}, which env refuses or reads in its own way`);
      current = (current ?? ``) + escaped;
      continue;
    }
    current = (current ?? ``) + char;
  }
  if (quote !== null)
    throw new Error(`the shebang's env -S string has an unterminated ${quote} quote, which env refuses`);
  end();
  return words;
}
