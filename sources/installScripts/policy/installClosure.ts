/**
 * Decides which code of other packages runs when a package's install code
 * runs: bare `require`/`import` specifiers name a dependency, and command
 * words are looked up on the PATH Yarn builds for the script (the package's
 * own bins and its direct dependencies' bins, ahead of the system's). Pure:
 * the Yarn glue supplies the project's graph as plain data.
 */
import {hashBytes} from './fingerprint/records';
import type {AnalysisEntry} from './fingerprint/types';
import {splitBareSpecifier} from './fingerprint/resolver';
import {NPM_SCRIPTS} from './fingerprint/tables';
import {globRegExp, hasGlob, nameSegments} from './fingerprint/shellExpansion';

/**
 * Command words that name tools of the system (or of Node and Yarn). A
 * dependency's bin with one of these names replaces the tool for every
 * install script of the packages that see it on their PATH — including the
 * `node` that runs an approved `node install.js`. That is how an attack hides,
 * so such a bin is never carried into an approval implicitly.
 */
export const SYSTEM_TOOLS: ReadonlySet<string> = new Set([
  `node`, `nodejs`, `npm`, `npx`, `yarn`, `yarnpkg`, `pnpm`, `pnpx`, `corepack`, `run`,
  `sh`, `bash`, `dash`, `zsh`, `ksh`, `fish`, `env`, `cmd`, `powershell`, `pwsh`,
  `git`, `curl`, `wget`, `tar`, `gzip`, `unzip`, `make`, `cmake`, `cc`, `gcc`, `g++`, `clang`, `ld`,
  `python`, `python3`, `perl`, `ruby`, `cp`, `mv`, `rm`, `ln`, `mkdir`, `chmod`, `cat`, `echo`, `test`,
  `sed`, `awk`, `grep`, `find`, `xargs`, `which`, `sudo`, `ssh`, `scp`, `openssl`,
  // What node-gyp and the make files gyp writes run.
  `python2`, `gmake`, `ninja`, `c++`, `clang++`, `ar`, `as`, `ranlib`, `strip`, `nm`, `objcopy`, `libtool`,
  `pkg-config`, `xcodebuild`, `msbuild`, `uname`, `touch`, `install`, `flock`,
  // Programs that other programs start by name without a script naming them
  // (tar starts xz or bzip2 for -J/-j, git starts less, gpg, ssh): outside
  // attack round 12, F51.
  `xz`, `unxz`, `bzip2`, `bunzip2`, `zstd`, `lz4`, `lzma`, `lzip`, `lzop`, `gunzip`, `zcat`, `compress`, `uncompress`, `7z`, `zip`,
  `less`, `more`, `vi`, `vim`, `nano`, `gpg`, `gpg2`, `ssh-agent`, `rsync`, `patch`, `diff`, `file`, `ls`, `head`, `tail`, `sort`,
  `tr`, `cut`, `date`, `sleep`, `mktemp`, `dirname`, `basename`, `readlink`, `realpath`, `id`, `whoami`, `hostname`, `ps`, `kill`,
  `pip`, `pip3`, `cpp`, `gold`, `lld`, `ccache`, `sccache`, `distcc`, `bison`, `flex`, `m4`, `autoconf`, `automake`, `perl5`,
  `tee`, `printf`, `expr`, `stat`, `chown`, `dd`, `timeout`, `nice`, `nohup`, `time`, `bsdtar`, `gtar`, `gsed`, `gawk`,
  // What `git help` starts (man, info, a browser for -w) and what GNU make's
  // built-in rules and default variables run without a makefile naming them
  // (`make scan.c` runs lex): outside attack round 29, M3.
  `man`, `info`, `w3m`, `elinks`, `links`, `lynx`, `firefox`, `chromium`, `chromium-browser`, `google-chrome`, `konqueror`,
  `open`, `xdg-open`, `lex`, `yacc`, `f77`, `fc`, `pc`, `co`, `get`, `tex`, `weave`, `cweave`, `tangle`, `ctangle`,
  `makeinfo`, `texi2dvi`, `lint`, `gfortran`, `g77`, `windres`, `dlltool`, `rc`,
  // What git starts by a default name: signature checkers (`git log --show-signature`
  // on an x509 or ssh signature), Debian's editor for `git config --edit` (round 30, M2).
  `gpgsm`, `ssh-keygen`, `editor`, `sensible-editor`, `x-www-browser`, `www-browser`,
  // The tools `git difftool`/`git mergetool` look for on the PATH when none is set
  // (emacs, vim and nvim without a display, the graphical ones with one), the
  // pager Debian's git starts, send-email's sendmail, ssh's askpass.
  `emacs`, `nvim`, `gvim`, `vimdiff`, `code`, `meld`, `kdiff3`, `opendiff`, `p4merge`, `tkdiff`, `xxdiff`, `bcompare`,
  `smerge`, `diffuse`, `diffmerge`, `ecmerge`, `tortoisemerge`, `pager`, `sendmail`, `ssh-askpass`,
  // `git difftool`'s first guess (kompare), araxis's compare, Beyond Compare's bc; what `git instaweb`
  // serves with; what `git maintenance start` schedules with (round 31, M1).
  `kompare`, `compare`, `bc`, `codecompare`, `codemerge`, `lighttpd`, `apache2`, `httpd`, `mongoose`, `plackup`,
  `crontab`, `systemctl`, `launchctl`, `schtasks`,
  // What man starts to format a page (man-db's preconv, the groff pipeline, col),
  // and make's Modula-2 compiler (round 32, M1, M5).
  `preconv`, `tbl`, `gtbl`, `nroff`, `troff`, `groff`, `grotty`, `eqn`, `geqn`, `neqn`, `pic`, `gpic`, `refer`, `grap`,
  `vgrind`, `col`, `soelim`, `zsoelim`, `manconv`, `iconv`, `m2c`,
  // What system scripts start by name (Debian's lsb_release runs getopt, dpkg-architecture
  // runs dpkg, Python's ctypes.util runs objdump: round 34, M1-M3), and the rest of
  // coreutils, binutils, util-linux and debianutils that such scripts call.
  `getopt`, `dpkg`, `dpkg-query`, `dpkg-architecture`, `dpkg-buildflags`, `lsb_release`, `apt`, `apt-get`, `rpm`,
  `objdump`, `readelf`, `size`, `strings`, `addr2line`, `c++filt`, `elfedit`, `gprof`, `ldd`, `ldconfig`, `getconf`,
  `locale`, `tput`, `c99`, `c89`, `gdb`, `wc`, `uniq`, `paste`, `comm`, `join`, `seq`, `yes`, `true`, `false`, `od`,
  `hexdump`, `xxd`, `base64`, `md5sum`, `sha1sum`, `sha256sum`, `sha512sum`, `shasum`, `cksum`, `chgrp`, `du`, `df`,
  `pwd`, `printenv`, `nproc`, `lscpu`, `sysctl`, `getent`, `cmp`, `sdiff`, `diff3`, `ed`, `ex`, `dc`, `fold`, `fmt`,
  `split`, `csplit`, `tac`, `rev`, `shuf`, `tsort`, `truncate`, `sync`, `mkfifo`, `mknod`, `link`, `unlink`, `rmdir`,
  `run-parts`, `tempfile`, `ischroot`, `savelog`, `xcrun`, `xcode-select`, `sw_vers`, `brew`, `su`, `logger`,
  // What cargo starts by name (rustc, rustdoc, rustfmt, clippy-driver: round 35, M1, M2), and
  // the other toolchains' drivers a build may start the same way.
  `cargo`, `rustc`, `rustdoc`, `rustfmt`, `clippy-driver`, `cargo-clippy`, `cargo-fmt`, `rustup`, `rust-lld`, `rust-gdb`,
  `go`, `gofmt`, `java`, `javac`, `mvn`, `gradle`, `dotnet`, `swift`, `swiftc`, `zig`, `deno`, `bun`,
]);

