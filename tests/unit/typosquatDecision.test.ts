import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {POPULAR_NAMES} from '../../sources/releaseTrust/data/popularNames';
import {makePopularIndex, nameVerdict, parsePopularNames} from '../../sources/releaseTrust/policy/typosquat';
import {decideTyposquat, normalizeRepositoryUrl, type RegistryFacts, restatesName, similarDescriptions, type TyposquatDecision} from '../../sources/releaseTrust/policy/typosquatDecision';

const ROOT = path.resolve(__dirname, `../../..`);
const INDEX = makePopularIndex(parsePopularNames(POPULAR_NAMES));

/** Real registry facts, captured once (see the file's `about`). */
const CAPTURED = JSON.parse(fs.readFileSync(path.join(ROOT, `tests/unit/fixtures/typosquat/registryFacts.json`), `utf8`)) as {fetchedAt: string, packages: Record<string, RegistryFacts>};
const REAL = CAPTURED.packages;
const NOW = CAPTURED.fetchedAt;

function decide(name: string, candidate: RegistryFacts | null, targets: Record<string, RegistryFacts | null>, now = NOW): TyposquatDecision {
  return decideTyposquat({name, verdict: nameVerdict(INDEX, name), candidate, targets, now});
}

function facts(overrides: Partial<RegistryFacts>): RegistryFacts {
  return {description: `A thing of its own`, repositoryUrl: `https://github.com/someone/thing`, maintainers: [`someone`], created: `2019-05-01T00:00:00.000Z`, versionCount: 12, ...overrides};
}

function refused(decision: TyposquatDecision, target: string, reason: RegExp) {
  assert.equal(decision.kind, `refuse`, JSON.stringify(decision));
  if (decision.kind !== `refuse`)
    return;
  assert.equal(decision.target, target);
  assert.match(decision.reasons.join(`; `), reason);
  assert.match(decision.message, new RegExp(`Did you mean ${target.replace(/[.*+?^${}()|[\]\\/]/g, `\\$&`)}\\?`));
}

