/**
 * Follows install code across packages: from each package with install
 * scripts, into the dependencies its code requires and the bins its commands
 * run (as Yarn resolves them for this project), until nothing new is reached.
 */
import {LinkType, type LocatorHash, type Package, type Project, type Workspace, formatUtils, structUtils} from '@yarnpkg/core';
import {type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';
import {parseSyml} from '@yarnpkg/parsers';

import {directReaches, entriesKey, entryKey, isInstalledPackagesFolder, npmPathFindings, npxDownloads, pathEntries, type Entry, type LinkedBin, type VisibleBin} from '../policy/installClosure';
import type {InstallFingerprint} from '../policy/fingerprint';
import {globRegExp} from '../policy/fingerprint/shellExpansion';
import type {EntriesProfile, Reaches} from './packageFiles';
import {readTextIfPresentSync} from '../../core/yarn/localFiles';

/** A package reached from install code, with everything that reaches it. */
export interface ReachedUnit {
  pkg: Package;
  entries: Map<string, Entry>;
  reachedFrom: Map<string, {via: string, locator: string, workspace: boolean, as?: string}>;
  shadows: Set<string>;
  /** The packages with install scripts whose PATH the reached code runs with. */
  roots: Set<string>;
  profile: EntriesProfile | null;
  unresolved: Set<string>;
  /**
   * A workspace of the project that install code reaches (by name, by its
   * bin, by a path into its folder): its files are the project's own and need
   * no approval, but what they run in dependencies does, resolved from it.
   */
  workspace?: true;
}

export interface ClosureRoot {
  pkg: Package;
  reaches: Reaches;
}

/** Reads what a package runs through the given entries (from the cache, or remembered). */
export type EntriesReader = (pkg: Package, entries: Array<Entry>, key: string) => Promise<EntriesProfile>;

/**
 * The project's graph as Yarn links it: the original (devirtualized) package of
 * every locator, the dependencies each instance resolved (peer dependencies
 * included, through its virtual instances), and the bins on each PATH.
 */
class ProjectGraph {
  private readonly instances = new Map<string, Package[]>();
  private readonly binCache = new Map<string, Map<string, VisibleBin[]>>();
  private byName: Map<string, Package[]> | null = null;
  private everyBinCache: Map<string, VisibleBin[]> | null = null;
  private aliased: Set<string> | null = null;
  private readonly dependencyCache = new Map<string, Array<{as: string, pkg: Package}>>();

  constructor(private readonly project: Project) {
    for (const pkg of project.storedPackages.values()) {
      if (project.disabledLocators.has(pkg.locatorHash))
        continue;
      const original = this.original(pkg);
      const list = this.instances.get(original.locatorHash) ?? [];
      list.push(pkg);
      this.instances.set(original.locatorHash, list);
    }
  }

  original(pkg: Package): Package {
    if (!structUtils.isVirtualLocator(pkg))
      return pkg;
    const devirtualized = structUtils.devirtualizeLocator(pkg);
    return this.project.storedPackages.get(devirtualized.locatorHash) ?? this.project.originalPackages.get(devirtualized.locatorHash) ?? pkg;
  }

  packageOf(id: string): Package | undefined {
    return this.project.storedPackages.get(id as LocatorHash);
  }

  /** Workspaces and linked folders are the project's own code, not a package to review. */
  isOwnCode(pkg: Package): boolean {
    return pkg.linkType !== LinkType.HARD || this.project.tryWorkspaceByLocator(pkg) !== null;
  }

  /**
   * The folder of a `link:`/`portal:` package or of a workspace when it lies
   * where Yarn installs other packages' files (`link:./node_modules/x`, a
   * workspace `node_modules/x/pkg`): no code of the project, whatever the
   * protocol says (outside rounds 51, L1, and 52, W1). Null otherwise.
   */
  linkIntoInstalledPackages(pkg: Package): PortablePath | null {
    const folder = ownFolderOf(this.project, pkg);
    return folder !== null && inInstalledPackagesFolder(this.project, folder) ? folder : null;
  }

  /**
   * A workspace of the project, or a folder it links (`link:`, `portal:`):
   * its code is the project's, and is followed into its dependencies.
   */
  isWorkspace(pkg: Package): boolean {
    return ownFolderOf(this.project, pkg) !== null;
  }

  /**
   * The workspace whose folder holds `path` (relative to the folder of the
   * workspace `fromId`), and the path inside it: the innermost one other than
   * `fromId` itself, or null.
   */
  workspaceHolding(fromId: string, path: string): {id: string, path: string} | null {
    const from = this.project.tryWorkspaceByLocator(this.packageOf(fromId)!);
    if (from === null)
      return null;
    const absolute = ppath.join(from.cwd, path as PortablePath);
    let best: {id: string, path: string, depth: number} | null = null;
    for (const workspace of this.project.workspaces) {
      if (workspace === from)
        continue;
      const relative = ppath.relative(workspace.cwd, absolute);
      if (relative.startsWith(`..`) || ppath.isAbsolute(relative))
        continue;
      const depth = workspace.cwd.length;
      if (best === null || depth > best.depth)
        best = {id: workspace.anchoredLocator.locatorHash, path: relative, depth};
    }
    return best === null ? null : {id: best.id, path: best.path};
  }

  /**
   * The dependencies of a package as Node finds them: by the name it declares
   * them under (an alias `"helper": "npm:evil@1"` is found as `helper`), each
   * with the package Yarn resolved it to.
   */
  private dependenciesOf(id: string): Array<{as: string, pkg: Package}> {
    const cached = this.dependencyCache.get(id);
    if (cached !== undefined)
      return cached;
    const result: Array<{as: string, pkg: Package}> = [];
    for (const instance of this.instances.get(id) ?? []) {
      for (const descriptor of instance.dependencies.values()) {
        const resolution = this.project.storedResolutions.get(descriptor.descriptorHash);
        const dependency = resolution === undefined ? undefined : this.project.storedPackages.get(resolution);
        if (dependency !== undefined && !this.project.disabledLocators.has(dependency.locatorHash)) {
          result.push({as: structUtils.stringifyIdent(descriptor), pkg: this.original(dependency)});
        }
      }
    }
    this.dependencyCache.set(id, result);
    return result;
  }

  /** Every package the project installs under a name (its own, or an alias some package declares). */
  private packagesCalled(name: string): Package[] {
    return this.installedNames().get(name) ?? [];
  }

  /** The names packages are installed under, each with the packages installed under it. */
  private installedNames(): Map<string, Package[]> {
    if (this.byName === null) {
      const byName = new Map<string, Package[]>();
      const add = (as: string, pkg: Package) => {
        const list = byName.get(as);
        if (list === undefined)
          byName.set(as, [pkg]);
        else
          list.push(pkg);
      };
      for (const id of this.instances.keys()) {
        const pkg = this.packageOf(id);
        if (pkg !== undefined)
          add(structUtils.stringifyIdent(pkg), pkg);
        for (const dependency of this.dependenciesOf(id))
          add(dependency.as, dependency.pkg);
      }
      this.byName = byName;
    }
    return this.byName;
  }

  /** Bins on the PATH of a package's scripts: its own, then its direct dependencies' (Yarn's order). */
  bins(id: string): Map<string, VisibleBin[]> {
    const cached = this.binCache.get(id);
    if (cached !== undefined)
      return cached;
    const self = this.packageOf(id);
    const visible = [...(self === undefined ? [] : [self]), ...this.dependenciesOf(id).map(dependency => dependency.pkg)];
    const bins = new Map<string, VisibleBin[]>();
    const seen = new Set<string>();
    for (const pkg of visible) {
      // A workspace's bins are on the PATH too (a root script running
      // `abuild` of packages/a): followed into that workspace's dependencies.
      if (seen.has(pkg.locatorHash) || (this.isOwnCode(pkg) && !this.isWorkspace(pkg)))
        continue;
      seen.add(pkg.locatorHash);
      for (const [name, path] of pkg.bin) {
        const list = bins.get(name) ?? [];
        list.push({id: pkg.locatorHash, path: binPath(path)});
        bins.set(name, list);
      }
    }
    this.binCache.set(id, bins);
    return bins;
  }

  topLevelBins(): Map<string, VisibleBin[]> {
    return this.bins(this.project.topLevelWorkspace.anchoredLocator.locatorHash);
  }

  /**
   * The bins of every package of the project. The node-modules linker links
   * the bins of every package it hoists into a folder's node_modules/.bin,
   * and npm puts the node_modules/.bin of every folder above a package on the
   * PATH of the scripts it runs: which packages land there is the hoister's
   * choice, so any of them may be found (outside attack round 11, F15-F17).
   */
  everyBin(): Map<string, VisibleBin[]> {
    if (this.everyBinCache !== null)
      return this.everyBinCache;
    const bins = new Map<string, VisibleBin[]>();
    for (const id of this.instances.keys()) {
      const pkg = this.packageOf(id);
      if (pkg === undefined || this.isOwnCode(pkg) || this.project.disabledLocators.has(pkg.locatorHash))
        continue;
      for (const [name, path] of pkg.bin) {
        const list = bins.get(name) ?? [];
        list.push({id: pkg.locatorHash, path: binPath(path)});
        bins.set(name, list);
      }
    }
    this.everyBinCache = bins;
    return bins;
  }

  /**
   * Whether some package installs this one under another key (an alias): a
   * copy in node_modules/<alias> that requires its own name, without
   * `exports`, gets whatever the project installs under that name (round 12,
   * F43).
   */
  installedUnderAlias(id: string): boolean {
    if (this.aliased === null) {
      this.aliased = new Set();
      for (const from of this.instances.keys())
        for (const dependency of this.dependenciesOf(from))
          if (dependency.as !== structUtils.stringifyIdent(dependency.pkg))
            this.aliased.add(dependency.pkg.locatorHash);
    }
    return this.aliased.has(id);
  }

  /**
   * The packages installed under a name whose last segment is `node_modules`
   * (a folder whose .bin npm puts on its PATH) or `.bin` (under the pnpm
   * linker, a folder npm puts on its PATH: outside attack round 41, D1).
   */
  installedAsNodeModules(): Array<{as: string, pkg: Package}> {
    const found: Array<{as: string, pkg: Package}> = [];
    for (const [as, packages] of this.installedNames())
      if (/(?:^|\/)(?:node_modules|\.bin)$/i.test(as))
        for (const pkg of packages)
          found.push({as, pkg});
    return found;
  }

  /** Whether the package declares a dependency under `name` (its own name, aliased to another package: F32). */
  declares(id: string, name: string): boolean {
    return this.dependenciesOf(id).some(dependency => dependency.as === name);
  }

  /** The names packages are installed under (aliases too) that a glob of one name matches (`zq?`, `@s/z[q]`). */
  namesMatching(glob: string): string[] {
    const matcher = globRegExp(glob);
    return [...this.installedNames().keys()].filter(name => matcher.test(name)).sort();
  }

  /**
   * What `require(name)` finds from a package: the dependency it declares under
   * that name, as Yarn resolved it; failing that (an undeclared dependency,
   * found through hoisting or PnP's fallback), every package the project
   * installs under that name — more files rather than a missed one.
   */
  resolveName(id: string, name: string): string[] {
    const declared = this.dependenciesOf(id).filter(dependency => dependency.as === name).map(dependency => dependency.pkg);
    const candidates = declared.length > 0 ? declared : this.packagesCalled(name);
    return [...new Set(candidates.map(pkg => pkg.locatorHash))];
  }

}

/**
 * Every package whose code the install code of `roots` reaches, with the files
 * reached in it. Reached code runs with the PATH of the script that started it,
 * so its command words resolve against the bins of that script's package.
 */
export async function followInstallCode(project: Project, roots: ReadonlyArray<ClosureRoot>, read: EntriesReader): Promise<{units: Map<string, ReachedUnit>, rootUnresolved: Map<string, string[]>, rootPaths: Map<string, Array<[string, string]>>, refusals: Map<string, string[]>}> {
  const graph = new ProjectGraph(project);
  const units = new Map<string, ReachedUnit>();
  const rootUnresolved = new Map<string, string[]>();
  const analysed = new Map<string, string>();
  const refusals = new Map<string, string[]>();

  // What npm's PATH holds beside the project's packages: read once, and only if install code runs npm.
  let linked: Array<LinkedBin> | undefined;
  let declared: Set<string> | undefined;
  const npmFolders = {
    outsideBinFolders: () => outsideBinFolders(project.cwd),
    linkedBins: {
      linked: () => linked ??= linkedBinNames(project, graph),
      known: () => declared ??= declaredBinNames(project, graph),
      nodeModulesNamed: () => graph.installedAsNodeModules().map(({as, pkg}) => ({as, locator: structUtils.prettyLocator(project.configuration, pkg)})),
    },
  };

  const reach = (fromId: string, rootIds: ReadonlySet<string>, reaches: Reaches, withBins: boolean): string[] => {
    const rootBins = [...rootIds].map(rootId => graph.bins(rootId));
    const mergedBins = new Map<string, VisibleBin[]>();
    for (const bins of rootBins)
      for (const [name, list] of bins)
        mergedBins.set(name, [...(mergedBins.get(name) ?? []), ...list]);

    // A dependency declared under the package's own name is what Node (without
    // exports) and PnP load for that name: followed like any other (F32).
    const ownIdent = structUtils.stringifyIdent(graph.packageOf(fromId)!);
    // Only code that requires its own name needs the project-wide alias map.
    const requiresOwnName = reaches.modules.some(specifier => specifier === ownIdent || specifier.startsWith(`${ownIdent}/`));
    const ownName = requiresOwnName && (graph.declares(fromId, ownIdent) || graph.installedUnderAlias(fromId)) ? null : ownIdent;
    const {reaches: found, unresolved, refusals: refused} = directReaches({
      commands: reaches.commands,
      mentions: reaches.mentions,
      everyPathBin: withBins && !graph.isOwnCode(graph.packageOf(fromId)!),
      modules: reaches.modules,
      bins: withBins ? mergedBins : null,
      topLevelBins: graph.topLevelBins(),
      npmPathBins: () => graph.everyBin(),
      outsideBinFolders: npmFolders.outsideBinFolders,
      linkedBins: npmFolders.linkedBins,
      // Its own code is bound already: never a package it reaches.
      resolveName: name => graph.resolveName(fromId, name).filter(id => id !== fromId),
      ownName,
      packageRoots: reaches.packageRoots,
      dependencyFiles: reaches.dependencyFiles,
      dependencyGypFiles: reaches.dependencyGypFiles,
      namesMatching: glob => graph.namesMatching(glob),
      binsOf: id => [...graph.packageOf(id)?.bin ?? []].map(([, path]) => ({id, path: binPath(path)})),
    });
    if (!withBins) {
      // Reached code that runs npm gives what it starts npm's PATH, with every
      // hoisted bin, as a script running npm does (in-house round 36).
      const fromDependency = [...rootIds].some(rootId => {
        const root = graph.packageOf(rootId);
        return root !== undefined && !graph.isOwnCode(root);
      });
      const npm = npmPathFindings({commands: reaches.commands, mentions: reaches.mentions ?? [], bins: mergedBins, npmPathBins: () => graph.everyBin(), ...npmFolders, dependency: fromDependency});
      found.push(...npm.reaches);
      refused.push(...npm.refusals, ...npxDownloads(reaches.commands, mergedBins));
      unresolved.push(...npm.unresolved);
      // Command words of reached code still resolve on the starting script's PATH.
      for (const command of reaches.commands) {
        for (const bin of mergedBins.get(command) ?? []) {
          found.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via: `runs ${command}`});
        }
      }
      for (const mention of reaches.mentions ?? []) {
        if (reaches.commands.includes(mention))
          continue;
        for (const bin of mergedBins.get(mention) ?? []) {
          found.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via: `names ${mention} in a command, which the program given it may run`});
        }
      }
    }

    // Files of another workspace that a workspace's code runs by a path into
    // its folder (`node packages/a/setup.js`): what they require is resolved
    // from that workspace, as Node does (outside attack round 15, F8-F14).
    for (const path of reaches.workspaceFiles ?? []) {
      const holder = graph.workspaceHolding(fromId, path);
      // The workspace's folder itself (`require('../b')`) loads its main, as a require by name does.
      if (holder !== null)
        found.push({id: holder.id, entry: holder.path === `` ? {kind: `module`, specifier: `.`} : {kind: `file`, path: holder.path}, via: `runs ${path}`});
    }

    for (const step of found) {
      const pkg = graph.packageOf(step.id);
      if (pkg === undefined)
        continue;
      const installed = graph.linkIntoInstalledPackages(pkg);
      if (installed !== null) {
        refused.push(`${step.via}: it loads ${structUtils.stringifyLocator(pkg)}, whose folder ${ppath.relative(project.cwd, installed) || `.`} is where Yarn installs another package's files, not a folder of the project: code that no approval can be bound to. Point the link at a folder of the project, or depend on the package by its version`);
        continue;
      }
      const workspace = graph.isWorkspace(pkg);
      // A workspace's own files are read already; other own code (a portal, a link) is not followed.
      if ((graph.isOwnCode(pkg) && !workspace) || (workspace && step.id === fromId))
        continue;
      const unit = units.get(step.id) ?? {
        pkg, entries: new Map(), reachedFrom: new Map(), shadows: new Set<string>(), roots: new Set<string>(), profile: null, unresolved: new Set<string>(), ...workspace ? {workspace: true as const} : {},
      };
      units.set(step.id, unit);
      unit.entries.set(entryKey(step.entry), step.entry);
      if (step.id !== fromId && !unit.reachedFrom.has(fromId))
        unit.reachedFrom.set(fromId, {via: step.via, locator: structUtils.stringifyLocator(graph.packageOf(fromId)!), workspace: graph.isOwnCode(graph.packageOf(fromId)!), ...step.as !== undefined ? {as: step.as} : {}});
      if (step.shadows !== undefined && !workspace)
        unit.shadows.add(step.shadows);
      for (const rootId of rootIds)
        unit.roots.add(rootId);
    }
    if (refused.length > 0)
      refusals.set(fromId, [...refusals.get(fromId) ?? [], ...refused]);
    return [...unresolved, ...reaches.unresolved];
  };

  const rootPaths = new Map<string, Array<[string, string]>>();
  for (const root of roots) {
    rootUnresolved.set(root.pkg.locatorHash, reach(root.pkg.locatorHash, new Set([root.pkg.locatorHash]), root.reaches, true));
    rootPaths.set(root.pkg.locatorHash, pathEntries(graph.bins(root.pkg.locatorHash), id => structUtils.stringifyIdent(graph.packageOf(id)!)));
  }

  // Entries only grow and every package has finitely many: this ends.
  for (;;) {
    const stale = [...units.values()].filter(unit => analysed.get(unit.pkg.locatorHash) !== entriesKey(unit.entries.values()));
    if (stale.length === 0)
      break;
    await Promise.all(stale.map(async unit => {
      const key = entriesKey(unit.entries.values());
      analysed.set(unit.pkg.locatorHash, key);
      unit.profile = await read(unit.pkg, [...unit.entries.values()], key);
    }));
    for (const unit of stale) {
      const reaches = unit.profile?.reaches;
      if (reaches === undefined)
        continue;
      unit.unresolved = new Set(reach(unit.pkg.locatorHash, unit.roots, reaches, false));
    }
  }

  return {units, rootUnresolved, rootPaths, refusals};
}

