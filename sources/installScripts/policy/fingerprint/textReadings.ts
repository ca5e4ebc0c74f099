/**
 * Text read as the programs that run it read it: the readings of a script or
 * a program's text under which a word may be a command (quotes removed,
 * escapes decoded, constants folded, literals joined), and the node_modules
 * paths it names. Pure functions, no I/O.
 */
import {decodeEscapes} from './shell';

/**
 * A path through a node_modules folder in a shell script or another text
 * program (`node node_modules/x/cli.js`, `$INIT_CWD/node_modules/.bin/x`),
 * globs included; one the shell builds from a variable is not (`$`).
 */
const NODE_MODULES_REFERENCE = /(?:[^\s'"`;|&<>()=$]*\/)?node_modules\/[\w.@+*?![\]{},/-]+/g;

/** A reference without the punctuation of the code around it (`'node_modules/x/y.js'],`): a trailing comma, dot, or a bracket or brace it does not open. */
function trimmedReference(reference: string): string {
  let trimmed = reference;
  for (;;) {
    const last = trimmed[trimmed.length - 1];
    const count = (char: string) => trimmed.split(char).length - 1;
    if (last === `,` || last === `.` || (last === `]` && count(`]`) > count(`[`)) || (last === `}` && count(`}`) > count(`{`)))
      trimmed = trimmed.slice(0, -1);
    else
      return trimmed;
  }
}

/**
 * The value of a shell arithmetic expression made only of integer constants
 * (`1`, `0x1f`, `017`, `8#17`) and `+ - * / %` with parentheses, as text; null
 * for anything else (a variable, a division by zero).
 */
export function constantArithmetic(expression: string): string | null {
  const tokens = expression.match(/\d+#[\w@]+|0[xX][\da-fA-F]+|\d+|[-+*/%()]|\S/g) ?? [];
  let at = 0;
  const number = (token: string): number | null => {
    const based = /^(\d+)#([\da-zA-Z]+)$/.exec(token);
    const value = based !== null ? parseInt(based[2], Number(based[1])) : /^0[xX]/.test(token) ? parseInt(token, 16) : /^0\d/.test(token) ? parseInt(token, 8) : /^\d+$/.test(token) ? Number(token) : NaN;
    return Number.isSafeInteger(value) ? value : null;
  };
  const primary = (): number | null => {
    const token = tokens[at++];
    if (token === `-` || token === `+`) {
      const inner = primary();
      return inner === null ? null : token === `-` ? -inner : inner;
    }
    if (token === `(`) {
      const inner = sum();
      return tokens[at++] === `)` ? inner : null;
    }
    return token === undefined ? null : number(token);
  };
  const product = (): number | null => {
    let value = primary();
    while (value !== null && (tokens[at] === `*` || tokens[at] === `/` || tokens[at] === `%`)) {
      const operator = tokens[at++];
      const right = primary();
      if (right === null || (operator !== `*` && right === 0))
        return null;
      value = operator === `*` ? value * right : operator === `/` ? Math.trunc(value / right) : value % right;
    }
    return value;
  };
  const sum = (): number | null => {
    let value = product();
    while (value !== null && (tokens[at] === `+` || tokens[at] === `-`)) {
      const operator = tokens[at++];
      const right = product();
      if (right === null)
        return null;
      value = operator === `+` ? value + right : value - right;
    }
    return value;
  };
  const value = sum();
  return value === null || at !== tokens.length || !Number.isSafeInteger(value) ? null : String(value);
}

/** A program the shell reads: no `#!` line (the kernel hands it to sh), or one that names a shell. */
export function isShellText(text: string): boolean {
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  if (shebang === null)
    return true;
  const program = shebang[1].endsWith(`/env`) ? shebang[2] ?? `` : shebang[1];
  return /(?:^|\/)(?:sh|bash|dash|zsh|ksh|mksh|ash)$/.test(program);
}

/**
 * The readings of a text under which the words it runs may appear, as the
 * shell (and awk, Python, make) read them: the text as written; quotes removed
 * and backslashes dropped (`zq""bin`, `zq\bin`, `zq\632`); escapes decoded
 * (`$'\x7a'q`); line continuations undone; `$'…'` and `$"…"` read as quoted
 * text; constant arithmetic folded (`$((1))`, `$[1]`, `$((0x1))`, `$((8#1))`,
 * `$((0+1))`); an empty `$()` or `${}` dropped; adjacent literals joined
 * (`"zqb" "in"`, which awk and Python join). Text in double quotes that `eval`
 * or `sh -c` reads again loses one level of escapes each time, up to three
 * levels (outside attack rounds 29 and 30).
 */
export function textReadings(text: string): Set<string> {
  const levels = [text];
  for (let level = 0; level < 3 && /\\[\\$"`]/.test(levels[levels.length - 1]); level++)
    levels.push(levels[levels.length - 1].replace(/\\([\\$"`])/g, `$1`));
  return new Set(levels.flatMap(level => [level, unquoted(level), unquoted(decodeEscapes(level))]));
}

function unquoted(reading: string): string {
  return reading.replace(/\\\r?\n/g, ``)
    .replace(/\$\(\(([^()]*(?:\([^()]*\)[^()]*)*)\)\)|\$\[([^\]]*)\]/g, (whole, arithmetic?: string, bracket?: string) => constantArithmetic(arithmetic ?? bracket ?? ``) ?? whole)
    .replace(/\$\(\s*\)|\$\{\s*\}/g, ``)
    .replace(/\$(['"])/g, `$1`).replace(/\\(.)/g, `$1`).replace(/"\s+"|'\s+'/g, ``).replace(/['"]/g, ``);
}

/** The node_modules paths a reading names, without the punctuation of the code around them. */
export function nodeModulesReferences(reading: string): Array<string> {
  return [...reading.matchAll(NODE_MODULES_REFERENCE)].map(([reference]) => trimmedReference(reference));
}
