/**
 * Outside attack round 78: install code that reached the Function constructor
 * or a loader through a member named at run time, a `with` statement or a
 * renamed member ran another package's code with no limit named. Each test
 * fails on the bundle of its round (78, or 79 for the last).
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

const LOAD_HELPER = `const text = Buffer.from('cHJvY2Vzcy5tYWluTW9kdWxlLnJlcXVpcmUoInpxNzhoIik=', 'base64').toString();\n`;

describe(`outside attack round 78 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-78`, () => [
    plain(`zq78h`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    installStarter(`zq78ctor`, `zq78h`, `${LOAD_HELPER}const F = (() => 0).constructor;\nF(text)();`),
    installStarter(`zq78with`, `zq78h`, `${LOAD_HELPER}with (() => 0) { constructor(text)(); }`),
    installStarter(`zq78vm`, `zq78h`, `${LOAD_HELPER}const vm = require('vm');\nconst run = vm[['runIn', 'ThisContext'].join('')];\nrun(text);`),
    installStarter(`zq78worker`, `zq78h`, `const { Worker: W } = require('worker_threads');\nnew W('.' + './zq78h/index.js');`),
  ]);

  itNamesLimits(suite, [
    [`A16`, `zq78ctor`, /install\.js: Function\(\) evaluates text built at run time/],
    [`A03`, `zq78with`, /install\.js: a with statement/],
    [`A07`, `zq78vm`, /install\.js: the vm module is used with a member named at run time/],
    [`A17`, `zq78worker`, /install\.js: worker_threads\.Worker is used under another name/],
  ]);
});

describe(`outside attack round 79 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-79`, () => [
    plain(`zq79h`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    installStarter(`zq79values`, `zq79h`, `const text = Buffer.from('cHJvY2Vzcy5tYWluTW9kdWxlLnJlcXVpcmUoInpxNzloIik=', 'base64').toString();\nconst run = Object.values(require('vm')).find(f => f.name === 'runInThisContext');\nrun(text);`),
  ]);

  itNamesLimits(suite, [
    [`A01`, `zq79values`, /install\.js: the vm module is used with a member named at run time or as a value \(require\('vm'\)\)/],
  ]);
});
