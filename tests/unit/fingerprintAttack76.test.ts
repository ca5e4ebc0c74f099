/**
 * Outside attack round 76: evaluators and loaders used otherwise than called
 * by their own name (an alias, a destructuring rename, a subclass,
 * `Reflect.construct`, the global object, `Module.wrap` replaced), and a
 * Worker started on a literal path outside the package.
 */
import assert from 'node:assert/strict';

import {analysedInstallCode as analysed} from './support/installCode';

const EVALUATES = /install\.js: \S+\(\) evaluates text built at run time/;
const LOADER = /install\.js: \S+(?: run)? is used under another name or as a value/;

function assertNames(code: string, limit: RegExp) {
  const {unresolved} = analysed(code);
  assert.ok(unresolved.some(line => limit.test(line)), `${code}\n${unresolved.join(`\n`)}`);
}

describe(`outside attack round 76`, () => {
  it(`names evaluators used as values or under other names`, () => {
    for (const code of [
      `Function(text)();`,
      `const run = eval; run(text);`,
      `globalThis.eval(text);`,
      `(0, eval)(text);`,
      `class Task extends Function {} new Task(text)();`,
      `Reflect.construct(Function, [text])();`,
      `Function.apply(null, [text])();`,
      `const F = Function; F(text)();`,
      `new (Function)(text)();`,
      `new globalThis.Function(text)();`,
      `const {constructor: F} = [].map; F(text)();`,
      `const {constructor} = [].map; constructor(text)();`,
      `const { runInThisContext: run } = require('vm'); run(text);`,
      `const { Script: S } = require('vm'); new S(text).runInThisContext();`,
      `const vm = require('vm'); const run = vm.runInThisContext; run(text);`,
      `new (require('vm').Script)(text).runInThisContext();`,
      `const compile = require('module').prototype._compile; compile.call(module, text, __filename);`,
      `const M = require('module'); const wrap = M.wrap; M.wrap = (src) => wrap(text + src); require('./child.js');`,
      `require('module').wrapper[0] += text; require('./child.js');`,
      `globalThis['eval'](text);`,
      `Reflect.get(globalThis, 'Function')(text)();`,
      `require('vm')['runInThisContext'](text);`,
    ])
      assertNames(code, EVALUATES);
  });

  it(`names loaders used under other names`, () => {
    for (const code of [
      `const { register: hooks } = require('node:module'); hooks('zqhelp', require('url').pathToFileURL(__filename));`,
      `import { register as hooks } from 'node:module'; hooks('zqhelp', import.meta.url);`,
      `const { _load: load } = require('module'); load('zqhelp', module);`,
      `const { run: check } = require('node:test'); check({files: ['../zqhelp/index.js']});`,
      `const c = require('cluster'); const setup = c.setupPrimary; setup.call(c, {exec: '../zqhelp/index.js'}); c.fork();`,
    ])
      assertNames(code, LOADER);
  });

  it(`refuses a Worker started on a literal path that climbs out of the package`, () => {
    assert.throws(() => analysed(`const { Worker } = require('worker_threads'); new Worker('../zqhelp/index.js');`), /new Worker\('\.\.\/zqhelp\/index\.js'\) runs a file that may be outside the package/);
  });

  it(`stays quiet for the usual uses of Function, eval's name and vm`, () => {
    for (const code of [
      `var g = Function('return this')();`,
      `if (x instanceof Function) y();`,
      `const hasOwn = Function.call.bind(Object.prototype.hasOwnProperty);`,
      `const s = Function.prototype.toString.call(f);`,
      `const visitor = {Function(path) { path.skip(); }};`,
      `const types = {Function: 1, Object: 2};`,
      `page.eval(x);`,
      `import {register} from 'node:module';`,
      `const {runInThisContext} = require('vm');`,
      `const vm = require('vm'); vm.runInThisContext('1 + 1');`,
    ]) {
      const {unresolved} = analysed(code);
      assert.ok(!unresolved.some(line => EVALUATES.test(line) || LOADER.test(line)), `${code}\n${unresolved.join(`\n`)}`);
    }
  });
});
