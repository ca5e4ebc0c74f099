/** What the checksum checks learn during one install or trust command: verified downloads, pins, registry records. */

import type {Locator, Project} from '@yarnpkg/core';
import type {PortablePath} from '@yarnpkg/fslib';

import {projectState} from '../../core/yarn/projectState';
import type {RecordFacts, RecordStage} from '../../core/yarn/recordFacts';
import type {LoadedPins} from '../../core/yarn/pinsStore';

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
  cachedArchiveDownloads?: {downloads: CachedArchiveDownload[], done?: Promise<void>, verified?: boolean};
  /** Whether every archive taken from a cache was vouched for in this install. */
  archivesVouched?: boolean;
  /** Set while archives already linked into node_modules are vouched for, or other platforms' packages pinned. */
  recordStage?: RecordStage;
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

/** A cached archive that only a verified download of its tarball can vouch for. */
export interface CachedArchiveDownload {
  pkg: Locator;
  key: string;
  files: PortablePath[];
  hashes: string[];
}

/** The package a download belongs to, and how it must be judged. */
export interface ExpectedDownload {
  pkg: Locator;
  /** Pin key: `name@version` for registry packages, so that it survives a regenerated lockfile. */
  key: string;
  /** The version asked of the registry (registry packages only). */
  version: string | null;
  /** Registry packages are checked against their registry's record; other sources are pinned on first sight. */
  registry: string | null;
  /** URLs acceptable without asking the registry. */
  conventionalUrls: string[];
  /** Another package that claims the same URL: the download is refused. */
  conflict?: string;
}

export type RegistryRecord = {integrity: string | null, shasum: string | null, tarball: string | null};

/**
 * Judges the registry's record of one release (its whole version document)
 * before its tarball is trusted: throws a ReportError to refuse it. Other
 * checks (release trust) register theirs; this check does not know them.
 */
export type RecordJudge = (project: Project, pkg: Locator, version: string, document: unknown, facts: RecordFacts) => Promise<void>;

const recordJudges: Array<RecordJudge> = [];

export function judgeRegistryRecordsWith(judge: RecordJudge) {
  if (!recordJudges.includes(judge)) {
    recordJudges.push(judge);
  }
}

export function registryRecordJudges(): ReadonlyArray<RecordJudge> {
  return recordJudges;
}

export type SettledRecord = {ok: true, record: RegistryRecord} | {ok: false, error: unknown};

/** The project's tarball URLs, rebuilt when resolution added packages. */
export interface DownloadIndex {
  size: number;
  byUrl: Map<string, ExpectedDownload>;
}