/** A package with install scripts that other install code also reaches runs both: one fingerprint covers both. */
export function withPathEntries(fingerprint: InstallFingerprint | {error: string}, entries: Array<[string, string]>): InstallFingerprint | {error: string} {
  if (`error` in fingerprint || entries.length === 0)
    return fingerprint;
  return mergeFingerprints(fingerprint, {scripts: fingerprint.scripts, files: Object.fromEntries(entries)});
}

export function mergeFingerprints(a: InstallFingerprint | {error: string}, b: InstallFingerprint | {error: string}): InstallFingerprint | {error: string} {
  if (`error` in a)
    return a;
  if (`error` in b)
    return b;
  const files: Record<string, string> = {};
  for (const [path, hash] of [...Object.entries(a.files), ...Object.entries(b.files)].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (Object.prototype.hasOwnProperty.call(files, path) && files[path] !== hash)
      return {error: `${path} was read twice with different contents`};
    Object.defineProperty(files, path, {value: hash, enumerable: true, writable: true, configurable: true});
  }
  return {scripts: a.scripts, files};
}

/**
 * The folder on disk of the project's own code that a package stands for: a
 * workspace's, or the folder a workspace links with `link:` or `portal:`
 * (relative to that workspace); null for a package of the cache, or a link
 * whose folder cannot be told.
 */
