/**
 * Outside attack rounds 45 and 46: a clean decoy copy nested where Node looks
 * first while Yarn runs the bin from the tampered hoisted copy (D1); a
 * `binding.gyp` that includes a dependency's `.gypi` through `node_modules/`,
 * whose `<!(…)` command runs that dependency's code during the build, in a
 * dependency (G3) and in the project's own install script (G2), and that
 * `.gypi` including another package's by `..` (round 46, G1); a copy planted
 * in a node_modules folder below the package, where Node looks first from
 * the requiring file (round 46, N1); round 47: that .gypi's commands, which
 * gyp runs from the including package's folder (G5), an include by an
 * absolute path (G4), and a package folder replaced by a link to a copy with
 * planted dependencies beside it (L1); round 48: a copy planted where Node
 * loads it for a reached package, or beside a link in that package's place
 * (N2), and gyp dependencies named through a variable or a merge key (G6).
 * Each test fails on the bundle of its round. After round 48, found in our
 * review: a dependency's GYP file that a target names under another name
 * (`x.json:t`) was read as text, so its command, which gyp runs from the
 * including package's folder, was not refused (G5 under another name).
 * Round 49: a file `node_modules/<name>.js`, or a `node_modules/<name>`
 * folder with no package.json, which Node loads for `require('<name>')`
 * before (or instead of) the approved copy (F1). Round 50: a file added to a
 * reached package with scripts of its own that its code now loads (`lib/util`
 * before the approved `lib/util.js`: R1), and a nested folder with no
 * package.json from which Node loads `require('x/lib/util')` (R2).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

const GENUINE_CLI = `#!/usr/bin/env node\nconsole.log('genuine tool');\n`;

/**
 * A `node-gyp` stand-in that does what gyp does with a `<!(…)` command in a file binding.gyp includes:
 * runs it (from the package's folder) while it reads the file, and does the same with the files that
 * targets' `dependencies` name (`x.json:t`). It compiles nothing.
 */
const GYP_STAND_IN = plain(`node-gyp`, `99.0.0`, {manifest: {bin: {'node-gyp': `bin/node-gyp.js`}}, files: {[`bin/node-gyp.js`]: `#!/usr/bin/env node
const fs = require('fs');
const {execSync} = require('child_process');
const gyp = JSON.parse(fs.readFileSync('binding.gyp', 'utf8'));
const targetFiles = (gyp.targets || []).flatMap(target => target.dependencies || []).filter(name => /^[^<]+:[^:/]+$/.test(name)).map(name => name.replace(/:[^:/]+$/, ''));
for (const include of [...gyp.includes || [], ...targetFiles]) {
  const text = fs.readFileSync(include, 'utf8');
  for (const match of text.matchAll(/<!\\(([^)]*)\\)/g))
    execSync(match[1], {stdio: 'inherit'});
}
console.log('node-gyp stand-in built ' + process.cwd());
`}});

const GYPI = JSON.stringify({variables: {zq: `<!(node node_modules/zq45cfg/gen.js)`}});
/** A .gypi that runs nothing: what a dependency can share with the packages that include it. */
const PLAIN_GYPI = JSON.stringify({variables: {zq: `-DZQ=1`}});

