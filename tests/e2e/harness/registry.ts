/**
 * A real Verdaccio 6.8.0 on a free 127.0.0.1 port, as a child process with its own config, storage
 * and log in a fresh temp dir. Why a real registry: Yarn's resolution, fetch, auth and the plugin's
 * network hooks only behave realistically against real HTTP; why a child process: Verdaccio's global
 * logger and timers stay out of the mocha process, and the whole process group can be killed.
 */
import {ChildProcess, spawn} from 'child_process';
import {createHash} from 'crypto';
import * as fsSync from 'fs';
import {promises as fs} from 'fs';
import * as net from 'net';
import * as path from 'path';
import type * as Semver from 'semver';

import {VERDACCIO_BIN, baseEnv, requireFromRepo, makeTempDir, removeTempDir, run, signalGroup, tail, trackGroup, untrackGroup, writeFiles} from './util';

/** A package to publish. Everything is written as-is into package.json + files, then `npm publish`ed. */
export interface FixturePackage {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  /** Relative path -> content, text or bytes (package.json is generated: use `manifest` for extra fields). */
  files?: Record<string, string | Buffer>;
  /** File modes of some of `files` (`{'tools/x': 0o755}`); npm pack keeps the executable bit. */
  modes?: Record<string, number>;
  /** Extra package.json fields (bin, peerDependencies, os, …); they override the fields above. */
  manifest?: Record<string, unknown>;
  /**
   * dist-tag to publish under. Default: `latest`, except when npm 11 refuses to move `latest` (the
   * version is a prerelease or lower than the current `latest`): then `harness-<version>`.
   */
  tag?: string;
  /**
   * When the registry says this version was published (`time[version]`, and `time.created` for
   * the first one). Default: a date in the past, one hour after the package's latest recorded
   * time, so that fixtures look like the established packages they stand for (the release-trust
   * check refuses names created in the last 72 hours) and versions keep their publishing order.
   */
  publishedAt?: string;
}

/** Where the default publication dates of fixtures start. */
export const HARNESS_EPOCH = `2020-01-01T00:00:00.000Z`;

export interface RegistryOptions {
  /** Proxy every package to this registry (Verdaccio merges both version lists). Default: no uplink at all. */
  uplinkUrl?: string;
  /** Label used in temp dir names and error messages. */
  name?: string;
}

