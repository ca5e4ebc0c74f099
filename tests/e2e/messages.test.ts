/**
 * Every refusal a user can hit, as the real Yarn 4.18.1 with the built bundle prints it, compared with
 * a snapshot per case (tests/e2e/snapshots/<case>.txt; TRUST_UPDATE_SNAPSHOTS=1 rewrites them). Where
 * it is cheap, a case then does what a newcomer would: run the command the message prints, install
 * again, and expect a clean install. One Verdaccio serves every case; a second route to it
 * (`localhost` instead of `127.0.0.1`) stands for a company's internal registry.
 */
import {strict as assert} from 'assert';
import {type ChildProcess, execFileSync, spawn} from 'child_process';
import {promises as fs} from 'fs';
import * as os from 'os';
import * as path from 'path';

import {
  type Registry, type TestProject, type YarnOptions, freePort, makeProject, markerName, matchSnapshot, plain, printedCommand, scripted, startRegistry, waitForPort,
} from './harness';
import {makeSigner} from '../tools/signing';

const HOUR_MS = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR_MS).toISOString();
const MARK = (name: string) => `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', '${name}'), 'x');\n`;
const LODASH_DESCRIPTION = `Lodash modular utilities.`;
/** Fixed commit dates make the commit hashes of the git fixture the same on every run. */
const GIT_ENV = {GIT_AUTHOR_NAME: `t`, GIT_AUTHOR_EMAIL: `t@example.com`, GIT_COMMITTER_NAME: `t`, GIT_COMMITTER_EMAIL: `t@example.com`, GIT_AUTHOR_DATE: `2020-01-01T00:00:00Z`, GIT_COMMITTER_DATE: `2020-01-01T00:00:00Z`};
const FEED = `malware-feed`;

