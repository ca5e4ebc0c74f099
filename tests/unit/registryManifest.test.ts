import {strict as assert} from 'assert';

import {registryManifestMayRunScripts} from '../../sources/installScripts/policy/registryManifest';

describe(`registryManifestMayRunScripts`, () => {
  describe(`when the registry lists no install script`, () => {
    it(`says the archive need not be read`, () => {
      assert.equal(registryManifestMayRunScripts({name: `a`, version: `1.0.0`}), false);
      assert.equal(registryManifestMayRunScripts({name: `a`, scripts: {test: `mocha`, prepare: `tsc`}}), false);
      assert.equal(registryManifestMayRunScripts({name: `a`, scripts: null, gypfile: false}), false);
    });
  });

  describe(`when it lists one, or a binding.gyp`, () => {
    it(`says the archive must be read`, () => {
      for (const event of [`preinstall`, `install`, `postinstall`])
        assert.equal(registryManifestMayRunScripts({scripts: {[event]: `node x.js`}}), true, event);
      assert.equal(registryManifestMayRunScripts({gypfile: true}), true);
      assert.equal(registryManifestMayRunScripts({scripts: {install: `node-gyp rebuild`}, gypfile: true}), true);
    });
  });

  describe(`when the document is unusual`, () => {
    it(`says the archive must be read`, () => {
      for (const document of [null, `text`, 42, [], {scripts: `node x.js`}, {scripts: []}, {gypfile: `yes`}])
        assert.equal(registryManifestMayRunScripts(document), true, JSON.stringify(document));
    });
  });
});