/** Package managers whose scripts see the node_modules/.bin of every folder above the package. */
const NPM_PATH_TOOLS: ReadonlySet<string> = new Set([`npm`, `npx`, `pnpm`, `pnpx`]);

/**
 * Toolchain programs a compiler, make or Perl's build starts by a name the
 * script never writes: a cross or target-named tool (`x86_64-linux-gnu-gcc`,
 * which Debian's Perl builds with), a versioned one (`gcc-12`, `clang-15`,
 * `python3.11`), the linker gcc picks for `-fuse-ld=gold` (`ld.gold`, `ld.lld`,
 * `ld.mold`): outside attack round 33, M2, M5, M7.
 */
const TOOLCHAIN_NAMES = [
  /^(?:x86_64|amd64|i[3-6]86|aarch64|arm\w*|powerpc\w*|ppc\w*|s390x?|riscv\d*|mips\w*|loongarch\d*|sparc\w*|ia64|alpha|hppa|m68k|sh\d)-[\w.-]*-(?:gcc|g\+\+|cc|c\+\+|cpp|clang|clang\+\+|ld(?:\.\w+)?|as|ar|ranlib|nm|strip|objcopy|objdump|readelf|gfortran|gcc-ar|gcc-nm|gcc-ranlib|pkg-config)(?:-\d+(?:\.\d+)*)?$/,
  /^(?:gcc|g\+\+|cc|c\+\+|cpp|clang|clang\+\+|clang-cpp|gfortran|ld|lld|python|python\d|perl|ruby|node)-?\d+(?:\.\d+)*$/,
  /^ld\.\w+$|^ld64(?:\.\w+)?$|^wasm-ld$|^mold$/,
];

