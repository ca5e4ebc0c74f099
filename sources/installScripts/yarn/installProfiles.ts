/**
 * What each package of the project runs at install time, read from the cache
 * (or its registry) and remembered between installs.
 */

import {realpathSync} from 'node:fs';
import {posix} from 'node:path';

import {
  Cache, type FetchOptions, LinkType, MessageName, type Package, type Project, type Workspace, ReportError, ThrowReport, structUtils,
} from '@yarnpkg/core';
import {type FakeFS, type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';
import {npmHttpUtils} from '@yarnpkg/plugin-npm';

import {INLINE_COMMAND, certainlyRunsNothing, installCommands, shellQuoted, type WorkspacePlace} from '../policy/fingerprint';
import {registryManifestMayRunScripts} from '../policy/registryManifest';
import {laterExpansion, projectRelativePaths} from '../policy/environmentPaths';
import type {ScriptedPackage} from '../policy/scriptGate';
import {identityOf, localCachePath, pluginFileIdentity} from '../../core/yarn/localFiles';
import {summarizeArchiveFile} from './archiveManifest';
import {writeFileAtomic} from '../../core/yarn/atomicWrite';
import {projectCache} from '../../core/yarn/projectCache';
import {projectState} from '../../core/yarn/projectState';
import {namingPackage} from '../../core/yarn/namedRefusals';
import {followInstallCode, mergeFingerprints, ownFolderOf, withPathEntries, type ReachedUnit} from './installClosure';
import {npmSelectorOf} from '../../core/yarn/packageKeys';
import {dependencyPaths, originalPackage} from '../../core/yarn/dependencyPaths';
import {reachDigest, readEntriesProfile, readInstallProfile, readScriptsProfile, type EntriesProfile, type InstallProfile, type Reaches} from './packageFiles';

export interface ProjectScripts {
  packages: ScriptedPackage[];
  /** Original (devirtualized) package of each `ScriptedPackage.id`. */
  locators: Map<string, Package>;
  /** Dependency chain from a workspace to each package, as packages; null when unreachable. Computed when first read. */
  readonly paths: Map<string, Package[] | null>;
  /** Packages missing from the cache that were judged by their registry's manifest, not read (`uncached: 'ask-registry'`). */
  judgedByRegistry: Package[];
  /** What the install scripts of the project's workspaces do that the gate cannot follow, by workspace locator. */
  workspaceLimits: Map<string, string[]>;
}

export interface CollectOptions {
  cache?: Cache;
  /**
   * Packages missing from Yarn's cache: `fetch` downloads every one (what the
   * install gate needs); `ask-registry` first asks the registry for the
   * version's manifest and downloads only those that may run install scripts
   * (a report in a fresh clone: a few archives instead of the whole tree).
   */
  uncached?: `fetch` | `ask-registry`;
  /**
   * Packages whose install code is not followed into other packages: those
   * denied by name, whose scripts never run, so what their code would reach
   * decides nothing (an install skips the work; the gate refuses them the same).
   */
  isDenied?: (pkg: Package) => boolean;
}

/**
 * Turns the project's packages into the plain data the script gate decides on.
 * It mirrors Yarn's own rule for what gets built (a hard-linked, non-workspace
 * package with preinstall/install/postinstall, or a binding.gyp without an
 * install script) so that the gate sees exactly what Yarn would run.
 */
export async function collectProjectScripts(project: Project, {cache, uncached = `fetch`, isDenied = () => false}: CollectOptions = {}): Promise<ProjectScripts> {
  const fetchCache = cache ?? await projectCache(project);
  const fetchOptions = archiveFetchOptions(project, fetchCache);

  const originals = new Map<string, Package>();
  for (const locatorHash of project.accessibleLocators) {
    const pkg = project.storedPackages.get(locatorHash);
    if (typeof pkg === `undefined`)
      continue;
    // Packages of other platforms (disabled locators) are linked from Yarn's
    // mock archive, a bare manifest with no scripts: nothing of theirs runs.
    if (project.disabledLocators.has(locatorHash))
      continue;
    const original = originalPackage(project, pkg);
    if (original.linkType !== LinkType.HARD || project.tryWorkspaceByLocator(original) !== null)
      continue;
    originals.set(original.locatorHash, original);
  }

  const known = await readProfileCache(project);
  const next: ProfileCache = {profiles: new Map(), entries: {}};
  const judgedByRegistry: Package[] = [];
  const readArchive = <T>(pkg: Package, read: (fs: FakeFS<PortablePath>, root: PortablePath) => Promise<T>) => readFromArchive(project, pkg, fetchOptions, read);
  const profiled = await Promise.all([...originals.values()].map(pkg => {
    // A no-op install finds every package in the cache: answer those without a promise.
    const key = recordedProfileKey(project, pkg);
    const profile = key === null ? undefined : known.profiles.get(key);
    if (key !== null && profile !== undefined) {
      remember(key, profile);
      return {pkg, profile};
    }
    return profileOf(pkg);
  }));
  function remember(key: string, profile: InstallProfile | null) {
    // A package that could not be read is read again next time: the failure
    // may be the reader's (fixed by an upgrade), not a fact of the archive.
    if (!(profile !== null && `error` in profile.fingerprint))
      next.profiles.set(key, profile);
  }
  async function profileOf(pkg: Package) {
    const key = await profileKey(project, fetchCache, pkg);
    let profile: InstallProfile | null;
    const remembered = key === null ? undefined : known.profiles.get(key);
    if (remembered !== undefined) {
      profile = remembered;
    } else if (certainlyInert(project, fetchCache, pkg)) {
      profile = null;
    } else if (uncached === `ask-registry` && await registrySaysInert(project, fetchCache, pkg)) {
      // Not a fact about the archive: kept out of the profile cache.
      judgedByRegistry.push(pkg);
      return {pkg, profile: null};
    } else {
      profile = await readArchive(pkg, readInstallProfile);
    }
    if (key !== null)
      remember(key, profile);
    return {pkg, profile};
  }

  const roots = profiled.flatMap(({pkg, profile}) => profile?.reaches === undefined || isDenied(pkg) ? [] : [{pkg, reaches: profile.reaches}]);
  const ownRoots = await workspaceRoots(project);
  roots.push(...ownRoots);
  const {units, rootUnresolved, rootPaths, refusals} = await followInstallCode(project, roots, async (pkg, entries, entriesId) => {
    const ownFolder = ownFolderOf(project, pkg);
    if (ownFolder !== null) {
      const workspace = project.tryWorkspaceByLocator(pkg);
      return readEntriesProfile(xfs, ownFolder, entries, workspace === null ? {workspaceFolders: []} : workspacePlace(project, workspace));
    }
    const archiveKey = await profileKey(project, fetchCache, pkg);
    const key = archiveKey === null ? null : `${archiveKey}\n${entriesId}`;
    const remembered = key !== null && Object.prototype.hasOwnProperty.call(known.entries, key) ? known.entries[key] : undefined;
    const profile = remembered ?? await readArchive(pkg, (fs, root) => readEntriesProfile(fs, root, entries));
    if (key !== null && !(`error` in profile.fingerprint))
      next.entries[key] = profile;
    return profile;
  });
  await writeProfileCache(project, known, next);

  // A workspace reached by install code is followed, never approved: its
  // limits are those of the scripts that reach it, and what reaches it is
  // said where it reaches a package.
  const workspaceChains = new Map<string, string>();
  const ownRootIds = new Set<string>(ownRoots.map(root => root.pkg.locatorHash));
  for (const unit of [...units.values()]) {
    if (unit.workspace !== true)
      continue;
    workspaceChains.set(unit.pkg.locatorHash, [...unit.reachedFrom.values()].map(from => `${from.locator}: ${from.via}`).join(`; `));
    const notFollowed = (unit.profile?.reaches?.workspaceScripts ?? []).map(request => `runs the workspace script ${request} (yarn workspace): not followed from code that install code reaches`);
    const unreadable = unit.profile !== null && `error` in unit.profile.fingerprint ? unit.profile.fingerprint.error : null;
    const limits = unreadable !== null
      ? [`${structUtils.stringifyLocator(unit.pkg)}: the workspace that install code reaches could not be read (${unreadable}): what it runs in dependencies is not followed`]
      : [...unit.unresolved, ...notFollowed].map(line => `${structUtils.stringifyLocator(unit.pkg)}: ${line}`);
    // What would refuse code of the workspace refuses a dependency whose install code reaches it.
    const refused = (refusals.get(unit.pkg.locatorHash) ?? []).map(line => `${structUtils.stringifyLocator(unit.pkg)}: ${line}`);
    // So does code of it that cannot be read (an entry leading out of its
    // folder, a link into node_modules): a dependency's install code would run
    // what is there, bound to no approval (outside round 52, S1).
    const refusedForDependencies = unreadable === null ? refused : [...refused, `${structUtils.stringifyLocator(unit.pkg)}: the project's code that install code reaches could not be read (${unreadable}): what it runs cannot be bound to an approval`];
    for (const root of unit.roots) {
      const own = ownRootIds.has(root);
      rootUnresolved.set(root, [...rootUnresolved.get(root) ?? [], ...limits, ...own ? ownRefusals(refused) : []]);
      if (!own && refusedForDependencies.length > 0)
        refusals.set(root, [...refusals.get(root) ?? [], ...refusedForDependencies]);
    }
    units.delete(unit.pkg.locatorHash);
  }

  const scripted: Array<ScriptedPackage | null> = profiled.map(({pkg, profile}) => {
    if (profile === null)
      return null;
    const described = describePackage(project, pkg, profile);
    described.fingerprint = withPathEntries(described.fingerprint, rootPaths.get(pkg.locatorHash) ?? []);
    described.runs = profile.reaches?.runs;
    described.reachDigest = reachDigest(profile.reaches);
    refuseIfNeeded(described, refusals.get(pkg.locatorHash));
    const unit = units.get(pkg.locatorHash);
    const unresolved = [...rootUnresolved.get(pkg.locatorHash) ?? [], ...unit?.unresolved ?? []];
    if (unresolved.length > 0)
      described.unresolved = [...new Set(unresolved)].sort();
    if (unit !== undefined) {
      // Its own bins or files are also reached by install code (its own or another package's).
      if (unit.profile !== null) {
        described.fingerprint = mergeFingerprints(described.fingerprint, unit.profile.fingerprint);
        described.runs = unionOf(described.runs, unit.profile.reaches?.runs);
        described.entries = [...unit.entries.values()];
        described.entriesReachDigest = reachDigest(unit.profile.reaches);
      }
      describeReach(described, unit, workspaceChains);
      units.delete(pkg.locatorHash);
    }
    return described;
  });
  for (const unit of units.values()) {
    const described: ScriptedPackage = {
      id: unit.pkg.locatorHash,
      name: structUtils.stringifyIdent(unit.pkg),
      version: unit.pkg.version ?? `0.0.0`,
      fingerprint: unit.profile?.fingerprint ?? {error: `its files could not be read`},
      implicitNodeGyp: false,
      built: undefined,
      ownScripts: false,
      runs: unit.profile?.reaches?.runs,
      entries: [...unit.entries.values()],
      entriesReachDigest: reachDigest(unit.profile?.reaches),
    };
    if (unit.unresolved.size > 0)
      described.unresolved = [...unit.unresolved].sort();
    refuseIfNeeded(described, refusals.get(unit.pkg.locatorHash));
    describeReach(described, unit, workspaceChains);
    originals.set(unit.pkg.locatorHash, unit.pkg);
    scripted.push(described);
  }

  const packages = scripted.filter((entry): entry is ScriptedPackage => entry !== null);
  const locators = new Map(packages.map(entry => [entry.id, originals.get(entry.id)!]));
  // Paths only appear in reports: most installs never need them.
  let paths: Map<string, Package[] | null> | undefined;
  return {
    packages,
    locators,
    judgedByRegistry,
    workspaceLimits: new Map(ownRoots.flatMap(({pkg, reaches}) => {
      const limits = [...new Set([...reaches.unresolved, ...rootUnresolved.get(pkg.locatorHash) ?? [], ...ownRefusals(refusals.get(pkg.locatorHash))])].sort();
      return limits.length === 0 ? [] : [[structUtils.stringifyLocator(pkg), limits] as [string, string[]]];
    })),
    get paths() {
      // Packages Yarn never builds (built: false, as yarn trust deny sets it) bring nothing in.
      paths ??= dependencyPaths(project, packages.map(entry => entry.id), new Set(packages.filter(entry => entry.built === false && entry.ownScripts !== false).map(entry => entry.id)));
      return paths;
    },
  };
}

/**
 * The install scripts of the project's own workspaces are the project's code
 * and need no approval, but the code of dependencies they run does: a
 * `postinstall: patch-package` runs whatever the locked patch-package's bin
 * is. Each workspace with install scripts is a starting point of the
 * closure, so that the packages it reaches are approved like those that
 * dependencies' install code reaches. A workspace whose scripts cannot be
 * analysed stops the install: what they run in dependencies is unknown.
 */
async function workspaceRoots(project: Project): Promise<Array<{pkg: Package, reaches: Reaches}>> {
  const roots: Array<{pkg: Package, reaches: Reaches}> = [];
  for (const workspace of project.workspaces) {
    const scripts = Object.fromEntries(workspace.manifest.scripts);
    const hasBindingGyp = xfs.existsSync(ppath.join(workspace.cwd, `binding.gyp` as PortablePath));
    if (Object.keys(installCommands(scripts, hasBindingGyp).commands).length === 0)
      continue;
    const pkg = project.storedPackages.get(workspace.anchoredLocator.locatorHash);
    const profile = await readInstallProfile(xfs, workspace.cwd, {workspace: true, ...workspacePlace(project, workspace)});
    if (pkg === undefined || profile === null)
      continue;
    if (`error` in profile.fingerprint || profile.reaches === undefined) {
      const why = `error` in profile.fingerprint ? profile.fingerprint.error : `nothing was read`;
      throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `${structUtils.prettyWorkspace(project.configuration, workspace)}: the install scripts of this workspace could not be analysed (${why}), so the code of dependencies they run cannot be checked. Simplify what they run (a script that reaches fewer files) and install again`);
    }
    roots.push({pkg, reaches: profile.reaches});
  }
  await withEnvironmentFiles(project, roots);
  return withWorkspaceScripts(project, roots);
}

