/**
 * Steps many e2e tests start from: a project whose install is refused, whose
 * refused packages are approved, and which then installs cleanly.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';
import path from 'path';

import {type MakeProjectOptions, type TestProject, makeProject} from './project';
import {type FixturePackage, type Registry, startRegistry} from './registry';
import {plain} from './fixtures';

/**
 * A project depending on `dependencies`: its first install is refused, then
 * `yarn trust approve <approve…>` and an install pass, and the markers of that
 * install are cleared. The caller cleans the project up.
 */
export async function approvedProject(registry: Registry, dependencies: Record<string, string>, approve: Array<string>, manifest: Record<string, unknown> = {}, expect: ApprovedInstall = {}): Promise<{app: TestProject, approved: {code: number, output: string}}> {
  return approvedProjectFrom({registry, manifest: {name: `app`, private: true, dependencies, ...manifest}}, approve, expect);
}

/**
 * What the install after the approval does: it succeeds, or, for approved
 * install code that evaluates text (`guardRefuses`: the package), the load
 * guard refuses that while it runs and the install fails.
 */
export interface ApprovedInstall {
  guardRefuses?: string;
}

/** `approvedProject` for a project of any shape (its own files, Yarn settings, scripts). */
export async function approvedProjectFrom(options: MakeProjectOptions, approve: Array<string>, {guardRefuses}: ApprovedInstall = {}): Promise<{app: TestProject, approved: {code: number, output: string}}> {
  const app = await makeProject(options);
  const first = await app.yarn([`install`]);
  assert.equal(first.code, 1, first.output);
  const approved = await app.yarn([`trust`, `approve`, ...approve]);
  assert.equal(approved.code, 0, `${first.output}\n${approved.output}`);
  const install = await app.yarn([`install`]);
  if (guardRefuses === undefined) {
    assert.equal(install.code, 0, install.output);
  } else {
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, new RegExp(`yarn-plugin-trust refused what a script of ${escapeRegExp(guardRefuses)}@[^ ]+ loaded while it ran: code that no approval covers \\((Function|eval)\\)`), install.output);
  }
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
  await app.yarn([`trust`, `approve`, name]);
  const again = await app.yarn([`install`]);
  // The markers first: a bundle that lets the attack through fails on them.
  assert.deepEqual(await app.markers(), [], `${install.output}\n${again.output}`);
  for (const attempt of [install, again]) {
    assert.equal(attempt.code, 1, attempt.output);
    assert.match(attempt.output, refusal);
  }
}

/**
 * With a copy on disk changed after an approved install, a rebuild and an
 * install (each after deleting Yarn's install state, so that the approved
 * package is built again) are refused by the backstop naming `found`, and no
 * marker is written.
 */
export async function assertBackstopRefuses(app: TestProject, found: RegExp): Promise<void> {
  for (const command of [[`rebuild`], [`install`]]) {
    await fs.rm(path.join(app.cwd, `.yarn/install-state.gz`), {force: true});
    const run = await app.yarn(command);
    assert.equal(run.code, 1, run.output);
    assert.deepEqual(await app.markers(), [], run.output);
    assert.match(run.output, found);
  }
}

/**
 * With `approve` approved for `dependencies`, `yarn up <upgrade>` (a release
 * of a package their install code runs) is refused naming it, and a fresh
 * install (a CI run, where Yarn builds everything again) does not run it either.
 */
export async function assertChangedReleaseNeverRuns(suite: SuiteRegistry, dependencies: Record<string, string>, approve: Array<string>, upgrade: string): Promise<void> {
  const {app, approved} = await suite.approvedProject(dependencies, approve);
  const up = await app.yarn([`up`, upgrade]);
  await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
  const fresh = await app.yarn([`install`]);
  assert.deepEqual(await app.markers(), [], `${up.output}\n${fresh.output}`);
  const [name, version] = [upgrade.slice(0, upgrade.lastIndexOf(`@`)), upgrade.slice(upgrade.lastIndexOf(`@`) + 1)];
  assert.match(approved.output, new RegExp(escapeRegExp(name)));
  assert.equal(up.code, 1, up.output);
  assert.match(up.output, new RegExp(escapeRegExp(`${name}@npm:${version}`)));
}

/**
 * With `name` approved (its install code loads the dependency `helper`,
 * installed at 1.0.0), the approval lists `helper`; its release 1.0.1 with a
 * marker in `files`, published afterwards (it has no install script), is
 * refused naming it when `yarn up -R helper` rebuilds `name`, and never runs.
 */
export async function assertLoadedHelperBound(suite: SuiteRegistry, name: string, helper: string, release: FixturePackage, extraDependencies: Record<string, string> = {}): Promise<void> {
  const {app, approved} = await suite.approvedProject({[name]: `1.0.0`, ...extraDependencies}, [name]);
  assert.equal(approved.code, 0, approved.output);
  const status = await app.yarn([`trust`, `status`]);
  assert.match(status.output, new RegExp(escapeRegExp(`${helper}@npm:1.0.0`)), status.output);
  await suite.registry.publish(release);
  const up = await app.yarn([`up`, `-R`, helper]);
  // The markers first: a bundle that lets the attack through fails on them.
  assert.deepEqual(await app.markers(), [], up.output);
  assert.equal(up.code, 1, up.output);
  assert.match(up.output, new RegExp(escapeRegExp(`${helper}@npm:${release.version} `)));
}

/**
 * With `name` approved (installed at 1.0.0), both the approval's output and
 * `yarn trust status` name `limit`: install code the scan cannot follow is a
 * stated limit of the approval, never passed silently.
 */
export async function assertApprovalNamesLimit(suite: SuiteRegistry, name: string, limit: RegExp): Promise<void> {
  const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`}}});
  const first = await app.yarn([`install`]);
  assert.equal(first.code, 1, first.output);
  const approved = await app.yarn([`trust`, `approve`, name]);
  assert.equal(approved.code, 0, `${first.output}\n${approved.output}`);
  assert.match(approved.output, limit);
  // Where the code it cannot follow loads a file no approval binds while it
  // runs, the load guard refuses that file, and the install fails.
  const install = await app.yarn([`install`]);
  if (install.code !== 0) {
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, new RegExp(`refused what a script of ${escapeRegExp(name)}@1\\.0\\.0 loaded while it ran`), install.output);
  }
  const status = await app.yarn([`trust`, `status`]);
  assert.match(status.output, limit, status.output);
}

/** One test per case: the approval of `name` names `limit` (see assertApprovalNamesLimit). */
export function itNamesLimits(suite: SuiteRegistry, cases: Array<[id: string, name: string, limit: RegExp]>): void {
  for (const [id, name, limit] of cases) {
    it(`the approval of install code that starts node in a way the scan cannot follow names that as a limit (${id})`, async function() {
      await assertApprovalNamesLimit(suite, name, limit);
    });
  }
}

/** A package whose `postinstall` runs `install.js` (given), beside a `child.js` it may start, with `helper` as a dependency. */
export function installStarter(name: string, helper: string, install: string): FixturePackage {
  return plain(name, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {[helper]: `^1.0.0`}, files: {[`install.js`]: `${install}\n`, [`child.js`]: `console.log('child');\n`}});
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, `\\$&`);
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
  approvedProject(dependencies: Record<string, string>, approve: Array<string>, manifest?: Record<string, unknown>, expect?: ApprovedInstall): Promise<{app: TestProject, approved: {code: number, output: string}}>;
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
    async approvedProject(dependencies, approve, manifest, expect) {
      const result = await approvedProject(started(), dependencies, approve, manifest, expect);
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
