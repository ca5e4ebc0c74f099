/**
 * Outside attack round 13's borderline V1 and what its review found: a file
 * run by a path from the project's folder (`$INIT_CWD/<glob>/sib/x.js`) is another
 * package's or the project's, and a file run through the working folder's
 * other name (`/proc/self/cwd/x.js`) is the package's own, whose requires are
 * followed. `$PWD` is not one: Yarn's shell never sets it, so it names the
 * folder Yarn was started in, usually the project's.
 */
import assert from 'node:assert/strict';

import {analyzeEntries, analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, everyFile = true) {
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
  const files = {[`package.json`]: JSON.stringify(manifest), [`i.js`]: `require('zqdep');\n`, [`bin/x`]: `#!/usr/bin/env node\nrequire('zqbin');\n`};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage(files), everyFile});
}

describe(`outside attack round 13, V1, and the working folder's other names`, () => {
  for (const command of [
    `node $INIT_CWD/*/zq18-tgt/x.js`,
    `node "$INIT_CWD"/*/zq18-tgt/x.js`,
    `node \${INIT_CWD}/n*/zq18-tgt/x.js`,
    `node $PROJECT_CWD/scripts/x.js`,
    `sh $INIT_CWD/*/zq18-tgt/x.sh`,
    `$INIT_CWD/*/zq18-tgt/x`,
    `X=$INIT_CWD; node $X/*/zq18-tgt/x.js`,
    `export X="$INIT_CWD"; $X/zq/x`,
  ]) {
    it(`refuses ${command} in a dependency: a file of the project's folder`, () => {
      const analysis = analysed(command);
      assert.equal(analysis.foreignRuns.length, 1, JSON.stringify(analysis));
      assert.match(analysis.foreignRuns[0], /a file of the project's folder or of the one Yarn was started in, outside the package$/);
    });
  }

  it(`still follows $INIT_CWD/node_modules/<dep>/<file> into that dependency`, () => {
    const analysis = analysed(`$INIT_CWD/node_modules/zqdep/cli.js`);
    assert.deepEqual(analysis.foreignRuns, []);
    assert.deepEqual(analysis.dependencyFiles, [`zqdep/cli.js`]);
  });

  it(`leaves a path from another variable a stated limit`, () => {
    const analysis = analysed(`node $HOME/x.js`);
    assert.deepEqual(analysis.foreignRuns, []);
    assert.ok(analysis.unresolved.some(line => line.includes(`$HOME/x.js, which is not a file of the package`)), analysis.unresolved.join());
  });

  for (const command of [`node $PWD/i.js`, `node \${PWD}/i.js`, `node "$PWD/i.js"`, `node ~+/i.js`, `$PWD/bin/x`]) {
    it(`refuses ${command} in a dependency: Yarn's shell keeps the $PWD of the folder Yarn was started in`, () => {
      const analysis = analysed(command);
      assert.equal(analysis.foreignRuns.length, 1, JSON.stringify(analysis));
      assert.match(analysis.foreignRuns[0], /a file of the project's folder or of the one Yarn was started in, outside the package$/);
      assert.deepEqual(analysis.modules, []);
    });
  }

  for (const command of [`node /proc/self/cwd/i.js`, `node /proc/thread-self/cwd/i.js`, `node /proc/self/cwd/*.js`]) {
    it(`follows ${command} like node ./i.js: what it requires is reached`, () => {
      const analysis = analysed(command);
      assert.deepEqual(analysis.modules, [`zqdep`]);
      assert.deepEqual(analysis.foreignRuns, []);
    });
  }

  it(`follows /proc/self/cwd/bin/x as a command word, and its shebang's node code`, () => {
    assert.deepEqual(analysed(`/proc/self/cwd/bin/x`).modules, [`zqbin`]);
  });

  it(`refuses /proc/self/cwd/i.js after cd left the package: it is the other folder's`, () => {
    const analysis = analysed(`cd "$INIT_CWD/node_modules/zqsib" && node /proc/self/cwd/i.js`);
    assert.ok(analysis.foreignRuns.some(line => line.includes(`/proc/self/cwd/i.js after cd left the package`)), analysis.foreignRuns.join());
  });

  describe(`a variable or an option set to a path of the project's folder`, () => {
    for (const command of [
      `LD_PRELOAD=$INIT_CWD/x.so node i.js`,
      `BASH_ENV=$INIT_CWD/x.sh bash -c true`,
      `export GIT_DIR="$INIT_CWD/x/.git"; git status`,
      `X=$INIT_CWD; LD_PRELOAD=$X/y.so node i.js`,
      `node --env-file=$PROJECT_CWD/x.env i.js`,
      `cargo build --config=$PWD/x.toml`,
    ]) {
      it(`refuses ${command} in a dependency`, () => {
        const analysis = analysed(command);
        assert.ok(analysis.foreignRuns.some(line => /names \S+, a path of the project's folder, outside the package$/.test(line)), JSON.stringify(analysis.foreignRuns));
      });
    }

    it(`follows one through node_modules/<dep>/ into that dependency's file`, () => {
      const analysis = analysed(`LD_PRELOAD=$INIT_CWD/node_modules/zqs/x.so node i.js`);
      assert.deepEqual(analysis.foreignRuns, []);
      assert.deepEqual(analysis.dependencyFiles, [`zqs/x.so`]);
    });

    it(`binds every file of a dependency whose folder it names (PERL5LIB, CARGO_HOME): a program reads the folder, not its main`, () => {
      const analysis = analysed(`PERL5LIB=$INIT_CWD/node_modules/zqs PERL5OPT=-Mzq perl -e 1`);
      assert.deepEqual(analysis.foreignRuns, []);
      assert.deepEqual(analysis.dependencyFiles, [`zqs/package.json`]);
      assert.deepEqual(analysis.modules, []);
    });

    it(`leaves plain arguments alone: data the package writes or reads there`, () => {
      for (const command of [`cp x.yml $INIT_CWD/.eslintrc.yml`, `node i.js --root=$INIT_CWD`, `node i.js $INIT_CWD/package.json`])
        assert.deepEqual(analysed(command).foreignRuns, [], command);
    });
  });

  describe(`a file the package does not ship, or a file descriptor, as what runs`, () => {
    for (const command of [
      `d=node_modules; cp "$INIT_CWD/$d/zqsib/x.js" y.js && node y.js`,
      `cp $INIT_CWD/*/zqsib/x.js y.js && node y.js`,
      `curl -so y.js https://example.com/y.js; node y.js`,
      `sh gen.sh`,
      `./made-at-run-time`,
    ]) {
      it(`refuses ${command} in a dependency: the file is made at run time`, () => {
        assert.match(analysed(command).foreignRuns.join(`\n`), /which the package does not ship: a file made at run time, whose code no approval holds/);
      });
    }

    for (const command of [`node /dev/fd/3 3<$INIT_CWD/x.js`, `node /dev/stdin < x.js`, `node /proc/self/fd/0`]) {
      it(`refuses ${command}: the shell's redirections decide what runs`, () => {
        assert.match(analysed(command).foreignRuns.join(`\n`), /a file descriptor the shell's redirections decide/);
      });
    }

    it(`leaves the machine's files a stated limit`, () => {
      const analysis = analysed(`node /usr/share/zq/cli.js --version`);
      assert.deepEqual(analysis.foreignRuns, []);
      assert.ok(analysis.unresolved.some(line => line.includes(`which is not a file of the package`)), analysis.unresolved.join());
    });
  });

  describe(`outside attack round 14 (/work/attack19)`, () => {
    it(`F3: refuses a dependency's bin whose target climbs out of the package`, () => {
      const manifest = {name: `zqf3tool`, version: `1.0.0`, bin: {zqf3t: `../zqf3evil/x.js`}};
      assert.throws(() => analyzeEntries({entries: [{kind: `file`, path: `../zqf3evil/x.js`}], manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest)}), everyFile: true}), /\.\.\/zqf3evil\/x\.js is outside the package \(a bin or an entry that climbs out of it\)/);
    });

    it(`F3: leaves a workspace's own such path a stated limit`, () => {
      const manifest = {name: `ws`, version: `1.0.0`};
      const analysis = analyzeEntries({entries: [{kind: `file`, path: `../x.js`}], manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest)}), everyFile: false});
      assert.deepEqual(analysis.unresolved, [`../x.js: not a file of the package`]);
    });

    function withNpmrc(npmrc: string, scripts: Record<string, string>, extra: Record<string, string> = {}) {
      const manifest = {name: `zqf10host`, version: `1.0.0`, scripts};
      return analyzeInstall({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`.npmrc`]: npmrc, ...extra}), everyFile: true});
    }

    for (const npmrc of [`node-gyp=../zqf10evil/x.js`, `node_gyp = "../zqf10evil/x.js"`, `shell=../zqf10evil/sh`, `git=/proc/self/cwd/../zqf10evil/git`, `pnpmfile=$INIT_CWD/x.cjs`]) {
      it(`F10b: refuses ${npmrc} in the .npmrc of a package whose script runs npm`, () => {
        const analysis = withNpmrc(`${npmrc}\n`, {postinstall: `npm run b`, b: `node-gy''p --version`});
        assert.ok(analysis.foreignRuns.some(line => line.includes(`npm's`) && line.includes(`setting`)), JSON.stringify(analysis.foreignRuns));
      });
    }

    it(`F10b: follows a node-gyp setting that names a file of the package, and what it requires`, () => {
      const analysis = withNpmrc(`node-gyp=./tools/gyp.js\n`, {postinstall: `npm run b`, b: `true`}, {[`tools/gyp.js`]: `require('zqdep');\n`});
      assert.deepEqual(analysis.foreignRuns, []);
      assert.deepEqual(analysis.modules, [`zqdep`]);
    });

    for (const [npmrc, postinstall] of [
      [`init-module=../zqf11evil/x.js`, `npm init -y`],
      [`init.module=../zqf11evil/x.js`, `npm init -y`],
      [`editor=../zqf12evil/x.sh`, `npm config edit`],
      [`init-\${K}=../zqf11evil/x.js`, `K=module npm init -y`],
      [`init-\${K}=\${INIT_CWD}/node_modules/zqf11evil/x.js`, `K=module npm init -y`],
      [`node-\${K}=--require ./x.js`, `K=options npm run b`],
    ] as Array<[string, string]>) {
      it(`F11, F18g, F19: refuses ${npmrc} in the .npmrc of a package whose script runs ${postinstall}`, () => {
        const analysis = withNpmrc(`${npmrc}\n`, {postinstall, b: `true`});
        assert.ok(analysis.foreignRuns.length > 0, JSON.stringify(analysis));
      });
    }

    for (const postinstall of [`npm edit zqf12dep`, `npm explore zqf12dep -- ls`, `pnpm rebuild`]) {
      it(`F12: refuses ${postinstall}: npm runs a command in, or rebuilds, another installed package`, () => {
        assert.deepEqual(analysed(postinstall).foreignRuns, [`postinstall: ${postinstall}`]);
      });
    }

    it(`F10b: refuses npm_config_node_gyp set to a file of the project's folder`, () => {
      assert.ok(analysed(`npm_config_node_gyp=$INIT_CWD/x.js npm run b`).foreignRuns.length > 0);
    });

    for (const npmrc of [`"node-options"=--require ../zqf11evil/x.js`, `node-options[]=--require ../zqf11evil/x.js`, `x=1\rnode-options=--require ../zqf11evil/x.js`, `'script-shell' = ../zqf11evil/x.sh`]) {
      it(`F27: reads ${JSON.stringify(npmrc)} as npm's ini parser does, and refuses it`, () => {
        assert.ok(withNpmrc(`${npmrc}\n`, {postinstall: `npm run b`, b: `true`}).foreignRuns.length > 0);
      });
    }

    for (const postinstall of [`PREFIX=./p npm run b`, `npm_config_prefix=./p npm run b`]) {
      it(`F24: follows ${postinstall} into ./p/etc/npmrc, npm's global configuration`, () => {
        const analysis = withNpmrc(``, {postinstall, b: `true`}, {[`p/etc/npmrc`]: `node-options=--require ../zqf11evil/x.js\n`});
        assert.ok(analysis.foreignRuns.length > 0, JSON.stringify(analysis));
        assert.ok(`p/etc/npmrc` in analysis.fingerprint.files);
      });
    }

    it(`F24: leaves a PREFIX of the machine alone (make install)`, () => {
      assert.deepEqual(analysed(`PREFIX=/usr/local make install`).foreignRuns, []);
    });

    function withYarnrc(yarnrc: string) {
      const manifest = {name: `zqf22`, version: `1.0.0`, scripts: {postinstall: `yarn --version`}};
      return () => analyzeInstall({commands: {postinstall: `yarn --version`}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`.yarnrc.yml`]: yarnrc}), everyFile: true});
    }

    for (const yarnrc of [
      `"yarn\\u0050ath": ../zqf9evil/run\n`,
      `a: &p ../zqf9evil/run\nyarnPath: *p\n`,
      `yarnPath: >-\n  ../zqf9evil/run\n`,
      `? yarnPath\n: ../zqf9evil/run\n`,
      `yarnPath: !!str ../zqf9evil/run\n`,
      `a: &p ../zqf9evil/run\nplugins:\n  - path: *p\n`,
      `base: &b {yarnPath: ../x}\n<<: *b\n`,
      `---\nyarnPath: ./ok.js\n---\nyarnPath: ../x\n`,
    ]) {
      it(`F22, F23: refuses a dependency's .yarnrc.yml written ${JSON.stringify(yarnrc)}`, () => {
        assert.throws(withYarnrc(yarnrc), /\.yarnrc\.yml uses YAML this plugin does not read/);
      });
    }

    it(`F22, F23: reads a plain .yarnrc.yml as before`, () => {
      assert.doesNotThrow(withYarnrc(`nodeLinker: node-modules\npackageExtensions:\n  "react@*":\n    dependencies:\n      zq: "*"\n`));
    });

    for (const postinstall of [`yarn run -BT zqf31t`, `yarn run -TB zqf31t`, `run -T zqf31t`, `yarnpkg run -T zqf31t`]) {
      it(`F32, F33: reads ${postinstall} as yarn run -T: the top-level workspace's bin`, () => {
        assert.ok(analysed(postinstall).commands.includes(`toplevel:zqf31t`), postinstall);
      });
    }

    it(`F33: follows a script that Yarn's run wrapper runs`, () => {
      const manifest = {name: `zqf34`, version: `1.0.0`, scripts: {postinstall: `run b`, b: `node ../zqf11evil/x.js`}};
      const analysis = analyzeInstall({commands: {postinstall: `run b`}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest)}), everyFile: true});
      assert.ok(analysis.foreignRuns.some(line => line.startsWith(`b: ../zqf11evil/x.js names`)), analysis.foreignRuns.join());
    });

    it(`F39c: refuses npm's call setting that names a sibling's file, which a bare npm exec runs`, () => {
      assert.ok(withNpmrc(`call=node ../zqf11evil/x.js\n`, {postinstall: `npm exec`}).foreignRuns.some(line => line.includes(`npm's call setting`)));
    });

    function withFiles(postinstall: string, files: Record<string, string>) {
      const manifest = {name: `zqf41`, version: `1.0.0`, scripts: {postinstall, b: `node -e 0`}};
      return () => analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), everyFile: true});
    }

    for (const [postinstall, file, text] of [
      [`HOME=./cfg yarn --version`, `cfg/.yarnrc.yml`, `yarnPath: ../../zqf9evil/run\n`],
      [`HOME=./cfg yarn --version`, `cfg/.yarnrc.yml`, `plugins:\n  - path: ../../zqf9evil/run\n`],
      [`cd sub && yarn --version`, `sub/.yarnrc.yml`, `yarnPath: ../../zqf9evil/run\n`],
      [`cd sub/deeper && run -T x`, `sub/.yarnrc.yml`, `yarnPath: ../../zqf9evil/run\n`],
    ] as Array<[string, string, string]>) {
      it(`F41, F44, F46: refuses ${postinstall} with ${file} naming a file outside the package`, () => {
        assert.throws(withFiles(postinstall, {[file]: text, [`sub/deeper/x.js`]: `1`}), /makes Yarn run \.\.\/\.\.\/zqf9evil\/run, outside the package/);
      });
    }

    it(`F42: reads every npmrc below a DESTDIR the script sets, where npm's global configuration moves`, () => {
      const analysis = withFiles(`DESTDIR=./d npm run b`, {[`d/usr/etc/npmrc`]: `node-options=--require ../zqf11evil/x.js\n`})();
      assert.ok(analysis.foreignRuns.some(line => line.includes(`../zqf11evil/x.js`)), JSON.stringify(analysis.foreignRuns));
    });

    for (const code of [`require(path.dirname(__dirname) + '/zqf11evil/x.js')`, `require(require('path').dirname(__dirname) + "/zqf11evil/x.js")`, `await import(new URL('../zqf11evil/x.js', import.meta.url))`]) {
      it(`F28a, F28g: refuses ${code}: the folder next door, without a computed name`, () => {
        const manifest = {name: `zqf28`, version: `1.0.0`, scripts: {postinstall: `node i.mjs`}};
        assert.throws(() => analyzeInstall({commands: {postinstall: `node i.mjs`}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`i.mjs`]: code}), everyFile: true}), /loads \.\/\.\.\/zqf11evil\/x\.js, outside the package/);
      });
    }

    it(`F28g: follows import(new URL('./lib/x.js', import.meta.url)) into the package's file`, () => {
      const manifest = {name: `zqf28`, version: `1.0.0`, scripts: {postinstall: `node i.mjs`}};
      const analysis = analyzeInstall({commands: {postinstall: `node i.mjs`}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`i.mjs`]: `await import(new URL('./lib/x.js', import.meta.url));\n`, [`lib/x.js`]: `require('zqdep');\n`}), everyFile: true});
      assert.deepEqual(analysis.modules, [`zqdep`]);
      assert.deepEqual(analysis.unresolved, []);
    });
  });
});
