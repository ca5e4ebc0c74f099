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

/** Binary operators of shell arithmetic, loosest first (`?:` and `,` are handled apart). */
const ARITHMETIC_LEVELS: ReadonlyArray<ReadonlyArray<string>> = [
  [`||`], [`&&`], [`|`], [`^`], [`&`], [`==`, `!=`], [`<=`, `>=`, `<`, `>`], [`<<`, `>>`], [`+`, `-`], [`*`, `/`, `%`], [`**`],
];

/**
 * The value of a shell arithmetic expression made only of integer constants
 * (`1`, `0x1f`, `017`, `8#17`, `"5"`) and the operators of sh and bash
 * (`+ - * / % ** << >> & | ^ ~ ! && || == != < > <= >= ?: ,`, parentheses),
 * as text; null for anything else (a variable, an assignment, a division by
 * zero, a value past the safe integers).
 */
export function constantArithmetic(expression: string): string | null {
  const tokens = expression.replace(/"/g, ``).match(/\d+#[\w@]+|0[xX][\da-fA-F]+|\d+|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%()<>&|^~!?:,]|\S/g) ?? [];
  let at = 0;
  const safe = (value: number | null): number | null => value !== null && Number.isSafeInteger(value) ? value : null;
  const number = (token: string): number | null => {
    const based = /^(\d+)#([\da-zA-Z]+)$/.exec(token);
    const value = based !== null ? parseInt(based[2], Number(based[1])) : /^0[xX]/.test(token) ? parseInt(token, 16) : /^0\d/.test(token) ? parseInt(token, 8) : /^\d+$/.test(token) ? Number(token) : NaN;
    return safe(value);
  };
  const unary = (): number | null => {
    const token = tokens[at++];
    if (token === `-` || token === `+` || token === `!` || token === `~`) {
      const inner = unary();
      return inner === null ? null : token === `-` ? -inner : token === `+` ? inner : token === `!` ? Number(inner === 0) : ~inner;
    }
    if (token === `(`) {
      const inner = comma();
      return tokens[at++] === `)` ? inner : null;
    }
    return token === undefined ? null : number(token);
  };
  const apply = (operator: string, left: number, right: number): number | null => {
    switch (operator) {
      case `||`: return Number(left !== 0 || right !== 0);
      case `&&`: return Number(left !== 0 && right !== 0);
      case `|`: return left | right;
      case `^`: return left ^ right;
      case `&`: return left & right;
      case `==`: return Number(left === right);
      case `!=`: return Number(left !== right);
      case `<=`: return Number(left <= right);
      case `>=`: return Number(left >= right);
      case `<`: return Number(left < right);
      case `>`: return Number(left > right);
      case `<<`: return right < 0 || right > 52 ? null : safe(left * 2 ** right);
      case `>>`: return right < 0 || right > 52 ? null : Math.floor(left / 2 ** right);
      case `+`: return safe(left + right);
      case `-`: return safe(left - right);
      case `*`: return safe(left * right);
      case `/`: return right === 0 ? null : Math.trunc(left / right);
      case `%`: return right === 0 ? null : left % right;
      case `**`: return right < 0 ? null : safe(left ** right);
      default: return null;
    }
  };
  const binary = (level: number): number | null => {
    if (level === ARITHMETIC_LEVELS.length)
      return unary();
    let value = binary(level + 1);
    while (value !== null && ARITHMETIC_LEVELS[level].includes(tokens[at])) {
      const operator = tokens[at++];
      // `**` groups to the right.
      const right = operator === `**` ? binary(level) : binary(level + 1);
      value = right === null ? null : apply(operator, value, right);
    }
    return value;
  };
  const conditional = (): number | null => {
    const test = binary(0);
    if (test === null || tokens[at] !== `?`)
      return test;
    at++;
    const yes = comma();
    if (tokens[at++] !== `:`)
      return null;
    const no = conditional();
    return yes === null || no === null ? null : test !== 0 ? yes : no;
  };
  const comma = (): number | null => {
    let value = conditional();
    while (value !== null && tokens[at] === `,`) {
      at++;
      value = conditional();
    }
    return value;
  };
  const value = comma();
  return value === null || at !== tokens.length ? null : String(value);
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

/** Whether the text builds a word with shell arithmetic that is not made of constants (`$((x+1))`). */
export function hasUnfoldedArithmetic(text: string): boolean {
  return /\$\(\(|\$\[/.test(text) && /\$\(\(|\$\[/.test(unquoted(decodeEscapes(text)));
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

/** A word of `$(patsubst …)`: `%` matches any text once; the replacement's `%` takes it. */
function patternSubstitute(pattern: string, replacement: string, word: string): string | null {
  const at = pattern.indexOf(`%`);
  if (at < 0)
    return word === pattern ? replacement : null;
  const [prefix, suffix] = [pattern.slice(0, at), pattern.slice(at + 1)];
  if (word.length < prefix.length + suffix.length || !word.startsWith(prefix) || !word.endsWith(suffix))
    return null;
  const stem = word.slice(prefix.length, word.length - suffix.length);
  return replacement.includes(`%`) ? replacement.replace(`%`, stem) : replacement;
}

const words = (text: string) => text.split(/\s+/).filter(word => word.length > 0);

/** GNU make's text functions, on arguments that are literal text. */
const MAKE_FUNCTIONS: Record<string, (args: Array<string>) => string | null> = {
  subst: ([from, to, text]) => text === undefined || from === `` ? null : text.split(from).join(to),
  patsubst: ([pattern, replacement, text]) => text === undefined ? null : words(text).map(word => patternSubstitute(pattern.trim(), replacement.trim(), word) ?? word).join(` `),
  strip: ([text]) => words(text ?? ``).join(` `),
  findstring: ([find, text]) => text !== undefined && text.includes(find) ? find : ``,
  filter: ([patterns, text]) => text === undefined ? null : words(text).filter(word => words(patterns).some(pattern => patternSubstitute(pattern, ``, word) !== null)).join(` `),
  sort: ([text]) => [...new Set(words(text ?? ``))].sort().join(` `),
  word: ([index, text]) => text === undefined || !/^\s*\d+\s*$/.test(index) ? null : words(text)[Number(index) - 1] ?? ``,
  words: ([text]) => String(words(text ?? ``).length),
  firstword: ([text]) => words(text ?? ``)[0] ?? ``,
  lastword: ([text]) => words(text ?? ``).at(-1) ?? ``,
  dir: ([text]) => words(text ?? ``).map(word => word.includes(`/`) ? word.slice(0, word.lastIndexOf(`/`) + 1) : `./`).join(` `),
  notdir: ([text]) => words(text ?? ``).map(word => word.slice(word.lastIndexOf(`/`) + 1)).join(` `),
  suffix: ([text]) => words(text ?? ``).map(word => /\.[^./]*$/.exec(word)?.[0] ?? ``).filter(suffix => suffix !== ``).join(` `),
  basename: ([text]) => words(text ?? ``).map(word => word.replace(/\.[^./]*$/, ``)).join(` `),
  addsuffix: ([suffix, text]) => text === undefined ? null : words(text).map(word => `${word}${suffix}`).join(` `),
  addprefix: ([prefix, text]) => text === undefined ? null : words(text).map(word => `${prefix}${word}`).join(` `),
  join: ([first, second]) => {
    if (second === undefined)
      return null;
    const [a, b] = [words(first), words(second)];
    return Array.from({length: Math.max(a.length, b.length)}, (_, index) => `${a[index] ?? ``}${b[index] ?? ``}`).join(` `);
  },
  if: ([condition, yes, no]) => condition.trim() !== `` ? yes ?? `` : no ?? ``,
  or: args => args.find(arg => arg.trim() !== ``)?.trim() ?? ``,
  and: args => args.every(arg => arg.trim() !== ``) ? args.at(-1)?.trim() ?? `` : ``,
};

/**
 * A makefile's text with the calls of GNU make's text functions on literal
 * arguments replaced by their value (`$(subst q,,zqqbin)` is `zqbin`), the
 * innermost first; a call on a variable stays as it is (round 31, M2).
 */
export function makeFunctionsExpanded(text: string): string {
  let current = text;
  for (let pass = 0; pass < 16; pass++) {
    const next = current.replace(/\$([({])([a-z]+)[ \t]+([^$(){}]*)[)}]/g, (whole, open: string, name: string, body: string) => {
      const evaluate = Object.prototype.hasOwnProperty.call(MAKE_FUNCTIONS, name) ? MAKE_FUNCTIONS[name] : undefined;
      if (evaluate === undefined || (open === `(` ? whole.endsWith(`}`) : whole.endsWith(`)`)))
        return whole;
      // make splits the arguments at commas and keeps leading spaces but the first's.
      return evaluate(body.split(`,`)) ?? whole;
    });
    if (next === current)
      return current;
    current = next;
  }
  return current;
}
