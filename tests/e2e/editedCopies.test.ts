/**
 * Copies on disk (outside round 44): a dependency whose install code runs
 * had its files edited along with the `version` of its package.json, so
 * that no copy of the approved version was found and nothing was compared
 * (C4); under the pnpm linker, Yarn hard-links files from its machine-wide
 * index (`<globalFolder>/index`) without reading them, so a poisoned index
 * decided what a fresh clone runs (C3), including the files a package ships
 * in its own node_modules, which that linker keeps and the backstop did not
 * compare (C2). Each attack test fails on the bundle of round 44.
 */
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import {handMadeTarball, markerCode as PWN, plain, suiteRegistry, type TestProject} from './harness';

const GENUINE_CLI = `#!/usr/bin/env node\nconsole.log('genuine tool');\n`;
const GENUINE_HELPER = `module.exports = () => console.log('genuine helper');\n`;
const sha1 = (bytes: string | Buffer) => createHash(`sha1`).update(bytes).digest(`hex`);
const ADDON_INSTALL = `const found = require('zq44addon');\nrequire('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS, 'zq44native-built-with-' + found), '');\n`;

describe(`edited copies on disk (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`edited-copies`, () => [
    plain(`zq44tool`, `1.0.0`, {manifest: {bin: {zq44tool: `cli.js`}}, files: {[`cli.js`]: GENUINE_CLI}}),
    plain(`zq44build`, `1.0.0`, {scripts: {postinstall: `zq44tool`}, dependencies: {zq44tool: `1.0.0`}}),
    // Its archive (replaced below) ships a helper in its own node_modules folder, which its install requires.
    plain(`zq44vend`, `1.0.0`, {scripts: {postinstall: `node install.js`}}),
    // A name its install requires without declaring it, installed in two versions (sharp's require('node-addon-api')).
    plain(`zq44addon`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zq44addon`, `2.0.0`, {files: {[`index.js`]: `module.exports = 2;\n`}}),
    plain(`zq44low`, `1.0.0`, {dependencies: {zq44addon: `1.0.0`}}),
    plain(`zq44native`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: ADDON_INSTALL}}),
  ]);

  before(async function() {
    const manifest = {name: `zq44vend`, version: `1.0.0`, scripts: {postinstall: `node install.js`}};
    await suite.registry.tamperTarball(`zq44vend`, `1.0.0`, await handMadeTarball({
      [`package.json`]: JSON.stringify(manifest),
      [`install.js`]: `require('./node_modules/zq44helper/index.js')();\n`,
      [`node_modules/zq44helper/index.js`]: GENUINE_HELPER,
      [`node_modules/zq44helper/package.json`]: JSON.stringify({name: `zq44helper`, version: `1.0.0`}),
    }), {updateMetadata: true});
  });

  /** The dependency's bin and the version its package.json names, both edited in node_modules. */
  async function editTool(folder: string) {
    await fs.writeFile(path.join(folder, `cli.js`), `#!/usr/bin/env node\n${PWN(`c4-edited-bin-ran`)}`);
    const manifest = JSON.parse(await fs.readFile(path.join(folder, `package.json`), `utf8`));
    await fs.writeFile(path.join(folder, `package.json`), JSON.stringify({...manifest, version: `1.0.0-x`}));
  }

  it(`an edited bin whose package.json names another version is refused on yarn rebuild (C4)`, async function() {
    const {app} = await suite.approvedProject({zq44build: `1.0.0`}, [`zq44build`]);
    await editTool(path.join(app.cwd, `node_modules/zq44tool`));
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /the files of zq44tool@npm:1\.0\.0 as approved \(run at install time: runs zq44tool\)/);
    // The folder the linker recorded for it, where Yarn runs its bin from, is compared (round 45, D1).
    assert.match(rebuild.output, /found on disk: cli\.js changed/);
  });

  it(`the same edit in a restored node_modules is refused by yarn install (C4)`, async function() {
    const {app} = await suite.approvedProject({zq44build: `1.0.0`}, [`zq44build`]);
    await editTool(path.join(app.cwd, `node_modules/zq44tool`));
    await fs.rm(path.join(app.cwd, `.yarn/install-state.gz`), {force: true});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.match(install.output, /found on disk: cli\.js changed/);
  });

  it(`a copy whose package.json names another version is not vouched for, even with its files unchanged (C4)`, async function() {
    const {app} = await suite.approvedProject({zq44build: `1.0.0`}, [`zq44build`]);
    const manifest = path.join(app.cwd, `node_modules/zq44tool/package.json`);
    await fs.writeFile(manifest, JSON.stringify({...JSON.parse(await fs.readFile(manifest, `utf8`)), version: `1.0.0-x`}));
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.match(rebuild.output, /found on disk: node_modules\/zq44tool\/package\.json names the version 1\.0\.0-x, not 1\.0\.0: the copy was edited or another one was put there/);
  });

  it(`a name required without being declared, installed in two versions, runs the hoisted one as approved`, async function() {
    // The gate binds both versions; Node loads the hoisted 2.0.0, which the backstop compared with 1.0.0's files and refused.
    const {app, approved} = await suite.approvedProject({zq44native: `1.0.0`, zq44low: `1.0.0`, zq44addon: `2.0.0`}, [`zq44native`]);
    assert.match(approved.output, /zq44addon@npm:1\.0\.0/);
    const built = await app.yarn([`rebuild`, `zq44native`]);
    assert.equal(built.code, 0, built.output);
    assert.deepEqual(await app.markers(), [`zq44native-built-with-2`], built.output);
    assert.equal(JSON.parse(await app.readFile(`node_modules/zq44low/node_modules/zq44addon/package.json`)).version, `1.0.0`);
    // The hoisted copy is still compared, with the files of the version it names.
    await app.clearMarkers();
    await fs.writeFile(path.join(app.cwd, `node_modules/zq44addon/index.js`), `${PWN(`hoisted-addon-edited`)}module.exports = 2;\n`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /the files of zq44addon@npm:2\.0\.0 as approved[^\n]*\n\s*found on disk: index\.js changed/);
  });

  /**
   * Plants `planted` where Yarn's pnpm linker looks for a file with content `genuine`: its index names files
   * by the SHA-1 of their content (and their mode when not 644), so an attacker knows the names in advance.
   */
  async function poisonIndex(app: TestProject, genuine: string, planted: string) {
    const digest = sha1(genuine);
    const folder = path.join(app.globalFolder, `index`, digest.slice(0, 2));
    await fs.mkdir(folder, {recursive: true});
    for (const name of [`${digest}.dat`, `${digest}755.dat`]) {
      await fs.rm(path.join(folder, name), {force: true});
      await fs.writeFile(path.join(folder, name), planted);
    }
  }

  async function freshClone(app: TestProject) {
    await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
    await fs.rm(path.join(app.cwd, `.yarn/install-state.gz`), {force: true});
  }

  const pnpmProject = (dependencies: Record<string, string>, approve: Array<string>) => suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies}, yarnrc: {nodeLinker: `pnpm`}}, approve);

  /** Where the pnpm linker put name@1.0.0's files. */
  async function storeFolder(app: TestProject, name: string) {
    const store = path.join(app.cwd, `node_modules/.store`);
    return path.join(store, (await fs.readdir(store)).find(entry => entry.startsWith(`${name}-npm-1.0.0-`))!, `package`);
  }

  it(`pnpm linker: a poisoned index that edits a bin and its version is not linked in a fresh clone (C3)`, async function() {
    const {app} = await pnpmProject({zq44build: `1.0.0`}, [`zq44build`]);
    const manifest = await fs.readFile(path.join(await storeFolder(app, `zq44tool`), `package.json`), `utf8`);
    await poisonIndex(app, GENUINE_CLI, `#!/usr/bin/env node\n${PWN(`c3-index-bin-ran`)}`);
    await poisonIndex(app, manifest, JSON.stringify({...JSON.parse(manifest), version: `1.0.0-x`}));
    await freshClone(app);

    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(await fs.readFile(path.join(await storeFolder(app, `zq44tool`), `cli.js`), `utf8`), GENUINE_CLI);
    assert.match(install.output, /genuine tool/, `the approved postinstall ran the genuine bin`);
  });

  it(`pnpm linker: a poisoned index file of a package's own node_modules is not linked in a fresh clone (C2)`, async function() {
    const {app} = await pnpmProject({zq44vend: `1.0.0`}, [`zq44vend`]);
    await poisonIndex(app, GENUINE_HELPER, `${PWN(`c2-bundled-helper-ran`)}module.exports = () => {};\n`);
    await freshClone(app);

    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.match(install.output, /genuine helper/);
  });

  it(`pnpm linker: an edited bin whose package.json names another version is refused on yarn rebuild (C4)`, async function() {
    const {app} = await pnpmProject({zq44build: `1.0.0`}, [`zq44build`]);
    await editTool(await storeFolder(app, `zq44tool`));
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /found on disk: cli\.js changed/);
  });

  it(`pnpm linker: an edited file of a package's own node_modules is refused on yarn rebuild (C2)`, async function() {
    const {app} = await pnpmProject({zq44vend: `1.0.0`}, [`zq44vend`]);
    const helper = path.join(await storeFolder(app, `zq44vend`), `node_modules/zq44helper/index.js`);
    // A new file in place of the hard link, as a tool that rewrites node_modules would leave it.
    await fs.rm(helper);
    await fs.writeFile(helper, `${PWN(`c2-edited-helper-ran`)}module.exports = () => {};\n`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /node_modules\/zq44helper\/index\.js/);
  });

  it(`pnpm linker: an approved package with a helper in its own node_modules installs and rebuilds`, async function() {
    const {app} = await pnpmProject({zq44vend: `1.0.0`}, [`zq44vend`]);
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 0, rebuild.output);
    assert.match(rebuild.output, /genuine helper/);
  });
});
