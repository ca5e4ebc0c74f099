import assert from 'node:assert/strict';

import {closestApproval, evaluateScriptGate, hasBlockingFindings, onDiskDifference, onlyMoreFilesReached, type ScriptedPackage, withoutBuildOutput, yarnWouldRun} from '../../sources/installScripts/policy/scriptGate';
import {type Approval, emptyTrustFile, type TrustFile} from '../../sources/core/policy/trustFile/types';

const INSTALL_JS = `sha512-aW5zdGFsbA==`;
const TELEMETRY_JS = `sha512-dGVsZW1ldHJ5`;

function scripted(name: string, version: string, overrides: Partial<ScriptedPackage> = {}): ScriptedPackage {
  return {
    id: `${name}@${version}`,
    name,
    version,
    fingerprint: {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: INSTALL_JS}},
    implicitNodeGyp: false,
    built: undefined,
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

function trust(packages: TrustFile[`packages`]): TrustFile {
  return {version: 1, packages, collisions: {}};
}

const scriptsOff = {enableScripts: false};
const scriptsOn = {enableScripts: true};

describe(`evaluateScriptGate`, () => {
  describe(`when the trust file does not mention the package`, () => {
    it(`refuses it as pending and proposes the approve command`, () => {
      const [finding] = evaluateScriptGate([scripted(`esbuild`, `0.19.2`)], emptyTrustFile(), scriptsOff);
      assert.equal(finding.state, `pending`);
      assert.equal(finding.severity, `error`);
      assert.equal(finding.fix, `yarn trust approve esbuild`);
    });
  });

  describe(`when an approval matches the fingerprint`, () => {
    it(`lets the approved version run`, () => {
      const [finding] = evaluateScriptGate([scripted(`esbuild`, `0.19.2`, {built: true})], trust({esbuild: {approvals: [approval(`0.19.2`)]}}), scriptsOff);
      assert.equal(finding.state, `approved`);
      assert.equal(finding.severity, `ok`);
    });

    it(`lets a newer version with the identical fingerprint run without a new approval`, () => {
      const [finding] = evaluateScriptGate([scripted(`esbuild`, `0.20.0`, {built: true})], trust({esbuild: {approvals: [approval(`0.19.2`)]}}), scriptsOff);
      assert.equal(finding.state, `approved`);
      assert.equal(finding.approval?.version, `0.19.2`);
    });

    it(`does not care about key order in scripts or files`, () => {
      const pkg = scripted(`x`, `1.0.0`, {built: true, fingerprint: {scripts: {preinstall: `a`, postinstall: `b`}, files: {[`a.js`]: INSTALL_JS, [`b.js`]: TELEMETRY_JS}}});
      const [finding] = evaluateScriptGate([pkg], trust({x: {approvals: [approval(`1.0.0`, {scripts: {postinstall: `b`, preinstall: `a`}, files: {[`b.js`]: TELEMETRY_JS, [`a.js`]: INSTALL_JS}})]}}), scriptsOff);
      assert.equal(finding.state, `approved`);
    });

    it(`warns, without blocking, when Yarn would skip the approved build`, () => {
      const findings = evaluateScriptGate([scripted(`esbuild`, `0.19.2`)], trust({esbuild: {approvals: [approval(`0.19.2`)]}}), scriptsOff);
      assert.equal(findings[0].severity, `warning`);
      assert.deepEqual(findings[0].conflicts, [`approved-but-skipped`]);
      assert.equal(hasBlockingFindings(findings), false);
    });

    it(`needs no built flag when enableScripts is on`, () => {
      const [finding] = evaluateScriptGate([scripted(`esbuild`, `0.19.2`)], trust({esbuild: {approvals: [approval(`0.19.2`)]}}), scriptsOn);
      assert.equal(finding.severity, `ok`);
    });
  });

  describe(`when a new version changed its postinstall command (nx 21.5)`, () => {
    it(`refuses it and shows the old and new command`, () => {
      const pkg = scripted(`nx`, `21.5.0`, {built: true, fingerprint: {scripts: {postinstall: `node telemetry.js`}, files: {[`telemetry.js`]: TELEMETRY_JS}}});
      const [finding] = evaluateScriptGate([pkg], trust({nx: {approvals: [approval(`21.4.0`, {scripts: {postinstall: `node ./bin/post-install`}, files: {[`bin/post-install.js`]: INSTALL_JS}})]}}), scriptsOff);
      assert.equal(finding.state, `changed`);
      assert.equal(finding.severity, `error`);
      assert.equal(finding.approval?.version, `21.4.0`);
      assert.deepEqual(finding.diff?.scripts, [{name: `postinstall`, before: `node ./bin/post-install`, after: `node telemetry.js`}]);
      assert.deepEqual(finding.diff?.files, {added: [`telemetry.js`], removed: [`bin/post-install.js`], changed: []});
    });
  });

  describe(`when only an executed file changed`, () => {
    it(`refuses it and names the file`, () => {
      const pkg = scripted(`x`, `1.0.1`, {fingerprint: {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: TELEMETRY_JS}}});
      const [finding] = evaluateScriptGate([pkg], trust({x: {approvals: [approval(`1.0.0`)]}}), scriptsOff);
      assert.equal(finding.state, `changed`);
      assert.deepEqual(finding.diff?.files.changed, [`install.js`]);
      assert.deepEqual(finding.diff?.scripts, []);
    });
  });

  describe(`when a package is denied`, () => {
    it(`does not block the install when Yarn is told not to build it`, () => {
      const [finding] = evaluateScriptGate([scripted(`core-js`, `3.0.0`, {built: false})], trust({[`core-js`]: {denied: {deniedAt: `2026-11-01T00:00:00.000Z`}}}), scriptsOn);
      assert.equal(finding.state, `denied`);
      assert.equal(finding.severity, `ok`);
    });

    it(`blocks the install when enableScripts would still build it`, () => {
      const [finding] = evaluateScriptGate([scripted(`core-js`, `3.0.0`)], trust({[`core-js`]: {denied: {deniedAt: `2026-11-01T00:00:00.000Z`}}}), scriptsOn);
      assert.equal(finding.severity, `error`);
      assert.deepEqual(finding.conflicts, [`denied-but-built`]);
      assert.equal(finding.fix, `yarn trust deny core-js`);
    });

    it(`is silent under the default enableScripts: false even without a built flag`, () => {
      const [finding] = evaluateScriptGate([scripted(`core-js`, `3.0.0`)], trust({[`core-js`]: {denied: {deniedAt: `2026-11-01T00:00:00.000Z`}}}), scriptsOff);
      assert.equal(finding.severity, `ok`);
    });
  });

  describe(`when Yarn's own settings would run an unapproved package`, () => {
    it(`reports built: true without approval`, () => {
      const [finding] = evaluateScriptGate([scripted(`x`, `1.0.0`, {built: true})], emptyTrustFile(), scriptsOff);
      assert.equal(finding.state, `pending`);
      assert.deepEqual(finding.conflicts, [`built-without-approval`]);
    });

    it(`reports enableScripts: true without approval`, () => {
      const [finding] = evaluateScriptGate([scripted(`x`, `1.0.0`)], emptyTrustFile(), scriptsOn);
      assert.deepEqual(finding.conflicts, [`scripts-enabled-without-approval`]);
      assert.equal(finding.severity, `error`);
    });
  });

  describe(`when the package is an alias of another name`, () => {
    it(`judges it under its resolved name, not the alias`, () => {
      // "foo": "npm:bar@1" resolves to bar; foo's approval must not cover it.
      const [finding] = evaluateScriptGate([scripted(`bar`, `1.0.0`)], trust({foo: {approvals: [approval(`1.0.0`)]}}), scriptsOff);
      assert.equal(finding.state, `pending`);
    });
  });

  describe(`when the fingerprint could not be computed`, () => {
    it(`refuses it as undecidable, whatever the trust file says`, () => {
      const [finding] = evaluateScriptGate([scripted(`x`, `1.0.0`, {fingerprint: {error: `too many files`}})], trust({x: {approvals: [approval(`1.0.0`)]}}), scriptsOff);
      assert.equal(finding.state, `undecidable`);
      assert.equal(finding.error, `too many files`);
      assert.equal(finding.severity, `error`);
    });
  });

  describe(`when the trust file has a key named like an Object prototype member`, () => {
    it(`does not mistake inherited properties for entries`, () => {
      const [finding] = evaluateScriptGate([scripted(`constructor`, `1.0.0`)], emptyTrustFile(), scriptsOff);
      assert.equal(finding.state, `pending`);
    });
  });

  describe(`when unreviewed packages are left to Yarn (yarn dlx)`, () => {
    const lenient = {enableScripts: false, refuseUnreviewed: false};

    it(`does not block a pending package that Yarn skips`, () => {
      const [finding] = evaluateScriptGate([scripted(`x`, `1.0.0`)], emptyTrustFile(), lenient);
      assert.equal(finding.state, `pending`);
      assert.equal(finding.severity, `ok`);
    });

    it(`still blocks a pending package that Yarn would build`, () => {
      const [finding] = evaluateScriptGate([scripted(`x`, `1.0.0`)], emptyTrustFile(), {...lenient, enableScripts: true});
      assert.equal(finding.severity, `error`);
      assert.deepEqual(finding.conflicts, [`scripts-enabled-without-approval`]);
    });

    it(`still blocks an undecidable package that built: true would run`, () => {
      const [finding] = evaluateScriptGate([scripted(`x`, `1.0.0`, {built: true, fingerprint: {error: `link`}})], emptyTrustFile(), lenient);
      assert.equal(finding.severity, `error`);
    });
  });

  describe(`with several packages`, () => {
    it(`returns them sorted by name then version`, () => {
      const findings = evaluateScriptGate([scripted(`b`, `1.0.0`), scripted(`a`, `2.0.0`), scripted(`a`, `10.0.0`)], emptyTrustFile(), scriptsOff);
      assert.deepEqual(findings.map(finding => finding.pkg.id), [`a@2.0.0`, `a@10.0.0`, `b@1.0.0`]);
      assert.equal(hasBlockingFindings(findings), true);
    });
  });
});

