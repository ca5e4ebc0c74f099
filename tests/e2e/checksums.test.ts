/**
 * Tarball verification and pins, end to end: the real Yarn 4.18.1 with the
 * built plugin against Verdaccio on loopback, tampered with by editing its
 * storage on disk.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';
import path from 'path';

import {type Registry, type TestProject, assertCleanButNoFeed, makeProject, plain, startRegistry, withoutFeedNotice} from './harness';

const PINS = `yarn-trust.pins`;

function pinLines(text: string) {
  return text.split(`\n`).filter(line => line !== `` && !line.startsWith(`#`));
}

async function cacheArchives(app: TestProject, name: string) {
  const files = await fs.readdir(app.cacheDir).catch(() => [] as string[]);
  return files.filter(file => file.startsWith(`${name}-npm-`));
}

describe(`tarball checksums and pins (e2e)`, function() {
  this.timeout(180_000);

  let registry: Registry;
  let other: Registry;
  const projects: TestProject[] = [];

  async function project(manifest: Record<string, unknown>, options: {yarnrc?: Record<string, unknown>, files?: Record<string, string>, cacheDir?: string} = {}) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, ...manifest}, ...options});
    projects.push(created);
    return created;
  }

  /** What a teammate gets: the committed files of `app`, and a cold cache. */
  async function cloneOf(app: TestProject, manifest: Record<string, unknown>, files = [`yarn.lock`, PINS]) {
    const contents: Record<string, string> = {};
    for (const file of files)
      contents[file] = await app.readFile(file);
    return project(manifest, {files: contents});
  }

  before(async function() {
    [registry, other] = await Promise.all([startRegistry({name: `checksums`}), startRegistry({name: `elsewhere`})]);
    await registry.publishAll([
      plain(`clean`, `1.0.0`),
      plain(`victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`victim`, `1.0.1`, {files: {[`index.js`]: `module.exports = 'next';\n`}}),
      plain(`mirror-victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`lock-victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`archive-victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`archive-victim`, `2.0.0`, {files: {[`index.js`]: `module.exports = 'other version';\n`}}),
      plain(`hosted-victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`edited`, `1.0.0`),
      plain(`adopted`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`adopted-victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`audited`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`frozen`, `1.0.0`),
      plain(`urlsrc`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`filesrc`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`filesrc`, `2.0.0`, {files: {[`index.js`]: `module.exports = 'other';\n`}}),
      plain(`aaa-victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`zzz-donor`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'evil';\n`}}),
      plain(`downgraded`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'vulnerable';\n`}}),
      plain(`downgraded`, `1.0.1`, {files: {[`index.js`]: `module.exports = 'fixed';\n`}}),
      plain(`platformed`, `1.0.0`, {manifest: {os: [process.platform], cpu: [process.arch]}, files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
    ]);
    await registry.publish(plain(`uses-url`, `1.0.0`, {dependencies: {urlsrc: registry.tarballUrl(`urlsrc`, `1.0.0`)}}));
    await other.publishAll([
      plain(`hosted-victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'evil';\n`}}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await Promise.all([registry?.stop(), other?.stop()]);
  });

  describe(`when nothing is wrong`, () => {
    it(`installs with no noise and pins every tarball`, async () => {
      const app = await project({dependencies: {clean: `1.0.0`}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.doesNotMatch(withoutFeedNotice(install.output), /trust|pin|integrity|YN0018/i);

      const [line] = pinLines(await app.readFile(PINS));
      assert.match(line, /^clean@1\.0\.0 sha512-[A-Za-z0-9+/]{86}== [0-9a-z]+\/[0-9a-f]{128}$/);
      const lockfile = await app.readFile(`yarn.lock`);
      assert.ok(lockfile.includes(line.split(` `)[2]), `the pin records the lockfile's archive checksum`);
    });

    it(`makes no extra registry request once pins are committed`, async () => {
      const first = await project({dependencies: {clean: `1.0.0`}});
      assert.equal((await first.yarn([`install`])).code, 0);
      const plainClone = await cloneOf(first, {dependencies: {clean: `1.0.0`}}, [`yarn.lock`]);

      // Unpinned, from the lockfile: the plugin asks the registry once for the integrity.
      let mark = await registry.markLog();
      assert.equal((await plainClone.yarn([`install`])).code, 0);
      assert.deepEqual(await registry.requestsFor(`clean`, {since: mark}), {metadata: 1, tarball: 1});

      // Pinned: exactly what plain Yarn asks for, the tarball.
      const pinnedClone = await cloneOf(first, {dependencies: {clean: `1.0.0`}});
      mark = await registry.markLog();
      const install = await pinnedClone.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await registry.requestsFor(`clean`, {since: mark}), {metadata: 0, tarball: 1});
    });

    it(`asks the registry within Yarn's networkConcurrency, without holding a slot while it waits`, async () => {
      // One slot for every request of the install: a record asked while a
      // tarball download holds the slot (or the reverse) would never finish.
      const manifest = {dependencies: {clean: `1.0.0`, edited: `1.0.0`, frozen: `1.0.0`}};
      const first = await project(manifest);
      assert.equal((await first.yarn([`install`])).code, 0);
      const clone = await project(manifest, {files: {[`yarn.lock`]: await first.readFile(`yarn.lock`)}, yarnrc: {networkConcurrency: 1}});

      const mark = await registry.markLog();
      const install = await clone.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      for (const name of [`clean`, `edited`, `frozen`])
        assert.deepEqual(await registry.requestsFor(name, {since: mark}), {metadata: 1, tarball: 1}, name);
      assert.deepEqual(pinLines(await clone.readFile(PINS)), pinLines(await first.readFile(PINS)));
    });
  });

  describe(`when the registry serves a tarball replaced after publication`, () => {
    before(async () => {
      await registry.tamperTarball(`victim`, `1.0.0`, plain(`victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'evil';\n`}}));
    });

    it(`refuses it without a lockfile, before it enters the cache or yarn.lock`, async () => {
      const app = await project({dependencies: {victim: `1.0.0`}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /victim@npm:1\.0\.0: the tarball downloaded from .* does not match the integrity that .* publishes for victim@1\.0\.0/);
      assert.match(install.output, /expected \(registry\): sha512-/);
      assert.match(install.output, /found \(downloaded\): +sha512-/);
      assert.equal(await app.exists(`yarn.lock`), false);
      assert.deepEqual(await cacheArchives(app, `victim`), []);
      assert.equal(await app.exists(`node_modules/victim`), false);
    });

    it(`refuses it with a lockfile and a cold cache`, async () => {
      const lockfileSource = await project({dependencies: {victim: `1.0.1`}});
      assert.equal((await lockfileSource.yarn([`install`])).code, 0);
      const lockfile = (await lockfileSource.readFile(`yarn.lock`)).replace(/1\.0\.1/g, `1.0.0`);

      const app = await project({dependencies: {victim: `1.0.0`}}, {files: {[`yarn.lock`]: lockfile}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /does not match the integrity that .* publishes for victim@1\.0\.0/);
      assert.deepEqual(await cacheArchives(app, `victim`), []);
    });
  });

  describe(`when a compromised registry serves other bytes with matching metadata`, () => {
    it(`refuses them through the pin, even after yarn.lock was regenerated`, async () => {
      const app = await project({dependencies: {[`mirror-victim`]: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      await registry.tamperTarball(`mirror-victim`, `1.0.0`, plain(`mirror-victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'evil';\n`}}), {updateMetadata: true});

      const clone = await cloneOf(app, {dependencies: {[`mirror-victim`]: `1.0.0`}});
      await fs.rm(path.join(clone.cwd, `yarn.lock`));
      const install = await clone.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      // Every release is new to a regenerated lockfile: its record is asked too, and agrees with the download.
      assert.match(install.output, /mirror-victim@npm:1\.0\.0: the pin of mirror-victim@1\.0\.0 in .* disagrees with both the integrity that .* publishes and the tarball downloaded from .*, which agree with each other/);
      assert.match(install.output, /expected \(pinned\): +sha512-/);
      assert.deepEqual(await cacheArchives(clone, `mirror-victim`), []);
      assert.equal(await clone.readFile(PINS), await app.readFile(PINS), `the pins are left as they were`);
    });
  });

  describe(`when yarn.lock is poisoned with an __archiveUrl`, () => {
    async function poisoned(name: string, url: string) {
      const source = await project({dependencies: {[name]: `1.0.0`}});
      assert.equal((await source.yarn([`install`])).code, 0);
      const lockfile = (await source.readFile(`yarn.lock`)).replace(`resolution: "${name}@npm:1.0.0"`, `resolution: "${name}@npm:1.0.0::__archiveUrl=${encodeURIComponent(url)}"`);
      assert.ok(lockfile.includes(`__archiveUrl`), lockfile);
      return project({dependencies: {[name]: `1.0.0`}}, {files: {[`yarn.lock`]: lockfile}});
    }

    it(`refuses another version's tarball before requesting it`, async () => {
      const app = await poisoned(`archive-victim`, registry.tarballUrl(`archive-victim`, `2.0.0`));
      const mark = await registry.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /archive-victim@npm:1\.0\.0.*: refused to download .*archive-victim-2\.0\.0\.tgz: the registry .* lists .*archive-victim-1\.0\.0\.tgz/);
      assert.deepEqual((await registry.requestLog({since: mark})).filter(line => line.includes(`archive-victim-2.0.0.tgz`)), []);
    });

    it(`refuses another host's tarball before requesting it`, async () => {
      const app = await poisoned(`hosted-victim`, other.tarballUrl(`hosted-victim`, `1.0.0`));
      const mark = await other.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /hosted-victim@npm:1\.0\.0.*: refused to download http:\/\/127\.0\.0\.1:\d+\/hosted-victim/);
      assert.deepEqual(await other.requestLog({since: mark}), []);
    });
  });

  describe(`when yarn.lock points a package at the tarball of another package of the project`, () => {
    it(`refuses the download`, async () => {
      const source = await project({dependencies: {[`aaa-victim`]: `1.0.0`, [`zzz-donor`]: `1.0.0`}});
      assert.equal((await source.yarn([`install`])).code, 0);
      const lockfile = (await source.readFile(`yarn.lock`)).replace(`resolution: "aaa-victim@npm:1.0.0"`, `resolution: "aaa-victim@npm:1.0.0::__archiveUrl=${encodeURIComponent(registry.tarballUrl(`zzz-donor`, `1.0.0`))}"`);
      const app = await project({dependencies: {[`aaa-victim`]: `1.0.0`, [`zzz-donor`]: `1.0.0`}}, {files: {[`yarn.lock`]: lockfile}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /refused to download .*zzz-donor-1\.0\.0\.tgz, which is also the tarball of aaa-victim@1\.0\.0/);
    });
  });

  describe(`when yarn.lock gives a package another version than it resolves to`, () => {
    it(`refuses the lockfile before anything is fetched`, async () => {
      const source = await project({dependencies: {downgraded: `^1.0.1`}});
      assert.equal((await source.yarn([`install`])).code, 0);
      const lockfile = await source.readFile(`yarn.lock`);
      const edited = lockfile.replace(/(resolution: "downgraded@npm:1\.0\.1"[\s\S]*?)?version: 1\.0\.1/, match => match.replace(`version: 1.0.1`, `version: 1.0.0`));
      assert.notEqual(edited, lockfile);
      const app = await project({dependencies: {downgraded: `^1.0.1`}}, {files: {[`yarn.lock`]: edited, [PINS]: await source.readFile(PINS)}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /downgraded@npm:1\.0\.1: yarn\.lock gives it the version 1\.0\.0, which is not the version it resolves to/);
    });
  });

  describe(`when a lockfile checksum is edited by hand`, () => {
    it(`stops the install before anything is fetched`, async () => {
      const app = await project({dependencies: {edited: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const lockfile = await app.readFile(`yarn.lock`);
      const edited = lockfile.replace(/(checksum: [0-9a-z]+\/)([0-9a-f])/, (_, prefix, digit) => `${prefix}${digit === `0` ? `1` : `0`}`);
      assert.notEqual(edited, lockfile);
      await app.writeFile(`yarn.lock`, edited);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /edited@npm:1\.0\.0: yarn\.lock records the archive checksum .* but .*yarn-trust\.pins recorded .* when its tarball was verified/);
    });
  });

  describe(`when a project adopts the plugin with a warm cache`, () => {
    async function installedWithoutPlugin(name: string) {
      const before = await makeProject({registry, plugin: false, manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`}}});
      projects.push(before);
      assert.equal((await before.yarn([`install`])).code, 0);
      // Same lockfile and the same (now warm) cache, with the plugin imported.
      return project({dependencies: {[name]: `1.0.0`}}, {files: {[`yarn.lock`]: await before.readFile(`yarn.lock`)}, cacheDir: before.cacheDir});
    }

    it(`verifies the cached archives against the registry and pins them`, async () => {
      const app = await installedWithoutPlugin(`adopted`);
      const mark = await registry.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await registry.requestsFor(`adopted`, {since: mark}), {metadata: 1, tarball: 1});
      const [line] = pinLines(await app.readFile(PINS));
      assert.match(line, /^adopted@1\.0\.0 sha512-\S+ [0-9a-z]+\/[0-9a-f]{128}$/);
    });

    it(`refuses when the registry no longer vouches for the cached package`, async () => {
      const app = await installedWithoutPlugin(`adopted-victim`);
      await registry.tamperTarball(`adopted-victim`, `1.0.0`, plain(`adopted-victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'evil';\n`}}));
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /adopted-victim@npm:1\.0\.0: the tarball downloaded from .* does not match the integrity/);
      assert.equal(await app.exists(PINS), false);
    });
  });

  describe(`when the cached archive of a platform-specific package is replaced`, () => {
    // Yarn records no checksum for optional packages with os/cpu conditions
    // and never checks their cache files: the plugin hashes them against
    // their pins, and remembers the hash by file identity between installs.
    it(`refuses it on the next install, also once its hash was remembered`, async () => {
      const manifest = {optionalDependencies: {platformed: `1.0.0`}};
      const app = await project(manifest);
      assert.equal((await app.yarn([`install`])).code, 0);
      const lockfile = await app.readFile(`yarn.lock`);
      const entry = lockfile.slice(lockfile.indexOf(`"platformed@npm:1.0.0"`)).split(`\n\n`)[0];
      assert.match(entry, /conditions: os=/);
      assert.doesNotMatch(entry, /checksum:/);

      // Older than the 2 s window of racy timestamps, the archive's hash is remembered.
      await new Promise(resolve => setTimeout(resolve, 2_100));
      const noop = await app.yarn([`install`]);
      assert.equal(noop.code, 0, noop.output);
      const [archive] = await cacheArchives(app, `platformed`);
      const remembered = JSON.parse(await app.readFile(`.yarn/yarn-plugin-trust-hashes.json`)) as {files: Record<string, unknown>};
      // The project's cache and Yarn's global mirror both hold it.
      assert.deepEqual([...new Set(Object.keys(remembered.files).map(file => path.basename(file)))], [archive]);
      assert.ok(Object.keys(remembered.files).includes(path.join(app.cacheDir, archive)), Object.keys(remembered.files).join(`, `));

      const archivePath = path.join(app.cacheDir, archive);
      await fs.writeFile(archivePath, Buffer.concat([await fs.readFile(archivePath), Buffer.from(`tampered`)]));
      const mark = await registry.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /platformed@npm:1\.0\.0: the archive \S+ is not the one built from its verified tarball/);
      // Judged against a fresh download of the pinned tarball, not against the remembered hash alone.
      assert.deepEqual(await registry.requestsFor(`platformed`, {since: mark}), {metadata: 0, tarball: 1});
    });
  });

  describe(`when installing with --immutable`, () => {
    it(`fails when the pins would change, and leaves them as they are`, async () => {
      const app = await project({dependencies: {frozen: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const pins = await app.readFile(PINS);
      await app.writeFile(PINS, pins.split(`\n`).filter(line => !line.startsWith(`frozen@`)).join(`\n`));

      const install = await app.yarn([`install`, `--immutable`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /The pins file .*yarn-trust\.pins would have been modified by this install, which is explicitly forbidden/);
      assert.match(install.output, /\+ frozen@1\.0\.0 sha512-/);
      assert.doesNotMatch(await app.readFile(PINS), /frozen@/);

      assert.equal((await app.yarn([`install`])).code, 0);
      assert.equal(await app.readFile(PINS), pins);
    });
  });

  describe(`yarn trust verify and yarn trust check`, () => {
    it(`pass on a clean project and catch a tarball replaced on the registry`, async () => {
      const app = await project({dependencies: {audited: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const verify = await app.yarn([`trust`, `verify`]);
      assert.equal(verify.code, 0, verify.output);
      assert.match(verify.output, /1 package\(s\) re-downloaded and verified/);
      assertCleanButNoFeed(await app.yarn([`trust`, `check`]));

      await registry.tamperTarball(`audited`, `1.0.0`, plain(`audited`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'evil';\n`}}));
      const tampered = await app.yarn([`trust`, `verify`]);
      assert.equal(tampered.code, 1, tampered.output);
      assert.match(tampered.output, /audited@npm:1\.0\.0: the tarball downloaded from .* does not match the integrity/);
    });

    it(`check reports an edited lockfile checksum and unpinned packages`, async () => {
      const app = await project({dependencies: {clean: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const pins = await app.readFile(PINS);

      await app.writeFile(PINS, pins.split(`\n`).filter(line => !line.startsWith(`clean@`)).join(`\n`));
      const unpinned = await app.yarn([`trust`, `check`]);
      assert.equal(unpinned.code, 1, unpinned.output);
      assert.match(unpinned.output, /1 package\(s\) of yarn\.lock have no pin in .*: clean@npm:1\.0\.0/);

      await app.writeFile(PINS, pins);
      const lockfile = await app.readFile(`yarn.lock`);
      await app.writeFile(`yarn.lock`, lockfile.replace(/(checksum: [0-9a-z]+\/)([0-9a-f])/, (_, prefix, digit) => `${prefix}${digit === `0` ? `1` : `0`}`));
      const edited = await app.yarn([`trust`, `check`, `--json`]);
      assert.equal(edited.code, 1, edited.output);
      const lines = edited.stdout.trim().split(`\n`).map(line => JSON.parse(line));
      const findings = lines.slice(0, -1);
      assert.deepEqual(findings.map(finding => finding.check), [`archives`]);
      assert.deepEqual(lines[lines.length - 1].summary.skipped, [`confusion`, `releases`, `malware`, `scripts`]);
      assert.equal(findings[0].key, `clean@1.0.0`);
    });
  });

  describe(`when a dependency is a tarball URL`, () => {
    it(`pins it on first sight, also when another package names it, and refuses other bytes later`, async () => {
      const app = await project({dependencies: {[`uses-url`]: `1.0.0`}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      const pins = await app.readFile(PINS);
      assert.match(pins, /^urlsrc@http:\/\/127\.0\.0\.1:\d+\/urlsrc\/-\/urlsrc-1\.0\.0\.tgz sha512-\S+ \S+$/m);

      await registry.tamperTarball(`urlsrc`, `1.0.0`, plain(`urlsrc`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'evil';\n`}}), {updateMetadata: true});
      const clone = await cloneOf(app, {dependencies: {[`uses-url`]: `1.0.0`}}, [PINS]);
      const refused = await clone.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /urlsrc@http:.*: the tarball downloaded from .* differs from the one pinned/);
    });
  });

  describe(`when a dependency is a tarball file of the project`, () => {
    it(`pins it on first sight and refuses it once the file changes`, async () => {
      const app = await project({dependencies: {filesrc: `file:./vendor/filesrc.tgz`}});
      await fs.mkdir(path.join(app.cwd, `vendor`));
      await fs.writeFile(path.join(app.cwd, `vendor/filesrc.tgz`), await registry.tarball(`filesrc`, `1.0.0`));
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.match(await app.readFile(PINS), /^filesrc@file:\.\/vendor\/filesrc\.tgz::locator=app%40workspace%3A\. sha512-/m);

      await fs.writeFile(path.join(app.cwd, `vendor/filesrc.tgz`), await registry.tarball(`filesrc`, `2.0.0`));
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /filesrc@file:.*: the tarball on disk differs from the one pinned when it was first seen/);
    });
  });

  describe(`when the registry is down and a verification needs it`, () => {
    it(`fails closed with a clear message`, async () => {
      const flaky = await startRegistry({name: `flaky`});
      try {
        await flaky.publish(plain(`offline`, `1.0.0`));
        const before = await makeProject({registry: flaky, plugin: false, manifest: {name: `app`, private: true, dependencies: {offline: `1.0.0`}}});
        projects.push(before);
        assert.equal((await before.yarn([`install`])).code, 0);
        const app = await makeProject({registry: flaky, manifest: {name: `app`, private: true, dependencies: {offline: `1.0.0`}}, files: {[`yarn.lock`]: await before.readFile(`yarn.lock`)}, cacheDir: before.cacheDir});
        projects.push(app);
        await flaky.stop();

        const install = await app.yarn([`install`]);
        assert.equal(install.code, 1, install.output);
        assert.match(install.output, /yarn-plugin-trust could not ask http:\/\/127\.0\.0\.1:\d+ for the integrity of offline@npm:1\.0\.0 \(.*\), so its tarball could not be verified and was not installed\. Retry when the registry answers/);
        assert.equal(await app.exists(PINS), false);
      } finally {
        await flaky.stop();
      }
    });
  });

  describe(`when Yarn's checksum protection is weakened`, () => {
    it(`refuses checksumBehavior: update unless the risk is accepted`, async () => {
      const app = await project({dependencies: {clean: `1.0.0`}}, {yarnrc: {checksumBehavior: `update`}});
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /checksumBehavior is update \(expected throw\)/);
      assert.match(refused.output, /add checksumBehavior to trustAllowInsecureSettings/);
      assert.equal(await app.exists(`yarn.lock`), false);

      await app.updateYarnrc({trustAllowInsecureSettings: [`checksumBehavior`]});
      const accepted = await app.yarn([`install`]);
      assert.equal(accepted.code, 0, accepted.output);
    });

    it(`refuses approvedGitRepositories that approve every repository`, async () => {
      const app = await project({dependencies: {clean: `1.0.0`}}, {yarnrc: {approvedGitRepositories: [`**`]}});
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /approvedGitRepositories is \*\* \(expected the URLs of the git repositories you reviewed\)/);
    });

    it(`explains the ** that Yarn's migration of an old lockfile writes, and the fix that ends the loop`, async () => {
      const lockfile = [
        `__metadata:`, `  version: 8`, `  cacheKey: 10c0`, ``,
        `"app@workspace:.":`, `  version: 0.0.0-use.local`, `  resolution: "app@workspace:."`, `  dependencies:`, `    clean: "npm:1.0.0"`, `  languageName: unknown`, `  linkType: soft`, ``,
        `"clean@npm:1.0.0":`, `  version: 1.0.0`, `  resolution: "clean@npm:1.0.0"`, `  languageName: node`, `  linkType: hard`, ``,
      ].join(`\n`);
      const app = await project({dependencies: {clean: `1.0.0`}}, {files: {[`yarn.lock`]: lockfile}});
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /Yarn's own migration wrote this value into \.yarnrc\.yml during this command, because yarn\.lock is version 8 \(older than 9\)/);
      assert.match(refused.output, /This project has no git dependency, so an empty list loses nothing\. Run yarn config set approvedGitRepositories --json '\[\]'/);
      assert.deepEqual((await app.yarnrc()).approvedGitRepositories, [`**`]);

      // Removing the key is what a user tries first: Yarn writes it again.
      await app.updateYarnrc({approvedGitRepositories: undefined});
      const again = await app.yarn([`install`]);
      assert.equal(again.code, 1, again.output);
      assert.match(again.output, /removing the key does not help/);

      const set = await app.yarn([`config`, `set`, `approvedGitRepositories`, `--json`, `[]`]);
      assert.equal(set.code, 0, set.output);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.doesNotMatch(await app.readFile(`yarn.lock`), /^ {2}version: 8$/m);
      assert.deepEqual((await app.yarnrc()).approvedGitRepositories, []);
    });
  });
});
