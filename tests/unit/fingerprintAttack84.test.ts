/**
 * Outside attack round 84: install code reached the module wrapper's
 * `require` by listing a sloppy function's own properties (its `caller`), by
 * setting `Error.prepareStackTrace` under a name built at run time, or from a
 * block the reader took for a function's body (`o.function(1)` followed by a
 * block on the next line), and no limit was named.
 */
import assert from 'node:assert/strict';

import {analysedInstallCode as analysed} from './support/installCode';

const NAMED = /install\.js: (?:a function's caller is read|the functions of the call stack are read|a function's own properties may be listed|a member of Error is named at run time|the module wrapper's arguments \(require, module\) are used outside a function)/;

describe(`outside attack round 84`, () => {
  it(`names a sloppy function's own properties listed, Error's members named at run time, and the module's arguments in a block after a call`, () => {
    for (const code of [
      `function g() { return Object.getOwnPropertyDescriptors(g); }\nconst own = Object.values(g());`,
      `function g() { return Object.getOwnPropertyNames(g).map(k => g[k]); }`,
      `function g() { return Reflect.ownKeys(g); }`,
      `const {getOwnPropertyDescriptors: list} = Object;\nfunction g() { return list(g); }`,
      `const k = ['prepare', 'StackTrace'].join('');\nError[k] = (e, s) => s;`,
      `o.function(1)\n{ const [, load] = arguments; load(name)(); }`,
      // Found while fixing the round: strictness the reader must not grant.
      `'use\\x20strict';\nfunction g() { return Reflect.ownKeys(g); }`,
      `'use strict'.length;\nfunction g() { return Reflect.ownKeys(g); }`,
      `const o = {export: 1, import: 2};\nfunction g() { return Object.getOwnPropertyDescriptors(g); }`,
      // Outside attack round 85 (B05): a template without substitutions is a string.
      `function g() { return g[\`caller\`]; }`,
      `Error[\`prepareStackTrace\`] = (e, s) => s;`,
      `o?.function(1)\n{ arguments[1](name)(); }`,
    ])
      assert.ok(analysed(code).unresolved.some(line => NAMED.test(line)), `${code}\n${analysed(code).unresolved.join(`\n`)}`);
  });

  it(`stays quiet in strict code and ES modules, for Error's literal members and for a function declaration`, () => {
    for (const code of [
      `'use strict';\nconst copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(source));`,
      `import x from './x.js';\nexport const copy = Object.getOwnPropertyDescriptors(x);`,
      `Error.stackTraceLimit = 50; const e = Error['captureStackTrace'];`,
      `function load(a) { return arguments.length; }\nconst f = function (b) { return arguments[0]; };`,
    ]) {
      const {unresolved} = analysed(code);
      assert.ok(!unresolved.some(line => NAMED.test(line)), `${code}\n${unresolved.join(`\n`)}`);
    }
  });
});
