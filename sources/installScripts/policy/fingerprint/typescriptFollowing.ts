/**
 * How a TypeScript runner (tsx, ts-node) resolves the imports of a `.ts` or
 * `.tsx` file beyond Node's rules (outside attack round 16, E4): `./x.js`
 * that is `x.ts`, a folder's `index.ts`, the `paths`, `baseUrl`, `extends`
 * and `jsxImportSource` of a tsconfig, and a file's `@jsxImportSource`
 * pragma. Every candidate is followed, so a mapping the runner takes is never
 * missed; configurations are bound like the code they steer.
 */

import type {CollectorHost} from './host';
import {directoryOf, toPackagePath} from './records';
import {isBuiltinSpecifier, isUnderNodeModules, splitBareSpecifier} from './resolver';
import {hasAutomaticJsxPragma, type JsxRuntime, jsxFactoryPragmas, jsxIntrinsicNames, jsxPragmaSources, readTsconfig, typescriptCandidates} from './tsconfig';

const TRANSPILED = /\.(?:[cm]?tsx?|jsx)$/i;

/** Whether a runner reads `path` as TypeScript or JSX (declaration files run nothing). */
export function isTranspiledFile(path: string): boolean {
  return TRANSPILED.test(path) && !/\.d\.[cm]?ts$/i.test(path);
}

/** Configurations a runner may take: tsconfig.json in the file's folder and above, and any tsconfig/jsconfig at the root (`--tsconfig`, `TSX_TSCONFIG_PATH`). */
const ROOT_CONFIG = /^(?:tsconfig|jsconfig)[^/]*\.json$/i;

interface ConfigMaps {
  /** Folders bare specifiers are also looked up in (baseUrl). */
  baseFolders: Array<string>;
  /** The runtime modules JSX imports under it or a configuration it extends (the automatic runtime). */
  jsxRuntimes: Set<JsxRuntime>;
  /** The classic JSX factories it or a configuration it extends names. */
  jsxFactories: Set<string>;
}

export class TypescriptFollowing {
  private readonly configs = new Map<string, ConfigMaps>();

  /** `computedLoad` follows an import whose name is only known to start with a prefix (`./src/`). */
  constructor(private readonly host: CollectorHost, private readonly computedLoad: (prefix: string, directory: string, origin: string) => void) {}

  /**
   * What a JSX file's elements compile to under the classic runtime, as code:
   * `<x-y />` is `F("x-y")` for its factory F (its `@jsx` pragma, a
   * configuration's `jsxFactory`, `React.createElement`), so that a factory
   * that is `require` or an alias of it is read as the load it is (round 21,
   * M5). Empty for other files.
   */
  jsxFactoryCalls(code: string, directory: string, origin: string): string {
    if (!/\.[jt]sx$/i.test(origin))
      return ``;
    const factories = new Set([`React.createElement`, ...jsxFactoryPragmas(code)]);
    for (const config of this.configsFor(directory))
      for (const factory of this.config(config).jsxFactories)
        factories.add(factory);
    const names = jsxIntrinsicNames(code);
    return [...factories].flatMap(factory => names.map(name => `${factory}(${JSON.stringify(name)});`)).join(`\n`);
  }

