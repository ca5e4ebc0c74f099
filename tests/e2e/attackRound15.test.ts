/**
 * Outside attack round 15 and this session's own review of the class behind
 * rounds 13 and 14: programs that an install script starts read configuration
 * from the folder they run in, and a path in it that leaves the package runs
 * code no approval holds. The review found two spellings no round had tried:
 * CMake's presets (`cmake --preset`, whose `toolchainFile` is CMake code) and
 * the rc file of a tool the plugin does not know, read by an approved
 * dependency's bin that loads the plugin it names.
 */
import {strict as assert} from 'assert';
import {spawnSync} from 'child_process';
import {promises as fs} from 'fs';
import path from 'path';

import {type TestProject, assertChangedReleaseNeverRuns, assertRefusedEvenAfterApproval, markerCode as PWN, plain, suiteRegistry} from './harness';

/**
 * `yarn trust approve <dependency>` after a first install, then install
 * again: still refused, naming `refused`, and nothing of it ran.
 */
async function approvingTheDependencyIsNotEnough(app: TestProject, dependency: string, refused: RegExp): Promise<void> {
  await app.yarn([`install`]);
  assert.equal((await app.yarn([`trust`, `approve`, dependency])).code, 0);
  const again = await app.yarn([`install`]);
  assert.deepEqual(await app.markers(), [], again.output);
  assert.equal(again.code, 1, again.output);
  assert.match(again.output, refused);
}

