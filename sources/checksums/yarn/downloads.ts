/**
 * Every tarball download, judged before Yarn sees its bytes: the URL the
 * registry lists, the registry's integrity and the committed pin.
 */

import {
  type Configuration, type Descriptor, type Locator, MessageName, type Project, ReportError, formatUtils, httpUtils, structUtils,
} from '@yarnpkg/core';
import {ppath} from '@yarnpkg/fslib';
import {npmConfigUtils, npmHttpUtils} from '@yarnpkg/plugin-npm';

import {sha512Integrity, type TarballProblem, verifyTarball} from '../policy/integrity';
import {checkTarballUrl, type UrlProblem} from '../policy/tarballUrls';
import {registryPinKey} from '../../core/policy/pinsFile';
import {broughtInBy} from '../../core/yarn/dependencyPaths';
import {isNewRelease} from '../../core/yarn/lockfileAtStart';
import {expectedIntegrityOf, sha512IntegrityOf} from '../../core/yarn/expectedDownloads';
import {npmSelectorOf, registriesOf} from '../../core/yarn/packageKeys';
import {type ChecksumContext, contextForConfiguration, contextOf, type ExpectedDownload, type RegistryRecord, registryRecordJudges, type SettledRecord} from './context';

type Executor = () => Promise<httpUtils.Response>;

/**
 * Every download Yarn makes during an install passes here. Tarballs of the
 * project's packages are checked before the request (is this the URL the
 * registry lists?) and after it, on the raw bytes and before Yarn converts them
 * (do they match the registry's integrity and the committed pin?). Throwing
 * keeps the archive out of every cache and the lockfile unwritten.
 */
export async function verifyDownloads(executor: Executor, request: {target: string | URL, method?: string, jsonResponse?: boolean, configuration: Configuration}): Promise<Executor> {
  const context = contextForConfiguration(request.configuration);
  const url = request.target.toString();
  if ((request.method ?? `GET`) !== `GET` || request.jsonResponse)
    return executor;

  // A download of the plugin's own (the malware feed), announced with its integrity.
  const announced = expectedIntegrityOf(request.configuration, url);
  if (announced !== null)
    return async () => verifyAnnouncedDownload(url, announced, executor);

  if (typeof context === `undefined`)
    return executor;

  const expected = findExpectedDownload(context, url);
  if (expected !== null)
    return async () => verifyDownload(context, expected, url, executor);

  if (isRegistryMetadataRequest(request.configuration, url))
    return executor;

  throw new ReportError(MessageName.NETWORK_DISABLED, `yarn-plugin-trust refused to download ${url}: it is not the tarball of any package of this project, so it cannot be verified`);
}

/** The bytes of an announced download must be the ones announced, whatever else the hook knows. */
async function verifyAnnouncedDownload(url: string, integrity: string, executor: Executor) {
  const response = await executor();
  const found = sha512IntegrityOf(response.body);
  if (found !== integrity)
    throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, `the download of ${url} is not what yarn-plugin-trust expected\n  expected: ${integrity}\n  found:    ${found}\n  Its bytes were not used. The registry or a mirror serves other bytes under this URL.`);
  return response;
}

/**
 * Package documents (`/<name>`, `/@scope%2f<name>`, `/<name>/<version>`) and
 * the registries' `/-/` APIs carry metadata, not code. Tarballs live under
 * `/<name>/-/`, so they never match.
 */
function isRegistryMetadataRequest(configuration: Configuration, url: string) {
  for (const {url: registry} of registriesOf(configuration)) {
    const base = registry.replace(/\/+$/, ``);
    if (!url.startsWith(`${base}/`))
      continue;
    const path = url.slice(base.length).replace(/\?.*$/, ``);
    if (/\.(tgz|tar\.gz)$/.test(path))
      return false;
    if (/^\/-\//.test(path) || /^\/(@[^/]+(\/|%2f|%2F))?[^/@][^/]*(\/[^/-][^/]*)?$/.test(path)) {
      return true;
    }
  }
  return false;
}

