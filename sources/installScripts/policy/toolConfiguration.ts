/**
 * Programs that an install script starts from the machine's PATH read their
 * configuration from the folder they run in and the folders above it, and
 * some of it names code to run: rustup's `rust-toolchain.toml` (`path =
 * "<folder>"` runs `<folder>/bin/cargo`), cargo's `.cargo/config.toml`
 * (`rustc-wrapper`, runners, `paths`), asdf's and mise's `path:` versions,
 * git's `.git` (`gitdir:`, `core.hooksPath`). The files are bound with the
 * package like all its files, but the code they name elsewhere is not: a
 * dependency's file that names `/proc/self/cwd/../<sibling>` made rustup run
 * a sibling package's `bin/cargo`, never approved (outside attack round 13,
 * R1-R3). Pure: paths and text in, findings out.
 */
import {posix} from 'path';

import {parseJsonc} from './fingerprint/tsconfig';

interface ToolFile {
  /** The file's path below the folder the tool runs in. */
  pattern: RegExp;
  /** Who reads it. */
  tool: string;
  /**
   * It can name code by a path inside the folder that holds it: in another
   * package's folder above a package, its mere presence runs code no approval
   * of the package covers. Version files only name versions, unless a value
   * is a path.
   */
  namesCode: boolean;
  /**
   * `climbing`: a build language full of variables (`$(CC)`, `${X}`), where
   * only a path that climbs out of the package is read as leaving it.
   */
  scan?: `climbing`;
}

const TOOL_FILES: ReadonlyArray<ToolFile> = [
  {pattern: /(?:^|\/)rust-toolchain(?:\.toml)?$/, tool: `rustup`, namesCode: true},
  {pattern: /(?:^|\/)\.cargo\/config(?:\.toml)?$/, tool: `cargo`, namesCode: true},
  {pattern: /(?:^|\/)Cargo\.toml$/, tool: `cargo`, namesCode: true},
  {pattern: /(?:^|\/)\.tool-versions$/, tool: `asdf and mise`, namesCode: true},
  {pattern: /(?:^|\/)(?:\.?(?:mise|rtx)(?:\.[\w-]+)?\.toml|\.?mise\/config(?:\.[\w-]+)?\.toml|\.config\/mise(?:\.toml|\/config(?:\.[\w-]+)?\.toml))$/, tool: `mise`, namesCode: true},
  {pattern: /(?:^|\/)\.envrc$/, tool: `direnv`, namesCode: true},
  {pattern: /(?:^|\/)\.git(?:\/config)?$/, tool: `git`, namesCode: true},
  {pattern: /(?:^|\/)\.(?:gitconfig|gitmodules)$/, tool: `git`, namesCode: true},
  {pattern: /(?:^|\/)\.mvn\/(?:jvm\.config|maven\.config|extensions\.xml)$/, tool: `maven`, namesCode: true},
  {pattern: /(?:^|\/)(?:settings\.gradle(?:\.kts)?|gradle\.properties)$/, tool: `gradle`, namesCode: true},
  {pattern: /(?:^|\/)Directory\.Build\.(?:props|targets)$/, tool: `msbuild`, namesCode: true},
  {pattern: /(?:^|\/)(?:[Mm]akefile|GNUmakefile|[^/]+\.mk)$/, tool: `make`, namesCode: false, scan: `climbing`},
  // `cmake --preset x` runs the preset's `toolchainFile` (CMake code) and `cmakeExecutable`.
  {pattern: /(?:^|\/)(?:CMakeLists\.txt|[^/]+\.cmake|CMake(?:User)?Presets\.json)$/, tool: `cmake`, namesCode: false, scan: `climbing`},
  // ninja reads build.ninja from the folder it runs in; `include`/`subninja` and its rules' commands name files (round 17, H5).
  {pattern: /(?:^|\/)(?:build\.ninja|[^/]+\.ninja)$/, tool: `ninja`, namesCode: false, scan: `climbing`},
  {pattern: /(?:^|\/)pyvenv\.cfg$/, tool: `python`, namesCode: true},
  {pattern: /(?:^|\/)bunfig\.toml$/, tool: `bun`, namesCode: true},
  {pattern: /(?:^|\/)\.bundle\/config$/, tool: `bundler`, namesCode: true},
  {pattern: /(?:^|\/)go\.(?:mod|work)$/, tool: `go`, namesCode: false},
  {pattern: /(?:^|\/)\.(?:nvmrc|node-version|python-version|ruby-version|go-version|java-version|terraform-version|sdkmanrc)$/, tool: `version managers (nvm, fnm, volta, pyenv, asdf, mise)`, namesCode: false},
  // Python's build front ends import the build backend from `backend-path`,
  // and build path dependencies (`-e ../x`, `{path = "../x"}`); uv looks for
  // its workspace's pyproject.toml in the folders above.
  {pattern: /(?:^|\/)(?:pyproject\.toml|uv\.toml)$/, tool: `Python's build tools (pip, uv, poetry)`, namesCode: true},
  {pattern: /(?:^|\/)(?:setup\.cfg|poetry\.toml|Pipfile|(?:requirements|constraints)[^/]*\.(?:txt|in))$/, tool: `Python's build tools (pip, uv, poetry)`, namesCode: false},
  // Bundler looks for a Gemfile (Ruby code) in the folders above.
  {pattern: /(?:^|\/)(?:Gemfile|gems\.rb)$/, tool: `bundler`, namesCode: true},
  // Yarn 1's `yarn-path`; pnpm takes the nearest pnpm-workspace.yaml above as
  // its workspace and runs the `.pnpmfile.cjs` beside it; Deno looks for deno.json above.
  {pattern: /(?:^|\/)\.yarnrc$/, tool: `yarn 1`, namesCode: true},
  {pattern: /(?:^|\/)(?:pnpm-workspace\.yaml|\.pnpmfile\.c?js)$/, tool: `pnpm`, namesCode: true, scan: `climbing`},
  {pattern: /(?:^|\/)deno\.jsonc?$/, tool: `deno`, namesCode: false, scan: `climbing`},
  {pattern: /(?:^|\/)composer\.json$/, tool: `composer`, namesCode: false, scan: `climbing`},
];

