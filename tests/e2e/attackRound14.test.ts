/**
 * Outside attack round 13's successes (/work/attack18: R1-R3 there) and its
 * borderline V1, replayed with marker files, and what their review found.
 *
 * rustup's proxies (`cargo`, `rustc`…, on the PATH of most CI runners) read
 * `rust-toolchain.toml` from the folder they run in and the folders above, and
 * `[toolchain] path = "<folder>"` makes them run `<folder>/bin/cargo`. A
 * dependency's toolchain file that names `/proc/self/cwd/../<sibling>` ran a
 * sibling package's code, never approved. The tests put a stand-in for the
 * proxy on the PATH (a node script that does what rustup does with a path
 * toolchain), so they run on machines without rustup.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';
import os from 'os';
import path from 'path';

import {assertChangedReleaseNeverRuns, assertRefusedEvenAfterApproval, handMadeTarball, markerCode as PWN, plain, suiteRegistry} from './harness';

/** What rustup's `cargo` proxy does with a path toolchain, for these tests. */
const PROXY_JS = `const fs = require('fs');
const path = require('path');
for (let folder = process.cwd(); ; folder = path.dirname(folder)) {
  for (const name of ['rust-toolchain.toml', 'rust-toolchain']) {
    const file = path.join(folder, name);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) continue;
    // TOML basic strings, multi-line ones with their line continuations too.
    const text = fs.readFileSync(file, 'utf8').replace(/\\\\\\r?\\n[ \\t]*/g, '').replace(/"""/g, '"');
    const found = /path\\s*=\\s*"([^"]+)"/.exec(text);
    if (found === null) process.exit(0);
    // As the kernel resolves it (/dev/fd/.. is /proc/self).
    const toolchain = fs.realpathSync.native(found[1].replace(/^\\/proc\\/self\\/cwd(?=\\/|$)/, process.cwd()));
    const result = require('child_process').spawnSync(process.execPath, [path.join(toolchain, 'bin', 'cargo'), ...process.argv.slice(1)], {stdio: 'inherit'});
    process.exit(result.status === null ? 1 : result.status);
  }
  if (path.dirname(folder) === folder) process.exit(0);
}
`;
/** The machine's proxy: a shell script, since the load guard refuses a Node file outside the project (so would it the proxy's). */
const PROXY = `#!/bin/sh\nexec node -e "$(cat <<'JS'\n${PROXY_JS}JS\n)" -- "$@"\n`;

