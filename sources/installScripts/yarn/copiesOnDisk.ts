/**
 * The backstop's check of the copies on disk of the packages whose code an
 * install script runs (see policy/copiesOnDisk.ts): found as Node finds
 * them, every file hashed and compared with the archive the gate judged,
 * and what they reach read again, before the script starts.
 */
import {type Locator, type LocatorHash, type Package, type Project, formatUtils, structUtils} from '@yarnpkg/core';
import {type FakeFS, type Filename, type PortablePath, ppath, xfs} from '@yarnpkg/fslib';

import {nodeModulesLocations, ownFolderOf, realFolder} from './installClosure';
import {archiveFetchOptions, profileCachePath, readFromArchive} from './installProfiles';
import {packageFilesOf, reachDigest, readEntriesProfile} from './packageFiles';
import {copyDifference, reachedClosure} from '../policy/copiesOnDisk';
import {hashBytes} from '../policy/fingerprint/records';
import type {GateFinding} from '../policy/gateTypes';
import {projectCache} from '../../core/yarn/projectCache';

/** What the backstop needs of the gate's verdict in this install. */
export interface GateVerdict {
  findings: readonly GateFinding[];
  scripts: {locators: ReadonlyMap<string, Package>};
}

export interface TamperedCopy {
  folder: PortablePath;
  expected: string;
  found: string;
}

/**
 * The copies on disk of the packages whose code the script's install code
 * runs (found as Node finds them from the package's folder: the nearest
 * `node_modules/<name>` above it) must hold what the gate judged in their
 * archives. Under PnP a package Yarn did not unplug runs from its archive in
 * the cache: that archive is read again, since what the gate took for it may
 * have come from a planted profile cache (F7). Null when every copy is what
 * was approved.
 */
export function tamperedText(project: Project, what: string, tampered: TamperedCopy) {
  return [
    `yarn-plugin-trust refused to run a script of ${what}: the copy on disk of code its install runs is not what was approved.`,
    `  expected: ${tampered.expected}`,
    `  found on disk: ${tampered.found}`,
    `  The script did not run. Delete ${formatUtils.pretty(project.configuration, ppath.relative(project.cwd, tampered.folder), formatUtils.Type.PATH)} and run ${formatUtils.pretty(project.configuration, `yarn install`, formatUtils.Type.CODE)}; if the refusal comes back, the plugin's cache may be planted: delete ${formatUtils.pretty(project.configuration, ppath.relative(project.cwd, profileCachePath(project)), formatUtils.Type.PATH)} too`,
  ].join(`\n`);
}