export function isSystemTool(name: string): boolean {
  const lower = name.toLowerCase();
  return SYSTEM_TOOLS.has(lower) || TOOLCHAIN_NAMES.some(pattern => pattern.test(lower));
}

/** How one package's install code reaches into another package. */
export type Entry = AnalysisEntry;

export function entryKey(entry: Entry): string {
  return entry.kind === `module` ? `module:${entry.specifier}` : `${entry.kind}:${entry.path}`;
}

export function entriesKey(entries: Iterable<Entry>): string {
  return [...new Set([...entries].map(entryKey))].sort().join(`\n`);
}

/** A bin visible on the PATH of a package's scripts: which package provides it, and the file. */
export interface VisibleBin {
  id: string;
  path: string;
}

export interface Reach {
  /** The package reached. */
  id: string;
  entry: Entry;
  /** Human-readable step, e.g. `require('detect-libc')` or `runs node-gyp`. */
  via: string;
  /** The name Node looks the package up by in node_modules, for a reach by name: the dependency's key, an alias's included. */
  as?: string;
  /** Set when a bin named like a system tool shadows it. */
  shadows?: string;
}

/**
 * The packages one package's install code reaches directly: every command word
 * resolved on its PATH, every bin that shadows a system tool on that PATH
 * (whether or not a command names it: subprocesses inherit the PATH), and every
 * bare specifier resolved to the dependency Yarn chose. What resolves to
 * nothing in the project is returned as a limit, never dropped.
 */
