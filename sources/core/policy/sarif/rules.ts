/**
 * The SARIF rules of `yarn trust check`: one per kind of finding a check can
 * produce, with the severity code scanning sorts alerts by and the command
 * that fixes it.
 */

export type CheckName = `settings` | `archives` | `pins` | `confusion` | `releases` | `malware` | `packed` | `scripts`;

export type SarifLevel = `error` | `warning` | `note`;

export interface RuleSpec {
  id: string;
  /** PascalCase, as SARIF's `reportingDescriptor.name` suggests. */
  name: string;
  short: string;
  full: string;
  /** How to fix it, ending with the command when there is one. Plain text; the markdown help quotes commands as code. */
  help: string;
  /** The command that fixes it, shown as code in the markdown help (placeholders in angle brackets). */
  fix: string | null;
  /** GitHub's scale: 9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
  securitySeverity: number;
  precision: `very-high` | `high` | `medium` | `low`;
  level: SarifLevel;
  /**
   * Whether the finding concerns one release (its fingerprint includes the
   * version) or the whole name (an alert per name, whatever version is locked).
   */
  perVersion: boolean;
  tags: Array<string>;
}

const SETTING_HELP = `Set it back in .yarnrc.yml, or, if you accept the risk, add the setting to trustAllowInsecureSettings.`;

function setting(kind: string, short: string, full: string, fix: string | null, securitySeverity: number): RuleSpec {
  return {id: `settings/${kind}`, name: `InsecureSetting${kind[0].toUpperCase()}${kind.slice(1)}`, short, full, help: `${SETTING_HELP}${fix !== null ? ` Run: ${fix}` : ``}`, fix, securitySeverity, precision: `very-high`, level: `error`, perVersion: false, tags: [`security`, `configuration`]};
}

function scripts(kind: string, name: string, short: string, full: string, help: string, fix: string | null, securitySeverity: number, level: SarifLevel = `error`): RuleSpec {
  return {id: `scripts/${kind}`, name, short, full, help, fix, securitySeverity, precision: `very-high`, level, perVersion: true, tags: [`security`, `install-scripts`, `supply-chain`]};
}

