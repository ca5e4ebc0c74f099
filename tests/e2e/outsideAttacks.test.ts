/**
 * The attempts of an outside attack on the install-time code gate, each
 * replayed as its attacker ran it: approve a package, publish a hijacked
 * release of it or of something its install runs, update. A marker file
 * written by the attacker's code proves whether it ran.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';
import path from 'path';

import {type ApprovedInstall, type Registry, type TestProject, approvedProject as approveIn, makeProject, plain, startRegistry, withBindingGyp} from './harness';

const PWN = (name: string) => `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', '${name}'), 'x');\n`;
const BENIGN = PWN(`benign-ran`);

/** A node-gyp stand-in that, like node-gyp, reads binding.gyp and the package's common.gypi and runs their `<!(…)` expansions. */
const GYP_WITH_COMMON = `#!/usr/bin/env node
const fs = require('fs');
const {execSync} = require('child_process');
for (const file of ['binding.gyp', 'common.gypi'])
  if (fs.existsSync(file))
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/<!\\(([^)]*)\\)/g))
      execSync(match[1], {stdio: 'inherit'});
`;

/** Install code that evaluates a file it reads by a bare name (outside attack #9). */
const FN_READ = `const fs = require('fs');\nnew Function('require', fs.readFileSync('helper.js', 'utf8'))(require);\n`;

/**
 * A node-gyp stand-in that starts what the real one starts: gyp through
 * python3, make, and the compiler that binding.gyp's make_global_settings
 * names (run from build/, as gyp's make files do). Each is looked up on PATH
 * or run by path, as node-gyp would.
 */
const GYP_RUNNING_TOOLS = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const {spawnSync} = require('child_process');
const gyp = JSON.parse(fs.readFileSync('binding.gyp', 'utf8'));
for (const tool of ['python3', 'make'])
  console.log(tool, spawnSync(tool, ['--version'], {stdio: 'ignore'}).status);
fs.mkdirSync('build', {recursive: true});
for (const [name, value] of gyp.make_global_settings || [])
  console.log(name, spawnSync('sh', [path.resolve('build', value)], {stdio: 'inherit'}).status);
