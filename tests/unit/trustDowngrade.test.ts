import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {decideTrustDowngrade, evidenceOf, isWithinDowngradeWindow, releaseHistory} from '../../sources/releaseTrust/policy/trustDowngrade';

const ROOT = path.resolve(__dirname, `../../..`);
const X402 = JSON.parse(fs.readFileSync(path.join(ROOT, `tests/unit/fixtures/releaseTrust/x402-stellar-2.12.0.json`), `utf8`)) as Record<string, unknown>;

const TRUSTED = X402;
const PROVENANCE = {dist: {attestations: {url: `u`, provenance: {predicateType: `https://slsa.dev/provenance/v1`}}}, _npmUser: {name: `ci-bot`}};
const BY_HAND = (user: string) => ({dist: {}, _npmUser: {name: user}});

/** A packument whose versions were published in the order given, one day apart. */
function packument(versions: Array<[string, unknown]>) {
  const time: Record<string, string> = {created: `2024-01-01T00:00:00.000Z`};
  versions.forEach(([version], index) => { time[version] = new Date(Date.UTC(2024, 0, 2 + index)).toISOString(); });
  return {versions: Object.fromEntries(versions), time};
}

describe(`release trust: trust downgrades`, () => {
  it(`reads the evidence of a real release published by a trusted publisher`, () => {
    assert.equal(evidenceOf(X402), `trusted-publisher`);
    assert.equal(evidenceOf({...X402, _npmUser: {name: `someone`}}), `provenance`);
    assert.equal(evidenceOf({dist: {integrity: `x`}}), `none`);
    assert.equal(evidenceOf(`garbage`), `none`);
  });

  it(`refuses a release by hand after releases from a trusted publisher, naming the new publisher`, () => {
    const history = releaseHistory(packument([[`2.11.0`, TRUSTED], [`2.12.0`, TRUSTED], [`2.12.1`, BY_HAND(`attacker`)]]));
    const decision = decideTrustDowngrade({name: `@x402/stellar`, version: `2.12.1`, history});
    assert.equal(decision.kind, `refuse`);
    if (decision.kind !== `refuse`)
      return;
    assert.equal(decision.bestEarlier.version, `2.12.0`);
    assert.equal(decision.publisherIsNew, true);
    assert.match(decision.reason, /@x402\/stellar@2\.12\.1 was published without a trusted publisher or a provenance attestation, but 2\.12\.0 \(2024-01-03\) was published by a trusted publisher; it was published by attacker, who published no earlier release/);
  });

  it(`refuses trusted → provenance and provenance → none; accepts equal or better evidence`, () => {
    assert.equal(decideTrustDowngrade({name: `p`, version: `1.0.1`, history: releaseHistory(packument([[`1.0.0`, TRUSTED], [`1.0.1`, PROVENANCE]]))}).kind, `refuse`);
    assert.equal(decideTrustDowngrade({name: `p`, version: `1.0.1`, history: releaseHistory(packument([[`1.0.0`, PROVENANCE], [`1.0.1`, BY_HAND(`ci-bot`)]]))}).kind, `refuse`);
    assert.deepEqual(decideTrustDowngrade({name: `p`, version: `1.0.1`, history: releaseHistory(packument([[`1.0.0`, BY_HAND(`a`)], [`1.0.1`, PROVENANCE]]))}), {kind: `ok`});
    assert.deepEqual(decideTrustDowngrade({name: `p`, version: `1.0.1`, history: releaseHistory(packument([[`1.0.0`, PROVENANCE], [`1.0.1`, PROVENANCE]]))}), {kind: `ok`});
    assert.deepEqual(decideTrustDowngrade({name: `p`, version: `1.0.0`, history: releaseHistory(packument([[`1.0.0`, BY_HAND(`a`)]]))}), {kind: `ok`});
  });

  it(`says whether a publisher by hand published earlier releases`, () => {
    const decision = decideTrustDowngrade({name: `p`, version: `1.0.2`, history: releaseHistory(packument([[`1.0.0`, BY_HAND(`alice`)], [`1.0.1`, PROVENANCE], [`1.0.2`, BY_HAND(`alice`)]]))});
    assert.equal(decision.kind === `refuse` && decision.publisherIsNew, false);
  });

  it(`compares by publication time: a backport after a release with provenance is compared with it; an old release is not compared with later ones`, () => {
    const history = releaseHistory(packument([[`1.0.0`, BY_HAND(`a`)], [`2.0.0`, PROVENANCE], [`1.0.1`, BY_HAND(`a`)]]));
    assert.equal(decideTrustDowngrade({name: `p`, version: `1.0.1`, history}).kind, `refuse`);
    assert.deepEqual(decideTrustDowngrade({name: `p`, version: `1.0.0`, history}), {kind: `ok`});
  });

  it(`compares a stable release with stable releases only, and a prerelease with everything`, () => {
    const history = releaseHistory(packument([[`1.0.0`, BY_HAND(`a`)], [`1.1.0-canary.1`, TRUSTED], [`1.1.0`, BY_HAND(`a`)], [`1.2.0-canary.1`, BY_HAND(`b`)]]));
    assert.deepEqual(decideTrustDowngrade({name: `p`, version: `1.1.0`, history}), {kind: `ok`});
    assert.equal(decideTrustDowngrade({name: `p`, version: `1.2.0-canary.1`, history}).kind, `refuse`);
  });

  it(`fails closed without a publication time, and refuses a document that is not a packument`, () => {
    const history = releaseHistory({versions: {[`1.0.0`]: TRUSTED, [`1.0.1`]: BY_HAND(`a`)}, time: {[`1.0.0`]: `2024-01-01T00:00:00.000Z`, [`1.0.1`]: `soon`}});
    assert.deepEqual(history.map(record => record.version), [`1.0.0`]);
    assert.equal(decideTrustDowngrade({name: `p`, version: `1.0.1`, history}).kind, `unknown`);
    assert.throws(() => releaseHistory({versions: {}}), /"versions" and "time"/);
  });

  it(`judges releases published within the window, and those without a date; a window of 0 judges none`, () => {
    const now = new Date(`2026-12-04T00:00:00.000Z`);
    assert.equal(isWithinDowngradeWindow({publishedAt: `2026-12-03T00:00:00.000Z`, now, windowDays: 30}), true);
    assert.equal(isWithinDowngradeWindow({publishedAt: `2026-11-04T00:00:01.000Z`, now, windowDays: 30}), true);
    assert.equal(isWithinDowngradeWindow({publishedAt: `2026-11-04T00:00:00.000Z`, now, windowDays: 30}), false);
    assert.equal(isWithinDowngradeWindow({publishedAt: `2019-01-01T00:00:00.000Z`, now, windowDays: 30}), false);
    assert.equal(isWithinDowngradeWindow({publishedAt: null, now, windowDays: 30}), true);
    assert.equal(isWithinDowngradeWindow({publishedAt: `not a date`, now, windowDays: 30}), true);
    assert.equal(isWithinDowngradeWindow({publishedAt: `2026-12-03T00:00:00.000Z`, now, windowDays: 0}), false);
  });
});
