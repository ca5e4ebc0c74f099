/**
 * Shared plumbing for the e2e harness: repo paths, hermetic environments, child processes that can
 * be killed as a whole process group, temp dirs.
 */
import {spawn} from 'child_process';
import {createRequire} from 'module';
import * as fsSync from 'fs';
import {promises as fs} from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Walk up from this file (tests/e2e/harness or build/tests/e2e/harness) to the repo root; if the
 * harness was compiled outside the repo (tsc --outDir /tmp/…), from the working directory instead.
 */
function findRepoRoot(): {root: string, yarnBin: string} {
  return searchUp(__dirname) ?? searchUp(process.cwd()) ?? (() => {
    throw new Error(`e2e harness: no package.json with "packageManager": "yarn@…" and a matching .yarn/releases file above ${__dirname} or ${process.cwd()}`);
  })();
}

function searchUp(start: string): {root: string, yarnBin: string} | null {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifestPath = path.join(dir, `package.json`);
    if (fsSync.existsSync(manifestPath)) {
      const manifest = JSON.parse(fsSync.readFileSync(manifestPath, `utf8`)) as {packageManager?: string};
      const match = /^yarn@([^+]+)/.exec(manifest.packageManager ?? ``);
      if (match) {
        const yarnBin = path.join(dir, `.yarn/releases/yarn-${match[1]}.cjs`);
        if (fsSync.existsSync(yarnBin))
          return {root: dir, yarnBin};
      }
    }
    if (path.dirname(dir) === dir)
      return null;
  }
}

const found = findRepoRoot();
export const REPO_ROOT = found.root;
/** `require` from the repo root, so the harness also runs when compiled outside the repo. */
export const requireFromRepo = createRequire(path.join(REPO_ROOT, `package.json`));
/** The committed Yarn release, run as `node <YARN_BIN>` (never a global yarn or corepack). */
export const YARN_BIN = found.yarnBin;
/** The bundle `yarn plugin import` loads; TRUST_E2E_PLUGIN_BUNDLE=<file> tests another build. */
export const PLUGIN_BUNDLE = process.env.TRUST_E2E_PLUGIN_BUNDLE
  ? path.resolve(process.env.TRUST_E2E_PLUGIN_BUNDLE)
  : path.join(REPO_ROOT, `bundles/@yarnpkg/plugin-trust.js`);
export const VERDACCIO_BIN = path.join(REPO_ROOT, `node_modules/verdaccio/bin/verdaccio`);

/** Set TRUST_E2E_KEEP=1 to keep temp dirs (projects, registry storage and logs) for debugging. */
export const KEEP_TEMP = process.env.TRUST_E2E_KEEP === `1`;

/** Temp dirs not yet removed; an interrupted run removes them on exit (unless TRUST_E2E_KEEP=1). */
const liveDirs = new Set<string>();

export async function makeTempDir(prefix: string): Promise<string> {
  // realpath: os.tmpdir() can be a symlink (macOS), and Yarn prints/compares real paths.
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `trust-e2e-${prefix}-`)));
  liveDirs.add(dir);
  installExitHooks();
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  liveDirs.delete(dir);
  if (KEEP_TEMP) {
    process.stderr.write(`[e2e harness] TRUST_E2E_KEEP=1: keeping ${dir}\n`);
    return;
  }
  await fs.rm(dir, {recursive: true, force: true, maxRetries: 3});
}

/**
 * Minimal environment for child processes. Why a whitelist: the tests themselves run under
 * `yarn test`, whose env carries YARN_*, npm_*, BERRY_BIN_FOLDER, INIT_CWD… which would leak the
 * repo's own Yarn configuration into the fixture projects.
 */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {TERM: `dumb`};
  // Drop PATH entries that `yarn run` added for the repo itself (its bin shims and node_modules/.bin),
  // and put the current node first so fixtures run on the same Node as the tests.
  const berryBin = process.env.BERRY_BIN_FOLDER;
  const parts = (process.env.PATH ?? `/usr/local/bin:/usr/bin:/bin`).split(path.delimiter).filter(entry => {
    if (!entry || (berryBin && entry === berryBin)) return false;
    if (/[\\/]xfs-[0-9a-f]+$/.test(entry)) return false;
    return !(entry === REPO_ROOT || entry.startsWith(REPO_ROOT + path.sep));
  });
  env.PATH = [path.dirname(process.execPath), ...parts.filter(entry => entry !== path.dirname(process.execPath))].join(path.delimiter);
  for (const key of [`LANG`, `TMPDIR`])
    if (process.env[key]) env[key] = process.env[key]!;
  return env;
}

