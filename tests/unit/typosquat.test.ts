import assert from 'node:assert/strict';

import {POPULAR_NAMES} from '../../sources/releaseTrust/data/popularNames';
import {isPopular, makePopularIndex, nameVerdict, type NameVerdict, parsePopularNames, type PopularIndex} from '../../sources/releaseTrust/policy/typosquat';
import {affixVariants, editVariants, skeletonOf, splitName, substitutesOf, type TypoKind} from '../../sources/releaseTrust/policy/typoVariants';
import {readNpmList, serializePopularNames, topNames} from '../tools/popularNames';
import {lockfileNames} from '../tools/typosquatMeasure';
import {createdOf, factsFromPackument} from '../../sources/releaseTrust/policy/registryFacts';

const DATA = parsePopularNames(POPULAR_NAMES);
const INDEX = makePopularIndex(DATA);

function small(names: Array<string>): PopularIndex {
  return makePopularIndex({source: `test`, date: `2026-12-03`, count: names.length, names: names.map((name, i) => [name, 1000 - i])});
}

function targetsOf(verdict: NameVerdict): Array<string> {
  return verdict.kind === `suspect` ? verdict.targets.map(target => `${target.name}:${target.kind}`) : [];
}

function only(kind: TypoKind) {
  return {kinds: new Set<TypoKind>([kind])};
}

describe(`typosquat: popular names data`, () => {
  it(`holds the top 10,000 names, sorted and unique, with a header`, () => {
    assert.equal(DATA.count, 10_000);
    assert.equal(DATA.names.length, 10_000);
    assert.match(DATA.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(DATA.source, /npm/);
    for (let i = 1; i < DATA.names.length; ++i)
      assert.ok(DATA.names[i - 1][0] < DATA.names[i][0], `${DATA.names[i - 1][0]} before ${DATA.names[i][0]}`);
    for (const name of [`lodash`, `express`, `cross-env`, `@types/node`, `react`])
      assert.ok(isPopular(INDEX, name), name);
  });

  it(`is built from the npm list: lowercase names, the most downloaded, sorted by name`, () => {
    const list = `name\tversion\tdownloads_a_month\tsummary\nzeta\t1.0.0\t50\t\nAlpha\t1.0.0\t999\t\nbeta\t1.0.0\t70\tx\ngamma\t1.0.0\tn/a\t\ndelta\t1.0.0\t10\t\n`;
    const downloads = readNpmList(list);
    assert.deepEqual([...downloads.keys()].sort(), [`beta`, `delta`, `zeta`]);
    const top = topNames(downloads, 2);
    assert.deepEqual(top, [[`beta`, 70], [`zeta`, 50]]);
    const text = serializePopularNames({source: `s`, date: `2026-12-03`, count: 2, names: top});
    const body = /text: `([^`]*)`/.exec(text);
    assert.ok(body !== null, text);
    assert.deepEqual(parsePopularNames({source: `s`, date: `2026-12-03`, count: 2, text: body[1]}).names, top);
    assert.throws(() => parsePopularNames({source: `s`, date: `d`, count: 3, text: body[1]}), /2 names where the header says 3/);
    assert.throws(() => parsePopularNames({source: `s`, date: `d`, count: 1, text: `beta seventy\n`}), /malformed line "beta seventy"/);
    assert.throws(() => serializePopularNames({source: `s`, date: `d`, count: 1, names: [[`a\`b`, 1]]}), /cannot be written/);
  });
});

