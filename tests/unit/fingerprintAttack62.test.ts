/**
 * Outside attack round 62: the spellings of rounds 59-61 were found one by one,
 * and the next round found sixteen more (E1: an `env` in parentheses, built by
 * a call, behind `0 ||`, with a regular expression holding a quote before a
 * computed key; `process` destructured with a default, taken from
 * `globalThis` by destructuring, `globalThis['process']`, `Object(process.env)`,
 * `(process.env)`; C1: child_process required with backticks, by `import()`,
 * by `module.require`, renamed with backticks, aliased twice, destructured
 * from an alias). The scan now reads every use of the module, of `process`
 * and of an environment from the code's tokens (processAccess.ts), and names
 * each use it cannot read in full.
 */
import assert from 'node:assert/strict';

import {ENVIRONMENT_LIMIT, INDIRECT_LIMIT, analysedInstallCode as analysed} from './support/installCode';

const K = `['NODE', 'OPTIONS'].join('_')`;
const V = `(process.env.NODE_OPTIONS || '') + ' -r zqhelp'`;
const RUN = `require('child_process').execSync('node child.js', {stdio: 'inherit'});`;
const CMD = `'node -r zqhelp child.js'`;

describe(`outside attack round 62`, () => {
  it(`names every environment the attack built at run time (E1)`, () => {
    for (const code of [
      `require('child_process').execSync('node child.js', {env: ({...process.env, [${K}]: ${V}})});`,
      `require('child_process').execSync('node child.js', {env: Object.fromEntries([...Object.entries(process.env), [${K}, ${V}]])});`,
      `const {env = {}} = process;\nenv[${K}] = ${V};\n${RUN}`,
      `const {process: p} = globalThis;\np.env[${K}] = ${V};\n${RUN}`,
      `require('child_process').execSync('node child.js', {env: {...process.env, A: /'/.source, [${K}]: ${V}, B: /'/.source}});`,
      `Object.assign(globalThis['process'].env, {[${K}]: ${V}});\n${RUN}`,
      `require('child_process').execSync('node child.js', {env: 0 || {...process.env, [${K}]: ${V}}});`,
      `const e = Object(process.env);\ne[${K}] = ${V};\n${RUN}`,
      `const e = (process.env);\ne[${K}] = ${V};\n${RUN}`,
      `const [e] = [process.env];\ne[${K}] = ${V};\n${RUN}`,
      `const o = {e: process.env};\no.e[${K}] = ${V};\n${RUN}`,
      `const e = process.env;\nconst f = e;\nf[${K}] = ${V};\n${RUN}`,
      `const o = {};\no[${K}] = ${V};\nrequire('child_process').execSync('node child.js', {env: o});`,
      `const k = ${K};\n[process.env[k]] = [${V}];\n${RUN}`,
      `process\u005b${K}] = 1;\nconst e = process[['e', 'nv'].join('')];\ne[${K}] = ${V};\n${RUN}`,
      `const p = require(\`node:process\`);\nconst {env: e} = p;\ne[${K}] = ${V};\n${RUN}`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`names what reaches the environment without naming it: the global object as this, text evaluated, a shadowing parameter, a prototype`, () => {
    for (const code of [
      `const g = (function () { return this; })();\ng['pro' + 'cess']['e' + 'nv'][${K}] = ${V};\n${RUN}`,
      `const g = new Function('return this')();\ng['pro' + 'cess']['e' + 'nv'][${K}] = ${V};\n${RUN}`,
      `const env = {...process.env};\nfunction run(env) { require('child_process').execSync('node child.js', {env}); }\nconst bad = {};\nbad[${K}] = ${V};\nrun(bad);`,
      `const env = {...process.env};\nconst start = ({env}) => require('child_process').execSync('node child.js', {env});\nstart({env: Object.fromEntries([[${K}, ${V}]])});`,
      `const bad = {};\nbad[${K}] = ${V};\nrequire('child_process').execSync('node child.js', {env: {...process.env, __proto__: bad}});`,
      `const e = process.env;\nfunction other() { const e = {}; return e; }\ne[${K}] = ${V};\n${RUN}`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // Node's own spawner, reached through process.binding, starts what no call pattern reads.
    const binding = analysed(`process.binding('spawn_sync').spawn({file: 'sh', args: ['sh', '-c', 'node -r zqhelp child.js'], envPairs: [], stdio: []});`);
    assert.ok(binding.unresolved.some(line => INDIRECT_LIMIT.test(line)), binding.unresolved.join(`\n`));
    // `this` in a class, or in strict code, is no global object.
    for (const code of [
      `'use strict';\nconst g = (function () { return this; })();\n${RUN}`,
      `class A { self() { return this; } }\n${RUN}`,
    ]) {
      const analysis = analysed(code);
      assert.ok(!analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`names every child_process use the attack hid (C1), and reads the calls of a module required with backticks`, () => {
    for (const code of [
      `import('child_process').then(m => m.exec(${CMD}));`,
      `const m = module.require('child_process');\nm.exec(${CMD});`,
      `const {spawnSync: run} = require(\`child_process\`);\nrun('node', ['-r', 'zqhelp', 'child.js']);`,
      `const x = require('child_process'), y = x;\ny.exec(${CMD});`,
      `const x = require('child_process');\nconst {execSync: run} = x;\nrun(${CMD});`,
      `const x = require('child_process');\nlet run; ({execSync: run} = x);\nrun(${CMD});`,
      `const run = require('cross-spawn');\nrun('node', ['-r', 'zqhelp', 'child.js']);`,
      `export {exec} from 'child_process';`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => INDIRECT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // Backticks, an escape or a comment in the module's name: its calls are read, and zqhelp is bound.
    for (const code of [
      `const x = require(\`child_process\`);\nx.exec(${CMD});`,
      `const x = require('child\\u005fprocess');\nx.exec(${CMD});`,
      `const {exec} = require(/* a */ \`child_process\`);\nexec(${CMD});`,
    ]) {
      const analysis = analysed(code);
      assert.ok(!analysis.unresolved.some(line => INDIRECT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
      assert.ok(analysis.modules.includes(`zqhelp`), `${code}\n${JSON.stringify(analysis.modules)}`);
    }
  });

  it(`adds nothing for the plain forms of real install scripts`, () => {
    for (const code of [
      `const cp = require('child_process');\ncp.execSync('node child.js', {env: {...process.env, FOO: '1'}, stdio: 'inherit'});\nif (process.platform === 'win32') process.exit(0);`,
      `const {spawn} = require('child_process');\nconst env = Object.assign({}, process.env, {A: 'b'});\nspawn('node', ['child.js'], {env});`,
      `const child_process_1 = require("child_process");\n(0, child_process_1.execSync)('node child.js', {env: process.env});`,
      `const { npm_config_user_agent } = process.env;\nconst ok = typeof globalThis === 'object' && Object.keys(process.env).length > 0;\nrequire('child_process').execFileSync('node', ['child.js'], {env: ok ? {...process.env, X: '1'} : process.env});`,
      `if (a) /'/.test(b); const c = d / 2 / e; console.log(process.env.HOME, process.env['PATH'], \`\${/\`/.source}\`);\n${RUN}`,
      `const env = {...process.env};\nenv[\`SKIP_\${name}_FALLBACK\`] = '1';\nrequire('child_process').execSync('node child.js', {env});`,
    ]) {
      const analysis = analysed(code);
      assert.ok(!analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line) || INDIRECT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });
});