  /** Follows what a runner loads for `specifiers` of the TypeScript or JSX file `origin` in `directory`, beyond Node's resolution. */
  follow(code: string, specifiers: Array<string>, directory: string, origin: string): void {
    // Node's own file for each was followed by the caller.
    for (const specifier of specifiers)
      if (/^\.\.?(?:[/\\]|$)/.test(specifier))
        this.load(directory, specifier, origin, {itself: false});

    const baseFolders = new Set<string>();
    const runtimes = new Set<JsxRuntime>(hasAutomaticJsxPragma(code) ? [`jsx-runtime`] : []);
    for (const config of this.configsFor(directory)) {
      const maps = this.config(config);
      for (const folder of maps.baseFolders)
        baseFolders.add(folder);
      for (const runtime of maps.jsxRuntimes)
        runtimes.add(runtime);
    }
    // `"jsx": "react-jsx"`: a JSX file imports `react/jsx-runtime`, or the
    // runtime of the source its pragma names (round 20, M10, M11). Any
    // configuration the runner may take counts, as for paths.
    // A `.ts` file holds no JSX; a pragma names its source in any file.
    const pragmaSources = jsxPragmaSources(code);
    if (pragmaSources.length > 0)
      runtimes.add(`jsx-runtime`);
    const sources = pragmaSources.length > 0 ? pragmaSources : /\.[jt]sx$/i.test(origin) ? [`react`] : [];
    for (const source of sources)
      for (const runtime of runtimes)
        this.load(directory, `${source}/${runtime}`, origin);
    for (const folder of baseFolders) {
      for (const specifier of specifiers) {
        if (isBuiltinSpecifier(specifier) || splitBareSpecifier(specifier) === null)
          continue;
        // `baseUrl: "."` makes `import 'x'` load `./x` when it exists;
        // `import 'node_modules/dep/x.js'` a dependency's file (round 20, M5).
        const path = toPackagePath(folder, specifier);
        if (path !== null && isUnderNodeModules(path)) {
          this.host.dependencyPath(path, {folder: this.host.lookup(path) === null && !/\.[cm]?[jt]sx?$|\.json$/.test(path)});
          continue;
        }
        if (path !== null && this.exists(folder, specifier)) {
          this.load(folder, `./${specifier}`, origin);
        }
      }
    }
  }

  private exists(folder: string, specifier: string): boolean {
    const path = toPackagePath(folder, specifier)!;
    return this.host.lookup(path) !== null || typescriptCandidates(`./${specifier}`).some(candidate => {
      const file = toPackagePath(folder, candidate);
      return file !== null && this.host.lookup(file) !== null;
    }) || [`.js`, `.json`].some(suffix => this.host.lookup(`${path}${suffix}`) !== null) || this.host.input.files.list?.(path) != null;
  }

  /** What the runner may load for `specifier` from `directory`: Node's file, and for a relative one its TypeScript files. */
  private load(directory: string, specifier: string, origin: string, {itself = true}: {itself?: boolean} = {}): void {
    // A dependency's file is the one its path names: it has no TypeScript sources to guess.
    const path = toPackagePath(directory, specifier);
    const relative = /^\.\.?(?:[/\\]|$)/.test(specifier) && !(path !== null && isUnderNodeModules(path));
    for (const candidate of [...(itself ? [specifier] : []), ...(relative ? typescriptCandidates(specifier) : [])]) {
      for (const found of this.host.resolver.specifier(directory, candidate, origin)) {
        this.host.include(found.path, found.bytes, true);
      }
    }
  }

  /**
   * tsconfig.json in `directory` and every folder above it, in the folders the
   * runner was started in (tsx reads its working folder's: round 19, M3), the
   * files a command or the environment names (`--tsconfig x`,
   * `TSX_TSCONFIG_PATH=x`: M1, M2), and the root's other tsconfig and
   * jsconfig files.
   */
  private configsFor(directory: string): Array<string> {
    const found: Array<string> = [...this.host.typescriptConfigs].filter(path => this.host.lookup(path) !== null);
    for (const start of [directory, ...this.host.typescriptFolders]) {
      for (let folder = start; ; folder = directoryOf(folder)) {
        const path = folder === `` ? `tsconfig.json` : `${folder}/tsconfig.json`;
        if (!found.includes(path) && this.host.lookup(path) !== null)
          found.push(path);
        if (folder === ``)
          break;
      }
    }
    for (const entry of this.host.input.files.list?.(``) ?? [])
      if (ROOT_CONFIG.test(entry) && !found.includes(entry) && this.host.lookup(entry) !== null)
        found.push(entry);
    return found;
  }

