/** Where each part of the plugin keeps what it learns during one install or command: on Yarn's own objects. */

import type {Configuration, Project} from '@yarnpkg/core';

/**
 * Yarn may evaluate a plugin twice in one process — once for the CLI's
 * commands, once more for the configuration a command loads — so module-level
 * state is not shared between a command and the hooks it triggers. State
 * therefore lives on the Project (and on its Configuration, for the network
 * hook, which only sees that), under a process-wide symbol per part.
 */
export interface ProjectState<T> {
  /** The state of `project`, created on first use. */
  of(project: Project): T;
  /** The state of `project` if something created it. */
  existing(project: Project): T | undefined;
  /** The state of the project that `configuration` belongs to, if any was created. */
  ofConfiguration(configuration: Configuration): T | undefined;
}

export function projectState<T>(name: string, create: (project: Project) => T): ProjectState<T> {
  const key = Symbol.for(`yarn-plugin-trust/${name}`);
  type Carrier = {[key]?: T};
  const existing = (project: Project) => (project as Carrier)[key];
  return {
    of(project) {
      const found = existing(project);
      if (found !== undefined)
        return found;
      const state = create(project);
      (project as Carrier)[key] = state;
      (project.configuration as Carrier)[key] = state;
      return state;
    },
    existing,
    ofConfiguration: configuration => (configuration as Carrier)[key],
  };
}
