/**
 * Outside attack round 11 (a stranger with real Yarn, Verdaccio and the built
 * bundle): names the scan neither followed nor refused, and requires that Node
 * resolves from another module's folder than the file's own.
 */
import assert from 'node:assert/strict';

import {analyzeEntries, analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {directReaches, isSystemTool} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

function analysed(install: string, postinstall = `node install.js`) {
  const files = {[`package.json`]: JSON.stringify({name: `zqroot`, version: `1.0.0`, scripts: {postinstall}}), [`install.js`]: install};
  const manifest = JSON.parse(files[`package.json`]) as Record<string, unknown>;
  const scripts = manifest.scripts as Record<string, string>;
  return analyzeInstall({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: memoryPackage(files), everyFile: true});
}

describe(`outside attack round 11`, () => {
  describe(`F32, F33: files the archive ships in node_modules folders`, () => {
    const files = {
      [`package.json`]: JSON.stringify({name: `zqroot`, version: `1.0.0`, scripts: {postinstall: `node lib/i.js`}}),
      [`lib/i.js`]: `require('zqh'); require('../node_modules/zqb/index.js');`,
      [`lib/node_modules/zqh/index.js`]: `module.exports = 1;`,
      [`node_modules/zqb/index.js`]: `module.exports = 2;`,
    };
    const read = (onDisk: boolean, archiveNodeModules = false) => {
      const manifest = JSON.parse(files[`package.json`]) as Record<string, unknown>;
      const scripts = manifest.scripts as Record<string, string>;
      return analyzeInstall({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: memoryPackage(files), everyFile: true, onDisk, archiveNodeModules});
    };

    it(`binds them, read from the archive: a release that changes one is a new fingerprint`, () => {
      const bound = Object.keys(read(false).fingerprint.files);
      assert.ok(bound.includes(`lib/node_modules/zqh/index.js`), bound.join());
      assert.ok(bound.includes(`node_modules/zqb/index.js`), bound.join());
    });

    it(`leaves the package's own node_modules out on disk, where the linker installs into it, and keeps the deeper ones`, () => {
      const bound = Object.keys(read(true).fingerprint.files);
      assert.ok(bound.includes(`lib/node_modules/zqh/index.js`), bound.join());
      assert.ok(!bound.includes(`node_modules/zqb/index.js`), bound.join());
    });

    it(`keeps the package's own node_modules on disk where the linker leaves the archive's (pnpm, PnP: outside round 44, C2)`, () => {
      const bound = Object.keys(read(true, true).fingerprint.files);
      assert.ok(bound.includes(`lib/node_modules/zqh/index.js`), bound.join());
      assert.ok(bound.includes(`node_modules/zqb/index.js`), bound.join());
    });

    it(`does not bind them for a workspace's own scripts`, () => {
      const manifest = JSON.parse(files[`package.json`]) as Record<string, unknown>;
      const scripts = manifest.scripts as Record<string, string>;
      const bound = Object.keys(analyzeInstall({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: memoryPackage(files), everyFile: false}).fingerprint.files);
      assert.deepEqual(bound.filter(path => path.includes(`node_modules`)), []);
    });
  });

  describe(`F5-F8: a name with a quote character of another kind than the literal's`, () => {
    for (const code of [`require("zqh'");`, `require('zqh"');`, `require(\`zqh'\`);`, `import "zqh'x";`, `require.resolve("zqh'");`]) {
      it(`refuses ${code}: Yarn installs a dependency under that key and Node finds it`, () => {
        assert.throws(() => analysed(code), /which is no package name: Node looks it up in the node_modules folders/);
      });
    }

    it(`still follows names and paths without such characters`, () => {
      const analysis = analysed(`require("zqh"); require('it-is'); const s = "don't"; require('./install.js');`);
      assert.deepEqual(analysis.modules, [`it-is`, `zqh`]);
    });
  });

  describe(`F24: such a name reached through imports or node -r`, () => {
    it(`refuses node -r "zqh'"`, () => {
      assert.throws(() => analysed(`1`, `node -r "zqh'" install.js`), /postinstall loads zqh', which is no package name/);
    });

    it(`names an imports target zqh' among the modules, which the closure refuses`, () => {
      const manifest = {name: `zqh`, version: `1.0.0`, imports: {[`#x`]: `zqh'`}};
      const analysis = analyzeEntries({entries: [{kind: `module`, specifier: `.`}], manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`index.js`]: `module.exports = require('#x');`}), everyFile: true});
      assert.deepEqual(analysis.modules, [`zqh'`]);
      const {reaches, refusals} = directReaches({commands: [], modules: analysis.modules, bins: new Map(), topLevelBins: new Map(), resolveName: () => [`evil-id`], ownName: `zqh`});
      assert.deepEqual(reaches, []);
      assert.match(refusals[0], /require\('zqh''\): zqh' is no package name/);
    });

    it(`refuses a path through node_modules whose folder is no package name`, () => {
      const {refusals} = directReaches({commands: [], modules: [], dependencyFiles: [`zqh'/x.js`], bins: new Map(), topLevelBins: new Map(), resolveName: () => [`evil-id`], ownName: `zqroot`});
      assert.match(refusals[0], /node_modules\/zqh'\/x\.js: the folder is no package name/);
    });
  });

  describe(`F6: a name with an escape that the scan does not decode`, () => {
    it(`refuses require("zqh\\\\x"), whose name holds a backslash`, () => {
      assert.throws(() => analysed(`require("zqh\\\\x");`), /loads zqh\\\\x, which is no package name/);
    });

    it(`refuses an escaped quote in the name`, () => {
      assert.throws(() => analysed(`require('zqh\\'');`), /which is no package name/);
    });

    it(`reads a name written with \\x escapes decoded, and names the escaped form as a limit`, () => {
      const analysis = analysed(`require("z\\x71h");`);
      assert.deepEqual(analysis.modules, [`zqh`]);
      assert.deepEqual(analysis.unresolved, [`install.js: loads z\\x71h, which is no package name: not followed`]);
    });
  });

  describe(`F11: a require made by createRequire for another package's file`, () => {
    it(`refuses it, also held in a variable: it loads that package's dependencies, not this one's`, () => {
      assert.throws(() => analysed(`const {createRequire} = require('module');\nconst r = createRequire(require.resolve('zqh'));\nr('zqg');\n`), /createRequire\(require\.resolve\('zqh'\)\) makes a require that resolves from another package or folder/);
      assert.throws(() => analysed(`require('module').createRequire(process.cwd() + '/')('zqg');\n`), /resolves from another package or folder/);
    });

    it(`names a require made for a path of the package as a limit, held in a variable too`, () => {
      const analysis = analysed(`const {createRequire} = require('module');\nconst r = createRequire(__dirname + '/lib/');\nr('zqg');\n`);
      assert.deepEqual(analysis.unresolved, [`install.js: createRequire(__dirname + '/lib/') makes a require that resolves from another place than this file: the names it loads are followed from here`]);
    });

    it(`follows a require made for the file itself without a limit`, () => {
      const analysis = analysed(`const {createRequire} = require('module');\nconst r = createRequire(__filename);\nr('zqg');\n`);
      assert.deepEqual(analysis.modules, [`zqg`]);
      assert.deepEqual(analysis.unresolved, []);
    });
  });

  describe(`F14: the require of another module object`, () => {
    for (const code of [`module.parent.require('zqg')`, `require.main.require('zqg')`, `process.mainModule.require('zqg')`, `module.parent.parent.require('zqg')`, `require.main?.require('zqg')`, `module.parent['require']('zqg')`]) {
      it(`refuses ${code}: Node resolves it from that module's folder`, () => {
        assert.throws(() => analysed(`${code};\n`), /loads from the folder of another module than this file/);
      });
    }

    it(`refuses Module._load(x, module.parent) and createRequire(require.main.filename) (F26)`, () => {
      assert.throws(() => analysed(`require('module')._load('zqg', module.parent);\n`), /Module\._load\(…, module\.parent\) loads from the folder of another module/);
      assert.throws(() => analysed(`const M = require('module');\nM.createRequire(require.main.filename)('zqg');\n`), /createRequire\(require\.main\.filename\) makes a require that resolves from another package or folder/);
    });

    it(`follows Module._load(x, module) and Module._load(x, null) like require`, () => {
      assert.deepEqual(analysed(`const M = require('module');\nM._load('zqg', module);\nM._load('zqk', null);\n`).modules, [`zqg`, `zqk`]);
    });

    for (const code of [`const p = module.parent; p.require('zqg')`, `const {parent} = module; parent.require('zqg')`, `const m = require.main; m.require('zqg')`, `const {mainModule: mm} = process; mm.require('zqg')`]) {
      it(`refuses ${code}: the module object of another file held in a name (F35)`, () => {
        assert.throws(() => analysed(`${code};\n`), /\.require\(\) may be the require of another module/);
      });
    }

    it(`refuses npm's node-options from a flag or the package's .npmrc, which preload a dependency (F36, F37)`, () => {
      const preloads = (postinstall: string, extra: Record<string, string> = {}) => {
        const files = {[`package.json`]: JSON.stringify({name: `zqroot`, version: `1.0.0`, scripts: {postinstall, go: `node i.js`}}), [`i.js`]: `1`, ...extra};
        const manifest = JSON.parse(files[`package.json`]) as Record<string, unknown>;
        return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts as Record<string, string>, manifest, files: memoryPackage(files), everyFile: true}).modules;
      };
      assert.deepEqual(preloads(`npm --node-options='--require zqevil' run go`), [`zqevil`]);
      assert.deepEqual(preloads(`npm run go --node-options=--require=zqevil`), [`zqevil`]);
      assert.deepEqual(preloads(`npm run go`, {[`.npmrc`]: `registry=x\nnode-options="--require zqevil"\n`}), [`zqevil`]);
      assert.deepEqual(preloads(`npm_config_node_options='-r zqevil' npm run go`), [`zqevil`]);
      assert.throws(() => preloads(`npm run go`, {[`.npmrc`]: `node-options=--require _zqevil\n`}), /loads _zqevil, which is no package name/);
      assert.deepEqual(preloads(`yarn run go`, {[`.npmrc`]: `node-options=--require zqevil\n`}), []);
    });

    it(`leaves the idioms that load nothing alone`, () => {
      const analysis = analysed(`if (require.main === module) main();\nif (module === require.main) main();\nconst dir = require.main.filename;\nmodule.require('zqg');\nconst x = {a: 1}; x.require;\n`);
      assert.deepEqual(analysis.modules, [`zqg`]);
    });
  });
});

