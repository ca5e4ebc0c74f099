/**
 * `yarn trust check --format sarif` (issue 15): the real Yarn 4.18.1 with the
 * built bundle, against Verdaccio on loopback. stdout must be one SARIF log
 * that the official schema accepts, pointing at the lines of yarn.lock and
 * package.json that a reviewer would open.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';

import {sarifSchemaErrors} from '../support/sarifSchema';
import {type Registry, type TestProject, makeProject, plain, scripted, startRegistry} from './harness';

const PINS = `yarn-trust.pins`;

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: {text: string};
  locations: Array<{physicalLocation: {artifactLocation: {uri: string, uriBaseId: string}, region?: {startLine: number}}}>;
  relatedLocations?: Array<{physicalLocation: {artifactLocation: {uri: string}, region?: {startLine: number}}}>;
  partialFingerprints: Record<string, string>;
}

interface SarifLog {
  version: string;
  runs: Array<{tool: {driver: {name: string, rules: Array<{id: string}>}}, results: Array<SarifResult>}>;
}

/** The 1-based line of the first line of `text` that `test` accepts. */
function lineOf(text: string, test: (line: string) => boolean) {
  const index = text.split(`\n`).findIndex(test);
  assert.notEqual(index, -1);
  return index + 1;
}

describe(`yarn trust check --format sarif (e2e)`, function() {
  this.timeout(300_000);

  let registry: Registry;
  const projects: Array<TestProject> = [];

  async function project(manifest: Record<string, unknown>) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, ...manifest}});
    projects.push(created);
    return created;
  }

  /** Runs the check as CI would redirect it, and parses the whole of stdout as one log. */
  async function sarifOf(app: TestProject) {
    const run = await app.yarn([`trust`, `check`, `--format`, `sarif`]);
    let log: SarifLog;
    try {
      log = JSON.parse(run.stdout);
    } catch (error) {
      assert.fail(`stdout is not one JSON document (${(error as Error).message}):\n${run.stdout}\n--- stderr:\n${run.stderr}`);
    }
    assert.deepEqual(sarifSchemaErrors(log), [], run.stdout);
    return {run, log, results: log.runs[0].results};
  }

  before(async function() {
    registry = await startRegistry({name: `sarif`});
    await registry.publishAll([
      plain(`plain`, `1.0.0`),
      scripted(`@acme/post-pkg`, `1.0.0`, {postinstall: true}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`when a package's install script is not approved and a package has no pin`, () => {
    let app: TestProject;
    let sarif: Awaited<ReturnType<typeof sarifOf>>;

    before(async () => {
      app = await project({dependencies: {plain: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      // A dependency with an unreviewed postinstall arrives, and the pin of plain is lost.
      await app.writeJson(`package.json`, {...await app.readJson(`package.json`), dependencies: {plain: `1.0.0`, [`@acme/post-pkg`]: `1.0.0`}});
      const refused = await app.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      const pins = await app.readFile(PINS);
      assert.match(pins, /^plain@/m);
      await app.writeFile(PINS, pins.split(`\n`).filter(line => !line.startsWith(`plain@`)).join(`\n`));
      sarif = await sarifOf(app);
    });

    it(`fails with exit code 1 and prints nothing but the log on stdout`, () => {
      assert.equal(sarif.run.code, 1, sarif.run.output);
      assert.equal(sarif.log.version, `2.1.0`);
      assert.equal(sarif.log.runs.length, 1);
      assert.equal(sarif.log.runs[0].tool.driver.name, `yarn-plugin-trust`);
      // The text report is still there for the CI log, on stderr.
      assert.match(sarif.run.stderr, /@acme\/post-pkg@npm:1\.0\.0 runs install scripts that the trust file does not approve/);
    });

    it(`reports the pending script and the missing pins under their rules`, () => {
      const found = sarif.results.map(result => [result.ruleId, result.message.text.split(` `)[0]]);
      assert.deepEqual(found.filter(([ruleId]) => ruleId === `scripts/pending`), [[`scripts/pending`, `@acme/post-pkg@npm:1.0.0`]]);
      assert.ok(found.some(([ruleId, text]) => ruleId === `pins/unpinned` && text === `plain@npm:1.0.0`), JSON.stringify(found));
      for (const result of sarif.results) {
        assert.equal(sarif.log.runs[0].tool.driver.rules[result.ruleIndex].id, result.ruleId);
        assert.doesNotMatch(result.message.text, /\u001B/);
      }
    });

    it(`locates the pending package at its entry in yarn.lock and at its dependency in package.json`, async () => {
      const lockfile = await app.readFile(`yarn.lock`);
      const manifest = await app.readFile(`package.json`);
      const pending = sarif.results.find(result => result.ruleId === `scripts/pending`)!;
      assert.deepEqual(pending.locations[0].physicalLocation, {
        artifactLocation: {uri: `yarn.lock`, uriBaseId: `%SRCROOT%`},
        region: {startLine: lineOf(lockfile, line => line.startsWith(`"@acme/post-pkg@npm:1.0.0`))},
      });
      assert.deepEqual(pending.relatedLocations?.map(location => [location.physicalLocation.artifactLocation.uri, location.physicalLocation.region?.startLine]), [
        [`package.json`, lineOf(manifest, line => line.trim().startsWith(`"@acme/post-pkg":`))],
      ]);
      const unpinned = sarif.results.find(result => result.ruleId === `pins/unpinned` && result.message.text.startsWith(`plain@`))!;
      assert.equal(unpinned.locations[0].physicalLocation.region?.startLine, lineOf(lockfile, line => line.startsWith(`"plain@npm:1.0.0`)));
    });

    it(`gives the same fingerprints on the next run`, async () => {
      const again = await sarifOf(app);
      assert.deepEqual(again.results.map(result => result.partialFingerprints), sarif.results.map(result => result.partialFingerprints));
    });
  });

  describe(`when the project is clean`, () => {
    it(`prints a valid log without results and exits with 0`, async () => {
      const app = await project({dependencies: {plain: `1.0.0`}});
      assert.equal((await app.yarn([`install`])).code, 0);
      const {run, log, results} = await sarifOf(app);
      assert.equal(run.code, 0, run.output);
      assert.deepEqual(results, []);
      assert.ok(log.runs[0].tool.driver.rules.length > 20);
    });
  });

  describe(`when the check runs in a fresh clone, before any install`, () => {
    it(`downloads what it needs into an empty cache and prints the same clean log`, async () => {
      const installed = await project({dependencies: {plain: `1.0.0`}});
      assert.equal((await installed.yarn([`install`])).code, 0);
      // A new project with its own empty cache: only what a clone has (the harness imports the plugin).
      const clone = await makeProject({registry, manifest: await installed.readJson(`package.json`), files: {
        [`yarn.lock`]: await installed.readFile(`yarn.lock`),
        [PINS]: await installed.readFile(PINS),
      }});
      projects.push(clone);
      assert.equal(await clone.exists(`node_modules`), false);
      assert.deepEqual(await fs.readdir(clone.cacheDir), []);
      const {run, results} = await sarifOf(clone);
      assert.equal(run.code, 0, run.output);
      assert.deepEqual(results, []);
      assert.equal(await clone.exists(`node_modules`), false);
      assert.ok((await fs.readdir(clone.cacheDir)).some(file => file.startsWith(`plain-npm-1.0.0-`)), `plain was downloaded into the cache`);
    });
  });

  describe(`when --format is wrong`, () => {
    it(`is a usage error, and --json still means --format json`, async () => {
      const app = await project({dependencies: {plain: `1.0.0`}});
      const wrong = await app.yarn([`trust`, `check`, `--format`, `xml`]);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.output, /Invalid value for --format: "xml" \(expected one of text, json, sarif\)/);
      const contradiction = await app.yarn([`trust`, `check`, `--json`, `--format`, `sarif`]);
      assert.notEqual(contradiction.code, 0);
      assert.match(contradiction.output, /--json and --format sarif contradict each other/);
    });
  });
});
