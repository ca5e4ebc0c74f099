import assert from 'node:assert/strict';

import {type CheckRecord, sarifLog} from '../../sources/core/policy/sarif/log';
import {RULES} from '../../sources/core/policy/sarif/rules';
import {sarifSchemaErrors} from '../support/sarifSchema';

const LOCKFILE = `__metadata:\n  version: 8\n\n"esbuild@npm:0.20.0":\n  version: 0.20.0\n  resolution: "esbuild@npm:0.20.0"\n`;
const MANIFEST = `{\n  "name": "app",\n  "dependencies": {\n    "esbuild": "0.20.0"\n  }\n}\n`;

function files(rootUri: string | null = `file:///home/me/app/`) {
  return {
    lockfile: {path: `yarn.lock`, text: LOCKFILE},
    yarnrc: `enableScripts: true\n`,
    manifests: [{path: `package.json`, text: MANIFEST, dependencies: [{name: `esbuild`, locator: `esbuild@npm:0.20.0`}]}],
    rootUri,
  };
}

/** One record of every rule, in each of the three ways a result is located. */
function everyRule(): Array<CheckRecord> {
  return RULES.flatMap(rule => {
    const base = {check: rule.id.split(`/`)[0] as CheckRecord[`check`], ruleId: rule.id, level: rule.level, message: `\u001B[1m${rule.short}\u001B[22m`, fix: rule.fix};
    return [
      {...base, package: {name: `esbuild`, version: `0.20.0`, locator: `esbuild@npm:0.20.0`}},
      {...base, package: null, target: {file: `.yarnrc.yml`, key: [`enableScripts`]}},
      {...base, package: null},
    ];
  });
}

describe(`sarifLog against the SARIF 2.1.0 schema`, () => {
  it(`validates a log with a result of every rule`, () => {
    const log = sarifLog(everyRule(), files());
    assert.equal(log.runs[0].results.length, RULES.length * 3);
    assert.deepEqual(sarifSchemaErrors(log), []);
  });

  it(`validates a clean run, and one that leaves the project root to the consumer`, () => {
    assert.deepEqual(sarifSchemaErrors(sarifLog([], files())), []);
    assert.deepEqual(sarifSchemaErrors(sarifLog(everyRule(), {...files(null), lockfile: null, yarnrc: null})), []);
  });

  describe(`when a log breaks the schema`, () => {
    it(`reports it (the validator is not a no-op)`, () => {
      const log = sarifLog(everyRule(), files()) as {runs: Array<{results: Array<Record<string, unknown>>}>};
      log.runs[0].results[0].level = `info`;
      assert.match(sarifSchemaErrors(log).join(`\n`), /\/runs\/0\/results\/0\/level: must be equal to one of the allowed values/);
      assert.notDeepEqual(sarifSchemaErrors({version: `2.1.0`}), []);
    });
  });
});