export function directReaches(input: {
  commands: readonly string[];
  modules: readonly string[];
  /** Bins on the PATH of this package's scripts, by name; several when two dependencies provide one name. */
  bins: ReadonlyMap<string, readonly VisibleBin[]> | null;
  /** `node-gyp`, when no bin of that name is visible, is Yarn's shim for the top-level workspace's node-gyp. */
  topLevelBins: ReadonlyMap<string, readonly VisibleBin[]>;
  /**
   * The bins npm may find in the node_modules/.bin folders it puts on the PATH
   * of the scripts it runs (every package's, since the linker hoists any of
   * them there); the top-level workspace's when absent.
   */
  npmPathBins?: () => ReadonlyMap<string, readonly VisibleBin[]>;
  /** The packages a bare name resolves to from this package (empty: not in the project). */
  resolveName: (name: string) => readonly string[];
  /**
   * The package's own name, for self-references (resolved inside the
   * package); null when the package declares a dependency under its own name,
   * which the name then reaches like any dependency.
   */
  ownName: string | null;
  /** Packages whose directory the code locates (`require.resolve('x/package.json')`) to run files of. */
  packageRoots?: readonly string[];
  /** Word-like tokens of the commands read: a program given a name may run it (`timeout 20 x`). */
  mentions?: readonly string[];
  /**
   * Every bin on the PATH is reached, named or not: a dependency's install
   * scripts, where a program they start may run any of them (a command built
   * at run time, a shell script or a binary that is not analysed); under npm,
   * every hoisted bin npm puts on the PATH too.
   */
  everyPathBin?: boolean;
  /** The bins a package declares, for the packages whose directory the code locates. */
  binsOf?: (id: string) => readonly VisibleBin[];
  /** The folders above the project that hold a node_modules/.bin, which npm also puts on the PATH (asked only when npm runs). */
  outsideBinFolders?: () => readonly string[];
  /** What the project's node_modules holds on npm's PATH beside the declared bins (asked only when npm runs). */
  linkedBins?: LinkedBins;
  /** Files of dependencies named by a path through node_modules (`dep/cli.js`), a glob for the name too (`de*`). */
  dependencyFiles?: readonly string[];
  /** GYP files of dependencies that a GYP file of the package includes or depends on (`dep/common.gypi`): read there as GYP. */
  dependencyGypFiles?: readonly string[];
  /** The names packages are installed under in the project that a glob of one name matches (`de?`). */
  namesMatching?: (glob: string) => readonly string[];
}): {reaches: Reach[], unresolved: string[], refusals: string[]} {
  const reaches: Reach[] = [];
  const unresolved: string[] = [];
  const refusals: string[] = [];

  const bins = input.bins ?? new Map<string, readonly VisibleBin[]>();
  if (input.bins !== null)
    refusals.push(...npxDownloads(input.commands, bins));
  for (const command of input.commands) {
    if (/^(npx|pnpx|bunx):/.test(command))
      continue;
    const linked = /^dotbin:(.+)$/.exec(command);
    if (linked !== null) {
      // `node_modules/.bin/x`, in the package's folder or any above it: the
      // bin x of the package's dependencies, or of any package the linker hoists.
      const linkedBins = input.npmPathBins?.() ?? input.topLevelBins;
      // `node_modules/.bin/zq*`: every bin the glob matches (outside attack round 28, M1).
      const names = hasGlob(linked[1]) ? [...new Set([...bins.keys(), ...linkedBins.keys()])].filter(name => globRegExp(linked[1]).test(name)) : [linked[1]];
      const everywhere = names.flatMap(name => [...bins.get(name) ?? [], ...linkedBins.get(name) ?? []]);
      const seen = new Set<string>();
      for (const bin of everywhere) {
        if (seen.has(`${bin.id}:${bin.path}`))
          continue;
        seen.add(`${bin.id}:${bin.path}`);
        reaches.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via: `runs node_modules/.bin/${linked[1]}, where the linker links the bin ${linked[1]} of the packages it hoists`, ...(isSystemTool(linked[1]) ? {shadows: linked[1]} : {})});
      }
      if (everywhere.length === 0)
        unresolved.push(`node_modules/.bin/${linked[1]}: no package of the project provides the bin ${linked[1]}`);
      continue;
    }
    const topLevelRun = /^toplevel:(.+)$/.exec(command);
    if (topLevelRun !== null) {
      // `yarn run -T x`: the top-level workspace's bin x (a root dependency's), or its own script.
      const topLevel = input.topLevelBins.get(topLevelRun[1]) ?? [];
      for (const bin of topLevel)
        reaches.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via: `runs ${topLevelRun[1]} (yarn run -T: the top-level workspace's)`, ...(isSystemTool(topLevelRun[1]) ? {shadows: topLevelRun[1]} : {})});
      if (topLevel.length === 0)
        unresolved.push(`yarn run -T ${topLevelRun[1]}: runs the top-level workspace's script or bin ${topLevelRun[1]}, which no root dependency provides: the project's own code, not followed`);
      continue;
    }
    const visible = bins.get(command);
    if (visible !== undefined && visible.length > 0) {
      for (const bin of visible)
        reaches.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via: `runs ${command}`, ...(isSystemTool(command) ? {shadows: command} : {})});
      continue;
    }
    if (command === `node-gyp`) {
      const topLevel = input.topLevelBins.get(command);
      if (topLevel !== undefined && topLevel.length > 0) {
        for (const bin of topLevel)
          reaches.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via: `runs node-gyp (the top-level workspace's)`});
        // Yarn's shim runs node-gyp as a script of the top-level workspace:
        // the python, make and compilers it starts are looked up on that
        // workspace's PATH, where its dependencies' bins come first.
        for (const [name, visible] of input.topLevelBins) {
          if (!isSystemTool(name) || bins.has(name))
            continue;
          for (const bin of visible) {
            reaches.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via: `its bin ${name} shadows the system's ${name} on the PATH node-gyp runs with (the top-level workspace's)`, shadows: name});
          }
        }
      } else {
        unresolved.push(`node-gyp is not a dependency of the top-level workspace: Yarn's node-gyp shim refuses to run`);
      }
    }
  }

  // A bin named anywhere in a command, not as its command word: the program
  // given the name may run it (`timeout 20 x`, `ssh -o ProxyCommand=x`,
  // `GIT_SSH_COMMAND=x git …`: outside attack round 12, F41, F50, F58).
  // A name built at run time (`n=zq; ${n}x`) is no mention (in-house round
  // 13, R1): a dependency's scripts reach every bin on their PATH.
  const mentioned = new Set(input.mentions ?? []);
  for (const [name, visible] of bins) {
    if (!(mentioned.has(name) || input.everyPathBin === true) || input.commands.includes(name) || isSystemTool(name))
      continue;
    const via = mentioned.has(name) ? `names ${name} in a command, which the program given it may run` : `its bin ${name} is on the PATH of the install scripts, where any program they start may run it`;
    for (const bin of visible)
      reaches.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via});
  }

  for (const [name, visible] of bins) {
    if (!isSystemTool(name) || input.commands.includes(name))
      continue;
    for (const bin of visible) {
      reaches.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via: `its bin ${name} shadows the system's ${name} on the PATH of install scripts`, shadows: name});
    }
  }

  if (input.bins !== null) {
    const npm = npmPathFindings({commands: input.commands, mentions: input.mentions ?? [], bins, npmPathBins: () => input.npmPathBins?.() ?? input.topLevelBins, outsideBinFolders: input.outsideBinFolders, linkedBins: input.linkedBins, dependency: input.everyPathBin === true});
    reaches.push(...npm.reaches);
    refusals.push(...npm.refusals);
    unresolved.push(...npm.unresolved);
  }

  for (const specifier of input.modules) {
    const split = splitBareSpecifier(specifier);
    // A name that is no package name (an `imports` target `h'`: round 11,
    // F24): Yarn installs a dependency under any key, and Node finds it.
    if (split === null) {
      refusals.push(`require('${specifier}'): ${specifier} is no package name, and a dependency may be installed under it, code that no approval can be bound to`);
      continue;
    }
    // `pnpapi` is Yarn's own PnP runtime, never a package of the project.
    if (split.name === input.ownName || split.name === `pnpapi`)
      continue;
    if (climbsOut(split.subpath)) {
      refusals.push(`require('${specifier}'): the path climbs out of ${split.name} into the folder it is installed in, so it loads whatever is installed beside it, code that no approval can be bound to`);
      continue;
    }
    const targets = input.resolveName(split.name);
    if (targets.length === 0) {
      unresolved.push(`require('${specifier}'): ${split.name} is not installed in this project (an optional dependency?); a copy in a node_modules folder above the file that another tool put there (npm in a sub-project, a planted folder) is what Node would load, and no pin or approval holds it`);
      continue;
    }
    for (const id of targets) {
      reaches.push({id, entry: {kind: `module`, specifier: split.subpath}, via: `require('${specifier}')`, as: split.name});
    }
  }

  // `node node_modules/dep/cli.js`: that file of the dependency installed there;
  // `node node_modules/de*/cli.js`: that file of every package installed under a name the glob matches.
  const dependencyFiles: Array<string> = [];
  for (const path of input.dependencyFiles ?? []) {
    const segments = path.split(`/`);
    const nameLength = nameSegments(path);
    const glob = segments.slice(0, nameLength).join(`/`);
    if (!hasGlob(glob)) {
      dependencyFiles.push(path);
      continue;
    }
    if (input.namesMatching === undefined) {
      refusals.push(`node_modules/${path}: a glob over the installed packages, which cannot be listed here`);
      continue;
    }
    const names = input.namesMatching(glob);
    if (names.length === 0)
      unresolved.push(`node_modules/${path}: a glob that matches no package installed in this project`);
    for (const name of names)
      dependencyFiles.push([name, ...segments.slice(nameLength)].join(`/`));
  }
  // GYP files a binding.gyp includes (`node_modules/dep/common.gypi`): gyp
  // reads them as GYP, whatever their name; never a glob (gyp expands none).
  const named = [...dependencyFiles.map(path => ({path, gyp: false})), ...(input.dependencyGypFiles ?? []).map(path => ({path, gyp: true}))];
  for (const {path, gyp} of named) {
    const split = splitBareSpecifier(path);
    if (split === null) {
      refusals.push(`node_modules/${path}: the folder is no package name, and a dependency may be installed under it, code that no approval can be bound to`);
      continue;
    }
    if (split.name === input.ownName)
      continue;
    if (climbsOut(split.subpath)) {
      refusals.push(`node_modules/${path}: the path climbs out of ${split.name} into the folder it is installed in, so it runs whatever is installed beside it, code that no approval can be bound to`);
      continue;
    }
    const targets = input.resolveName(split.name);
    if (targets.length === 0)
      unresolved.push(`node_modules/${path}: ${split.name} is not installed in this project`);
    for (const id of targets)
      reaches.push({id, entry: {kind: gyp ? `gyp` : `file`, path: split.subpath.slice(2)}, via: gyp ? `its build reads node_modules/${path} as GYP` : `runs node_modules/${path}`, as: split.name});
  }

  // Code that locates another package's directory does so to run its files
  // (node-gyp-build spawns node-gyp's bin by path): its bins are reached.
  for (const name of input.packageRoots ?? []) {
    if (name === input.ownName || name === `pnpapi`)
      continue;
    for (const id of input.resolveName(name)) {
      const bins = input.binsOf?.(id) ?? [];
      for (const bin of bins)
        reaches.push({id, entry: {kind: `file`, path: bin.path}, via: `locates ${name} and may run its bins`, as: name});
      if (bins.length === 0)
        unresolved.push(`locates the directory of ${name} at run time: what it does with it is not followed`);
    }
  }

  return {reaches, unresolved, refusals};
}

