/**
 * Outside attack round 56: spellings that Node, its environment files and GNU
 * env read differently from a shell: `_` in option names (U1, U2), the case of
 * an extension (C1), env-file quoting (D1), `env -S` strings (S1) and double
 * quotes in NODE_OPTIONS (N1). In each, an approved package's install code
 * loads the dependency `zqhelp`, which must be followed (or refused).
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {envFileSettings, envSplitCommand, nodeOptionSpelling, nodeOptionsWords, splitEnvString} from '../../sources/installScripts/policy/fingerprint/nodeSpellings';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`install.js`]: `i`, [`setup.mjs`]: `i`, [`test/build.test.js`]: `t`, [`hooks.mjs`]: `h`, [`snap.blob`]: `b`, ...files}), everyFile: true});
}

function assertFollowsHelper(postinstall: string, files: Record<string, string> = {}) {
  const analysis = analysed(postinstall, files);
  assert.ok(analysis.modules.includes(`zqhelp`), `${postinstall} ${JSON.stringify(files)}\nmodules: ${analysis.modules.join(`, `)}\nlimits: ${analysis.unresolved.join(`\n`)}`);
}

describe(`outside attack round 56`, () => {
  describe(`Node's spellings, as pure readings`, () => {
    it(`reads _ as - in the name of a long option, never in its value`, () => {
      assert.equal(nodeOptionSpelling(`--experimental_wasm_modules`), `--experimental-wasm-modules`);
      assert.equal(nodeOptionSpelling(`--test_reporter=my_reporter`), `--test-reporter=my_reporter`);
      assert.equal(nodeOptionSpelling(`-r`), `-r`);
      assert.equal(nodeOptionSpelling(`--`), `--`);
      assert.equal(nodeOptionSpelling(`my_file.js`), `my_file.js`);
    });

    it(`splits NODE_OPTIONS as Node does: spaces, double quotes removed, escapes inside them`, () => {
      assert.deepEqual(nodeOptionsWords(`"--require=zqhelp"`), [`--require=zqhelp`]);
      assert.deepEqual(nodeOptionsWords(`"--require" zqhelp`), [`--require`, `zqhelp`]);
      assert.deepEqual(nodeOptionsWords(`--require "a b"  -r\tx`), [`--require`, `a b`, `-r\tx`]);
      assert.deepEqual(nodeOptionsWords(`"--require=z\\qhelp"`), [`--require=zqhelp`]);
      assert.deepEqual(nodeOptionsWords(`a\\b`), [`a\\b`]);
      assert.throws(() => nodeOptionsWords(`"--require=x`), /unterminated double quote/);
    });

    it(`reads an env file every way a Node release does`, () => {
      const values = (text: string) => envFileSettings(text).filter(({key}) => key === `NODE_OPTIONS`).map(({value}) => value);
      assert.ok(values(`NODE_OPTIONS='--require=zqhelp' # preload\n`).includes(`--require=zqhelp`));
      assert.ok(values(`NODE_OPTIONS="--require=zqhelp"x\n`).includes(`--require=zqhelp`));
      assert.ok(values(`NODE_OPTIONS="--require\nzqhelp"\n`).includes(`--require\nzqhelp`));
      assert.ok(values(`export NODE_OPTIONS=--require=zqhelp#c\n`).includes(`--require=zqhelp`));
      assert.ok(values(`  NODE_OPTIONS = "a\\nb" \n`).includes(`a\nb`));
      // dotenv's colon form, which Yarn reads in .env.yarn and injectEnvironmentFiles.
      assert.ok(values(`NODE_OPTIONS: --require=zqhelp\n`).includes(`--require=zqhelp`));
      assert.deepEqual(envFileSettings(`# NODE_OPTIONS=x\n`), []);
    });

    it(`splits an env -S string as GNU env does`, () => {
      assert.deepEqual(splitEnvString(`node\\_--require=zqhelp`), [`node`, `--require=zqhelp`]);
      assert.deepEqual(splitEnvString(`node "-r\\_x" 'y\\_z' #c d`), [`node`, `-r x`, `y\\_z`]);
      assert.deepEqual(splitEnvString(`node a\\cb c`), [`node`, `a`]);
      assert.throws(() => splitEnvString(`node \${HOOK}`), /expands from the environment/);
      assert.throws(() => splitEnvString(`node \\q`), /escape/);
      assert.throws(() => splitEnvString(`node "x`), /unterminated/);
      assert.deepEqual(envSplitCommand(` -vS node --require=zqhelp`), {assignments: [], words: [`node`, `--require=zqhelp`]});
      assert.deepEqual(envSplitCommand(` -Snode --require=zqhelp`), {assignments: [], words: [`node`, `--require=zqhelp`]});
      assert.deepEqual(envSplitCommand(` --split-string=node --require=zqhelp`), {assignments: [], words: [`node`, `--require=zqhelp`]});
      assert.deepEqual(envSplitCommand(` -S -i -u X "NODE_OPTIONS=-r\\_zqhelp" node`), {assignments: [`NODE_OPTIONS=-r zqhelp`], words: [`node`]});
      // Without -S, the words as macOS hands them to env; env's options before -S are read too.
      assert.deepEqual(envSplitCommand(` node`), {assignments: [], words: [`node`]});
      assert.deepEqual(envSplitCommand(` -i NODE_OPTIONS=--require=zqhelp node`), {assignments: [`NODE_OPTIONS=--require=zqhelp`], words: [`node`]});
      assert.deepEqual(envSplitCommand(` -u X -S node --require=zqhelp`), {assignments: [], words: [`node`, `--require=zqhelp`]});
      assert.deepEqual(envSplitCommand(` --unset=X -vS node\\_-r\\_zqhelp`), {assignments: [], words: [`node`, `-r`, `zqhelp`]});
      assert.throws(() => envSplitCommand(` -S -C lib node x.js`), /the option -C/);
    });
  });

  describe(`what the install code loads`, () => {
    it(`follows or refuses node options spelled with _ (U1, U2)`, () => {
      for (const postinstall of [`node --experimental_wasm_modules setup.mjs`, `NODE_OPTIONS=--experimental_wasm_modules node setup.mjs`, `node --preserve_symlinks install.js`, `node --preserve_symlinks_main install.js`]) {
        const analysis = analysed(postinstall);
        assert.ok(analysis.foreignRuns.some(line => /changes which files Node loads/.test(line)), `${postinstall}\n${analysis.foreignRuns.join(`\n`)}`);
      }
      assert.throws(() => analysed(`node --snapshot_blob snap.blob install.js`), /runs a V8 startup snapshot/);
      assert.throws(() => analysed(`node --experimental_policy=p.json install.js`), /lets a policy file redirect/);
      assert.ok(analysed(`node --experimental_loader=./hooks.mjs install.js`).unresolved.some(line => /registers module customization hooks/.test(line)));
      assertFollowsHelper(`node --test --test_reporter=zqhelp test/build.test.js`);
      assertFollowsHelper(`node --experimental_loader zqhelp install.js`);
      assertFollowsHelper(`NODE_OPTIONS=--experimental_loader=zqhelp node install.js`);
    });

    it(`reads a required .JSON or .NODE file as JavaScript, as Node does (C1)`, () => {
      assertFollowsHelper(`node install.js`, {[`install.js`]: `require('./defaults.JSON');\n`, [`defaults.JSON`]: `module.exports = require('zqhelp');\n`});
      assertFollowsHelper(`node install.js`, {[`install.js`]: `try { require('./defaults.NODE'); } catch {}\n`, [`defaults.NODE`]: `require('zqhelp');\n`});
      // A real .json stays data.
      assert.ok(!analysed(`node install.js`, {[`install.js`]: `require('./defaults.json');\n`, [`defaults.json`]: `{"a": "require('zqhelp')"}`}).modules.includes(`zqhelp`));
    });

    it(`follows NODE_OPTIONS from an env file however its value is quoted (D1)`, () => {
      for (const line of [`NODE_OPTIONS='--require=zqhelp' # preload the shared helpers`, `NODE_OPTIONS="--require=zqhelp"x`, `NODE_OPTIONS='"--require=zqhelp"'`])
        assertFollowsHelper(`node --env-file=build.env install.js`, {[`build.env`]: `${line}\n`});
    });

    it(`follows the node options of an env -S shebang in every spelling (S1)`, () => {
      for (const shebang of [`#!/usr/bin/env -u X -S node --require=zqhelp`, `#!/usr/bin/env -i NODE_OPTIONS=--require=zqhelp node`, `#!/usr/bin/env -S node\\_--require=zqhelp`, `#!/usr/bin/env -vS node --require=zqhelp`, `#!/usr/bin/env -S node\\_-r\\_zqhelp`, `#!/usr/bin/env -Snode --require=zqhelp`, `#!/usr/bin/env --split-string=node --require=zqhelp`, `#!/usr/bin/env -S NODE_OPTIONS=--require=zqhelp node`, `#!/usr/bin/env -S node --require zqhelp`])
        assertFollowsHelper(`./setup.js`, {[`setup.js`]: `${shebang}\nconsole.log(1);\n`});
      assert.throws(() => analysed(`./setup.js`, {[`setup.js`]: `#!/usr/bin/env -S -i PATH=\${PATH} node --require=zqhelp\n1;\n`}), /expands from the environment/);
      // The program env looks up on the script's PATH, where a dependency's bin comes first.
      for (const shebang of [`#!/usr/bin/env zqtool`, `#!/usr/bin/env -S zqtool --fast`, `#!/usr/bin/env -S A=1 zqtool`])
        assert.ok(analysed(`./setup.js`, {[`setup.js`]: `${shebang}\n1;\n`}).commands.includes(`zqtool`), shebang);
    });

    it(`follows double-quoted words in NODE_OPTIONS (N1)`, () => {
      assertFollowsHelper(`NODE_OPTIONS='"--require=zqhelp"' node install.js`);
      assertFollowsHelper(`NODE_OPTIONS='"--require" zqhelp' node install.js`);
      assert.throws(() => analysed(`NODE_OPTIONS='"--require=zqhelp' node install.js`), /unterminated double quote/);
    });
  });
});
