/**
 * Outside attack round 55: Node options that change which files Node loads
 * in ways the fingerprint does not follow (`--preserve-symlinks`, its
 * variable, `--experimental-wasm-modules`), and module customization hooks.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`install.js`]: `i`, [`install.mjs`]: `i`, ...files}), everyFile: true});
}

describe(`outside attack round 55`, () => {
  it(`refuses --preserve-symlinks in every spelling (P1), and --experimental-wasm-modules (W1, W2)`, () => {
    for (const postinstall of [`node --preserve-symlinks install.js`, `node --preserve-symlinks-main install.js`, `NODE_OPTIONS=--preserve-symlinks node install.js`, `NODE_PRESERVE_SYMLINKS=1 node install.js`, `node --experimental-wasm-modules install.mjs`, `NODE_OPTIONS="--experimental-wasm-modules" node install.mjs`]) {
      const analysis = analysed(postinstall);
      assert.ok(analysis.foreignRuns.some(line => /changes which files Node loads/.test(line)), `${postinstall}\n${analysis.foreignRuns.join(`\n`)}`);
    }
    // The variable turned off is no change.
    assert.deepEqual(analysed(`NODE_PRESERVE_SYMLINKS=0 node install.js`).foreignRuns, []);
  });

  it(`names customization hooks as a limit, given by a flag or registered by code (H1)`, () => {
    assert.ok(analysed(`node --experimental-loader ./hooks.mjs install.mjs`, {[`hooks.mjs`]: `h`}).unresolved.some(line => /registers module customization hooks/.test(line)));
    const registered = analysed(`node install.mjs`, {[`install.mjs`]: `import {register} from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`, [`hooks.mjs`]: `h`});
    assert.ok(registered.unresolved.some(line => /registers module customization hooks/.test(line)), registered.unresolved.join(`\n`));
  });
});
