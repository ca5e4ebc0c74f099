/**
 * File types npm never packs but a hand-made tarball can hold (outside round
 * 42, A1): a `package.json` shipped as a symbolic link. In Yarn's archive the
 * link's entry holds its target's name, here `{}`: read as the manifest it is
 * an empty JSON object, "no scripts", while Yarn follows the link to the file
 * named `{}`, whose postinstall it runs. The gate must refuse such a release
 * before any script of the project starts, not leave it to the backstop.
 */
import assert from 'node:assert/strict';

import {handMadeTarball, markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`archive entries that are not plain files (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`archive-file-types`, () => [
    plain(`zq42link`, `1.0.0`, {scripts: {postinstall: `node setup.js`}, files: {[`setup.js`]: `console.log('setup');\n`}}),
    // Replaced below by a hand-made tarball; the registry's manifest of 1.0.1 lists no scripts.
    plain(`zq42link`, `1.0.1`, {files: {[`setup.js`]: `console.log('setup');\n`}}),
    // Another package with an approved script, to show that none of the project's scripts starts.
    plain(`zq42other`, `1.0.0`, {scripts: {postinstall: `node mark.js`}, files: {[`mark.js`]: PWN(`other-postinstall-ran`)}}),
  ]);

  it(`a package.json that is a symbolic link is refused at the gate, and no install script runs (A1)`, async function() {
    const manifest = {name: `zq42link`, version: `1.0.1`, scripts: {postinstall: `node evil.js`}};
    await suite.registry.tamperTarball(`zq42link`, `1.0.1`, await handMadeTarball({
      [`package.json`]: {symlink: `{}`},
      [`{}`]: JSON.stringify(manifest),
      [`setup.js`]: `console.log('setup');\n`,
      [`evil.js`]: PWN(`a1-linked-manifest-ran`),
    }), {updateMetadata: true});

    const {app} = await suite.approvedProject({zq42link: `1.0.0`, zq42other: `1.0.0`}, [`zq42link`, `zq42other`]);
    const up = await app.yarn([`up`, `zq42link@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.deepEqual(await app.markers(), [], up.output);
    // The gate's refusal, before any build: not the backstop's, which refuses one script while Yarn starts the others.
    assert.match(up.output, /refused by yarn-plugin-trust \([^)]*\); no install script has run/, up.output);
    assert.match(up.output, /zq42link@npm:1\.0\.1/);
    assert.doesNotMatch(up.output, /YN0007: │ zq42other/, `no build starts`);
  });
});