/**
 * Yarn loads the project's environment files (`injectEnvironmentFiles`,
 * `.env.yarn` unless set otherwise) into every script it runs, a
 * dependency's approved postinstall included: a `NODE_OPTIONS=--require x`
 * or `npm_config_node_options` there preloads x into each of them (outside
 * attack round 18, K1, K17). What Yarn read from them, as it reads them
 * (dotenv's grammar, `${NAME:-default}` expanded against this process's
 * environment, any path: round 19, M7, M8), is followed from the top-level
 * workspace as if it ran `VAR=value … node -e 0`, so the packages it
 * preloads need an approval like any other install-time code.
 */
async function withEnvironmentFiles(project: Project, roots: Array<{pkg: Package, reaches: Reaches}>): Promise<void> {
  const workspace = project.topLevelWorkspace;
  const pkg = project.storedPackages.get(workspace.anchoredLocator.locatorHash);
  const injected = Object.entries(project.configuration.env).filter(([key, value]) => value !== undefined && process.env[key] !== value);
  if (pkg === undefined || injected.length === 0)
    return;
  const name = `Yarn's environment files (injectEnvironmentFiles: ${(project.configuration.get(`injectEnvironmentFiles`) as Array<string>).join(`, `)})`;
  const projectFolder = realPathOf(npath.fromPortablePath(project.cwd));
  const assignments = injected.map(([key, raw]) => {
    const expansion = laterExpansion(raw!);
    if (expansion !== null)
      throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `${name}: ${key}: ${expansion}. Yarn loads it into every install script, dependencies' approved ones included. Nothing was built. Remove it from the files and install again`);
    const relative = projectRelativePaths(raw!, projectFolder, realPathOf);
    if (`error` in relative)
      throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `${name}: ${key}: ${relative.error}. Yarn loads it into every install script, dependencies' approved ones included. Nothing was built. Remove it from the files and install again`);
    const value = relative.value;
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${key}=${shellQuoted(value)}` : shellQuoted(`${key}=${value}`);
  });
  const inline = {[name]: `env ${assignments.join(` `)} node -e 0`};
  const profile = await readScriptsProfile(xfs, workspace.cwd, [name], workspacePlace(project, workspace), inline);
  if (`error` in profile.fingerprint || profile.reaches === undefined) {
    const why = `error` in profile.fingerprint ? profile.fingerprint.error : `nothing was read`;
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `${name}: Yarn loads what they set into every install script, but what it makes run could not be analysed (${why}). Fix the files and install again`);
  }
  // What they set reaches every dependency's approved build, whose approval
  // never saw it: what cannot be followed is refused, not only named
  // (`PATH`, `BASH_ENV`, `npm_config_userconfig` naming other folders: round 19, M18-M20).
  if (profile.reaches.unresolved.length > 0) {
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `${name}: Yarn loads what they set into every install script, dependencies' approved ones included, and the plugin cannot follow all of it:\n${profile.reaches.unresolved.map(line => `  ${line}`).join(`\n`)}\n  Nothing was built. Remove those settings from the files (keep what programs need in your own scripts) and install again`);
  }
  const root = roots.find(known => known.pkg.locatorHash === pkg.locatorHash);
  if (root === undefined)
    roots.push({pkg, reaches: profile.reaches});
  else
    root.reaches = mergeReaches(root.reaches, profile.reaches);
}

