/**
 * Outside attack round 75. On the backstop: A12, A13 (node-modules), a
 * release installed under its name and under an alias is built in both
 * folders while Yarn names one of them in the script's environment, and only
 * that one was compared; A05 (PnP), a helper with a peer dependency is
 * unpacked into a virtual folder, which PnP loads, and the plain one was
 * compared. On the reading: A01 (`node --inspect-port install.js` reads its
 * program from stdin), A03 (node's words emptied at run time, its stdin
 * written), A09 (`''.constructor.constructor`). Each test fails on the bundle
 * of round 75.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';

import {assertBackstopRefuses, installStarter, itNamesLimits, markerCode as PWN, plain, suiteRegistry} from './harness';

const RUN = `module.exports = () => 'genuine';\n`;

describe(`outside attack round 75 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-75`, () => [
    plain(`zq75h`, `1.0.0`, {files: {[`index.js`]: RUN}}),
    plain(`zq75tool`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq75h: `1.0.0`}, files: {[`install.js`]: `console.log(require('zq75h')());\n`}}),
    plain(`zq75peer`, `1.0.0`, {files: {[`index.js`]: RUN}}),
    plain(`zq75ph`, `1.0.0`, {manifest: {peerDependencies: {zq75peer: `^1.0.0`}}, files: {[`index.js`]: RUN}}),
    plain(`zq75ptool`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq75ph: `1.0.0`, zq75peer: `1.0.0`}, files: {[`install.js`]: `console.log(require('zq75ph')());\n`}}),
    installStarter(`zq75port`, `zq75h`, `const c = require('child_process').spawn('node', ['--inspect-port', 'install.js'], {stdio: ['pipe', 'inherit', 'inherit']});\nc.stdin.end(Object.values(require('./package.json').devDependencies || {}).join('\\n'));`),
    installStarter(`zq75empty`, `zq75h`, `const cp = require('child_process');\nconst args = ['child.js'];\nif (process.env.INIT_CWD) args.pop();\nconst c = cp.spawn('node', args, {stdio: ['pipe', 'inherit', 'inherit']});\nc.stdin.end(Object.values(require('./package.json').devDependencies || {}).join(';'));`),
    installStarter(`zq75ctor`, `zq75h`, `for (const spec of Object.values(require('./package.json').devDependencies || {})) if (spec.startsWith('probe:')) ''.constructor.constructor(spec.slice(6))();`),
  ]);

  it(`node-modules: the approved package's own file changed in the folder of its name, beside an alias, is refused (A13)`, async function() {
    const {app} = await suite.approvedProject({zq75tool: `1.0.0`, zz75ali: `npm:zq75tool@1.0.0`}, [`zq75tool`]);
    assert.ok(await app.exists(`node_modules/zq75tool/install.js`) && await app.exists(`node_modules/zz75ali/install.js`));
    await fs.writeFile(path.join(app.cwd, `node_modules/zq75tool/install.js`), `${PWN(`a13-install-ran`)}\n`);
    await assertBackstopRefuses(app, /node_modules\/zq75tool\)[^\n]*\n(?:[^\n]*\n)*?\s*found on disk: install\.js changed/);
  });

  it(`node-modules: a helper planted under the folder of the name, beside an alias, is refused (A12)`, async function() {
    const {app} = await suite.approvedProject({zq75tool: `1.0.0`, zz75ali: `npm:zq75tool@1.0.0`}, [`zq75tool`]);
    const folder = path.join(app.cwd, `node_modules/zq75tool/node_modules/zq75h`);
    await fs.mkdir(folder, {recursive: true});
    await fs.writeFile(path.join(folder, `package.json`), JSON.stringify({name: `zq75h`, version: `1.0.0`}));
    await fs.writeFile(path.join(folder, `index.js`), `${PWN(`a12-helper-ran`)}module.exports = () => 'evil';\n`);
    await assertBackstopRefuses(app, /zq75h/);
  });

  it(`PnP: a helper with a peer dependency, unplugged into its virtual folder, is compared there (A05)`, async function() {
    const {app} = await suite.approvedProjectFrom({manifest: {name: `app`, private: true, dependencies: {zq75ptool: `1.0.0`}, dependenciesMeta: {zq75ph: {unplugged: true}}}, yarnrc: {nodeLinker: `pnp`}}, [`zq75ptool`]);
    const unplugged = path.join(app.cwd, `.yarn/unplugged`);
    const virtual = (await fs.readdir(unplugged)).find(entry => entry.startsWith(`zq75ph-virtual-`));
    assert.ok(virtual !== undefined, (await fs.readdir(unplugged)).join(`\n`));
    await fs.writeFile(path.join(unplugged, virtual, `node_modules/zq75ph/index.js`), `${PWN(`a05-virtual-ran`)}module.exports = () => 'evil';\n`);
    await assertBackstopRefuses(app, /found on disk: index\.js changed/);
  });

  itNamesLimits(suite, [
    [`A01`, `zq75port`, /install\.js: node runs the program it reads from its standard input/],
    [`A03`, `zq75empty`, /install\.js: node may run the program it reads from its standard input, which the code writes to \([^)]*its stdin/],
    [`A09`, `zq75ctor`, /install\.js: \.constructor\.constructor\(\) evaluates text built at run time/],
  ]);
});
