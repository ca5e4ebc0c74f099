/** Whether a registry's manifest of a version shows that it may run install scripts. */

import {certainlyRunsNothing} from './fingerprint';

/**
 * Whether the manifest a registry publishes for one version (`GET /<name>/<version>`)
 * leaves room for install scripts. It is what the publisher uploaded, not
 * necessarily the package.json inside the tarball, so it only decides which
 * archives are worth reading for a report (`yarn trust status` in a fresh
 * clone) — never whether anything may run: the install reads every archive.
 * npm adds `scripts.install: "node-gyp rebuild"` and `gypfile: true` when it
 * publishes a package with a binding.gyp; a `gypfile` that is not `false`
 * counts as one. Anything unusual answers true (read the archive).
 */
export function registryManifestMayRunScripts(document: unknown): boolean {
  if (typeof document !== `object` || document === null || Array.isArray(document))
    return true;
  const gypfile = Object.prototype.hasOwnProperty.call(document, `gypfile`) ? (document as {gypfile: unknown}).gypfile : false;
  const scripts = Object.prototype.hasOwnProperty.call(document, `scripts`) ? {scripts: (document as {scripts: unknown}).scripts} : {};
  return !certainlyRunsNothing(JSON.stringify(scripts), gypfile !== false && gypfile !== undefined && gypfile !== null);
}