/** A linter of the kind that loads the plugin its rc file names, by a path from the folder it runs in. */
const LINTER = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const config = JSON.parse(fs.readFileSync('.zqlintrc', 'utf8'));
for (const plugin of config.plugins) require(path.resolve(plugin));
`;

describe(`attack round 15: configuration that programs read from the folder they run in (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-15`, () => [
    // cmake --preset runs the preset's toolchainFile, here the sibling package's CMake code.
    plain(`zqc1`, `1.0.0`, {scripts: {postinstall: `cmake --preset zq`}, files: {
      [`CMakeLists.txt`]: `cmake_minimum_required(VERSION 3.10)\nproject(zq NONE)\n`,
      [`CMakePresets.json`]: `${JSON.stringify({version: 3, configurePresets: [{name: `zq`, generator: `Unix Makefiles`, binaryDir: `\${sourceDir}/build`, toolchainFile: `\${sourceDir}/../zqc1tc/t.cmake`}]})}\n`,
    }}),
    plain(`zqc1tc`, `1.0.0`, {files: {[`t.cmake`]: `file(WRITE "$ENV{TRUST_MARKERS}/c1-cmake-preset-toolchain-ran" ran)\n`}}),
    // An approved linter loads the plugin that the package's .zqlintrc names, in the package next door.
    plain(`zqr1lint`, `1.0.0`, {manifest: {bin: {zqlint: `lint.js`}}, files: {[`lint.js`]: LINTER}}),
    plain(`zqr1`, `1.0.0`, {scripts: {postinstall: `zqlint`}, dependencies: {zqr1lint: `1.0.0`}, files: {[`.zqlintrc`]: `{"plugins": ["../zqr1evil/p.js"]}\n`}}),
    plain(`zqr1`, `1.0.1`, {scripts: {postinstall: `zqlint`}, dependencies: {zqr1lint: `1.0.0`}, files: {[`.zqlintrc`]: `{"plugins": ["./p.js"]}\n`, [`p.js`]: `module.exports = 1;\n`}}),
    plain(`zqr1evil`, `1.0.0`, {files: {[`p.js`]: PWN(`r1-rc-file-plugin-ran`)}}),
    // $npm_execpath is Yarn itself: `run -T` runs a root dependency's bin.
    plain(`zqe1`, `1.0.0`, {scripts: {postinstall: `$npm_execpath run -T zqe1t`}}),
    plain(`zqe1tool`, `1.0.0`, {manifest: {bin: {zqe1t: `t.js`}}, files: {[`t.js`]: `#!/usr/bin/env node\n`}}),
    plain(`zqe1tool`, `1.0.1`, {manifest: {bin: {zqe1t: `t.js`}}, files: {[`t.js`]: `#!/usr/bin/env node\n${PWN(`e1-npm-execpath-top-level-ran`)}`}}),
    // attack24: a registry helper that workspaces' code requires; 1.0.1 is the attacker's release.
    plain(`zqw5hid`, `1.0.0`, {files: {[`index.js`]: `module.exports = function () {};\n`}}),
    plain(`zqw5hid`, `1.0.1`, {files: {[`index.js`]: `${PWN(`w5-helper-1.0.1-ran`)}module.exports = function () {};\n`}}),
    // F21: a dependency's install code requires a workspace of the project by name.
    // F30: a dependency whose declared zqlib@^1.0.0 is a workspace of the project (not on the registry).
    plain(`zqw5run`, `1.0.0`, {scripts: {postinstall: `node i.js`}, dependencies: {zqlib: `^1.0.0`}, files: {[`i.js`]: `require('zqlib')();\n`}}),
    plain(`zqw5dep`, `1.0.0`, {scripts: {postinstall: `node i.js`}, files: {[`i.js`]: `require('a')();\n`}}),
    // F16: a runner like tsx: it loads the file it is given by a computed require.
    plain(`zqw5tsx`, `1.0.0`, {manifest: {bin: {zqw5tsx: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\nrequire.extensions['.ts'] = require.extensions['.js'];\nrequire(require('path').resolve(process.argv[2]));\n`}}),
    // Round 20 (M10): a stand-in for tsx, whose compiled JSX imports the automatic runtime, and one for react.
    plain(`tsx`, `4.0.0`, {manifest: {bin: {tsx: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\nconst file = require('path').resolve(process.argv[2]);\nconst source = process.env.ZQ_SOURCE || ['re', 'act'].join('');\nif (file.endsWith('.tsx')) require(require.resolve(source + '/jsx-runtime', {paths: [process.cwd()]}));\n`}}),
    plain(`zqm10react`, `18.0.0`, {files: {[`index.js`]: ``, [`jsx-runtime.js`]: PWN(`m10-react-jsx-runtime-ran`)}}),
  ]);

  it(`a dependency's CMakePresets.json whose toolchainFile is in the package next door is refused, also after an approval, and that CMake code never runs`, async function() {
    if (spawnSync(`cmake`, [`--version`]).status !== 0)
      this.skip();
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqc1: `1.0.0`, zqc1tc: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqc1`, /CMakePresets\.json, read by cmake from the folder it runs in, names \/\.\.\/zqc1tc\/t\.cmake, outside the package/);
  });

  it(`an rc file of a tool the plugin does not know, naming a plugin in the package next door, is refused, also after an approval, and the plugin never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqr1: `1.0.0`, zqr1evil: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zqr1`, /\.zqlintrc, a configuration file that a program may read, names \.\.\/zqr1evil\/p\.js, outside the package/);
  });

  it(`the same tool with a plugin of the package's own installs once approved (no refusal for what stays inside)`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqr1: `1.0.1`}}});
    const first = await app.yarn([`install`]);
    assert.equal(first.code, 1, first.output);
    await app.yarn([`trust`, `approve`, `zqr1`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
  });

  it(`$npm_execpath run -T x: the root dependency's bin it runs is approved with the package, and a release that changes it never runs`, async () => {
    await assertChangedReleaseNeverRuns(suite, {zqe1: `1.0.0`, zqe1tool: `1.0.0`}, [`zqe1`], `zqe1tool@1.0.1`);
  });

  describe(`outside round 15 (attack24): install code that reaches a workspace of the project`, () => {
    const workspaceA = (extra: Record<string, unknown>, files: Record<string, string> = {}) => ({
      [`packages/a/package.json`]: JSON.stringify({name: `a`, version: `1.0.0`, main: `index.js`, dependencies: {zqw5hid: `1.0.1`}, ...extra}),
      [`packages/a/index.js`]: `module.exports = require('zqw5hid');\n`,
      [`packages/a/setup.js`]: `require('zqw5hid')();\n`,
      ...files,
    });

    it(`F8: the root's postinstall runs packages/a/setup.js: its require is a's helper, which a release changed, and is refused after a fresh install`, async () => {
      const app = await suite.project({
        manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {zqw5hid: `1.0.0`}, scripts: {postinstall: `node packages/a/setup.js`}},
        files: workspaceA({dependencies: {zqw5hid: `1.0.0`}}),
      });
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, `zqw5hid`])).code, 0);
      const approved = await app.yarn([`install`]);
      assert.equal(approved.code, 0, approved.output);
      await app.writeJson(`packages/a/package.json`, {name: `a`, version: `1.0.0`, main: `index.js`, dependencies: {zqw5hid: `1.0.1`}});
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
      const changed = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), [], changed.output);
      assert.equal(changed.code, 1, changed.output);
      assert.match(changed.output, /zqw5hid@npm:1\.0\.1 changed the code that other packages run at install time/);
      assert.match(changed.output, /a@workspace:packages\/a/);
    });

    for (const [label, manifest, files] of [
      [`F18: the root's postinstall requires the workspace a by name`, {dependencies: {a: `workspace:*`}, scripts: {postinstall: `node scripts/x.js`}}, {...workspaceA({}), [`scripts/x.js`]: `require('a')();\n`}],
      [`F19: the root's postinstall runs the workspace a's bin`, {dependencies: {a: `workspace:*`}, scripts: {postinstall: `abuild`}}, workspaceA({bin: {abuild: `cli.js`}}, {[`packages/a/cli.js`]: `#!/usr/bin/env node\nrequire('zqw5hid')();\n`})],
      [`F20: the workspace b's postinstall requires the workspace a`, {}, {...workspaceA({}), [`packages/b/package.json`]: JSON.stringify({name: `b`, version: `1.0.0`, scripts: {postinstall: `node setup.js`}, dependencies: {a: `workspace:*`}}), [`packages/b/setup.js`]: `require('a')();\n`}],
      [`round 21, M5: the root's postinstall runs tsx on a .tsx file whose JSX factory is require`, {dependencies: {tsx: `4.0.0`, zqw5hid: `1.0.1`}, scripts: {postinstall: `tsx scripts/x.tsx`}}, {[`scripts/x.tsx`]: `/** @jsx require */\nconst helper = <zqw5hid />;\n`}],
      [`round 20, M16: the root's postinstall runs node_modules/zqw5h*/index.js, a glob through node_modules`, {dependencies: {zqw5hid: `1.0.1`}, scripts: {postinstall: `node node_modules/zqw5h*/index.js`}}, {}],
      // Round 23 (M3): what else Yarn's shell (micromatch) expands: extglobs and brace lists.
      [`round 23, M3: the root's postinstall runs node_modules/!(zz)/index.js, an extglob through node_modules`, {dependencies: {zqw5hid: `1.0.1`}, scripts: {postinstall: `node node_modules/!(zz)/index.js`}}, {}],
      [`round 23, M3: the root's postinstall runs node_modules/@(zqw5h*)/index.js`, {dependencies: {zqw5hid: `1.0.1`}, scripts: {postinstall: `node node_modules/@(zqw5h*)/index.js`}}, {}],
      [`round 23, M3: the root's postinstall runs node_modules/{zz,zqw5hid}/index.js, a brace list`, {dependencies: {zqw5hid: `1.0.1`}, scripts: {postinstall: `node node_modules/{zz,zqw5hid}/index.js`}}, {}],
      [`round 20, M12: the root's postinstall preloads a file: URL through /proc/self/cwd into an alias folder`, {dependencies: {zqw5hid: `1.0.1`, zqm12alias: `npm:zqw5hid@1.0.1`}, scripts: {postinstall: `node --import=file:///proc/self/cwd/node_modules/zqm12alias/index.js scripts/ok.js`}}, {[`scripts/ok.js`]: ``}],
      [`F16: the root's postinstall runs a TypeScript file with a runner like tsx`, {dependencies: {zqw5tsx: `1.0.0`, zqw5hid: `1.0.1`}, scripts: {postinstall: `zqw5tsx scripts/x.ts`}}, {[`scripts/x.ts`]: `import run from 'zqw5hid';\nrun();\n`}],
    ] as Array<[string, Record<string, unknown>, Record<string, string>]>) {
      it(`${label}, which requires a registry helper: the helper needs an approval, and never runs without one`, async () => {
        const app = await suite.project({manifest: {name: `app`, private: true, workspaces: [`packages/*`], ...manifest}, files});
        const first = await app.yarn([`install`]);
        // A runner the script names is approved by name; what it runs of the workspace is not.
        const runner = label.startsWith(`F16`) ? `zqw5tsx` : label.includes(`M5`) ? `tsx` : null;
        if (runner !== null)
          await app.yarn([`trust`, `approve`, runner]);
        const again = runner !== null ? await app.yarn([`install`]) : first;
        assert.deepEqual(await app.markers(), [], `${first.output}\n${again.output}`);
        assert.equal(again.code, 1, again.output);
        assert.match(again.output, /zqw5hid@npm:1\.0\.1 has code that other packages run at install time, and the trust file does not approve it/);
        // The refusal says how the workspace's code came to run.
        if (label.startsWith(`F18`))
          assert.match(again.output, /run at install time by a@workspace:packages\/a: require\('zqw5hid'\) \(reached at install time from app@workspace:\.: require\('a'\)\)/);
      });
    }

    for (const [label, dependency, file, code, compilerOptions, refused] of [
      [`round 20 (M10): the root's postinstall runs a .tsx file with tsx under "jsx": "react-jsx": react, whose jsx-runtime the compiled JSX imports`, {react: `npm:zqm10react@18.0.0`}, `scripts/x.tsx`, `const banner = <b>built</b>;\n`, {jsx: `react-jsx`}, `zqm10react@npm:18\\.0\\.0`],
      [`round 20 (M5): the root's postinstall runs tsx on a file that imports node_modules/<helper>/index.js through baseUrl "."`, {zqw5hid: `1.0.1`}, `scripts/x.ts`, `import 'node_modules/zqw5hid/index.js';\n`, {baseUrl: `.`}, `zqw5hid@npm:1\\.0\\.1`],
    ] as Array<[string, Record<string, string>, string, string, Record<string, string>, string]>) {
      it(`${label}: that package needs an approval, and never runs without one`, async () => {
        const app = await suite.project({
          manifest: {name: `app`, private: true, dependencies: {tsx: `4.0.0`, ...dependency}, scripts: {postinstall: `tsx ${file}`}},
          files: {[file]: code, [`tsconfig.json`]: JSON.stringify({compilerOptions})},
        });
        await app.yarn([`install`]);
        assert.equal((await app.yarn([`trust`, `approve`, `tsx`])).code, 0);
        const install = await app.yarn([`install`]);
        assert.deepEqual(await app.markers(), [], install.output);
        assert.equal(install.code, 1, install.output);
        assert.match(install.output, new RegExp(`${refused} has code that other packages run at install time, and the trust file does not approve it`));
      });
    }

    for (const protocol of [`link:`, `portal:`]) {
      it(`F24: the root's postinstall requires a ${protocol} folder of the project, which requires a registry helper: the helper needs an approval, and never runs without one`, async () => {
        const app = await suite.project({
          manifest: {name: `app`, private: true, dependencies: {zql: `${protocol}./vendor/zql`, zqw5hid: `1.0.1`}, scripts: {postinstall: `node scripts/x.js`}},
          files: {
            [`scripts/x.js`]: `require('zql')();\n`,
            [`vendor/zql/package.json`]: JSON.stringify({name: `zql`, version: `1.0.0`, main: `index.js`, dependencies: {zqw5hid: `1.0.1`}}),
            [`vendor/zql/index.js`]: `module.exports = require('zqw5hid');\n`,
          },
        });
        const install = await app.yarn([`install`]);
        assert.deepEqual(await app.markers(), [], install.output);
        assert.equal(install.code, 1, install.output);
        assert.match(install.output, /zqw5hid@npm:1\.0\.1 has code that other packages run at install time, and the trust file does not approve it/);
      });
    }

    it(`F32: a dependency's install code requires a link: folder of the project: approving the dependency does not approve the helper the folder runs`, async () => {
      const app = await suite.project({
        manifest: {name: `app`, private: true, dependencies: {zqw5dep: `1.0.0`, a: `link:./vendor/a`, zqw5hid: `1.0.1`}},
        files: {[`vendor/a/package.json`]: JSON.stringify({name: `a`, version: `1.0.0`, main: `index.js`}), [`vendor/a/index.js`]: `module.exports = require('zqw5hid');\n`},
      });
      await approvingTheDependencyIsNotEnough(app, `zqw5dep`, /zqw5hid@npm:1\.0\.1/);
    });

    it(`F30: a dependency's declared dependency that Yarn resolves to a workspace (zqlib@^1.0.0 → packages/zqlib): approving the dependency does not approve the helper the workspace runs`, async () => {
      const app = await suite.project({
        manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {zqw5run: `1.0.0`}},
        files: {
          [`packages/zqlib/package.json`]: JSON.stringify({name: `zqlib`, version: `1.0.0`, main: `index.js`, dependencies: {zqw5hid: `1.0.1`}}),
          [`packages/zqlib/index.js`]: `module.exports = require('zqw5hid');\n`,
        },
      });
      await approvingTheDependencyIsNotEnough(app, `zqw5run`, /zqw5hid@npm:1\.0\.1/);
    });

    describe(`a sub-workspace's install script that climbs into the root's folder`, () => {
      const rootWithHelper = (helper: string, postinstall: string, files: Record<string, string>) => suite.project({
        manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {zqw5hid: helper}},
        files: {
          [`packages/a/package.json`]: JSON.stringify({name: `a`, version: `1.0.0`, scripts: {postinstall}}),
          [`scripts/setup.js`]: `require('zqw5hid')();\n`,
          ...files,
        },
      });

      it(`node ../../scripts/setup.js: the root's helper it requires needs an approval, and a release nobody approved never runs`, async () => {
        const app = await rootWithHelper(`1.0.1`, `node ../../scripts/setup.js`, {});
        const install = await app.yarn([`install`]);
        assert.deepEqual(await app.markers(), [], install.output);
        assert.equal(install.code, 1, install.output);
        assert.match(install.output, /zqw5hid@npm:1\.0\.1/);
        assert.match(install.output, /run at install time by app@workspace:\.: require\('zqw5hid'\) \(reached at install time from a@workspace:packages\/a: runs \.\.\/\.\.\/scripts\/setup\.js\)/);
      });

      it(`yarn run gen:zq from the root runs the one workspace with that script (Yarn's rule for a name with a colon): what it requires needs approval, and a release nobody approved never runs`, async () => {
        const app = await suite.project({
          manifest: {name: `app`, private: true, workspaces: [`packages/*`], scripts: {postinstall: `yarn run gen:zq`}},
          files: {
            [`packages/a/package.json`]: JSON.stringify({name: `a`, version: `1.0.0`, scripts: {[`gen:zq`]: `node setup.js`}, dependencies: {zqw5hid: `1.0.1`}}),
            [`packages/a/setup.js`]: `require('zqw5hid')();\n`,
          },
        });
        const install = await app.yarn([`install`]);
        assert.deepEqual(await app.markers(), [], install.output);
        assert.equal(install.code, 1, install.output);
        assert.match(install.output, /zqw5hid@npm:1\.0\.1 has code that other packages run at install time/);
      });

      it(`node $PROJECT_CWD/scripts/setup.js from a workspace: the root's file, whose helper needs approval, and a release nobody approved never runs`, async () => {
        const app = await rootWithHelper(`1.0.1`, `node $PROJECT_CWD/scripts/setup.js`, {});
        const install = await app.yarn([`install`]);
        assert.deepEqual(await app.markers(), [], install.output);
        assert.equal(install.code, 1, install.output);
        assert.match(install.output, /zqw5hid@npm:1\.0\.1 has code that other packages run at install time/);
      });

      it(`round 16 (G4): cd packages/a && yarn node setup.js from the root runs a's file: the helper it requires needs approval, and a release nobody approved never runs`, async () => {
        const app = await suite.project({
          manifest: {name: `app`, private: true, workspaces: [`packages/*`], scripts: {postinstall: `cd packages/a && yarn node setup.js`}},
          files: {
            [`packages/a/package.json`]: JSON.stringify({name: `a`, version: `1.0.0`, dependencies: {zqw5hid: `1.0.1`}}),
            [`packages/a/setup.js`]: `require('zqw5hid')();\n`,
          },
        });
        const install = await app.yarn([`install`]);
        assert.deepEqual(await app.markers(), [], install.output);
        assert.equal(install.code, 1, install.output);
        assert.match(install.output, /zqw5hid@npm:1\.0\.1 has code that other packages run at install time/);
      });

      // Round 16: Yarn commands run in a workspace's folder, a subshell's cd, yarn constraints.
      for (const [label, postinstall, extra] of [
        [`G7: yarn workspace a node setup.js`, `yarn workspace a node setup.js`, {}],
        [`G17: yarn workspace a exec node setup.js`, `yarn workspace a exec node setup.js`, {}],
        [`G1: yarn workspaces foreach -A --include a exec node setup.js`, `yarn workspaces foreach -A --include a exec node setup.js`, {}],
        [`G30: yarn workspace a pack, whose prepack runs setup.js`, `yarn workspace a pack --dry-run`, {scripts: {prepack: `node setup.js`}}],
        [`G15: (cd packages/a; node noop.js); yarn run setup, the root's script`, `(cd packages/a; node noop.js); yarn run setup`, {}],
        [`G29: yarn constraints, which runs the project's yarn.config.cjs`, `yarn constraints`, {}],
        [`G16: npm run setup -w packages/a`, `npm run setup -w packages/a`, {scripts: {setup: `node setup.js`}}],
        [`G23: yarn run --require <helper> <script>`, `yarn run --require zqw5hid setup`, {}],
      ] as Array<[string, string, Record<string, unknown>]>) {
        it(`round 16 (${label}): the helper its code requires needs approval, and a release nobody approved never runs`, async () => {
          const app = await suite.project({
            manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {zqw5hid: `1.0.1`}, scripts: {postinstall, setup: `node scripts/setup.js`}},
            files: {
              [`packages/a/package.json`]: JSON.stringify({name: `a`, version: `1.0.0`, dependencies: {zqw5hid: `1.0.1`}, ...extra}),
              [`packages/a/setup.js`]: `require('zqw5hid')();\n`,
              [`packages/a/noop.js`]: ``,
              [`scripts/setup.js`]: `require('zqw5hid')();\n`,
              [`yarn.config.cjs`]: `require('zqw5hid')();\nmodule.exports = {};\n`,
            },
          });
          const install = await app.yarn([`install`]);
          assert.deepEqual(await app.markers(), [], install.output);
          assert.equal(install.code, 1, install.output);
          assert.match(install.output, /zqw5hid@npm:1\.0\.1 has code that other packages run at install time/);
        });
      }

      // Round 19: a bin of the workspace's dependencies run through `run` or after a cd, and another workspace's colon script.
      for (const [label, postinstall] of [
        [`M10: yarn workspace a run <bin>`, `yarn workspace a run zqe1t`],
        [`M10: yarn workspaces foreach -A --include a run <bin>`, `yarn workspaces foreach -A --include a run zqe1t`],
        [`M11: (cd packages/a; yarn <bin>)`, `(cd packages/a; yarn zqe1t)`],
        [`M12: yarn workspace a run b:gen, a colon script only b has`, `yarn workspace a run b:gen`],
        // Round 20 (M4): Yarn's shell expands a glob in cd's operand.
        [`round 20, M4: cd packages/a* && yarn <bin>`, `cd packages/a* && yarn zqe1t`],
        [`round 20, M4: cd packages/[a] && node setup.js`, `cd packages/[a] && node setup.js`],
        [`round 20, M4: node packages/a*/setup.js`, `node packages/a*/setup.js`],
        [`round 20, M4: yarn --cwd packages/a* <bin>`, `yarn --cwd packages/a* zqe1t`],
        // Round 21 (M2): an alternative of a variable that is set, a glob quoted in part or matching several workspaces.
        [`round 21, M2: cd \${HOME:+packages/a} && yarn <bin>`, `cd \${HOME:+packages/a} && yarn zqe1t`],
        [`round 21, M2: cd "packages/a"* && yarn <bin>`, `cd "packages/a"* && yarn zqe1t`],
        [`round 21, M2: node packages/*/setup.js`, `node packages/*/setup.js`],
        // Round 20 (M7): Yarn's shell expands a variable the script set, and a default.
        [`round 20, M7: T=packages/a; cd $T && yarn <bin>`, `T=packages/a; cd $T && yarn zqe1t`],
        [`round 20, M7: yarn workspace \${ZQ_UNSET:-a} run <bin>`, `yarn workspace \${ZQ_UNSET:-a} run zqe1t`],
      ]) {
        it(`round 19 (${label}): the package whose code runs needs approval, and a release nobody approved never runs`, async () => {
          const app = await suite.project({
            manifest: {name: `app`, private: true, workspaces: [`packages/*`], scripts: {postinstall}},
            files: {
              [`packages/a/package.json`]: JSON.stringify({name: `a`, version: `1.0.0`, dependencies: {zqe1tool: `1.0.1`, zqw5hid: `1.0.1`}}),
              [`packages/a/setup.js`]: `require('zqw5hid')();\n`,
              [`packages/b/package.json`]: JSON.stringify({name: `b`, version: `1.0.0`, scripts: {[`b:gen`]: `node ../a/setup.js`}}),
            },
          });
          const install = await app.yarn([`install`]);
          assert.deepEqual(await app.markers(), [], install.output);
          assert.equal(install.code, 1, install.output);
          assert.match(install.output, /(?:zqe1tool|zqw5hid)@npm:1\.0\.1 has code that other packages run at install time/);
        });
      }

      it(`round 16 (G42): a portal: folder outside the project whose own node_modules holds another release of the approved helper: the backstop refuses it in the console, and it never runs`, async () => {
        const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[`@c/ext`]: `portal:../ext`}, scripts: {postinstall: `node -e "require('@c/ext')"`}}});
        const ext = path.join(app.cwd, `..`, `ext`);
        await fs.mkdir(ext, {recursive: true});
        await fs.writeFile(path.join(ext, `package.json`), JSON.stringify({name: `@c/ext`, version: `1.0.0`, dependencies: {zqw5hid: `1.0.0`}}));
        await fs.writeFile(path.join(ext, `index.js`), `require('zqw5hid');\n`);
        assert.equal((await app.yarn([`install`])).code, 1);
        // The sibling checkout has its own node_modules (npm installed the same release there).
        const planted = path.join(ext, `node_modules`, `zqw5hid`);
        await fs.cp(path.join(app.cwd, `node_modules`, `zqw5hid`), planted, {recursive: true});
        assert.equal((await app.yarn([`trust`, `approve`, `zqw5hid`])).code, 0);
        const approved = await app.yarn([`install`]);
        assert.equal(approved.code, 0, approved.output);
        // Then npm there updates it to the release nobody approved.
        await fs.writeFile(path.join(planted, `package.json`), JSON.stringify({name: `zqw5hid`, version: `1.0.1`, main: `index.js`}));
        await fs.writeFile(path.join(planted, `index.js`), PWN(`w5-helper-1.0.1-ran`));
        await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
        const install = await app.yarn([`install`]);
        assert.deepEqual(await app.markers(), [], install.output);
        assert.equal(install.code, 1, install.output);
        assert.match(install.output, /Node loads zqw5hid at version 1\.0\.1 from here/);
      });

      it(`require('../../scripts/util') from the workspace's own file: followed into the root's file, and the install passes once the helper is approved`, async () => {
        const app = await rootWithHelper(`1.0.0`, `node setup.js`, {
          [`packages/a/setup.js`]: `require('../../scripts/util')();\n`,
          [`scripts/util.js`]: `module.exports = require('zqw5hid');\n`,
        });
        const first = await app.yarn([`install`]);
        assert.equal(first.code, 1, first.output);
        assert.match(first.output, /zqw5hid@npm:1\.0\.0/);
        assert.equal((await app.yarn([`trust`, `approve`, `zqw5hid`])).code, 0);
        const approved = await app.yarn([`install`]);
        assert.equal(approved.code, 0, approved.output);
      });
    });

    it(`F21: a dependency's install code requires the workspace a: approving the dependency does not approve the helper a runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {zqw5dep: `1.0.0`, a: `workspace:*`}}, files: workspaceA({})});
      await approvingTheDependencyIsNotEnough(app, `zqw5dep`, /zqw5hid@npm:1\.0\.1/);
    });
  });
});