export async function tamperedCopies(project: Project, gate: GateVerdict | undefined, checked: Map<string, Array<string>>, id: string | null, location: PortablePath): Promise<TamperedCopy | null> {
  if (gate === undefined)
    return {folder: location, expected: `the install-time gate to have judged this install`, found: `no verdict of the gate in this command, so the code of other packages that its install runs cannot be checked on disk`};
  if (id === null)
    return null;
  // A package reached through another one is found from that one's folder.
  const ownFolders = new Map<string, PortablePath | null>();
  const ownFolder = (from: string) => {
    if (!ownFolders.has(from)) {
      const pkg = project.storedPackages.get(from as LocatorHash);
      ownFolders.set(from, pkg === undefined ? null : ownFolderOf(project, pkg));
    }
    return ownFolders.get(from)!;
  };
  const closure = reachedClosure(gate.findings, id, from => ownFolder(from) !== null);
  // Node looks for a module from the real folder of the file that requires it.
  // Every folder a package runs from is one its own requires start from: a
  // package may be installed in several (nested under two requirers, or under
  // an alias), and each holds its own node_modules (outside attack round 73,
  // U3, U5, U6).
  const starts: Starts = new Map([[id, new Set([realFolder(location)])]]);
  const addStart = (pkgId: string, folder: PortablePath) => {
    const folders = starts.get(pkgId) ?? new Set<PortablePath>();
    starts.set(pkgId, folders);
    if (folders.has(folder))
      return false;
    folders.add(folder);
    return true;
  };
  // Code of the project that the closure passes through (a workspace, a
  // `portal:` or `link:` folder) requires from its own folder, where another
  // tool may have installed its own copies (outside attack round 16, G42).
  for (const from of closure.flatMap(reached => reached.pkg.reachedFrom ?? [])) {
    const folder = starts.has(from.id) ? null : ownFolder(from.id);
    if (folder !== null) {
      addStart(from.id, realFolder(folder));
    }
  }
  const located: Array<{reached: GateFinding, folder: PortablePath, differences?: Array<string>, read?: (compare: (fs: FakeFS<PortablePath>, root: PortablePath) => Promise<Array<string>>) => Promise<Array<string>>}> = [];
  let pending = closure;
  for (let progress = true; pending.length > 0 && progress;) {
    progress = false;
    pending = pending.filter(reached => {
      const misplaced = copyNodeLoadsInstead(project, reached, closure, starts);
      if (misplaced !== null) {
        located.push({reached, folder: misplaced.folder, differences: [misplaced.found]});
        return false;
      }
      const folder = allStarts(starts).flatMap(start => namesOf(reached).map(name => copyOnDisk(project, start, name, reached.pkg.version))).find(found => found !== null) ?? null;
      if (folder === null)
        return true;
      located.push({reached, folder});
      addStart(reached.pkg.id, realFolder(folder));
      progress = true;
      return false;
    });
  }
  // The copy Node loads for each package that requires it is the nearest one
  // above that package's real folder, whatever other copy matched: compared
  // too (a copy planted in a reached package's own node_modules: outside
  // round 48, N2).
  // A file there (`node_modules/<name>.js`) is what Node loads before any
  // folder, no copy of a package at all (outside round 49, F1).
  // Where Yarn runs a bin from: the folder its linker recorded for the
  // package, which need not be the copy Node finds (a clean decoy nested
  // nearer, the hoisted copy tampered: outside round 45, D1). Both are compared.
  for (const [reached, folder] of linkerFolders(project, closure)) {
    if (!located.some(other => other.reached === reached && other.folder === folder))
      located.push({reached, folder});
    if (project.configuration.get(`nodeLinker`) === `node-modules`)
      addStart(reached.pkg.id, realFolder(folder));
  }
  // Until no new folder is found: the copies Node loads from every folder of
  // every package that requires them.
  for (let grew = project.configuration.get(`nodeLinker`) !== `pnp`; grew;) {
    grew = false;
    for (const reached of closure) {
      for (const nearest of nearestCopies(project, reached, closure, starts)) {
        if (!located.some(other => other.reached === reached && other.folder === nearest.path))
          located.push({reached, folder: nearest.path, ...nearest.file ? {differences: [plantedFile(project, nearest.path, reached.pkg.version)]} : {}});
        if (!nearest.file && addStart(reached.pkg.id, realFolder(nearest.path)))
          grew = true;
      }
    }
  }
  if (project.configuration.get(`nodeLinker`) !== `pnp`) {
    // No copy of the approved version where Node looks for it: a copy whose
    // files were edited along with its version (outside attack round 44, C4),
    // or none at all. What runs there cannot be vouched for.
    for (const reached of pending) {
      // A name its requirer does not declare binds every version the project
      // installs: Node loads one of them, and that one is compared.
      if (loadsAnotherJudgedVersion(project, reached, closure, starts))
        continue;
      const nearest = allStarts(starts).flatMap(start => namesOf(reached).flatMap(name => nearestCopy(project, start, name) ?? []))[0] ?? null;
      const found = nearest === null
        ? `no copy of ${reached.pkg.name} where Node looks for it from the code that runs it`
        : nearest.file
          ? plantedFile(project, nearest.path, reached.pkg.version)
          : `${ppath.relative(project.cwd, ppath.join(nearest.path, `package.json` as Filename))} names ${describeVersion(versionOf(ppath.join(nearest.path, `package.json` as Filename)))}, not ${reached.pkg.version}: the copy was edited or another one was put there`;
      located.push({reached, folder: nearest?.path ?? location, differences: [found]});
    }
  } else {
    // What runs from an archive in the cache: every package not unplugged.
    let fetchOptions: ReturnType<typeof archiveFetchOptions> | undefined;
    for (const reached of pending) {
      const pkg = gate.scripts.locators.get(reached.pkg.id);
      const unplugged = pkg === undefined ? [] : unpluggedCopies(project, pkg, reached.pkg.name);
      if (unplugged.length > 0) {
        for (const folder of unplugged)
          located.push({reached, folder});
        continue;
      }
      if (pkg === undefined) {
        // Nothing to read it from: not vouched for.
        located.push({reached, folder: location, differences: [`the gate named no archive for ${reached.pkg.name}@${reached.pkg.version}, so the copy that runs cannot be read again`]});
        continue;
      }
      fetchOptions ??= archiveFetchOptions(project, await projectCache(project));
      const options = fetchOptions;
      located.push({reached, folder: options.cache.getLocatorPath(pkg, project.storedChecksums.get(pkg.locatorHash) ?? null) ?? location, read: compare => readFromArchive(project, pkg, options, compare)});
    }
  }
  const archiveNodeModules = keepsArchiveNodeModules(project);
  for (const entry of located) {
    // The node-modules linker copies every package into a folder of its own:
    // a link in its place makes Node load from where it points (round 48, N2).
    const linkedTo = project.configuration.get(`nodeLinker`) === `node-modules` && entry.read === undefined && entry.differences === undefined ? linkedFolder(project, entry.folder) : null;
    if (linkedTo !== null) {
      entry.differences = [`its folder ${ppath.relative(project.cwd, entry.folder)} is a symbolic link (to ${linkedTo}), which the node-modules linker never makes`];
    }
  }
  for (const {reached, folder, read, differences: known} of located) {
    const fingerprint = reached.pkg.fingerprint;
    const key = `${folder}\0${reached.pkg.id}`;
    let differences = known ?? checked.get(key);
    if (differences === undefined) {
      const compare = async (fs: FakeFS<PortablePath>, root: PortablePath) => {
        // The gate could not read it (and refused it): nothing on disk can be vouched for.
        if (`error` in fingerprint)
          throw new Error(`the install-time gate could not read it: ${fingerprint.error}`);
        // What its code runs and reaches, read again from the copy on disk: an
        // added file it now loads is no build output (round 50, R1), and the
        // profile cache the gate used may have been damaged or planted (C45).
        const again = reached.pkg.entries !== undefined && reached.pkg.entriesReachDigest !== undefined
          ? await readEntriesProfile(fs, root, reached.pkg.entries, {onDisk: read === undefined, archiveNodeModules})
          : null;
        const found = copyDifference(fingerprint, filesOnDisk(fs, root, archiveNodeModules), {ownScripts: reached.pkg.ownScripts !== false, archiveNodeModules, run: again?.reaches});
        if (found.length === 0 && again !== null && reachDigest(again.reaches) !== reached.pkg.entriesReachDigest)
          return [`what its code reaches (${reachDigest(again.reaches)}) is not what the install-time gate judged (${reached.pkg.entriesReachDigest}); the plugin's cache ${ppath.relative(project.cwd, profileCachePath(project))} may be damaged or planted: delete it too`];
        return found;
      };
      try {
        differences = read !== undefined ? await read(compare) : await compare(xfs, folder);
      } catch (error) {
        differences = [(error as Error).message];
      }
      checked.set(key, differences);
    }
    if (differences.length > 0) {
      const shown = structUtils.prettyLocator(project.configuration, gate.scripts.locators.get(reached.pkg.id)!);
      return {folder, expected: `the files of ${shown} as approved (run at install time: ${(reached.pkg.reachedFrom ?? []).map(from => from.via).join(`, `)})`, found: differences.join(`, `)};
    }
  }
  return null;
}

