/**
 * The names a dependency edge installs from a registry: its own name, or the
 * name an `npm:` alias points to, looking through `patch:`. Edges to
 * workspaces, folders, git, URLs and scripts install no registry release.
 */

import {type Descriptor, structUtils} from '@yarnpkg/core';

export function registryNameOf(dependency: Descriptor): string | null {
  let range = dependency.range;
  let name = structUtils.stringifyIdent(dependency);
  for (let hop = 0; hop < 8 && range.startsWith(`patch:`); ++hop) {
    const source = structUtils.parseRange(range).source;
    const inner = source === null ? null : structUtils.tryParseDescriptor(decodeURIComponent(source), true);
    if (inner === null)
      return null;
    name = structUtils.stringifyIdent(inner);
    range = inner.range;
  }
  if (!range.startsWith(`npm:`))
    return null;
  // `npm:<name>@<range>` names another package; `npm:<range>` keeps the name.
  const at = range.indexOf(`@`, 5);
  if (at === -1)
    return name;
  const target = structUtils.tryParseDescriptor(range.slice(4), true);
  return target === null ? null : structUtils.stringifyIdent(target);
}
