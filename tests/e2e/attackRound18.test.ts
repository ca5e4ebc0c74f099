/**
 * Outside attack round 18 (Yarn's own features): the project's environment
 * file, which Yarn loads into every script it runs (`injectEnvironmentFiles`,
 * `.env.yarn` by default), preloads a registry package into a dependency's
 * approved postinstall through `NODE_OPTIONS` or npm's `npm_config_node_options`
 * (K1, K17). With the session-start bundle the helper ran and the install
 * passed; each test fails on its marker there. And the archives Yarn builds
 * from the project's sources, a `patch:` package's and a `file:` folder's,
 * which no pin covers: an edited one in the cache, its checksum written into
 * yarn.lock, was installed as it was (K8, K9); with the session-start bundle
 * the tampered file reached node_modules.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`attack round 18: Yarn's own features (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-18`, () => [
    plain(`zqk8lib`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
    plain(`zqk1build`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `console.log('built');\n`}}),
    plain(`zqk1npm`, `1.0.0`, {scripts: {postinstall: `npm run build`, build: `node build.js`}, files: {[`build.js`]: `console.log('built');\n`}}),
    plain(`zqk1help`, `1.0.0`, {files: {[`index.js`]: PWN(`k1-preload-ran`), [`x.sh`]: `node ../zqk1help/index.js\n`}}),
    plain(`zqk19bash`, `1.0.0`, {scripts: {postinstall: `bash install.sh`}, files: {[`install.sh`]: `true\n`}}),
    // Round 20: installed under an alias, so that no path names it; npm reads `<prefix>/etc/npmrc`.
    plain(`zqm20help`, `1.0.0`, {files: {[`index.js`]: PWN(`m20-preload-ran`), [`x.so`]: `not a shared object\n`}}),
    plain(`zqm20npm`, `1.0.0`, {files: {[`p2/etc/npmrc`]: `node-options=--require ../zqm20alias\n`}}),
    // Round 20 (M13): a build that runs the program a variable names, as esbuild's install.js does with ESBUILD_BINARY_PATH.
    plain(`zqm13build`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `const binary = process.env.ZQ_BINARY_PATH;\nif (binary) require('child_process').execFileSync(process.execPath, [binary, '--version']);\n`}}),
    // Round 23: approved builds that run make and git; a helper with a makefile and a shell that run its code.
    plain(`zqm23make`, `1.0.0`, {scripts: {postinstall: `make`}, files: {[`Makefile`]: `all:\n\tnode -e 0\n`}}),
    plain(`zqm23git`, `1.0.0`, {scripts: {postinstall: `git status --short || true`}}),
    // Round 27: a helper whose bin is JavaScript (Yarn runs the bins on a script's PATH with node).
    plain(`zqm27help`, `1.0.0`, {manifest: {bin: {zqm27js: `cli.js`}}, files: {[`cli.js`]: PWN(`m27-helper-ran`)}}),
    // Round 30: helpers whose bin is named after a program git starts by itself (a remote helper, a signature verifier, the editor).
    ...([[`zqm30remote`, `git-remote-zq`], [`zqm30x509`, `gpgsm`], [`zqm30ssh`, `ssh-keygen`], [`zqm30edit`, `editor`], [`zqm30cred`, `git-credential-zq`], [`zqm31pager`, `pager`], [`zqm31kompare`, `kompare`], [`zqm32nroff`, `nroff`], [`zqm33gold`, `ld.gold`], [`zqm33cc`, `x86_64-linux-gnu-gcc`], [`zqm34getopt`, `getopt`], [`zqm35rustc`, `rustc`]] as const).map(([name, bin]) => plain(name, `1.0.0`, {manifest: {bin: {[bin]: `cli.js`}}, files: {[`cli.js`]: PWN(`m30-helper-ran`)}})),
    plain(`zqm23help`, `1.0.0`, {manifest: {bin: {zqm23sh: `tools/sh`}}, files: {[`index.js`]: PWN(`m23-helper-ran`), [`x.mk`]: `X := $(shell node -e "require('zqm23help')")\n`, [`tools/sh`]: `#!/bin/sh\nnode -e "require('zqm23help')"\nexec /bin/sh "$@"\n`}}),
  ]);

  for (const [label, build, line] of [
    [`K1: NODE_OPTIONS=--require`, `zqk1build`, `NODE_OPTIONS=--require zqk1help`],
    [`K17: npm_config_node_options, which npm turns into NODE_OPTIONS`, `zqk1npm`, `npm_config_node_options=--require zqk1help`],
    // Round 19 (M7): spellings that Yarn's reader (dotenv, then `${…}` expansion) takes too.
    [`M7: NODE_OPTIONS: --require (dotenv's colon)`, `zqk1build`, `NODE_OPTIONS: --require zqk1help`],
    [`M7: a default of an unset variable, \${ZQ_UNSET:---require x}`, `zqk1build`, `NODE_OPTIONS=\${ZQ_UNSET_VARIABLE:---require zqk1help}`],
    // Round 19 (M19): bash sources BASH_ENV before the approved build's script.
    [`M19: BASH_ENV naming another package's file`, `zqk19bash`, `BASH_ENV=../zqk1help/x.sh`],
  ]) {
    it(`${label} in the project's .env.yarn: the package it preloads into an approved postinstall needs an approval, and never runs without one`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[build]: `1.0.0`, zqk1help: `1.0.0`}}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, build])).code, 0);
      const approved = await app.yarn([`install`]);
      assert.equal(approved.code, 0, approved.output);

      // The pull request adds one file and nothing else.
      await fs.writeFile(path.join(app.cwd, `.env.yarn`), `${line}\n`);
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
      const install = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      if (label.startsWith(`M19`)) {
        assert.match(install.output, /Yarn loads what they set into every install script, dependencies' approved ones included, and the plugin cannot follow all of it/);
        return;
      }
      assert.match(install.output, /zqk1help@npm:1\.0\.0 has code that other packages run at install time, and the trust file does not approve it/);
      const status = await app.yarn([`trust`, `status`]);
      assert.match(status.output, /zqk1help@npm:1\.0\.0: pending/);
    });
  }

  // Round 20 (M1-M3): Yarn expands variables in the file, so it names the
  // project's files by absolute paths, which the analysis took as outside it.
  for (const [label, build, line] of [
    [`M1: npm_config_prefix=<project>/node_modules/<helper>/p2 (npm reads its etc/npmrc)`, `zqk1npm`, (cwd: string) => `npm_config_prefix=${cwd}/node_modules/zqm20conf/p2`],
    [`M2: NODE_OPTIONS=--import=file://<project>/node_modules/<helper>/index.js`, `zqk1build`, (cwd: string) => `NODE_OPTIONS=--import=file://${cwd}/node_modules/zqm20alias/index.js`],
    [`M2: the same URL with percent escapes`, `zqk1build`, (cwd: string) => `NODE_OPTIONS=--import=file://${cwd}/node_modules/%7aqm20alias/index.js`],
    [`M2: --require <project>/node_modules/<helper>/../<helper>/index.js`, `zqk1build`, (cwd: string) => `NODE_OPTIONS=--require ${cwd}/node_modules/zqk1build/../zqm20alias/index.js`],
    [`M6: NODE_OPTIONS=--require <project>/node_modules/<helper> (the folder)`, `zqk1build`, (cwd: string) => `NODE_OPTIONS=--require ${cwd}/node_modules/zqm20alias`],
    [`M6: NODE_OPTIONS=--require ./../<helper>, from the approved build's folder`, `zqk1build`, () => `NODE_OPTIONS=--require ./../zqm20alias`],
    [`M13: a variable the approved build reads as the program to run (ESBUILD_BINARY_PATH), naming the helper's file`, `zqm13build`, (cwd: string) => `ZQ_BINARY_PATH=${cwd}/node_modules/zqm20alias/index.js`],
    [`M14: NODE_OPTIONS=--require <project>/config/hook.js, a file of the project that requires the helper`, `zqk1build`, (cwd: string) => `NODE_OPTIONS=--require ${cwd}/config/hook.js`],
    // Round 21 (M1, M4): a list Yarn's loader splits at colons; a tab inside a URL, which its parser drops.
    [`round 21, M1: LD_PRELOAD=/nonexistent.so:<project>/node_modules/<helper>/x.so`, `zqk1build`, (cwd: string) => `LD_PRELOAD=/nonexistent-zq.so:${cwd}/node_modules/zqm20alias/x.so`],
    [`round 21, M4: NODE_OPTIONS="--import=file://<project>/node_mod<TAB>ules/<helper>/index.js"`, `zqk1build`, (cwd: string) => `NODE_OPTIONS="--import=file://${cwd}/node_mod\tules/zqm20alias/index.js"`],
    [`M3: LD_PRELOAD=<project>/node_modules/<helper>/x.so`, `zqk1build`, (cwd: string) => `LD_PRELOAD=${cwd}/node_modules/zqm20alias/x.so`],
    [`M3: LD_AUDIT through /proc/self/cwd`, `zqk1build`, () => `LD_AUDIT=/proc/self/cwd/../zqm20alias/x.so`],
  ] as Array<[string, string, (cwd: string) => string]>) {
    it(`round 20 (${label}) in the project's .env.yarn: refused, and the helper never runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[build]: `1.0.0`, zqm20alias: `npm:zqm20help@1.0.0`, zqm20conf: `npm:zqm20npm@1.0.0`, zqm20help: `1.0.0`}}, files: {[`config/hook.js`]: `require('zqm20help');\n`}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, build])).code, 0);
      const approved = await app.yarn([`install`]);
      assert.equal(approved.code, 0, approved.output);

      await fs.writeFile(path.join(app.cwd, `.env.yarn`), `${line(app.cwd)}\n`);
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
      const install = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /zqm20help@npm:1\.0\.0 has code that other packages run at install time|Yarn loads what they set into every install script|goes through \/proc/);
    });
  }

  // Round 23: variables that make, git and OpenSSL read when an approved build starts them.
  for (const [label, build, line, files] of [
    [`M1: MAKEFILES=<project>/node_mod$@ules/<helper>/x.mk, a path spelled with make's own (empty) variable`, `zqm23make`, (cwd: string) => `MAKEFILES=${cwd}/node_mod$@ules/zqm23help/x.mk`],
    [`M1: MAKEFILES=\\\${subst Q,_,<project>/nodeQmodules}/<helper>/x.mk, a make function Yarn's escape leaves`, `zqm23make`, (cwd: string) => `MAKEFILES=\\\${subst Q,_,${cwd}/nodeQmodules}/zqm23help/x.mk`],
    [`M11: MAKEFLAGS= -- SHELL=<project>/node_mod$@ules/<helper>/tools/sh, the shell of every recipe`, `zqm23make`, (cwd: string) => `MAKEFLAGS= -- SHELL=${cwd}/node_mod$@ules/zqm23help/tools/sh`],
    // git runs its fsmonitor in the work tree's top, the project.
    [`M4: GIT_CONFIG_PARAMETERS setting core.fsmonitor, a command git runs when it reads the index`, `zqm23git`, () => `GIT_CONFIG_PARAMETERS="'core.fsmonitor'='node_modules/zqm23help/tools/sh'"`],
    [`M5: OPENSSL_CONF_INCLUDE=node_modules, from which OpenSSL takes what the project's ssl.cnf includes`, `zqk1build`, () => `OPENSSL_CONF=ssl.cnf\nOPENSSL_CONF_INCLUDE=node_modules`, {[`ssl.cnf`]: `.include zqm23help/sub.cnf\n`, [`zqm23help/sub.cnf`]: `# the decoy the plugin would have read\n`}],
  ] as Array<[string, string, (cwd: string) => string, Record<string, string>?]>) {
    it(`round 23 (${label}) in the project's .env.yarn: refused, and the helper never runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[build]: `1.0.0`, zqm23help: `1.0.0`}}, files: files ?? {}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, build])).code, 0);
      const approved = await app.yarn([`install`]);
      assert.equal(approved.code, 0, approved.output);
      // git runs its fsmonitor inside a work tree only.
      execFileSync(`git`, [`init`, `-q`], {cwd: app.cwd});

      await fs.writeFile(path.join(app.cwd, `.env.yarn`), `${line(app.cwd)}\n`);
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
      const install = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /zqm23help@npm:1\.0\.0 has code that other packages run at install time|Yarn loads what they set into every install script|is left in it after Yarn's own expansion/);
      const check = await app.yarn([`trust`, `check`]);
      assert.equal(check.code, 1, check.output);
    });
  }

  // Round 21 (M7), round 22 (M2): what node loads before any script, named by the project.
  for (const [label, postinstall, files, env, message] of [
    [`round 21 (M7): the root's postinstall runs node --openssl-config=ssl.cnf, whose provider is a package's shared object by an absolute path`, `node --openssl-config=ssl.cnf ok.js`, (cwd: string) => ({[`ssl.cnf`]: `openssl_conf = i\n[i]\nproviders = p\n[p]\nzq = s\n[s]\nmodule = ${cwd}/node_modules/zqm20alias/x.so\nactivate = 1\n`}), ``, /OpenSSL loads a shared object of an installed package by an absolute path/],
    [`round 22 (M2): the project's .env.yarn starts every node from a committed V8 snapshot (NODE_OPTIONS=--snapshot-blob)`, `node ok.js`, () => ({[`snap.blob`]: `not a snapshot\n`}), `NODE_OPTIONS=--snapshot-blob=snap.blob\n`, /runs a V8 startup snapshot instead of the script/],
    [`round 23 (M11): the root's postinstall runs make, and the project's .env.yarn sets MAKEFLAGS= -- SHELL=node_modules/<helper>/tools/sh, the shell of every recipe`, `make`, () => ({[`Makefile`]: `all:\n\tnode ok.js\n`}), `MAKEFLAGS= -- SHELL=node_modules/zqm23help/tools/sh\n`, /zqm23help@npm:1\.0\.0 has code that other packages run at install time/],
    // Round 24: a bin that the environment files name beside the root's own scripts; a glob through every folder.
    [`round 24 (M3): the root's postinstall runs make, whose makefile runs $(CC), and the project's .env.yarn sets CC=<helper's bin>`, `make`, () => ({[`Makefile`]: `all:\n\t$(CC) ok.c\n`}), `CC=zqm23sh\n`, /zqm23help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 24 (M4): the root's postinstall runs git status, and the project's .env.yarn sets XDG_CONFIG_HOME=cfg, whose git/config sets core.fsmonitor to the helper's bin`, `git status --short`, () => ({[`cfg/git/config`]: `[core]\n\tfsmonitor = zqm23sh\n`}), `XDG_CONFIG_HOME=cfg\n`, /zqm23help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 25 (M3): the root's postinstall runs git status, and the project's .env.yarn sets HOME=cfg, whose .config/git/config sets core.fsmonitor to the helper's bin`, `git status --short`, () => ({[`cfg/.config/git/config`]: `[core]\n\tfsmonitor = zqm23sh\n`}), `HOME=cfg\n`, /zqm23help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 25 (M3): the root's postinstall runs git status, and the project's .env.yarn sets GIT_DIR=gd, whose config sets core.fsmonitor to the helper's bin`, `git status --short`, () => ({[`gd/config`]: `[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tfsmonitor = zqm23sh\n`, [`gd/HEAD`]: `ref: refs/heads/main\n`, [`gd/objects/.keep`]: ``, [`gd/refs/heads/.keep`]: ``}), `GIT_DIR=gd\nGIT_WORK_TREE=.\n`, /zqm23help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 26 (M1): the root's postinstall runs git commit, and the project's .env.yarn sets HOME=cfg, whose .gitconfig sets core.hooksPath to a folder whose pre-commit runs the helper's bin`, `git -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq`, () => ({[`cfg/.gitconfig`]: `[core]\n\thooksPath = hk\n`, [`hk/pre-commit`]: `#!/bin/sh\nzqm23sh pre-commit\n`}), `HOME=cfg\n`, /core\.hooksPath hk makes git run the programs in hk/],
    [`round 26 (M1): the root's postinstall runs git --git-dir=gd status, whose gd/config sets core.fsmonitor to the helper's bin`, `git --git-dir=gd --work-tree=. status --short`, () => ({[`gd/config`]: `[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tfsmonitor = zqm23sh\n`, [`gd/HEAD`]: `ref: refs/heads/main\n`, [`gd/objects/.keep`]: ``, [`gd/refs/heads/.keep`]: ``}), ``, /zqm23help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 26 (M4): the root's postinstall runs git -c core.hooksPath=hk commit, whose pre-commit is a shell script that runs the helper's bin by a bare word`, `git -c core.hooksPath=hk -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq`, () => ({[`hk/pre-commit`]: `#!/bin/sh\nset -e\nif true; then zqm27js pre-commit; fi\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 26 (M4): the root's postinstall runs sh scripts/setup.sh, a shell script that runs the helper's bin by a bare word`, `sh scripts/setup.sh`, () => ({[`scripts/setup.sh`]: `set -e\nfor step in one; do\n  zqm27js "$step"\ndone\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    // Round 27: hooks folders and programs that git takes from settings the reading did not know.
    [`round 27 (M3): the root's postinstall runs git config core.hooksPath hk, then git commit, whose pre-commit runs the helper's bin`, `git config core.hooksPath hk && git -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq`, () => ({[`hk/pre-commit`]: `#!/bin/sh\nzqm27js pre-commit\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 27 (M1): the root's postinstall runs git --config-env=core.hooksPath=HK commit with HK=hk`, `HK=hk git --config-env=core.hooksPath=HK -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq`, () => ({[`hk/pre-commit`]: `#!/bin/sh\nzqm27js pre-commit\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 27 (M1): the root's postinstall runs git -c core.gitProxy=./p.sh ls-remote git://…, whose proxy runs the helper's bin`, `git -c core.gitProxy=./p.sh ls-remote git://zq.invalid/x || true`, () => ({[`p.sh`]: `#!/bin/sh\nzqm27js proxy\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 27 (M3): the root's postinstall commits in sub, whose .git file names a git directory whose hooks run the helper's bin`, `git -C sub -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq`, () => ({[`sub/.git`]: `gitdir: ../gd\n`, [`gd/config`]: `[core]\n\trepositoryformatversion = 0\n\tbare = false\n`, [`gd/HEAD`]: `ref: refs/heads/main\n`, [`gd/objects/.keep`]: ``, [`gd/refs/heads/.keep`]: ``, [`gd/hooks/pre-commit`]: `#!/bin/sh\nzqm27js pre-commit\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 27 (M3): the root's postinstall makes a repository from a template whose hooks run the helper's bin, then commits in it`, `git init -q --template=tpl nr && git -C nr -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq; rm -rf nr`, () => ({[`tpl/hooks/pre-commit`]: `#!/bin/sh\nzqm27js pre-commit\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 27 (M4): the root's postinstall runs git config include.path ../inc.cfg, whose core.hooksPath names hooks that run the helper's bin`, `git config include.path ../inc.cfg && git -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq`, () => ({[`inc.cfg`]: `[core]\n\thooksPath = hk\n`, [`hk/pre-commit`]: `#!/bin/sh\nzqm27js pre-commit\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    // Round 28: a shell script of the root read command by command; hooks of commands that update a ref; git's configuration as git reads it.
    [`round 28 (M1): the root's postinstall runs sh setup.sh, which runs the helper's bin spelled with a backslash before digits, which sh drops`, `sh setup.sh`, () => ({[`setup.sh`]: `zqm\\27js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 28 (M1): the root's postinstall runs sh setup.sh, which sources a file that runs the helper's bin`, `sh setup.sh`, () => ({[`setup.sh`]: `. ./scripts/inc\n`, [`scripts/inc`]: `zqm27js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 28 (M1): the root's postinstall runs sh setup.sh, which runs a script by a relative path after cd`, `sh setup.sh`, () => ({[`setup.sh`]: `cd scripts/sub && ./run\n`, [`scripts/sub/run`]: `#!/bin/sh\nzqm27js hook\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 28 (M2): the root's postinstall runs git add, whose post-index-change hook runs the helper's bin`, `git config core.hooksPath hk && git add ok.js`, () => ({[`hk/post-index-change`]: `#!/bin/sh\nzqm27js hook\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 28 (M3): the root's postinstall commits, and the repository's config.worktree sets core.hooksPath`, `git config extensions.worktreeConfig true && git -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq`, () => ({[`.git/config.worktree`]: `[core]\n\thooksPath = hk\n`, [`hk/pre-commit`]: `#!/bin/sh\nzqm27js hook\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 28 (M3): the root's postinstall includes a configuration whose core.hooksPath value is continued on the next line`, `git config include.path ../inc.cfg && git -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq`, () => ({[`inc.cfg`]: `[core]\n\thooksPath = h\\\nk\n`, [`hk/pre-commit`]: `#!/bin/sh\nzqm27js hook\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    // Round 29: constant quoting, and folders a shell script enters through CDPATH, a pipeline or a function.
    [`round 29 (M1): the root's postinstall runs bash setup.sh, which names the helper's bin with ANSI-C quoting`, `bash setup.sh`, () => ({[`setup.sh`]: `zqm2$'\\x37'js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 29 (M1): the root's postinstall runs sh setup.sh, which names the helper's bin with constant arithmetic`, `sh setup.sh`, () => ({[`setup.sh`]: `zqm2$((7))js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 29 (M1): the root's postinstall runs sh setup.sh, whose cd goes through CDPATH to the script that runs the helper's bin`, `sh setup.sh`, () => ({[`setup.sh`]: `CDPATH=scripts; cd sub >/dev/null; ./run\n`, [`scripts/sub/run`]: `#!/bin/sh\nzqm27js run\n`, [`sub/run`]: `#!/bin/sh\necho decoy\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 29 (M1): the root's postinstall runs sh setup.sh, whose cd in a pipeline stays in its subshell`, `sh setup.sh`, () => ({[`setup.sh`]: `cd scripts/sub | true; ./run\n`, [`run`]: `#!/bin/sh\nzqm27js run\n`, [`scripts/sub/run`]: `#!/bin/sh\necho decoy\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 29 (M1): the root's postinstall runs sh setup.sh, whose function changes the folder before ./run`, `sh setup.sh`, () => ({[`setup.sh`]: `f() { cd scripts/sub; }\nf; ./run\n`, [`scripts/sub/run`]: `#!/bin/sh\nzqm27js run\n`, [`run`]: `#!/bin/sh\necho decoy\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    // Round 30: constants the shell folds, and awk's joined literals.
    [`round 30 (M3): the root's postinstall runs bash setup.sh, which names the helper's bin with bash's $[…] arithmetic`, `bash setup.sh`, () => ({[`setup.sh`]: `zqm2$[7]js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M3): the root's postinstall runs bash setup.sh, which names the helper's bin with hexadecimal arithmetic`, `bash setup.sh`, () => ({[`setup.sh`]: `zqm2$((0x7))js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M6): the root's postinstall runs sh setup.sh, which names the helper's bin with a sum and a base-8 number`, `sh setup.sh`, () => ({[`setup.sh`]: `zqm$((0+2))$((8#7))js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M6): the root's postinstall runs awk, whose system() joins two literals into the helper's bin`, `awk 'BEGIN{system("zqm2" "7js")}'`, () => ({}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M7): the root's postinstall runs awk -f p.awk, whose system() joins two literals into the helper's bin`, `awk -f p.awk`, () => ({[`p.awk`]: `BEGIN { system("zqm2" "7js") }\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M7): the root's postinstall runs sh setup.sh, whose awk pipes two joined literals into sh`, `sh setup.sh`, () => ({[`setup.sh`]: `awk 'BEGIN{ print "zqm2" "7js" | "sh" }'\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (re-run of M7): the root's postinstall runs awk, whose system() joins two literals, one an octal escape, into the helper's bin`, `awk 'BEGIN{system("zqm2" "\\067js")}'`, () => ({}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 31 (M2): the root's postinstall runs bash setup.sh, which names the helper's bin with a shift in arithmetic`, `bash setup.sh`, () => ({[`setup.sh`]: `zqm2$(( 7 << 0 ))js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 31 (M2): the root's postinstall runs bash setup.sh, which names the helper's bin with an 8-digit \\U escape`, `bash setup.sh`, () => ({[`setup.sh`]: `zqm2$'\\U00000037'js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 31 (M2): the root's postinstall runs make, whose recipe spells the helper's bin with $(subst …)`, `make -s`, () => ({[`Makefile`]: `all:\n\t@$(subst Q,,zqm2Q7js) --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 31 (M2): the root's postinstall runs make, whose recipe hands bash $[…] through make's $$`, `make -s`, () => ({[`Makefile`]: `SHELL := /bin/bash\nall:\n\t@zqm2$$[7]js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 32 (M1): the root's postinstall runs npm run go in a folder whose prego runs the helper's bin`, `cd sub && npm run go`, () => ({[`sub/package.json`]: JSON.stringify({scripts: {go: `node -e 0`, prego: `zqm27js --x`}})}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 32 (M3): the root's postinstall runs sh -lc with HOME=cfg, whose .profile runs the helper's bin`, `HOME=cfg sh -lc true`, () => ({[`cfg/.profile`]: `zqm27js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 32 (M1): the root's postinstall runs bash -lc with HOME=$PWD/cfg, whose .bash_profile runs the helper's bin`, `HOME=$PWD/cfg bash -lc true`, () => ({[`cfg/.bash_profile`]: `zqm27js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M1): the root's postinstall runs make, whose recipe runs the helper's bin spelled with make's empty variable`, `make -s`, () => ({[`Makefile`]: `all:\n\t@zqm2$()7js --x\n`}), ``, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 24 (M1): the root's postinstall runs node **/index.js, which Yarn's shell expands into node_modules`, `node **/index.js`, () => ({}), ``, /is a glob that Yarn's shell expands through every folder below it, node_modules included/],
  ] as Array<[string, string, (cwd: string) => Record<string, string>, string, RegExp]>) {
    it(`${label}: refused, and nothing runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm20alias: `npm:zqm20help@1.0.0`, zqm23help: `1.0.0`, zqm27help: `1.0.0`}, scripts: {postinstall}}, files: {[`ok.js`]: ``}});
      for (const [file, text] of Object.entries({...files(app.cwd), ...(env === `` ? {} : {[`.env.yarn`]: env})})) {
        await fs.mkdir(path.dirname(path.join(app.cwd, file)), {recursive: true});
        // A script (a git hook) is executable, or git would not run it.
        await fs.writeFile(path.join(app.cwd, file), text, {mode: text.startsWith(`#!`) ? 0o755 : 0o644});
      }
      // git runs its fsmonitor inside a work tree only.
      execFileSync(`git`, [`init`, `-q`], {cwd: app.cwd});
      const install = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, message);
    });
  }

  /** Shell commands that commit a file holding `genuine`. */
  const committed = `echo genuine > a.txt && git add a.txt && git -c user.name=zq -c user.email=zq@example.com commit -q -m zq`;
  /** Shell commands that make HEAD a commit whose signature git verifies with the program its first line names. */
  const signedCommit = (kind: string) => [
    `git -c user.name=zq -c user.email=zq@example.com commit -q --allow-empty -m zq`,
    `git update-ref HEAD "$(printf 'tree %s\\nparent %s\\nauthor zq <zq@example.com> 1700000000 +0000\\ncommitter zq <zq@example.com> 1700000000 +0000\\ngpgsig -----BEGIN ${kind}-----\\n AAAA\\n -----END ${kind}-----\\n\\nsigned\\n' "$(git rev-parse 'HEAD^{tree}')" "$(git rev-parse HEAD)" | git hash-object -t commit -w --stdin)"`,
  ].join(` && `);
  for (const [label, helper, postinstall, setup, message] of [
    [`round 30 (M2): the root's postinstall runs git ls-remote zq::x, which starts the helper's bin git-remote-zq`, `zqm30remote`, `git ls-remote zq::x >/dev/null 2>&1; true`, ``, /zqm30remote@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M2): the root's postinstall runs git ls-remote zq://x/y, which starts the helper's bin git-remote-zq`, `zqm30remote`, `git ls-remote zq://x/y >/dev/null 2>&1; true`, ``, /zqm30remote@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M2): the root's postinstall runs git ls-remote origin, whose url in .git/config starts the helper's bin git-remote-zq`, `zqm30remote`, `git ls-remote origin >/dev/null 2>&1; true`, `git config remote.origin.url zq::x`, /zqm30remote@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M9): the root's postinstall rewrites a URL with url.zq::x.insteadOf, which starts the helper's bin git-remote-zq`, `zqm30remote`, `git -c url.zq::x.insteadOf=https://example.invalid/ ls-remote https://example.invalid/r >/dev/null 2>&1; true`, ``, /zqm30remote@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 30 (M2): the root's postinstall runs git log --show-signature, and a dependency's bin is gpgsm, which git starts for an x509 signature`, `zqm30x509`, `git log --show-signature -1 >/dev/null 2>&1; true`, signedCommit(`SIGNED MESSAGE`), /its bin gpgsm replaces the system's gpgsm/],
    [`round 30 (M2): the root's postinstall runs git log --show-signature, and a dependency's bin is ssh-keygen, which git starts for an ssh signature`, `zqm30ssh`, `git log --show-signature -1 >/dev/null 2>&1; true`, `${signedCommit(`SSH SIGNATURE`)} && touch as.txt && git config gpg.ssh.allowedSignersFile as.txt`, /its bin ssh-keygen replaces the system's ssh-keygen/],
    [`round 30 (M2): the root's postinstall runs git config --edit, and a dependency's bin is editor, Debian's default editor`, `zqm30edit`, `TERM=xterm git config --edit </dev/null >/dev/null 2>&1; true`, ``, /its bin editor replaces the system's editor/],
    [`after round 30: the root's postinstall asks git for a credential with credential.helper=zq, which starts the helper's bin git-credential-zq`, `zqm30cred`, `printf 'url=https://zq.invalid/x\n\n' | git -c credential.helper=zq credential fill >/dev/null 2>&1; true`, ``, /zqm30cred@npm:1\.0\.0 has code that other packages run at install time/],
    // Round 31: programs git starts by a default name or takes from a setting.
    [`round 31 (M1): the root's postinstall runs git grep -O, which starts Debian's default pager, a dependency's bin pager`, `zqm31pager`, `git grep -O genuine >/dev/null 2>&1; true`, committed, /its bin pager replaces the system's pager/],
    [`round 31 (M1): the root's postinstall runs git difftool -y, whose first guess without a display is a dependency's bin kompare`, `zqm31kompare`, `git difftool -y >/dev/null 2>&1; true`, `${committed} && echo changed > a.txt`, /its bin kompare replaces the system's kompare/],
    [`round 31 (M1): the root's postinstall runs git ls-remote origin, whose remote.origin.vcs = zq starts the helper's bin git-remote-zq`, `zqm30remote`, `git ls-remote origin >/dev/null 2>&1; true`, `git config remote.origin.url https://zq.invalid/r && git config remote.origin.vcs zq`, /zqm30remote@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 31 (M1): the root's postinstall pushes, and url.zq::x.pushInsteadOf starts the helper's bin git-remote-zq`, `zqm30remote`, `git push origin HEAD:refs/heads/x >/dev/null 2>&1; true`, `${committed} && git config remote.origin.url https://zq.invalid/r && git config url.zq::x.pushInsteadOf https://zq.invalid/`, /zqm30remote@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 31 (M1): the root's postinstall asks git for a credential, and .git/config's credential.helper = zq starts the helper's bin git-credential-zq`, `zqm30cred`, `printf 'url=https://zq.invalid/x\n\n' | git credential fill >/dev/null 2>&1; true`, `git config credential.helper zq`, /zqm30cred@npm:1\.0\.0 has code that other packages run at install time/],
    [`round 31 (M1): the root's postinstall runs git ls-remote origin, whose URL in .git/config is ext::sh -c with the helper's bin spelled with quotes`, `zqm27help`, `git ls-remote origin >/dev/null 2>&1; true`, `git config protocol.ext.allow always && git config remote.origin.url 'ext::sh -c zqm2""7js'`, /zqm27help@npm:1\.0\.0 has code that other packages run at install time/],
    // Round 32: what man starts to format a page.
    [`round 32 (M1): the root's postinstall runs man -l on a page of the project, which starts a dependency's bin nroff`, `zqm32nroff`, `man -l doc.1 >/dev/null 2>&1; true`, `printf '.TH X 1\n.SH NAME\nx\n' > doc.1`, /its bin nroff replaces the system's nroff/],
    // Round 33: toolchain programs a compiler or a generated makefile starts by name.
    [`round 33 (M2): the root's postinstall links with gcc -fuse-ld=gold, which starts a dependency's bin ld.gold`, `zqm33gold`, `printf 'int main(void){return 0;}\n' > m.c && gcc -fuse-ld=gold m.c -o m.out >/dev/null 2>&1; true`, ``, /its bin ld\.gold replaces the system's ld\.gold/],
    [`round 33 (M7): the root's postinstall runs make with CC=x86_64-linux-gnu-gcc, as Debian's Perl writes it, a dependency's bin`, `zqm33cc`, `make -s CC=x86_64-linux-gnu-gcc m.o >/dev/null 2>&1; true`, `printf 'int x;\n' > m.c`, /its bin x86_64-linux-gnu-gcc replaces the system's x86_64-linux-gnu-gcc/],
    [`round 34 (M3): the root's postinstall runs lsb_release, Debian's shell script that starts getopt, a dependency's bin`, `zqm34getopt`, `lsb_release -a >/dev/null 2>&1; true`, ``, /its bin getopt replaces the system's getopt/],
    [`round 35 (M2): the root's postinstall runs cargo build, which starts rustc by name, a dependency's bin`, `zqm35rustc`, `cargo build -q >/dev/null 2>&1; true`, `printf '[package]\nname = "zq"\nversion = "0.1.0"\nedition = "2021"\n' > Cargo.toml && mkdir -p src && printf 'fn main() {}\n' > src/main.rs`, /its bin rustc replaces the system's rustc/],
  ] as Array<[string, string, string, string, RegExp]>) {
    it(`${label}: refused, and nothing runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[helper]: `1.0.0`}, scripts: {postinstall}}});
      execFileSync(`git`, [`init`, `-q`], {cwd: app.cwd});
      if (setup !== ``)
        execFileSync(`sh`, [`-c`, setup], {cwd: app.cwd});
      const install = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, message);
    });
  }

  it(`round 31 (M2): the root's postinstall runs awk whose system() builds the command with sprintf: named as a limit by yarn trust check and yarn trust status`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqm27help: `1.0.0`}, scripts: {postinstall: `awk 'BEGIN{system(sprintf("%s%s", "zqm2", "7js"))}'`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    for (const command of [`check`, `status`]) {
      const shown = await app.yarn([`trust`, command]);
      assert.match(shown.output, /app@workspace:\.: not followed in its own install scripts[^\n]*runs awk, whose program may run commands: only the names it writes as literals/, shown.output);
    }
  });

  it(`round 21 (M7), the other way: the project's .env.yarn naming the system's OpenSSL configuration (OPENSSL_CONF=/dev/null) installs, and the approved build runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqk1build: `1.0.0`}}});
    assert.equal((await app.yarn([`install`])).code, 1);
    assert.equal((await app.yarn([`trust`, `approve`, `zqk1build`])).code, 0);
    await fs.writeFile(path.join(app.cwd, `.env.yarn`), `OPENSSL_CONF=/dev/null\n`);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.match(install.output, /zqk1build@npm:1\.0\.0 must be built/);
  });

  /** A patch of zqk8lib's index.js that makes it export `text`. */
  const patchTo = (text: string) => `diff --git a/index.js b/index.js\n--- a/index.js\n+++ b/index.js\n@@ -1 +1 @@\n-module.exports = 'genuine';\n+${text}\n`;
  const dependencyOf = {
    patch: `patch:zqk8lib@npm%3A1.0.0#./zqk8.patch`,
    folder: `file:./vendor/zqk9lib`,
  };
  const sourcesOf = (kind: `patch` | `folder`, code: string): Record<string, string> => kind === `patch`
    ? {[`zqk8.patch`]: patchTo(code)}
    : {[`vendor/zqk9lib/package.json`]: JSON.stringify({name: `zqk9lib`, version: `1.0.0`}), [`vendor/zqk9lib/index.js`]: `${code}\n`};
  const nameOf = {patch: `zqk8lib`, folder: `zqk9lib`};

  for (const kind of [`patch`, `folder`] as const) {
    it(`${kind === `patch` ? `K8: a patch: package` : `K9: a file: folder`} whose cached archive was swapped, with its checksum written into yarn.lock, is refused before it is linked, by the install and by yarn trust check`, async () => {
      // The archive the attacker commits: what another patch (or folder) builds.
      const attacker = await suite.project({manifest: {name: `app`, private: true, dependencies: {[nameOf[kind]]: dependencyOf[kind]}}, files: sourcesOf(kind, `module.exports = 'tampered'; require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS, 'k8-tampered-archive-ran'), '');`)});
      assert.equal((await attacker.yarn([`install`])).code, 0);
      const archiveOf = async (project: typeof attacker) => (await fs.readdir(project.cacheDir)).find(file => file.startsWith(`${nameOf[kind]}-${kind === `patch` ? `patch` : `file`}-`))!;
      const checksumOf = async (project: typeof attacker) => new RegExp(`resolution: "${nameOf[kind]}@(?:patch|file):[^"]*"[\\s\\S]*?checksum: (\\S+)`).exec(await project.readFile(`yarn.lock`))![1];
      const tamperedBytes = await fs.readFile(path.join(attacker.cacheDir, await archiveOf(attacker)));
      const tamperedChecksum = await checksumOf(attacker);

      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[nameOf[kind]]: dependencyOf[kind]}}, files: sourcesOf(kind, `module.exports = 'reviewed';`)});
      const first = await app.yarn([`install`]);
      assert.equal(first.code, 0, first.output);
      const genuine = await archiveOf(app);
      const genuineChecksum = await checksumOf(app);
      assert.notEqual(genuineChecksum, tamperedChecksum);
      // The pull request: the swapped archive under the name its checksum gives it, and that checksum in yarn.lock.
      await fs.rm(path.join(app.cacheDir, genuine));
      await fs.writeFile(path.join(app.cacheDir, genuine.replace(/-[0-9a-f]{10}\.zip$/, `-${tamperedChecksum.split(`/`)[1].slice(0, 10)}.zip`)), tamperedBytes);
      await app.writeFile(`yarn.lock`, (await app.readFile(`yarn.lock`)).replace(genuineChecksum, tamperedChecksum));
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});

      const install = await app.yarn([`install`, `--immutable`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, new RegExp(`${nameOf[kind]}@${kind === `patch` ? `patch` : `file`}:\\S+: the cached archive \\S+ is not the one Yarn builds from ${kind === `patch` ? `its base archive and the patch` : `the folder`}`));
      assert.equal(await app.exists(`node_modules/${nameOf[kind]}/index.js`), false);
      const check = await app.yarn([`trust`, `check`]);
      assert.equal(check.code, 1, check.output);
      assert.match(check.output, /is not the one Yarn builds from/);
      assert.deepEqual(await app.markers(), []);
    });
  }
});