/** The real path of an absolute path: links resolved as far as the path exists, the rest appended. */
function realPathOf(path: string): string {
  const missing: Array<string> = [];
  let existing = path;
  for (;;) {
    try {
      return [realpathSync.native(existing), ...missing].join(`/`).replace(/\/{2,}/g, `/`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== `ENOENT` && code !== `ENOTDIR`)
        throw error;
    }
    const parent = posix.dirname(existing);
    if (parent === existing)
      return path;
    missing.unshift(posix.basename(existing));
    existing = parent;
  }
}

/**
 * Adds, as starting points of the closure, the scripts of workspaces that
 * workspaces' install scripts run (`yarn workspace <name> run <script>`,
 * `yarn workspaces foreach … run <script>`), and those they run in turn.
 */
async function withWorkspaceScripts(project: Project, roots: Array<{pkg: Package, reaches: Reaches}>): Promise<Array<{pkg: Package, reaches: Reaches}>> {
  const byName = new Map(project.workspaces.flatMap(workspace => workspace.manifest.name === null ? [] : [[structUtils.stringifyIdent(workspace.manifest.name), workspace] as const]));
  const analysed = new Set<string>();
  const queue = roots.flatMap(root => (root.reaches.workspaceScripts ?? []).map(request => ({from: root, request})));
  while (queue.length > 0) {
    const {from, request} = queue.shift()!;
    // A workspace's name holds no `#`; the script or command after it may.
    const split = request.indexOf(`#`);
    const name = request.slice(0, split);
    const script = request.slice(split + 1);
    // `yarn workspace tools node setup.js`: a command run in the workspace's folder.
    const inline = script.startsWith(INLINE_COMMAND) ? {[`yarn workspace ${name}: ${script.slice(INLINE_COMMAND.length)}`]: script.slice(INLINE_COMMAND.length)} : undefined;
    const scriptName = inline === undefined ? script : Object.keys(inline)[0];
    // `./packages/a`: the workspace in that folder of the requesting one (`cd packages/a && yarn tool`).
    const requester = project.tryWorkspaceByLocator(from.pkg);
    const inFolder = name.startsWith(`./`) && requester !== null ? project.workspaces.find(workspace => workspace.cwd === ppath.resolve(requester.cwd, name as PortablePath)) : undefined;
    const targets = name === `*` ? project.workspaces : inFolder !== undefined ? [inFolder] : byName.has(name) ? [byName.get(name)!] : [];
    if (targets.length === 0) {
      from.reaches.unresolved = [...from.reaches.unresolved, `yarn workspace ${name} runs ${inline === undefined ? script : script.slice(INLINE_COMMAND.length)} in a workspace this project does not have: not followed`];
      continue;
    }
    for (const workspace of targets) {
      const key = `${workspace.anchoredLocator.locatorHash}#${script}`;
      const pkg = project.storedPackages.get(workspace.anchoredLocator.locatorHash);
      if (analysed.has(key) || pkg === undefined || inline === undefined && !workspace.manifest.scripts.has(script))
        continue;
      analysed.add(key);
      const profile = await readScriptsProfile(xfs, workspace.cwd, [scriptName], workspacePlace(project, workspace), inline);
      if (`error` in profile.fingerprint || profile.reaches === undefined) {
        const why = `error` in profile.fingerprint ? profile.fingerprint.error : `nothing was read`;
        throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `${structUtils.prettyWorkspace(project.configuration, workspace)}: its script ${scriptName}, which an install script of the project runs through yarn workspace, could not be analysed (${why}), so the code of dependencies it runs cannot be checked. Simplify what it runs and install again`);
      }
      // One root per workspace: what its install scripts and the scripts run in it reach, together.
      let root = roots.find(known => known.pkg.locatorHash === pkg.locatorHash);
      if (root === undefined)
        roots.push(root = {pkg, reaches: profile.reaches});
      else
        root.reaches = mergeReaches(root.reaches, profile.reaches);
      for (const next of profile.reaches.workspaceScripts ?? [])
        queue.push({from: root, request: next});
    }
  }
  return roots;
}