/**
 * What the project's node_modules puts on npm's PATH beside the bins Yarn
 * knows: the names in its node_modules/.bin, the bins the packages' registry
 * manifests declare, and the packages installed under a name whose last
 * segment is `node_modules` (their own folder is then one of npm's).
 */
export type LinkedBins = {
  /** Each name in a node_modules/.bin folder of the project (the root's, nested ones, workspaces'), with that folder. */
  linked: () => ReadonlyArray<LinkedBin>;
  known: () => ReadonlySet<string>;
  nodeModulesNamed?: () => ReadonlyArray<{as: string, locator: string}>;
};

/**
 * npx (pnpx, bunx) runs a tool of the project only when it finds one on the
 * PATH; otherwise it downloads whatever the registry serves now, outside
 * yarn.lock and the pins. `bins`: the PATH of the script the code runs in.
 */
export function npxDownloads(commands: readonly string[], bins: ReadonlyMap<string, readonly VisibleBin[]>): string[] {
  const refusals: string[] = [];
  for (const command of commands) {
    const fetcher = /^(npx|pnpx|bunx):(.+)$/.exec(command);
    if (fetcher !== null && (bins.get(fetcher[2]) ?? []).length === 0)
      refusals.push(`${fetcher[1]} ${fetcher[2]}: no dependency provides ${fetcher[2]}, so ${fetcher[1]} would download and run the registry's current ${fetcher[2]}, code that yarn.lock and the pins do not hold`);
  }
  return refusals;
}

