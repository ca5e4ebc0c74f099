/**
 * Outside attack round 65. T1: after `debugger`, `break`, `continue` (and their
 * label), a line break ends the statement, so a slash on the next line starts a
 * regular expression; the reader took it for a division and missed the code it
 * hid. T2: options named by a name the file never declares (a global another
 * file set, a `with` object's member) were taken for a callback. T3: keys
 * written to `Object.prototype` reach every environment a process is given.
 */
import assert from 'node:assert/strict';

import {ENVIRONMENT_LIMIT, INDIRECT_LIMIT, analysedInstallCode as analysed} from './support/installCode';

const HIDDEN = `const m = module.require('child_process'); m.exec('node -r zqhelp child.js', {stdio: 'inherit'});`;

describe(`outside attack round 65`, () => {
  it(`names the code behind a slash after a statement that takes no expression (T1)`, () => {
    for (const code of [
      `debugger\n/'/; ${HIDDEN} /'/;`,
      `do { if (Date.now() < 0) break\n/'/; } while (false); ${HIDDEN} /'/;`,
      `do { if (Date.now() < 0) continue\n/'/; } while (false); ${HIDDEN} /'/;`,
      `out: { if (Date.now() < 0) break out\n/'/; } ${HIDDEN} /'/;`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => INDIRECT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`names options given by a name the file never declares (T2)`, () => {
    const head = `const o = {}; for (const k of Object.keys(process.env)) o[k] = process.env[k]; const K = 'NODE_' + 'OPTIONS'; o[K] = (o[K] || '') + ' -r zqhelp';`;
    const run = `require('child_process').execSync('node child.js', zz);`;
    for (const code of [
      `require('./setup.js');\n${run}`,
      `${head}\nglobalThis.zz = {stdio: 'inherit'}; zz['e' + 'nv'] = o;\n${run}`,
      `${head}\nwith ({zz: {stdio: 'inherit'}}) { zz['e' + 'nv'] = o; ${run} }`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // A callback declared in the file is one.
    const callback = analysed(`require('child_process').exec('node child.js', function done() {});`);
    assert.ok(!callback.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), callback.unresolved.join(`\n`));
  });

  it(`names keys written to the prototype of plain objects (T3), and leaves reads of it alone`, () => {
    for (const code of [
      `const K = 'NODE_' + 'OPTIONS';\nObject.prototype[K] = '-r zqhelp';\nrequire('child_process').execSync('node child.js', {stdio: 'inherit'});`,
      `const K = 'NODE_' + 'OPTIONS';\n({}).__proto__[K] = '-r zqhelp';\nrequire('child_process').execSync('node child.js');`,
      `Object.getPrototypeOf({}).NODE_OPTIONS_X = 1;\nrequire('child_process').execSync('node child.js');`,
      `Object.defineProperty(Object.prototype, 'x', {value: 1});\nrequire('child_process').execSync('node child.js');`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    const reads = analysed(`if (Object.prototype.hasOwnProperty.call(a, 'b') && Object.getPrototypeOf(a).constructor === B) {}\nFoo.prototype.bar = 1;\nrequire('child_process').execSync('node child.js');`);
    assert.ok(!reads.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), reads.unresolved.join(`\n`));
  });
});