async function verifyDownload(context: ChecksumContext, expected: ExpectedDownload, url: string, executor: Executor) {
  const {configuration} = context.project;
  if (expected.conflict !== undefined)
    throw new ReportError(MessageName.NETWORK_DISABLED, `refused to download ${url}, which is also the tarball of ${expected.conflict}. A lockfile entry (__archiveUrl) was pointed at another package's tarball; restore yarn.lock.`);
  const pin = context.pins?.pins.entries.get(expected.key) ?? null;

  let record: RegistryRecord | null = null;
  const isConventional = expected.conventionalUrls.includes(url);
  // A release new to the lockfile is judged from its record (new bins, known
  // malware, signatures) even when a pins line for it came with it (a pull
  // request carries its pins lines: outside attack round 38, A4 and A5).
  const isNew = expected.version !== null && isNewRelease(context.project, structUtils.stringifyIdent(expected.pkg), expected.version);
  const needsRecord = expected.registry !== null && (pin === null || !isConventional || context.alwaysAskRegistry || isNew);
  // The record of a conventional URL is asked alongside the download: Yarn's
  // fetch step runs 32 packages at a time, and each waiting for its record
  // before queueing its tarball would double its round trips. The bytes are
  // still judged before Yarn sees them. Any other URL is only requested once
  // the record lists it.
  const pendingRecord = needsRecord ? settledRecordOf(context, expected) : null;
  if (pendingRecord !== null && !isConventional)
    record = recordOrThrow(await pendingRecord);

  const urlCheck = checkTarballUrl({
    url,
    expected: [...expected.conventionalUrls, ...(record?.tarball ? [record.tarball] : [])],
    allowedHosts: configuration.get(`trustAllowedTarballHosts`),
    unsafeHttpWhitelist: configuration.get(`unsafeHttpWhitelist`),
  });
  if (!urlCheck.ok)
    throw new ReportError(MessageName.NETWORK_DISABLED, describeUrlProblem(context.project, expected, urlCheck.problem));

  let response: httpUtils.Response;
  try {
    response = await executor();
  } catch (error) {
    // A registry that is down fails both requests: say that the integrity
    // could not be asked, which is what stops the install.
    if (pendingRecord !== null && record === null)
      recordOrThrow(await pendingRecord);
    throw error;
  }
  if (pendingRecord !== null && record === null)
    record = recordOrThrow(await pendingRecord);
  // The HTTP client follows redirects: each hop must pass the same URL rules.
  for (const hop of (response as {redirectUrls?: Array<URL | string>}).redirectUrls ?? []) {
    const hopCheck = checkTarballUrl({url: hop.toString(), expected: [hop.toString()], allowedHosts: [], unsafeHttpWhitelist: configuration.get(`unsafeHttpWhitelist`)});
    if (!hopCheck.ok) {
      throw new ReportError(MessageName.NETWORK_DISABLED, describeUrlProblem(context.project, expected, hopCheck.problem));
    }
  }
  const bytes: Buffer = response.body;
  if (expected.registry === null && pin === null) {
    // A tarball URL has no registry to vouch for it: it is pinned on first sight.
    context.verified.set(expected.key, {key: expected.key, integrity: sha512Integrity(bytes), pkg: expected.pkg});
    return response;
  }

  const verdict = verifyTarball({
    bytes,
    registry: record === null ? null : {integrity: record.integrity, shasum: record.shasum},
    pin: pin?.integrity ?? null,
    acceptWeakIntegrity: configuration.get(`trustAcceptWeakIntegrity`),
  });
  if (!verdict.ok) {
    // A pin that disagrees with bytes the registry vouches for was most likely
    // edited by hand, not served by a compromised registry: say which.
    const registryAgrees = verdict.problem.kind === `pin-mismatch` && record !== null
      && verifyTarball({bytes, registry: {integrity: record.integrity, shasum: record.shasum}, pin: null, acceptWeakIntegrity: false}).ok;
    throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, describeTarballProblem(context, expected, url, verdict.problem, registryAgrees));
  }

  context.verified.set(expected.key, {key: expected.key, integrity: verdict.integrity, pkg: expected.pkg});
  return response;
}

