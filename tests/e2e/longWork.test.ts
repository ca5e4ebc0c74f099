/**
 * Long work on large projects, end to end: the adoption install and
 * `yarn trust verify` say what they are downloading, and `yarn trust status`
 * in a fresh clone reads only what it needs and leaves what it downloaded
 * verified, cached and pinned for the install that follows.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';

import {type Registry, type TestProject, makeProject, markerName, plain, scripted, startRegistry} from './harness';

const PINS = `yarn-trust.pins`;

async function cacheArchives(app: TestProject, name: string) {
  const files = await fs.readdir(app.cacheDir).catch(() => [] as string[]);
  return files.filter(file => file.startsWith(`${name}-npm-`));
}

describe(`long work on large projects (e2e)`, function() {
  this.timeout(180_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  async function project(manifest: Record<string, unknown>, options: {files?: Record<string, string>, cacheDir?: string, plugin?: boolean} = {}) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, ...manifest}, ...options});
    projects.push(created);
    return created;
  }

  /** A project whose scripted dependency is approved, and what a teammate's fresh clone of it gets. */
  async function approvedProject(dependencies: Record<string, string>, scriptedName: string) {
    const original = await project({dependencies});
    await original.yarn([`install`]);
    const approve = await original.yarn([`trust`, `approve`, scriptedName]);
    assert.equal(approve.code, 0, approve.output);
    const install = await original.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    const files: Record<string, string> = {};
    for (const file of [`yarn.lock`, `yarn-trust.json`, PINS])
      files[file] = await original.readFile(file);
    return {manifest: await original.readJson(`package.json`), files};
  }

  before(async function() {
    registry = await startRegistry({name: `long-work`});
    await registry.publishAll([
      plain(`warm-a`, `1.0.0`),
      plain(`warm-b`, `1.0.0`),
      plain(`quiet-dep`, `1.0.0`),
      scripted(`noisy-dep`, `1.0.0`, {postinstall: true}),
      plain(`quiet-other`, `1.0.0`),
      scripted(`noisy-other`, `1.0.0`, {postinstall: true}),
      plain(`quiet-third`, `1.0.0`),
      scripted(`noisy-victim`, `1.0.0`, {postinstall: true}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`when a project adopts the plugin with a warm cache`, () => {
    it(`shows a section that says how many cached archives it verifies, once`, async () => {
      const dependencies = {[`warm-a`]: `1.0.0`, [`warm-b`]: `1.0.0`};
      const before = await project({dependencies}, {plugin: false});
      assert.equal((await before.yarn([`install`])).code, 0);
      const app = await project({dependencies}, {files: {[`yarn.lock`]: await before.readFile(`yarn.lock`)}, cacheDir: before.cacheDir});

      const mark = await registry.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.match(install.output, /┌ Verifying 2 cached archives against the registry\n.*└ Completed/);
      assert.deepEqual(await registry.requestsFor(`warm-a`, {since: mark}), {metadata: 1, tarball: 1});

      // Pinned now: the next install has nothing to verify and says nothing about it.
      const noop = await app.yarn([`install`]);
      assert.equal(noop.code, 0, noop.output);
      assert.doesNotMatch(noop.output, /Verifying/);
    });
  });

  describe(`when yarn trust verify re-downloads the project`, () => {
    it(`shows a section with the number of packages`, async () => {
      const app = await project({dependencies: {[`warm-a`]: `1.0.0`, [`warm-b`]: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const verify = await app.yarn([`trust`, `verify`]);
      assert.equal(verify.code, 0, verify.output);
      assert.match(verify.output, /┌ Re-downloading and verifying 2 packages\n.*└ Completed/);
    });
  });

  describe(`when yarn trust status runs in a fresh clone`, () => {
    it(`downloads only what may run scripts, and the install downloads nothing twice`, async () => {
      const {manifest, files} = await approvedProject({[`quiet-dep`]: `1.0.0`, [`noisy-dep`]: `1.0.0`}, `noisy-dep`);
      const clone = await project(manifest, {files});

      const mark = await registry.markLog();
      const status = await clone.yarn([`trust`, `status`]);
      assert.equal(status.code, 0, status.output);
      assert.match(status.output, /noisy-dep@npm:1\.0\.0: approved/);
      assert.equal((await registry.requestsFor(`quiet-dep`, {since: mark})).tarball, 0, `status downloaded a package without scripts`);
      assert.equal((await registry.requestsFor(`noisy-dep`, {since: mark})).tarball, 1);

      const install = await clone.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      for (const name of [`quiet-dep`, `noisy-dep`])
        assert.equal((await registry.requestsFor(name, {since: mark})).tarball, 1, `${name} was downloaded more than once`);
      assert.deepEqual(await clone.markers(), [markerName(`noisy-dep`, `1.0.0`, `postinstall`)]);
    });

    it(`pins what it downloaded when the project has no pins yet, so that the install reuses it`, async () => {
      const {manifest, files} = await approvedProject({[`quiet-other`]: `1.0.0`, [`noisy-other`]: `1.0.0`}, `noisy-other`);
      const clone = await project(manifest, {files: {[`yarn.lock`]: files[`yarn.lock`], [`yarn-trust.json`]: files[`yarn-trust.json`]}});

      const mark = await registry.markLog();
      const status = await clone.yarn([`trust`, `status`]);
      assert.equal(status.code, 0, status.output);
      assert.match(await clone.readFile(PINS), /^noisy-other@1\.0\.0 sha512-\S+ [0-9a-z]+\/[0-9a-f]{128}$/m);

      const install = await clone.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.doesNotMatch(install.output, /Verifying/);
      for (const name of [`quiet-other`, `noisy-other`])
        assert.equal((await registry.requestsFor(name, {since: mark})).tarball, 1, `${name} was downloaded more than once`);
      // The pins the install ends with are those of an install alone.
      assert.equal(await clone.readFile(PINS), files[PINS]);
    });

    it(`keeps a tarball the registry does not vouch for out of the cache`, async () => {
      const {manifest, files} = await approvedProject({[`quiet-third`]: `1.0.0`, [`noisy-victim`]: `1.0.0`}, `noisy-victim`);
      await registry.tamperTarball(`noisy-victim`, `1.0.0`, scripted(`noisy-victim`, `1.0.0`, {postinstall: `node marker.js postinstall && node marker.js tampered`}));
      const clone = await project(manifest, {files: {[`yarn.lock`]: files[`yarn.lock`], [`yarn-trust.json`]: files[`yarn-trust.json`]}});

      const status = await clone.yarn([`trust`, `status`]);
      assert.equal(status.code, 1, status.output);
      assert.match(status.output, /noisy-victim@npm:1\.0\.0: the tarball downloaded from .* does not match the integrity/);
      assert.deepEqual(await cacheArchives(clone, `noisy-victim`), []);
      assert.equal(await clone.exists(PINS), false);
      assert.deepEqual(await clone.markers(), []);
    });
  });
});