/**
 * A copy that Node loads instead of the approved one: for a package reached
 * only by `require` (Node's lookup from the requiring package's folder), the
 * nearest node_modules/<name> above a folder that requires it holds a version
 * the gate approved nowhere in this script's closure (a copy planted in a
 * restored node_modules, nearer than the approved one). Null otherwise.
 */
function copyNodeLoadsInstead(project: Project, reached: GateFinding, closure: readonly GateFinding[], starts: Starts): {folder: PortablePath, found: string} | null {
  const froms = reached.pkg.reachedFrom ?? [];
  if (project.configuration.get(`nodeLinker`) === `pnp` || froms.length === 0 || !froms.every(from => from.via.startsWith(`require(`)))
    return null;
  for (const from of froms) for (const start of starts.get(from.id) ?? []) {
    const name = from.as ?? reached.pkg.name;
    // The versions approved in this closure of a package found under that name.
    const approved = new Set(closure.filter(finding => finding.pkg.name === name || (finding.pkg.reachedFrom ?? []).some(other => other.as === name)).map(finding => finding.pkg.version));
    const nearest = nearestCopy(project, start, name);
    if (nearest === null)
      continue;
    if (nearest.file)
      return {folder: nearest.path, found: `${plantedFile(project, nearest.path, reached.pkg.version)}, for ${from.via} in ${ppath.relative(project.cwd, start) || `.`}`};
    const version = versionOf(ppath.join(nearest.path, `package.json` as Filename));
    if (version === null || !approved.has(version))
      return {folder: nearest.path, found: `Node loads ${name} ${version === null ? `with no readable version` : `at version ${version}`} from here for ${from.via} in ${ppath.relative(project.cwd, start) || `.`}, a copy nearer than the approved ${reached.pkg.version}`};
  }
  return null;
}

