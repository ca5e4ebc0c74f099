import assert from 'node:assert/strict';

import {decideNewName, describeAge, type NewNameInput} from '../../sources/releaseTrust/policy/newNames';
import {structUtils} from '@yarnpkg/core';

import {registryNameOf, registrySourceOf} from '../../sources/releaseTrust/yarn/names';

const NOW = new Date(`2026-12-03T12:00:00.000Z`);
const hoursBefore = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

function input(time: unknown, extra: Partial<NewNameInput> = {}): NewNameInput {
  return {name: `x`, time, versionCount: 5, hasRepository: true, minimumAgeHours: 72, now: NOW, ...extra};
}

describe(`release trust: new names`, () => {
  it(`refuses a name created less than the minimum age ago, saying when and the minimum`, () => {
    const decision = decideNewName(input({created: hoursBefore(18), [`1.0.0`]: hoursBefore(18)}));
    assert.equal(decision.kind, `refuse`);
    assert.equal(decision.kind === `refuse` && decision.reason, `the name was created 18 hours ago, on 2026-12-02 18:00 UTC; the minimum age is 72 hours`);
  });

  it(`accepts at the minimum age exactly, and warns until 30 days`, () => {
    assert.equal(decideNewName(input({created: hoursBefore(72)})).kind, `warn`);
    assert.equal(decideNewName(input({created: hoursBefore(71.9)})).kind, `refuse`);
    assert.equal(decideNewName(input({created: hoursBefore(24 * 30 - 1)})).kind, `warn`);
    assert.deepEqual(decideNewName(input({created: hoursBefore(24 * 30)})), {kind: `ok`});
  });

  it(`takes the earliest version time when the registry gives no creation date`, () => {
    const decision = decideNewName(input({modified: hoursBefore(1), [`1.0.1`]: hoursBefore(2), [`1.0.0`]: hoursBefore(24 * 400)}));
    assert.deepEqual(decision, {kind: `ok`});
    assert.equal(decideNewName(input({[`1.0.0`]: hoursBefore(3)})).kind, `refuse`);
  });

  it(`fails closed without dates, or with a date in the future; 0 switches the refusal off`, () => {
    for (const time of [undefined, {}, {created: `soon`}, `yesterday`]) {
      const decision = decideNewName(input(time));
      assert.equal(decision.kind, `refuse`, JSON.stringify(time));
      assert.match(decision.kind === `refuse` ? decision.reason : ``, /gave no date/);
    }
    assert.match(JSON.stringify(decideNewName(input({created: hoursBefore(-5)}))), /in the future/);
    assert.deepEqual(decideNewName(input(undefined, {minimumAgeHours: 0})), {kind: `ok`});
    assert.equal(decideNewName(input({created: hoursBefore(1)}, {minimumAgeHours: 0})).kind, `warn`);
  });

  it(`warns about a thin name with no repository, only when the repository is known to be missing`, () => {
    const old = {created: hoursBefore(24 * 400)};
    assert.match(JSON.stringify(decideNewName(input(old, {versionCount: 2, hasRepository: false}))), /2 versions and no repository/);
    assert.deepEqual(decideNewName(input(old, {versionCount: 2, hasRepository: null})), {kind: `ok`});
    assert.deepEqual(decideNewName(input(old, {versionCount: 3, hasRepository: false})), {kind: `ok`});
  });

  it(`describes ages in hours up to four days, then in days`, () => {
    assert.equal(describeAge(3_600_000), `1 hour`);
    assert.equal(describeAge(95 * 3_600_000), `95 hours`);
    assert.equal(describeAge(96 * 3_600_000), `4 days`);
    assert.equal(describeAge(-1), `0 hours`);
  });
});

describe(`release trust: the registry name an edge installs`, () => {
  const of = (text: string) => registryNameOf(structUtils.parseDescriptor(text, true));

  it(`is the name itself, an alias's target, or the source of a patch`, () => {
    assert.equal(of(`lodash@npm:^4.17.0`), `lodash`);
    assert.equal(of(`@types/node@npm:20.0.0`), `@types/node`);
    assert.equal(of(`lodash@npm:lodahs@^4.17.0`), `lodahs`);
    assert.equal(of(`lodash@npm:@evil/lodash@1.0.0`), `@evil/lodash`);
    assert.equal(of(`lodash@patch:lodash@npm%3A4.17.21#./fix.patch::locator=app%40workspace%3A.`), `lodash`);
    assert.equal(of(`x@patch:x@npm%3Alodahs%404.17.21#./fix.patch::locator=app%40workspace%3A.`), `lodahs`);
  });

  it(`is none for workspaces, git, folders and URLs`, () => {
    for (const text of [`a@workspace:^`, `a@git+https://github.com/a/b.git#abc`, `a@file:./a`, `a@https://example.com/a.tgz`, `a@portal:../a`])
      assert.equal(of(text), null, text);
  });

  it(`the npm descriptor behind patches is what Yarn resolves the patched release from`, () => {
    const source = (text: string) => {
      const found = registrySourceOf(structUtils.parseDescriptor(text, true));
      return found === null ? null : structUtils.stringifyDescriptor(found);
    };
    assert.equal(source(`lodash@npm:^4.17.0`), `lodash@npm:^4.17.0`);
    assert.equal(source(`lodash@patch:lodash@npm%3A4.17.21#./fix.patch::locator=app%40workspace%3A.`), `lodash@npm:4.17.21`);
    assert.equal(source(`x@patch:x@npm%3Alodahs%404.17.21#./fix.patch::locator=app%40workspace%3A.`), `x@npm:lodahs@4.17.21`);
    assert.equal(source(`a@patch:a@file%3A./a#./fix.patch`), null);
  });
});
