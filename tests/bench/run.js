#!/usr/bin/env node
/**
 * Benchmark: what yarn-plugin-trust costs on real projects, measured against plain Yarn 4.18.1.
 *
 *     node tests/bench/run.js [--projects=prettier,jest] [--cold-runs=3] [--fast-runs=5] …
 *
 * Plain Node (no build step, no Yarn script): run it from the repository root after
 * `node .yarn/releases/yarn-4.18.1.cjs install` (for Verdaccio and TypeScript) and with a built
 * `bundles/@yarnpkg/plugin-trust.js`. `--help` lists the options; tests/bench/README.md explains the method.
 *
 * What it does, in order:
 *   1. micro-benchmark: `parsePins` (sources/policy/pins.ts, compiled with the repo's tsc into a temp dir)
 *      on synthetic pins files of 1,000 … 40,000 entries;
 *   2. warms a Verdaccio proxy of the npm registry (uplink on) whose storage persists across runs in
 *      --storage (default /tmp/yarn-plugin-trust-bench-storage): a plain install from each project's
 *      lockfile and a plain fresh resolution fill it; skipped when the storage is already warm for that
 *      lockfile and manifest;
 *   3. restarts Verdaccio on that storage with NO uplink: no network during measured runs;
 *   4. per project: prepares the plain and the plugin projects (same manifests, lockfile and settings; the
 *      plugin project additionally imports the bundle with `yarn plugin import` and has a yarn-trust.json
 *      that denies every package with install scripts), installs each once (unmeasured; the plugin
 *      install produces the yarn-trust.pins used by `cold-pinned`), then measures the cases, alternating
 *      plain, plugin, plain, plugin …;
 *   5. prints a markdown table and writes tests/bench/results.md, results.json and results-pins.json.
 */
'use strict';

const {spawn, spawnSync} = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

// ---------------------------------------------------------------------------------------------------
// Paths and options

const REPO_ROOT = path.resolve(__dirname, '../..');
const BENCH_DIR = __dirname;
const YARN_VERSION = (() => {
  const match = /^yarn@([^+]+)/.exec(readJson(path.join(REPO_ROOT, 'package.json')).packageManager || '');
  if (!match)
    fail(`${REPO_ROOT}/package.json has no "packageManager": "yarn@…"`);
  return match[1];
})();
const YARN_BIN = path.join(REPO_ROOT, `.yarn/releases/yarn-${YARN_VERSION}.cjs`);
const VERDACCIO_BIN = path.join(REPO_ROOT, 'node_modules/verdaccio/bin/verdaccio');
const TSC_BIN = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
const TIME_BIN = '/usr/bin/time';

const CASES = ['cold-unpinned', 'cold-pinned', 'noop', 'check', 'fresh'];
const COLD_CASES = new Set(['cold-unpinned', 'cold-pinned', 'fresh']);

/**
 * Packages of the bench projects that have install scripts (bench-projects/README.md). They are denied
 * in the plugin runs and marked `built: false` in the root manifest of both variants. Packages the
 * plugin reports as pending during setup are added to this list (and printed).
 */
const KNOWN_SCRIPTED = {
  // @parcel/watcher is not in prettier's lockfile; a fresh resolution brings it (through
  // jest-haste-map 30.5.1). Denying it up front saves the setup a refused fresh install.
  prettier: ['@parcel/watcher', 'esbuild', 'puppeteer', 'unrs-resolver'],
  jest: ['@parcel/watcher', 'core-js', 'esbuild', 'unrs-resolver'],
};

const BUDGETS = {
  'cold-pinned': {maxRatio: 1.03, text: '≤ 1.03×'},
  'cold-unpinned': {maxRatio: 1.10, text: '≤ 1.10×'},
  'noop': {maxRatio: 1.05, maxAddedMs: 100, text: '≤ 1.05× and < +100 ms'},
  'check': {maxPluginMs: 1000, projects: ['jest'], text: '< 1 s (jest)'},
};

const HELP = `Usage: node tests/bench/run.js [options]

  --projects=a,b       bench projects to measure (default: prettier,jest)
  --cases=a,b          cases (default: ${CASES.join(',')})
  --cold-runs=N        runs per variant of cold-unpinned, cold-pinned, fresh (default 3)
  --fast-runs=N        runs per variant of noop, check (default 5)
  --storage=DIR        persistent Verdaccio storage (default /tmp/yarn-plugin-trust-bench-storage)
  --rewarm             warm the storage again even if it is marked warm
  --upstream=URL       registry proxied while warming (default https://registry.npmjs.org/)
  --bundle=FILE        plugin bundle (default bundles/@yarnpkg/plugin-trust.js)
  --projects-dir=DIR   where the bench projects live (default ../shared/bench-projects)
  --no-micro           skip the pins micro-benchmark
  --micro-only         run only the pins micro-benchmark
  --warm-only          only warm the proxy storage (no measurements)
  --no-write           print results, do not write tests/bench/results.*
  --keep               keep the temporary work dir (projects, logs)
  --render-only        rewrite results.md from results.json and results-pins.json, measure nothing

Environment equivalents: TRUST_BENCH_STORAGE, TRUST_BENCH_PROJECTS_DIR, TRUST_BENCH_BUNDLE.`;

function parseArgs(argv) {
  const options = {
    projects: ['prettier', 'jest'],
    cases: CASES,
    coldRuns: 3,
    fastRuns: 5,
    storage: process.env.TRUST_BENCH_STORAGE || '/tmp/yarn-plugin-trust-bench-storage',
    rewarm: false,
    upstream: 'https://registry.npmjs.org/',
    bundle: process.env.TRUST_BENCH_BUNDLE || path.join(REPO_ROOT, 'bundles/@yarnpkg/plugin-trust.js'),
    projectsDir: process.env.TRUST_BENCH_PROJECTS_DIR || path.resolve(REPO_ROOT, '../shared/bench-projects'),
    micro: true,
    microOnly: false,
    warmOnly: false,
    write: true,
    keep: false,
  };
  for (const arg of argv) {
    const [, key, value] = /^--([^=]+)(?:=(.*))?$/.exec(arg) || [];
    const need = () => {
      if (value === undefined || value === '')
        fail(`${arg}: expected --${key}=<value>\n\n${HELP}`);
      return value;
    };
    const count = () => {
      const n = Number(need());
      if (!Number.isInteger(n) || n < 1)
        fail(`${arg}: expected a positive integer`);
      return n;
    };
    switch (key) {
      case 'help': console.log(HELP); process.exit(0); break;
      case 'projects': options.projects = need().split(',').filter(Boolean); break;
      case 'cases': options.cases = need().split(',').filter(Boolean); break;
      case 'cold-runs': options.coldRuns = count(); break;
      case 'fast-runs': options.fastRuns = count(); break;
      case 'storage': options.storage = path.resolve(need()); break;
      case 'rewarm': options.rewarm = true; break;
      case 'upstream': options.upstream = need(); break;
      case 'bundle': options.bundle = path.resolve(need()); break;
      case 'projects-dir': options.projectsDir = path.resolve(need()); break;
      case 'no-micro': options.micro = false; break;
      case 'micro-only': options.microOnly = true; break;
      case 'warm-only': options.warmOnly = true; options.micro = false; break;
      case 'no-write': options.write = false; break;
      case 'keep': options.keep = true; break;
      case 'render-only': options.renderOnly = true; break;
      default: fail(`unknown option ${arg}\n\n${HELP}`);
    }
  }
  for (const name of options.cases)
    if (!CASES.includes(name))
      fail(`unknown case ${name}; cases are ${CASES.join(', ')}`);
  options.cases = CASES.filter(name => options.cases.includes(name));
  for (const name of options.projects)
    if (!fs.existsSync(path.join(options.projectsDir, name, 'yarn.lock')))
      fail(`no bench project ${name} in ${options.projectsDir} (expected ${name}/yarn.lock)`);
  return options;
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function fail(message) {
  const error = new Error(message);
  error.benchFailure = true;
  throw error;
}

function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), {recursive: true});
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