/** The reader of a configuration-shaped file no entry above names. */
export const ANY_PROGRAM = `a program`;

/**
 * Any other file shaped like a program's configuration (a dotfile, an rc
 * file, TOML, INI, YAML, XML, pkg-config's `.pc`, GCC's specs, linker
 * scripts, any file in a dot-folder such as `.zqlint/config`…): which program reads it, and from where, is
 * open-ended, so a path in it that climbs out of the package is refused
 * whatever reads it. None of the 2,244 packages of the jest project has
 * such a path in such a file (tsconfig.json's `extends: "../../tsconfig"`
 * is common, and `.json` is not in the list: tsc runs no code it names).
 */
const CONFIGURATION_SHAPED = /(?:^|\/)(?:\.[^/]+|[^/]+rc|[^/]+\.(?:toml|cfg|ini|conf|config|properties|ya?ml|json5|jsonc|xml|rc|pc|specs|lds|ld)|[^/]+[.-]config\.json|[^/]*rc\.json)$|(?:^|\/)\.[^/]+\//;

/**
 * The files above, by the name a tool looks for in each folder it climbs
 * through: what the install-time re-check looks for in the folders between
 * a package and the project's root, which belong to other packages.
 */
export const TOOL_CONFIGURATION_FILES: ReadonlyArray<string> = [
  `rust-toolchain`, `rust-toolchain.toml`, `.cargo/config`, `.cargo/config.toml`, `Cargo.toml`,
  `.tool-versions`, `mise.toml`, `.mise.toml`, `mise.local.toml`, `.mise.local.toml`, `.mise/config.toml`,
  `mise/config.toml`, `.config/mise.toml`, `.config/mise/config.toml`, `.rtx.toml`, `.envrc`,
  `.git`, `.gitconfig`, `.gitmodules`, `HEAD`, `pyvenv.cfg`, `bunfig.toml`, `.bundle/config`, `go.mod`, `go.work`,
  `.mvn/jvm.config`, `.mvn/maven.config`, `.mvn/extensions.xml`, `settings.gradle`, `settings.gradle.kts`, `gradle.properties`,
  `Directory.Build.props`, `Directory.Build.targets`, `pyproject.toml`, `uv.toml`, `Gemfile`, `gems.rb`,
  `pnpm-workspace.yaml`, `.pnpmfile.cjs`, `deno.json`, `deno.jsonc`,
  `.nvmrc`, `.node-version`, `.python-version`, `.ruby-version`, `.go-version`, `.java-version`, `.terraform-version`, `.sdkmanrc`,
];

