/**
 * Just enough of the shell to find the words of each simple command in an
 * install script: the fingerprint needs to know which word runs, and which
 * words may name files.
 */

import {posix} from 'path';

export interface Word {
  text: string;
  quoted: boolean;
  /** The word follows `<`: the file the command reads as its standard input. */
  stdin?: boolean;
  /** The first word of a command whose standard input is a pipe (`… | sh`). */
  piped?: boolean;
}

/** `/usr/bin/node.exe` -> `node`; how a command word is recognised regardless of how it is spelled. */
export function commandName(word: string): string {
  return posix.basename(word.replace(/\\/g, `/`)).toLowerCase().replace(/\.(?:cmd|exe)$/, ``);
}

export function isOption(word: string): boolean {
  return word.length > 1 && word.startsWith(`-`);
}

/** Plain `*` glob (npm-run-all's `build:*`); iterative so a hostile pattern cannot backtrack exponentially. */
export function globMatches(pattern: string, name: string): boolean {
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

/**
 * Splits shell-ish text into simple commands (lists of words). It knows
 * quotes, backslashes, `&&`, `||`, `;`, `|`, `&`, subshells, `$(…)`,
 * backticks and redirections; that is enough to find the words of each
 * command, which is all the fingerprint needs.
 */
export function splitCommands(text: string): Array<Array<Word>> {
  return splitNested(text).map(command => command.words);
}

/**
 * splitCommands with the subshell depth each command runs at: `(cd x; a); b`
 * runs `b` at depth 0, in the folder the text started in (round 16, G15).
 */
export function splitNested(text: string): Array<{words: Array<Word>, subshell: number, feeds?: boolean, fed?: boolean}> {
  const commands: Array<{words: Array<Word>, subshell: number, feeds?: boolean, fed?: boolean}> = [];
  let subshell = 0;
  let words: Array<Word> = [];
  let current = ``;
  let inWord = false;
  let quoted = false;
  let redirection: `<` | `>` | null = null;
  let piped = false;

  const endWord = () => {
    if (inWord) {
      const word: Word = {text: current, quoted};
      if (redirection === `<`)
        word.stdin = true;
      if (piped && words.length === 0)
        word.piped = true;
      words.push(word);
      redirection = null;
      piped = false;
    }
    current = ``;
    inWord = false;
    quoted = false;
  };
  const endCommand = () => {
    const afterPipe = piped;
    endWord();
    // A command of a pipeline (`cd x | true`) runs in a subshell of its own
    // (round 29, M1): `feeds` one before a `|`, `fed` one after it.
    if (words.length > 0)
      commands.push({words, subshell, ...(afterPipe || words[0].piped === true ? {fed: true} : {})});
    words = [];
    redirection = null;
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

    // Yarn's shell reads parentheses inside a word as part of it, an extglob's
    // `@(a|b)`, `!(x)` (round 23, M3): only where a command starts do they open a subshell.
    if (char === `(` && (inWord || words.length > 0)) {
      const close = groupInWordEnd(text, i);
      if (close !== -1) {
        current += text.slice(i, close + 1);
        inWord = true;
        i = close;
        continue;
      }
    }

    if (char === `\n` || char === `;` || char === `|` || char === `&` || char === `(` || char === `)` || char === `\``) {
      endCommand();
      if (char === `(`)
        subshell++;
      else if (char === `)`)
        subshell = Math.max(0, subshell - 1);
      // `a | b` (and `|&`) feeds b; `a || b` does not.
      if (char === `|` && text[i + 1] !== `|` && text[i - 1] !== `|`) {
        piped = true;
        const last = commands[commands.length - 1];
        if (last !== undefined)
          last.feeds = true;
      } else if (char !== `&` || text[i - 1] !== `|`)
        piped = false;
      continue;
    }

    if (char === `$` && text[i + 1] === `(`) {
      endCommand();
      subshell++;
      i++;
      continue;
    }

    if (char === `<` || char === `>`) {
      // `2>&1` must not split the command at its `&`.
      endWord();
      redirection = char;
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

/** The `)` that closes the `(` at `open` within one word (nested groups counted), or -1 when a space, quote or `$` comes first. */
function groupInWordEnd(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (/[\s'"`$\\;&<>]/.test(char))
      return -1;
    if (char === `(`)
      depth++;
    else if (char === `)` && --depth === 0)
      return index;
  }
  return -1;
}

/** A word as the shell reads it back: as it is when it needs no quotes, else single-quoted. */
export function shellQuoted(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Quoted words that still look like shell code (`sh -c "…"`, `concurrently "node a.js"`) are analysed as commands too. */
export function looksLikeCommand(word: Word): boolean {
  return word.quoted && /[\s;&|()`<>]/.test(word.text);
}

/** `\x7a`, `\172`, `\u007a` escapes (ANSI-C quoting, printf, echo -e) decoded, for the names a word may spell. */
export function decodeEscapes(text: string): string {
  if (!text.includes(`\\`))
    return text;
  return text
    .replace(/\\x([0-9a-fA-F]{1,2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    // `\u0031`, bash's `\u31`, JavaScript's `\u{31}`, bash's and Python's `\U00000031` (round 31, M2).
    .replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{1,4})|\\U([0-9a-fA-F]{1,8})/g, (whole, braced?: string, short?: string, long?: string) => {
      const code = parseInt(braced ?? short ?? long ?? ``, 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .replace(/\\0?([0-7]{1,3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