function unionOf(x: Array<string> | undefined, y: Array<string> | undefined): Array<string> {
  return [...new Set([...x ?? [], ...y ?? []])].sort();
}

function mergeReaches(a: Reaches, b: Reaches): Reaches {
  return {
    runs: unionOf(a.runs, b.runs),
    loadsAnyFile: a.loadsAnyFile === true || b.loadsAnyFile === true,
    modules: unionOf(a.modules, b.modules),
    commands: unionOf(a.commands, b.commands),
    unresolved: unionOf(a.unresolved, b.unresolved),
    packageRoots: unionOf(a.packageRoots, b.packageRoots),
    dependencyFiles: unionOf(a.dependencyFiles, b.dependencyFiles),
    ...a.dependencyGypFiles !== undefined || b.dependencyGypFiles !== undefined ? {dependencyGypFiles: unionOf(a.dependencyGypFiles, b.dependencyGypFiles)} : {},
    workspaceScripts: unionOf(a.workspaceScripts, b.workspaceScripts),
    // A bin that the environment files name (`CC=x`, `GIT_EXTERNAL_DIFF=x`) beside the workspace's own scripts (round 24, M3, M4).
    mentions: unionOf(a.mentions, b.mentions),
    workspaceFiles: unionOf(a.workspaceFiles, b.workspaceFiles),
  };
}

