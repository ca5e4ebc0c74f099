/**
 * Outside attack round 63, on the token reader of round 62. T1: code hidden
 * behind a slash the reader could read either way (after a class expression)
 * is named as a limit of the approval. T2: `LD_AUDIT` given to the node install
 * code starts is named. T3: an environment given a prototype is named. Each
 * test fails on the bundle of round 63.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;
describe(`outside attack round 63 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-63`, () => [
    plain(`zq63h1`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq63slash`, `zq63h1`, `const k = class {} / 2; const m = module.require('child_process'); m.exec('node -r zq63h1 child.js'); 2 / 1;`),
    plain(`zq63h2`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq63audit`, `zq63h2`, `require('child_process').execSync('node child.js', {stdio: 'inherit', env: {...process.env, LD_AUDIT: require('path').join(__dirname, '..', 'zq63h2', 'a.so')}});`),
    plain(`zq63h3`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq63proto`, `zq63h3`, `const K = ['NODE', 'OPTIONS'].join('_'); const o = {[K]: '-r zq63h3'};\nconst e = {...process.env};\ndelete e[K]; e.__proto__ = o;\nrequire('child_process').execSync('node child.js', {stdio: 'inherit', env: e});`),
  ]);

  itNamesLimits(suite, [
    [`T1`, `zq63slash`, /install\.js: calls a child_process function under another name or indirectly/],
    [`T2`, `zq63audit`, /install\.js: sets LD_AUDIT for the commands it runs/],
    [`T3`, `zq63proto`, /install\.js: sets variables named at run time for the commands it runs/],
  ]);
});