/**
 * The other folders the node-modules linker installed the package of
 * `location` in (the same release nested under two requirers, or installed
 * under an alias): Yarn runs its build in each, while the script's
 * environment names one of them.
 */
export function otherFoldersOf(project: Project, location: PortablePath): Array<PortablePath> {
  if (project.configuration.get(`nodeLinker`) !== `node-modules`)
    return [];
  const owners = nodeModulesLocations(project);
  const key = owners?.get(ppath.relative(project.cwd, location));
  if (owners === null || key === undefined)
    return [];
  const own = packageHashOf(key);
  const folders: Array<PortablePath> = [];
  for (const [folder, other] of owners) {
    const path = ppath.resolve(project.cwd, folder as PortablePath);
    if (own !== null && path !== location && packageHashOf(other) === own)
      folders.push(path);
  }
  return folders;
}

/** The package (its virtual instances count as the package) a locator of `.yarn-state.yml` names, by hash; null when unreadable. */
function packageHashOf(key: string): string | null {
  const locator = structUtils.tryParseLocator(key);
  return locator === null ? null : (structUtils.isVirtualLocator(locator) ? structUtils.devirtualizeLocator(locator) : locator).locatorHash;
}

/** The folders the linker put each reached package in (node-modules: its `.yarn-state.yml`; pnpm: its store folder). */
function linkerFolders(project: Project, closure: ReadonlyArray<GateFinding>): Array<[GateFinding, PortablePath]> {
  const linker = project.configuration.get(`nodeLinker`);
  const found: Array<[GateFinding, PortablePath]> = [];
  if (closure.length === 0)
    return found;
  if (linker === `node-modules`) {
    const byLocator = new Map<string, Array<PortablePath>>();
    for (const [folder, key] of nodeModulesLocations(project) ?? []) {
      const hash = packageHashOf(key);
      if (hash !== null) {
        byLocator.set(hash, [...byLocator.get(hash) ?? [], ppath.resolve(project.cwd, folder as PortablePath)]);
      }
    }
    for (const reached of closure)
      for (const folder of byLocator.get(reached.pkg.id) ?? [])
        found.push([reached, folder]);
  } else if (linker === `pnpm`) {
    const store = project.configuration.get(`pnpmStoreFolder`) as PortablePath;
    for (const reached of closure) {
      const pkg = project.storedPackages.get(reached.pkg.id as LocatorHash);
      const folder = pkg === undefined ? null : ppath.join(store, structUtils.slugifyLocator(pkg) as Filename, `package` as Filename);
      if (folder !== null && xfs.existsSync(folder))
        found.push([reached, folder]);
    }
  }
  return found;
}

