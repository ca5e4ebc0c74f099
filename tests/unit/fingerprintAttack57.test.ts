/**
 * Outside attack round 57: node options that run or load code the scan did
 * not read: `--build-snapshot-config` (B1), network imports (N1), the
 * `execArgv` of forks and workers and of the process itself (F1, X1, W1, E1),
 * and an `.npmrc` value npm decodes as JSON after removing its single quotes
 * (P1). Round 58: node options a fork takes from data (K1), and a file named
 * like JavaScript that the kernel runs as a shell script (J1). In each, install code loads the dependency `zqhelp`, which must be
 * followed, or the install code refused.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`child.js`]: `console.log(1);\n`, [`build.env`]: `NODE_OPTIONS="--require zqhelp"\n`, ...files}), everyFile: true});
}

function assertFollowsHelper(postinstall: string, files: Record<string, string> = {}) {
  const analysis = analysed(postinstall, files);
  assert.ok(analysis.modules.includes(`zqhelp`), `${postinstall} ${JSON.stringify(files)}\nmodules: ${analysis.modules.join(`, `)}\nlimits: ${analysis.unresolved.join(`\n`)}`);
  return analysis;
}

describe(`outside attack round 57`, () => {
  it(`refuses node --build-snapshot-config, which runs the builder its JSON names (B1)`, () => {
    for (const postinstall of [`node --build-snapshot-config=snapshot.json`, `node --build_snapshot_config=snapshot.json`, `node --build-snapshot-config snapshot.json`, `NODE_OPTIONS=--build-snapshot-config=snapshot.json node child.js`])
      assert.throws(() => analysed(postinstall, {[`snapshot.json`]: `{"builder": "child.js"}`}), /runs the builder script that JSON file names/, postinstall);
  });

  it(`refuses code from the network: --experimental-network-imports, an http(s) preload (N1)`, () => {
    for (const postinstall of [`node --experimental-network-imports --import=https://example.com/x.mjs child.js`, `node --import=http://127.0.0.1/x.mjs child.js`, `NODE_OPTIONS=--experimental-network-imports node child.js`]) {
      const analysis = analysed(postinstall);
      assert.ok(analysis.foreignRuns.some(line => /from the network/.test(line)), `${postinstall}\n${analysis.foreignRuns.join(`\n`)}`);
    }
  });

  it(`follows the execArgv of forks and workers, and what this process adds to its own (F1, X1, W1, E1)`, () => {
    for (const code of [
      `require('child_process').fork('./child.js', [], {execArgv: ['--require', 'zqhelp']});\n`,
      `require('child_process').fork('./child.js', {execArgv: ["--import=zqhelp"]});\n`,
      `process.execArgv.push('--require', 'zqhelp');\nrequire('child_process').fork('./child.js');\n`,
      `const {Worker} = require('worker_threads');\nnew Worker('./child.js', {\n  execArgv: [\n    '--require',\n    'zqhelp',\n  ],\n});\n`,
      `require('child_process').fork('./child.js', {'execArgv': ['--env-file=build.env']});\n`,
    ])
      assertFollowsHelper(`node install.js`, {[`install.js`]: code});
    // Options built at run time are named as a limit, the literal ones still followed.
    const computed = assertFollowsHelper(`node install.js`, {[`install.js`]: `require('child_process').fork('./child.js', {execArgv: [...process.execArgv, '--require', 'zqhelp']});\n`});
    assert.ok(computed.unresolved.some(line => /options \(execArgv\) built at run time/.test(line)), computed.unresolved.join(`\n`));
    // Options that come from data or a variable are named as a limit (round 58, K1).
    for (const code of [
      `const {execArgv} = require('./fork-options.json');\nrequire('child_process').fork('./child.js', {execArgv});\n`,
      `require('child_process').fork('./child.js', require('./fork-options.json'));\n`,
      `require('child_process').fork('./child.js', [], options);\n`,
      `const {Worker} = require('worker_threads');\nconst o = require('./fork-options.json');\nnew Worker('./child.js', o);\n`,
      `require('cluster').setupPrimary(require('./fork-options.json'));\n`,
      `require('child_process').fork('./child.js', {...defaults, stdio: 'inherit'});\n`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: code, [`fork-options.json`]: `{"execArgv": ["--require", "zqhelp"]}`});
      assert.ok(analysis.unresolved.some(line => /options \(execArgv\) built at run time/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // Padded past what the scan reads: named as a limit, never passed silently.
    for (const code of [
      `require('child_process').fork('./child.js', [], {execArgv: [${` `.repeat(5000)}'--require', 'zqhelp']});\n`,
      `const {Worker} = require('worker_threads');\nnew Worker('./child.js', {}, ${` `.repeat(9000)}0);\n`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: code});
      assert.ok(analysis.unresolved.some(line => /options \(execArgv\) built at run time/.test(line)), analysis.unresolved.join(`\n`));
    }
    // A literal object, or none, is no limit.
    for (const code of [`require('child_process').fork('./child.js', ['a'], {stdio: 'inherit'});\n`, `require('child_process').fork('./child.js');\n`, `const {Worker} = require('worker_threads');\nnew Worker('./child.js', {workerData: 1});\n`]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: code});
      assert.ok(!analysis.unresolved.some(line => /execArgv/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // Reading execArgv adds nothing.
    const reading = analysed(`node install.js`, {[`install.js`]: `if (process.execArgv.includes('--inspect')) console.log(1);\nconst same = process.execArgv === [];\n`});
    assert.ok(!reading.unresolved.some(line => /execArgv/.test(line)), reading.unresolved.join(`\n`));
  });

  it(`follows execArgv with comments before its value, and names every other use that may add options`, () => {
    // Comments between the name and the value, and inside the value, are skipped.
    for (const code of [
      `require('child_process').fork('./child.js', {execArgv /* x */ : ['--require', 'zqhelp']});\n`,
      `require('child_process').fork('./child.js', {execArgv // x\n  : [/* ' */ '--require', 'zqhelp']});\n`,
      `process.execArgv /* x */ . /* y */ push('--require', 'zqhelp');\nrequire('child_process').fork('./child.js');\n`,
    ])
      assertFollowsHelper(`node install.js`, {[`install.js`]: code});
    // A key named at run time, an alias, a function it is handed to, an element written, a member of process named at run time.
    for (const code of [
      `require('child_process').fork('./child.js', {['exec' + 'Argv']: ['--require', 'zqhelp']});\n`,
      `require('child_process').fork('./child.js', [], {stdio: 'inherit', [key]: ['--require', 'zqhelp']});\n`,
      `const a = process.execArgv;\na.push('--require', 'zqhelp');\nrequire('child_process').fork('./child.js');\n`,
      `Reflect.set(options, 'execArgv', ['--require', 'zqhelp']);\nrequire('child_process').fork('./child.js', options);\n`,
      `Array.prototype.push.call(process.execArgv, '--require', 'zqhelp');\nrequire('child_process').fork('./child.js');\n`,
      `process.execArgv[0] = '--require=zqhelp';\nrequire('child_process').fork('./child.js');\n`,
      `process['exec' + 'Argv'].push('--require', 'zqhelp');\nrequire('child_process').fork('./child.js');\n`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: code});
      assert.ok(analysis.unresolved.some(line => /options \(execArgv\) built at run time/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    // Plain reads add nothing.
    for (const code of [
      `for (const arg of process.execArgv) console.log(arg);\n`,
      `const joined = process.execArgv.join(' ');\nconst inspecting = process.execArgv.some(arg => /inspect/.test(arg));\n`,
      `console.log([...process.execArgv].length, process.execArgv.length, process.execArgv[0] !== '--x', typeof process.execArgv);\n`,
      `require('child_process').fork('./child.js', [], {stdio: ['pipe', 'pipe', 'pipe', 'ipc'], env: {A: '1'}});\nconsole.log(process['env']);\n`,
    ]) {
      const analysis = analysed(`node install.js`, {[`install.js`]: code});
      assert.ok(!analysis.unresolved.some(line => /execArgv/.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`reads an .npmrc value as npm does: single quotes removed, then JSON (P1)`, () => {
    assertFollowsHelper(`npm run go`, {[`.npmrc`]: `node-options='"\\u002d\\u002drequire zqhelp"'\n`, [`package.json`]: JSON.stringify({name: `zqroot`, version: `1.0.0`, scripts: {postinstall: `npm run go`, go: `node child.js`}})});
    assertFollowsHelper(`npm run go`, {[`.npmrc`]: `'"node\\u002doptions"'='--require zqhelp'\n`, [`package.json`]: JSON.stringify({name: `zqroot`, version: `1.0.0`, scripts: {postinstall: `npm run go`, go: `node child.js`}})});
  });

  it(`reads a file run by its path with the program its #! line names, not by its name (round 58, J1)`, () => {
    for (const head of [`#!/bin/sh\n`, `#!/usr/bin/env bash\n`, ``, `\ufeff#!/usr/bin/env node\n`]) {
      const analysis = analysed(`./setup.js`, {[`setup.js`]: `${head}node -r zqhelp -e 0\n`});
      assert.ok(analysis.unresolved.some(line => /setup\.js: file named like JavaScript that runs as (?:sh|bash)/.test(line)), `${JSON.stringify(head)}\n${analysis.unresolved.join(`\n`)}`);
    }
    // A node #! line is JavaScript, as named.
    const node = analysed(`./setup.js`, {[`setup.js`]: `#!/usr/bin/env node\nrequire('zqhelp');\n`});
    assert.ok(node.modules.includes(`zqhelp`));
    assert.ok(!node.unresolved.some(line => /file named like JavaScript/.test(line)), node.unresolved.join(`\n`));
  });
});