/** Who wants to know the archive checksum of each package the gate had to fetch (see onArchiveFetched). */
const fetchListeners = projectState<Array<(pkg: Package, checksum: string) => void>>(`install-scripts/fetches`, () => []);

/**
 * Calls `listener` with the archive checksum Yarn computed for each package
 * that reading the project's scripts had to fetch: a command that downloads
 * packages to read them can pin them like an install would.
 */
export function onArchiveFetched(project: Project, listener: (pkg: Package, checksum: string) => void) {
  fetchListeners.of(project).push(listener);
}

/**
 * How the gate reads packages through Yarn's fetcher: archives already in the
 * cache are not hashed again (yarn.lock's checksum was checked when they
 * entered it); readFromArchive checks those it fetches.
 */
export function archiveFetchOptions(project: Project, cache: Cache): FetchOptions {
  return {
    project,
    fetcher: project.configuration.makeFetcher(),
    cache,
    checksums: project.storedChecksums,
    report: new ThrowReport(),
    cacheOptions: {
      mockedPackages: project.disabledLocators,
      unstablePackages: project.conditionalLocators,
      skipIntegrityCheck: true,
    },
  };
}

/**
 * Reads a package through Yarn's fetcher. A package missing from the cache is
 * downloaded through the network hook, which verifies it like an install's
 * download, and Yarn checks the archive it builds against yarn.lock's checksum
 * before it enters the cache; the archive's checksum goes to the listeners of
 * onArchiveFetched.
 */
