/**
 * Outside attack round 9 (a stranger with real Yarn, Verdaccio and the built
 * bundle): install code that writes a file from its documentation or its
 * manifest and then runs it, and `yarn run -T` of a root dependency's bin.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {directReaches} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

function analysed(files: Record<string, string>) {
  const manifest = JSON.parse(files[`package.json`]) as Record<string, unknown>;
  const scripts = manifest.scripts as Record<string, string>;
  return analyzeInstall({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: memoryPackage(files), everyFile: true});
}

describe(`outside attack round 9`, () => {
  describe(`E1, E2: install code that writes a file from other bytes of the package, then runs it`, () => {
    const docs = {
      [`package.json`]: JSON.stringify({name: `zqe1`, version: `1.0.1`, description: `x`, scripts: {postinstall: `node install.js`}}),
      [`install.js`]: `const fs = require('fs');\nconst doc = fs.readdirSync(__dirname).filter(f => f.endsWith('.md'))[0];\nfs.writeFileSync(__dirname + '/gen.js', fs.readFileSync(__dirname + '/' + doc));\nrequire('./gen.js');\n`,
      [`gen.js`]: `// generated`,
      [`NOTES.md`]: `// notes`,
    };

    it(`names the writing as a limit, so documentation and the whole manifest are bound`, () => {
      const analysis = analysed(docs);
      assert.ok(analysis.unresolved.some(line => /install\.js: writes files at run time \(writeFileSync\)/.test(line)), analysis.unresolved.join(`\n`));
      assert.ok(analysis.fingerprint.files[`NOTES.md`] !== undefined);
      assert.ok(analysis.fingerprint.files[`package.json#all`] !== undefined);
    });

    it(`a release that changes only the documentation it copies is a new fingerprint`, () => {
      assert.notEqual(analysed(docs).fingerprint.files[`NOTES.md`], analysed({...docs, [`NOTES.md`]: `require('child_process').execSync('id')`}).fingerprint.files[`NOTES.md`]);
    });
  });

  describe(`E29, E40: a command built from another command's output`, () => {
    it(`is named as a limit, so the documentation it may pick is bound`, () => {
      const analysis = analysed({[`package.json`]: JSON.stringify({name: `zqe29`, scripts: {postinstall: `node $(ls | grep md)`}}), [`NOTES.md`]: `// notes`});
      assert.ok(analysis.unresolved.some(line => /postinstall: builds a command from another command's output/.test(line)), analysis.unresolved.join(`\n`));
      assert.ok(analysis.fingerprint.files[`NOTES.md`] !== undefined);
    });
  });

  describe(`E8: yarn run -T runs the top-level workspace's bin`, () => {
    it(`reports it apart from the package's own PATH`, () => {
      const analysis = analysed({[`package.json`]: JSON.stringify({name: `zqe8`, scripts: {postinstall: `yarn run -T zqe8tool`}})});
      assert.deepEqual(analysis.commands, [`toplevel:zqe8tool`, `yarn`]);
    });

    it(`reaches the root dependency's bin, and marks one named like a system tool as shadowing it`, () => {
      const topLevelBins = new Map([[`zqe8tool`, [{id: `tool`, path: `index.js`}]], [`make`, [{id: `fake`, path: `make.js`}]]]);
      const {reaches} = directReaches({commands: [`toplevel:zqe8tool`, `toplevel:make`], modules: [], bins: new Map(), topLevelBins, resolveName: () => [], ownName: `zqe8`});
      assert.deepEqual(reaches.filter(reach => reach.id === `tool`).map(reach => reach.via), [`runs zqe8tool (yarn run -T: the top-level workspace's)`]);
      assert.equal(reaches.find(reach => reach.id === `fake` && reach.via.startsWith(`runs make`))?.shadows, `make`);
    });

    it(`names a top-level script no root dependency provides as a limit`, () => {
      const {reaches, unresolved} = directReaches({commands: [`toplevel:setup`], modules: [], bins: new Map(), topLevelBins: new Map(), resolveName: () => [], ownName: `zqe8`});
      assert.deepEqual(reaches, []);
      assert.match(unresolved[0], /yarn run -T setup: runs the top-level workspace's script or bin setup/);
    });
  });
});
