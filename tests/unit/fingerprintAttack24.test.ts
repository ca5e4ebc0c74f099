/**
 * Outside attack round 24 (helper-66), on the fixes of round 23: `**` globs,
 * which Yarn's shell expands through node_modules (M1); a folder glob that
 * matches `node_modules`; and the git configuration that `HOME` and
 * `XDG_CONFIG_HOME` point git at (M4).
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `app`, private: true, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`ok.js`]: ``, [`src/a.js`]: ``, ...files}), workspaceFolders: [`packages/a`], projectFolder: ``});
}

describe(`outside attack rounds 24 and 25`, () => {
  for (const postinstall of [`node **/index.js`, `node ./**/index.js`, `node {**,zz}/index.js`, `node packages/**/index.js`, `cat src/** | node`]) {
    it(`M1: ${postinstall}: a glob through every folder, node_modules included, is refused`, () => {
      assert.throws(() => analysed(postinstall), /is a glob that Yarn's shell expands through every folder below it, node_modules included/);
    });
  }

  for (const postinstall of [`node */zqh/index.js`, `node n?de_modules/zqh/index.js`, `node *_modules/zq*/index.js`]) {
    it(`M1: ${postinstall}: a folder glob that matches node_modules reaches the packages installed there`, () => {
      assert.ok(analysed(postinstall).dependencyFiles.some(file => /^zq[h*]\/index\.js$/.test(file)), postinstall);
    });
  }

  it(`M1: a glob inside the package's own folders stays a glob of its files`, () => {
    assert.deepEqual(analysed(`node src/*.js`).dependencyFiles, []);
  });

  it(`M4: XDG_CONFIG_HOME=cfg makes git read cfg/git/config, whose core.fsmonitor is followed`, () => {
    assert.ok(analysed(`env XDG_CONFIG_HOME=cfg git status`, {[`cfg/git/config`]: `[core]\n\tfsmonitor = zqbin\n`}).commands.includes(`zqbin`));
  });

  it(`M4: HOME=cfg makes git read cfg/.gitconfig, whose core.fsmonitor is followed`, () => {
    assert.deepEqual(analysed(`env HOME=cfg git status`, {[`cfg/.gitconfig`]: `[core]\n\tfsmonitor = node node_modules/zqh/x.js\n`}).dependencyFiles, [`zqh/x.js`]);
  });

  for (const [label, postinstall, files] of [
    [`HOME=cfg: git reads cfg/.config/git/config when XDG_CONFIG_HOME is unset`, `env HOME=cfg git status`, {[`cfg/.config/git/config`]: `[core]\n\tfsmonitor = zqbin\n`}],
    [`a [include] path of cfg/.gitconfig, from that file's folder`, `env HOME=cfg git status`, {[`cfg/.gitconfig`]: `[include]\n\tpath = ../inc.cfg\n`, [`inc.cfg`]: `[core]\n\tfsmonitor = zqbin\n`}],
    [`an [includeIf] path`, `env HOME=cfg git status`, {[`cfg/.gitconfig`]: `[includeIf "gitdir:/"]\n\tpath = inc.cfg\n`, [`cfg/inc.cfg`]: `[core]\n\tfsmonitor = zqbin\n`}],
    [`GIT_DIR=gd: git reads gd/config`, `env GIT_DIR=gd GIT_WORK_TREE=. git status`, {[`gd/config`]: `[core]\n\tfsmonitor = zqbin\n`}],
    [`GIT_CONFIG_KEY_0=include.path GIT_CONFIG_VALUE_0=inc.cfg`, `env GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=include.path GIT_CONFIG_VALUE_0=inc.cfg git status`, {[`inc.cfg`]: `[core]\n\tfsmonitor = zqbin\n`}],
  ] as Array<[string, string, Record<string, string>]>) {
    it(`round 25, M3: ${label}, whose core.fsmonitor is followed`, () => {
      assert.ok(analysed(postinstall, files).commands.includes(`zqbin`), postinstall);
    });
  }

  for (const [label, postinstall, files, expected] of [
    [`HOME=cfg whose .gitconfig sets core.hooksPath = hk`, `env HOME=cfg git commit -m x`, {[`cfg/.gitconfig`]: `[core]\n\thooksPath = hk\n`, [`hk/pre-commit`]: `zqbin\n`}, /core\.hooksPath hk makes git run the programs in hk/],
    [`GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=hk`, `env GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=hk git commit -m x`, {[`hk/pre-commit`]: `zqbin\n`}, /makes git run the programs in hk/],
    [`GIT_EXEC_PATH=gx`, `env GIT_EXEC_PATH=gx git commit -m x`, {[`gx/git`]: `zqbin\n`}, /GIT_EXEC_PATH gx makes git run the programs in gx/],
  ] as Array<[string, string, Record<string, string>, RegExp]>) {
    it(`round 26, M1: ${label}: the folder of programs git runs is bound and named as not analysed (refused in an environment file)`, () => {
      const analysis = analysed(postinstall, files);
      assert.ok(analysis.unresolved.some(line => expected.test(line)), JSON.stringify(analysis.unresolved));
      assert.ok(Object.keys(files).filter(file => file !== `cfg/.gitconfig`).every(file => analysis.runs.includes(file)), JSON.stringify(analysis.runs));
    });
  }

  for (const postinstall of [`git --git-dir=gd --work-tree=. status`, `git --git-dir gd status`]) {
    it(`round 26, M1: ${postinstall}: git reads gd/config, whose core.fsmonitor is followed`, () => {
      assert.ok(analysed(postinstall, {[`gd/config`]: `[core]\n\tfsmonitor = zqbin\n`}).commands.includes(`zqbin`));
    });
  }

  it(`round 26, M6: a hook written in JavaScript is followed like a script run by its path`, () => {
    assert.ok(analysed(`git -c core.hooksPath=hk commit -m x`, {[`hk/pre-commit`]: `#!/usr/bin/env node\nrequire('zqdep');\n`}).modules.includes(`zqdep`));
    assert.ok(analysed(`git --exec-path=gx commit -m x`, {[`gx/git`]: `#!/usr/bin/env node\nrequire('zqdep');\n`}).modules.includes(`zqdep`));
  });

  it(`round 26, M4: git -C bare reads a bare repository's config`, () => {
    assert.ok(analysed(`git -C bare status`, {[`bare/config`]: `[core]\n\tfsmonitor = zqbin\n`, [`bare/HEAD`]: `ref: refs/heads/main\n`}).commands.includes(`zqbin`));
  });

  it(`round 26, M1: git -C sub reads sub/.git/config`, () => {
    assert.ok(analysed(`git -C sub status`, {[`sub/.git/config`]: `[core]\n\tfsmonitor = zqbin\n`}).commands.includes(`zqbin`));
  });

  it(`M3, M4: a bin named in a variable (CC=x, GIT_EXTERNAL_DIFF=x) is mentioned, so that a bin of that name is reached`, () => {
    for (const postinstall of [`env CC=zqbin make`, `env GIT_EXTERNAL_DIFF=zqbin git diff`, `env MAKEFLAGS=' -- CC=zqbin' make`])
      assert.ok(analysed(postinstall, {[`Makefile`]: `all:\n\ttrue\n`}).mentions.includes(`zqbin`), postinstall);
  });
});
