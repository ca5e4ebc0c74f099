/**
 * Outside attack round 8, replayed with marker files (a stranger with real
 * Yarn, Verdaccio and the built bundle): a package subpath that climbs into
 * the package installed beside it, esbuild's __require and
 * import.meta.resolve reaching a dependency, text from the manifest's
 * descriptive fields or from the manifest read through npm_package_json, and
 * an approved helper's copy in node_modules edited before a rebuild. Each
 * test fails with the bundle before round 8: the marker is written.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';
import path from 'path';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`outside attacks, round 8 (e2e)`, function() {
  this.timeout(300_000);

  const banner = `const pkg = require('./package.json');\nfor (const line of [pkg.description]) if (line.startsWith('=')) new Function('require', line.slice(1))(require);\n`;
  const fromEnv = `const pkg = JSON.parse(require('fs').readFileSync(process.env.npm_package_json, 'utf8'));\nrequire('child_process').execSync(pkg.config.setup, {stdio: 'inherit'});\n`;
  const suite = suiteRegistry(`outside-attacks-8`, () => [
    plain(`zqlibc`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    plain(`zqlibd`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    plain(`zqevilc`, `1.0.0`, {files: {[`index.js`]: `${PWN(`c7-sibling-ran`)}\n`}}),
    // C7: require('zqlibc/../zqevilc') loads the package installed beside zqlibc.
    plain(`zqclimb`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqlibc: `^1.0.0`}, files: {[`install.js`]: `try { require('zqlibc/../zqevilc'); } catch (e) {}\n`}}),
    // C5: an esbuild bundle's __require.
    plain(`zqesbuildreq`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqlibc: `^1.0.0`}, files: {[`install.js`]: `var __require = (x) => require(x);\n__require("zqlibc")();\n`}}),
    // C6: import(import.meta.resolve('zqlibc')).
    plain(`zqmetaresolve`, `1.0.0`, {scripts: {postinstall: `node install.mjs`}, dependencies: {zqlibd: `^1.0.0`}, files: {[`install.mjs`]: `const m = await import(import.meta.resolve('zqlibd'));\nm.default();\n`}}),
    // C21: code carried in the manifest's description.
    plain(`zqdesc`, `1.0.0`, {scripts: {postinstall: `node install.js`}, manifest: {description: `a tool`}, files: {[`install.js`]: banner}}),
    plain(`zqdesc`, `1.0.1`, {scripts: {postinstall: `node install.js`}, manifest: {description: `=${PWN(`c21-description-ran`).trim()}`}, files: {[`install.js`]: banner}}),
    // C22: the manifest read through npm_package_json, a command from its config.
    plain(`zqpkgenv`, `1.0.0`, {scripts: {postinstall: `node install.js`}, manifest: {config: {setup: `node -e 1`}}, files: {[`install.js`]: fromEnv}}),
    plain(`zqpkgenv`, `1.0.1`, {scripts: {postinstall: `node install.js`}, manifest: {config: {setup: `node -e "require('fs').writeFileSync(process.env.TRUST_MARKERS + '/c22-config-ran', 'x')"`}}, files: {[`install.js`]: fromEnv}}),
    // C24: a shell script (hashed, not read) runs README.js.
    plain(`zqshdoc`, `1.0.0`, {scripts: {postinstall: `sh install.sh`}, files: {[`install.sh`]: `node ./README.js\n`, [`README.js`]: `// see README.md\n`}}),
    plain(`zqshdoc`, `1.0.1`, {scripts: {postinstall: `sh install.sh`}, files: {[`install.sh`]: `node ./README.js\n`, [`README.js`]: PWN(`c24-readme-ran`)}}),
    // C29: require('.bin/zqevbin') loads a root dependency's bin through node_modules/.bin.
    plain(`zqdotbin`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `try { require('.bin/zqevbin'); } catch (e) {}\n`}}),
    plain(`zqevbin`, `1.0.0`, {manifest: {bin: {zqevbin: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\n${PWN(`c29-dotbin-ran`)}`}}),
    // C45: an approved package whose install requires a helper by a range.
    plain(`zqlibp`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    plain(`zqlibq`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    plain(`zqpoisonb`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqlibq: `^1.0.0`}, files: {[`install.js`]: `require('zqlibq')();\n`}}),
    plain(`zqlibv`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    plain(`zqpoisonv`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqlibv: `^1.0.0`}, files: {[`install.js`]: `require('zqlibv')();\n`}}),
    plain(`zqpoison`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqlibp: `^1.0.0`}, files: {[`install.js`]: `require('zqlibp')();\n`}}),
    // C54: a helper Yarn unplugs under PnP.
    plain(`zqunpl`, `1.0.0`, {manifest: {preferUnplugged: true}, files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    plain(`zqusesunpl`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqunpl: `1.0.0`}, files: {[`install.js`]: `require('zqunpl')();\n`}}),
    // C41: an approved command word that no dependency provides.
    plain(`zqcmdword`, `1.0.0`, {scripts: {postinstall: `zqevbin2 || echo no-tool`}}),
    plain(`zqevbin2`, `1.0.0`, {manifest: {bin: {zqevbin2: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\n${PWN(`c41-root-bin-ran`)}`}}),
    // C17: an approved package whose install requires a helper.
    plain(`zqtamper`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqlibc: `1.0.0`}, files: {[`install.js`]: `require('zqlibc')();\n`}}),
  ]);
  const approvedProject = suite.approvedProject;

  it(`C7: require('zqlibc/../zqevilc') is refused as code outside the package, and nothing runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqclimb: `1.0.0`, zqevilc: `1.0.0`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    const approve = await app.yarn([`trust`, `approve`, `zqclimb`]);
    assert.notEqual(approve.code, 0, approve.output);
    assert.match(`${install.output}\n${approve.output}`, /climbs out of zqlibc/);
    assert.deepEqual(await app.markers(), []);
  });

  for (const [id, name, lib] of [[`C5: __require("zqlibc") of an esbuild bundle`, `zqesbuildreq`, `zqlibc`], [`C6: import(import.meta.resolve('zqlibd'))`, `zqmetaresolve`, `zqlibd`]]) {
    it(`${id}: a new release of the dependency it reaches is refused`, async () => {
      const {app} = await approvedProject({[name]: `1.0.0`}, [name]);
      await suite.registry.publishAll([plain(lib, `1.0.1`, {files: {[`index.js`]: `${PWN(`${lib}-ran`)}module.exports = () => 1;\n`}})]);
      const up = await app.yarn([`up`, `-R`, lib]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, new RegExp(`${lib}@npm:1\\.0\\.1`));
      assert.deepEqual(await app.markers(), []);
    });
  }

  for (const [id, name, changed] of [[`C21: code in the manifest's description, evaluated by approved install code`, `zqdesc`, /package\.json#all/], [`C22: a command from the manifest's config, read through npm_package_json`, `zqpkgenv`, /package\.json#all/], [`C24: README.js run by a shell script the scan does not read`, `zqshdoc`, /files changed: README\.js/]] as Array<[string, string, RegExp]>) {
    it(`${id}: a release that changes only that is refused`, async () => {
      const {app} = await approvedProject({[name]: `1.0.0`}, [name]);
      const up = await app.yarn([`up`, `${name}@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, changed);
      assert.deepEqual(await app.markers(), []);
    });
  }

  it(`C34: yarn trust diff shows the changed manifest, description included`, async () => {
    const {app} = await approvedProject({zqdesc: `1.0.0`}, [`zqdesc`]);
    const up = await app.yarn([`up`, `zqdesc@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    const diff = await app.yarn([`trust`, `diff`, `zqdesc`]);
    assert.match(diff.output, /package\.json#all/);
    assert.match(diff.output, /\+\s+"description": "=require\('fs'\)/);
    assert.doesNotMatch(diff.output, /does not hold/);
  });

  it(`C29: require('.bin/zqevbin') is refused: it would run another package's bin`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqdotbin: `1.0.0`, zqevbin: `1.0.0`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /\.bin\/zqevbin, which is no package name/);
    const approve = await app.yarn([`trust`, `approve`, `zqdotbin`]);
    assert.notEqual(approve.code, 0, approve.output);
    assert.deepEqual(await app.markers(), []);
  });

  it(`C45: a profile cache planted to say that approved install code reaches no package is caught before the script runs`, async () => {
    const {app} = await approvedProject({zqpoison: `1.0.0`}, [`zqpoison`]);
    const cache = JSON.parse(await app.readFile(`.yarn/yarn-plugin-trust-profiles.json`));
    let planted = 0;
    for (const profile of Object.values(cache.profiles as Record<string, {reaches?: {modules: Array<string>}} | null>)) {
      if (profile?.reaches?.modules.includes(`zqlibp`)) {
        profile.reaches.modules = [];
        planted += 1;
      }
    }
    assert.equal(planted, 1, JSON.stringify(Object.keys(cache.profiles)));
    await app.writeFile(`.yarn/yarn-plugin-trust-profiles.json`, JSON.stringify(cache));
    await suite.registry.publishAll([plain(`zqlibp`, `1.0.1`, {files: {[`index.js`]: `${PWN(`c45-poisoned-ran`)}module.exports = () => 1;\n`}})]);
    const up = await app.yarn([`up`, `-R`, `zqlibp`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /yarn-plugin-trust-profiles\.json/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`C45: a profile cache planted to say that an approved package runs nothing is caught before its script runs`, async () => {
    const {app} = await approvedProject({zqpoisonb: `1.0.0`}, [`zqpoisonb`]);
    const cache = JSON.parse(await app.readFile(`.yarn/yarn-plugin-trust-profiles.json`));
    const planted = Object.keys(cache.profiles).filter(key => cache.profiles[key]?.reaches?.modules.includes(`zqlibq`));
    assert.equal(planted.length, 1);
    for (const key of planted)
      cache.profiles[key] = null;
    await app.writeFile(`.yarn/yarn-plugin-trust-profiles.json`, JSON.stringify(cache));
    await suite.registry.publishAll([plain(`zqlibq`, `1.0.1`, {files: {[`index.js`]: `${PWN(`c45-null-profile-ran`)}module.exports = () => 1;\n`}})]);
    const up = await app.yarn([`up`, `-R`, `zqlibq`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /the install-time gate did not judge it as a package with install scripts/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`a profile cache written under another copy or release of the plugin is not read: its archives are read again`, async () => {
    const {app} = await approvedProject({zqpoisonv: `1.0.0`}, [`zqpoisonv`]);
    const before = JSON.parse(await app.readFile(`.yarn/yarn-plugin-trust-profiles.json`));
    assert.match(before.version, /^\d+\/\d+:\d+:\d+:\d+:\d+$/);
    // What another release of the plugin might have remembered: that the approved package runs nothing.
    for (const key of Object.keys(before.profiles).filter(key => before.profiles[key]?.reaches?.modules.includes(`zqlibv`)))
      before.profiles[key] = null;
    await app.writeFile(`.yarn/yarn-plugin-trust-profiles.json`, JSON.stringify(before));
    // The plugin is imported again (an upgrade): its file is another one.
    const plugin = await app.readFile(`.yarn/plugins/@yarnpkg/plugin-trust.cjs`);
    await fs.rm(path.join(app.cwd, `.yarn/plugins/@yarnpkg/plugin-trust.cjs`));
    await app.writeFile(`.yarn/plugins/@yarnpkg/plugin-trust.cjs`, plugin);
    await suite.registry.publishAll([plain(`zqlibv`, `1.0.1`, {files: {[`index.js`]: `${PWN(`profile-version-ran`)}module.exports = () => 1;\n`}})]);
    const up = await app.yarn([`up`, `-R`, `zqlibv`]);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.equal(up.code, 1, up.output);
    // Refused by the gate, which read the archives again, not by the backstop catching a cache it trusted.
    assert.doesNotMatch(up.output, /yarn-plugin-trust-profiles\.json/);
    assert.match(up.output, /zqlibv@npm:1\.0\.1/);
    const after = JSON.parse(await app.readFile(`.yarn/yarn-plugin-trust-profiles.json`));
    assert.notEqual(after.version, before.version);
  });

  it(`C52: a tampered copy of a package the project's own postinstall runs is refused before that script runs`, async () => {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, scripts: {postinstall: `node setup.js`}, dependencies: {zqlibc: `1.0.0`}}, files: {[`setup.js`]: `require('zqlibc')();\n`}}, [`zqlibc`]);
    await app.writeFile(`node_modules/zqlibc/index.js`, `${PWN(`c52-tampered-ran`)}module.exports = () => 1;\n`);
    // As after a CI cache restore: node_modules without Yarn's install state.
    await fs.rm(path.join(app.cwd, `.yarn/install-state.gz`), {force: true});
    const again = await app.yarn([`install`]);
    assert.equal(again.code, 1, again.output);
    assert.match(again.output, /the copy on disk of code its install runs is not what was approved/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`C54: under PnP, an approved package whose helper Yarn unplugs installs (Yarn's .ready is not a change)`, async () => {
    // approvedProjectFrom asserts that the install after the approval passes.
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zqusesunpl: `1.0.0`}}, yarnrc: {nodeLinker: `pnp`}}, [`zqusesunpl`]);
    assert.equal((await app.yarn([`install`])).code, 0);
  });

  it(`C41: a command word no dependency provides is not found among the root's bins when Yarn runs inside yarn run`, async () => {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, scripts: {bootstrap: `yarn rebuild zqcmdword`}, dependencies: {zqcmdword: `1.0.0`, zqevbin2: `1.0.0`}}}, [`zqcmdword`]);
    const bootstrap = await app.yarn([`run`, `bootstrap`]);
    assert.equal(bootstrap.code, 0, bootstrap.output);
    assert.deepEqual(await app.markers(), []);
  });

  it(`C17: an approved helper's copy in node_modules edited before yarn rebuild is refused, and the script does not run`, async () => {
    const {app} = await approvedProject({zqtamper: `1.0.0`}, [`zqtamper`]);
    await app.writeFile(`node_modules/zqlibc/index.js`, `${PWN(`c17-tampered-ran`)}module.exports = () => 1;\n`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.match(rebuild.output, /the copy on disk of code its install runs is not what was approved/);
    assert.match(rebuild.output, /index\.js changed/);
    assert.match(rebuild.output, /Delete node_modules\/zqlibc and run yarn install/);
    assert.deepEqual(await app.markers(), []);
  });
});
