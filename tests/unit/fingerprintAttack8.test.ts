/**
 * Outside attack round 8 (a stranger with real Yarn, Verdaccio and the built
 * bundle): the shapes that ran a dependency's or a manifest's unreviewed code.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {climbsOut, directReaches} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

function analysed(files: Record<string, string>, everyFile = true) {
  const manifest = JSON.parse(files[`package.json`]) as Record<string, unknown>;
  const scripts = manifest.scripts as Record<string, string>;
  return analyzeInstall({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: memoryPackage(files), everyFile});
}

const MANIFEST = (extra: Record<string, unknown> = {}) => JSON.stringify({name: `zqroot`, version: `1.0.0`, scripts: {postinstall: `node install.js`}, ...extra});

describe(`outside attack round 8`, () => {
  describe(`C7, C15: a package subpath that climbs into the package installed beside it`, () => {
    it(`sees the climb, also percent-encoded, and not a path that stays inside`, () => {
      assert.equal(climbsOut(`./../zqevil`), true);
      assert.equal(climbsOut(`./lib/../../zqevil/index.js`), true);
      assert.equal(climbsOut(`./%2e%2e/zqevil`), true);
      assert.equal(climbsOut(`./lib/../index.js`), false);
      assert.equal(climbsOut(`.`), false);
    });

    it(`refuses require('zqlib/../zqevil') as code no approval can be bound to, instead of a limit of zqlib`, () => {
      const {reaches, refusals} = directReaches({commands: [], modules: [`zqlib/../zqevil`], bins: new Map(), topLevelBins: new Map(), resolveName: () => [`zqlib-id`], ownName: `zqroot`});
      assert.deepEqual(reaches, []);
      assert.match(refusals[0], /require\('zqlib\/\.\.\/zqevil'\): the path climbs out of zqlib/);
    });

    it(`refuses node_modules/zqlib/../zqevil/index.js named by a script`, () => {
      const {refusals} = directReaches({commands: [], modules: [], dependencyFiles: [`zqlib/../zqevil/index.js`], bins: new Map(), topLevelBins: new Map(), resolveName: () => [`zqlib-id`], ownName: `zqroot`});
      assert.equal(refusals.length, 1);
    });
  });

  describe(`C5, C6: an esbuild bundle's __require('x') and import.meta.resolve('x')`, () => {
    it(`follows __require('zqlib') into the dependency`, () => {
      const analysis = analysed({[`package.json`]: MANIFEST(), [`install.js`]: `var __require = (x) => require(x);\n__require("zqlib").run();\n`});
      assert.ok(analysis.modules.includes(`zqlib`), JSON.stringify(analysis.modules));
    });

    it(`follows import(import.meta.resolve('zqlib')) into the dependency`, () => {
      const analysis = analysed({[`package.json`]: MANIFEST({scripts: {postinstall: `node install.mjs`}}), [`install.mjs`]: `await import(import.meta.resolve('zqlib'));\n`});
      assert.ok(analysis.modules.includes(`zqlib`), JSON.stringify(analysis.modules));
    });
  });

  describe(`C21 to C23: install code that acts on its own manifest`, () => {
    it(`C21: records the descriptive fields too when the code evaluates text (eval(pkg.description))`, () => {
      const install = `const pkg = require('./package.json');\neval(pkg.description);\n`;
      const before = analysed({[`package.json`]: MANIFEST({description: `a tool`}), [`install.js`]: install});
      const after = analysed({[`package.json`]: MANIFEST({description: `require('child_process').execSync('id')`}), [`install.js`]: install});
      assert.notEqual(before.fingerprint.files[`package.json#data`], after.fingerprint.files[`package.json#data`]);
      const bumped = analysed({[`package.json`]: MANIFEST({description: `a tool`, version: `1.0.1`}), [`install.js`]: install});
      assert.equal(before.fingerprint.files[`package.json#data`], bumped.fingerprint.files[`package.json#data`], `the version alone changes nothing`);
    });

    it(`C22: records the manifest's data when the code reads it through npm_package_json`, () => {
      const install = `const pkg = JSON.parse(require('fs').readFileSync(process.env.npm_package_json, 'utf8'));\nrequire('child_process').execSync(pkg.config.setup);\n`;
      const before = analysed({[`package.json`]: MANIFEST({config: {setup: `true`}}), [`install.js`]: install});
      const after = analysed({[`package.json`]: MANIFEST({config: {setup: `touch /tmp/pwned`}}), [`install.js`]: install});
      assert.ok(before.fingerprint.files[`package.json#data`] !== undefined);
      assert.notEqual(before.fingerprint.files[`package.json#data`], after.fingerprint.files[`package.json#data`]);
    });

    it(`records the manifest's data when a script reads $npm_package_config_*`, () => {
      const files = {[`package.json`]: JSON.stringify({name: `zqroot`, scripts: {postinstall: `sh -c "$npm_package_config_setup"`}, config: {setup: `true`}})};
      assert.ok(analysed(files).fingerprint.files[`package.json#data`] !== undefined);
    });

    it(`C23: new Function(pkg.config.setup) with the manifest read by a path built at run time`, () => {
      const install = `const path = require('path');\nconst pkg = JSON.parse(require('fs').readFileSync(path.join(process.cwd(), 'pack' + 'age.json'), 'utf8'));\nnew Function(pkg.config.setup)();\n`;
      const before = analysed({[`package.json`]: MANIFEST({config: {setup: `1`}}), [`install.js`]: install});
      const after = analysed({[`package.json`]: MANIFEST({config: {setup: `require('child_process').execSync('id')`}}), [`install.js`]: install});
      assert.notEqual(before.fingerprint.files[`package.json#data`], after.fingerprint.files[`package.json#data`]);
    });
  });
});
