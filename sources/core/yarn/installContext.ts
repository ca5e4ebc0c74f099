import type {Configuration, Locator, Project} from '@yarnpkg/core';

import type {ArchiveHashes} from './archiveHashes';
import type {CachedArchiveDownload} from '../../checksums/yarn/archives';
import type {ScriptGateResult} from '../../installScripts/yarn/gate';
import type {LoadedPins} from './pinsStore';
import type {LoadedTrustFile} from './trustFileStore';

/** A tarball that this process downloaded and verified. */
export interface VerifiedDownload {
  key: string;
  integrity: string;
  pkg: Locator;
  /** Yarn's archive checksum, when it was computed from the verified bytes. */
  archiveChecksum?: string;
}

/**
 * What one install (or one trust command) learns along the way. Yarn's hooks
 * get a Project or only a Configuration, so the state is reachable from both.
 */
export interface InstallContext {
  project: Project;
  trustFile?: LoadedTrustFile;
  pins?: LoadedPins;
  gate?: ScriptGateResult;
  /** Pin key → the download verified for it during this process. */
  verified: Map<string, VerifiedDownload>;
  /** Whether the pins file was already written for this install. */
  pinsWritten?: boolean;
  /** Cached archives to download and verify again, found before resolution; `done` once started. */
  cachedArchiveDownloads?: {downloads: CachedArchiveDownload[]; done?: Promise<void>};
  /** Whether every archive taken from a cache was vouched for in this install. */
  archivesVouched?: boolean;
  /** Hashes of cached archives, remembered across installs by file identity (loaded once). */
  archiveHashes?: Promise<ArchiveHashes>;
  /** Ask the registry even for pinned packages (`yarn trust verify`). */
  alwaysAskRegistry?: boolean;
  /** Registry records (integrity, tarball URL) asked in this process, by pin key. */
  registryRecords?: Map<string, unknown>;
  /** URL → package, built by the network hook from the project's packages. */
  downloadIndex?: unknown;
  /** Tarball URLs that dependency edges named during this resolution, with their names. */
  sourceUrls: Map<string, Locator>;
  /** Internal names and their registries (policy/confusion's model), built once per project. */
  internalModel?: unknown;
  /** The plugin's own collision probes, allowed to the public registry without credentials. */
  probeUrls?: Set<string>;
  /** Collision probes of this process, by name: each name is asked once per process. */
  probes?: Map<string, Promise<import('../../confusion/policy/confusion').ProbeResult>>;
  /** The last pending write of the probe cache: writes are chained so none is lost. */
  probeCacheUpdate?: Promise<void>;
}

/**
 * Yarn may evaluate a plugin twice in one process — once for the CLI's
 * commands, once more for the configuration a command loads — so module-level
 * state is not shared between a command and the hooks it triggers. The state
 * therefore lives on Yarn's own objects, under a process-wide symbol.
 */
const CONTEXT = Symbol.for(`yarn-plugin-trust/install-context`);

interface Carrier {
  [CONTEXT]?: InstallContext;
}

export function contextOf(project: Project): InstallContext {
  const existing = existingContextOf(project);
  if (typeof existing !== `undefined`)
    return existing;
  const context: InstallContext = {project, verified: new Map(), sourceUrls: new Map()};
  (project as Carrier)[CONTEXT] = context;
  (project.configuration as Carrier)[CONTEXT] = context;
  return context;
}

export function existingContextOf(project: Project): InstallContext | undefined {
  return (project as Carrier)[CONTEXT];
}

/** The network hook only sees the configuration of the project it works for. */
export function contextForConfiguration(configuration: Configuration): InstallContext | undefined {
  return (configuration as Carrier)[CONTEXT];
}
