/**
 * The names a dependency edge installs from a registry: its own name, or the
 * name an `npm:` alias points to, looking through `patch:`. Edges to
 * workspaces, folders, git, URLs and scripts install no registry release.
 */

import {type Descriptor, structUtils} from '@yarnpkg/core';

export function registryNameOf(dependency: Descriptor): string | null {
  const source = registrySourceOf(dependency);
  if (source === null)
    return null;
  // `npm:<name>@<range>` names another package; `npm:<range>` keeps the name.
  const at = source.range.indexOf(`@`, 5);
  if (at === -1)
    return structUtils.stringifyIdent(source);
  const target = structUtils.tryParseDescriptor(source.range.slice(4), true);
  return target === null ? null : structUtils.stringifyIdent(target);
}

/** The `npm:` descriptor an edge installs, looking through `patch:` (the patched release's source); null for any other protocol. */
export function registrySourceOf(dependency: Descriptor): Descriptor | null {
  let source: Descriptor = dependency;
  for (let hop = 0; hop < 8 && source.range.startsWith(`patch:`); ++hop) {
    const inner = structUtils.parseRange(source.range).source;
    const parsed = inner === null ? null : structUtils.tryParseDescriptor(decodeURIComponent(inner), true);
    if (parsed === null)
      return null;
    source = parsed;
  }
  return source.range.startsWith(`npm:`) ? source : null;
}