describe(`refusal messages (e2e snapshots)`, function() {
  this.timeout(300_000);

  let registry: Registry;
  let gitBase: string;
  let gitUrl: string;
  let daemon: ChildProcess | null = null;
  let feedPin: Record<string, string>;
  const projects: Array<TestProject> = [];

  async function project(manifest: Record<string, unknown>, options: {yarnrc?: Record<string, unknown>, files?: Record<string, string>, cacheDir?: string, registry?: Registry} = {}) {
    // Yarn refuses settings it does not know yet: the plugin's own are added once it is imported.
    const yarnrc = options.yarnrc ?? {};
    const yarnSettings = Object.fromEntries(Object.entries(yarnrc).filter(([key]) => !key.startsWith(`trust`)));
    const pluginSettings = Object.fromEntries(Object.entries(yarnrc).filter(([key]) => key.startsWith(`trust`)));
    const created = await makeProject({registry: options.registry ?? registry, manifest: {name: `app`, private: true, ...manifest}, yarnrc: yarnSettings, files: options.files, cacheDir: options.cacheDir});
    projects.push(created);
    if (Object.keys(pluginSettings).length > 0)
      await created.updateYarnrc(pluginSettings);
    return created;
  }

  async function setDependencies(app: TestProject, dependencies: Record<string, string>, extra: Record<string, unknown> = {}) {
    await app.writeJson(`package.json`, {...await app.readJson(`package.json`), dependencies, ...extra});
  }

  /** Runs `args`, expects exit code 1, and compares the output with snapshots/<name>.txt. */
  async function refusal(app: TestProject, name: string, args: Array<string>, options?: YarnOptions) {
    const result = await app.yarn(args, options);
    assert.equal(result.code, 1, result.output);
    await matchSnapshot(name, args, result);
    return result;
  }

  /** A newcomer's next steps: the printed command, then the refused command again, both clean. */
  async function follow(app: TestProject, output: string, prefix: string, again: Array<string> = [`install`]) {
    const command = printedCommand(output, prefix);
    const fix = await app.yarn(command);
    assert.equal(fix.code, 0, `yarn ${command.join(` `)}\n${fix.output}`);
    const retry = await app.yarn(again);
    assert.equal(retry.code, 0, `after yarn ${command.join(` `)}: yarn ${again.join(` `)}\n${retry.output}`);
    return command;
  }

  async function setUpGitRepository() {
    gitBase = await fs.mkdtemp(path.join(await fs.realpath(os.tmpdir()), `trust-e2e-git-`));
    const repo = path.join(gitBase, `gitpkg`);
    await fs.mkdir(repo);
    const git = (...args: Array<string>) => execFileSync(`git`, args, {cwd: repo, encoding: `utf8`, env: {...process.env, ...GIT_ENV}}).trim();
    git(`init`, `-q`, `-b`, `main`);
    await fs.writeFile(path.join(repo, `package.json`), `${JSON.stringify({name: `gitpkg`, version: `1.0.0`}, null, 2)}\n`);
    await fs.writeFile(path.join(repo, `index.js`), `module.exports = 1;\n`);
    git(`add`, `package.json`, `index.js`);
    git(`commit`, `-q`, `-m`, `1.0.0`);
    const port = await freePort();
    daemon = spawn(`git`, [`daemon`, `--export-all`, `--reuseaddr`, `--listen=127.0.0.1`, `--port=${port}`, `--base-path=${gitBase}`, gitBase], {stdio: `ignore`});
    await waitForPort(port, `git daemon`);
    gitUrl = `git://127.0.0.1:${port}/gitpkg`;
  }

  /** Builds a feed that reports evil-pkg@1.0.0 with `yarn trust feed build`, publishes it, returns its pin. */
  async function publishFeed() {
    const builder = await project({});
    const checkout = path.join(builder.root, `malicious-packages`);
    await fs.mkdir(path.join(checkout, `osv/malicious/npm/evil-pkg`), {recursive: true});
    await fs.writeFile(path.join(checkout, `osv/malicious/npm/evil-pkg/MAL-2026-100.json`), JSON.stringify({
      id: `MAL-2026-100`, modified: `2025-01-02T00:00:00Z`, published: `2025-01-01T00:00:00Z`, summary: `Steals npm tokens from the environment`,
      affected: [{package: {ecosystem: `npm`, name: `evil-pkg`}, versions: [`1.0.0`]}],
    }));
    const out = path.join(builder.root, `feed.gz`);
    const build = await builder.yarn([`trust`, `feed`, `build`, checkout, `--out`, out, `--source`, `messages-test`]);
    assert.equal(build.code, 0, build.output);
    await registry.publish({name: FEED, version: `2026.12.1`, files: {[`malware-feed.gz`]: await fs.readFile(out)}});
    const update = await builder.yarn([`trust`, `feed`, `update`, `--package`, FEED]);
    assert.equal(update.code, 0, update.output);
    return (await builder.yarnrc()).trustMalwareFeed as Record<string, string>;
  }

  before(async function() {
    registry = await startRegistry({name: `messages`});
    await setUpGitRepository();
    await registry.publishAll([
      // pending: a transitive package with an install script.
      scripted(`install-pkg`, `1.0.0`, {install: true}),
      plain(`wrapper`, `1.0.0`, {dependencies: {[`install-pkg`]: `1.0.0`}}),
      // changed: a new release changes install.js.
      plain(`changer`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: MARK(`changer-ran`)}}),
      plain(`changer`, `1.1.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `${MARK(`changer-ran`)}require('https');\n`}}),
      // changed shared dependency: code that two packages' install code requires.
      plain(`libdetect`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'glibc';\n`}}),
      plain(`libdetect`, `1.0.1`, {files: {[`index.js`]: `${MARK(`libdetect-hijack-ran`)}module.exports = 'glibc';\n`}}),
      scripted(`sharpish`, `1.0.0`, {postinstall: `node install.js`}, {dependencies: {libdetect: `^1.0.0`}, files: {[`install.js`]: `require('libdetect');\nrequire('./marker.js');\n`}}),
      scripted(`bcryptish`, `1.0.0`, {postinstall: `node install.js`}, {dependencies: {libdetect: `^1.0.0`}, files: {[`install.js`]: `require('libdetect');\nrequire('./marker.js');\n`}}),
      // shadowing bin: a helper's new release adds a bin named node.
      plain(`helper`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
      plain(`helper`, `1.1.0`, {files: {[`index.js`]: `module.exports = 1;\n`, [`evil.js`]: `#!/usr/bin/env node\n${MARK(`shadow-node-ran`)}`}, manifest: {bin: {node: `evil.js`}}}),
      scripted(`native`, `1.0.0`, {postinstall: true}, {dependencies: {helper: `1.0.0`}}),
      scripted(`native`, `1.0.1`, {postinstall: true}, {dependencies: {helper: `1.1.0`}}),
      // denied but built; denied but reached (an approved package's install runs the denied one's bin).
      scripted(`post-pkg`, `1.0.0`, {postinstall: true}),
      plain(`bin-tool`, `1.0.0`, {scripts: {postinstall: `node noop.js`}, manifest: {bin: {[`bin-tool`]: `cli.js`}}, files: {[`noop.js`]: `\n`, [`cli.js`]: `#!/usr/bin/env node\nconsole.log('bin-tool ran');\n`}}),
      plain(`bin-user`, `1.0.0`, {scripts: {postinstall: `bin-tool`}, dependencies: {[`bin-tool`]: `1.0.0`}}),
      // checksums.
      plain(`victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
      plain(`frozen`, `1.0.0`),
      plain(`offline`, `1.0.0`),
      // dependency confusion: the internal scope is routed to localhost, the "public" registry is 127.0.0.1.
      plain(`@corp/ui`, `1.0.0`),
      // release trust.
      plain(`lodash`, `4.17.21`, {manifest: {description: LODASH_DESCRIPTION, repository: {type: `git`, url: `git+https://github.com/lodash/lodash.git`}}}),
      plain(`lodahs`, `4.17.21`, {manifest: {description: LODASH_DESCRIPTION}, publishedAt: ago(240)}),
      plain(`fresh-thing`, `1.0.0`, {publishedAt: ago(5)}),
      // known malware.
      plain(`evil-pkg`, `1.0.0`),
      plain(`evil-pkg`, `1.0.1`),
      plain(`uses-evil`, `1.0.0`, {dependencies: {[`evil-pkg`]: `1.0.0`}}),
      plain(`uses-evil`, `1.0.1`, {dependencies: {[`evil-pkg`]: `1.0.1`}}),
      // git.
      plain(`git-wrapper`, `1.0.0`, {dependencies: {gitpkg: gitUrl}}),
    ]);
    await registry.editPackument(`lodash`, doc => { doc.maintainers = [{name: `lodash-team`, email: `team@example.com`}]; });
    await registry.editPackument(`lodahs`, doc => { doc.maintainers = [{name: `someone-else`, email: `x@example.com`}]; });
    feedPin = await publishFeed();
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
    daemon?.kill();
    if (gitBase !== undefined && process.env.TRUST_E2E_KEEP !== `1`)
      await fs.rm(gitBase, {recursive: true, force: true});
  });

  describe(`install-script gate`, () => {
    it(`pending: names the package, its scripts, the path from the workspace and the approve command`, async () => {
      const app = await project({dependencies: {wrapper: `1.0.0`}});
      const refused = await refusal(app, `pending`, [`install`]);
      await follow(app, refused.output, `trust approve`);
      assert.deepEqual(await app.markers(), [markerName(`install-pkg`, `1.0.0`, `install`)]);
    });

    it(`changed: a new release changes install.js`, async () => {
      const app = await project({dependencies: {changer: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `changer`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      await setDependencies(app, {changer: `1.1.0`});
      const refused = await refusal(app, `changed`, [`install`]);
      await follow(app, refused.output, `trust approve`);
    });

    it(`changed shared dependency: says whose code changed and through which path it runs`, async () => {
      const app = await project({dependencies: {sharpish: `1.0.0`, bcryptish: `1.0.0`}, resolutions: {libdetect: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `sharpish`, `bcryptish`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      await setDependencies(app, {sharpish: `1.0.0`, bcryptish: `1.0.0`}, {resolutions: {libdetect: `1.0.1`}});
      const refused = await refusal(app, `changed-shared-dependency`, [`install`]);
      await follow(app, refused.output, `trust approve`);
    });

    it(`shadowing bin: a dependency's bin named node`, async () => {
      const app = await project({dependencies: {native: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `native`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      await setDependencies(app, {native: `1.0.1`});
      // Release trust refuses the new bin first; allowed there, the gate refuses it as a shadowing bin.
      const newBin = await refusal(app, `new-bin`, [`install`]);
      const allow = await app.yarn(printedCommand(newBin.output, `trust allow`));
      assert.equal(allow.code, 0, allow.output);
      const refused = await refusal(app, `shadowing-bin`, [`install`]);
      // The way out that keeps the attack from running: deny the package whose install would run it.
      await follow(app, refused.output, `trust deny`);
      assert.ok(!(await app.markers()).includes(`shadow-node-ran`));
    });

    it(`denied but built: under enableScripts: true, the denial's built: false was removed from package.json`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}}, {yarnrc: {enableScripts: true}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `deny`, `post-pkg`, `--reason`, `its postinstall only prints a banner`])).code, 0);
      const manifest = await app.readJson(`package.json`);
      delete manifest.dependenciesMeta;
      await app.writeJson(`package.json`, manifest);
      const refused = await refusal(app, `denied-but-built`, [`install`]);
      await follow(app, refused.output, `trust deny`);
      assert.deepEqual(await app.markers(), []);
    });

    it(`denied but reached: an approved package's install runs the denied package's bin`, async () => {
      const app = await project({dependencies: {[`bin-user`]: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `bin-user`])).code, 0);
      assert.equal((await app.yarn([`trust`, `deny`, `bin-tool`, `--reason`, `its postinstall does nothing`])).code, 0);
      const refused = await refusal(app, `denied-but-reached`, [`install`]);
      // Either command it prints leads to a clean install: approving the denied package records what
      // its own install code reaches once it runs (the bins on its PATH), which denial had left out.
      await follow(app, refused.output, `trust approve`);
    });
  });

  describe(`checksums`, () => {
    it(`tampered archive: the registry serves other bytes than the pinned ones`, async () => {
      const app = await project({dependencies: {victim: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      await registry.tamperTarball(`victim`, `1.0.0`, plain(`victim`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'evil';\n`}}), {updateMetadata: true});
      const clone = await project({dependencies: {victim: `1.0.0`}}, {files: {[`yarn-trust.pins`]: await app.readFile(`yarn-trust.pins`)}});
      await refusal(clone, `tampered-archive`, [`install`]);
    });

    it(`missing pin under --immutable`, async () => {
      const app = await project({dependencies: {frozen: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const pins = await app.readFile(`yarn-trust.pins`);
      await app.writeFile(`yarn-trust.pins`, pins.split(`\n`).filter(line => !line.startsWith(`frozen@`)).join(`\n`));
      const refused = await refusal(app, `immutable-missing-pin`, [`install`, `--immutable`]);
      await follow(app, refused.output, `install`, [`install`, `--immutable`]);
    });

    it(`registry down: a tarball that needs its registry's integrity`, async () => {
      const plainInstall = await makeProject({registry, plugin: false, manifest: {name: `app`, private: true, dependencies: {offline: `1.0.0`}}});
      projects.push(plainInstall);
      assert.equal((await plainInstall.yarn([`install`])).code, 0);
      const deadPort = await freePort();
      const app = await project({dependencies: {offline: `1.0.0`}}, {files: {[`yarn.lock`]: await plainInstall.readFile(`yarn.lock`)}, cacheDir: plainInstall.cacheDir, yarnrc: {npmRegistryServer: `http://127.0.0.1:${deadPort}`}});
      await refusal(app, `registry-down`, [`install`]);
    });
  });

  describe(`dependency confusion`, () => {
    it(`internal name without a route to an internal registry`, async () => {
      const app = await project({dependencies: {[`@acme/secret`]: `1.0.0`}}, {yarnrc: {trustPublicRegistryServer: registry.url, trustInternalPackages: [`@acme/*`]}});
      await refusal(app, `confusion-no-route`, [`install`]);
    });

    it(`internal name that the public registry also has`, async () => {
      const internal = registry.url.replace(`127.0.0.1`, `localhost`);
      const app = await project({dependencies: {[`@corp/ui`]: `1.0.0`}}, {yarnrc: {
        npmScopes: {corp: {npmRegistryServer: internal}},
        unsafeHttpWhitelist: [`127.0.0.1`, `localhost`],
        networkSettings: {'*': {enableNetwork: false}, '127.0.0.1': {enableNetwork: true}, localhost: {enableNetwork: true}},
        trustPublicRegistryServer: registry.url,
      }});
      const refused = await refusal(app, `confusion-collision`, [`install`]);
      await follow(app, refused.output, `trust acknowledge`);
    });
  });

  describe(`release trust`, () => {
    it(`typosquat: a name one slip away from a popular one`, async () => {
      const app = await project({});
      const refused = await refusal(app, `typosquat`, [`add`, `lodahs@4.17.21`]);
      await follow(app, refused.output, `trust allow`, [`add`, `lodahs@4.17.21`]);
    });

    it(`new name: created hours ago (trustMinimumNameAge)`, async () => {
      const app = await project({});
      const refused = await refusal(app, `new-name`, [`add`, `fresh-thing@1.0.0`]);
      await follow(app, refused.output, `trust allow`, [`add`, `fresh-thing@1.0.0`]);
    });

    it(`known malware: a release the pinned feed reports, brought in by a dependency`, async () => {
      const app = await project({}, {yarnrc: {trustMalwareFeed: feedPin}});
      await refusal(app, `known-malware`, [`add`, `uses-evil@1.0.0`]);
      // The way out the message gives first: replace the dependency that brings it in.
      const replaced = await app.yarn([`add`, `uses-evil@1.0.1`]);
      assert.equal(replaced.code, 0, replaced.output);
    });
  });

  describe(`git dependencies`, () => {
    it(`a git dependency whose commit is not approved`, async () => {
      const app = await project({dependencies: {[`git-wrapper`]: `1.0.0`}}, {yarnrc: {approvedGitRepositories: [`git://127.0.0.1:*/**`]}});
      const refused = await refusal(app, `git-not-approved`, [`install`]);
      await follow(app, refused.output, `trust approve-git`);
    });
  });

  describe(`configuration`, () => {
    it(`a trust file that is not valid JSON`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}}, {files: {[`yarn-trust.json`]: `{\n  "version": 1,\n  "packages": {},\n}\n`}});
      await refusal(app, `trust-file-invalid-json`, [`install`]);
    });

    it(`a trust file with an unknown key`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}}, {files: {[`yarn-trust.json`]: `{\n  "version": 1,\n  "packages": {},\n  "approved": []\n}\n`}});
      await refusal(app, `trust-file-unknown-key`, [`install`]);
    });

    it(`a malformed setting: the malware feed pin`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}}, {yarnrc: {trustMalwareFeed: {name: FEED, version: `latest`, integrity: `sha512-x`}}});
      await refusal(app, `malformed-setting`, [`install`]);
    });

    it(`an insecure setting: checksumBehavior`, async () => {
      const app = await project({dependencies: {frozen: `1.0.0`}}, {yarnrc: {checksumBehavior: `update`}});
      const refused = await refusal(app, `insecure-setting`, [`install`]);
      await follow(app, refused.output, `config set`);
    });
  });

  describe(`release trust: registry records`, () => {
    const signer = makeSigner(`SHA256:test-registry-key`);
    const keysSetting = () => ({trustRegistryKeys: {[registry.url]: [{keyid: signer.key.keyid, key: signer.key.key, expires: null}]}});

    before(async () => {
      await registry.publishAll([
        plain(`signed-parent`, `1.0.0`, {dependencies: {[`unsigned-dep`]: `1.0.0`}}),
        plain(`unsigned-dep`, `1.0.0`),
        // Published from CI with a trusted publisher, then by hand by someone new.
        plain(`ci-pkg`, `1.0.0`),
        plain(`ci-pkg`, `1.1.0`),
        plain(`ci-pkg`, `1.2.0`, {publishedAt: ago(48)}),
      ]);
      await registry.editPackument(`signed-parent`, doc => {
        const dist = doc.versions[`1.0.0`].dist;
        dist.signatures = [signer.sign(`signed-parent`, `1.0.0`, dist.integrity)];
      });
      await registry.editPackument(`ci-pkg`, doc => {
        for (const version of [`1.0.0`, `1.1.0`])
          doc.versions[version]._npmUser = {name: `ci-bot`, email: `ci@example.com`, trustedPublisher: {id: `github`, oidcConfigId: `oidc:1`}};
        doc.versions[`1.2.0`]._npmUser = {name: `mallory`, email: `m@example.com`};
      });
    });

    it(`signature: a dependency the registry lists without a signature`, async () => {
      const app = await project({dependencies: {[`signed-parent`]: `1.0.0`}}, {yarnrc: keysSetting()});
      const refused = await refusal(app, `signature`, [`install`]);
      await follow(app, refused.output, `trust allow`);
    });

    it(`trust downgrade: a release published without the trusted publisher of the ones before`, async () => {
      const app = await project({});
      const refused = await refusal(app, `trust-downgrade`, [`add`, `ci-pkg@1.2.0`]);
      await follow(app, refused.output, `trust allow`, [`add`, `ci-pkg@1.2.0`]);
    });
  });

  describe(`install-script gate: undecidable`, () => {
    before(async () => {
      await registry.publishAll([
        plain(`npxer`, `1.0.0`, {scripts: {postinstall: `npx gen-tool`}}),
        plain(`npx-wrapper`, `1.0.0`, {dependencies: {npxer: `1.0.0`}}),
      ]);
    });

    it(`undecidable: install code that cannot be fingerprinted (npx of a tool no dependency provides)`, async () => {
      const app = await project({dependencies: {[`npx-wrapper`]: `1.0.0`}});
      const refused = await refusal(app, `undecidable`, [`install`]);
      await follow(app, refused.output, `trust deny`);
    });
  });

  describe(`checksums: the lockfile`, () => {
    before(async () => {
      await registry.publishAll([
        plain(`archive-victim`, `1.0.0`),
        plain(`archive-victim`, `2.0.0`, {files: {[`index.js`]: `module.exports = 'other release';\n`}}),
        plain(`edited`, `1.0.0`),
      ]);
    });

    it(`poisoned lockfile: __archiveUrl points at another tarball`, async () => {
      const source = await project({dependencies: {[`archive-victim`]: `1.0.0`}});
      assert.equal((await source.yarn([`install`])).code, 0);
      const lockfile = (await source.readFile(`yarn.lock`)).replace(`resolution: "archive-victim@npm:1.0.0"`, `resolution: "archive-victim@npm:1.0.0::__archiveUrl=${encodeURIComponent(registry.tarballUrl(`archive-victim`, `2.0.0`))}"`);
      assert.ok(lockfile.includes(`__archiveUrl`), lockfile);
      const app = await project({dependencies: {[`archive-victim`]: `1.0.0`}}, {files: {[`yarn.lock`]: lockfile}});
      await refusal(app, `lockfile-archive-url`, [`install`]);
    });

    it(`edited lockfile checksum: yarn.lock and the pin disagree`, async () => {
      const app = await project({dependencies: {edited: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const lockfile = await app.readFile(`yarn.lock`);
      const edited = lockfile.replace(/(checksum: [0-9a-z]+\/)([0-9a-f])/, (_, prefix, digit) => `${prefix}${digit === `0` ? `1` : `0`}`);
      assert.notEqual(edited, lockfile);
      await app.writeFile(`yarn.lock`, edited);
      await refusal(app, `lockfile-checksum`, [`install`]);
    });
  });

  describe(`dependency confusion: remapped internal name`, () => {
    before(async () => {
      await registry.publishAll([plain(`evil-ui`, `1.0.0`)]);
    });

    it(`an internal name aliased to another package`, async () => {
      const internal = registry.url.replace(`127.0.0.1`, `localhost`);
      const app = await project({dependencies: {[`@corp/ui`]: `npm:evil-ui@1.0.0`}}, {yarnrc: {
        npmScopes: {corp: {npmRegistryServer: internal}},
        unsafeHttpWhitelist: [`127.0.0.1`, `localhost`],
        networkSettings: {'*': {enableNetwork: false}, '127.0.0.1': {enableNetwork: true}, localhost: {enableNetwork: true}},
        trustPublicRegistryServer: registry.url,
        trustInternalPackages: [`@corp/*`],
      }});
      const refused = await refusal(app, `confusion-remap`, [`install`]);
      // The printed `yarn add @corp/ui` replaces the remap. Here the "public" registry is the same
      // Verdaccio, so the internal name then collides with itself: acknowledging it installs.
      const add = printedCommand(refused.output, `add`);
      const added = await app.yarn(add);
      assert.equal(added.code, 1, added.output);
      assert.doesNotMatch(added.output, /remaps/);
      await follow(app, added.output, `trust acknowledge`, add);
      assert.match(await app.readFile(`package.json`), /"@corp\/ui": "\^1\.0\.0"/);
    });
  });

  describe(`install-script gate: backstop`, () => {
    it(`an approved package's installed copy edited before yarn rebuild`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `post-pkg`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      await app.clearMarkers();
      await app.writeFile(`node_modules/post-pkg/marker.js`, MARK(`telemetry-ran`));
      // Yarn's default: build output goes to a temporary log file, not to the console.
      await refusal(app, `backstop`, [`rebuild`], {env: {YARN_ENABLE_INLINE_BUILDS: `0`}});
      assert.deepEqual(await app.markers(), []);
      // Followed: delete the modified copy and run yarn install.
      await fs.rm(path.join(app.cwd, `node_modules/post-pkg`), {recursive: true, force: true});
      const reinstall = await app.yarn([`install`]);
      assert.equal(reinstall.code, 0, reinstall.output);
      assert.equal(await app.exists(`node_modules/post-pkg/package.json`), true, reinstall.output);
      assert.ok(!(await app.markers()).includes(`telemetry-ran`), (await app.markers()).join(`, `));
    });
  });

  describe(`known malware: the feed`, () => {
    it(`a pinned feed that cannot be obtained`, async () => {
      const app = await project({}, {yarnrc: {trustMalwareFeed: {...feedPin, name: `no-such-feed`}}});
      await refusal(app, `malware-feed-unobtainable`, [`add`, `frozen@1.0.0`]);
    });
  });

  describe(`review commands`, () => {
    it(`yarn trust review without a terminal`, async () => {
      const app = await project({dependencies: {wrapper: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      await refusal(app, `review-no-terminal`, [`trust`, `review`]);
    });

    it(`yarn trust diff of a package without install scripts`, async () => {
      const app = await project({dependencies: {frozen: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      await refusal(app, `diff-no-install-scripts`, [`trust`, `diff`, `frozen`]);
    });
  });
});