function sha256(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of the known values (null where nothing was measured). */
function medianKnown(values) {
  const known = values.filter(value => value !== null);
  return known.length ? round(median(known)) : null;
}

const round = (value, digits = 0) => value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

function tail(text, lines = 60) {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? [`… (${all.length - lines} earlier lines omitted)`, ...all.slice(-lines)] : all).join('\n');
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function rmrf(dir) {
  fs.rmSync(dir, {recursive: true, force: true, maxRetries: 3});
}

/** Copies a bench project (manifests, lockfile, patches) without its notes; files come out writable. */
function copyProject(src, dst, {lockfile = true} = {}) {
  fs.cpSync(src, dst, {
    recursive: true,
    filter: file => {
      const rel = path.relative(src, file);
      return rel !== '.yarnrc.yml.orig' && rel !== 'SOURCE.txt' && (lockfile || rel !== 'yarn.lock');
    },
  });
  chmodWritable(dst);
}

function chmodWritable(dir) {
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      fs.chmodSync(full, 0o755);
      chmodWritable(full);
    } else if (entry.isFile()) {
      fs.chmodSync(full, 0o644);
    }
  }
  fs.chmodSync(dir, 0o755);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// Child processes: own process group, killed as a whole on exit (same approach as the e2e harness).

const liveGroups = new Set();
let workDirToClean = null;

function killGroup(pid, signal = 'SIGKILL') {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if (error.code !== 'ESRCH')
      process.stderr.write(`[bench] could not kill process group ${pid}: ${error.message}\n`);
    return false;
  }
}

function cleanupOnExit() {
  for (const pid of liveGroups)
    killGroup(pid);
  liveGroups.clear();
  if (workDirToClean) {
    try {
      rmrf(workDirToClean);
    } catch (error) {
      process.stderr.write(`[bench] could not remove ${workDirToClean}: ${error.message}\n`);
    }
  }
}
process.once('exit', cleanupOnExit);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    cleanupOnExit();
    process.kill(process.pid, signal);
  });
}

/** Minimal environment: nothing of the caller's YARN_*, npm_* or repo PATH entries leaks in. */
function baseEnv() {
  const env = {TERM: 'dumb'};
  const parts = (process.env.PATH || '/usr/local/bin:/usr/bin:/bin').split(path.delimiter).filter(entry =>
    entry && !/[\\/]xfs-[0-9a-f]+$/.test(entry) && entry !== REPO_ROOT && !entry.startsWith(REPO_ROOT + path.sep));
  env.PATH = [path.dirname(process.execPath), ...parts.filter(entry => entry !== path.dirname(process.execPath))].join(path.delimiter);
  for (const key of ['LANG', 'TMPDIR'])
    if (process.env[key])
      env[key] = process.env[key];
  return env;
}

/**
 * Runs a command to completion; never rejects on a non-zero exit. `wallMs` is measured from spawn to the
 * exit of the process. With `measureRss`, the command runs under GNU time: `peakRssKb` is its `%M`, the
 * maximum resident set size of the process and of its waited-for descendants, and `cpuMs` its `%U` + `%S`,
 * their user and system CPU time.
 */
