/**
 * One pins file for every platform: packages that Yarn does not install on
 * this platform are pinned from their registry's integrity, so a pins file
 * written on one platform passes `--immutable` on another. Platforms are
 * simulated with Yarn's `supportedArchitectures`.
 */
import {strict as assert} from 'assert';

import {type Registry, type TestProject, makeProject, plain, startRegistry} from './harness';

const PINS = `yarn-trust.pins`;
const DARWIN_ARM64 = {supportedArchitectures: {os: [`darwin`], cpu: [`arm64`]}};
const LINUX_X64 = {supportedArchitectures: {os: [`linux`], cpu: [`x64`]}};

function pinLines(text: string) {
  return text.split(`\n`).filter(line => line !== `` && !line.startsWith(`#`));
}

/** A tool with one optional binary package per platform, like esbuild. */
function platformTool(name: string) {
  return [
    plain(`${name}-darwin-arm64`, `1.0.0`, {manifest: {os: [`darwin`], cpu: [`arm64`]}, files: {[`bin.js`]: `module.exports = 'darwin';\n`}}),
    plain(`${name}-linux-x64`, `1.0.0`, {manifest: {os: [`linux`], cpu: [`x64`]}, files: {[`bin.js`]: `module.exports = 'linux';\n`}}),
    plain(name, `1.0.0`, {optionalDependencies: {[`${name}-darwin-arm64`]: `1.0.0`, [`${name}-linux-x64`]: `1.0.0`}}),
  ];
}

describe(`pins across platforms (e2e)`, function() {
  this.timeout(180_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  async function project(name: string, platform: Record<string, unknown>, files?: Record<string, string>) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`}}, yarnrc: platform, files});
    projects.push(created);
    return created;
  }

  /** Installs on one platform, then gives its yarn.lock and pins to a clone on another. */
  async function writtenOnThenClonedTo(name: string, writer: Record<string, unknown>, reader: Record<string, unknown>) {
    const first = await project(name, writer);
    const install = await first.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    const pins = await first.readFile(PINS);
    const clone = await project(name, reader, {[`yarn.lock`]: await first.readFile(`yarn.lock`), [PINS]: pins});
    return {first, pins, clone};
  }

  before(async function() {
    registry = await startRegistry({name: `platform-pins`});
    await registry.publishAll([...platformTool(`ptool`), ...platformTool(`pguard`)]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`when a pins file is written on one platform`, () => {
    it(`pins the other platform's package from its registry's integrity`, async () => {
      const {pins} = await writtenOnThenClonedTo(`ptool`, DARWIN_ARM64, LINUX_X64);
      const lines = pinLines(pins);
      assert.deepEqual(lines.map(line => line.split(` `)[0]), [`ptool-darwin-arm64@1.0.0`, `ptool-linux-x64@1.0.0`, `ptool@1.0.0`]);
      const linux = lines.find(line => line.startsWith(`ptool-linux-x64@`))!;
      assert.equal(linux.split(` `)[1], (await registry.packument(`ptool-linux-x64`))!.versions[`1.0.0`].dist.integrity);
      assert.match(linux, / -$/);
      assert.match(lines.find(line => line.startsWith(`ptool-darwin-arm64@`))!, / -$/, `Yarn records no archive checksum for a package with conditions`);
    });

    it(`installs with --immutable on another platform, in both directions`, async () => {
      for (const [writer, reader] of [[DARWIN_ARM64, LINUX_X64], [LINUX_X64, DARWIN_ARM64]]) {
        const {pins, clone} = await writtenOnThenClonedTo(`ptool`, writer, reader);
        const install = await clone.yarn([`install`, `--immutable`]);
        assert.equal(install.code, 0, install.output);
        assert.equal(await clone.readFile(PINS), pins);
        // A second install, from a warm cache, leaves the pins as they are too.
        const again = await clone.yarn([`install`, `--immutable`]);
        assert.equal(again.code, 0, again.output);
      }
    });

    it(`leaves the pins as they are when it installs again from a warm cache`, async () => {
      const {first, pins} = await writtenOnThenClonedTo(`ptool`, LINUX_X64, DARWIN_ARM64);
      const install = await first.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.equal(await first.readFile(PINS), pins);
    });
  });

  describe(`when the platform's own package is in the cache`, () => {
    it(`checks its archive against the pinned tarball once, not on every install`, async () => {
      const {clone} = await writtenOnThenClonedTo(`ptool`, DARWIN_ARM64, LINUX_X64);
      assert.equal((await clone.yarn([`install`, `--immutable`])).code, 0);
      // Older than the 2 s window of racy timestamps, the check is remembered.
      await new Promise(resolve => setTimeout(resolve, 2_100));
      let mark = await registry.markLog();
      const checked = await clone.yarn([`install`, `--immutable`]);
      assert.equal(checked.code, 0, checked.output);
      assert.equal((await registry.requestsFor(`ptool-linux-x64`, {since: mark})).tarball, 1);

      mark = await registry.markLog();
      const again = await clone.yarn([`install`, `--immutable`]);
      assert.equal(again.code, 0, again.output);
      assert.deepEqual(await registry.requestsFor(`ptool-linux-x64`, {since: mark}), {metadata: 0, tarball: 0});
    });
  });

  describe(`when the registry later serves another tarball for the other platform's package`, () => {
    it(`refuses it on the platform that installs it`, async () => {
      const {clone} = await writtenOnThenClonedTo(`pguard`, DARWIN_ARM64, LINUX_X64);
      // A compromised registry: other bytes, and metadata that agrees with them.
      await registry.tamperTarball(`pguard-linux-x64`, `1.0.0`, plain(`pguard-linux-x64`, `1.0.0`, {manifest: {os: [`linux`], cpu: [`x64`]}, files: {[`bin.js`]: `module.exports = 'linux';\n`, [`evil.js`]: `module.exports = 'evil';\n`}}), {updateMetadata: true});

      const install = await clone.yarn([`install`, `--immutable`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /pguard-linux-x64@npm:1\.0\.0: the tarball downloaded from .* differs from the one pinned for pguard-linux-x64@1\.0\.0/);
      assert.equal(await clone.exists(`node_modules/pguard-linux-x64/evil.js`), false);
    });
  });
});
