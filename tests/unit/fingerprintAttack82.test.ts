/**
 * Outside attack round 82: install code reached `require` through the module
 * wrapper's `arguments` outside any function, opened Node's inspector
 * (`process._debugProcess`, a SIGUSR1, a child started with `--inspect`) and
 * sent it code, poisoned `Module._pathCache`, handed `Worker` on in
 * parentheses, or loaded another package's `.env` with `process.loadEnvFile`,
 * and no limit was named.
 */
import assert from 'node:assert/strict';

import {analysedInstallCode as analysed} from './support/installCode';

const NAMED = /install\.js: (?:the module wrapper's arguments|process\._debugProcess opens|the signal SIGUSR1 opens|a signal chosen at run time is sent|node starts with its inspector open|changes where modules are looked up \((?:_pathCache|Module\._cache)\)|Module\._cache is used|worker_threads\.Worker is used as a value|\S+ is imported under another name|sets the variables of an environment file chosen at run time)/;

describe(`outside attack round 82`, () => {
  it(`names the module wrapper's arguments, the inspector opened, the module caches, Worker handed on and an environment file chosen at run time`, () => {
    for (const code of [
      `const [e, r, m] = arguments; r(name)();`,
      `const {1: r} = arguments; r(name)();`,
      `(function (e, r) { r(name)(); }).apply(null, arguments);`,
      `const args = arguments; args[1](name)();`,
      `const [, r] = arguments; r('zqhelp')();`,
      `Array.prototype.slice.call(arguments)[1](name)();`,
      `for (const a of arguments) if (typeof a === 'function' && a.resolve) a(name)();`,
      `Object.getOwnPropertyDescriptor(arguments, 1).value(name)();`,
      `const pick = () => arguments[1]; pick()(name)();`,
      // Blocks that look like a function's body: a call followed by a block on the next line, a for await.
      `setup(x)\n{ const [, r] = arguments; r(name)(); }`,
      `for await (const x of list) { arguments[1](name)(); }`,
      `process._debugProcess(process.pid);`,
      `process.kill(process.pid, 'SIGUSR1');`,
      `process.kill(process.pid, 10);`,
      `const {signals} = require('os').constants; child.kill(signals.SIGUSR1);`,
      `child.kill(signal);`,
      `require('child_process').spawnSync('node', ['--inspect=6488', 'benign.js']);`,
      `require('child_process').spawnSync(process.execPath, ['--inspect-brk', 'benign.js']);`,
      `require('module')._pathCache[key] = file; require('./benign.js');`,
      `const M = require('module'); M._cache[file] = planted;`,
      `new (require('worker_threads').Worker)(file);`,
      `const wt = require('worker_threads'); const W = wt.Worker; new W(file);`,
      `process.loadEnvFile(require('path').join(__dirname, '..', name, '.env'));`,
      // Found while fixing the round: a loader imported under another name.
      `import {Worker as W} from 'node:worker_threads';\nnew W(file);`,
      `import {run as go} from 'node:test';\ngo({files});`,
    ])
      assert.ok(analysed(code).unresolved.some(line => NAMED.test(line)), `${code}\n${analysed(code).unresolved.join(`\n`)}`);
  });

  it(`names a signal whose argument is too long to read, and a loader imported from a long list (review)`, () => {
    const long = Array.from({length: 200}, () => `1`).join(` + `);
    for (const code of [
      `process.kill(process.pid, (${long}));`,
      `child.kill((${long}) ? 'SIGUSR1' : 'SIGTERM');`,
      `import {${Array.from({length: 300}, (_, i) => `a${i}`).join(`, `)}, Worker as W} from 'node:worker_threads';\nnew W(file);`,
    ])
      assert.ok(analysed(code).unresolved.some(line => NAMED.test(line)), `${code.slice(0, 80)}\n${analysed(code).unresolved.join(`\n`)}`);
  });

  it(`stays quiet for arguments inside functions and methods, usual signals, Worker called, and the package's own .env`, () => {
    for (const code of [
      `function wrap() { return target.apply(this, arguments); }`,
      `const o = {m() { return arguments.length; }}; class C { get x() { return arguments[0]; } set y(v) { use(arguments); } }`,
      `const f = function* () { yield arguments[0]; };`,
      `class A extends mix(B) { m() { return arguments[0]; } static s() { return arguments; } }`,
      `const o = {async n() { return arguments; }, *g() { yield arguments; }}; async function h() { return arguments; }`,
      `process.kill(pid, 'SIGTERM'); child.kill(); child.kill('SIGINT'); process.kill(pid);`,
      `const {Worker} = require('worker_threads'); new Worker('./w.js'); if (x instanceof Worker) y();`,
      `process.loadEnvFile(); process.loadEnvFile('./.env');`,
      `import {run as go, start as begin} from './tasks.js';\ngo(); begin();`,
    ]) {
      const {unresolved} = analysed(code);
      assert.ok(!unresolved.some(line => NAMED.test(line)), `${code}\n${unresolved.join(`\n`)}`);
    }
  });
});
