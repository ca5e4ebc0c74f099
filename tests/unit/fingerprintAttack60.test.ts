/**
 * Outside attack round 60: a process started with `shell: true` and an
 * argument array, which Node joins and runs with /bin/sh -c (S1), and
 * `NODE_OPTIONS` given to the processes install code starts in spellings the
 * scan missed (E2): a shorthand property, an entry pair, a key named at run
 * time in a literal `env`, `process['env']`.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`child.js`]: `console.log(1);\n`, ...files}), everyFile: true});
}

describe(`outside attack round 60`, () => {
  it(`reads a command started with shell: true as the shell line Node makes of it (S1)`, () => {
    for (const code of [
      `require('child_process').spawnSync('node', ['child.js', ';', 'node', '-r', 'zqhelp', 'child.js'], {shell: true, stdio: 'inherit'});`,
      `require('child_process').execFileSync('node', ['child.js', '&&', 'node', '--require', 'zqhelp', 'child.js'], {shell: true, stdio: 'inherit'});`,
      `require('child_process').spawn('node', ['child.js', '|', 'node', '-r', 'zqhelp', 'child.js'], {stdio: 'inherit', shell: '/bin/bash'});`,
      // Options that may set it: both readings.
      `const options = {shell: process.platform !== 'win32'};\nrequire('child_process').spawnSync('node', ['child.js', ';', 'node', '-r', 'zqhelp', 'child.js'], options);`,
      `require('child_process').spawnSync('node', ['child.js', ';', 'node', '-r', 'zqhelp', 'child.js'], {...defaults});`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: `${code}\n`});
      assert.ok(analysis.modules.includes(`zqhelp`), `${code}\nmodules: ${analysis.modules.join(`, `)}\n${analysis.unresolved.join(`\n`)}`);
    }
    // Words built at run time in a shell line: named.
    const computed = analysed(`node install.js`, {[`install.js`]: `require('child_process').spawnSync('node', ['child.js', process.argv[2]], {shell: true});\n`});
    assert.ok(computed.unresolved.some(line => /spawns a command built at run time/.test(line)), computed.unresolved.join(`\n`));
    // shell: false, or no shell option: the words as they are.
    for (const code of [
      `require('child_process').spawnSync('node', ['child.js', ';', 'zqhelp'], {shell: false});`,
      `require('child_process').spawnSync('node', ['child.js', ';', 'zqhelp'], {stdio: 'inherit'});`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: `${code}\n`});
      assert.ok(!analysis.modules.includes(`zqhelp`), `${code}\nmodules: ${analysis.modules.join(`, `)}`);
    }
  });

  it(`names NODE_OPTIONS set for started processes by a shorthand, an entry pair, a computed key of a literal env, process['env'] (E2)`, () => {
    const ADD = `(process.env.NODE_OPTIONS || '') + ' -r zqhelp'`;
    const RUN = `require('child_process').execSync('node child.js', {stdio: 'inherit'});`;
    for (const code of [
      `const withOptions = (NODE_OPTIONS) => ({...process.env, NODE_OPTIONS});\nrequire('child_process').execSync('node child.js', {env: withOptions(${ADD}), stdio: 'inherit'});`,
      `function environment(NODE_OPTIONS) { return Object.assign({}, process.env, {NODE_OPTIONS}); }\nrequire('child_process').execSync('node child.js', {env: environment(${ADD})});`,
      `const env = Object.fromEntries([...Object.entries(process.env), ['NODE_OPTIONS', ${ADD}]]);\nrequire('child_process').execSync('node child.js', {env, stdio: 'inherit'});`,
      `require('child_process').execSync('node child.js', {env: {...process.env, ['NODE_' + 'OPTIONS']: ${ADD}}, stdio: 'inherit'});`,
      `const e = process['env']; e['NODE_' + 'OPTIONS'] = (e.NODE_OPTIONS || '') + ' -r zqhelp';\n${RUN}`,
      `process["env"][['NODE', 'OPTIONS'].join('_')] = ${ADD};\n${RUN}`,
      `Reflect.set(process?.env, 'NODE_OPTIONS', ${ADD});\n${RUN}`,
      `process.env[\`NODE_\${'OPTIONS'}\`] = ${ADD};\n${RUN}`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: `${code}\n`});
      assert.ok(analysis.unresolved.some(line => /install\.js: sets (?:variables named at run time|NODE_OPTIONS)/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // A literal env without such a key, and reading the environment, are no limit.
    for (const code of [
      `require('child_process').execSync('node child.js', {env: {...process.env, FORCE_COLOR: '1'}, stdio: 'inherit'});\nconst home = process['env'].HOME;\n`,
      `const {CI} = process.env;\nif (CI) ${RUN}\n`,
      // A key whose literal start names no variable that loads code (napi-postinstall).
      `process.env[\`SKIP_\${name.toUpperCase()}_FALLBACK\`] = '1';\nprocess.env['SKIP_' + name] = '1';\n${RUN}\n`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: code});
      assert.ok(!analysis.unresolved.some(line => /sets /.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });
});
