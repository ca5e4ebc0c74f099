/**
 * Node's module resolution (CommonJS `require` and ESM `import`, Node ≥ 18),
 * restricted to one package and over-inclusive where Node's choice depends on
 * the moment: what it returns is every package file Node may load for a
 * request. Bare specifiers of other packages are reported, not followed.
 *
 * The resolver reads files and manifest fields only through its host, so the
 * host can hash every nested package.json it reads and record every root
 * manifest field it consults: both decide what runs.
 */

import {builtinModules} from 'module';
import {posix} from 'path';

import {selectExports, selectImports, type MapSelection} from './packageMaps';
import {directoryOf, ownString, toPackagePath} from './records';

export type ManifestField = `main` | `exports` | `imports` | `type`;

export interface Located {
  path: string;
  bytes: Buffer;
}

export interface ResolverHost {
  lookup(path: string): Buffer | null;
  /** The value of a root manifest field, recorded as consulted. */
  consultRootField(field: ManifestField): unknown;
  /** The root manifest's name, for self-references. */
  rootName(): string | undefined;
  /** A nested package.json that resolution read: hashed like any file; null when it is not a JSON object. */
  nestedManifest(path: string, bytes: Buffer): Record<string, unknown> | null;
  reportModule(specifier: string): void;
  reportProblem(line: string): void;
  /** A path that climbs out of the package into a `node_modules` folder: true when taken as a dependency's file. */
  reportDependencyPath(path: string): boolean;
  /** A normalized path that climbs out of a workspace into another workspace's folder: true when taken as that workspace's file. */
  reportWorkspacePath(path: string): boolean;
}

interface Scope {
  /** Directory of the package.json, `` for the root. */
  directory: string;
  /** Fields of a nested package.json; null for the root, whose fields are consulted one by one. */
  manifest: Record<string, unknown> | null;
}

// What Node probes for a file (CommonJS), then for a directory's index.
const FILE_SUFFIXES = [``, `.js`, `.json`, `.node`];
const INDEX_FILES = [`index.js`, `index.json`, `index.node`];

// Extensions whose module format does not depend on package.json "type".
const TYPE_INDEPENDENT = new Set([`.cjs`, `.mjs`, `.json`, `.node`]);

const BUILTINS = new Set(builtinModules);

// The escapes the scan also reads decoded (see code.ts): \x41, \u0041, \u{41}.
const DECODED_ESCAPE = /\\u(?:\{[0-9a-fA-F]{1,6}\}|[0-9a-fA-F]{4})|\\x[0-9a-fA-F]{2}/g;

/**
 * Yarn installs a dependency under any key, `_h`, `h!`, `h:x` or `h'`
 * included (an alias), and Node looks such a name up in the node_modules
 * folders like a package (outside attacks F28, round 11 F5-F7).
 */
export function noPackageName(origin: string, specifier: string): Error {
  return new Error(`${origin} loads ${specifier}, which is no package name: Node looks it up in the node_modules folders like a package, and a dependency may be installed under it, code that no approval can be bound to`);
}

// What npm accepts as a package name, old uppercase names included.
const PACKAGE_NAME = /^(?:@[A-Za-z0-9-~][A-Za-z0-9-._~]*\/)?[A-Za-z0-9-~][A-Za-z0-9-._~]*$/;

/** `@s/p/sub/x` -> {name: `@s/p`, subpath: `./sub/x`}; null when it is no package name. */
/** A package path below a `node_modules` folder of the package. */
export function isUnderNodeModules(path: string): boolean {
  return path === `node_modules` || path.startsWith(`node_modules/`) || path.includes(`/node_modules/`);
}

export function splitBareSpecifier(specifier: string): {name: string, subpath: string} | null {
  const segments = specifier.split(`/`);
  const length = specifier.startsWith(`@`) ? 2 : 1;
  if (segments.length < length)
    return null;
  const name = segments.slice(0, length).join(`/`);
  if (!PACKAGE_NAME.test(name))
    return null;
  const rest = segments.slice(length);
  return {name, subpath: rest.length === 0 ? `.` : `./${rest.join(`/`)}`};
}