export interface Registry {
  readonly name: string;
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Temp dir holding config.yaml, htpasswd, logs, npm state and storage/. */
  readonly dir: string;
  readonly storageDir: string;
  /** Verdaccio's JSON (pino) log, one object per line. */
  readonly logFile: string;
  publish(pkg: FixturePackage): Promise<void>;
  /** Publishes with small concurrency; versions of one name go in order. */
  publishAll(pkgs: FixturePackage[], concurrency?: number): Promise<void>;
  /**
   * Incoming requests in order, as `METHOD /path` with the path URL-decoded (`GET /@scope/name`).
   * Excludes the harness's own traffic (pings, publishing, `packument()`, `tarball()`) unless
   * `includeHarness`. `since`: only requests after that `markLog()` position.
   */
  requestLog(options?: {includeHarness?: boolean, since?: number}): Promise<string[]>;
  /**
   * Position in the request log (number of requests received so far, harness traffic included):
   * pass it as `since` to count the requests of one `yarn install` only.
   */
  markLog(): Promise<number>;
  /** Package names whose packument or tarball was requested with GET (not by the harness), first-seen order. */
  requestedNames(options?: {since?: number}): Promise<string[]>;
  /**
   * Client GET requests (never the harness's own) for one package name. `metadata`: the packument
   * `/<name>` (full or abbreviated) and version documents `/<name>/<version|tag>`; `tarball`:
   * `/<name>/-/<file>.tgz`, whatever the file name.
   */
  requestsFor(name: string, options?: {since?: number}): Promise<RequestCounts>;
  /** The packument as this registry serves it (null on 404). */
  packument(name: string): Promise<Record<string, any> | null>;
  /** The bytes served at `tarballUrl(name, version)`, fetched as harness traffic (not in `requestLog()`). */
  tarball(name: string, version: string): Promise<Buffer>;
  /**
   * `dist.tarball` of name@version as this registry lists it, computed from storage (synchronous,
   * no request): `<url>/<name>/-/<stored file name>`. Throws if name@version is not in storage.
   */
  tarballUrl(name: string, version: string): string;
  /**
   * Replaces the stored tarball bytes of the published name@version with `npm pack` of `replacement`
   * (its package.json gets `replacement.name`/`version`: pass the same ones for a realistic swap), or
   * with the bytes given (a hand-made tarball: `handMadeTarball`, with what `npm pack` drops).
   * Without `updateMetadata` the packument keeps the old `dist.integrity`/`dist.shasum` (tampered
   * storage or a MITM on the tarball); with it, both are rewritten to match the new bytes (a
   * compromised registry). The very next request sees the change (no restart: see "On-disk storage" below).
   * Resolves with the hashes of the new bytes.
   */
  tamperTarball(name: string, version: string, replacement: FixturePackage | Buffer, options?: {updateMetadata?: boolean}): Promise<TarballInfo>;
  /**
   * Rewrites the stored `dist.tarball` of name@version. Verdaccio 6.8.0 rewrites every `dist.tarball`
   * it serves to `<its own url>/<name>/-/<last path segment of the stored URL>`: only the file name
   * of `url` survives (a foreign host cannot be listed). That file must exist in the package's
   * storage dir to be served: another version's tarball (`foo-1.0.1.tgz`), or pass `replacement` to
   * store `npm pack` of it under that name (overwriting a file of that name). Leaves integrity/shasum
   * alone. Yarn 4.18.1 records a non-conventional listed URL as `__archiveUrl` and downloads it. Resolves with the URL
   * now listed (= `tarballUrl(name, version)`).
   */
  setDistTarball(name: string, version: string, url: string, options?: {replacement?: FixturePackage}): Promise<string>;
  /**
   * Edits the stored packument of a published name (maintainers, description, `time`, `dist`
   * fields…); the very next request serves the change.
   */
  editPackument(name: string, edit: (doc: Record<string, any>) => void): Promise<void>;
  /** Kills Verdaccio (whole process group) and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface RequestCounts {
  metadata: number;
  tarball: number;
}

export interface TarballInfo {
  /** `sha512-<base64>`, as npm writes `dist.integrity`. */
  integrity: string;
  /** sha1 hex, as npm writes `dist.shasum`. */
  shasum: string;
  size: number;
}

/** `dist.integrity` and `dist.shasum` of tarball bytes, computed the way npm does. */
export function distHashes(bytes: Buffer): TarballInfo {
  return {
    integrity: `sha512-${createHash(`sha512`).update(bytes).digest(`base64`)}`,
    shasum: createHash(`sha1`).update(bytes).digest(`hex`),
    size: bytes.length,
  };
}

/**
 * Which package a client request is about: `GET /name` and `GET /name/<version|tag>` are metadata,
 * `GET /name/-/<file>.tgz` a tarball (the path as requestLog() prints it: decoded, `/@scope/name…`).
 * Null for `/-/…` endpoints, other methods and anything else.
 */
export function classifyRequest(request: string): {name: string, kind: keyof RequestCounts} | null {
  const match = /^GET \/((?:@[^/?]+\/)?[^/?@-][^/?]*)(?:\/([^?]*))?(?:\?.*)?$/.exec(request);
  if (!match)
    return null;
  const [, name, rest] = match;
  if (rest === undefined || rest === ``)
    return {name, kind: `metadata`};
  if (/^-\/[^/]+\.tgz$/.test(rest))
    return {name, kind: `tarball`};
  if (!rest.includes(`/`))
    return {name, kind: `metadata`};
  return null;
}