/**
 * Where a folder of the project really is when it, or a folder between it and
 * the project's root, is a symbolic link; null when it is its own real path.
 */
export function linkedFolder(project: Project, folder: PortablePath): PortablePath | null {
  const real = realFolder(folder);
  const expected = ppath.join(realFolder(project.cwd), ppath.relative(project.cwd, folder));
  return real === expected ? null : real;
}

/** What Node loads for a reached package above the real folder of each package that requires it, when that is known. */
function nearestCopies(project: Project, reached: GateFinding, closure: readonly GateFinding[], starts: Starts): Array<NodeModulesEntry> {
  const found = new Map<PortablePath, NodeModulesEntry>();
  for (const from of reached.pkg.reachedFrom ?? []) for (const start of starts.get(from.id) ?? []) {
    const nearest = nearestCopy(project, start, from.as ?? reached.pkg.name);
    // Another version judged for the same require: compared with that version's files.
    if (nearest !== null && !(!nearest.file && isJudgedAlternative(reached, closure, from, versionOf(ppath.join(nearest.path, `package.json` as Filename)))))
      found.set(nearest.path, nearest);
  }
  return [...found.values()];
}

/**
 * Whether `version` is another version of the package that the gate judged
 * as run by the same package under the same name. The gate binds every version
 * the project installs for a name the requirer does not declare (sharp's
 * `require('node-addon-api')`, a devDependency, with 5.1.0 and 7.1.1 in the
 * project): Node loads the one hoisted nearest, which must then hold the
 * files of that version as approved. (The same holds for a bin on npm's
 * PATH, which may come from any node_modules/.bin above the package.)
 */
function isJudgedAlternative(reached: GateFinding, closure: readonly GateFinding[], from: NonNullable<GateFinding[`pkg`][`reachedFrom`]>[number], version: string | null): boolean {
  const name = from.as ?? reached.pkg.name;
  return version !== null && version !== reached.pkg.version && closure.some(other => other !== reached && other.pkg.name === reached.pkg.name && other.pkg.version === version
    && (other.pkg.reachedFrom ?? []).some(otherFrom => otherFrom.id === from.id && (otherFrom.as ?? other.pkg.name) === name));
}

/** Whether, from every package that runs it, Node finds another version judged for the same require instead of this one. */
function loadsAnotherJudgedVersion(project: Project, reached: GateFinding, closure: readonly GateFinding[], starts: Starts): boolean {
  // Only the packages that run in this script count: a release that another
  // package's own build requires (bcrypt's node-addon-api, nested under it)
  // is no copy this script loads.
  const froms = (reached.pkg.reachedFrom ?? []).filter(from => (starts.get(from.id)?.size ?? 0) > 0);
  return froms.length > 0 && froms.every(from => {
    const folders = [...starts.get(from.id)!];
    return folders.every(start => {
      const nearest = nearestCopy(project, start, from.as ?? reached.pkg.name);
      return nearest !== null && !nearest.file && isJudgedAlternative(reached, closure, from, versionOf(ppath.join(nearest.path, `package.json` as Filename)));
    });
  });
}