describe(`withoutBuildOutput (the backstop's view of the copy on disk)`, () => {
  it(`keeps files in a node_modules folder below the package, never build output (outside round 46, N1)`, () => {
    // gyp writes build/node_modules/<dep>/… for a target of a dependency's .gyp: build output (round 48).
    const current = {scripts: {postinstall: `node lib/run.js`}, files: {[`lib/run.js`]: INSTALL_JS, [`lib/node_modules/dep/index.js`]: TELEMETRY_JS, [`build/out.js`]: TELEMETRY_JS, [`build/node_modules/dep/x.mk`]: TELEMETRY_JS}};
    const approved = {scripts: {postinstall: `node lib/run.js`}, files: {[`lib/run.js`]: INSTALL_JS}};
    const kept = withoutBuildOutput(current, [approved], {runs: [`lib/run.js`], loadsAnyFile: false});
    assert.deepEqual(kept.files, {[`lib/run.js`]: INSTALL_JS, [`lib/node_modules/dep/index.js`]: TELEMETRY_JS});
  });

  it(`keeps a file Node can load in gyp's build/node_modules: install code under build/ finds it first (outside round 69, N2)`, () => {
    // A file right in node_modules is loaded for the name it bears, whatever its extension (round 71, D1).
    const files = {[`build/install.js`]: INSTALL_JS, [`build/node_modules/zqhelp/index.js`]: TELEMETRY_JS, [`build/node_modules/zqhelp/package.json`]: TELEMETRY_JS, [`build/node_modules/zqhelp.js`]: TELEMETRY_JS, [`build/node_modules/zqhelp/cli`]: TELEMETRY_JS, [`build/node_modules/zq.help`]: TELEMETRY_JS, [`build/node_modules/x.o`]: TELEMETRY_JS, [`build/node_modules/@s/x.mk`]: TELEMETRY_JS, [`build/node_modules/zqhelp/lib.help`]: TELEMETRY_JS, [`build/node_modules/dep/x.target.mk`]: TELEMETRY_JS, [`build/node_modules/@s/dep/x.target.mk`]: TELEMETRY_JS, [`build/Release/obj.target/x/node_modules/dep/x.o`]: TELEMETRY_JS, [`build/Release/.deps/Release/obj.target/x/node_modules/dep/x.o.d`]: TELEMETRY_JS};
    const kept = withoutBuildOutput({scripts: {postinstall: `node build/install.js`}, files}, [{scripts: {postinstall: `node build/install.js`}, files: {[`build/install.js`]: INSTALL_JS}}], {runs: [`build/install.js`], loadsAnyFile: false});
    assert.deepEqual(Object.keys(kept.files).sort(), [`build/install.js`, `build/node_modules/@s/x.mk`, `build/node_modules/x.o`, `build/node_modules/zq.help`, `build/node_modules/zqhelp.js`, `build/node_modules/zqhelp/cli`, `build/node_modules/zqhelp/index.js`, `build/node_modules/zqhelp/lib.help`, `build/node_modules/zqhelp/package.json`]);
  });

  it(`leaves out Yarn's .ready and build/ files that no approval records, and keeps recorded ones`, () => {
    const current = {scripts: {install: `node-gyp rebuild`}, files: {[`.ready`]: INSTALL_JS, [`build/Release/addon.node`]: INSTALL_JS, [`build/config.gypi`]: TELEMETRY_JS, [`lib/x.js`]: INSTALL_JS}};
    const approved = {scripts: {}, files: {[`build/config.gypi`]: INSTALL_JS}};
    assert.deepEqual(withoutBuildOutput(current, [approved], {runs: [`lib/x.js`], loadsAnyFile: true}), {scripts: {install: `node-gyp rebuild`}, files: {[`build/config.gypi`]: TELEMETRY_JS, [`lib/x.js`]: INSTALL_JS}});
  });

  it(`leaves out a file no approval records and no install code runs (a binary an earlier script downloaded), but keeps one that runs`, () => {
    const current = {scripts: {install: `node install.js`, postinstall: `node post.js`}, files: {[`install.js`]: INSTALL_JS, [`post.js`]: INSTALL_JS, [`vendor/tool`]: TELEMETRY_JS, [`package.json#main`]: INSTALL_JS}};
    const approved = {scripts: {}, files: {[`install.js`]: INSTALL_JS}};
    assert.deepEqual(withoutBuildOutput(current, [approved], {runs: [`install.js`, `post.js`], loadsAnyFile: false}), {scripts: current.scripts, files: {[`install.js`]: INSTALL_JS, [`post.js`]: INSTALL_JS, [`package.json#main`]: INSTALL_JS}});
  });

  it(`keeps every unrecorded file but .ready and build/ when the code may load any file of the package`, () => {
    const current = {scripts: {install: `node install.js`}, files: {[`install.js`]: INSTALL_JS, [`plugins/evil.js`]: TELEMETRY_JS, [`build/out.node`]: INSTALL_JS}};
    assert.deepEqual(withoutBuildOutput(current, [{scripts: {}, files: {[`install.js`]: INSTALL_JS}}], {runs: [`install.js`], loadsAnyFile: true}).files, {[`install.js`]: INSTALL_JS, [`plugins/evil.js`]: TELEMETRY_JS});
  });
});

