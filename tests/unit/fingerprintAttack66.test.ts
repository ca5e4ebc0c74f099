/**
 * Review of round 65, and outside attack round 66. R1: a text the token reader
 * cannot read counted as a use it cannot follow only where its raw text spelt
 * `process`, `env`, `spawn`, `exec` or `fork`; code behind an ambiguous slash
 * can spell the module and the function in pieces. A1: of the two readings of
 * a line, the one with a string that a backslash or U+2028 continues over the
 * line break was taken for impossible. A2: `export default /re/` was read as a
 * division. A3: options that only started with a function, or held an arrow
 * somewhere, passed for a callback. A4: the prototype of plain objects reached
 * by a string key (`Object['prototype']`).
 */
import assert from 'node:assert/strict';

import {processAccess} from '../../sources/installScripts/policy/fingerprint/processAccess';
import {tokenize} from '../../sources/installScripts/policy/fingerprint/tokens';
import {ENVIRONMENT_LIMIT, INDIRECT_LIMIT, analysedInstallCode as analysed} from './support/installCode';

const HIDDEN = `const m = module.require("child_process"); m.exec("node -r zqhelp child.js", {stdio: "inherit"});`;

function assertNamesLimit(code: string, limit: RegExp) {
  const analysis = analysed(code);
  assert.ok(analysis.unresolved.some(line => limit.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
}

function assertQuiet(code: string) {
  const analysis = analysed(code);
  assert.ok(!analysis.unresolved.some(line => INDIRECT_LIMIT.test(line) || ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
}

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

  it(`reads a string continued over the line break as a reading that stands (A1)`, () => {
    for (const code of [
      `{}/'/; ${HIDDEN} var x = '/*\\\n*/'; // '`,
      `if (Date.now() > 0) {}\n/'/; ${HIDDEN} var x = '/*\\\n*/'; // '`,
      `{}/'/; ${HIDDEN} var x = '/*\u2028*/'; // '`,
    ]) {
      // Node runs it (the regular expression reading).
      assert.doesNotThrow(() => new Function(code), code);
      assertNamesLimit(code, INDIRECT_LIMIT);
    }
    // A string cut by the line break itself is no reading.
    assert.deepEqual(tokenize(`if (a) {}\n/'/.test(b)`).errors, []);
  });

  it(`reads a slash after export default as a regular expression (A2)`, () => {
    const hidden = `import {createRequire} from "module"; const m = createRequire(import.meta.url)("child_process"); m.exec("node -r zqhelp child.js", {stdio: "inherit"});`;
    const code = `export default /'/; ${hidden} /'/;`;
    assert.ok(tokenize(code).tokens.some(token => token.kind === `regex` && token.value === `/'/`));
    assert.notEqual(processAccess(code, {mayNameVariable: () => true}).unreadModuleUse, null);
    // `default:` of a switch, and a member named default, are unchanged.
    assert.deepEqual(tokenize(`switch (a) { default: x = b / 2 / c; }`).tokens.filter(token => token.kind === `regex`), []);
    assert.deepEqual(tokenize(`x = m.default / 2 / c;`).tokens.filter(token => token.kind === `regex`), []);
  });

  it(`takes only a whole function for a callback in the options' place (A3)`, () => {
    const head = `const cp = require('child_process');\nvar async = true;\nconst k = 'e' + 'nv';\nconst v = {};\nv['NODE_' + 'OPTIONS'] = (process.env.NODE_OPTIONS || '') + ' -r zqhelp';\n`;
    for (const options of [`false ? () => 0 : {stdio: 'inherit', [k]: v}`, `function () {} && {stdio: 'inherit', [k]: v}`, `async && {stdio: 'inherit', [k]: v}`, `(() => 0) || {stdio: 'inherit', [k]: v}`])
      assertNamesLimit(`${head}cp.execFileSync(process.execPath, ['child.js'], ${options});`, ENVIRONMENT_LIMIT);
    for (const callback of [`function done(error) { if (error) throw error; }`, `async function () {}`, `(error) => { if (error) throw error; }`, `error => console.log(error)`, `async error => {}`, `function* () {}`])
      assertQuiet(`require('child_process').exec('node child.js', ${callback});`);
  });

  it(`names the prototype of plain objects reached by a string key (A4)`, () => {
    for (const target of [`Object['prototype']`, `({})['__proto__']`, `Object[\`prototype\`]`, `({}).constructor['prototype']`, `Object['getPrototypeOf']({})`, `Object[p]`, `({}).constructor[p]`])
      assertNamesLimit(`const K = 'NODE_' + 'OPTIONS'; const p = 'proto' + 'type';\n${target}[K] = '-r zqhelp';\nrequire('child_process').execSync('node child.js', {stdio: 'inherit'});`, ENVIRONMENT_LIMIT);
    // Another class's prototype, read members, and esbuild's copy of a module stay quiet.
    assertQuiet(`function Foo() {}\nFoo['prototype'].run = function () {};\nconst has = Object['prototype'].hasOwnProperty;\nrequire('child_process').execSync('node child.js', {stdio: 'inherit'});`);
    assertQuiet(`var __getProtoOf = Object.getPrototypeOf;\nconst copy = Object.create(__getProtoOf(module));\nrequire('child_process').execSync('node child.js', {stdio: 'inherit'});`);
  });

  it(`names gyp's and gcc's variables that choose what a build loads or runs (round 67 leads)`, () => {
    for (const [name, value] of [[`GYP_CONFIG_DIR`, `conf`], [`GYP_DEFINES`, `x=1`], [`COMPILER_PATH`, `bin`], [`GCC_EXEC_PREFIX`, `bin/`]]) {
      const analysis = analysed(`require('child_process').execSync('node-gyp rebuild', {env: {...process.env, ${name}: '${value}'}});`);
      assert.ok(analysis.unresolved.some(line => new RegExp(`install\\.js: sets ${name}`).test(line)), analysis.unresolved.join(`\n`));
    }
  });
});