/**
 * A name in a node_modules/.bin folder (`folder`, relative to the project)
 * and, when it is a link the node-modules linker recorded, the package and
 * file it points to, and whether that package's registry manifest declares
 * this bin with this file.
 */
export type LinkedBin = {
  name: string;
  folder: string;
  target?: {package: string | null, file: string, declares: boolean};
  /** No link, where the linker only makes links (not on Windows, where its shims are files): an archive put it there. */
  notALink?: true;
};

/**
 * Everything npm's PATH brings to install code that starts npm, pnpm or npx:
 * the bins it reaches there, and what lies on that PATH that no approval can
 * hold (folders above the project, bins only an archive declares): refusals
 * for a dependency's install code, limit lines for the project's own scripts.
 * One answer for a package's scripts and for the code they reach.
 */
export function npmPathFindings(input: {
  commands: readonly string[];
  mentions: readonly string[];
  bins: ReadonlyMap<string, readonly VisibleBin[]>;
  npmPathBins: () => ReadonlyMap<string, readonly VisibleBin[]>;
  outsideBinFolders?: () => readonly string[];
  linkedBins?: LinkedBins;
  dependency: boolean;
}): {reaches: Reach[], refusals: string[], unresolved: string[]} {
  const reaches = npmPathReaches({commands: input.commands, mentions: input.mentions, bins: input.bins, npmPathBins: input.npmPathBins, everyPathBin: input.dependency});
  const outside = npmOutsideBins({commands: input.commands, folders: input.outsideBinFolders ?? (() => []), dependency: input.dependency});
  const unlisted = input.linkedBins === undefined ? [] : [
    ...npmUnlistedBins({commands: input.commands, linked: input.linkedBins.linked, known: input.linkedBins.known}),
    ...npmNodeModulesNames({commands: input.commands, installed: input.linkedBins.nodeModulesNamed}),
  ];
  return input.dependency
    ? {reaches, refusals: [...outside.refusals, ...unlisted], unresolved: outside.unresolved}
    : {reaches, refusals: outside.refusals, unresolved: [...outside.unresolved, ...unlisted]};
}

/**
 * npm (and pnpm, npx) put the node_modules/.bin of every folder above the
 * package on the PATH of the scripts they run, the project's root too, where
 * the linker links the bins of every package it hoists. A command word may
 * then be the bin of any package of the project, and a system tool may be
 * replaced by one. In a dependency's install code every one of them is
 * reached, as the bins on Yarn's PATH are: a program the script starts
 * (cargo, a compiler, a binary) may start any of them by a default name the
 * script never writes, and no list of such names is complete (outside attack
 * rounds 12-35). Code reached from a script runs with its PATH: the caller
 * passes that script's bins as `bins`.
 */