/** Which tool reads this file of a package from the folder it runs in, or null. */
export function toolReading(path: string): {tool: string, namesCode: boolean, climbingOnly?: true} | null {
  const slashed = path.replace(/\\/g, `/`);
  // A bare git repository's HEAD: the folder holding it is a repository git reads.
  if (/(?:^|\/)HEAD$/.test(slashed))
    return {tool: `git`, namesCode: true};
  const found = TOOL_FILES.find(file => file.pattern.test(slashed));
  if (found === undefined)
    // (`.npmrc` and `.yarnrc.yml` are read setting by setting where npm and Yarn run.)
    return CONFIGURATION_SHAPED.test(slashed) && !/(?:^|\/)(?:\.git\/|\.npmrc$|\.yarnrc\.yml$)/.test(slashed) ? {tool: ANY_PROGRAM, namesCode: false, climbingOnly: true} : null;
  return {tool: found.tool, namesCode: found.namesCode, ...(found.scan === `climbing` ? {climbingOnly: true as const} : {})};
}

/** Folders of the machine, never of a project: a tool's configuration may name them. */
const SYSTEM_FOLDER = /^(?:\/(?:usr|bin|sbin|lib|lib32|lib64|libexec|opt|etc|nix|Library|System|Applications)(?:\/|$)|[A-Za-z]:[\\/](?:Program Files(?: \(x86\))?|Windows)(?:[\\/]|$))/i;

/** `path:`, `file:`, `file://`: the scheme-like prefixes before a local path in these files. */
const LOCAL_PREFIX = /^(?:path|file|link|gitdir):(?:\/\/(?=\/))?/i;

/**
 * The values of a tool's configuration file at `path` (relative to the
 * package root) that name a place outside the package: an absolute path
 * outside the machine's own folders (`/proc/self/cwd/..` is the working
 * folder), `..` leaving the package, `~`, or a variable (`$PWD`, `${X}`,
 * `%X%`), which may name any folder. Comments are read as values: a
 * commented-out path is refused like a live one, and the refusal says which.
 */
