/**
 * Outside attack round 69, on the backstop (the check on disk before a script
 * runs), with a planted node_modules (a restored CI cache). N1: an untouched
 * copy in `node_modules/node_modules/<name>`, where Node never looks, hid a
 * planted `node_modules/<name>.js`. N2: a copy planted in gyp's
 * `build/node_modules`, which install code under `build/` loads first, was
 * taken for build output. Each test fails on the bundle of round 69.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = () => 'genuine';\n`;
const INSTALL = (helper: string) => `console.log(require('${helper}')());\n`;

describe(`outside attack round 69 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-69`, () => [
    plain(`zq69help`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq69build`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq69help: `1.0.0`}, files: {[`install.js`]: INSTALL(`zq69help`)}}),
    plain(`zq69help2`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq69gyp`, `1.0.0`, {scripts: {postinstall: `node build/install.js`}, dependencies: {zq69help2: `1.0.0`}, files: {[`build/install.js`]: INSTALL(`zq69help2`)}}),
  ]);

  it(`a decoy in node_modules/node_modules does not hide a planted node_modules/<name>.js (N1)`, async function() {
    const {app} = await suite.approvedProject({zq69build: `1.0.0`}, [`zq69build`]);
    await fs.cp(path.join(app.cwd, `node_modules/zq69help`), path.join(app.cwd, `node_modules/node_modules/zq69help`), {recursive: true});
    await fs.writeFile(path.join(app.cwd, `node_modules/zq69help.js`), `${PWN(`n1-planted-file-ran`)}module.exports = () => 'evil';\n`);
    for (const command of [[`rebuild`], [`install`]]) {
      await fs.rm(path.join(app.cwd, `.yarn/install-state.gz`), {force: true});
      const run = await app.yarn(command);
      assert.equal(run.code, 1, run.output);
      assert.deepEqual(await app.markers(), [], run.output);
      assert.match(run.output, /Node loads the file node_modules\/zq69help\.js there, before any folder of that name/);
    }
  });

  it(`a copy planted in build/node_modules, which install code under build/ loads first, is refused (N2)`, async function() {
    const {app} = await suite.approvedProject({zq69gyp: `1.0.0`}, [`zq69gyp`]);
    const planted = path.join(app.cwd, `node_modules/zq69gyp/build/node_modules/zq69help2`);
    await fs.mkdir(planted, {recursive: true});
    await fs.writeFile(path.join(planted, `package.json`), JSON.stringify({name: `zq69help2`, version: `1.0.0`}));
    await fs.writeFile(path.join(planted, `index.js`), `${PWN(`n2-build-copy-ran`)}module.exports = () => 'evil';\n`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /build\/node_modules\/zq69help2\/index\.js was added/);
  });
});
