import {type Hooks, type Plugin, SettingsType} from '@yarnpkg/core';
import type {PortablePath} from '@yarnpkg/fslib';

import TrustApproveCommand from './commands/trust/approve';
import TrustCheckCommand from './commands/trust/check';
import TrustDenyCommand from './commands/trust/deny';
import TrustRevokeCommand from './commands/trust/revoke';
import TrustStatusCommand from './commands/trust/status';
import {gateBuilds, guardScriptEnvironment, reportSkippedApprovals, validateProject} from './yarn/gate';

declare module '@yarnpkg/core' {
  interface ConfigurationValueMap {
    trustFilePath: PortablePath;
  }
}

const plugin: Plugin<Hooks> = {
  configuration: {
    trustFilePath: {
      description: `Path of the committed trust file that records which packages may run install scripts (relative paths start at the project root)`,
      type: SettingsType.ABSOLUTE_PATH,
      default: `./yarn-trust.json`,
    },
  },
  commands: [
    TrustApproveCommand,
    TrustCheckCommand,
    TrustDenyCommand,
    TrustRevokeCommand,
    TrustStatusCommand,
  ],
  hooks: {
    validateProject,
    globalHashGeneration: gateBuilds,
    setupScriptEnvironment: guardScriptEnvironment,
    validateProjectAfterInstall: reportSkippedApprovals,
  },
};

export default plugin;