function run(command, args, {cwd, env, timeoutMs = 900_000, measureRss = false, logFile = null}) {
  return new Promise((resolve, reject) => {
    const rssFile = measureRss ? path.join(os.tmpdir(), `trust-bench-rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`) : null;
    const [file, argv] = rssFile ? [TIME_BIN, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args];
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, {cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe']});
    let output = '';
    let exitedAt = null;
    child.stdout.setEncoding('utf8').on('data', chunk => { output += chunk; });
    child.stderr.setEncoding('utf8').on('data', chunk => { output += chunk; });
    if (child.pid !== undefined)
      liveGroups.add(child.pid);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('exit', () => { exitedAt = process.hrtime.bigint(); });
    child.on('error', error => {
      clearTimeout(timer);
      liveGroups.delete(child.pid);
      reject(new Error(`cannot run ${file} ${argv.join(' ')}: ${error.message}`));
    });
    child.on('close', code => {
      clearTimeout(timer);
      const ended = exitedAt ?? process.hrtime.bigint();
      killGroup(child.pid); // stragglers of the group, if any
      liveGroups.delete(child.pid);
      let peakRssKb = null;
      let cpuMs = null;
      if (rssFile) {
        const text = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8') : '';
        fs.rmSync(rssFile, {force: true});
        // GNU time writes "Command exited with non-zero status N" before the format on failures.
        const fields = /^(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(text.trim().split('\n').pop() || '');
        if (fields) {
          peakRssKb = Number(fields[1]);
          cpuMs = Math.round((Number(fields[2]) + Number(fields[3])) * 1000);
        }
      }
      if (logFile) {
        fs.mkdirSync(path.dirname(logFile), {recursive: true});
        fs.writeFileSync(logFile, `$ (cd ${cwd} && ${command} ${args.join(' ')})\n${output}\n[exit ${code}]\n`);
      }
      if (timedOut) {
        reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs} ms in ${cwd}:\n${tail(output)}`));
        return;
      }
      resolve({code: code ?? 1, output, wallMs: Number(ended - started) / 1e6, peakRssKb, cpuMs});
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// Verdaccio

const CLOCK_TICKS = (() => {
  const answer = spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'});
  const ticks = Number((answer.stdout || '').trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
})();

/** utime + stime of a live process (fields 14 and 15 of /proc/<pid>/stat), in ms. */
function processCpuMs(pid) {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT')
      return null;
    throw error;
  }
  // The command name (field 2) is in parentheses and may contain spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Math.round((Number(fields[11]) + Number(fields[12])) * 1000 / CLOCK_TICKS);
}

/**
 * Starts Verdaccio 6 on a free loopback port over `storageDir`. With `uplink`, every package is proxied
 * to it (and cached in the storage); without, only the storage is served and nothing leaves the machine.
 */
async function startVerdaccio({storageDir, runDir, uplink = null}) {
  fs.mkdirSync(storageDir, {recursive: true});
  fs.mkdirSync(runDir, {recursive: true});
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(runDir, 'verdaccio.log');
  const stdioFile = path.join(runDir, 'verdaccio.stdio.log');
  const configFile = path.join(runDir, 'config.yaml');
  const config = {
    storage: storageDir,
    auth: {htpasswd: {file: path.join(runDir, 'htpasswd'), max_users: -1}},
    web: {enable: false},
    // The audit middleware forwards to registry.npmjs.org: keep it off.
    middlewares: {audit: {enabled: false}},
    // While warming: one packument fetch per package for the whole warm-up (maxage), so the fresh
    // resolution sees the same versions whose tarballs it then stores.
    uplinks: uplink ? {upstream: {url: uplink.replace(/\/?$/, '/'), maxage: '2h', timeout: '60s', max_fails: 1000, fail_timeout: '1s'}} : {},
    packages: {'**': {access: '$all', publish: '$authenticated', unpublish: '$authenticated', ...(uplink ? {proxy: 'upstream'} : {})}},
    // One JSON line per request: the bench counts the requests of each run.
    log: {type: 'file', path: logFile, format: 'json', level: 'http'},
  };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n');
  const stdio = fs.openSync(stdioFile, 'a');
  const env = {...baseEnv(), HOME: runDir};
  // The npm registry mirror of this machine may need the system CA bundle.
  for (const key of ['NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'])
    if (uplink && process.env[key])
      env[key] = process.env[key];
  const child = spawn(process.execPath, [VERDACCIO_BIN, '-c', configFile, '-l', `127.0.0.1:${port}`], {
    cwd: runDir, env, detached: true, stdio: ['ignore', stdio, stdio],
  });
  fs.closeSync(stdio);
  liveGroups.add(child.pid);
  let exited = false;
  const exitPromise = new Promise(resolve => child.once('exit', () => { exited = true; resolve(); }));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited)
      fail(`Verdaccio exited during startup:\n${tail(fs.readFileSync(stdioFile, 'utf8'))}`);
    const response = await fetch(`${url}/-/ping`).catch(() => null);
    if (response && response.ok)
      break;
    if (Date.now() > deadline)
      fail(`Verdaccio did not answer ${url}/-/ping within 30 s:\n${tail(fs.readFileSync(stdioFile, 'utf8'))}`);
    await delay(100);
  }

  return {
    url,
    port,
    logFile,
    /** CPU time (user + system) Verdaccio has used so far, from /proc; null where /proc is missing. */
    cpuMs: () => processCpuMs(child.pid),
    /** Byte offset of the request log: pass to requestsSince() to count the requests of one run. */
    mark: () => fs.existsSync(logFile) ? fs.statSync(logFile).size : 0,
    requestsSince(offset) {
      const fd = fs.openSync(logFile, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        const buffer = Buffer.alloc(size - offset);
        fs.readSync(fd, buffer, 0, buffer.length, offset);
        const counts = {metadata: 0, tarball: 0, other: 0, total: 0};
        for (const line of buffer.toString('utf8').split('\n')) {
          if (!line.includes('"sub":"in"') || !line.includes('"req"'))
            continue;
          const entry = JSON.parse(line);
          if (entry.sub !== 'in' || !entry.req || !entry.req.url)
            continue;
          counts.total++;
          const pathname = entry.req.url.replace(/\?.*$/, '');
          if (/\/-\/[^/]+\.tgz$/.test(pathname)) counts.tarball++;
          else if (/^\/-\//.test(pathname)) counts.other++;
          else counts.metadata++;
        }
        return counts;
      } finally {
        fs.closeSync(fd);
      }
    },
    async stop() {
      if (!exited) {
        killGroup(child.pid, 'SIGTERM');
        await Promise.race([exitPromise, delay(5000)]);
      }
      killGroup(child.pid);
      liveGroups.delete(child.pid);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Projects and Yarn runs

/**
 * Settings of every bench project, plain and plugin alike: those of the originals that matter
 * (compressionLevel, nodeLinker, enableScripts false, global cache) plus a loopback registry.
 * Written as JSON, which Yarn's YAML parser reads.
 */
function benchYarnrc(registryUrl, rootManifest) {
  const yarnrc = {
    compressionLevel: 'mixed',
    nodeLinker: 'node-modules',
    enableScripts: false,
    npmMinimalAgeGate: 0,
    npmRegistryServer: registryUrl,
    unsafeHttpWhitelist: ['127.0.0.1'],
    enableTelemetry: false,
    enableProgressBars: false,
    // As in the originals; the global folder (and so the cache) is a fresh dir per run.
    enableGlobalCache: true,
    // Safety net: Yarn may only talk to 127.0.0.1.
    networkSettings: {'*': {enableNetwork: false}, '127.0.0.1': {enableNetwork: true}},
  };
  // Yarn 4.18 bug: every npmScopes entry keeps its own 1d age gate; none of the projects has scopes today.
  if (rootManifest.npmScopes)
    fail('unexpected npmScopes in a manifest');
  return yarnrc;
}

function yarnEnv(runRoot) {
  return {
    ...baseEnv(),
    HOME: path.join(runRoot, 'home'),
    YARN_GLOBAL_FOLDER: path.join(runRoot, 'global'),
    YARN_CACHE_FOLDER: path.join(runRoot, 'global', 'cache'),
    YARN_ENABLE_TELEMETRY: '0',
    YARN_ENABLE_PROGRESS_BARS: '0',
    YARN_ENABLE_COLORS: '0',
    YARN_ENABLE_HYPERLINKS: '0',
    YARN_ENABLE_IMMUTABLE_INSTALLS: '0',
  };
}

/** A fresh run dir: <root>/{project,home,global}, the project copied from a template. */
function newRun(workDir, label, template, {lockfile = true, pins = null} = {}) {
  const root = path.join(workDir, 'runs', `${label}-${Date.now()}`);
  const cwd = path.join(root, 'project');
  fs.mkdirSync(path.join(root, 'home'), {recursive: true});
  fs.mkdirSync(path.join(root, 'global'), {recursive: true});
  fs.cpSync(template, cwd, {recursive: true, filter: file => lockfile || path.relative(template, file) !== 'yarn.lock'});
  if (pins !== null)
    fs.copyFileSync(pins, path.join(cwd, 'yarn-trust.pins'));
  return {root, cwd, env: yarnEnv(root)};
}

function yarn(runDir, args, opts = {}) {
  return run(process.execPath, [YARN_BIN, ...args], {cwd: runDir.cwd, env: runDir.env, ...opts});
}

function trustFileFor(names) {
  const packages = {};
  for (const name of [...names].sort())
    packages[name] = {denied: {deniedAt: '2026-11-26T00:00:00.000Z'}};
  return {version: 1, packages};
}

/**
 * Writes <workDir>/templates/<project>/{plain,plugin}: the bench project with `built: false` for every
 * denied package in the root manifest (both variants), bench settings, and for the plugin variant the
 * bundle imported with `yarn plugin import` plus a yarn-trust.json denying those packages.
 */
async function makeTemplates(ctx, project, denied) {
  const base = path.join(ctx.workDir, 'templates', project);
  rmrf(base);
  const plain = path.join(base, 'plain');
  const plugin = path.join(base, 'plugin');
  copyProject(path.join(ctx.options.projectsDir, project), plain);

  const manifestPath = path.join(plain, 'package.json');
  const manifest = readJson(manifestPath);
  manifest.dependenciesMeta = {...manifest.dependenciesMeta};
  for (const name of denied)
    manifest.dependenciesMeta[name] = {...manifest.dependenciesMeta[name], built: false};
  writeJson(manifestPath, manifest);
  writeJson(path.join(plain, '.yarnrc.yml'), benchYarnrc(ctx.registry.url, manifest));

  fs.cpSync(plain, plugin, {recursive: true});
  const importDir = {root: path.join(base, 'import'), cwd: plugin, env: yarnEnv(path.join(base, 'import'))};
  fs.mkdirSync(path.join(importDir.root, 'home'), {recursive: true});
  fs.mkdirSync(path.join(importDir.root, 'global'), {recursive: true});
  const imported = await yarn(importDir, ['plugin', 'import', ctx.bundle], {timeoutMs: 120_000});
  if (imported.code !== 0 || !fs.existsSync(path.join(plugin, '.yarn/plugins/@yarnpkg/plugin-trust.cjs')))
    fail(`yarn plugin import ${ctx.bundle} failed in ${plugin} (exit ${imported.code}):\n${tail(imported.output)}`);
  rmrf(importDir.root);
  writeJson(path.join(plugin, 'yarn-trust.json'), trustFileFor(denied));
  return {plain, plugin, pins: path.join(base, 'yarn-trust.pins')};
}

// ---------------------------------------------------------------------------------------------------
// Warm-up of the proxy storage

function projectFingerprint(projectsDir, project) {
  const dir = path.join(projectsDir, project);
  const hash = crypto.createHash('sha256');
  const walk = rel => {
    for (const entry of fs.readdirSync(path.join(dir, rel), {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name === 'package.json' || entry.name === 'yarn.lock' || child.startsWith(`.yarn${path.sep}patches`))
        hash.update(`${child}\0`).update(fs.readFileSync(path.join(dir, child))).update('\0');
    }
  };
  walk('');
  return hash.digest('hex');
}

async function warmStorage(ctx) {
  const markerFile = path.join(ctx.options.storage, 'bench-warm.json');
  const marker = fs.existsSync(markerFile) ? readJson(markerFile) : {projects: {}};
  const cold = ctx.options.projects.filter(project =>
    ctx.options.rewarm || !marker.projects[project] || marker.projects[project].fingerprint !== projectFingerprint(ctx.options.projectsDir, project));
  if (cold.length === 0) {
    log(`proxy storage ${ctx.options.storage} is warm for ${ctx.options.projects.join(', ')} (delete it or pass --rewarm to refill)`);
    return {warmedMs: 0};
  }

  const started = Date.now();
  log(`warming ${ctx.options.storage} through a Verdaccio proxy of ${ctx.options.upstream} for ${cold.join(', ')} (takes minutes)`);
  const registry = await startVerdaccio({storageDir: ctx.storageDir, runDir: path.join(ctx.workDir, 'verdaccio-warm'), uplink: ctx.options.upstream});
  try {
    for (const project of cold) {
      const denied = KNOWN_SCRIPTED[project] || [];
      const templates = await makeTemplates({...ctx, registry}, project, denied);
      for (const [what, lockfile] of [['lockfile', true], ['fresh', false]]) {
        const runDir = newRun(ctx.workDir, `warm-${project}-${what}`, templates.plain, {lockfile});
        const result = await yarn(runDir, ['install'], {timeoutMs: 1_800_000, logFile: path.join(ctx.workDir, 'logs', `warm-${project}-${what}.log`)});
        if (result.code !== 0)
          fail(`warming ${project} (${what} install with the uplink on) failed with exit ${result.code}:\n${tail(result.output)}`);
        log(`  ${project}: ${what} install through the proxy done in ${(result.wallMs / 1000).toFixed(1)} s`);
        rmrf(runDir.root);
      }
      marker.projects[project] = {fingerprint: projectFingerprint(ctx.options.projectsDir, project), warmedAt: new Date().toISOString(), upstream: ctx.options.upstream};
      writeJson(markerFile, marker);
    }
  } finally {
    await registry.stop();
  }
  return {warmedMs: Date.now() - started};
}

// ---------------------------------------------------------------------------------------------------
// Measurements

/**
 * Names of the packages a refused install asks to approve or deny: from `yarn trust status --json` when
 * the project has a lockfile, else from the refusal's own advice ("… or yarn trust deny <name> …").
 */
async function refusedScriptPackages(runDir, output) {
  const names = new Set();
  if (fs.existsSync(path.join(runDir.cwd, 'yarn.lock'))) {
    const status = await yarn(runDir, ['trust', 'status', '--json'], {timeoutMs: 900_000});
    for (const line of status.output.split('\n')) {
      if (!line.startsWith('{'))
        continue;
      try {
        const entry = JSON.parse(line);
        if (typeof entry.package === 'string' && entry.state && entry.state !== 'approved' && entry.state !== 'denied')
          names.add(entry.package);
      } catch {
        // not an NDJSON line of the plugin
      }
    }
  }
  for (const match of output.matchAll(/yarn trust deny (\S+) to never run it/g))
    names.add(match[1]);
  return [...names];
}

function assertOk(result, what) {
  if (result.code !== 0)
    fail(`${what} exited with ${result.code}; full output (also in the logs dir):\n${result.output.trimEnd()}`);
}

async function benchProject(ctx, project) {
  const {options, registry, workDir} = ctx;
  const logsDir = path.join(workDir, 'logs');
  const denied = new Set(KNOWN_SCRIPTED[project] || []);
  const notes = [];
  let templates;

  // Setup (unmeasured): a fresh resolution with the plugin (proves that the offline storage serves it),
  // then one install from the lockfile with the plugin (it writes the yarn-trust.pins that cold-pinned
  // commits) and one with plain Yarn; these two installed projects are what noop and check measure.
  // When the plugin refuses a package with install scripts that is not in the deny list (a fresh
  // resolution can bring new ones), that package is denied too and the setup starts over, so that every
  // case of a project runs with the same manifests and trust file.
  let pluginProject, plainProject;
  const refused = async (runDir, result, what) => {
    const found = result.code !== 0 && /YN0004/.test(result.output) ? await refusedScriptPackages(runDir, result.output) : [];
    const added = found.filter(name => !denied.has(name));
    if (added.length === 0)
      fail(`${project}: ${what} exited with ${result.code}; full output (also in the logs dir):\n${result.output.trimEnd()}`);
    notes.push(`the plugin refused ${added.map(name => `\`${name}\``).join(', ')} during the ${what} (not in the default deny list), so ${added.length === 1 ? 'it was' : 'they were'} denied too`);
    log(`${project}: the plugin refused ${added.join(', ')} (not in the default deny list); denying ${added.length === 1 ? 'it' : 'them'} and starting the setup over`);
    for (const name of added)
      denied.add(name);
    rmrf(runDir.root);
  };
  for (let attempt = 1; ; attempt++) {
    if (attempt > 4)
      fail(`${project}: the setup did not settle after ${attempt - 1} attempts`);
    templates = await makeTemplates(ctx, project, [...denied]);

    if (options.cases.includes('fresh')) {
      const freshDir = newRun(workDir, `${project}-setup-fresh`, templates.plugin, {lockfile: false});
      log(`${project}: setup fresh resolution with the plugin (unmeasured)`);
      const result = await yarn(freshDir, ['install'], {logFile: path.join(logsDir, `${project}-setup-fresh-${attempt}.log`)});
      if (result.code !== 0) {
        await refused(freshDir, result, `setup fresh resolution with the plugin`);
        continue;
      }
      rmrf(freshDir.root);
    }

    pluginProject = newRun(workDir, `${project}-setup-plugin`, templates.plugin);
    log(`${project}: setup install with the plugin (unmeasured; writes yarn-trust.pins)`);
    const result = await yarn(pluginProject, ['install'], {logFile: path.join(logsDir, `${project}-setup-plugin-${attempt}.log`)});
    if (result.code !== 0) {
      await refused(pluginProject, result, `setup install with the plugin`);
      continue;
    }
    break;
  }
  const pinsFile = path.join(pluginProject.cwd, 'yarn-trust.pins');
  if (!fs.existsSync(pinsFile))
    fail(`${project}: the plugin's setup install exited 0 but wrote no ${pinsFile}`);
  fs.copyFileSync(pinsFile, templates.pins);
  const pinsCount = fs.readFileSync(templates.pins, 'utf8').split('\n').filter(line => line && !line.startsWith('#')).length;
  log(`${project}: ${pinsCount} pins recorded; denied: ${[...denied].sort().join(', ')}`);

  plainProject = newRun(workDir, `${project}-setup-plain`, templates.plain);
  log(`${project}: setup install with plain Yarn (unmeasured)`);
  assertOk(await yarn(plainProject, ['install'], {logFile: path.join(logsDir, `${project}-setup-plain.log`)}), `${project}: plain setup install`);

  const results = [];
  for (const caseName of options.cases) {
    const runs = COLD_CASES.has(caseName) ? options.coldRuns : options.fastRuns;
    const samples = {plain: [], plugin: []};
    const rss = {plain: [], plugin: []};
    const requests = {plain: [], plugin: []};
    const cpu = {plain: [], plugin: []};
    const registryCpu = {plain: [], plugin: []};
    const failures = [];
    const loads = [];

    const measure = async (variant, i) => {
      if (caseName === 'check' && variant === 'plain')
        return;
      let runDir;
      let args = ['install'];
      let cleanup = false;
      if (caseName === 'noop') {
        runDir = variant === 'plain' ? plainProject : pluginProject;
      } else if (caseName === 'check') {
        runDir = pluginProject;
        args = ['trust', 'check'];
      } else {
        const template = variant === 'plain' ? templates.plain : templates.plugin;
        runDir = newRun(workDir, `${project}-${caseName}-${variant}-${i}`, template, {
          lockfile: caseName !== 'fresh',
          pins: caseName === 'cold-pinned' && variant === 'plugin' ? templates.pins : null,
        });
        cleanup = true;
      }
      const pinsBefore = variant === 'plugin' && fs.existsSync(path.join(runDir.cwd, 'yarn-trust.pins')) ? fs.readFileSync(path.join(runDir.cwd, 'yarn-trust.pins')) : null;
      spawnSync('sync');
      loads.push(os.loadavg()[0]);
      const mark = registry.mark();
      const registryCpuBefore = registry.cpuMs();
      const result = await yarn(runDir, args, {measureRss: true, logFile: path.join(logsDir, `${project}-${caseName}-${variant}-${i}.log`)});
      const what = `${project} ${caseName} run ${i} (${variant}: yarn ${args.join(' ')})`;
      // A failing plain run means the bench itself is broken: stop. A failing plugin run is a finding:
      // it is recorded (timing included) and reported, and the bench goes on with the other runs.
      if (variant === 'plain')
        assertOk(result, what);
      const counted = registry.requestsSince(mark);
      const registryCpuAfter = registry.cpuMs();

      const problems = [];
      if (result.code !== 0)
        problems.push(`exit ${result.code}: ${errorExcerpt(result.output.split(runDir.cwd).join('<project>'))}`);
      if (variant === 'plugin' && caseName !== 'check' && result.code === 0) {
        const pinsPath = path.join(runDir.cwd, 'yarn-trust.pins');
        if (!fs.existsSync(pinsPath))
          problems.push('the install exited 0 but left no yarn-trust.pins');
        else if (pinsBefore !== null && !pinsBefore.equals(fs.readFileSync(pinsPath)))
          problems.push('the install changed the committed yarn-trust.pins');
      }
      if (problems.length > 0) {
        failures.push({run: i, exitCode: result.code, problem: problems.join('; ')});
        log(`${what} FAILED (${problems.join('; ')}); full output:\n${result.output.trimEnd()}`);
      }
      samples[variant].push(result.wallMs);
      rss[variant].push(result.peakRssKb);
      requests[variant].push(counted.total);
      cpu[variant].push(result.cpuMs);
      registryCpu[variant].push(registryCpuBefore === null || registryCpuAfter === null ? null : registryCpuAfter - registryCpuBefore);
      log(`${project} ${caseName} ${i}/${runs} ${variant.padEnd(6)} ${(result.wallMs / 1000).toFixed(2).padStart(7)} s  peak RSS ${result.peakRssKb === null ? '?' : Math.round(result.peakRssKb / 1024)} MB  requests ${counted.total} (${counted.metadata} metadata, ${counted.tarball} tarballs)  CPU: Yarn ${fmtMs(result.cpuMs)}, Verdaccio ${fmtMs(registryCpuBefore === null || registryCpuAfter === null ? null : registryCpuAfter - registryCpuBefore)}`);
      if (cleanup)
        rmrf(runDir.root);
    };

    // An unmeasured round first for the cases that reuse an installed project (page cache, install state).
    if (caseName === 'noop' || caseName === 'check') {
      for (const variant of ['plain', 'plugin']) {
        if (caseName === 'check' && variant === 'plain')
          continue;
        const runDir = variant === 'plain' ? plainProject : pluginProject;
        const args = caseName === 'check' ? ['trust', 'check'] : ['install'];
        const result = await yarn(runDir, args, {logFile: path.join(logsDir, `${project}-${caseName}-${variant}-warmup.log`)});
        if (variant === 'plain')
          assertOk(result, `${project} ${caseName} warm-up (${variant})`);
        else if (result.code !== 0)
          log(`${project} ${caseName} warm-up (${variant}: yarn ${args.join(' ')}) exited ${result.code}; measuring anyway, each failing run is reported`);
      }
    }

    for (let i = 1; i <= runs; i++) {
      await measure('plain', i);
      await measure('plugin', i);
    }

    const plainMedianMs = samples.plain.length ? round(median(samples.plain)) : null;
    const pluginMedianMs = round(median(samples.plugin));
    const rssKnown = list => list.filter(value => value !== null);
    const entry = {
      case: caseName,
      project,
      plainMedianMs,
      pluginMedianMs,
      ratio: plainMedianMs ? round(pluginMedianMs / plainMedianMs, 3) : null,
      pluginPeakRssMb: rssKnown(rss.plugin).length ? round(Math.max(...rssKnown(rss.plugin)) / 1024, 1) : null,
      runs,
      date: ctx.date,
      cores: os.cpus().length,
      // Beyond the required fields: the raw samples and what else helps to read them.
      addedMs: plainMedianMs === null ? null : round(pluginMedianMs - plainMedianMs),
      plainPeakRssMb: rssKnown(rss.plain).length ? round(Math.max(...rssKnown(rss.plain)) / 1024, 1) : null,
      plainRunsMs: samples.plain.map(value => round(value)),
      pluginRunsMs: samples.plugin.map(value => round(value)),
      plainRequests: requests.plain.length ? median(requests.plain) : null,
      pluginRequests: median(requests.plugin),
      // CPU time (user + system), median per run: the Yarn process with its children (GNU time), and
      // Verdaccio, which shares the cores (its /proc counters around the run).
      plainCpuMs: medianKnown(cpu.plain),
      pluginCpuMs: medianKnown(cpu.plugin),
      plainRegistryCpuMs: medianKnown(registryCpu.plain),
      pluginRegistryCpuMs: medianKnown(registryCpu.plugin),
      ...budgetVerdict(caseName, project, plainMedianMs, pluginMedianMs, failures.length > 0),
      // Plugin runs that exited non-zero or misbehaved; their timings are still in pluginRunsMs.
      pluginFailures: failures,
      // 1-minute load average right before each measured run (the bench's own runs add about 1):
      // high values mean something else competed for the cores.
      loadAvg1m: {median: round(median(loads), 2), max: round(Math.max(...loads), 2)},
      deniedScripts: [...denied].sort(),
      pins: pinsCount,
      lockfileEntries: countLockfileEntries(path.join(options.projectsDir, project, 'yarn.lock')),
      yarn: YARN_VERSION,
      node: process.version,
      pluginBundleSha256: ctx.bundleSha256,
      repoCommit: ctx.repoCommit,
    };
    results.push(entry);
    log(`${project} ${caseName}: plain ${plainMedianMs ?? '—'} ms, plugin ${pluginMedianMs} ms, ratio ${entry.ratio ?? '—'}, plugin peak RSS ${entry.pluginPeakRssMb} MB${failures.length ? `, ${failures.length} FAILED plugin run(s)` : ''}`);
  }

  rmrf(plainProject.root);
  rmrf(pluginProject.root);
  return {results, notes, denied: [...denied].sort(), pinsCount};
}

/** HEAD of the repository, with " + modified bundle" when the measured bundle is not the one committed at HEAD. */
function repoCommit(bundle) {
  const head = spawnSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], {encoding: 'utf8'});
  if (head.status !== 0)
    return null;
  const committed = spawnSync('git', ['-C', REPO_ROOT, 'show', 'HEAD:bundles/@yarnpkg/plugin-trust.js'], {maxBuffer: 256 * 2 ** 20});
  const clean = committed.status === 0 && sha256(committed.stdout) === sha256(fs.readFileSync(bundle));
  return `${head.stdout.trim()}${clean ? '' : ' + modified bundle'}`;
}

function countLockfileEntries(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter(line => line.startsWith('"')).length;
}

/** Lines of Yarn's output that report errors (YNxxxx other than YN0000), shortened. */
function errorExcerpt(output) {
  const lines = output.split('\n').filter(line => /YN\d{4}/.test(line) && !/YN0000/.test(line));
  const picked = (lines.length ? lines : output.trim().split('\n').slice(-3)).slice(-3).map(line => line.length > 600 ? `${line.slice(0, 600)}…` : line);
  return picked.join(' / ');
}

function budgetVerdict(caseName, project, plainMs, pluginMs, failed) {
  const budget = BUDGETS[caseName];
  if (!budget || (budget.projects && !budget.projects.includes(project)))
    return {budget: null, budgetMet: null};
  if (failed)
    return {budget: budget.text, budgetMet: null};
  let met = true;
  if (budget.maxRatio !== undefined)
    met = met && plainMs !== null && pluginMs / plainMs <= budget.maxRatio;
  if (budget.maxAddedMs !== undefined)
    met = met && plainMs !== null && pluginMs - plainMs < budget.maxAddedMs;
  if (budget.maxPluginMs !== undefined)
    met = met && pluginMs < budget.maxPluginMs;
  return {budget: budget.text, budgetMet: met};
}

// ---------------------------------------------------------------------------------------------------
// Micro-benchmark: loading a large pins file

function microPins(workDir) {
  const outDir = path.join(workDir, 'pins-build');
  const source = path.join(REPO_ROOT, 'sources/policy/pins.ts');
  const compiled = spawnSync(process.execPath, [TSC_BIN, '--target', 'ES2022', '--module', 'commonjs', '--strict', '--skipLibCheck', '--types', 'node', '--outDir', outDir, source], {cwd: REPO_ROOT, encoding: 'utf8'});
  if (compiled.status !== 0)
    fail(`tsc could not compile ${source}:\n${compiled.stdout}${compiled.stderr}`);
  const pins = require(path.join(outDir, 'pins.js'));

  const digest = (algorithm, text, encoding) => crypto.createHash(algorithm).update(text).digest(encoding);
  const makePin = i => {
    const version = `${1 + (i % 7)}.${i % 13}.${i % 101}`;
    const name = i % 4 === 0 ? `@scope-${i % 97}/package-${i}` : `package-${i}`;
    return {key: pins.registryPinKey(name, version), integrity: `sha512-${digest('sha512', `tarball ${i}`, 'base64')}`, archiveChecksum: `10/${digest('sha512', `archive ${i}`, 'hex')}`};
  };

  const sizes = [1000, 5000, 10000, 20000, 40000];
  const rows = [];
  for (const size of sizes) {
    const text = pins.serializePins(pins.withPins(pins.emptyPins(), Array.from({length: size}, (_, i) => makePin(i))));
    const file = path.join(workDir, `pins-${size}.pins`);
    fs.writeFileSync(file, text);
    const load = () => pins.parsePins(fs.readFileSync(file, 'utf8'), file);
    const check = load();
    if (check.entries.size !== size)
      fail(`parsePins read ${check.entries.size} pins of ${size}`);
    for (let i = 0; i < 3; i++)
      load();
    const times = [];
    for (let i = 0; i < 15; i++) {
      const started = process.hrtime.bigint();
      load();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const ms = median(times);
    rows.push({pins: size, bytes: Buffer.byteLength(text), medianMs: round(ms, 2), msPer1000Pins: round(ms / size * 1000, 3), iterations: times.length});
    log(`pins micro: ${size} pins (${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB): read + parsePins ${ms.toFixed(2)} ms median`);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Output

function fmtMs(ms) {
  if (ms === null)
    return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

function renderMarkdown(ctx, results, micro, projectInfo) {
  const lines = [];
  const cpu = os.cpus()[0] ? os.cpus()[0].model.trim() : 'unknown CPU';
  lines.push(`# Benchmark: yarn-plugin-trust vs plain Yarn ${YARN_VERSION}`);
  lines.push('');
  lines.push(`${ctx.date} · ${os.cpus().length} cores (${cpu}) · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · plugin bundle sha256 ${ctx.bundleSha256.split(', ').map(sha => `${sha.slice(0, 12)}…`).join(', ')}${ctx.repoCommit ? ` (repository at ${ctx.repoCommit})` : ''}`);
  lines.push('');
  if (results.length > 0) {
    lines.push('Median wall time of `yarn install` (and of `yarn trust check`), plain Yarn and with the plugin alternating in the same run, against a local Verdaccio with its uplink off (no network). Ratio = plugin ÷ plain. Peak RSS: the highest `%M` of GNU time over the plugin runs (Yarn process and its waited-for children).');
    lines.push('');
    lines.push('| project | case | runs | plain | plugin | ratio | added | plugin peak RSS | budget |');
    lines.push('|---|---|---:|---:|---:|---:|---:|---:|---|');
    for (const entry of results) {
      const failed = entry.pluginFailures && entry.pluginFailures.length > 0;
      const budget = entry.budget === null ? '—' : `${entry.budget}: ${failed ? 'not judged (plugin runs failed)' : entry.budgetMet ? 'met' : '**missed**'}`;
      const plugin = failed ? `${fmtMs(entry.pluginMedianMs)} (**${entry.pluginFailures.length} of ${entry.runs} runs failed**)` : fmtMs(entry.pluginMedianMs);
      lines.push(`| ${entry.project} | \`${entry.case}\` | ${entry.runs} | ${fmtMs(entry.plainMedianMs)} | ${plugin} | ${entry.ratio === null ? '—' : `${entry.ratio.toFixed(2)}×`} | ${entry.addedMs === null ? '—' : `${entry.addedMs >= 0 ? '+' : ''}${fmtMs(entry.addedMs)}`} | ${entry.pluginPeakRssMb === null ? '?' : `${Math.round(entry.pluginPeakRssMb)} MB`} | ${budget} |`);
    }
    lines.push('');
    lines.push('Cases: `cold-unpinned` install from the lockfile, empty cache, no `yarn-trust.pins`; `cold-pinned` the same with the pins of an earlier install committed; `noop` install with everything up to date; `check` `yarn trust check` alone (pins present); `fresh` install without a lockfile (fresh resolution, no pins).');
    lines.push('');
    for (const project of [...new Set(results.map(entry => entry.project))]) {
      const entry = results.find(candidate => candidate.project === project);
      const notes = projectInfo[project] ? projectInfo[project].notes : [];
      lines.push(`- ${project}: ${entry.lockfileEntries} lockfile entries; ${entry.pins} pins; install scripts denied in the plugin runs (and \`built: false\` in both variants): ${entry.deniedScripts.map(name => `\`${name}\``).join(', ')}.${notes.length ? ` Notes: ${notes.join('; ')}.` : ''}`);
    }
    for (const entry of results.filter(candidate => candidate.pluginFailures && candidate.pluginFailures.length > 0)) {
      const first = entry.pluginFailures[0];
      const problem = first.problem.replace(/\/\S*\/yarn-plugin-trust-bench-[^/\s]+\/runs\/[^/\s]+\/project/g, '<project>');
      lines.push(`- **${entry.project} \`${entry.case}\`: ${entry.pluginFailures.length} of ${entry.runs} plugin runs failed**, e.g. run ${first.run}: ${(problem.length > 400 ? `${problem.slice(0, 400)}…` : problem).replace(/\|/g, '\\|')}`);
    }
    const loads = results.filter(entry => entry.loadAvg1m).map(entry => entry.loadAvg1m);
    if (loads.length > 0)
      lines.push(`- 1-minute load average before the measured runs, per project: ${[...new Set(results.map(entry => entry.project))].map(project => {
        const own = results.filter(entry => entry.project === project && entry.loadAvg1m);
        return own.length ? `${project} median ${median(own.map(entry => entry.loadAvg1m.median)).toFixed(1)} (highest ${Math.max(...own.map(entry => entry.loadAvg1m.max)).toFixed(1)})` : `${project} not recorded`;
      }).join(', ')}. The bench alone keeps it at about 3 on this 2-core machine (Yarn's threads and disk waits count); clearly more means other work competed and those numbers are noisier.`);
    const dates = [...new Set(results.map(entry => entry.date))];
    if (dates.length > 1)
      lines.push(`- Rows come from runs of ${dates.join(', ')} (a partial run keeps the other rows of results.json).`);
    lines.push('');
    const withCpu = results.filter(entry => entry.pluginCpuMs != null);
    if (withCpu.length > 0) {
      lines.push('Where the time goes: median CPU time (user + system) per run of the Yarn process with its children (GNU time `%U + %S`), and of Verdaccio, which serves the run on the same cores (its `/proc` counters around the run).');
      lines.push('');
      lines.push('| project | case | Yarn CPU plain | Yarn CPU plugin | added | Verdaccio CPU plain | Verdaccio CPU plugin | added | requests plain | requests plugin |');
      lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
      const added = (a, b) => a == null || b == null ? '—' : `${b - a >= 0 ? '+' : ''}${fmtMs(b - a)}`;
      for (const entry of withCpu)
        lines.push(`| ${entry.project} | \`${entry.case}\` | ${fmtMs(entry.plainCpuMs ?? null)} | ${fmtMs(entry.pluginCpuMs)} | ${added(entry.plainCpuMs, entry.pluginCpuMs)} | ${fmtMs(entry.plainRegistryCpuMs ?? null)} | ${fmtMs(entry.pluginRegistryCpuMs ?? null)} | ${added(entry.plainRegistryCpuMs, entry.pluginRegistryCpuMs)} | ${entry.plainRequests ?? '—'} | ${entry.pluginRequests} |`);
      lines.push('');
    }
  }
  if (micro) {
    lines.push('Loading the pins (`fs.readFileSync` + `parsePins`), synthetic files, median of 15:');
    lines.push('');
    lines.push('| pins | file size | load time | per 1,000 pins |');
    lines.push('|---:|---:|---:|---:|');
    for (const row of micro)
      lines.push(`| ${row.pins.toLocaleString('en-US')} | ${(row.bytes / 1e6).toFixed(1)} MB | ${row.medianMs.toFixed(1)} ms | ${row.msPer1000Pins.toFixed(2)} ms |`);
    lines.push('');
  }
  lines.push('Reproduce: `node tests/bench/run.js` (see tests/bench/README.md).');
  return lines.join('\n') + '\n';
}

/**
 * Writes results.md, results.json (merged: rows of (project, case) pairs this run did not measure are
 * kept from the previous file, each with its own date) and results-pins.json; returns the markdown.
 */
function writeOutputs(ctx, results, micro, projectInfo) {
  const {options} = ctx;
  const resultsFile = path.join(BENCH_DIR, 'results.json');
  const microFile = path.join(BENCH_DIR, 'results-pins.json');
  const merged = options.write ? mergeResults(resultsFile, results) : results;
  let microRows = micro;
  if (!microRows && options.write && fs.existsSync(microFile))
    microRows = readJson(microFile).rows;
  const markdown = renderMarkdown(ctx, merged, microRows, projectInfo);
  if (options.write) {
    if (results.length > 0) {
      writeJson(resultsFile, merged);
      fs.writeFileSync(path.join(BENCH_DIR, 'results.md'), markdown);
    }
    if (micro)
      writeJson(microFile, {date: ctx.date, cores: os.cpus().length, node: process.version, measure: 'fs.readFileSync + parsePins, median of 15 after 3 warm-ups', rows: micro});
  }
  return markdown;
}

/** Keeps entries of (case, project) pairs this run did not measure, so a partial run does not drop them. */
function mergeResults(file, fresh) {
  let previous = [];
  if (fs.existsSync(file)) {
    try {
      previous = readJson(file);
    } catch {
      previous = [];
    }
  }
  const measured = new Set(fresh.map(entry => `${entry.project}\0${entry.case}`));
  const kept = Array.isArray(previous) ? previous.filter(entry => !measured.has(`${entry.project}\0${entry.case}`)) : [];
  const order = entry => [entry.project === 'prettier' ? 0 : 1, CASES.indexOf(entry.case)];
  return [...kept, ...fresh].sort((a, b) => {
    const [pa, ca] = order(a), [pb, cb] = order(b);
    return pa - pb || ca - cb;
  });
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const startedAt = Date.now();
  if (options.renderOnly) {
    const results = readJson(path.join(BENCH_DIR, 'results.json'));
    const microFile = path.join(BENCH_DIR, 'results-pins.json');
    const micro = fs.existsSync(microFile) ? readJson(microFile).rows : null;
    const shas = [...new Set(results.map(entry => entry.pluginBundleSha256))];
    const commits = [...new Set(results.map(entry => entry.repoCommit).filter(Boolean))];
    const markdown = renderMarkdown({date: results.map(entry => entry.date).sort().pop(), bundleSha256: shas.join(', '), repoCommit: commits.join(', ') || null}, results, micro, {});
    if (options.write)
      fs.writeFileSync(path.join(BENCH_DIR, 'results.md'), markdown);
    process.stdout.write(markdown);
    return;
  }
  for (const [what, file] of [['Yarn release', YARN_BIN], ['Verdaccio', VERDACCIO_BIN], ['TypeScript', TSC_BIN]])
    if (!fs.existsSync(file))
      fail(`${what} not found at ${file}; run node .yarn/releases/yarn-${YARN_VERSION}.cjs install in ${REPO_ROOT} first`);
  if (!options.microOnly && !fs.existsSync(options.bundle))
    fail(`plugin bundle ${options.bundle} missing; build it first (node .yarn/releases/yarn-${YARN_VERSION}.cjs build)`);
  if (!fs.existsSync(TIME_BIN))
    log(`${TIME_BIN} not found: peak RSS will be reported as unknown`);

  const workDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'yarn-plugin-trust-bench-')));
  workDirToClean = options.keep ? null : workDir;
  log(`work dir ${workDir}${options.keep ? ' (kept)' : ''}`);

  const ctx = {options, workDir, date: new Date().toISOString(), storageDir: path.join(options.storage, 'storage')};

  let micro = null;
  if (options.micro || options.microOnly)
    micro = microPins(workDir);

  const results = [];
  const projectInfo = {};
  let warm = {warmedMs: 0};
  if (!options.microOnly) {
    // Snapshot the bundle: a rebuild during the run must not change what is measured.
    ctx.bundle = path.join(workDir, 'plugin-trust.js');
    fs.copyFileSync(options.bundle, ctx.bundle);
    ctx.bundleSha256 = sha256(fs.readFileSync(ctx.bundle));
    ctx.repoCommit = repoCommit(options.bundle);
    log(`plugin bundle ${options.bundle} (sha256 ${ctx.bundleSha256})`);

    warm = await warmStorage(ctx);
    if (options.warmOnly) {
      log(`storage warm; whole run took ${((Date.now() - startedAt) / 60000).toFixed(1)} min`);
      return;
    }
    ctx.registry = await startVerdaccio({storageDir: ctx.storageDir, runDir: path.join(workDir, 'verdaccio')});
    log(`offline Verdaccio (no uplink) at ${ctx.registry.url} over ${ctx.storageDir}`);
    try {
      for (const project of options.projects) {
        const outcome = await benchProject(ctx, project);
        results.push(...outcome.results);
        projectInfo[project] = {notes: outcome.notes};
        // Written after every project, so an interrupted run keeps what it measured.
        writeOutputs(ctx, results, micro, projectInfo);
      }
    } finally {
      await ctx.registry.stop();
    }
  } else {
    ctx.bundleSha256 = fs.existsSync(options.bundle) ? sha256(fs.readFileSync(options.bundle)) : 'n/a';
  }

  const markdown = writeOutputs(ctx, results, micro, projectInfo);
  process.stdout.write('\n' + markdown);
  if (options.write)
    log(`wrote ${path.relative(process.cwd(), BENCH_DIR) || '.'}/results.md, results.json${micro ? ', results-pins.json' : ''}`);
  const failedCases = results.filter(entry => entry.pluginFailures.length > 0);
  if (failedCases.length > 0) {
    process.exitCode = 1;
    if (workDirToClean) {
      // Keep the logs (every yarn output), drop the projects.
      for (const entry of fs.readdirSync(workDir))
        if (entry !== 'logs')
          rmrf(path.join(workDir, entry));
      workDirToClean = null;
    }
    log(`plugin runs FAILED in: ${failedCases.map(entry => `${entry.project} ${entry.case}`).join(', ')} (see the notes above and the logs in ${path.join(workDir, 'logs')})`);
  }
  log(`whole run took ${((Date.now() - startedAt) / 60000).toFixed(1)} min${warm.warmedMs ? ` (warming the proxy: ${(warm.warmedMs / 60000).toFixed(1)} min)` : ''}`);
}

main().catch(error => {
  if (workDirToClean) {
    // Keep the logs of a failed run.
    process.stderr.write(`[bench] keeping ${workDirToClean} for inspection (logs/ holds every yarn output)\n`);
    workDirToClean = null;
  }
  process.stderr.write(`[bench] FAILED: ${error.benchFailure ? error.message : error.stack}\n`);
  process.exitCode = 1;
});
