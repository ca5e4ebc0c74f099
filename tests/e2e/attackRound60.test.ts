/**
 * Outside attack round 60. S1: install code starts node with `shell: true`
 * and an argument array (`spawnSync('node', ['child.js', ';', 'node', '-r',
 * helper, 'child.js'], {shell: true})`), which Node runs as one shell line:
 * the second node preloads a dependency. The line is now read as the shell
 * reads it, so the dependency is bound and its new release refused before it
 * runs. E2: `NODE_OPTIONS` given to started processes by a shorthand property
 * (`{...process.env, NODE_OPTIONS}`) was neither followed nor named; it is now
 * named as a limit of the approval. Each test fails on the bundle of round 60.
 */
import {assertApprovalNamesLimit, assertLoadedHelperBound, markerCode as PWN, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;

describe(`outside attack round 60 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-60`, () => [
    plain(`zq60hs`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq60shell`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq60hs: `^1.0.0`}, files: {
      [`install.js`]: `require('child_process').spawnSync('node', ['child.js', ';', 'node', '-r', 'zq60hs', 'child.js'], {shell: true, stdio: 'inherit'});\n`,
      [`child.js`]: `console.log('child');\n`,
    }}),
    plain(`zq60he`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq60env`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq60he: `^1.0.0`}, files: {
      [`install.js`]: `const withOptions = (NODE_OPTIONS) => ({...process.env, NODE_OPTIONS});\nrequire('child_process').execSync('node child.js', {env: withOptions((process.env.NODE_OPTIONS || '') + ' -r zq60he'), stdio: 'inherit'});\n`,
      [`child.js`]: `console.log('child');\n`,
    }}),
  ]);

  it(`a dependency preloaded by a command started with shell: true is bound to the approval (S1)`, async function() {
    await assertLoadedHelperBound(suite, `zq60shell`, `zq60hs`, plain(`zq60hs`, `1.0.1`, {files: {[`index.js`]: `${PWN(`S1-helper-ran`)}${HELPER}`}}));
  });

  it(`the approval of install code that gives NODE_OPTIONS by a shorthand property names that as a limit (E2)`, async function() {
    await assertApprovalNamesLimit(suite, `zq60env`, /install\.js: sets variables named at run time for the commands it runs/);
  });
});
