/**
 * Outside attack round 16 (helper-58): Yarn commands that run code in a
 * workspace's folder (`yarn workspace a node x.js`, `… exec …`, `… pack`,
 * `yarn workspaces foreach … exec …`), `yarn constraints`, which runs the
 * project's yarn.config.cjs, and a subshell's `cd`, which ends with it.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {INLINE_COMMAND} from '../../sources/installScripts/policy/fingerprint/packageManagers';
import {splitNested} from '../../sources/installScripts/policy/fingerprint/shell';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string>, workspace: boolean, scripts: Record<string, string> = {}) {
  const manifest = {name: `app`, private: true, workspaces: [`packages/*`], scripts: {postinstall, ...scripts}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), everyFile: !workspace, ...(workspace ? {workspaceFolders: [`packages/a`], projectFolder: ``} : {})});
}

describe(`outside attack round 16: Yarn commands run in a workspace, yarn constraints, subshells`, () => {
  for (const [postinstall, request] of [
    [`yarn workspace @c/tools node setup.js`, `@c/tools#${INLINE_COMMAND}yarn node setup.js`],
    [`yarn workspace @c/tools exec node setup.js`, `@c/tools#${INLINE_COMMAND}yarn exec node setup.js`],
    [`yarn workspace @c/tools pack`, `@c/tools#${INLINE_COMMAND}yarn pack`],
    [`yarn workspaces foreach -A --include @c/tools exec node gen.js`, `*#${INLINE_COMMAND}yarn exec node gen.js`],
    [`yarn workspace @c/tools exec "node -e 'x'"`, `@c/tools#${INLINE_COMMAND}yarn exec 'node -e '\\''x'\\'''`],
    // `run x` may be a script, a bin of the workspace's dependencies or another workspace's colon script (round 19, M10, M12).
    [`yarn workspace @c/tools run setup`, `@c/tools#${INLINE_COMMAND}yarn run setup`],
    [`yarn workspaces foreach -A --include @c/tools run zqbin`, `*#${INLINE_COMMAND}yarn run zqbin`],
  ]) {
    it(`${postinstall} is followed in that workspace's folder as ${JSON.stringify(request)}`, () => {
      assert.deepEqual(analysed(postinstall, {}, true).workspaceScripts, [request]);
    });
  }

  it(`G23: yarn run --require x hands x to node like NODE_OPTIONS`, () => {
    assert.deepEqual(analysed(`yarn run --require zqh zqbin`, {}, true).modules, [`zqh`]);
    assert.deepEqual(analysed(`yarn run --require=./hook.js zqbin`, {[`hook.js`]: `require('zqh');\n`}, true).modules, [`zqh`]);
  });

  it(`G16: npm run x -w <folder> follows that folder's script; -w <name> and --workspaces ask for the workspace's`, () => {
    const files = {[`packages/a/package.json`]: JSON.stringify({name: `@c/a`, scripts: {setup: `node setup.js`}}), [`packages/a/setup.js`]: `require('zqh');\n`};
    assert.deepEqual(analysed(`npm run setup -w packages/a`, files, true).workspaceFiles, [`packages/a/setup.js`]);
    assert.deepEqual(analysed(`npm run setup --workspace=@c/a --if-present && npm run x -ws`, {}, true).workspaceScripts, [`*#x`, `@c/a#setup`]);
    // From a dependency, npm's workspaces are a limit that binds every file.
    assert.match(analysed(`npm run setup -w packages/a`, files, false).unresolved.join(`\n`), /runs scripts in the package's own workspaces/);
  });

  it(`M11: cd <workspace> && yarn <bin> asks for that bin in the workspace in that folder`, () => {
    for (const postinstall of [`cd packages/a && yarn zqbin`, `(cd packages/a; yarn exec zqbin)`, `yarn --cwd packages/a zqbin`])
      assert.equal(analysed(postinstall, {[`packages/a/package.json`]: JSON.stringify({name: `a`})}, true).workspaceScripts.length, 1, postinstall);
    assert.deepEqual(analysed(`cd packages/a && yarn zqbin --x`, {[`packages/a/package.json`]: JSON.stringify({name: `a`})}, true).workspaceScripts, [`./packages/a#${INLINE_COMMAND}yarn zqbin --x`]);
  });

  it(`yarn constraints from the project follows yarn.config.cjs and what it requires`, () => {
    const analysis = analysed(`yarn constraints`, {[`yarn.config.cjs`]: `require('zqh');\n`}, true);
    assert.deepEqual(analysis.runs, [`yarn.config.cjs`]);
    assert.deepEqual(analysis.modules, [`zqh`]);
  });

  it(`yarn constraints from a dependency reaches the project's code, which no approval holds`, () => {
    assert.match(analysed(`yarn constraints`, {}, false).foreignRuns.join(`\n`), /yarn\.config\.cjs/);
  });

  it(`splits commands with the subshell each runs in`, () => {
    assert.deepEqual(splitNested(`(cd a; node x.js); node y.js && $(cd b; pwd)`).map(command => [command.words[0].text, command.subshell]), [[`cd`, 1], [`node`, 1], [`node`, 0], [`cd`, 1], [`pwd`, 1]]);
  });

  for (const postinstall of [`(cd lib; node a.js); node b.js`, `$(cd lib; true) && node b.js`, `(cd lib && (cd deeper; true); node a.js); node b.js`]) {
    it(`${postinstall}: the cd ends with its subshell, so b.js is the root's`, () => {
      const analysis = analysed(postinstall, {[`lib/a.js`]: ``, [`lib/b.js`]: ``, [`b.js`]: `require('zqh');\n`}, false);
      assert.ok(analysis.runs.includes(`b.js`), JSON.stringify(analysis.runs));
      assert.ok(!analysis.runs.includes(`lib/b.js`), JSON.stringify(analysis.runs));
      assert.deepEqual(analysis.modules, [`zqh`]);
    });
  }

  it(`a cd outside a subshell still applies to the commands after it`, () => {
    assert.deepEqual(analysed(`cd lib; node b.js`, {[`lib/b.js`]: ``, [`b.js`]: ``}, false).runs, [`lib/b.js`]);
  });
});