export function npmPathReaches(input: {
  commands: readonly string[];
  mentions: readonly string[];
  /** The bins on the PATH Yarn gave the script, already reached. */
  bins: ReadonlyMap<string, readonly VisibleBin[]>;
  /** The bins npm may find in the node_modules/.bin folders it adds (asked only when npm runs). */
  npmPathBins: () => ReadonlyMap<string, readonly VisibleBin[]>;
  /** A dependency's install code: every bin on npm's PATH is reached, named or not, where npm runs something. */
  everyPathBin: boolean;
}): Reach[] {
  if (!input.commands.some(command => NPM_PATH_TOOLS.has(command) || command.startsWith(NPM_SCRIPTS) || /^(npx|pnpx):/.test(command)))
    return [];
  // Every bin only where npm runs something: `npm config ls` runs nothing
  // (napi-postinstall asks it for the registry), `npm run x`, `npm exec`, npx do.
  const everyBin = input.everyPathBin && runsNpmScripts(input.commands);
  const reaches: Reach[] = [];
  const mentioned = new Set(input.mentions);
  const via = `npm puts the node_modules/.bin folders above the package on the PATH of the scripts it runs, where the bins of hoisted packages are linked`;
  for (const [name, hoisted] of input.npmPathBins()) {
    const own = new Set((input.bins.get(name) ?? []).map(bin => `${bin.id}:${bin.path}`));
    const named = input.commands.includes(name) || mentioned.has(name);
    if (!named && !isSystemTool(name) && !everyBin)
      continue;
    const how = named ? `runs ${name}` : isSystemTool(name) ? `its bin ${name} shadows the system's ${name}` : `its bin ${name} is on that PATH, where any program the script starts may run it`;
    for (const bin of hoisted) {
      if (own.has(`${bin.id}:${bin.path}`))
        continue;
      reaches.push({id: bin.id, entry: {kind: `file`, path: bin.path}, via: `${how} (${via})`, ...(isSystemTool(name) ? {shadows: name} : {})});
    }
  }
  return reaches;
}

/** Whether install code starts npm, pnpm or npx to run something (a script, `exec`, a tool). */
function runsNpmScripts(commands: readonly string[]): boolean {
  return commands.some(command => command.startsWith(NPM_SCRIPTS) || /^(npx|pnpx):/.test(command));
}

/**
 * npm puts the node_modules/.bin of every folder from the package up to the
 * file system's root on the PATH, folders above the project too (a stray
 * `~/node_modules` left by an npm install in the home folder): their bins are
 * no package of the project, and no approval holds them (outside attack
 * round 36, M3, M5). A dependency's install code that has npm run something
 * there is refused; the project's own scripts get a limit line.
 */
export function npmOutsideBins(input: {commands: readonly string[], folders: () => readonly string[], dependency: boolean}): {refusals: string[], unresolved: string[]} {
  if (!runsNpmScripts(input.commands))
    return {refusals: [], unresolved: []};
  const refusals: string[] = [];
  const unresolved: string[] = [];
  for (const folder of input.folders()) {
    if (input.dependency)
      refusals.push(`npm puts ${folder}/node_modules/.bin on the PATH of what it runs: a folder above the project, whose bins are no package of it and no approval can be bound to; remove that folder (npm left it there), or install from a folder without one above it`);
    else
      unresolved.push(`npm puts ${folder}/node_modules/.bin on the PATH of what it runs: a folder above the project, whose bins run as your machine's programs do, without an approval`);
  }
  return {refusals, unresolved};
}

/**
 * The node-modules linker links a bin into node_modules/.bin from the
 * package.json inside the package's archive, while Yarn (and this analysis)
 * take a package's bins from its registry manifest, which the publisher
 * uploads separately: a bin only the archive declares is on npm's PATH and on
 * no model of it (manifest confusion; in-house round 37). A dependency's
 * install code that has npm run something is refused while one is there; the
 * project's own scripts get a limit line.
 */
