/**
 * Outside attack round 58: what no approval can bind is named, never passed
 * silently. A file named like JavaScript that the kernel runs as a shell
 * script (`./setup.js` starting `#!/bin/sh`: J1), and node options a fork
 * takes from the package's data (`fork('./child.js', require('./o.json'))`:
 * K1), are shown as limits of the approval in `yarn trust status`. Each test
 * fails on the bundle of round 58.
 */
import {assertApprovalNamesLimit, plain, suiteRegistry} from './harness';

describe(`outside attack round 58 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-58`, () => [
    plain(`zq58help`, `1.0.0`, {files: {[`index.js`]: `module.exports = {level: 1};\n`}}),
    plain(`zq58shell`, `1.0.0`, {scripts: {postinstall: `./setup.js`}, dependencies: {zq58help: `^1.0.0`}, files: {[`setup.js`]: `#!/bin/sh\nnode -r zq58help -e 0\n`}, modes: {[`setup.js`]: 0o755}}),
    plain(`zq58fork`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq58help: `^1.0.0`}, files: {
      [`install.js`]: `require('child_process').fork('./child.js', require('./fork-options.json'));\n`,
      [`child.js`]: `console.log('child');\n`,
      [`fork-options.json`]: JSON.stringify({execArgv: [`--require`, `zq58help`]}),
    }}),
  ]);

  for (const [id, name, limit] of [
    [`J1`, `zq58shell`, /setup\.js: file named like JavaScript that runs as sh/],
    [`K1`, `zq58fork`, /install\.js: gives node processes or workers options \(execArgv\) built at run time, which are not followed/],
  ] as Array<[string, string, RegExp]>) {
    it(`the approval of install code that loads code it cannot follow names that as a limit (${id})`, async function() {
      await assertApprovalNamesLimit(suite, name, limit);
    });
  }
});
