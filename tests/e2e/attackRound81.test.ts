/**
 * Outside attack round 81, on the backstop (the check on disk before a script
 * runs) with a scoped approved package: a changed copy of its helper planted
 * in the scope folder's own `node_modules`, where Node looks before the
 * hoisted copy (A01), and the scope folder replaced by a link to a folder
 * beside a planted copy (A06). Both were refused by the round's bundle: these
 * keep them refused.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`outside attack round 81 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-81`, () => [
    plain(`zq81help`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 'genuine';\n`}}),
    plain(`@zq81/build`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq81help: `1.0.0`}, files: {[`install.js`]: `console.log(require('zq81help')());\n`}}),
  ]);

  async function plantHelper(folder: string, marker: string) {
    await fs.mkdir(folder, {recursive: true});
    await fs.writeFile(path.join(folder, `package.json`), JSON.stringify({name: `zq81help`, version: `1.0.0`}));
    await fs.writeFile(path.join(folder, `index.js`), `${PWN(marker)}module.exports = () => 'evil';\n`);
  }

  it(`a copy planted in the scope folder's own node_modules, which Node tries before the hoisted one, is refused (A01)`, async function() {
    const {app} = await suite.approvedProject({[`@zq81/build`]: `1.0.0`}, [`@zq81/build`]);
    await plantHelper(path.join(app.cwd, `node_modules/@zq81/node_modules/zq81help`), `a01-scope-copy-ran`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.match(rebuild.output, /node_modules\/@zq81\/node_modules\/zq81help/);
  });

  it(`a scope folder replaced by a link to a folder beside a planted copy is refused (A06)`, async function() {
    const {app} = await suite.approvedProject({[`@zq81/build`]: `1.0.0`}, [`@zq81/build`]);
    const moved = path.join(app.cwd, `node_modules/.cache/zq81`);
    await fs.mkdir(path.dirname(moved), {recursive: true});
    await fs.rename(path.join(app.cwd, `node_modules/@zq81`), moved);
    await fs.symlink(`.cache/zq81`, path.join(app.cwd, `node_modules/@zq81`));
    await plantHelper(path.join(moved, `node_modules/zq81help`), `a06-linked-scope-ran`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.match(rebuild.output, /is a symbolic link/);
  });
});
