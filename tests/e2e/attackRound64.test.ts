/**
 * Outside attack round 64, on the token reader of round 63. T1: code hidden
 * behind a private name spelled like a keyword (`this.#return / 2`) is named
 * as a limit of the approval. T3: an environment given to a process through
 * options whose `env` is set by `Object.defineProperty` is named. Each test
 * fails on the bundle of round 64.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;
const COPY = `const o = {}; for (const k of Object.keys(process.env)) o[k] = process.env[k]; const K = 'NODE_' + 'OPTIONS';`;

describe(`outside attack round 64 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-64`, () => [
    plain(`zq64h1`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq64private`, `zq64h1`, `class A { #return = 4; m() { const k = this.#return / 2; const m = module.require('child_process'); m.exec('node -r zq64h1 child.js'); 2 / 1; } }\nnew A().m();`),
    plain(`zq64h2`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq64define`, `zq64h2`, `${COPY} o[K] = (o[K] || '') + ' -r zq64h2';\nconst opts = {stdio: 'inherit'}; Object.defineProperty(opts, 'env', {value: o, enumerable: true});\nrequire('child_process').execSync('node child.js', opts);`),
  ]);

  itNamesLimits(suite, [
    [`T1`, `zq64private`, /install\.js: calls a child_process function under another name or indirectly/],
    [`T3`, `zq64define`, /install\.js: sets variables named at run time for the commands it runs/],
  ]);
});