export const RULES: ReadonlyArray<RuleSpec> = [
  setting(`checksumBehavior`, `checksumBehavior is not throw`, `Yarn accepts or rewrites archives whose checksum differs from yarn.lock instead of stopping the install.`, `yarn config set checksumBehavior throw`, 8.0),
  setting(`enableStrictSsl`, `TLS certificates are not checked`, `With enableStrictSsl: false anyone on the network path can pose as the registry and serve other metadata and tarballs.`, `yarn config set enableStrictSsl true`, 8.0),
  setting(`unsafeHttpWhitelist`, `Plain http allowed to a remote host`, `unsafeHttpWhitelist lists hosts other than loopback: plain http to them can be read and rewritten on the network path, tarballs included.`, null, 7.5),
  setting(`httpRegistry`, `A registry is reached over plain http`, `A registry server configured with an http:// URL on a remote host: metadata and tarballs can be rewritten on the network path.`, null, 7.5),
  setting(`approvedGitRepositories`, `Every git repository is approved`, `A pattern of approvedGitRepositories approves every repository, so any git dependency is packed, running its scripts unreviewed.`, null, 8.0),
  {
    id: `archives/checksum-mismatch`, name: `LockfileChecksumDisagreesWithPin`,
    short: `yarn.lock checksum disagrees with the pin`,
    full: `yarn.lock records an archive checksum other than the one the pins file recorded when the package's tarball was verified against its registry: the lockfile was edited, or a weakened checksumBehavior let Yarn accept another archive.`,
    help: `Restore yarn.lock from version control, then install. Run: git checkout -- yarn.lock`,
    fix: `git checkout -- yarn.lock`, securitySeverity: 9.0, precision: `very-high`, level: `error`, perVersion: true, tags: [`security`, `integrity`, `supply-chain`],
  },
  {
    id: `archives/derived-mismatch`, name: `CachedArchiveNotBuiltFromSources`,
    short: `A patch: or file: archive is not what its sources build`,
    full: `The archive of a patch: package or a file: folder in the cache differs from the one Yarn builds from its base archive and patch, or from the folder: no pin covers such archives, so an edited archive committed with its checksum in yarn.lock would be installed.`,
    help: `Remove the archive from the cache, restore yarn.lock from version control, then install. Run: yarn cache clean`,
    fix: `yarn cache clean`, securitySeverity: 9.0, precision: `very-high`, level: `error`, perVersion: true, tags: [`security`, `integrity`, `supply-chain`],
  },
  {
    id: `pins/unpinned`, name: `PackageWithoutPin`,
    short: `Package of yarn.lock without a pin`,
    full: `The package is in yarn.lock but the pins file records no verified tarball hash for it, so a later change of its archive would go unnoticed.`,
    help: `Install to verify the package against its registry and pin it, then commit the pins file. Run: yarn install`,
    fix: `yarn install`, securitySeverity: 4.0, precision: `very-high`, level: `error`, perVersion: true, tags: [`security`, `integrity`],
  },
  {
    id: `confusion/model`, name: `InternalPackagesMisconfigured`,
    short: `The internal-package settings cannot be read`,
    full: `trustInternalPackages or the registry routes cannot be understood, so which names are internal cannot be decided and dependency confusion is not checked.`,
    help: `Fix trustInternalPackages and the registry settings in .yarnrc.yml as the message says.`,
    fix: null, securitySeverity: 7.0, precision: `very-high`, level: `error`, perVersion: false, tags: [`security`, `dependency-confusion`, `configuration`],
  },
  {
    id: `confusion/route`, name: `InternalNameWithoutRoute`,
    short: `Internal names without an internal registry`,
    full: `Names declared internal would be requested from a public registry: anyone who publishes such a name there would be installed.`,
    help: `Route the scope to your registry with npmScopes (unscoped names: make npmRegistryServer your internal registry).`,
    fix: null, securitySeverity: 8.5, precision: `very-high`, level: `error`, perVersion: false, tags: [`security`, `dependency-confusion`, `configuration`],
  },
  {
    id: `confusion/resolution`, name: `InternalPackageFromOtherHost`,
    short: `Internal package resolved from another host`,
    full: `yarn.lock resolves an internal package from a registry or host other than the internal one: the lockfile was poisoned or written under another configuration.`,
    help: `Restore yarn.lock from version control. Run: git checkout -- yarn.lock`,
    fix: `git checkout -- yarn.lock`, securitySeverity: 9.0, precision: `very-high`, level: `error`, perVersion: false, tags: [`security`, `dependency-confusion`, `supply-chain`],
  },
  {
    id: `confusion/collision`, name: `InternalNameOnPublicRegistry`,
    short: `Internal name also exists on the public registry`,
    full: `The public registry has a package with the name of an internal one: a dependency-confusion attack may be under way.`,
    help: `Check who published the public package. If your company owns the public name, acknowledge it. Run: yarn trust acknowledge <name>`,
    fix: `yarn trust acknowledge <name>`, securitySeverity: 9.0, precision: `high`, level: `error`, perVersion: false, tags: [`security`, `dependency-confusion`, `supply-chain`],
  },
  {
    id: `confusion/not-checked`, name: `CollisionNotChecked`,
    short: `Collisions with the public registry not checked`,
    full: `trustCollisionProbes is false, so whether the public registry has a package of this internal name was not checked.`,
    help: `Enable the probes, or check the public registry by hand. Run: yarn config set trustCollisionProbes true`,
    fix: `yarn config set trustCollisionProbes true`, securitySeverity: 3.0, precision: `very-high`, level: `note`, perVersion: false, tags: [`security`, `dependency-confusion`],
  },
  {
    id: `confusion/acknowledged`, name: `CollisionAcknowledged`,
    short: `Public package of an internal name, acknowledged`,
    full: `The public registry has a package of this internal name, and the trust file acknowledges it.`,
    help: `Nothing to do while your company owns the public name; remove the acknowledgement from the trust file when it no longer does.`,
    fix: null, securitySeverity: 1.0, precision: `very-high`, level: `note`, perVersion: false, tags: [`security`, `dependency-confusion`],
  },
  {
    id: `releases/typosquat`, name: `Typosquat`,
    short: `Name looks like a typo of a popular package`,
    full: `A registry name of yarn.lock is one slip away from a popular package and its registry shows nothing of a package of its own (repository, description, age).`,
    help: `Replace it with the package you meant. If it is the package you want, allow it after checking who publishes it. Run: yarn trust allow <name> --finding typosquat --reason "…"`,
    fix: `yarn trust allow <name> --finding typosquat --reason "…"`, securitySeverity: 8.0, precision: `medium`, level: `error`, perVersion: false, tags: [`security`, `typosquatting`, `supply-chain`],
  },
  {
    id: `releases/not-checked`, name: `TyposquatNotChecked`,
    short: `Suspected typo could not be judged`,
    full: `The name looks like a typo of a popular package, and its registry could not be asked whether it is a package of its own.`,
    help: `Run the check again when the registry answers. Run: yarn trust check`,
    fix: `yarn trust check`, securitySeverity: 5.0, precision: `medium`, level: `error`, perVersion: false, tags: [`security`, `typosquatting`],
  },
  {
    id: `malware/known-malware`, name: `KnownMaliciousRelease`,
    short: `Locked release is known malware`,
    full: `The pinned malware feed (OpenSSF malicious-packages data) reports this locked release as malicious.`,
    help: `Remove or replace the dependency that brings it in, then install; treat machines that installed it as compromised.`,
    fix: null, securitySeverity: 10.0, precision: `very-high`, level: `error`, perVersion: true, tags: [`security`, `malware`, `supply-chain`],
  },
  {
    id: `malware/malware-history`, name: `ReleaseWithMalwareHistory`,
    short: `Package has a malware history`,
    full: `The malware feed reports malicious releases of this package (or of this name in the past); the locked release is not one of them.`,
    help: `Check who publishes it now. Run: yarn trust allow <name>@<version> --finding known-malware --reason "…"`,
    fix: `yarn trust allow <name>@<version> --finding known-malware --reason "…"`, securitySeverity: 5.0, precision: `medium`, level: `warning`, perVersion: true, tags: [`security`, `malware`],
  },
  {
    id: `malware/stale-feed`, name: `StaleMalwareFeed`,
    short: `The pinned malware feed is out of date`,
    full: `The pinned malware feed is older than trustMalwareFeedMaxAge: releases reported since are not refused.`,
    help: `Pin a current feed. Run: yarn trust feed update`,
    fix: `yarn trust feed update`, securitySeverity: 5.0, precision: `very-high`, level: `warning`, perVersion: false, tags: [`security`, `malware`, `configuration`],
  },
  {
    id: `malware/not-checked`, name: `MalwareNotChecked`,
    short: `Locked releases not checked against the malware feed`,
    full: `The pinned malware feed, or a release's record, could not be read, so locked releases were not judged.`,
    help: `Run the check again when the registry answers, or pin another feed. Run: yarn trust feed update`,
    fix: `yarn trust feed update`, securitySeverity: 6.0, precision: `very-high`, level: `error`, perVersion: true, tags: [`security`, `malware`],
  },
  {
    id: `packed/unapproved`, name: `UnapprovedGitDependency`,
    short: `Git dependency at an unapproved commit`,
    full: `To pack a git dependency Yarn clones it and runs its prepare and install scripts: the trust file approves no such commit of the repository.`,
    help: `Review the repository at that commit, then approve it. Run: yarn trust approve-git <repository>#<commit>`,
    fix: `yarn trust approve-git <repository>#<commit>`, securitySeverity: 8.0, precision: `very-high`, level: `error`, perVersion: true, tags: [`security`, `install-scripts`, `supply-chain`],
  },
  {
    id: `packed/undecidable`, name: `UndecidableGitDependency`,
    short: `Packed dependency that cannot be approved`,
    full: `A dependency packed from sources at fetch time, running code of its own, whose commit cannot be decided.`,
    help: `Depend on a published version instead.`,
    fix: null, securitySeverity: 7.0, precision: `very-high`, level: `error`, perVersion: true, tags: [`security`, `install-scripts`, `supply-chain`],
  },
  scripts(`pending`, `UnapprovedInstallScripts`, `Install scripts not approved`,
    `The package runs code at install time (its own scripts, or code other packages' install scripts run) and the trust file does not approve it.`,
    `Review what it runs, then approve it, or deny it to never run it. Run: yarn trust approve <name>`, `yarn trust approve <name>`, 7.0),
  scripts(`changed`, `ChangedInstallScripts`, `Install code changed since its approval`,
    `The package changed the commands or files it runs at install time since the approved version: hijacked releases look like this.`,
    `Review what changed, then approve it again, or deny it. Run: yarn trust approve <name>`, `yarn trust approve <name>`, 8.0),
  scripts(`undecidable`, `UndecidableInstallScripts`, `Install code could not be read`,
    `The files the package runs at install time could not be read, so what it runs cannot be approved.`,
    `Deny it to install it without its scripts. Run: yarn trust deny <name>`, `yarn trust deny <name>`, 7.0),
  scripts(`denied-but-built`, `DeniedButBuilt`, `Denied package that Yarn would build`,
    `The trust file denies the package, but Yarn's settings would build it (package.json lacks dependenciesMeta.<name>.built: false).`,
    `Make Yarn agree with the trust file. Run: yarn trust deny <name>`, `yarn trust deny <name>`, 8.0),
  scripts(`denied-but-reached`, `DeniedButReached`, `Denied package whose code another package runs`,
    `The trust file denies the package, but the install code of another package runs its code (its bin or a module), which denying its own scripts does not stop.`,
    `Review its code and approve it, or deny the packages whose install code runs it. Run: yarn trust approve <name>`, `yarn trust approve <name>`, 8.0),
  scripts(`approved-but-skipped`, `ApprovedButSkipped`, `Approved package that Yarn will not build`,
    `The trust file approves the package, but Yarn will skip its build: package.json lacks dependenciesMeta.<name>.built: true and enableScripts is false.`,
    `Make Yarn agree with the trust file. Run: yarn trust approve <name>`, `yarn trust approve <name>`, 2.0, `warning`),
  scripts(`built-without-approval`, `BuiltWithoutApproval`, `built: true without an approval`,
    `package.json sets dependenciesMeta.<name>.built to true, but the trust file does not approve the package: Yarn's own allowlist and the trust file disagree.`,
    `Review the package and approve it, or remove the built flag. Run: yarn trust approve <name>`, `yarn trust approve <name>`, 7.0),
  scripts(`built-from-earlier-approval`, `BuiltFromEarlierApproval`, `built: true left from an earlier approval`,
    `package.json's dependenciesMeta.<name>.built: true was written when an earlier version was approved; it does not cover this version, whose install code changed.`,
    `Review what changed, then approve it again. Run: yarn trust approve <name>`, `yarn trust approve <name>`, 7.0),
  scripts(`scripts-enabled-without-approval`, `ScriptsEnabledWithoutApproval`, `enableScripts would run an unapproved package`,
    `enableScripts is true in Yarn's settings, so Yarn alone would run this package's install scripts, which the trust file does not approve.`,
    `Approve or deny the package; consider enableScripts: false. Run: yarn trust approve <name>`, `yarn trust approve <name>`, 7.0),
  {
    ...scripts(`workspace-limits`, `WorkspaceScriptLimits`, `A workspace's install script runs what the gate cannot follow`,
      `The project's own install scripts run something the gate cannot follow (another workspace's script, a folder outside the package): a limit, not a refusal.`,
      `Review what the workspace's install script runs by hand.`, null, 1.0, `note`),
    perVersion: false,
  },
  {
    ...scripts(`workspace-in-installed-folder`, `WorkspaceInInstalledFolder`, `A workspace lives where Yarn installs packages`,
      `A workspace's folder is inside node_modules, .yarn or one of Yarn's own folders: its code and scripts are another package's installed files, which would run as the project's own.`,
      `Remove that path from "workspaces" in package.json.`, null, 8.0),
    perVersion: false,
  },
];

export function ruleOf(id: string): {rule: RuleSpec, index: number} {
  const index = RULES.findIndex(rule => rule.id === id);
  if (index === -1)
    throw new Error(`Assertion failed: no SARIF rule ${JSON.stringify(id)}`);
  return {rule: RULES[index], index};
}
