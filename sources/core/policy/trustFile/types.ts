/**
 * The committed trust file, `yarn-trust.json`: what reviewers approved or
 * denied, per package, and which internal names they acknowledged as also
 * existing on a public registry (collisions). Parsing is strict because a
 * file that is read differently by a person and by the tool is worse than no
 * file; writing is canonical so that two people recording the same decisions
 * produce the same bytes, and diffs in review show decisions, not reordering.
 */

import type {Pos} from '../jsonTree';

export const TRUST_FILE_VERSION = 1;

/** What an approval is bound to: the install-script gate computes it (installScripts/policy/fingerprint). */
export interface InstallFingerprint {
  /** Script name -> command text, for the install events that run and every script they invoke. */
  scripts: Record<string, string>;
  /**
   * Package-relative path -> 'sha512-<base64>'. Besides files, `package.json#<field>`
   * keys record the root manifest fields that module resolution consulted.
   */
  files: Record<string, string>;
}

export interface Approval extends InstallFingerprint {
  version: string;
  approvedAt: string;
  reason?: string;
}

export interface Denial {
  deniedAt: string;
  reason?: string;
}

export type PackageTrust = {approvals: Array<Approval>} | {denied: Denial};

/**
 * An internal package name that also exists on a public registry, accepted by
 * a reviewer (typically because the organization owns the public name too).
 */
export interface CollisionAcknowledgement {
  acknowledgedAt: string;
  reason?: string;
  /**
   * Where the collision was seen, as written (absolute `https:`/`http:`, no
   * userinfo, query or fragment). Not normalized here: compare registries
   * after normalizing both sides.
   */
  publicRegistry: string;
}

/** One reviewed commit of a git dependency's repository. */
export interface GitCommitApproval {
  commit: string;
  approvedAt: string;
  reason?: string;
}

/** Repository URL, as Yarn's git fetcher normalizes it → the commits reviewed. */
export type GitDependencyTrust = Record<string, {approvals: Array<GitCommitApproval>}>;

// The `releases` section (see releases.ts).

/** A finding about a name: the same for every version of it. */
export const NAME_FINDINGS = [`typosquat`, `new-name`] as const;
/** A finding about one release. */
export const RELEASE_FINDINGS = [`trust-downgrade`, `new-bin`, `signature`, `known-malware`] as const;
export const FINDING_KINDS: ReadonlyArray<ReleaseFindingKind> = [...NAME_FINDINGS, ...RELEASE_FINDINGS];

export type ReleaseFindingKind = typeof NAME_FINDINGS[number] | typeof RELEASE_FINDINGS[number];

export interface ReleaseAllowance {
  /** The one version accepted; absent: every version (name findings only). */
  version?: string;
  /** The kinds of finding accepted, sorted, no duplicates. */
  findings: Array<ReleaseFindingKind>;
  allowedAt: string;
  reason: string;
}

export interface TrustFile {
  version: 1;
  packages: Record<string, PackageTrust>;
  /** Keyed by package name; optional in the file (absent means none), always present here. */
  collisions: Record<string, CollisionAcknowledgement>;
  /** Optional in the file and here (absent means none): see gitDependenciesOf. */
  gitDependencies?: GitDependencyTrust;
  /** Optional in the file and here (absent means none): see releasesOf. */
  releases?: Record<string, Array<ReleaseAllowance>>;
}

export class TrustFileError extends Error {
  override readonly name = `TrustFileError`;
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The message without the `file:line:column: ` prefix. */
  readonly reason: string;

  constructor(file: string, reason: string, pos?: Pos) {
    super(pos !== undefined ? `${file}:${pos.line}:${pos.column}: ${reason}` : `${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
    if (pos !== undefined) {
      this.line = pos.line;
      this.column = pos.column;
    }
  }
}

/** The events that run at install time; an approval exists to allow one of them. */
export const LIFECYCLE_SCRIPTS = [`preinstall`, `install`, `postinstall`];
export const LIFECYCLE_RANK = new Map(LIFECYCLE_SCRIPTS.map((name, rank) => [name, rank]));

export const INTEGRITY = /^sha512-[A-Za-z0-9+/]+={0,2}$/;
export const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{3})?Z$/;
export const NAME_PART = /^[a-z0-9~-][a-z0-9._~-]*$/;
export const MAX_NAME_LENGTH = 214;

/** Where `serializeTrustFile` says the problem is when it refuses invalid data. */
export const SERIALIZED_LABEL = `(trust file being written)`;

export function emptyTrustFile(): TrustFile {
  return {version: TRUST_FILE_VERSION, packages: {}, collisions: {}};
}

/**
 * The acknowledgements of `trust`. The type requires the record, but objects
 * built before it existed (plain JavaScript, casts) may lack it at run time;
 * they are read as having none rather than crashing a write.
 */
export function collisionsOf(trust: TrustFile): Record<string, CollisionAcknowledgement> {
  return (trust.collisions as TrustFile[`collisions`] | undefined) ?? {};
}

/** Own data property, so that keys such as "__proto__" stay plain keys. */
export function setKey<T>(record: Record<string, T>, key: string, value: T) {
  Object.defineProperty(record, key, {value, enumerable: true, writable: true, configurable: true});
}

/** The approved git dependencies of `trust`; own keys only. */
export function gitDependenciesOf(trust: TrustFile): GitDependencyTrust {
  return trust.gitDependencies ?? {};
}

/** The allowances of `trust`; own keys only. */
export function releasesOf(trust: TrustFile): Record<string, Array<ReleaseAllowance>> {
  return trust.releases ?? {};
}

export function isNameFinding(kind: ReleaseFindingKind): boolean {
  return (NAME_FINDINGS as ReadonlyArray<string>).includes(kind);
}
