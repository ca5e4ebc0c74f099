/**
 * Generates the `monorepo` bench project: several hundred workspaces, like the monorepo of issue 11
 * (~1,750 lockfile entries, several hundred workspaces), built only from packages that jest's lockfile
 * already resolves, so that the offline Verdaccio warmed for the bench serves every one of them.
 *
 *     node build/tests/bench/monorepo.js --out=DIR [--workspaces=400] [--seed=11] [--from=../shared/bench-projects/jest]
 *
 * How it is made (deterministic for a given seed and source lockfile):
 *   1. jest's yarn.lock is read; an entry is *usable* when it resolves to `npm:`, has no peer
 *      dependencies, is not limited to some platforms (Yarn keeps no checksum for those), and every dependency it declares is itself a key of the lockfile whose entry is
 *      usable (jest's `resolutions` rewrite some keys, e.g. every `@types/node`, to workspaces or patches:
 *      packages that depend on those are left out, since this project has no such resolutions);
 *   2. `--workspaces` private workspaces `@mono/pkg-NNN` under `packages/`, each with
 *      - 2 to 10 external dependencies and 0 to 4 devDependencies, drawn from the usable descriptors
 *        with a skewed distribution (a few popular packages are everywhere, many appear once or twice),
 *        each written with the exact range that jest's lockfile has a key for;
 *      - 0 to 6 `workspace:^` dependencies on workspaces generated before it (a DAG: libraries at the
 *        bottom, apps at the top), as in a real monorepo;
 *      - one in five is public (`"private": false`, a published library name);
 *   3. jest's yarn.lock is copied as the seed lockfile, and plain Yarn runs
 *      `install --mode=update-lockfile` with the network disabled: every descriptor resolves from the
 *      seed, the entries this project does not use are dropped, and the workspaces are added. No
 *      request is made, so the result only holds versions of jest's lockfile.
 *
 * It never writes into the source project. `run.ts --projects=monorepo` calls it into its work dir.
 */

import {spawnSync} from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {seededRandom} from '../tools/random';

/** The repository: this file runs compiled, from build/tests/bench/. */
const REPO_ROOT = path.resolve(__dirname, `../../..`);

interface LockfileEntry {
  keys: Array<string>;
  resolution: string | null;
  dependencies: Array<string>;
  peers: boolean;
  conditional: boolean;
}

interface Descriptor {
  name: string;
  range: string;
}

export interface GenerateOptions {
  out: string;
  from: string;
  workspaces: number;
  seed: number;
  scripted?: Array<string>;
}

const prng = seededRandom;

