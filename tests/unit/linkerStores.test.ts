/**
 * The machine-wide stores Yarn's linkers copy packages from: which install
 * links from which, and which of their files the plugin removes before an
 * install (the hard-link store's listings, a pnpm index moved aside).
 */
import assert from 'node:assert/strict';

import {isRemovedIndex, isStoreListing, linkerStoreOf} from '../../sources/checksums/policy/linkerStores';

describe(`the stores Yarn's linkers copy from`, () => {
  it(`are used by the node-modules linker in hardlinks-global mode and by the pnpm linker`, () => {
    assert.equal(linkerStoreOf({nodeLinker: `node-modules`, nmMode: `hardlinks-global`}), `hardlinks-listings`);
    assert.equal(linkerStoreOf({nodeLinker: `node-modules`, nmMode: `hardlinks-local`}), null);
    assert.equal(linkerStoreOf({nodeLinker: `node-modules`, nmMode: `classic`}), null);
    assert.equal(linkerStoreOf({nodeLinker: `node-modules`, nmMode: undefined}), null);
    assert.equal(linkerStoreOf({nodeLinker: `pnp`, nmMode: `hardlinks-global`}), null);
    assert.equal(linkerStoreOf({nodeLinker: `pnpm`, nmMode: `classic`}), `pnpm-index`);
    assert.equal(linkerStoreOf({nodeLinker: `pnpm`, nmMode: `hardlinks-global`}), `pnpm-index`);
  });

  it(`tells the hard-link store's package listings from content and temporary files`, () => {
    const checksum = `ac729592d32f042c7e61f0fc34a99c223ad61770fd273b2dc717f6b959c66dee4e29b6871d14a807219383000148a9959acca3b221c5807cc023c934afff8a`;
    assert.equal(isStoreListing(`${checksum}.json`), true);
    assert.equal(isStoreListing(`3f786850e387550fdab836ed7e6dc881de23001.dat`), false);
    // A content file with a mode other than 644 carries it after the digest.
    assert.equal(isStoreListing(`3f786850e387550fdab836ed7e6dc881de23001755.dat`), false);
    assert.equal(isStoreListing(`0123456789abcdef0123456789abcdef.tmp`), false);
    assert.equal(isStoreListing(`${checksum}.json.tmp`), false);
  });

  it(`recognizes only the pnpm indexes it moved aside, not Yarn's folders`, () => {
    assert.equal(isRemovedIndex(`index.0123456789abcdef.removed`), true);
    assert.equal(isRemovedIndex(`index`), false);
    assert.equal(isRemovedIndex(`cache`), false);
    assert.equal(isRemovedIndex(`index.removed`), false);
    assert.equal(isRemovedIndex(`index.0123456789abcdef.removed/x`), false);
    assert.equal(isRemovedIndex(`index.../cache.removed`), false);
  });
});