describe(`typosquat: variants`, () => {
  it(`repeated characters: doubles a single letter and drops one of a double`, () => {
    const names = editVariants(`expres`, new Set([`repeated`])).map(v => v.name);
    assert.ok(names.includes(`express`));
    assert.ok(editVariants(`expresss`, new Set([`repeated`])).some(v => v.name === `express`));
  });

  it(`adjacent swap`, () => {
    assert.ok(editVariants(`lodahs`, new Set([`swap`])).some(v => v.name === `lodash` && v.kind === `swap`));
  });

  it(`omitted character only for targets of 6+ characters`, () => {
    assert.ok(editVariants(`mongose`, new Set([`omitted`])).some(v => v.name === `mongoose`));
    assert.deepEqual(editVariants(`axo`, new Set([`omitted`])), []);
    assert.ok(editVariants(`chalkx`, new Set([`added`])).length === 0, `the target chalk has 5 characters`);
    assert.ok(editVariants(`electronx`, new Set([`added`])).some(v => v.name === `electron`));
  });

  it(`substituted character only in names of 7+ characters, by keyboard neighbour or look-alike`, () => {
    const variants = editVariants(`electrom`, new Set([`substituted`])).map(v => v.name);
    assert.ok(variants.includes(`electron`), `m and n are neighbours`);
    assert.ok(!editVariants(`elecqron`, new Set([`substituted`])).some(v => v.name === `electron`), `q and t are far apart`);
    assert.deepEqual(editVariants(`lodazh`, new Set([`substituted`])), [], `six characters`);
    assert.ok(substitutesOf(`0`).includes(`o`) && substitutesOf(`o`).includes(`0`));
    assert.ok(substitutesOf(`l`).includes(`1`) && substitutesOf(`i`).includes(`l`));
    assert.ok(substitutesOf(`s`).includes(`a`) && substitutesOf(`s`).includes(`d`) && !substitutesOf(`s`).includes(`p`));
  });

  it(`separators, affixes and scopes`, () => {
    assert.equal(skeletonOf(`cross-env`), skeletonOf(`cross_env`));
    assert.equal(skeletonOf(`cross.env`), `crossenv`);
    assert.deepEqual(splitName(`@types/node`), {scope: `types`, bare: `node`});
    assert.deepEqual(splitName(`lodash`), {scope: null, bare: `lodash`});
    assert.deepEqual(affixVariants(`jquery.js`).map(v => v.name), [`jquery`]);
    assert.deepEqual(affixVariants(`node-fabric`).map(v => v.name), [`fabric`]);
    assert.deepEqual(affixVariants(`mysqljs`).map(v => v.name), [`mysql`]);
    assert.deepEqual(affixVariants(`js`), []);
  });
});

describe(`typosquat: name-only verdict`, () => {
  it(`finds each kind of slip in the real popular names`, () => {
    const cases: Array<[string, string]> = [
      [`lodahs`, `lodash:swap`],
      [`electorn`, `electron:swap`],
      [`expresss`, `express:repeated`],
      [`mongose`, `mongoose:repeated`],
      [`electrom`, `electron:substituted`],
      [`crossenv`, `cross-env:separator`],
      [`cross_env`, `cross-env:separator`],
      [`jquery.js`, `jquery:affix`],
      [`types-node`, `@types/node:scope`],
      [`@tyeps/node`, `@types/node:scope`],
      [`@type/node`, `@types/node:scope`],
    ];
    for (const [name, target] of cases)
      assert.ok(targetsOf(nameVerdict(INDEX, name)).includes(target), `${name}: ${JSON.stringify(targetsOf(nameVerdict(INDEX, name)))}`);
  });

  it(`lists targets most downloaded first`, () => {
    const index = small([`abcdefg`, `abcdegf`]);
    const verdict = nameVerdict(index, `abcdefgg`);
    assert.deepEqual(targetsOf(verdict), [`abcdefg:repeated`]);
    const both = nameVerdict(small([`ab-cdefg`, `abcdefg`]), `ab_cdefg`);
    assert.deepEqual(targetsOf(both), [`ab-cdefg:separator`, `abcdefg:separator`]);
  });

  it(`each kind can be switched off`, () => {
    assert.equal(nameVerdict(INDEX, `lodahs`, only(`repeated`)).kind, `clear`);
    assert.equal(nameVerdict(INDEX, `lodahs`, only(`swap`)).kind, `suspect`);
    assert.equal(nameVerdict(INDEX, `jquery.js`, only(`swap`)).kind, `clear`);
  });

  it(`never flags a popular name`, () => {
    for (const [name] of DATA.names)
      assert.equal(nameVerdict(INDEX, name).kind, `clear`, name);
  });

  it(`never compares names inside a popular scope`, () => {
    assert.equal(nameVerdict(INDEX, `@types/nodee`).kind, `clear`);
    assert.equal(nameVerdict(INDEX, `@babel/cor`).kind, `clear`);
    assert.equal(nameVerdict(small([`@acme/widget`, `@acme/widgets-x`]), `@acme/widgets`).kind, `clear`);
  });

  it(`does not call a name in another scope a typo unless the scope is one`, () => {
    assert.equal(nameVerdict(INDEX, `@evil/lodash`).kind, `clear`);
    assert.equal(nameVerdict(INDEX, `@someone/nodee`).kind, `clear`);
  });

  it(`leaves short names alone`, () => {
    assert.equal(nameVerdict(small([`ms`]), `sm`).kind, `clear`);
  });

  it(`judges a name with capitals as its lowercase spelling (outside attack K1)`, () => {
    assert.deepEqual(targetsOf(nameVerdict(INDEX, `Chalk`)), [`chalk:case`]);
    assert.deepEqual(targetsOf(nameVerdict(INDEX, `LODASH`)), [`lodash:case`]);
    assert.deepEqual(targetsOf(nameVerdict(INDEX, `Chlak`)), [`chalk:case`]);
    assert.deepEqual(targetsOf(nameVerdict(INDEX, `Lodahs`)), [`lodash:case`]);
    assert.equal(nameVerdict(INDEX, `SomethingDistinctEnough`).kind, `clear`);
  });

  it(`never flags a popular name that has capitals itself`, () => {
    assert.equal(nameVerdict(small([`JSONStream`, `jsonstream2`]), `JSONStream`).kind, `clear`);
  });
});