describe(`typosquat decision: masquerades are refused`, () => {
  it(`loadsh with lodash's description, word for word (the issue's example)`, () => {
    const decision = decide(`loadsh`, {...REAL.loadsh, description: REAL.lodash.description}, {lodash: REAL.lodash});
    refused(decision, `lodash`, /reuses lodash's description \("Lodash modular utilities\."\)/);
  });

  it(`loadsh as the registry shows it: no repository, created under three months before a check`, () => {
    refused(decide(`loadsh`, REAL.loadsh, {lodash: REAL.lodash}, `2025-01-15T00:00:00.000Z`), `lodash`, /no repository and was created 38 days ago/);
    refused(decide(`loadsh`, REAL.loadsh, {lodash: REAL.lodash}), `lodash`, /it has no repository/);
  });

  it(`a copy that names the target's repository`, () => {
    const candidate = facts({repositoryUrl: `git+https://github.com/lodash/lodash.git`, description: `Utilities`});
    refused(decide(`lodahs`, candidate, {lodash: REAL.lodash}), `lodash`, /names lodash's repository \(github\.com\/lodash\/lodash\)/);
  });

  it(`a package with no repository and one version`, () => {
    refused(decide(`rx-js`, REAL[`rx-js`], {rxjs: REAL.rxjs, rx: facts({})}), `rxjs`, /no repository and 1 version/);
  });

  it(`npm's placeholder for a removed squat`, () => {
    refused(decide(`nodesass`, REAL.nodesass, {[`node-sass`]: REAL[`node-sass`], sass: facts({})}), `sass`, /placeholder/);
  });

  it(`a young package, even with its own repository and description`, () => {
    const young = facts({created: `2026-11-20T00:00:00.000Z`, versionCount: 30});
    refused(decide(`expresss`, young, {express: REAL.express}), `express`, /created 13 days ago/);
  });

  it(`an established neighbour of one target that copies another is refused`, () => {
    const candidate = facts({description: `Fast, unopinionated, minimalist web framework`});
    const decision = decideTyposquat({
      name: `candidate`,
      verdict: {kind: `suspect`, targets: [{name: `first`, kind: `swap`, downloads: 10}, {name: `express`, kind: `swap`, downloads: 5}]},
      candidate,
      targets: {first: facts({description: `Something else`, repositoryUrl: `https://github.com/x/first`, maintainers: [`x`]}), express: REAL.express},
      now: NOW,
    });
    refused(decision, `express`, /reuses express's description/);
  });
});

describe(`typosquat decision: established, distinct neighbours are clear`, () => {
  it(`expressa, one letter from express, with its own repository for two years`, () => {
    const decision = decide(`expressa`, REAL.expressa, {express: REAL.express});
    assert.equal(decision.kind, `clear`, JSON.stringify(decision));
    assert.match(decision.reasons.join(` `), /github\.com\/thomas4019\/expressa/);
  });

  it(`htdigest, one letter from tdigest`, () => {
    assert.equal(decide(`htdigest`, REAL.htdigest, {tdigest: REAL.tdigest}).kind, `clear`);
  });

  it(`gitlog-parser: a description that only restates the name is no copy`, () => {
    assert.equal(decide(`gitlog-parser`, REAL[`gitlog-parser`], {[`git-log-parser`]: REAL[`git-log-parser`]}).kind, `clear`);
  });

  it(`a package published by one of the target's maintainers`, () => {
    const candidate = facts({created: `2026-12-01T00:00:00.000Z`, repositoryUrl: null, maintainers: [`jdalton`]});
    const decision = decide(`lodahs`, candidate, {lodash: {...REAL.lodash, maintainers: [`jdalton`, `mathias`]}});
    assert.equal(decision.kind, `clear`);
    assert.match(decision.reasons[0], /published by jdalton, a maintainer of lodash/);
  });

  it(`a name that is not suspect needs no registry data`, () => {
    assert.deepEqual(decide(`lodash`, null, {}), {kind: `clear`, reasons: []});
  });
});

describe(`typosquat decision: fails closed`, () => {
  it(`no registry data for the suspect: refuse, saying so`, () => {
    refused(decide(`lodahs`, null, {lodash: REAL.lodash}), `lodash`, /no data about lodahs/);
  });

  it(`no registry data for the target: refuse, saying so`, () => {
    refused(decide(`expressa`, REAL.expressa, {}), `express`, /no data about express to compare/);
  });

  it(`no creation date: not established`, () => {
    refused(decide(`expressa`, {...REAL.expressa, created: null}, {express: REAL.express}), `express`, /creation date is unknown/);
    refused(decide(`expressa`, {...REAL.expressa, created: `not a date`}, {express: REAL.express}), `express`, /creation date is unknown/);
  });
});

describe(`typosquat decision: comparisons`, () => {
  it(`one spelling per repository`, () => {
    const forms = [
      `git+https://github.com/lodash/lodash.git`,
      `https://github.com/lodash/lodash`,
      `git://github.com/lodash/lodash.git`,
      `git@github.com:lodash/lodash.git`,
      `git+ssh://git@github.com/lodash/lodash.git`,
      `github:lodash/lodash`,
      `lodash/lodash`,
      `https://www.github.com/Lodash/Lodash/tree/main/packages/x`,
      `https://github.com/lodash/lodash/#readme`,
    ];
    for (const form of forms)
      assert.equal(normalizeRepositoryUrl(form), `github.com/lodash/lodash`, form);
    assert.equal(normalizeRepositoryUrl(`https://git.example.com/a/b/c.git`), `git.example.com/a/b/c`);
    assert.equal(normalizeRepositoryUrl(``), null);
    assert.equal(normalizeRepositoryUrl(null), null);
  });

  it(`similar descriptions: the same words, or most of the target's`, () => {
    assert.ok(similarDescriptions(`Lodash modular utilities.`, `Lodash modular utilities.`));
    assert.ok(similarDescriptions(`lodash  modular utilities!`, `Lodash modular utilities.`));
    assert.ok(similarDescriptions(`Fast, unopinionated, minimalist web framework for node`, `Fast, unopinionated, minimalist web framework`));
    assert.ok(!similarDescriptions(`API framework using JSON schemas`, `Fast, unopinionated, minimalist web framework`));
    assert.ok(!similarDescriptions(``, `Lodash modular utilities.`));
    assert.ok(!similarDescriptions(`utils`, `utils helpers`));
    assert.ok(restatesName(`git-log-parser`, `git-log-parser`));
    assert.ok(restatesName(`Node`, `@types/node`));
    assert.ok(!restatesName(`Lodash modular utilities.`, `lodash`));
  });
});
