/**
 * Attack round 10, on the rule that leaves the version and the dependency
 * lists of package.json unbound: a new release of an approved package that
 * keeps every file and every other field, and changes only what its
 * dependencies resolve to (an alias, a package bundled inside its archive, a
 * peer the project provides), and install code that reaches a sibling package
 * by a relative path (A: written in-house); and the outside round's findings
 * (F: /work/attack14): a dependency installed under a key that is no package
 * name, and a file missing from the declared copy, which Node then loads from
 * another copy above. Each test proves with a marker file that the new code
 * did not run.
 */
import {strict as assert} from 'assert';

import {assertRefusedEvenAfterApproval, markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`attack round 10: what the dependency lists resolve to (e2e)`, function() {
  this.timeout(300_000);

  const runs = (name: string) => ({scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `require('${name}');\n`}});
  const suite = suiteRegistry(`attack-round-10`, () => [
    // A5: the same name, aliased to another package by the dependency list.
    plain(`zqa5tool`, `1.0.0`, {...runs(`zqa5help`), dependencies: {zqa5help: `1.0.0`}}),
    plain(`zqa5tool`, `1.0.1`, {...runs(`zqa5help`), dependencies: {zqa5help: `npm:zqa5evil@1.0.0`}}),
    plain(`zqa5help`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqa5evil`, `1.0.0`, {files: {[`index.js`]: PWN(`a5-alias-ran`)}}),
    // A7: a copy bundled inside the archive, which Node finds before the declared one.
    plain(`zqa7tool`, `1.0.0`, {...runs(`zqa7help`), dependencies: {zqa7help: `1.0.0`}}),
    plain(`zqa7tool`, `1.0.1`, {
      ...runs(`zqa7help`),
      dependencies: {zqa7help: `1.0.0`},
      manifest: {bundleDependencies: [`zqa7help`]},
      files: {[`install.js`]: `require('zqa7help');\n`, [`node_modules/zqa7help/index.js`]: PWN(`a7-bundled-ran`), [`node_modules/zqa7help/package.json`]: `{"name": "zqa7help", "version": "1.0.0"}\n`},
    }),
    plain(`zqa7help`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    // A11: a peer dependency the project provides, upgraded by the project.
    plain(`zqa11tool`, `1.0.0`, {...runs(`zqa11peer`), manifest: {peerDependencies: {zqa11peer: `*`}}}),
    plain(`zqa11peer`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqa11peer`, `1.0.1`, {files: {[`index.js`]: PWN(`a11-peer-ran`)}}),
    // A14: a sibling folder of node_modules reached by a relative path.
    plain(`zqa14tool`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `require('../zqa14sib');\n`}}),
    plain(`zqa14sib`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqa14sib`, `1.0.1`, {files: {[`index.js`]: PWN(`a14-sibling-ran`)}}),
    // F28: a dependency installed under the key `_h`, which is no package name.
    plain(`zqf28`, `1.0.0`, {...runs(`_h`), dependencies: {_h: `npm:zqf28h@1.0.0`}}),
    plain(`zqf28h`, `1.0.0`, {files: {[`index.js`]: PWN(`f28-alias-key-ran`)}}),
    // F36: a file missing from the declared copy, present in the hoisted one.
    plain(`zqf36`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `try { require('zqf36b/x'); } catch (e) {}\n`}, dependencies: {zqf36b: `1.0.0`}}),
    plain(`zqf36b`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqf36b`, `2.0.0`, {files: {[`index.js`]: `module.exports = 2;\n`, [`x.js`]: PWN(`f36-hoisted-copy-ran`)}}),
    plain(`zqf36s`, `1.0.0`, {dependencies: {zqf36b: `2.0.0`}}),
    plain(`zqf36t`, `1.0.0`, {dependencies: {zqf36b: `2.0.0`}}),
  ]);

  it(`A5: a release that aliases the name its install code requires to another package is refused, and nothing of it runs`, async () => {
    const {app} = await suite.approvedProject({zqa5tool: `1.0.0`}, [`zqa5tool`]);
    const up = await app.yarn([`up`, `zqa5tool@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqa5evil@npm:1\.0\.0/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`A7: a copy bundled inside the archive under node_modules is bound, so the release is reviewed; the node-modules linker never links it`, async () => {
    const {app} = await suite.approvedProject({zqa7tool: `1.0.0`}, [`zqa7tool`]);
    const up = await app.yarn([`up`, `zqa7tool@1.0.1`]);
    // PnP and the pnpm linker keep an archive's node_modules folder, where
    // Node may load it: its files are part of what is approved (round 11).
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /files added: node_modules\/zqa7help\/index\.js/);
    assert.deepEqual(await app.markers(), []);
    // Approved: Yarn's node-modules linker leaves the bundled copy out, the
    // declared copy runs, and the backstop does not take the missing folder
    // for a change.
    const approve = await app.yarn([`trust`, `approve`, `zqa7tool`]);
    assert.equal(approve.code, 0, approve.output);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.deepEqual(await app.markers(), []);
    assert.equal(await app.exists(`node_modules/zqa7tool/node_modules/zqa7help/index.js`), false);
  });

  it(`A11: the project's upgrade of a peer that approved install code requires is refused, and nothing of it runs`, async () => {
    const {app} = await suite.approvedProject({zqa11tool: `1.0.0`, zqa11peer: `1.0.0`}, [`zqa11tool`]);
    const up = await app.yarn([`up`, `zqa11peer@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqa11peer@npm:1\.0\.1/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`A14: install code that requires a sibling package by a relative path cannot be approved, and the sibling's new release never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqa14tool: `1.0.0`, zqa14sib: `1.0.0`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /install\.js loads \.\.\/zqa14sib, outside the package/);
    const approve = await app.yarn([`trust`, `approve`, `zqa14tool`]);
    assert.equal(approve.code, 1, approve.output);
    assert.match(approve.output, /cannot be approved/);
    const up = await app.yarn([`up`, `zqa14sib@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.deepEqual(await app.markers(), []);
  });

  for (const [id, dependencies, name, refusal] of [
    [`F28: install code that requires a dependency installed under the key _h`, {zqf28: `1.0.0`}, `zqf28`, /loads _h, which is no package name: Node looks it up/],
    [`F36: install code that requires a file missing from the declared copy, which Node loads from the hoisted one`, {zqf36: `1.0.0`, zqf36s: `1.0.0`, zqf36t: `1.0.0`}, `zqf36`, /entry \.\/x resolves to no file of the package: Node would go on/],
  ] as Array<[string, Record<string, string>, string, RegExp]>) {
    it(`${id} is refused, also after an approval, and nothing runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies}});
      await assertRefusedEvenAfterApproval(app, name, refusal);
    });
  }
});
