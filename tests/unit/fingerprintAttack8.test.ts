/**
 * Outside attack round 8 (a stranger with real Yarn, Verdaccio and the built
 * bundle): the shapes that ran a dependency's or a manifest's unreviewed code.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {copyDifference, reachedClosure, withoutInheritedBins} from '../../sources/installScripts/policy/copiesOnDisk';
import {climbsOut, directReaches} from '../../sources/installScripts/policy/installClosure';
import {evaluateScriptGate, type ScriptedPackage} from '../../sources/installScripts/policy/scriptGate';
import {emptyTrustFile} from '../../sources/core/policy/trustFile/types';
import {memoryPackage} from './support/memoryPackage';

function analysed(files: Record<string, string>, everyFile = true) {
  const manifest = JSON.parse(files[`package.json`]) as Record<string, unknown>;
  const scripts = manifest.scripts as Record<string, string>;
  return analyzeInstall({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: memoryPackage(files), everyFile});
}

/** The manifest's record: its data, or all of it when the scan could not follow everything. */
const manifestKey = `package.json#all`;

const MANIFEST = (extra: Record<string, unknown> = {}) => JSON.stringify({name: `zqroot`, version: `1.0.0`, scripts: {postinstall: `node install.js`}, ...extra});

describe(`outside attack round 8`, () => {
  describe(`C7, C15: a package subpath that climbs into the package installed beside it`, () => {
    it(`sees the climb, also percent-encoded, and not a path that stays inside`, () => {
      assert.equal(climbsOut(`./../zqevil`), true);
      assert.equal(climbsOut(`./lib/../../zqevil/index.js`), true);
      assert.equal(climbsOut(`./%2e%2e/zqevil`), true);
      assert.equal(climbsOut(`./lib/../index.js`), false);
      assert.equal(climbsOut(`.`), false);
    });

    it(`refuses require('zqlib/../zqevil') as code no approval can be bound to, instead of a limit of zqlib`, () => {
      const {reaches, refusals} = directReaches({commands: [], modules: [`zqlib/../zqevil`], bins: new Map(), topLevelBins: new Map(), resolveName: () => [`zqlib-id`], ownName: `zqroot`});
      assert.deepEqual(reaches, []);
      assert.match(refusals[0], /require\('zqlib\/\.\.\/zqevil'\): the path climbs out of zqlib/);
    });

    it(`refuses node_modules/zqlib/../zqevil/index.js named by a script`, () => {
      const {refusals} = directReaches({commands: [], modules: [], dependencyFiles: [`zqlib/../zqevil/index.js`], bins: new Map(), topLevelBins: new Map(), resolveName: () => [`zqlib-id`], ownName: `zqroot`});
      assert.equal(refusals.length, 1);
    });
  });

  describe(`C5, C6: an esbuild bundle's __require('x') and import.meta.resolve('x')`, () => {
    it(`follows __require('zqlib') into the dependency`, () => {
      const analysis = analysed({[`package.json`]: MANIFEST(), [`install.js`]: `var __require = (x) => require(x);\n__require("zqlib").run();\n`});
      assert.ok(analysis.modules.includes(`zqlib`), JSON.stringify(analysis.modules));
    });

    it(`follows import(import.meta.resolve('zqlib')) into the dependency`, () => {
      const analysis = analysed({[`package.json`]: MANIFEST({scripts: {postinstall: `node install.mjs`}}), [`install.mjs`]: `await import(import.meta.resolve('zqlib'));\n`});
      assert.ok(analysis.modules.includes(`zqlib`), JSON.stringify(analysis.modules));
    });
  });

  describe(`C21 to C23: install code that acts on its own manifest`, () => {
    it(`C21: records the descriptive fields too when the code evaluates text (eval(pkg.description))`, () => {
      const install = `const pkg = require('./package.json');\neval(pkg.description);\n`;
      const before = analysed({[`package.json`]: MANIFEST({description: `a tool`}), [`install.js`]: install});
      const after = analysed({[`package.json`]: MANIFEST({description: `require('child_process').execSync('id')`}), [`install.js`]: install});
      assert.notEqual(before.fingerprint.files[manifestKey], after.fingerprint.files[manifestKey]);
      const bumped = analysed({[`package.json`]: MANIFEST({description: `a tool`, version: `1.0.1`}), [`install.js`]: install});
      assert.equal(before.fingerprint.files[manifestKey], bumped.fingerprint.files[manifestKey], `the version alone changes nothing`);
    });

    it(`C22: records the manifest's data when the code reads it through npm_package_json`, () => {
      const install = `const pkg = JSON.parse(require('fs').readFileSync(process.env.npm_package_json, 'utf8'));\nrequire('child_process').execSync(pkg.config.setup);\n`;
      const before = analysed({[`package.json`]: MANIFEST({config: {setup: `true`}}), [`install.js`]: install});
      const after = analysed({[`package.json`]: MANIFEST({config: {setup: `touch /tmp/pwned`}}), [`install.js`]: install});
      assert.ok(before.fingerprint.files[manifestKey] !== undefined);
      // The narrower record stays beside it, so an approval that holds it only gains #all (yarn trust migrate).
      assert.ok(before.fingerprint.files[`package.json#data`] !== undefined);
      assert.notEqual(before.fingerprint.files[manifestKey], after.fingerprint.files[manifestKey]);
    });

    it(`records the manifest's data when a script reads $npm_package_config_*`, () => {
      const files = {[`package.json`]: JSON.stringify({name: `zqroot`, scripts: {postinstall: `sh -c "$npm_package_config_setup"`}, config: {setup: `true`}})};
      assert.ok(analysed(files).fingerprint.files[manifestKey] !== undefined);
    });

    it(`C23: new Function(pkg.config.setup) with the manifest read by a path built at run time`, () => {
      const install = `const path = require('path');\nconst pkg = JSON.parse(require('fs').readFileSync(path.join(process.cwd(), 'pack' + 'age.json'), 'utf8'));\nnew Function(pkg.config.setup)();\n`;
      const before = analysed({[`package.json`]: MANIFEST({config: {setup: `1`}}), [`install.js`]: install});
      const after = analysed({[`package.json`]: MANIFEST({config: {setup: `require('child_process').execSync('id')`}}), [`install.js`]: install});
      assert.notEqual(before.fingerprint.files[manifestKey], after.fingerprint.files[manifestKey]);
    });
  });
});

