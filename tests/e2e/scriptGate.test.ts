/**
 * The install-script gate, end to end: the real Yarn 4.18.1 with the built
 * plugin bundle, against Verdaccio on loopback. Marker files prove whether a
 * script ran.
 */
import {strict as assert} from 'assert';

import {
  MARKER_JS, type Registry, type TestProject, assertCleanButNoFeed, fakeNodeGyp, makeProject, markerName, plain, scripted, startRegistry, withBindingGyp, withoutFeedNotice,
} from './harness';

const TELEMETRY_JS = `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', 'telemetry-ran'), 'x');\n`;

describe(`install-script gate (e2e)`, function() {
  this.timeout(180_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  async function project(manifest: Record<string, unknown>, options: {yarnrc?: Record<string, unknown>, files?: Record<string, string>} = {}) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, ...manifest}, ...options});
    projects.push(created);
    return created;
  }

  async function setDependencies(target: TestProject, dependencies: Record<string, string>) {
    const manifest = await target.readJson(`package.json`);
    await target.writeJson(`package.json`, {...manifest, dependencies});
  }

  before(async function() {
    registry = await startRegistry({name: `script-gate`});
    await registry.publishAll([
      plain(`plain`, `1.0.0`),
      scripted(`pre-pkg`, `1.0.0`, {preinstall: true}),
      scripted(`install-pkg`, `1.0.0`, {install: true}),
      scripted(`post-pkg`, `1.0.0`, {postinstall: true}),
      // Same command and same executed file: the fingerprint of 1.0.0.
      scripted(`post-pkg`, `1.0.1`, {postinstall: true}),
      // A hijacked release that changes what postinstall runs (nx 21.5).
      scripted(`post-pkg`, `1.1.0`, {postinstall: `node telemetry.js`}, {files: {[`telemetry.js`]: TELEMETRY_JS}}),
      // Same command, but the file it executes changed.
      scripted(`post-pkg`, `1.2.0`, {postinstall: true}, {files: {[`marker.js`]: `${MARKER_JS}// a new line of code\n`}}),
      scripted(`twin`, `1.0.0`, {postinstall: true}),
      scripted(`opt-pkg`, `1.0.0`, {postinstall: true}),
      plain(`wrapper`, `1.0.0`, {dependencies: {[`install-pkg`]: `1.0.0`}}),
      fakeNodeGyp(),
      withBindingGyp(`gyp-only`, `1.0.0`),
      plain(`tool`, `1.0.0`, {
        dependencies: {[`post-pkg`]: `1.0.0`},
        manifest: {bin: {tool: `tool.js`}},
        files: {[`tool.js`]: `#!/usr/bin/env node\nrequire('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS, 'tool-ran'), '');\n`},
      }),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`when no package has install scripts and there is no trust file`, () => {
    it(`installs with no noise and creates no trust file`, async () => {
      const app = await project({dependencies: {plain: `1.0.0`}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.doesNotMatch(withoutFeedNotice(install.output), /YN0004|trust|refused|warning/i);
      assert.equal(await app.exists(`yarn-trust.json`), false);

      assertCleanButNoFeed(await app.yarn([`trust`, `check`]));
    });
  });

  describe(`when the project's own workspaces have install scripts`, () => {
    it(`runs them without any approval`, async () => {
      const app = await project({
        workspaces: [`packages/*`],
        dependencies: {plain: `1.0.0`},
        scripts: {postinstall: `node -e "require('fs').writeFileSync(process.env.TRUST_MARKERS + '/root-postinstall', '')"`},
      }, {files: {
        [`packages/lib/package.json`]: JSON.stringify({name: `lib`, version: `1.0.0`, scripts: {postinstall: `node -e "require('fs').writeFileSync(process.env.TRUST_MARKERS + '/lib-postinstall', '')"`}}),
      }});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [`lib-postinstall`, `root-postinstall`]);
      assert.doesNotMatch(install.output, /refused/);
    });
  });

  describe(`when yarn add brings in an unapproved package`, () => {
    it(`refuses it like an install`, async () => {
      const app = await project({dependencies: {plain: `1.0.0`}}, {yarnrc: {enableScripts: true}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const add = await app.yarn([`add`, `pre-pkg@1.0.0`]);
      assert.equal(add.code, 1, add.output);
      assert.match(add.output, /pre-pkg@npm:1\.0\.0 runs install scripts that the trust file does not approve/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when direct, transitive and optional packages run unapproved scripts of every kind`, () => {
    let app: TestProject;

    before(async () => {
      // enableScripts: true makes Yarn itself willing to run every one of them,
      // so an absent marker proves that the plugin stopped it.
      app = await project({
        dependencies: {[`pre-pkg`]: `1.0.0`, [`post-pkg`]: `1.0.0`, wrapper: `1.0.0`, [`gyp-only`]: `1.0.0`},
        optionalDependencies: {[`opt-pkg`]: `1.0.0`},
      }, {yarnrc: {enableScripts: true}});
    });

    it(`refuses the install, runs nothing, and lists every package with its scripts, path and fix`, async () => {
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.deepEqual(await app.markers(), []);

      // node-gyp runs no script of its own, but gyp-only's implicit build runs its bin.
      assert.match(install.output, /6 packages were refused by yarn-plugin-trust/);
      assert.match(install.output, /node-gyp@npm:1\.0\.0 has code that other packages run at install time, and the trust file does not approve it/);
      assert.match(install.output, /run at install time by gyp-only@npm:1\.0\.0: runs node-gyp/);
      for (const locator of [`pre-pkg@npm:1.0.0`, `install-pkg@npm:1.0.0`, `post-pkg@npm:1.0.0`, `opt-pkg@npm:1.0.0`, `gyp-only@npm:1.0.0`])
        assert.match(install.output, new RegExp(`${locator} runs install scripts that the trust file does not approve`), locator);
      assert.match(install.output, /preinstall: node marker\.js preinstall/);
      assert.match(install.output, /install: node marker\.js install/);
      assert.match(install.output, /postinstall: node marker\.js postinstall/);
      assert.match(install.output, /install: node-gyp rebuild \(implicit: the package ships binding\.gyp\)/);
      assert.match(install.output, /brought in by app@workspace:\. › wrapper@npm:1\.0\.0 › install-pkg@npm:1\.0\.0/);
      assert.match(install.output, /run yarn trust approve install-pkg/);
      assert.match(install.output, /enableScripts is true in your Yarn settings, but the trust file does not approve this package/);
    });

    it(`reports the same packages as pending in yarn trust status and yarn trust check`, async () => {
      const status = await app.yarn([`trust`, `status`, `--json`]);
      assert.equal(status.code, 1, status.output);
      const entries = status.stdout.trim().split(`\n`).map(line => JSON.parse(line)).filter(entry => entry.kind !== `malware-feed`);
      assert.deepEqual(entries.map(entry => [entry.package, entry.state]), [
        [`gyp-only`, `pending`], [`install-pkg`, `pending`], [`node-gyp`, `pending`], [`opt-pkg`, `pending`], [`post-pkg`, `pending`], [`pre-pkg`, `pending`],
      ]);
      assert.deepEqual(entries.find(entry => entry.package === `install-pkg`).path, [`app@workspace:.`, `wrapper@npm:1.0.0`, `install-pkg@npm:1.0.0`]);

      const check = await app.yarn([`trust`, `check`]);
      assert.equal(check.code, 1, check.output);
      assert.match(check.output, /post-pkg@npm:1\.0\.0 runs install scripts that the trust file does not approve/);
    });

    it(`runs an approved script and skips denied ones without failing`, async () => {
      const approve = await app.yarn([`trust`, `approve`, `post-pkg`, `--reason`, `writes a marker`]);
      assert.equal(approve.code, 0, approve.output);
      assert.match(approve.output, /postinstall: node marker\.js postinstall/);

      const trust = await app.readJson(`yarn-trust.json`);
      assert.equal(trust.version, 1);
      const [approval] = trust.packages[`post-pkg`].approvals;
      assert.equal(approval.version, `1.0.0`);
      assert.deepEqual(approval.scripts, {postinstall: `node marker.js postinstall`});
      // marker.js is CommonJS or ESM depending on package.json's type, and it
      // reads package.json: both the type and the manifest's data are approved.
      assert.deepEqual(Object.keys(approval.files), [`marker.js`, `package.json#all`, `package.json#data`, `package.json#type`]);
      assert.equal(approval.reason, `writes a marker`);
      assert.deepEqual((await app.readJson(`package.json`)).dependenciesMeta, {[`post-pkg`]: {built: true}});

      const deny = await app.yarn([`trust`, `deny`, `pre-pkg`, `install-pkg`, `opt-pkg`, `gyp-only`]);
      assert.equal(deny.code, 0, deny.output);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`post-pkg`, `1.0.0`, `postinstall`)]);

      const status = await app.yarn([`trust`, `status`]);
      assert.equal(status.code, 0, status.output);
      assert.match(status.output, /post-pkg@npm:1\.0\.0: approved/);
      assert.match(status.output, /pre-pkg@npm:1\.0\.0: denied/);
    });

    it(`refuses a revoked package again`, async () => {
      const revoke = await app.yarn([`trust`, `revoke`, `pre-pkg`]);
      assert.equal(revoke.code, 0, revoke.output);
      assert.equal((await app.readJson(`package.json`)).dependenciesMeta[`pre-pkg`], undefined);

      await app.clearMarkers();
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /1 package was refused/);
      assert.match(install.output, /pre-pkg@npm:1\.0\.0 runs install scripts that the trust file does not approve/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when an approved package is upgraded`, () => {
    let app: TestProject;

    before(async () => {
      app = await project({dependencies: {[`post-pkg`]: `1.0.0`}});
      const first = await app.yarn([`install`]);
      assert.equal(first.code, 1, first.output);
      const approve = await app.yarn([`trust`, `approve`, `post-pkg`]);
      assert.equal(approve.code, 0, approve.output);
    });

    it(`runs a version with the same fingerprint without a new approval`, async () => {
      await setDependencies(app, {[`post-pkg`]: `1.0.1`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`post-pkg`, `1.0.1`, `postinstall`)]);
    });

    it(`refuses a version whose postinstall command changed, showing old and new`, async () => {
      await app.clearMarkers();
      await setDependencies(app, {[`post-pkg`]: `1.1.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /post-pkg@npm:1\.1\.0 changed what it runs at install time since 1\.0\.0 was approved/);
      assert.match(install.output, /postinstall: approved node marker\.js postinstall, now node telemetry\.js/);
      assert.match(install.output, /files added: telemetry\.js/);
      assert.deepEqual(await app.markers(), []);

      const status = await app.yarn([`trust`, `status`]);
      assert.equal(status.code, 1, status.output);
      assert.match(status.output, /post-pkg@npm:1\.1\.0: changed since approval/);
    });

    it(`refuses a version whose executed file changed, naming the file`, async () => {
      await setDependencies(app, {[`post-pkg`]: `1.2.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /files changed: marker\.js/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when Yarn's own settings would run an unapproved package`, () => {
    it(`does not let enableScripts: true run it`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}}, {yarnrc: {enableScripts: true}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /enableScripts is true in your Yarn settings, but the trust file does not approve this package/);
      assert.deepEqual(await app.markers(), []);
    });

    it(`does not let dependenciesMeta built: true run it`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}, dependenciesMeta: {[`post-pkg`]: {built: true}}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /package\.json sets dependenciesMeta\["post-pkg"\]\.built to true, but the trust file does not approve it/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when an alias borrows the name of an approved package`, () => {
    it(`judges the package it resolves to, not the alias`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}}, {yarnrc: {enableScripts: true}});
      await app.yarn([`install`]);
      assert.equal((await app.yarn([`trust`, `approve`, `post-pkg`])).code, 0);

      // twin has the very same script and file as the approved post-pkg@1.0.0.
      await setDependencies(app, {[`post-pkg`]: `npm:twin@1.0.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /twin@npm:1\.0\.0 runs install scripts that the trust file does not approve/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when the approved package is the implicit node-gyp build of a binding.gyp`, () => {
    it(`runs node-gyp rebuild once approved`, async () => {
      const app = await project({dependencies: {[`gyp-only`]: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      const approve = await app.yarn([`trust`, `approve`, `gyp-only`]);
      assert.equal(approve.code, 0, approve.output);
      assert.match(approve.output, /install: node-gyp rebuild/);
      assert.match(approve.output, /binding\.gyp sha512-/);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`gyp-only`, `1.0.0`, `node-gyp`)]);
    });
  });

  describe(`with Yarn's Plug'n'Play linker`, () => {
    it(`refuses unapproved scripts and runs approved ones`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`, [`pre-pkg`]: `1.0.0`}}, {yarnrc: {nodeLinker: `pnp`, enableScripts: true}});
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.deepEqual(await app.markers(), []);

      assert.equal((await app.yarn([`trust`, `approve`, `post-pkg`])).code, 0);
      assert.equal((await app.yarn([`trust`, `deny`, `pre-pkg`])).code, 0);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`post-pkg`, `1.0.0`, `postinstall`)]);
    });
  });

  describe(`when the project patches a package that runs install scripts`, () => {
    it(`asks for an approval of the patched fingerprint, then runs it`, async () => {
      const patch = [
        `diff --git a/marker.js b/marker.js`,
        `--- a/marker.js`,
        `+++ b/marker.js`,
        `@@ -1,2 +1,3 @@`,
        ` // e2e fixture: proves that a script of this package ran.`,
        `+// patched by the project`,
        ` const fs = require('fs');`,
        ``,
      ].join(`\n`);
      const app = await project({dependencies: {[`post-pkg`]: `patch:post-pkg@npm%3A1.0.0#~/post-pkg.patch`}}, {files: {[`post-pkg.patch`]: patch}});
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /post-pkg@patch:post-pkg@npm%3A1\.0\.0/);

      const approve = await app.yarn([`trust`, `approve`, `post-pkg`]);
      assert.equal(approve.code, 0, approve.output);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`post-pkg`, `1.0.0`, `postinstall`)]);
    });
  });

  describe(`when the installed copy of an approved package is modified on disk`, () => {
    it(`refuses to run the modified code`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}});
      await app.yarn([`install`]);
      assert.equal((await app.yarn([`trust`, `approve`, `post-pkg`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      await app.clearMarkers();

      // A restored CI cache of node_modules, say: the archive in Yarn's cache is intact.
      await app.writeFile(`node_modules/post-pkg/marker.js`, TELEMETRY_JS);
      const rebuild = await app.yarn([`rebuild`]);
      assert.notEqual(rebuild.code, 0, rebuild.output);
      assert.match(rebuild.output, /yarn-plugin-trust refused to run a script of post-pkg/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when yarn dlx runs a tool whose dependency has install scripts`, () => {
    it(`runs the tool and leaves the unreviewed script to Yarn, which skips it`, async () => {
      const app = await project({dependencies: {plain: `1.0.0`}});
      const dlx = await app.yarn([`dlx`, `tool@1.0.0`]);
      assert.equal(dlx.code, 0, dlx.output);
      assert.deepEqual(await app.markers(), [`tool-ran`]);
    });
  });

  describe(`when the trust file is broken`, () => {
    const broken = `{\n  "version": 1,\n  "packages": {},\n  "approved": []\n}\n`;

    it(`stops the install before resolution, naming the file and line`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}}, {files: {[`yarn-trust.json`]: broken}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /yarn-trust\.json:4:3/);
      assert.match(install.output, /approved/);
      assert.equal(await app.exists(`yarn.lock`), false, `resolution must not have run`);
    });

    it(`is never overwritten by a command`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}}, {files: {[`yarn-trust.json`]: broken}});
      const approve = await app.yarn([`trust`, `approve`, `post-pkg`]);
      assert.equal(approve.code, 1, approve.output);
      assert.match(approve.output, /yarn-trust\.json:4:3/);
      assert.equal(await app.readFile(`yarn-trust.json`), broken);
    });
  });

  describe(`when approving in a fresh clone before any install`, () => {
    it(`works from the lockfile alone`, async () => {
      const original = await project({dependencies: {[`post-pkg`]: `1.0.0`}});
      await original.yarn([`install`]);
      const lockfile = await original.readFile(`yarn.lock`);

      const clone = await project({dependencies: {[`post-pkg`]: `1.0.0`}}, {files: {[`yarn.lock`]: lockfile}});
      assert.equal(await clone.exists(`node_modules`), false);
      const approve = await clone.yarn([`trust`, `approve`, `post-pkg`]);
      assert.equal(approve.code, 0, approve.output);
      assert.equal((await clone.readJson(`yarn-trust.json`)).packages[`post-pkg`].approvals[0].version, `1.0.0`);

      const install = await clone.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await clone.markers(), [markerName(`post-pkg`, `1.0.0`, `postinstall`)]);
    });
  });

  describe(`when approve is given something it cannot approve`, () => {
    let app: TestProject;

    before(async () => {
      app = await project({dependencies: {plain: `1.0.0`, [`post-pkg`]: `1.0.0`}});
      await app.yarn([`install`]);
    });

    it(`refuses a package that is not in the project`, async () => {
      const result = await app.yarn([`trust`, `approve`, `left-pad`]);
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, /left-pad is not a package of this project/);
      assert.equal(await app.exists(`yarn-trust.json`), false);
    });

    it(`refuses a package without install scripts`, async () => {
      const result = await app.yarn([`trust`, `approve`, `plain`]);
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, /plain has no install scripts/);
      assert.equal(await app.exists(`yarn-trust.json`), false);
    });
  });
});
