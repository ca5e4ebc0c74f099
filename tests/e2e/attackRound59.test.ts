/**
 * Outside attack round 59. E1: install code writes `NODE_OPTIONS` for the
 * node it starts with a spelling whose variable name the scan could not read
 * (`Reflect.set(process.env, 'NODE_OPTIONS', …)`); the approval listed only
 * the package's files and said nothing. It is now named as a limit of the
 * approval. N1: `NODE_REPL_EXTERNAL_MODULE=<dependency> node -i`, where node
 * loads that module in place of its REPL (with Yarn's PnP linker a bare name
 * resolves from the package): the module is now followed and bound, so a new
 * release of it is refused before it runs. Each test fails on the bundle of
 * round 59.
 */
import assert from 'node:assert/strict';

import {assertApprovalNamesLimit, markerCode as PWN, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;

describe(`outside attack round 59 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-59`, () => [
    plain(`zq59he`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq59env`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq59he: `^1.0.0`}, files: {
      [`install.js`]: `Reflect.set(process.env, 'NODE_OPTIONS', (process.env.NODE_OPTIONS || '') + ' --require zq59he');\nrequire('child_process').execSync('node child.js', {stdio: 'inherit'});\n`,
      [`child.js`]: `console.log('child');\n`,
    }}),
    plain(`zq59hr`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq59repl`, `1.0.0`, {scripts: {postinstall: `NODE_REPL_EXTERNAL_MODULE=zq59hr node -i`}, dependencies: {zq59hr: `^1.0.0`}}),
  ]);

  it(`the approval of install code that writes NODE_OPTIONS with Reflect.set names that as a limit (E1)`, async function() {
    await assertApprovalNamesLimit(suite, `zq59env`, /install\.js: sets variables named at run time for the commands it runs/);
  });

  it(`the module NODE_REPL_EXTERNAL_MODULE names is bound to the approval: its new release does not run (N1, PnP)`, async function() {
    const {app, approved} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq59repl: `1.0.0`}}, yarnrc: {nodeLinker: `pnp`}}, [`zq59repl`]);
    assert.equal(approved.code, 0, approved.output);
    const status = await app.yarn([`trust`, `status`]);
    await suite.registry.publish(plain(`zq59hr`, `1.0.1`, {files: {[`index.js`]: `${PWN(`N1-helper-ran`)}${HELPER}`}}));
    const up = await app.yarn([`up`, `-R`, `zq59hr`]);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zq59hr@npm:1\.0\.1 /);
    assert.match(status.output, /node starts its REPL \(node -i\)/, status.output);
  });
});