export function isBuiltinSpecifier(specifier: string): boolean {
  return specifier.startsWith(`node:`) || BUILTINS.has(specifier);
}

/**
 * A relative specifier as require reads it and as an import URL does: with
 * `%XX` escapes of printable ASCII decoded (Node refuses encoded `/` and
 * `\`), and without `?query`/`#hash`.
 */
function specifierForms(specifier: string): Array<string> {
  const forms = new Set([specifier]);
  const decoded = decodePercent(specifier);
  forms.add(decoded);
  forms.add(decoded.replace(/[?#].*$/s, ``));
  return [...forms].filter(form => isRelativeSpecifier(form));
}

/**
 * The path an absolute `file:` URL names (`file:///x/%61.js` is `/x/a.js`),
 * query and fragment dropped; null for any other text. Node refuses a
 * relative one (`file:x.js`).
 */
export function fileUrlPath(specifier: string): string | null {
  // The URL parser drops every tab and line break first, also written as
  // an escape in the code the specifier was read from (round 21, M3).
  const url = /^file:(?:\/\/(?:localhost)?)?(\/[^?#]*)/i.exec(specifier.replace(/[\t\n\r]|\\[tnr]/g, ``));
  return url === null ? null : decodePercent(url[1]);
}

/** `%XX` escapes of printable ASCII decoded, as a file URL's path is; encoded `/` and `\` stay (Node refuses them). */
export function decodePercent(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (escape, hex: string) => {
    const code = parseInt(hex, 16);
    return code >= 0x20 && code < 0x7f && code !== 0x2f && code !== 0x5c ? String.fromCharCode(code) : escape;
  });
}

function isRelativeSpecifier(specifier: string): boolean {
  return specifier === `.` || specifier === `..` || /^\.\.?[/\\]/.test(specifier);
}

export class ModuleResolver {
  private readonly manifests = new Map<string, Record<string, unknown> | null>();

  constructor(private readonly host: ResolverHost) {}

  /** `node <path>`: the file, the file with an extension, or the directory's main/index. */
  entryPoint(path: string): Located | null {
    return this.fileOrDirectory(path);
  }

  /**
   * The package files that `require(specifier)` / `import(specifier)` from a
   * file in `directory` may load. `origin` names that file in reports.
   */
  specifier(directory: string, specifier: string, origin: string): Array<Located> {
    // `import 'file:///proc/self/cwd/x.js'`: the path the URL names (round 20, M12).
    const path = fileUrlPath(specifier);
    if (path !== null)
      return this.specifier(directory, path, origin);
    // `/proc/self/cwd/x.js` is the working folder's x.js: the package root, for install code.
    const inWorkingFolder = /^\/proc\/(?:self|thread-self)\/cwd\/(.+)$/s.exec(specifier);
    if (inWorkingFolder !== null)
      return this.specifier(``, `./${inWorkingFolder[1]}`, origin);

    // An import specifier is a URL: Node percent-decodes it (`./setup%2emjs`,
    // `.%2e/x`) and drops `?query` and `#hash`; require takes it as written.
    // Every spelling that names a file of the package counts.
    const relativeForms = specifierForms(specifier);
    if (relativeForms.length > 0) {
      const found = new Map<string, Located>();
      for (const form of relativeForms)
        for (const located of this.relativeSpecifier(directory, form, origin))
          found.set(located.path, located);
      return [...found.values()];
    }

    if (specifier.startsWith(`#`))
      return this.imports(directory, specifier, origin);
    return this.bareOrOther(directory, specifier, origin);
  }

  private relativeSpecifier(directory: string, specifier: string, origin: string): Array<Located> {
    // `require('../helper')` from the root finds whatever is installed beside
    // the package (a hoisted node_modules): code no approval can be bound to.
    const bare = specifier.replace(/[?#].*$/s, ``);
    if (toPackagePath(directory, bare) === null) {
      if (this.host.reportDependencyPath(specifier))
        return [];
      // `require('../../scripts/utils')` from a workspace: the file of the workspace whose folder holds it.
      if (this.host.reportWorkspacePath(posix.normalize(posix.join(directory === `` ? `.` : directory, bare.replace(/\\/g, `/`)))))
        return [];
      throw new Error(`${origin} loads ${specifier}, outside the package: whatever is installed beside it would run, and no approval can be bound to that`);
    }
    const found = this.relative(directory, specifier) ?? this.relative(directory, bare);
    return found === null ? [] : [found];
  }

  private bareOrOther(directory: string, specifier: string, origin: string): Array<Located> {
    if (isBuiltinSpecifier(specifier))
      return [];
    if (specifier.startsWith(`data:`)) {
      this.host.reportProblem(`${origin}: loads inline code (${specifier.length > 48 ? `${specifier.slice(0, 48)}…` : specifier}), which is not analysed`);
      return [];
    }

    // `require('h:x')` is a lookup in node_modules like any name (Yarn installs
    // a dependency under that key); URLs and drive letters are not.
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(specifier) && !/^[A-Za-z]:[\\/]/.test(specifier) && !/^(?:file|https?|node|data|blob|javascript):/i.test(specifier))
      throw noPackageName(origin, specifier);
    if (specifier.startsWith(`/`) || specifier.startsWith(`\\`) || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(specifier)) {
      this.host.reportProblem(`${origin}: loads ${specifier}, outside the package`);
      return [];
    }

    const bare = splitBareSpecifier(specifier);
    if (bare === null) {
      // Node still looks such a name up in every node_modules folder above:
      // `.bin/tool` is a link to another package's bin, `.store/…` and
      // `.pnpm/…` hold every installed package.
      if (/^\.[^./\\]/.test(specifier))
        throw new Error(`${origin} loads ${specifier}, which is no package name: Node finds it in a node_modules folder above (a bin link, a package store), code that no approval can be bound to`);
      // A literal with \x or \u escapes is analysed again decoded; any
      // other escape (`\\`, `\'`) stays in the name Node looks up, and Yarn
      // installs a dependency under such a key too (round 11, F6).
      const undecoded = specifier.replace(DECODED_ESCAPE, ``);
      if (undecoded !== specifier && !undecoded.includes(`\\`)) {
        this.host.reportProblem(`${origin}: loads ${specifier}, which is no package name: not followed`);
        return [];
      }
      throw noPackageName(origin, specifier);
    }

    const scope = this.scopeOf(directory);
    // Node resolves a name as the package's own only when its scope's exports
    // is neither undefined nor null (`"exports": null` sends it on to the
    // node_modules folders: outside round 54, A1).
    if (scope !== null && scope.manifest !== null && ownString(scope.manifest, `name`) === bare.name && scope.manifest.exports !== undefined && scope.manifest.exports !== null)
      return this.exportedBy(scope, scope.manifest.exports, bare.subpath, origin);

    if (this.host.rootName() === bare.name) {
      // Its own files, and, should the package declare a dependency under
      // its own name, that dependency: Node without exports and PnP load it
      // (outside attack F32); the closure follows it only then.
      this.host.reportModule(specifier);
      return this.ownExport(bare.subpath, origin);
    }

    this.host.reportModule(specifier);
    return [];
  }

  /** Whether the package's `exports` decides what its name resolves to (Node then never looks further). */
  hasExports(): boolean {
    const exports = this.host.consultRootField(`exports`);
    return exports !== undefined && exports !== null;
  }

  /** `.` or `./sub` required by name: through `exports` when there is one, else main/index or the path itself. */
  ownExport(subpath: string, origin: string): Array<Located> {
    if (this.hasExports())
      return this.exportedBy({directory: ``, manifest: null}, this.host.consultRootField(`exports`), subpath, origin);

    // `require('fs/')`, `require('dep/lib/')`: no builtin, so Node loads the
    // package's directory (main, else index) and never `lib.js` beside it.
    const asDirectory = subpath.endsWith(`/`);
    if (subpath === `.` || subpath === `./`) {
      const found = this.directory(``);
      return found === null ? [] : [found];
    }

    const path = toPackagePath(``, subpath);
    if (path === null || path === `` || !subpath.startsWith(`./`)) {
      this.host.reportProblem(`${origin}: ${subpath} is not a path inside the package`);
      return [];
    }
    const found = this.fileOrDirectory(path, asDirectory);
    return found === null ? [] : [found];
  }

  /** Node reads the nearest package.json "type" to tell CommonJS from ESM in .js and extensionless files. */
  consultType(path: string): void {
    // Node compares extensions by their exact case: `x.MJS` follows "type" (round 56).
    if (TYPE_INDEPENDENT.has(posix.extname(path)))
      return;
    const scope = this.scopeOf(directoryOf(path));
    if (scope !== null && scope.manifest === null) {
      this.host.consultRootField(`type`);
    }
  }

  private relative(directory: string, specifier: string): Located | null {
    if (specifier.length === 0)
      return null;
    const path = toPackagePath(directory, specifier);
    if (path === null)
      return null;
    // `./lib/`, `.`, `..`, `./lib/.`: Node loads a directory only, never
    // `lib.js` beside it (Module._findPath's trailing-slash rule).
    return this.fileOrDirectory(path, /(?:^|\/)\.{0,2}$/.test(specifier));
  }

  private fileOrDirectory(path: string, directoryOnly = false): Located | null {
    // Below a node_modules folder is another package's code (see dependencyFiles).
    if (isUnderNodeModules(path)) {
      this.host.reportDependencyPath(path);
      return null;
    }
    if (directoryOnly)
      return this.directory(path);
    // Never `.cjs`/`.mjs`: CommonJS does not try them, and for a file of a
    // dependency the guess would hide the copy above that Node goes on to (F39).
    return this.file(path) ?? this.directory(path);
  }

  private probe(path: string, suffixes: ReadonlyArray<string>): Located | null {
    if (path === ``)
      return null;
    for (const suffix of suffixes) {
      const bytes = this.host.lookup(path + suffix);
      if (bytes !== null) {
        return {path: path + suffix, bytes};
      }
    }
    return null;
  }

  private file(path: string): Located | null {
    return this.probe(path, FILE_SUFFIXES);
  }

  private index(directory: string): Located | null {
    for (const name of INDEX_FILES) {
      const path = directory === `` ? name : `${directory}/${name}`;
      const bytes = this.host.lookup(path);
      if (bytes !== null) {
        return {path, bytes};
      }
    }
    return null;
  }

  /**
   * A directory: its package.json main (tried as a file, then as a
   * directory's index), then its own index. A main that leads out of the
   * package or into a node_modules folder is what Node loads in place of the
   * folder's own index, another package's file: refused (outside round 53,
   * B1, B2, D1, D2), or followed into the workspace whose folder holds it.
   */
  private directory(directory: string): Located | null {
    const main = directory === `` ? this.host.consultRootField(`main`) : this.manifestAt(directory)?.main;
    if (typeof main === `string` && main.length > 0) {
      const target = toPackagePath(directory, main);
      const where = posix.join(directory, `package.json`);
      // `import` reads main as a URL (`%2e%2e/x` is `../x`, a tab is dropped),
      // `require` as a path: a main the two read differently is refused
      // (outside round 54, A3).
      const asUrl = mainAsUrl(directory, main);
      if (asUrl !== null && asUrl !== posix.normalize(`/${directory}/${main.replace(/\\/g, `/`)}`))
        throw new Error(`${where}: main ${JSON.stringify(main)} names ${asUrl.slice(1)} for import and another file for require: no approval can be bound to which one runs`);
      if (target === null || isUnderNodeModules(target)) {
        const joined = posix.normalize(posix.join(directory === `` ? `.` : directory, main.replace(/\\/g, `/`)));
        if (target === null && !isUnderNodeModules(joined) && this.host.reportWorkspacePath(joined))
          return null;
        if (target === null && !/^\.\.(?:\/|$)/.test(joined) && !/^(?:[/\\]|[A-Za-z]:)/.test(main)) {
          this.host.reportProblem(`${where}: main ${JSON.stringify(main)} is not a path inside the package`);
        } else {
          throw new Error(`${where}: main ${JSON.stringify(main)} leads ${target === null ? `out of the package` : `into ${target}, another package's folder`}: Node loads what is there in place of this folder's own code, and no approval can be bound to it`);
        }
      } else {
        const found = this.file(target) ?? this.index(target);
        if (found !== null) {
          return found;
        }
      }
    }
    return this.index(directory);
  }

  private manifestAt(directory: string): Record<string, unknown> | null {
    const cached = this.manifests.get(directory);
    if (cached !== undefined)
      return cached;

    const path = `${directory}/package.json`;
    const bytes = this.host.lookup(path);
    const manifest = bytes === null ? null : this.host.nestedManifest(path, bytes);
    this.manifests.set(directory, manifest);
    return manifest;
  }

  /** The nearest package.json above a directory, as Node looks it up; null inside a bundled node_modules with none. */
  private scopeOf(directory: string): Scope | null {
    let current = directory;
    for (;;) {
      if (current === ``)
        return {directory: ``, manifest: null};
      if (posix.basename(current) === `node_modules`)
        return null;
      if (this.host.lookup(`${current}/package.json`) !== null) {
        const manifest = this.manifestAt(current);
        // An unreadable nested package.json still ends the lookup; Node would fail there.
        return {directory: current, manifest: manifest ?? {}};
      }
      current = directoryOf(current);
    }
  }

  private exportedBy(scope: Scope, exports: unknown, subpath: string, origin: string): Array<Located> {
    const where = scope.directory === `` ? `package.json` : `${scope.directory}/package.json`;
    const selection = selectExports(exports, subpath);
    if (!selection.matched && selection.problems.length === 0)
      this.host.reportProblem(`${origin}: ${where} exports has no entry for ${subpath}`);
    return this.targets(scope, selection, `${where} exports`, origin);
  }

  private imports(directory: string, specifier: string, origin: string): Array<Located> {
    const scope = this.scopeOf(directory);
    if (scope === null) {
      this.host.reportProblem(`${origin}: ${specifier} has no package.json imports to resolve it`);
      return [];
    }

    const imports = scope.manifest === null ? this.host.consultRootField(`imports`) : scope.manifest.imports;
    const where = scope.directory === `` ? `package.json` : `${scope.directory}/package.json`;
    const selection = selectImports(imports, specifier);
    if (!selection.matched)
      this.host.reportProblem(`${origin}: ${specifier} matches no entry of ${where} imports`);
    for (const module of selection.modules)
      if (!isBuiltinSpecifier(module))
        this.host.reportModule(module);

    return this.targets(scope, selection, `${where} imports`, origin);
  }

  /** Targets of exports/imports are exact paths: Node probes no extension and no index for them. */
  private targets(scope: Scope, selection: MapSelection, what: string, origin: string): Array<Located> {
    for (const problem of selection.problems)
      this.host.reportProblem(`${origin}: ${what}: ${problem}`);

    const found: Array<Located> = [];
    for (const target of selection.targets) {
      const path = toPackagePath(scope.directory, target);
      if (path === null || path === `` || path.split(`/`).includes(`node_modules`)) {
        this.host.reportProblem(`${origin}: ${what}: target ${JSON.stringify(target)} is not a path inside the package`);
        continue;
      }
      // A target is a URL relative to the package.json: `./m%61in.js` is main.js.
      for (const candidate of new Set([path, decodePercent(path)])) {
        const bytes = this.host.lookup(candidate);
        if (bytes !== null) {
          found.push({path: candidate, bytes});
        }
      }
    }
    return found;
  }
}

/**
 * The path (from the package root, with a leading `/`) that ESM's legacy main
 * resolution takes a `main` to: `new URL('./' + main, <folder>/package.json)`,
 * decoded; null when it is no valid URL path (then `import` fails).
 */
function mainAsUrl(directory: string, main: string): string | null {
  let pathname: string;
  try {
    const folder = directory === `` ? `` : `${directory.split(`/`).map(encodeURIComponent).join(`/`)}/`;
    pathname = decodeURIComponent(new URL(`./${main}`, `file:///${folder}`).pathname);
  } catch (error) {
    if (error instanceof TypeError || error instanceof URIError)
      return null;
    throw error;
  }
  return posix.normalize(pathname);
}
