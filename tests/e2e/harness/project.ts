/**
 * A throwaway Yarn project in os.tmpdir() wired to a test registry, run with the repo's committed Yarn
 * release in a hermetic environment (own HOME, global folder, cache), optionally with the plugin
 * imported the way a user does it (`yarn plugin import <bundle>`).
 */
import {promises as fs} from 'fs';
import {createRequire} from 'module';
import * as path from 'path';

import type {Registry} from './registry';
import {PLUGIN_BUNDLE, YARN_BIN, baseEnv, requireFromRepo, makeTempDir, removeTempDir, run, tail, writeFiles, RunResult} from './util';

export interface MakeProjectOptions {
  registry: Registry;
  /** Root package.json. */
  manifest: Record<string, unknown>;
  /** Extra files, relative path -> content (e.g. a yarn.lock). Use `yarnrc` for .yarnrc.yml. */
  files?: Record<string, string>;
  /**
   * Merged shallowly over `defaultYarnrc` (a key set to undefined removes a default; your own
   * `networkSettings` replaces the loopback-only guard, so keep `'*': {enableNetwork: false}` in it).
   */
  yarnrc?: Record<string, unknown>;
  /** Import bundles/@yarnpkg/plugin-trust.js with `yarn plugin import` (default true). */
  plugin?: boolean;
  /**
   * Yarn cache folder to use instead of a fresh one, e.g. `other.cacheDir` to start warm.
   * It is not removed by cleanup(). The global folder (and its mirror) stays per project.
   * Cache file names contain the lockfile checksum: without a yarn.lock (pass one in `files`) Yarn
   * cannot find the archives and downloads them again.
   */
  cacheDir?: string;
  /** Extra env for every yarn run of this project. */
  env?: Record<string, string>;
}

export type YarnResult = RunResult;

export interface YarnOptions {
  env?: Record<string, string>;
  /** Default 180 s; on timeout the yarn process group is killed and the call rejects. */
  timeoutMs?: number;
  /**
   * Run Yarn in a pseudo-terminal (util-linux `script`), typing `input` into it: for commands that
   * need a TTY. The output is what the terminal shows (with `\r\n` line ends and echoed input).
   */
  terminal?: {input: string};
}

export interface TestProject {
  /** The project directory (holds package.json). */
  readonly cwd: string;
  /** Temp dir holding cwd, home, global, cache, markers. */
  readonly root: string;
  /** Exported to every yarn run as TRUST_MARKERS. */
  readonly markersDir: string;
  readonly cacheDir: string;
  readonly globalFolder: string;
  readonly homeDir: string;
  readonly registry: Registry;
  /** Runs `node <repo>/.yarn/releases/yarn-x.cjs ...args` in cwd. Never throws on a non-zero exit. */
  yarn(args: string[], opts?: YarnOptions): Promise<YarnResult>;
  /** Sorted marker file names. */
  markers(): Promise<string[]>;
  clearMarkers(): Promise<void>;
  readFile(rel: string): Promise<string>;
  writeFile(rel: string, content: string): Promise<void>;
  exists(rel: string): Promise<boolean>;
  readJson<T = any>(rel: string): Promise<T>;
  writeJson(rel: string, value: unknown): Promise<void>;
  /**
   * .yarnrc.yml parsed with Yarn's own parser. Scalars come back as strings (`'true'`, `'0'`): Yarn
   * parses YAML with the failsafe schema and coerces values by setting type later.
   */
  yarnrc(): Promise<Record<string, unknown>>;
  /**
   * Shallow-merges `patch` into .yarnrc.yml (undefined values delete keys), keeping plugins; fills
   * npmMinimalAgeGate into npmScopes entries like makeProject does.
   */
  updateYarnrc(patch: Record<string, unknown>): Promise<void>;
  /** Removes the temp dir (not a shared cacheDir). Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Settings every test project starts with. */
export function defaultYarnrc(registry: Registry): Record<string, unknown> {
  return {
    npmRegistryServer: registry.url,
    unsafeHttpWhitelist: [`127.0.0.1`],
    // Default 1d quarantines everything just published to the test registry.
    npmMinimalAgeGate: 0,
    enableTelemetry: false,
    // Keep archives in YARN_CACHE_FOLDER (per project), not in a shared global cache.
    enableGlobalCache: false,
    nodeLinker: `node-modules`,
    // Safety net: Yarn may only talk to 127.0.0.1; any other host fails fast with YN0080. Not the
    // global `enableNetwork: false`: that also makes `yarn add <name>` (no range) resolve offline-only,
    // which crashes 4.18.1 with "Assertion failed: Expected an error to have been set".
    networkSettings: {'*': {enableNetwork: false}, '127.0.0.1': {enableNetwork: true}},
  };
}

export const PLUGIN_PATH = `.yarn/plugins/@yarnpkg/plugin-trust.cjs`;

/** A word for `sh -c`, single-quoted. */
function shellQuote(word: string) {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export async function makeProject(options: MakeProjectOptions): Promise<TestProject> {
  const root = await makeTempDir(`project`);
  const cwd = path.join(root, `project`);
  const homeDir = path.join(root, `home`);
  const globalFolder = path.join(root, `global`);
  const markersDir = path.join(root, `markers`);
  const cacheDir = options.cacheDir ?? path.join(root, `cache`);
  let cleaned: Promise<void> | null = null;

  const resolveIn = (rel: string) => path.resolve(cwd, rel);
  const yarnrcPath = resolveIn(`.yarnrc.yml`);

  const project: TestProject = {
    cwd, root, markersDir, cacheDir, globalFolder, homeDir, registry: options.registry,

    yarn: (args, opts = {}) => run(opts.terminal === undefined ? process.execPath : `script`, opts.terminal === undefined
      ? [YARN_BIN, ...args]
      : [`-qec`, [process.execPath, YARN_BIN, ...args].map(shellQuote).join(` `), `/dev/null`], {
      input: opts.terminal?.input,
      cwd,
      env: {
        ...baseEnv(),
        HOME: homeDir,
        YARN_GLOBAL_FOLDER: globalFolder,
        YARN_CACHE_FOLDER: cacheDir,
        YARN_ENABLE_TELEMETRY: `0`,
        YARN_ENABLE_PROGRESS_BARS: `0`,
        YARN_ENABLE_COLORS: `0`,
        YARN_ENABLE_HYPERLINKS: `0`,
        YARN_ENABLE_IMMUTABLE_INSTALLS: `0`,
        // Build logs go to the output instead of a temp file, so tests can read them.
        YARN_ENABLE_INLINE_BUILDS: `1`,
        TRUST_MARKERS: markersDir,
        ...options.env,
        ...opts.env,
      },
      timeoutMs: opts.timeoutMs,
    }),

    markers: async () => (await fs.readdir(markersDir)).sort(),
    clearMarkers: async () => {
      await fs.rm(markersDir, {recursive: true, force: true});
      await fs.mkdir(markersDir, {recursive: true});
    },
    readFile: rel => fs.readFile(resolveIn(rel), `utf8`),
    writeFile: async (rel, content) => {
      await fs.mkdir(path.dirname(resolveIn(rel)), {recursive: true});
      await fs.writeFile(resolveIn(rel), content);
    },
    exists: rel => fs.access(resolveIn(rel)).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === `ENOENT`)
        return false;
      throw error;
    }),
    readJson: async rel => JSON.parse(await fs.readFile(resolveIn(rel), `utf8`)),
    writeJson: (rel, value) => project.writeFile(rel, JSON.stringify(value, null, 2) + `\n`),

