/**
 * Outside attack round 71, on the backstop with a planted node_modules: a
 * file in gyp's `build/node_modules` named like a package with a dot in its
 * name (`zq71.help`) was taken for build output, while install code under
 * `build/` loads it first, as JavaScript. Refused under the node-modules (D1)
 * and pnpm (D2) linkers. Each test fails on the bundle of round 71.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';

import {markerCode as PWN, plain, suiteRegistry, type TestProject} from './harness';

describe(`outside attack round 71 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-71`, () => [
    plain(`zq71.help`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 'genuine';\n`}}),
    plain(`zq71build`, `1.0.0`, {scripts: {postinstall: `node build/install.js`}, dependencies: {[`zq71.help`]: `1.0.0`}, files: {[`build/install.js`]: `console.log(require('zq71.help')());\n`}}),
  ]);

  async function plantAndRebuild(app: TestProject, folder: string) {
    await fs.mkdir(path.join(folder, `build/node_modules`), {recursive: true});
    await fs.writeFile(path.join(folder, `build/node_modules/zq71.help`), `${PWN(`d-build-file-ran`)}module.exports = () => 'evil';\n`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /build\/node_modules\/zq71\.help was added/);
  }

  it(`node-modules linker: a file in build/node_modules named like the package it requires is refused (D1)`, async function() {
    const {app} = await suite.approvedProject({zq71build: `1.0.0`}, [`zq71build`]);
    await plantAndRebuild(app, path.join(app.cwd, `node_modules/zq71build`));
  });

  it(`pnpm linker: the same file in the store's copy is refused (D2)`, async function() {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq71build: `1.0.0`}}, yarnrc: {nodeLinker: `pnpm`}}, [`zq71build`]);
    const store = path.join(app.cwd, `node_modules/.store`);
    const entry = (await fs.readdir(store)).find(name => name.startsWith(`zq71build-npm-1.0.0-`))!;
    await plantAndRebuild(app, path.join(store, entry, `package`));
  });
});
