import type {Configuration, Locator, Project} from '@yarnpkg/core';

import type {ScriptGateResult} from './gate';
import type {LoadedPins} from './pinsStore';
import type {LoadedTrustFile} from './trustFileStore';

/** A tarball that this process downloaded and verified. */
export interface VerifiedDownload {
  key: string;
  integrity: string;
  pkg: Locator;
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
}

const byProject = new WeakMap<Project, InstallContext>();
const byConfiguration = new WeakMap<Configuration, InstallContext>();

export function contextOf(project: Project): InstallContext {
  let context = byProject.get(project);
  if (typeof context === `undefined`) {
    context = {project, verified: new Map()};
    byProject.set(project, context);
    byConfiguration.set(project.configuration, context);
  }
  return context;
}

export function existingContextOf(project: Project): InstallContext | undefined {
  return byProject.get(project);
}

/** The network hook only sees the configuration of the project it works for. */
export function contextForConfiguration(configuration: Configuration): InstallContext | undefined {
  return byConfiguration.get(configuration);
}
