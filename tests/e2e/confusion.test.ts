/**
 * Dependency confusion, end to end: two Verdaccio instances on loopback, one
 * standing for the public registry and one for the company's internal
 * registry (in one setup proxying the public one and merging its versions).
 */
import {strict as assert} from 'assert';

import {type Registry, type TestProject, assertCleanButNoFeed, makeProject, plain, scripted, startRegistry, withoutFeedNotice} from './harness';

describe(`dependency confusion (e2e)`, function() {
  this.timeout(180_000);

  let pub: Registry;
  let corp: Registry;
  let proxy: Registry;
  const projects: TestProject[] = [];

  /** Scoped internal names routed to `corp`; unscoped ones need the default registry to be internal. */
  function internalSetup(registry: Registry) {
    return {
      npmRegistryServer: registry.url,
      npmScopes: {corp: {npmRegistryServer: corp.url}},
      trustPublicRegistryServer: pub.url,
      // Unscoped internal names can only be routed by an internal default registry.
      trustInternalPackages: registry === pub ? [`@corp/*`] : [`corp-*`, `@corp/*`],
    };
  }

  async function project(manifest: Record<string, unknown>, yarnrc: Record<string, unknown>, files: Record<string, string> = {}) {
    // Yarn refuses settings it does not know yet: the plugin's own are added once it is imported.
    const yarnSettings = Object.fromEntries(Object.entries(yarnrc).filter(([key]) => !key.startsWith(`trust`)));
    const pluginSettings = Object.fromEntries(Object.entries(yarnrc).filter(([key]) => key.startsWith(`trust`)));
    const created = await makeProject({registry: pub, manifest: {name: `app`, private: true, ...manifest}, yarnrc: yarnSettings, files});
    projects.push(created);
    await created.updateYarnrc(pluginSettings);
    return created;
  }

  const requestsTo = async (registry: Registry, since: number, fragment: string) =>
    (await registry.requestLog({since})).filter(line => line.includes(fragment));

  before(async function() {
    [pub, corp] = await Promise.all([startRegistry({name: `public`}), startRegistry({name: `corp`})]);
    proxy = await startRegistry({name: `corp-proxy`, uplinkUrl: pub.url});
    await Promise.all([
      corp.publishAll([
        plain(`@corp/ui`, `1.0.0`),
        plain(`@corp/clean`, `1.0.0`),
        plain(`@corp/a`, `1.0.0`), plain(`@corp/b`, `1.0.0`), plain(`@corp/c`, `1.0.0`), plain(`@corp/d`, `1.0.0`),
      ]),
      proxy.publishAll([
        plain(`corp-utils`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'internal';\n`}}),
        plain(`corp-owned`, `1.0.0`),
        plain(`corp-later`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'internal';\n`}}),
      ]),
      pub.publishAll([
        // The attacker's copies of internal names, with a higher version and a beacon.
        scripted(`corp-utils`, `1.99.0`, {preinstall: true}),
        plain(`@corp/ui`, `9.0.0`),
        plain(`corp-owned`, `2.0.0`),
        plain(`evil-ui`, `1.0.0`),
        plain(`left-pad`, `1.3.0`),
      ]),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await Promise.all([pub?.stop(), corp?.stop(), proxy?.stop()]);
  });

  describe(`when the internal registry proxies the public one and an attacker published a higher version`, () => {
    it(`refuses the collision before any tarball is fetched`, async () => {
      const app = await project({dependencies: {[`corp-utils`]: `^1.0.0`}}, internalSetup(proxy));
      const mark = await proxy.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /corp-utils is internal, but the public registry http:\/\/127\.0\.0\.1:\d+ also has a package of that name/);
      assert.match(install.output, /yarn trust acknowledge corp-utils/);
      assert.deepEqual(await requestsTo(proxy, mark, `.tgz`), []);
      assert.deepEqual(await app.markers(), []);
      assert.equal(await app.exists(`yarn.lock`), false);
    });
  });

  describe(`when a scoped internal name is also published on the public registry`, () => {
    it(`refuses it`, async () => {
      const app = await project({dependencies: {[`@corp/ui`]: `1.0.0`}}, internalSetup(pub));
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /@corp\/ui is internal, but the public registry .* also has a package of that name/);
    });
  });

  describe(`when the collision is acknowledged in the trust file`, () => {
    it(`installs the internal package`, async () => {
      const app = await project({dependencies: {[`corp-owned`]: `1.0.0`}}, internalSetup(proxy));
      assert.equal((await app.yarn([`install`])).code, 1);

      const acknowledge = await app.yarn([`trust`, `acknowledge`, `corp-owned`, `--reason`, `our npm org publishes it`]);
      assert.equal(acknowledge.code, 0, acknowledge.output);
      const trust = await app.readJson(`yarn-trust.json`);
      assert.equal(trust.collisions[`corp-owned`].reason, `our npm org publishes it`);
      assert.equal(trust.collisions[`corp-owned`].publicRegistry, pub.url);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.equal((await app.readJson(`node_modules/corp-owned/package.json`)).version, `1.0.0`);
    });
  });

  describe(`when the lockfile points an internal package at the public host`, () => {
    it(`refuses it before anything is requested`, async () => {
      const source = await project({dependencies: {[`@corp/clean`]: `1.0.0`}}, internalSetup(pub));
      assert.equal((await source.yarn([`install`])).code, 0);
      const lockfile = (await source.readFile(`yarn.lock`)).replace(`resolution: "@corp/clean@npm:1.0.0"`, `resolution: "@corp/clean@npm:1.0.0::__archiveUrl=${encodeURIComponent(`${pub.url}/@corp/clean/-/clean-1.0.0.tgz`)}"`);
      assert.ok(lockfile.includes(`__archiveUrl`));

      const app = await project({dependencies: {[`@corp/clean`]: `1.0.0`}}, internalSetup(pub), {[`yarn.lock`]: lockfile});
      const mark = await pub.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /@corp\/clean@npm:1\.0\.0.* is internal, but/);
      assert.deepEqual(await requestsTo(pub, mark, `@corp`), []);
    });
  });

  describe(`when an internal glob has no registry route`, () => {
    it(`stops before any request for that name is sent`, async () => {
      const app = await project({dependencies: {[`@acme/secret`]: `1.0.0`}}, {trustPublicRegistryServer: pub.url, trustInternalPackages: [`@acme/*`]});
      const mark = await pub.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /@acme\/\*.*Nothing was requested for it/);
      assert.deepEqual(await requestsTo(pub, mark, `acme`), []);
    });
  });

  describe(`when an internal name is remapped to another package`, () => {
    it(`refuses the alias before anything is downloaded`, async () => {
      const app = await project({dependencies: {[`@corp/ui`]: `npm:evil-ui@1.0.0`}}, internalSetup(pub));
      const mark = await pub.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /depends on @corp\/ui@npm:evil-ui@1\.0\.0: @corp\/ui is internal but app@workspace:\. remaps it to evil-ui/);
      assert.deepEqual(await requestsTo(pub, mark, `evil-ui`), []);
    });
  });

  describe(`when collision probes are switched off (air-gapped)`, () => {
    it(`asks nothing of the public registry and says collisions were not checked`, async () => {
      const app = await project({dependencies: {[`@corp/ui`]: `1.0.0`}}, {...internalSetup(pub), trustCollisionProbes: false});
      const mark = await pub.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await requestsTo(pub, mark, `@corp`), []);

      const check = await app.yarn([`trust`, `check`]);
      assert.match(check.output, /@corp\/ui: collisions with the public registry were not checked \(trustCollisionProbes is false\)/);
      const status = await app.yarn([`trust`, `status`]);
      assert.match(status.output, /collisions of internal names with the public registry are not checked/);
    });
  });

  describe(`when the attacker publishes after the internal name was locked`, () => {
    it(`refuses the new resolution of yarn up`, async () => {
      const app = await project({dependencies: {[`corp-later`]: `^1.0.0`}}, internalSetup(proxy));
      assert.equal((await app.yarn([`install`])).code, 0);

      await pub.publish(plain(`corp-later`, `1.99.0`, {files: {[`index.js`]: `module.exports = 'attacker';\n`}}));
      const up = await app.yarn([`up`, `corp-later`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, /corp-later is internal, but the public registry .* also has a package of that name/);
      assert.match(await app.readFile(`node_modules/corp-later/index.js`), /internal/);
    });
  });

  describe(`when a public-looking alias points to an internal name`, () => {
    it(`probes the remap target`, async () => {
      const app = await project({dependencies: {utils: `npm:corp-utils@^1.0.0`}}, internalSetup(proxy));
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /corp-utils is internal, but the public registry/);
    });
  });

  describe(`when the lockfile lists an internal descriptor under another package`, () => {
    it(`refuses it before anything is downloaded`, async () => {
      const source = await project({dependencies: {[`@corp/clean`]: `1.0.0`, [`left-pad`]: `1.3.0`}}, internalSetup(pub));
      assert.equal((await source.yarn([`install`])).code, 0);
      const lockfile = (await source.readFile(`yarn.lock`))
        .replace(/^"@corp\/clean@npm:1\.0\.0":\n(  .*\n)+\n/m, ``)
        .replace(`"left-pad@npm:1.3.0":`, `"@corp/clean@npm:1.0.0, left-pad@npm:1.3.0":`);
      const app = await project({dependencies: {[`@corp/clean`]: `1.0.0`, [`left-pad`]: `1.3.0`}}, internalSetup(pub), {[`yarn.lock`]: lockfile});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /yarn\.lock resolves @corp\/clean@npm:1\.0\.0, an internal package, to left-pad@npm:1\.3\.0/);
    });
  });

  describe(`when a command resolves an internal name before any install`, () => {
    it(`does not leak it to the public registry (yarn add without a range)`, async () => {
      const app = await project({}, {trustPublicRegistryServer: pub.url, trustInternalPackages: [`@acme/*`]});
      const mark = await pub.markLog();
      const add = await app.yarn([`add`, `@acme/secret`]);
      assert.notEqual(add.code, 0, add.output);
      assert.deepEqual(await requestsTo(pub, mark, `acme`), []);
    });
  });

  describe(`when several workspaces add new internal names at once`, () => {
    it(`probes each once and keeps every answer`, async () => {
      const files: Record<string, string> = {};
      for (const letter of [`a`, `b`, `c`, `d`])
        files[`packages/w-${letter}/package.json`] = JSON.stringify({name: `w-${letter}`, version: `1.0.0`, dependencies: {[`@corp/${letter}`]: `1.0.0`}});
      const app = await project({workspaces: [`packages/*`]}, internalSetup(pub), files);
      const mark = await pub.markLog();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual((await requestsTo(pub, mark, `@corp/`)).sort(), [`GET /@corp/a`, `GET /@corp/b`, `GET /@corp/c`, `GET /@corp/d`]);

      const check = await app.yarn([`trust`, `check`]);
      assertCleanButNoFeed(check);
      assert.equal((await requestsTo(pub, mark, `@corp/`)).length, 4, `every answer was cached`);
    });
  });

  describe(`when acknowledging without asking the public registry`, () => {
    it(`refuses to record anything`, async () => {
      const app = await project({}, {...internalSetup(pub), trustCollisionProbes: false});
      const acknowledge = await app.yarn([`trust`, `acknowledge`, `@corp/never-published`]);
      assert.equal(acknowledge.code, 1, acknowledge.output);
      assert.match(acknowledge.output, /cannot be acknowledged while trustCollisionProbes is false/);
      assert.equal(await app.exists(`yarn-trust.json`), false);
    });
  });

  describe(`when the internal setup is clean`, () => {
    it(`installs with no noise, and asks the public registry only once per name`, async () => {
      const app = await project({dependencies: {[`@corp/clean`]: `1.0.0`, [`left-pad`]: `1.3.0`}}, internalSetup(pub));
      const mark = await pub.markLog();
      const first = await app.yarn([`install`]);
      assert.equal(first.code, 0, first.output);
      assert.doesNotMatch(withoutFeedNotice(first.output), /trust|internal|collision|YN0080/i);
      assert.equal((await requestsTo(pub, mark, `@corp`)).length, 1, `one probe`);

      // Locked resolutions are not probed again; `yarn trust check` reuses the cached answer.
      const second = await app.yarn([`install`]);
      assert.equal(second.code, 0, second.output);
      const check = await app.yarn([`trust`, `check`]);
      assertCleanButNoFeed(check);
      assert.equal((await requestsTo(pub, mark, `@corp`)).length, 1, `still one probe`);
      assert.deepEqual((await requestsTo(corp, 0, `@corp/clean`)).length > 0, true);
    });
  });
});
