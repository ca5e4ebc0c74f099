/**
 * Outside attack round 9, replayed with marker files: approved install code
 * that copies its documentation or a manifest field into a file it then runs,
 * and `yarn run -T` of a root dependency's bin. Each test fails with the
 * bundle before the fix: the install passes and the marker is written.
 */
import {strict as assert} from 'assert';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`outside attacks, round 9 (e2e)`, function() {
  this.timeout(300_000);

  const copyDoc = `const fs = require('fs');\nconst doc = fs.readdirSync(__dirname).filter(f => f.endsWith('.md'))[0];\nfs.writeFileSync(__dirname + '/gen.js', fs.readFileSync(__dirname + '/' + doc));\nrequire('./gen.js');\n`;
  const copyDescription = `const fs = require('fs');\nfs.writeFileSync(__dirname + '/gen.js', require('./package.json').description);\nrequire('./gen.js');\n`;
  const suite = suiteRegistry(`outside-attacks-9`, () => [
    // E1: a documentation file copied over gen.js, which then runs.
    plain(`zqe1doc`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: copyDoc, [`gen.js`]: `// generated\n`, [`NOTES.md`]: `// notes\n`}}),
    plain(`zqe1doc`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: copyDoc, [`gen.js`]: `// generated\n`, [`NOTES.md`]: PWN(`e1-notes-ran`)}}),
    // E2: the manifest's description written to gen.js, which then runs.
    plain(`zqe2desc`, `1.0.0`, {scripts: {postinstall: `node install.js`}, manifest: {description: `// nothing`}, files: {[`install.js`]: copyDescription, [`gen.js`]: `// generated\n`}}),
    plain(`zqe2desc`, `1.0.1`, {scripts: {postinstall: `node install.js`}, manifest: {description: PWN(`e2-description-ran`).trim()}, files: {[`install.js`]: copyDescription, [`gen.js`]: `// generated\n`}}),
    // E29: node $(ls | grep md) runs the documentation file the substitution picks.
    plain(`zqe29sub`, `1.0.0`, {scripts: {postinstall: `node $(ls | grep md)`}, files: {[`NOTES.md`]: `// notes\n`}}),
    plain(`zqe29sub`, `1.0.1`, {scripts: {postinstall: `node $(ls | grep md)`}, files: {[`NOTES.md`]: PWN(`e29-substitution-ran`)}}),
    // E8: yarn run -T runs the root workspace's dependency bin.
    plain(`zqe8run`, `1.0.0`, {scripts: {postinstall: `yarn run -T zqe8tool`}}),
    plain(`zqe8tool`, `1.0.0`, {manifest: {bin: {zqe8tool: `index.js`}}, files: {[`index.js`]: `#!/usr/bin/env node\n${PWN(`e8-root-bin-ran`)}`}}),
  ]);

  for (const [id, name, changed] of [[`E1: a documentation file the install code copies into a file it runs`, `zqe1doc`, /files changed: NOTES\.md/], [`E2: a description the install code writes into a file it runs`, `zqe2desc`, /package\.json#all/], [`E29: a documentation file a $(…) substitution hands to node`, `zqe29sub`, /files changed: NOTES\.md/]] as Array<[string, string, RegExp]>) {
    it(`${id}: a release that changes only that is refused, and nothing of it runs`, async () => {
      const {app} = await suite.approvedProject({[name]: `1.0.0`}, [name]);
      const up = await app.yarn([`up`, `${name}@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, changed);
      assert.deepEqual(await app.markers(), []);
    });
  }

  it(`E8: yarn run -T zqe8tool needs the root dependency's bin approved, and nothing runs before`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqe8run: `1.0.0`, zqe8tool: `1.0.0`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqe8tool@npm:1\.0\.0 has code that other packages run at install time/);
    assert.match(install.output, /runs zqe8tool \(yarn run -T: the top-level workspace's\)/);
    assert.deepEqual(await app.markers(), []);
  });
});
