/**
 * `nmMode: hardlinks-global` (outside round 43, B1): the node-modules linker
 * builds each package folder from a listing in Yarn's machine-wide store
 * (`<globalFolder>/store/v1`), which Yarn never compares with the archive. A
 * store poisoned by another project on the machine, or restored from a CI
 * cache, then decides what a fresh clone links: a listing path that climbs out
 * of `node_modules` plants a file in the project itself, and a content file
 * swapped under its listing's timestamp replaces a package's file. Each test
 * fails on the bundle of round 43 (the marker is written, the install passes).
 */
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import {markerCode as PWN, plain, suiteRegistry, type TestProject} from './harness';

const GENUINE = `module.exports = 'genuine';\n`;
const APP_CODE = `module.exports = 'code the app runs, no install script';\n`;
const sha1 = (text: string) => createHash(`sha1`).update(text).digest(`hex`);

describe(`the global hard-link store (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`hardlinks-store`, () => [
    plain(`zqh43lib`, `1.0.0`, {files: {[`index.js`]: GENUINE}}),
    plain(`zqh43app`, `1.0.0`, {files: {[`index.js`]: APP_CODE}}),
  ]);

  /** The team's project: hardlinks-global, its own postinstall requires `./helpers` (a folder) and the library (approved). */
  async function teamProject() {
    const app = await suite.project({
      manifest: {name: `app`, private: true, dependencies: {zqh43lib: `1.0.0`, zqh43app: `1.0.0`}, scripts: {postinstall: `node scripts/postinstall.js`}},
      yarnrc: {nmMode: `hardlinks-global`},
      files: {
        [`scripts/helpers/index.js`]: `module.exports = () => {};\n`,
        [`scripts/postinstall.js`]: `require('./helpers')();\nrequire('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS, 'lib-says-' + require('zqh43lib')), 'x');\n`,
      },
    });
    const refused = await app.yarn([`install`]);
    assert.equal(refused.code, 1, refused.output);
    const approve = await app.yarn([`trust`, `approve`, `zqh43lib`, `--reason`, `reviewed: a plain module`]);
    assert.equal(approve.code, 0, approve.output);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.deepEqual(await app.markers(), [`lib-says-genuine`], install.output);
    // Another clone on the machine: Yarn links it from the store and writes the store's listings.
    await freshClone(app);
    const clone = await app.yarn([`install`]);
    assert.equal(clone.code, 0, clone.output);
    assert.ok((await fs.stat(path.join(app.cwd, `node_modules/zqh43lib/index.js`))).nlink >= 2, `hardlinks-global links from the store`);
    assert.ok((await listingsOf(app)).length > 0, `the install wrote listings into the store`);
    await app.clearMarkers();
    return app;
  }

  const storeOf = (app: TestProject) => path.join(app.globalFolder, `store/v1`);

  async function listingsOf(app: TestProject): Promise<Array<string>> {
    const store = storeOf(app);
    const found: Array<string> = [];
    for (const folder of await fs.readdir(store))
      for (const name of await fs.readdir(path.join(store, folder)))
        if (name.endsWith(`.json`))
          found.push(path.join(store, folder, name));
    return found;
  }

  /** Writes `content` as a store content file and returns its digest and timestamp, as a listing holds them. */
  async function storeContent(app: TestProject, content: string) {
    const digest = sha1(content);
    const file = path.join(storeOf(app), digest.slice(0, 2), `${digest.slice(2)}.dat`);
    await fs.writeFile(file, content);
    return {digest, mtimeMs: Math.ceil((await fs.stat(file)).mtimeMs)};
  }

  /** A fresh clone of the same commit on the same machine: no node_modules, no install state. */
  async function freshClone(app: TestProject) {
    await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
    await fs.rm(path.join(app.cwd, `.yarn/install-state.gz`), {force: true});
  }

  it(`a listing path that climbs out of node_modules plants nothing in the project (B1)`, async function() {
    const app = await teamProject();
    const planted = await storeContent(app, `${PWN(`b1-planted-helper-ran`)}module.exports = require('./helpers/index.js');\n`);
    for (const listing of await listingsOf(app)) {
      const entries = JSON.parse(await fs.readFile(listing, `utf8`));
      entries[`../../scripts/helpers.js`] = {kind: `file`, mode: 0o100644, ...planted};
      await fs.writeFile(listing, JSON.stringify(entries));
    }
    await freshClone(app);

    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.deepEqual(await app.markers(), [`lib-says-genuine`], install.output);
    assert.equal(await app.exists(`scripts/helpers.js`), false, `no file from the store lands outside node_modules`);
    assert.ok((await fs.stat(path.join(app.cwd, `node_modules/zqh43lib/index.js`))).nlink >= 2, `still linked from the store`);
  });

  it(`a content file swapped under its listing's timestamp is repaired from the archive (code no install script runs)`, async function() {
    const app = await teamProject();
    const evil = `${PWN(`b1-swapped-content-ran`)}module.exports = 'evil';\n`;
    const swapped = await storeContent(app, evil);
    let poisoned = 0;
    for (const listing of await listingsOf(app)) {
      const entries = JSON.parse(await fs.readFile(listing, `utf8`));
      if (entries[`index.js`]?.digest !== sha1(APP_CODE))
        continue;
      // The listing says index.js is the attacker's content file, with its real digest and timestamp.
      entries[`index.js`] = {...entries[`index.js`], ...swapped};
      await fs.writeFile(listing, JSON.stringify(entries));
      poisoned += 1;
    }
    assert.equal(poisoned, 1, `zqh43app's listing is in the store`);
    await freshClone(app);

    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.equal(await app.readFile(`node_modules/zqh43app/index.js`), APP_CODE, install.output);
    assert.deepEqual(await app.markers(), [`lib-says-genuine`], install.output);
  });

  it(`a no-op install keeps linking from the store, and its listings are rebuilt by Yarn`, async function() {
    const app = await teamProject();
    assert.ok((await listingsOf(app)).length > 0);
    const noop = await app.yarn([`install`]);
    assert.equal(noop.code, 0, noop.output);
    assert.deepEqual(await listingsOf(app), [], `every listing is removed before the install`);
    await freshClone(app);
    const again = await app.yarn([`install`]);
    assert.equal(again.code, 0, again.output);
    assert.ok((await listingsOf(app)).length > 0, `Yarn wrote the listings again from the archives`);
    assert.equal(await app.readFile(`node_modules/zqh43lib/index.js`), GENUINE);
    assert.ok((await fs.stat(path.join(app.cwd, `node_modules/zqh43lib/index.js`))).nlink >= 2, `still linked from the store`);
  });
});