describe(`attack round 14: toolchain files and paths from the project's folder (e2e)`, function() {
  this.timeout(300_000);

  let proxyFolder = ``;
  const env = () => ({PATH: `${proxyFolder}${path.delimiter}${process.env.PATH}`});
  before(async () => {
    proxyFolder = await fs.mkdtemp(path.join(os.tmpdir(), `trust-rustup-`));
    await fs.writeFile(path.join(proxyFolder, `cargo`), PROXY, {mode: 0o755});
  });
  after(async () => {
    await fs.rm(proxyFolder, {recursive: true, force: true});
  });

  const suite = suiteRegistry(`attack-round-14`, () => [
    // R1: the toolchain path names a sibling package through the working folder's other name.
    plain(`zqt1`, `1.0.0`, {scripts: {postinstall: `cargo --version`}, files: {[`rust-toolchain.toml`]: `[toolchain]\npath = "/proc/self/cwd/../zqt1tgt"\n`}}),
    // R2: the same under the pnpm linker, where the package sits three folders below node_modules.
    plain(`zqt2`, `1.0.0`, {scripts: {postinstall: `cargo --version`}, files: {[`rust-toolchain.toml`]: `[toolchain]\npath = "/proc/self/cwd/../../../zqt1tgt"\n`}}),
    plain(`zqt1tgt`, `1.0.0`, {files: {[`bin/cargo`]: PWN(`t1-toolchain-ran`)}}),
    // V1: a glob in place of node_modules, from the project's folder.
    plain(`zqt3`, `1.0.0`, {scripts: {postinstall: `node $INIT_CWD/*/zqt3tgt/x.js`}}),
    plain(`zqt3tgt`, `1.0.0`, {files: {[`x.js`]: PWN(`t3-project-folder-ran`)}}),
    // The review: a file of the package run through /proc/self/cwd; what it requires is the approval's.
    plain(`zqt4`, `1.0.0`, {scripts: {postinstall: `node /proc/self/cwd/i.js`}, dependencies: {zqt4dep: `1.0.0`}, files: {[`i.js`]: `require('zqt4dep');\n`}}),
    plain(`zqt4`, `1.0.1`, {scripts: {postinstall: `node /proc/self/cwd/i.js`}, dependencies: {zqt4dep: `1.0.1`}, files: {[`i.js`]: `require('zqt4dep');\n`}}),
    plain(`zqt4dep`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    plain(`zqt4dep`, `1.0.1`, {files: {[`index.js`]: PWN(`t4-pwd-require-ran`)}}),
    // A package nested below another: the folder above it is the other package's, whose toolchain file runs its own bin/cargo.
    plain(`zqt5`, `1.0.0`, {scripts: {postinstall: `cargo --version`}}),
    plain(`zqt5`, `2.0.0`, {scripts: {postinstall: `cargo --version`}}),
    plain(`zqt5host`, `1.0.0`, {dependencies: {zqt5: `2.0.0`}, files: {[`rust-toolchain.toml`]: `[toolchain]\npath = "/proc/self/cwd/../.."\n`, [`bin/cargo`]: PWN(`t5-ancestor-toolchain-ran`)}}),
    // The review: variables set to a sibling's folder through $INIT_CWD/node_modules (perl loads -Mzqt6 from PERL5LIB).
    plain(`zqt6`, `1.0.0`, {scripts: {postinstall: `PERL5LIB=$INIT_CWD/node_modules/zqt6sib PERL5OPT=-Mzqt6 perl -e 1`}, dependencies: {zqt6sib: `1.0.0`}}),
    plain(`zqt6`, `1.0.1`, {scripts: {postinstall: `PERL5LIB=$INIT_CWD/node_modules/zqt6sib PERL5OPT=-Mzqt6 perl -e 1`}, dependencies: {zqt6sib: `1.0.1`}}),
    plain(`zqt6sib`, `1.0.0`, {files: {[`zqt6.pm`]: `1;\n`}}),
    plain(`zqt6sib`, `1.0.1`, {files: {[`zqt6.pm`]: `open(my $f, '>', "$ENV{TRUST_MARKERS}/t6-perl5lib-ran") or die; close($f); 1;\n`}}),
    // Outside round 14 (/work/attack19), F3: a bin whose target climbs into the package installed beside it.
    plain(`zqf3tool`, `1.0.0`, {manifest: {bin: {zqf3t: `../zqf3evil/x.js`}}}),
    plain(`zqf3evil`, `1.0.0`, {files: {[`x.js`]: PWN(`f3-bin-outside-ran`)}}),
    plain(`zqf3host`, `1.0.0`, {scripts: {postinstall: `zqf3t`}, dependencies: {zqf3tool: `1.0.0`}}),
    // F10b: the package's .npmrc names another package's file as npm's node-gyp, which npm's node-gyp shim runs.
    plain(`zqf10host`, `1.0.0`, {scripts: {postinstall: `npm run b`, b: `node-gy''p --version`}}),
    plain(`zqf10evil`, `1.0.0`, {files: {[`x.js`]: PWN(`f10-npmrc-node-gyp-ran`)}}),
    // F11 and F18g: the package's .npmrc names another package's file as npm's init-module, which `npm init -y` runs.
    plain(`zqf11host`, `1.0.0`, {scripts: {postinstall: `npm init -y`}}),
    plain(`zqf18g`, `1.0.0`, {scripts: {postinstall: `K=module npm init -y`}}),
    plain(`zqf11evil`, `1.0.0`, {files: {[`x.js`]: `${PWN(`f11-npmrc-init-module-ran`)}module.exports = {};\n`}}),
    // F22b: a yarnPath spelled through a YAML alias; F24: npm's global configuration under PREFIX; F27a: a quoted .npmrc key.
    plain(`zqf22b`, `1.0.0`, {scripts: {postinstall: `yarn --version`}, files: {[`.yarnrc.yml`]: `a: &p ../zqf9evil/run\nyarnPath: *p\n`}}),
    plain(`zqf9evil`, `1.0.0`, {files: {[`run`]: PWN(`f22-yaml-alias-yarnpath-ran`)}}),
    plain(`zqf24a`, `1.0.0`, {scripts: {postinstall: `PREFIX=./p npm run b`, b: `node -e 0`}, files: {[`p/etc/npmrc`]: `node-options=--require ../zqf11evil/x.js\n`}}),
    plain(`zqf27a`, `1.0.0`, {scripts: {postinstall: `npm run b`, b: `node -e 0`}}),
    // attack20 F8: a TOML line continuation splits the path; attack19 F46: cd sub && yarn reads sub/.yarnrc.yml.
    plain(`zqt8`, `1.0.0`, {scripts: {postinstall: `cargo --version`}, files: {[`rust-toolchain.toml`]: `[toolchain]\npath = """/dev/fd/.\\\n  ./cwd/../zqt1tgt"""\n`}}),
    plain(`zqf46`, `1.0.0`, {scripts: {postinstall: `cd sub && yarn --version`}, files: {[`sub/.yarnrc.yml`]: `yarnPath: ../../zqf9evil/run\n`}}),
    // attack19 F28g: an ES module imports the sibling's file through a URL relative to itself.
    plain(`zqf28g`, `1.0.0`, {scripts: {postinstall: `node i.mjs`}, files: {[`i.mjs`]: `await import(new URL('../zqf11evil/x.js', import.meta.url));\n`}}),
    // F33a: Yarn's `run` wrapper runs a root dependency's bin with -T.
    plain(`zqf33a`, `1.0.0`, {scripts: {postinstall: `run -T zqf31t`}}),
    plain(`zqf31tool`, `1.0.0`, {manifest: {bin: {zqf31t: `t.js`}}, files: {[`t.js`]: `#!/usr/bin/env node\n`}}),
    plain(`zqf31tool`, `1.0.1`, {manifest: {bin: {zqf31t: `t.js`}}, files: {[`t.js`]: `#!/usr/bin/env node\n${PWN(`f33-run-wrapper-top-level-ran`)}`}}),
  ]);

  it(`R1: a dependency's rust-toolchain.toml that names a sibling package through /proc/self/cwd is refused, also after an approval, and the sibling's cargo never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqt1: `1.0.0`, zqt1tgt: `1.0.0`}}, env: env()});
    await assertRefusedEvenAfterApproval(app, `zqt1`, /rust-toolchain\.toml, read by rustup from the folder it runs in, names \/proc\/self\/cwd\/\.\.\/zqt1tgt, outside the package/);
  });

  it(`R2: the same under the pnpm linker`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqt2: `1.0.0`, zqt1tgt: `1.0.0`}}, yarnrc: {nodeLinker: `pnpm`}, env: env()});
    await assertRefusedEvenAfterApproval(app, `zqt2`, /names \/proc\/self\/cwd\/\.\.\/\.\.\/\.\.\/zqt1tgt, outside the package/);
  });

  it(`V1: node $INIT_CWD/*/<sibling>/x.js is refused, also after an approval, and the sibling's file never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqt3: `1.0.0`, zqt3tgt: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqt3`, /node runs \$INIT_CWD\/\*\/zqt3tgt\/x\.js, a file of the project's folder or of the one Yarn was started in, outside the package/);
  });

  it(`node /proc/self/cwd/i.js is followed like node i.js: a release of what it requires is refused until reviewed, and never runs`, async () => {
    const {app, approved} = await suite.approvedProject({zqt4: `1.0.0`}, [`zqt4`]);
    const up = await app.yarn([`up`, `zqt4@1.0.1`]);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.match(approved.output, /zqt4dep/);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqt4dep@npm:1\.0\.1/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`a toolchain file in the folder of the package a dependency is nested in stops its approved script before it runs`, async () => {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zqt5: `1.0.0`}}, env: env()}, [`zqt5`]);
    const manifest = await app.readJson(`package.json`) as {dependencies: Record<string, string>};
    manifest.dependencies.zqt5host = `1.0.0`;
    await app.writeJson(`package.json`, manifest);
    // zqt5@2.0.0, nested in node_modules/zqt5host, runs the same script: its approval carries forward.
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /node_modules\/zqt5host\/rust-toolchain\.toml is in a folder above it that belongs to another package/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`PERL5LIB=$INIT_CWD/node_modules/<dep> approves the dependency with the package: a release that changes it is refused, and never runs`, async () => {
    const {app, approved} = await suite.approvedProject({zqt6: `1.0.0`}, [`zqt6`]);
    const up = await app.yarn([`up`, `zqt6@1.0.1`]);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.match(approved.output, /zqt6sib/);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqt6sib@npm:1\.0\.1/);
  });

  it(`outside round 14, F3: a dependency's bin whose target climbs into a sibling package is refused, also after an approval, and the sibling's file never runs`, async () => {
    // npm publish rewrites such a bin; the attacker's registry upload does not.
    const manifest = {name: `zqf3tool`, version: `1.0.0`, bin: {zqf3t: `../zqf3evil/x.js`}};
    await suite.registry.tamperTarball(`zqf3tool`, `1.0.0`, await handMadeTarball({[`package.json`]: JSON.stringify(manifest)}), {updateMetadata: true});
    await suite.registry.editPackument(`zqf3tool`, doc => {
      doc.versions[`1.0.0`].bin = manifest.bin;
    });
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqf3host: `1.0.0`, zqf3evil: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqf3host`, /\.\.\/zqf3evil\/x\.js is outside the package \(a bin or an entry that climbs out of it\)/);
  });

  it(`outside round 14, F10b: a package's .npmrc whose node-gyp names a sibling's file is refused, also after an approval, and the file never runs`, async () => {
    // npm pack drops .npmrc; the attacker's tarball keeps it.
    const manifest = {name: `zqf10host`, version: `1.0.0`, scripts: {postinstall: `npm run b`, b: `node-gy''p --version`}};
    await suite.registry.tamperTarball(`zqf10host`, `1.0.0`, await handMadeTarball({[`package.json`]: JSON.stringify(manifest), [`.npmrc`]: `node-gyp=../zqf10evil/x.js\n`}), {updateMetadata: true});
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqf10host: `1.0.0`, zqf10evil: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqf10host`, /npm's node-gyp setting\): \.\.\/zqf10evil\/x\.js names \.\.\/zqf10evil\/x\.js, outside the package/);
  });

  for (const [id, name, npmrc, refusal] of [
    [`F11`, `zqf11host`, `init-module=../zqf11evil/x.js`, /npm's init-module setting\): \.\.\/zqf11evil\/x\.js names \.\.\/zqf11evil\/x\.js, outside the package/],
    [`F18g`, `zqf18g`, `init-\${K}=../zqf11evil/x.js`, /\.npmrc has a setting whose name npm builds from the environment \(init-\$\{K\}\)/],
  ] as Array<[string, string, string, RegExp]>) {
    it(`outside round 14, ${id}: a package's .npmrc ${npmrc} that npm init -y runs is refused, also after an approval, and the file never runs`, async () => {
      const manifest = {name, version: `1.0.0`, scripts: {postinstall: id === `F11` ? `npm init -y` : `K=module npm init -y`}};
      await suite.registry.tamperTarball(name, `1.0.0`, await handMadeTarball({[`package.json`]: JSON.stringify(manifest), [`.npmrc`]: `${npmrc}\n`}), {updateMetadata: true});
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`, zqf11evil: `1.0.0`}}});
      await assertRefusedEvenAfterApproval(app, name, refusal);
    });
  }

  for (const [id, name, evil, refusal] of [
    [`F22b`, `zqf22b`, `zqf9evil`, /\.yarnrc\.yml uses YAML this plugin does not read \(&p\)/],
    [`F24a`, `zqf24a`, `zqf11evil`, /\.\.\/zqf11evil\/x\.js names \.\.\/zqf11evil\/x\.js, outside the package/],
    [`F27a`, `zqf27a`, `zqf11evil`, /\.\.\/zqf11evil\/x\.js names \.\.\/zqf11evil\/x\.js, outside the package/],
  ] as Array<[string, string, string, RegExp]>) {
    it(`outside round 14, ${id}: a configuration spelling that makes Yarn or npm run a sibling's file is refused, also after an approval, and the file never runs`, async () => {
      if (id === `F27a`) {
        const manifest = {name, version: `1.0.0`, scripts: {postinstall: `npm run b`, b: `node -e 0`}};
        await suite.registry.tamperTarball(name, `1.0.0`, await handMadeTarball({[`package.json`]: JSON.stringify(manifest), [`.npmrc`]: `"node-options"=--require ../zqf11evil/x.js\n`}), {updateMetadata: true});
      }
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`, [evil]: `1.0.0`}}});
      await assertRefusedEvenAfterApproval(app, name, refusal);
    });
  }

  it(`outside round 14, F33a: a root dependency's bin that run -T (Yarn's run wrapper) runs is approved with the package, and a release that changes it never runs`, async () => {
    await assertChangedReleaseNeverRuns(suite, {zqf33a: `1.0.0`, zqf31tool: `1.0.0`}, [`zqf33a`], `zqf31tool@1.0.1`);
  });

  it(`outside round 14 (attack20 F8): a toolchain path split by a TOML line continuation is refused, also after an approval, and the sibling's cargo never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqt8: `1.0.0`, zqt1tgt: `1.0.0`}}, env: env()});
    await assertRefusedEvenAfterApproval(app, `zqt8`, /rust-toolchain\.toml, read by rustup from the folder it runs in, names/);
  });

  it(`outside round 14 (attack19 F46): cd sub && yarn --version with a sub/.yarnrc.yml naming a sibling's file is refused, also after an approval, and the file never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqf46: `1.0.0`, zqf9evil: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqf46`, /sub\/\.yarnrc\.yml makes Yarn run \.\.\/\.\.\/zqf9evil\/run, outside the package/);
  });

  it(`outside round 14 (attack19 F28g): import(new URL('../<sibling>/x.js', import.meta.url)) is refused, also after an approval, and the file never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqf28g: `1.0.0`, zqf11evil: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqf28g`, /i\.mjs loads \.\/\.\.\/zqf11evil\/x\.js, outside the package/);
  });
});