describe(`onDiskDifference (the backstop's refusal)`, () => {
  it(`names each file and command that differs from the closest approval`, () => {
    const current = {scripts: {postinstall: `node install.js`, install: `node x.js`}, files: {[`install.js`]: TELEMETRY_JS, [`x.js`]: INSTALL_JS}};
    assert.deepEqual(onDiskDifference([approval(`1.0.0`), approval(`2.0.0`)], `2.1.0`, current), {
      expected: `the files approved for 2.0.0`,
      found: `the install command was added, install.js changed, x.js was added`,
    });
  });

  it(`says when no version is approved`, () => {
    assert.deepEqual(onDiskDifference([], `1.0.0`, {scripts: {}, files: {}}), {expected: `an approval of 1.0.0 in the trust file`, found: `no version of it is approved`});
  });
});

describe(`closestApproval`, () => {
  const approvals = [approval(`1.0.0`), approval(`2.0.0`), approval(`3.0.0`)];

  describe(`when approvals exist below the version`, () => {
    it(`picks the newest of them`, () => {
      assert.equal(closestApproval(approvals, `2.5.0`).version, `2.0.0`);
    });
  });

  describe(`when the version is a downgrade below every approval`, () => {
    it(`picks the oldest approval`, () => {
      assert.equal(closestApproval(approvals, `0.5.0`).version, `1.0.0`);
    });
  });

  describe(`when there is no approval`, () => {
    it(`throws instead of inventing one`, () => {
      assert.throws(() => closestApproval([], `1.0.0`), /at least one approval/);
    });
  });
});

