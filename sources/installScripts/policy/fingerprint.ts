/**
 * Fingerprint of what a package runs at install time.
 *
 * An approval in the trust file is bound to this fingerprint, not to the
 * package name: a later release that keeps the name but changes a lifecycle
 * command, the content of a file that command executes, or a package.json
 * field that decides which file Node loads, produces a different fingerprint
 * and has to be approved again.
 *
 * The module is pure on purpose. File access is injected through
 * `PackageFiles`, so the same code fingerprints a package from a zip archive,
 * a directory, or an in-memory fixture, and so it can be tested exhaustively.
 * The pieces live in `./fingerprint/`: shell words, JavaScript references,
 * Node's resolution, GYP files, and the collector that ties them together.
 */

import {InstallCollector} from './fingerprint/collector';
import {isPlainObject, ownString} from './fingerprint/records';
import {INSTALL_EVENTS, type AnalysisEntry, type FingerprintDiff, type FingerprintLimits, type InstallAnalysis, type InstallEvent, type InstallFingerprint, type PackageFiles} from './fingerprint/types';

export {INSTALL_EVENTS};
export {isBuildOutput} from './fingerprint/tables';
export {INLINE_COMMAND} from './fingerprint/packageManagers';
export {shellQuoted} from './fingerprint/shell';
export type {AnalysisEntry, FingerprintDiff, FingerprintLimits, InstallAnalysis, InstallEvent, InstallFingerprint, PackageFiles};

const IMPLICIT_NODE_GYP = `node-gyp rebuild`;

// Measured by following the entry of real packages that install code loads
// (2026-12): es-abstract 1.24 reaches 2,439 files (2.2 MiB), rxjs 7.8 669,
// nx 21 402, eslint 8 367, @aws-sdk/core 79; typescript 5.8 reaches 11 MiB in
// 100 files, one prebuilt nx binary is 12.4 MiB. The limits leave twice that
// headroom and still stop a pathological archive before it costs minutes.
const DEFAULT_MAX_FILES = 5_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_LOOKUPS = 100_000;

/**
 * True only when a package manifest (its raw text) certainly runs nothing at
 * install time: it parses as an object, names none of the install events
 * among its scripts, and there is no binding.gyp. Anything unusual (a BOM,
 * invalid JSON, odd types) answers false, so that the caller reads the
 * package the slow, exact way.
 */
export function certainlyRunsNothing(manifestText: string, hasBindingGyp: boolean): boolean {
  if (hasBindingGyp)
    return false;
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    if (error instanceof SyntaxError)
      return false;
    throw error;
  }
  if (typeof manifest !== `object` || manifest === null || Array.isArray(manifest))
    return false;
  if (!Object.prototype.hasOwnProperty.call(manifest, `scripts`))
    return true;
  const scripts = (manifest as {scripts: unknown}).scripts;
  if (scripts === null)
    return true;
  if (typeof scripts !== `object` || Array.isArray(scripts))
    return false;
  return INSTALL_EVENTS.every(event => !Object.prototype.hasOwnProperty.call(scripts, event));
}

export function installCommands(manifestScripts: Record<string, string>, hasBindingGyp: boolean): {commands: Partial<Record<InstallEvent, string>>, implicitNodeGyp: boolean} {
  const commands: Partial<Record<InstallEvent, string>> = {};
  for (const event of INSTALL_EVENTS) {
    const command = ownString(manifestScripts, event);
    if (command !== undefined) {
      commands[event] = command;
    }
  }

  // Mirrors plugin-pnp's extractBuildRequest: any `install` entry (even an
  // empty one) suppresses the implicit build.
  const implicitNodeGyp = hasBindingGyp && commands.install === undefined;
  if (implicitNodeGyp)
    commands.install = IMPLICIT_NODE_GYP;

  return {commands, implicitNodeGyp};
}

function readLimit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined)
    return fallback;
  if (typeof value !== `number` || !(Number.isInteger(value) || value === Infinity) || value < 0)
    throw new RangeError(`Install fingerprint: ${name} must be a non-negative integer`);
  return value;
}

/** Where a workspace's analysis stands in the project (see InstallCollector's input); empty for a dependency. */
export interface WorkspacePlace {
  workspaceFolders?: ReadonlyArray<string>;
  projectFolder?: string;
}

/** How a copy on disk was laid out by the linker (see the collector's `archiveNodeModules`). */
export interface DiskPlace {
  archiveNodeModules?: boolean;
}

