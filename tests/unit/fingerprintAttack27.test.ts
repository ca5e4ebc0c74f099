/**
 * Outside attack round 27 (helper-69), on the git fixes of round 26: git
 * settings that name a program under keys the reading did not know
 * (`diff.external`, `core.gitProxy`, `remote.<r>.uploadpack`), a hooks
 * folder taken from the environment (`--config-env`), written by `git config`
 * before the next git command, copied from a template, or found through a
 * `.git` file, `commondir` or `$PWD`; `git config include.path`.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

const P_JS = `#!/usr/bin/env node\nrequire('zqdep');\n`;

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `app`, private: true, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`p.js`]: P_JS, ...files}), workspaceFolders: [], projectFolder: ``});
}

function reachesDependency(postinstall: string, files: Record<string, string> = {}) {
  const analysis = analysed(postinstall, files);
  assert.ok(analysis.modules.includes(`zqdep`), `${postinstall}: ${JSON.stringify({modules: analysis.modules, unresolved: analysis.unresolved})}`);
}

describe(`outside attack round 27`, () => {
  for (const postinstall of [
    `git -c diff.external=./p.js diff c.dx`,
    `git -c remote.o.url=. -c remote.o.uploadpack=./p.js ls-remote o || true`,
    `git -c core.gitProxy=./p.js ls-remote git://h/x || true`,
    `git -c merge.x.driver='./p.js %O %A %B' merge x`,
    `git -c zz.somekey=./p.js status`,
  ]) {
    it(`M1: ${postinstall}: a setting whose value names a file of the package runs it`, () => {
      reachesDependency(postinstall);
    });
  }

  it(`M1: a setting of an unknown key whose value names no file is data, not refused`, () => {
    assert.doesNotThrow(() => analysed(`git -c remote.origin.fetch=+refs/heads/*:refs/remotes/origin/* -c user.name=x fetch`));
  });

  it(`M1: --config-env takes the value of a variable set on the command or earlier in the script`, () => {
    reachesDependency(`HK=hk git --config-env=core.hooksPath=HK commit -q --allow-empty -m x`, {[`hk/pre-commit`]: P_JS});
    reachesDependency(`HK=hk; git --config-env core.hooksPath=HK commit -m x`, {[`hk/pre-commit`]: P_JS});
    reachesDependency(`env HK=./p.js git --config-env=diff.external=HK diff`);
  });

  it(`M1: --config-env from the environment is refused, unless the setting is data`, () => {
    assert.throws(() => analysed(`git --config-env=core.hooksPath=HK commit -m x`), /takes the setting core\.hooksPath from the variable HK, decided at run time/);
    assert.doesNotThrow(() => analysed(`git --config-env=http.extraHeader=GIT_AUTH fetch`));
  });

  for (const [label, postinstall, files] of [
    [`git config core.hooksPath hk`, `git config core.hooksPath hk && git commit -q --allow-empty -m x`, {[`hk/pre-commit`]: P_JS}],
    [`git config set --local core.hooksPath hk`, `git config set --local core.hooksPath hk; git commit -m x`, {[`hk/pre-commit`]: P_JS}],
    [`git clone --template=tpl`, `git clone -q --template=tpl . c2`, {[`tpl/hooks/post-checkout`]: P_JS}],
    [`git init --template tpl`, `git init -q --template tpl nr && git -C nr commit -q --allow-empty -m x`, {[`tpl/hooks/post-commit`]: P_JS}],
    [`-c init.templateDir=tpl`, `git -c init.templateDir=tpl clone -q . c2`, {[`tpl/hooks/post-checkout`]: P_JS}],
    [`GIT_TEMPLATE_DIR=tpl`, `GIT_TEMPLATE_DIR=tpl git clone -q . c2`, {[`tpl/hooks/post-checkout`]: P_JS}],
    [`a .git file (git -C sub)`, `git -C sub commit -m x`, {[`sub/.git`]: `gitdir: ../gd\n`, [`gd/config`]: `[core]\n\thooksPath = ../hk\n`, [`gd/HEAD`]: `ref: refs/heads/main\n`, [`hk/pre-commit`]: P_JS}],
    [`a .git file (cd sub)`, `cd sub && git commit -m x`, {[`sub/.git`]: `gitdir: ../gd\n`, [`gd/HEAD`]: `ref: refs/heads/main\n`, [`gd/hooks/pre-commit`]: P_JS}],
    [`commondir`, `git -C sub commit -m x`, {[`sub/.git`]: `gitdir: ../wt\n`, [`wt/commondir`]: `../common\n`, [`wt/HEAD`]: `ref: refs/heads/x\n`, [`common/config`]: `[core]\n\thooksPath = ../hk\n`, [`hk/pre-commit`]: P_JS}],
    [`$PWD/hk`, `git -c core.hooksPath=$PWD/hk commit -m x`, {[`hk/pre-commit`]: P_JS}],
    [`\${INIT_CWD}/hk`, `git -c core.hooksPath=\${INIT_CWD}/hk commit -m x`, {[`hk/pre-commit`]: P_JS}],
    [`the repository's own hooks folder`, `git commit -m x`, {[`.git/HEAD`]: `ref: refs/heads/main\n`, [`.git/hooks/pre-commit`]: P_JS, [`.git/hooks/pre-push.sample`]: `zqsample\n`}],
  ] as Array<[string, string, Record<string, string>]>) {
    it(`M3: ${label}: the hooks git runs are followed`, () => {
      reachesDependency(postinstall, files);
    });
  }

  it(`M3: hooks are followed once the script runs a git command that may run them, before or after naming them`, () => {
    const hooks = {[`hk/pre-commit`]: `#!/bin/sh\nzqlint --staged\n`};
    const named = analysed(`git config core.hooksPath hk`, hooks);
    assert.ok(!named.mentions.includes(`zqlint`), `git config runs no hook`);
    assert.ok(named.unresolved.some(line => /core\.hooksPath hk makes git run the programs in hk/.test(line)), JSON.stringify(named.unresolved));
    assert.ok(!analysed(`git config core.hooksPath hk && git rev-parse HEAD > v.txt`, hooks).mentions.includes(`zqlint`));
    for (const postinstall of [`git config core.hooksPath hk && git commit -m x`, `git commit -m x; git config core.hooksPath hk`, `git config core.hooksPath hk && git -c alias.ci=commit ci -m x`, `git config core.hooksPath hk && git branch zq`, `git config core.hooksPath hk && git tag zq`, `git config core.hooksPath hk && git stash`, `git config core.hooksPath hk && git init -q nr`])
      assert.ok(analysed(postinstall, hooks).mentions.includes(`zqlint`), postinstall);
  });

  it(`a hook that is not followed (a quote in its name, past the 64th) is named, never dropped silently`, () => {
    const quoted = analysed(`git -c core.hooksPath=hk commit -m x`, {[`hk/pre-'commit`]: P_JS});
    assert.ok(quoted.unresolved.some(line => line.includes(`hk/pre-'commit, a program git runs, has a quote in its name`)), JSON.stringify(quoted.unresolved));
    const many = Object.fromEntries(Array.from({length: 65}, (_, index) => [`hk/h${String(index).padStart(2, `0`)}`, `true\n`]));
    assert.ok(analysed(`git -c core.hooksPath=hk commit -m x`, many).unresolved.some(line => line.includes(`hk holds 65 programs git may run; the first 64 are followed`)));
  });

  it(`M3: sample hooks, which git never runs, are not read`, () => {
    assert.ok(!analysed(`git commit -m x`, {[`.git/HEAD`]: `ref: refs/heads/main\n`, [`.git/hooks/pre-push.sample`]: `zqsample\n`}).mentions.includes(`zqsample`));
  });

  it(`M4: git config include.path ../inc.cfg reads inc.cfg (from .git), whose settings run`, () => {
    reachesDependency(`git config include.path ../inc.cfg && git commit -e -m x`, {[`inc.cfg`]: `[core]\n\teditor = ./p.js\n`});
  });

  it(`M4: a core.hooksPath in the file git config include.path names is read from the work tree, not from .git`, () => {
    reachesDependency(`git config include.path ../inc.cfg && git commit -m x`, {[`inc.cfg`]: `[core]\n\thooksPath = hk\n`, [`hk/pre-commit`]: P_JS});
  });

  it(`M4: core.gitProxy in HOME's .gitconfig is followed`, () => {
    reachesDependency(`HOME=cfgh git ls-remote git://h/x || true`, {[`cfgh/.gitconfig`]: `[core]\n\tgitProxy = ./p.js\n`});
  });
});
