/**
 * Outside attack round 59: install code that gives the processes it starts
 * an environment whose variable names the scan could not read (E1:
 * `Reflect.set(process.env, …)`, an alias with a key built at run time,
 * `Object.defineProperty`, `process.env` replaced), and node's
 * `NODE_REPL_EXTERNAL_MODULE`, which node loads in place of its REPL (N1).
 */
import assert from 'node:assert/strict';

import {analyzeEntries, analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`child.js`]: `console.log(1);\n`, ...files}), everyFile: true});
}

const ADD = `(process.env.NODE_OPTIONS || '') + ' --require zqhelp'`;
const RUN = `require('child_process').execSync('node child.js', {stdio: 'inherit'});\n`;

describe(`outside attack round 59`, () => {
  it(`names an environment written in a way whose names are not read, for the commands the code runs (E1)`, () => {
    for (const write of [
      `Reflect.set(process.env, 'NODE_OPTIONS', ${ADD});`,
      `const e = process.env; e['NODE_' + 'OPTIONS'] = ${ADD};`,
      `Object.defineProperty(process.env, 'NODE_OPTIONS', {value: ${ADD}, writable: true, enumerable: true, configurable: true});`,
      `process.env = Object.fromEntries([...Object.entries(process.env), ['NODE_OPTIONS', ${ADD}]]);`,
      `const {env} = process; env[['NODE', 'OPTIONS'].join('_')] = ${ADD};`,
      `const {env: e} = require('node:process'); Reflect.set(e, 'NODE_OPTIONS', ${ADD});`,
      `import {env as e} from 'node:process';\ne[String.fromCharCode(78) + 'ODE_OPTIONS'] = ${ADD};`,
      `const env = {...process.env}; env['NODE_' + 'OPTIONS'] = ${ADD};\nrequire('child_process').execSync('node child.js', {env});`,
      `const e = Object.assign({}, process.env); Object.assign(e, require('./settings.json'));\nrequire('child_process').execSync('node child.js', {env: e});`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: `${write}\n${RUN}`, [`settings.json`]: `{"NODE_OPTIONS": "--require zqhelp"}`});
      assert.ok(analysis.unresolved.some(line => /install\.js: sets variables named at run time for the commands it runs/.test(line)), `${write}\n${analysis.unresolved.join(`\n`)}`);
    }
    // Reading the environment, or handing it on as it is, changes nothing.
    for (const code of [
      `const e = process.env; if (e.CI) console.log(e['HOME']);\n${RUN}`,
      `require('child_process').execSync('node child.js', {env: process.env});\n`,
      `const env = {...process.env, FORCE_COLOR: '1'};\nrequire('child_process').execSync('node child.js', {env});\n`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: code});
      assert.ok(!analysis.unresolved.some(line => /sets variables named at run time/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`follows NODE_REPL_EXTERNAL_MODULE as node loads it, and names node's REPL (N1)`, () => {
    const analysis = analysed(`NODE_REPL_EXTERNAL_MODULE=zqhelp node -i`);
    assert.ok(analysis.modules.includes(`zqhelp`), `modules: ${analysis.modules.join(`, `)}`);
    assert.ok(analysis.unresolved.some(line => /node starts its REPL \(node -i\)/.test(line)), analysis.unresolved.join(`\n`));
    const interactive = analysed(`node --interactive`);
    assert.ok(interactive.unresolved.some(line => /node starts its REPL \(node --interactive\)/.test(line)), interactive.unresolved.join(`\n`));
    // Set for the commands install code runs.
    for (const code of [
      `require('child_process').execSync('node -i', {stdio: 'inherit', env: {...process.env, NODE_REPL_EXTERNAL_MODULE: 'zqhelp'}});\n`,
      `require('child_process').execFileSync(process.execPath, ['--interactive'], {env: Object.assign({}, process.env, {NODE_REPL_EXTERNAL_MODULE: 'zqhelp'})});\n`,
    ]) {
      const fromCode = analysed(`node install.js`, {[`install.js`]: code});
      assert.ok(fromCode.unresolved.some(line => /sets NODE_REPL_EXTERNAL_MODULE for the commands it runs/.test(line)), `${code}\n${fromCode.unresolved.join(`\n`)}`);
    }
    // A script given: no REPL.
    const script = analysed(`node -i child.js`);
    assert.ok(!script.unresolved.some(line => /REPL/.test(line)), script.unresolved.join(`\n`));
  });

  it(`follows a package's folder that other install code runs (node node_modules/dep) from its main, never as outside the package (T1)`, () => {
    const manifest = {name: `zqdep`, version: `1.0.0`, main: `lib/main.js`};
    const files = memoryPackage({[`package.json`]: JSON.stringify(manifest), [`lib/main.js`]: `require('./util');\n`, [`lib/util.js`]: `module.exports = 1;\n`});
    for (const everyFile of [true, false]) {
      const analysis = analyzeEntries({entries: [{kind: `file`, path: ``}], manifest, files, everyFile});
      assert.ok(analysis.runs.includes(`lib/main.js`) && analysis.runs.includes(`lib/util.js`), JSON.stringify(analysis.runs));
    }
    // No main: its index.
    const indexOnly = {name: `zqdep`, version: `1.0.0`};
    const analysis = analyzeEntries({entries: [{kind: `file`, path: ``}], manifest: indexOnly, files: memoryPackage({[`package.json`]: JSON.stringify(indexOnly), [`index.js`]: `module.exports = 1;\n`}), everyFile: false});
    assert.ok(analysis.runs.includes(`index.js`), JSON.stringify(analysis.runs));
  });

  it(`follows what ts-node's section of tsconfig.json loads: require, compiler, transpiler, swc (T1)`, () => {
    for (const [section, expected] of [
      [{require: [`zqhelp`]}, [`zqhelp`]],
      [{compiler: `zqhelp`}, [`zqhelp`]],
      [{transpiler: [`zqhelp`, {}]}, [`zqhelp`]],
      [{transpiler: `zqhelp/transpiler`}, [`zqhelp/transpiler`]],
      [{swc: true}, [`ts-node/transpilers/swc`, `@swc/core`]],
    ] as Array<[Record<string, unknown>, Array<string>]>) {
      const analysis = analysed(`ts-node setup.ts`, {[`setup.ts`]: `console.log(1);\n`, [`tsconfig.json`]: JSON.stringify({compilerOptions: {module: `commonjs`}, [`ts-node`]: {transpileOnly: true, ...section}})});
      for (const name of expected)
        assert.ok(analysis.modules.includes(name), `${JSON.stringify(section)}: ${analysis.modules.join(`, `)}`);
    }
    // A relative preload is a file of the package.
    const relative = analysed(`ts-node setup.ts`, {[`setup.ts`]: `console.log(1);\n`, [`hook.js`]: `require('zqhelp');\n`, [`tsconfig.json`]: `{"ts-node": {"require": ["./hook.js"]}}`});
    assert.ok(relative.runs.includes(`hook.js`) && relative.modules.includes(`zqhelp`), `${relative.runs.join(`, `)} / ${relative.modules.join(`, `)}`);
  });
});
