/**
 * Code outside the approved package that runs at install time, end to end:
 * bins on the PATH of install scripts and dependencies that install code
 * requires are part of what is approved. Every attack writes a marker file
 * when its code runs; an absent marker proves it did not.
 */
import {strict as assert} from 'assert';

import {type Registry, type TestProject, makeProject, markerName, plain, scripted, startRegistry, withBindingGyp} from './harness';

const EVIL = (name: string) => `#!/usr/bin/env node\nrequire('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', '${name}'), 'x');\n`;
const INSTALL_REQUIRING = (dependency: string) => `require('${dependency}');\nrequire('./marker.js');\n`;
const LIB_V1 = `module.exports = function detect() { return 'glibc'; };\n`;
const BENIGN = `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', 'entry-ran'), 'x');\n`;
const EVIL_JS = (name: string) => EVIL(name).replace(`#!/usr/bin/env node\n`, ``);

/** `require('./commands/' + name)` for every file of commands/: the fingerprint must include the whole directory. */
const LOAD_DIRECTORY = `for (const name of require('fs').readdirSync(require('path').join(__dirname, 'commands')))\n  require('./commands/' + name);\n`;

/** A node-gyp stand-in that, like gyp, runs the `<!(…)` command expansions of binding.gyp while reading it. */
const GYP_RUNNING_EXPANSIONS = `#!/usr/bin/env node
const fs = require('fs');
const {execSync} = require('child_process');
const text = fs.readFileSync('binding.gyp', 'utf8');
for (const match of text.matchAll(/<!\\(([^)]*)\\)/g))
  execSync(match[1], {stdio: 'inherit'});
`;

