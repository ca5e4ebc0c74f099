/**
 * Outside attack round 61. C1: install code calls child_process under
 * another name (`const {spawnSync: run} = require('child_process')`), which
 * the scan did not read; it is now named as a limit of the approval. The
 * `shell` option spelled with an octal escape (`'sh\145ll': true`) is read
 * as the key it is, so the shell line's preload is bound. E1: `NODE_OPTIONS`
 * written through `globalThis.process.env` with a key built at run time is
 * named as a limit. Each test fails on the bundle of round 61.
 */
import {assertLoadedHelperBound, itNamesLimits, markerCode as PWN, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;

describe(`outside attack round 61 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-61`, () => [
    plain(`zq61hc`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq61renamed`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq61hc: `^1.0.0`}, files: {
      [`install.js`]: `const {spawnSync: run} = require('child_process');\nrun('node', ['-r', 'zq61hc', 'child.js'], {stdio: 'inherit'});\n`,
      [`child.js`]: `console.log('child');\n`,
    }}),
    plain(`zq61hs`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq61octal`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq61hs: `^1.0.0`}, files: {
      [`install.js`]: `require('child_process').spawnSync('node', ['child.js', ';', 'node', '-r', 'zq61hs', 'child.js'], {stdio: 'inherit', 'sh\\145ll': true});\n`,
      [`child.js`]: `console.log('child');\n`,
    }}),
    plain(`zq61he`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq61global`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq61he: `^1.0.0`}, files: {
      [`install.js`]: `const K = ['NODE', 'OPTIONS'].join('_');\nconst e = globalThis.process.env; e[K] = (e.NODE_OPTIONS || '') + ' -r zq61he';\nrequire('child_process').execSync('node child.js', {stdio: 'inherit'});\n`,
      [`child.js`]: `console.log('child');\n`,
    }}),
  ]);

  itNamesLimits(suite, [
    [`C1`, `zq61renamed`, /install\.js: calls a child_process function under another name or indirectly/],
    [`E1`, `zq61global`, /install\.js: sets variables named at run time for the commands it runs/],
  ]);

  it(`a dependency preloaded by a command whose shell option is spelled with an octal escape is bound to the approval (C1)`, async function() {
    await assertLoadedHelperBound(suite, `zq61octal`, `zq61hs`, plain(`zq61hs`, `1.0.1`, {files: {[`index.js`]: `${PWN(`C1-octal-helper-ran`)}${HELPER}`}}));
  });
});
