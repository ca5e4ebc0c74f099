/**
 * Smoke test of the e2e harness itself: registry, publishing, hermetic projects, markers, plugin import.
 */
import {strict as assert} from 'assert';
import {execFileSync} from 'child_process';

import {Registry, TestProject, fakeNodeGyp, makeProject, markerName, plain, scripted, startRegistry, withBindingGyp} from './harness';

describe(`e2e harness`, function () {
  let registry: Registry;
  const projects: TestProject[] = [];
  const track = (project: TestProject) => (projects.push(project), project);

  before(async function () {
    this.timeout(120000);
    registry = await startRegistry({name: `smoke`});
    await registry.publishAll([
      scripted(`has-postinstall`, `1.0.0`, {postinstall: true}),
      plain(`plain`, `1.0.0`),
      fakeNodeGyp(),
      withBindingGyp(`native-thing`, `1.0.0`),
      scripted(`@acme/scoped`, `1.0.0`, {preinstall: true}),
    ]);
    // Publishing is the harness's own traffic: it must not show up as requests of the code under test.
    assert.deepEqual(await registry.requestLog(), []);
    assert.ok((await registry.requestLog({includeHarness: true})).includes(`PUT /plain`));
  });

  after(async function () {
    this.timeout(30000);
    for (const project of projects)
      await project.cleanup();
    await registry?.stop();
  });

  it(`installs from the local registry and runs a dependency postinstall (no plugin)`, async function () {
    this.timeout(120000);
    const project = track(await makeProject({
      registry,
      plugin: false,
      yarnrc: {enableScripts: true},
      manifest: {name: `smoke-root`, private: true, dependencies: {'has-postinstall': `1.0.0`, plain: `1.0.0`}},
    }));
    const result = await project.yarn([`install`]);
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(await project.markers(), [markerName(`has-postinstall`, `1.0.0`, `postinstall`)], result.output);
    assert.match(result.output, /marker has-postinstall@1\.0\.0 postinstall/, `inline build logs should be in the output`);
    assert.ok(await project.exists(`node_modules/plain/package.json`));
    assert.ok((await registry.requestedNames()).includes(`plain`), (await registry.requestLog()).join(`\n`));
    assert.ok((await registry.requestLog()).some(line => /^GET \/plain\/-\/plain-1\.0\.0\.tgz$/.test(line)));
  });

  it(`imports the plugin bundle the way a user does`, async function () {
    this.timeout(120000);
    const project = track(await makeProject({
      registry,
      manifest: {name: `smoke-plugin`, private: true, dependencies: {plain: `1.0.0`}},
    }));
    assert.ok(await project.exists(`.yarn/plugins/@yarnpkg/plugin-trust.cjs`));
    const plugins = (await project.yarnrc()).plugins as Array<{path: string}>;
    assert.ok(plugins.some(plugin => plugin.path === `.yarn/plugins/@yarnpkg/plugin-trust.cjs`), JSON.stringify(plugins));
    const result = await project.yarn([`install`]);
    assert.equal(result.code, 0, result.output);

    // updateYarnrc keeps the plugin entry.
    await project.updateYarnrc({enableScripts: true});
    const yarnrc = await project.yarnrc();
    assert.equal(yarnrc.enableScripts, `true`); // Yarn's parser keeps scalars as strings
    assert.deepEqual(yarnrc.plugins, plugins);
  });

  it(`runs the implicit node-gyp build of a binding.gyp package with the fake node-gyp`, async function () {
    this.timeout(120000);
    const project = track(await makeProject({
      registry,
      plugin: false,
      yarnrc: {enableScripts: true},
      manifest: {name: `smoke-gyp`, private: true, dependencies: {'native-thing': `1.0.0`}},
    }));
    const result = await project.yarn([`install`]);
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(await project.markers(), [markerName(`native-thing`, `1.0.0`, `node-gyp`)], result.output);
    const marker = JSON.parse(await project.readFile(`${project.markersDir}/${markerName(`native-thing`, `1.0.0`, `node-gyp`)}`));
    assert.deepEqual(marker.argv, [`rebuild`]);
  });

  it(`skips scripts by default (Yarn 4.18: enableScripts defaults to false)`, async function () {
    this.timeout(120000);
    const project = track(await makeProject({
      registry,
      plugin: false,
      manifest: {name: `smoke-default`, private: true, dependencies: {'has-postinstall': `1.0.0`, 'native-thing': `1.0.0`}},
    }));
    const result = await project.yarn([`install`]);
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(await project.markers(), [], result.output);
  });

  it(`handles scoped packages through npmScopes, yarn add without a range, and blocks non-loopback hosts`, async function () {
    this.timeout(120000);
    const project = track(await makeProject({
      registry,
      plugin: false,
      // The harness copies npmMinimalAgeGate into each scope (Yarn 4.18 ignores the global one there).
      yarnrc: {enableScripts: true, npmScopes: {acme: {npmRegistryServer: registry.url}, elsewhere: {npmRegistryServer: `https://registry.npmjs.org`}}},
      manifest: {name: `smoke-scoped`, private: true},
    }));
    const added = await project.yarn([`add`, `@acme/scoped`]);
    assert.equal(added.code, 0, added.output);
    assert.deepEqual(await project.markers(), [markerName(`@acme/scoped`, `1.0.0`, `preinstall`)], added.output);
    assert.equal((await project.readJson(`package.json`)).dependencies[`@acme/scoped`], `^1.0.0`);
    assert.ok((await registry.requestedNames()).includes(`@acme/scoped`));

    const blocked = await project.yarn([`add`, `@elsewhere/anything@1.0.0`]);
    assert.equal(blocked.code, 1, blocked.output);
    assert.match(blocked.output, /YN0080: .*registry\.npmjs\.org.* has been blocked/);
  });

  it(`shares a cache between projects when asked`, async function () {
    this.timeout(120000);
    const first = track(await makeProject({registry, plugin: false, manifest: {dependencies: {plain: `1.0.0`}}}));
    assert.equal((await first.yarn([`install`])).code, 0);
    // Yarn names cache files by checksum: without the lockfile it cannot find them and downloads again.
    const second = track(await makeProject({
      registry,
      plugin: false,
      cacheDir: first.cacheDir,
      manifest: {dependencies: {plain: `1.0.0`}},
      files: {'yarn.lock': await first.readFile(`yarn.lock`)},
    }));
    const before = (await registry.requestLog()).length;
    const result = await second.yarn([`install`]);
    assert.equal(result.code, 0, result.output);
    const tarballRequests = (await registry.requestLog()).slice(before).filter(line => line.endsWith(`.tgz`));
    assert.deepEqual(tarballRequests, [], `warm cache should not download tarballs`);
  });

  it(`proxies to an uplink registry only when one is given`, async function () {
    this.timeout(120000);
    const proxy = await startRegistry({name: `proxy`, uplinkUrl: registry.url});
    try {
      await proxy.publish(plain(`internal-only`, `1.0.0`));
      // Same name, lower version: npm 11 would refuse an implicit `latest`; the harness picks a tag.
      await proxy.publish(plain(`internal-only`, `0.9.0`));
      const packument = await proxy.packument(`plain`);
      assert.ok(packument?.versions[`1.0.0`], `proxy should merge versions of its uplink`);
      assert.match(packument!.versions[`1.0.0`].dist.tarball, new RegExp(`^${proxy.url}/`));
      assert.deepEqual(Object.keys((await proxy.packument(`internal-only`))!.versions).sort(), [`0.9.0`, `1.0.0`]);
      assert.equal(await registry.packument(`internal-only`), null);
    } finally {
      await proxy.stop();
      await proxy.stop(); // idempotent
    }
    assert.throws(() => execFileSync(`pgrep`, [`-f`, proxy.dir]), `Verdaccio of the stopped registry still runs`);
  });

  it(`never forwards to a public registry when no uplink is configured`, async function () {
    const packument = await registry.packument(`left-pad`);
    assert.equal(packument, null);
  });
});
