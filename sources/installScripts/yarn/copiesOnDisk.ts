/**
 * The backstop's check of the copies on disk of the packages whose code an
 * install script runs (see policy/copiesOnDisk.ts): found as Node finds
 * them, every file hashed and compared with the archive the gate judged,
 * and what they reach read again, before the script starts.
 */
import {type Package, type Project, formatUtils, structUtils} from '@yarnpkg/core';
import {type Filename, type PortablePath, ppath, xfs} from '@yarnpkg/fslib';

import {profileCachePath} from './installProfiles';
import {packageFilesOf, reachDigest, readEntriesProfile} from './packageFiles';
import {copyDifference, reachedClosure} from '../policy/copiesOnDisk';
import {hashBytes} from '../policy/fingerprint/records';
import type {GateFinding} from '../policy/gateTypes';

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
 * archives. Under PnP a package Yarn did not unplug is read from its
 * archive in the cache, which Yarn checks itself: only unplugged copies are
 * compared. Null when every copy is what was approved.
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
  const starts = [location];
  const located: Array<{reached: GateFinding, folder: PortablePath}> = [];
  for (let pending = reachedClosure(gate.findings, id), progress = true; pending.length > 0 && progress;) {
    progress = false;
    pending = pending.filter(reached => {
      const folder = starts.map(start => copyOnDisk(project, start, reached.pkg.name, reached.pkg.version)).find(found => found !== null) ?? null;
      if (folder === null)
        return true;
      located.push({reached, folder});
      starts.push(folder);
      progress = true;
      return false;
    });
  }
  for (const {reached, folder} of located) {
    const fingerprint = reached.pkg.fingerprint;
    const key = `${folder}\0${reached.pkg.id}`;
    let differences = checked.get(key);
    if (differences === undefined) {
      try {
        // The gate could not read it (and refused it): nothing on disk can be vouched for.
        if (`error` in fingerprint)
          throw new Error(`the install-time gate could not read it: ${fingerprint.error}`);
        differences = copyDifference(fingerprint, filesOnDisk(folder), {ownScripts: reached.pkg.ownScripts !== false});
        if (differences.length === 0 && reached.pkg.entries !== undefined && reached.pkg.entriesReachDigest !== undefined) {
          // What it reaches in turn, read again from the copy on disk: the
          // profile cache the gate used may have been damaged or planted (C45).
          const again = await readEntriesProfile(xfs, folder, reached.pkg.entries);
          if (reachDigest(again.reaches) !== reached.pkg.entriesReachDigest) {
            differences = [`what its code reaches (${reachDigest(again.reaches)}) is not what the install-time gate judged (${reached.pkg.entriesReachDigest}); the plugin's cache ${ppath.relative(project.cwd, profileCachePath(project))} may be damaged or planted: delete it too`];
          }
        }
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

/** Where Node finds `name` from `location` (the nearest node_modules above it holding that version), or null. */
function copyOnDisk(project: Project, location: PortablePath, name: string, version: string): PortablePath | null {
  if (project.configuration.get(`nodeLinker`) === `pnp`) {
    const unplugged = project.configuration.get(`pnpUnpluggedFolder`) as PortablePath;
    if (!xfs.existsSync(unplugged))
      return null;
    const slug = `${name.replace(`/`, `-`)}-npm-${version}-`;
    for (const entry of xfs.readdirSync(unplugged)) {
      const folder = ppath.join(unplugged, entry, `node_modules` as Filename, name as Filename);
      if (entry.startsWith(slug) && xfs.existsSync(folder))
        return folder;
    }
    return null;
  }
  for (let folder = location; ; folder = ppath.dirname(folder)) {
    const candidate = ppath.join(folder, `node_modules` as Filename, name as Filename);
    const manifest = ppath.join(candidate, `package.json` as Filename);
    if (xfs.existsSync(manifest) && (JSON.parse(xfs.readFileSync(manifest, `utf8`)) as {version?: unknown}).version === version)
      return candidate;
    if (folder === project.cwd || ppath.dirname(folder) === folder)
      return null;
  }
}

/** Every file below a package's folder on disk but its node_modules, hashed; a symbolic link is refused. */
function filesOnDisk(folder: PortablePath): Map<string, string> {
  const files = packageFilesOf(xfs, folder);
  const hashes = new Map<string, string>();
  const walk = (directory: string) => {
    for (const entry of files.list!(directory) ?? []) {
      const path = directory === `` ? entry : `${directory}/${entry}`;
      if (entry.endsWith(`/`)) {
        if (entry !== `node_modules/`)
          walk(path.slice(0, -1));
      } else {
        hashes.set(path, hashBytes(files.read(path)!));
      }
    }
  };
  walk(``);
  return hashes;
}
