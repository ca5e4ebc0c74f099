/**
 * Outside attack round 61: `NODE_OPTIONS` written through names of
 * `process.env` the scan did not know (E1: `globalThis.process.env`,
 * `require('node:process')['env']`, an alias of `process`, a copy handed on
 * by a spread, an object with a computed key spread into `env`), child_process
 * functions called under other names (C1), escapes that hide a key
 * (`'sh\145ll'`, `'NODE\137OPTIONS'`, a line continuation), and bash's
 * exported functions (`BASH_FUNC_node%%`).
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`child.js`]: `console.log(1);\n`, ...files}), everyFile: true});
}

const K = `const K = ['NODE', 'OPTIONS'].join('_');`;
const ADD = `(process.env.NODE_OPTIONS || '') + ' -r zqhelp'`;
const RUN = `require('child_process').execSync('node child.js', {stdio: 'inherit'});`;

describe(`outside attack round 61`, () => {
  it(`names NODE_OPTIONS written through other names of process.env (E1)`, () => {
    for (const code of [
      `${K}\nconst e = globalThis.process.env; e[K] = ${ADD};\n${RUN}`,
      `${K}\nconst e = require('node:process')['env']; e[K] = ${ADD};\n${RUN}`,
      `${K}\nconst extra = {[K]: ${ADD}};\nrequire('child_process').execSync('node child.js', {env: {...process.env, ...extra}});`,
      `${K}\nObject.assign(globalThis.process.env, {[K]: ${ADD}});\n${RUN}`,
      `${K}\nconst p = process; p.env[K] = ${ADD};\n${RUN}`,
      `${K}\nconst e = {...process.env}; e[K] = ${ADD};\nrequire('child_process').execSync('node child.js', {env: {...e}});`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: `${code}\n`});
      assert.ok(analysis.unresolved.some(line => /install\.js: sets variables named at run time/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // A literal env with a spread of process.env alone, or of an object without such keys, is no limit.
    const plainEnv = analysed(`node install.js`, {[`install.js`]: `const extra = {FORCE_COLOR: '1'};\nrequire('child_process').execSync('node child.js', {env: {...process.env, ...extra}});\n`});
    assert.ok(!plainEnv.unresolved.some(line => /sets /.test(line)), plainEnv.unresolved.join(`\n`));
  });

  it(`names child_process functions called under other names (C1)`, () => {
    for (const code of [
      `const {spawnSync: run} = require('child_process');\nrun('node', ['-r', 'zqhelp', 'child.js']);`,
      `const cp = require('child_process');\nconst run = cp.spawnSync;\nrun('node', ['-r', 'zqhelp', 'child.js']);`,
      `const cp = require('child_process');\ncp['spawnSync']('node', ['-r', 'zqhelp', 'child.js']);`,
      `const cp = require('child_process');\ncp.spawnSync.call(cp, 'node', ['-r', 'zqhelp', 'child.js']);`,
      `const cp = require('child_process');\nReflect.apply(cp.spawnSync, cp, ['node', ['-r', 'zqhelp', 'child.js']]);`,
      `import {execFileSync as run} from 'node:child_process';\nrun('node', ['-r', 'zqhelp', 'child.js']);`,
      `const {promisify} = require('util');\nconst exec = promisify(require('child_process').exec);\nexec('node -r zqhelp child.js');`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: `${code}\n`});
      assert.ok(analysis.unresolved.some(line => /install\.js: calls a child_process function under another name or indirectly/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // Under its own name, or as TypeScript compiles a call: read, no limit.
    for (const code of [
      `const spawnSync = require('child_process').spawnSync;\nspawnSync('node', ['-r', 'zqhelp', 'child.js']);`,
      `const child_process_1 = require("child_process");\n(0, child_process_1.spawnSync)('node', ['-r', 'zqhelp', 'child.js']);`,
      `// see [child_process.fork](https://nodejs.org/api/child_process.html)\nrequire('child_process').spawnSync('node', ['-r', 'zqhelp', 'child.js']);`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: `${code}\n`});
      assert.ok(analysis.modules.includes(`zqhelp`), `${code}\n${analysis.modules.join(`, `)}`);
      assert.ok(!analysis.unresolved.some(line => /under another name/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`reads keys spelled with octal escapes or a line continuation, and bash's exported functions (C1)`, () => {
    const shell = analysed(`node install.js`, {[`install.js`]: `require('child_process').spawnSync('node', ['child.js', ';', 'node', '-r', 'zqhelp', 'child.js'], {stdio: 'inherit', 'sh\\145ll': true});\n`});
    assert.ok(shell.modules.includes(`zqhelp`), shell.modules.join(`, `));
    for (const key of [`'NODE\\137OPTIONS'`, `'NODE_\\\nOPTIONS'`, `'BASH_FUNC_node%%'`]) {
      const code = `require('child_process').execSync('node child.js', {stdio: 'inherit', env: {...process.env, ${key}: 'x'}});\n`;
      const analysis = analysed(`node install.js`, {[`install.js`]: code});
      assert.ok(analysis.unresolved.some(line => /install\.js: sets (?:NODE_OPTIONS|BASH_FUNC_node%%)/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });
});
