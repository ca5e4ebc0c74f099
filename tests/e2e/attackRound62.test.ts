/**
 * Outside attack round 62. E1: install code hands the node it starts a
 * `NODE_OPTIONS` whose name is built at run time, in an `env` the scan did
 * not read (in parentheses, or behind a regular expression whose quote made
 * the scan lose its place), or through `process` destructured from
 * `globalThis`; each is now named as a limit of the approval. C1: a module
 * required with backticks is read, so the dependency its command preloads is
 * bound; an alias of an alias is named as a limit. Each test fails on the
 * bundle of round 62.
 */
import {assertLoadedHelperBound, installStarter, itNamesLimits, markerCode as PWN, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;
const K = `['NODE', 'OPTIONS'].join('_')`;
describe(`outside attack round 62 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-62`, () => [
    plain(`zq62h1`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq62paren`, `zq62h1`, `require('child_process').execSync('node child.js', {stdio: 'inherit', env: ({...process.env, [${K}]: '-r zq62h1'})});`),
    plain(`zq62h2`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq62regex`, `zq62h2`, `require('child_process').execSync('node child.js', {stdio: 'inherit', env: {...process.env, A: /'/.source, [${K}]: '-r zq62h2', B: /'/.source}});`),
    plain(`zq62h3`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq62global`, `zq62h3`, `const {process: p} = globalThis;\np.env[${K}] = '-r zq62h3';\nrequire('child_process').execSync('node child.js', {stdio: 'inherit'});`),
    plain(`zq62h4`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq62alias`, `zq62h4`, `const x = require('child_process'), y = x;\ny.exec('node -r zq62h4 child.js');`),
    plain(`zq62h5`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq62tick`, `zq62h5`, `const x = require(\`child_process\`);\nx.exec('node -r zq62h5 child.js');`),
  ]);

  itNamesLimits(suite, [
    [`E1 parentheses`, `zq62paren`, /install\.js: sets variables named at run time for the commands it runs/],
    [`E1 regular expression`, `zq62regex`, /install\.js: sets variables named at run time for the commands it runs/],
    [`E1 globalThis`, `zq62global`, /install\.js: sets variables named at run time for the commands it runs/],
    [`C1 alias`, `zq62alias`, /install\.js: calls a child_process function under another name or indirectly/],
  ]);

  it(`a dependency preloaded by a command of child_process required with backticks is bound to the approval (C1)`, async function() {
    await assertLoadedHelperBound(suite, `zq62tick`, `zq62h5`, plain(`zq62h5`, `1.0.1`, {files: {[`index.js`]: `${PWN(`C1-backtick-helper-ran`)}${HELPER}`}}));
  });
});
