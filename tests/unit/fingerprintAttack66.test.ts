/**
 * Review of round 65, and outside attack round 66. R1: a text the token reader
 * cannot read counted as a use it cannot follow only where its raw text spelt
 * `process`, `env`, `spawn`, `exec` or `fork`; code behind an ambiguous slash
 * can spell the module and the function in pieces.
 */
import assert from 'node:assert/strict';

import {ENVIRONMENT_LIMIT, INDIRECT_LIMIT, analysedInstallCode as analysed} from './support/installCode';

describe(`outside attack round 66`, () => {
  it(`names a text it cannot read, whatever it spells (R1)`, () => {
    const hidden = `const m = module.require('child_pr' + 'ocess'); m['ex' + 'ec']('node child.js');`;
    for (const code of [
      `x = class {} / 2; ${hidden} 2 / 1;`,
      `x = class {} / 2; ${hidden.replace(`'child_pr' + 'ocess'`, `'child_pr\\u006fcess'`)} 2 / 1;`,
    ]) {
      assert.doesNotMatch(code, /process|\benv\b|spawn|exec|fork/);
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => INDIRECT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
      assert.ok(analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // A text it reads stays quiet.
    const plain = analysed(`x = 4 / 2; console.log(x);`);
    assert.ok(!plain.unresolved.some(line => INDIRECT_LIMIT.test(line) || ENVIRONMENT_LIMIT.test(line)), plain.unresolved.join(`\n`));
  });
});