/** The real folders each package of a script's closure runs from (by package id), where Node starts looking for what it requires. */
type Starts = Map<string, Set<PortablePath>>;

function allStarts(starts: Starts): Array<PortablePath> {
  return [...starts.values()].flatMap(folders => [...folders]);
}

/** The names a reached package is installed under: an alias's key (node_modules/<key>), and its own name. */
function namesOf(reached: GateFinding): Array<string> {
  return [...new Set([...(reached.pkg.reachedFrom ?? []).flatMap(from => from.as ?? []), reached.pkg.name])];
}

function describeVersion(version: string | null): string {
  return version === null ? `no readable version` : `the version ${version}`;
}

/** Where Node finds `name@version` from `location` (the nearest node_modules above it holding that version), or null; under PnP, null. */
function copyOnDisk(project: Project, location: PortablePath, name: string, version: string): PortablePath | null {
  if (project.configuration.get(`nodeLinker`) === `pnp`)
    return null;
  for (const candidate of copiesAbove(project, location, name)) {
    if (!candidate.file && versionOf(ppath.join(candidate.path, `package.json` as Filename)) === version)
      return candidate.path;
  }
  return null;
}

/** What Node's resolver finds for a name in one `node_modules` folder: a file (`<name>.js`), or a package's folder. */
interface NodeModulesEntry {
  path: PortablePath;
  /** A file: Node loads it as the module, before any folder of that name (no copy of a package). */
  file: boolean;
}

/**
 * The suffixes Node's CommonJS resolver tries after the name as written
 * (`node_modules/x`, then `x.js`, `x.json`, `x.node`), with those a loader
 * hook may add; a file of any of them is loaded before a folder `x/`.
 */
const MODULE_FILE_SUFFIXES = [``, `.js`, `.json`, `.node`, `.cjs`, `.mjs`, `.ts`, `.cts`, `.mts`];
function isFile(path: PortablePath): boolean {
  return xfs.statSync(path, {throwIfNoEntry: false})?.isFile() === true;
}

/**
 * What Node finds for `name` in each node_modules folder from `start` up to
 * the project's root (none inside a folder itself named `node_modules`, as
 * Node's `_nodeModulePaths`), nearest first, in the order its resolver tries them
 * there: a file of the name (`x`, `x.js`…), then a folder of the name. Node
 * passes over a folder with no package.json and no index for `require('x')`
 * but loads `require('x/lib/util')` from it (outside round 50, R2): any
 * folder counts, and one that is no approved copy is refused.
 */
function* copiesAbove(project: Project, start: PortablePath, name: string): Generator<NodeModulesEntry> {
  for (let folder = start; ; folder = ppath.dirname(folder)) {
    // Node looks in no `node_modules/node_modules`: a copy there is a decoy
    // that must not hide what Node loads (outside attack round 69, N1).
    if (ppath.basename(folder) === `node_modules`) {
      if (folder === project.cwd || ppath.dirname(folder) === folder)
        return;
      continue;
    }
    const base = ppath.join(folder, `node_modules` as Filename, name as Filename);
    const file = MODULE_FILE_SUFFIXES.map(suffix => `${base}${suffix}` as PortablePath).find(isFile);
    if (file !== undefined)
      yield {path: file, file: true};
    else if (xfs.statSync(base, {throwIfNoEntry: false})?.isDirectory() === true)
      yield {path: base, file: false};
    if (folder === project.cwd || ppath.dirname(folder) === folder)
      return;
  }
}

/** What Node loads for `name` from `start`: the first of `copiesAbove`, or null. */
function nearestCopy(project: Project, start: PortablePath, name: string): NodeModulesEntry | null {
  const first = copiesAbove(project, start, name).next();
  return first.done === true ? null : first.value;
}

