/**
 * The attempts of an outside attack on the install-time code gate, each
 * replayed as its attacker ran it: approve a package, publish a hijacked
 * release of it or of something its install runs, update. A marker file
 * written by the attacker's code proves whether it ran.
 */
import {strict as assert} from 'assert';

import {type Registry, type TestProject, makeProject, plain, startRegistry} from './harness';

const PWN = (name: string) => `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', '${name}'), 'x');\n`;
const BENIGN = PWN(`benign-ran`);

describe(`outside attacks on install-time code (e2e)`, function () {
  this.timeout(300_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  before(async function () {
    registry = await startRegistry({name: `outside-attacks`});
    await registry.publishAll([
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

      // 07: a shell script that runs JavaScript.
      plain(`shelly`, `1.0.0`, {scripts: {postinstall: `sh ./setup.sh`}, files: {[`setup.sh`]: `node lib/gen.js\n`, [`lib/gen.js`]: BENIGN}}),
    ]);
  });

  after(async function () {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  async function approvedProject(dependencies: Record<string, string>, approve: string[], extra: Record<string, unknown> = {}) {
    const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies, ...extra}});
    projects.push(app);
    assert.equal((await app.yarn([`install`])).code, 1);
    const approved = await app.yarn([`trust`, `approve`, ...approve]);
    assert.equal(approved.code, 0, approved.output);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    await app.clearMarkers();
    return {app, approved};
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
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /PATH#uname/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`07: an install script runs a shell script that runs JavaScript`, () => {
    it(`names what it cannot follow when the package is approved, not only when it is refused`, async () => {
      const {approved} = await approvedProject({shelly: `1.0.0`}, [`shelly`]);
      assert.match(approved.output, /not followed \(a limit of this approval, review it by hand\): .*setup\.sh/);
    });
  });
});
