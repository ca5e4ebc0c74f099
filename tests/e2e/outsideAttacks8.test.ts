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

import {type Registry, type TestProject, approvedProject as approveIn, makeProject, plain, startRegistry} from './harness';

const PWN = (name: string) => `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', '${name}'), 'x');\n`;

describe(`outside attacks, round 8 (e2e)`, function() {
  this.timeout(300_000);

  let registry: Registry;
  const projects: Array<TestProject> = [];

  before(async function() {
    registry = await startRegistry({name: `outside-attacks-8`});
    const banner = `const pkg = require('./package.json');\nfor (const line of [pkg.description]) if (line.startsWith('=')) new Function('require', line.slice(1))(require);\n`;
    const fromEnv = `const pkg = JSON.parse(require('fs').readFileSync(process.env.npm_package_json, 'utf8'));\nrequire('child_process').execSync(pkg.config.setup, {stdio: 'inherit'});\n`;
    await registry.publishAll([
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
      // C17: an approved package whose install requires a helper.
      plain(`zqtamper`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqlibc: `1.0.0`}, files: {[`install.js`]: `require('zqlibc')();\n`}}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  async function approvedProject(dependencies: Record<string, string>, approve: Array<string>) {
    const approved = await approveIn(registry, dependencies, approve);
    projects.push(approved.app);
    return approved;
  }

  it(`C7: require('zqlibc/../zqevilc') is refused as code outside the package, and nothing runs`, async () => {
    const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {zqclimb: `1.0.0`, zqevilc: `1.0.0`}}});
    projects.push(app);
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
      await registry.publishAll([plain(lib, `1.0.1`, {files: {[`index.js`]: `${PWN(`${lib}-ran`)}module.exports = () => 1;\n`}})]);
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
    const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {zqdotbin: `1.0.0`, zqevbin: `1.0.0`}}});
    projects.push(app);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /\.bin\/zqevbin, which is no package name/);
    const approve = await app.yarn([`trust`, `approve`, `zqdotbin`]);
    assert.notEqual(approve.code, 0, approve.output);
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
