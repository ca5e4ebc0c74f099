import assert from 'node:assert/strict';

import {binNames, decideNewBins, releaseBelow} from '../../sources/releaseTrust/policy/newBins';

describe(`release trust: new bins`, () => {
  describe(`binNames`, () => {
    it(`reads a string as one command named after the package, without its scope`, () => {
      assert.deepEqual(binNames(`tool`, `cli.js`), [`tool`]);
      assert.deepEqual(binNames(`@scope/tool`, `./bin/cli.js`), [`tool`]);
    });

    it(`reads an object's keys whose values are files, sorted`, () => {
      assert.deepEqual(binNames(`tool`, {tsc: `bin/tsc`, tsserver: `bin/tsserver`, bad: 3, [``]: `x.js`}), [`tsc`, `tsserver`]);
    });

    it(`reads anything else as no command`, () => {
      for (const bin of [undefined, null, 3, [`cli.js`], ``])
        assert.deepEqual(binNames(`tool`, bin), [], JSON.stringify(bin));
    });
  });

  describe(`decideNewBins`, () => {
    it(`refuses a bin the earlier release did not have, and says which`, () => {
      const decision = decideNewBins({bins: [`tool`, `rustc`], earlier: [{version: `1.2.3`, bins: [`tool`]}]});
      assert.deepEqual(decision, {kind: `refuse`, added: [`rustc`], bins: [`rustc`, `tool`], earlier: [{version: `1.2.3`, bins: [`tool`]}]});
    });

    it(`refuses a first bin of a package that had none`, () => {
      assert.deepEqual(decideNewBins({bins: [`node`], earlier: [{version: `2.0.0`, bins: []}]}).kind, `refuse`);
    });

    it(`accepts the same bins, fewer bins, and a bin any earlier locked release had`, () => {
      assert.equal(decideNewBins({bins: [`tool`], earlier: [{version: `1.0.0`, bins: [`tool`]}]}).kind, `ok`);
      assert.equal(decideNewBins({bins: [], earlier: [{version: `1.0.0`, bins: [`tool`]}]}).kind, `ok`);
      assert.equal(decideNewBins({bins: [`a`, `b`], earlier: [{version: `1.0.0`, bins: [`a`]}, {version: `2.0.0`, bins: [`b`]}]}).kind, `ok`);
    });

    it(`accepts any bins of a name new to the project: nothing to compare with`, () => {
      assert.equal(decideNewBins({bins: [`node`, `sh`], earlier: []}).kind, `ok`);
    });

    it(`orders the earlier releases by version`, () => {
      const decision = decideNewBins({bins: [`x`], earlier: [{version: `10.0.0`, bins: []}, {version: `9.1.0`, bins: []}]});
      assert.ok(decision.kind === `refuse`);
      assert.deepEqual(decision.earlier.map(release => release.version), [`9.1.0`, `10.0.0`]);
    });
  });

  describe(`releaseBelow`, () => {
    it(`finds the release just below, by semver, prereleases and all`, () => {
      assert.equal(releaseBelow(`1.2.4`, [`1.2.3`, `1.10.0`, `1.2.0`, `1.2.4`, `2.0.0`]), `1.2.3`);
      assert.equal(releaseBelow(`2.0.0`, [`1.10.0`, `1.9.0`, `2.0.0-rc.1`]), `2.0.0-rc.1`);
    });

    it(`is null when nothing is below, or the version is no version`, () => {
      assert.equal(releaseBelow(`1.0.0`, [`1.0.0`, `2.0.0`]), null);
      assert.equal(releaseBelow(`latest`, [`1.0.0`]), null);
    });

    it(`skips what is no version`, () => {
      assert.equal(releaseBelow(`1.0.0`, [`0.9.0`, `garbage`, `modified`]), `0.9.0`);
    });
  });
});