describe(`evaluateScriptGate conflicts of a changed package`, () => {
  describe(`when the built flag was written by the earlier approval`, () => {
    it(`reports it as the plugin's own flag, not as the user's setting`, () => {
      const changed = scripted(`esbuild`, `0.20.0`, {built: true, fingerprint: {scripts: {postinstall: `node telemetry.js`}, files: {[`telemetry.js`]: TELEMETRY_JS}}});
      const [finding] = evaluateScriptGate([changed], trust({esbuild: {approvals: [approval(`0.19.2`)]}}), scriptsOff);
      assert.equal(finding.state, `changed`);
      assert.deepEqual(finding.conflicts, [`built-from-earlier-approval`]);
      assert.equal(finding.severity, `error`);
    });
  });
});

describe(`yarnWouldRun`, () => {
  const approved = trust({esbuild: {approvals: [approval(`0.19.2`)]}});
  const denied = trust({esbuild: {denied: {deniedAt: `2026-11-01T00:00:00.000Z`}}});
  const cases: Array<[string, ScriptedPackage, TrustFile, {enableScripts: boolean}, boolean]> = [
    [`a pending package without a built flag, scripts off`, scripted(`esbuild`, `0.19.2`), emptyTrustFile(), scriptsOff, false],
    [`a pending package with built: true`, scripted(`esbuild`, `0.19.2`, {built: true}), emptyTrustFile(), scriptsOff, true],
    [`a pending package under enableScripts`, scripted(`esbuild`, `0.19.2`), emptyTrustFile(), scriptsOn, true],
    [`a pending package with built: false under enableScripts`, scripted(`esbuild`, `0.19.2`, {built: false}), emptyTrustFile(), scriptsOn, false],
    [`an approved package with built: true`, scripted(`esbuild`, `0.19.2`, {built: true}), approved, scriptsOff, true],
    [`an approved package without a built flag`, scripted(`esbuild`, `0.19.2`), approved, scriptsOff, false],
    [`a denied package with built: false`, scripted(`esbuild`, `0.19.2`, {built: false}), denied, scriptsOn, false],
    [`a denied package without built: false under enableScripts`, scripted(`esbuild`, `0.19.2`), denied, scriptsOn, true],
  ];
  for (const [label, pkg, file, settings, expected] of cases) {
    describe(`when given ${label}`, () => {
      it(`answers ${expected}`, () => {
        const [finding] = evaluateScriptGate([pkg], file, settings);
        assert.equal(yarnWouldRun(finding), expected);
      });
    });
  }
});

