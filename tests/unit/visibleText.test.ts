import assert from 'node:assert/strict';

import {visibleLine, visibleText} from '../../sources/core/policy/visibleText';

describe(`text from packages shown in a terminal`, () => {
  it(`writes cursor-moving and erasing characters as escapes`, () => {
    assert.equal(visibleText(`require('evil');\r+console.log("setup done")`), `require('evil');\\r+console.log("setup done")`);
    assert.equal(visibleText(`a\u001b[2K\u001b[1Ab`), `a\\e[2K\\e[1Ab`);
    assert.equal(visibleText(`x\by\u0000z\u009b`), `x\\by\\0z\\u009b`);
  });

  it(`writes the Unicode controls that reorder or hide text as escapes`, () => {
    assert.equal(visibleText(`access = "user\u202e \u2066// admin\u2069\u2066"`), `access = "user\\u202e \\u2066// admin\\u2069\\u2066"`);
    assert.equal(visibleText(`a\u200bb\ufeff`), `a\\u200bb\\ufeff`);
  });

  it(`keeps tabs, line feeds and ordinary Unicode`, () => {
    assert.equal(visibleText(`\tconst café = 'ü';\nnext`), `\tconst café = 'ü';\nnext`);
    assert.equal(visibleLine(`one\ntwo`), `one\\ntwo`);
  });
});
