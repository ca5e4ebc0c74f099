/**
 * A name that install code requires without declaring it (sharp's
 * `require('node-addon-api')`) binds every version the project installs; Node
 * finds the hoisted one. Another package's own build may declare and require
 * another version, nested under it (bcrypt's node-addon-api 8 beside the
 * hoisted 7 of @parcel/watcher): that copy is not one the first script loads,
 * and must not get it refused (found trying the plugin on a real project).
 */
import assert from 'node:assert/strict';

import {plain, suiteRegistry} from './harness';

describe(`undeclared requires of a name installed in several versions (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`undeclared-versions`, () => [
    plain(`zqnapi`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqnapi`, `2.0.0`, {files: {[`index.js`]: `module.exports = 2;\n`}}),
    // Two packages that hoist version 1.
    plain(`zqnuse1`, `1.0.0`, {dependencies: {zqnapi: `^1.0.0`}}),
    plain(`zqnuse2`, `1.0.0`, {dependencies: {zqnapi: `^1.0.0`}}),
    // Requires zqnapi without declaring it: Node finds the hoisted 1.0.0.
    plain(`zqnsharp`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS, 'sharp-' + require('zqnapi')), 'x');\n`}}),
    // Declares and requires zqnapi 2, nested under it.
    plain(`zqnbcrypt`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqnapi: `^2.0.0`}, files: {[`install.js`]: `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS, 'bcrypt-' + require('zqnapi')), 'x');\n`}}),
  ]);

  it(`runs each approved build with the version Node finds for it, and refuses neither`, async function() {
    const {app} = await suite.approvedProject({zqnsharp: `1.0.0`, zqnbcrypt: `1.0.0`, zqnuse1: `1.0.0`, zqnuse2: `1.0.0`}, [`zqnsharp`, `zqnbcrypt`]);
    // approvedProject's install exited 0 and cleared the markers: run the builds again to see what they loaded.
    const rebuilt = await app.yarn([`rebuild`]);
    assert.equal(rebuilt.code, 0, rebuilt.output);
    assert.deepEqual(await app.markers(), [`bcrypt-2`, `sharp-1`], rebuilt.output);
  });
});
