import assert from 'node:assert/strict';

import {summarizeNames} from '../../sources/confusion/policy/nameList';
import {commitOfGitReference, decidePackedDependency, splitGitArgument} from '../../sources/installScripts/policy/packedDependencies';
import {withApproval, withGitCommitApproved, withoutPackage} from '../../sources/core/policy/trustFile/edits';
import {parseTrustFile} from '../../sources/core/policy/trustFile/parse';
import {serializeTrustFile} from '../../sources/core/policy/trustFile/serialize';
import {emptyTrustFile, gitDependenciesOf, type TrustFile, TrustFileError} from '../../sources/core/policy/trustFile/types';

const REPO = `https://github.com/owner/tool.git`;
const A = `a`.repeat(40);
const B = `b`.repeat(40);

function approvedAt(trust: TrustFile, commit: string) {
  return withGitCommitApproved(trust, REPO, {commit, approvedAt: `2026-01-01T00:00:00.000Z`});
}

describe(`decidePackedDependency`, () => {
  describe(`when the commit is approved for the repository`, () => {
    it(`approves it`, () => {
      const trust = gitDependenciesOf(approvedAt(emptyTrustFile(), A));
      assert.equal(decidePackedDependency({kind: `git`, repository: REPO, commit: A}, trust).state, `approved`);
    });
  });

  describe(`when another commit of the repository is approved`, () => {
    it(`refuses it and lists the approved commits`, () => {
      const trust = gitDependenciesOf(approvedAt(emptyTrustFile(), A));
      assert.deepEqual(decidePackedDependency({kind: `git`, repository: REPO, commit: B}, trust), {state: `unapproved`, repository: REPO, commit: B, approvedCommits: [A]});
    });
  });

  describe(`when only another repository is approved at that commit`, () => {
    it(`refuses it`, () => {
      const trust = gitDependenciesOf(approvedAt(emptyTrustFile(), A));
      assert.equal(decidePackedDependency({kind: `git`, repository: `https://evil.example/tool.git`, commit: A}, trust).state, `unapproved`);
    });
  });

  describe(`when the commit is unknown, or the source is an exec: generator`, () => {
    it(`refuses it as undecidable`, () => {
      assert.equal(decidePackedDependency({kind: `git`, repository: REPO, commit: null}, {}).state, `undecidable`);
      assert.equal(decidePackedDependency({kind: `git`, repository: REPO, commit: `main`}, {}).state, `undecidable`);
      assert.equal(decidePackedDependency({kind: `exec`, generator: `./gen.js`}, {}).state, `undecidable`);
    });
  });

  describe(`when the repository URL is an Object.prototype member`, () => {
    it(`does not read it as approved`, () => {
      assert.equal(decidePackedDependency({kind: `git`, repository: `constructor`, commit: A}, {}).state, `unapproved`);
    });
  });
});

describe(`commitOfGitReference`, () => {
  it(`reads the commit of new-style and old-style references`, () => {
    assert.equal(commitOfGitReference(`${REPO}#commit=${A}`), A);
    assert.equal(commitOfGitReference(`${REPO}#commit=${A}&workspace=lib`), A);
    assert.equal(commitOfGitReference(`${REPO}#${A}`), A);
  });

  it(`returns null for branches, tags, short hashes and duplicated commits`, () => {
    assert.equal(commitOfGitReference(REPO), null);
    assert.equal(commitOfGitReference(`${REPO}#main`), null);
    assert.equal(commitOfGitReference(`${REPO}#commit=abc123`), null);
    assert.equal(commitOfGitReference(`${REPO}#commit=${A}&commit=${B}`), null);
  });
});

describe(`splitGitArgument`, () => {
  it(`separates the repository from a commit or a treeish`, () => {
    assert.deepEqual(splitGitArgument(`${REPO}#${A}`), {repository: REPO, commit: A, treeish: null});
    assert.deepEqual(splitGitArgument(`${REPO}#main`), {repository: REPO, commit: null, treeish: `main`});
    assert.deepEqual(splitGitArgument(REPO), {repository: REPO, commit: null, treeish: null});
  });
});

describe(`the gitDependencies section of the trust file`, () => {
  it(`round-trips, oldest approval first`, () => {
    let trust = withGitCommitApproved(emptyTrustFile(), REPO, {commit: B, approvedAt: `2026-02-01T00:00:00.000Z`, reason: `reviewed`});
    trust = withGitCommitApproved(trust, REPO, {commit: A, approvedAt: `2026-01-01T00:00:00.000Z`});
    const text = serializeTrustFile(trust);
    assert.deepEqual(parseTrustFile(text, `f`), trust);
    assert.deepEqual(gitDependenciesOf(parseTrustFile(text, `f`))[REPO].approvals.map(approval => approval.commit), [A, B]);
  });

  it(`is left out when empty, so older files keep their bytes`, () => {
    assert.doesNotMatch(serializeTrustFile(emptyTrustFile()), /gitDependencies/);
  });

  it(`survives edits of packages`, () => {
    let trust = approvedAt(emptyTrustFile(), A);
    trust = withApproval(trust, `esbuild`, {version: `1.0.0`, scripts: {postinstall: `node install.js`}, files: {}, approvedAt: `2026-01-01T00:00:00.000Z`});
    trust = withoutPackage(trust, `esbuild`);
    assert.equal(gitDependenciesOf(trust)[REPO].approvals[0].commit, A);
  });

  const parse = (section: string) => parseTrustFile(`{"version": 1, "packages": {}, "gitDependencies": ${section}}`, `f`);

  it(`refuses short commits, fragments in the URL, unknown keys and duplicates`, () => {
    assert.throws(() => parse(`{"${REPO}": {"approvals": [{"commit": "abc", "approvedAt": "2026-01-01T00:00:00Z"}]}}`), TrustFileError);
    assert.throws(() => parse(`{"${REPO}#main": {"approvals": [{"commit": "${A}", "approvedAt": "2026-01-01T00:00:00Z"}]}}`), /fragment/);
    assert.throws(() => parse(`{"${REPO}": {"approvals": [{"commit": "${A}", "approvedAt": "2026-01-01T00:00:00Z", "by": "me"}]}}`), /unknown key "by"/);
    assert.throws(() => parse(`{"${REPO}": {"approvals": [{"commit": "${A}", "approvedAt": "2026-01-01T00:00:00Z"}, {"commit": "${A}", "approvedAt": "2026-01-02T00:00:00Z"}]}}`), /duplicate approval/);
    assert.throws(() => parse(`{"${REPO}": {"approvals": []}}`), /non-empty array/);
  });
});

describe(`summarizeNames`, () => {
  it(`sorts, deduplicates and cuts after the maximum`, () => {
    assert.equal(summarizeNames([`b`, `a`, `b`]), `a, b`);
    assert.equal(summarizeNames([`a`, `b`, `c`, `d`], 2), `a, b and 2 more`);
  });
});
