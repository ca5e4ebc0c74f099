/**
 * Outside attack round 76: install code that evaluates text or loads a
 * module through an evaluator or loader used as a value or under another
 * name (`Function(text)`, `const run = eval`, `const {runInThisContext: run}
 * = require('vm')`, `const {register: hooks} = require('node:module')`) ran
 * another package's code with no limit named; `new Worker('../x/index.js')`
 * ran a file outside the package. Each test fails on the bundle of round 76.
 */
import {assertRefusedEvenAfterApproval, installStarter, itNamesLimits, markerCode as PWN, plain, suiteRegistry} from './harness';

const LOAD_HELPER = `const text = Buffer.from('cHJvY2Vzcy5tYWluTW9kdWxlLnJlcXVpcmUoInpxNzZoIik=', 'base64').toString();\n`;

describe(`outside attack round 76 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-76`, () => [
    plain(`zq76h`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    installStarter(`zq76fncall`, `zq76h`, `${LOAD_HELPER}Function(text)();`),
    installStarter(`zq76evalalias`, `zq76h`, `${LOAD_HELPER}const run = eval; run(text);`),
    installStarter(`zq76vmrename`, `zq76h`, `${LOAD_HELPER}const { runInThisContext: run } = require('vm'); run(text);`),
    installStarter(`zq76register`, `zq76h`, `const { register: hooks } = require('node:module');\nhooks('zq76h', require('url').pathToFileURL(__filename));`),
    plain(`zq76worker`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `const { Worker } = require('worker_threads');\nnew Worker('../zq76evil/index.js');\n`}}),
    plain(`zq76evil`, `1.0.0`, {files: {[`index.js`]: PWN(`r76-worker-ran`)}}),
  ]);

  itNamesLimits(suite, [
    [`fncall`, `zq76fncall`, /install\.js: Function\(\) evaluates text built at run time/],
    [`evalalias`, `zq76evalalias`, /install\.js: eval\(\) evaluates text built at run time/],
    [`vmrename`, `zq76vmrename`, /install\.js: vm\.runInThisContext\(\) evaluates text built at run time/],
    [`registerrename`, `zq76register`, /install\.js: module\.register is used under another name or as a value/],
  ]);

  it(`install code that starts a Worker on a literal path outside the package is refused (workerpath)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq76worker: `1.0.0`, zq76evil: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zq76worker`, /new Worker\('\.\.\/zq76evil\/index\.js'\) runs a file that may be outside the package/);
  });
});
