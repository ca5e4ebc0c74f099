/**
 * Shell scripts and other text programs are read as text (outside attack
 * round 26, M4): a git hook, a fake `git` in `GIT_EXEC_PATH` or a script run
 * with `sh` that starts a bin by a bare word reaches that bin, and a path
 * under node_modules in it reaches that dependency's file. Binaries stay a
 * named limit.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string | Buffer> = {}) {
  const manifest = {name: `app`, private: true, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), workspaceFolders: [], projectFolder: ``});
}

describe(`shell scripts and other text programs read as text`, () => {
  const hook = `#!/bin/sh\nset -e\nif [ -n "$CI" ]; then\n  zqbin --fix\nfi\nnode node_modules/zqdep/lib/cli.js "$@"\n`;
  for (const [label, postinstall, files] of [
    [`sh setup.sh`, `sh setup.sh`, {[`setup.sh`]: hook}],
    [`bash -e ./setup.sh`, `bash -e ./setup.sh`, {[`setup.sh`]: hook}],
    [`a script run by its path`, `./setup`, {[`setup`]: hook}],
    [`sh < setup.sh`, `sh < setup.sh`, {[`setup.sh`]: hook}],
    [`a git hook (core.hooksPath)`, `git -c core.hooksPath=hk commit -m x`, {[`hk/pre-commit`]: hook}],
    [`a fake git in GIT_EXEC_PATH`, `env GIT_EXEC_PATH=gx git commit -m x`, {[`gx/git-commit`]: hook}],
  ] as Array<[string, string, Record<string, string>]>) {
    it(`${label}: a bin it runs by a bare word is mentioned, a node_modules path is a dependency's file`, () => {
      const analysis = analysed(postinstall, files);
      assert.ok(analysis.mentions.includes(`zqbin`), JSON.stringify(analysis.mentions));
      assert.ok(analysis.dependencyFiles.includes(`zqdep/lib/cli.js`), JSON.stringify(analysis.dependencyFiles));
      assert.ok(analysis.unresolved.some(line => /hashed and read only for the bins and node_modules files it names/.test(line)), JSON.stringify(analysis.unresolved));
    });
  }

  it(`reads node_modules/.bin/x, globs and $INIT_CWD paths, not a path the shell builds from a variable`, () => {
    const analysis = analysed(`sh setup.sh`, {[`setup.sh`]: `"$INIT_CWD"/node_modules/.bin/zqtool\nnode node_modules/zq*/x.js\nnode node_modules/$NAME/y.js\n`});
    assert.ok(analysis.commands.includes(`dotbin:zqtool`), JSON.stringify(analysis.commands));
    assert.ok(analysis.dependencyFiles.includes(`zq*/x.js`), JSON.stringify(analysis.dependencyFiles));
    assert.ok(!analysis.dependencyFiles.some(file => file.includes(`y.js`)), JSON.stringify(analysis.dependencyFiles));
  });

  for (const spelling of [`zq""bin`, `zq''bin`, `"zq"bin`, `zq\\bin`, `$'\\x7a'qbin`, `zq\\\nbin`]) {
    it(`reads ${JSON.stringify(spelling)} as the shell does: zqbin is mentioned`, () => {
      assert.ok(analysed(`sh setup.sh`, {[`setup.sh`]: `set -e\n${spelling} --x\n`}).mentions.includes(`zqbin`), spelling);
    });
  }

  it(`a binary program is hashed and named, its bytes not read for names`, () => {
    const analysis = analysed(`./tool`, {[`tool`]: Buffer.concat([Buffer.from(`\x7fELF\0\0`), Buffer.from(` zqbin node_modules/zqdep/x.js `)])});
    assert.ok(!analysis.mentions.includes(`zqbin`));
    assert.deepEqual(analysis.dependencyFiles, []);
    assert.ok(analysis.unresolved.includes(`tool: executable that is not JavaScript, hashed but not analysed`), JSON.stringify(analysis.unresolved));
  });
});
