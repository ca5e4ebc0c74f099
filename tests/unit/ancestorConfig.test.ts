import assert from 'node:assert/strict';

import {foldersBetween} from '../../sources/installScripts/policy/ancestorConfig';

describe(`foldersBetween (configuration that other packages' folders hold, outside attack #8)`, () => {
  it(`lists the folders between a nested package and the project, nearest first`, () => {
    assert.deepEqual(foldersBetween(`/p`, `/p/node_modules/evil/node_modules/native`), [
      `/p/node_modules/evil/node_modules`,
      `/p/node_modules/evil`,
      `/p/node_modules`,
    ]);
  });

  it(`lists only node_modules for a hoisted package`, () => {
    assert.deepEqual(foldersBetween(`/p/`, `/p/node_modules/native/`), [`/p/node_modules`]);
  });

  it(`lists a scope folder too`, () => {
    assert.deepEqual(foldersBetween(`/p`, `/p/node_modules/@s/native`), [`/p/node_modules/@s`, `/p/node_modules`]);
  });

  it(`lists nothing for a package outside the project, nor the project's root or what is above it`, () => {
    assert.deepEqual(foldersBetween(`/p`, `/store/native`), []);
    assert.deepEqual(foldersBetween(`/p`, `/p2/node_modules/native`), []);
    assert.deepEqual(foldersBetween(`/p`, `/p/native`), []);
  });
});
