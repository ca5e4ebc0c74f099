import {type Hooks, type Plugin, SettingsType} from '@yarnpkg/core';
import type {PortablePath} from '@yarnpkg/fslib';

import TrustApproveCommand from './commands/trust/approve';
import TrustCheckCommand from './commands/trust/check';
import TrustDenyCommand from './commands/trust/deny';
import TrustRevokeCommand from './commands/trust/revoke';
import TrustStatusCommand from './commands/trust/status';
import TrustVerifyCommand from './commands/trust/verify';
import {finishPins, validateChecksums} from './yarn/checksums';
import {rememberTarballSources, wrapNetworkRequest} from './yarn/downloads';
import {gateBuilds, guardScriptEnvironment, reportSkippedApprovals, validateProject} from './yarn/gate';

declare module '@yarnpkg/core' {
  interface ConfigurationValueMap {
    trustFilePath: PortablePath;
    trustPinsPath: PortablePath;
    trustAllowedTarballHosts: Array<string>;
    trustAcceptWeakIntegrity: boolean;
    trustAllowInsecureSettings: Array<string>;
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
      description: `Insecure Yarn settings to tolerate instead of refusing the install: checksumBehavior, enableStrictSsl, unsafeHttpWhitelist, httpRegistry`,
      type: SettingsType.STRING,
      isArray: true,
      values: [`checksumBehavior`, `enableStrictSsl`, `unsafeHttpWhitelist`, `httpRegistry`],
      default: [],
    },
  },
  commands: [
    TrustApproveCommand,
    TrustCheckCommand,
    TrustDenyCommand,
    TrustRevokeCommand,
    TrustStatusCommand,
    TrustVerifyCommand,
  ],
  hooks: {
    validateProject: async (project, report) => {
      await validateProject(project, report);
      await validateChecksums(project, report);
    },
    wrapNetworkRequest,
    reduceDependency: rememberTarballSources,
    globalHashGeneration: gateBuilds,
    setupScriptEnvironment: guardScriptEnvironment,
    validateProjectAfterInstall: reportSkippedApprovals,
    afterAllInstalled: finishPins,
  },
};

export default plugin;
