/** What the checksum checks learn during one install or trust command: verified downloads, pins, registry records. */

import type {Locator, Project} from '@yarnpkg/core';

import type {ArchiveHashes} from './archiveHashes';
import {projectState} from '../../core/yarn/projectState';
import type {LoadedPins} from '../../core/yarn/pinsStore';
import type {CachedArchiveDownload} from './archives';
import type {DownloadIndex, SettledRecord} from './downloads';

/** A tarball that this process downloaded and verified. */
export interface VerifiedDownload {
  key: string;
  integrity: string;
  pkg: Locator;
  /** Yarn's archive checksum, when it was computed from the verified bytes. */
  archiveChecksum?: string;
}

export interface ChecksumContext {
  project: Project;
  pins?: LoadedPins;
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
  registryRecords: Map<string, Promise<SettledRecord>>;
  /** URL → package, built by the network hook from the project's packages. */
  downloadIndex?: DownloadIndex;
  /** Tarball URLs that dependency edges named during this resolution, with their names. */
  sourceUrls: Map<string, Locator>;
}

const checksumState = projectState<ChecksumContext>(`checksums`, project => ({
  project,
  verified: new Map(),
  registryRecords: new Map(),
  sourceUrls: new Map(),
}));

export const contextOf = checksumState.of;
export const existingContextOf = checksumState.existing;
/** The network hook only sees the configuration of the project it works for. */
export const contextForConfiguration = checksumState.ofConfiguration;
