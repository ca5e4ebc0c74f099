/**
 * The first verdict on a new name, from the name alone: is it a typo of a
 * popular package (the top 10,000 npm names, shipped as data)? The candidate's
 * variants (`typoVariants.ts`) are looked up in a set, so the cost follows the
 * length of the name, not the number of popular names. A popular name is never
 * suspect, and neither is a scoped name whose scope is a popular scope: names
 * inside one scope are not compared with each other. A suspect is not yet a
 * refusal: `typosquatDecision.ts` weighs what the registry says about it.
 */

import {affixVariants, ALL_TYPO_KINDS, editVariants, skeletonOf, splitName, type TypoKind, type Variant} from './typoVariants';

/** The popular names as shipped in `data/popularNames.ts`: one `name downloads` line per name. */
export type PopularNamesText = {
  source: string;
  date: string;
  count: number;
  text: string;
};

/** The popular names, parsed. */
export type PopularNamesData = {
  source: string;
  date: string;
  count: number;
  names: ReadonlyArray<readonly [string, number]>;
};

/** What the lookups need, built once from the data. */
export type PopularIndex = {
  downloads: ReadonlyMap<string, number>;
  /** Scopes of popular scoped names, without `@`. */
  scopes: ReadonlySet<string>;
  /** Skeleton of each popular name (scope and name run together, separators removed) → the popular names with it. */
  skeletons: ReadonlyMap<string, ReadonlyArray<string>>;
  /** Skeleton of each popular scope → the popular scopes with it. */
  scopeSkeletons: ReadonlyMap<string, ReadonlyArray<string>>;
};

export type TyposquatTarget = {
  /** The popular name the candidate may have been meant as. */
  name: string;
  /** The slip that turns the target into the candidate. */
  kind: TypoKind;
  downloads: number;
};

export type NameVerdict =
  | {kind: `clear`}
  | {kind: `suspect`, targets: Array<TyposquatTarget>};

export type VerdictOptions = {
  /** The kinds of slip to undo; all of them by default. */
  kinds?: ReadonlySet<TypoKind>;
};

/** Shortest bare name for which a swap or a repeated letter is looked up: below four, most neighbours are other real names. */
export const MIN_EDITED_LENGTH = 4;

function pushTo<K, V>(map: Map<K, Array<V>>, key: K, value: V) {
  const list = map.get(key);
  if (list === undefined)
    map.set(key, [value]);
  else
    list.push(value);
}

/**
 * Reads the shipped lines. The data is part of the plugin, so a malformed line
 * is a defect of the release, not of the project: it throws with the line.
 */
export function parsePopularNames(data: PopularNamesText): PopularNamesData {
  const names: Array<readonly [string, number]> = [];
  for (const line of data.text.split(`\n`)) {
    if (line === ``)
      continue;
    const space = line.indexOf(` `);
    const downloads = Number(line.slice(space + 1));
    if (space <= 0 || !Number.isSafeInteger(downloads))
      throw new Error(`popular names data: malformed line ${JSON.stringify(line)}`);
    names.push([line.slice(0, space), downloads]);
  }
  if (names.length !== data.count)
    throw new Error(`popular names data: ${names.length} names where the header says ${data.count}`);
  return {source: data.source, date: data.date, count: data.count, names};
}

/** Builds the lookups from the shipped data. Names are kept as spelled (the data holds lowercase names only). */
export function makePopularIndex(data: PopularNamesData): PopularIndex {
  const downloads = new Map<string, number>();
  const scopes = new Set<string>();
  const skeletons = new Map<string, Array<string>>();
  const scopeSkeletons = new Map<string, Array<string>>();
  for (const [name, count] of data.names) {
    downloads.set(name, count);
    const {scope, bare} = splitName(name);
    if (scope !== null && !scopes.has(scope)) {
      scopes.add(scope);
      pushTo(scopeSkeletons, skeletonOf(scope), scope);
    }
    pushTo(skeletons, skeletonOf(`${scope ?? ``}${bare}`), name);
  }
  return {downloads, scopes, skeletons, scopeSkeletons};
}

/** Whether the name itself is popular. */
export function isPopular(index: PopularIndex, name: string): boolean {
  return index.downloads.has(name);
}

/**
 * The name-only verdict: `suspect` with the popular names it may be a typo of
 * (most downloaded first), or `clear`.
 *
 * - Popular names are clear, whatever they look like.
 * - Names with capitals are clear: npm no longer accepts them, so they are
 *   old names, not new squats.
 * - `@scope/name` with a popular scope is clear: a typo there would be a name
 *   the scope's owner published. With another scope, the scope's typos are
 *   looked up with the same name (`@tyeps/node` → `@types/node`).
 * - An unscoped name is looked up with each slip undone, with its separators
 *   changed (`crossenv` → `cross-env`, `types-node` → `@types/node`) and
 *   without a `node` prefix or a `js` suffix (`jquery.js` → `jquery`).
 */
export function nameVerdict(index: PopularIndex, name: string, options: VerdictOptions = {}): NameVerdict {
  const kinds = options.kinds ?? new Set(ALL_TYPO_KINDS);
  if (isPopular(index, name))
    return {kind: `clear`};
  // A name with capitals (an old npm name, or one a registry without npm's
  // rule accepts) is judged as its lowercase spelling: `Chalk` is chalk
  // itself, `Chlak` a typo of it.
  const lower = name.toLowerCase();
  if (lower !== name) {
    if (!kinds.has(`case`))
      return {kind: `clear`};
    if (isPopular(index, lower))
      return {kind: `suspect`, targets: [{name: lower, kind: `case`, downloads: index.downloads.get(lower)!}]};
    const verdict = nameVerdict(index, lower, options);
    return verdict.kind === `clear` ? verdict : {kind: `suspect`, targets: verdict.targets.map(target => ({...target, kind: `case`}))};
  }
  const {scope, bare} = splitName(name);
  const found = new Map<string, TypoKind>();
  const consider = (target: string, kind: TypoKind) => {
    if (target !== name && !found.has(target) && index.downloads.has(target))
      found.set(target, kind);
  };

  if (scope !== null) {
    if (index.scopes.has(scope) || !kinds.has(`scope`))
      return {kind: `clear`};
    const scopeVariants: Array<Variant> = scope.length >= MIN_EDITED_LENGTH ? editVariants(scope, kinds, name.length) : [];
    for (const variant of scopeVariants)
      if (index.scopes.has(variant.name))
        consider(`@${variant.name}/${bare}`, `scope`);
    for (const other of index.scopeSkeletons.get(skeletonOf(scope)) ?? [])
      consider(`@${other}/${bare}`, `scope`);
  } else {
    if (kinds.has(`separator`))
      for (const target of index.skeletons.get(skeletonOf(bare)) ?? [])
        consider(target, target.startsWith(`@`) ? `scope` : `separator`);
    if (bare.length >= MIN_EDITED_LENGTH)
      for (const variant of editVariants(bare, kinds))
        consider(variant.name, variant.kind);
    if (kinds.has(`affix`))
      for (const variant of affixVariants(bare))
        consider(variant.name, variant.kind);
  }

  if (found.size === 0)
    return {kind: `clear`};
  const targets = [...found].map(([target, kind]) => ({name: target, kind, downloads: index.downloads.get(target)!}));
  targets.sort((a, b) => b.downloads - a.downloads || (a.name < b.name ? -1 : 1));
  return {kind: `suspect`, targets};
}
