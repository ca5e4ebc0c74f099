/**
 * Outside attack round 78: the Function constructor and the loaders reached
 * through members named at run time (`(() => 0)[k]`, `Reflect.get(fn, k)`, a
 * Proxy of a function, a computed key destructured from a function,
 * `module[k]`, `vm[k]`, `m[k]` of node:module, worker_threads or node:test),
 * `(() => 0).constructor` handed on, a `with` statement, and a module's
 * member renamed in a destructuring (`{Worker: W}`).
 */
import assert from 'node:assert/strict';

import {analysedInstallCode as analysed} from './support/installCode';

const NAMED = /install\.js: (?:Function\(\) evaluates text built at run time|a with statement|(?:the )?\S+ (?:module )?is (?:used|destructured) (?:with|under|as))/;
const KEY = `const k = ['con', 'structor'].join('');\n`;
const NAME = `const n = ['create', 'Require'].join('');\n`;

describe(`outside attack round 78`, () => {
  it(`names what a member named at run time may reach`, () => {
    for (const code of [
      `${KEY}const F = (() => 0)[k]; F(text)()();`,
      `const F = (() => 0)['constructor']; F(text)()();`,
      `with (() => 0) { constructor(text)()(); }`,
      `${KEY}const F = Reflect.get(() => 0, k); F(text)()();`,
      `${KEY}const p = new Proxy(() => 0, {get(t, key) { return t[key]; }}); p[k](text)()();`,
      `${KEY}const {[k]: F} = () => 0; F(text)()();`,
      `${KEY}const G = Object.getPrototypeOf(function* () {})[k]; G(text)().next();`,
      `const F = (() => 0).constructor; F(text)()();`,
      `const r = module[['req', 'uire'].join('')]; r.call(module, 'zqhelp');`,
      `${NAME}const m = require('module'); m[n](__filename)('zqhelp');`,
      `const vm = require('vm'); const run = vm[['runIn', 'ThisContext'].join('')]; run(text);`,
      `import * as vm from 'node:vm';\nconst run = vm[['runIn', 'ThisContext'].join('')]; run(text);`,
      `const wt = require('worker_threads'); const W = wt[['Wor', 'ker'].join('')]; new W(file);`,
      `const t = require('node:test'); const go = t[['r', 'un'].join('')]; go({files: [file]});`,
      `const { Worker: W } = require('worker_threads'); new W('.' + './zqhelp/index.js');`,
      `const M = require('module'); const mod = new M(file, module); mod._compile(text, file);`,
    ])
      assert.ok(analysed(code).unresolved.some(line => NAMED.test(line)), `${code}\n${analysed(code).unresolved.join(`\n`)}`);
  });

  it(`stays quiet for members named as literals and reads of a constructor`, () => {
    for (const code of [
      `if (x.constructor === Object) y();`,
      `const n = value.constructor.name;`,
      `const Ctor = object.constructor;`,
      `const copy = new this.constructor(size);`,
      `const vm = require('vm'); vm.runInThisContext('1');`,
      `const {Worker} = require('worker_threads'); new Worker('./child.js');`,
      `const m = require('module'); const r = m.createRequire(__filename); r('zqhelp');`,
      `const a = list[i]; const b = fn(() => 0)[0];`,
    ]) {
      const {unresolved} = analysed(code);
      assert.ok(!unresolved.some(line => NAMED.test(line)), `${code}\n${unresolved.join(`\n`)}`);
    }
  });
});

describe(`outside attack round 79`, () => {
  it(`names a loading module used straight from require, getBuiltinModule or import other than through a literal member`, () => {
    for (const code of [
      `const run = Object.values(require('vm')).find(f => f.name === 'runInThisContext'); run(text);`,
      `Reflect.get(require('vm'), 'runInThisContext')(text);`,
      `Object.getOwnPropertyDescriptor(require('vm'), 'runInThisContext').value(text);`,
      `Reflect.get(process.getBuiltinModule('vm'), 'runInThisContext')(text);`,
      `import('vm').then(Object.values).then(list => list[0](text));`,
      `const W = Reflect.get(require('worker_threads'), 'Worker'); new W(file);`,
      `Reflect.get(require('node:test'), 'run')({files: [file]});`,
    ])
      assert.ok(analysed(code).unresolved.some(line => NAMED.test(line)), `${code}\n${analysed(code).unresolved.join(`\n`)}`);
    for (const code of [`require('vm').runInThisContext('1');`, `const vm = await import('node:vm'); vm.createContext({});`, `import test from 'node:test';\ntest('adds', () => {});`, `require('module').builtinModules.includes('fs');`]) {
      const {unresolved} = analysed(code);
      assert.ok(!unresolved.some(line => NAMED.test(line)), `${code}\n${unresolved.join(`\n`)}`);
    }
  });
});
