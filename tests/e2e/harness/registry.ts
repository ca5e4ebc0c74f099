/**
 * A real Verdaccio 6.8.0 on a free 127.0.0.1 port, as a child process with its own config, storage
 * and log in a fresh temp dir. Why a real registry: Yarn's resolution, fetch, auth and the plugin's
 * network hooks only behave realistically against real HTTP; why a child process: Verdaccio's global
 * logger and timers stay out of the mocha process, and the whole process group can be killed.
 */
import {ChildProcess, spawn} from 'child_process';
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
  /** Relative path -> content (package.json is generated: use `manifest` for extra fields). */
  files?: Record<string, string>;
  /** Extra package.json fields (bin, peerDependencies, os, …); they override the fields above. */
  manifest?: Record<string, unknown>;
  /**
   * dist-tag to publish under. Default: `latest`, except when npm 11 refuses to move `latest` (the
   * version is a prerelease or lower than the current `latest`): then `harness-<version>`.
   */
  tag?: string;
}

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
   * Excludes the harness's own traffic (pings, publishing, `packument()`) unless `includeHarness`.
   */
  requestLog(options?: {includeHarness?: boolean}): Promise<string[]>;
  /** Package names whose packument or tarball was requested with GET (not by the harness), first-seen order. */
  requestedNames(): Promise<string[]>;
  /** The packument as this registry serves it (null on 404). */
  packument(name: string): Promise<Record<string, any> | null>;
  /** Kills Verdaccio (whole process group) and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
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

  let exited: {code: number | null; signal: NodeJS.Signals | null} | null = null;
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
      const status = exited as {code: number | null; signal: NodeJS.Signals | null};
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

  const publish = async (pkg: FixturePackage): Promise<void> => {
    const userconfig = await npmrc();
    const pkgDir = path.join(dir, `publish`, `${pkg.name.replace(/\//g, `+`)}@${pkg.version}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
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

    // npm 11 refuses an implicit `latest` for prereleases and for versions below the current latest.
    let tag = pkg.tag;
    if (tag === undefined) {
      const latest = semver.prerelease(pkg.version) ? null : (await packument(pkg.name))?.[`dist-tags`]?.latest;
      const keepsLatest = semver.prerelease(pkg.version) !== null || (typeof latest === `string` && semver.valid(latest) !== null && semver.gt(latest, pkg.version));
      tag = keepsLatest ? `harness-${pkg.version}` : `latest`;
    }

    const npmDir = path.join(dir, `npm`);
    const result = await run(`npm`, [`publish`, pkgDir, `--registry`, `${url}/`, `--userconfig`, userconfig, `--tag`, tag, `--ignore-scripts`], {
      cwd: pkgDir,
      // Hermetic: nothing from the parent's npm_config_* / YARN_* / ~/.npmrc / global npmrc.
      env: {
        ...baseEnv(),
        HOME: path.join(npmDir, `home`),
        npm_config_cache: path.join(npmDir, `cache`),
        npm_config_globalconfig: path.join(npmDir, `globalrc`),
        npm_config_update_notifier: `false`,
        npm_config_fund: `false`,
        npm_config_audit: `false`,
        npm_config_loglevel: `warn`,
        npm_config_user_agent: `${HARNESS_UA} npm`,
      },
      timeoutMs: 60_000,
    });
    if (result.code !== 0)
      throw new Error(`e2e harness: npm publish ${pkg.name}@${pkg.version} to ${url} failed (exit ${result.code}):\n${tail(result.output)}\n${await logs()}`);
    await fs.rm(pkgDir, {recursive: true, force: true});
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

  const requestLog = async ({includeHarness = false}: {includeHarness?: boolean} = {}): Promise<string[]> => {
    const text = await fs.readFile(logFile, `utf8`);
    const requests: string[] = [];
    for (const line of text.split(`\n`)) {
      if (!line.startsWith(`{`))
        continue;
      const entry = JSON.parse(line) as {sub?: string; req?: {method?: string; url?: string; headers?: Record<string, string>}};
      // Verdaccio logs each incoming request once with `req` (the response lines carry `request`).
      if (entry.sub !== `in` || !entry.req?.method || !entry.req.url)
        continue;
      if (!includeHarness && (entry.req.headers?.[`user-agent`] ?? ``).startsWith(HARNESS_UA))
        continue;
      requests.push(`${entry.req.method} ${safeDecode(entry.req.url)}`);
    }
    return requests;
  };

  const requestedNames = async (): Promise<string[]> => {
    const names = new Set<string>();
    for (const request of await requestLog()) {
      // `/name`, `/name/1.0.0`, `/name/-/name-1.0.0.tgz`, `/@scope/name…`; skips `/-/…` endpoints.
      const match = /^GET \/((?:@[^/]+\/)?[^/?@-][^/?]*)/.exec(request);
      if (match)
        names.add(match[1]);
    }
    return [...names];
  };

  return {name, url, port, dir, storageDir, logFile, publish, publishAll, requestLog, requestedNames, packument, stop};
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
