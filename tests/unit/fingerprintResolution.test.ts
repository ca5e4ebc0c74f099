import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';

import {
  analyzeEntries,
  analyzeInstall,
  diffFingerprints,
  installCommands,
  sameFingerprint,
  type AnalysisEntry,
  type InstallAnalysis,
} from '../../sources/installScripts/policy/fingerprint';

import {type Contents, memoryPackage} from './support/memoryPackage';

function sha(content: string | Buffer): string {
  return `sha512-${createHash(`sha512`).update(content).digest(`base64`)}`;
}

/** How a consulted manifest field is recorded: the hash of its canonical JSON. */
function field(value: unknown): string {
  return sha(value === undefined ? `null` : JSON.stringify(value));
}

/** Analyse a package the way the plugin does: commands from the manifest scripts, binding.gyp from the files. */
function analyse(manifest: Record<string, unknown>, contents: Contents): InstallAnalysis {
  const scripts = (manifest.scripts ?? {}) as Record<string, string>;
  const {commands} = installCommands(scripts, Object.prototype.hasOwnProperty.call(contents, `binding.gyp`));
  return analyzeInstall({commands, manifestScripts: scripts, manifest, files: memoryPackage(contents, {listing: false})});
}

/** Named for every binding.gyp: node-gyp's gyp is Python, which the analysis does not follow. */
const GYP_PYTHON = `binding.gyp: read by node-gyp's own gyp, Python code that is not analysed`;

function keysOf(analysis: InstallAnalysis): Array<string> {
  return Object.keys(analysis.fingerprint.files);
}

