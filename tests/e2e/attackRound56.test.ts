/**
 * Outside attack round 56: an approved package's install code loads its
 * dependency (`zq56h…`) through a spelling that Node (or GNU env) reads
 * differently from a shell: `_` in a node option's name (U1, U2), a required
 * `.JSON` file, which Node runs as JavaScript (C1), an env file's quoted
 * NODE_OPTIONS followed by a comment (D1), an `env -S` shebang with `\_`
 * (S1), and double quotes inside NODE_OPTIONS (N1). The attacker then
 * publishes its release 1.0.1, which has no install script; `yarn up -R`
 * rebuilds the approved package, and the new helper must not run.
 * Each test fails on the bundle of round 56.
 */
import assert from 'node:assert/strict';

import {assertLoadedHelperBound, assertRefusedEvenAfterApproval, markerCode as PWN, plain, suiteRegistry} from './harness';

/** A WebAssembly module that imports the function `f` of the module `from` (and does nothing else). */
function wasmImporting(from: string): Buffer {
  const name = (text: string) => [text.length, ...Buffer.from(text)];
  const types = [0x01, 0x60, 0x00, 0x00];
  const imports = [0x01, ...name(from), ...name(`f`), 0x00, 0x00];
  return Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, types.length, ...types, 0x02, imports.length, ...imports]);
}

// Every helper works as a test reporter too (an async generator over the test events).
const HELPER = `module.exports = async function* reporter(events) {\n  for await (const event of events) void event;\n};\nmodule.exports.level = 1;\n`;

/** A package whose approved postinstall loads its dependency `helper` the way `files` spell it, and that helper. */
function builder(name: string, helper: string, postinstall: string, files: Record<string, string | Buffer>, modes?: Record<string, number>) {
  return [
    plain(helper, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(name, `1.0.0`, {scripts: {postinstall}, dependencies: {[helper]: `^1.0.0`}, files, ...modes === undefined ? {} : {modes}}),
  ];
}

describe(`outside attack round 56 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-56`, () => [
    plain(`zq56evil`, `1.0.0`, {files: {[`index.mjs`]: `import {writeFileSync} from 'node:fs';\nimport {join} from 'node:path';\nwriteFileSync(join(process.env.TRUST_MARKERS || '.', 'wasm-underscore-ran'), 'x');\nexport function f() {}\n`}}),
    plain(`zq56wasm`, `1.0.0`, {scripts: {postinstall: `node --experimental_wasm_modules install.mjs`}, files: {[`install.mjs`]: `import './m.wasm';\n`, [`m.wasm`]: wasmImporting(`../zq56evil/index.mjs`)}}),
    ...builder(`zq56reporter`, `zq56hu2`, `node --test --test_reporter=zq56hu2 test/build.test.js`, {[`test/build.test.js`]: `require('node:test')('builds', () => {});\n`}),
    ...builder(`zq56json`, `zq56hc1`, `node install.js`, {[`install.js`]: `require('./defaults.JSON');\n`, [`defaults.JSON`]: `module.exports = {level: require('zq56hc1').level};\n`}),
    ...builder(`zq56envfile`, `zq56hd1`, `node --env-file=build.env install.js`, {[`install.js`]: `console.log('build');\n`, [`build.env`]: `NODE_OPTIONS='--require=zq56hd1' # preload the shared build helpers\n`}),
    ...builder(`zq56shebang`, `zq56hs1`, `./setup.js`, {[`setup.js`]: `#!/usr/bin/env -S node\\_--require=zq56hs1\nconsole.log('setup');\n`}, {[`setup.js`]: 0o755}),
    // Our own follow-up of S1 (already bound before, through the bin name the file mentions; kept as a regression test):
    // the program env looks up on the script's PATH is a dependency's bin.
    plain(`zq56htool`, `1.0.0`, {manifest: {bin: {zq56tool: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\nconsole.log('tool');\n`}, modes: {[`cli.js`]: 0o755}}),
    plain(`zq56envbin`, `1.0.0`, {scripts: {postinstall: `./setup.js`}, dependencies: {zq56htool: `^1.0.0`}, files: {[`setup.js`]: `#!/usr/bin/env zq56tool\nconsole.log("setup");\n`}, modes: {[`setup.js`]: 0o755}}),
    ...builder(`zq56quoted`, `zq56hn1`, `NODE_OPTIONS='"--require=zq56hn1"' node install.js`, {[`install.js`]: `console.log('build');\n`}),
  ]);

  it(`node --experimental_wasm_modules (underscores) is refused like the dashed spelling (U1)`, async function() {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq56wasm: `1.0.0`, zq56evil: `1.0.0`}}, yarnrc: {nodeLinker: `node-modules`}});
    await assertRefusedEvenAfterApproval(app, `zq56wasm`, /node --experimental-wasm-modules changes which files Node loads/);
  });

  const cases: Array<[string, string, string]> = [
    [`U2`, `zq56reporter`, `a test reporter named with --test_reporter`],
    [`C1`, `zq56json`, `a required .JSON file, which Node runs as JavaScript`],
    [`D1`, `zq56envfile`, `NODE_OPTIONS quoted and commented in an env file`],
    [`S1`, `zq56shebang`, `an env -S shebang that separates words with \\_`],
    [`N1`, `zq56quoted`, `a double-quoted word in NODE_OPTIONS`],
  ];
  for (const [id, name, how] of cases) {
    it(`a dependency loaded through ${how} is bound to the approval (${id})`, async function() {
      const helper = `zq56h${id.toLowerCase()}`;
      await assertLoadedHelperBound(suite, name, helper, plain(helper, `1.0.1`, {files: {[`index.js`]: `${PWN(`${id}-helper-ran`)}${HELPER}`}}));
    });
  }

  it(`the program a shebang's env looks up on the PATH is bound when it is a dependency's bin`, async function() {
    const {app, approved} = await suite.approvedProject({zq56envbin: `1.0.0`}, [`zq56envbin`]);
    assert.equal(approved.code, 0, approved.output);
    await suite.registry.publish(plain(`zq56htool`, `1.0.1`, {manifest: {bin: {zq56tool: `cli.js`}}, files: {[`cli.js`]: `#!/usr/bin/env node\n${PWN(`env-bin-ran`)}`}, modes: {[`cli.js`]: 0o755}}));
    const up = await app.yarn([`up`, `-R`, `zq56htool`]);
    assert.equal(up.code, 1, up.output);
    assert.deepEqual(await app.markers(), [], up.output);
    assert.match(up.output, /zq56htool@npm:1\.0\.1 /);
  });
});