/** The refusal of a file Node loads in place of a package's folder. */
function plantedFile(project: Project, path: PortablePath, version: string): string {
  return `Node loads the file ${ppath.relative(project.cwd, path)} there, before any folder of that name, not the approved copy of version ${version}: a file was put in node_modules`;
}

/** The version a package.json on disk names; null when it names none or cannot be read as JSON. */
function versionOf(manifest: PortablePath): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(xfs.readFileSync(manifest, `utf8`));
  } catch {
    // Node could not load it as a package either: no version to vouch for.
    return null;
  }
  const version = typeof parsed === `object` && parsed !== null ? (parsed as {version?: unknown}).version : undefined;
  return typeof version === `string` ? version : null;
}

/** Under PnP, the unplugged folders of `name@version` (its own and its virtual instances'); none when Yarn did not unplug it (it runs from its archive). */
function unpluggedCopies(project: Project, locator: Locator, name: string): Array<PortablePath> {
  // Yarn's PnP linker unpacks a package into the folder of its slug, exactly:
  // a folder whose name only starts like it is another release's
  // (`zqhelp-npm-1.0.0-0-…`, a prerelease: outside attack round 73, U1). A
  // package with peer dependencies is unpacked once for each of its virtual
  // instances (`zqhelp-virtual-…`), and that is the copy PnP loads (outside
  // attack round 75, A05): every one is compared.
  const real = structUtils.isVirtualLocator(locator) ? structUtils.devirtualizeLocator(locator) : locator;
  const root = project.configuration.get(`pnpUnpluggedFolder`) as PortablePath;
  return [real, ...virtualInstancesOf(project, real.locatorHash)]
    .map(instance => ppath.join(root, structUtils.slugifyLocator(instance) as Filename, `node_modules` as Filename, name as Filename))
    .filter(folder => xfs.existsSync(folder));
}

/** The virtual instances of a package in the project (the resolution makes one for each set of peer dependencies). */
function virtualInstancesOf(project: Project, locatorHash: string): ReadonlyArray<Locator> {
  let index = virtualIndexes.get(project);
  if (index === undefined || index.size !== project.storedPackages.size) {
    const byPackage = new Map<string, Array<Locator>>();
    for (const pkg of project.storedPackages.values()) {
      if (structUtils.isVirtualLocator(pkg)) {
        const hash = structUtils.devirtualizeLocator(pkg).locatorHash;
        byPackage.set(hash, [...byPackage.get(hash) ?? [], pkg]);
      }
    }
    index = {size: project.storedPackages.size, byPackage};
    virtualIndexes.set(project, index);
  }
  return index.byPackage.get(locatorHash) ?? [];
}

const virtualIndexes = new WeakMap<Project, {size: number, byPackage: ReadonlyMap<string, Array<Locator>>}>();

/**
 * Whether a package's own top-level node_modules on disk is the archive's:
 * the node-modules linker installs dependencies there, the pnpm linker puts
 * them beside the package's folder, PnP's unplugged folders hold none.
 */
export function keepsArchiveNodeModules(project: Project): boolean {
  return project.configuration.get(`nodeLinker`) !== `node-modules`;
}

/** Every file below a package's folder (on disk or in its archive), hashed; its own node_modules only when that is the archive's (deeper node_modules folders always are); a symbolic link is refused. */
function filesOnDisk(fs: FakeFS<PortablePath>, folder: PortablePath, archiveNodeModules: boolean): Map<string, string> {
  const files = packageFilesOf(fs, folder);
  const hashes = new Map<string, string>();
  const walk = (directory: string) => {
    for (const entry of files.list!(directory) ?? []) {
      const path = directory === `` ? entry : `${directory}/${entry}`;
      if (entry.endsWith(`/`)) {
        if (archiveNodeModules || directory !== `` || entry !== `node_modules/`)
          walk(path.slice(0, -1));
      } else {
        hashes.set(path, hashBytes(files.read(path)!));
      }
    }
  };
  walk(``);
  return hashes;
}
