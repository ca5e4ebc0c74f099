/** The plugin: its settings, its commands, and its hooks (whose order is in hooks.ts). */

import {DurationUnit, type Hooks, type miscUtils, type Plugin, SettingsType} from '@yarnpkg/core';
import type {PortablePath} from '@yarnpkg/fslib';

import TrustAcknowledgeCommand from './commands/trust/acknowledge';
import TrustAdoptCommand from './commands/trust/adopt';
import TrustAllowCommand from './commands/trust/allow';
import TrustMigrateCommand from './commands/trust/migrate';
import TrustApproveCommand from './commands/trust/approve';
import TrustApproveGitCommand from './commands/trust/approveGit';
import TrustCheckCommand from './commands/trust/check';
import TrustDenyCommand from './commands/trust/deny';
import TrustDiffCommand from './commands/trust/diff';
import TrustFeedBuildCommand from './commands/trust/feedBuild';
import TrustFeedUpdateCommand from './commands/trust/feedUpdate';
import TrustPruneCommand from './commands/trust/prune';
import TrustReviewCommand from './commands/trust/review';
import TrustRevokeCommand from './commands/trust/revoke';
import TrustStatusCommand from './commands/trust/status';
import TrustUsageCommand from './commands/trust/usage';
import TrustVerifyCommand from './commands/trust/verify';
import * as hooks from './hooks';

declare module '@yarnpkg/core' {
  interface ConfigurationValueMap {
    trustFilePath: PortablePath;
    trustPinsPath: PortablePath;
    trustAllowedTarballHosts: Array<string>;
    trustAcceptWeakIntegrity: boolean;
    trustAllowInsecureSettings: Array<string>;
    trustInternalPackages: Array<string>;
    trustPublicRegistryServer: string | null;
    trustCollisionProbes: boolean;
    trustCollisionProbeMaxAge: number;
    trustMinimumNameAge: number;
    trustDowngradeWindow: number;
    trustRegistryKeys: Map<string, Array<miscUtils.ToMapValue<{keyid: string, key: string, expires: string | null}>>>;
    trustMalwareFeed: miscUtils.ToMapValue<{name: string | null, version: string | null, integrity: string | null}>;
    trustMalwareFeedMaxAge: number;
  }
}

