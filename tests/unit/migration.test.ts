import assert from 'node:assert/strict';

import {planMigration} from '../../sources/installScripts/policy/migration';
import {evaluateScriptGate, type ScriptedPackage} from '../../sources/installScripts/policy/scriptGate';
import type {TrustFile} from '../../sources/core/policy/trustFile/types';

const H = (n: number) => `sha512-${String(n).repeat(86)}==`;
const AT = `2026-11-01T00:00:00.000Z`;

function scripted(extra: Partial<ScriptedPackage> & {name: string}): ScriptedPackage {
  return {
    id: extra.name,
    version: `1.0.0`,
    fingerprint: {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: H(1)}},
    implicitNodeGyp: false,
    built: true,
    ...extra,
  };
}

function trustWith(packages: TrustFile[`packages`]): TrustFile {
  return {version: 1, packages} as TrustFile;
}

describe(`planMigration`, () => {
  describe(`when an approved release is now seen with more files`, () => {
    it(`records it when the approval is for this very release and nothing approved changed`, () => {
      const pkg = scripted({name: `a`, fingerprint: {scripts: {postinstall: `node .`}, files: {[`index.js`]: H(1), [`package.json#main`]: H(2)}}});
      const trust = trustWith({a: {approvals: [{version: `1.0.0`, scripts: {postinstall: `node .`}, files: {[`index.js`]: H(1)}, approvedAt: AT}]}});
      const {record, review} = planMigration(evaluateScriptGate([pkg], trust, {enableScripts: false}));
      assert.deepEqual(record.map(step => step.finding.pkg.name), [`a`]);
      assert.match(record[0].why, /now also binds package\.json#main/);
      assert.deepEqual(review, []);
    });

    it(`leaves a newer release for review, even when it only adds files`, () => {
      const pkg = scripted({name: `a`, version: `1.0.1`, fingerprint: {scripts: {postinstall: `node .`}, files: {[`index.js`]: H(1), [`package.json#main`]: H(2)}}});
      const trust = trustWith({a: {approvals: [{version: `1.0.0`, scripts: {postinstall: `node .`}, files: {[`index.js`]: H(1)}, approvedAt: AT}]}});
      const {record, review} = planMigration(evaluateScriptGate([pkg], trust, {enableScripts: false}));
      assert.deepEqual(record, []);
      assert.deepEqual(review.map(finding => finding.pkg.name), [`a`]);
    });

    it(`records a newer release whose approved files are unchanged and whose type is Node's default`, () => {
      const commonjs = `sha512-${require(`crypto`).createHash(`sha512`).update(`null`).digest(`base64`)}`;
      const pkg = scripted({name: `a`, version: `1.0.1`, fingerprint: {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: H(1), [`package.json#type`]: commonjs}}});
      const trust = trustWith({a: {approvals: [{version: `1.0.0`, scripts: {postinstall: `node install.js`}, files: {[`install.js`]: H(1)}, approvedAt: AT}]}});
      const {record} = planMigration(evaluateScriptGate([pkg], trust, {enableScripts: false}));
      assert.deepEqual(record.map(step => step.finding.pkg.name), [`a`]);
    });

    it(`leaves a newer release whose type became module for review`, () => {
      const module = `sha512-${require(`crypto`).createHash(`sha512`).update(`"module"`).digest(`base64`)}`;
      const pkg = scripted({name: `a`, version: `1.0.1`, fingerprint: {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: H(1), [`package.json#type`]: module}}});
      const trust = trustWith({a: {approvals: [{version: `1.0.0`, scripts: {postinstall: `node install.js`}, files: {[`install.js`]: H(1)}, approvedAt: AT}]}});
      const {record, review} = planMigration(evaluateScriptGate([pkg], trust, {enableScripts: false}));
      assert.deepEqual(record, []);
      assert.equal(review.length, 1);
    });

    it(`leaves a release whose approved file changed for review`, () => {
      const pkg = scripted({name: `a`, fingerprint: {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: H(3), [`lib.js`]: H(2)}}});
      const trust = trustWith({a: {approvals: [{version: `1.0.0`, scripts: {postinstall: `node install.js`}, files: {[`install.js`]: H(1)}, approvedAt: AT}]}});
      const {record, review} = planMigration(evaluateScriptGate([pkg], trust, {enableScripts: false}));
      assert.deepEqual(record, []);
      assert.equal(review.length, 1);
    });
  });

  describe(`when approved install code reaches other packages`, () => {
    const consumer = scripted({name: `sharp`});
    const approved = trustWith({sharp: {approvals: [{version: `1.0.0`, scripts: {postinstall: `node install.js`}, files: {[`install.js`]: H(1)}, approvedAt: AT}]}});

    it(`records the reached packages, transitively`, () => {
      const lib = scripted({name: `detect`, ownScripts: false, built: undefined, fingerprint: {scripts: {}, files: {[`index.js`]: H(4)}}, reachedFrom: [{id: `sharp`, locator: `sharp@npm:1.0.0`, via: `require('detect')`}]});
      const deep = scripted({name: `deep`, ownScripts: false, built: undefined, fingerprint: {scripts: {}, files: {[`index.js`]: H(5)}}, reachedFrom: [{id: `detect`, locator: `detect@npm:1.0.0`, via: `require('deep')`}]});
      const {record, review} = planMigration(evaluateScriptGate([consumer, lib, deep], approved, {enableScripts: false}));
      assert.deepEqual(record.map(step => step.finding.pkg.name).sort(), [`deep`, `detect`]);
      assert.deepEqual(review, []);
    });

    it(`never records a bin that shadows a system tool`, () => {
      const shadow = scripted({name: `helper`, ownScripts: false, built: undefined, shadows: [`node`], fingerprint: {scripts: {}, files: {[`evil.js`]: H(6)}}, reachedFrom: [{id: `sharp`, locator: `sharp@npm:1.0.0`, via: `runs node`}]});
      const {record, review} = planMigration(evaluateScriptGate([consumer, shadow], approved, {enableScripts: false}));
      assert.deepEqual(record, []);
      assert.deepEqual(review.map(finding => finding.pkg.name), [`helper`]);
    });

    it(`records code others run whose approval of this very release only gained files (a plugin upgrade that binds every file; trial D7)`, () => {
      const lib = scripted({name: `detect`, ownScripts: false, built: undefined, fingerprint: {scripts: {}, files: {[`index.js`]: H(4), [`lib/extra.js`]: H(5)}}, reachedFrom: [{id: `sharp`, locator: `sharp@npm:1.0.0`, via: `require('detect')`}]});
      const trust = trustWith({...approved.packages, detect: {approvals: [{version: `1.0.0`, scripts: {}, files: {[`index.js`]: H(4)}, approvedAt: AT}]}});
      const {record, review} = planMigration(evaluateScriptGate([consumer, lib], trust, {enableScripts: false}));
      assert.deepEqual(record.map(step => step.finding.pkg.name), [`detect`]);
      assert.match(record[0].why, /approval of 1\.0\.0 is for this release; the plugin now also binds lib\/extra\.js/);
      assert.deepEqual(review, []);
    });

    it(`leaves code others run for review when its approval is of another release, even if it only gained files`, () => {
      const lib = scripted({name: `detect`, version: `1.0.1`, ownScripts: false, built: undefined, fingerprint: {scripts: {}, files: {[`index.js`]: H(4), [`lib/extra.js`]: H(5)}}, reachedFrom: [{id: `sharp`, locator: `sharp@npm:1.0.0`, via: `require('detect')`}]});
      const trust = trustWith({...approved.packages, detect: {approvals: [{version: `1.0.0`, scripts: {}, files: {[`index.js`]: H(4)}, approvedAt: AT}]}});
      const {record, review} = planMigration(evaluateScriptGate([consumer, lib], trust, {enableScripts: false}));
      assert.deepEqual(record, []);
      assert.deepEqual(review.map(finding => finding.pkg.name), [`detect`]);
    });

    it(`records nothing reached from a package that still needs a review`, () => {
      const pending = scripted({name: `other`});
      const lib = scripted({name: `detect`, ownScripts: false, built: undefined, fingerprint: {scripts: {}, files: {[`index.js`]: H(4)}}, reachedFrom: [{id: `other`, locator: `other@npm:1.0.0`, via: `require('detect')`}]});
      const {record, review} = planMigration(evaluateScriptGate([pending, lib], trustWith({}), {enableScripts: false}));
      assert.deepEqual(record, []);
      assert.deepEqual(review.map(finding => finding.pkg.name).sort(), [`detect`, `other`]);
    });
  });
});

