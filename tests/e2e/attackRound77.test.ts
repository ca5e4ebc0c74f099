/**
 * Outside attack round 77: `node --security-revert CVE-2023-46809`, the one
 * option of Node 20 that takes the next word as its value and that the scan
 * did not know: node then had no program and ran what install code wrote to
 * its standard input (S1). Fails on the bundle of round 77.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

describe(`outside attack round 77 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-77`, () => [
    plain(`zq77h`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    installStarter(`zq77revert`, `zq77h`, `const c = require('child_process').spawn('node', ['--security-revert', 'CVE-2023-46809'], {stdio: ['pipe', 'inherit', 'inherit']});\nc.stdin.end(Object.values(require('./package.json').devDependencies || {}).join('\\n'));`),
  ]);

  itNamesLimits(suite, [
    [`S1`, `zq77revert`, /install\.js: node runs the program it reads from its standard input/],
  ]);
});
