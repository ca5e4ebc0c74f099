/**
 * The `exports` and `imports` maps of a package.json, read the way Node ≥ 18
 * reads them — but over-inclusive: where Node would pick one target depending
 * on the conditions of the moment (`require` or `import`, `node`,
 * `module-sync`…), every target it could pick is returned. Every condition
 * is followed, `browser` and `types` too: Node sets any condition it is given
 * (`node -C browser`, `NODE_OPTIONS=--conditions=…`, a forked child's
 * `execArgv`), and install code can give it one (outside round 51, C1).
 */

import {hasOwn, isPlainObject} from './records';

// Bounds a hostile map: nested condition objects and fallback arrays.
const MAX_TARGET_DEPTH = 32;
const MAX_TARGETS = 256;

export interface MapSelection {
  /** No key of the map matched the request: Node throws. */
  matched: boolean;
  /** Package-relative targets (`./dist/x.js`) after pattern substitution; every one Node may pick. */
  targets: Array<string>;
  /** Bare specifiers that an `imports` entry points at (`#dep` -> `dep`, `#fs` -> `node:fs`). */
  modules: Array<string>;
  /** Why a target cannot be followed, worded to follow the request (`: …`). */
  problems: Array<string>;
}

/** The subpath map of `exports`: a string, array or conditions object is the `.` entry; null when the field is invalid. */
function exportsSubpaths(exports: unknown): Record<string, unknown> | null {
  if (!isPlainObject(exports))
    return {'.': exports};

  const keys = Object.keys(exports);
  const subpathKeys = keys.filter(key => key.startsWith(`.`));
  if (subpathKeys.length === 0)
    return {'.': exports};
  if (subpathKeys.length !== keys.length)
    return null;
  return exports;
}

/** The entry of `map` that Node uses for `request`: the exact key, otherwise the `*` pattern with the longest prefix. */
function matchKey(map: Record<string, unknown>, request: string): {value: unknown, patternMatch: string | null} | null {
  if (hasOwn(map, request) && !request.includes(`*`))
    return {value: map[request], patternMatch: null};

  let best: {key: string, base: string, patternMatch: string} | null = null;
  for (const key of Object.keys(map)) {
    const star = key.indexOf(`*`);
    if (star === -1)
      continue;

    const base = key.slice(0, star);
    const trailer = key.slice(star + 1);
    if (!request.startsWith(base) || request === base)
      continue;
    if (trailer.length > 0 && (!request.endsWith(trailer) || request.length < key.length))
      continue;

    const better = best === null || base.length > best.base.length || (base.length === best.base.length && key.length > best.key.length);
    if (better) {
      best = {key, base, patternMatch: request.slice(base.length, request.length - trailer.length)};
    }
  }

  return best === null ? null : {value: map[best.key], patternMatch: best.patternMatch};
}

function collectTargets(value: unknown, patternMatch: string | null, isImports: boolean, selection: MapSelection, depth: number): void {
  if (depth > MAX_TARGET_DEPTH || selection.targets.length + selection.modules.length > MAX_TARGETS) {
    selection.problems.push(`the map nests more than ${MAX_TARGET_DEPTH} levels or names more than ${MAX_TARGETS} targets`);
    return;
  }

  if (value === null)
    return;

  if (typeof value === `string`) {
    const target = patternMatch === null ? value : value.replace(/\*/g, patternMatch);
    if (target.startsWith(`./`)) {
      selection.targets.push(target);
    } else if (isImports && !target.startsWith(`../`) && !target.startsWith(`/`) && (target.startsWith(`node:`) || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(target))) {
      selection.modules.push(target);
    } else {
      selection.problems.push(`target ${JSON.stringify(target)} is not a path inside the package`);
    }
    return;
  }

  if (Array.isArray(value)) {
    // Node takes the first valid entry; any of them may be the one.
    for (const item of value)
      collectTargets(item, patternMatch, isImports, selection, depth + 1);
    return;
  }

  if (isPlainObject(value)) {
    for (const condition of Object.keys(value))
      collectTargets(value[condition], patternMatch, isImports, selection, depth + 1);
    return;
  }

  selection.problems.push(`target ${JSON.stringify(value)} is neither a path, an array nor a conditions object`);
}

/** `exports` for a subpath (`.`, `./feature`), as a self-reference or a require from another package. */
export function selectExports(exports: unknown, subpath: string): MapSelection {
  const selection: MapSelection = {matched: false, targets: [], modules: [], problems: []};
  const subpaths = exportsSubpaths(exports);
  if (subpaths === null) {
    selection.problems.push(`package.json exports mixes subpaths and conditions`);
    return selection;
  }

  const entry = matchKey(subpaths, subpath);
  if (entry === null)
    return selection;

  selection.matched = true;
  collectTargets(entry.value, entry.patternMatch, false, selection, 0);
  return selection;
}

/** `imports` for a `#specifier`. */
export function selectImports(imports: unknown, specifier: string): MapSelection {
  const selection: MapSelection = {matched: false, targets: [], modules: [], problems: []};
  if (specifier === `#` || specifier.startsWith(`#/`) || !isPlainObject(imports))
    return selection;

  const entry = matchKey(imports, specifier);
  if (entry === null)
    return selection;

  selection.matched = true;
  collectTargets(entry.value, entry.patternMatch, true, selection, 0);
  return selection;
}
