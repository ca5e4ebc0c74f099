/**
 * Outside attack round 6, replayed with marker files: install code that
 * fetches from a registry while it runs (npm install, yarn dlx, npx x@1), npm's
 * default start script, a dependency named like a Node builtin loaded with a
 * trailing slash, env -C, a Makefile's includes, node --test's files and the
 * Python modules beside a script.
 * Each test fails without its fix (the marker is written, or the install
 * passes). A24 (a subfolder's .npmrc) is a unit test: npm publish, which the
 * harness uses, leaves .npmrc files out of the tarball.
 */
import {strict as assert} from 'assert';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

const PY_PWN = (name: string) => `import os\nopen(os.path.join(os.environ.get('TRUST_MARKERS', '.'), '${name}'), 'w').write('x')\n`;

describe(`outside attacks, round 6 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`outside-attacks-6`, () => [
    // A3: `npm start` without a start script runs `node server.js`.
    plain(`starter`, `1.0.0`, {scripts: {postinstall: `npm start`}, files: {[`server.js`]: `console.log('started');\n`}}),
    plain(`starter`, `1.0.1`, {scripts: {postinstall: `npm start`}, files: {[`server.js`]: PWN(`a3-server-ran`)}}),
    // A15: a dependency named like a Node builtin, loaded with a trailing
    // slash: `require('fs/')` is no builtin, Node loads the package `fs`.
    plain(`fs`, `1.0.0`, {files: {[`index.js`]: `module.exports = {};\n`}}),
    plain(`fs`, `1.0.1`, {files: {[`index.js`]: PWN(`a15-fs-ran`)}}),
    plain(`slasher`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {fs: `1.0.0`}, files: {[`install.js`]: `require('fs/');\n`}}),
    plain(`slasher`, `1.0.1`, {scripts: {postinstall: `node install.js`}, dependencies: {fs: `1.0.1`}, files: {[`install.js`]: `require('fs/');\n`}}),
    // A17: env -C runs the command in a folder of the package.
    plain(`chdir`, `1.0.0`, {scripts: {postinstall: `env -C tools node run.js`}, files: {[`tools/run.js`]: `console.log('ok');\n`}}),
    plain(`chdir`, `1.0.1`, {scripts: {postinstall: `env -C tools node run.js`}, files: {[`tools/run.js`]: PWN(`a17-chdir-ran`)}}),
    // A10: make reads the makefiles its Makefile includes, and runs their $(shell …).
    plain(`makeinc`, `1.0.0`, {scripts: {postinstall: `make -s`}, files: {Makefile: `include rules.mk\nall:\n\t@true\n`, [`rules.mk`]: `X = 1\n`, [`pwn.js`]: PWN(`a10-include-ran`)}}),
    plain(`makeinc`, `1.0.1`, {scripts: {postinstall: `make -s`}, files: {Makefile: `include rules.mk\nall:\n\t@true\n`, [`rules.mk`]: `X := $(shell node pwn.js)\n`, [`pwn.js`]: PWN(`a10-include-ran`)}}),
    // A9: node --test runs the test files it finds.
    plain(`tester`, `1.0.0`, {scripts: {postinstall: `node --test`}, files: {[`test/a.test.js`]: `console.log('ok');\n`}}),
    plain(`tester`, `1.0.1`, {scripts: {postinstall: `node --test`}, files: {[`test/a.test.js`]: PWN(`a9-test-ran`)}}),
    // A14: Python imports a json.py beside the script before its own json.
    plain(`pyshadow`, `1.0.0`, {scripts: {postinstall: `python3 tools/gen.py`}, files: {[`tools/gen.py`]: `import json\n`}}),
    plain(`pyshadow`, `1.0.1`, {scripts: {postinstall: `python3 tools/gen.py`}, files: {[`tools/gen.py`]: `import json\n`, [`tools/json.py`]: PY_PWN(`a14-json-ran`)}}),
    // A19, more forms: yarn dlx and npx of a version download what they run.
    plain(`dlxer`, `1.0.0`, {scripts: {postinstall: `yarn dlx left-helper`}}),
    plain(`npxer`, `1.0.0`, {scripts: {postinstall: `npx -y left-helper@1.0.0`}}),
    // A19: install code that installs from the registry.
    plain(`fetcher`, `1.0.0`, {scripts: {postinstall: `npm install --no-save --no-package-lock --no-audit --no-fund left-helper`}}),
  ]);

  async function approvedProject(name: string, version: string) {
    return suite.approvedProject({[name]: version}, [name]);
  }

  it(`A3: binds npm's default start (node server.js) to the approval, and refuses a release that changes it`, async () => {
    const {app, approved} = await approvedProject(`starter`, `1.0.0`);
    assert.match(approved.output, /server\.js sha512-/);
    const up = await app.yarn([`up`, `starter@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /files changed: server\.js/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`A15: binds the package that require('fs/') loads to the approval, and refuses a release of it that changes`, async () => {
    const {app, approved} = await approvedProject(`slasher`, `1.0.0`);
    assert.match(approved.output, /fs@npm:1\.0\.0/);
    const up = await app.yarn([`up`, `slasher@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /require\('fs\/'\)/);
    assert.deepEqual(await app.markers(), []);
  });

  const followed: Array<[string, string, string, RegExp]> = [
    [`A17`, `env -C tools node run.js follows tools/run.js`, `chdir`, /files changed: tools\/run\.js/],
    [`A10`, `make hashes the makefiles its Makefile includes`, `makeinc`, /files changed: rules\.mk/],
    [`A9`, `node --test follows the test files it finds`, `tester`, /files changed: test\/a\.test\.js/],
    [`A14`, `python hashes the modules beside its script (json.py shadows json)`, `pyshadow`, /tools\/json\.py/],
  ];
  for (const [id, what, name, changed] of followed) {
    it(`${id}: ${what}, and refuses a release that changes them`, async () => {
      const {app} = await approvedProject(name, `1.0.0`);
      const up = await app.yarn([`up`, `${name}@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, changed);
      assert.deepEqual(await app.markers(), []);
    });
  }

  it(`A19: refuses yarn dlx and npx of a version in install code, as undecidable`, async () => {
    for (const [name, command] of [[`dlxer`, /postinstall: yarn dlx left-helper/], [`npxer`, /postinstall: npx -y left-helper@1\.0\.0/]] as const) {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`}}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, command);
      assert.match(install.output, /installs packages from a registry while it is installed/);
      assert.deepEqual(await app.markers(), []);
    }
  });

  it(`A19: refuses install code that installs from a registry while it runs, as undecidable`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {fetcher: `1.0.0`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /fetcher@npm:1\.0\.0 runs install scripts whose code cannot be bound to an approval: it installs packages from a registry while it is installed \(postinstall: npm install --no-save/);
    const approve = await app.yarn([`trust`, `approve`, `fetcher`]);
    assert.equal(approve.code, 1, approve.output);
    assert.match(approve.output, /cannot be approved/);
  });
});