/**
 * The workspaces whose folder lies where Yarn installs other packages' files
 * (`"workspaces": ["node_modules/x/pkg"]`: outside round 52, W1), each with
 * the refusal: their code and scripts would run as the project's own.
 */
export function misplacedWorkspaces(project: Project): Array<{workspace: Workspace, text: string}> {
  return project.workspaces.filter(workspace => inInstalledPackagesFolder(project, workspace.cwd)).map(workspace => ({
    workspace,
    text: `The workspace ${structUtils.prettyWorkspace(project.configuration, workspace)} lives in ${formatUtils.pretty(project.configuration, ppath.relative(project.cwd, workspace.cwd), formatUtils.Type.PATH)}, where Yarn installs other packages' files (a node_modules folder, .yarn, or Yarn's own folders): its code and scripts are another package's, which nothing approves, not the project's. Remove that path from "workspaces" in ${formatUtils.pretty(project.configuration, `package.json`, formatUtils.Type.PATH)}`,
  }));
}

/** Whether a folder of the project's own code (a workspace's, a `link:` one's) lies, as written or really, where Yarn installs other packages' files. */
export function inInstalledPackagesFolder(project: Project, folder: PortablePath): boolean {
  const configuration = project.configuration;
  const yarnFolders = [`globalFolder`, `cacheFolder`, `pnpmStoreFolder`, `virtualFolder`].map(key => configuration.get(key) as PortablePath | undefined).filter((value): value is PortablePath => typeof value === `string`);
  const place = {projectFolder: project.cwd, yarnFolders};
  return isInstalledPackagesFolder(folder, place) || isInstalledPackagesFolder(realFolder(folder), place);
}

