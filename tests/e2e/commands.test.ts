/**
 * The trust commands, end to end (issue 11): review history kept, stale
 * decisions shown and pruned, messages that say what happened, and the
 * one-command adoption of the plugin. The real Yarn 4.18.1 with the built
 * bundle, against Verdaccio on loopback; marker files prove what ran.
 */
import {strict as assert} from 'assert';

import {type Registry, type TestProject, makeProject, markerName, plain, scripted, startRegistry} from './harness';

const TELEMETRY_JS = `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', 'telemetry-ran'), 'x');\n`;

interface ApprovalJson {
  version: string;
  approvedAt: string;
  reason?: string;
}

describe(`trust commands (e2e)`, function() {
  this.timeout(180_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  async function project(manifest: Record<string, unknown>, options: {yarnrc?: Record<string, unknown>} = {}) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, ...manifest}, ...options});
    projects.push(created);
    return created;
  }

  async function setDependencies(target: TestProject, dependencies: Record<string, string>) {
    const manifest = await target.readJson(`package.json`);
    await target.writeJson(`package.json`, {...manifest, dependencies});
  }

  async function approvalsOf(target: TestProject, name: string): Promise<ApprovalJson[]> {
    return (await target.readJson(`yarn-trust.json`)).packages[name].approvals;
  }

  /** NDJSON lines of a `--json` run. */
  function jsonLines(output: string): Array<Record<string, any>> {
    return output.split(`\n`).filter(line => line.startsWith(`{`)).map(line => JSON.parse(line));
  }

  before(async function() {
    registry = await startRegistry({name: `commands`});
    await registry.publishAll([
      plain(`plain`, `1.0.0`),
      scripted(`pre-pkg`, `1.0.0`, {preinstall: true}),
      scripted(`post-pkg`, `1.0.0`, {postinstall: true}),
      // A release that changes what postinstall runs.
      scripted(`post-pkg`, `1.1.0`, {postinstall: `node telemetry.js`}, {files: {[`telemetry.js`]: TELEMETRY_JS}}),
      // Keeps post-pkg@1.0.0 in the project next to a direct post-pkg@1.1.0.
      plain(`tool`, `1.0.0`, {dependencies: {[`post-pkg`]: `1.0.0`}}),
      scripted(`gone-pkg`, `1.0.0`, {postinstall: true}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`when a package is approved again after an upgrade`, () => {
    let app: TestProject;
    let first: ApprovalJson;

    before(async () => {
      app = await project({dependencies: {[`post-pkg`]: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      const approve = await app.yarn([`trust`, `approve`, `post-pkg`, `--reason`, `first review`]);
      assert.equal(approve.code, 0, approve.output);
      [first] = await approvalsOf(app, `post-pkg`);
    });

    it(`adds the new version and leaves the older approval with its date and reason`, async () => {
      await setDependencies(app, {[`post-pkg`]: `1.1.0`, tool: `1.0.0`});
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.deepEqual(await app.markers(), []);

      // The clock moves on: a rewritten approval would show a new date.
      await new Promise(resolve => setTimeout(resolve, 20));
      const approve = await app.yarn([`trust`, `approve`, `post-pkg`, `--reason`, `second review`]);
      assert.equal(approve.code, 0, approve.output);

      const approvals = await approvalsOf(app, `post-pkg`);
      assert.deepEqual(approvals.map(entry => [entry.version, entry.reason]), [[`1.0.0`, `first review`], [`1.1.0`, `second review`]]);
      assert.equal(approvals[0].approvedAt, first.approvedAt);
      assert.match(approve.output, new RegExp(`post-pkg@npm:1\\.0\\.0 is already approved \\(approved ${first.approvedAt}\\); left as recorded`));
    });

    it(`lists the approval no package uses any more as stale, in text and JSON, without failing`, async () => {
      await setDependencies(app, {[`post-pkg`]: `1.1.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);

      const status = await app.yarn([`trust`, `status`]);
      assert.equal(status.code, 0, status.output);
      assert.match(status.output, /Stale: the approval of post-pkg 1\.0\.0 \(approved [^,]+, reason: "first review"\): no version of post-pkg in this project runs what it reviewed/);
      assert.match(status.output, /Run yarn trust prune to remove the stale decision/);

      const json = jsonLines((await app.yarn([`trust`, `status`, `--json`])).output);
      const stale = json.filter(line => line.state === `stale`);
      assert.deepEqual(stale.map(line => [line.package, line.kind, line.version, line.reason, line.fix]), [[`post-pkg`, `approval`, `1.0.0`, `first review`, `yarn trust prune`]]);
    });

    it(`prunes it on request only: --dry-run writes nothing, prune removes it and keeps the rest`, async () => {
      const before = await app.readFile(`yarn-trust.json`);
      const dryRun = await app.yarn([`trust`, `prune`, `--dry-run`]);
      assert.equal(dryRun.code, 0, dryRun.output);
      assert.match(dryRun.output, /Would remove the approval of post-pkg 1\.0\.0/);
      assert.equal(await app.readFile(`yarn-trust.json`), before);

      const prune = await app.yarn([`trust`, `prune`, `--json`]);
      assert.equal(prune.code, 0, prune.output);
      assert.deepEqual(jsonLines(prune.output).map(line => [line.package, line.version, line.removed]), [[`post-pkg`, `1.0.0`, true]]);
      assert.deepEqual((await approvalsOf(app, `post-pkg`)).map(entry => [entry.version, entry.reason]), [[`1.1.0`, `second review`]]);

      await app.clearMarkers();
      assert.equal((await app.yarn([`install`])).code, 0);
      const again = await app.yarn([`trust`, `prune`]);
      assert.match(again.output, /Nothing to prune/);
    });
  });

  describe(`when a denied package leaves the project`, () => {
    it(`prunes the denial and its built flag`, async () => {
      const app = await project({dependencies: {[`gone-pkg`]: `1.0.0`, plain: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `deny`, `gone-pkg`])).code, 0);
      await setDependencies(app, {plain: `1.0.0`});
      assert.equal((await app.yarn([`install`])).code, 0);

      const status = await app.yarn([`trust`, `status`]);
      assert.match(status.output, /Stale: the denial of gone-pkg \(denied [^)]+\): gone-pkg is no longer a package of this project/);
      const prune = await app.yarn([`trust`, `prune`]);
      assert.equal(prune.code, 0, prune.output);
      assert.deepEqual((await app.readJson(`yarn-trust.json`)).packages, {});
      assert.equal((await app.readJson(`package.json`)).dependenciesMeta, undefined);
    });
  });

  describe(`when an approved package changed what it runs and keeps the built flag of its approval`, () => {
    it(`says the flag is the plugin's own from the earlier approval, and runs nothing`, async () => {
      const app = await project({dependencies: {[`post-pkg`]: `1.0.0`}});
      await app.yarn([`install`]);
      assert.equal((await app.yarn([`trust`, `approve`, `post-pkg`])).code, 0);
      await setDependencies(app, {[`post-pkg`]: `1.1.0`});

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.doesNotMatch(install.output, /but the trust file does not approve it/);
      assert.match(install.output, /package\.json's dependenciesMeta\["post-pkg"\]\.built: true was written by yarn trust approve when 1\.0\.0 was approved; it does not cover 1\.1\.0, whose install code changed/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when a pin was edited by hand`, () => {
    it(`verify says the pin disagrees with both the registry and the download`, async () => {
      const app = await project({dependencies: {plain: `1.0.0`, [`pre-pkg`]: `1.0.0`}});
      await app.yarn([`install`]);
      const pins = await app.readFile(`yarn-trust.pins`);
      const lines = pins.split(`\n`);
      const plainLine = lines.findIndex(line => line.startsWith(`plain@1.0.0 `));
      const preLine = lines.findIndex(line => line.startsWith(`pre-pkg@1.0.0 `));
      // The pin of plain now holds the hash of another tarball.
      lines[plainLine] = lines[plainLine].replace(/sha512-\S+/, lines[preLine].split(` `)[1]);
      await app.writeFile(`yarn-trust.pins`, lines.join(`\n`));

      const verify = await app.yarn([`trust`, `verify`]);
      assert.equal(verify.code, 1, verify.output);
      assert.match(verify.output, /YN0018: .*the pin of plain@1\.0\.0 in .* disagrees with both the integrity that .* publishes and the tarball downloaded from/);
      assert.match(verify.output, /git log -p -- yarn-trust\.pins/);
      assert.doesNotMatch(verify.output, /A registry or mirror now serves other bytes/);
    });
  });

  describe(`when a command is given something it cannot use`, () => {
    it(`reports it with Yarn's closest message code, not YN0000`, async () => {
      const app = await project({dependencies: {plain: `1.0.0`}});
      await app.yarn([`install`]);
      const approve = await app.yarn([`trust`, `approve`, `not-there`]);
      assert.equal(approve.code, 1, approve.output);
      assert.match(approve.output, /YN0020: .*not-there is not a package of this project/);
    });
  });

  describe(`when yarn trust is run alone`, () => {
    it(`lists the trust commands instead of a syntax error`, async () => {
      const app = await project({dependencies: {plain: `1.0.0`}});
      const bare = await app.yarn([`trust`]);
      assert.equal(bare.code, 0, bare.output);
      assert.doesNotMatch(bare.output, /Unknown Syntax Error/);
      for (const command of [`adopt`, `approve`, `check`, `deny`, `prune`, `revoke`, `status`, `verify`])
        assert.match(bare.output, new RegExp(`yarn trust ${command}\\b`));
    });
  });

  describe(`when yarn trust check --json runs in a clean project that pins no malware feed`, () => {
    it(`passes, lists malware as skipped, and still ends with a summary line`, async () => {
      const app = await project({dependencies: {plain: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const check = await app.yarn([`trust`, `check`, `--json`]);
      assert.equal(check.code, 0, check.output);
      const lines = jsonLines(check.output);
      assert.deepEqual(lines.filter(line => line.check === `malware`), []);
      assert.deepEqual(lines[lines.length - 1], {summary: {settings: 0, archives: 0, unpinned: 0, confusion: 0, releases: 0, malware: 0, scripts: 0, skipped: [`malware`], findings: 0}});
    });
  });

  describe(`when an existing project adopts the plugin`, () => {
    let app: TestProject;

    before(async () => {
      // pre-pkg: Yarn skips it today. post-pkg: the project already lets it build.
      app = await project({dependencies: {[`pre-pkg`]: `1.0.0`, [`post-pkg`]: `1.0.0`}, dependenciesMeta: {[`post-pkg`]: {built: true}}});
    });

    it(`says which refused packages Yarn would not run today`, async () => {
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /pre-pkg@npm:1\.0\.0 runs install scripts[^]*Yarn would not run them today \(enableScripts is false and package\.json has no dependenciesMeta\["pre-pkg"\]\.built: true\); yarn trust deny pre-pkg records that decision/);
      assert.doesNotMatch(install.output, /Yarn would not run them today \(enableScripts is false and package\.json has no dependenciesMeta\["post-pkg"\]/);
      assert.deepEqual(await app.markers(), []);
    });

    it(`denies what Yarn skips, shows what it runs without approving it, and fails until that is decided`, async () => {
      const adopt = await app.yarn([`trust`, `adopt`]);
      assert.equal(adopt.code, 1, adopt.output);
      assert.match(adopt.output, /Denied pre-pkg@npm:1\.0\.0/);
      assert.match(adopt.output, /post-pkg@npm:1\.0\.0 is not approved: Yarn runs it today \(dependenciesMeta\["post-pkg"\]\.built: true\), and it runs:\n.*postinstall: node marker\.js postinstall/);
      const trust = await app.readJson(`yarn-trust.json`);
      assert.deepEqual(Object.keys(trust.packages), [`pre-pkg`]);
      assert.match(trust.packages[`pre-pkg`].denied.reason, /yarn trust adopt/);
      assert.equal((await app.readJson(`package.json`)).dependenciesMeta[`pre-pkg`].built, false);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.deepEqual(await app.markers(), []);
    });

    it(`approves what Yarn already runs with --approve-built, then installs without running the denied package`, async () => {
      const adopt = await app.yarn([`trust`, `adopt`, `--approve-built`, `--json`]);
      assert.equal(adopt.code, 0, adopt.output);
      assert.deepEqual(jsonLines(adopt.output).map(line => [line.package, line.action, line.yarnWouldRun]), [[`post-pkg`, `approved`, true]]);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.deepEqual(await app.markers(), [markerName(`post-pkg`, `1.0.0`, `postinstall`)]);
    });

    it(`changes nothing when run again`, async () => {
      const before = await app.readFile(`yarn-trust.json`);
      const adopt = await app.yarn([`trust`, `adopt`, `--approve-built`]);
      assert.equal(adopt.code, 0, adopt.output);
      assert.match(adopt.output, /Nothing to adopt/);
      assert.equal(await app.readFile(`yarn-trust.json`), before);
    });

    it(`never approves a package whose install code changed since its approval, even with --approve-built`, async () => {
      await setDependencies(app, {[`pre-pkg`]: `1.0.0`, [`post-pkg`]: `1.1.0`});
      await app.clearMarkers();
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      const adopt = await app.yarn([`trust`, `adopt`, `--approve-built`]);
      assert.equal(adopt.code, 1, adopt.output);
      assert.match(adopt.output, /post-pkg@npm:1\.1\.0 is left for a review \(approved before, its install code changed since\)/);

      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.deepEqual(await app.markers(), []);
    });
  });
});
