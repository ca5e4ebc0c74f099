/**
 * Outside attack round 23 (helper-65), on the environment files and the
 * shell expansion of rounds 20-22: make's own expansions in MAKEFILES (M1),
 * extglobs and brace lists in globs through node_modules (M3),
 * GIT_CONFIG_PARAMETERS (M4), OPENSSL_CONF_INCLUDE (M5), and a definition in
 * MAKEFLAGS whose value names a file (M11).
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {laterExpansion} from '../../sources/installScripts/policy/environmentPaths';
import {directReaches} from '../../sources/installScripts/policy/installClosure';
import {splitCommands} from '../../sources/installScripts/policy/fingerprint/shell';
import {expandBraces, globRegExp, hasGlob} from '../../sources/installScripts/policy/fingerprint/shellExpansion';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `app`, private: true, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`ok.js`]: ``, [`Makefile`]: `all:\n\ttrue\n`, ...files}), workspaceFolders: [], projectFolder: ``});
}

/** The names of `installed` that the glob of a dependency path's first segment matches, as the project graph answers. */
function reachedBy(dependencyFiles: ReadonlyArray<string>, installed: ReadonlyArray<string>): Array<string> {
  const {reaches} = directReaches({commands: [], modules: [], dependencyFiles, bins: new Map(), topLevelBins: new Map(), resolveName: name => installed.includes(name) ? [name] : [], ownName: `app`, namesMatching: glob => installed.filter(name => globRegExp(glob).test(name))});
  return [...new Set(reaches.map(reach => reach.id))].sort();
}

