/**
 * Configuration that programs of the machine read from the folder an install
 * script runs them in (outside attack round 13, R1-R3: a rust-toolchain.toml
 * whose `path` is `/proc/self/cwd/../<sibling>` made rustup run a sibling
 * package's bin/cargo). The pure decisions, then the analysis of a package
 * that ships such a file.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {ANY_PROGRAM, TOOL_CONFIGURATION_FILES, ancestorFileNamesCode, placesNamed, placesOutside, toolReading, tsconfigPlacesOutside, workingFolderParent} from '../../sources/installScripts/policy/toolConfiguration';
import {memoryPackage} from './support/memoryPackage';

function analysed(files: Record<string, string>, postinstall = `cargo --version`, everyFile = true) {
  const manifest = {name: `zqtool`, version: `1.0.0`, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), everyFile});
}

describe(`configuration that programs read from the working folder`, () => {
  describe(`toolReading`, () => {
    for (const [path, tool] of [
      [`rust-toolchain.toml`, `rustup`],
      [`native/rust-toolchain`, `rustup`],
      [`.cargo/config.toml`, `cargo`],
      [`crate/.cargo/config`, `cargo`],
      [`Cargo.toml`, `cargo`],
      [`.tool-versions`, `asdf and mise`],
      [`mise.toml`, `mise`],
      [`.mise.local.toml`, `mise`],
      [`.config/mise/config.toml`, `mise`],
      [`.git`, `git`],
      [`.git/config`, `git`],
      [`.envrc`, `direnv`],
      [`pyvenv.cfg`, `python`],
      [`bunfig.toml`, `bun`],
      [`.bundle/config`, `bundler`],
    ] as Array<[string, string]>) {
      it(`knows ${path} is read by ${tool}, and that it can name code`, () => {
        assert.deepEqual(toolReading(path), {tool, namesCode: true});
      });
    }

    it(`knows version files only name versions`, () => {
      assert.equal(toolReading(`.nvmrc`)?.namesCode, false);
      assert.equal(toolReading(`go.mod`)?.namesCode, false);
      assert.equal(toolReading(`sub/.python-version`)?.namesCode, false);
    });

    for (const [path, tool] of [
      [`pyproject.toml`, `Python's build tools (pip, uv, poetry)`],
      [`py/uv.toml`, `Python's build tools (pip, uv, poetry)`],
      [`Gemfile`, `bundler`],
      [`.yarnrc`, `yarn 1`],
    ] as Array<[string, string]>) {
      it(`knows ${path} is read by ${tool}, and that it can name code`, () => {
        assert.deepEqual(toolReading(path), {tool, namesCode: true});
      });
    }

    it(`reads pnpm's workspace files, Deno's and composer's configuration for paths that climb out`, () => {
      assert.deepEqual(toolReading(`pnpm-workspace.yaml`), {tool: `pnpm`, namesCode: true, climbingOnly: true});
      assert.deepEqual(toolReading(`.pnpmfile.cjs`), {tool: `pnpm`, namesCode: true, climbingOnly: true});
      assert.deepEqual(toolReading(`deno.json`), {tool: `deno`, namesCode: false, climbingOnly: true});
      assert.deepEqual(toolReading(`composer.json`), {tool: `composer`, namesCode: false, climbingOnly: true});
      assert.equal(toolReading(`requirements-dev.txt`)?.namesCode, false);
    });

    it(`reads CMake's presets, whose toolchainFile cmake --preset runs`, () => {
      assert.deepEqual(toolReading(`CMakeUserPresets.json`), {tool: `cmake`, namesCode: false, climbingOnly: true});
      assert.deepEqual(placesOutside(`CMakePresets.json`, `{"toolchainFile": "\${sourceDir}/../zqsib/t.cmake"}`, {climbingOnly: true}), [`/../zqsib/t.cmake`]);
    });

    it(`reads any other configuration-shaped file for paths that climb out, whoever reads it`, () => {
      for (const path of [`.babelrc`, `.foorc`, `toolchain.toml`, `.gitignore`, `conf/app.ini`, `x.yaml`, `.config/tool.json5`, `lint.config.json`, `.swcrc.json`, `.zqlint/config`, `lib/pkgconfig/x.pc`, `gcc.specs`, `link.ld`])
        assert.deepEqual(toolReading(path), {tool: ANY_PROGRAM, namesCode: false, climbingOnly: true}, path);
    });

    it(`ignores code, data and the inside of a git folder (refused as a whole)`, () => {
      for (const path of [`rust-toolchain.json`, `lib/cargo.js`, `.git/hooks/pre-commit`, `mise.js`, `tsconfig.json`, `data.json`, `README.md`])
        assert.equal(toolReading(path), null, path);
    });

    it(`refuses a dependency's pyproject.toml whose backend-path leaves the package (pip imports the backend from there)`, () => {
      const analysis = analysed({[`pyproject.toml`]: `[build-system]\nrequires = []\nbuild-backend = "zq"\nbackend-path = ["../zqsib"]\n`}, `pip install .`);
      assert.deepEqual(analysis.foreignRuns, [`pyproject.toml, read by Python's build tools (pip, uv, poetry) from the folder it runs in, names ../zqsib, outside the package`]);
    });

    it(`refuses a plugin path that climbs out of the package in a tool's rc file it does not know`, () => {
      const analysis = analysed({[`.babelrc`]: `{"plugins": ["../zqsib/plugin"]}`}, `babel src -d lib`);
      assert.deepEqual(analysis.foreignRuns, [`.babelrc, a configuration file that a program may read, names ../zqsib/plugin, outside the package`]);
    });

    it(`reads a path in an rc file of a subfolder from the package's root too: a program run there may take it so`, () => {
      assert.deepEqual(placesOutside(`conf/.zqlintrc`, `{"plugins": ["../zqsib/p.js"]}`, {climbingOnly: true}), []);
      assert.deepEqual(placesOutside(`conf/.zqlintrc`, `{"plugins": ["../zqsib/p.js"]}`, {climbingOnly: true, fromRoot: true}), [`../zqsib/p.js`]);
      const analysis = analysed({[`conf/.zqlintrc`]: `{"plugins": ["../zqsib/p.js"]}`}, `zqlint --config conf/.zqlintrc`);
      assert.deepEqual(analysis.foreignRuns, [`conf/.zqlintrc, a configuration file that a program may read, names ../zqsib/p.js, outside the package`]);
    });

    it(`leaves a tsconfig.json that extends the monorepo's (tsc runs no code it names) and rc files that stay inside`, () => {
      const analysis = analysed({[`install.js`]: `1`, [`tsconfig.json`]: `{"extends": "../../tsconfig"}`, [`.babelrc`]: `{"plugins": ["./lib/plugin"]}`, [`.npmignore`]: `src\n`}, `node install.js`);
      assert.deepEqual(analysis.foreignRuns, []);
    });

    it(`lists every file name it knows for the folders above a package`, () => {
      for (const name of TOOL_CONFIGURATION_FILES)
        assert.notEqual(toolReading(name), null, name);
    });
  });

  describe(`placesOutside`, () => {
    it(`finds the working folder's other name climbing out (the attack)`, () => {
      assert.deepEqual(placesOutside(`rust-toolchain.toml`, `[toolchain]\npath = "/proc/self/cwd/../zq18-rtgt"\n`), [`/proc/self/cwd/../zq18-rtgt`]);
    });

    for (const [text, place] of [
      [`path = "/proc/self/cwd/zqsib"`, `/proc/self/cwd/zqsib`],
      [`path = "/home/runner/work/app/app/node_modules/zqsib"`, `/home/runner/work/app/app/node_modules/zqsib`],
      [`nodejs path:/tmp/zqnode`, `path:/tmp/zqnode`],
      [`[build]\nrustc-wrapper = "../zqsib/wrap.sh"`, `../zqsib/wrap.sh`],
      [`[build]\nrustc-wrapper = "../../zqsib/wrap.sh"`, `../../zqsib/wrap.sh`],
      [`paths = ["../../zqsib"]`, `../../zqsib`],
      [`rustc = "$INIT_CWD/node_modules/zqsib/rustc"`, `$INIT_CWD/node_modules/zqsib/rustc`],
      [`runner = "\${PWD}/x"`, `\${PWD}/x`],
      [`linker = "%APPDATA%\\x.exe"`, `%APPDATA%\\x.exe`],
      [`linker = "~/x"`, `~/x`],
      [`gitdir: file:///proc/self/cwd/../zqsib/.git`, `/proc/self/cwd/../zqsib/.git`],
      [`linker = "/usr/../proc/self/cwd/../x"`, `/usr/../proc/self/cwd/../x`],
      [`linker = "C:/Users/x/evil.exe"`, `C:/Users/x/evil.exe`],
    ] as Array<[string, string]>) {
      it(`finds ${place} in ${JSON.stringify(text)}`, () => {
        const found = placesOutside(`.cargo/config.toml`, text);
        assert.ok(found.some(token => token.includes(place) || place.includes(token)), JSON.stringify(found));
      });
    }

    it(`resolves relative paths from the file's own folder: inside the package, they stay quiet`, () => {
      assert.deepEqual(placesOutside(`native/crate/Cargo.toml`, `[dependencies]\nshared = {path = "../shared"}\n`), []);
      assert.deepEqual(placesOutside(`native/Cargo.toml`, `[dependencies]\nshared = {path = "../../x"}\n`), [`../../x`]);
    });

    it(`leaves versions, names, URLs and the machine's own folders alone`, () => {
      const text = `[toolchain]\nchannel = "1.75.0"\ncomponents = ["rustfmt", "clippy"]\ntargets = ["x86_64-unknown-linux-gnu"]\n` +
        `[target.x86_64-unknown-linux-gnu]\nlinker = "/usr/bin/clang"\nrustflags = ["-C", "link-arg=-fuse-ld=lld"]\n` +
        `[registries]\nx = {index = "https://example.com/index"}\ndescription = "fast... and / small"\n`;
      assert.deepEqual(placesOutside(`.cargo/config.toml`, text), []);
      assert.deepEqual(placesOutside(`.nvmrc`, `lts/iron\n`), []);
      assert.deepEqual(placesOutside(`.tool-versions`, `nodejs 20.11.0\npython 3.12.1 system\n`), []);
    });
  });

  describe(`escapes and the working folder's parent in any file`, () => {
    it(`reads TOML's \\u escapes: a path spelled with them is found`, () => {
      assert.ok(placesOutside(`rust-toolchain.toml`, `path = "\\u002fproc/self/cwd/..\\u002fzq"`).includes(`/proc/self/cwd/../zq`));
    });

    for (const text of [`include /proc/self/cwd/../zq/x.mk`, `x=/proc/thread-self/cwd/..`, `"/proc/1234/cwd/../zq"`, `/proc//self//cwd//../x`,
      `/proc/self/cwd/./../zq`, `/proc/self/cwd/x/../../zq`, `/proc/./self/cwd/..`, `/proc/1/task/1/cwd/../zq`, `/dev/fd/../cwd/../zq`, `/proc/self/root/proc/self/cwd/..`]) {
      it(`finds the folder above the working folder in ${JSON.stringify(text)}`, () => {
        assert.notEqual(workingFolderParent(Buffer.from(`prefix ${text} suffix`)), null);
      });
    }

    it(`leaves the working folder itself and other /proc paths alone`, () => {
      for (const text of [`/proc/self/cwd/x.js`, `/proc/self/cwd/...x`, `/proc/self/environ`, `cwd/..`, `/proc/self/cwdx/..`, `/proc/self/cwd/x/../y`, `src/cwd/../x`, `/proc/self/cwd ..`])
        assert.equal(workingFolderParent(Buffer.from(text)), null, text);
    });

    it(`refuses a dependency whose any file names it (a makefile, a file no known tool reads)`, () => {
      const analysis = analysed({[`Makefile`]: `include /proc/self/cwd/../zqsib/x.mk\n`}, `make`);
      assert.ok(analysis.foreignRuns.includes(`Makefile names /proc/self/cwd/../zqsib/x.mk, in the folder above the one a program runs in: for a script of the package, outside it`), analysis.foreignRuns.join());
    });
  });

  it(`reads XML character references and percent-encoded dots as the paths they spell`, () => {
    assert.ok(placesOutside(`Directory.Build.props`, `<Import Project="&#46;&#46;/zqsib/x.props" />`).length > 0);
    assert.ok(placesOutside(`Directory.Build.props`, `<Import Project="&#x2e;&#x2E;/zqsib/x.props" />`).length > 0);
    assert.ok(placesOutside(`.zqlintrc`, `{"plugins": ["file:%2e%2e/zqsib/p.js"]}`, {climbingOnly: true}).length > 0);
    assert.ok(placesOutside(`.zqlintrc`, `{"plugins": ["%2E%2E%2Fzqsib/p.js"]}`, {climbingOnly: true}).length > 0);
    assert.deepEqual(placesOutside(`.zqlintrc`, `{"plugins": ["./p%2ejs", "&#46;/p.js"]}`, {climbingOnly: true}), []);
  });

  describe(`outside round 14 (/work/attack20)`, () => {
    it(`F8-F10, F41: joins a line that ends with a backslash to the next, as TOML's multi-line strings do`, () => {
      assert.ok(placesOutside(`rust-toolchain.toml`, `[toolchain]\npath = """/dev/fd/.\\\n  ./cwd/../zqsib"""\n`).length > 0);
      assert.ok(placesOutside(`Cargo.toml`, `[package]\nbuild = """.\\\n  ./zqsib/cb/build.rs"""\n`).length > 0);
    });

    it(`F16: joins a git value continued on the next line`, () => {
      assert.ok(placesOutside(`.gitconfig`, `[core]\n\tfsmonitor = .\\\n./zqsib/bin/cargo\n`).length > 0);
    });

    for (const file of [`.git/config`, `.git/config.worktree`, `.git/commondir`, `HEAD`, `repo/HEAD`]) {
      it(`F25, F26, F29-F31: refuses a dependency that ships a git repository (${file})`, () => {
        const analysis = analysed({[file]: `ref: refs/heads/main\n`}, `git status`);
        assert.ok(analysis.foreignRuns.some(line => line.includes(`the package ships a git repository`)), analysis.foreignRuns.join());
      });
    }

    it(`F35: reads maven's .mvn/jvm.config, and finds a path outside the package`, () => {
      assert.equal(toolReading(`.mvn/jvm.config`)?.tool, `maven`);
      assert.ok(analysed({[`.mvn/jvm.config`]: `-javaagent:../zqsib/a.jar\n`}, `mvn -v`).foreignRuns.length > 0);
    });

    it(`F18-F21: refuses a makefile or a CMake file that includes a file outside the package, and leaves its variables alone`, () => {
      assert.ok(analysed({[`Makefile`]: `include ../zqsib/x.mk\n`}, `make`).foreignRuns.length > 0);
      assert.ok(analysed({[`x.cmake`]: `include(../zqsib/x.cmake)\n`}, `cmake -P x.cmake`).foreignRuns.length > 0);
      assert.deepEqual(analysed({[`Makefile`]: `all:\n\t$(CC) -o $@ $(SRC) -I/usr/include\n`, [`sub/CMakeLists.txt`]: `include(../common.cmake)\nset(X \${CMAKE_SOURCE_DIR}/lib)\n`, [`common.cmake`]: ``}, `make`).foreignRuns, []);
    });

    it(`F22, F35, F44: a folder above the package holding maven's or a bare repository's files is another package's`, () => {
      for (const name of [`.mvn/jvm.config`, `HEAD`, `settings.gradle`, `Directory.Build.props`])
        assert.ok(TOOL_CONFIGURATION_FILES.includes(name) && ancestorFileNamesCode(name, ``), name);
    });
  });

  describe(`in a folder of another package above the one whose script runs`, () => {
    it(`any file that can name code is foreign, whatever it says`, () => {
      assert.equal(ancestorFileNamesCode(`rust-toolchain.toml`, `[toolchain]\nchannel = "stable"\n`), true);
      assert.equal(ancestorFileNamesCode(`.cargo/config.toml`, ``), true);
    });

    it(`a version file is foreign only when a value is a path`, () => {
      assert.equal(ancestorFileNamesCode(`.nvmrc`, `lts/iron\n`), false);
      assert.equal(ancestorFileNamesCode(`.nvmrc`, `20.11.0\n`), false);
      assert.equal(ancestorFileNamesCode(`.nvmrc`, `path:./node\n`), true);
      assert.equal(ancestorFileNamesCode(`.node-version`, `/opt/zq/node\n`), true);
      assert.deepEqual(placesNamed(`nodejs ./bin ../x $X ~/y`), [`./bin`, `../x`, `$X`, `~/y`]);
    });

    it(`other files are not its business`, () => {
      assert.equal(ancestorFileNamesCode(`README.md`, `path:/x`), false);
    });
  });

  describe(`a dependency that ships one`, () => {
    it(`is refused when its rust-toolchain.toml names the sibling package through /proc/self/cwd (round 13, R1)`, () => {
      const analysis = analysed({[`rust-toolchain.toml`]: `[toolchain]\npath = "/proc/self/cwd/../zq18-rtgt"\n`});
      assert.ok(analysis.foreignRuns.includes(`rust-toolchain.toml, read by rustup from the folder it runs in, names /proc/self/cwd/../zq18-rtgt, outside the package`), analysis.foreignRuns.join());
    });

    it(`is refused for an absolute path into the project, in any folder of the package (cd sub && cargo)`, () => {
      const analysis = analysed({[`native/.cargo/config.toml`]: `[build]\nrustc-wrapper = "/home/runner/work/app/app/node_modules/zqsib/w"\n`}, `cd native && cargo build`);
      assert.equal(analysis.foreignRuns.length, 1, analysis.foreignRuns.join());
      assert.match(analysis.foreignRuns[0], /^native\/\.cargo\/config\.toml, read by cargo/);
    });

    it(`is refused when such a file sits in a folder the archive ships under node_modules`, () => {
      const analysis = analysed({[`node_modules/zqb/.tool-versions`]: `nodejs path:~/zqnode\n`});
      assert.deepEqual(analysis.foreignRuns, [`node_modules/zqb/.tool-versions, read by asdf and mise from the folder it runs in, names path:~/zqnode, outside the package`]);
    });

    it(`binds the file and passes when it names nothing outside the package`, () => {
      const analysis = analysed({[`rust-toolchain.toml`]: `[toolchain]\nchannel = "1.75.0"\n`, [`.nvmrc`]: `20\n`});
      assert.deepEqual(analysis.foreignRuns, []);
      assert.ok(`rust-toolchain.toml` in analysis.fingerprint.files);
    });

    it(`leaves a workspace's own configuration to the project`, () => {
      const analysis = analysed({[`rust-toolchain.toml`]: `[toolchain]\npath = "/opt/rust"\n`, [`.cargo/config.toml`]: `[build]\nrustc-wrapper = "/home/me/sccache"\n`}, `cargo build`, false);
      assert.deepEqual(analysis.foreignRuns, []);
    });
  });
});

describe(`tsconfig.json's module paths, which tsx and ts-node resolve imports through`, () => {
  it(`finds a path or a baseUrl that leaves the package, relative to baseUrl when it is set`, () => {
    assert.deepEqual(tsconfigPlacesOutside(`tsconfig.json`, `{"compilerOptions": {"paths": {"zqx": ["../zqsib/x.ts"]}}}`), [`../zqsib/x.ts`]);
    assert.deepEqual(tsconfigPlacesOutside(`tsconfig.json`, `{"compilerOptions": {"baseUrl": ".."}}`), [`..`]);
    assert.deepEqual(tsconfigPlacesOutside(`tsconfig.json`, `{"compilerOptions": {"baseUrl": "./src", "paths": {"x": ["../../zqsib/x"]}}}`), [`../../zqsib/x`]);
    assert.deepEqual(tsconfigPlacesOutside(`sub/tsconfig.build.json`, `{"compilerOptions": {"rootDirs": ["../../zq"]}}`), [`../../zq`]);
  });

  it(`reads JSON with comments and trailing commas, as tsc does`, () => {
    assert.deepEqual(tsconfigPlacesOutside(`tsconfig.json`, `{\n  // the monorepo's\n  "compilerOptions": {"paths": {"x": ["../zqsib/x", ], }, /* end */},\n}`), [`../zqsib/x`]);
  });

  it(`leaves extends, paths that stay inside and files of other names alone`, () => {
    assert.deepEqual(tsconfigPlacesOutside(`tsconfig.json`, `{"extends": "../../tsconfig.json", "compilerOptions": {"baseUrl": "./src", "paths": {"@/*": ["../lib/*"], "u": ["http://x//y"]}}}`), []);
    assert.deepEqual(tsconfigPlacesOutside(`settings.json`, `{"compilerOptions": {"paths": {"x": ["../zqsib/x"]}}}`), []);
    assert.deepEqual(tsconfigPlacesOutside(`tsconfig.json`, `{ not json`), []);
  });

  it(`refuses a dependency whose tsconfig.json sends an import to the package next door`, () => {
    const analysis = analysed({[`i.ts`]: `import 'zqx';\n`, [`tsconfig.json`]: `{"compilerOptions": {"paths": {"zqx": ["../zqsib/x.ts"]}}}`}, `tsx i.ts`);
    assert.deepEqual(analysis.foreignRuns, [`tsconfig.json, whose module paths tsx and ts-node resolve imports through, names ../zqsib/x.ts, outside the package`]);
  });
});
