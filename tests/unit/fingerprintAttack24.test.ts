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

  it(`M3, M4: a bin named in a variable (CC=x, GIT_EXTERNAL_DIFF=x) is mentioned, so that a bin of that name is reached`, () => {
    for (const postinstall of [`env CC=zqbin make`, `env GIT_EXTERNAL_DIFF=zqbin git diff`, `env MAKEFLAGS=' -- CC=zqbin' make`])
      assert.ok(analysed(postinstall, {[`Makefile`]: `all:\n\ttrue\n`}).mentions.includes(`zqbin`), postinstall);
  });
});
