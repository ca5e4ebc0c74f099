/**
 * Smoke test of the e2e harness itself: registry, publishing, hermetic projects, markers, plugin import.
 */
import {strict as assert} from 'assert';
import {execFileSync} from 'child_process';
import {createHash} from 'crypto';
import * as http from 'http';

import {Registry, TestProject, classifyRequest, distHashes, fakeNodeGyp, makeProject, markerName, plain, scripted, startRegistry, withBindingGyp} from './harness';

describe(`e2e harness`, function() {
  let registry: Registry;
  const projects: TestProject[] = [];
  const track = (project: TestProject) => (projects.push(project), project);

  before(async function() {
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

  after(async function() {
    this.timeout(30000);
    for (const project of projects)
      await project.cleanup();
    await registry?.stop();
  });

  it(`installs from the local registry and runs a dependency postinstall (no plugin)`, async function() {
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

  it(`imports the plugin bundle the way a user does`, async function() {
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

  it(`runs the implicit node-gyp build of a binding.gyp package with the fake node-gyp`, async function() {
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

  it(`skips scripts by default (Yarn 4.18: enableScripts defaults to false)`, async function() {
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

  it(`handles scoped packages through npmScopes, yarn add without a range, and blocks non-loopback hosts`, async function() {
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

  it(`shares a cache between projects when asked`, async function() {
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

  it(`proxies to an uplink registry only when one is given`, async function() {
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

  it(`never forwards to a public registry when no uplink is configured`, async function() {
    const packument = await registry.packument(`left-pad`);
    assert.equal(packument, null);
  });
});

/** A plain client request (like curl): not harness traffic, so it shows up in requestLog(). */
function httpGet(url: string, headers: Record<string, string> = {}): Promise<{status: number, body: Buffer}> {
  return new Promise((resolve, reject) => {
    http.get(url, {headers: {'user-agent': `curl/8.0`, ...headers}}, response => {
      const chunks: Buffer[] = [];
      response.on(`data`, (chunk: Buffer) => chunks.push(chunk));
      response.on(`end`, () => resolve({status: response.statusCode ?? 0, body: Buffer.concat(chunks)}));
      response.on(`error`, reject);
    }).on(`error`, reject);
  });
}

async function httpJson(url: string, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const {status, body} = await httpGet(url, {accept: `application/json`, ...headers});
  assert.equal(status, 200, `GET ${url}: ${body.toString()}`);
  return JSON.parse(body.toString(`utf8`));
}

const sha512 = (bytes: Buffer) => `sha512-${createHash(`sha512`).update(bytes).digest(`base64`)}`;

describe(`e2e harness: tampering with registry storage and counting requests`, function() {
  let registry: Registry;
  const projects: TestProject[] = [];
  const track = (project: TestProject) => (projects.push(project), project);
  const original = (name: string, version = `1.0.0`) => plain(name, version, {files: {'index.js': `module.exports = 'original ${name}@${version}';\n`}});
  const evil = (name: string, version = `1.0.0`) => plain(name, version, {files: {'index.js': `module.exports = 'TAMPERED ${name}@${version}';\n`}});

  before(async function() {
    this.timeout(120000);
    registry = await startRegistry({name: `tamper`});
    await registry.publishAll([
      original(`same-bytes`),
      original(`tamper-bytes`),
      original(`tamper-meta`),
      original(`@acme/tamper-scoped`),
      original(`count-me`),
      original(`victim`),
      original(`relist`),
      original(`relist`, `1.0.1`),
    ]);
  });

  after(async function() {
    this.timeout(30000);
    for (const project of projects)
      await project.cleanup();
    await registry?.stop();
  });

  it(`tarballUrl() is dist.tarball as served, and npm pack of the same fixture reproduces the published bytes`, async function() {
    this.timeout(60000);
    for (const name of [`same-bytes`, `@acme/tamper-scoped`]) {
      const served = (await registry.packument(name))!.versions[`1.0.0`].dist;
      assert.equal(registry.tarballUrl(name, `1.0.0`), served.tarball);
      const bytes = await registry.tarball(name, `1.0.0`);
      assert.equal(sha512(bytes), served.integrity);
      assert.deepEqual(distHashes(bytes), {integrity: served.integrity, shasum: served.shasum, size: bytes.length});
    }
    assert.equal(registry.tarballUrl(`@acme/tamper-scoped`, `1.0.0`), `${registry.url}/@acme/tamper-scoped/-/tamper-scoped-1.0.0.tgz`);
    assert.throws(() => registry.tarballUrl(`same-bytes`, `9.9.9`), /same-bytes@9\.9\.9 is not in the stored packument/);
    assert.throws(() => registry.tarballUrl(`never-published`, `1.0.0`), /never-published is not in the storage/);
    assert.throws(() => registry.tarballUrl(`../etc`, `1.0.0`), /is not a package name/);

    // Same fixture -> byte-identical tarball (npm pins mtimes): the "tampered" bytes equal the originals.
    const before = (await registry.packument(`same-bytes`))!.versions[`1.0.0`].dist.integrity;
    const info = await registry.tamperTarball(`same-bytes`, `1.0.0`, original(`same-bytes`));
    assert.equal(info.integrity, before);
    assert.equal(sha512(await registry.tarball(`same-bytes`, `1.0.0`)), before);
    // The harness's own downloads and packument reads are not client traffic.
    assert.deepEqual(await registry.requestLog(), []);
  });

  it(`tamperTarball() without updateMetadata: new bytes are served at once, the packument keeps the old integrity`, async function() {
    this.timeout(60000);
    const url = registry.tarballUrl(`tamper-bytes`, `1.0.0`);
    const originalBytes = (await httpGet(url)).body;
    const originalDist = (await httpJson(`${registry.url}/tamper-bytes`)).versions[`1.0.0`].dist;
    assert.equal(sha512(originalBytes), originalDist.integrity);

    const info = await registry.tamperTarball(`tamper-bytes`, `1.0.0`, evil(`tamper-bytes`));
    const {status, body} = await httpGet(url);
    assert.equal(status, 200);
    assert.ok(!body.equals(originalBytes), `the served tarball should have changed`);
    assert.equal(sha512(body), info.integrity);
    assert.notEqual(sha512(body), originalDist.integrity);
    // Full packument, abbreviated packument (what Yarn asks for) and version document all still list the old hashes.
    const full = (await httpJson(`${registry.url}/tamper-bytes`)).versions[`1.0.0`].dist;
    const abbreviated = (await httpJson(`${registry.url}/tamper-bytes`, {accept: `application/vnd.npm.install-v1+json`})).versions[`1.0.0`].dist;
    const versionDoc = (await httpJson(`${registry.url}/tamper-bytes/1.0.0`)).dist;
    for (const dist of [full, abbreviated, versionDoc]) {
      assert.equal(dist.integrity, originalDist.integrity);
      assert.equal(dist.shasum, originalDist.shasum);
      assert.equal(dist.tarball, url);
    }
    assert.notEqual(createHash(`sha1`).update(body).digest(`hex`), originalDist.shasum);
  });

  it(`tamperTarball() with updateMetadata: integrity and shasum match the new bytes (compromised registry)`, async function() {
    this.timeout(60000);
    for (const name of [`tamper-meta`, `@acme/tamper-scoped`]) {
      const url = registry.tarballUrl(name, `1.0.0`);
      const originalDist = (await registry.packument(name))!.versions[`1.0.0`].dist;
      const info = await registry.tamperTarball(name, `1.0.0`, evil(name), {updateMetadata: true});
      const body = (await httpGet(url)).body;
      assert.equal(sha512(body), info.integrity);
      assert.notEqual(info.integrity, originalDist.integrity);
      const encoded = `${registry.url}/${name.replace(`/`, `%2f`)}`;
      const full = (await httpJson(encoded)).versions[`1.0.0`].dist;
      const abbreviated = (await httpJson(encoded, {accept: `application/vnd.npm.install-v1+json`})).versions[`1.0.0`].dist;
      const versionDoc = (await httpJson(`${encoded}/1.0.0`)).dist;
      for (const dist of [full, abbreviated, versionDoc]) {
        assert.equal(dist.integrity, sha512(body));
        assert.equal(dist.shasum, createHash(`sha1`).update(body).digest(`hex`));
        assert.equal(dist.tarball, url);
      }
      assert.match(execFileSync(`tar`, [`-xzOf`, `-`, `package/index.js`], {input: body}).toString(), /TAMPERED/);
    }
  });

  it(`requestsFor() tells metadata from tarball requests, counts only clients, and respects markLog()`, async function() {
    this.timeout(60000);
    const mark = await registry.markLog();
    await httpGet(`${registry.url}/count-me`, {accept: `application/vnd.npm.install-v1+json`});
    await httpGet(`${registry.url}/count-me/1.0.0`);
    await httpGet(`${registry.url}/count-me/latest`);
    await httpGet(`${registry.url}/count-me/-/count-me-1.0.0.tgz`);
    await httpGet(`${registry.url}/count-me/-/count-me-1.0.0.tgz?cache-bust=1`);
    await httpGet(`${registry.url}/count-me-not`); // 404, another name
    await httpGet(`${registry.url}/-/v1/search?text=count-me`);
    await registry.packument(`count-me`); // harness traffic
    await registry.tarball(`count-me`, `1.0.0`); // harness traffic
    assert.deepEqual(await registry.requestsFor(`count-me`, {since: mark}), {metadata: 3, tarball: 2});
    assert.deepEqual(await registry.requestsFor(`count-me-not`, {since: mark}), {metadata: 1, tarball: 0});
    assert.deepEqual(await registry.requestLog({since: mark}), [
      `GET /count-me`, `GET /count-me/1.0.0`, `GET /count-me/latest`, `GET /count-me/-/count-me-1.0.0.tgz`,
      `GET /count-me/-/count-me-1.0.0.tgz?cache-bust=1`, `GET /count-me-not`, `GET /-/v1/search?text=count-me`,
    ]);
    assert.deepEqual(await registry.requestedNames({since: mark}), [`count-me`, `count-me-not`]);
    assert.equal((await registry.requestLog({since: mark, includeHarness: true})).length, 9);
    // Without `since`: everything since start (nothing else asked for count-me).
    assert.deepEqual(await registry.requestsFor(`count-me`), {metadata: 3, tarball: 2});

    const second = await registry.markLog();
    assert.equal(second, mark + 9);
    await httpGet(`${registry.url}/count-me/-/count-me-1.0.0.tgz`);
    assert.deepEqual(await registry.requestsFor(`count-me`, {since: second}), {metadata: 0, tarball: 1});
    assert.deepEqual(await registry.requestsFor(`count-me`, {since: await registry.markLog()}), {metadata: 0, tarball: 0});

    assert.deepEqual(classifyRequest(`GET /@acme/x/-/x-1.0.0.tgz`), {name: `@acme/x`, kind: `tarball`});
    assert.deepEqual(classifyRequest(`GET /@acme/x/1.0.0`), {name: `@acme/x`, kind: `metadata`});
    assert.deepEqual(classifyRequest(`GET /@acme/x`), {name: `@acme/x`, kind: `metadata`});
    assert.equal(classifyRequest(`PUT /x`), null);
    assert.equal(classifyRequest(`GET /-/ping`), null);
  });

  it(`plain Yarn 4.18.1 installs a tampered tarball silently (the gap the plugin closes)`, async function() {
    this.timeout(120000);
    await registry.tamperTarball(`victim`, `1.0.0`, evil(`victim`));
    const project = track(await makeProject({
      registry,
      plugin: false,
      manifest: {name: `tamper-victim`, private: true, dependencies: {victim: `1.0.0`}},
    }));
    const mark = await registry.markLog();
    const result = await project.yarn([`install`]);
    assert.equal(result.code, 0, result.output);
    assert.match(await project.readFile(`node_modules/victim/index.js`), /TAMPERED victim@1\.0\.0/);
    assert.doesNotMatch(result.output, /integrity|YN0018/i);
    const counts = await registry.requestsFor(`victim`, {since: mark});
    assert.equal(counts.tarball, 1, (await registry.requestLog({since: mark})).join(`\n`));
    assert.ok(counts.metadata >= 1, JSON.stringify(counts));
  });

  it(`setDistTarball() makes the registry list another tarball file (Verdaccio keeps only the file name)`, async function() {
    this.timeout(120000);
    const other = await registry.tarball(`relist`, `1.0.1`);
    const listed = await registry.setDistTarball(`relist`, `1.0.0`, `https://elsewhere.invalid/some/path/relist-1.0.1.tgz`);
    assert.equal(listed, `${registry.url}/relist/-/relist-1.0.1.tgz`);
    assert.equal(registry.tarballUrl(`relist`, `1.0.0`), listed);
    const dist = (await registry.packument(`relist`))!.versions[`1.0.0`].dist;
    assert.equal(dist.tarball, listed);
    assert.ok((await registry.tarball(`relist`, `1.0.0`)).equals(other));
    assert.notEqual(dist.integrity, sha512(other), `integrity is left alone`);

    // A new file name with bytes of its own.
    const evilListed = await registry.setDistTarball(`relist`, `1.0.0`, `${registry.url}/relist/-/relist-evil.tgz`, {replacement: evil(`relist`)});
    assert.equal(evilListed, `${registry.url}/relist/-/relist-evil.tgz`);
    const evilBytes = (await httpGet(evilListed)).body;
    assert.match(execFileSync(`tar`, [`-xzOf`, `-`, `package/index.js`], {input: evilBytes}).toString(), /TAMPERED relist@1\.0\.0/);
    await assert.rejects(registry.setDistTarball(`relist`, `1.0.0`, `not a url`), /not an absolute URL/);

    // Plain Yarn follows a non-conventional dist.tarball (it records it as __archiveUrl) without checking anything.
    const project = track(await makeProject({
      registry,
      plugin: false,
      manifest: {name: `tamper-relist`, private: true, dependencies: {relist: `1.0.0`}},
    }));
    const mark = await registry.markLog();
    const result = await project.yarn([`install`]);
    assert.equal(result.code, 0, result.output);
    assert.match(await project.readFile(`node_modules/relist/index.js`), /TAMPERED relist@1\.0\.0/);
    assert.match(await project.readFile(`yarn.lock`), /__archiveUrl=.*relist-evil\.tgz/);
    assert.deepEqual(await registry.requestLog({since: mark}), [`GET /relist`, `GET /relist/-/relist-evil.tgz`]);
  });
});