describe(`C24, C25, C28: documentation-named files that install code runs by a way the scan does not read`, () => {
  const files = {[`package.json`]: JSON.stringify({name: `zqsh`, version: `1.0.0`, description: `x`, scripts: {postinstall: `sh install.sh`}}), [`install.sh`]: `node ./README.js\nsh ./CHANGELOG.md\n`, [`README.js`]: `1`, [`CHANGELOG.md`]: `# 1`, [`types.d.ts`]: `export {}`};

  it(`binds documentation and the whole manifest but its version when the scan could not follow everything (a shell script)`, () => {
    const analysis = analysed(files);
    assert.deepEqual(Object.keys(analysis.fingerprint.files).sort(), [`CHANGELOG.md`, `README.js`, `install.sh`, `package.json#all`, `types.d.ts`]);
    const described = analysed({...files, [`package.json`]: JSON.stringify({name: `zqsh`, version: `1.0.1`, description: `y`, scripts: {postinstall: `sh install.sh`}})});
    assert.notEqual(described.fingerprint.files[`package.json#all`], analysis.fingerprint.files[`package.json#all`]);
  });

  it(`binds documentation and the descriptive fields when everything was followed too (round 9: constructs the scan misses)`, () => {
    const followed = {[`package.json`]: MANIFEST(), [`install.js`]: `require('./lib.js');\n`, [`lib.js`]: `1`, [`README.md`]: `# x`};
    assert.deepEqual(Object.keys(analysed(followed).fingerprint.files).sort(), [`README.md`, `install.js`, `lib.js`, `package.json#all`, `package.json#type`]);
  });
});