    yarnrc: async () => (yarnParsers().parseSyml(await fs.readFile(yarnrcPath, `utf8`)) ?? {}) as Record<string, unknown>,
    updateYarnrc: async patch => {
      const merged: Record<string, unknown> = withScopeAgeGates({...await project.yarnrc(), ...patch});
      for (const key of Object.keys(merged))
        if (merged[key] === undefined) delete merged[key];
      // JSON is valid YAML for Yarn's parser (and exact: no YAML quoting pitfalls).
      await fs.writeFile(yarnrcPath, JSON.stringify(merged, null, 2) + `\n`);
    },

    cleanup: () => {
      cleaned ??= removeTempDir(root);
      return cleaned;
    },
  };

  try {
    await Promise.all([cwd, homeDir, globalFolder, markersDir, cacheDir].map(dir => fs.mkdir(dir, {recursive: true})));
    if (options.files && (`.yarnrc.yml` in options.files || `package.json` in options.files))
      throw new Error(`e2e harness: pass package.json as \`manifest\` and .yarnrc.yml as \`yarnrc\`, not in \`files\``);
    await writeFiles(cwd, {...options.files, 'package.json': JSON.stringify(options.manifest, null, 2) + `\n`});
    await fs.writeFile(yarnrcPath, JSON.stringify(withScopeAgeGates({...defaultYarnrc(options.registry), ...options.yarnrc}), null, 2) + `\n`);

    if (options.plugin !== false)
      await importPlugin(project);
  } catch (error) {
    await project.cleanup();
    throw error;
  }
  return project;
}

/** Loads the plugin like a user: `yarn plugin import <bundle>`, then checks that it landed. */
async function importPlugin(project: TestProject): Promise<void> {
  await fs.access(PLUGIN_BUNDLE).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`e2e harness: plugin bundle ${PLUGIN_BUNDLE} missing (${error.code}); build it first: node ${path.relative(process.cwd(), YARN_BIN)} build`);
  });
  const result = await project.yarn([`plugin`, `import`, PLUGIN_BUNDLE]);
  const problems: string[] = [];
  if (result.code !== 0)
    problems.push(`exit code ${result.code}`);
  if (!await project.exists(PLUGIN_PATH))
    problems.push(`${PLUGIN_PATH} missing`);
  else if (!(await project.readFile(`.yarnrc.yml`)).includes(PLUGIN_PATH))
    problems.push(`.yarnrc.yml does not list ${PLUGIN_PATH}`);
  if (problems.length > 0)
    throw new Error(`e2e harness: yarn plugin import ${PLUGIN_BUNDLE} failed in ${project.cwd} (${problems.join(`, `)}):\n${tail(result.output)}`);
}

/**
 * Yarn 4.18 bug: each npmScopes entry keeps its own 1d npmMinimalAgeGate default and ignores the
 * global value. Copy the global value into every scope that does not set its own.
 */
function withScopeAgeGates(yarnrc: Record<string, unknown>): Record<string, unknown> {
  const scopes = yarnrc.npmScopes;
  if (!scopes || typeof scopes !== `object`)
    return yarnrc;
  return {
    ...yarnrc,
    npmScopes: Object.fromEntries(Object.entries(scopes as Record<string, Record<string, unknown>>).map(
      ([scope, settings]) => [scope, {npmMinimalAgeGate: yarnrc.npmMinimalAgeGate, ...settings}],
    )),
  };
}

type YarnParsers = {parseSyml(source: string): unknown};
let parsers: YarnParsers | null = null;
/** Yarn's own YAML parser, resolved through @yarnpkg/core (whose dependency it is). */
function yarnParsers(): YarnParsers {
  parsers ??= createRequire(requireFromRepo.resolve(`@yarnpkg/core`))(`@yarnpkg/parsers`) as YarnParsers;
  return parsers;
}