/** A folder's real path (Node resolves a module from there, not through a link), or the folder when it does not exist. */
export function realFolder(folder: PortablePath): PortablePath {
  try {
    return xfs.realpathSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return folder;
    throw error;
  }
}

export function ownFolderOf(project: Project, pkg: Package): PortablePath | null {
  const workspace = project.tryWorkspaceByLocator(pkg);
  if (workspace !== null)
    return workspace.cwd;
  if (pkg.linkType !== LinkType.SOFT)
    return null;
  const protocol = /^(link|portal):/.exec(pkg.reference)?.[0];
  if (protocol === undefined)
    return null;
  const {parentLocator, path} = structUtils.parseFileStyleRange(pkg.reference, {protocol});
  const parent = project.tryWorkspaceByLocator(parentLocator);
  return parent === null ? null : ppath.resolve(parent.cwd, path);
}

/**
 * A bin's path as one spelling: a fresh resolution takes `bin` from the
 * registry as written (`./bin/node-gyp.js`), an install from yarn.lock as Yarn
 * wrote it there (`bin/node-gyp.js`); the approval must not see a difference.
 */
function binPath(path: string): string {
  return ppath.normalize(path as PortablePath);
}

let outsideBinFoldersOf: {cwd: string, folders: Array<string>} | null = null;