/** Entries of a Yarn v8+ lockfile: keys (descriptors), resolution, dependencies, whether it has peers. */
function parseLockfile(text: string): Array<LockfileEntry> {
  const entries: Array<LockfileEntry> = [];
  let current: LockfileEntry | null = null;
  let section: string | null = null;
  for (const line of text.split(`\n`)) {
    if (/^[^\s#]/.test(line) && line.endsWith(`:`) && line !== `__metadata:`) {
      const keys = line.replace(/:$/, ``).replace(/^"|"$/g, ``).split(`, `);
      current = {keys, resolution: null, dependencies: [], peers: false, conditional: false};
      entries.push(current);
      section = null;
      continue;
    }
    if (current === null)
      continue;
    const field = /^ {2}(\w+):(?: (.*))?$/.exec(line);
    if (field) {
      section = field[1];
      if (section === `resolution`)
        current.resolution = JSON.parse(field[2]);
      if (section === `peerDependencies`)
        current.peers = true;
      if (section === `conditions`)
        current.conditional = true;
      continue;
    }
    const dependency = /^ {4}("?)(.+?)\1: (.+)$/.exec(line);
    if (dependency && section === `dependencies`) {
      const range = dependency[3].replace(/^"|"$/g, ``);
      current.dependencies.push(`${dependency[2]}@${range}`);
    }
  }
  return entries;
}

/** Descriptors (`name@npm:range`) whose whole closure resolves from the lockfile to registry packages. */
function usableDescriptors(entries: Array<LockfileEntry>): Array<Descriptor> {
  const byKey = new Map<string, LockfileEntry>();
  for (const entry of entries)
    for (const key of entry.keys)
      byKey.set(key, entry);
  const state = new Map<LockfileEntry, boolean>();
  const usable = (entry: LockfileEntry): boolean => {
    const known = state.get(entry);
    if (known !== undefined)
      return known;
    state.set(entry, true); // cycles: assume usable while visiting
    const ok = entry.resolution !== null && /@npm:[^:]+$/.test(entry.resolution) && !entry.peers && !entry.conditional
      && entry.dependencies.every(dependency => byKey.has(dependency) && usable(byKey.get(dependency)!));
    state.set(entry, ok);
    return ok;
  };
  const result: Array<Descriptor> = [];
  for (const entry of entries) {
    if (!usable(entry))
      continue;
    for (const key of entry.keys) {
      const match = /^(@?[^@]+)@npm:([^:]+)$/.exec(key);
      // Remaps (`npm:other@1`) would add aliases the packages themselves never use.
      if (match && !match[2].includes(`@`))
        result.push({name: match[1], range: match[2]});
    }
  }
  return result;
}

export function generate({out, from, workspaces, seed, scripted = []}: GenerateOptions): {out: string, workspaces: number, entries: number} {
  const random = prng(seed);
  const pick = <T>(list: Array<T>): T => list[Math.floor(random() * list.length)];
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  // Skewed: index ~ n * u^3 makes the first descriptors (after a seeded shuffle) far more common.
  const skewed = <T>(list: Array<T>): T => list[Math.floor(list.length * random() ** 3)];

  const lockfile = fs.readFileSync(path.join(from, `yarn.lock`), `utf8`);
  const exclude = new Set(scripted);
  const seen = new Set<string>();
  let candidates = usableDescriptors(parseLockfile(lockfile)).filter(({name}) => !exclude.has(name) && !name.startsWith(`@jest/`) && !name.startsWith(`jest`));
  candidates = candidates.filter(({name}) => !seen.has(name) && seen.add(name));
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  if (candidates.length < 50)
    throw new Error(`only ${candidates.length} usable packages in ${from}/yarn.lock`);

  fs.rmSync(out, {recursive: true, force: true});
  fs.mkdirSync(path.join(out, `packages`), {recursive: true});
  const names: Array<string> = [];
  for (let i = 0; i < workspaces; i++) {
    const name = `@mono/pkg-${String(i).padStart(3, `0`)}`;
    const dependencies: Record<string, string> = {};
    const devDependencies: Record<string, string> = {};
    for (let n = between(2, 10); n > 0; n--) {
      const {name: dep, range} = skewed(candidates);
      dependencies[dep] = range;
    }
    for (let n = between(0, 4); n > 0; n--) {
      const {name: dep, range} = skewed(candidates);
      if (!(dep in dependencies))
        devDependencies[dep] = range;
    }
    for (let n = Math.min(i, between(0, 6)); n > 0; n--)
      dependencies[pick(names)] = `workspace:^`;
    const manifest: {name: string, version: string, private: boolean, dependencies: Record<string, string>, devDependencies?: Record<string, string>} = {name, version: `1.0.0`, private: random() >= 0.2, dependencies: sortKeys(dependencies)};
    if (Object.keys(devDependencies).length > 0)
      manifest.devDependencies = sortKeys(devDependencies);
    const dir = path.join(out, `packages`, `pkg-${String(i).padStart(3, `0`)}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, `package.json`), `${JSON.stringify(manifest, null, 2)}\n`);
    names.push(name);
  }
  const root = {
    name: `mono-root`,
    private: true,
    workspaces: [`packages/*`],
    devDependencies: sortKeys(Object.fromEntries(names.slice(-8).map(name => [name, `workspace:^`]))),
  };
  fs.writeFileSync(path.join(out, `package.json`), `${JSON.stringify(root, null, 2)}\n`);
  fs.writeFileSync(path.join(out, `yarn.lock`), lockfile);
  fs.writeFileSync(path.join(out, `SOURCE.txt`), `Generated by tests/bench/monorepo.ts --workspaces=${workspaces} --seed=${seed} from ${path.relative(REPO_ROOT, from) || from}/yarn.lock\n`);

  // Prune the seed lockfile with plain Yarn, network off: resolutions come from the seed only.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `trust-bench-monorepo-`));
  try {
    const yarnrc = path.join(out, `.yarnrc.yml`);
    fs.writeFileSync(yarnrc, `${JSON.stringify({
      enableGlobalCache: true, compressionLevel: `mixed`, nodeLinker: `node-modules`, enableTelemetry: false,
      npmMinimalAgeGate: 0, enableNetwork: false, enableScripts: false,
    })}\n`);
    const yarnBin = path.join(REPO_ROOT, `.yarn/releases/yarn-4.18.1.cjs`);
    const result = spawnSync(process.execPath, [yarnBin, `install`, `--mode=update-lockfile`], {
      cwd: out,
      encoding: `utf8`,
      env: {PATH: process.env.PATH, HOME: home, YARN_GLOBAL_FOLDER: path.join(home, `global`), YARN_ENABLE_IMMUTABLE_INSTALLS: `0`, YARN_ENABLE_PROGRESS_BARS: `0`, YARN_ENABLE_COLORS: `0`, YARN_ENABLE_TELEMETRY: `0`},
      timeout: 600_000,
    });
    fs.rmSync(yarnrc);
    if (result.status !== 0)
      throw new Error(`pruning the seed lockfile failed (exit ${result.status}):\n${`${result.stdout}${result.stderr}`.split(`\n`).slice(-30).join(`\n`)}`);
  } finally {
    fs.rmSync(home, {recursive: true, force: true});
  }
  fs.rmSync(path.join(out, `node_modules`), {recursive: true, force: true});
  fs.rmSync(path.join(out, `.yarn`), {recursive: true, force: true});
  const entries = fs.readFileSync(path.join(out, `yarn.lock`), `utf8`).split(`\n`).filter(line => line.startsWith(`"`)).length;
  return {out, workspaces, entries};
}

function sortKeys(object: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}

if (require.main === module) {
  const options: Omit<GenerateOptions, `out`> & {out: string | null} = {out: null, from: path.join(process.env.TRUST_BENCH_PROJECTS_DIR || path.resolve(REPO_ROOT, `../shared/bench-projects`), `jest`), workspaces: 400, seed: 11};
  for (const arg of process.argv.slice(2)) {
    const [key, value] = arg.replace(/^--/, ``).split(`=`);
    if (key === `out`) options.out = path.resolve(value);
    else if (key === `from`) options.from = path.resolve(value);
    else if (key === `workspaces`) options.workspaces = Number(value);
    else if (key === `seed`) options.seed = Number(value);
    else {
      process.stderr.write(`unknown option ${arg}\nUsage: node build/tests/bench/monorepo.js --out=DIR [--workspaces=400] [--seed=11] [--from=DIR]\n`);
      process.exit(1);
    }
  }
  if (options.out === null) {
    process.stderr.write(`--out=DIR is required\n`);
    process.exit(1);
  }
  const result = generate({...options, out: options.out});
  process.stdout.write(`${result.out}: ${result.workspaces} workspaces, ${result.entries} lockfile entries\n`);
}
