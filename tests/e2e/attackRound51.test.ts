/**
 * Outside attack round 51: install code that runs Node with a condition it
 * sets itself (`node -C browser`), under which an `imports` target names a
 * package the scan never followed (C1); and a `link:` resolution that points
 * a required name at the folder of another package Yarn installed in
 * node_modules, which the protocol made look like the project's own code
 * (L1). Round 52: a workspace whose folder is in node_modules (W1), and a
 * `link:` folder of the project whose entry leads into node_modules (S1).
 * Round 53: a folder run or required whose package.json `main` leads into
 * node_modules, in a registry package (D1), in the project's own script (B2),
 * or as the bin of a `portal:` folder (B1). Round 54: a nested package.json of
 * the required name whose `exports` is null (A1), and a `main` that `import`
 * reads as a URL leading out of the package (`%2e%2e/…`: A3).
 * Each test fails on the bundle of its round.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`outside attack round 51 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-51`, () => [
    plain(`zq51helper`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => console.log('genuine helper');\n`}}),
    plain(`zq51build`, `1.0.0`, {
      manifest: {imports: {[`#helper`]: {browser: `zq51helper`, default: `./helper.js`}}},
      scripts: {postinstall: `node -C browser install.js`},
      dependencies: {zq51helper: `^1.0.0`},
      files: {[`install.js`]: `require('#helper')();\n`, [`helper.js`]: `module.exports = () => console.log('default helper');\n`},
    }),
    plain(`zq51dep`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => console.log('genuine dep');\n`}}),
    plain(`zq51lbuild`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq51dep: `^1.0.0`}, files: {[`install.js`]: `require('zq51dep')();\n`}}),
    plain(`zq51evil`, `1.0.0`, {files: {[`index.js`]: `${PWN(`link-into-node-modules-ran`)}module.exports = () => {};\n`}}),
    // Round 52: a package that ships a folder posing as a workspace of the name zq51dep.
    plain(`zq53helper`, `1.0.0`, {files: {[`index.js`]: `console.log('helper');\n`}}),
    plain(`zq53build`, `1.0.0`, {scripts: {postinstall: `node lib`}, dependencies: {zq53helper: `^1.0.0`}, files: {[`lib/index.js`]: `console.log('genuine lib');\n`, [`lib/package.json`]: JSON.stringify({main: `../node_modules/zq53helper/index.js`})}}),
    plain(`zq53dep`, `1.0.0`, {manifest: {bin: {[`zq53dep-build`]: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\nconsole.log('genuine bin');\n`}}),
    plain(`zq53bbuild`, `1.0.0`, {scripts: {postinstall: `zq53dep-build`}, dependencies: {zq53dep: `^1.0.0`}}),
    // Round 54: a helper whose next release writes a marker (A1), and code nobody approved that writes one when loaded (A3).
    plain(`zq54help`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => console.log('genuine helper');\n`}}),
    plain(`zq54build`, `1.0.0`, {scripts: {postinstall: `node tools/setup.js`}, dependencies: {zq54help: `^1.0.0`}, files: {[`tools/setup.js`]: `require('zq54help')();\n`, [`tools/package.json`]: JSON.stringify({name: `zq54help`, exports: null})}}),
    plain(`zq54evil`, `1.0.0`, {files: {[`index.js`]: `${PWN(`unbound-main-ran`)}module.exports = () => {};\n`}}),
    plain(`zq54lib`, `1.0.0`, {manifest: {main: `%2e%2e/zq54evil/index.js`}, dependencies: {zq54evil: `^1.0.0`}, files: {[`index.js`]: `export default 'genuine lib';\n`}}),
    plain(`zq54ibuild`, `1.0.0`, {scripts: {postinstall: `node install.mjs`}, dependencies: {zq54lib: `^1.0.0`}, files: {[`install.mjs`]: `import 'zq54lib';\n`}}),
    plain(`zq52evil`, `1.0.0`, {files: {[`pkg/package.json`]: JSON.stringify({name: `zq51dep`, version: `1.0.1`}), [`pkg/index.js`]: `${PWN(`workspace-in-node-modules-ran`)}module.exports = () => {};\n`}}),
  ]);

  /** The pull request: the project's manifest edited by `edit`. */
  async function editManifest(cwd: string, edit: (manifest: Record<string, any>) => void) {
    const manifestPath = path.join(cwd, `package.json`);
    const manifest = JSON.parse(await fs.readFile(manifestPath, `utf8`));
    edit(manifest);
    await fs.writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }

  it(`a package an imports target names under the browser condition, which the script sets with node -C, is bound (C1)`, async function() {
    const {app} = await suite.approvedProject({zq51build: `1.0.0`}, [`zq51build`]);
    await suite.registry.publish(plain(`zq51helper`, `1.0.1`, {files: {[`index.js`]: `${PWN(`browser-condition-ran`)}module.exports = () => {};\n`}}));
    const up = await app.yarn([`up`, `-R`, `zq51helper`]);
    assert.equal(up.code, 1, up.output);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.match(up.output, /zq51helper@npm:1\.0\.1 /);
    assert.match(up.output, /require\('zq51helper'\)/);
  });

  it(`a link: resolution into node_modules that approved install code requires is refused (L1)`, async function() {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq51lbuild: `1.0.0`}}, yarnrc: {nodeLinker: `node-modules`}}, [`zq51lbuild`]);
    await editManifest(app.cwd, manifest => {
      manifest.dependencies.zq51evil = `1.0.0`;
      manifest.resolutions = {zq51dep: `link:./node_modules/zq51evil`};
    });
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.match(install.output, /whose folder node_modules\/zq51evil is where Yarn installs another package's files/);
  });

  it(`a workspace whose folder is in node_modules is refused (round 52, W1)`, async function() {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq51lbuild: `1.0.0`}}, yarnrc: {nodeLinker: `node-modules`}}, [`zq51lbuild`]);
    await editManifest(app.cwd, manifest => {
      manifest.dependencies.zq52evil = `1.0.0`;
      manifest.workspaces = [`node_modules/zq52evil/pkg`];
    });
    // The first install puts the folder there; lockfile maintenance then resolves zq51dep to it.
    await app.yarn([`install`]);
    const up = await app.yarn([`up`, `-R`, `zq51dep`]);
    assert.equal(up.code, 1, up.output);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.match(up.output, /lives in node_modules\/zq52evil\/pkg, where Yarn installs other packages' files/);
    const check = await app.yarn([`trust`, `check`]);
    assert.equal(check.code, 1, check.output);
    assert.match(check.output, /lives in node_modules\/zq52evil\/pkg, where Yarn installs other packages' files/);
  });

  for (const variant of [`main`, `filelink`]) {
    it(`a link: folder of the project whose entry leads into node_modules is refused (round 52, S1, ${variant})`, async function() {
      const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq51lbuild: `1.0.0`}}, yarnrc: {nodeLinker: `node-modules`}}, [`zq51lbuild`]);
      const vendor = path.join(app.cwd, `vendor/zq51dep`);
      await fs.mkdir(vendor, {recursive: true});
      if (variant === `main`) {
        await fs.writeFile(path.join(vendor, `package.json`), JSON.stringify({name: `zq51dep`, version: `1.0.0`, main: `../../node_modules/zq51evil/index.js`}));
      } else {
        await fs.writeFile(path.join(vendor, `package.json`), JSON.stringify({name: `zq51dep`, version: `1.0.0`}));
        await fs.symlink(`../../node_modules/zq51evil/index.js`, path.join(vendor, `index.js`));
      }
      await editManifest(app.cwd, manifest => {
        manifest.dependencies.zq51evil = `1.0.0`;
        manifest.resolutions = {zq51dep: `link:./vendor/zq51dep`};
      });
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.match(install.output, /the project's code that install code reaches could not be read/);
    });
  }

  it(`a folder whose package.json main leads into node_modules, run by a registry package's install script, is refused (round 53, D1)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq53build: `1.0.0`}}});
    await app.yarn([`install`]);
    await app.yarn([`trust`, `approve`, `zq53build`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /lib\/package\.json: main "\.\.\/node_modules\/zq53helper\/index\.js" leads into/);
  });

  it(`a folder the project's own install script runs whose package.json main leads into node_modules is refused (round 53, B2)`, async function() {
    const app = await suite.project({
      manifest: {name: `app`, private: true, dependencies: {zq51evil: `1.0.0`}, scripts: {postinstall: `node tools/gen`}},
      files: {[`tools/gen/index.js`]: `console.log('genuine gen');\n`},
      yarnrc: {nodeLinker: `node-modules`},
    });
    const first = await app.yarn([`install`]);
    assert.equal(first.code, 0, first.output);
    await app.clearMarkers();
    await fs.writeFile(path.join(app.cwd, `tools/gen/package.json`), JSON.stringify({main: `../../node_modules/zq51evil/index.js`}));
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.match(install.output, /tools\/gen\/package\.json: main "\.\.\/\.\.\/node_modules\/zq51evil\/index\.js" leads into node_modules\/zq51evil\/index\.js/);
  });

  it(`a portal: folder whose bin is a folder with a package.json main into node_modules is refused (round 53, B1)`, async function() {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq53bbuild: `1.0.0`}}, yarnrc: {nodeLinker: `node-modules`}}, [`zq53bbuild`]);
    // The pull request: JSON only. The bin cli.js is now a folder, whose main Node runs.
    await fs.mkdir(path.join(app.cwd, `vendor/zq53dep/cli.js`), {recursive: true});
    await fs.writeFile(path.join(app.cwd, `vendor/zq53dep/package.json`), JSON.stringify({name: `zq53dep`, version: `1.0.0`, bin: {[`zq53dep-build`]: `cli.js`}}));
    await fs.writeFile(path.join(app.cwd, `vendor/zq53dep/cli.js/package.json`), JSON.stringify({main: `../../../node_modules/zq51evil/index.js`}));
    await editManifest(app.cwd, manifest => {
      manifest.dependencies.zq51evil = `1.0.0`;
      manifest.resolutions = {zq53dep: `portal:./vendor/zq53dep`};
    });
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.match(install.output, /cli\.js\/package\.json: main "\.\.\/\.\.\/\.\.\/node_modules\/zq51evil\/index\.js" leads out of the package/);
  });

  it(`a package required by the name of a nested package.json whose exports is null is bound (round 54, A1)`, async function() {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq54build: `1.0.0`}}}, [`zq54build`]);
    await suite.registry.publish(plain(`zq54help`, `1.0.1`, {files: {[`index.js`]: `${PWN(`exports-null-helper-ran`)}module.exports = () => {};\n`}}));
    const up = await app.yarn([`up`, `-R`, `zq54help`]);
    assert.equal(up.code, 1, up.output);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.match(up.output, /zq54help@npm:1\.0\.1 /);
  });

  it(`a main that import reads as a URL out of the package is refused (round 54, A3)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq54ibuild: `1.0.0`}}, yarnrc: {nodeLinker: `node-modules`}});
    await app.yarn([`install`]);
    await app.yarn([`trust`, `approve`, `zq54ibuild`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.match(install.output, /main "%2e%2e\/zq54evil\/index\.js" names zq54evil\/index\.js for import and another file for require/);
  });
});