/**
 * The folders above the project that hold a node_modules/.bin, which npm puts
 * on the PATH of what it runs; read once per project (a few stats).
 */
function outsideBinFolders(cwd: PortablePath): Array<string> {
  if (outsideBinFoldersOf?.cwd === cwd)
    return outsideBinFoldersOf.folders;
  const folders: Array<string> = [];
  for (let folder = ppath.dirname(cwd); ; folder = ppath.dirname(folder)) {
    if (xfs.statSync(ppath.join(folder, `node_modules/.bin` as PortablePath), {throwIfNoEntry: false})?.isDirectory() === true)
      folders.push(npath.fromPortablePath(folder));
    if (ppath.dirname(folder) === folder)
      break;
  }
  outsideBinFoldersOf = {cwd, folders};
  return folders;
}

/**
 * The names in every node_modules/.bin of the project (Windows' `.cmd` and
 * `.ps1` shims read as their command): the root's, where the node-modules
 * linker links the bins of the packages it hoists, the workspaces', and the
 * nested ones of packages that keep their own copies of dependencies, which
 * npm puts on the PATH of what it runs from a package below them. Links
 * (workspaces, portals) are not followed: their folders are walked as
 * workspaces, or are outside the project.
 */
function linkedBinNames(project: Project, graph: ProjectGraph): Array<LinkedBin> {
  const found: Array<LinkedBin> = [];
  const visited = new Set<string>();
  let owners: ReadonlyMap<string, string> | null | undefined;
  const visit = (folder: PortablePath, depth: number) => {
    const modules = ppath.join(folder, `node_modules` as PortablePath);
    if (depth > 32 || visited.has(modules))
      return;
    visited.add(modules);
    for (const entry of readdirIfPresent(modules)) {
      if (entry.name === `.bin`) {
        const bins = ppath.join(modules, `.bin` as PortablePath);
        const folderName = npath.fromPortablePath(ppath.relative(project.cwd, bins));
        const seen = new Set<string>();
        for (const bin of readdirIfPresent(bins)) {
          const name = bin.name.replace(/\.(?:cmd|ps1)$/i, ``);
          if (seen.has(name))
            continue;
          seen.add(name);
          owners ??= nodeModulesLocations(project);
          if (!bin.isSymbolicLink() && process.platform !== `win32`) {
            found.push({name, folder: folderName, notALink: true});
            continue;
          }
          const target = bin.isSymbolicLink() && owners !== null ? linkTarget(project, graph, owners, ppath.join(bins, bin.name as PortablePath), name) : undefined;
          found.push({name, folder: folderName, ...target !== undefined ? {target} : {}});
        }
      } else if (entry.isDirectory() && entry.name.startsWith(`@`)) {
        for (const scoped of readdirIfPresent(ppath.join(modules, entry.name as PortablePath)))
          if (scoped.isDirectory())
            visit(ppath.join(modules, entry.name as PortablePath, scoped.name as PortablePath), depth + 1);
      } else if (entry.isDirectory() && entry.name.startsWith(`.`)) {
        // A package under a dot key (`.x`), or a store of them (the pnpm
        // linker's .store/<slug>/node_modules): both are walked.
        const dotted = ppath.join(modules, entry.name as PortablePath);
        visit(dotted, depth + 1);
        for (const inner of readdirIfPresent(dotted))
          if (inner.isDirectory())
            visit(ppath.join(dotted, inner.name as PortablePath), depth + 1);
      } else if (entry.isDirectory()) {
        visit(ppath.join(modules, entry.name as PortablePath), depth + 1);
      }
    }
  };
  // npm adds the node_modules/.bin of every folder above a package: the
  // workspaces' and linked folders' own, and those of the folders between
  // them and the project (`packages/node_modules/.bin`: outside attack round
  // 38, A7), whose node_modules the linker fills when it installs there
  // (a portal's dependencies: A8).
  const folders = new Set<PortablePath>(project.workspaces.map(workspace => workspace.cwd));
  for (const pkg of project.storedPackages.values()) {
    const folder = pkg.linkType === LinkType.SOFT ? ownFolderOf(project, pkg) : null;
    if (folder !== null)
      folders.add(folder);
  }
  for (const start of [...folders]) {
    for (let folder = start; ; folder = ppath.dirname(folder)) {
      const relative = ppath.relative(project.cwd, folder);
      if (relative === `` || relative.startsWith(`..`) || ppath.isAbsolute(relative) || ppath.dirname(folder) === folder)
        break;
      folders.add(folder);
    }
  }
  for (const folder of folders)
    visit(folder, 0);
  return found;
}

