/**
 * Outside attack round 29 (helper-71), on round 28's fixes: a workspace's
 * shell script that names a bin with constant quoting (`$'…'`, `$((1))`,
 * `eval` of a literal), enters a folder through CDPATH, a pipeline or a
 * function; `git diff` (an index write) and `git help` (man, a browser);
 * GNU make's built-in rules (lex, yacc).
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {isSystemTool} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

const P_JS = `#!/usr/bin/env node\nrequire('zqdep');\n`;

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `app`, private: true, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), workspaceFolders: [], projectFolder: ``});
}

/** A decoy beside the real file: the reading must follow the one the shell runs. */
const DECOYS = {[`run`]: `#!/bin/sh\necho decoy\n`, [`sub/run`]: `#!/bin/sh\necho decoy\n`, [`scripts/sub/run`]: P_JS};

describe(`outside attack round 29`, () => {
  for (const spelling of [`zqbin$'\\x31'`, `zqbin$'1'`, `zqbin$((1))`, `eval "zqbin\\$'\\\\x31'"`, `zqbin$"1"`]) {
    it(`M1: ${spelling} in a shell script names zqbin1`, () => {
      assert.ok(analysed(`sh setup.sh`, {[`setup.sh`]: `${spelling} --x\n`}).mentions.includes(`zqbin1`), spelling);
    });
  }

  for (const [label, script, reached] of [
    [`CDPATH=scripts; cd sub`, `CDPATH=scripts; cd sub >/dev/null; ./run\n`, true],
    [`a function that changes the folder, called before ./run`, `f() { cd scripts/sub; }\nf; ./run\n`, true],
    [`cd in a pipeline, which runs in a subshell`, `cd scripts/sub | true; ./run\n`, false],
  ] as Array<[string, string, boolean]>) {
    it(`M1: ${label}: the file the shell runs is followed`, () => {
      const analysis = analysed(`sh setup.sh`, {[`setup.sh`]: script, ...DECOYS, ...(reached ? {} : {[`run`]: P_JS, [`scripts/sub/run`]: `#!/bin/sh\necho decoy\n`})});
      assert.ok(analysis.modules.includes(`zqdep`), JSON.stringify({runs: analysis.runs, unresolved: analysis.unresolved}));
    });
  }

  it(`M1: in an install script Yarn's shell runs, the last command of a pipeline keeps its cd`, () => {
    assert.ok(analysed(`true | cd scripts/sub; ./run`, DECOYS).modules.includes(`zqdep`));
    assert.ok(!analysed(`sh setup.sh`, {[`setup.sh`]: `true | cd scripts/sub; ./run\n`, ...DECOYS}).modules.includes(`zqdep`));
  });

  it(`M1: ./run is a file of the package, not Yarn's run wrapper (the reading recursed)`, () => {
    assert.ok(analysed(`./run`, {[`run`]: P_JS}).modules.includes(`zqdep`));
  });

  it(`M2: git diff (an index write after a file's times changed) and git help run what the hooks folder holds`, () => {
    for (const command of [`git diff --quiet`, `git help log`, `git grep x`, `git clean -n`])
      assert.ok(analysed(`git config core.hooksPath hk && ${command}`, {[`hk/post-index-change`]: P_JS}).modules.includes(`zqdep`), command);
  });

  it(`M3: bins named like what git help and GNU make's built-in rules start are system tools`, () => {
    for (const name of [`man`, `info`, `w3m`, `lynx`, `xdg-open`, `lex`, `yacc`, `m4`, `makeinfo`])
      assert.ok(isSystemTool(name), name);
  });
});
