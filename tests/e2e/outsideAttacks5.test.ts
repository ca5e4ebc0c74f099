/**
 * Outside attack round 5 (issue 10), replayed as the attacker ran it: code
 * that loads a dependency through an indirect require, the project's own
 * postinstall handing a dependency's file to a shell or to node, and a
 * compiler flag that names a directory a later release fills. A marker file
 * written by the attacker's code proves whether it ran.
 */
import {strict as assert} from 'assert';

import {type Registry, type TestProject, makeProject, plain, startRegistry} from './harness';

const PWN = (name: string) => `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', '${name}'), 'x');\n`;
const PWN_SH = (name: string) => `: > "$TRUST_MARKERS/${name}"\n`;

/** Install code of an approved package that loads its helper without a plain require('…') (E1-E3, E6, E9, E12, E13). */
const INDIRECT: Record<string, (helper: string) => string> = {
  e1creq: helper => `require('module').createRequire(__filename)('${helper}');\n`,
  e2comma: helper => `(0, require)('${helper}');\n`,
  e3alias: helper => `const r = require;\nr('${helper}');\n`,
  e6call: helper => `require.call(null, '${helper}');\n`,
  e9load: helper => `require('module')._load('${helper}', module);\n`,
  e12reflect: helper => `Reflect.apply(require, null, ['${helper}']);\n`,
  e13opt: helper => `require?.('${helper}');\n`,
};

/**
 * A node-gyp stand-in that does what gcc does with binding.gyp's `-B<dir>`:
 * from build/, it runs the `as` it finds in that directory, if there is one.
 */
const GYP_WITH_PREFIX = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const {spawnSync} = require('child_process');
const gyp = JSON.parse(fs.readFileSync('binding.gyp', 'utf8'));
fs.mkdirSync('build', {recursive: true});
for (const target of gyp.targets)
  for (const flag of target.cflags_cc || [])
    if (flag.startsWith('-B')) {
      const as = path.resolve('build', flag.slice(2), 'as');
      if (fs.existsSync(as))
        console.log('as', spawnSync('sh', [as], {stdio: 'inherit'}).status);
    }
