/**
 * The load guard: approved install code that hides how it loads a file (the
 * module wrapper's `require` reached through a sloppy function's `caller` by
 * keys built at run time: outside attack round 85, B01-B06; round 86, B01-B04)
 * gets past the reading of it, but not past Node's loader. Every file Node
 * compiles in the script's processes must be one the approvals of what it
 * runs bind. Each test fails on a bundle without the guard: the marker is
 * written.
 */
import assert from 'node:assert/strict';

import {installStarter, markerCode as PWN, plain, suiteRegistry} from './harness';

/** `require` of the module wrapper, reached without naming it, then a dependency loaded by a name built at run time. */
const HIDDEN_LOAD = (load: string) => [
  `const k = ['cal', 'ler'].join(''); const ka = ['argu', 'ments'].join('');`,
  `function g() { return g[k]; }`,
  `const load = g()[ka][1];`,
  load,
].join(`\n`);
const DEPENDENCY = `Object.keys(load('./package.json').dependencies)[0]`;

/** Each attempt of outside attack rounds 87 and 88 on the guard, with `load`, `helper` (the dependency's file) and `text` (its text) at hand. */
const ROUND_87: Array<[id: string, code: string]> = [
  [`G02`, `Set.prototype.has = function () { return true; };\nload(helper);`],
  [`G03`, `Array.prototype.includes = function () { return true; };\nload(helper);`],
  [`G01`, `const path = load('path'); path.isAbsolute = () => false;\nload(helper);`],
  [`G04`, `const crypto = load('crypto'); crypto.hash = () => 'x'; crypto.createHash = () => ({update() { return this; }, digest() { return 'x'; }});\nload(helper);`],
  [`G06`, `const Module = load('module'); const yarn = process.env.npm_execpath; const fake = new Module(yarn); fake.filename = yarn; Module['_cache'][yarn] = fake;\nfake.require(helper);`],
  [`G07`, `new (load('module'))('x')._compile(text, 'x.js');`],
  [`T01`, `load('fs').writeFileSync(__dirname + '/types.d.cts', '');\nmodule._compile(text, __dirname + '/types.d.cts');`],
  [`G08`, `load('vm').runInThisContext(load('module').wrap(text))(exports, load, module, helper, __dirname);`],
  [`G09`, `g.constructor('require', text)(load);`],
  [`O01`, `const e = Object.assign({}, process.env); e.NODE_OPTIONS = '--require ' + JSON.stringify(e.NODE_OPTIONS.split('"')[1]) + '/../../..' + helper;\nload('child_process').spawnSync(process.execPath, [helper], {env: e, stdio: 'inherit'});`],
  [`P01`, `let asked = 0; const given = process.env.NODE_OPTIONS;\nconst env = new Proxy({}, {get: (t, k) => k === 'NODE_OPTIONS' ? (asked++ < 2 ? given : '') : process.env[k], ownKeys: () => [...new Set([...Object.keys(process.env), 'NODE_OPTIONS'])], getOwnPropertyDescriptor: () => ({enumerable: true, configurable: true})});\nload('child_process').spawnSync(process.execPath, [helper], {env, stdio: 'inherit'});`],
  // Outside attack round 88, on the guard hardened after round 87.
  [`R01`, `const path = load('path'); const {resolve, toNamespacedPath} = path; const pnp = process.env.PROJECT_CWD + '/.pnp.cjs';\npath.resolve = (...parts) => parts.length === 1 && parts[0] === helper ? pnp : resolve(...parts);\npath.toNamespacedPath = file => file === pnp ? helper : toNamespacedPath(file);\nnew (load('module'))(helper)._compile(text, helper);`],
  [`M01`, `const Module = load('module'); Module.wrap = code => Module.wrapper[0] + text + Module.wrapper[1];\nload('./child.js');`],
  [`X01`, `load('child_process').spawnSync(process.execPath, ['-e', text], {stdio: 'inherit'});`],
  [`X02`, `load('child_process').spawnSync(process.execPath, [], {input: text, stdio: ['pipe', 'inherit', 'inherit']});`],
  [`K01`, `const {Session} = load('inspector'); const session = new Session(); session.connect();\nsession.post('Runtime.evaluate', {expression: text});`],
  [`I02`, `load('module').register('data:text/javascript,' + encodeURIComponent(text));`],
  [`S01`, `const [blob, build] = [['snapshot', 'blob'], ['build', 'snapshot']].map(words => '--' + words.join('-'));\nload('child_process').spawnSync(process.execPath, [blob, __dirname + '/x.blob', build, helper], {stdio: 'inherit'});`],
];

