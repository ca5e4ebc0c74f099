/**
 * Outside attack round 73, on the backstop with a restored node_modules or
 * `.yarn/unplugged`. U1 (PnP): the unplugged copy of a package was found by
 * the start of its folder's name, which a prerelease's folder shares
 * (`zq73help-npm-1.0.0-0-…`). U5, U6 (node-modules): a package installed in
 * two folders had its own requires looked up from one, so a dependency planted
 * in the other's node_modules ran. Each test fails on the bundle of round 73.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';

import {assertBackstopRefuses, markerCode as PWN, plain, suiteRegistry, type TestProject} from './harness';

const HELP = `module.exports = () => require('zq73dep')();\n`;

describe(`outside attack round 73 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-73`, () => [
    plain(`zq73dep`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 'genuine';\n`}}),
    plain(`zq73help`, `1.0.0`, {dependencies: {zq73dep: `1.0.0`}, manifest: {preferUnplugged: true}, files: {[`index.js`]: HELP}}),
    plain(`zq73help`, `1.0.0-0`, {dependencies: {zq73dep: `1.0.0`}, manifest: {preferUnplugged: true}, files: {[`index.js`]: HELP}}),
    plain(`zq73help`, `2.0.0`, {files: {[`index.js`]: `module.exports = () => 'two';\n`}}),
    plain(`zq73mid`, `1.0.0`, {dependencies: {zq73help: `1.0.0`}, files: {[`index.js`]: `module.exports = () => require('zq73help')();\n`}}),
    plain(`zq73pre`, `1.0.0`, {dependencies: {zq73help: `1.0.0-0`}}),
    plain(`zq73build`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq73help: `1.0.0`, zq73mid: `1.0.0`}, files: {[`install.js`]: `console.log(require('zq73help')(), require('zq73mid')());\n`}}),
    plain(`zq73alias`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq73help: `1.0.0`, zq73ali: `npm:zq73help@1.0.0`}, files: {[`install.js`]: `console.log(require('zq73ali')(), require('zq73help')());\n`}}),
  ]);

  async function plantDependency(app: TestProject, under: string) {
    const folder = path.join(app.cwd, under, `node_modules/zq73dep`);
    await fs.mkdir(folder, {recursive: true});
    await fs.writeFile(path.join(folder, `package.json`), JSON.stringify({name: `zq73dep`, version: `1.0.0`}));
    await fs.writeFile(path.join(folder, `index.js`), `${PWN(`u-planted-dep-ran`)}module.exports = () => 'evil';\n`);
  }

  it(`PnP: the unplugged folder of the very release is compared, not a prerelease's that starts like it (U1)`, async function() {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq73build: `1.0.0`, zq73pre: `1.0.0`}}, yarnrc: {nodeLinker: `pnp`}}, [`zq73build`]);
    const unplugged = path.join(app.cwd, `.yarn/unplugged`);
    const entries = await fs.readdir(unplugged);
    assert.ok(entries.some(entry => entry.startsWith(`zq73help-npm-1.0.0-0-`)), entries.join(`\n`));
    const real = entries.find(entry => /^zq73help-npm-1\.0\.0-[0-9a-f]+$/.test(entry))!;
    await fs.writeFile(path.join(unplugged, real, `node_modules/zq73help/index.js`), `${PWN(`u1-unplugged-ran`)}module.exports = () => 'evil';\n`);
    await assertBackstopRefuses(app, /the files of zq73help@npm:1\.0\.0 as approved[^\n]*\n\s*found on disk: index\.js changed/);
  });

  it(`node-modules: a dependency planted under the second of two nested copies is refused (U6)`, async function() {
    const {app} = await suite.approvedProject({zq73build: `1.0.0`, zq73help: `2.0.0`}, [`zq73build`]);
    assert.equal(JSON.parse(await app.readFile(`node_modules/zq73mid/node_modules/zq73help/package.json`)).version, `1.0.0`);
    await plantDependency(app, `node_modules/zq73mid/node_modules/zq73help`);
    await assertBackstopRefuses(app, /zq73dep/);
  });

  it(`node-modules: a dependency planted under one of a package's two names (an alias) is refused (U5)`, async function() {
    const {app} = await suite.approvedProject({zq73alias: `1.0.0`}, [`zq73alias`]);
    assert.ok(await app.exists(`node_modules/zq73ali/index.js`) && await app.exists(`node_modules/zq73help/index.js`));
    await plantDependency(app, `node_modules/zq73help`);
    await assertBackstopRefuses(app, /zq73dep/);
  });
});