`;
const PREFIX_GYP = `${JSON.stringify({targets: [{target_name: `addon`, type: `none`, cflags_cc: [`-B../tools/`]}]})}\n`;

/** The project's own postinstall: each command hands a dependency's file along (A2, A3, A4, A6). */
const ROOT_POSTINSTALL = [
  `node - < node_modules/a2dash/x.js`,
  `cat node_modules/a3cat/x.sh | sh`,
  `sh < node_modules/a4shin/x.sh`,
  `cp node_modules/a6copy/x.js s.js && node s.js`,
].join(` && `);

describe(`outside attack round 5 on install-time code (e2e)`, function() {
  this.timeout(300_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  before(async function() {
    registry = await startRegistry({name: `outside-attacks-5`});
    const packages = [];
    for (const [name, code] of Object.entries(INDIRECT)) {
      const helper = `${name}-h`;
      packages.push(
        plain(helper, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
        plain(helper, `1.0.1`, {files: {[`index.js`]: PWN(`${helper}-ran`)}}),
        plain(name, `1.0.0`, {scripts: {postinstall: `node i.js`}, dependencies: {[helper]: `1.0.0`}, files: {[`i.js`]: code(helper)}}),
      );
    }
    for (const name of [`a2dash`, `a3cat`, `a4shin`, `a6copy`, `d2creq`])
      packages.push(plain(name, `1.0.0`, {files: {[`x.js`]: PWN(`${name}-ran`), [`x.sh`]: PWN_SH(`${name}-ran`), [`index.js`]: PWN(`${name}-ran`)}}));
    packages.push(
      plain(`node-gyp`, `5.0.0`, {manifest: {bin: {[`node-gyp`]: `bin/node-gyp.js`}}, files: {[`bin/node-gyp.js`]: GYP_WITH_PREFIX}}),
      plain(`c3prefix`, `1.0.0`, {files: {[`binding.gyp`]: PREFIX_GYP, [`tools/README`]: `gcc finds its tools here\n`}}),
      plain(`c3prefix`, `2.0.0`, {files: {[`binding.gyp`]: PREFIX_GYP, [`tools/README`]: `gcc finds its tools here\n`, [`tools/as`]: `#!/bin/sh\n${PWN_SH(`c3prefix-as-ran`)}`}}),
    );
    await registry.publishAll(packages);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`E1-E3, E6, E9, E12, E13: approved install code loads its helper through an indirect require`, () => {
    const names = Object.keys(INDIRECT);
    let app: TestProject;

    it(`follows each into the helper: the first install asks for an approval of every helper`, async () => {
      app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: Object.fromEntries(names.map(name => [name, `1.0.0`]))}});
      projects.push(app);
      const first = await app.yarn([`install`]);
      assert.equal(first.code, 1, first.output);
      for (const name of names)
        assert.match(first.output, new RegExp(`${name}-h@npm:1\\.0\\.0 has code that other packages run at install time`), name);
      assert.deepEqual(await app.markers(), []);
    });

    it(`approves the helper with the package, then refuses a helper release that changes it`, async () => {
      const approved = await app.yarn([`trust`, `approve`, ...names]);
      assert.equal(approved.code, 0, approved.output);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, resolutions: Object.fromEntries(names.map(name => [`${name}-h`, `1.0.1`]))});
      const up = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), []);
      assert.equal(up.code, 1, up.output);
      for (const name of names)
        assert.match(approved.output, new RegExp(`${name}-h@npm:1\\.0\\.0`), name);
      for (const name of names)
        assert.match(up.output, new RegExp(`${name}-h@npm:1\\.0\\.1 changed the code that other packages run at install time`), name);
      assert.deepEqual(await app.markers(), []);
    });
  });

  async function firstInstall(manifest: Record<string, unknown>, files: Record<string, string> = {}) {
    const app = await makeProject({registry, manifest: {name: `app`, private: true, ...manifest}, files});
    projects.push(app);
    const first = await app.yarn([`install`]);
    assert.deepEqual(await app.markers(), []);
    assert.equal(first.code, 1, first.output);
    return first.output;
  }

  function assertAsksFor(output: string, name: string, via: string) {
    assert.match(output, new RegExp(`${name}@npm:1\\.0\\.0 has code that other packages run at install time`), name);
    assert.match(output, new RegExp(`run at install time by app@workspace:\\.: ${via}`), name);
  }

  describe(`A2, A3, A4, A6: the project's own postinstall hands a dependency's file to node or a shell`, () => {
    it(`asks for an approval of each dependency's file before anything runs`, async () => {
      const output = await firstInstall({scripts: {postinstall: ROOT_POSTINSTALL}, dependencies: {a2dash: `1.0.0`, a3cat: `1.0.0`, a4shin: `1.0.0`, a6copy: `1.0.0`}});
      for (const [name, file] of [[`a2dash`, `x\\.js`], [`a3cat`, `x\\.sh`], [`a4shin`, `x\\.sh`], [`a6copy`, `x\\.js`]])
        assertAsksFor(output, name, `runs node_modules\\/${name}\\/${file}`);
    });
  });

  describe(`D2: a workspace file that the project's postinstall runs loads a dependency through createRequire`, () => {
    it(`asks for an approval of the dependency before anything runs`, async () => {
      const output = await firstInstall({scripts: {postinstall: `node scripts/s.js`}, dependencies: {d2creq: `1.0.0`}}, {[`scripts/s.js`]: `require('module').createRequire(__filename)('d2creq');\n`});
      assertAsksFor(output, `d2creq`, `require\\('d2creq'\\)`);
    });
  });

  describe(`C3: binding.gyp's cflags_cc gives gcc -B../tools/, and a release adds tools/as`, () => {
    it(`binds the directory to the approval and refuses the release that fills it`, async () => {
      const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {c3prefix: `1.0.0`}, devDependencies: {[`node-gyp`]: `5.0.0`}}});
      projects.push(app);
      assert.equal((await app.yarn([`install`])).code, 1);
      const approved = await app.yarn([`trust`, `approve`, `c3prefix`]);
      assert.equal(approved.code, 0, approved.output);
      assert.equal((await app.yarn([`install`])).code, 0);
      const up = await app.yarn([`up`, `c3prefix@2.0.0`]);
      assert.deepEqual(await app.markers(), []);
      assert.equal(up.code, 1, up.output);
      assert.match(approved.output, /tools\/README sha512-/);
      assert.match(approved.output, /the compiler flag -B \.\.\/tools\/ makes it run programs it finds in that directory/);
      assert.match(up.output, /c3prefix@npm:2\.0\.0 changed what it runs at install time/);
      assert.match(up.output, /files added: tools\/as/);
      assert.deepEqual(await app.markers(), []);
    });
  });
});
