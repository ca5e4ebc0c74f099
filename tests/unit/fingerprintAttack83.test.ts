/**
 * Outside attack round 83: install code reached the module wrapper (and its
 * `require`) through a function's `caller` or the call stack's functions
 * (`Error.prepareStackTrace`, `getFunction()`), opened node's inspector
 * through `NODE_OPTIONS` in an environment file, or ran another package's
 * WebAssembly, and no limit was named.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {analysedInstallCode as analysed} from './support/installCode';
import {memoryPackage} from './support/memoryPackage';

const NAMED = /install\.js: (?:(?:kill|pkill) sends a signal that may open node's inspector|process\.debugPort opens|a function's (?:caller|arguments) is read|the functions of the call stack are read|(?:WebAssembly|WASI\.start)\(\) evaluates text built at run time)/;

describe(`outside attack round 83`, () => {
  it(`names the module wrapper reached through caller or the call stack, and WebAssembly`, () => {
    for (const code of [
      `function g() { return g.caller.arguments[1]; }\ng()(name)();`,
      `function g() { return g.caller; }\nconst w = g(); w[k][1](name)();`,
      `function g() { return g['cal' + 'ler']; }\nconst f = g['caller'];`,
      `Error.prepareStackTrace = (e, s) => s;\nconst s = new Error().stack;\nError.prepareStackTrace = undefined;\ns[0].getFunction().arguments[1](name)();`,
      `const stack = Reflect.get(Error, 'prepareStackTrace');`,
      `WebAssembly.compile(require('fs').readFileSync(file)).then(m => WebAssembly.instantiate(m, {}));`,
      `const {WASI} = require('node:wasi'); new WASI({version: 'preview1'});`,
      `process.debugPort = 6491;`,
      `require('child_process').execSync('kill -s USR1 $PPID');`,
      `require('child_process').execSync('kill -USR1 $PPID');`,
      `require('child_process').execSync('pkill --signal=$SIG node');`,
      `require('child_process').execSync('kill -30 $PPID');`,
    ])
      assert.ok(analysed(code).unresolved.some(line => NAMED.test(line)), `${code}\n${analysed(code).unresolved.join(`\n`)}`);
  });

  it(`names node's inspector opened by NODE_OPTIONS in an environment file`, () => {
    for (const postinstall of [`node --env-file=dbg.env benign.js`, `node install.js`]) {
      const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
      const files = memoryPackage({[`package.json`]: JSON.stringify(manifest), [`benign.js`]: `setTimeout(() => {}, 10);\n`, [`dbg.env`]: `NODE_OPTIONS="--inspect=127.0.0.1:6492"\n`, [`install.js`]: `require('child_process').spawn(process.execPath, ['--env-file=dbg.env', 'benign.js']);\n`});
      const {unresolved} = analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files, everyFile: true});
      assert.ok(unresolved.some(line => /node starts with its inspector open \(--inspect in NODE_OPTIONS\)/.test(line)), `${postinstall}\n${unresolved.join(`\n`)}`);
    }
    const postinstall = `node --env-file=dbg.env benign.js`;
    const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
    const files = memoryPackage({[`package.json`]: JSON.stringify(manifest), [`benign.js`]: `1;\n`, [`dbg.env`]: `NODE_OPTIONS="--inspect-port=6492 --inspect-wait"\n`});
    const {unresolved} = analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files, everyFile: true});
    assert.ok(unresolved.some(line => /inspector open \(--inspect-(?:port|wait) in NODE_OPTIONS\)/.test(line)), unresolved.join(`\n`));
  });

  it(`stays quiet for arguments read inside a function and other uses of these names`, () => {
    // Seen in jest's 34,265 installed JavaScript files: a syntax tree's `node.arguments`, a default
    // parameter read from the function's own arguments, a method named `arguments`, core-js's lists.
    for (const code of [
      `function f() { return arguments.length; }`,
      `const call = (...args) => target(...args);`,
      `require('child_process').execSync('kill -TERM $PID; pkill -f watcher; kill 5');`,
      `const count = path.node.arguments.length;`,
      `function rewrite(path, {loose = arguments[1].loose}) { return loose; }`,
      `class Command { arguments(desc) { return this.parse(desc); } }`,
      `const polyfills = {WebAssembly: {CompileError: 'es.error'}}; if (typeof WebAssembly === 'object') new WebAssembly.Memory({initial: 1});`,
    ]) {
      const {unresolved} = analysed(code);
      assert.ok(!unresolved.some(line => NAMED.test(line)), `${code}\n${unresolved.join(`\n`)}`);
    }
  });
});
