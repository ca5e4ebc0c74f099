/** What a Yarn locator means to the plugin: its pin key, its npm version, and the registries it may come from. */

import {type Configuration, type Locator, structUtils} from '@yarnpkg/core';
import {npmConfigUtils} from '@yarnpkg/plugin-npm';

import {registryPinKey} from '../policy/pinsFile';

/**
 * The pin key of a package, or null for sources that are not downloaded
 * (workspaces, links, patches…). An install asks for every package's key
 * several times; the key depends only on the locator, which its hash names.
 */
export function pinKeyOf(pkg: Locator): string | null {
  let key = pinKeys.get(pkg.locatorHash);
  if (key === undefined) {
    if (pinKeys.size >= PIN_KEY_CACHE_LIMIT)
      pinKeys.clear();
    key = computePinKey(pkg);
    pinKeys.set(pkg.locatorHash, key);
  }
  return key;
}

const pinKeys = new Map<string, string | null>();
const PIN_KEY_CACHE_LIMIT = 100_000;

function computePinKey(pkg: Locator): string | null {
  if (structUtils.isVirtualLocator(pkg))
    return null;
  if (pkg.reference.startsWith(`npm:`))
    return registryPinKey(structUtils.stringifyIdent(pkg), npmSelectorOf(pkg.reference));
  if (/^https?:/.test(pkg.reference))
    return structUtils.stringifyLocator(pkg);
  if (isFileTarball(pkg)) {
    // The reference carries a hash of the file's content: leave it out, or a
    // changed file would get a new key instead of failing its pin.
    const {parentLocator, path} = structUtils.parseFileStyleRange(pkg.reference, {protocol: `file:`});
    return `${structUtils.stringifyIdent(pkg)}@file:${path}::locator=${encodeURIComponent(structUtils.stringifyLocator(parentLocator))}`;
  }
  return null;
}

/** `npm:1.2.3` → `1.2.3`; references with parameters (`::__archiveUrl=…`) go through Yarn's parser. */
export function npmSelectorOf(reference: string): string {
  return PLAIN_NPM_REFERENCE.test(reference) ? reference.slice(4) : structUtils.parseRange(reference).selector;
}

const PLAIN_NPM_REFERENCE = /^npm:[0-9A-Za-z.+-]+$/;

export function isFileTarball(pkg: Locator) {
  return pkg.reference.startsWith(`file:`) && /\.(tgz|tar\.gz)$/.test(structUtils.parseRange(pkg.reference).selector);
}

export function registriesOf(configuration: Configuration) {
  const registries = [{path: `npmRegistryServer`, url: npmConfigUtils.getDefaultRegistry({configuration})}];
  for (const [scope, settings] of configuration.get(`npmScopes`)) {
    const url = settings.get(`npmRegistryServer`);
    if (typeof url === `string`) {
      registries.push({path: `npmScopes.${scope}.npmRegistryServer`, url});
    }
  }
  return registries;
}
