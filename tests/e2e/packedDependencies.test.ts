/**
 * Git dependencies, end to end: a repository served by `git daemon` on
 * loopback (Yarn refuses `git+file:` URLs: it derives network settings from
 * the URL's host), whose scripts write marker files when Yarn packs it.
 */
import {strict as assert} from 'assert';
import {type ChildProcess, execFileSync, spawn} from 'child_process';
import {promises as fs} from 'fs';
import * as os from 'os';
import * as path from 'path';

import {type Registry, type TestProject, freePort, makeProject, plain, scripted, startRegistry, waitForPort} from './harness';

/** Each script of the repository leaves `gitpkg-<event>` in TRUST_MARKERS. */
function markerScript(event: string) {
  return `node -e "require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS, 'gitpkg-${event}'), '')"`;
}

describe(`git dependencies (e2e)`, function() {
  this.timeout(180_000);

  let registry: Registry;
  let base: string;
  let repo: string;
  let url: string;
  let daemon: ChildProcess | null = null;
  const projects: TestProject[] = [];

  const git = (...args: string[]) => execFileSync(`git`, args, {cwd: repo, encoding: `utf8`, env: {...process.env, GIT_AUTHOR_NAME: `t`, GIT_AUTHOR_EMAIL: `t@example.com`, GIT_COMMITTER_NAME: `t`, GIT_COMMITTER_EMAIL: `t@example.com`}}).trim();

  async function commit(version: string) {
    await fs.writeFile(path.join(repo, `package.json`), JSON.stringify({
      name: `gitpkg`,
      version,
      // Pack-time scripts only: an install script would also meet the script gate.
      scripts: {prepare: markerScript(`prepare`), prepack: markerScript(`prepack`)},
    }, null, 2));
    await fs.writeFile(path.join(repo, `index.js`), `module.exports = ${JSON.stringify(version)};\n`);
    git(`add`, `-A`);
    git(`commit`, `-q`, `-m`, version);
    return git(`rev-parse`, `HEAD`);
  }

  async function project(dependencies: Record<string, string>) {
    const created = await makeProject({
      registry,
      manifest: {name: `app`, private: true, dependencies},
      yarnrc: {approvedGitRepositories: [`git://127.0.0.1:*/**`]},
    });
    projects.push(created);
    return created;
  }

  before(async function() {
    base = await fs.mkdtemp(path.join(os.tmpdir(), `trust-git-`));
    repo = path.join(base, `gitpkg`);
    await fs.mkdir(repo);
    git(`init`, `-q`, `-b`, `main`);
    await commit(`1.0.0`);

    const port = await freePort();
    daemon = spawn(`git`, [`daemon`, `--export-all`, `--reuseaddr`, `--listen=127.0.0.1`, `--port=${port}`, `--base-path=${base}`, base], {stdio: `ignore`});
    await waitForPort(port, `git daemon`);
    url = `git://127.0.0.1:${port}/gitpkg`;

    registry = await startRegistry({name: `packed`});
    await registry.publishAll([
      plain(`git-wrapper`, `1.0.0`, {dependencies: {gitpkg: url}}),
      scripted(`post-pkg`, `1.0.0`, {postinstall: true}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
    daemon?.kill();
    if (base !== undefined && process.env.TRUST_E2E_KEEP !== `1`)
      await fs.rm(base, {recursive: true, force: true});
  });

  describe(`when a workspace depends on a git repository that approvedGitRepositories allows`, () => {
    let app: TestProject;
    let first: string;

    before(async () => {
      first = git(`rev-parse`, `HEAD`);
      app = await project({gitpkg: url});
    });

    it(`refuses it at resolution, before it is cloned or packed, and prints the command that approves its commit`, async () => {
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /gitpkg@git:\/\/127\.0\.0\.1:\d+\/gitpkg is a git dependency/);
      assert.ok(install.output.includes(`yarn trust approve-git ${url}#${first}`), install.output);
      assert.doesNotMatch(install.output, /Fetch step/);
      assert.deepEqual(await app.markers(), []);
    });

    it(`installs it once approved at that commit`, async () => {
      const approve = await app.yarn([`trust`, `approve-git`, `${url}#${first}`, `--reason`, `reviewed`]);
      assert.equal(approve.code, 0, approve.output);
      const trust = await app.readJson(`yarn-trust.json`);
      assert.deepEqual(Object.keys(trust.gitDependencies), [url]);
      assert.equal(trust.gitDependencies[url].approvals[0].commit, first);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.equal(JSON.parse(await app.readFile(`node_modules/gitpkg/package.json`)).version, `1.0.0`);
      // Packing ran the repository's scripts: the markers can appear, so their absence above means something.
      assert.ok((await app.markers()).includes(`gitpkg-prepack`), install.output);

      const check = await app.yarn([`trust`, `check`]);
      assert.doesNotMatch(check.output, /git dependency/);
    });

    it(`refuses a new commit of the approved branch`, async () => {
      const second = await commit(`1.1.0`);
      await app.clearMarkers();
      await fs.rm(path.join(app.cwd, `yarn.lock`));
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.ok(install.output.includes(`found: ${second}`), install.output);
      assert.ok(install.output.includes(`only at ${first}`), install.output);
      assert.deepEqual(await app.markers(), []);
    });

    it(`approves the locked commit by name`, async () => {
      const approve = await app.yarn([`trust`, `approve-git`, `gitpkg`]);
      assert.equal(approve.code, 0, approve.output);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.equal(JSON.parse(await app.readFile(`node_modules/gitpkg/package.json`)).version, `1.1.0`);
    });
  });

  describe(`when a registry package depends on the git repository`, () => {
    it(`refuses the transitive git dependency too`, async () => {
      const app = await project({[`git-wrapper`]: `1.0.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /git-wrapper@npm:1\.0\.0 › gitpkg@git:\/\/127\.0\.0\.1:\d+\/gitpkg is a git dependency/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when yarn.lock holds a git dependency that the trust file does not approve`, () => {
    it(`yarn trust check lists it without fetching it`, async () => {
      const head = git(`rev-parse`, `HEAD`);
      const app = await project({gitpkg: url});
      assert.equal((await app.yarn([`trust`, `approve-git`, `${url}#${head}`])).code, 0);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      await fs.rm(path.join(app.cwd, `yarn-trust.json`));
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true});
      await fs.rm(app.cacheDir, {recursive: true});
      await app.clearMarkers();

      const check = await app.yarn([`trust`, `check`]);
      assert.equal(check.code, 1, check.output);
      assert.match(check.output, /gitpkg@git:\/\/127\.0\.0\.1:\d+\/gitpkg#commit=[0-9a-f]{40} is a git dependency/);
      assert.deepEqual(await app.markers(), []);
    });

    it(`yarn trust status, approve and deny refuse it without fetching it`, async () => {
      const head = git(`rev-parse`, `HEAD`);
      const app = await project({gitpkg: url});
      assert.equal((await app.yarn([`trust`, `approve-git`, `${url}#${head}`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      await fs.rm(path.join(app.cwd, `yarn-trust.json`));
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true});
      await fs.rm(app.cacheDir, {recursive: true});
      await app.clearMarkers();

      for (const args of [[`trust`, `status`], [`trust`, `approve`, `gitpkg`], [`trust`, `deny`, `gitpkg`]]) {
        const result = await app.yarn(args);
        assert.equal(result.code, 1, `${args.join(` `)}: ${result.output}`);
        assert.match(result.output, /is a git dependency/, args.join(` `));
        assert.deepEqual(await app.markers(), [], args.join(` `));
      }
    });
  });

  describe(`when an approved git dependency was packed and another package is refused`, () => {
    it(`does not claim that no install script has run`, async () => {
      const head = git(`rev-parse`, `HEAD`);
      const app = await project({gitpkg: url, [`post-pkg`]: `1.0.0`});
      assert.equal((await app.yarn([`trust`, `approve-git`, `${url}#${head}`])).code, 0);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /1 package was refused by yarn-plugin-trust/);
      assert.doesNotMatch(install.output, /no install script has run/);
      assert.match(install.output, /Yarn ran the scripts of the approved git dependency gitpkg@git:/);
    });
  });
});
