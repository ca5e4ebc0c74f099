/**
 * Packed dependencies: packages that Yarn builds from sources at fetch time
 * (git repositories, GitHub shorthands and tarballs, `exec:` generators). To
 * pack one, Yarn clones it and runs a package manager inside it — its
 * `prepare`, `prepack` and `postinstall`, or npm's lifecycle when it ships a
 * `package-lock.json` — before any install hook of the project sees it. So
 * they are judged where they are declared, before anything is fetched: a git
 * dependency runs only when a reviewer approved its repository at exactly the
 * commit that Yarn would fetch.
 */

import type {GitCommitApproval, GitDependencyTrust} from '../../core/policy/trustFile/types';

/** A 40-digit commit hash, the only form Yarn writes in a git locator. */
const COMMIT = /^[0-9a-f]{40}$/;

export function isCommitHash(value: string): boolean {
  return COMMIT.test(value);
}

/** What Yarn would fetch for one packed dependency. */
export type PackedTarget =
  | {kind: `git`, repository: string, commit: string | null}
  | {kind: `exec`, generator: string};

export type PackedDecision =
  | {state: `approved`, approval: GitCommitApproval}
  /** Never approved at this commit; `approvedCommits` lists the repository's others. */
  | {state: `unapproved`, repository: string, commit: string, approvedCommits: string[]}
  | {state: `undecidable`, reason: string};

/** Own keys only: a repository URL such as "constructor" must not reach Object.prototype. */
function approvalsOf(trust: GitDependencyTrust, repository: string): GitCommitApproval[] {
  return Object.hasOwn(trust, repository) ? trust[repository].approvals : [];
}

/**
 * Whether Yarn may fetch (and so pack) `target`. Fails closed: a git target
 * without a commit hash, or an `exec:` generator, is refused.
 */
export function decidePackedDependency(target: PackedTarget, trust: GitDependencyTrust): PackedDecision {
  if (target.kind === `exec`)
    return {state: `undecidable`, reason: `an exec: dependency runs its generator ${target.generator} with Node at fetch time, and yarn-plugin-trust cannot bind an approval to it`};
  if (target.commit === null || !isCommitHash(target.commit))
    return {state: `undecidable`, reason: `Yarn did not say which commit it would fetch`};

  const approvals = approvalsOf(trust, target.repository);
  const approval = approvals.find(candidate => candidate.commit === target.commit);
  if (approval !== undefined)
    return {state: `approved`, approval};
  return {state: `unapproved`, repository: target.repository, commit: target.commit, approvedCommits: approvals.map(candidate => candidate.commit)};
}

/**
 * The commit of a git reference after Yarn resolved it
 * (`<repo>#commit=<sha>&workspace=…`, or the old `<repo>#<sha>`), or null.
 */
export function commitOfGitReference(reference: string): string | null {
  const hash = reference.indexOf(`#`);
  if (hash === -1)
    return null;
  const fragment = reference.slice(hash + 1);
  if (isCommitHash(fragment))
    return fragment;
  if (!/^[a-z]+=/.test(fragment))
    return null;
  const commits = new URLSearchParams(fragment).getAll(`commit`);
  return commits.length === 1 && isCommitHash(commits[0]) ? commits[0] : null;
}

/**
 * Splits the argument of `yarn trust approve-git`: `<url>#<sha>`,
 * `<url>#commit=<sha>` or a bare `<url>` (its commit is then asked from the
 * repository). Anything after `#` that is not a full commit hash is a branch,
 * tag or range that the caller must resolve.
 */
export function splitGitArgument(argument: string): {repository: string, commit: string | null, treeish: string | null} {
  const hash = argument.indexOf(`#`);
  if (hash === -1)
    return {repository: argument, commit: null, treeish: null};
  const repository = argument.slice(0, hash);
  const commit = commitOfGitReference(argument);
  return {repository, commit, treeish: commit === null ? argument.slice(hash + 1) : null};
}
