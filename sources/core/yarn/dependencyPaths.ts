/**
 * Which dependency brings a package in: the shortest path from a workspace, over the project's
 * resolved graph (virtual packages folded into the package they instantiate).
 */
import {type Configuration, type Locator, type Package, type Project, structUtils} from '@yarnpkg/core';

import {shortestDependencyPaths} from '../policy/dependencyPaths';

/** The package a virtual instance stands for, as the project stores it. */
export function originalPackage(project: Project, pkg: Package): Package {
  if (!structUtils.isVirtualLocator(pkg))
    return pkg;
  const devirtualized = structUtils.devirtualizeLocator(pkg);
  return project.storedPackages.get(devirtualized.locatorHash) ?? project.originalPackages.get(devirtualized.locatorHash) ?? pkg;
}

/**
 * The shortest path from a workspace to each target (a locator hash), around
 * the `avoid` packages when another path exists; null for a target no
 * workspace reaches.
 */
export function dependencyPaths(project: Project, targets: string[], avoid: ReadonlySet<string> = new Set()): Map<string, Package[] | null> {
  const dependencies = new Map<string, string[]>();
  const packagesById = new Map<string, Package>();
  for (const pkg of project.storedPackages.values()) {
    const original = originalPackage(project, pkg);
    packagesById.set(original.locatorHash, original);
    const edges = dependencies.get(original.locatorHash) ?? [];
    for (const descriptor of pkg.dependencies.values()) {
      const resolution = project.storedResolutions.get(descriptor.descriptorHash);
      const dependency = typeof resolution !== `undefined` ? project.storedPackages.get(resolution) : undefined;
      if (typeof dependency !== `undefined`) {
        edges.push(originalPackage(project, dependency).locatorHash);
      }
    }
    dependencies.set(original.locatorHash, edges);
  }

  const roots = project.workspaces.map(workspace => workspace.anchoredLocator.locatorHash);
  const idPaths = shortestDependencyPaths({roots, dependencies}, targets, avoid);
  return new Map([...idPaths].map(([id, path]) => [id, path === null ? null : path.map(node => packagesById.get(node)!)]));
}

/** `app@workspace:. › wrapper@npm:1.0.0 › esbuild@npm:0.24.0`, with Yarn's pretty printer. */
export function prettyPath(configuration: Configuration, path: Package[] | null) {
  if (path === null)
    return `not reachable from any workspace`;
  return path.map(pkg => structUtils.prettyLocator(configuration, pkg)).join(` › `);
}

/** The pretty path from a workspace to `pkg`, once Yarn has resolved it; null before, or when no workspace reaches it. */
export function broughtInBy(project: Project, pkg: Locator): string | null {
  const path = dependencyPaths(project, [pkg.locatorHash]).get(pkg.locatorHash) ?? null;
  return path === null ? null : prettyPath(project.configuration, path);
}