export async function readFromArchive<T>(project: Project, pkg: Package, fetchOptions: FetchOptions, read: (fs: FakeFS<PortablePath>, root: PortablePath) => Promise<T>): Promise<T> {
  const archive = fetchOptions.cache.getLocatorPath(pkg, project.storedChecksums.get(pkg.locatorHash) ?? null);
  const cached = archive !== null && xfs.existsSync(archive);
  // Skipping Yarn's integrity check only saves hashing archives already in the cache.
  const result = await namingPackage(project.configuration, pkg, fetchOptions.fetcher.fetch(pkg, cached ? fetchOptions : {...fetchOptions, cacheOptions: {...fetchOptions.cacheOptions, skipIntegrityCheck: false}}));
  try {
    if (!cached && typeof result.checksum === `string`)
      for (const listener of fetchListeners.existing(project) ?? [])
        listener(pkg, result.checksum);
    return await read(result.packageFs, result.prefixPath);
  } finally {
    result.releaseFs?.();
  }
}

/**
 * For a registry package missing from the cache (and its mirror): true when
 * the manifest its registry publishes for that version names no install
 * script. Asked with Yarn's HTTP client and the package's registry
 * credentials; an unanswered question reads the archive.
 */
async function registrySaysInert(project: Project, cache: Cache, pkg: Package): Promise<boolean> {
  if (!pkg.reference.startsWith(`npm:`))
    return false;
  const archive = cache.getLocatorPath(pkg, project.storedChecksums.get(pkg.locatorHash) ?? null);
  const mirror = cache.getLocatorMirrorPath(pkg);
  if ((archive !== null && xfs.existsSync(archive)) || (mirror !== null && xfs.existsSync(mirror)))
    return false;
  let document: unknown;
  try {
    document = await npmHttpUtils.get(`${npmHttpUtils.getIdentUrl(pkg)}/${encodeURIComponent(npmSelectorOf(pkg.reference))}`, {
      configuration: project.configuration,
      ident: pkg,
      jsonResponse: true,
    });
  } catch (error) {
    // A request refused before it was sent (the plugin's guard of internal
    // names, Yarn's network settings) stops the command; a registry that
    // could not answer only means the archive is read instead.
    if (error instanceof ReportError && error.reportCode === MessageName.NETWORK_DISABLED)
      throw error;
    return false;
  }
  return !registryManifestMayRunScripts(document);
}

/**
 * Most packages run nothing at install time, and telling so needs only their
 * manifest: read it from the archive's zip directory instead of opening the
 * whole archive through Yarn (the difference is most of the gate's time on a
 * cold install). False means "look closer", never "refuse".
 */
function certainlyInert(project: Project, cache: Cache, pkg: Package): boolean {
  if (!pkg.reference.startsWith(`npm:`))
    return false;
  const archive = cache.getLocatorPath(pkg, project.storedChecksums.get(pkg.locatorHash) ?? null);
  if (archive === null)
    return false;
  let summary;
  try {
    summary = summarizeArchiveFile(npath.fromPortablePath(archive), structUtils.getIdentVendorPath(pkg));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return false;
    throw error;
  }
  return summary !== null && summary.manifest !== null && certainlyRunsNothing(summary.manifest.toString(`utf8`), summary.hasBindingGyp);
}

/** Install code that would run what no approval can hold is undecidable, whatever else it runs. */
/**
 * What would refuse a dependency's install code, found in the project's own
 * (a workspace's scripts, or a workspace they reach): never a refusal of the
 * project's own scripts, but never dropped either, a limit line.
 */
function ownRefusals(refusals: string[] | undefined): string[] {
  return (refusals ?? []).map(refusal => `${refusal} (the project's own code: stated, not refused)`);
}

function refuseIfNeeded(described: ScriptedPackage, refusals: string[] | undefined) {
  if (refusals !== undefined && refusals.length > 0 && !(`error` in described.fingerprint))
    described.fingerprint = {error: refusals.join(`; `)};
}

function describeReach(described: ScriptedPackage, unit: ReachedUnit, workspaceChains: ReadonlyMap<string, string>) {
  const reachedFrom = [...unit.reachedFrom].map(([id, {via, locator, workspace, as}]) => {
    // A workspace that install code reached: say what reached it (`app@workspace:. runs it: require('a')`).
    const chain = workspaceChains.get(id);
    const said = chain === undefined || chain === `` ? via : `${via} (reached at install time from ${chain})`;
    return {id, via: said, locator, ...workspace ? {workspace} : {}, ...as !== undefined ? {as} : {}};
  });
  if (reachedFrom.length > 0)
    described.reachedFrom = reachedFrom;
  if (unit.shadows.size > 0)
    described.shadows = [...unit.shadows].sort();
}

