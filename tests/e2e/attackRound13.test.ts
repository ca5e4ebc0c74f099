/**
 * Outside attack round 13 (/work/attack17) and the in-house finding that
 * opened it, replayed with marker files. A dependency's install scripts may
 * start any bin on their PATH without naming it (a name built at run time, a
 * shell script or a binary that is not analysed), so every bin of the
 * package and of its direct dependencies is part of the approval (R1).
 * A program a command starts by a name it builds from its arguments (`git zq`
 * runs git-zq from the PATH) is reached too (R2), and a path that leaves the
 * package through the working folder's other names (`$PWD/..`, `cd ..`) is
 * refused (R3); `node_modules/.bin/x` in any folder reaches every package's
 * bin x (R4); a relative file run after `cd` left the package is refused
 * (R5), and so is install code that reaches the folder above through
 * `__dirname + '/../x'` or a literal `cwd: '..'` (R6), an option's value (R7)
 * or a require created for the project's folder (R8), and a yarnPath Yarn
 * expands from the environment (R9), and the environment files it injects
 * (R10). Each test fails with the
 * bundle before round 13: the marker is written.
 */
import {strict as assert} from 'assert';

import {assertRefusedEvenAfterApproval, markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`attack round 13: programs a script starts without naming them (e2e)`, function() {
  this.timeout(300_000);

  const bin = (marker: string | null) => `#!/usr/bin/env node\n${marker === null ? `` : PWN(marker)}`;
  const suite = suiteRegistry(`attack-round-13`, () => [
    // R1: the command word is built at run time (from the name Yarn gives the script: zqs1, so zqs1bin; a
    // literal `n=zqs1` is read as the shell expands it); a later release of a script-free dependency changes the bin it names.
    plain(`zqs1`, `1.0.0`, {scripts: {postinstall: `n=$npm_package_name; "\${n}bin" || true`}, dependencies: {zqs1dep: `1.0.0`}}),
    plain(`zqs1`, `1.0.1`, {scripts: {postinstall: `n=$npm_package_name; "\${n}bin" || true`}, dependencies: {zqs1dep: `2.0.0`}}),
    plain(`zqs1dep`, `1.0.0`, {manifest: {bin: {zqs1bin: `cli.js`}}, files: {[`index.js`]: `module.exports = 1;\n`, [`cli.js`]: bin(null)}}),
    plain(`zqs1dep`, `2.0.0`, {manifest: {bin: {zqs1bin: `cli.js`}}, files: {[`index.js`]: `module.exports = 1;\n`, [`cli.js`]: bin(`s1-built-name-ran`)}}),
    // R2: the project's own postinstall runs `git zq`, and git runs the program git-zq a dependency's bin provides.
    plain(`zqs2git`, `1.0.0`, {manifest: {bin: {[`git-zq`]: `cli.js`}}, files: {[`cli.js`]: bin(null)}}),
    plain(`zqs2git`, `1.0.1`, {manifest: {bin: {[`git-zq`]: `cli.js`}}, files: {[`cli.js`]: bin(`s2-git-subcommand-ran`)}}),
    // R3: a sibling package's file, through the working folder by another name.
    plain(`zqs3`, `1.0.0`, {scripts: {postinstall: `node $PWD/../zqs3sib/x.js`}, dependencies: {zqs3sib: `1.0.0`}}),
    plain(`zqs3b`, `1.0.0`, {scripts: {postinstall: `cd .. && node zqs3sib/x.js`}, dependencies: {zqs3sib: `1.0.0`}}),
    plain(`zqs3sib`, `1.0.0`, {files: {[`x.js`]: PWN(`s3-sibling-ran`)}}),
    // R4: the project's node_modules/.bin, named through $INIT_CWD: a bin of another package the project installs.
    plain(`zqs4`, `1.0.0`, {scripts: {postinstall: `"$INIT_CWD/node_modules/.bin/zqs4tool" || true`}}),
    plain(`zqs4other`, `1.0.0`, {manifest: {bin: {zqs4tool: `cli.js`}}, files: {[`cli.js`]: bin(null)}}),
    plain(`zqs4other`, `1.0.1`, {manifest: {bin: {zqs4tool: `cli.js`}}, files: {[`cli.js`]: bin(`s4-dotbin-ran`)}}),
    // R5: cd into a sibling package's folder, then a file named relative to it.
    plain(`zqs5`, `1.0.0`, {scripts: {postinstall: `cd "$INIT_CWD/node_modules/zqs3sib" && node x.js`}, dependencies: {zqs3sib: `1.0.0`}, files: {[`x.js`]: `// benign\n`}}),
    // R6: install code that requires a sibling through __dirname, or runs a command in the folder above.
    plain(`zqs6`, `1.0.0`, {scripts: {postinstall: `node i.js`}, dependencies: {zqs3sib: `1.0.0`}, files: {[`i.js`]: `require(__dirname + '/../zqs3sib/x.js');\n`}}),
    plain(`zqs6b`, `1.0.0`, {scripts: {postinstall: `node i.js`}, dependencies: {zqs3sib: `1.0.0`}, files: {[`i.js`]: `require('child_process').spawnSync(process.execPath, ['zqs3sib/x.js'], {cwd: '..', stdio: 'inherit'});\n`}}),
    // R7: an option's value (node --env-file) naming a sibling's file through the working folder.
    plain(`zqs7`, `1.0.0`, {scripts: {postinstall: `node --env-file=$PWD/../zqs7sib/.env x.js`}, dependencies: {zqs7sib: `1.0.0`}, files: {[`x.js`]: `// benign\n`}}),
    plain(`zqs7sib`, `1.0.0`, {files: {[`.env`]: `NODE_OPTIONS=--require=../zqs7sib/evil.js\n`, [`evil.js`]: PWN(`s7-env-file-ran`)}}),
    // R8: a require created for the project's folder loads what the project installs under a name.
    plain(`zqs8`, `1.0.0`, {scripts: {postinstall: `node i.js`}, files: {[`i.js`]: `require('module').createRequire(process.env.INIT_CWD + '/package.json')('zqs3sib/x.js');\n`}}),
    // R9: a yarnPath that Yarn expands from the environment to a sibling package's file.
    plain(`zqs9`, `1.0.0`, {scripts: {postinstall: `yarn --version || true`}, dependencies: {zqs3sib: `1.0.0`}, files: {[`.yarnrc.yml`]: `yarnPath: \${PWD}/../zqs3sib/x.js\n`}}),
    // R10: an environment file the package's .yarnrc.yml injects preloads a dependency into node.
    plain(`zqs10`, `1.0.0`, {scripts: {postinstall: `yarn node -e 0`}, dependencies: {zqs10dep: `1.0.0`}, files: {[`.yarnrc.yml`]: `injectEnvironmentFiles: [".zq.env"]\n`, [`.zq.env`]: `NODE_OPTIONS=--require zqs10dep\n`}}),
    plain(`zqs10dep`, `1.0.0`, {files: {[`index.js`]: PWN(`s10-injected-env-ran`)}}),
  ]);

  it(`R1: a dependency's changed bin, which the approved script runs by a name built at run time, is refused, and it never runs`, async () => {
    const {app, approved} = await suite.approvedProject({zqs1: `1.0.0`}, [`zqs1`]);
    assert.equal(approved.code, 0, approved.output);
    const up = await app.yarn([`up`, `zqs1@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqs1dep@npm:2\.0\.0/);
    assert.match(up.output, /its bin zqs1bin is on the PATH of the install scripts/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`R2: a dependency's bin git-zq, which the project's own git zq runs, is approved with its package, and a release that changes it never runs`, async () => {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, scripts: {postinstall: `git zq || true`}, dependencies: {zqs2git: `1.0.0`}}}, [`zqs2git`]);
    const up = await app.yarn([`up`, `zqs2git@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqs2git@npm:1\.0\.1 changed the code that other packages run at install time/);
    assert.deepEqual(await app.markers(), []);
  });

  for (const [id, name, refusal] of [
    [`R3: $PWD/../ naming a sibling package's file`, `zqs3`, /names \$PWD\/\.\., outside the package/],
    [`R3: cd .. and then a sibling package's file`, `zqs3b`, /names \.\., outside the package/],
    [`R6: require(__dirname + '/../<sibling>/x.js')`, `zqs6`, /loads \.\/\.\.\/zqs3sib\/x\.js, outside the package/],
    [`R6: spawnSync(node, [<sibling>/x.js], {cwd: '..'})`, `zqs6b`, /runs commands in \.\., outside the package/],
    [`R7: node --env-file=$PWD/../<sibling>/.env`, `zqs7`, /--env-file=\$PWD\/\.\.\/zqs7sib\/\.env names \$PWD\/\.\., outside the package/],
    [`R8: createRequire(process.env.INIT_CWD + '/package.json')`, `zqs8`, /createRequire\(process\.env\.INIT_CWD \+ '\/package\.json'\) makes a require that resolves from another package or folder/],
    [`R9: yarnPath: \${PWD}/../<sibling>/x.js in the package's .yarnrc.yml`, `zqs9`, /\.yarnrc\.yml makes Yarn run \$\{PWD\}\/\.\.\/zqs3sib\/x\.js, outside the package/],
    [`R5: cd into a sibling package's folder, then a file of the same name as one of the package's`, `zqs5`, /node runs x\.js after cd left the package, a file outside it/],
  ] as Array<[string, string, RegExp]>) {
    it(`${id} is refused, also after an approval, and nothing runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`, zqs3sib: `1.0.0`}}});
      await assertRefusedEvenAfterApproval(app, name, refusal);
    });
  }

  it(`R4: another package's bin, run through $INIT_CWD/node_modules/.bin, is approved with it, and a release that changes it never runs`, async () => {
    const {app, approved} = await suite.approvedProject({zqs4: `1.0.0`, zqs4other: `1.0.0`}, [`zqs4`]);
    assert.match(approved.output, /zqs4other/);
    const up = await app.yarn([`up`, `zqs4other@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqs4other@npm:1\.0\.1/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`R10: the refusal names the dependency that an environment file of the package's .yarnrc.yml preloads into node, as code to review with it`, async () => {
    // (A nested Yarn in a dependency's script is refused by the backstop, which has no verdict of the
    // gate in that Yarn, so the preload never runs either way; the approval must still show it.)
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqs10: `1.0.0`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqs10dep@npm:1\.0\.0/);
    assert.match(install.output, /require\('zqs10dep'\)/);
    assert.deepEqual(await app.markers(), []);
  });
});
