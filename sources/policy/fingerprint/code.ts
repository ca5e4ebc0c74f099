/**
 * Best-effort scan of JavaScript text for what it loads. It does not parse
 * JavaScript: it finds string literals in the places where code names other
 * code, and leans towards finding too much. Every pattern has bounded
 * repetition, so a hostile file cannot make the scan expensive.
 */

export interface CodeReferences {
  /** Specifiers of `require`, `require.resolve`, `import(…)`, `import … from`, as written: `./x`, `#x`, `dep/sub`. */
  specifiers: Array<string>;
  /** Other string literals that start with ./ or ../: paths handed to `fork`, `spawn`, `new URL(…, import.meta.url)`. */
  paths: Array<string>;
  /** Paths built from `__dirname` (`path.join(__dirname, 'x')`, `__dirname + '/x'`), relative to the file. */
  dirnamePaths: Array<string>;
  /** `require(…)` / `import(…)` whose argument is not a plain string literal. */
  computed: Array<`require` | `import`>;
}

const MODULE_REFERENCE = /\b(?:require\s*(?:\.\s*resolve\s*)?\(|import\s*\(|from|import)\s*(['"`])([^'"`\r\n]{1,1024})\1/g;

const RELATIVE_STRING = /(['"`])(\.\.?[/\\][^'"`\r\n]{0,1024})\1/g;

const DIRNAME_JOIN = /\b(?:join|resolve)\s*\(\s*__dirname\s*((?:,\s*(?:'[^'\r\n]{0,256}'|"[^"\r\n]{0,256}")\s*){1,16})\)/g;
const QUOTED_PIECE = /'([^'\r\n]*)'|"([^"\r\n]*)"/g;

const DIRNAME_CONCAT = /__dirname\s*\+\s*(['"])([/\\][^'"\r\n]{0,1024})\1|`\$\{__dirname\}([/\\][^`$\r\n]{0,1024})`/g;

const LOADER_CALL = /\b(require|import)\s*\(/g;
// What makes a load call static: one literal, then `)` or the options argument of import().
const LITERAL_ARGUMENT = /\s*(?:'[^'\r\n]{0,1024}'|"[^"\r\n]{0,1024}"|`[^`$\r\n]{0,1024}`)\s*[),]/y;
const DECLARATION_BEFORE = /\bfunction\s*$/;

export function scanCode(code: string): CodeReferences {
  const references: CodeReferences = {specifiers: [], paths: [], dirnamePaths: [], computed: []};

  for (const match of code.matchAll(MODULE_REFERENCE)) {
    // A template literal with `${…}` is not a fixed specifier.
    if (match[1] === `\`` && match[2].includes(`\${`))
      continue;
    references.specifiers.push(match[2]);
  }

  for (const match of code.matchAll(RELATIVE_STRING)) {
    if (match[1] === `\`` && match[2].includes(`\${`))
      continue;
    references.paths.push(match[2]);
  }

  for (const match of code.matchAll(DIRNAME_JOIN)) {
    const pieces: Array<string> = [];
    for (const piece of match[1].matchAll(QUOTED_PIECE))
      pieces.push(piece[1] ?? piece[2]);
    references.dirnamePaths.push(pieces.join(`/`));
  }

  for (const match of code.matchAll(DIRNAME_CONCAT))
    references.dirnamePaths.push(match[2] ?? match[3]);

  for (const match of code.matchAll(LOADER_CALL)) {
    const start = match.index;
    // `function require(id)` declares a function; it loads nothing.
    if (DECLARATION_BEFORE.test(code.slice(Math.max(0, start - 16), start)))
      continue;
    LITERAL_ARGUMENT.lastIndex = start + match[0].length;
    if (!LITERAL_ARGUMENT.test(code))
      references.computed.push(match[1] as `require` | `import`);
  }

  return references;
}
