import assert from 'node:assert/strict';

import {evaluateScriptGate, type ScriptedPackage} from '../../sources/installScripts/policy/scriptGate';
import {findStaleDecisions, forgottenPackages, withoutStaleDecisions} from '../../sources/installScripts/policy/staleDecisions';
import {serializeTrustFile} from '../../sources/core/policy/trustFile/serialize';
import type {Approval, TrustFile} from '../../sources/core/policy/trustFile/types';

const INSTALL_JS = `sha512-aW5zdGFsbA==`;
const TELEMETRY_JS = `sha512-dGVsZW1ldHJ5`;

function scripted(name: string, version: string, overrides: Partial<ScriptedPackage> = {}): ScriptedPackage {
  return {
    id: `${name}@${version}`,
    name,
    version,
    fingerprint: {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: INSTALL_JS}},
    implicitNodeGyp: false,
    built: true,
    ...overrides,
  };
}

function approval(version: string, overrides: Partial<Approval> = {}): Approval {
  return {
    version,
    scripts: {postinstall: `node install.js`},
    files: {[`install.js`]: INSTALL_JS},
    approvedAt: `2026-11-01T00:00:00.000Z`,
    ...overrides,
  };
}

const telemetry = {scripts: {postinstall: `node telemetry.js`}, files: {[`telemetry.js`]: TELEMETRY_JS}};

function trust(packages: TrustFile[`packages`]): TrustFile {
  return {version: 1, packages, collisions: {}};
}

/** Evaluates the gate like the commands do, then asks what is stale. */
function staleOf(file: TrustFile, packages: ScriptedPackage[], otherNames: string[] = []) {
  const findings = evaluateScriptGate(packages, file, {enableScripts: false});
  const names = new Set([...packages.map(pkg => pkg.name), ...otherNames]);
  return findStaleDecisions(file, {names, findings});
}

describe(`findStaleDecisions`, () => {
  describe(`when every approval is what a package of the project runs`, () => {
    it(`reports nothing`, () => {
      const file = trust({esbuild: {approvals: [approval(`0.19.2`)]}});
      assert.deepEqual(staleOf(file, [scripted(`esbuild`, `0.19.2`)]), []);
    });
  });

  describe(`when a newer version runs what an older approval reviewed`, () => {
    it(`keeps that approval: it is what lets the newer version run`, () => {
      const file = trust({esbuild: {approvals: [approval(`0.19.2`)]}});
      assert.deepEqual(staleOf(file, [scripted(`esbuild`, `0.20.0`)]), []);
    });
  });

  describe(`when the project moved to a version approved with another fingerprint`, () => {
    it(`reports the older approval, whose fingerprint no package runs any more`, () => {
      const old = approval(`1.0.0`, {reason: `first review`});
      const file = trust({p: {approvals: [old, approval(`1.1.0`, telemetry)]}});
      const stale = staleOf(file, [scripted(`p`, `1.1.0`, {fingerprint: telemetry})]);
      assert.deepEqual(stale, [{kind: `approval`, name: `p`, approval: old, why: `fingerprint-unused`}]);
    });
  });

  describe(`when install code now reaches more files of the same version, and that is approved too`, () => {
    const reached = (files: Record<string, string>): ScriptedPackage => scripted(`helpers`, `1.0.2`, {ownScripts: false, built: undefined, fingerprint: {scripts: {}, files},
      reachedFrom: [{id: `runner@1.0.0`, locator: `runner@npm:1.0.0`, via: `require('helpers')`}]});
    const runner = scripted(`runner`, `1.0.0`);

    it(`calls the earlier approval superseded, not unused`, () => {
      const first = approval(`1.0.2`, {scripts: {}, files: {[`index.js`]: INSTALL_JS}});
      const second = approval(`1.0.2`, {scripts: {}, files: {[`index.js`]: INSTALL_JS, [`applyBind.js`]: TELEMETRY_JS}, approvedAt: `2026-12-01T00:00:00.000Z`});
      const file = trust({helpers: {approvals: [first, second]}, runner: {approvals: [approval(`1.0.0`)]}});
      const stale = staleOf(file, [runner, reached({[`index.js`]: INSTALL_JS, [`applyBind.js`]: TELEMETRY_JS})]);
      assert.deepEqual(stale.map(decision => [decision.name, decision.why]), [[`helpers`, `superseded`]]);
    });

    it(`keeps the approval a changed package is compared with, even from another parse of the file`, () => {
      const file = trust({helpers: {approvals: [approval(`1.0.2`, {scripts: {}, files: {[`index.js`]: INSTALL_JS}})]}, runner: {approvals: [approval(`1.0.0`)]}});
      const findings = evaluateScriptGate([runner, reached({[`index.js`]: INSTALL_JS, [`applyBind.js`]: TELEMETRY_JS})], structuredClone(file), {enableScripts: false});
      assert.deepEqual(findStaleDecisions(file, {names: new Set([`helpers`, `runner`]), findings}), []);
    });
  });

  describe(`when a package changed what it runs and waits for a review`, () => {
    it(`keeps the approval it is compared with`, () => {
      const file = trust({p: {approvals: [approval(`1.0.0`)]}});
      assert.deepEqual(staleOf(file, [scripted(`p`, `1.1.0`, {fingerprint: telemetry})]), []);
    });
  });

  describe(`when a package left the project`, () => {
    it(`reports every approval and its denial`, () => {
      const file = trust({gone: {approvals: [approval(`1.0.0`), approval(`2.0.0`)]}, denied: {denied: {deniedAt: `2026-11-01T00:00:00.000Z`}}});
      const stale = staleOf(file, []);
      assert.deepEqual(stale.map(entry => [entry.kind, entry.name, entry.why]), [
        [`denial`, `denied`, `not-in-project`],
        [`approval`, `gone`, `not-in-project`],
        [`approval`, `gone`, `not-in-project`],
      ]);
    });
  });

  describe(`when a denied package is still in the project without install scripts`, () => {
    it(`keeps the denial`, () => {
      const file = trust({quiet: {denied: {deniedAt: `2026-11-01T00:00:00.000Z`}}});
      assert.deepEqual(staleOf(file, [], [`quiet`]), []);
    });
  });

  describe(`when a package's files could not be read`, () => {
    it(`keeps all its approvals: what it runs is unknown`, () => {
      const file = trust({p: {approvals: [approval(`1.0.0`)]}});
      assert.deepEqual(staleOf(file, [scripted(`p`, `2.0.0`, {fingerprint: {error: `too many files`}})]), []);
    });
  });
});

describe(`withoutStaleDecisions`, () => {
  describe(`when some approvals of a package are stale`, () => {
    it(`removes only those and leaves the others byte for byte`, () => {
      const kept = approval(`1.1.0`, {...telemetry, reason: `reviewed`});
      const file = trust({p: {approvals: [approval(`1.0.0`), kept]}, gone: {denied: {deniedAt: `2026-11-01T00:00:00.000Z`}}});
      const stale = staleOf(file, [scripted(`p`, `1.1.0`, {fingerprint: telemetry})]);
      const after = withoutStaleDecisions(file, stale);
      assert.deepEqual(after.packages, {p: {approvals: [kept]}});
      assert.deepEqual(forgottenPackages(file, after), [`gone`]);
      assert.match(serializeTrustFile(after), /"reason": "reviewed"/);
    });
  });
});
