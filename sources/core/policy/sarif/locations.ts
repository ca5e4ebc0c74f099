/**
 * Lines of the files a SARIF result points at: a package's entry in
 * yarn.lock, a setting in .yarnrc.yml, a dependency in a package.json.
 * Read from the texts alone: these modules never touch the disk.
 */

import {JsonSyntaxError, parseJson} from '../json';
import type {JsonEntry, JsonNode} from '../jsonTree';

export interface LockfileEntry {
  /** 1-based line of the entry's key (`"a@npm:^1.0.0, a@npm:^1.1.0":`). */
  line: number;
  /** The descriptors of the key, e.g. [`a@npm:^1.0.0`, `a@npm:^1.1.0`]. */
  descriptors: Array<string>;
  /** The locator the entry resolves to (its `resolution:`). */
  resolution: string;
}

/**
 * The entries of a Yarn lockfile with the line of their key. Yarn writes a
 * key at column 0 (quoted when it holds `:`, which every descriptor does) and
 * the entry's fields indented under it; `resolution:` names the locator.
 */
export function lockfileEntries(text: string): Array<LockfileEntry> {
  const entries: Array<LockfileEntry> = [];
  let current: {line: number, descriptors: Array<string>} | null = null;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    if (line === `` || line.startsWith(`#`))
      continue;
    if (!/^\s/.test(line)) {
      current = null;
      const key = line.endsWith(`:`) ? unquote(line.slice(0, -1)) : null;
      if (key !== null && key !== `__metadata`)
        current = {line: index + 1, descriptors: key.split(/,\s*/)};
      continue;
    }
    const resolution = /^ {2}resolution: (.+)$/.exec(line);
    if (current !== null && resolution !== null) {
      entries.push({...current, resolution: unquote(resolution[1])});
      current = null;
    }
  }
  return entries;
}

function unquote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith(`"`)) {
    try {
      return JSON.parse(trimmed);
    } catch (error) {
      if (!(error instanceof SyntaxError))
        throw error;
      // Not a JSON string after all: keep it as written rather than lose the entry.
      return trimmed;
    }
  }
  return trimmed;
}

/** The name of a locator or descriptor: `@scope/name@npm:1.0.0` → `@scope/name`. */
export function identOf(locator: string): string {
  const at = locator.indexOf(`@`, locator.startsWith(`@`) ? 1 : 0);
  return at === -1 ? locator : locator.slice(0, at);
}

/**
 * The entry of a package: by its exact locator when known; else the release
 * `name@npm:version` (a resolution may carry `::` parameters); else, for a
 * finding about a whole name, the first registry entry of that name.
 */
export function findLockfileEntry(entries: ReadonlyArray<LockfileEntry>, pkg: {name: string, version: string | null, locator: string | null}): LockfileEntry | null {
  if (pkg.locator !== null) {
    const exact = entries.find(entry => entry.resolution === pkg.locator);
    if (exact !== undefined)
      return exact;
  }
  if (pkg.version !== null) {
    const release = `${pkg.name}@npm:${pkg.version}`;
    const found = entries.find(entry => entry.resolution === release || entry.resolution.startsWith(`${release}::`));
    if (found !== undefined)
      return found;
  }
  return entries.find(entry => identOf(entry.resolution) === pkg.name && entry.resolution.slice(pkg.name.length + 1).startsWith(`npm:`))
    ?? entries.find(entry => identOf(entry.resolution) === pkg.name)
    ?? null;
}

/**
 * The line of a setting in .yarnrc.yml, following a key path
 * (`npmScopes`, `corp`, `npmRegistryServer`) by indentation; null when the
 * file does not set it (a default, or set by an environment variable).
 * Written as YAML or as JSON (valid YAML, which some tools write).
 */
export function yamlKeyLine(text: string, path: ReadonlyArray<string>): number | null {
  const lines = text.split(/\r?\n/);
  let from = 0;
  let parentIndent = -1;
  let found: number | null = null;
  for (const segment of path) {
    found = null;
    // Only the block's own keys: the first key under the parent sets their indent.
    let childIndent: number | null = null;
    for (let index = from; index < lines.length; index += 1) {
      const match = /^(\s*)(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s:#"'][^:#]*?))\s*:(?:\s|$)/.exec(lines[index]);
      if (match === null)
        continue;
      const indent = match[1].length;
      if (indent <= parentIndent)
        break;
      childIndent ??= indent;
      const key = match[2] !== undefined ? unquote(`"${match[2]}"`) : match[3] ?? match[4];
      if (indent === childIndent && key === segment) {
        found = index;
        parentIndent = indent;
        from = index + 1;
        break;
      }
    }
    if (found === null)
      return null;
  }
  return found === null ? null : found + 1;
}

const DEPENDENCY_FIELDS = [`dependencies`, `devDependencies`, `optionalDependencies`, `peerDependencies`];

/** Where a package.json names a dependency: the field and the 1-based line of its key, or null. */
export function manifestDependencyLine(text: string, name: string): {field: string, line: number} | null {
  const root = parseManifest(text);
  if (root === null)
    return null;
  for (const field of DEPENDENCY_FIELDS) {
    const block = root.entries.find(entry => entry.key === field)?.value;
    if (block?.kind !== `object`)
      continue;
    const entry = block.entries.find(candidate => candidate.key === name);
    if (entry !== undefined)
      return {field, line: entry.keyPos.line};
  }
  return null;
}

/** The line of a key path in a package.json (`dependenciesMeta`, `esbuild`, `built`): the deepest key found. */
export function manifestKeyLine(text: string, path: ReadonlyArray<string>): number | null {
  let node: JsonNode | null = parseManifest(text);
  let line: number | null = null;
  for (const segment of path) {
    if (node?.kind !== `object`)
      break;
    const entry: JsonEntry | undefined = node.entries.find(candidate => candidate.key === segment);
    if (entry === undefined)
      break;
    line = entry.keyPos.line;
    node = entry.value;
  }
  return line;
}

/**
 * A package.json that is not strict JSON (Yarn reads some that are not)
 * gets a result on the file without a line, rather than none at all.
 */
function parseManifest(text: string) {
  try {
    const root = parseJson(text);
    return root.kind === `object` ? root : null;
  } catch (error) {
    if (!(error instanceof JsonSyntaxError))
      throw error;
    return null;
  }
}
