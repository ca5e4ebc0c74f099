/**
 * Yarn's global hard-link store: which installs link from it, and which of its
 * files are the package listings the plugin removes before an install.
 */
import assert from 'node:assert/strict';

import {isStoreListing, usesGlobalHardlinksStore} from '../../sources/checksums/policy/hardlinksStore';

describe(`the global hard-link store`, () => {
  it(`is used only by the node-modules linker in hardlinks-global mode`, () => {
    assert.equal(usesGlobalHardlinksStore({nodeLinker: `node-modules`, nmMode: `hardlinks-global`}), true);
    assert.equal(usesGlobalHardlinksStore({nodeLinker: `node-modules`, nmMode: `hardlinks-local`}), false);
    assert.equal(usesGlobalHardlinksStore({nodeLinker: `node-modules`, nmMode: `classic`}), false);
    assert.equal(usesGlobalHardlinksStore({nodeLinker: `pnp`, nmMode: `hardlinks-global`}), false);
    assert.equal(usesGlobalHardlinksStore({nodeLinker: `pnpm`, nmMode: `hardlinks-global`}), false);
    assert.equal(usesGlobalHardlinksStore({nodeLinker: `node-modules`, nmMode: undefined}), false);
  });

  it(`tells package listings from content and temporary files`, () => {
    const checksum = `ac729592d32f042c7e61f0fc34a99c223ad61770fd273b2dc717f6b959c66dee4e29b6871d14a807219383000148a9959acca3b221c5807cc023c934afff8a`;
    assert.equal(isStoreListing(`${checksum}.json`), true);
    assert.equal(isStoreListing(`3f786850e387550fdab836ed7e6dc881de23001.dat`), false);
    // A content file with a mode other than 644 carries it after the digest.
    assert.equal(isStoreListing(`3f786850e387550fdab836ed7e6dc881de23001755.dat`), false);
    assert.equal(isStoreListing(`0123456789abcdef0123456789abcdef.tmp`), false);
    assert.equal(isStoreListing(`${checksum}.json.tmp`), false);
  });
});
