/**
 * Outside attack round 80: install code loaded another package's file through
 * Module._preloadModules or Module.prototype.load (`module.load(file)`), or
 * ran text through the inspector (`Runtime.compileScript` then
 * `Runtime.runScript`), and no limit was named.
 */
import assert from 'node:assert/strict';

import {analysedInstallCode as analysed} from './support/installCode';

const NAMED = /install\.js: (?:Module\._preloadModules loads|\S+\.load\(\) loads the file it is given|(?:inspector\.Session|repl\.start|process\.binding|process\._linkedBinding)\(\) evaluates text built at run time)/;

describe(`outside attack round 80`, () => {
  it(`names what Module._preloadModules, a module object's load() and the inspector may run`, () => {
    for (const code of [
      `require('module')._preloadModules([name]);`,
      `process.getBuiltinModule('module')._preloadModules([name]);`,
      `require('module').Module._preloadModules([name]);`,
      `const {_preloadModules: p} = require('node:module'); p([name]);`,
      `module.load(file);`,
      `module.load(require('path').join(__dirname, '..', name, 'index.js'));`,
      `require.main.load(file);`,
      `process.mainModule.load(file);`,
      `module.parent.load(file);`,
      `module.children[0].load(file);`,
      `module.children[${Array.from({length: 200}, () => `0`).join(` + `)}].load(file);`,
      `require('module').prototype.load.call(module, file);`,
      `const {Session} = require('inspector'); const s = new Session(); s.connect(); s.post('Runtime.compileScript', {expression: text}, (e, r) => s.post('Runtime.runScript', {scriptId: r.scriptId}));`,
      `const {Session} = require('node:inspector/promises'); const s = new Session(); s.connect();`,
      `import * as inspector from 'node:inspector';\nnew inspector.Session().connect();`,
      `const s = new (process.getBuiltinModule('inspector').Session)();`,
      `new (require('repl').REPLServer)({input, output});`,
      `process.binding('contextify').compileFunction(text, 'x.js', 0, 0)();`,
      `process._linkedBinding(name);`,
    ])
      assert.ok(analysed(code).unresolved.some(line => NAMED.test(line)), `${code}\n${analysed(code).unresolved.join(`\n`)}`);
  });

  it(`stays quiet for other load() methods and other modules`, () => {
    for (const code of [
      `require('dotenv').load(); const doc = yaml.load(text); const $ = cheerio.load(html);`,
      `Loader.prototype.load = function (file) { return file; };`,
      `class Store { load() { return 1; } }`,
      `const config = this.load(file);`,
      `require('module').builtinModules.includes('inspector');`,
      `const name = 'repl';`,
    ]) {
      const {unresolved} = analysed(code);
      assert.ok(!unresolved.some(line => NAMED.test(line)), `${code}\n${unresolved.join(`\n`)}`);
    }
  });
});