describe(`outside attack round 23`, () => {
  const installed = [`zz`, `a33-m3-h1`, `@zq/x`];

  for (const postinstall of [
    `node node_modules/!(zz)/index.js`,
    `node node_modules/@(a33-m3-*)/index.js`,
    `node node_modules/+([a-z0-9-])/index.js`,
    `node node_modules/*(x)a33-m3-h1/index.js`,
    `node node_modules/?(a33-m3-h1)/index.js`,
    `node node_modules/{zz,a33-m3-h*}/index.js`,
    `node "node_modules/"{q,a33-m3-h1}/index.js`,
    `node node_modules/{q,b/../a33-m3-h1}/index.js`,
    `node node_modules/a33-m3-h{0..3}/index.js`,
    `node node_modules/[[:alpha:]]33-m3-h1/index.js`,
  ]) {
    it(`M3: ${postinstall} reaches the package the shell's glob matches`, () => {
      const {dependencyFiles} = analysed(postinstall);
      assert.ok(reachedBy(dependencyFiles, installed).includes(`a33-m3-h1`), JSON.stringify(dependencyFiles));
    });
  }

  it(`M3: Yarn's shell keeps parentheses inside a word (an extglob), and opens a subshell only where a command starts`, () => {
    assert.deepEqual(splitCommands(`node node_modules/@(a|b)/x.js && (node y.js)`).map(words => words.map(word => word.text)), [[`node`, `node_modules/@(a|b)/x.js`], [`node`, `y.js`]]);
    assert.deepEqual(splitCommands(`echo a(b c)`).map(words => words.map(word => word.text)), [[`echo`, `a`], [`b`, `c`]], `a space inside is no extglob`);
  });

  it(`M3: brace lists expand in order, nested and as ranges; a list too long to write out stands for every match`, () => {
    assert.deepEqual(expandBraces(`a/{b,c{d,e}}/f`), [`a/b/f`, `a/cd/f`, `a/ce/f`]);
    assert.deepEqual(expandBraces(`x{1..3}`), [`x1`, `x2`, `x3`]);
    assert.deepEqual(expandBraces(`x{c..a}`), [`xc`, `xb`, `xa`]);
    assert.deepEqual(expandBraces(`x{}y{a}`), [`x{}y{a}`], `no list`);
    assert.deepEqual(expandBraces(`x{1..1000}`), [`x*`]);
    assert.equal(expandBraces(`{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}`).length <= 65, true);
    assert.ok(expandBraces(`{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}`).some(word => word.includes(`*`)));
  });

  it(`M3: extglobs and lists match at least what the shell matches, and a hostile pattern stays fast`, () => {
    assert.ok(globRegExp(`!(zz)`).test(`a33`));
    assert.ok(globRegExp(`@(zz|a33)`).test(`a33`));
    assert.equal(globRegExp(`@(zz|a33)`).test(`a34`), false, `a list of names is matched exactly`);
    assert.ok(globRegExp(`?(zz)a33`).test(`a33`));
    assert.ok(globRegExp(`{zz,a3*}`).test(`a33`));
    assert.ok(globRegExp(`[[:alpha:]]33`).test(`a33`));
    assert.ok(globRegExp(`[]a]33`).test(`]33`));
    assert.ok(hasGlob(`@(a)`) && hasGlob(`{a,b}`) && hasGlob(`+(a)`) && !hasGlob(`{a}`) && !hasGlob(`a@b`));
    const started = process.hrtime.bigint();
    assert.equal(globRegExp(`*a*a*a*a*a*a*a*a*a*a*a*a*b`).test(`${`a`.repeat(200)}c`), true, `many wildcards match everything`);
    assert.equal(globRegExp(`*a*a*b`).test(`${`a`.repeat(200)}c`), false);
    assert.equal(globRegExp(`@(*|*)@(*|*)*(a)!(b)x`).test(`${`a`.repeat(200)}`), false, `wildcards in a row are one`);
    assert.ok(process.hrtime.bigint() - started < 1_000_000_000n);
  });

  for (const value of [`node_mod$@ules/zqh/x.mk`, `node$Umodules/zqh/x.mk`, `\${subst Q,_,nodeQmodules}/zqh/x.mk`]) {
    it(`M1: MAKEFILES=${value}: make expands it, so it is refused`, () => {
      assert.throws(() => analysed(`env MAKEFILES='${value}' make`), /MAKEFILES=.* holds make's own expansions/);
      assert.throws(() => analysed(`env MAKEFLAGS='-- SHELL=${value}' make`), /MAKEFLAGS=.* holds make's own expansions/);
    });
  }

  it(`M1: make's escaped dollar is no expansion`, () => {
    assert.doesNotThrow(() => analysed(`env MAKEFLAGS='X=$$y' make`));
  });

  it(`M1: a value of an environment file in which make or a shell would expand something again is named`, () => {
    assert.match(laterExpansion(`\${shell node x.js}`) ?? ``, /"\$\{" is left in it/);
    assert.match(laterExpansion(`$(shell node x.js)`) ?? ``, /"\$\(" is left in it/);
    assert.match(laterExpansion(`\`node x.js\``) ?? ``, /"`" is left in it/);
    assert.equal(laterExpansion(`--max-old-space-size=4096 pa$$word`), null);
  });

  it(`M11: MAKEFLAGS= -- SHELL=node_modules/zqh/sh: the value of a definition is followed`, () => {
    assert.deepEqual(analysed(`env MAKEFLAGS=' -- SHELL=node_modules/zqh/tools/sh' make`).dependencyFiles, [`zqh/tools/sh`]);
  });

  for (const [value, expected] of [
    [`'core.fsmonitor'='node_modules/zqh/fsm.sh'`, {dependencyFiles: [`zqh/fsm.sh`]}],
    [`'core.fsmonitor=node_modules/zqh/fsm.sh'`, {dependencyFiles: [`zqh/fsm.sh`]}],
    [`'include.path'='node_modules/zqh/gitconfig'`, {dependencyFiles: [`zqh/gitconfig`]}],
    [`'core.fsmonitor'='zqh-bin'`, {commands: `zqh-bin`}],
  ] as Array<[string, {dependencyFiles?: Array<string>, commands?: string}]>) {
    it(`M4: GIT_CONFIG_PARAMETERS="${value}": the setting git hands to its children is followed`, () => {
      const analysis = analysed(`env GIT_CONFIG_PARAMETERS="${value}" git status`);
      if (expected.dependencyFiles !== undefined)
        assert.deepEqual(analysis.dependencyFiles, expected.dependencyFiles);
      if (expected.commands !== undefined)
        assert.ok(analysis.commands.includes(expected.commands), JSON.stringify(analysis.commands));
    });
  }

  it(`M4: include.path given to git -c names a configuration whose commands are followed`, () => {
    assert.deepEqual(analysed(`git -c include.path=gc status`, {[`gc`]: `[core]\n\tfsmonitor = node node_modules/zqh/x.js\n`}).dependencyFiles, [`zqh/x.js`]);
  });

  it(`M5: OPENSSL_CONF_INCLUDE moves what OpenSSL includes: refused`, () => {
    assert.throws(() => analysed(`env OPENSSL_CONF=ssl.cnf OPENSSL_CONF_INCLUDE=node_modules node ok.js`, {[`ssl.cnf`]: `.include zqh/sub.cnf\n`}), /OPENSSL_CONF_INCLUDE=node_modules moves the files/);
  });
});