describe(`onlyMoreFilesReached`, () => {
  const runner = scripted(`call-bind`, `1.0.9`, {built: true});
  const helper = (version: string, files: Record<string, string>): ScriptedPackage => scripted(`call-bind-apply-helpers`, version, {ownScripts: false, fingerprint: {scripts: {}, files},
    reachedFrom: [{id: `call-bind@1.0.9`, locator: `call-bind@npm:1.0.9`, via: `require('call-bind-apply-helpers/applyBind')`}]});
  const file = trust({
    [`call-bind`]: {approvals: [approval(`1.0.9`)]},
    [`call-bind-apply-helpers`]: {approvals: [approval(`1.0.2`, {scripts: {}, files: {[`index.js`]: INSTALL_JS}})]},
  });

  describe(`when the same release is reached through one more file`, () => {
    it(`says so: nothing in the package changed`, () => {
      const findings = evaluateScriptGate([runner, helper(`1.0.2`, {[`index.js`]: INSTALL_JS, [`applyBind.js`]: TELEMETRY_JS})], file, scriptsOff);
      const finding = findings.find(entry => entry.pkg.name === `call-bind-apply-helpers`)!;
      assert.equal(finding.state, `changed`);
      assert.equal(onlyMoreFilesReached(finding), true);
    });
  });

  describe(`when an approved file changed, or the version differs`, () => {
    it(`is a change of code`, () => {
      const changed = evaluateScriptGate([runner, helper(`1.0.2`, {[`index.js`]: TELEMETRY_JS, [`applyBind.js`]: TELEMETRY_JS})], file, scriptsOff);
      assert.equal(onlyMoreFilesReached(changed.find(entry => entry.pkg.name === `call-bind-apply-helpers`)!), false);
      const newer = evaluateScriptGate([runner, helper(`1.0.3`, {[`index.js`]: INSTALL_JS, [`applyBind.js`]: TELEMETRY_JS})], file, scriptsOff);
      assert.equal(onlyMoreFilesReached(newer.find(entry => entry.pkg.name === `call-bind-apply-helpers`)!), false);
    });
  });
});
