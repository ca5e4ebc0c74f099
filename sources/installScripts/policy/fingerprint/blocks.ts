/**
 * Where a block of JavaScript ends, and whether a place lies inside a string:
 * a forward walk over brackets that skips strings, templates, comments and
 * regular expressions. It does not parse JavaScript. Where a `/` may start a
 * regular expression or be a division and the two readings disagree (after
 * `)`, `]` or `}`), it gives up: callers then take the whole file, which is
 * the reading that can only find more, never less.
 */

// Words after which `/` starts a regular expression, not a division.
const REGEX_AFTER_WORD = new Set([`return`, `typeof`, `instanceof`, `in`, `of`, `new`, `delete`, `void`, `throw`, `case`, `do`, `else`, `yield`, `await`]);

type Visit = (index: number, char: string, depth: number) => boolean;

/**
 * Walks `code` from `start`, calling `visit` at each bracket outside strings,
 * comments and regular expressions with the depth after it (a closing bracket
 * below `start`'s level gives -1); `visit` returns true to stop there.
 * Returns the index it stopped at, `code.length` at the end, `cut` when the
 * text ends inside a string, template, comment or regular expression, or null
 * when it cannot be read with certainty.
 */
function walk(code: string, start: number, visit: Visit): number | `cut` | null {
  let depth = 0;
  // The depths at which an open template's `${` began.
  const templates: Array<number> = [];
  // Whether a `/` here would start a regular expression.
  let regexAllowed = true;
  let ambiguous = false;
  let at = start;

  const skipQuoted = (quote: string): boolean | `cut` => {
    for (at++; at < code.length; at++) {
      const char = code[at];
      if (char === `\\`) {
        at++;
      } else if (char === quote) {
        return true;
      } else if (char === `\n` || char === `\r`) {
        return false;
      }
    }
    return `cut`;
  };
  // From after a backtick or a `}` closing a placeholder: to the closing
  // backtick (true) or into a placeholder (false, `at` after `${`); null at the end.
  const skipTemplateText = (): boolean | null => {
    for (; at < code.length; at++) {
      const char = code[at];
      if (char === `\\`) {
        at++;
      } else if (char === `\``) {
        return true;
      } else if (char === `$` && code[at + 1] === `{`) {
        at++;
        return false;
      }
    }
    return null;
  };
  // A template's text from `at`: into a placeholder (one level deeper) or past
  // the closing backtick; false when the text ends first.
  const templateText = (): boolean => {
    const closed = skipTemplateText();
    if (closed === null)
      return false;
    if (!closed) {
      templates.push(depth);
      depth++;
    }
    regexAllowed = !closed;
    ambiguous = false;
    return true;
  };
  const skipRegex = (): boolean | `cut` => {
    let inClass = false;
    for (at++; at < code.length; at++) {
      const char = code[at];
      if (char === `\\`) {
        at++;
      } else if (char === `\n` || char === `\r`) {
        return false;
      } else if (inClass) {
        if (char === `]`) {
          inClass = false;
        }
      } else if (char === `[`) {
        inClass = true;
      } else if (char === `/`) {
        return true;
      }
    }
    return `cut`;
  };

  while (at < code.length) {
    const char = code[at];
    if (char === `'` || char === `"`) {
      const closed = skipQuoted(char);
      if (closed !== true)
        return closed === `cut` ? closed : null;
      regexAllowed = false;
      ambiguous = false;
    } else if (char === `\``) {
      at++;
      if (!templateText())
        return `cut`;
    } else if (char === `/` && code[at + 1] === `/`) {
      const end = code.slice(at).search(/[\n\r\u2028\u2029]/);
      at = end === -1 ? code.length : at + end;
      continue;
    } else if (char === `/` && code[at + 1] === `*`) {
      const end = code.indexOf(`*/`, at + 2);
      if (end === -1)
        return `cut`;
      at = end + 2;
      continue;
    } else if (char === `/`) {
      if (ambiguous)
        return null;
      if (regexAllowed) {
        const closed = skipRegex();
        if (closed !== true)
          return closed === `cut` ? closed : null;
        regexAllowed = false;
      } else {
        regexAllowed = true;
      }
    } else if (char === `{` || char === `(` || char === `[`) {
      depth++;
      regexAllowed = true;
      ambiguous = false;
      if (visit(at, char, depth))
        return at;
    } else if (char === `}` && templates.length > 0 && templates[templates.length - 1] === depth - 1) {
      templates.pop();
      depth--;
      at++;
      if (!templateText())
        return `cut`;
    } else if (char === `}` || char === `)` || char === `]`) {
      depth--;
      regexAllowed = false;
      // `if (x) /re/` and `a() / b` look alike here.
      ambiguous = true;
      if (visit(at, char, depth))
        return at;
    } else if (/[A-Za-z_$0-9]/.test(char)) {
      const word = /^[\w$]+/.exec(code.slice(at, at + 256))![0];
      regexAllowed = REGEX_AFTER_WORD.has(word);
      ambiguous = false;
      at += word.length;
      continue;
    } else if (!/\s/.test(char)) {
      regexAllowed = true;
      ambiguous = false;
    }
    at++;
  }
  return code.length;
}

/**
 * The end of the innermost block or bracket around `at` (the index of its
 * closing bracket), or `code.length` when the text after `at` cannot be read
 * with certainty or nothing closes. `at` must lie outside strings.
 */
export function enclosingEnd(code: string, at: number): number {
  const end = walk(code, at, (_index, _char, depth) => depth < 0);
  return typeof end === `number` ? end : code.length;
}

/**
 * Whether `at` lies inside a string, a template's text, a comment or a
 * regular expression, read from the start of the file; false when that
 * cannot be told with certainty.
 */
export function insideText(code: string, at: number): boolean {
  return walk(code.slice(0, at), 0, () => false) === `cut`;
}

/**
 * Where the innermost block or bracket around `at` opens (the index of its
 * opening bracket), read from the start of the file; 0 when that cannot be
 * told with certainty or nothing encloses `at`.
 */
export function enclosingStart(code: string, at: number): number {
  const open: Array<number> = [];
  const end = walk(code, 0, (index, char) => {
    if (index >= at)
      return true;
    if (char === `{` || char === `(` || char === `[`)
      open.push(index);
    else
      open.pop();
    return false;
  });
  return typeof end === `number` && end >= at && open.length > 0 ? open[open.length - 1] : 0;
}
