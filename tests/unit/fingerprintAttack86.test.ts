/**
 * Outside attack round 86: install code reached the module wrapper's
 * `require` with `caller`, `prepareStackTrace` or `getFunction` written as
 * keys (a destructuring pattern, an object given to `Object.assign`), opened
 * Node's inspector with `process.kill` taken as a value or destructured, and
 * took members named at run time of a class or an object written in place,
 * and no limit was named. The load guard refuses what such code loads while it
 * runs; the reading now names it for the review too.
 */
import assert from 'node:assert/strict';

import {analysedInstallCode as analysed} from './support/installCode';

const NAMED = /install\.js: (?:a function's caller is read|the functions of the call stack are read|process\.kill is (?:used as a value|destructured)|Function\(\) evaluates text built at run time)/;

describe(`outside attack round 86`, () => {
  it(`names caller and the stack's members as keys, process.kill taken as a value, and members named at run time of classes and objects written in place`, () => {
    for (const code of [
      `function g() { const {caller: c} = g; return c; }\ng().arguments[1](name)();`,
      `function g() { const {caller} = g; return caller; }`,
      `let c; function g() { ({caller: c} = g); }`,
      `function h({caller}) { return caller; }\nh(g);`,
      `function g() { const {caller: {arguments: [, r]}} = g; return r; }`,
      `Object.assign(Error, {prepareStackTrace: (e, s) => s});\nconst s = new Error().stack;`,
      `const {getFunction: gf} = s[0];\ngf.call(s[0]);`,
      `process['kill'](process.pid, 'SIGUSR1');`,
      `const k = process.kill; k(process.pid, signal);`,
      `const {kill} = process; kill(process.pid, signal);`,
      `const {kill: k} = process; k(process.pid, signal);`,
      `process.kill?.(process.pid, signal);`,
      `const F = Reflect.get(class {}, k);`,
      `const F = Reflect.get({f() {}}.f, k);`,
    ])
      assert.ok(analysed(code).unresolved.some(line => NAMED.test(line)), `${code}\n${analysed(code).unresolved.join(`\n`)}`);
  });

  it(`stays quiet for other keys named kill, a literal signal and a caller variable`, () => {
    for (const code of [
      `const {kill} = require('tree-kill');\nconst options = {kill: true};`,
      `process.kill(process.pid, 'SIGTERM');`,
      `const caller = getCaller();\nlog(caller);`,
      `const value = Reflect.get(target, key);`,
    ]) {
      const {unresolved} = analysed(code);
      assert.ok(!unresolved.some(line => NAMED.test(line)), `${code}\n${unresolved.join(`\n`)}`);
    }
  });
});
