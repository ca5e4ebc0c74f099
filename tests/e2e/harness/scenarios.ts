/**
 * Steps many e2e tests start from: a project whose install is refused, whose
 * refused packages are approved, and which then installs cleanly.
 */
import {strict as assert} from 'assert';

import {type MakeProjectOptions, type TestProject, makeProject} from './project';
import {type FixturePackage, type Registry, startRegistry} from './registry';

/**
 * A project depending on `dependencies`: its first install is refused, then
 * `yarn trust approve <approve…>` and an install pass, and the markers of that
 * install are cleared. The caller cleans the project up.
 */
export async function approvedProject(registry: Registry, dependencies: Record<string, string>, approve: Array<string>, manifest: Record<string, unknown> = {}): Promise<{app: TestProject, approved: {code: number, output: string}}> {
  return approvedProjectFrom({registry, manifest: {name: `app`, private: true, dependencies, ...manifest}}, approve);
}

/** `approvedProject` for a project of any shape (its own files, Yarn settings, scripts). */
export async function approvedProjectFrom(options: MakeProjectOptions, approve: Array<string>): Promise<{app: TestProject, approved: {code: number, output: string}}> {
  const app = await makeProject(options);
  const first = await app.yarn([`install`]);
  assert.equal(first.code, 1, first.output);
  const approved = await app.yarn([`trust`, `approve`, ...approve]);
  assert.equal(approved.code, 0, `${first.output}\n${approved.output}`);
  const install = await app.yarn([`install`]);
  assert.equal(install.code, 0, install.output);
  await app.clearMarkers();
  return {app, approved};
}

/**
 * A project that depends on `dependencies` is refused with `refusal`, and so
 * is it after `yarn trust approve <name>` (the refusal is undecidable, not
 * pending review); no marker is written either time.
 */
export async function assertRefusedEvenAfterApproval(app: TestProject, name: string, refusal: RegExp): Promise<void> {
  const install = await app.yarn([`install`]);
  assert.equal(install.code, 1, install.output);
  assert.match(install.output, refusal);
  await app.yarn([`trust`, `approve`, name]);
  const again = await app.yarn([`install`]);
  assert.equal(again.code, 1, again.output);
  assert.match(again.output, refusal);
  assert.deepEqual(await app.markers(), []);
}

/** JavaScript that proves it ran: it writes the marker `name` into the directory the tests read markers from. */
export function markerCode(name: string): string {
  return `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', '${name}'), 'x');\n`;
}

export interface SuiteRegistry {
  /** The started registry (only inside the suite's tests and hooks). */
  readonly registry: Registry;
  /** A project on the registry, cleaned up after the suite. */
  project(options: Omit<MakeProjectOptions, `registry`>): Promise<TestProject>;
  /** `approvedProject` on the registry, cleaned up after the suite. */
  approvedProject(dependencies: Record<string, string>, approve: Array<string>, manifest?: Record<string, unknown>): Promise<{app: TestProject, approved: {code: number, output: string}}>;
  /** `approvedProjectFrom` on the registry, cleaned up after the suite. */
  approvedProjectFrom(options: Omit<MakeProjectOptions, `registry`>, approve: Array<string>): Promise<{app: TestProject, approved: {code: number, output: string}}>;
}

/**
 * A registry for the enclosing `describe`: started before its tests with
 * `packages()` published, stopped after them, with every project its tests
 * made through it cleaned up.
 */
export function suiteRegistry(name: string, packages: () => Array<FixturePackage>): SuiteRegistry {
  let registry: Registry | undefined;
  const projects: Array<TestProject> = [];
  before(async function() {
    registry = await startRegistry({name});
    await registry.publishAll(packages());
  });
  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });
  const started = () => {
    if (registry === undefined)
      throw new Error(`the registry ${name} is used outside its suite's tests`);
    return registry;
  };
  return {
    get registry() {
      return started();
    },
    async project(options) {
      const app = await makeProject({registry: started(), ...options});
      projects.push(app);
      return app;
    },
    async approvedProject(dependencies, approve, manifest) {
      const result = await approvedProject(started(), dependencies, approve, manifest);
      projects.push(result.app);
      return result;
    },
    async approvedProjectFrom(options, approve) {
      const result = await approvedProjectFrom({registry: started(), ...options}, approve);
      projects.push(result.app);
      return result;
    },
  };
}
