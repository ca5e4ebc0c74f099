/**
 * The public keys a registry signs its releases with, for the signature
 * check: the npm registry's are built in (reached as registry.npmjs.org or
 * through Yarn's default, registry.yarnpkg.com); `trustRegistryKeys` sets
 * them for any registry (an empty list: the registry does not sign); any
 * other registry is asked once per process at `/-/npm/v1/keys`, where a 404
 * means that it does not sign.
 */

import {type Configuration, MessageName, type miscUtils, type Project, ReportError, formatUtils} from '@yarnpkg/core';
import {npmHttpUtils} from '@yarnpkg/plugin-npm';

import {NPM_REGISTRY_KEYS} from '../data/npmRegistryKeys';
import {parseRegistryKeys, type RegistryKey} from '../policy/signatures';
import {normalizeRegistryUrl} from '../../core/policy/webUrl';
import {projectState} from '../../core/yarn/projectState';
import {statusOf} from './registry';

/** Where the keys of a registry came from, for messages. */
export type RegistryKeys = {keys: ReadonlyArray<RegistryKey>, source: string} | {keys: null, source: string};

const NPM_REGISTRY_HOSTS = new Set([`registry.npmjs.org`, `registry.yarnpkg.com`, `registry.npmjs.com`]);

const keysState = projectState(`release-trust-keys`, () => ({
  byRegistry: new Map<string, Promise<RegistryKeys>>(),
}));

/** One spelling per registry (see normalizeRegistryUrl), so that `HTTP://Registry.example/./npm/` in `trustRegistryKeys` is the registry Yarn calls `http://registry.example/npm`. */
export function normalizeRegistry(url: string): string {
  return normalizeRegistryUrl(url) ?? url.replace(/\/+$/, ``);
}

/** `trustRegistryKeys` by normalized registry; an entry whose key is not an http(s) URL is an error, not ignored. */
function configuredRegistries(configuration: Configuration): Map<string, Array<miscUtils.ToMapValue<{keyid: string, key: string, expires: string | null}>>> {
  const byRegistry = new Map<string, Array<miscUtils.ToMapValue<{keyid: string, key: string, expires: string | null}>>>();
  for (const [registry, entries] of configuration.get(`trustRegistryKeys`)) {
    if (normalizeRegistryUrl(registry) === null)
      throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `${formatUtils.pretty(configuration, `trustRegistryKeys`, formatUtils.Type.SETTING)} in .yarnrc.yml: ${JSON.stringify(registry)} is not an http(s) URL of a registry; write it as in npmRegistryServer`);
    const key = normalizeRegistry(registry);
    if (byRegistry.has(key))
      throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `${formatUtils.pretty(configuration, `trustRegistryKeys`, formatUtils.Type.SETTING)} in .yarnrc.yml lists ${key} twice (as ${JSON.stringify(registry)} too); keep one entry`);
    byRegistry.set(key, entries);
  }
  return byRegistry;
}

export async function registryKeysOf(project: Project, registry: string): Promise<RegistryKeys> {
  const state = keysState.of(project);
  const key = normalizeRegistry(registry);
  let pending = state.byRegistry.get(key);
  if (pending === undefined) {
    pending = findKeys(project.configuration, key);
    state.byRegistry.set(key, pending);
  }
  return await pending;
}

async function findKeys(configuration: Configuration, registry: string): Promise<RegistryKeys> {
  const configured = configuredRegistries(configuration).get(registry);
  if (configured !== undefined)
    return {keys: configuredKeys(configuration, registry, configured), source: `${formatUtils.pretty(configuration, `trustRegistryKeys`, formatUtils.Type.SETTING)}`};

  let host: string;
  try {
    host = new URL(registry).host;
  } catch {
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `yarn-plugin-trust: the registry ${registry} is not a URL, so its signing keys cannot be found; fix npmRegistryServer in .yarnrc.yml`);
  }
  if (NPM_REGISTRY_HOSTS.has(host))
    return {keys: NPM_REGISTRY_KEYS, source: `the npm registry's keys built into the plugin`};

  const url = `${registry}/-/npm/v1/keys`;
  let document: unknown;
  try {
    document = await npmHttpUtils.get(`/-/npm/v1/keys`, {configuration, registry, jsonResponse: true});
  } catch (error) {
    if (statusOf(error) === 404)
      return {keys: null, source: `${url} (404: the registry does not sign its releases)`};
    throw new ReportError(MessageName.NETWORK_ERROR, `yarn-plugin-trust could not ask ${url} for the keys ${registry} signs its releases with (${(error as Error).message}), so no signature could be checked and nothing was installed. Retry when the registry answers, or set the keys (or an empty list for a registry that does not sign) in ${formatUtils.pretty(configuration, `trustRegistryKeys`, formatUtils.Type.SETTING)}.`);
  }
  const parsed = parseRegistryKeys(document);
  if (`error` in parsed)
    throw new ReportError(MessageName.NETWORK_ERROR, `yarn-plugin-trust: ${url} answered with keys it cannot use (${parsed.error}), so no signature of ${registry} could be checked and nothing was installed. Set the registry's keys in ${formatUtils.pretty(configuration, `trustRegistryKeys`, formatUtils.Type.SETTING)}.`);
  return {keys: parsed.keys.length === 0 ? null : parsed.keys, source: url};
}

/** `trustRegistryKeys[registry]`: a list of `{keyid, key, expires}`, checked like an endpoint's answer. */
function configuredKeys(configuration: Configuration, registry: string, entries: Array<miscUtils.ToMapValue<{keyid: string, key: string, expires: string | null}>>): ReadonlyArray<RegistryKey> | null {
  if (entries.length === 0)
    return null;
  // Yarn reads a YAML `null` inside a list as the string "null".
  const expiresOf = (value: string | null) => value === null || value === `null` || value === `` ? null : value;
  const parsed = parseRegistryKeys({keys: entries.map(entry => ({
    keyid: entry.get(`keyid`),
    key: entry.get(`key`),
    expires: expiresOf(entry.get(`expires`)),
    keytype: `ecdsa-sha2-nistp256`,
  }))});
  if (`error` in parsed)
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `${formatUtils.pretty(configuration, `trustRegistryKeys`, formatUtils.Type.SETTING)}['${registry}'] in .yarnrc.yml: ${parsed.error}. Each entry needs "keyid", "key" (the base64 SPKI of an ECDSA P-256 key, as ${registry}/-/npm/v1/keys lists it) and optionally "expires"; an empty list says that the registry does not sign.`);
  return parsed.keys;
}