const semver = requireFromRepo(`semver`) as typeof Semver;

const START_TIMEOUT_MS = 20_000;
/** User-agent prefix of the harness's own requests, so requestLog() can leave them out. */
const HARNESS_UA = `trust-e2e-harness`;
const USER = {name: `harness`, password: `harness-password-1`};

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const name = options.name ?? `registry`;
  const dir = await makeTempDir(`verdaccio-${name.replace(/[^\w.-]/g, `_`)}`);
  let lastError: Error | undefined;
  try {
    // A free port can be taken between probing and Verdaccio's listen(): retry with a new one.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        return await launch(name, dir, port, options);
      } catch (error) {
        lastError = error as Error;
        if (!/EADDRINUSE/.test(lastError.message))
          break;
      }
    }
  } catch (error) {
    lastError = error as Error;
  }
  await removeTempDir(dir);
  throw lastError ?? new Error(`e2e harness: registry ${name} did not start`);
}

async function launch(name: string, dir: string, port: number, options: RegistryOptions): Promise<Registry> {
  const url = `http://127.0.0.1:${port}`;
  const storageDir = path.join(dir, `storage`);
  const logFile = path.join(dir, `verdaccio.log`);
  const stdioFile = path.join(dir, `verdaccio.stdio.log`);
  const configFile = path.join(dir, `config.yaml`);
  await fs.mkdir(storageDir, {recursive: true});
  await fs.rm(logFile, {force: true});

  const config = {
    storage: storageDir,
    auth: {htpasswd: {file: path.join(dir, `htpasswd`), max_users: 1000}},
    web: {enable: false},
    // The audit middleware forwards `npm audit` to registry.npmjs.org: tests must never reach it.
    middlewares: {audit: {enabled: false}},
    // maxage 0s: re-read the uplink on every packument request, so versions published upstream
    // mid-test are seen at once (default caches 2 min); never mark a slow uplink offline for minutes.
    uplinks: options.uplinkUrl
      ? {upstream: {url: options.uplinkUrl.replace(/\/?$/, `/`), maxage: `0s`, timeout: `10s`, max_fails: 1000, fail_timeout: `1s`}}
      : {},
    packages: {
      '**': {access: `$all`, publish: `$authenticated`, unpublish: `$authenticated`, ...(options.uplinkUrl ? {proxy: `upstream`} : {})},
    },
    publish: {allow_offline: true},
    // JSON to a file (pino writes it synchronously): every request line is in the file when the response is sent.
    log: {type: `file`, path: logFile, format: `json`, level: `http`},
  };
  // JSON is valid YAML; Verdaccio parses config.yaml with js-yaml.
  await fs.writeFile(configFile, JSON.stringify(config, null, 2) + `\n`);

  const stdio = fsSync.openSync(stdioFile, `a`);
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [VERDACCIO_BIN, `-c`, configFile, `-l`, `127.0.0.1:${port}`], {
      cwd: dir,
      env: {...baseEnv(), HOME: dir},
      detached: true,
      stdio: [`ignore`, stdio, stdio],
    });
  } finally {
    fsSync.closeSync(stdio);
  }
  const pid = child.pid;
  if (pid === undefined)
    throw new Error(`e2e harness: could not spawn Verdaccio (${VERDACCIO_BIN})`);
  trackGroup(pid);

  let exited: {code: number | null, signal: NodeJS.Signals | null} | null = null;
  const exitPromise = new Promise<void>(resolve => child.once(`exit`, (code, signal) => {
    exited = {code, signal};
    resolve();
  }));
  child.once(`error`, error => {
    exited ??= {code: null, signal: null};
    process.stderr.write(`[e2e harness] Verdaccio ${name} process error: ${error.message}\n`);
  });

  const logs = async (): Promise<string> => {
    const read = async (file: string) => fs.readFile(file, `utf8`).catch((error: NodeJS.ErrnoException) => `<cannot read ${file}: ${error.code}>`);
    return `--- ${stdioFile}\n${tail(await read(stdioFile), 30)}\n--- ${logFile}\n${tail(await read(logFile), 30)}`;
  };

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exited === null) {
        signalGroup(pid, `SIGTERM`);
        const gone = await Promise.race([exitPromise.then(() => true), delay(3000).then(() => false)]);
        if (!gone)
          signalGroup(pid, `SIGKILL`);
        await Promise.race([exitPromise, delay(3000)]);
      }
      signalGroup(pid, `SIGKILL`); // stragglers of the group, if any
      untrackGroup(pid);
      await removeTempDir(dir);
    })();
    return stopping;
  };

  // Wait for /-/ping; fail early if the process dies (bad config, port taken).
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) {
      const status = exited as {code: number | null, signal: NodeJS.Signals | null};
      const text = await logs();
      untrackGroup(pid);
      throw new Error(`e2e harness: Verdaccio ${name} exited during startup (code ${status.code}, signal ${status.signal}) on port ${port}:\n${text}`);
    }
    // Connection refused until Verdaccio listens: treat as "not yet".
    const response = await fetch(`${url}/-/ping`, {headers: {'user-agent': HARNESS_UA}}).catch(() => null);
    if (response?.ok)
      break;
    if (Date.now() > deadline) {
      const text = await logs();
      await stop();
      throw new Error(`e2e harness: Verdaccio ${name} did not answer ${url}/-/ping within ${START_TIMEOUT_MS} ms:\n${text}`);
    }
    await delay(100);
  }

  // Publishing state: one user, one npmrc, an isolated npm HOME/cache.
  let npmrcPromise: Promise<string> | null = null;
  const npmrc = (): Promise<string> => {
    npmrcPromise ??= (async () => {
      const response = await fetch(`${url}/-/user/org.couchdb.user:${USER.name}`, {
        method: `PUT`,
        headers: {'content-type': `application/json`, 'user-agent': HARNESS_UA},
        body: JSON.stringify({_id: `org.couchdb.user:${USER.name}`, name: USER.name, password: USER.password, type: `user`, roles: []}),
      });
      const body = await response.text();
      const token = response.ok ? (JSON.parse(body) as {token?: string}).token : undefined;
      if (!token)
        throw new Error(`e2e harness: creating user ${USER.name} on ${url} failed (HTTP ${response.status}): ${body}\n${await logs()}`);
      const file = path.join(dir, `npm`, `npmrc`);
      await fs.mkdir(path.join(dir, `npm`, `home`), {recursive: true});
      await fs.writeFile(path.join(dir, `npm`, `globalrc`), ``);
      await fs.writeFile(file, `//127.0.0.1:${port}/:_authToken=${token}\nregistry=${url}/\n`);
      return file;
    })();
    npmrcPromise.catch(() => { npmrcPromise = null; }); // let a later publish retry
    return npmrcPromise;
  };

  const packument = async (pkgName: string): Promise<Record<string, any> | null> => {
    const response = await fetch(`${url}/${pkgName.replace(`/`, `%2f`)}`, {headers: {accept: `application/json`, 'user-agent': HARNESS_UA}});
    if (response.status === 404)
      return null;
    if (!response.ok)
      throw new Error(`e2e harness: GET ${url}/${pkgName} failed with HTTP ${response.status}: ${await response.text()}`);
    return await response.json() as Record<string, any>;
  };

  /** Writes the fixture's package.json + files into a fresh dir under `<dir>/<purpose>/`. */
  const writePackageDir = async (pkg: FixturePackage, purpose: string): Promise<string> => {
    const pkgDir = path.join(dir, purpose, `${pkg.name.replace(/\//g, `+`)}@${pkg.version}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const manifest = {
      name: pkg.name,
      version: pkg.version,
      ...(pkg.scripts ? {scripts: pkg.scripts} : {}),
      ...(pkg.dependencies ? {dependencies: pkg.dependencies} : {}),
      ...(pkg.optionalDependencies ? {optionalDependencies: pkg.optionalDependencies} : {}),
      ...pkg.manifest,
    };
    if (pkg.files && `package.json` in pkg.files)
      throw new Error(`e2e harness: fixture ${pkg.name}@${pkg.version}: put package.json fields in \`manifest\`, not in \`files\``);
    await fs.mkdir(pkgDir, {recursive: true});
    await writeFiles(pkgDir, {...pkg.files, 'package.json': JSON.stringify(manifest, null, 2) + `\n`});
    for (const [file, mode] of Object.entries(pkg.modes ?? {}))
      await fs.chmod(path.join(pkgDir, file), mode);
    return pkgDir;
  };

  const npmDir = path.join(dir, `npm`);
  /** Hermetic: nothing from the parent's npm_config_* / YARN_* / ~/.npmrc / global npmrc. */
  const npmEnv = (): Record<string, string> => ({
    ...baseEnv(),
    HOME: path.join(npmDir, `home`),
    npm_config_cache: path.join(npmDir, `cache`),
    npm_config_globalconfig: path.join(npmDir, `globalrc`),
    npm_config_update_notifier: `false`,
    npm_config_fund: `false`,
    npm_config_audit: `false`,
    npm_config_loglevel: `warn`,
    npm_config_user_agent: `${HARNESS_UA} npm`,
  });

  /** `npm pack` of the fixture: byte-for-byte what `npm publish` of it uploads (npm pins mtimes). */
  const pack = async (pkg: FixturePackage): Promise<Buffer> => {
    const pkgDir = await writePackageDir(pkg, `pack`);
    const outDir = `${pkgDir}.out`;
    try {
      await fs.mkdir(path.join(npmDir, `home`), {recursive: true});
      await fs.writeFile(path.join(npmDir, `globalrc`), ``, {flag: `a`});
      await fs.writeFile(path.join(npmDir, `packrc`), ``, {flag: `a`});
      await fs.mkdir(outDir);
      const result = await run(`npm`, [`pack`, pkgDir, `--pack-destination`, outDir, `--userconfig`, path.join(npmDir, `packrc`), `--ignore-scripts`, `--json`], {
        cwd: pkgDir,
        env: npmEnv(),
        timeoutMs: 60_000,
      });
      const files = result.code === 0 ? await fs.readdir(outDir) : [];
      if (files.length !== 1)
        throw new Error(`e2e harness: npm pack ${pkg.name}@${pkg.version} failed (exit ${result.code}, files ${JSON.stringify(files)}):\n${tail(result.output)}`);
      return await fs.readFile(path.join(outDir, files[0]));
    } finally {
      await fs.rm(pkgDir, {recursive: true, force: true});
      await fs.rm(outDir, {recursive: true, force: true});
    }
  };

  const publish = async (pkg: FixturePackage): Promise<void> => {
    const userconfig = await npmrc();
    const pkgDir = await writePackageDir(pkg, `publish`);

    // npm 11 refuses an implicit `latest` for prereleases and for versions below the current latest.
    let tag = pkg.tag;
    if (tag === undefined) {
      const latest = semver.prerelease(pkg.version) ? null : (await packument(pkg.name))?.[`dist-tags`]?.latest;
      const keepsLatest = semver.prerelease(pkg.version) !== null || (typeof latest === `string` && semver.valid(latest) !== null && semver.gt(latest, pkg.version));
      tag = keepsLatest ? `harness-${pkg.version}` : `latest`;
    }

    const result = await run(`npm`, [`publish`, pkgDir, `--registry`, `${url}/`, `--userconfig`, userconfig, `--tag`, tag, `--ignore-scripts`], {
      cwd: pkgDir,
      env: npmEnv(),
      timeoutMs: 60_000,
    });
    if (result.code !== 0)
      throw new Error(`e2e harness: npm publish ${pkg.name}@${pkg.version} to ${url} failed (exit ${result.code}):\n${tail(result.output)}\n${await logs()}`);
    await fs.rm(pkgDir, {recursive: true, force: true});
    await setPublishedAt(pkg.name, pkg.version, pkg.publishedAt);
  };

  /** Rewrites the stored publication time of name@version (see FixturePackage.publishedAt). */
  const setPublishedAt = async (pkgName: string, version: string, publishedAt?: string): Promise<void> => {
    const {doc} = await readStored(pkgName, version);
    const time: Record<string, string> = {...doc.time};
    const others = Object.entries(time).filter(([key]) => key !== `created` && key !== `modified` && key !== version).map(([, value]) => Date.parse(value)).filter(value => !Number.isNaN(value));
    const at = publishedAt ?? new Date(Math.max(Date.parse(HARNESS_EPOCH), ...others.map(value => value + 3_600_000))).toISOString();
    time[version] = at;
    time.created = new Date(Math.min(Date.parse(at), ...others)).toISOString();
    time.modified = new Date(Math.max(Date.parse(at), ...others)).toISOString();
    doc.time = time;
    await writeStored(pkgName, doc);
  };

  const publishAll = async (pkgs: FixturePackage[], concurrency = 4): Promise<void> => {
    // Concurrent publishes of one name race on its packument: keep each name's versions sequential.
    const byName = new Map<string, FixturePackage[]>();
    for (const pkg of pkgs)
      byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), pkg]);
    const queues = [...byName.values()];
    const worker = async (): Promise<void> => {
      for (let queue = queues.shift(); queue; queue = queues.shift())
        for (const pkg of queue)
          await publish(pkg);
    };
    await Promise.all(Array.from({length: Math.max(1, Math.min(concurrency, queues.length))}, worker));
  };

  interface LoggedRequest {method: string, url: string, harness: boolean}
  /** Every incoming request so far, harness traffic included; markLog() positions index this list. */
  const loggedRequests = async (): Promise<LoggedRequest[]> => {
    const text = await fs.readFile(logFile, `utf8`);
    const requests: LoggedRequest[] = [];
    for (const line of text.split(`\n`)) {
      if (!line.startsWith(`{`))
        continue;
      const entry = JSON.parse(line) as {sub?: string, req?: {method?: string, url?: string, headers?: Record<string, string>}};
      // Verdaccio logs each incoming request once with `req` (the response lines carry `request`).
      if (entry.sub !== `in` || !entry.req?.method || !entry.req.url)
        continue;
      requests.push({method: entry.req.method, url: entry.req.url, harness: (entry.req.headers?.[`user-agent`] ?? ``).startsWith(HARNESS_UA)});
    }
    return requests;
  };

  const requestLog = async ({includeHarness = false, since = 0}: {includeHarness?: boolean, since?: number} = {}): Promise<string[]> =>
    (await loggedRequests()).slice(since)
      .filter(request => includeHarness || !request.harness)
      .map(request => `${request.method} ${safeDecode(request.url)}`);

  // pino writes synchronously: a request is in the file before its response is sent.
  const markLog = async (): Promise<number> => (await loggedRequests()).length;

  const requestedNames = async ({since}: {since?: number} = {}): Promise<string[]> => {
    const names = new Set<string>();
    for (const request of await requestLog({since})) {
      // `/name`, `/name/1.0.0`, `/name/-/name-1.0.0.tgz`, `/@scope/name…`; skips `/-/…` endpoints.
      const match = /^GET \/((?:@[^/]+\/)?[^/?@-][^/?]*)/.exec(request);
      if (match)
        names.add(match[1]);
    }
    return [...names];
  };

  const requestsFor = async (pkgName: string, {since}: {since?: number} = {}): Promise<RequestCounts> => {
    const counts: RequestCounts = {metadata: 0, tarball: 0};
    for (const request of await requestLog({since})) {
      const found = classifyRequest(request);
      if (found?.name === pkgName)
        counts[found.kind]++;
    }
    return counts;
  };

  /*
   * On-disk storage of Verdaccio 6.8.0 (storage plugin @verdaccio/local-storage-legacy 11.3.4):
   *   <storageDir>/<name>/package.json   the packument as stored (tab-indented JSON, plus _attachments,
   *                                       _distfiles, _uplinks, _rev); scoped: <storageDir>/@scope/name/
   *   <storageDir>/<name>/<file>.tgz     the tarball; <file> is the last path segment of the stored
   *                                       versions[v].dist.tarball (`name-1.0.0.tgz`, scope dropped)
   *   <storageDir>/.verdaccio-db.json    list of local package names + secret (not touched here)
   * No cache: every packument / version-document request re-reads package.json (LocalFS.readPackage,
   * fs.readFile) and every tarball request opens the file (fs.createReadStream; Content-Length from
   * fstat); nothing checks the bytes against _attachments or dist.*. So edits are served by the very
   * next request without restarting (checked by experiment). The ETag is an md5 of the body, so
   * conditional requests see the change too. Edits are written like Verdaccio writes: temp file +
   * rename, so a concurrent reader sees the old or the new file, never half of one.
   */
  const storedDoc = (pkgName: string): {dir: string, file: string} => {
    if (!/^(?:@[a-z0-9~][\w.~-]*\/)?[a-z0-9~][\w.~-]*$/i.test(pkgName) || pkgName.split(`/`).some(part => part === `.` || part === `..`))
      throw new Error(`e2e harness: ${JSON.stringify(pkgName)} is not a package name`);
    const pkgDir = path.join(storageDir, pkgName);
    return {dir: pkgDir, file: path.join(pkgDir, `package.json`)};
  };

  const parseStored = (pkgName: string, text: string | null, version: string): {doc: Record<string, any>, fileName: string} => {
    if (text === null)
      throw new Error(`e2e harness: ${pkgName} is not in the storage of ${url} (${storedDoc(pkgName).file}); publish it first`);
    const doc = JSON.parse(text) as Record<string, any>;
    const tarball = doc.versions?.[version]?.dist?.tarball;
    if (typeof tarball !== `string`)
      throw new Error(`e2e harness: ${pkgName}@${version} is not in the stored packument on ${url} (versions: ${Object.keys(doc.versions ?? {}).join(`, `) || `none`})`);
    return {doc, fileName: tarballFileName(tarball)};
  };

  const readStored = async (pkgName: string, version: string) =>
    parseStored(pkgName, await fs.readFile(storedDoc(pkgName).file, `utf8`).catch(ignoreEnoent), version);

  const writeAtomic = async (file: string, content: string | Buffer): Promise<void> => {
    const temp = `${file}.harness-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await fs.writeFile(temp, content);
    await fs.rename(temp, file);
  };

  const writeStored = (pkgName: string, doc: Record<string, any>): Promise<void> =>
    writeAtomic(storedDoc(pkgName).file, JSON.stringify(doc, null, `\t`));

  const tarballUrl = (pkgName: string, version: string): string => {
    const text = (() => {
      try {
        return fsSync.readFileSync(storedDoc(pkgName).file, `utf8`);
      } catch (error) {
        return ignoreEnoent(error);
      }
    })();
    // What @verdaccio/tarball's getLocalRegistryTarballUri serves: public URL + name + /-/ + file name.
    return `${url}/${pkgName}/-/${parseStored(pkgName, text, version).fileName}`;
  };

  const tarball = async (pkgName: string, version: string): Promise<Buffer> => {
    const target = tarballUrl(pkgName, version);
    const response = await fetch(target, {headers: {'user-agent': HARNESS_UA}});
    if (!response.ok)
      throw new Error(`e2e harness: GET ${target} failed with HTTP ${response.status}: ${await response.text()}`);
    return Buffer.from(await response.arrayBuffer());
  };

  const tamperTarball = async (pkgName: string, version: string, replacement: FixturePackage | Buffer, {updateMetadata = false}: {updateMetadata?: boolean} = {}): Promise<TarballInfo> => {
    const {doc, fileName} = await readStored(pkgName, version);
    const tarballPath = path.join(storedDoc(pkgName).dir, fileName);
    await fs.access(tarballPath).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`e2e harness: no stored tarball ${tarballPath} for ${pkgName}@${version} on ${url} (${error.code})`);
    });
    const bytes = Buffer.isBuffer(replacement) ? replacement : await pack(replacement);
    const info = distHashes(bytes);
    await writeAtomic(tarballPath, bytes);
    if (updateMetadata) {
      const entry = doc.versions[version];
      entry.dist = {...entry.dist, integrity: info.integrity, shasum: info.shasum};
      // Verdaccio's own record of the upload (not served, not checked): keep it consistent anyway.
      if (doc._attachments?.[fileName])
        doc._attachments[fileName].shasum = info.shasum;
      await writeStored(pkgName, doc);
    }
    return info;
  };

  const setDistTarball = async (pkgName: string, version: string, newUrl: string, {replacement}: {replacement?: FixturePackage} = {}): Promise<string> => {
    const {doc} = await readStored(pkgName, version);
    const fileName = tarballFileName(newUrl);
    if (replacement)
      await writeAtomic(path.join(storedDoc(pkgName).dir, fileName), await pack(replacement));
    doc.versions[version].dist = {...doc.versions[version].dist, tarball: newUrl};
    await writeStored(pkgName, doc);
    return tarballUrl(pkgName, version);
  };

  const editPackument = async (pkgName: string, edit: (doc: Record<string, any>) => void): Promise<void> => {
    const text = await fs.readFile(storedDoc(pkgName).file, `utf8`).catch(ignoreEnoent);
    if (text === null)
      throw new Error(`e2e harness: ${pkgName} is not in the storage of ${url}; publish it first`);
    const doc = JSON.parse(text) as Record<string, any>;
    edit(doc);
    await writeStored(pkgName, doc);
  };

  return {
    name, url, port, dir, storageDir, logFile, publish, publishAll, requestLog, markLog, requestedNames, requestsFor,
    packument, tarball, tarballUrl, tamperTarball, setDistTarball, editPackument, stop,
  };
}

/** The file name Verdaccio serves a `dist.tarball` under (@verdaccio/core tarballUtils.extractTarballFromUrl). */
function tarballFileName(tarballUrl: string): string {
  let fileName: string;
  try {
    fileName = new URL(tarballUrl).pathname.replace(/^.*\//, ``);
  } catch (error) {
    throw new Error(`e2e harness: ${JSON.stringify(tarballUrl)} is not an absolute URL (${String(error)})`);
  }
  // Verdaccio asserts validateName(filename) on tarball requests; keep to names it can serve.
  if (!/^[\w~][\w.~-]*$/.test(fileName) || fileName === `package.json`)
    throw new Error(`e2e harness: tarball URL ${tarballUrl} ends in ${JSON.stringify(fileName)}, which Verdaccio cannot serve as a tarball`);
  return fileName;
}

function ignoreEnoent(error: unknown): null {
  if ((error as NodeJS.ErrnoException).code === `ENOENT`)
    return null;
  throw error;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    if (error instanceof URIError) // malformed escape: keep the raw path, it is still informative
      return value;
    throw error;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Ask the kernel for a free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once(`error`, reject);
    server.listen(0, `127.0.0.1`, () => {
      const address = server.address();
      const port = typeof address === `object` && address ? address.port : 0;
      server.close(() => port ? resolve(port) : reject(new Error(`e2e harness: could not get a free port`)));
    });
  });
}