describe(`evaluateScriptGate and code that a workspace's install script runs (outside attack #10)`, () => {
  const tool = (workspace: boolean) => scripted({name: `wstool`, ownScripts: false, built: undefined, fingerprint: {scripts: {}, files: {[`bin/cli.js`]: H(7)}}, reachedFrom: [{id: `ws`, locator: `app@workspace:.`, via: `runs wstool`, ...workspace ? {workspace} : {}}]});

  it(`asks for a review of the dependency's code: a workspace's script always runs`, () => {
    const findings = evaluateScriptGate([tool(true)], trustWith({}), {enableScripts: false});
    assert.deepEqual(findings.map(finding => [finding.pkg.name, finding.state, finding.severity]), [[`wstool`, `pending`, `error`]]);
  });

  it(`leaves it out when what reaches it is neither a workspace nor a package that runs`, () => {
    assert.deepEqual(evaluateScriptGate([tool(false)], trustWith({}), {enableScripts: false}), []);
  });

  it(`is not recorded by a migration: nobody reviewed it before`, () => {
    const {record, review} = planMigration(evaluateScriptGate([tool(true)], trustWith({}), {enableScripts: false}));
    assert.deepEqual(record, []);
    assert.deepEqual(review.map(finding => finding.pkg.name), [`wstool`]);
  });
});