`;
const SHIM_BUILD = `require('child_process').execSync('node-gyp rebuild', {stdio: 'inherit'});\n`;
const NOOP_GYP = `${JSON.stringify({targets: [{target_name: `noop`, type: `none`}]})}\n`;
const CC_GYP = `${JSON.stringify({make_global_settings: [[`CC`, `../tools/cc.sh`]], targets: [{target_name: `lib`, type: `none`}]})}\n`;

describe(`outside attacks on install-time code (e2e)`, function() {
  this.timeout(300_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  before(async function() {
    registry = await startRegistry({name: `outside-attacks`});
    await registry.publishAll([
      // W70: a workspace's script that the root's postinstall runs through yarn workspaces foreach runs this bin.
      plain(`w70-tool`, `1.0.0`, {manifest: {bin: {[`w70-tool`]: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\n${PWN(`w70-tool-1.0.0-ran`)}`}}),
      plain(`w70-tool`, `1.0.1`, {manifest: {bin: {[`w70-tool`]: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\n${PWN(`w70-tool-1.0.1-ran`)}`}}),

      // 02: an alias under the name the approved install code requires.
      plain(`helper`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => { ${BENIGN} };\n`}}),
      plain(`evil-helper`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => { ${PWN(`alias-ran`)} };\n`}}),
      plain(`aliaser`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {helper: `^1.0.0`}, files: {[`install.js`]: `require('helper')();\n`}}),
      plain(`aliaser`, `1.0.1`, {scripts: {postinstall: `node install.js`}, dependencies: {helper: `npm:evil-helper@1.0.0`, [`helper-real`]: `npm:helper@1.0.0`}, files: {[`install.js`]: `require('helper')();\n`}}),

      // 03: a new bin replaces a command that the install code runs from JavaScript.
      plain(`util-dep`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
      plain(`util-dep`, `1.0.1`, {manifest: {bin: {uname: `cli.js`}}, files: {[`index.js`]: `module.exports = 1;\n`, [`cli.js`]: `#!/usr/bin/env node\n${PWN(`uname-shadow-ran`)}console.log('x86_64');\n`}}),
      plain(`archer`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {[`util-dep`]: `^1.0.0`}, files: {[`install.js`]: `require('child_process').execSync('uname -m');\n${BENIGN}`}}),
      plain(`archer`, `1.0.1`, {scripts: {postinstall: `node install.js`}, dependencies: {[`util-dep`]: `^1.0.0`}, manifest: {bin: {uname: `lib/cli.js`}}, files: {[`install.js`]: `require('child_process').execSync('uname -m');\n${BENIGN}`, [`lib/cli.js`]: `#!/usr/bin/env node\n${PWN(`own-uname-ran`)}console.log('x86_64');\n`}}),

      // 04: a file run with execFileSync, its path without ./
      plain(`execer`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `require('child_process').execFileSync(process.execPath, ['scripts/build.js'], {cwd: __dirname});\n`, [`scripts/build.js`]: BENIGN}}),
      plain(`execer`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `require('child_process').execFileSync(process.execPath, ['scripts/build.js'], {cwd: __dirname});\n`, [`scripts/build.js`]: PWN(`execfile-ran`)}}),

      // 06: npx of a tool that no dependency provides.
      plain(`npxer`, `1.0.0`, {scripts: {postinstall: `npx gen-tool`}}),

      // 08: install code that runs a command read from its package.json.
      plain(`configured`, `1.0.0`, {scripts: {postinstall: `node install.js`}, manifest: {config: {fetch: `node fetch.js`}}, files: {[`install.js`]: `require('child_process').execSync(require('./package.json').config.fetch);\n`, [`fetch.js`]: BENIGN}}),
      plain(`configured`, `1.0.1`, {scripts: {postinstall: `node install.js`}, manifest: {config: {fetch: `node other.js`}}, files: {[`install.js`]: `require('child_process').execSync(require('./package.json').config.fetch);\n`, [`fetch.js`]: BENIGN, [`other.js`]: PWN(`config-ran`)}}),

      // 09: a require that climbs out of the package into a hoisted node_modules.
      plain(`climber`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {helper: `1.0.0`}, files: {[`install.js`]: `require('../helper')();\n`}}),

      // 10: node-gyp loads the package's common.gypi by itself.
      plain(`node-gyp`, `3.0.0`, {manifest: {bin: {[`node-gyp`]: `bin/node-gyp.js`}}, files: {[`bin/node-gyp.js`]: GYP_WITH_COMMON}}),
      withBindingGyp(`native-pkg`, `1.0.0`, {nodeGypVersion: `3.0.0`}),
      withBindingGyp(`native-pkg`, `1.0.1`, {nodeGypVersion: `3.0.0`, files: {[`common.gypi`]: `{'variables': {'x%': '<!(node evil.js)'}}\n`, [`evil.js`]: PWN(`common-gypi-ran`)}}),

      // 07: a shell script that runs JavaScript.
      plain(`shelly`, `1.0.0`, {scripts: {postinstall: `sh ./setup.sh`}, files: {[`setup.sh`]: `node lib/gen.js\n`, [`lib/gen.js`]: BENIGN}}),

      // Third round, 09: install code evaluates a file it reads by a bare name.
      plain(`fnread`, `1.0.0`, {scripts: {postinstall: `node setup.js`}, files: {[`setup.js`]: FN_READ, [`helper.js`]: BENIGN}}),
      plain(`fnread`, `1.0.1`, {scripts: {postinstall: `node setup.js`}, files: {[`setup.js`]: FN_READ, [`helper.js`]: PWN(`fnread-ran`)}}),

      // Third round: node-gyp stand-ins, as root devDependencies that Yarn's shim runs.
      plain(`node-gyp`, `4.0.0`, {manifest: {bin: {[`node-gyp`]: `bin/node-gyp.js`}}, files: {[`bin/node-gyp.js`]: GYP_RUNNING_TOOLS}}),
      // 08, 22: a native package whose install code starts node-gyp through Yarn's shim (Yarn adds no
      // node-gyp dependency: its scripts do not name it), two releases with the same files.
      plain(`shimnative`, `1.0.0`, {scripts: {install: `node build.js`}, files: {[`binding.gyp`]: NOOP_GYP, [`build.js`]: SHIM_BUILD}}),
      plain(`shimnative`, `1.0.1`, {scripts: {install: `node build.js`}, files: {[`binding.gyp`]: NOOP_GYP, [`build.js`]: SHIM_BUILD}}),
      // 08: a script-free package that nests shimnative under itself and ships a .yarnrc.yml above it.
      plain(`evilnest`, `1.0.0`, {dependencies: {shimnative: `1.0.1`}, files: {[`.yarnrc.yml`]: `yarnPath: ./evil.cjs\n`, [`evil.cjs`]: PWN(`nested-yarnrc-ran`)}}),
      // 22: a script-free package whose bins are named like the tools node-gyp runs.
      plain(`mkbin`, `1.0.0`, {manifest: {bin: {make: `bin/make.js`, python3: `bin/python3.js`}}, files: {[`bin/make.js`]: `#!/usr/bin/env node\n${PWN(`toplevel-make-ran`)}`, [`bin/python3.js`]: `#!/usr/bin/env node\n${PWN(`toplevel-python3-ran`)}`}}),
      // 10: the project's own postinstall runs a dependency's bin.
      plain(`wstool`, `1.0.0`, {manifest: {bin: {wstool: `bin/cli.js`}}, files: {[`bin/cli.js`]: `#!/usr/bin/env node\nconsole.log('tool ran');\n`}}),
      plain(`wstool`, `1.0.1`, {manifest: {bin: {wstool: `bin/cli.js`}}, files: {[`bin/cli.js`]: `#!/usr/bin/env node\n${PWN(`workspace-bin-ran`)}`}}),
      // Fourth round, A4: the project's postinstall runs a dependency's file by its node_modules path.
      plain(`w4dep`, `1.0.0`, {files: {[`cli.js`]: `console.log('w4dep ran');\n`}}),
      plain(`w4dep`, `1.0.1`, {files: {[`cli.js`]: PWN(`node-modules-path-ran`)}}),
      // Fourth round, W61: a package with scripts of its own, denied, whose bin an approved package runs.
      plain(`w61b`, `1.0.0`, {scripts: {postinstall: `node noop.js`}, manifest: {bin: {w61b: `cli.js`}}, files: {[`noop.js`]: `\n`, [`cli.js`]: `#!/usr/bin/env node\nconsole.log('w61b ran');\n`}}),
      plain(`w61a`, `1.0.0`, {scripts: {postinstall: `w61b`}, dependencies: {w61b: `1.0.0`}}),
      // Fourth round, DP1: install code runs a script of a nested package.json (npm run x --prefix sub).
      plain(`dp1pkg`, `1.0.0`, {scripts: {postinstall: `npm run x --prefix sub`}, files: {[`sub/package.json`]: JSON.stringify({name: `sub`, private: true, scripts: {x: `node run.js`}}), [`sub/run.js`]: BENIGN}}),
      plain(`dp1pkg`, `1.0.1`, {scripts: {postinstall: `npm run x --prefix sub`}, files: {[`sub/package.json`]: JSON.stringify({name: `sub`, private: true, scripts: {x: `node run.js`}}), [`sub/run.js`]: PWN(`nested-manifest-ran`)}}),
      // 15: make_global_settings points CC at a script of the package.
      plain(`ccnative`, `1.0.0`, {files: {[`binding.gyp`]: CC_GYP, [`tools/cc.sh`]: `#!/bin/sh\necho compiling\n`}}),
      plain(`ccnative`, `1.0.1`, {files: {[`binding.gyp`]: CC_GYP, [`tools/cc.sh`]: `#!/bin/sh\n: > "$TRUST_MARKERS/cc-ran"\necho compiling\n`}}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  async function approvedProject(dependencies: Record<string, string>, approve: string[], extra: Record<string, unknown> = {}, expect: ApprovedInstall = {}) {
    const approved = await approveIn(registry, dependencies, approve, extra, expect);
    projects.push(approved.app);
    return approved;
  }

  describe(`02: a release declares an alias under the name its install code requires`, () => {
    it(`follows require() to the package the alias resolves to, and refuses it`, async () => {
      const {app} = await approvedProject({aliaser: `1.0.0`}, [`aliaser`]);
      const up = await app.yarn([`up`, `aliaser@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, /evil-helper@npm:1\.0\.0 has code that other packages run at install time, and the trust file does not approve it/);
      assert.match(up.output, /run at install time by aliaser@npm:1\.0\.1: require\('helper'\)/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`03: a bin named like a command that install code runs from JavaScript`, () => {
    it(`refuses a dependency's new bin on the PATH of the install script`, async () => {
      const {app} = await approvedProject({archer: `1.0.0`}, [`archer`], {resolutions: {[`util-dep`]: `1.0.0`}});
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, resolutions: {[`util-dep`]: `1.0.1`}});
      // Release trust refuses the new bin first; allowed there, the install-script gate refuses it too.
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /util-dep@1\.0\.1 adds the bin uname, which util-dep@1\.0\.0 did not have/);
      assert.equal((await app.yarn([`trust`, `allow`, `util-dep@1.0.1`, `--finding`, `new-bin`, `--reason`, `the gate is tested`])).code, 0);
      const up = await app.yarn([`install`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, /archer@npm:1\.0\.0 changed what it runs at install time/);
      assert.match(up.output, /files added: PATH#uname/);
      assert.deepEqual(await app.markers(), []);
    });

    it(`refuses a release that adds the bin itself`, async () => {
      const {app} = await approvedProject({archer: `1.0.0`}, [`archer`], {resolutions: {[`util-dep`]: `1.0.0`}});
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, dependencies: {archer: `1.0.1`}});
      assert.equal((await app.yarn([`trust`, `allow`, `archer@1.0.1`, `--finding`, `new-bin`, `--reason`, `the gate is tested`])).code, 0);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /PATH#uname/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  async function upgrade(app: TestProject, dependencies: Record<string, string>) {
    const manifest = await app.readJson(`package.json`);
    await app.writeJson(`package.json`, {...manifest, dependencies});
    return await app.yarn([`install`]);
  }

  describe(`04: install code runs a file with execFileSync, by a path without ./`, () => {
    it(`hashes that file and refuses a release that changes it`, async () => {
      const {app, approved} = await approvedProject({execer: `1.0.0`}, [`execer`]);
      assert.match(approved.output, /scripts\/build\.js sha512-/);
      const install = await upgrade(app, {execer: `1.0.1`});
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /files changed: scripts\/build\.js/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`06: an install script runs npx with a tool no dependency provides`, () => {
    it(`refuses it as undecidable: npx would download the registry's current tool`, async () => {
      const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {npxer: `1.0.0`}}});
      projects.push(app);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /npx gen-tool: no dependency provides gen-tool, so npx would download and run the registry's current gen-tool/);
      const approve = await app.yarn([`trust`, `approve`, `npxer`]);
      assert.equal(approve.code, 1, approve.output);
      assert.match(approve.output, /cannot be approved/);
    });
  });

  describe(`08: install code runs a command it reads from its package.json`, () => {
    it(`binds the manifest's data to the approval and refuses a release that changes it`, async () => {
      const {app} = await approvedProject({configured: `1.0.0`}, [`configured`]);
      const install = await upgrade(app, {configured: `1.0.1`});
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /files changed: package\.json#(?:data|all)/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`09: install code requires ../helper, found beside the package in node_modules`, () => {
    it(`refuses it as undecidable instead of dropping the require`, async () => {
      const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {climber: `1.0.0`}}, yarnrc: {nodeLinker: `node-modules`}});
      projects.push(app);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /install\.js loads \.\.\/helper, outside the package/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`10: node-gyp loads the package's common.gypi by itself`, () => {
    it(`follows common.gypi and refuses a release that adds one with a command expansion`, async () => {
      const {app} = await approvedProject({[`native-pkg`]: `1.0.0`, [`node-gyp`]: `3.0.0`}, [`native-pkg`]);
      const install = await upgrade(app, {[`native-pkg`]: `1.0.1`, [`node-gyp`]: `3.0.0`});
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /native-pkg@npm:1\.0\.1 changed what it runs at install time/);
      assert.match(install.output, /files added: .*common\.gypi/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`07: an install script runs a shell script that runs JavaScript`, () => {
    it(`names what it cannot follow when the package is approved, not only when it is refused`, async () => {
      const {approved} = await approvedProject({shelly: `1.0.0`}, [`shelly`]);
      assert.match(approved.output, /not followed \(a limit of this approval, review it by hand\): .*setup\.sh/);
    });
  });

  describe(`third round 09: install code evaluates a file it reads by a bare name`, () => {
    it(`hashes that file and refuses a release that changes it`, async () => {
      // The approved code evaluates the file's text: the load guard refuses that while it runs.
      const {app, approved} = await approvedProject({fnread: `1.0.0`}, [`fnread`], {}, {guardRefuses: `fnread`});
      assert.match(approved.output, /helper\.js sha512-/);
      assert.match(approved.output, /new Function\(\) evaluates text built at run time/);
      const install = await upgrade(app, {fnread: `1.0.1`});
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /files changed: helper\.js/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`third round 15: binding.gyp's make_global_settings names a compiler script of the package`, () => {
    it(`hashes the script and refuses a release that changes it`, async () => {
      const {app, approved} = await approvedProject({ccnative: `1.0.0`}, [`ccnative`], {devDependencies: {[`node-gyp`]: `4.0.0`}});
      assert.match(approved.output, /tools\/cc\.sh sha512-/);
      const install = await upgrade(app, {ccnative: `1.0.1`});
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /files changed: tools\/cc\.sh/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`third round 22: a top-level dependency's bins named like the tools node-gyp runs`, () => {
    it(`refuses the package that Yarn's node-gyp shim builds, naming the bins; none of them runs`, async () => {
      const {app} = await approvedProject({shimnative: `1.0.0`}, [`shimnative`], {devDependencies: {[`node-gyp`]: `4.0.0`}});
      const add = await app.yarn([`add`, `mkbin@1.0.0`]);
      assert.equal(add.code, 1, add.output);
      assert.match(add.output, /its bin make shadows the system's make on the PATH node-gyp runs with \(the top-level workspace's\)/);
      // As CI does: a fresh node_modules rebuilds every native package.
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
      const fresh = await app.yarn([`install`]);
      assert.equal(fresh.code, 1, fresh.output);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`third round 08: an approved native package nested under a package that ships .yarnrc.yml`, () => {
    it(`refuses its build before the nested Yarn reads that file, naming it`, async () => {
      const {app} = await approvedProject({shimnative: `1.0.0`}, [`shimnative`], {devDependencies: {[`node-gyp`]: `4.0.0`}});
      const add = await app.yarn([`add`, `evilnest@1.0.0`]);
      assert.equal(add.code, 1, add.output);
      assert.match(add.output, /node_modules\/evilnest\/\.yarnrc\.yml is in a folder above it that belongs to another package/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`third round 10: the project's own postinstall runs a dependency's bin`, () => {
    it(`asks for an approval of the dependency's code, then refuses a release that changes it`, async () => {
      const app = await makeProject({registry, manifest: {name: `app`, private: true, scripts: {postinstall: `wstool`}, devDependencies: {wstool: `1.0.0`}}});
      projects.push(app);
      const first = await app.yarn([`install`]);
      assert.equal(first.code, 1, first.output);
      assert.match(first.output, /wstool@npm:1\.0\.0 has code that other packages run at install time, and the trust file does not approve it/);
      assert.match(first.output, /run at install time by app@workspace:\.: runs wstool/);
      assert.match(first.output, /run yarn trust approve wstool\n.*To run none of it, stop running it from your workspace's install script/);
      const approved = await app.yarn([`trust`, `approve`, `wstool`]);
      assert.equal(approved.code, 0, approved.output);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      const up = await app.yarn([`up`, `wstool@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, /wstool@npm:1\.0\.1 changed the code that other packages run at install time/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`fourth round A4: the project's own postinstall runs node node_modules/<dep>/cli.js`, () => {
    it(`asks for an approval of that dependency's file, then refuses a release that changes it`, async () => {
      const app = await makeProject({registry, manifest: {name: `app`, private: true, scripts: {postinstall: `node node_modules/w4dep/cli.js`}, dependencies: {w4dep: `1.0.0`}}});
      projects.push(app);
      const first = await app.yarn([`install`]);
      assert.equal(first.code, 1, first.output);
      assert.match(first.output, /w4dep@npm:1\.0\.0 has code that other packages run at install time/);
      assert.match(first.output, /run at install time by app@workspace:\.: runs node_modules\/w4dep\/cli\.js/);
      assert.equal((await app.yarn([`trust`, `approve`, `w4dep`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      const up = await app.yarn([`up`, `w4dep@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, /w4dep@npm:1\.0\.1 changed the code that other packages run at install time/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`fourth round W61: a denied package whose bin an approved package's install runs`, () => {
    it(`refuses the install: denying its scripts does not stop its bin from running`, async () => {
      const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {w61a: `1.0.0`}}});
      projects.push(app);
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `w61a`])).code, 0);
      assert.equal((await app.yarn([`trust`, `deny`, `w61b`, `--reason`, `its postinstall does nothing`])).code, 0);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /w61b@npm:1\.0\.0[^\n]*denied[^\n]*/);
      assert.match(install.output, /w61b@npm:1\.0\.0 is denied in the trust file, but the install code of another package runs its code/);
      assert.match(install.output, /run yarn trust approve w61b; to run none of it, run yarn trust deny w61a, the package whose install script runs it/);
    });
  });

  describe(`fourth round DP1: install code runs a script of a nested package.json`, () => {
    it(`hashes that manifest and what its script runs, and refuses a release that changes it`, async () => {
      const {app, approved} = await approvedProject({dp1pkg: `1.0.0`}, [`dp1pkg`]);
      assert.match(approved.output, /sub\/run\.js sha512-/);
      const install = await upgrade(app, {dp1pkg: `1.0.1`});
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /files changed: sub\/run\.js/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`fourth round W70: the project's postinstall runs scripts of other workspaces`, () => {
    for (const postinstall of [`yarn workspaces foreach -A run setup`, `yarn workspace b run setup`, `yarn workspace b setup`]) {
      it(`follows ${postinstall} into that workspace's script: the dependency bin it runs needs an approval, and a changed release of it is refused`, async () => {
        const app = await makeProject({
          registry,
          manifest: {name: `app`, private: true, workspaces: [`packages/*`], scripts: {postinstall}},
          files: {[`packages/b/package.json`]: JSON.stringify({name: `b`, private: true, scripts: {setup: `w70-tool`}, dependencies: {[`w70-tool`]: `1.0.0`}})},
        });
        projects.push(app);
        const first = await app.yarn([`install`]);
        assert.equal(first.code, 1, first.output);
        assert.match(first.output, /w70-tool@npm:1\.0\.0 has code that other packages run at install time, and the trust file does not approve it/);
        assert.match(first.output, /run at install time by b@workspace:packages\/b: runs w70-tool/);
        assert.deepEqual(await app.markers(), []);

        assert.equal((await app.yarn([`trust`, `approve`, `w70-tool`])).code, 0);
        const approved = await app.yarn([`install`]);
        assert.equal(approved.code, 0, approved.output);
        assert.deepEqual(await app.markers(), [`w70-tool-1.0.0-ran`]);
        await app.clearMarkers();

        await app.writeJson(`packages/b/package.json`, {name: `b`, private: true, scripts: {setup: `w70-tool`}, dependencies: {[`w70-tool`]: `1.0.1`}});
        const changed = await app.yarn([`install`]);
        assert.equal(changed.code, 1, changed.output);
        assert.match(changed.output, /w70-tool@npm:1\.0\.1 changed the code that other packages run at install time since 1\.0\.0 was approved/);
        assert.deepEqual(await app.markers(), []);
      });
    }
  });
});
