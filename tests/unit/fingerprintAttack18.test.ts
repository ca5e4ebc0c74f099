/**
 * Outside attack round 18: `require(('x'))` loaded a package the scan took
 * for a computed require (K14); the archives Yarn builds from the project's
 * sources (`patch:`, `file:` folders) had no check (K8, K9: see the e2e test).
 */
import assert from 'node:assert/strict';

import {structUtils} from '@yarnpkg/core';

import {isDerivedArchive} from '../../sources/checksums/yarn/derivedArchives';
import {scanCode} from '../../sources/installScripts/policy/fingerprint/code';

describe(`outside attack round 18`, () => {
  for (const [code, specifier] of [
    [`require(('zqh'))`, `zqh`],
    [`require( ( "zqh" ) )`, `zqh`],
    [`import((('zqh')))`, `zqh`],
    [`require.resolve(('zqh'))`, `zqh`],
    [`require((((('zqh')))))`, `zqh`],
  ]) {
    it(`K14: ${code} loads ${specifier}`, () => {
      assert.ok(scanCode(code).specifiers.includes(specifier), JSON.stringify(scanCode(code).specifiers));
    });
  }

  it(`K14: a parenthesised string that is no load stays none`, () => {
    assert.deepEqual(scanCode(`console.log(('zqh'))`).specifiers, []);
  });

  it(`K8, K9: knows the archives Yarn builds from the project's sources`, () => {
    const locator = (reference: string) => structUtils.makeLocator(structUtils.makeIdent(null, `zq`), reference);
    assert.equal(isDerivedArchive(locator(`patch:zq@npm%3A1.0.0#./zq.patch::version=1.0.0&hash=abc`)), true);
    assert.equal(isDerivedArchive(locator(`file:./vendor/zq#./vendor/zq::hash=abc&locator=app%40workspace%3A.`)), true);
    assert.equal(isDerivedArchive(locator(`file:./vendor/zq-1.0.0.tgz#./vendor/zq-1.0.0.tgz::hash=abc&locator=app%40workspace%3A.`)), false);
    assert.equal(isDerivedArchive(locator(`npm:1.0.0`)), false);
  });
});
