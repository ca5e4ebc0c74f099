/**
 * Release trust: a name new to the lockfile that looks like a typo of a
 * popular package, or that was created on its registry hours ago, is refused
 * before anything of it is downloaded; `yarn trust allow` accepts it after a
 * review. The registry's answers are hand-edited in Verdaccio's storage:
 * maintainers, descriptions, repositories and publication times.
 */
import {strict as assert} from 'assert';

import {type Registry, type TestProject, assertCleanButNoFeed, makeProject, plain, startRegistry} from './harness';

const HOUR_MS = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR_MS).toISOString();
const LODASH_DESCRIPTION = `Lodash modular utilities.`;

describe(`release trust: new names (e2e)`, function() {
  this.timeout(240_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  async function project(dependencies: Record<string, string> = {}, yarnrc: Record<string, unknown> = {}) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, dependencies}});
    projects.push(created);
    // The plugin's own settings only once the plugin is imported.
    if (Object.keys(yarnrc).length > 0)
      await created.updateYarnrc(yarnrc);
    return created;
  }

  async function assertNotDownloaded(name: string, since: number) {
    assert.equal((await registry.requestsFor(name, {since})).tarball, 0, `${name} was downloaded`);
  }

  before(async function() {
    registry = await startRegistry({name: `release-trust`});
    await registry.publishAll([
      // The popular package and a copy one swap away, with its description, published ten days ago.
      plain(`lodash`, `4.17.21`, {manifest: {description: LODASH_DESCRIPTION, repository: {type: `git`, url: `git+https://github.com/lodash/lodash.git`}}}),
      plain(`lodahs`, `4.17.21`, {manifest: {description: LODASH_DESCRIPTION}, publishedAt: ago(240), files: {[`index.js`]: `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', 'lodahs-ran'), 'x');\n`}}),
      // An established neighbour of express: its own repository and description, years old.
      plain(`express`, `4.21.2`, {manifest: {description: `Fast, unopinionated, minimalist web framework`, repository: `expressjs/express`}}),
      plain(`expressa`, `1.0.0`, {manifest: {description: `Build REST APIs from schemas`, repository: `github:acme/expressa`}}),
      // Brand new, and a month-young name with one version and no repository.
      plain(`fresh-thing`, `1.0.0`, {publishedAt: ago(5)}),
      plain(`young-thing`, `1.0.0`, {publishedAt: ago(24 * 10)}),
      plain(`old-thing`, `1.0.0`),
      // Yarn rewrites edges to resolve (and typescript, fsevents) into its own compat patches.
      plain(`resolve`, `1.22.8`),
      plain(`old-thing`, `1.1.0`),
      // Depends by a registry range on a name that the project below has as a workspace.
      plain(`uses-wsutil`, `1.0.0`, {dependencies: {wsutil: `^1.0.0`}}),
    ]);
    // npm records the publishing user as the maintainer of every fixture: give
    // the popular packages maintainers of their own.
    for (const name of [`lodash`, `express`])
      await registry.editPackument(name, doc => { doc.maintainers = [{name: `${name}-team`, email: `team@example.com`}]; });
    for (const name of [`lodahs`, `expressa`])
      await registry.editPackument(name, doc => { doc.maintainers = [{name: `someone-else`, email: `x@example.com`}]; });
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`a typo of a popular name`, () => {
    it(`is refused before it is downloaded, with "did you mean" and the command that allows it`, async () => {
      const app = await project();
      const since = await registry.markLog();
      const add = await app.yarn([`add`, `lodahs@4.17.21`]);
      assert.equal(add.code, 1, add.output);
      assert.match(add.output, /lodahs looks like a typo of the popular package lodash/);
      assert.match(add.output, /it reuses lodash's description/);
      assert.match(add.output, /Did you mean lodash\?/);
      assert.match(add.output, /yarn trust allow lodahs --reason/);
      await assertNotDownloaded(`lodahs`, since);
      assert.equal(await app.exists(`node_modules/lodahs`), false);
      assert.doesNotMatch(await app.readFile(`package.json`), /lodahs/);
    });

    it(`is refused behind an alias, under the name it is installed as`, async () => {
      const app = await project({lodash: `npm:lodahs@4.17.21`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /lodahs looks like a typo of the popular package lodash/);
      assert.equal(await app.exists(`node_modules/lodash`), false);
    });

    it(`installs once allowed, and the allowance is in the trust file`, async () => {
      const app = await project();
      const allow = await app.yarn([`trust`, `allow`, `lodahs`, `--reason`, `our fork, checked its publisher`]);
      assert.equal(allow.code, 0, allow.output);
      const trust = JSON.parse(await app.readFile(`yarn-trust.json`));
      assert.deepEqual(trust.releases.lodahs[0].findings, [`typosquat`, `new-name`]);
      const add = await app.yarn([`add`, `lodahs@4.17.21`]);
      assert.equal(add.code, 0, add.output);
      assert.equal(await app.exists(`node_modules/lodahs/index.js`), true);
    });

    it(`clears an established neighbour with its own repository and description`, async () => {
      const app = await project();
      const add = await app.yarn([`add`, `expressa@1.0.0`]);
      assert.equal(add.code, 0, add.output);
    });

    it(`does not judge names again on an install from an unchanged lockfile`, async () => {
      const app = await project();
      assert.equal((await app.yarn([`trust`, `allow`, `lodahs`, `--reason`, `r`])).code, 0);
      assert.equal((await app.yarn([`add`, `lodahs@4.17.21`])).code, 0);
      // The allowance leaves; the locked name stays installed, without a question to the registry.
      await app.writeFile(`yarn-trust.json`, `{"version": 1, "packages": {}}\n`);
      await app.yarn([`cache`, `clean`]);
      const since = await registry.markLog();
      const install = await app.yarn([`install`, `--immutable`]);
      assert.equal(install.code, 0, install.output);
      assert.equal((await registry.requestsFor(`lodash`, {since})).metadata, 0);
      // Without the lockfile every name is new again: refused.
      await app.writeFile(`yarn.lock`, ``);
      const fresh = await app.yarn([`install`]);
      assert.equal(fresh.code, 1, fresh.output);
      assert.match(fresh.output, /lodahs looks like a typo/);
    });
  });

  describe(`an install from an unchanged lockfile`, () => {
    it(`asks the registry nothing, edges that Yarn patches included; a new version of a locked name is no new name`, async () => {
      const app = await project({resolve: `1.22.8`, [`old-thing`]: `1.0.0`});
      assert.equal((await app.yarn([`install`])).code, 0);
      const since = await registry.markLog();
      const again = await app.yarn([`install`]);
      assert.equal(again.code, 0, again.output);
      assert.deepEqual(await registry.requestLog({since}), []);
      // Moving a locked name to a new version asks only what Yarn asks itself.
      const up = await app.yarn([`up`, `old-thing@1.1.0`]);
      assert.equal(up.code, 0, up.output);
      assert.doesNotMatch(up.output, /is new to this project/);
    });
  });

  describe(`a registry range that Yarn resolves to one of the project's workspaces`, () => {
    it(`is no new name: the install after the first asks the registry nothing`, async () => {
      const app = await makeProject({
        registry,
        manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {[`uses-wsutil`]: `1.0.0`}},
        files: {[`packages/wsutil/package.json`]: `{"name": "wsutil", "version": "1.0.0"}\n`},
      });
      projects.push(app);
      const first = await app.yarn([`install`]);
      assert.equal(first.code, 0, first.output);
      assert.match(await app.readFile(`yarn.lock`), /wsutil@workspace:packages\/wsutil/);
      const since = await registry.markLog();
      const again = await app.yarn([`install`]);
      assert.equal(again.code, 0, again.output);
      assert.deepEqual(await registry.requestLog({since}), []);
    });
  });

  describe(`yarn trust check`, () => {
    it(`judges every locked name: a typo locked before is an error until allowed`, async () => {
      const app = await project();
      assert.equal((await app.yarn([`trust`, `allow`, `lodahs`, `--reason`, `r`])).code, 0);
      assert.equal((await app.yarn([`add`, `lodahs@4.17.21`, `expressa@1.0.0`])).code, 0);
      const clean = await app.yarn([`trust`, `check`]);
      assertCleanButNoFeed(clean);
      assert.match(clean.output, /Release trust: 2 registry name\(s\) judged, none a typo of a popular package \(1 allowed in .*yarn-trust.json\)/);

      // The allowance is dropped (a reverted commit, a hand edit): check finds the locked typo.
      await app.writeFile(`yarn-trust.json`, `{"version": 1, "packages": {}}\n`);
      const check = await app.yarn([`trust`, `check`]);
      assert.equal(check.code, 1, check.output);
      assert.match(check.output, /lodahs looks like a typo of the popular package lodash/);
      assert.doesNotMatch(check.output, /expressa looks like/);
      const json = await app.yarn([`trust`, `check`, `--json`]);
      const lines = json.stdout.trim().split(`\n`).map(line => JSON.parse(line));
      assert.deepEqual(lines.filter(line => line.check === `releases`).map(line => [line.kind, line.name, line.target]), [[`typosquat`, `lodahs`, `lodash`]]);
      assert.equal(lines[lines.length - 1].summary.releases, 1);
    });

    it(`reports a suspect it could not ask the registry about as not checked`, async () => {
      const app = await project();
      assert.equal((await app.yarn([`trust`, `allow`, `lodahs`, `--reason`, `r`])).code, 0);
      assert.equal((await app.yarn([`add`, `lodahs@4.17.21`])).code, 0);
      await app.writeFile(`yarn-trust.json`, `{"version": 1, "packages": {}}\n`);
      await app.updateYarnrc({npmRegistryServer: `http://127.0.0.1:9`});
      const check = await app.yarn([`trust`, `check`]);
      assert.equal(check.code, 1, check.output);
      assert.match(check.output, /lodahs looks like a typo of a popular name and could not be judged/);
    });
  });

  describe(`a brand-new name`, () => {
    it(`is refused with its age and the setting, before it is downloaded`, async () => {
      const app = await project();
      const since = await registry.markLog();
      const add = await app.yarn([`add`, `fresh-thing@1.0.0`]);
      assert.equal(add.code, 1, add.output);
      assert.match(add.output, /fresh-thing is too new to install: the name was created [45] hours ago, on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC; the minimum age is 72 hours/);
      assert.match(add.output, /yarn trust allow fresh-thing --reason/);
      assert.match(add.output, /trustMinimumNameAge: 0/);
      await assertNotDownloaded(`fresh-thing`, since);
    });

    it(`installs when allowed, or with a shorter minimum age, or with the check off`, async () => {
      for (const yarnrc of [{trustMinimumNameAge: `4h`}, {trustMinimumNameAge: 0}]) {
        const app = await project({}, yarnrc);
        const add = await app.yarn([`add`, `fresh-thing@1.0.0`]);
        assert.equal(add.code, 0, `${JSON.stringify(yarnrc)}\n${add.output}`);
      }
      const app = await project();
      assert.equal((await app.yarn([`trust`, `allow`, `fresh-thing`, `--finding`, `new-name`, `--reason`, `ours`])).code, 0);
      const add = await app.yarn([`add`, `fresh-thing@1.0.0`]);
      assert.equal(add.code, 0, add.output);
    });

    it(`warns about a name younger than 30 days, and says nothing about an old one`, async () => {
      const app = await project();
      const add = await app.yarn([`add`, `young-thing@1.0.0`, `old-thing@1.0.0`]);
      assert.equal(add.code, 0, add.output);
      assert.match(add.output, /young-thing is new to this project and the name was created 10 days ago/);
      assert.doesNotMatch(add.output, /old-thing is new/);
    });
  });

  describe(`yarn trust allow`, () => {
    it(`refuses a missing reason, a range and a release finding without a version`, async () => {
      const app = await project();
      for (const [args, pattern] of [
        [[`trust`, `allow`, `lodahs`], /--reason/],
        [[`trust`, `allow`, `lodahs@^4.0.0`, `--reason`, `r`], /is not an exact version/],
        [[`trust`, `allow`, `lodahs`, `--finding`, `signature`, `--reason`, `r`], /is about one release: name the version/],
        [[`trust`, `allow`, `lodahs`, `--finding`, `typo`, `--reason`, `r`], /expected one of typosquat, new-name, trust-downgrade, new-bin, signature/],
      ] as const) {
        const result = await app.yarn([...args]);
        assert.notEqual(result.code, 0, result.output);
        assert.match(result.output, pattern);
      }
      assert.equal(await app.exists(`yarn-trust.json`), false);
    });
  });
});
