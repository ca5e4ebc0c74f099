/**
 * Attack round 11, on the backstop that re-reads, before a script runs, the
 * copies of the packages its install code runs: under PnP a helper read
 * from its archive was vouched for by the plugin's profile cache, so a
 * planted cache passed a changed helper (F7 of /work/attack14); under the
 * node-modules linker a copy planted nearer than the approved one (in a
 * restored node_modules) was passed over, since the approved version was
 * found further up (N1, in-house), while Node loads the nearer copy; and a
 * file of a dependency that exists there only as x.cjs (F39), which Node
 * never tries, going on to the copy above; a dependency on the package's own
 * name (F32); a helper installed under an alias, edited on disk (N2); and a
 * transitive package's bin that npm run finds in the root's
 * node_modules/.bin (F15, F17). Each
 * attack proves with a marker file that the planted code did not run; the
 * negative test shows that a nested copy Yarn itself placed still installs.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';
import path from 'path';

import {assertRefusedEvenAfterApproval, markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`attack round 11: the copies the backstop reads again (e2e)`, function() {
  this.timeout(300_000);

  const runs = (name: string) => ({scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `require('${name}');\n`}});
  const suite = suiteRegistry(`attack-round-11`, () => [
    // F7: a helper that PnP runs from its archive, changed in 1.0.1.
    plain(`zqf7a`, `1.0.0`, {...runs(`zqf7h`), dependencies: {zqf7h: `^1.0.0`}}),
    plain(`zqf7h`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqf7h`, `1.0.1`, {files: {[`index.js`]: PWN(`f7-pnp-helper-ran`)}}),
    // N1: a helper hoisted to the root, and a nested copy of another version that Yarn places itself.
    plain(`zqn1tool`, `1.0.0`, {...runs(`zqn1lib`), dependencies: {zqn1lib: `1.0.0`}}),
    plain(`zqn1deep`, `1.0.0`, {...runs(`zqn1lib`), dependencies: {zqn1lib: `2.0.0`}}),
    plain(`zqn1lib`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqn1lib`, `2.0.0`, {files: {[`index.js`]: `module.exports = 2;\n`}}),
    // N2: a helper installed under an alias.
    plain(`zqn2tool`, `1.0.0`, {...runs(`zqn2help`), dependencies: {zqn2help: `npm:zqn2lib@1.0.0`}}),
    plain(`zqn2lib`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    // F32: a package that depends on its own name, aliased to another package.
    plain(`zqf32`, `1.0.0`, {...runs(`zqf32`), dependencies: {zqf32: `npm:zqf32b@1.0.0`}}),
    plain(`zqf32`, `1.0.1`, {...runs(`zqf32`), dependencies: {zqf32: `npm:zqf32b@1.0.1`}}),
    plain(`zqf32b`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqf32b`, `1.0.1`, {files: {[`index.js`]: PWN(`f32-own-name-alias-ran`)}}),
    // F15: npm run finds a transitive package's bin, hoisted into the root's node_modules/.bin.
    plain(`zqf15a`, `1.0.0`, {scripts: {postinstall: `npm run build`, build: `zqf15tool`}, dependencies: {zqf15c: `1.0.0`}}),
    plain(`zqf15c`, `1.0.0`, {dependencies: {zqf15t: `1.0.0`}}),
    plain(`zqf15t`, `1.0.0`, {manifest: {bin: {zqf15tool: `t.js`}}, files: {[`t.js`]: `#!/usr/bin/env node\n${PWN(`f15-hoisted-bin-ran`)}`}}),
    // F17: a release adds a dependency whose dependency has a bin named node.
    plain(`zqf17b`, `1.0.0`, {scripts: {postinstall: `npm run build`, build: `node i.js`}, files: {[`i.js`]: `// reviewed\n`}}),
    plain(`zqf17b`, `1.0.1`, {scripts: {postinstall: `npm run build`, build: `node i.js`}, dependencies: {zqf17c: `1.0.0`}, files: {[`i.js`]: `// reviewed\n`}}),
    plain(`zqf17c`, `1.0.0`, {dependencies: {zqf17t: `1.0.0`}}),
    plain(`zqf17t`, `1.0.0`, {manifest: {bin: {node: `t.sh`}}, files: {[`t.sh`]: `#!/bin/sh\necho ran > "$TRUST_MARKERS/f17-node-bin-ran"\n`}}),
    // F5, F6: dependencies installed under keys with a quote, a backslash.
    plain(`zqf5a`, `1.0.0`, {scripts: {postinstall: `node i.js`}, dependencies: {[`zqf5h'`]: `npm:zqf5evil@1.0.0`}, files: {[`i.js`]: `require("zqf5h'");\n`}}),
    plain(`zqf6a`, `1.0.0`, {scripts: {postinstall: `node i.js`}, dependencies: {[`zqf6h\\x`]: `npm:zqf5evil@1.0.0`}, files: {[`i.js`]: `require("zqf6h\\\\x");\n`}}),
    plain(`zqf5evil`, `1.0.0`, {files: {[`index.js`]: PWN(`f5-quoted-key-ran`)}}),
    // F11, F14: requires that Node resolves from another package's folder, where another copy of g is.
    plain(`zqf11a`, `1.0.0`, {scripts: {postinstall: `node i.js`}, dependencies: {zqf11h: `1.0.0`, zqf11g: `1.0.0`}, files: {[`i.js`]: `const {createRequire} = require('module');\nconst r = createRequire(require.resolve('zqf11h'));\nr('zqf11g');\n`}}),
    plain(`zqf11h`, `1.0.0`, {dependencies: {zqf11g: `2.0.0`}, files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqf11g`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqf11g`, `2.0.0`, {files: {[`index.js`]: PWN(`f11-other-copy-ran`)}}),
    plain(`zqf14a`, `1.0.0`, {scripts: {postinstall: `node i.js`}, dependencies: {zqf14h: `1.0.0`, zqf14g: `1.0.0`}, files: {[`i.js`]: `require('zqf14h');\n`}}),
    plain(`zqf14h`, `1.0.0`, {dependencies: {zqf14g: `2.0.0`}, files: {[`index.js`]: `module.exports = require.main.require('zqf14g');\n`}}),
    plain(`zqf14g`, `1.0.0`, {files: {[`index.js`]: PWN(`f14-caller-copy-ran`)}}),
    plain(`zqf14g`, `2.0.0`, {files: {[`index.js`]: `module.exports = 2;\n`}}),
    // F24: such a key reached through a helper's imports, and through node -r.
    plain(`zqf24a`, `1.0.0`, {...runs(`zqf24h`), dependencies: {zqf24h: `1.0.0`}}),
    plain(`zqf24h`, `1.0.0`, {manifest: {imports: {[`#x`]: `zqf24g'`}}, dependencies: {[`zqf24g'`]: `npm:zqf5evil@1.0.0`}, files: {[`index.js`]: `module.exports = require('#x');\n`}}),
    plain(`zqf24b`, `1.0.0`, {scripts: {postinstall: `node -r "zqf24g'" i.js`}, dependencies: {[`zqf24g'`]: `npm:zqf5evil@1.0.0`}, files: {[`i.js`]: `// benign\n`}}),
    // F26: Module._load with the caller as parent.
    plain(`zqf26a`, `1.0.0`, {...runs(`zqf26h`), dependencies: {zqf26h: `1.0.0`, zqf26g: `1.0.0`}}),
    plain(`zqf26h`, `1.0.0`, {dependencies: {zqf26g: `2.0.0`}, files: {[`index.js`]: `module.exports = require('module')._load('zqf26g', module.parent);\n`}}),
    plain(`zqf26g`, `1.0.0`, {files: {[`index.js`]: PWN(`f26-caller-copy-ran`)}}),
    plain(`zqf26g`, `2.0.0`, {files: {[`index.js`]: `module.exports = 2;\n`}}),
    // F33: files the archive ships in a node_modules folder below its root, changed in 1.0.1.
    plain(`zqf33a`, `1.0.0`, {scripts: {postinstall: `node lib/i.js`}, files: {[`lib/i.js`]: `require('zqf33h');\n`, [`lib/node_modules/zqf33h/index.js`]: `module.exports = 1;\n`}}),
    plain(`zqf33a`, `1.0.1`, {scripts: {postinstall: `node lib/i.js`}, files: {[`lib/i.js`]: `require('zqf33h');\n`, [`lib/node_modules/zqf33h/index.js`]: PWN(`f33-bundled-ran`)}}),
    // F35: the caller's module object held in a name.
    plain(`zqf35a`, `1.0.0`, {...runs(`zqf35h`), dependencies: {zqf35h: `1.0.0`, zqf35g: `1.0.0`}}),
    plain(`zqf35h`, `1.0.0`, {dependencies: {zqf35g: `2.0.0`}, files: {[`index.js`]: `const p = module.parent;\nmodule.exports = p.require('zqf35g');\n`}}),
    plain(`zqf35g`, `1.0.0`, {files: {[`index.js`]: PWN(`f35-caller-copy-ran`)}}),
    plain(`zqf35g`, `2.0.0`, {files: {[`index.js`]: `module.exports = 2;\n`}}),
    // F37: npm's --node-options preloads a dependency, which a release swaps.
    plain(`zqf37`, `1.0.0`, {scripts: {postinstall: `npm --node-options='--require zqf37pre' run go`, go: `node i.js`}, dependencies: {zqf37pre: `1.0.0`}, files: {[`i.js`]: `// reviewed\n`}}),
    plain(`zqf37`, `1.0.1`, {scripts: {postinstall: `npm --node-options='--require zqf37pre' run go`, go: `node i.js`}, dependencies: {zqf37pre: `2.0.0`}, files: {[`i.js`]: `// reviewed\n`}}),
    plain(`zqf37pre`, `1.0.0`, {files: {[`index.js`]: `// benign\n`}}),
    plain(`zqf37pre`, `2.0.0`, {files: {[`index.js`]: PWN(`f37-node-options-ran`)}}),
    // F39: the declared copy has only x.cjs; the hoisted copy has x.js.
    plain(`zqf39`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `require('zqf39b/x');\n`}, dependencies: {zqf39b: `1.0.0`}}),
    plain(`zqf39b`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`, [`x.cjs`]: `module.exports = 1;\n`}}),
    plain(`zqf39b`, `2.0.0`, {files: {[`index.js`]: `module.exports = 2;\n`, [`x.js`]: PWN(`f39-hoisted-copy-ran`)}}),
    plain(`zqf39s`, `1.0.0`, {dependencies: {zqf39b: `2.0.0`}}),
    plain(`zqf39t`, `1.0.0`, {dependencies: {zqf39b: `2.0.0`}}),
  ]);

  it(`F7: under PnP, a profile cache planted to give a changed helper the approved hashes is caught before the script runs`, async () => {
    const manifest = {name: `app`, private: true, dependencies: {zqf7a: `1.0.0`}, resolutions: {zqf7h: `1.0.0`}};
    const {app} = await suite.approvedProjectFrom({manifest, yarnrc: {nodeLinker: `pnp`}}, [`zqf7a`]);
    // The approval wrote dependenciesMeta into package.json: keep it.
    await app.writeJson(`package.json`, {...await app.readJson(`package.json`) as object, resolutions: {zqf7h: `1.0.1`}});
    const refused = await app.yarn([`install`]);
    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.output, /zqf7h@npm:1\.0\.1/);

    // The plant: the changed helper's cached fingerprint is given the approved hashes.
    const trust = await app.readJson(`yarn-trust.json`) as {packages: Record<string, {approvals: Array<{files: Record<string, string>}>}>};
    const approvedFiles = trust.packages.zqf7h.approvals[0].files;
    const cache = await app.readJson(`.yarn/yarn-plugin-trust-profiles.json`) as {entries: Record<string, {fingerprint: {files: Record<string, string>}, reaches?: {unresolved: Array<string>}}>};
    let planted = 0;
    for (const entry of Object.values(cache.entries)) {
      const files = entry.fingerprint.files;
      if (files !== undefined && files[`index.js`] !== undefined && files[`index.js`] !== approvedFiles[`index.js`]) {
        entry.fingerprint.files = {...approvedFiles};
        if (entry.reaches !== undefined)
          entry.reaches.unresolved = [];
        planted += 1;
      }
    }
    assert.equal(planted, 1, JSON.stringify(cache.entries));
    await app.writeFile(`.yarn/yarn-plugin-trust-profiles.json`, JSON.stringify(cache));

    const again = await app.yarn([`install`]);
    assert.equal(again.code, 1, again.output);
    assert.match(again.output, /the copy on disk of code its install runs is not what was approved/);
    assert.match(again.output, /index\.js changed/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`F39: install code that requires dep/x where the declared copy has only x.cjs is refused, also after an approval, and the hoisted x.js never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqf39: `1.0.0`, zqf39s: `1.0.0`, zqf39t: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqf39`, /entry \.\/x resolves to no file of the package: Node would go on/);
  });

  it(`N2: an edited copy of a helper installed under an alias (node_modules/<alias>) is refused before yarn rebuild runs the script`, async () => {
    const {app} = await suite.approvedProject({zqn2tool: `1.0.0`}, [`zqn2tool`]);
    await app.writeFile(`node_modules/zqn2help/index.js`, PWN(`n2-aliased-copy-ran`));
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.match(rebuild.output, /the copy on disk of code its install runs is not what was approved/);
    assert.match(rebuild.output, /index\.js changed/);
    assert.deepEqual(await app.markers(), []);
  });

  for (const linker of [`node-modules`, `pnp`]) {
    it(`F32 (${linker}): a package's dependency on its own name is followed as a dependency, and a release that swaps it is refused`, async () => {
      const {app, approved} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zqf32: `1.0.0`}}, yarnrc: {nodeLinker: linker}}, [`zqf32`]);
      assert.match(approved.output, /zqf32b/);
      const up = await app.yarn([`up`, `zqf32@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, /zqf32b@npm:1\.0\.1/);
      assert.deepEqual(await app.markers(), []);
    });
  }

  it(`F15: a transitive package's bin that npm run finds in the root's node_modules/.bin is part of what is approved`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqf15a: `1.0.0`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqf15t@npm:1\.0\.0/);
    assert.match(install.output, /runs zqf15tool \(npm puts the node_modules\/\.bin folders above the package on the PATH/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`F17: a release whose new dependency brings a bin named node, which npm run would find first, is refused, and the bin never runs`, async () => {
    const {app} = await suite.approvedProject({zqf17b: `1.0.0`}, [`zqf17b`]);
    const up = await app.yarn([`up`, `zqf17b@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqf17t@npm:1\.0\.0/);
    assert.match(up.output, /its bin node replaces the system's node for their install scripts/);
    assert.deepEqual(await app.markers(), []);
  });

  for (const [id, name, refusal] of [
    [`F5: a dependency installed under a key with a quote (zqf5h')`, `zqf5a`, /loads zqf5h', which is no package name/],
    [`F6: a dependency installed under a key with a backslash (zqf6h\\x)`, `zqf6a`, /loads zqf6h\\\\x, which is no package name/],
    [`F11: a require made by createRequire for another package's file`, `zqf11a`, /makes a require that resolves from another package or folder than this file's/],
    [`F14: require.main.require in a helper, which loads the main script's copy`, `zqf14a`, /require\.main\.require\(\) loads from the folder of another module than this file/],
    [`F24: such a key as a helper's imports target`, `zqf24a`, /require\('zqf24g''\): zqf24g' is no package name/],
    [`F24: such a key preloaded with node -r`, `zqf24b`, /loads zqf24g', which is no package name/],
    [`F26: Module._load in a helper with the caller as parent`, `zqf26a`, /Module\._load\(…, module\.parent\) loads from the folder of another module/],
    [`F35: the caller's module object held in a name, and its require called`, `zqf35a`, /p\.require\(\) may be the require of another module/],
  ] as Array<[string, string, RegExp]>) {
    it(`${id} is refused, also after an approval, and nothing runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`}}});
      await assertRefusedEvenAfterApproval(app, name, refusal);
    });
  }

  // (F32's archive-level node_modules folder needs a hand-made tarball: npm
  // packs one only for bundleDependencies, which Yarn drops; unit-tested.)
  for (const [id, name, linker] of [[`F33`, `zqf33a`, `node-modules`], [`F33`, `zqf33a`, `pnpm`]]) {
    it(`${id} (${linker}): a release that changes only a file the archive ships in a node_modules folder is refused, and it never runs`, async () => {
      // approvedProjectFrom asserts that the approved release installs and its script runs.
      const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`}}, yarnrc: {nodeLinker: linker}}, [name]);
      const up = await app.yarn([`up`, `${name}@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, /node_modules\/zq\w+\/index\.js/);
      assert.deepEqual(await app.markers(), []);
    });
  }

  it(`F37: a release that swaps the dependency npm's --node-options preloads is refused, and the new code never runs`, async () => {
    const {app, approved} = await suite.approvedProject({zqf37: `1.0.0`}, [`zqf37`]);
    assert.match(approved.output, /zqf37pre/);
    const up = await app.yarn([`up`, `zqf37@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqf37pre@npm:2\.0\.0/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`N1: a copy planted in a nested node_modules, nearer than the approved copy, is refused before the script runs`, async () => {
    const {app} = await suite.approvedProject({zqn1tool: `1.0.0`}, [`zqn1tool`]);
    assert.equal(await app.exists(`node_modules/zqn1lib/index.js`), true);
    await fs.mkdir(path.join(app.cwd, `node_modules/zqn1tool/node_modules/zqn1lib`), {recursive: true});
    await app.writeFile(`node_modules/zqn1tool/node_modules/zqn1lib/package.json`, `{"name": "zqn1lib", "version": "9.9.9"}\n`);
    await app.writeFile(`node_modules/zqn1tool/node_modules/zqn1lib/index.js`, PWN(`n1-nearer-copy-ran`));
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 1, rebuild.output);
    assert.match(rebuild.output, /Node loads zqn1lib at version 9\.9\.9 from here for require\('zqn1lib'\)/);
    assert.match(rebuild.output, /node_modules\/zqn1tool\/node_modules\/zqn1lib/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`N1: a nested copy of another version that Yarn places for the package still installs, and so does a rebuild`, async () => {
    // approvedProject asserts that the install after the approval passes.
    const {app} = await suite.approvedProject({zqn1lib: `1.0.0`, zqn1deep: `1.0.0`}, [`zqn1deep`]);
    assert.equal(JSON.parse(await app.readFile(`node_modules/zqn1deep/node_modules/zqn1lib/package.json`)).version, `2.0.0`);
    const rebuild = await app.yarn([`rebuild`]);
    assert.equal(rebuild.code, 0, rebuild.output);
  });
});
