/**
 * The names a candidate would be if it were a typo of something else: each
 * kind of slip a person makes typing a package name, undone. A candidate is
 * suspect when one of these variants is a popular name (see `typosquat.ts`);
 * the work is proportional to the candidate's length, never to the number of
 * popular names.
 */

/** One way a popular name can be mistyped. */
export type TypoKind =
  | `repeated`
  | `swap`
  | `omitted`
  | `added`
  | `substituted`
  | `separator`
  | `affix`
  | `scope`
  /** Capitals in a name (`Chalk`): npm refuses them for new names, other registries do not. */
  | `case`;

export const ALL_TYPO_KINDS: ReadonlyArray<TypoKind> = [`repeated`, `swap`, `omitted`, `added`, `substituted`, `separator`, `affix`, `scope`, `case`];

/** A name the candidate may have been meant as, and the slip that turns it into the candidate. */
export type Variant = {
  name: string;
  kind: TypoKind;
};

/** Shortest target for an omitted or added character: below six, one edit away is another real word. */
export const MIN_OMITTED_LENGTH = 6;

/** Shortest name for a substituted character. */
export const MIN_SUBSTITUTED_LENGTH = 7;

/** Characters of a new npm name. */
const NAME_CHARACTERS = `abcdefghijklmnopqrstuvwxyz0123456789-._`;

const SEPARATORS = /[-._]/g;

/** Neighbours on a QWERTY keyboard (letters and digits only), both ways. */
const KEYBOARD_ROWS = [`1234567890`, `qwertyuiop`, `asdfghjkl`, `zxcvbnm`];

/** Characters read as one another (`0`/`o`, `1`/`l`/`i`, `5`/`s`), both ways. */
const CONFUSABLE_GROUPS = [`0o`, `1li`, `5s`, `2z`, `8b`, `9g`, `-_.`];

const SUBSTITUTES: Map<string, string> = buildSubstitutes();

function buildSubstitutes(): Map<string, string> {
  const sets = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (a === b)
      return;
    for (const [x, y] of [[a, b], [b, a]]) {
      let set = sets.get(x);
      if (set === undefined)
        sets.set(x, set = new Set());
      set.add(y);
    }
  };
  for (let row = 0; row < KEYBOARD_ROWS.length; ++row) {
    const keys = KEYBOARD_ROWS[row];
    for (let col = 0; col < keys.length; ++col) {
      if (col + 1 < keys.length)
        link(keys[col], keys[col + 1]);
      // The row below is shifted half a key to the right: `q` touches `a`, `w` touches `a` and `s`.
      const below = KEYBOARD_ROWS[row + 1];
      if (below !== undefined) {
        if (col < below.length)
          link(keys[col], below[col]);
        if (col - 1 >= 0 && col - 1 < below.length)
          link(keys[col], below[col - 1]);
      }
    }
  }
  for (const group of CONFUSABLE_GROUPS)
    for (const a of group)
      for (const b of group)
        link(a, b);
  return new Map([...sets].map(([key, set]) => [key, [...set].sort().join(``)]));
}

/** The characters a slip of the finger or of the eye turns `character` into. */
export function substitutesOf(character: string): string {
  return SUBSTITUTES.get(character) ?? ``;
}

/** A name with its separators (`-`, `_`, `.`) removed: `cross-env`, `crossenv` and `cross.env` are one skeleton. */
export function skeletonOf(bare: string): string {
  return bare.replace(SEPARATORS, ``);
}

/** `@scope/name` split into its scope (null when unscoped) and its bare name. */
export function splitName(name: string): {scope: string | null, bare: string} {
  if (name.startsWith(`@`)) {
    const slash = name.indexOf(`/`);
    if (slash > 1)
      return {scope: name.slice(1, slash), bare: name.slice(slash + 1)};
  }
  return {scope: null, bare: name};
}

/**
 * The single-edit variants of one word (a bare name or a scope), each tagged
 * with the slip that would turn the variant into `word`:
 * - `repeated`: a doubled letter typed once (`expres` ← `express`) or a
 *   single one typed twice (`expresss`);
 * - `swap`: two neighbours swapped (`lodahs` ← `lodash`);
 * - `omitted`: a character left out of a name of 6+ characters (`mongose` ←
 *   `mongoose`);
 * - `added`: one character too many in a name of 6+ characters (`sqliter`);
 * - `substituted`: one character replaced by a keyboard neighbour or a
 *   look-alike, in names of 7+ characters (`electrom` ← `electron`).
 *
 * `nameLength` is the length of the whole name the word is part of (a scope is
 * part of `@scope/name`), which the length thresholds apply to.
 */
export function editVariants(word: string, kinds: ReadonlySet<TypoKind>, nameLength: number = word.length): Array<Variant> {
  const variants: Array<Variant> = [];
  const n = word.length;
  const extra = nameLength - n;
  for (let i = 0; i < n; ++i) {
    const c = word[i];
    if (kinds.has(`repeated`)) {
      // Typed once what should be twice: double it back.
      if (word[i - 1] !== c)
        variants.push({name: word.slice(0, i) + c + word.slice(i), kind: `repeated`});
      // Typed twice what should be once: drop one.
      if (word[i + 1] === c)
        variants.push({name: word.slice(0, i) + word.slice(i + 1), kind: `repeated`});
    }
    if (kinds.has(`swap`) && i + 1 < n && word[i + 1] !== c)
      variants.push({name: word.slice(0, i) + word[i + 1] + c + word.slice(i + 2), kind: `swap`});
    if (kinds.has(`added`) && extra + n - 1 >= MIN_OMITTED_LENGTH && word[i - 1] !== c)
      variants.push({name: word.slice(0, i) + word.slice(i + 1), kind: `added`});
    if (kinds.has(`substituted`) && extra + n >= MIN_SUBSTITUTED_LENGTH) {
      for (const s of substitutesOf(c)) {
        variants.push({name: word.slice(0, i) + s + word.slice(i + 1), kind: `substituted`});
      }
    }
  }
  if (kinds.has(`omitted`) && extra + n + 1 >= MIN_OMITTED_LENGTH) {
    for (let i = 0; i <= n; ++i) {
      for (const s of NAME_CHARACTERS) {
        // Doubling the previous character is the `repeated` kind.
        if (s !== word[i - 1])
          variants.push({name: word.slice(0, i) + s + word.slice(i), kind: `omitted`});
      }
    }
  }
  return variants;
}

/** Prefixes and suffixes people add to a name they half remember (`node-fabric`, `jquery.js`, `cross-env.js`). */
const AFFIX_PREFIXES = [`node-`, `node`];
const AFFIX_SUFFIXES = [`.js`, `-js`, `js`, `-node`];

/** The name without a `node` prefix or a `js` suffix, when it has one. */
export function affixVariants(bare: string): Array<Variant> {
  const variants: Array<Variant> = [];
  for (const prefix of AFFIX_PREFIXES)
    if (bare.startsWith(prefix) && bare.length > prefix.length + 1)
      variants.push({name: bare.slice(prefix.length), kind: `affix`});
  for (const suffix of AFFIX_SUFFIXES)
    if (bare.endsWith(suffix) && bare.length > suffix.length + 1)
      variants.push({name: bare.slice(0, -suffix.length), kind: `affix`});
  // `node-fabric` is not also `-fabric`, nor `jquery.js` `jquery.`.
  return variants.filter(variant => !/^[-._]|[-._]$/.test(variant.name));
}
