/**
 * Outside attack round 63, on the token reader of round 62. T1: a slash after
 * a class or function expression, a labeled block, a member named `if`, or a
 * name that is a keyword only elsewhere (`of`, `await`) was read the wrong way
 * (division for regular expression or back), and the code it hid was never
 * read. T2: `LD_AUDIT` loads a shared object into the processes install code
 * starts, and was in no list of such variables. T3: `e.__proto__ = o` gives an
 * environment inherited keys.
 */
import assert from 'node:assert/strict';

import {tokenize} from '../../sources/installScripts/policy/fingerprint/tokens';
import {ENVIRONMENT_LIMIT, INDIRECT_LIMIT, analysedInstallCode as analysed} from './support/installCode';

const HIDDEN = `const m = module.require('child_process'); m.exec('node -r zqhelp child.js', {stdio: 'inherit'});`;

describe(`outside attack round 63`, () => {
  it(`names the code behind a slash that may be read either way (T1)`, () => {
    for (const code of [
      `const k = class {} / 2; ${HIDDEN} 2 / 1;`,
      `const k = function () {} / 2; ${HIDDEN} 2 / 1;`,
      `let of = 4;\nconst k = of / 2; ${HIDDEN} 2 / 1;`,
      `l: {} /\`/; ${HIDDEN} /\`/;`,
      `const a = {if: () => 8};\nconst k = a.if(1) / 2; ${HIDDEN} 2 / 1;`,
      `var await = 4;\nconst k = await / 2; ${HIDDEN} 2 / 1;`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => INDIRECT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`reads a member named like a keyword as a name, and a slash whose other reading cuts the line as the one that stands`, () => {
    // `a.if(1) / 2`: the parenthesis is a call's, so the slash divides.
    assert.deepEqual(tokenize(`a.if(1) / 2 / b`).tokens.map(token => token.kind).slice(-4), [`punct`, `number`, `punct`, `name`]);
    // After `}`, `/x/.test(a)` read as a division would leave `/.test(a)` with no operand: only one reading stands, and no error.
    const block = tokenize(`if (a) {}\n/'/.test(b)`);
    assert.deepEqual(block.errors, []);
    assert.ok(block.tokens.some(token => token.kind === `regex` && token.value === `/'/`));
    // Both readings stand and hold other names: unreadable.
    assert.match(tokenize(`x = class {} / 2; y(); 2 / 1;`).errors[0], /a slash that may be read as a division or a regular expression/);
  });

  it(`names LD_AUDIT and the other variables of the dynamic loader (T2)`, () => {
    for (const code of [
      `require('child_process').execSync('node child.js', {env: {...process.env, LD_AUDIT: 'x.so'}});`,
      `process.env.LD_AUDIT = 'x.so';\nrequire('child_process').execSync('node child.js');`,
      `process.env.DYLD_LIBRARY_PATH = 'lib';\nrequire('child_process').execSync('node child.js');`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => /install\.js: sets (?:LD_AUDIT|DYLD_LIBRARY_PATH)/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`names a prototype given to an environment (T3)`, () => {
    const K = `const K = ['NODE', 'OPTIONS'].join('_'); const o = {[K]: '-r zqhelp'};`;
    for (const code of [
      `${K}\nconst e = {...process.env};\ndelete e[K]; e.__proto__ = o;\nrequire('child_process').execSync('node child.js', {env: e});`,
      `${K}\nconst e = {...process.env};\ndelete e[K]; e['__proto__'] = o;\nrequire('child_process').execSync('node child.js', {env: e});`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });
});