describe(`the load guard (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`load-guard`, () => [
    plain(`zq86h`, `1.0.0`, {files: {[`index.js`]: PWN(`helper-1.0.0-ran`)}}),
    installStarter(`zq86hide`, `zq86h`, HIDDEN_LOAD(`load(${DEPENDENCY});`)),
    installStarter(`zq86catch`, `zq86h`, HIDDEN_LOAD(`try { load(${DEPENDENCY}); } catch (error) { console.log('caught'); }`)),
    installStarter(`zq86copy`, `zq86h`, HIDDEN_LOAD(`const fs = load('fs'); const os = load('os'); const path = load('path');\nconst copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zq86-')), 'x.js');\nfs.copyFileSync(load.resolve(${DEPENDENCY}), copy);\nload(copy);`)),
    // Outside attack round 87: the guard itself attacked from the install code.
    ...ROUND_87.map(([id, code]) => installStarter(`zq87${id.toLowerCase()}`, `zq86h`, HIDDEN_LOAD(`const helper = load.resolve(${DEPENDENCY});\nconst text = load('fs').readFileSync(helper, 'utf8');\n${code}`))),
    // The negative: install code that requires its dependency plainly is approved with it, and runs it.
    plain(`zq86d`, `1.0.0`, {files: {[`index.js`]: PWN(`dependency-ran`)}}),
    installStarter(`zq86plain`, `zq86d`, `require('zq86d');`),
  ]);

  /** The first install asks for the approval; the approved install then loads what the reading did not see. */
  async function approvedThenInstalled(name: string) {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`}}});
    const first = await app.yarn([`install`]);
    assert.equal(first.code, 1, first.output);
    const approved = await app.yarn([`trust`, `approve`, name]);
    assert.equal(approved.code, 0, approved.output);
    await app.clearMarkers();
    return {app, install: await app.yarn([`install`])};
  }

  it(`refuses a dependency that approved install code loads by a require it reached through caller, and Node does not run it`, async function() {
    const {app, install} = await approvedThenInstalled(`zq86hide`);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /yarn-plugin-trust refused what a script of zq86hide@1\.0\.0 loaded while it ran: code that no approval covers \([^)]*node_modules\/zq86h\/index\.js\)/);
    assert.match(install.output, /expected: a file that an approval of what zq86hide@1\.0\.0's install runs binds/);
  });

  it(`fails the install when the install code catches the refusal and exits 0`, async function() {
    const {app, install} = await approvedThenInstalled(`zq86catch`);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /refused what a script of zq86catch@1\.0\.0 loaded while it ran/);
  });

  it(`refuses the dependency's file copied out of the project and loaded from there`, async function() {
    const {app, install} = await approvedThenInstalled(`zq86copy`);
    assert.deepEqual(await app.markers(), [], install.output);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /refused what a script of zq86copy@1\.0\.0 loaded while it ran[^\n]*zq86-[^\n]*x\.js/);
    assert.match(install.output, /outside the project, which no such approval binds/);
  });

  for (const [id] of ROUND_87) {
    it(`refuses the dependency that install code loads after attacking the guard (outside attack rounds 87 and 88, ${id}), and Node does not run it`, async function() {
      const name = `zq87${id.toLowerCase()}`;
      const {app, install} = await approvedThenInstalled(name);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, new RegExp(`yarn-plugin-trust refused what a script of ${name}@1\\.0\\.0 loaded while it ran`));
    });
  }

  it(`lets approved install code run the dependency it requires by name, which is approved with it`, async function() {
    const {app, install} = await approvedThenInstalled(`zq86plain`);
    assert.equal(install.code, 0, install.output);
    assert.deepEqual(await app.markers(), [`dependency-ran`], install.output);
    assert.doesNotMatch(install.output, /refused a file/);
  });
});
