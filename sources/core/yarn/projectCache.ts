/**
 * Yarn's cache as the plugin reads it during one install or command. Each
 * `Cache.find` sets the cache's folders up again (a `mkdir` through the thread
 * pool, and a `.gitignore` for a project cache); the checks ask for the cache
 * at several steps of one install, so it is found once per project.
 */

import {Cache, type Project} from '@yarnpkg/core';

import {projectState} from './projectState';

const cacheState = projectState(`cache`, () => ({found: null as Promise<Cache> | null}));

/** The project's cache, found on the first request of this install or command. */
export function projectCache(project: Project): Promise<Cache> {
  const state = cacheState.of(project);
  state.found ??= Cache.find(project.configuration);
  return state.found;
}
