/**
 * Code that only other packages run at install time is decided through the
 * packages whose own install script starts the chain: denying the helper
 * stops nothing, denying (or approving) the root does.
 */

import type {GateFinding, InstallRoot} from './gateTypes';

/**
 * The packages whose own install scripts reach `finding` through chains of
 * code that other install code runs (`nx` for `rxjs` when nx's postinstall
 * requires a module that requires rxjs), sorted by name. Denied packages run
 * no install script, so chains through them are not followed.
 */
export function installRootsOf(findings: readonly GateFinding[], finding: GateFinding): InstallRoot[] {
  const byId = new Map(findings.map(entry => [entry.pkg.id, entry]));
  const roots = new Map<string, InstallRoot>();
  const seen = new Set<string>([finding.pkg.id]);
  const queue = [...finding.pkg.reachedFrom ?? []];
  while (queue.length > 0) {
    const from = queue.shift()!;
    if (from.workspace === true) {
      roots.set(`workspace:${from.locator}`, {name: null, locator: from.locator});
      continue;
    }
    if (seen.has(from.id))
      continue;
    seen.add(from.id);
    const consumer = byId.get(from.id);
    // A denied package runs no install script: it starts no chain.
    if (consumer?.state === `denied` && consumer.pkg.ownScripts !== false)
      continue;
    if (consumer === undefined || consumer.pkg.ownScripts !== false) {
      roots.set(from.id, {name: consumer?.pkg.name ?? nameOfLocator(from.locator), locator: from.locator});
      continue;
    }
    queue.push(...consumer.pkg.reachedFrom ?? []);
  }
  return [...roots.values()].sort((a, b) => (a.name ?? ``).localeCompare(b.name ?? ``) || a.locator.localeCompare(b.locator));
}

/** `name` of `name@npm:1.0.0` or `@scope/name@…`; a locator is never a workspace here. */
function nameOfLocator(locator: string): string {
  return /^(@[^/@]+\/[^@]+|[^@]+)@/.exec(locator)?.[1] ?? locator;
}

/** The names to pass to `yarn trust deny` or `approve` for these roots (workspaces excluded), unique. */
export function rootNames(roots: readonly InstallRoot[]): string[] {
  return [...new Set(roots.flatMap(root => root.name === null ? [] : [root.name]))];
}

/**
 * Each refused package that only other install code runs, with the roots of
 * its chains and how many refused packages `yarn trust approve <roots>` would
 * approve at once (undecidable, denied and shadowing ones never are).
 */
export function withInstallRoots(findings: readonly GateFinding[]): GateFinding[] {
  const rootsById = new Map<string, InstallRoot[]>();
  for (const finding of findings)
    if (finding.pkg.ownScripts === false && finding.severity === `error`)
      rootsById.set(finding.pkg.id, installRootsOf(findings, finding));
  const approvable = findings.filter(finding => rootsById.has(finding.pkg.id) && (finding.state === `pending` || finding.state === `changed`) && (finding.pkg.shadows ?? []).length === 0);
  return findings.map(finding => {
    const roots = rootsById.get(finding.pkg.id);
    if (roots === undefined)
      return finding;
    const names = new Set(rootNames(roots));
    const covered = names.size === 0 ? 0 : approvable.filter(other => rootNames(rootsById.get(other.pkg.id)!).some(name => names.has(name))).length;
    return {...finding, roots, refusedWithRoots: covered};
  });
}