export function placesOutside(path: string, raw: string, {climbingOnly = false, fromRoot = false}: {climbingOnly?: boolean, fromRoot?: boolean} = {}): Array<string> {
  // TOML and git decode `\u002f`-style escapes in quoted values: both readings count.
  // A backslash at the end of a line joins it to the next (TOML's multi-line
  // strings, git's values, make): `/dev/fd/.\⏎ ./cwd/..` is one path (round 14, attack20 F8, F16).
  const decoded = raw
    .replace(/\\\r?\n[ \t]*/g, ``)
    .replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2}))/g, (_, u: string | undefined, big: string | undefined, x: string | undefined) => String.fromCodePoint(parseInt(u ?? big ?? x!, 16)))
    // XML's character references (`&#46;&#46;/x`), and the percent-encoded dots
    // and slashes that a URL parser reads as `..` (`file:%2e%2e/x`).
    .replace(/&#(?:x([0-9a-fA-F]{1,6})|(\d{1,7}));/g, (whole, hex: string | undefined, decimal: string | undefined) => {
      const code = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal!, 10);
      return code <= 0x10FFFF ? String.fromCodePoint(code) : whole;
    })
    .replace(/%2e/gi, `.`).replace(/%2f|%5c/gi, `/`);
  const text = decoded === raw ? raw : `${raw}\n${decoded}`;
  // Cargo reads the paths of `.cargo/config.toml` from the folder that holds
  // `.cargo`, mise those of `.config/mise/config.toml` from the project's:
  // each folder from the file's own up through such tool folders is a base.
  const bases = [posix.dirname(path.replace(/\\/g, `/`))];
  while (/^(?:\.[^/]+|mise)$/.test(posix.basename(bases[bases.length - 1])))
    bases.push(posix.dirname(bases[bases.length - 1]));
  // A program run from the package's root may read a path from the file as relative to the root.
  if (fromRoot && !bases.includes(`.`))
    bases.push(`.`);
  const found: Array<string> = [];
  for (const token of text.split(/[\s"'=,;[\]{}()<>|`]+/)) {
    // `-javaagent:../x.jar`: a path may follow a colon; a URL's `//host` does not count.
    const values = [token.replace(LOCAL_PREFIX, ``), ...token.split(`:`).slice(1).filter(part => !part.startsWith(`//`))];
    if (values.some(value => value !== `` && (!climbingOnly || value.replace(/\\/g, `/`).split(`/`).includes(`..`)) && bases.some(base => leaves(base === `.` ? `` : base, value))) && !found.includes(token))
      found.push(token);
  }
  return found;
}

/**
 * In a folder that belongs to another package, the values that name a path
 * at all: whatever file they name there, it is not the approved package's.
 */
export function placesNamed(text: string): Array<string> {
  const found: Array<string> = [];
  for (const token of text.split(/[\s"'=,;[\]{}()<>|`]+/)) {
    if ((LOCAL_PREFIX.test(token) || /^(?:\.{1,2}[/\\]|[/\\~$%]|[A-Za-z]:[/\\])/.test(token)) && !found.includes(token)) {
      found.push(token);
    }
  }
  return found;
}

function leaves(directory: string, value: string): boolean {
  if (/\$[{(\w]|%\w+%/.test(value) || value.startsWith(`~`))
    return true;
  const slashed = value.replace(/\\/g, `/`);
  const segments = slashed.split(`/`);
  if (/^(?:\/.|[A-Za-z]:\/)/.test(slashed))
    return !SYSTEM_FOLDER.test(value) || segments.includes(`..`);
  if (!segments.includes(`..`))
    return false;
  const normalized = posix.normalize(posix.join(directory === `` ? `.` : directory, slashed));
  return normalized === `..` || normalized.startsWith(`../`);
}

/**
 * Whether a tool's configuration file `name` found in a folder that belongs
 * to another package, above a package whose script runs, can make that tool
 * run code of the other package: any file that can name code, and a version
 * file whose value is a path.
 */
export function ancestorFileNamesCode(name: string, text: string): boolean {
  const reader = toolReading(name);
  return reader !== null && (reader.namesCode || placesNamed(text).length > 0);
}

/**
 * `/proc/self/cwd/..`: the folder above the working folder, which for a
 * dependency's script is the folder of the packages installed beside it. No
 * file of a package needs to name it; any program that reads the file may
 * take it as a path (a toolchain file the plugin does not know, a makefile, a
 * shell script). Every spelling the kernel resolves there counts: a `cwd`
 * reached through `/proc` (`self`, `thread-self`, a pid, `task/<tid>`) or
 * through `/dev/fd/..` (which is `/proc/self`), then `..` that climbs above
 * it after `.` or a folder (`cwd/./..`, `cwd/x/../..`). The path found, or
 * null. The bytes are searched, not decoded, so a large binary costs one scan.
 */
export function workingFolderParent(bytes: Uint8Array): string | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf(`/cwd`); at !== -1; at = buffer.indexOf(`/cwd`, at + 4)) {
    let start = at;
    while (start > 0 && at - start < MAX_PATH_TOKEN && !PATH_STOP.has(buffer[start - 1]))
      start--;
    let end = at + 4;
    while (end < buffer.length && end - at < MAX_PATH_TOKEN && !PATH_STOP.has(buffer[end]))
      end++;
    const token = buffer.subarray(start, end).toString(`latin1`);
    if (climbsAboveWorkingFolder(token))
      return token;
  }
  return null;
}

/** Bytes that end a path in a file: blanks, quotes, separators of lists and markup. */
const PATH_STOP = new Set([...` \t\r\n"'\`=,;:()[]{}<>|`].map(character => character.charCodeAt(0)));
const MAX_PATH_TOKEN = 512;

function climbsAboveWorkingFolder(token: string): boolean {
  const segments = token.split(`/`);
  for (let index = segments.indexOf(`cwd`); index !== -1; index = segments.indexOf(`cwd`, index + 1)) {
    const before = segments.slice(0, index).filter(segment => segment !== `` && segment !== `.`);
    // /proc/<self|thread-self|pid>/cwd, /proc/<pid>/task/<tid>/cwd, /dev/fd/../cwd.
    const viaProc = before.includes(`proc`) || (before.includes(`fd`) && before[before.length - 1] === `..`);
    if (!viaProc)
      continue;
    let depth = 0;
    for (const segment of segments.slice(index + 1)) {
      if (segment === `..`)
        depth--;
      else if (segment !== `` && segment !== `.`)
        depth++;
      if (depth < 0)
        return true;
    }
  }
  return false;
}

/**
 * A tsconfig.json's module paths (`compilerOptions.paths`, `baseUrl`,
 * `rootDirs`): tsx, ts-node and other runners resolve imports through them,
 * so a value that leaves the package makes `import 'x'` load another
 * package's file. `extends: "../../tsconfig.json"` is common in published
 * packages and names no code, so it is not read; nor is a file that does not
 * parse (its paths cannot be told, and tsc would refuse it too).
 */
export function tsconfigPlacesOutside(path: string, raw: string): Array<string> {
  if (!/(?:^|\/)(?:tsconfig[^/]*|jsconfig)\.json$/.test(path.replace(/\\/g, `/`)))
    return [];
  let parsed: unknown;
  try {
    parsed = parseJsonc(raw);
  } catch {
    return [];
  }
  const options = (parsed as {compilerOptions?: unknown} | null)?.compilerOptions;
  if (typeof options !== `object` || options === null)
    return [];
  const {paths, baseUrl, rootDirs} = options as {paths?: unknown, baseUrl?: unknown, rootDirs?: unknown};
  const strings = (list: unknown): Array<string> => (Array.isArray(list) ? list.filter((value): value is string => typeof value === `string`) : []);
  const folder = posix.dirname(path.replace(/\\/g, `/`));
  const base = folder === `.` ? `` : folder;
  const found: Array<string> = [];
  // `baseUrl` and `rootDirs` are relative to the file's folder; `paths` to `baseUrl` when it is set.
  if (typeof baseUrl === `string` && leaves(base, baseUrl))
    found.push(baseUrl);
  found.push(...strings(rootDirs).filter(value => leaves(base, value)));
  const pathsBase = typeof baseUrl === `string` && !found.includes(baseUrl) ? posix.normalize(posix.join(base === `` ? `.` : base, baseUrl)) : base;
  if (typeof paths === `object` && paths !== null)
    for (const targets of Object.values(paths))
      found.push(...strings(targets).filter(value => leaves(pathsBase === `.` ? `` : pathsBase, value)));
  return found;
}