/**
 * One request per package and process, shared by every download of it. The
 * outcome is kept settled (never a rejected promise left waiting while the
 * tarball downloads): the download that needs the record raises its failure.
 */
function settledRecordOf(context: ChecksumContext, expected: ExpectedDownload): Promise<SettledRecord> {
  const records = context.registryRecords;
  let settled = records.get(expected.key);
  if (settled === undefined) {
    settled = judgedRegistryRecord(context, expected).then(
      record => ({ok: true as const, record}),
      error => ({ok: false as const, error}),
    );
    records.set(expected.key, settled);
  }
  return settled;
}

/**
 * The registry's record of a registry package that this install does not
 * download (another platform's), asked like a download's: once per process.
 */
export async function registryRecordOf(context: ChecksumContext, pkg: Locator): Promise<RegistryRecord> {
  const version = npmSelectorOf(pkg.reference);
  const registry = npmConfigUtils.getScopeRegistry(pkg.scope, {configuration: context.project.configuration});
  return recordOrThrow(await settledRecordOf(context, {pkg, key: registryPinKey(structUtils.stringifyIdent(pkg), version), version, registry, conventionalUrls: []}));
}

function recordOrThrow(result: SettledRecord): RegistryRecord {
  if (!result.ok)
    throw result.error;
  return result.record;
}

/** The record, once every registered judge (release trust) accepted it. */
async function judgedRegistryRecord(context: ChecksumContext, expected: ExpectedDownload): Promise<RegistryRecord> {
  const {record, document} = await fetchRegistryRecord(context.project, expected);
  // A project with a pins file is under the plugin: a release it has no pin
  // for was never verified by it. Without one (the plugin just added to a
  // project), every locked release was installed before the plugin came.
  const pins = context.pins;
  const facts = {
    unverified: pins !== undefined && pins.exists && !pins.pins.entries.has(expected.key),
    stage: context.recordStage ?? `download`,
  };
  for (const judge of registryRecordJudges())
    await judge(context.project, expected.pkg, expected.version ?? ``, document, facts);
  return record;
}

/**
 * Asks the package's own registry — chosen from its scope, never from the URL
 * that serves the bytes — for the record of exactly this version.
 */
async function fetchRegistryRecord(project: Project, expected: ExpectedDownload) {
  const {configuration} = project;
  const {pkg} = expected;
  const version = expected.version ?? ``;
  let document: {dist?: {integrity?: unknown, shasum?: unknown, tarball?: unknown}};
  try {
    document = await npmHttpUtils.get(`${npmHttpUtils.getIdentUrl(pkg)}/${encodeURIComponent(version)}`, {
      configuration,
      ident: pkg,
      jsonResponse: true,
    });
  } catch (error) {
    throw new ReportError(MessageName.NETWORK_ERROR, `yarn-plugin-trust could not ask ${expected.registry} for the integrity of ${structUtils.prettyLocator(configuration, pkg)} (${(error as Error).message}), so its tarball could not be verified and was not installed.${broughtIn(project, expected)} Retry when the registry answers (check the network, a proxy, and the registry's URL in the Yarn settings).`);
  }
  const dist = document?.dist ?? {};
  const record: RegistryRecord = {
    integrity: typeof dist.integrity === `string` ? dist.integrity : null,
    shasum: typeof dist.shasum === `string` ? dist.shasum : null,
    tarball: typeof dist.tarball === `string` ? dist.tarball : null,
  };
  return {record, document: document as unknown};
}

function findExpectedDownload(context: ChecksumContext, url: string): ExpectedDownload | null {
  return indexOf(context, url).byUrl.get(url) ?? null;
}

