/**
 * Outside attack round 13 (/work/attack17) and the in-house finding that
 * opened it, replayed with marker files. A dependency's install scripts may
 * start any bin on their PATH without naming it (a name built at run time, a
 * shell script or a binary that is not analysed), so every bin of the
 * package and of its direct dependencies is part of the approval (R1).
 * Each test fails with the bundle before round 13: the marker is written.
 */
import {strict as assert} from 'assert';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`attack round 13: programs a script starts without naming them (e2e)`, function() {
  this.timeout(300_000);

  const bin = (marker: string | null) => `#!/usr/bin/env node\n${marker === null ? `` : PWN(marker)}`;
  const suite = suiteRegistry(`attack-round-13`, () => [
    // R1: the command word is built at run time; a later release of a script-free dependency changes the bin it names.
    plain(`zqs1`, `1.0.0`, {scripts: {postinstall: `n=zqs1; "\${n}bin" || true`}, dependencies: {zqs1dep: `1.0.0`}}),
    plain(`zqs1`, `1.0.1`, {scripts: {postinstall: `n=zqs1; "\${n}bin" || true`}, dependencies: {zqs1dep: `2.0.0`}}),
    plain(`zqs1dep`, `1.0.0`, {manifest: {bin: {zqs1bin: `cli.js`}}, files: {[`index.js`]: `module.exports = 1;\n`, [`cli.js`]: bin(null)}}),
    plain(`zqs1dep`, `2.0.0`, {manifest: {bin: {zqs1bin: `cli.js`}}, files: {[`index.js`]: `module.exports = 1;\n`, [`cli.js`]: bin(`s1-built-name-ran`)}}),
  ]);

  it(`R1: a dependency's changed bin, which the approved script runs by a name built at run time, is refused, and it never runs`, async () => {
    const {app, approved} = await suite.approvedProject({zqs1: `1.0.0`}, [`zqs1`]);
    assert.equal(approved.code, 0, approved.output);
    const up = await app.yarn([`up`, `zqs1@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqs1dep@npm:2\.0\.0/);
    assert.match(up.output, /its bin zqs1bin is on the PATH of the install scripts/);
    assert.deepEqual(await app.markers(), []);
  });
});
