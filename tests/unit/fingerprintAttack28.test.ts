/**
 * Outside attack round 28 (helper-70), on round 27's fixes: a workspace's
 * shell script that starts a dependency's code in ways its text reading
 * missed (a backslash inside a word, a glob of `node_modules/.bin`, `cd`
 * into node_modules by a glob, a sourced file, a file run after `cd`); git
 * commands that run the `reference-transaction` or `post-index-change`
 * hook; a `config.worktree` and a value continued on the next line.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {gitSettings} from '../../sources/installScripts/policy/fingerprint/tables';
import {directReaches, type VisibleBin} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

const P_JS = `#!/usr/bin/env node\nrequire('zqdep');\n`;

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `app`, private: true, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`p.js`]: P_JS, ...files}), workspaceFolders: [], projectFolder: ``});
}

describe(`outside attack round 28`, () => {
  describe(`M1: a workspace's shell script`, () => {
    it(`reads a backslash inside a word as the shell drops it (zqbin\\12 runs zqbin12)`, () => {
      assert.ok(analysed(`sh setup.sh`, {[`setup.sh`]: `zqbin\\12 --x\n`}).mentions.includes(`zqbin12`));
    });

    it(`reads the script command by command: a node file it runs is followed`, () => {
      assert.ok(analysed(`sh scripts/setup.sh`, {[`scripts/setup.sh`]: `#!/bin/sh\nset -e\nif [ -n "$CI" ]; then\n  node ./lib/x.js\nfi\n`, [`lib/x.js`]: `require('zqdep');\n`}).modules.includes(`zqdep`));
    });

    it(`follows a file it sources and a file it runs after cd`, () => {
      const sourced = analysed(`sh setup.sh`, {[`setup.sh`]: `. ./scripts/inc\n`, [`scripts/inc`]: `zqsourced --x\nnode p.js\n`});
      assert.ok(sourced.mentions.includes(`zqsourced`) && sourced.modules.includes(`zqdep`), JSON.stringify(sourced.modules));
      const after = analysed(`sh setup.sh`, {[`setup.sh`]: `cd scripts/sub && ./run\n`, [`scripts/sub/run`]: `#!/bin/sh\nnode ../../p.js\n`});
      assert.ok(after.modules.includes(`zqdep`), JSON.stringify(after.modules));
    });

    it(`reads cd "$(dirname "$0")" as the script's own folder`, () => {
      assert.ok(analysed(`sh scripts/setup.sh`, {[`scripts/setup.sh`]: `cd "$(dirname "$0")"\nnode ./x.js\n`, [`scripts/x.js`]: `require('zqdep');\n`}).modules.includes(`zqdep`));
    });

    it(`follows cd into node_modules by a glob, and a glob of node_modules/.bin`, () => {
      assert.deepEqual(analysed(`sh setup.sh`, {[`setup.sh`]: `cd node_modules\ncd zq*\nnode cli.js\n`}).dependencyFiles, [`zq*/cli.js`]);
      assert.ok(analysed(`sh setup.sh`, {[`setup.sh`]: `./node_modules/.bin/zq*\n`}).commands.includes(`dotbin:zq*`));
      const bin: VisibleBin = {id: `zq-id`, path: `cli.js`};
      const {reaches, unresolved} = directReaches({commands: [`dotbin:zq*`], modules: [], bins: new Map([[`zqtool`, [bin]]]), topLevelBins: new Map([[`zqtool`, [bin]], [`other`, [{id: `o`, path: `o.js`}]]]), resolveName: () => [], ownName: `app`});
      assert.deepEqual(reaches.map(reach => reach.id), [`zq-id`]);
      assert.deepEqual(unresolved, []);
    });

    it(`reads the Python and Perl files a script runs as text (M1b): a node_modules path and a bin they name`, () => {
      const python = analysed(`python3 scripts/x.py`, {[`scripts/x.py`]: `import subprocess\nsubprocess.run(['node', 'node_modules/zqdep/index.js'])\nsubprocess.run(['zqpybin'])\n`});
      assert.deepEqual(python.dependencyFiles, [`zqdep/index.js`]);
      assert.ok(python.mentions.includes(`zqpybin`));
      assert.deepEqual(analysed(`perl scripts/x.pl`, {[`scripts/x.pl`]: `system("node", "node_modules/zqdep/index.js");\n`}).dependencyFiles, [`zqdep/index.js`]);
    });

    it(`names what an install script would be refused for (a ** glob, which sh does not expand through folders) as a limit, and reads the rest line by line`, () => {
      const analysis = analysed(`sh setup.sh`, {[`setup.sh`]: `rm -rf packages/**/dist\nnode p.js\n`});
      assert.ok(analysis.unresolved.some(line => line.startsWith(`setup.sh: packages/**/dist is a glob`)), JSON.stringify(analysis.unresolved));
      assert.ok(analysis.modules.includes(`zqdep`));
      assert.throws(() => analysed(`rm -rf packages/**/dist`), /is a glob that Yarn's shell expands through every folder/);
    });

    it(`does not read a #! line or a comment as a command`, () => {
      const analysis = analysed(`sh setup.sh`, {[`setup.sh`]: `#!/bin/sh\n# node p.js\necho done\n`});
      assert.deepEqual(analysis.modules, []);
    });
  });

  describe(`M2: git commands that update a ref or write the index run hooks`, () => {
    for (const command of [`git tag zq`, `git branch zq`, `git stash`, `git add .`, `git status --short`, `git describe --dirty`]) {
      it(`${command}: the hooks folder is followed`, () => {
        assert.ok(analysed(`git config core.hooksPath hk && ${command}`, {[`hk/reference-transaction`]: P_JS}).modules.includes(`zqdep`), command);
      });
    }

    it(`git log and git rev-parse run none`, () => {
      assert.deepEqual(analysed(`git config core.hooksPath hk && git rev-parse HEAD && git log -1`, {[`hk/reference-transaction`]: P_JS}).modules, []);
    });
  });

  describe(`M3: git configuration read as git reads it`, () => {
    it(`reads the repository's config.worktree`, () => {
      assert.ok(analysed(`git commit -m x`, {[`.git/HEAD`]: `ref: refs/heads/main\n`, [`.git/config`]: `[extensions]\n\tworktreeConfig = true\n`, [`.git/config.worktree`]: `[core]\n\thooksPath = hk\n`, [`hk/pre-commit`]: P_JS}).modules.includes(`zqdep`));
    });

    it(`joins a value continued on the next line, reads a setting after its header, unquotes and drops comments`, () => {
      assert.deepEqual(gitSettings(`[core]\n\thooksPath = h\\\nk\n[core] editor = "./p.js" ; a comment\n[alias]\n\tx = "!node \\"p.js\\"" # c\n[remote "o\\"x"]\n\turl = .\n`), [
        {key: `core.hooksPath`, value: `hk`},
        {key: `core.editor`, value: `./p.js`},
        {key: `alias.x`, value: `!node "p.js"`},
        {key: `remote.o"x.url`, value: `.`},
      ]);
      assert.ok(analysed(`git commit -m x`, {[`.git/HEAD`]: `ref: refs/heads/main\n`, [`.git/config`]: `[core]\n\thooksPath = h\\\nk\n`, [`hk/pre-commit`]: P_JS}).modules.includes(`zqdep`));
    });
  });
});