describe(`analyzeInstall`, () => {
  describe(`when node runs the package directory (node .)`, () => {
    const contents: Contents = {'lib/start.js': `require('./util')`, 'lib/util.js': `u`, 'index.js': `decoy`, 'evil.js': `steal()`};

    it(`follows package.json main instead of index.js and records main`, () => {
      const analysis = analyse({main: `lib/start.js`, scripts: {postinstall: `node .`}}, contents);
      assert.deepEqual(keysOf(analysis), [`lib/start.js`, `lib/util.js`, `package.json#main`, `package.json#type`]);
      assert.equal(analysis.fingerprint.files[`package.json#main`], field(`lib/start.js`));
    });

    it(`changes the fingerprint when a release points main at other code`, () => {
      const before = analyse({main: `lib/start.js`, scripts: {postinstall: `node .`}}, contents).fingerprint;
      const after = analyse({main: `evil.js`, scripts: {postinstall: `node .`}}, contents).fingerprint;
      assert.deepEqual(diffFingerprints(before, after).files, {added: [`evil.js`], removed: [`lib/start.js`, `lib/util.js`], changed: [`package.json#main`]});
    });

    it(`keeps the fingerprint when only the version and unconsulted fields change`, () => {
      const before = analyse({version: `1.0.0`, main: `lib/start.js`, scripts: {postinstall: `node .`}}, contents).fingerprint;
      const after = analyse({version: `1.0.1`, description: `new`, browser: `./b.js`, main: `lib/start.js`, scripts: {postinstall: `node .`}}, contents).fingerprint;
      assert.equal(sameFingerprint(before, after), true);
    });

    it(`records an absent main and falls back to index.js`, () => {
      const analysis = analyse({scripts: {postinstall: `node .`}}, contents);
      assert.deepEqual(keysOf(analysis), [`index.js`, `package.json#main`, `package.json#type`]);
      assert.equal(analysis.fingerprint.files[`package.json#main`], field(undefined));
    });

    it(`tries main with extensions and as a directory, as Node does`, () => {
      assert.deepEqual(keysOf(analyse({main: `./lib/start`, scripts: {postinstall: `node ./`}}, contents)).filter(key => !key.includes(`#`)), [`lib/start.js`, `lib/util.js`]);
      assert.deepEqual(keysOf(analyse({main: `dist`, scripts: {postinstall: `node .`}}, {'dist/index.js': `d`})).filter(key => !key.includes(`#`)), [`dist/index.js`]);
    });
  });

  describe(`when a directory has its own package.json`, () => {
    const contents: Contents = {'lib/package.json': `{"main": "./entry.cjs"}`, 'lib/entry.cjs': `e`, 'lib/index.js': `decoy`};

    it(`node lib follows the nested main and hashes the nested package.json`, () => {
      const analysis = analyse({scripts: {postinstall: `node lib`}}, contents);
      assert.deepEqual(keysOf(analysis), [`lib/entry.cjs`, `lib/package.json`]);
    });

    it(`require('./lib') does the same`, () => {
      const analysis = analyse({scripts: {postinstall: `node install.cjs`}}, {...contents, 'install.cjs': `require('./lib')`});
      assert.deepEqual(keysOf(analysis), [`install.cjs`, `lib/entry.cjs`, `lib/package.json`]);
    });

    it(`refuses a main that import reads as a URL to another file than require does (%2e%2e, a tab: outside round 54, A3)`, () => {
      for (const main of [`%2e%2e/zqhelp/index.js`, `.%2E/x/index.js`, `.\t./zqhelp/index.js`])
        assert.throws(() => analyse({main, scripts: {postinstall: `node install.cjs`}}, {'install.cjs': `require('.')`, 'index.js': `decoy`}), /names .* for import and another file for require/, main);
      // Spaces and other characters a URL encodes and decodes alike are no difference.
      assert.deepEqual(keysOf(analyse({main: `lib/my entry.js`, scripts: {postinstall: `node install.cjs`}}, {'install.cjs': `require('.')`, 'lib/my entry.js': `m`})), [`install.cjs`, `lib/my entry.js`, `package.json#main`, `package.json#type`]);
    });

    it(`takes a require of the name of a nested package.json whose exports is null for a dependency, as Node does (outside round 54, A1)`, () => {
      const analysis = analyse({name: `zqbuild`, scripts: {postinstall: `node tools/setup.js`}}, {'tools/setup.js': `require('zqhelp')`, 'tools/package.json': `{"name": "zqhelp", "exports": null}`});
      assert.deepEqual(analysis.modules, [`zqhelp`]);
    });

    it(`refuses a main, nested or the package's own, that leads into node_modules or out of the package (Node loads it, not the index: outside round 53, D1, D2)`, () => {
      const nested = {'lib/package.json': `{"main": "../node_modules/zqhelper/index.js"}`, 'lib/index.js': `decoy`};
      assert.throws(() => analyse({scripts: {postinstall: `node lib`}}, nested), /lib\/package\.json: main "\.\.\/node_modules\/zqhelper\/index\.js" leads into node_modules\/zqhelper\/index\.js, another package's folder/);
      assert.throws(() => analyse({scripts: {postinstall: `node lib`}}, {'lib/package.json': `{"main": "../../x/index.js"}`, 'lib/index.js': `decoy`}), /main "\.\.\/\.\.\/x\/index\.js" leads out of the package/);
      assert.throws(() => analyse({main: `node_modules/zqhelper/index.js`, scripts: {postinstall: `node install.cjs`}}, {'install.cjs': `require('.')`, 'index.js': `decoy`}), /package\.json: main "node_modules\/zqhelper\/index\.js" leads into/);
    });

    it(`changes the fingerprint when a release adds a nested package.json with a main`, () => {
      const before = analyse({scripts: {postinstall: `node ./lib/`}}, {'lib/index.js': `i`, 'lib/evil.js': `steal()`}).fingerprint;
      const after = analyse({scripts: {postinstall: `node ./lib/`}}, {'lib/index.js': `i`, 'lib/evil.js': `steal()`, 'lib/package.json': `{"main": "evil.js"}`}).fingerprint;
      assert.deepEqual(diffFingerprints(before, after).files.added, [`lib/evil.js`, `lib/package.json`]);
    });

    it(`uses the nested package.json type for files below it, and not the root one`, () => {
      const analysis = analyse({scripts: {postinstall: `node lib/x.js`}}, {'lib/package.json': `{"type": "module"}`, 'lib/x.js': `x`});
      assert.deepEqual(keysOf(analysis), [`lib/package.json`, `lib/x.js`]);
    });
  });

  describe(`when code imports subpath imports (#x)`, () => {
    const imports = {
      '#impl': {browser: `./src/browser.js`, node: `./src/node.js`, default: `./src/other.js`},
      '#util/*': `./src/util/*.js`,
      '#dep': `dep-pkg/sub`,
      '#fs': `node:fs`,
    };
    const contents: Contents = {
      'install.cjs': `require('#impl'); require('#util/a'); require('#util/deep/b'); require('#dep'); require('#fs'); require('#missing')`,
      'src/browser.js': `b`, 'src/node.js': `n`, 'src/other.js': `o`, 'src/util/a.js': `a`, 'src/util/deep/b.js': `b`,
    };

    it(`follows every target Node may pick, patterns included, and browser's too (node -C browser sets it: outside round 51, C1)`, () => {
      const analysis = analyse({imports, scripts: {postinstall: `node install.cjs`}}, contents);
      assert.deepEqual(keysOf(analysis), [`install.cjs`, `package.json#imports`, `package.json#type`, `src/browser.js`, `src/node.js`, `src/other.js`, `src/util/a.js`, `src/util/deep/b.js`]);
      assert.equal(analysis.fingerprint.files[`package.json#imports`], sha(`{"#dep":"dep-pkg/sub","#fs":"node:fs","#impl":{"browser":"./src/browser.js","default":"./src/other.js","node":"./src/node.js"},"#util/*":"./src/util/*.js"}`));
    });

    it(`reports a package an import maps to under browser or types only (node -C browser loads it: outside round 51, C1)`, () => {
      const analysis = analyse({imports: {'#helper': {browser: `zqhelper`, types: {default: `zqtypes`}, default: `./helper.js`}}, scripts: {postinstall: `node -C browser install.cjs`}}, {'install.cjs': `require('#helper')`, 'helper.js': `h`});
      assert.deepEqual(analysis.modules, [`zqhelper`, `zqtypes`]);
    });

    it(`reports an import mapped to another package as a module, and one that matches nothing as unresolved`, () => {
      const analysis = analyse({imports, scripts: {postinstall: `node install.cjs`}}, contents);
      assert.deepEqual(analysis.modules, [`dep-pkg/sub`]);
      assert.deepEqual(analysis.unresolved, [`install.cjs: #missing matches no entry of package.json imports`]);
    });

    it(`changes the fingerprint when a release remaps an import`, () => {
      const before = analyse({imports, scripts: {postinstall: `node install.cjs`}}, contents).fingerprint;
      const after = analyse({imports: {...imports, '#impl': `./src/remapped.js`}, scripts: {postinstall: `node install.cjs`}}, {...contents, 'src/remapped.js': `r`}).fingerprint;
      assert.equal(sameFingerprint(before, after), false);
      assert.deepEqual(diffFingerprints(before, after).files.added, [`src/remapped.js`]);
    });
  });

  describe(`when code requires its own package by name (self-reference)`, () => {
    const exports = {
      '.': `./main.js`,
      './feature': {types: `./feature.d.ts`, import: `./esm/feature.mjs`, 'module-sync': {node: `./sync.mjs`}, require: `./cjs/feature.cjs`},
      './internal/*': null,
    };
    const contents: Contents = {
      'install.cjs': `require('self-pkg/feature'); require('self-pkg/internal/x')`,
      'main.js': `m`, 'feature.d.ts': `t`, 'esm/feature.mjs': `e`, 'sync.mjs': `s`, 'cjs/feature.cjs': `c`, 'internal/x.js': `i`,
    };

    it(`resolves it through exports with every condition Node may use, nested ones included`, () => {
      const analysis = analyse({name: `self-pkg`, exports, scripts: {postinstall: `node install.cjs`}}, contents);
      assert.deepEqual(keysOf(analysis), [`cjs/feature.cjs`, `esm/feature.mjs`, `feature.d.ts`, `install.cjs`, `package.json#exports`, `package.json#type`, `sync.mjs`]);
      // Named too: a dependency declared under the package's own name is what PnP loads (F32).
      assert.deepEqual(analysis.modules, [`self-pkg/feature`, `self-pkg/internal/x`]);
    });

    it(`resolves it through main and plain paths when there is no exports field`, () => {
      const analysis = analyse({name: `self-pkg`, main: `main.js`, scripts: {postinstall: `node install.cjs`}}, {'install.cjs': `require('self-pkg'); require('self-pkg/internal/x')`, 'main.js': `m`, 'internal/x.js': `x`});
      assert.deepEqual(keysOf(analysis), [`install.cjs`, `internal/x.js`, `main.js`, `package.json#exports`, `package.json#main`, `package.json#type`]);
    });
  });

  describe(`when package.json type decides how .js files run`, () => {
    it(`records type for .js entries and changes when a release flips it`, () => {
      const before = analyse({scripts: {postinstall: `node install.js`}}, {'install.js': `i`}).fingerprint;
      const after = analyse({type: `module`, scripts: {postinstall: `node install.js`}}, {'install.js': `i`}).fingerprint;
      assert.deepEqual(diffFingerprints(before, after).files.changed, [`package.json#type`]);
      assert.equal(after.files[`package.json#type`], field(`module`));
    });

    it(`does not consult it for .cjs and .mjs files, whose format is fixed`, () => {
      const analysis = analyse({type: `module`, scripts: {postinstall: `node a.cjs && node b.mjs`}}, {'a.cjs': `a`, 'b.mjs': `b`});
      assert.deepEqual(keysOf(analysis), [`a.cjs`, `b.mjs`]);
    });
  });

  describe(`when an ESM entry imports files and packages`, () => {
    it(`follows static and dynamic imports and reports bare ones`, () => {
      const analysis = analyse({type: `module`, scripts: {postinstall: `node install.mjs`}}, {
        'install.mjs': `import a from './lib/a.js';\nimport {x} from "dep-a";\nawait import('@scope/dep-b/sub/path.js');\nimport 'node:fs';\nimport path from 'path';`,
        'lib/a.js': `export default 1`,
      });
      assert.deepEqual(keysOf(analysis), [`install.mjs`, `lib/a.js`, `package.json#type`]);
      assert.deepEqual(analysis.modules, [`@scope/dep-b/sub/path.js`, `dep-a`]);
    });
  });

  describe(`when binding.gyp runs commands while gyp reads it`, () => {
    const gyp = [
      `# comment with 'quotes' and <!(node not-run.js)`,
      `{`,
      `  'includes': ['build/common.gypi'],`,
      `  'targets': [{`,
      `    'target_name': 'addon',`,
      `    "sources": ["src/addon.cc"],`,
      `    'include_dirs': ["<!(node <(module_root_dir)/tools/helper.js)", '<!@(node -p "require(\\'node-addon-api\\').include")',],`,
      `    'actions': [{'action_name': 'gen', 'action': ['node', 'tools/gen.js', '<@(_inputs)']}],`,
      `  }],`,
      `}`,
    ].join(`\n`);
    const contents: Contents = {
      'binding.gyp': gyp,
      'build/common.gypi': `{'variables': {'x': '<!(sh ../tools/detect.sh)'}, 'includes': ['../more.gypi']}`,
      'more.gypi': `{'variables': {'y': '<!(node tools/more.js)'}}`,
      'tools/helper.js': `require('./shared')`,
      'tools/shared.js': `s`,
      'tools/gen.js': `g`,
      'tools/detect.sh': `#!/bin/sh`,
      'tools/more.js': `m`,
      'not-run.js': `n`,
    };

    it(`hashes binding.gyp, its includes, and what their expansions and actions run`, () => {
      const analysis = analyse({}, contents);
      assert.deepEqual(keysOf(analysis), [`binding.gyp`, `build/common.gypi`, `more.gypi`, `package.json#type`, `tools/detect.sh`, `tools/gen.js`, `tools/helper.js`, `tools/more.js`, `tools/shared.js`]);
    });

    it(`reports the commands and modules the expansions use`, () => {
      const analysis = analyse({}, contents);
      assert.deepEqual(analysis.commands, [`node`, `node-gyp`, `sh`]);
      assert.deepEqual(analysis.modules, [`node-addon-api`]);
      assert.deepEqual(analysis.unresolved, [GYP_PYTHON, `tools/detect.sh: shell script, hashed and read only for the bins and node_modules files it names (a command it builds at run time is not followed)`]);
    });

    it(`changes the fingerprint when a file an expansion runs changes, binding.gyp being identical`, () => {
      const before = analyse({}, contents).fingerprint;
      const after = analyse({}, {...contents, 'tools/helper.js': `require('./shared'); steal()`}).fingerprint;
      assert.deepEqual(diffFingerprints(before, after).files.changed, [`tools/helper.js`]);
    });

    it(`hashes an unparseable binding.gyp, reports it, and still follows the expansions in its text`, () => {
      const analysis = analyse({}, {'binding.gyp': `{'targets': [<!(node tools/helper.js)`, 'tools/helper.js': `h`});
      assert.deepEqual(keysOf(analysis), [`binding.gyp`, `package.json#type`, `tools/helper.js`]);
      assert.equal(analysis.unresolved.length, 2);
      assert.match(analysis.unresolved[0], /^binding\.gyp: could not parse binding\.gyp/);
      assert.equal(analysis.unresolved[1], GYP_PYTHON);
    });

    it(`reports Python run through pymod_do_main, and refuses includes that climb out of the package (gyp evaluates them: round 17, E4)`, () => {
      const analysis = analyse({}, {'binding.gyp': `{'includes': ['../../x.gypi', '<(nodedir)/common.gypi'], 'v': '<!pymod_do_main(evil)'}`});
      assert.deepEqual(analysis.unresolved, [
        `binding.gyp: <!pymod_do_main(evil) imports a module that is not a file beside it`,
        `binding.gyp: <!pymod_do_main(evil) runs Python code: its module is hashed, what that imports is not analysed`,
        `binding.gyp: includes <(nodedir)/common.gypi, which is not in the package`,
        GYP_PYTHON,
      ]);
      assert.deepEqual(analysis.foreignRuns, [`binding.gyp: includes ../../x.gypi, outside the package, which gyp loads and evaluates`]);
    });

    it(`reads a dependency's .gypi reached as an entry as GYP: its includes, a climb out by .. refused (outside round 46, G1)`, () => {
      const files = {'common.gypi': `{'includes': ['sub/more.gypi', '../zqother/other.gypi']}`, 'sub/more.gypi': `{'variables': {'v': '<!(node tools/gen.js)'}}`, 'tools/gen.js': `g`};
      const analysis = analyzeEntries({entries: [{kind: `gyp`, path: `common.gypi`}], manifest: {name: `zqcfg`}, files: memoryPackage(files), everyFile: true});
      assert.deepEqual(analysis.foreignRuns, [
        `common.gypi: includes ../zqother/other.gypi, outside the package, which gyp loads and evaluates`,
        // Its include's command runs from the including package's folder too (round 47, G5).
        `sub/more.gypi: runs node tools/gen.js while another package's binding.gyp includes it, from that package's folder, where what it names is not this package's`,
      ]);
      assert.ok(analysis.fingerprint.files[`sub/more.gypi`] !== undefined, Object.keys(analysis.fingerprint.files).join());
    });

    it(`refuses the commands of a dependency's .gypi that another package's binding.gyp includes (gyp runs them from there: outside round 47, G5)`, () => {
      const files = {'common.gypi': `{'includes': ['more.gypi'], 'variables': {'v': '<!(node node_modules/zqother/gen.js)'}}`, 'more.gypi': `{'variables': {'w': '<!@(ls)'}}`};
      const analysis = analyzeEntries({entries: [{kind: `gyp`, path: `common.gypi`}], manifest: {name: `zqcfg`}, files: memoryPackage(files), everyFile: true});
      assert.deepEqual(analysis.foreignRuns, [
        `common.gypi: runs node node_modules/zqother/gen.js while another package's binding.gyp includes it, from that package's folder, where what it names is not this package's`,
        `more.gypi: runs ls while another package's binding.gyp includes it, from that package's folder, where what it names is not this package's`,
      ]);
      assert.deepEqual(analysis.dependencyFiles, []);
    });

    it(`reads target dependencies under merge keys and of any file name, and refuses one named through a variable (outside round 48, G6)`, () => {
      const analysis = analyse({}, {'binding.gyp': `{'variables': {'deps': ['x.gyp:t']}, 'targets': [{'target_name': 'x', 'dependencies': ['node_modules/zqcfg/x.json:t', '<@(deps)', 'other_target', '<!(node -p "1")'], 'conditions': [['1==1', {'dependencies+': ['node_modules/zqb/b.gyp:t']}]]}]}`});
      assert.deepEqual(analysis.dependencyGypFiles, [`zqb/b.gyp`, `zqcfg/x.json`]);
      assert.deepEqual(analysis.dependencyFiles, []);
      assert.deepEqual(analysis.foreignRuns, [`binding.gyp: depends on <@(deps), a target whose file gyp finds through a variable it expands at build time, so which file it loads and evaluates cannot be bound`]);
    });

    it(`refuses an include by an absolute path, and keeps one built from a gyp variable a limit (outside round 47, G4)`, () => {
      const analysis = analyse({}, {'binding.gyp': `{'includes': ['/proc/self/cwd/node_modules/zqcfg/common.gypi', '<(nodedir)/common.gypi'], 'targets': [{'target_name': 'x', 'dependencies': ['/abs/x.gyp:t']}]}`});
      assert.deepEqual(analysis.foreignRuns, [
        `binding.gyp: includes /abs/x.gyp, outside the package, which gyp loads and evaluates`,
        `binding.gyp: includes /proc/self/cwd/node_modules/zqcfg/common.gypi, outside the package, which gyp loads and evaluates`,
      ]);
      assert.ok(analysis.unresolved.includes(`binding.gyp: includes <(nodedir)/common.gypi, outside the package`) || analysis.unresolved.includes(`binding.gyp: includes <(nodedir)/common.gypi, which is not in the package`), analysis.unresolved.join(`\n`));
    });

    it(`follows an include of a dependency's file through node_modules into that dependency (outside round 45, G3)`, () => {
      const analysis = analyse({}, {'binding.gyp': `{'includes': ['node_modules/zqcfg/common.gypi'], 'targets': []}`});
      assert.deepEqual(analysis.dependencyGypFiles, [`zqcfg/common.gypi`]);
      assert.deepEqual(analysis.dependencyFiles, []);
      assert.deepEqual(analysis.foreignRuns, []);
      assert.ok(!analysis.unresolved.some(line => line.includes(`common.gypi`)), analysis.unresolved.join(`\n`));
      // A copy the archive ships in its own node_modules does not stop the dependency being followed (the
      // node-modules linker installs the dependency there; a dependency's approval binds the shipped copy too).
      const bundled = analyse({}, {'binding.gyp': `{'includes': ['node_modules/zqcfg/common.gypi']}`, 'node_modules/zqcfg/common.gypi': `{}`});
      assert.deepEqual(bundled.dependencyGypFiles, [`zqcfg/common.gypi`]);
    });

    it(`refuses the flags, response files and pymod_do_main modules of a dependency's GYP file that another package includes (resolved from that package's folder)`, () => {
      const files = {
        'common.gypi': `{'cflags': ['-wrapper', 'tools/w.sh', '-fvisibility=hidden', '-B', 'tools/', '@flags.rsp'], 'variables': {'v': '<!pymod_do_main(gen)'}}`,
        'tools/w.sh': `#!/bin/sh\n`, 'flags.rsp': `-O2\n`, 'gen.py': `def DoMain(a): return ''\n`,
      };
      const analysis = analyzeEntries({entries: [{kind: `gyp`, path: `common.gypi`}], manifest: {name: `zqcfg`}, files: memoryPackage(files), everyFile: true});
      const suffix = ` while another package's binding.gyp includes it, from that package's folder, where what it names is not this package's`;
      assert.deepEqual(analysis.foreignRuns, [
        `common.gypi: gives the compiler -B tools/${suffix}`,
        `common.gypi: gives the compiler tools/w.sh${suffix}`,
        `common.gypi: makes the compiler read its flags from @flags.rsp${suffix}`,
        `common.gypi: runs <!pymod_do_main(gen)${suffix}`,
      ]);
      assert.deepEqual(analysis.mentions, [`hidden`]);
      // The same file in the package's own build is followed, not refused.
      const own = analyse({}, {...files, 'common.gypi': files[`common.gypi`].replace(`'-B', 'tools/', `, ``), 'binding.gyp': `{'includes': ['common.gypi']}`});
      assert.deepEqual(own.foreignRuns, []);
      assert.ok(own.fingerprint.files[`tools/w.sh`] !== undefined && own.fingerprint.files[`gen.py`] !== undefined, Object.keys(own.fingerprint.files).join());
    });

    it(`reads a dependency's GYP file of any name as GYP when another package's build names it, and runs a .gyp file a command runs as a program`, () => {
      const files = {'x.json': `{'targets': [{'target_name': 't', 'actions': [{'action': ['node', 'gen.js']}]}]}`, 'gen.js': `require('zqother')`, 'run.gyp': `#!/usr/bin/env node\nrequire('zqother')`};
      const asGyp = analyzeEntries({entries: [{kind: `gyp`, path: `x.json`}], manifest: {name: `zqcfg`}, files: memoryPackage(files), everyFile: true});
      assert.deepEqual(asGyp.foreignRuns, [`x.json: runs node gen.js while another package's binding.gyp includes it, from that package's folder, where what it names is not this package's`]);
      // Read as a file another package runs, the same name is not GYP: Node runs it as JavaScript.
      const asFile = analyzeEntries({entries: [{kind: `file`, path: `run.gyp`}], manifest: {name: `zqcfg`}, files: memoryPackage(files), everyFile: true});
      assert.deepEqual(asFile.foreignRuns, []);
      assert.deepEqual(asFile.modules, [`zqother`]);
      // A GYP entry that names no file of the package is refused in a dependency.
      assert.throws(() => analyzeEntries({entries: [{kind: `gyp`, path: `missing.gypi`}], manifest: {name: `zqcfg`}, files: memoryPackage(files), everyFile: true}), /reads missing\.gypi of this package as GYP, which is no file of it/);
    });
  });

  describe(`when install code reaches outside the package`, () => {
    it(`reports bare modules as written, but not Node builtins`, () => {
      const analysis = analyse({scripts: {install: `node install.js`}}, {
        'install.js': `require('detect-libc'); require('node-gyp-build/x.js'); require('@s/p/sub'); require('fs'); require('fs/promises'); require('node:child_process'); require('buffer/'); require.resolve('prebuild-install/bin')`,
      });
      assert.deepEqual(analysis.modules, [`@s/p/sub`, `buffer/`, `detect-libc`, `node-gyp-build/x.js`, `prebuild-install/bin`]);
    });

    it(`reports bare command words in command position, after prefixes, lower-cased`, () => {
      const analysis = analyse({scripts: {install: `prebuild-install || node-gyp rebuild`, postinstall: `env FOO=1 cross-env BAR=2 Node.EXE x.js; if true; then echo ok; fi; cd lib && make`}}, {'x.js': `x`});
      assert.deepEqual(analysis.commands, [`cross-env`, `env`, `make`, `node`, `node-gyp`, `prebuild-install`]);
    });

    it(`reports what cannot be resolved statically, naming the file or script`, () => {
      const analysis = analyse({scripts: {
        preinstall: `sh build.sh && ./configure && yarn dlx some-tool`,
        install: `node install.js && $BUILDER run && npx -p other-pkg other`,
        postinstall: `node dist/generated.js`,
      }}, {
        'build.sh': `#!/bin/sh\nnode evil.js`,
        configure: `#!/bin/sh`,
        'install.js': `const name = 'x'; require('./' + name); import(\`./\${name}\`); require('./ok');`,
        'ok.js': `o`,
      });
      assert.deepEqual(analysis.unresolved, [
        `build.sh: shell script, hashed and read only for the bins and node_modules files it names (a command it builds at run time is not followed)`,
        `configure: executable that is not JavaScript, hashed and read only for the bins and node_modules files it names (a command it builds at run time is not followed)`,
        `install.js: import() with a computed argument`,
        `install.js: require() with a computed argument`,
        `install: runs $BUILDER, a command decided at run time`,
      ]);
      // A file the package does not ship, made at run time: refused in a dependency (round 14).
      // A workspace's shell script is read command by command (outside attack round 28): its `node evil.js` too.
      assert.deepEqual(analysis.foreignRuns, [`build.sh: node runs evil.js, which the package does not ship: a file made at run time, whose code no approval holds`, `postinstall: node runs dist/generated.js, which the package does not ship: a file made at run time, whose code no approval holds`]);
      // They download from the registry: undecidable, not limits.
      assert.deepEqual(analysis.registryInstalls, [`install: npx -p other-pkg other`, `preinstall: yarn dlx some-tool`]);
      assert.ok(analysis.fingerprint.files[`build.sh`] !== undefined && analysis.fingerprint.files[`configure`] !== undefined);
    });

    it(`treats $npm_node_execpath as node`, () => {
      const analysis = analyse({scripts: {postinstall: `"$npm_node_execpath" install.js`}}, {'install.js': `require('./lib')`, 'lib/index.js': `l`});
      assert.deepEqual(keysOf(analysis).filter(key => !key.includes(`#`)), [`install.js`, `lib/index.js`]);
      assert.deepEqual(analysis.unresolved, []);
    });
  });

  describe(`when Node's candidates and shorthand extensions both exist`, () => {
    it(`never lets a .cjs shorthand hide the directory Node loads`, () => {
      const analysis = analyse({scripts: {postinstall: `node install.js`}}, {'install.js': `require('./x')`, 'x.cjs': `benign`, 'x/index.js': `evil`});
      assert.deepEqual(keysOf(analysis).filter(key => !key.includes(`#`)), [`install.js`, `x/index.js`]);
    });
  });

  describe(`when a file's name could pass for a manifest field record`, () => {
    it(`refuses instead of letting the file hide behind the record`, () => {
      assert.throws(() => analyse({scripts: {postinstall: `node install.js`}}, {'install.js': `require('./package.json#main')`, 'package.json#main': `evil`}), /package\.json#main/);
    });
  });

  describe(`when nothing consults the manifest`, () => {
    it(`records no package.json field`, () => {
      assert.deepEqual(keysOf(analyse({main: `x.js`, exports: `./x.js`, scripts: {postinstall: `node install.cjs`}}, {'install.cjs': `require('./lib/a.cjs')`, 'lib/a.cjs': `a`})), [`install.cjs`, `lib/a.cjs`]);
    });
  });
});

describe(`analyzeEntries`, () => {
  const entriesOf = (manifest: Record<string, unknown>, contents: Contents, entries: Array<AnalysisEntry>) => analyzeEntries({entries, manifest, files: memoryPackage(contents, {listing: false})});

  describe(`when a package with exports is required by name`, () => {
    const manifest = {name: `dep`, main: `legacy.js`, exports: {'.': {require: `./index.cjs`, import: `./index.mjs`}, './sub': `./lib/sub.js`}};
    const contents: Contents = {'index.cjs': `require('./lib/helper.cjs')`, 'index.mjs': `m`, 'lib/helper.cjs': `h`, 'lib/sub.js': `s`, 'lib/hidden.js': `x`, 'legacy.js': `l`};

    it(`follows the exported targets and records exports, never main`, () => {
      const analysis = entriesOf(manifest, contents, [{kind: `module`, specifier: `.`}]);
      assert.deepEqual(keysOf(analysis), [`index.cjs`, `index.mjs`, `lib/helper.cjs`, `package.json#exports`]);
      assert.deepEqual(analysis.fingerprint.scripts, {});
    });

    it(`refuses subpaths that exports does not list`, () => {
      const analysis = entriesOf(manifest, contents, [{kind: `module`, specifier: `./lib/hidden.js`}]);
      assert.deepEqual(keysOf(analysis), [`package.json#exports`]);
      assert.deepEqual(analysis.unresolved, [
        `entry ./lib/hidden.js: package.json exports has no entry for ./lib/hidden.js`,
        `entry ./lib/hidden.js: resolves to no file of the package`,
      ]);
    });
  });

  describe(`when a file required by name is missing from a package without exports (outside attack F36)`, () => {
    it(`refuses it: Node would load another copy from a node_modules folder above`, () => {
      assert.throws(() => entriesOf({name: `dep`}, {'index.js': `i`}, [{kind: `module`, specifier: `./x`}]), /entry \.\/x resolves to no file of the package: Node would go on/);
      assert.throws(() => entriesOf({name: `dep`}, {'README.md': `r`}, [{kind: `module`, specifier: `.`}]), /entry \. resolves to no file/);
    });

    it(`refuses x when only x.cjs or x.mjs is there, which CommonJS never tries (outside attack F39)`, () => {
      assert.throws(() => entriesOf({name: `dep`}, {'index.js': `i`, 'x.cjs': `c`}, [{kind: `module`, specifier: `./x`}]), /entry \.\/x resolves to no file of the package/);
      assert.throws(() => entriesOf({name: `dep`}, {'index.js': `i`, 'y.mjs': `m`}, [{kind: `module`, specifier: `./y`}]), /entry \.\/y resolves to no file of the package/);
    });
  });

  describe(`when a package without exports is required by name`, () => {
    it(`follows main for . and the path for a subpath`, () => {
      const analysis = entriesOf({name: `dep`, main: `lib/main`}, {'lib/main.js': `require('detect-libc')`, 'lib/sub/index.js': `s`}, [{kind: `module`, specifier: `.`}, {kind: `module`, specifier: `./lib/sub`}]);
      assert.deepEqual(keysOf(analysis), [`lib/main.js`, `lib/sub/index.js`, `package.json#exports`, `package.json#main`, `package.json#type`]);
      assert.deepEqual(analysis.modules, [`detect-libc`]);
    });
  });

  describe(`when a package is required by name with a trailing slash (require('fs/'))`, () => {
    // Node: `fs/` is no builtin, so it loads the package `fs` from node_modules,
    // as a directory only (main, else index), never `fs.js`.
    it(`follows main for ./, as Node loads the directory`, () => {
      const analysis = entriesOf({name: `fs`, main: `lib/evil.js`}, {'lib/evil.js': `require('./payload')`, 'lib/payload.js': `p`}, [{kind: `module`, specifier: `./`}]);
      assert.deepEqual(keysOf(analysis), [`lib/evil.js`, `lib/payload.js`, `package.json#exports`, `package.json#main`, `package.json#type`]);
      assert.deepEqual(analysis.unresolved, []);
    });

    it(`follows the subfolder's index for ./lib/, and not lib.js beside it`, () => {
      const analysis = entriesOf({name: `dep`}, {'lib/index.js': `i`, 'lib.js': `decoy`}, [{kind: `module`, specifier: `./lib/`}]);
      assert.deepEqual(keysOf(analysis), [`lib/index.js`, `package.json#exports`, `package.json#type`]);
    });
  });

  describe(`when a bin file is the entry`, () => {
    it(`follows a JavaScript bin and reports one that is not JavaScript`, () => {
      const analysis = entriesOf({name: `dep`}, {'bin/cli': `#!/usr/bin/env node\nrequire('../lib/run')`, 'lib/run.js': `r`, 'bin/native': Buffer.from([0x7f, 0x45])}, [{kind: `file`, path: `bin/cli`}, {kind: `file`, path: `bin/native`}, {kind: `file`, path: `bin/missing`}]);
      assert.deepEqual(keysOf(analysis), [`bin/cli`, `bin/native`, `lib/run.js`, `package.json#type`]);
      assert.deepEqual(analysis.unresolved, [`bin/missing: not a file of the package`, `bin/native: executable that is not JavaScript, hashed and read only for the bins and node_modules files it names (a command it builds at run time is not followed)`]);
    });
  });
});
