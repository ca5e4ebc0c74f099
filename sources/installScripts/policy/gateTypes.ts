/**
 * The script gate's vocabulary, shared by its decision (scriptGate.ts) and
 * the views built on its findings (install roots, migration, adoption).
 */

import type {AnalysisEntry, FingerprintDiff, InstallFingerprint} from './fingerprint';
import type {Approval, Denial} from '../../core/policy/trustFile/types';

/** A package whose own install script starts a chain of code that other install code runs. */
export interface InstallRoot {
  /** The root's name (a package with install scripts), or null for a workspace's own script. */
  name: string | null;
  locator: string;
}

/** A package of the project that runs something at install time, as plain data. */
export interface ScriptedPackage {
  /** Stable identity chosen by the caller (the glue uses the locator hash). */
  id: string;
  /** The name from the resolution — never from the package's own package.json. */
  name: string;
  version: string;
  /** What runs, or why it could not be determined (then the package is refused). */
  fingerprint: InstallFingerprint | {error: string};
  /**
   * The files of the fingerprint its install code is known to run (what the
   * scan followed); the fingerprint binds every other file of the package
   * too. Absent: not known (every file shown as run).
   */
  runs?: Array<string>;
  /**
   * What the gate took its install code to reach outside the package (see
   * `reachDigest`), for the backstop to compare with the copy on disk: a
   * damaged or planted profile cache must not hide a dependency.
   */
  reachDigest?: string;
  /** For code other install code runs: the entries it was analysed from, and the digest of what they reach. */
  entries?: Array<AnalysisEntry>;
  entriesReachDigest?: string;
  /** True when the install step is Yarn's implicit `node-gyp rebuild` for a `binding.gyp`. */
  implicitNodeGyp: boolean;
  /** The root manifest's `dependenciesMeta[name|name@version].built`, as Yarn resolves it. */
  built: boolean | undefined;
  /**
   * False when the package runs no install script of its own and is here only
   * because the install code of other packages runs its code (a required
   * dependency, a bin on their PATH). Absent means true.
   */
  ownScripts?: boolean;
  /**
   * The packages whose install code reaches this one (their id and locator),
   * and how (`require('detect-libc')`); `workspace` when it is the install
   * script of one of the project's workspaces, which always runs; `as`, the
   * name Node looks it up by (an alias's key) when it is reached by name.
   */
  reachedFrom?: Array<{id: string, locator: string, via: string, workspace?: boolean, as?: string}>;
  /** System tools (`node`, `sh`…) that a bin of this package replaces on another package's PATH. */
  shadows?: Array<string>;
  /** What its install code does that cannot be followed statically: stated limits of an approval. */
  unresolved?: Array<string>;
}

export interface GateSettings {
  /** Yarn's `enableScripts`: when true, Yarn builds every package not marked `built: false`. */
  enableScripts: boolean;
  /**
   * False only where no trust file can exist (the throwaway project of
   * `yarn dlx`): unreviewed packages are then left to Yarn, which skips their
   * scripts, and refused only if Yarn would run them.
   */
  refuseUnreviewed?: boolean;
}

export type TrustState = `approved` | `denied` | `pending` | `changed` | `undecidable`;

/** Places where Yarn's own settings disagree with the trust file. */
export type SettingConflict =
  /** `dependenciesMeta.<name>.built: true` without a matching approval. */
  | `built-without-approval`
  /**
   * `built: true` of a package approved before whose install code changed
   * since: the flag is the one `yarn trust approve` wrote for the earlier
   * approval, not a setting of the user's.
   */
  | `built-from-earlier-approval`
  /** `enableScripts: true` would run a package the trust file does not approve. */
  | `scripts-enabled-without-approval`
  /** Denied in the trust file, yet Yarn would build it (no `built: false`). */
  | `denied-but-built`
  /** Approved, yet Yarn will skip it (neither `built: true` nor `enableScripts`). */
  | `approved-but-skipped`
  /** Denied in the trust file, yet the install code of another package runs its code. */
  | `denied-but-reached`;

export interface GateFinding {
  pkg: ScriptedPackage;
  state: TrustState;
  /** The approval that matches (approved) or the one the package drifted from (changed). */
  approval: Approval | null;
  denial: Denial | null;
  diff: FingerprintDiff | null;
  /** Why the fingerprint could not be computed (undecidable). */
  error: string | null;
  conflicts: SettingConflict[];
  /** `error` stops the install; `warning` is printed; `ok` is silent. */
  severity: `ok` | `warning` | `error`;
  /** The command that resolves this finding, when one exists. */
  fix: string | null;
  /**
   * Refused code that only other packages run: the packages whose own install
   * script starts its chains (the ones to deny, or to approve with it).
   */
  roots?: InstallRoot[];
  /** How many refused packages `yarn trust approve <roots>` approves at once, this one included. */
  refusedWithRoots?: number;
}