function describePackage(project: Project, pkg: Package, profile: InstallProfile): ScriptedPackage {
  return {
    id: pkg.locatorHash,
    name: structUtils.stringifyIdent(pkg),
    version: pkg.version ?? `0.0.0`,
    fingerprint: profile.fingerprint,
    implicitNodeGyp: profile.implicitNodeGyp,
    built: project.getDependencyMeta(pkg, pkg.version).built,
  };
}

/**
 * What each archive runs at install time, keyed by locator and Yarn's archive
 * checksum: an archive with the same checksum has the same files, so a no-op
 * install need not open every archive again. It is only a shortcut — the
 * backstop fingerprints a package again on disk right before any of its
 * scripts runs, so a stale or edited entry cannot let unapproved code run.
 */
interface ProfileCache {
  /** Keyed by locator and archive: what the package's own install scripts run (null: nothing). */
  profiles: Map<string, InstallProfile | null>;
  /** Keyed by locator, archive and entries: what other packages' install code runs of it. */
  entries: Record<string, EntriesProfile>;
}

// 12: every file of a package whose code runs at install time is bound; 13: package.json#all beside #data, documentation bound when a limit is named; 14: documentation and package.json#all always bound; 15: package.json#all without the dependency lists; 16: shorter keys; 17: a name that is no package name, and a file a dependency without exports lacks, are refused; 18: no .cjs/.mjs guessed for a required path, the own name named among the modules, names with quotes or backslashes and loads from another module refused (round 11); 19: files in node_modules folders of the archive bound, npm and Yarn settings that run code followed (rounds 11, 12); 20: mentions, foreign runs, wrappers (round 12).
// 54: TypeScript runners: tsconfig paths, baseUrl, extends and jsxImportSource followed, tsx approvable (round 16, E4).
// 55: subshells keep their cd; yarn workspace X <command>, yarn workspaces foreach <command> and yarn constraints followed (round 16).
// 56: yarn run --require, npm run -w <folder or name> followed (round 16); require((literal)) (round 18).
// 57: TypeScript runners: --tsconfig, -P, TSX_TSCONFIG_PATH, the working folder's tsconfig, entry spellings, node options; baseUrl and paths into node_modules (round 19).
// 58: yarn workspace X run <x> and cd <workspace> && yarn <bin> followed in the workspace, its .env.yarn read; tsx rules for the JavaScript it runs (round 19).
// 59: a TypeScript configuration named by a flag outside the package is refused like one named by a variable.
// 60: a glob in cd's operand matched against the workspaces; tsx's baseUrl into node_modules by an import's path (round 20).
// 61: file: URLs read as the path they name (/proc/self/cwd too); a preload by an absolute path into node_modules not followed (round 20, M12).
// 62: globs whose folder part matches one workspace read as that path, globs through node_modules kept for the packages they match (round 20, M4, M16).
// 63: lists in values split at colons, NODE_OPTIONS at spaces only, tabs dropped from file: URLs, tsx's JSX factory calls, OpenSSL configurations, ${X:+alt}, globs matching several workspaces (round 21).
// 64: OpenSSL providers by absolute paths into node_modules or variables, and V8 startup snapshots, refused (round 21 M7, round 22 M2).
// 65: the system's OpenSSL configuration (an absolute path outside the package) is not named.
// 70: shell scripts and other text programs read for the bins and node_modules files they name (round 26, M4); git's settings, hooks and templates read wherever git finds them (round 27).
// 71: a text program's words read as the shell reads them (quotes removed, escapes undone).
// 72: a workspace's shell scripts read command by command, Python/Perl/Ruby files read as text, hooks of index writes and ref updates, config.worktree and git's value syntax (round 28).
// 73: constant quoting and eval levels in text programs, CDPATH, pipelines and functions in shell scripts, git diff/help hooks (round 29).
// 74: git remote helpers (`zq::x`, insteadOf), constant arithmetic and awk's joined literals (round 30).
// 75: makefiles read for the bins they name, `$()`/`${}` read as empty, every command's text read as the text readings are (round 30 re-run).
// 76: git's credential helpers (`credential.helper = zq` runs git-credential-zq).
// 77: more constant arithmetic, \U escapes, make's $$, awk's limit, git's remote.<r>.vcs, pushInsteadOf, ext:: (round 31).
// 78: make's text functions on literals worked out in makefiles (round 31).
// 79: npm's pre/post scripts in other folders, home folders' files read, man's and make's programs, sed's e (round 32).
// 80: `HOME=$PWD/cfg` read as the script's folder (round 32 re-run).
// 81: toolchain names (ld.gold, x86_64-linux-gnu-gcc, gcc-12) are system tools (round 33).
// 82: what system scripts start by name (getopt, dpkg, objdump) and the rest of coreutils are system tools (round 34).
// 83: what cargo starts by name and other toolchains' drivers are system tools (round 35).
// 89: the uses of child_process, process and environments read from the code's tokens (rounds 62-63).
// 90: the packages whose scripts run nothing kept as one list of keys (read on every install: 2,069 of jest's 2,069).
const PROFILE_CACHE_VERSION = 90;

