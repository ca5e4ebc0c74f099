import assert from 'node:assert/strict';

import {adoptionAdvice, approveAllCommand} from '../../sources/installScripts/policy/adoption';
import {installRootsOf, rootNames} from '../../sources/installScripts/policy/installRoots';
import {evaluateScriptGate, type ScriptedPackage} from '../../sources/installScripts/policy/scriptGate';
import {emptyTrustFile, type TrustFile} from '../../sources/core/policy/trustFile/types';

const FILE = `sha512-aW5zdGFsbA==`;

function withScripts(name: string, overrides: Partial<ScriptedPackage> = {}): ScriptedPackage {
  return {id: name, name, version: `1.0.0`, fingerprint: {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: FILE}}, implicitNodeGyp: false, built: true, ...overrides};
}

function helper(name: string, from: string[], overrides: Partial<ScriptedPackage> = {}): ScriptedPackage {
  return {id: name, name, version: `1.0.0`, fingerprint: {scripts: {}, files: {[`index.js`]: FILE}}, implicitNodeGyp: false, built: undefined, ownScripts: false,
    reachedFrom: from.map(id => ({id, locator: `${id}@npm:1.0.0`, via: `require('${name}')`})), ...overrides};
}

describe(`installRootsOf`, () => {
  describe(`when a helper is reached through another helper`, () => {
    // ibm_db's install requires axios, which requires follow-redirects.
    const findings = evaluateScriptGate([withScripts(`ibm_db`), helper(`axios`, [`ibm_db`]), helper(`follow-redirects`, [`axios`])], emptyTrustFile(), {enableScripts: false});
    const followRedirects = findings.find(finding => finding.pkg.name === `follow-redirects`)!;

    it(`names the package whose install script starts the chain, not the helper in between`, () => {
      assert.deepEqual(rootNames(installRootsOf(findings, followRedirects)), [`ibm_db`]);
      assert.deepEqual(rootNames(followRedirects.roots ?? []), [`ibm_db`]);
    });

    it(`counts the refused helpers that approving the root approves at once`, () => {
      assert.equal(followRedirects.refusedWithRoots, 2);
    });
  });

  describe(`when one of two roots is denied`, () => {
    it(`names only the root that still runs it`, () => {
      const trust: TrustFile = {version: 1, packages: {nx: {denied: {deniedAt: `2026-12-01T00:00:00.000Z`}}}, collisions: {}};
      const findings = evaluateScriptGate([withScripts(`ibm_db`), withScripts(`nx`, {built: false}), helper(`axios`, [`ibm_db`, `nx`])], trust, {enableScripts: false});
      const axios = findings.find(finding => finding.pkg.name === `axios`)!;
      assert.deepEqual(rootNames(axios.roots ?? []), [`ibm_db`]);
    });
  });

  describe(`when a helper is too large to read`, () => {
    it(`keeps it undecidable and still names its root, which is what can be denied`, () => {
      const findings = evaluateScriptGate([withScripts(`nx`), helper(`rxjs`, [`nx`], {fingerprint: {error: `more than 5000 files referenced (limit maxFiles)`}})], emptyTrustFile(), {enableScripts: false});
      const rxjs = findings.find(finding => finding.pkg.name === `rxjs`)!;
      assert.equal(rxjs.state, `undecidable`);
      assert.deepEqual(rootNames(rxjs.roots ?? []), [`nx`]);
      // Undecidable code is never approved through its root.
      assert.equal(rxjs.refusedWithRoots, 0);
    });
  });

  describe(`when a workspace's own install script runs the helper`, () => {
    it(`reports the workspace as a root without a name to deny`, () => {
      const findings = evaluateScriptGate([helper(`tool`, [], {reachedFrom: [{id: `ws`, locator: `app@workspace:.`, via: `node node_modules/tool/x.js`, workspace: true}]})], emptyTrustFile(), {enableScripts: false});
      assert.deepEqual(findings[0].roots, [{name: null, locator: `app@workspace:.`}]);
    });
  });

  describe(`when chains form a cycle`, () => {
    it(`terminates`, () => {
      const findings = evaluateScriptGate([withScripts(`root`), helper(`a`, [`root`, `b`]), helper(`b`, [`a`])], emptyTrustFile(), {enableScripts: false});
      assert.deepEqual(rootNames(findings.find(finding => finding.pkg.name === `b`)!.roots ?? []), [`root`]);
    });
  });
});

describe(`adoptionAdvice`, () => {
  describe(`when a project without decisions runs unreviewed scripts under enableScripts: true`, () => {
    it(`points to adopt and explains enableScripts`, () => {
      const findings = evaluateScriptGate([withScripts(`esbuild`, {built: undefined})], emptyTrustFile(), {enableScripts: true});
      assert.deepEqual(adoptionAdvice({findings, trustFileHasDecisions: false}), [`adopt`, `enable-scripts`]);
    });
  });

  describe(`when the trust file already decides something and Yarn skips the refused package`, () => {
    it(`gives no adoption advice`, () => {
      const findings = evaluateScriptGate([withScripts(`esbuild`, {built: undefined})], emptyTrustFile(), {enableScripts: false});
      assert.deepEqual(adoptionAdvice({findings, trustFileHasDecisions: true}), []);
    });
  });
});

describe(`approveAllCommand (trial D8: one command for a first install)`, () => {
  it(`names each refused package with install scripts once, not the helpers they approve with them`, () => {
    // Five native packages; prebuild-install is shared by two, node-gyp by three.
    const findings = evaluateScriptGate([
      withScripts(`sharp`), withScripts(`bcrypt`), withScripts(`better-sqlite3`), withScripts(`esbuild`), withScripts(`@parcel/watcher`),
      helper(`prebuild-install`, [`better-sqlite3`, `bcrypt`]), helper(`node-gyp`, [`sharp`, `bcrypt`, `@parcel/watcher`]), helper(`rc`, [`prebuild-install`]),
    ], emptyTrustFile(), {enableScripts: false});
    assert.deepEqual(approveAllCommand(findings), [`@parcel/watcher`, `bcrypt`, `better-sqlite3`, `esbuild`, `sharp`]);
  });

  it(`adds a refused helper that only approved packages reach (a changed shared dependency)`, () => {
    const trust = {version: 1, packages: {sharp: {approvals: [{version: `1.0.0`, scripts: {postinstall: `node install.js`}, files: {[`install.js`]: FILE}, approvedAt: `2026-11-01T00:00:00.000Z`}]}}} as unknown as TrustFile;
    const findings = evaluateScriptGate([withScripts(`sharp`), withScripts(`esbuild`), helper(`detect-libc`, [`sharp`])], trust, {enableScripts: false});
    assert.deepEqual(approveAllCommand(findings), [`detect-libc`, `esbuild`]);
  });

  it(`leaves out a bin that shadows a system tool, which is approved only by name`, () => {
    const findings = evaluateScriptGate([withScripts(`native`), withScripts(`other`), helper(`evil`, [`native`], {shadows: [`node`]})], emptyTrustFile(), {enableScripts: false});
    assert.deepEqual(approveAllCommand(findings), [`native`, `other`]);
  });

  it(`prints nothing for a single refused package: its own line says it`, () => {
    const findings = evaluateScriptGate([withScripts(`esbuild`)], emptyTrustFile(), {enableScripts: false});
    assert.equal(approveAllCommand(findings), null);
  });
});
