/**
 * Outside attack round 64, on the token reader of round 63. T1: private names
 * spelled like keywords (`this.#return / 2`, `this.#if(1) / 2`), `for await (…)`,
 * and an HTML-like comment `<!--` (a comment in a script) that made the reading
 * of the line both ways throw out Node's reading. T2: the global object as
 * `this.globalThis` of a sloppy function, and `this` of a method with a computed
 * name. T3: an environment given to a process through options built with a
 * computed key or `Object.defineProperty`.
 */
import assert from 'node:assert/strict';

import {ENVIRONMENT_LIMIT, INDIRECT_LIMIT, analysedInstallCode as analysed} from './support/installCode';

const HIDDEN = `const m = module.require('child_process'); m.exec('node -r zqhelp child.js', {stdio: 'inherit'});`;

describe(`outside attack round 64`, () => {
  it(`names the code behind private names, for await and an HTML-like comment (T1)`, () => {
    for (const code of [
      `class A { #return = 4; m() { const k = this.#return / 2; ${HIDDEN} 2 / 1; } }\nnew A().m();`,
      `class A { #if(x) { return 8; } m() { const k = this.#if(1) / 2; ${HIDDEN} 2 / 1; } }\nnew A().m();`,
      `async function f() { for await (const x of []) /\`/; ${HIDDEN} /\`/; }\nf();`,
      `class A { #typeof = 4; m() { const k = this.#typeof / 2; ${HIDDEN} 2 / 1; } }\nnew A().m();`,
      `const k = class {} / 2; ${HIDDEN} <!-- /`,
      `let of = 4;\nconst k = of / 2; ${HIDDEN} <!-- /`,
      `{} /'/; ${HIDDEN.replace(/'/g, `"`)} <!-- '`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => INDIRECT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`names the global object reached as this.globalThis or as this of a method with a computed name (T2)`, () => {
    const tail = `const e = p['e' + 'nv']; const K = 'NODE_' + 'OPTIONS'; e[K] = (e[K] || '') + ' -r zqhelp'; require('child_process').execSync('node child.js', {stdio: 'inherit'});`;
    for (const code of [
      `function f() { return this.globalThis; }\nconst g = f();\nconst p = g.process;\n${tail}`,
      `const o = {['f']() { return this; }};\nconst f = o.f;\nconst g = f();\nconst p = g.process;\n${tail}`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`names options of a process whose keys are set at run time (T3), and reads those whose keys are written out`, () => {
    const head = `const o = {}; for (const k of Object.keys(process.env)) o[k] = process.env[k]; const K = 'NODE_' + 'OPTIONS'; o[K] = (o[K] || '') + ' -r zqhelp';`;
    const run = `require('child_process').execSync('node child.js', opts);`;
    for (const code of [
      `${head}\nconst opts = {stdio: 'inherit'}; opts['e' + 'nv'] = o;\n${run}`,
      `${head}\nconst opts = {stdio: 'inherit'}; Object.defineProperty(opts, 'env', {value: o, enumerable: true});\n${run}`,
      `${head}\nconst opts = {stdio: 'inherit', ['e' + 'nv']: o};\n${run}`,
      `${head}\nfunction start(options) { require('child_process').spawnSync('node', ['child.js'], options); }\nstart({env: o});`,
    ]) {
      const analysis = analysed(code);
      assert.ok(analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    for (const code of [
      `const opts = {stdio: 'inherit', cwd: __dirname};\nopts.shell = false;\nrequire('child_process').spawnSync('node', ['child.js'], opts);`,
      `function check(...command) { command.push('--version'); return require('child_process').execFileSync(command.shift(), command, {stdio: 'pipe'}); }\ncheck('node');`,
      `const {args} = build();\nrequire('child_process').execFileSync('node', args, {stdio: 'inherit'});`,
    ]) {
      const analysis = analysed(code);
      assert.ok(!analysis.unresolved.some(line => ENVIRONMENT_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });
});