const plugin: Plugin<Hooks> = {
  configuration: {
    trustFilePath: {
      description: `Path of the committed trust file that records which packages may run install scripts (relative paths start at the project root)`,
      type: SettingsType.ABSOLUTE_PATH,
      default: `./yarn-trust.json`,
    },
    trustPinsPath: {
      description: `Path of the committed pins file that records the SHA-512 of every package tarball as first verified`,
      type: SettingsType.ABSOLUTE_PATH,
      default: `./yarn-trust.pins`,
    },
    trustAllowedTarballHosts: {
      description: `Hosts (or *.domain wildcards) from which tarballs may be downloaded even when the registry lists another URL`,
      type: SettingsType.STRING,
      isArray: true,
      default: [],
    },
    trustAcceptWeakIntegrity: {
      description: `Accept registry packages whose registry publishes only a SHA-1 integrity, or none; their SHA-512 is then pinned on first sight`,
      type: SettingsType.BOOLEAN,
      default: false,
    },
    trustAllowInsecureSettings: {
      description: `Insecure Yarn settings to tolerate instead of refusing the install: checksumBehavior, enableStrictSsl, unsafeHttpWhitelist, httpRegistry, approvedGitRepositories`,
      type: SettingsType.STRING,
      isArray: true,
      values: [`checksumBehavior`, `enableStrictSsl`, `unsafeHttpWhitelist`, `httpRegistry`, `approvedGitRepositories`],
      default: [],
    },
    trustInternalPackages: {
      description: `Globs of internal package names (e.g. @corp/*, corp-*) that must come from their own registry, in addition to every scope routed by npmScopes and the private workspaces`,
      type: SettingsType.STRING,
      isArray: true,
      default: [],
    },
    trustPublicRegistryServer: {
      description: `The public registry asked, without credentials, whether an internal name also exists there (a dependency-confusion collision); defaults to the default of npmRegistryServer`,
      type: SettingsType.STRING,
      isNullable: true,
      default: null,
    },
    trustCollisionProbes: {
      description: `Ask the public registry about new internal names; switch off only on machines that cannot reach it (collisions are then reported as not checked)`,
      type: SettingsType.BOOLEAN,
      default: true,
    },
    trustCollisionProbeMaxAge: {
      description: `How long an answer of the public registry about an internal name is reused before asking again`,
      type: SettingsType.DURATION,
      unit: DurationUnit.MINUTES,
      default: `1d`,
    },
    trustMinimumNameAge: {
      description: `A package name created on its registry more recently than this is refused when it enters the lockfile (0 switches the check off); younger than 30 days is a warning`,
      type: SettingsType.DURATION,
      unit: DurationUnit.HOURS,
      default: `72h`,
    },
    trustDowngradeWindow: {
      description: `A release new to the lockfile and published on its registry more recently than this is refused when it has less evidence (trusted publisher, provenance) than the releases before it (0 switches the check off)`,
      type: SettingsType.DURATION,
      unit: DurationUnit.DAYS,
      default: `30d`,
    },
    trustRegistryKeys: {
      description: `The keys each registry signs its releases with (registry URL → list of {keyid, key, expires}, as its /-/npm/v1/keys lists them; an empty list: the registry does not sign). The npm registry's are built in; other registries are asked at /-/npm/v1/keys`,
      type: SettingsType.MAP,
      normalizeKeys: (registry: string) => registry.replace(/\/+$/, ``),
      valueDefinition: {
        description: `The registry's signing keys`,
        type: SettingsType.SHAPE,
        isArray: true,
        properties: {
          keyid: {description: `The key's id, as signatures name it`, type: SettingsType.STRING, default: ``},
          key: {description: `The base64 SPKI of the ECDSA P-256 public key`, type: SettingsType.STRING, default: ``},
          expires: {description: `When the key expired (ISO 8601), or null`, type: SettingsType.STRING, isNullable: true, default: null},
        },
      },
    },
    trustMalwareFeed: {
      description: `The malware feed package whose data refuses known-malicious releases: its name, exact version and the sha512 integrity of its tarball (written by yarn trust feed update); unset: no feed`,
      type: SettingsType.SHAPE,
      properties: {
        name: {description: `The feed package's name`, type: SettingsType.STRING, isNullable: true, default: null},
        version: {description: `The exact version pinned`, type: SettingsType.STRING, isNullable: true, default: null},
        integrity: {description: `The sha512 integrity of its tarball`, type: SettingsType.STRING, isNullable: true, default: null},
      },
    },
    trustMalwareFeedMaxAge: {
      description: `A malware feed generated longer ago than this is reported as stale by yarn trust status and yarn trust check (0: never)`,
      type: SettingsType.DURATION,
      unit: DurationUnit.HOURS,
      default: `7d`,
    },
  },
  commands: [
    TrustAcknowledgeCommand,
    TrustAdoptCommand,
    TrustAllowCommand,
    TrustMigrateCommand,
    TrustApproveCommand,
    TrustApproveGitCommand,
    TrustCheckCommand,
    TrustDenyCommand,
    TrustDiffCommand,
    TrustFeedBuildCommand,
    TrustFeedUpdateCommand,
    TrustPruneCommand,
    TrustReviewCommand,
    TrustRevokeCommand,
    TrustStatusCommand,
    TrustUsageCommand,
    TrustVerifyCommand,
  ],
  hooks: {
    validateProject: hooks.validateProject,
    wrapNetworkRequest: hooks.wrapNetworkRequest,
    // Yarn's reduceHook awaits each hook's value, so a descriptor returned
    // synchronously (every edge of a no-op install) is as good as a promise.
    reduceDependency: hooks.reduceDependency as Required<Hooks>[`reduceDependency`],
    globalHashGeneration: hooks.beforeBuilds,
    setupScriptEnvironment: hooks.setupScriptEnvironment,
    validateProjectAfterInstall: hooks.validateProjectAfterInstall,
    afterAllInstalled: hooks.afterAllInstalled,
  },
};

export default plugin;