describe(`typosquat: measurement helpers`, () => {
  it(`reads npm names from a Yarn lockfile`, () => {
    const lockfile = [
      `"@babel/core@npm:^7.0.0, @babel/core@npm:^7.1.0":`,
      `  version: 7.1.0`,
      `  resolution: "@babel/core@npm:7.1.0"`,
      ``,
      `"resolve@patch:resolve@npm%3A^1.0.0#~builtin<compat/resolve>":`,
      `  resolution: "resolve@patch:resolve@npm%3A1.22.0#~builtin<compat/resolve>::version=1.22.0"`,
      ``,
      `"lodash@npm:^4.0.0":`,
      `  resolution: "lodash@npm:4.17.21"`,
      ``,
      `"root@workspace:.":`,
      `  resolution: "root@workspace:."`,
    ].join(`\n`);
    assert.deepEqual(lockfileNames(lockfile), [`@babel/core`, `lodash`]);
  });

  it(`takes the creation time, else the earliest version time`, () => {
    assert.equal(createdOf({created: `2015-01-01T00:00:00.000Z`, [`1.0.0`]: `2016-01-01T00:00:00.000Z`}), `2015-01-01T00:00:00.000Z`);
    assert.equal(createdOf({modified: `2010-01-01T00:00:00.000Z`, [`1.0.1`]: `2021-01-01T00:00:00.000Z`, [`1.0.0`]: `2020-01-01T00:00:00+00:00`}), `2020-01-01T00:00:00.000Z`);
    assert.equal(createdOf(undefined), null);
  });

  it(`reads the facts of a packument, a field of the wrong type as absent`, () => {
    const facts = factsFromPackument({
      [`dist-tags`]: {latest: `2.0.0`},
      versions: {[`1.0.0`]: {}, [`2.0.0`]: {description: `from latest`, repository: {url: `git+https://github.com/a/b.git`}}},
      maintainers: [{name: `zed`}, `amy <amy@example.com>`, 42],
      time: {created: `2019-05-01T00:00:00.000Z`},
    });
    assert.deepEqual(facts, {description: `from latest`, repositoryUrl: `git+https://github.com/a/b.git`, maintainers: [`amy`, `zed`], created: `2019-05-01T00:00:00.000Z`, versionCount: 2});
    assert.equal(factsFromPackument({versions: {}}), null);
    assert.equal(factsFromPackument(`<html>`), null);
    assert.deepEqual(factsFromPackument({description: 7, repository: [`x`], versions: {[`1.0.0`]: {}}, time: `soon`}), {description: null, repositoryUrl: null, maintainers: [], created: null, versionCount: 1});
  });
});
