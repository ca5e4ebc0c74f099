import assert from 'node:assert/strict';

import {withApproval, withCollisionAcknowledged, withDenial, withGitCommitApproved, withoutPackage} from '../../sources/core/policy/trustFile/edits';
import {parseTrustFile} from '../../sources/core/policy/trustFile/parse';
import {allowanceFor, withReleaseAllowed} from '../../sources/core/policy/trustFile/releases';
import {serializeTrustFile} from '../../sources/core/policy/trustFile/serialize';
import {emptyTrustFile, type TrustFile, TrustFileError} from '../../sources/core/policy/trustFile/types';

const FILE = `yarn-trust.json`;
const AT = `2026-12-03T10:00:00.000Z`;

const WITH_RELEASES = `{
  "version": 1,
  "packages": {},
  "releases": {
    "left-pad": [
      {
        "findings": [
          "new-name"
        ],
        "allowedAt": "2026-12-03T10:00:00.000Z",
        "reason": "reviewed"
      },
      {
        "version": "1.3.0",
        "findings": [
          "trust-downgrade",
          "signature"
        ],
        "allowedAt": "2026-12-03T10:00:00.000Z",
        "reason": "published by hand during an outage"
      }
    ],
    "loadsh": [
      {
        "findings": [
          "typosquat"
        ],
        "allowedAt": "2026-12-03T10:00:00.000Z",
        "reason": "our own fork, published by us"
      }
    ]
  }
}
`;

function refusal(text: string): TrustFileError {
  try {
    parseTrustFile(text, FILE);
  } catch (error) {
    assert.ok(error instanceof TrustFileError, String(error));
    return error;
  }
  assert.fail(`accepted:\n${text}`);
}

describe(`trust file: releases (accepted findings of release trust)`, () => {
  it(`round-trips in canonical form`, () => {
    const trust = parseTrustFile(WITH_RELEASES, FILE);
    assert.equal(serializeTrustFile(trust), WITH_RELEASES);
  });

  it(`accepts a finding only of a listed kind, and a release finding only for its version`, () => {
    const trust = parseTrustFile(WITH_RELEASES, FILE);
    assert.notEqual(allowanceFor(trust, `loadsh`, `4.6.0`, `typosquat`), null);
    assert.equal(allowanceFor(trust, `loadsh`, `4.6.0`, `new-name`), null);
    assert.equal(allowanceFor(trust, `left-pad`, `1.3.0`, `trust-downgrade`)?.reason, `published by hand during an outage`);
    assert.equal(allowanceFor(trust, `left-pad`, `1.3.1`, `trust-downgrade`), null);
    assert.notEqual(allowanceFor(trust, `left-pad`, `1.3.1`, `new-name`), null);
    assert.equal(allowanceFor(trust, `constructor`, `1.0.0`, `typosquat`), null);
    assert.equal(allowanceFor(trust, `lodash`, `4.17.21`, `typosquat`), null);
  });

  it(`refuses a release finding without a version, an unknown kind, duplicates and a missing reason`, () => {
    const bare = (entry: string) => `{"version": 1, "packages": {}, "releases": {"x": [${entry}]}}`;
    assert.match(refusal(bare(`{"findings": ["signature"], "allowedAt": "${AT}", "reason": "r"}`)).message, /"signature" is a finding about one release: add "version"/);
    assert.match(refusal(bare(`{"findings": ["typo"], "allowedAt": "${AT}", "reason": "r"}`)).message, /releases\["x"\]\[0\]\.findings\[0\]: expected one of "typosquat", "new-name", "trust-downgrade", "new-bin", "signature"/);
    assert.match(refusal(bare(`{"findings": ["typosquat"], "allowedAt": "${AT}"}`)).message, /missing required key "reason"/);
    assert.match(refusal(bare(`{"findings": [], "allowedAt": "${AT}", "reason": "r"}`)).message, /a non-empty array of finding kinds/);
    assert.match(refusal(bare(`{"version": "^1.0.0", "findings": ["signature"], "allowedAt": "${AT}", "reason": "r"}`)).message, /an exact version/);
    assert.match(refusal(bare(`{"findings": ["typosquat"], "allowedAt": "${AT}", "reason": "r"}, {"findings": ["new-name"], "allowedAt": "${AT}", "reason": "r"}`)).message, /a second allowance for every version/);
    assert.match(refusal(`{"version": 1, "packages": {}, "releases": {"x": []}}`).message, /a non-empty array of allowances/);
    assert.match(refusal(`{"version": 1, "packages": {}, "releases": {"Bad Name": [{"findings": ["typosquat"], "allowedAt": "${AT}", "reason": "r"}]}}`).message, /invalid package name/);
  });

  it(`allowing again merges the kinds and takes the new date and reason`, () => {
    let trust = withReleaseAllowed(emptyTrustFile(), `loadsh`, {findings: [`typosquat`], allowedAt: AT, reason: `first`});
    trust = withReleaseAllowed(trust, `loadsh`, {findings: [`new-name`], allowedAt: `2026-12-04T10:00:00.000Z`, reason: `second`});
    trust = withReleaseAllowed(trust, `loadsh`, {version: `1.0.0`, findings: [`signature`], allowedAt: AT, reason: `third`});
    assert.deepEqual(trust.releases?.loadsh, [
      {findings: [`typosquat`, `new-name`], allowedAt: `2026-12-04T10:00:00.000Z`, reason: `second`},
      {version: `1.0.0`, findings: [`signature`], allowedAt: AT, reason: `third`},
    ]);
    assert.doesNotThrow(() => serializeTrustFile(trust));
  });

  it(`survives every other edit of the file, which never shares records with their input`, () => {
    const base: TrustFile = withReleaseAllowed(emptyTrustFile(), `loadsh`, {findings: [`typosquat`], allowedAt: AT, reason: `r`});
    const edits: Array<(trust: TrustFile) => TrustFile> = [
      trust => withApproval(trust, `esbuild`, {version: `0.19.2`, scripts: {postinstall: `node install.js`}, files: {}, approvedAt: AT}),
      trust => withDenial(trust, `core-js`, {deniedAt: AT}),
      trust => withoutPackage(trust, `core-js`),
      trust => withCollisionAcknowledged(trust, `@corp/x`, {acknowledgedAt: AT, publicRegistry: `https://registry.npmjs.org`}),
      trust => withGitCommitApproved(trust, `https://github.com/a/b.git`, {commit: `a`.repeat(40), approvedAt: AT}),
    ];
    for (const edit of edits) {
      const next = edit(base);
      assert.notEqual(allowanceFor(next, `loadsh`, null, `typosquat`), null, edit.toString());
      assert.notEqual(next.releases, base.releases, edit.toString());
    }
  });
});