  /** Reads a configuration once: binds it, follows what it names, and returns the folders bare imports are also looked up in. */
  private config(path: string, seen: Set<string> = new Set()): ConfigMaps {
    const known = this.configs.get(path);
    if (known !== undefined)
      return known;
    const maps: ConfigMaps = {baseFolders: [], jsxRuntimes: new Set(), jsxFactories: new Set()};
    this.configs.set(path, maps);
    const bytes = this.host.lookup(path);
    if (bytes === null || seen.has(path))
      return maps;
    seen.add(path);
    this.host.include(path, bytes, false);

    let modules;
    try {
      modules = readTsconfig(bytes.toString(`utf8`));
    } catch (error) {
      throw new Error(`${path} cannot be read (${(error as Error).message}), so where a TypeScript runner loads imports from cannot be told`);
    }
    const folder = directoryOf(path);

    for (const base of modules.extends) {
      if (/^\.\.?[/\\]/.test(base)) {
        const target = toPackagePath(folder, base);
        if (target === null) {
          this.load(folder, base, path);
          continue;
        }
        for (const candidate of target.endsWith(`.json`) ? [target] : [target, `${target}.json`, `${target}/tsconfig.json`]) {
          if (this.host.lookup(candidate) !== null) {
            const extended = this.config(candidate, seen);
            maps.baseFolders.push(...extended.baseFolders);
            for (const runtime of extended.jsxRuntimes)
              maps.jsxRuntimes.add(runtime);
            for (const factory of extended.jsxFactories)
              maps.jsxFactories.add(factory);
          }
        }
      } else {
        // A configuration of another package: that package's own `paths`
        // may point anywhere in it, so it is code that runs.
        const bare = splitBareSpecifier(base);
        this.load(folder, bare !== null && bare.subpath === `.` ? `${base}/tsconfig.json` : base, path);
      }
    }

    // ts-node's `"ts-node"` section: modules it preloads, its compiler and transpiler (outside round 59, T1).
    for (const specifier of modules.tsNodeModules)
      this.load(folder, specifier, path);

    if (modules.jsxRuntime !== null)
      maps.jsxRuntimes.add(modules.jsxRuntime);
    if (modules.jsxFactory !== null)
      maps.jsxFactories.add(modules.jsxFactory);
    if (modules.jsxImportSource !== null)
      this.load(folder, `${modules.jsxImportSource}/${modules.jsxRuntime ?? `jsx-runtime`}`, path);

    const baseFolder = modules.baseUrl === null ? folder : toPackagePath(folder, modules.baseUrl);
    if (modules.baseUrl !== null) {
      if (baseFolder === null)
        throw new Error(`${path}: baseUrl ${modules.baseUrl} is outside the package, where a TypeScript runner would load imports from code no approval holds`);
      // `baseUrl: "./node_modules/dep"`: imports load that dependency's files (round 19, M5).
      if (isUnderNodeModules(baseFolder))
        this.host.dependencyPath(baseFolder, {folder: true});
      else
        maps.baseFolders.push(baseFolder);
    }
    for (const target of modules.pathTargets) {
      const star = target.indexOf(`*`);
      const reference = star === -1 ? target : target.slice(0, star);
      const relative = /^\.\.?[/\\]/.test(reference) ? reference : `./${reference}`;
      // In a dependency, a target outside it is refused by the check of the
      // files programs read (tsconfigPlacesOutside), with its own words.
      if (this.host.input.bindEveryFile === true && toPackagePath(baseFolder ?? folder, relative) === null)
        continue;
      const inDependency = toPackagePath(baseFolder ?? folder, relative);
      if (star === -1) {
        this.load(baseFolder ?? folder, relative, path);
      } else if (inDependency !== null && isUnderNodeModules(inDependency)) {
        // `"@app/*": ["./node_modules/dep/*"]`: any file of that dependency (round 19, M5).
        this.host.dependencyPath(relative.endsWith(`/`) ? inDependency : directoryOf(inDependency), {folder: true});
      } else {
        // `"@app/*": ["./src/*"]`: any file below the folder.
        this.computedLoad(relative, baseFolder ?? folder, path);
      }
    }
    return maps;
  }
}