describe(`outside attack round 45 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-45`, () => [
    GYP_STAND_IN,
    plain(`zq45tool`, `1.0.0`, {manifest: {bin: {zq45tool: `cli.js`}}, files: {[`cli.js`]: GENUINE_CLI}}),
    plain(`zq45build`, `1.0.0`, {scripts: {postinstall: `zq45tool`}, dependencies: {zq45tool: `1.0.0`}}),
    plain(`zq45cfg`, `1.0.0`, {files: {[`common.gypi`]: PLAIN_GYPI, [`gen.js`]: `console.log('-DZQ=1');\n`}}),
    plain(`zq45cfg`, `2.0.0`),
    // A native package whose binding.gyp includes its dependency's .gypi (Yarn runs node-gyp rebuild).
    // Round 46: the dependency's .gypi includes a sibling package's by `..`.
    plain(`zq46cfg`, `1.0.0`, {files: {[`common.gypi`]: JSON.stringify({includes: [`../zq46other/other.gypi`]})}}),
    plain(`zq46other`, `1.0.0`, {files: {[`other.gypi`]: PLAIN_GYPI}}),
    // Round 47: a dependency's .gypi whose command runs from the including package's folder (G5), an include by an absolute path (G4).
    plain(`zq47cfg`, `1.0.0`, {files: {[`common.gypi`]: JSON.stringify({variables: {zq: `<!(node node_modules/zq46dep/index.js)`}})}}),
    plain(`zq47native`, `1.0.0`, {dependencies: {zq47cfg: `1.0.0`, zq46dep: `1.0.0`, [`node-gyp`]: `99.0.0`}, files: {[`binding.gyp`]: JSON.stringify({includes: [`node_modules/zq47cfg/common.gypi`], targets: [{target_name: `x`, sources: []}]})}}),
    plain(`zq47abs`, `1.0.0`, {dependencies: {zq45cfg: `1.0.0`, [`node-gyp`]: `99.0.0`}, files: {[`binding.gyp`]: JSON.stringify({includes: [`/proc/self/cwd/node_modules/zq45cfg/common.gypi`], targets: [{target_name: `x`, sources: []}]})}}),
    plain(`zq46native`, `1.0.0`, {dependencies: {zq46cfg: `1.0.0`, zq46other: `1.0.0`, [`node-gyp`]: `99.0.0`}, files: {[`binding.gyp`]: JSON.stringify({includes: [`node_modules/zq46cfg/common.gypi`], targets: [{target_name: `x`, sources: []}]})}}),
    plain(`zq46dep`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine dep';\n`}}),
    plain(`zq46build`, `1.0.0`, {scripts: {postinstall: `node lib/run.js`}, dependencies: {zq46dep: `1.0.0`}, files: {[`lib/run.js`]: `console.log(require('zq46dep'));\n`}}),
    // Round 48: a chain build → dep → inner (N2); gyp dependencies the scan did not read (G6).
    plain(`zq48inner`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 'genuine inner';\n`}}),
    plain(`zq48dep`, `1.0.0`, {dependencies: {zq48inner: `1.0.0`}, files: {[`index.js`]: `module.exports = () => require('zq48inner')();\n`}}),
    plain(`zq48build`, `1.0.0`, {scripts: {postinstall: `node lib/run.js`}, dependencies: {zq48dep: `1.0.0`}, files: {[`lib/run.js`]: `console.log(require('zq48dep')());\n`}}),
    plain(`zq48var`, `1.0.0`, {dependencies: {zq45cfg: `1.0.0`, [`node-gyp`]: `99.0.0`}, files: {[`binding.gyp`]: JSON.stringify({variables: {deps: [`node_modules/zq45cfg/x.gyp:t`]}, targets: [{target_name: `x`, dependencies: [`<@(deps)`]}]})}}),
    plain(`zq48plus`, `1.0.0`, {dependencies: {zq48cfg: `1.0.0`, [`node-gyp`]: `99.0.0`}, files: {[`binding.gyp`]: JSON.stringify({targets: [{target_name: `x`, conditions: [[`1==1`, {[`dependencies+`]: [`node_modules/zq48cfg/x.gyp:t`]}]]}]})}}),
    plain(`zq48cfg`, `1.0.0`, {files: {[`x.gyp`]: JSON.stringify({targets: [{target_name: `t`, variables: {v: `<!(node gen.js)`}}]}), [`gen.js`]: `console.log(1);\n`}}),
    // After round 48: a target depends on a dependency's GYP file named x.json, whose command gyp runs from the
    // including package's folder, where node_modules/zq49dep is its own copy (2.0.0), not the dependency's (1.0.0).
    // The project's own zq49cfg@2 and zq49dep@1 keep zq49native's copies nested below it.
    plain(`zq49dep`, `1.0.0`, {files: {[`index.js`]: `console.log('genuine');\n`}}),
    plain(`zq49dep`, `2.0.0`, {files: {[`index.js`]: `${PWN(`gyp-json-command-ran`)}console.log('x');\n`}}),
    plain(`zq49cfg`, `1.0.0`, {dependencies: {zq49dep: `1.0.0`}, files: {[`x.json`]: JSON.stringify({targets: [{target_name: `t`, variables: {v: `<!(node node_modules/zq49dep/index.js)`}}]})}}),
    plain(`zq49cfg`, `2.0.0`),
    plain(`zq49native`, `1.0.0`, {dependencies: {zq49cfg: `1.0.0`, zq49dep: `2.0.0`, [`node-gyp`]: `99.0.0`}, files: {[`binding.gyp`]: JSON.stringify({targets: [{target_name: `x`, dependencies: [`node_modules/zq49cfg/x.json:t`]}]})}}),
    // Round 50: a reached package with a script of its own (R1), and a path inside a package required (R2).
    plain(`zq50dep`, `1.0.0`, {manifest: {main: `lib/index.js`}, scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `console.log('zq50dep installed');\n`, [`lib/index.js`]: `module.exports = () => require('./util')();\n`, [`lib/util.js`]: `module.exports = () => 'genuine util';\n`}}),
    plain(`zq50build`, `1.0.0`, {scripts: {postinstall: `node lib/run.js`}, dependencies: {zq50dep: `1.0.0`}, files: {[`lib/run.js`]: `console.log(require('zq50dep')());\n`}}),
    plain(`zq50dirdep`, `1.0.0`, {manifest: {main: `lib/index.js`}, scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `console.log('zq50dirdep installed');\n`, [`lib/index.js`]: `module.exports = () => require('./util')();\n`, [`lib/util/index.js`]: `module.exports = () => 'genuine util';\n`}}),
    plain(`zq50dirbuild`, `1.0.0`, {scripts: {postinstall: `node lib/run.js`}, dependencies: {zq50dirdep: `1.0.0`}, files: {[`lib/run.js`]: `console.log(require('zq50dirdep')());\n`}}),
    plain(`zq50lib`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`, [`lib/util.js`]: `module.exports = () => 'genuine util';\n`}}),
    plain(`zq50sub`, `1.0.0`, {scripts: {postinstall: `node lib/run.js`}, dependencies: {zq50lib: `1.0.0`}, files: {[`lib/run.js`]: `console.log(require('zq50lib/lib/util')());\n`}}),
    plain(`zq45native`, `1.0.0`, {dependencies: {zq45cfg: `^1.0.0`, [`node-gyp`]: `99.0.0`}, files: {[`binding.gyp`]: JSON.stringify({includes: [`node_modules/zq45cfg/common.gypi`], targets: [{target_name: `x`, sources: []}]})}}),
  ]);

  /** The attacker's release of the .gypi's dependency, in range of `^1.0.0`: its .gypi now runs its gen.js, which writes a marker. */
  let published = false;
  async function publishEvilConfig() {
    if (published)
      return;
    published = true;
    await suite.registry.publish(plain(`zq45cfg`, `1.0.1`, {files: {[`common.gypi`]: GYPI, [`gen.js`]: `${PWN(`gypi-command-ran`)}console.log('-DZQ=1');\n`}}));
  }

  it(`a clean copy nested nearer than the tampered hoisted bin does not hide it (D1)`, async function() {
    const {app} = await suite.approvedProject({zq45build: `1.0.0`}, [`zq45build`]);
    const hoisted = path.join(app.cwd, `node_modules/zq45tool`);
    const decoy = path.join(app.cwd, `node_modules/zq45build/node_modules/zq45tool`);
    await fs.cp(hoisted, decoy, {recursive: true});
    await fs.writeFile(path.join(hoisted, `cli.js`), `#!/usr/bin/env node\n${PWN(`d1-hoisted-bin-ran`)}`);

    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /the files of zq45tool@npm:1\.0\.0 as approved \(run at install time: runs zq45tool\)\n\s+found on disk: cli\.js changed/);
  });

  it(`a dependency's binding.gyp that includes node_modules/<dep>/x.gypi binds that dependency (G3)`, async function() {
    // The project's own zq45cfg@2 keeps zq45native's zq45cfg@1 nested below it.
    const {app} = await suite.approvedProject({zq45native: `1.0.0`, zq45cfg: `2.0.0`}, [`zq45native`]);
    await publishEvilConfig();
    const up = await app.yarn([`up`, `-R`, `zq45cfg`]);
    assert.equal(up.code, 1, up.output);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.match(up.output, /zq45cfg@npm:1\.0\.1 /);
    // Its .gypi now runs a command from the including package's folder: not approvable (round 47, G5).
    assert.match(up.output, /common\.gypi: runs node node_modules\/zq45cfg\/gen\.js while another package's binding\.gyp includes it/);
  });

  it(`the project's own binding.gyp that includes node_modules/<dep>/x.gypi binds that dependency (G2)`, async function() {
    const {app} = await suite.approvedProjectFrom({
      manifest: {name: `app`, private: true, dependencies: {zq45cfg: `1.0.0`, [`node-gyp`]: `99.0.0`}, scripts: {install: `node-gyp rebuild`}},
      files: {[`binding.gyp`]: JSON.stringify({includes: [`node_modules/zq45cfg/common.gypi`], targets: [{target_name: `x`, sources: []}]})},
    }, [`zq45cfg`, `node-gyp`]);
    await publishEvilConfig();
    const up = await app.yarn([`up`, `zq45cfg@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.match(up.output, /zq45cfg@npm:1\.0\.1 /);
    assert.match(up.output, /while another package's binding\.gyp includes it/);
  });

  it(`a dependency's .gypi that includes another package's by .. is refused (round 46, G1)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq46native: `1.0.0`, zq46other: `1.0.0`}}});
    await app.yarn([`install`]);
    await app.yarn([`trust`, `approve`, `zq46native`, `zq46cfg`, `zq46other`, `node-gyp`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /common\.gypi: includes \.\.\/zq46other\/other\.gypi, outside the package, which gyp loads and evaluates/);
    assert.deepEqual(await app.markers(), [], install.output);
  });

  for (const linker of [`node-modules`, `pnpm`]) {
    it(`a copy planted in a node_modules folder below the package is refused (round 46, N1, ${linker})`, async function() {
      const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq46build: `1.0.0`}}, yarnrc: {nodeLinker: linker}}, [`zq46build`]);
      const store = path.join(app.cwd, `node_modules/.store`);
      const folder = linker === `pnpm`
        ? path.join(store, (await fs.readdir(store)).find(name => name.startsWith(`zq46build-npm-1.0.0-`))!, `package`)
        : path.join(app.cwd, `node_modules/zq46build`);
      const planted = path.join(folder, `lib/node_modules/zq46dep`);
      await fs.mkdir(planted, {recursive: true});
      await fs.writeFile(path.join(planted, `package.json`), JSON.stringify({name: `zq46dep`, version: `1.0.0`}));
      await fs.writeFile(path.join(planted, `index.js`), PWN(`n1-planted-copy-ran`));

      const rebuild = await app.yarn([`rebuild`]);
      assert.equal(rebuild.code, 1, rebuild.output);
      assert.deepEqual(await app.markers(), [], rebuild.output);
      assert.match(rebuild.output, /lib\/node_modules\/zq46dep\/index\.js was added/);
    });
  }

  it(`a dependency's .gypi that runs a command from the including package's folder is refused (round 47, G5)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq47native: `1.0.0`}}});
    await app.yarn([`install`]);
    await app.yarn([`trust`, `approve`, `zq47native`, `zq47cfg`, `zq46dep`, `node-gyp`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /common\.gypi: runs node node_modules\/zq46dep\/index\.js while another package's binding\.gyp includes it/);
    assert.deepEqual(await app.markers(), [], install.output);
  });

  it(`a binding.gyp include by an absolute path is refused in a dependency (round 47, G4)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq47abs: `1.0.0`}}});
    await app.yarn([`install`]);
    await app.yarn([`trust`, `approve`, `zq47abs`, `node-gyp`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /binding\.gyp: includes \/proc\/self\/cwd\/node_modules\/zq45cfg\/common\.gypi, outside the package, which gyp loads and evaluates/);
  });

  for (const linker of [`node-modules`, `pnp`]) {
    it(`a package folder replaced by a link to a copy beside planted dependencies is refused (round 47, L1, ${linker})`, async function() {
      const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq46build: `1.0.0`}}, yarnrc: {nodeLinker: linker}}, [`zq46build`]);
      const unplugged = path.join(app.cwd, `.yarn/unplugged`);
      const folder = linker === `pnp`
        ? path.join(unplugged, (await fs.readdir(unplugged)).find(name => name.startsWith(`zq46build-npm-1.0.0-`))!, `node_modules/zq46build`)
        : path.join(app.cwd, `node_modules/zq46build`);
      // The approved copy, unchanged, moved outside the project; a copy of its dependency planted beside it.
      const elsewhere = path.join(app.root, `elsewhere`);
      await fs.mkdir(path.join(elsewhere, `node_modules/zq46dep`), {recursive: true});
      await fs.rename(folder, path.join(elsewhere, `zq46build`));
      await fs.symlink(path.join(elsewhere, `zq46build`), folder);
      await fs.writeFile(path.join(elsewhere, `node_modules/zq46dep/package.json`), JSON.stringify({name: `zq46dep`, version: `1.0.0`}));
      await fs.writeFile(path.join(elsewhere, `node_modules/zq46dep/index.js`), PWN(`l1-planted-beside-link-ran`));

      const rebuild = await app.yarn([`rebuild`]);
      assert.equal(rebuild.code, 1, rebuild.output);
      assert.deepEqual(await app.markers(), [], rebuild.output);
      assert.match(rebuild.output, /its folder on disk is a symbolic link/);
    });
  }

  it(`a copy planted in a reached package's own node_modules, where Node loads it for that package, is refused (round 48, N2)`, async function() {
    const {app} = await suite.approvedProject({zq48build: `1.0.0`}, [`zq48build`]);
    const planted = path.join(app.cwd, `node_modules/zq48dep/node_modules/zq48inner`);
    await fs.mkdir(planted, {recursive: true});
    await fs.writeFile(path.join(planted, `package.json`), JSON.stringify({name: `zq48inner`, version: `1.0.0`}));
    await fs.writeFile(path.join(planted, `index.js`), `${PWN(`n2-planted-inner-ran`)}module.exports = () => 'x';\n`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /the files of zq48inner@npm:1\.0\.0 as approved[^\n]*\n\s+found on disk: index\.js changed/);
  });

  it(`a reached package's folder replaced by a link beside a planted copy is refused (round 48, N2)`, async function() {
    const {app} = await suite.approvedProject({zq48build: `1.0.0`}, [`zq48build`]);
    const elsewhere = path.join(app.root, `elsewhere`);
    await fs.mkdir(path.join(elsewhere, `node_modules/zq48inner`), {recursive: true});
    await fs.rename(path.join(app.cwd, `node_modules/zq48dep`), path.join(elsewhere, `zq48dep`));
    await fs.symlink(path.join(elsewhere, `zq48dep`), path.join(app.cwd, `node_modules/zq48dep`));
    await fs.writeFile(path.join(elsewhere, `node_modules/zq48inner/package.json`), JSON.stringify({name: `zq48inner`, version: `1.0.0`}));
    await fs.writeFile(path.join(elsewhere, `node_modules/zq48inner/index.js`), `${PWN(`n2-beside-link-ran`)}module.exports = () => 'x';\n`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /its folder node_modules\/zq48dep is a symbolic link/);
  });

  it(`a gyp dependency named through a variable is refused in a dependency (round 48, G6)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq48var: `1.0.0`}}});
    await app.yarn([`install`]);
    await app.yarn([`trust`, `approve`, `zq48var`, `node-gyp`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /binding\.gyp: depends on <@\(deps\), a target whose file gyp finds through a variable it expands at build time/);
  });

  it(`a gyp dependency under a merge key (dependencies+) is followed into the dependency, whose command is refused (round 48, G6)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq48plus: `1.0.0`}}});
    await app.yarn([`install`]);
    await app.yarn([`trust`, `approve`, `zq48plus`, `zq48cfg`, `node-gyp`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zq48cfg@npm:1\.0\.0/);
    assert.match(install.output, /x\.gyp: runs node gen\.js while another package's binding\.gyp includes it/);
  });

  it(`a dependency's GYP file a target names under another name (x.json:t) is read as GYP, its command refused (after round 48, G5)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq49native: `1.0.0`, zq49dep: `1.0.0`, zq49cfg: `2.0.0`}}});
    await app.yarn([`install`]);
    await app.yarn([`trust`, `approve`, `zq49native`, `zq49cfg`, `zq49dep`, `node-gyp`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /x\.json: runs node node_modules\/zq49dep\/index\.js while another package's binding\.gyp includes it/);
    assert.deepEqual(await app.markers(), [], install.output);
  });

  const F1_VARIANTS: Array<[string, string]> = [
    [`a file beside the requiring package's folder`, `node_modules/zq46build/node_modules/zq46dep.js`],
    [`a folder with no package.json`, `node_modules/zq46build/node_modules/zq46dep/index.js`],
    [`a file beside the approved copy's folder`, `node_modules/zq46dep.js`],
  ];
  for (const [variant, planted] of F1_VARIANTS) {
    it(`what Node loads for a required package is refused when it is no copy of it: ${variant} (round 49, F1)`, async function() {
      const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq46build: `1.0.0`}}}, [`zq46build`]);
      await fs.mkdir(path.dirname(path.join(app.cwd, planted)), {recursive: true});
      await fs.writeFile(path.join(app.cwd, planted), PWN(`f1-planted-file-ran`));
      const rebuild = await app.yarn([`rebuild`]);
      assert.equal(rebuild.code, 1, rebuild.output);
      assert.deepEqual(await app.markers(), [], rebuild.output);
      assert.match(rebuild.output, planted.endsWith(`/index.js`) ? /Node loads zq46dep with no readable version from here/ : /Node loads the file .*zq46dep\.js there, before any folder of that name/);
    });
  }

  /** The folder of a package with scripts of its own on disk, as each linker puts it. */
  async function builtFolder(cwd: string, linker: string, name: string): Promise<string> {
    if (linker === `node-modules`)
      return path.join(cwd, `node_modules`, name);
    const parent = path.join(cwd, linker === `pnpm` ? `node_modules/.store` : `.yarn/unplugged`);
    const slug = (await fs.readdir(parent)).find(entry => entry.startsWith(`${name}-npm-1.0.0-`))!;
    return linker === `pnpm` ? path.join(parent, slug, `package`) : path.join(parent, slug, `node_modules`, name);
  }

  for (const linker of [`node-modules`, `pnpm`, `pnp`]) {
    it(`a file added to a reached package with scripts of its own, which its code now loads, is refused (round 50, R1, ${linker})`, async function() {
      const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq50build: `1.0.0`}}, yarnrc: {nodeLinker: linker}}, [`zq50build`, `zq50dep`]);
      // Node tries lib/util as written before lib/util.js.
      await fs.writeFile(path.join(await builtFolder(app.cwd, linker, `zq50dep`), `lib/util`), PWN(`r1-added-file-ran`));
      const rebuild = await app.yarn([`rebuild`]);
      assert.equal(rebuild.code, 1, rebuild.output);
      assert.deepEqual(await app.markers(), [], rebuild.output);
      assert.match(rebuild.output, /lib\/util was added, and the code the install runs in it loads it/);
    });
  }

  it(`a file added before an approved folder of the same name in a reached package with scripts of its own is refused (round 50, R1)`, async function() {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq50dirbuild: `1.0.0`}}}, [`zq50dirbuild`, `zq50dirdep`]);
    await fs.writeFile(path.join(app.cwd, `node_modules/zq50dirdep/lib/util.js`), PWN(`r1-added-file-ran`));
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /lib\/util\.js was added, and the code the install runs in it loads it/);
  });

  it(`a nested folder with no package.json from which Node loads a path inside the package is refused (round 50, R2)`, async function() {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq50sub: `1.0.0`}}}, [`zq50sub`]);
    const planted = path.join(app.cwd, `node_modules/zq50sub/node_modules/zq50lib/lib/util.js`);
    await fs.mkdir(path.dirname(planted), {recursive: true});
    await fs.writeFile(planted, PWN(`r2-nested-folder-ran`));
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.deepEqual(await app.markers(), [], rebuild.output);
    assert.match(rebuild.output, /Node loads zq50lib with no readable version from here/);
  });
});
