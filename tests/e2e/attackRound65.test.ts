/**
 * Outside attack round 65. T1: code hidden behind a slash on the line after
 * `debugger` (a regular expression to Node) is named as a limit of the
 * approval. T3: a key written to `Object.prototype`, which every environment a
 * process is given inherits, is named. Each test fails on the bundle of round 65.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;

describe(`outside attack round 65 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-65`, () => [
    plain(`zq65h1`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq65debugger`, `zq65h1`, `debugger\n/'/; const m = module.require('child_process'); m.exec('node -r zq65h1 child.js'); /'/;`),
    plain(`zq65h2`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq65proto`, `zq65h2`, `const K = 'NODE_' + 'OPTIONS';\nconst v = process.env.NODE_OPTIONS;\ndelete process.env.NODE_OPTIONS;\nObject.prototype[K] = (v || '') + ' -r zq65h2';\nrequire('child_process').execSync('node child.js', {stdio: 'inherit'});`),
  ]);

  itNamesLimits(suite, [
    [`T1`, `zq65debugger`, /install\.js: calls a child_process function under another name or indirectly/],
    [`T3`, `zq65proto`, /install\.js: sets variables named at run time for the commands it runs/],
  ]);
});