/**
 * The version a profile cache must carry to be read: the format's, and the
 * identity of the plugin's own file, so that profiles read by another
 * release of the plugin (which may read code otherwise) are read again.
 */
function profileCacheVersion(): string {
  return `${PROFILE_CACHE_VERSION}/${pluginFileIdentity()?.identity ?? `unknown`}`;
}

/** Where the profile cache lives (beside Yarn's install state); refusals a planted cache would cause name it. */
export function profileCachePath(project: Project): PortablePath {
  return localCachePath(project, `yarn-plugin-trust-profiles.json`);
}

async function profileKey(project: Project, cache: Cache, pkg: Package): Promise<string | null> {
  const recorded = recordedProfileKey(project, pkg);
  // Yarn records no checksum for platform-specific packages (esbuild's
  // binaries…): key them by the identity of their cache file.
  if (recorded !== null || !project.conditionalLocators.has(pkg.locatorHash))
    return recorded;
  const archive = cache.getLocatorPath(pkg, null);
  const identity = archive === null ? null : await identityOf(archive).catch(error => {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return null;
    throw error;
  });
  return identity === null ? null : `${pkg.locatorHash.slice(0, 32)}/file:${identity}`;
}

/**
 * The key of a package whose archive checksum yarn.lock records. Keys are read
 * on every install (thousands of packages): 128 bits of the locator hash and
 * of the archive checksum name an archive as surely as the whole hashes, in a
 * quarter of the bytes.
 */
function recordedProfileKey(project: Project, pkg: Package): string | null {
  const checksum = project.storedChecksums.get(pkg.locatorHash);
  return typeof checksum === `string` ? `${pkg.locatorHash.slice(0, 32)}/${checksum.slice(0, checksum.indexOf(`/`) + 33)}` : null;
}

async function readProfileCache(project: Project): Promise<ProfileCache> {
  let text: string;
  try {
    text = xfs.readFileSync(profileCachePath(project), `utf8`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return emptyProfileCache();
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A damaged cache is a cache miss: every archive is read again.
    return emptyProfileCache();
  }
  const data = parsed as {version?: unknown, inert?: unknown, profiles?: unknown, entries?: unknown};
  if (data?.version !== profileCacheVersion() || typeof data.inert !== `string` || typeof data.profiles !== `object` || data.profiles === null || typeof data.entries !== `object` || data.entries === null)
    return emptyProfileCache();
  const profiles = new Map<string, InstallProfile | null>();
  for (const key of data.inert === `` ? [] : data.inert.split(`\n`))
    profiles.set(key, null);
  for (const [key, profile] of Object.entries(data.profiles as Record<string, InstallProfile>))
    profiles.set(key, profile);
  return {profiles, entries: Object.assign(Object.create(null), data.entries)};
}

function emptyProfileCache(): ProfileCache {
  return {profiles: new Map(), entries: Object.create(null)};
}

function sameKeys(a: object, b: object) {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every(key => Object.prototype.hasOwnProperty.call(a, key));
}

async function writeProfileCache(project: Project, known: ProfileCache, next: ProfileCache) {
  if (known.profiles.size === next.profiles.size && [...next.profiles.keys()].every(key => known.profiles.has(key)) && sameKeys(known.entries, next.entries))
    return;
  // Most packages' scripts run nothing: their keys are one string, which is read faster than an object of nulls.
  const inert: Array<string> = [];
  const profiles: Record<string, InstallProfile> = {};
  for (const [key, profile] of next.profiles) {
    if (profile === null)
      inert.push(key);
    else
      profiles[key] = profile;
  }
  const path = profileCachePath(project);
  await xfs.mkdirPromise(ppath.dirname(path), {recursive: true});
  await writeFileAtomic(path, `${JSON.stringify({version: profileCacheVersion(), inert: inert.join(`\n`), profiles, entries: next.entries})}\n`);
}

/**
 * Where a workspace stands in the project: the folders of the other workspaces, relative to its
 * folder, below it (`packages/a` from the root) and around it (`../..` for the root, `../b` for a
 * sibling); and the top-level workspace's folder (``, or `../..`), which `$PROJECT_CWD` names.
 */
function workspacePlace(project: Project, workspace: Workspace): WorkspacePlace {
  return {workspaceFolders: workspaceFoldersAround(project, workspace), projectFolder: ppath.relative(workspace.cwd, project.topLevelWorkspace.cwd)};
}

function workspaceFoldersAround(project: Project, workspace: Workspace): Array<string> {
  const folders: Array<string> = [];
  for (const other of project.workspaces) {
    const relative = ppath.relative(workspace.cwd, other.cwd);
    if (other !== workspace && relative !== `` && !ppath.isAbsolute(relative))
      folders.push(relative);
  }
  return folders;
}