function collectorFor(manifestScripts: Record<string, string>, manifest: Record<string, unknown>, files: PackageFiles, limits: FingerprintLimits = {}, bindEveryFile = false, onDisk = false, {workspaceFolders = [], projectFolder, archiveNodeModules = false}: WorkspacePlace & DiskPlace = {}): InstallCollector {
  if (!isPlainObject(manifest))
    throw new TypeError(`Install fingerprint: the manifest must be an object`);
  return new InstallCollector({
    manifestScripts,
    manifest,
    files,
    maxFiles: readLimit(limits.maxFiles, DEFAULT_MAX_FILES, `maxFiles`),
    maxBytes: readLimit(limits.maxBytes, DEFAULT_MAX_BYTES, `maxBytes`),
    maxLookups: readLimit(limits.maxLookups, DEFAULT_MAX_LOOKUPS, `maxLookups`),
    bindEveryFile,
    onDisk,
    archiveNodeModules,
    workspaceFolders,
    ...projectFolder !== undefined ? {projectFolder} : {},
  });
}

/**
 * What a package runs at install time: the fingerprint, plus the bare
 * modules and commands that reach outside the package (for the caller to
 * resolve across packages) and what could not be resolved statically.
 * `manifest` is the package's parsed root package.json. With `everyFile`
 * (what a dependency's approval binds), the fingerprint holds every file of
 * the package, and `runs` the files the scan followed; without it, only
 * those (a workspace's own scripts, and the scan's tests).
 */
export function analyzeInstall(input: {commands: Partial<Record<InstallEvent, string>>, manifestScripts: Record<string, string>, manifest: Record<string, unknown>, files: PackageFiles, limits?: FingerprintLimits, everyFile?: boolean, onDisk?: boolean} & WorkspacePlace & DiskPlace): InstallAnalysis {
  return collectorFor(input.manifestScripts, input.manifest, input.files, input.limits, input.everyFile, input.onDisk, input).analyseInstall(input.commands);
}

/**
 * What the named scripts of a package's manifest run: the scripts of a
 * workspace that another workspace's install script starts through
 * `yarn workspace <name> run <script>`.
 */
export function analyzeScripts(input: {scripts: ReadonlyArray<string>, manifest: Record<string, unknown>, manifestScripts: Record<string, string>, files: PackageFiles, limits?: FingerprintLimits} & WorkspacePlace): InstallAnalysis {
  return collectorFor(input.manifestScripts, input.manifest, input.files, input.limits, false, false, input).analyseScripts(input.scripts);
}

/**
 * What a dependency runs when another package's install code reaches it: a
 * module required by name (`.` or `./sub`, through `exports` when the package
 * has one) or a bin file. The result has no scripts.
 */
export function analyzeEntries(input: {entries: Array<AnalysisEntry>, manifest: Record<string, unknown>, files: PackageFiles, limits?: FingerprintLimits, everyFile?: boolean, onDisk?: boolean} & WorkspacePlace & DiskPlace): InstallAnalysis {
  return collectorFor({}, input.manifest, input.files, input.limits, input.everyFile, input.onDisk, input).analyseEntries(input.entries);
}

export function computeFingerprint(input: {commands: Partial<Record<InstallEvent, string>>, manifestScripts: Record<string, string>, manifest?: Record<string, unknown>, files: PackageFiles, limits?: FingerprintLimits}): InstallFingerprint {
  return analyzeInstall({...input, manifest: input.manifest ?? {scripts: input.manifestScripts}}).fingerprint;
}

function ownEntries(record: Record<string, string>): Map<string, string> {
  const entries = new Map<string, string>();
  for (const key of Object.keys(record))
    entries.set(key, record[key]);
  return entries;
}

function sortedUnion(a: Map<string, string>, b: Map<string, string>): Array<string> {
  return [...new Set([...a.keys(), ...b.keys()])].sort();
}

export function diffFingerprints(before: InstallFingerprint, after: InstallFingerprint): FingerprintDiff {
  // Maps keyed by own keys: a trust file parsed with JSON.parse may carry a
  // `__proto__` entry, which must compare like any other name.
  const scriptsBefore = ownEntries(before.scripts);
  const scriptsAfter = ownEntries(after.scripts);
  const scripts: FingerprintDiff[`scripts`] = [];
  for (const name of sortedUnion(scriptsBefore, scriptsAfter)) {
    const was = scriptsBefore.get(name);
    const now = scriptsAfter.get(name);
    if (was === now)
      continue;

    const entry: FingerprintDiff[`scripts`][number] = {name};
    if (was !== undefined)
      entry.before = was;
    if (now !== undefined)
      entry.after = now;
    scripts.push(entry);
  }

  const filesBefore = ownEntries(before.files);
  const filesAfter = ownEntries(after.files);
  const files: FingerprintDiff[`files`] = {added: [], removed: [], changed: []};
  for (const path of sortedUnion(filesBefore, filesAfter)) {
    const was = filesBefore.get(path);
    const now = filesAfter.get(path);
    if (was === undefined) {
      files.added.push(path);
    } else if (now === undefined) {
      files.removed.push(path);
    } else if (was !== now) {
      files.changed.push(path);
    }
  }

  const same = scripts.length === 0 && files.added.length === 0 && files.removed.length === 0 && files.changed.length === 0;
  return {same, scripts, files};
}

export function sameFingerprint(a: InstallFingerprint, b: InstallFingerprint): boolean {
  return diffFingerprints(a, b).same;
}
