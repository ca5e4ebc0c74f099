import {structUtils} from '@yarnpkg/core';
import assert from 'node:assert/strict';

import {npmSelectorOf, pinKeyOf} from '../../sources/core/yarn/packageKeys';

describe(`npmSelectorOf`, () => {
  it(`reads the version exactly as Yarn's parser does`, () => {
    const references = [
      `npm:1.2.3`,
      `npm:1.2.3-rc.1+build.5`,
      `npm:0.0.0-insiders.20240101`,
      `npm:1.0.0::__archiveUrl=https%3A%2F%2Fexample.com%2Fx.tgz`,
      `npm:1.0.0#hash`,
      `npm:1.0.0::__archiveUrl=a&other=b`,
    ];
    for (const reference of references)
      assert.equal(npmSelectorOf(reference), structUtils.parseRange(reference).selector, reference);
  });
});

describe(`pinKeyOf`, () => {
  it(`keys registry packages by name and version, whatever the reference's parameters`, () => {
    const ident = structUtils.makeIdent(`scope`, `pkg`);
    assert.equal(pinKeyOf(structUtils.makeLocator(ident, `npm:1.2.3`)), `@scope/pkg@1.2.3`);
    assert.equal(pinKeyOf(structUtils.makeLocator(ident, `npm:1.2.4::__archiveUrl=https%3A%2F%2Fexample.com%2Fx.tgz`)), `@scope/pkg@1.2.4`);
  });

  it(`gives no key to what is not downloaded`, () => {
    assert.equal(pinKeyOf(structUtils.makeLocator(structUtils.makeIdent(null, `app`), `workspace:.`)), null);
  });
});
