/**
 * Steps many e2e tests start from: a project whose install is refused, whose
 * refused packages are approved, and which then installs cleanly.
 */
import {strict as assert} from 'assert';

import {type TestProject, makeProject} from './project';
import type {Registry} from './registry';

/**
 * A project depending on `dependencies`: its first install is refused, then
 * `yarn trust approve <approve…>` and an install pass, and the markers of that
 * install are cleared. The caller cleans the project up.
 */
export async function approvedProject(registry: Registry, dependencies: Record<string, string>, approve: Array<string>, manifest: Record<string, unknown> = {}): Promise<{app: TestProject, approved: {code: number, output: string}}> {
  const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies, ...manifest}});
  const first = await app.yarn([`install`]);
  assert.equal(first.code, 1, first.output);
  const approved = await app.yarn([`trust`, `approve`, ...approve]);
  assert.equal(approved.code, 0, `${first.output}\n${approved.output}`);
  const install = await app.yarn([`install`]);
  assert.equal(install.code, 0, install.output);
  await app.clearMarkers();
  return {app, approved};
}