/**
 * Where the node-modules linker put each package (its own record,
 * node_modules/.yarn-state.yml: folder relative to the project → locator),
 * or null without one (another linker, nothing installed yet).
 */
export function nodeModulesLocations(project: Project): ReadonlyMap<string, string> | null {
  const text = readTextIfPresentSync(ppath.join(project.cwd, `node_modules/.yarn-state.yml` as PortablePath));
  if (text === null)
    return null;
  // Read before every build script by the backstop: parsed again only when its text changed.
  if (lastState?.text === text)
    return lastState.owners;
  const owners = new Map<string, string>();
  for (const [locator, record] of Object.entries(parseSyml(text) as Record<string, {locations?: unknown}>)) {
    if (locator === `__metadata` || !Array.isArray(record?.locations))
      continue;
    for (const location of record.locations)
      if (typeof location === `string`)
        owners.set(ppath.normalize(location as PortablePath), locator);
  }
  lastState = {text, owners};
  return owners;
}

let lastState: {text: string, owners: ReadonlyMap<string, string>} | null = null;

/** The package and file a bin link points to, and whether the package's registry manifest declares that bin there. */
function linkTarget(project: Project, graph: ProjectGraph, owners: ReadonlyMap<string, string>, link: PortablePath, name: string): NonNullable<LinkedBin[`target`]> {
  const file = ppath.relative(project.cwd, ppath.resolve(ppath.dirname(link), xfs.readlinkSync(link)));
  if (file.startsWith(`..`) || ppath.isAbsolute(file))
    return {package: null, file: npath.fromPortablePath(file), declares: false};
  for (let folder = ppath.dirname(file); ; folder = ppath.dirname(folder)) {
    const locator = owners.get(folder) ?? (folder === `.` ? owners.get(``) : undefined);
    if (locator === undefined) {
      if (folder === `.`)
        break;
      continue;
    }
    const parsed = structUtils.tryParseLocator(locator, true);
    const stored = parsed === null ? undefined : project.storedPackages.get(parsed.locatorHash) ?? project.storedPackages.get(structUtils.devirtualizeLocator(parsed).locatorHash);
    const pkg = stored === undefined ? undefined : graph.original(stored);
    const inside = ppath.relative(folder, file);
    const declares = pkg?.bin instanceof Map && [...pkg.bin].some(([bin, path]) => bin === name && binPath(path) === inside);
    return {package: pkg === undefined ? locator : structUtils.prettyLocator(project.configuration, pkg), file: inside, declares};
  }
  return {package: null, file: npath.fromPortablePath(file), declares: false};
}

/** A folder's entries (no links followed), or none when it does not exist. */
function readdirIfPresent(folder: PortablePath) {
  try {
    return xfs.readdirSync(folder, {withFileTypes: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT` || (error as NodeJS.ErrnoException).code === `ENOTDIR`)
      return [];
    throw error;
  }
}

/** Every bin the project's packages declare (their registry manifests, as Yarn resolved them) and its workspaces. */
function declaredBinNames(project: Project, graph: ProjectGraph): Set<string> {
  const names = new Set(graph.everyBin().keys());
  for (const workspace of project.workspaces)
    for (const name of workspace.manifest.bin.keys())
      names.add(name);
  return names;
}
