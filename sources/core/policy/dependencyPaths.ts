/**
 * The dependency graph as plain data: node ids are opaque strings (the glue uses
 * devirtualized locator hashes) mapped to the ids they depend on.
 */
export interface DependencyGraph {
  roots: readonly string[];
  dependencies: ReadonlyMap<string, readonly string[]>;
}

/**
 * Shortest chain of ids from any root to each target, found with one
 * breadth-first walk so that a project with thousands of packages pays for the
 * graph once, not once per refused package. A target no root reaches maps to
 * `null`: the caller must say so rather than invent a path.
 */
export function shortestDependencyPaths(graph: DependencyGraph, targets: Iterable<string>, avoid: ReadonlySet<string> = new Set()): Map<string, string[] | null> {
  const wanted = [...targets];
  if (avoid.size === 0)
    return walk(graph, wanted, new Set());
  // A path through a package that runs nothing (a denied one) explains
  // little: another path is shown when one exists.
  const around = walk(graph, wanted, avoid);
  const missing = wanted.filter(target => around.get(target) === null);
  if (missing.length > 0)
    for (const [target, path] of walk(graph, missing, new Set()))
      around.set(target, path);
  return around;
}

function walk(graph: DependencyGraph, targets: readonly string[], avoid: ReadonlySet<string>): Map<string, string[] | null> {
  const parent = new Map<string, string | null>();
  const queue: string[] = [];

  for (const root of graph.roots) {
    if (!parent.has(root) && graph.dependencies.has(root)) {
      parent.set(root, null);
      queue.push(root);
    }
  }

  for (let index = 0; index < queue.length; ++index) {
    const current = queue[index];
    for (const next of graph.dependencies.get(current) ?? []) {
      if (parent.has(next) || !graph.dependencies.has(next) || (avoid.has(next) && !targets.includes(next)))
        continue;
      parent.set(next, current);
      queue.push(next);
    }
  }

  const paths = new Map<string, string[] | null>();
  for (const target of targets) {
    if (!parent.has(target)) {
      paths.set(target, null);
      continue;
    }
    const chain: string[] = [];
    for (let node: string | null = target; node !== null; node = parent.get(node) ?? null)
      chain.push(node);
    paths.set(target, chain.reverse());
  }
  return paths;
}