describe(`C29: require('.bin/tool') loads another package's bin through node_modules/.bin`, () => {
  it(`is refused as code that no approval can be bound to`, () => {
    assert.throws(() => analysed({[`package.json`]: MANIFEST(), [`install.js`]: `try { require('.bin/zqevbin'); } catch (e) {}\n`}), /\.bin\/zqevbin, which is no package name/);
  });

  it(`refuses another name that is no package name: a dependency may be installed under it (outside attack F28)`, () => {
    for (const name of [`$lib/x`, `_h`, `h!`, `h%20`, `h(x)`, `h*`, `h:x`])
      assert.throws(() => analysed({[`package.json`]: MANIFEST(), [`install.js`]: `require('${name}');\n`}), /which is no package name: Node looks it up/, name);
  });
});

describe(`C17: the copies on disk of code an install script runs (the backstop)`, () => {
  const H = (n: number) => `sha512-${String(n).repeat(86)}==`;
  const approved = {scripts: {}, files: {[`index.js`]: H(1), [`lib/x.js`]: H(2), [`package.json#main`]: H(3)}};

  it(`finds nothing wrong with the approved bytes and the manifest, and names documentation added on disk`, () => {
    const disk = new Map([[`index.js`, H(1)], [`lib/x.js`, H(2)], [`package.json`, H(9)]]);
    assert.deepEqual(copyDifference(approved, disk, {ownScripts: false}), []);
    assert.deepEqual(copyDifference(approved, new Map([...disk, [`README.md`, H(8)]]), {ownScripts: false}), [`README.md was added`]);
  });

  it(`names a bound file edited, removed, and a file added on disk`, () => {
    const disk = new Map([[`index.js`, H(7)], [`evil.js`, H(6)]]);
    assert.deepEqual(copyDifference(approved, disk, {ownScripts: false}), [`index.js changed`, `lib/x.js is missing`, `evil.js was added`]);
  });

  it(`accepts Yarn's .ready in an unplugged copy (C54: every PnP project with an unplugged helper was refused)`, () => {
    const disk = new Map([[`index.js`, H(1)], [`lib/x.js`, H(2)], [`.ready`, H(0)]]);
    assert.deepEqual(copyDifference(approved, disk, {ownScripts: false}), []);
  });

  it(`compares the archive's own node_modules files only where the linker keeps them (outside round 44, C2)`, () => {
    const withBundled = {scripts: {}, files: {...approved.files, [`node_modules/h/index.js`]: H(3)}};
    const disk = new Map([[`index.js`, H(1)], [`lib/x.js`, H(2)], [`node_modules/h/index.js`, H(4)]]);
    // The node-modules linker: that folder is its own (nested dependencies), never compared.
    assert.deepEqual(copyDifference(withBundled, new Map([[`index.js`, H(1)], [`lib/x.js`, H(2)]]), {ownScripts: true}), []);
    assert.deepEqual(copyDifference(withBundled, disk, {ownScripts: true, archiveNodeModules: true}), [`node_modules/h/index.js changed`]);
    assert.deepEqual(copyDifference(withBundled, new Map([[`index.js`, H(1)], [`lib/x.js`, H(2)]]), {ownScripts: true, archiveNodeModules: true}), [`node_modules/h/index.js is missing`]);
  });

  it(`names a node_modules folder added below a package with scripts of its own (outside round 46, N1)`, () => {
    const disk = new Map([[`index.js`, H(1)], [`lib/x.js`, H(2)], [`build/Release/a.node`, H(5)], [`lib/node_modules/dep/index.js`, H(6)]]);
    assert.deepEqual(copyDifference(approved, disk, {ownScripts: true}), [`lib/node_modules/dep/index.js was added`]);
  });

  it(`compares only the bound files of a package with install scripts of its own (its build output is on disk)`, () => {
    const disk = new Map([[`index.js`, H(1)], [`lib/x.js`, H(2)], [`build/Release/a.node`, H(5)]]);
    assert.deepEqual(copyDifference(approved, disk, {ownScripts: true}), []);
  });

  it(`names a file added to a package with scripts of its own that the code reached in it loads on disk (outside round 50, R1)`, () => {
    const disk = new Map([[`index.js`, H(1)], [`lib/x.js`, H(2)], [`lib/x`, H(6)], [`build/Release/a.node`, H(5)]]);
    assert.deepEqual(copyDifference(approved, disk, {ownScripts: true, run: {runs: [`index.js`, `lib/x`]}}), [`lib/x was added, and the code the install runs in it loads it`]);
    // Code that loads files by names the scan cannot pin down: any added file but build output.
    assert.deepEqual(copyDifference(approved, disk, {ownScripts: true, run: {runs: [`index.js`], loadsAnyFile: true}}), [`lib/x was added, and the code the install runs in it loads it`]);
    assert.deepEqual(copyDifference(approved, disk, {ownScripts: true, run: {runs: [`index.js`, `lib/x.js`]}}), []);
  });

  it(`follows the chain: what the packages reached from a script reach too, not what others reach`, () => {
    const pkg = (name: string, extra: Partial<ScriptedPackage> = {}): ScriptedPackage => ({id: name, name, version: `1.0.0`, fingerprint: {scripts: {postinstall: `node i.js`}, files: {}}, implicitNodeGyp: false, built: true, ...extra});
    const helper = (name: string, from: string) => pkg(name, {ownScripts: false, built: undefined, fingerprint: {scripts: {}, files: {}}, reachedFrom: [{id: from, locator: `${from}@npm:1.0.0`, via: `require('${name}')`}]});
    const findings = evaluateScriptGate([pkg(`root`), pkg(`other`), helper(`a`, `root`), helper(`b`, `a`), helper(`c`, `other`)], emptyTrustFile(), {enableScripts: false});
    assert.deepEqual(reachedClosure(findings, `root`).map(finding => finding.pkg.name).sort(), [`a`, `b`]);
    // Round 16 (G42): a chain through the project's own code (a portal: folder, no finding of its own) is not cut.
    const fromPortal = pkg(`d`, {ownScripts: false, built: undefined, fingerprint: {scripts: {}, files: {}}, reachedFrom: [{id: `portal`, locator: `ext@portal:../ext`, via: `require('d')`, workspace: true}]});
    const throughPortal = evaluateScriptGate([pkg(`root`), fromPortal, helper(`e`, `d`)], emptyTrustFile(), {enableScripts: false});
    assert.deepEqual(reachedClosure(throughPortal, `root`).map(finding => finding.pkg.name), []);
    assert.deepEqual(reachedClosure(throughPortal, `root`, id => id === `portal`).map(finding => finding.pkg.name).sort(), [`d`, `e`]);
  });
});

describe(`C41, C50: the bins a dependency's script inherits from whoever started Yarn`, () => {
  it(`drops the bin folder of the yarn run script that started Yarn, and node_modules/.bin folders, and keeps the rest`, () => {
    const path = [`/tmp/xfs-own/bin`, `/tmp/xfs-parent`, `/home/me/app/node_modules/.bin`, `/usr/local/bin`, `/usr/bin`].join(`:`);
    assert.equal(withoutInheritedBins(path, {parentBinFolder: `/tmp/xfs-parent`, delimiter: `:`}), [`/tmp/xfs-own/bin`, `/usr/local/bin`, `/usr/bin`].join(`:`));
  });

  it(`keeps everything when Yarn was not started by a script`, () => {
    assert.equal(withoutInheritedBins(`/a:/b`, {parentBinFolder: undefined, delimiter: `:`}), `/a:/b`);
  });

  it(`reads Windows paths too`, () => {
    assert.equal(withoutInheritedBins(`C:\\app\\node_modules\\.bin;C:\\Windows`, {parentBinFolder: undefined, delimiter: `;`}), `C:\\Windows`);
  });
});
