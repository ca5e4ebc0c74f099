/**
 * Programs start other programs by default names from the PATH (cargo starts
 * rustc, git its pager, a binary whatever it was built to start), and no list
 * of such names is complete: outside attacks found one more in almost every
 * round (12-35). In-house round 36 answers it by what is on the PATH rather
 * than by name: a dependency whose install scripts run npm (which puts every
 * hoisted bin on the PATH of what it runs) has its approval bound to every
 * one of those bins, as it already was to every bin on Yarn's PATH. Each
 * attack test fails on the bundle of outside round 35 (the marker is
 * written and the install passes).
 */
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import {assertRefusedEvenAfterApproval, fakeNodeGyp, markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`programs that start others by default names (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`default-names`, () => [
    // An approved build that runs npm, which then runs a command whose name is built from a program's output:
    // what a binary or a program the plugin knows nothing of does when it starts a tool by its default name.
    plain(`zqm36npm`, `1.0.0`, {scripts: {postinstall: `npm run build`, build: `sh -c "$(echo zqn36 | tr n m)bin || true"`}}),
    // The same, started from a file of the package that Node runs (reached code that runs npm).
    plain(`zqm36node`, `1.0.0`, {scripts: {postinstall: `node build.js`, go: `sh -c "$(echo zqn36 | tr n m)bin || true"`}, files: {[`build.js`]: `require('child_process').execSync('npm run --silent go', {stdio: 'inherit'});\n`}}),
    // Round 36 (M1): npm started by node with npm's own script, by its path on this machine (found at run time).
    plain(`zqm36abs`, `1.0.0`, {scripts: {postinstall: `node "$(which npm)" run go`, go: `sh -c "$(echo zqn36 | tr n m)bin || true"`}}),
    // An approved build that asks npm for a setting, as napi-postinstall does: npm runs nothing there.
    plain(`zqm36cfg`, `1.0.0`, {scripts: {postinstall: `npm config get registry >/dev/null; true`}}),
    // A package of the project whose bin has that name: hoisted, so npm's PATH holds it.
    plain(`zqm36tool`, `1.0.0`, {manifest: {bin: {zqm36bin: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\nconsole.log('genuine');\n`}}),
    plain(`zqm36tool`, `1.0.1`, {manifest: {bin: {zqm36bin: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\n${PWN(`m36-hoisted-bin-ran`)}`}}),
    // The same bytes under a new version: carried forward without a review.
    plain(`zqm36tool`, `1.0.2`, {manifest: {bin: {zqm36bin: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\nconsole.log('genuine');\n`}}),
    // Release trust: an upgrade that adds a bin (1.0.1), one that keeps the same bins (1.0.2).
    plain(`zqm36lib`, `1.0.0`, {manifest: {bin: {zqm36lib: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\nconsole.log('genuine');\n`}}),
    plain(`zqm36lib`, `1.0.1`, {manifest: {bin: {zqm36lib: `cli.js`, zqm36x: `x.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\nconsole.log('genuine');\n`, [`x.js`]: `#!/usr/bin/env node\n${PWN(`m36-new-bin-ran`)}`}}),
    // In-house round 37: a bin only the archive's package.json declares (the registry manifest is edited in the test).
    plain(`zqm37mc`, `1.0.0`, {manifest: {bin: {zqm36bin: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\n${PWN(`m37-hidden-bin-ran`)}`}}),
    // Round 36 (M4): a package whose dependency locks the release that adds the bin.
    plain(`zqm36dep`, `1.0.0`, {dependencies: {zqm36lib: `1.0.1`}}),
    plain(`zqm36lib`, `1.0.2`, {manifest: {bin: {zqm36lib: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\nconsole.log('changed');\n`}}),
    // Round 37 (M3): a package without bins whose archive ships a .bin folder, for a dependency declared as node_modules.
    // Round 37 (M2), the other way: a package whose dependency locks a release of zqm36tool with the same bins.
    plain(`zqm37tooldep`, `1.0.0`, {dependencies: {zqm36tool: `1.0.2`}}),
    // A helper whose code runs npx of a tool no package provides, required by a build; and a build that
    // requires a name only a workspace of the project has (found through hoisting).
    plain(`zqm37helper`, `1.0.0`, {files: {[`index.js`]: `require('child_process').execSync('npx --no-install zqm37absent || true', {stdio: 'inherit'});\n`}}),
    plain(`zqm37npxroot`, `1.0.0`, {dependencies: {zqm37helper: `1.0.0`}, scripts: {postinstall: `node -e "require('zqm37helper')"`}}),
    plain(`zqm37wsreach`, `1.0.0`, {scripts: {postinstall: `node -e "require('zqm37ws')"`}}),
    // An approved build that runs npm, with a dependency the linker nests in its folder.
    plain(`zqm37npmdep`, `1.0.0`, {dependencies: {zqm37mc: `1.0.0`}, scripts: {postinstall: `npm run build`, build: `sh -c "$(echo zqn36 | tr n m)bin || true"`}}),
    // Outside round 38 (A6): a package that keeps zqm36lib@1.0.0 locked, so that dedupe leaves no orphan.
    plain(`zqm38pin`, `1.0.0`, {dependencies: {zqm36lib: `1.0.0`}}),
    // Outside round 38 (A10): binding.gyp shipped as a folder, for which Yarn schedules node-gyp rebuild.
    plain(`zqm38gyp`, `1.0.0`, {files: {[`binding.gyp/x.gyp`]: `{}\n`}}),
    fakeNodeGyp(),
    // Outside round 41 (D1): an approved build that runs npm, with a dependency under the key .bin, which the
    // pnpm linker puts in a node_modules folder of its store, where npm finds commands.
    plain(`zqm38dotbin`, `1.0.0`, {files: {[`zqm36bin`]: `#!/usr/bin/env node\n${PWN(`m38-dot-bin-key-ran`)}`}, modes: {[`zqm36bin`]: 0o755}}),
    plain(`zqm38npmdot`, `1.0.0`, {scripts: {postinstall: `npm run build`, build: `sh -c "$(echo zqn36 | tr n m)bin || true"`}}),
    // The same files; its registry manifest gets the dependency in the test (the archive's package.json does not have it).
    plain(`zqm38npmdot`, `1.0.1`, {scripts: {postinstall: `npm run build`, build: `sh -c "$(echo zqn36 | tr n m)bin || true"`}}),
    plain(`zqm37dot`, `1.0.0`, {files: {[`.bin/zqm36bin`]: `#!/usr/bin/env node\n${PWN(`m37-dot-bin-ran`)}`}, modes: {[`.bin/zqm36bin`]: 0o755}}),
  ]);

  /** The project's zqm36tool moved to `version`, in a fresh checkout (CI builds every package), installed. */
  async function upgradeTool(app: Awaited<ReturnType<typeof suite.project>>, version: string) {
    const manifest = JSON.parse(await app.readFile(`package.json`));
    manifest.dependencies.zqm36tool = version;
    await app.writeJson(`package.json`, manifest);
    await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
    return await app.yarn([`install`]);
  }

  for (const [build, label] of [
    [`zqm36npm`, `its postinstall runs npm run`],
    [`zqm36node`, `its postinstall runs a file that runs npm run`],
    [`zqm36abs`, `round 36 (M1): its postinstall starts npm by its path`],
  ]) {
    it(`${build} (${label}): an approved build that runs npm is bound to every hoisted bin; a release that changes one is refused, and nothing runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[build]: `1.0.0`, zqm36tool: `1.0.0`}}});
      assert.equal((await app.yarn([`install`])).code, 1);
      const approve = await app.yarn([`trust`, `approve`, build]);
      assert.equal(approve.code, 0, approve.output);
      const approved = await app.yarn([`install`]);
      assert.equal(approved.code, 0, approved.output);
      const status = await app.yarn([`trust`, `status`]);
      assert.match(status.output, /its bin zqm36bin is on that PATH, where any program the script starts may run it \(npm puts the node_modules\/\.bin folders/, status.output);

      const install = await upgradeTool(app, `1.0.1`);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /zqm36tool@npm:1\.0\.1/, install.output);
    });
  }

  it(`the other way: the hoisted bin bumped to a new version with the same bytes installs without a review`, async () => {
    const {app} = await suite.approvedProject({zqm36npm: `1.0.0`, zqm36tool: `1.0.0`}, [`zqm36npm`]);
    const install = await upgradeTool(app, `1.0.2`);
    assert.equal(install.code, 0, install.output);
    assert.match(install.output, /zqm36npm@npm:1\.0\.0 must be built/, install.output);
  });

  it(`the other way: an approved build that only asks npm for a setting is not bound to the hoisted bins, and a tool's upgrade needs no review`, async () => {
    const {app} = await suite.approvedProject({zqm36cfg: `1.0.0`, zqm36tool: `1.0.0`}, [`zqm36cfg`]);
    const install = await upgradeTool(app, `1.0.1`);
    assert.equal(install.code, 0, install.output);
    assert.match(install.output, /zqm36cfg@npm:1\.0\.0 must be built/, install.output);
    assert.deepEqual(await app.markers(), []);
  });

  it(`the project's own postinstall that runs npm does not bind every hoisted bin: a tool it never names needs no approval`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm36tool: `1.0.0`}, scripts: {postinstall: `npm run --silent hello`, hello: `echo hello`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
  });

  // The project's own postinstall starts a program that starts another by a
  // name the plugin cannot know (here built from a program's output): only the
  // bins it names are bound, so an upgrade that adds a bin is what is refused.
  const ownPostinstall = `sh -c "$(echo zqn36x | tr n m) || true"`;

  it(`release trust: an upgrade of a root dependency that adds a bin is refused before it is downloaded, and the root's postinstall does not run it`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm36lib: `1.0.0`}, scripts: {postinstall: ownPostinstall}}});
    const first = await app.yarn([`install`]);
    assert.equal(first.code, 0, first.output);
    const lockfile = await app.readFile(`yarn.lock`);

    const manifest = JSON.parse(await app.readFile(`package.json`));
    manifest.dependencies.zqm36lib = `1.0.1`;
    await app.writeJson(`package.json`, manifest);
    const install = await app.yarn([`install`]);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqm36lib@1\.0\.1 adds the bin zqm36x, which zqm36lib@1\.0\.0 did not have\.\n.*expected: the bins of zqm36lib@1\.0\.0: zqm36lib\n.*found: zqm36lib, zqm36x\n[\s\S]*yarn trust allow zqm36lib@1\.0\.1 --finding new-bin --reason/, install.output);
    assert.equal(await app.readFile(`yarn.lock`), lockfile, `yarn.lock was written`);
    // Again: still refused (nothing was locked).
    const again = await app.yarn([`install`]);
    assert.equal(again.code, 1, again.output);
    assert.deepEqual(await app.markers(), [], again.output);

    // Accepted after review: it installs, and the allowance is in the trust file.
    const allow = await app.yarn([`trust`, `allow`, `zqm36lib@1.0.1`, `--finding`, `new-bin`, `--reason`, `the changelog adds zqm36x`]);
    assert.equal(allow.code, 0, allow.output);
    assert.match(await app.readFile(`yarn-trust.json`), /"new-bin"/);
    await app.writeJson(`package.json`, {...manifest, scripts: {}});
    const accepted = await app.yarn([`install`]);
    assert.equal(accepted.code, 0, accepted.output);
  });

  it(`release trust, the other way: an upgrade with the same bins, and a name new to the project with any bins, install`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm36lib: `1.0.0`}}});
    assert.equal((await app.yarn([`install`])).code, 0);
    const manifest = JSON.parse(await app.readFile(`package.json`));
    manifest.dependencies.zqm36lib = `1.0.2`;
    await app.writeJson(`package.json`, manifest);
    const upgraded = await app.yarn([`install`]);
    assert.equal(upgraded.code, 0, upgraded.output);

    const fresh = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm36lib: `1.0.1`}}});
    const install = await fresh.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
  });

  /** A bin planted in node_modules/.bin of the folder above the project (a stray ~/node_modules), which npm puts on the PATH. */
  async function plantAbove(app: {cwd: string}, name: string, marker: string) {
    const folder = path.join(path.dirname(app.cwd), `node_modules/.bin`);
    await fs.mkdir(folder, {recursive: true});
    await fs.writeFile(path.join(folder, name), `#!/usr/bin/env node\n${PWN(marker)}`, {mode: 0o755});
    return path.dirname(app.cwd);
  }

  it(`round 36 (M3): an approved build's npm run finds a bin in node_modules/.bin of a folder above the project: refused, and nothing runs`, async () => {
    const {app} = await suite.approvedProject({zqm36npm: `1.0.0`}, [`zqm36npm`]);

    const above = await plantAbove(app, `zqm36bin`, `m36-outside-bin-ran`);
    await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
    const install = await app.yarn([`install`]);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.ok(install.output.includes(`npm puts ${above}/node_modules/.bin on the PATH of what it runs: a folder above the project`), install.output);
    const check = await app.yarn([`trust`, `check`]);
    assert.equal(check.code, 1, check.output);
    assert.ok(check.output.includes(`${above}/node_modules/.bin`), check.output);
  });

  it(`round 36 (M5): the project's own npm run under a folder above with node_modules/.bin: named as a limit by yarn trust check`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, scripts: {postinstall: `npm run --silent go`, go: `echo go`}}});
    const above = await plantAbove(app, `zqm36own`, `m36-own-outside-bin-ran`);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    const check = await app.yarn([`trust`, `check`]);
    assert.ok(check.output.includes(`npm puts ${above}/node_modules/.bin on the PATH of what it runs: a folder above the project, whose bins run as your machine's programs do`), check.output);
  });

  for (const [label, move] of [
    [`package.json edited`, async (app: Awaited<ReturnType<typeof suite.project>>) => {
      const manifest = JSON.parse(await app.readFile(`package.json`));
      manifest.dependencies.zqm36lib = `1.0.1`;
      await app.writeJson(`package.json`, manifest);
      return await app.yarn([`install`]);
    }],
    [`resolutions`, async (app: Awaited<ReturnType<typeof suite.project>>) => {
      const manifest = JSON.parse(await app.readFile(`package.json`));
      manifest.resolutions = {[`zqm36lib@1.0.0`]: `1.0.1`};
      await app.writeJson(`package.json`, manifest);
      return await app.yarn([`install`]);
    }],
    [`yarn up`, async (app: Awaited<ReturnType<typeof suite.project>>) => await app.yarn([`up`, `zqm36lib@1.0.1`])],
    // A patch of the release that adds the bin: its bins are the patched manifest's.
    [`a patch of that release`, async (app: Awaited<ReturnType<typeof suite.project>>) => {
      await app.writeFile(`zq.patch`, `diff --git a/cli.js b/cli.js\n--- a/cli.js\n+++ b/cli.js\n@@ -1,2 +1,2 @@\n #!/usr/bin/env node\n-console.log('genuine');\n+console.log('patched');\n`);
      const manifest = JSON.parse(await app.readFile(`package.json`));
      manifest.dependencies.zqm36lib = `patch:zqm36lib@npm%3A1.0.1#./zq.patch`;
      await app.writeJson(`package.json`, manifest);
      return await app.yarn([`install`]);
    }],
    // Outside round 38 (A2): the workspace renamed in the same pull request.
    [`the workspace renamed with it`, async (app: Awaited<ReturnType<typeof suite.project>>) => {
      const manifest = JSON.parse(await app.readFile(`package.json`));
      manifest.name = `app-web`;
      manifest.dependencies.zqm36lib = `1.0.1`;
      await app.writeJson(`package.json`, manifest);
      return await app.yarn([`install`]);
    }],
    // Round 37 (M5): the name replaced by an alias key to the release that adds the bin.
    [`an alias in place of the name`, async (app: Awaited<ReturnType<typeof suite.project>>) => {
      const manifest = JSON.parse(await app.readFile(`package.json`));
      delete manifest.dependencies.zqm36lib;
      manifest.dependencies.zqm36x = `npm:zqm36lib@1.0.1`;
      await app.writeJson(`package.json`, manifest);
      return await app.yarn([`install`]);
    }],
  ] as const) {
    it(`round 36 (M4): the root's dependency moved (${label}) to a release already locked as another package's dependency, which adds a bin: refused, and the root's postinstall does not run it`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm36lib: `1.0.0`, zqm36dep: `1.0.0`}, scripts: {postinstall: ownPostinstall}}});
      const first = await app.yarn([`install`]);
      assert.equal(first.code, 0, first.output);
      assert.match(await app.readFile(`yarn.lock`), /zqm36lib@npm:1\.0\.1/);
      const lockfile = await app.readFile(`yarn.lock`);

      const install = await move(app);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /zqm36lib@1\.0\.1 adds the bin zqm36x, which zqm36lib@1\.0\.0 did not have/, install.output);
      assert.equal(await app.readFile(`yarn.lock`), lockfile, `yarn.lock was written`);
    });
  }

  it(`round 37 (M2): yarn dedupe moves the root's unchanged range to a release already locked as another package's dependency, which adds a bin: refused, and the root's postinstall does not run it`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm36lib: `1.0.0`, zqm36dep: `1.0.0`}, scripts: {postinstall: ownPostinstall}}});
    assert.equal((await app.yarn([`install`])).code, 0);
    // The range ^1.0.0 locked when 1.0.0 was its newest release, as a project that has had it for a while holds it.
    const manifest = JSON.parse(await app.readFile(`package.json`));
    manifest.dependencies.zqm36lib = `^1.0.0`;
    await app.writeJson(`package.json`, manifest);
    await app.writeFile(`yarn.lock`, (await app.readFile(`yarn.lock`)).replace(`"zqm36lib@npm:1.0.0":`, `"zqm36lib@npm:^1.0.0":`).replace(`zqm36lib: "npm:1.0.0"`, `zqm36lib: "npm:^1.0.0"`));
    // Yarn sorts the renamed entry in place.
    const settled = await app.yarn([`install`]);
    assert.equal(settled.code, 0, settled.output);
    const lockfile = await app.readFile(`yarn.lock`);

    const dedupe = await app.yarn([`dedupe`]);
    assert.deepEqual(await app.markers(), [], dedupe.output);
    assert.equal(dedupe.code, 1, dedupe.output);
    assert.match(dedupe.output, /zqm36lib@1\.0\.1 adds the bin zqm36x, which zqm36lib@1\.0\.0 did not have/, dedupe.output);
    assert.equal(await app.readFile(`yarn.lock`), lockfile, `yarn.lock was written`);
  });

  for (const [label, move] of [
    [`yarn dedupe`, [`dedupe`]],
    [`yarn set resolution`, [`set`, `resolution`, `zqm36lib@npm:^1.0.0`, `npm:1.0.1`]],
  ] as const) {
    it(`outside round 38 (A6): ${label} moves the root's range while its earlier release stays locked for another package (no orphan): refused, and the root's postinstall does not run it`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm36lib: `1.0.0`, zqm36dep: `1.0.0`, zqm38pin: `1.0.0`}, scripts: {postinstall: ownPostinstall}}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const manifest = JSON.parse(await app.readFile(`package.json`));
      manifest.dependencies.zqm36lib = `^1.0.0`;
      await app.writeJson(`package.json`, manifest);
      await app.writeFile(`yarn.lock`, (await app.readFile(`yarn.lock`)).replace(`zqm36lib: "npm:1.0.0"`, `zqm36lib: "npm:^1.0.0"`).replace(`"zqm36lib@npm:1.0.0":`, `"zqm36lib@npm:1.0.0, zqm36lib@npm:^1.0.0":`));
      assert.equal((await app.yarn([`install`])).code, 0);
      // A verified install: the record vouches for yarn.lock when the move starts.
      assert.equal((await app.yarn([`install`])).code, 0);
      const lockfile = await app.readFile(`yarn.lock`);

      const moved = await app.yarn([...move]);
      assert.deepEqual(await app.markers(), [], moved.output);
      assert.equal(moved.code, 1, moved.output);
      assert.match(moved.output, /zqm36lib@1\.0\.1 adds the bin zqm36x, which zqm36lib@1\.0\.0 did not have/, moved.output);
      assert.equal(await app.readFile(`yarn.lock`), lockfile, `yarn.lock was written`);
    });
  }

  for (const [label, name] of [[`moved to another folder`, `a`], [`moved and renamed`, `gen`]] as const) {
    it(`outside round 39 (B1): a workspace ${label} in the pull request that moves its dependency to a release that adds a bin: refused, and its postinstall does not run it`, async () => {
      const workspace = (dependency: string, workspaceName = `a`) => JSON.stringify({name: workspaceName, version: `1.0.0`, dependencies: {zqm36lib: dependency, zqm36dep: `1.0.0`}, scripts: {postinstall: ownPostinstall}});
      const app = await suite.project({manifest: {name: `app`, private: true, workspaces: [`packages/*`]}, files: {[`packages/a/package.json`]: workspace(`1.0.0`)}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const lockfile = await app.readFile(`yarn.lock`);
      await fs.rm(path.join(app.cwd, `packages/a`), {recursive: true, force: true});
      await fs.mkdir(path.join(app.cwd, `packages/gen`), {recursive: true});
      await app.writeFile(`packages/gen/package.json`, workspace(`1.0.1`, name));
      const install = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /zqm36lib@1\.0\.1 adds the bin zqm36x, which zqm36lib@1\.0\.0 did not have/, install.output);
      assert.equal(await app.readFile(`yarn.lock`), lockfile, `yarn.lock was written`);
    });
  }

  it(`outside round 40 (C1): a workspace moved into the folder another workspace held, which had the release that adds a bin: refused`, async () => {
    const workspace = (name: string, dependency: string) => JSON.stringify({name, version: `1.0.0`, dependencies: {zqm36lib: dependency}, scripts: name === `a` ? {postinstall: ownPostinstall} : {}});
    const app = await suite.project({manifest: {name: `app`, private: true, workspaces: [`packages/*`]}, files: {[`packages/a/package.json`]: workspace(`a`, `1.0.0`), [`packages/b/package.json`]: workspace(`b`, `1.0.1`)}});
    assert.equal((await app.yarn([`install`])).code, 0);
    await app.clearMarkers();
    const lockfile = await app.readFile(`yarn.lock`);
    // b leaves its folder, a takes it and moves to b's release.
    await fs.rm(path.join(app.cwd, `packages`), {recursive: true, force: true});
    await fs.mkdir(path.join(app.cwd, `packages/b`), {recursive: true});
    await fs.mkdir(path.join(app.cwd, `packages/b2`), {recursive: true});
    await app.writeFile(`packages/b/package.json`, workspace(`a`, `1.0.1`));
    await app.writeFile(`packages/b2/package.json`, workspace(`b`, `1.0.1`));
    const install = await app.yarn([`install`]);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqm36lib@1\.0\.1 adds the bin zqm36x, which zqm36lib@1\.0\.0 did not have/, install.output);
    assert.equal(await app.readFile(`yarn.lock`), lockfile, `yarn.lock was written`);
  });

  it(`outside round 40 (C2): a workspace without a name (Yarn names it after its folder) moved, with its dependency moved to the release the root has, which adds a bin: refused`, async () => {
    const workspace = (dependency: string) => JSON.stringify({version: `1.0.0`, dependencies: {zqm36lib: dependency}, scripts: {postinstall: ownPostinstall}});
    const app = await suite.project({manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {zqm36lib: `1.0.1`}}, files: {[`packages/a/package.json`]: workspace(`1.0.0`)}});
    assert.equal((await app.yarn([`install`])).code, 0);
    await app.clearMarkers();
    const lockfile = await app.readFile(`yarn.lock`);
    await fs.rm(path.join(app.cwd, `packages/a`), {recursive: true, force: true});
    await fs.mkdir(path.join(app.cwd, `packages/codegen`), {recursive: true});
    await app.writeFile(`packages/codegen/package.json`, workspace(`1.0.1`));
    const install = await app.yarn([`install`]);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqm36lib@1\.0\.1 adds the bin zqm36x, which zqm36lib@1\.0\.0 did not have/, install.output);
    assert.equal(await app.readFile(`yarn.lock`), lockfile, `yarn.lock was written`);
  });

  it(`the other way: a workspace moved without a change of its dependencies installs`, async () => {
    const workspace = JSON.stringify({version: `1.0.0`, dependencies: {zqm36lib: `1.0.0`}, scripts: {postinstall: ownPostinstall}});
    const app = await suite.project({manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {zqm36lib: `1.0.1`}}, files: {[`packages/a/package.json`]: workspace}});
    assert.equal((await app.yarn([`install`])).code, 0);
    await fs.rename(path.join(app.cwd, `packages/a`), path.join(app.cwd, `packages/codegen`));
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
  });

  it(`outside round 38 (A4): a release new to the lockfile that adds a bin, with its pins line in the same pull request: still refused before it is downloaded`, async () => {
    // The project has zqm36lib@1.0.0 only as a dependency of zqm38pin: the root's new dependency is new to it.
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm38pin: `1.0.0`}, scripts: {postinstall: ownPostinstall}}});
    assert.equal((await app.yarn([`install`])).code, 0);
    const lockfile = await app.readFile(`yarn.lock`);
    const manifest = JSON.parse(await app.readFile(`package.json`));
    manifest.dependencies.zqm36lib = `1.0.1`;
    await app.writeJson(`package.json`, manifest);
    const integrity = `sha512-${createHash(`sha512`).update(await suite.registry.tarball(`zqm36lib`, `1.0.1`)).digest(`base64`)}`;
    await app.writeFile(`yarn-trust.pins`, `${(await app.readFile(`yarn-trust.pins`)).trimEnd()}\nzqm36lib@1.0.1 ${integrity} -\n`);
    const install = await app.yarn([`install`]);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqm36lib@1\.0\.1 adds the bin zqm36x, which zqm36lib@1\.0\.0 did not have/, install.output);
    assert.equal(await app.readFile(`yarn.lock`), lockfile, `yarn.lock was written`);
  });

  it(`round 37 (M2), the other way: yarn dedupe to a release with the same bins installs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm36tool: `1.0.0`, zqm36lib: `1.0.0`}}});
    assert.equal((await app.yarn([`install`])).code, 0);
    const manifest = JSON.parse(await app.readFile(`package.json`));
    manifest.dependencies = {zqm36tool: `^1.0.0`, zqm36lib: `1.0.0`, zqm37tooldep: `1.0.0`};
    await app.writeJson(`package.json`, manifest);
    await app.writeFile(`yarn.lock`, (await app.readFile(`yarn.lock`)).replace(`"zqm36tool@npm:1.0.0":`, `"zqm36tool@npm:^1.0.0":`).replace(`zqm36tool: "npm:1.0.0"`, `zqm36tool: "npm:^1.0.0"`));
    assert.equal((await app.yarn([`install`])).code, 0);
    const dedupe = await app.yarn([`dedupe`]);
    assert.equal(dedupe.code, 0, dedupe.output);
    assert.doesNotMatch(await app.readFile(`yarn.lock`), /resolution: "zqm36tool@npm:1\.0\.0"/);
  });

  it(`round 37 (M3): a dependency declared as node_modules ships a .bin folder, which npm puts on the PATH of an approved build's npm run: refused, and nothing runs`, async () => {
    const {app} = await suite.approvedProject({zqm36npm: `1.0.0`}, [`zqm36npm`]);
    for (const key of [`node_modules`, `@zq/node_modules`]) {
      const manifest = JSON.parse(await app.readFile(`package.json`));
      manifest.dependencies = {zqm36npm: `1.0.0`, [key]: `npm:zqm37dot@1.0.0`};
      await app.writeJson(`package.json`, manifest);
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
      const install = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.ok(install.output.includes(`is installed under the key ${key}, a folder named node_modules`), install.output);
    }
  });

  /** zqm37mc's registry manifest loses its bin; the package.json in its archive keeps it. */
  const hideBin = () => suite.registry.editPackument(`zqm37mc`, document => {
    delete document.versions[`1.0.0`].bin;
  });

  it(`in-house round 37: a bin that only the archive's package.json declares (its registry manifest has none), run by an approved build's npm run: refused, and nothing runs`, async () => {
    await hideBin();
    const {app} = await suite.approvedProject({zqm36npm: `1.0.0`}, [`zqm36npm`]);

    // The pull request adds a package whose bin zqm36bin (which the approved build starts by a name built
    // at run time) Yarn's resolution does not know, while the linker puts it on npm's PATH.
    const manifest = JSON.parse(await app.readFile(`package.json`));
    manifest.dependencies.zqm37mc = `1.0.0`;
    await app.writeJson(`package.json`, manifest);
    await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
    const install = await app.yarn([`install`]);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /the linker linked zqm36bin to cli\.js of zqm37mc@npm:1\.0\.0, a bin its registry manifest does not declare/, install.output);
  });

  it(`in-house round 37: the project's own npm run under such a bin: named as a limit by yarn trust check`, async () => {
    await hideBin();
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm37mc: `1.0.0`}, scripts: {postinstall: `npm run --silent go`, go: `echo go`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    const check = await app.yarn([`trust`, `check`]);
    assert.match(check.output, /app@workspace:\.: not followed in its own install scripts[^\n]*the linker linked zqm36bin to cli\.js of zqm37mc@npm:1\.0\.0, a bin its registry manifest does not declare/, check.output);
  });

  it(`the project's own postinstall that npx would download a tool for: named as a limit by yarn trust check, not dropped`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, scripts: {postinstall: `npx --no-install zqm37absent || true`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    const check = await app.yarn([`trust`, `check`]);
    assert.match(check.output, /app@workspace:\.: not followed in its own install scripts[^\n]*npx zqm37absent: no dependency provides zqm37absent[^\n]*\(the project's own code: stated, not refused\)/, check.output);
  });

  it(`a dependency's code reached from an approved build that runs npx of a tool no package provides: refused, as in the build's own scripts`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm37npxroot: `1.0.0`}}});
    await app.yarn([`install`]);
    assert.equal((await app.yarn([`trust`, `approve`, `zqm37npxroot`])).code, 0);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqm37helper@npm:1\.0\.0 is run at install time by other packages, but what runs cannot be bound to an approval: npx zqm37absent: no dependency provides zqm37absent, so npx would download and run the registry's current zqm37absent/, install.output);
  });

  it(`a dependency's build that runs code of a workspace, which runs npx of a tool no package provides: the dependency is refused`, async () => {
    const app = await suite.project({
      manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {zqm37wsreach: `1.0.0`}},
      files: {
        [`packages/ws/package.json`]: JSON.stringify({name: `zqm37ws`, version: `1.0.0`, main: `index.js`}),
        [`packages/ws/index.js`]: `require('child_process').execSync('npx --no-install zqm37absent || true', {stdio: 'inherit'});\n`,
      },
    });
    await app.yarn([`install`]);
    const approve = await app.yarn([`trust`, `approve`, `zqm37wsreach`]);
    assert.notEqual(approve.code, 0, approve.output);
    assert.match(approve.output, /zqm37ws@workspace:packages\/ws: npx zqm37absent: no dependency provides zqm37absent/, approve.output);
  });

  it(`in-house round 38: a bin only the archive declares, in a nested node_modules/.bin that npm puts on the PATH of an approved build's npm run: refused, and nothing runs`, async () => {
    await hideBin();
    // The project's own zqm37mc (an alias) takes node_modules/zqm37mc: the build's copy is nested in its folder.
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm37npmdep: `1.0.0`, zqm37mc: `npm:zqm36tool@1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqm37npmdep`, /npm puts node_modules\/zqm37npmdep\/node_modules\/\.bin on the PATH of what it runs, where the linker linked zqm36bin to cli\.js of zqm37mc@npm:1\.0\.0, a bin its registry manifest does not declare/);
  });

  it(`outside round 38 (A7): an approved build in a workspace's node_modules runs npm, which finds a bin in packages/node_modules/.bin: refused, and nothing runs`, async () => {
    const {app} = await suite.approvedProjectFrom({
      manifest: {name: `app`, private: true, workspaces: [`packages/*`]},
      files: {[`packages/a/package.json`]: JSON.stringify({name: `a`, version: `1.0.0`, dependencies: {zqm36npm: `1.0.0`}})},
      yarnrc: {nmHoistingLimits: `workspaces`},
    }, [`zqm36npm`]);
    assert.ok(await app.exists(`packages/a/node_modules/zqm36npm`));
    // The pull request force-adds a file there (or a stray npm install left it).
    await fs.mkdir(path.join(app.cwd, `packages/node_modules/.bin`), {recursive: true});
    await fs.writeFile(path.join(app.cwd, `packages/node_modules/.bin/zqm36bin`), `#!/usr/bin/env node\n${PWN(`m38-between-bin-ran`)}`, {mode: 0o755});
    await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
    await fs.rm(path.join(app.cwd, `packages/a/node_modules`), {recursive: true, force: true});
    const install = await app.yarn([`install`]);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /npm puts packages\/node_modules\/\.bin on the PATH of what it runs, where zqm36bin is a file where the linker only makes links/, install.output);
  });

  it(`outside round 38 (A8): a bin only the archive declares, in a portal folder's node_modules/.bin, run by an approved build's npm run there: refused, and nothing runs`, async () => {
    await hideBin();
    const app = await suite.project({
      manifest: {name: `app`, private: true, dependencies: {tool: `portal:./vendor/tool`}},
      files: {[`vendor/tool/package.json`]: JSON.stringify({name: `tool`, version: `1.0.0`, dependencies: {zqm36npm: `1.0.0`, zqm37mc: `1.0.0`}})},
      yarnrc: {nmHoistingLimits: `dependencies`},
    });
    await assertRefusedEvenAfterApproval(app, `zqm36npm`, /npm puts vendor\/tool\/node_modules\/\.bin on the PATH of what it runs, where the linker linked zqm36bin to cli\.js of zqm37mc@npm:1\.0\.0, a bin its registry manifest does not declare/);
  });

  it(`outside round 38 (A10): a package whose binding.gyp is a folder runs node-gyp rebuild as Yarn sees it: yarn trust check lists it for review instead of saying nothing runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm38gyp: `1.0.0`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    const check = await app.yarn([`trust`, `check`]);
    assert.equal(check.code, 1, check.output);
    assert.match(check.output, /zqm38gyp@npm:1\.0\.0/, check.output);
    assert.doesNotMatch(check.output, /no package of this project runs any/, check.output);
  });

  it(`outside round 41 (D1): under the pnpm linker, an approved build that runs npm has a dependency under the key .bin, a folder npm puts on its PATH: refused, and nothing runs`, async () => {
    // The attacker's next release: the same files, a dependency in its registry manifest only.
    await suite.registry.editPackument(`zqm38npmdot`, document => {
      document.versions[`1.0.1`].dependencies = {[`.bin`]: `npm:zqm38dotbin@1.0.0`};
    });
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zqm38npmdot: `1.0.0`}}, yarnrc: {nodeLinker: `pnpm`}}, [`zqm38npmdot`]);
    const up = await app.yarn([`up`, `zqm38npmdot@1.0.1`]);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqm38dotbin@npm:1\.0\.0 is installed under the key \.bin, a folder named \.bin/, up.output);
  });
});
