/**
 * Archives that Yarn takes from a cache or from its global mirror never reach
 * the network, so the download hook never sees them: a tampered one must be
 * refused against its pin before it is linked, and before yarn.lock records it.
 * The genuine package has `index.js`; the tampered one also has `evil.js`, so
 * its presence in node_modules proves that the tampered archive was linked.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';
import path from 'path';

import {type Registry, type TestProject, makeProject, plain, startRegistry} from './harness';

const PINS = `yarn-trust.pins`;

function genuine(name: string) {
  return plain(name, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}});
}

function tampered(name: string) {
  return plain(name, `1.0.0`, {files: {[`index.js`]: `require('./evil');\n`, [`evil.js`]: `module.exports = 'evil';\n`}});
}

async function archivesIn(dir: string, name: string) {
  const files = await fs.readdir(dir).catch(() => [] as string[]);
  return files.filter(file => file.startsWith(`${name}-npm-1.0.0-`)).map(file => path.join(dir, file));
}

function mirrorOf(app: TestProject) {
  return path.join(app.globalFolder, `cache`);
}

describe(`archives from a cache or the mirror (e2e)`, function() {
  this.timeout(180_000);

  let registry: Registry;
  let evil: Registry;
  const projects: TestProject[] = [];

  async function project(registryOf: Registry, dependencies: Record<string, string>, options: {plugin?: boolean, yarnrc?: Record<string, unknown>} = {}) {
    const created = await makeProject({registry: registryOf, manifest: {name: `app`, private: true, dependencies}, ...options});
    projects.push(created);
    return created;
  }

  /** The archive Yarn builds from the tampered tarball, as another project on the machine would cache it. */
  async function tamperedArchive(name: string) {
    const builder = await project(evil, {[name]: `1.0.0`}, {plugin: false});
    const install = await builder.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    const [archive] = await archivesIn(builder.cacheDir, name);
    assert.ok(archive, `the tampered archive was cached`);
    const checksum = new RegExp(`resolution: "${name}@npm:1\\.0\\.0"[\\s\\S]*?checksum: (\\S+)`).exec(await builder.readFile(`yarn.lock`))![1];
    return {bytes: await fs.readFile(archive), checksum};
  }

  /** A project that installed the genuine package (pinned), with its mirror and cache warm. */
  async function installedGenuine(name: string, yarnrc?: Record<string, unknown>) {
    const app = await project(registry, {[name]: `1.0.0`}, {yarnrc});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.match(await app.readFile(PINS), new RegExp(`^${name}@1\\.0\\.0 sha512-\\S+ \\S+/[0-9a-f]{128}$`, `m`));
    const [mirrored] = await archivesIn(mirrorOf(app), name);
    assert.ok(mirrored, `the mirror holds the archive`);
    return {app, mirrored};
  }

  /** Only the mirror is left: no node_modules, no project cache. */
  async function keepOnlyTheMirror(app: TestProject) {
    await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
    await fs.rm(app.cacheDir, {recursive: true, force: true});
  }

  before(async function() {
    [registry, evil] = await Promise.all([startRegistry({name: `cached-archives`}), startRegistry({name: `cached-archives-evil`})]);
    const names = [`mirror-deleted`, `global-deleted`, `mirror-relocked`, `project-cached`, `mirror-clean`];
    await registry.publishAll(names.map(genuine));
    await evil.publishAll(names.map(tampered));
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await Promise.all([registry?.stop(), evil?.stop()]);
  });

  describe(`when the mirror holds a tampered archive and yarn.lock was deleted`, () => {
    it(`refuses it against its pin before linking, and writes no yarn.lock`, async () => {
      const {app, mirrored} = await installedGenuine(`mirror-deleted`);
      await fs.writeFile(mirrored, (await tamperedArchive(`mirror-deleted`)).bytes);
      await keepOnlyTheMirror(app);
      await fs.rm(path.join(app.cwd, `yarn.lock`));

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /mirror-deleted@npm:1\.0\.0: the archive \S+ in Yarn's mirror differs from the one pinned for mirror-deleted@1\.0\.0 in \S+yarn-trust\.pins/);
      assert.match(install.output, /expected \(pinned when first verified\): \S+\/[0-9a-f]{128}/);
      assert.match(install.output, /found \(in the mirror\): +\S+\/[0-9a-f]{128}/);
      assert.match(install.output, /yarn cache clean --mirror/);
      assert.equal(await app.exists(`node_modules/mirror-deleted/evil.js`), false);
      assert.equal(await app.exists(`yarn.lock`), false);
    });
  });

  describe(`when Yarn's global cache holds a tampered archive and yarn.lock was deleted`, () => {
    it(`refuses it against its pin before linking, and says how to empty that cache`, async () => {
      // Yarn's default: one cache for every project of the machine, no mirror.
      const {app, mirrored} = await installedGenuine(`global-deleted`, {enableGlobalCache: true});
      await fs.writeFile(mirrored, (await tamperedArchive(`global-deleted`)).bytes);
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
      await fs.rm(path.join(app.cwd, `yarn.lock`));

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /global-deleted@npm:1\.0\.0: the archive \S+ in Yarn's global cache differs from the one pinned for global-deleted@1\.0\.0/);
      assert.match(install.output, /found \(in the global cache\): +\S+\/[0-9a-f]{128}/);
      assert.match(install.output, /Remove it with yarn cache clean, then install again/);
      assert.equal(await app.exists(`node_modules/global-deleted/evil.js`), false);
      assert.equal(await app.exists(`yarn.lock`), false);
    });
  });

  describe(`when the mirror holds a tampered archive and yarn.lock records its checksum`, () => {
    it(`refuses the lockfile before anything is fetched, and points at the mirror`, async () => {
      const {app, mirrored} = await installedGenuine(`mirror-relocked`);
      const archive = await tamperedArchive(`mirror-relocked`);
      await fs.writeFile(mirrored, archive.bytes);
      await keepOnlyTheMirror(app);
      const lockfile = (await app.readFile(`yarn.lock`)).replace(/(resolution: "mirror-relocked@npm:1\.0\.0"[\s\S]*?checksum: )\S+/, `$1${archive.checksum}`);
      assert.ok(lockfile.includes(archive.checksum));
      await app.writeFile(`yarn.lock`, lockfile);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /mirror-relocked@npm:1\.0\.0: yarn\.lock records the archive checksum \S+, but \S+yarn-trust\.pins recorded \S+ when its tarball was verified/);
      assert.match(install.output, /The archive \S+ in Yarn's mirror has the checksum yarn\.lock records: remove it with yarn cache clean --mirror/);
      assert.equal(await app.exists(`node_modules/mirror-relocked`), false);
      assert.equal(await app.readFile(`yarn.lock`), lockfile);
    });
  });

  describe(`when the project cache holds a tampered archive and yarn.lock records its checksum`, () => {
    it(`refuses the lockfile before anything is fetched, and points at the cache`, async () => {
      const {app} = await installedGenuine(`project-cached`);
      const archive = await tamperedArchive(`project-cached`);
      // What Yarn would find in the project cache under the edited checksum.
      const [cached] = await archivesIn(app.cacheDir, `project-cached`);
      const poisoned = cached.replace(/[0-9a-f]{10}\.zip$/, `${archive.checksum.split(`/`)[1].slice(0, 10)}.zip`);
      assert.notEqual(poisoned, cached);
      await fs.rm(cached);
      await fs.writeFile(poisoned, archive.bytes);
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
      const lockfile = (await app.readFile(`yarn.lock`)).replace(/(resolution: "project-cached@npm:1\.0\.0"[\s\S]*?checksum: )\S+/, `$1${archive.checksum}`);
      await app.writeFile(`yarn.lock`, lockfile);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /project-cached@npm:1\.0\.0: yarn\.lock records the archive checksum \S+, but \S+yarn-trust\.pins recorded \S+ when its tarball was verified/);
      assert.match(install.output, /The archive \S+ in the project's cache has the checksum yarn\.lock records: remove it with yarn cache clean/);
      assert.equal(await app.exists(`node_modules/project-cached`), false);
      assert.equal(await app.readFile(`yarn.lock`), lockfile);
    });
  });

  describe(`when the mirror is intact and yarn.lock was deleted`, () => {
    it(`installs from the mirror without downloading, and keeps the pins`, async () => {
      const {app} = await installedGenuine(`mirror-clean`);
      const pins = await app.readFile(PINS);
      const lockfile = await app.readFile(`yarn.lock`);
      await keepOnlyTheMirror(app);
      await fs.rm(path.join(app.cwd, `yarn.lock`));

      const mark = await registry.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.equal((await registry.requestsFor(`mirror-clean`, {since: mark})).tarball, 0);
      assert.equal(await app.readFile(`node_modules/mirror-clean/index.js`), `module.exports = 'genuine';\n`);
      assert.equal(await app.readFile(PINS), pins);
      assert.equal(await app.readFile(`yarn.lock`), lockfile);
    });
  });
});