/**
 * Process groups of children we started and that may still run. Children are spawned detached
 * (own process group) so we can kill them with their own children (Verdaccio, yarn + builds);
 * detached children would outlive a crashed or interrupted mocha, hence the exit/signal hooks.
 */
const liveGroups = new Set<number>();
let hooksInstalled = false;

function killAllGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, `SIGKILL`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== `ESRCH`) // ESRCH: already gone, nothing to do
        process.stderr.write(`[e2e harness] could not kill process group ${pid}: ${String(error)}\n`);
    }
  }
  liveGroups.clear();
}

function cleanupOnExit(): void {
  killAllGroups();
  if (KEEP_TEMP)
    return;
  for (const dir of liveDirs) {
    try {
      fsSync.rmSync(dir, {recursive: true, force: true, maxRetries: 3});
    } catch (error) {
      process.stderr.write(`[e2e harness] could not remove ${dir} on exit: ${String(error)}\n`);
    }
  }
  liveDirs.clear();
}

export function trackGroup(pid: number): void {
  liveGroups.add(pid);
  installExitHooks();
}

function installExitHooks(): void {
  if (hooksInstalled)
    return;
  hooksInstalled = true;
  process.once(`exit`, cleanupOnExit);
  // Same pattern as mocha's own reporters: clean up, then re-raise so the default action still happens.
  for (const signal of [`SIGINT`, `SIGTERM`, `SIGHUP`] as const) {
    process.once(signal, () => {
      cleanupOnExit();
      process.kill(process.pid, signal);
    });
  }
}

export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** Signal a whole process group; returns false when it no longer exists. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ESRCH`)
      return false;
    throw new Error(`e2e harness: kill(-${pid}, ${signal}) failed: ${String(error)}`);
  }
}

export interface RunResult {
  /** Exit code; 128 + signal number when the process was killed by a signal. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  /** Kill the whole process group and reject after this long (default 180 s). */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed (default: no stdin). */
  input?: string;
}

/** Run a command to completion. Never rejects on a non-zero exit; rejects on spawn failure or timeout. */
export function run(command: string, args: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {cwd: opts.cwd, env: opts.env, detached: true, stdio: [opts.input === undefined ? `ignore` : `pipe`, `pipe`, `pipe`]});
    if (opts.input !== undefined)
      child.stdin!.end(opts.input);
    let stdout = ``, stderr = ``, output = ``;
    child.stdout!.setEncoding(`utf8`).on(`data`, (chunk: string) => { stdout += chunk; output += chunk; });
    child.stderr!.setEncoding(`utf8`).on(`data`, (chunk: string) => { stderr += chunk; output += chunk; });
    if (child.pid !== undefined)
      trackGroup(child.pid);

    const timeoutMs = opts.timeoutMs ?? 180_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined)
        signalGroup(child.pid, `SIGKILL`);
    }, timeoutMs);

    child.on(`error`, error => {
      clearTimeout(timer);
      if (child.pid !== undefined)
        untrackGroup(child.pid);
      reject(new Error(`e2e harness: cannot run ${command} ${args.join(` `)} in ${opts.cwd}: ${error.message}`));
    });
    child.on(`close`, (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) {
        // The leader is gone; reap stragglers it left in its group (e.g. a background build).
        signalGroup(child.pid, `SIGKILL`);
        untrackGroup(child.pid);
      }
      if (timedOut) {
        reject(new Error(`e2e harness: ${command} ${args.join(` `)} timed out after ${timeoutMs} ms in ${opts.cwd}; output so far:\n${tail(output)}`));
        return;
      }
      const signalCode = signal ? 128 + (os.constants.signals[signal] ?? 0) : 1;
      resolve({code: code ?? signalCode, signal, stdout, stderr, output});
    });
  });
}

/** Last lines of a text, for error messages. */
export function tail(text: string, lines = 60): string {
  const all = text.trimEnd().split(`\n`);
  return (all.length > lines ? [`… (${all.length - lines} earlier lines omitted)`, ...all.slice(-lines)] : all).join(`\n`);
}

export async function writeFiles(baseDir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const target = path.resolve(baseDir, rel);
    if (target !== baseDir && !target.startsWith(baseDir + path.sep))
      throw new Error(`e2e harness: file path ${JSON.stringify(rel)} escapes ${baseDir}`);
    await fs.mkdir(path.dirname(target), {recursive: true});
    await fs.writeFile(target, content);
  }
}