describe(`install-time code of other packages (e2e)`, function() {
  this.timeout(300_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  async function project(manifest: Record<string, unknown>, options: {yarnrc?: Record<string, unknown>} = {}) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, ...manifest}, ...options});
    projects.push(created);
    return created;
  }

  before(async function() {
    registry = await startRegistry({name: `install-code`});
    await registry.publishAll([
      // A script-free helper whose later release adds a bin called `node`.
      plain(`helper`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
      plain(`helper`, `1.0.1`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
      plain(`helper`, `1.1.0`, {files: {[`index.js`]: `module.exports = 1;\n`, [`evil.js`]: EVIL(`shadow-node-ran`)}, manifest: {bin: {node: `evil.js`}}}),
      scripted(`native`, `1.0.0`, {postinstall: true}, {dependencies: {helper: `1.0.0`}}),
      scripted(`native`, `1.0.1`, {postinstall: true}, {dependencies: {helper: `1.1.0`}}),
      scripted(`native`, `1.0.2`, {postinstall: true}, {dependencies: {helper: `1.0.1`}}),

      // A dependency required by install code: detect-libc style.
      plain(`libdetect`, `1.0.0`, {files: {[`index.js`]: LIB_V1}}),
      plain(`libdetect`, `1.0.1`, {files: {[`index.js`]: `${EVIL(`libdetect-hijack-ran`).replace(`#!/usr/bin/env node\n`, ``)}${LIB_V1}`}}),
      // The same files as 1.0.0 (documentation is bound too: a new README would need a review).
      plain(`libdetect`, `1.0.2`, {files: {[`index.js`]: LIB_V1}}),
      scripted(`sharpish`, `1.0.0`, {postinstall: `node install.js`}, {dependencies: {libdetect: `^1.0.0`}, files: {[`install.js`]: INSTALL_REQUIRING(`libdetect`)}}),
      scripted(`bcryptish`, `1.0.0`, {postinstall: `node install.js`}, {dependencies: {libdetect: `^1.0.0`}, files: {[`install.js`]: INSTALL_REQUIRING(`libdetect`)}}),
      // Two levels of code run by install code: chainish → libchain → libleaf (node-gyp → tar → minipass).
      plain(`libleaf`, `1.0.0`, {files: {[`index.js`]: LIB_V1}}),
      plain(`libchain`, `1.0.0`, {dependencies: {libleaf: `1.0.0`}, files: {[`index.js`]: `module.exports = require('libleaf');\n`}}),
      scripted(`chainish`, `1.0.0`, {postinstall: `node install.js`}, {dependencies: {libchain: `1.0.0`}, files: {[`install.js`]: INSTALL_REQUIRING(`libchain`)}}),

      // A command word resolved to a dependency's bin.
      plain(`prebuilder`, `1.0.0`, {manifest: {bin: {[`prebuild-tool`]: `bin/tool.js`}}, files: {[`bin/tool.js`]: `#!/usr/bin/env node\nconsole.log('prebuilt');\n`}}),
      plain(`prebuilder`, `1.0.1`, {manifest: {bin: {[`prebuild-tool`]: `bin/tool.js`}}, files: {[`bin/tool.js`]: EVIL(`prebuilder-hijack-ran`)}}),
      scripted(`addon`, `1.0.0`, {install: `prebuild-tool || node marker.js install`}, {dependencies: {prebuilder: `^1.0.0`}}),

      // Entry points that package.json decides.
      plain(`entry`, `1.0.0`, {scripts: {postinstall: `node .`}, manifest: {main: `lib/a.js`}, files: {[`lib/a.js`]: BENIGN}}),
      plain(`entry`, `1.0.1`, {scripts: {postinstall: `node .`}, manifest: {main: `lib/evil.js`}, files: {[`lib/a.js`]: BENIGN, [`lib/evil.js`]: EVIL_JS(`main-swap-ran`)}}),
      plain(`entry`, `1.0.2`, {scripts: {postinstall: `node .`}, manifest: {main: `lib/a.js`}, files: {[`lib/a.js`]: BENIGN}}),
      plain(`nested`, `1.0.0`, {scripts: {postinstall: `node lib`}, files: {[`lib/index.js`]: BENIGN}}),
      plain(`nested`, `1.0.1`, {scripts: {postinstall: `node lib`}, files: {[`lib/index.js`]: BENIGN, [`lib/package.json`]: JSON.stringify({main: `evil.js`}), [`lib/evil.js`]: EVIL_JS(`nested-main-ran`)}}),
      // A command whose file name is a glob: a release that adds a match runs it (outside attack).
      plain(`globbish`, `1.0.0`, {scripts: {postinstall: `node ./setup[1].js`}, files: {[`setup[1].js`]: BENIGN}}),
      plain(`globbish`, `1.0.1`, {scripts: {postinstall: `node ./setup[1].js`}, files: {[`setup[1].js`]: BENIGN, [`setup1.js`]: EVIL_JS(`glob-ran`)}}),
      // A release that adds a .yarnrc.yml whose yarnPath replaces the Yarn a script starts (outside attack).
      plain(`yarnrcish`, `1.0.0`, {scripts: {postinstall: `node lib/a.js`}, files: {[`lib/a.js`]: BENIGN}}),
      plain(`yarnrcish`, `1.0.1`, {scripts: {postinstall: `node lib/a.js`}, files: {[`lib/a.js`]: BENIGN, [`.yarnrc.yml`]: `yarnPath: ./evil.cjs\n`, [`evil.cjs`]: EVIL_JS(`yarnrc-ran`)}}),
      plain(`imports`, `1.0.0`, {scripts: {postinstall: `node install.js`}, manifest: {imports: {[`#impl`]: `./impl/good.js`}}, files: {[`install.js`]: `require('#impl');\n`, [`impl/good.js`]: BENIGN}}),
      plain(`imports`, `1.0.1`, {scripts: {postinstall: `node install.js`}, manifest: {imports: {[`#impl`]: `./impl/evil.js`}}, files: {[`install.js`]: `require('#impl');\n`, [`impl/good.js`]: BENIGN, [`impl/evil.js`]: EVIL_JS(`imports-swap-ran`)}}),

      // Install code that loads every file of a directory by a computed name (node-gyp's commands, prebuild helpers).
      plain(`cmdload`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: LOAD_DIRECTORY, [`commands/a.js`]: BENIGN}}),
      plain(`cmdload`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: LOAD_DIRECTORY, [`commands/a.js`]: BENIGN, [`commands/b.js`]: EVIL_JS(`computed-load-ran`)}}),

      // binding.gyp command expansions, run while gyp reads the file.
      plain(`node-gyp`, `2.0.0`, {manifest: {bin: {[`node-gyp`]: `bin/node-gyp.js`}}, files: {[`bin/node-gyp.js`]: GYP_RUNNING_EXPANSIONS}}),
      withBindingGyp(`gypexp`, `1.0.0`, {nodeGypVersion: `2.0.0`, files: {[`binding.gyp`]: `{'targets': [{'target_name': 'x', 'sources': ['<!(node helper.js)']}]}\n`, [`helper.js`]: BENIGN}}),
      withBindingGyp(`gypexp`, `1.0.1`, {nodeGypVersion: `2.0.0`, files: {[`binding.gyp`]: `{'targets': [{'target_name': 'x', 'sources': ['<!(node helper.js)']}]}\n`, [`helper.js`]: EVIL_JS(`gyp-expansion-ran`)}}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`when a dependency's new release adds a bin that shadows node`, () => {
    let app: TestProject;

    before(async () => {
      app = await project({dependencies: {native: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      const approve = await app.yarn([`trust`, `approve`, `native`]);
      assert.equal(approve.code, 0, approve.output);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`native`, `1.0.0`, `postinstall`)]);
      await app.clearMarkers();
    });

    it(`refuses the install and names the bin as an attack; the shadowing bin never runs`, async () => {
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, dependencies: {native: `1.0.1`}});
      // Release trust refuses the new bin first, before anything is downloaded.
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /helper@1\.1\.0 adds the bin node, which helper@1\.0\.0 did not have/);
      assert.deepEqual(await app.markers(), []);
      // Allowed there, the install-script gate still refuses it.
      const allow = await app.yarn([`trust`, `allow`, `helper@1.1.0`, `--finding`, `new-bin`, `--reason`, `the gate is tested`]);
      assert.equal(allow.code, 0, allow.output);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /helper@npm:1\.1\.0 has code that other packages run at install time, and the trust file does not approve it — its bin node replaces the system's node/);
      assert.match(install.output, /run at install time by native@npm:1\.0\.1: runs node/);
      assert.deepEqual(await app.markers(), []);
    });

    it(`does not approve the shadowing bin along with the package that runs it`, async () => {
      const approve = await app.yarn([`trust`, `approve`, `native`]);
      assert.equal(approve.code, 0, approve.output);
      assert.match(approve.output, /helper@npm:1\.1\.0 was not approved with them: its bin node replaces the system's tool/);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.deepEqual(await app.markers(), []);
    });

    it(`carries the approval forward when a new release of the helper changes no code that runs`, async () => {
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, dependencies: {native: `1.0.2`}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`native`, `1.0.2`, `postinstall`)]);
    });
  });

  describe(`when install code requires a dependency by name`, () => {
    let app: TestProject;

    before(async () => {
      app = await project({dependencies: {sharpish: `1.0.0`, bcryptish: `1.0.0`}, resolutions: {libdetect: `1.0.0`}});
      const first = await app.yarn([`install`]);
      assert.equal(first.code, 1, first.output);
      assert.match(first.output, /libdetect@npm:1\.0\.0 has code that other packages run at install time, and the trust file does not approve it/);
      assert.match(first.output, /run at install time by sharpish@npm:1\.0\.0: require\('libdetect'\)/);
      const approve = await app.yarn([`trust`, `approve`, `sharpish`, `bcryptish`]);
      assert.equal(approve.code, 0, approve.output);
      assert.match(approve.output, /Approved libdetect@npm:1\.0\.0/);
      const trust = await app.readJson(`yarn-trust.json`);
      assert.deepEqual(trust.packages.libdetect.approvals[0].scripts, {});
      assert.ok(Object.keys(trust.packages.libdetect.approvals[0].files).includes(`index.js`));
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      await app.clearMarkers();
    });

    it(`refuses a hijacked release of the dependency once, for every package that runs it, before its code runs`, async () => {
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, resolutions: {libdetect: `1.0.1`}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /1 package was refused/);
      assert.match(install.output, /libdetect@npm:1\.0\.1 changed the code that other packages run at install time since 1\.0\.0 was approved/);
      assert.match(install.output, /files changed: index\.js/);
      assert.match(install.output, /run at install time by bcryptish@npm:1\.0\.0: require\('libdetect'\)/);
      assert.match(install.output, /run at install time by sharpish@npm:1\.0\.0: require\('libdetect'\)/);
      assert.match(install.output, /run yarn trust approve libdetect\n.*To run none of it, run yarn trust deny bcryptish sharpish, the packages whose install scripts run it/);
      assert.doesNotMatch(install.output, /yarn trust deny libdetect/);
      assert.deepEqual(await app.markers(), []);

      const check = await app.yarn([`trust`, `check`]);
      assert.equal(check.code, 1, check.output);
      assert.match(check.output, /libdetect@npm:1\.0\.1 changed the code/);
    });

    it(`carries the approval forward to a release whose files are unchanged`, async () => {
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, resolutions: {libdetect: `1.0.2`}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`bcryptish`, `1.0.0`, `postinstall`), markerName(`sharpish`, `1.0.0`, `postinstall`)]);
    });

    it(`lists the code of other packages in yarn trust status`, async () => {
      const status = await app.yarn([`trust`, `status`, `--json`]);
      assert.equal(status.code, 0, status.output);
      const entries = status.stdout.trim().split(`\n`).map(line => JSON.parse(line));
      const libdetect = entries.find(entry => entry.package === `libdetect`);
      assert.equal(libdetect.state, `approved`);
      assert.equal(libdetect.ownScripts, false);
      assert.deepEqual(libdetect.reachedFrom.map((from: {via: string}) => from.via), [`require('libdetect')`, `require('libdetect')`]);
    });
  });

  describe(`when install code loads the files of a directory by a computed name`, () => {
    it(`approves the directory read from Yarn's cache, and refuses a release that adds a file to it before it runs`, async () => {
      const app = await project({dependencies: {cmdload: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      const approve = await app.yarn([`trust`, `approve`, `cmdload`]);
      assert.equal(approve.code, 0, approve.output);
      assert.match(approve.output, /commands\/a\.js sha512-/);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [`entry-ran`]);
      await app.clearMarkers();

      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, dependencies: {cmdload: `1.0.1`}});
      const upgrade = await app.yarn([`install`]);
      assert.equal(upgrade.code, 1, upgrade.output);
      assert.match(upgrade.output, /cmdload@npm:1\.0\.1 changed/);
      assert.match(upgrade.output, /files added: commands\/b\.js/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when package.json decides which file runs`, () => {
    async function approvedAt(name: string, version: string) {
      const app = await project({dependencies: {[name]: version}});
      assert.equal((await app.yarn([`install`])).code, 1);
      const approve = await app.yarn([`trust`, `approve`, name]);
      assert.equal(approve.code, 0, approve.output);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [`entry-ran`]);
      await app.clearMarkers();
      return app;
    }

    async function upgrade(app: TestProject, name: string, version: string) {
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, dependencies: {[name]: version}});
      return await app.yarn([`install`]);
    }

    it(`refuses a release that points main at other code while the command and files stay the same`, async () => {
      const app = await approvedAt(`entry`, `1.0.0`);
      const install = await upgrade(app, `entry`, `1.0.1`);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /entry@npm:1\.0\.1 changed what it runs at install time since 1\.0\.0 was approved/);
      assert.match(install.output, /files changed: (?:package\.json#all, )?package\.json#main/);
      assert.deepEqual(await app.markers(), []);

      const carried = await upgrade(app, `entry`, `1.0.2`);
      assert.equal(carried.code, 0, carried.output);
      assert.deepEqual(await app.markers(), [`entry-ran`]);
    });

    it(`refuses a release that ships a .yarnrc.yml (its yarnPath would replace the Yarn a script starts)`, async () => {
      const app = await approvedAt(`yarnrcish`, `1.0.0`);
      const install = await upgrade(app, `yarnrcish`, `1.0.1`);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /yarnrcish@npm:1\.0\.1 changed what it runs at install time since 1\.0\.0 was approved/);
      assert.match(install.output, /files added: \.yarnrc\.yml, evil\.cjs/);
      assert.deepEqual(await app.markers(), []);
    });

    it(`refuses a release that adds a file the command's glob matches (node ./setup[1].js runs setup1.js)`, async () => {
      const app = await approvedAt(`globbish`, `1.0.0`);
      const install = await upgrade(app, `globbish`, `1.0.1`);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /globbish@npm:1\.0\.1 changed what it runs at install time since 1\.0\.0 was approved/);
      assert.match(install.output, /files added: setup1\.js/);
      assert.deepEqual(await app.markers(), []);
    });

    it(`refuses a release whose nested package.json redirects a directory`, async () => {
      const app = await approvedAt(`nested`, `1.0.0`);
      const install = await upgrade(app, `nested`, `1.0.1`);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /files added: .*lib\/package\.json/);
      assert.deepEqual(await app.markers(), []);
    });

    it(`refuses a release that remaps a subpath import`, async () => {
      const app = await approvedAt(`imports`, `1.0.0`);
      const install = await upgrade(app, `imports`, `1.0.1`);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /package\.json#imports/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when binding.gyp runs a command while it is read`, () => {
    it(`refuses a release whose expansion's file changed, although binding.gyp is byte-identical`, async () => {
      const app = await project({dependencies: {gypexp: `1.0.0`, [`node-gyp`]: `2.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      const approve = await app.yarn([`trust`, `approve`, `gypexp`]);
      assert.equal(approve.code, 0, approve.output);
      assert.match(approve.output, /helper\.js sha512-/);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [`entry-ran`]);
      await app.clearMarkers();

      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, dependencies: {gypexp: `1.0.1`, [`node-gyp`]: `2.0.0`}});
      const upgraded = await app.yarn([`install`]);
      assert.equal(upgraded.code, 1, upgraded.output);
      assert.match(upgraded.output, /gypexp@npm:1\.0\.1 changed what it runs at install time since 1\.0\.0 was approved/);
      assert.match(upgraded.output, /files changed: helper\.js/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when the trust file was written by a plugin that did not follow other packages' code`, () => {
    it(`yarn trust migrate records the code that approved install code already ran, and prints it`, async () => {
      const app = await project({dependencies: {sharpish: `1.0.0`}, resolutions: {libdetect: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `sharpish`])).code, 0);
      // What an earlier plugin version wrote: sharpish alone.
      const trust = await app.readJson(`yarn-trust.json`);
      delete trust.packages.libdetect;
      await app.writeJson(`yarn-trust.json`, trust);
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /libdetect@npm:1\.0\.0 has code that other packages run at install time/);

      const migrate = await app.yarn([`trust`, `migrate`]);
      assert.equal(migrate.code, 0, migrate.output);
      assert.match(migrate.output, /Recorded libdetect@npm:1\.0\.0: approved install code already ran it \(sharpish@npm:1\.0\.0: require\('libdetect'\)\)/);
      assert.match(migrate.output, /index\.js sha512-/);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`sharpish`, `1.0.0`, `postinstall`)]);
    });

    it(`never records a bin that shadows a system tool`, async () => {
      const app = await project({dependencies: {native: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `native`])).code, 0);
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, dependencies: {native: `1.0.1`}});
      assert.equal((await app.yarn([`trust`, `allow`, `helper@1.1.0`, `--finding`, `new-bin`, `--reason`, `the gate is tested`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 1);
      const migrate = await app.yarn([`trust`, `migrate`]);
      assert.equal(migrate.code, 1, migrate.output);
      assert.match(migrate.output, /helper@npm:1\.1\.0 has code that other packages run at install time, and the trust file does not approve it — its bin node replaces the system's node.*: it needs a review/);
      assert.equal((await app.readJson(`yarn-trust.json`)).packages.helper, undefined);
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when an existing project adopts the plugin with yarn trust adopt`, () => {
    it(`denies what Yarn skips without denying the code it runs, and approves that code with what Yarn builds`, async () => {
      const skipped = await project({dependencies: {sharpish: `1.0.0`}, resolutions: {libdetect: `1.0.0`}});
      assert.equal((await skipped.yarn([`install`])).code, 1);
      const adopt = await skipped.yarn([`trust`, `adopt`]);
      assert.equal(adopt.code, 0, adopt.output);
      assert.match(adopt.output, /Denied sharpish@npm:1\.0\.0/);
      assert.match(adopt.output, /libdetect@npm:1\.0\.0 no longer runs at install time/);
      const trust = await skipped.readJson(`yarn-trust.json`);
      assert.equal(trust.packages.libdetect, undefined);
      const install = await skipped.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await skipped.markers(), []);

      const built = await project({dependencies: {sharpish: `1.0.0`}, resolutions: {libdetect: `1.0.0`}, dependenciesMeta: {sharpish: {built: true}}});
      assert.equal((await built.yarn([`install`])).code, 1);
      const pendingAdopt = await built.yarn([`trust`, `adopt`]);
      assert.equal(pendingAdopt.code, 1, pendingAdopt.output);
      assert.match(pendingAdopt.output, /sharpish@npm:1\.0\.0 is not approved: Yarn runs it today/);
      assert.match(pendingAdopt.output, /1 package whose code the install scripts above run \(libdetect@npm:1\.0\.0\) waits for them: yarn trust adopt --approve-built approves them together/);
      assert.doesNotMatch(pendingAdopt.output, /libdetect@npm:1\.0\.0 is left for a review/);
      const approveBuilt = await built.yarn([`trust`, `adopt`, `--approve-built`]);
      assert.equal(approveBuilt.code, 0, approveBuilt.output);
      assert.match(approveBuilt.output, /Approved libdetect@npm:1\.0\.0, whose code the approved install scripts run/);
      const builtInstall = await built.yarn([`install`]);
      assert.equal(builtInstall.code, 0, builtInstall.output);
      assert.deepEqual(await built.markers(), [markerName(`sharpish`, `1.0.0`, `postinstall`)]);
    });
  });

  describe(`when an existing project adopts the plugin and install code runs code that runs more code`, () => {
    it(`sums up the whole chain as waiting for --approve-built, then approves it with the package Yarn builds`, async () => {
      const app = await project({dependencies: {chainish: `1.0.0`}, dependenciesMeta: {chainish: {built: true}}});
      assert.equal((await app.yarn([`install`])).code, 1);
      const adopt = await app.yarn([`trust`, `adopt`]);
      assert.equal(adopt.code, 1, adopt.output);
      assert.match(adopt.output, /2 packages whose code the install scripts above run \(libchain@npm:1\.0\.0, libleaf@npm:1\.0\.0\) wait for them/);
      assert.doesNotMatch(adopt.output, /is left for a review/);
      const approveBuilt = await app.yarn([`trust`, `adopt`, `--approve-built`]);
      assert.equal(approveBuilt.code, 0, approveBuilt.output);
      assert.match(approveBuilt.output, /Approved libleaf@npm:1\.0\.0, whose code the approved install scripts run/);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`chainish`, `1.0.0`, `postinstall`)]);
    });
  });

  describe(`when an install command runs a dependency's bin`, () => {
    it(`refuses a release of that dependency whose bin changed, before it runs`, async () => {
      const app = await project({dependencies: {addon: `1.0.0`}, resolutions: {prebuilder: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      const approve = await app.yarn([`trust`, `approve`, `addon`]);
      assert.equal(approve.code, 0, approve.output);
      assert.match(approve.output, /Approved prebuilder@npm:1\.0\.0/);
      assert.equal((await app.yarn([`install`])).code, 0);

      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, resolutions: {prebuilder: `1.0.1`}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /prebuilder@npm:1\.0\.1 changed the code that other packages run at install time/);
      assert.match(install.output, /run at install time by addon@npm:1\.0\.0: runs prebuild-tool/);
      assert.match(install.output, /files changed: bin\/tool\.js/);
      assert.ok(!(await app.markers()).includes(`prebuilder-hijack-ran`));
    });
  });
});