function indexOf(context: ChecksumContext, url?: string) {
  const {project} = context;
  let index = context.downloadIndex;
  // Resolution keeps adding packages; rebuild when the project grew.
  const size = project.storedPackages.size + project.originalPackages.size + context.sourceUrls.size;
  if (typeof index === `undefined` || ((url === undefined || !index.byUrl.has(url)) && index.size !== size)) {
    index = {size, byUrl: indexDownloads(context)};
    context.downloadIndex = index;
  }
  return index;
}

function indexDownloads(context: ChecksumContext) {
  const {project} = context;
  const {configuration} = project;
  const byUrl = new Map<string, ExpectedDownload>();
  // One URL must belong to one package: a lockfile entry whose __archiveUrl is
  // another package's tarball would otherwise borrow that package's checks.
  const claim = (url: string, expected: ExpectedDownload) => {
    const existing = byUrl.get(url);
    if (existing === undefined)
      byUrl.set(url, expected);
    else if (existing.key !== expected.key)
      byUrl.set(url, {...expected, conflict: existing.key});
  };

  // Tarball URLs (`"foo": "https://…/foo.tgz"`) are fetched during resolution,
  // before they become packages: the dependency edges seen so far name them.
  const sourceUrls = new Map(context.sourceUrls);
  // Before resolution only the lockfile's packages (originalPackages) exist.
  const packages = new Map([...project.originalPackages, ...project.storedPackages]);
  for (const pkg of packages.values())
    if (!structUtils.isVirtualLocator(pkg) && /^https?:/.test(pkg.reference))
      sourceUrls.set(pkg.reference, pkg);
  for (const [source, locator] of sourceUrls) {
    const url = source.replace(/#.*$/, ``);
    claim(url, {pkg: locator, key: structUtils.stringifyLocator(locator), version: null, registry: null, conventionalUrls: [url]});
  }

  for (const pkg of packages.values()) {
    if (structUtils.isVirtualLocator(pkg) || !pkg.reference.startsWith(`npm:`))
      continue;
    const {selector, params} = structUtils.parseRange(pkg.reference);
    const archiveUrl = typeof params?.__archiveUrl === `string` ? params.__archiveUrl : null;
    const registry = npmConfigUtils.getScopeRegistry(pkg.scope, {configuration});
    // The version comes from the resolution, never from the lockfile's
    // `version:` field, which an edited lockfile can set to anything.
    const version = selector;
    const conventional = `${registry}${npmHttpUtils.getIdentUrl(pkg)}/-/${encodeURIComponent(pkg.name)}-${encodeURIComponent(version)}.tgz`;
    const conventionalUrls = [conventional, conventional.replace(/%2f/g, `/`)];
    const expected: ExpectedDownload = {
      pkg,
      key: registryPinKey(structUtils.stringifyIdent(pkg), version),
      version,
      registry,
      conventionalUrls,
    };
    for (const url of archiveUrl !== null ? [archiveUrl] : conventionalUrls)
      claim(url, expected);
  }
  return byUrl;
}

/**
 * Refusals of a download say which package's tarball they concern, but do not
 * start with the package: Yarn's fetch step prefixes every error with it
 * (`yarn trust verify` does the same).
 */
/** ` It is brought in by app@workspace:. › …` once Yarn has resolved the package; empty before. */
function broughtIn(project: Project, expected: ExpectedDownload): string {
  const path = broughtInBy(project, expected.pkg);
  return path === null ? `` : ` It is brought in by ${path}.`;
}

function describeUrlProblem(project: Project, expected: ExpectedDownload, problem: UrlProblem) {
  const {configuration} = project;
  switch (problem.kind) {
    case `not-https`:
      return `refused to download ${problem.url} over http. Use https, or add the host to unsafeHttpWhitelist if it is a trusted local registry`;
    case `invalid-url`:
      return `refused to download ${problem.url}: not an http(s) URL`;
    case `unexpected-url`:
      return `refused to download ${problem.url}: the registry ${expected.registry} lists ${[...new Set(problem.expected)].join(` or `)} for ${expected.key}.${broughtIn(project, expected)} Nothing was downloaded. A lockfile entry pointing elsewhere (__archiveUrl) may have been tampered with. If that host is a mirror you trust, add it to ${formatUtils.pretty(configuration, `trustAllowedTarballHosts`, formatUtils.Type.SETTING)}; otherwise restore yarn.lock with ${formatUtils.pretty(configuration, `git checkout -- yarn.lock`, formatUtils.Type.CODE)}`;
  }
}

function describeTarballProblem(context: ChecksumContext, expected: ExpectedDownload, url: string, problem: TarballProblem, registryAgrees: boolean) {
  const {configuration} = context.project;
  const pinsFile = context.pins ? formatUtils.pretty(configuration, context.pins.path, formatUtils.Type.PATH) : `the pins file`;
  const keep = `The archive was not added to the cache and yarn.lock was not written.`;
  const by = broughtInBy(context.project, expected.pkg);
  const path = by === null ? `` : `\n  brought in by ${by}`;
  switch (problem.kind) {
    case `registry-mismatch`:
      return `the tarball downloaded from ${url} does not match the integrity that ${expected.registry} publishes for ${expected.key}\n  expected (registry): ${problem.expected}\n  found (downloaded):  ${problem.found}${path}\n  ${keep} The tarball was replaced after publication or altered on the way; do not install it, and report it to the registry's operators.`;
    case `pin-mismatch`:
      if (registryAgrees) {
        const pinsName = context.pins ? ppath.basename(context.pins.path) : `yarn-trust.pins`;
        return `the pin of ${expected.key} in ${pinsFile} disagrees with both the integrity that ${expected.registry} publishes and the tarball downloaded from ${url}, which agree with each other\n  expected (pinned):             ${problem.expected}\n  found (registry and download): ${problem.found}${path}\n  ${keep} Either the pin was edited by hand or pinned from other bytes (another registry or mirror), or the registry now publishes other bytes under this version. Look at the history of the line (${formatUtils.pretty(configuration, `git log -p -- ${pinsName}`, formatUtils.Type.CODE)}): if it was changed after it was first written, restore it with ${formatUtils.pretty(configuration, `git checkout -- ${pinsName}`, formatUtils.Type.CODE)} or delete it and run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)} to pin it again from the registry; if it is as first pinned, do not install this tarball.`;
      }
      return `the tarball downloaded from ${url} differs from the one pinned for ${expected.key} in ${pinsFile}\n  expected (pinned when first verified): ${problem.expected}\n  found (downloaded):                     ${problem.found}${path}\n  ${keep} A registry or mirror now serves other bytes under the same version; do not install it. Only if you have established that the new tarball is legitimate, delete the line of ${expected.key} from the pins file and install again.`;
    case `weak-integrity`:
      return `the registry publishes ${problem.published === null ? `no integrity` : `only a SHA-1 integrity (${problem.published})`} for ${expected.key}, which cannot protect it. ${keep} Set ${formatUtils.pretty(configuration, `trustAcceptWeakIntegrity: true`, formatUtils.Type.CODE)} to accept it; its SHA-512 is then pinned on first sight.`;
    case `invalid-integrity`:
      return `the registry publishes an integrity for ${expected.key} that cannot be read (${problem.published}). ${keep}`;
  }
}

/**
 * Sees every dependency edge before it is resolved: a tarball URL named by any
 * package is remembered, so that its download during resolution is recognized
 * (and pinned on first sight) instead of refused as unknown.
 */
export function rememberTarballSources(dependency: Descriptor, project: Project) {
  if (/^https?:/.test(dependency.range)) {
    contextOf(project).sourceUrls.set(dependency.range, structUtils.makeLocator(dependency, dependency.range));
  }
}