describe(`evaluateScriptGate and a denied package whose code others run (outside attack W60, W61)`, () => {
  const denied = trustWith({w61b: {denied: {deniedAt: AT, reason: `its postinstall only prints`}}});

  it(`refuses it: denying its scripts does not stop others' install code from running its bin`, () => {
    const runner = scripted({name: `w61a`});
    const bin = scripted({name: `w61b`, built: false, reachedFrom: [{id: `w61a`, locator: `w61a@npm:1.0.0`, via: `runs w61b`}]});
    const trust = trustWith({...denied.packages, w61a: {approvals: [{version: `1.0.0`, scripts: {postinstall: `node install.js`}, files: {[`install.js`]: H(1)}, approvedAt: AT}]}});
    const finding = evaluateScriptGate([runner, bin], trust, {enableScripts: false}).find(entry => entry.pkg.name === `w61b`)!;
    assert.equal(finding.state, `denied`);
    assert.equal(finding.severity, `error`);
    assert.equal(finding.conflicts[0], `denied-but-reached`);
  });

  it(`refuses it when a workspace's install script runs it`, () => {
    const bin = scripted({name: `w61b`, built: false, reachedFrom: [{id: `ws`, locator: `app@workspace:.`, via: `runs w61b`, workspace: true}]});
    assert.equal(evaluateScriptGate([bin], denied, {enableScripts: false})[0].severity, `error`);
  });

  it(`keeps a denial quiet when nothing else runs the package`, () => {
    assert.equal(evaluateScriptGate([scripted({name: `w61b`, built: false})], denied, {enableScripts: false})[0].severity, `ok`);
  });
});
