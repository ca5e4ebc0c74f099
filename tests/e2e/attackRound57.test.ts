/**
 * Outside attack round 57: node options that run or load code the scan did
 * not read. `node --build-snapshot-config` runs the builder its JSON names
 * (B1); `--experimental-network-imports` with an `https:` preload runs code
 * from the network (N1); the `execArgv` of a fork (F1, and an env file there:
 * E1), of a worker (W1), or added to the process's own, which forks inherit
 * (X1), preloads a dependency; an `.npmrc` value npm reads as JSON once its
 * single quotes are removed preloads one (P1). Where a dependency is loaded,
 * the attacker publishes its release 1.0.1 (no install script), and `yarn up
 * -R` rebuilds the approved package: the new release must not run.
 * Each test fails on the bundle of round 57.
 */

import {assertLoadedHelperBound, assertRefusedEvenAfterApproval, handMadeTarball, markerCode as PWN, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;

/** A package whose approved postinstall (`node install.js`) loads its dependency `helper` as `install` spells it, and that helper. */
function builder(name: string, helper: string, install: string, files: Record<string, string> = {}) {
  return [
    plain(helper, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(name, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {[helper]: `^1.0.0`}, files: {[`install.js`]: install, [`child.js`]: `console.log('child');\n`, ...files}}),
  ];
}

describe(`outside attack round 57 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-57`, () => [
    plain(`zq57snap`, `1.0.0`, {scripts: {postinstall: `node --build-snapshot-config=snapshot.json`}, files: {[`snapshot.json`]: `{"builder": "lib/b\\u0075ild.js", "withoutCodeCache": true}\n`, [`lib/build.js`]: PWN(`snapshot-builder-ran`)}}),
    plain(`zq57net`, `1.0.0`, {scripts: {postinstall: `node --experimental-network-imports --import=http://127.0.0.1:9/x.mjs install.js`}, files: {[`install.js`]: PWN(`network-import-install-ran`)}}),
    ...builder(`zq57fork`, `zq57hf1`, `require('child_process').fork('./child.js', [], {execArgv: ['--require', 'zq57hf1']});\n`),
    ...builder(`zq57forkenv`, `zq57he1`, `require('child_process').fork('./child.js', [], {execArgv: ['--env-file=build.env']});\n`, {[`build.env`]: `NODE_OPTIONS="--require zq57he1"\n`}),
    ...builder(`zq57worker`, `zq57hw1`, `const {Worker} = require('worker_threads');\nnew Worker('./child.js', {execArgv: ['--require', 'zq57hw1']});\n`),
    ...builder(`zq57inherit`, `zq57hx1`, `process.execArgv.push('--require', 'zq57hx1');\nrequire('child_process').fork('./child.js');\n`),
    plain(`zq57hp1`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    // Its tarball is made by hand below (npm publish leaves .npmrc out).
    plain(`zq57npmrc`, `1.0.0`),
  ]);

  it(`node --build-snapshot-config, which runs the builder its JSON names, is refused (B1)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq57snap: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zq57snap`, /node --build-snapshot-config snapshot\.json runs the builder script that JSON file names/);
  });

  it(`an http(s) preload with --experimental-network-imports is refused (N1)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq57net: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zq57net`, /lets import load code from the network/);
  });

  const cases: Array<[string, string, string]> = [
    [`F1`, `zq57fork`, `the execArgv of a fork`],
    [`E1`, `zq57forkenv`, `an env file in the execArgv of a fork`],
    [`W1`, `zq57worker`, `the execArgv of a worker`],
    [`X1`, `zq57inherit`, `options added to process.execArgv, which forks inherit`],
    [`P1`, `zq57npmrc`, `an .npmrc node-options value npm reads as JSON`],
  ];
  for (const [id, name, how] of cases) {
    it(`a dependency preloaded through ${how} is bound to the approval (${id})`, async function() {
      const helper = `zq57h${id.toLowerCase()}`;
      if (id === `P1`) {
        const manifest = {name, version: `1.0.0`, scripts: {postinstall: `npm run go`, go: `node -e 0`}, dependencies: {[helper]: `^1.0.0`}};
        await suite.registry.tamperTarball(name, `1.0.0`, await handMadeTarball({[`package.json`]: JSON.stringify(manifest), [`.npmrc`]: `node-options='"\\u002d\\u002drequire ${helper}"'\n`}), {updateMetadata: true});
      }
      // The hand-made tarball's dependency is not in the registry's metadata: the project depends on the helper too.
      await assertLoadedHelperBound(suite, name, helper, plain(helper, `1.0.1`, {files: {[`index.js`]: `${PWN(`${id}-helper-ran`)}${HELPER}`}}), id === `P1` ? {[helper]: `^1.0.0`} : {});
    });
  }
});