describe(`outside attack round 12`, () => {
  const analysedScripts = (scripts: Record<string, string>, extra: Record<string, string> = {}) => {
    const files = {[`package.json`]: JSON.stringify({name: `zqroot`, version: `1.0.0`, scripts}), [`t.test.js`]: `1`, ...extra};
    const manifest = JSON.parse(files[`package.json`]) as Record<string, unknown>;
    return analyzeInstall({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: memoryPackage(files), everyFile: true});
  };

  describe(`F4: node --test-reporter names a module`, () => {
    it(`follows a dependency's reporter module, and leaves Node's own reporters alone`, () => {
      assert.deepEqual(analysedScripts({postinstall: `node --test --test-reporter=zqdep/reporter.mjs t.test.js`}).modules, [`zqdep/reporter.mjs`]);
      assert.deepEqual(analysedScripts({postinstall: `node --test --test-reporter spec --test-reporter=tap t.test.js`}).modules, []);
    });
  });

  describe(`F5-F7: npm's script-shell, which starts every script npm runs`, () => {
    for (const [label, postinstall, extra] of [
      [`the package's .npmrc`, `npm run go`, {[`.npmrc`]: `script-shell=zqshell\n`}],
      [`npm_config_script_shell`, `npm_config_script_shell=zqshell npm run go`, {}],
      [`NPM_CONFIG_SCRIPT_SHELL`, `NPM_CONFIG_SCRIPT_SHELL=zqshell npm run go`, {}],
      [`--script-shell`, `npm --script-shell=zqshell run go`, {}],
      [`--script-shell with a separate value`, `npm run go --script-shell zqshell`, {}],
    ] as Array<[string, string, Record<string, string>]>) {
      it(`resolves it as a command word, from ${label}`, () => {
        assert.ok(analysedScripts({postinstall, go: `echo hi`}, extra).commands.includes(`zqshell`));
      });
    }

    it(`does not read script-shell for yarn, which runs scripts with its own shell`, () => {
      assert.ok(!analysedScripts({postinstall: `yarn run go`, go: `echo hi`}, {[`.npmrc`]: `script-shell=zqshell\n`}).commands.includes(`zqshell`));
    });
  });

  describe(`F9, F10: files Yarn runs because its configuration names them`, () => {
    it(`follows yarnPath and a plugin's path inside the package`, () => {
      const analysis = analysedScripts({postinstall: `yarn --version`}, {[`.yarnrc.yml`]: `yarnPath: .yarn/releases/y.cjs\nplugins:\n  - path: .yarn/plugins/p.cjs\n    spec: p\n  - ./other.cjs\n`, [`.yarn/releases/y.cjs`]: `require('zqa')`, [`.yarn/plugins/p.cjs`]: `require('zqb')`, [`other.cjs`]: `require('zqc')`});
      assert.deepEqual(analysis.modules, [`zqa`, `zqb`, `zqc`]);
    });

    for (const [label, postinstall, extra] of [
      [`yarnPath outside the package`, `yarn --version`, {[`.yarnrc.yml`]: `yarnPath: ../zqsib/cli.js\n`}],
      [`a plugin outside the package`, `yarn --version`, {[`.yarnrc.yml`]: `plugins:\n  - path: ../zqsib/cli.js\n    spec: x\n`}],
      [`YARN_YARN_PATH outside the package`, `YARN_YARN_PATH=../zqsib/cli.js yarn --version`, {}],
      [`an absolute yarnPath`, `yarn --version`, {[`.yarnrc.yml`]: `yarnPath: /tmp/y.cjs\n`}],
    ] as Array<[string, string, Record<string, string>]>) {
      it(`refuses ${label}`, () => {
        assert.throws(() => analysedScripts({postinstall}, extra), /makes Yarn run .*, outside the package/);
      });
    }

    it(`reads the configuration YARN_RC_FILENAME names, and refuses YARN_PLUGINS`, () => {
      assert.throws(() => analysedScripts({postinstall: `YARN_RC_FILENAME=y.yml yarn --version`}, {[`y.yml`]: `yarnPath: ../zqsib/cli.js\n`}), /y\.yml makes Yarn run \.\.\/zqsib\/cli\.js/);
      assert.throws(() => analysedScripts({postinstall: `YARN_PLUGINS=../x.cjs yarn --version`}), /YARN_PLUGINS/);
    });

    it(`follows NODE_OPTIONS=--test-reporter=<module> (F11) and .env.yarn's NODE_OPTIONS`, () => {
      assert.deepEqual(analysedScripts({postinstall: `NODE_OPTIONS=--test-reporter=zqrep node --test t.test.js`}).modules, [`zqrep`]);
      assert.deepEqual(analysedScripts({postinstall: `node t.test.js`}, {[`.env.yarn`]: `NODE_OPTIONS=--require zqpre\n`}).modules, [`zqpre`]);
    });
  });

  describe(`F14: node --experimental-policy, whose redirects decide what require loads`, () => {
    it(`refuses it, also through NODE_OPTIONS`, () => {
      assert.throws(() => analysedScripts({postinstall: `node --experimental-policy=policy.json t.test.js`}, {[`policy.json`]: `{}`}), /lets a policy file redirect what require loads/);
      assert.throws(() => analysedScripts({postinstall: `NODE_OPTIONS="--experimental-policy policy.json" node t.test.js`}, {[`policy.json`]: `{}`}), /lets a policy file redirect/);
    });
  });

  describe(`F23, F24: configuration that names other configuration, and JSON-style .yarnrc.yml`, () => {
    it(`follows the script-shell of the file .npmrc's userconfig names, and of npm_config_userconfig`, () => {
      assert.ok(analysedScripts({postinstall: `npm run go`, go: `echo hi`}, {[`.npmrc`]: `userconfig=./u.npmrc\n`, [`u.npmrc`]: `script-shell=zqshell\n`}).commands.includes(`zqshell`));
      assert.ok(analysedScripts({postinstall: `npm_config_userconfig=./u.npmrc npm run go`, go: `echo hi`}, {[`u.npmrc`]: `script-shell=zqshell\n`}).commands.includes(`zqshell`));
    });

    it(`reports a userconfig outside the package as running other packages' code`, () => {
      assert.deepEqual(analysedScripts({postinstall: `npm run go`, go: `echo hi`}, {[`.npmrc`]: `userconfig=../zqsib/u.npmrc\n`}).foreignRuns, [`postinstall: npm reads its configuration from a file outside the package`]);
    });

    it(`refuses a plugin outside the package in a flow-style .yarnrc.yml`, () => {
      assert.throws(() => analysedScripts({postinstall: `yarn --version`}, {[`.yarnrc.yml`]: `{"plugins":[{"path":"../zqsib/bin/cli.js","spec":"x"}]}\n`}), /makes Yarn run \.\.\/zqsib\/bin\/cli\.js, outside the package/);
      assert.throws(() => analysedScripts({postinstall: `yarn --version`}, {[`.yarnrc.yml`]: `plugins: ["../zqsib/p.cjs"]\n`}), /makes Yarn run \.\.\/zqsib\/p\.cjs/);
    });
  });

  describe(`F28-F40: settings and words that reach another package's files`, () => {
    for (const postinstall of [`BASH_ENV=../zqsib/x.sh bash -c true`, `LD_PRELOAD=../zqsib/p.so sh -c :`, `NODE_REPL_EXTERNAL_MODULE=../zqsib/index.js node -i`, `npm pack ../zqsib`, `bash --rcfile ../zqsib/x.sh -i -c true`, `git -c alias.zz='!sh ../zqsib/x.sh' zz`]) {
      it(`reports ${postinstall} as running other packages' code`, () => {
        assert.ok(analysedScripts({postinstall}).foreignRuns.some(line => line.includes(`../zqsib`)), postinstall);
      });
    }

    it(`leaves a path that climbs back into the package alone`, () => {
      assert.deepEqual(analysedScripts({postinstall: `cd lib && node ../t.test.js`}, {[`lib/x.js`]: `1`}).foreignRuns, []);
    });

    it(`follows the commands git runs for its settings: -c alias.x='!cmd', GIT_CONFIG_VALUE_n`, () => {
      assert.ok(analysedScripts({postinstall: `git -c alias.zz='!zqbin' zz`}).commands.includes(`zqbin`));
      assert.ok(analysedScripts({postinstall: `GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.zz GIT_CONFIG_VALUE_0='!zqbin' git zz`}).commands.includes(`zqbin`));
      assert.ok(!analysedScripts({postinstall: `make CC=gcc`}).commands.includes(`gcc`));
    });

    it(`reads the .npmrc of HOME=./cfg and of --globalconfig`, () => {
      assert.ok(analysedScripts({postinstall: `HOME=./cfg npm run go`, go: `echo hi`}, {[`cfg/.npmrc`]: `script-shell=zqbin\n`}).commands.includes(`zqbin`));
      assert.ok(analysedScripts({postinstall: `npm --globalconfig ./g.npmrc run go`, go: `echo hi`}, {[`g.npmrc`]: `script-shell=zqbin\n`}).commands.includes(`zqbin`));
    });

    it(`refuses a .yarnrc.yml whose yarnPath sits on the next line, or under a quoted key`, () => {
      assert.throws(() => analysedScripts({postinstall: `yarn --version`}, {[`.yarnrc.yml`]: `yarnPath:\n  ../zqsib/cli.js\n`}), /makes Yarn run \.\.\/zqsib\/cli\.js/);
      assert.throws(() => analysedScripts({postinstall: `yarn --version`}, {[`.yarnrc.yml`]: `"yarnPath": "../zqsib/cli.js"\n`}), /makes Yarn run \.\.\/zqsib\/cli\.js/);
    });
  });

  describe(`F41-F46: wrappers that run a command, and git aliases in the package's own .git/config`, () => {
    for (const postinstall of [`timeout 20 zqbin`, `timeout --signal=KILL 5 zqbin`, `nice -n 5 zqbin`, `stdbuf -oL zqbin`, `setsid zqbin`, `flock /tmp/l zqbin`, `flock /tmp/l -c 'zqbin x'`, `script -q -c 'zqbin' /dev/null`, `chrt 1 zqbin`, `tar -cf /dev/null --checkpoint=1 --checkpoint-action=exec=zqbin t.test.js`, `TAR_OPTIONS='--checkpoint=1 --checkpoint-action=exec=zqbin' tar -cf /dev/null t.test.js`]) {
      it(`follows the command of ${postinstall}`, () => {
        assert.ok(analysedScripts({postinstall}).commands.includes(`zqbin`), postinstall);
      });
    }

    it(`follows the commands of [alias] and core settings in the package's .git/config when its scripts run git`, () => {
      const analysis = analysedScripts({postinstall: `git zz`}, {[`.git/config`]: `[core]\n\tbare = false\n[alias]\n\tzz = !zqbin --x\n`});
      assert.ok(analysis.commands.includes(`zqbin`));
    });
  });

  describe(`F50-F58: a bin named anywhere in a command, programs fetched at run time, tools other programs start`, () => {
    for (const postinstall of [`unshare zqbin`, `sed -n '1e zqbin' package.json`, `ssh -o ProxyCommand=zqbin host`, `GIT_SSH_COMMAND=zqbin git ls-remote ssh://x/y`, `LESSOPEN='|zqbin %s' less package.json`, `split -n 1 --filter='zqbin' package.json`, `/usr/bin/time -o /dev/null zqbin`]) {
      it(`names zqbin among the mentions of ${postinstall}`, () => {
        assert.ok(analysedScripts({postinstall}).mentions.includes(`zqbin`), postinstall);
      });
    }

    it(`reaches a bin on the script's PATH that a command names anywhere, but not one it does not name`, () => {
      const bins = new Map([[`zqbin`, [{id: `dep`, path: `cli.js`}]], [`other`, [{id: `dep2`, path: `o.js`}]]]);
      const {reaches} = directReaches({commands: [`unshare`], mentions: [`unshare`, `zqbin`], modules: [], bins, topLevelBins: new Map(), resolveName: () => [], ownName: `zqroot`});
      assert.deepEqual(reaches.map(reach => [reach.id, reach.via]), [[`dep`, `names zqbin in a command, which the program given it may run`]]);
    });

    it(`names zqbin among the mentions of a word that spells it with quotes or escapes (round 13)`, () => {
      for (const postinstall of [`unshare z''qbin`, `unshare "z"qbin`, `unshare $'\\x7aqbin'`, `unshare $'\\172qbin'`, `unshare $'\\u007aqbin'`])
        assert.ok(analysedScripts({postinstall}).mentions.includes(`zqbin`), postinstall);
    });

    it(`refuses a yarnPath or plugin path that Yarn builds from the environment (\${PWD}/../x: round 13, R9)`, () => {
      for (const yarnrc of [`yarnPath: \${PWD}/../zqsib/y.cjs\n`, `yarnPath: "\${INIT_CWD}/x.cjs"\n`, `plugins:\n  - path: \${PWD}/../zqsib/p.cjs\n    spec: p\n`, `plugins: ["\${HOME}/p.js"]\n`])
        assert.throws(() => analysedScripts({postinstall: `yarn --version`}, {[`.yarnrc.yml`]: yarnrc}), /makes Yarn run \$\{\w+\}[^,]*, outside the package/, yarnrc);
    });

    it(`follows the environment files a package's .yarnrc.yml injects into the scripts Yarn runs, and refuses one outside it (round 13, R10)`, () => {
      for (const yarnrc of [`injectEnvironmentFiles: [".zq.env"]\n`, `injectEnvironmentFiles:\n  - ./.zq.env?\n`])
        assert.deepEqual(analysedScripts({postinstall: `yarn run go`, go: `echo`}, {[`.yarnrc.yml`]: yarnrc, [`.zq.env`]: `NODE_OPTIONS=--require zqdep\n`}).modules, [`zqdep`], yarnrc);
      for (const yarnrc of [`injectEnvironmentFiles: ["../zqsib/.env"]\n`, `injectEnvironmentFiles:\n  - \${PWD}/../x.env\n`])
        assert.throws(() => analysedScripts({postinstall: `yarn run go`, go: `echo`}, {[`.yarnrc.yml`]: yarnrc}), /makes Yarn load the environment file [^,]*, outside the package/, yarnrc);
    });

    it(`names git-zq among the mentions of git zq, a subcommand git runs from the PATH (round 13)`, () => {
      assert.ok(analysedScripts({postinstall: `git -C . zq --x`}).mentions.includes(`git-zq`));
      assert.ok(analysedScripts({postinstall: `cargo zq`}).mentions.includes(`cargo-zq`));
    });

    it(`takes the working folder by another name, then out of it, for a path outside the package (round 13, R3)`, () => {
      for (const postinstall of [`node $PWD/../zqsib/x.js`, `node "\${PWD}/../zqsib/x.js"`, `node "$(pwd)/../zqsib/x.js"`, `node ~+/../zqsib/x.js`, `node /proc/self/cwd/../zqsib/x.js`, `cd .. && node zqsib/x.js`, `pushd .. && node zqsib/x.js`, `ln -s .. up; node up/zqsib/x.js`, `X=.. ; node $X/zqsib/x.js`])
        assert.ok(analysedScripts({postinstall}).foreignRuns.length >= 1, postinstall);
      for (const postinstall of [`node --env-file=$PWD/../zqsib/.env x.js`, `node --env-file=../zqsib/.env x.js`, `node "$(dirname "$PWD")/zqsib/x.js"`, `node "\${PWD%/*}/zqsib/x.js"`, `cp -r "$(dirname $PWD)/zqsib/." . && node x.js`])
        assert.ok(analysedScripts({postinstall}).foreignRuns.length >= 1, postinstall);
      for (const postinstall of [`cd sub && cd .. && node x.js`, `node lib/../x.js`, `echo a..b`, `node x.js`, `cd sub && node ../x.js`, `dirname x.js`])
        assert.deepEqual(analysedScripts({postinstall}, {[`x.js`]: `1`, [`sub/y.js`]: `1`}).foreignRuns, [], postinstall);
    });

    it(`follows node_modules/.bin/x, whatever folder holds it, to every package's bin x (round 13, R4)`, () => {
      for (const postinstall of [`node_modules/.bin/zqtool`, `"$INIT_CWD/node_modules/.bin/zqtool" --x`, `node $PROJECT_CWD/node_modules/.bin/zqtool`])
        assert.ok(analysedScripts({postinstall}).commands.includes(`dotbin:zqtool`), postinstall);
      const everyBin = new Map([[`zqtool`, [{id: `hoisted`, path: `cli.js`}]]]);
      const {reaches, unresolved} = directReaches({commands: [`dotbin:zqtool`, `dotbin:zqnone`], modules: [], bins: new Map(), topLevelBins: new Map(), npmPathBins: () => everyBin, resolveName: () => [], ownName: `zqroot`});
      assert.deepEqual(reaches.map(reach => reach.id), [`hoisted`]);
      assert.deepEqual(unresolved, [`node_modules/.bin/zqnone: no package of the project provides the bin zqnone`]);
    });

    it(`refuses a relative file run after cd left the package, even where the package has a file of that name (round 13, R5)`, () => {
      for (const postinstall of [`cd /tmp && node x.js`, `cd "$INIT_CWD/node_modules/zqsib" && node x.js`, `cd $HOME; ./x.js`, `cd /tmp && sh x.js`, `bash -c "cd $OLDPWD && node x.js"`])
        assert.match(analysedScripts({postinstall}, {[`x.js`]: `1`}).foreignRuns.join(`\n`), /x\.js after cd left the package, a file outside it/, postinstall);
      for (const postinstall of [`cd sub && node x.js`, `cd /tmp && node /usr/lib/x.js`, `cd $INIT_CWD && node node_modules/zq/x.js`])
        assert.deepEqual(analysedScripts({postinstall}, {[`sub/x.js`]: `1`}).foreignRuns, [], postinstall);
      // A file the package does not ship is made at run time from bytes no approval holds (round 14).
      assert.deepEqual(analysedScripts({postinstall: `node missing.js`}, {[`sub/x.js`]: `1`}).foreignRuns, [`postinstall: node runs missing.js, which the package does not ship: a file made at run time, whose code no approval holds`]);
    });

    it(`refuses install code that requires __dirname + '/../x' or runs commands in a literal folder outside the package (round 13, R6)`, () => {
      for (const code of [`require(__dirname + '/../zqsib')`, `require(require('path').join(__dirname, '..', 'zqsib'))`, `import(\`\${__dirname}/../zqsib/x.mjs\`)`])
        assert.throws(() => analysedScripts({postinstall: `node i.js`}, {[`i.js`]: code}), /loads \.\/\.\.\/zqsib[^,]*, outside the package/, code);
      for (const code of [`require('child_process').spawnSync('node', ['x.js'], {cwd: '..'})`, `process.chdir(require('path').join(__dirname, '..')); require('child_process').execSync('node zqsib/x.js')`])
        assert.match(analysedScripts({postinstall: `node i.js`}, {[`i.js`]: code}).foreignRuns.join(`\n`), /runs commands in [./]*\.\., outside the package/, code);
      for (const code of [`require(__dirname + '/lib/../x.js')`, `require('child_process').spawnSync('node', ['x.js'], {cwd: 'sub'})`, `const o = {cwd: '..'};`])
        assert.deepEqual(analysedScripts({postinstall: `node i.js`}, {[`i.js`]: code, [`x.js`]: `1`, [`sub/x.js`]: `1`}).foreignRuns, [], code);
    });

    it(`reaches every bin on a dependency's PATH, named or not, when asked to (round 13: a name built at run time)`, () => {
      const bins = new Map([[`zqbin`, [{id: `dep`, path: `cli.js`}]], [`other`, [{id: `dep2`, path: `o.js`}]], [`xz`, [{id: `dep3`, path: `x.js`}]]]);
      const {reaches} = directReaches({commands: [`sh`], mentions: [`sh`, `zqbin`], modules: [], bins, topLevelBins: new Map(), resolveName: () => [], ownName: `zqroot`, everyPathBin: true});
      assert.deepEqual(reaches.map(reach => [reach.id, reach.via, reach.shadows]), [
        [`dep`, `names zqbin in a command, which the program given it may run`, undefined],
        [`dep2`, `its bin other is on the PATH of the install scripts, where any program they start may run it`, undefined],
        [`dep3`, `its bin xz shadows the system's xz on the PATH of install scripts`, `xz`],
      ]);
    });

    it(`follows the aliases of the file GIT_CONFIG_GLOBAL names`, () => {
      assert.ok(analysedScripts({postinstall: `GIT_CONFIG_GLOBAL=./gcfg git zz`}, {[`gcfg`]: `[alias]\n  zz = !zqbin\n`}).commands.includes(`zqbin`));
    });

    it(`refuses npm init/create of an initializer and corepack, which fetch from a registry at install time (F54, F56)`, () => {
      for (const postinstall of [`npm init @zqk`, `npm create zqk`, `npm innit @zqk`, `corepack pnpm@9.0.0 --version`, `COREPACK_NPM_REGISTRY=http://x corepack install`])
        assert.equal(analysedScripts({postinstall}).registryInstalls.length, 1, postinstall);
      assert.deepEqual(analysedScripts({postinstall: `npm init -y`}).registryInstalls, []);
      assert.deepEqual(analysedScripts({postinstall: `corepack enable`}).registryInstalls, []);
    });

    it(`takes a dependency's bin named like a program that tar or git start (xz, bzip2, less, gpg) for a system tool (F51)`, () => {
      for (const name of [`xz`, `bzip2`, `zstd`, `less`, `gpg`])
        assert.equal(isSystemTool(name), true, name);
    });
  });
});