export function npmUnlistedBins(input: {commands: readonly string[], linked: () => ReadonlyArray<LinkedBin>, known: () => ReadonlySet<string>}): string[] {
  if (!runsNpmScripts(input.commands))
    return [];
  const known = input.known();
  const refusals: string[] = [];
  for (const {name, folder, target, notALink} of input.linked()) {
    // A link to its package's file: that package's manifest decides. Any
    // other entry (a Windows shim): some manifest of the project must name it.
    if (notALink !== true && (target !== undefined ? target.declares : known.has(name)))
      continue;
    const where = notALink === true
      ? `${name} is a file where the linker only makes links: a package's archive put it there`
      : target === undefined
        ? `the linker linked ${name} from a package's own package.json although no registry manifest of the project's packages declares that bin`
        : target.package === null
          ? `${name} points to ${target.file}, in no package of the project`
          : `the linker linked ${name} to ${target.file} of ${target.package}, a bin its registry manifest does not declare (its archive's package.json does)`;
    refusals.push(`npm puts ${folder} on the PATH of what it runs, where ${where} (the two disagree: a way to hide a command); find the package with ls -l ${folder}/${name}, and remove it or have its publisher fix its manifest`);
  }
  return refusals;
}

/**
 * npm puts the node_modules/.bin of every folder above a package on the PATH
 * of what it runs, folders named node_modules included: a package installed
 * under the key `node_modules` (or `@scope/node_modules`) has its own folder
 * there, and the `.bin` folder its archive ships is on that PATH as a
 * command of nobody's manifest (outside attack round 37, M3); one under the
 * key `.bin` is such a folder itself where the pnpm linker puts it in a
 * node_modules folder of its store (round 41, D1). No project
 * needs such a key: a dependency's install code that has npm run something
 * is refused while one is installed; the project's own scripts get a limit line.
 */
export function npmNodeModulesNames(input: {commands: readonly string[], installed?: () => ReadonlyArray<{as: string, locator: string}>}): string[] {
  if (input.installed === undefined || !runsNpmScripts(input.commands))
    return [];
  return input.installed().map(({as, locator}) => `npm puts node_modules/.bin of every folder above a package on the PATH of what it runs, and ${locator} is installed under the key ${as}, ${/\.bin$/i.test(as) ? `a folder named .bin, which the pnpm linker puts in a node_modules folder: its files are` : `a folder named node_modules: whatever its archive ships in .bin is`} on that PATH, declared by no manifest; remove the dependency declared as ${as} (no package needs that key)`);
}

/**
 * True when a subpath of a package (`./../other`, `./lib/../../other`, also
 * percent-encoded as an import URL reads it) leaves the package's folder:
 * `require('dep/../other')` loads the package installed beside `dep`.
 */
export function climbsOut(subpath: string): boolean {
  let decoded = subpath;
  try {
    decoded = decodeURIComponent(subpath);
  } catch (error) {
    if (!(error instanceof URIError))
      throw error;
  }
  for (const form of new Set([subpath, decoded])) {
    let depth = 0;
    for (const segment of form.split(/[/\\]/)) {
      if (segment === `..`)
        depth -= 1;
      else if (segment !== `.` && segment !== ``)
        depth += 1;
      if (depth < 0)
        return true;
    }
  }
  return false;
}

/**
 * The bins on the PATH of a package's install scripts, as entries of its
 * fingerprint (`PATH#<name>` → which package provides it, and which file).
 * Code that builds a command at run time (`execSync(tool + ' -m')`) finds its
 * program there, so a dependency that adds or moves a bin changes what the
 * approval covers, whatever the name (`uname` as well as `node`).
 */
export function pathEntries(bins: ReadonlyMap<string, readonly VisibleBin[]>, providerName: (id: string) => string): Array<[string, string]> {
  return [...bins].map(([name, visible]): [string, string] => [
    `PATH#${name}`,
    hashBytes(visible.map(bin => `${providerName(bin.id)}:${bin.path}`).sort().join(`\n`)),
  ]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Whether a `link:`/`portal:` folder lies where Yarn installs other packages'
 * files (a `node_modules` folder, the project's `.yarn` folder with its
 * unplugged copies, Yarn's cache, global or store folders): what is there is
 * the unpacked archive of a package nobody approved, not the project's own
 * code, even though the protocol says so (outside round 51, L1). Paths are
 * portable and absolute; each spelling of the folder (as written, real) is
 * asked.
 */
export function isInstalledPackagesFolder(folder: string, {projectFolder, yarnFolders}: {projectFolder: string, yarnFolders: readonly string[]}): boolean {
  const inside = (parent: string) => folder === parent || folder.startsWith(parent.endsWith(`/`) ? parent : `${parent}/`);
  // Inside the project, only the folders below it count (a project may itself sit in a folder named node_modules).
  const project = projectFolder.replace(/\/+$/, ``);
  const below = inside(project) ? folder.slice(project.length) : folder;
  if (below.split(`/`).includes(`node_modules`))
    return true;
  return [`${projectFolder.replace(/\/+$/, ``)}/.yarn`, ...yarnFolders].some(inside);
}
