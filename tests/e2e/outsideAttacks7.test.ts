/**
 * Outside attack round 7, replayed with marker files: an approved release
 * whose next version changes only files that its install code reaches in ways
 * the earlier analysis missed (an .env with NODE_OPTIONS, a module search path
 * of its own, NODE_PATH, a working folder of its own, PATH, NODE_OPTIONS set by
 * the code, a percent-encoded import, /proc/self/cwd). Each test fails
 * without its fix: `yarn up` passes and the marker is written.
 */
import {strict as assert} from 'assert';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

const SH_PWN = (name: string, output: string) => `#!/bin/sh\necho x > "$TRUST_MARKERS/${name}"\necho ${output}\n`;
const EXECUTABLE = 0o755;

describe(`outside attacks, round 7 (e2e)`, function() {
  this.timeout(300_000);

  const cwdInstall = `const {execSync} = require('child_process');\nexecSync('node setup.js', {cwd: require('path').join(__dirname, 'tools'), stdio: 'inherit'});\n`;
  const pathInstall = `const {execSync} = require('child_process');\nprocess.env.PATH = require('path').join(__dirname, 'tools') + require('path').delimiter + process.env.PATH;\nexecSync('uname -m', {stdio: 'inherit'});\n`;
  const nodeOptionsInstall = `const path = require('path');\nprocess.env.NODE_OPTIONS = '--require ' + path.join(__dirname, 'cfg', 'p' + '.js');\nrequire('child_process').execSync('node -p 1', {stdio: 'inherit'});\n`;
  const resolveInstall = `const Module = require('module');\nconst path = require('path');\nconst fs = require('fs');\nconst original = Module._resolveFilename;\nModule._resolveFilename = function (request, ...rest) {\n  const vendored = path.join(__dirname, 'vendor', request);\n  return original.call(this, fs.existsSync(vendored) ? vendored : request, ...rest);\n};\nrequire('vlib').run();\n`;
  const vendorInstall = `module.paths.unshift(require('path').join(__dirname, 'vendor'));\nrequire('vlib').run();\n`;
  const pluginInstall = (setup: string, load: string) => `const fs = require('fs');\nconst path = require('path');\n${setup}\nfor (const f of fs.readdirSync(path.join(__dirname, 'plugins'))) {\n  const file = path.join(__dirname, 'plugins', f);\n  ${load};\n}\n`;
  const envDataInstall = `const fs = require('fs');\nconst path = require('path');\nfor (const f of fs.readdirSync(path.join(__dirname, 'conf'))) Object.assign(process.env, JSON.parse(fs.readFileSync(path.join(__dirname, 'conf', f), 'utf8')));\nrequire('child_process').execSync('node -p 1', {stdio: 'inherit', cwd: __dirname});\n`;
  const dotenvInstall = `const fs = require('fs');\nfor (const line of fs.existsSync('.env.local') ? fs.readFileSync('.env.local', 'utf8').split('\\n') : []) { const at = line.indexOf('='); if (at > 0) process.env[line.slice(0, at)] = line.slice(at + 1); }\nrequire('child_process').execSync('node -p 1', {stdio: 'inherit'});\n`;
  const datInstall = `require('child_process').execSync('node setup.dat', {cwd: require('path').join(__dirname, 'tools'), stdio: 'inherit'});\n`;
  const suite = suiteRegistry(`outside-attacks-7`, () => [
    // B1: process.loadEnvFile() reads .env; NODE_OPTIONS there preloads code into the child node.
    plain(`zqenvload`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `process.loadEnvFile();\nrequire('child_process').execSync('node -p 1', {stdio: 'inherit'});\n`, [`.env`]: `MODE=prod\n`}}),
    plain(`zqenvload`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `process.loadEnvFile();\nrequire('child_process').execSync('node -p 1', {stdio: 'inherit'});\n`, [`.env`]: `NODE_OPTIONS=--require ./payload.js\n`, [`payload.js`]: PWN(`b1-env-ran`)}}),
    // B8: module.paths puts the package's vendor/ first for require('vlib').
    plain(`vlib`, `1.0.0`, {files: {[`index.js`]: `exports.run = () => {};\n`}}),
    plain(`zqvpaths`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {vlib: `1.0.0`}, files: {[`install.js`]: `module.paths.unshift(require('path').join(__dirname, 'vendor'));\nrequire('vlib').run();\n`}}),
    plain(`zqvpaths`, `1.0.1`, {scripts: {postinstall: `node install.js`}, dependencies: {vlib: `1.0.0`}, files: {[`install.js`]: `module.paths.unshift(require('path').join(__dirname, 'vendor'));\nrequire('vlib').run();\n`, [`vendor/vlib/index.js`]: `${PWN(`b8-vendor-ran`)}exports.run = () => {};\n`}}),
    // B9: NODE_PATH=./lib makes require('cfg') load lib/cfg.js.
    plain(`zqnodepath`, `1.0.0`, {scripts: {postinstall: `NODE_PATH=./lib node install.js`}, files: {[`install.js`]: `require('cfg');\n`, [`lib/cfg.js`]: `module.exports = 1;\n`}}),
    plain(`zqnodepath`, `1.0.1`, {scripts: {postinstall: `NODE_PATH=./lib node install.js`}, files: {[`install.js`]: `require('cfg');\n`, [`lib/cfg.js`]: PWN(`b9-node-path-ran`)}}),
    // B11: a cwd option makes `node setup.js` run tools/setup.js, not the root's.
    plain(`zqcwdrun`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: cwdInstall, [`setup.js`]: `// root\n`, [`tools/setup.js`]: `// tools\n`}}),
    plain(`zqcwdrun`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: cwdInstall, [`setup.js`]: `// root\n`, [`tools/setup.js`]: PWN(`b11-cwd-ran`)}}),
    // B18: install code puts the package's tools/ first on PATH, then runs uname.
    plain(`zqpathjs`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: pathInstall}}),
    plain(`zqpathjs`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: pathInstall, [`tools/uname`]: SH_PWN(`b18-uname-ran`, `x86_64`)}, modes: {[`tools/uname`]: EXECUTABLE}}),
    // B19: PATH=./tools:$PATH in the script; a release adds tools/node.
    plain(`zqpathcmd`, `1.0.0`, {scripts: {postinstall: `PATH=./tools:$PATH node install.js`}, files: {[`install.js`]: `// ok\n`}}),
    plain(`zqpathcmd`, `1.0.1`, {scripts: {postinstall: `PATH=./tools:$PATH node install.js`}, files: {[`install.js`]: `// ok\n`, [`tools/node`]: SH_PWN(`b19-node-ran`, `ok`)}, modes: {[`tools/node`]: EXECUTABLE}}),
    // B20: a percent-encoded import specifier (Node decodes it).
    plain(`zqpctenc`, `1.0.0`, {scripts: {postinstall: `node install.mjs`}, files: {[`install.mjs`]: `import './setup%2emjs';\n`, [`setup.mjs`]: `// ok\n`}}),
    plain(`zqpctenc`, `1.0.1`, {scripts: {postinstall: `node install.mjs`}, files: {[`install.mjs`]: `import './setup%2emjs';\n`, [`setup.mjs`]: `import fs from 'fs';\nimport path from 'path';\nfs.writeFileSync(path.join(process.env.TRUST_MARKERS || '.', 'b20-encoded-ran'), 'x');\n`}}),
    // B23: /proc/self/cwd is the package root while install code runs.
    plain(`zqproccwd`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `require('/proc/self/cwd/setup.js');\n`, [`setup.js`]: `// ok\n`}}),
    plain(`zqproccwd`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `require('/proc/self/cwd/setup.js');\n`, [`setup.js`]: PWN(`b23-proc-cwd-ran`)}}),
    // B24: install code sets NODE_OPTIONS for the node it starts.
    plain(`zqnodeopts`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: nodeOptionsInstall, [`cfg/p.js`]: `// ok\n`}}),
    plain(`zqnodeopts`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: nodeOptionsInstall, [`cfg/p.js`]: PWN(`b24-node-options-ran`)}}),
    // B25: Module._resolveFilename redirects require('vlib') to vendor/.
    plain(`zqresolvefn`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {vlib: `1.0.0`}, files: {[`install.js`]: resolveInstall}}),
    plain(`zqresolvefn`, `1.0.1`, {scripts: {postinstall: `node install.js`}, dependencies: {vlib: `1.0.0`}, files: {[`install.js`]: resolveInstall, [`vendor/vlib/index.js`]: `${PWN(`b25-resolve-ran`)}exports.run = () => {};\n`}}),
    // B27: under a cwd option, node runs tools/setup.dat (no code extension).
    plain(`zqcwddat`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: datInstall, [`setup.dat`]: `// root\n`, [`tools/setup.dat`]: `// tools\n`}}),
    plain(`zqcwddat`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: datInstall, [`setup.dat`]: `// root\n`, [`tools/setup.dat`]: PWN(`b27-dat-ran`)}}),
    // B35, B36, B40: npm run puts the project's node_modules/.bin on PATH: a root dependency's bin wins.
    plain(`zqnpmrun`, `1.0.0`, {scripts: {postinstall: `npm run build`, build: `uname -m && node build.js && zqgen`}, dependencies: {zqgenreal: `1.0.0`}, files: {[`build.js`]: `// ok\n`}}),
    plain(`zqgenreal`, `1.0.0`, {manifest: {bin: {zqgen: `gen.js`}}, files: {[`gen.js`]: `#!/usr/bin/env node\n// ok\n`}}),
    plain(`zqunamebin`, `1.0.0`, {manifest: {bin: {uname: `uname.js`}}, files: {[`uname.js`]: `#!/usr/bin/env node\n${PWN(`b35-uname-ran`)}`}}),
    plain(`zqnodebin`, `1.0.0`, {manifest: {bin: {node: `node.js`}}, files: {[`node.js`]: `#!/usr/bin/env node\n${PWN(`b36-node-ran`)}`}}),
    plain(`zqgenfake`, `1.0.0`, {manifest: {bin: {zqgen: `gen.js`}}, files: {[`gen.js`]: `#!/usr/bin/env node\n${PWN(`b40-gen-ran`)}`}}),
    // B33: module.paths to vendor/, whose package.json main is index.dat.
    plain(`zqvendordat`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {vlib: `1.0.0`}, files: {[`install.js`]: vendorInstall, [`vendor/vlib/package.json`]: `{"main": "index.dat"}\n`, [`vendor/vlib/index.dat`]: `exports.run = () => {};\n`}}),
    plain(`zqvendordat`, `1.0.1`, {scripts: {postinstall: `node install.js`}, dependencies: {vlib: `1.0.0`}, files: {[`install.js`]: vendorInstall, [`vendor/vlib/package.json`]: `{"main": "index.dat"}\n`, [`vendor/vlib/index.dat`]: `${PWN(`b33-dat-ran`)}exports.run = () => {};\n`}}),
    // B37: an imports target with a percent escape.
    plain(`zqimportpct`, `1.0.0`, {scripts: {postinstall: `node install.js`}, manifest: {imports: {[`#setup`]: `./s%65tup.js`}}, files: {[`install.js`]: `require('#setup');\n`, [`setup.js`]: `// ok\n`}}),
    plain(`zqimportpct`, `1.0.1`, {scripts: {postinstall: `node install.js`}, manifest: {imports: {[`#setup`]: `./s%65tup.js`}}, files: {[`install.js`]: `require('#setup');\n`, [`setup.js`]: PWN(`b37-imports-ran`)}}),
    // B39: node --import with a percent escape.
    plain(`zqimportflag`, `1.0.0`, {scripts: {postinstall: `node --import ./h%65lper.mjs install.js`}, files: {[`install.js`]: `// ok\n`, [`helper.mjs`]: `// ok\n`}}),
    plain(`zqimportflag`, `1.0.1`, {scripts: {postinstall: `node --import ./h%65lper.mjs install.js`}, files: {[`install.js`]: `// ok\n`, [`helper.mjs`]: `import fs from 'fs';\nimport path from 'path';\nfs.writeFileSync(path.join(process.env.TRUST_MARKERS || '.', 'b39-import-ran'), 'x');\n`}}),
    // B47, B48, B69, B71: plugins read from a folder and run through the wrapper's require, module.constructor, a Function constructor, or NODE_OPTIONS from data.
    ...[[`zqwrapper`, pluginInstall(`const load = arguments[1];`, `load(file)`)], [`zqmodctor`, pluginInstall(`const M = module.constructor;`, `new M(file, module).load(file)`)],
      [`zqfnctor`, pluginInstall(`const F = (() => {}).constructor;`, `F('require', require('fs').readFileSync(file, 'utf8'))(require)`)],
      [`zqworker`, pluginInstall(`const {Worker} = require('worker_threads');`, `new Worker(file)`)]].flatMap(([name, install]) => [
      plain(name, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: install, [`plugins/a.js`]: `// ok\n`}}),
      plain(name, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: install, [`plugins/a.js`]: `// ok\n`, [`plugins/b.js`]: PWN(`${name}-ran`)}}),
    ]),
    plain(`zqenvdata`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: envDataInstall, [`conf/a.json`]: `{"MODE": "prod"}\n`}}),
    plain(`zqenvdata`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: envDataInstall, [`conf/a.json`]: `{"MODE": "prod"}\n`, [`conf/z.json`]: `{"NODE_OPTIONS": "--require ./hook.dat"}\n`, [`hook.dat`]: PWN(`b71-env-data-ran`)}}),
    // B50: dotenv-style .env.local at the root, read by a library.
    plain(`zqdotenv`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: dotenvInstall}}),
    plain(`zqdotenv`, `1.0.1`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: dotenvInstall, [`.env.local`]: `NODE_OPTIONS=--require ./payload.dat\n`, [`payload.dat`]: PWN(`b50-dotenv-ran`)}}),
    // B60: npm run --workspaces runs the scripts of the package's own workspaces.
    plain(`zqnpmws`, `1.0.0`, {scripts: {postinstall: `npm run build --workspaces --if-present`}, manifest: {workspaces: [`tools/*`]}, files: {[`tools/a/package.json`]: `{"name": "zqnpmws-a", "version": "1.0.0", "scripts": {"build": "node build.js"}}\n`, [`tools/a/build.js`]: `// ok\n`}}),
    plain(`zqnpmws`, `1.0.1`, {scripts: {postinstall: `npm run build --workspaces --if-present`}, manifest: {workspaces: [`tools/*`]}, files: {[`tools/a/package.json`]: `{"name": "zqnpmws-a", "version": "1.0.0", "scripts": {"build": "node build.js"}}\n`, [`tools/a/build.js`]: `// ok\n`, [`tools/b/package.json`]: `{"name": "zqnpmws-b", "version": "1.0.0", "scripts": {"build": "node build.js"}}\n`, [`tools/b/build.js`]: PWN(`b60-workspaces-ran`)}}),
    // B68: npm version runs the version lifecycle.
    plain(`zqnpmversion`, `1.0.0`, {scripts: {postinstall: `npm version 9.9.9 --no-git-tag-version --allow-same-version`, version: `node v.js`}, files: {[`v.js`]: `// ok\n`}}),
    plain(`zqnpmversion`, `1.0.1`, {scripts: {postinstall: `npm version 9.9.9 --no-git-tag-version --allow-same-version`, version: `node v.js`}, files: {[`v.js`]: PWN(`b68-version-ran`)}}),
    // B10: npx -c runs a command line, which is followed.
    plain(`zqnpxcall`, `1.0.0`, {scripts: {postinstall: `npx -c "node f8.js"`}, files: {[`f8.js`]: `// ok\n`}}),
    plain(`zqnpxcall`, `1.0.1`, {scripts: {postinstall: `npx -c "node f8.js"`}, files: {[`f8.js`]: PWN(`b10-npx-call-ran`)}}),
  ]);

  async function approvedProject(name: string, version: string) {
    // zqfnctor's approved code evaluates text: the load guard refuses that while it runs.
    return suite.approvedProject({[name]: version}, [name], undefined, name === `zqfnctor` ? {guardRefuses: name} : {});
  }

  for (const [id, rootDependency, bin] of [[`B35`, `zqunamebin`, `uname`], [`B36`, `zqnodebin`, `node`], [`B40`, `zqgenfake`, `zqgen`]]) {
    it(`${id}: a root dependency whose bin ${bin} npm run would find before the system's (or the package's own) is refused when it is added`, async () => {
      const {app} = await approvedProject(`zqnpmrun`, `1.0.0`);
      const add = await app.yarn([`add`, `${rootDependency}@1.0.0`]);
      assert.equal(add.code, 1, add.output);
      assert.match(add.output, new RegExp(`${rootDependency}@npm:1\\.0\\.0`));
      assert.match(add.output, /npm puts the node_modules\/\.bin folders above the package on the PATH/);
      assert.deepEqual(await app.markers(), []);
    });
  }

  const cases: Array<[string, string, RegExp]> = [
    [`B1: the .env that process.loadEnvFile() reads (NODE_OPTIONS --require)`, `zqenvload`, /files changed: \.env/],
    [`B8: module.paths pointing at the package's vendor/ folder`, `zqvpaths`, /vendor\/vlib\/index\.js/],
    [`B9: NODE_PATH=./lib in the install script`, `zqnodepath`, /lib\/cfg\.js/],
    [`B11: a cwd option that runs tools/setup.js`, `zqcwdrun`, /tools\/setup\.js/],
    [`B18: a PATH that install code puts the package's tools/ on`, `zqpathjs`, /tools\/uname/],
    [`B19: PATH=./tools:$PATH in the install script`, `zqpathcmd`, /tools\/node/],
    [`B10: npx -c 'node f8.js'`, `zqnpxcall`, /files changed: f8\.js/],
    [`B20: an import of ./setup%2emjs`, `zqpctenc`, /files changed: setup\.mjs/],
    [`B23: require('/proc/self/cwd/setup.js')`, `zqproccwd`, /files changed: setup\.js/],
    [`B24: NODE_OPTIONS set by install code for the node it starts`, `zqnodeopts`, /files changed: cfg\/p\.js/],
    [`B25: Module._resolveFilename sending require('vlib') to vendor/`, `zqresolvefn`, /vendor\/vlib\/index\.js/],
    [`B27: node setup.dat run under a cwd option`, `zqcwddat`, /files changed: tools\/setup\.dat/],
    [`B33: a vendored package.json whose main is index.dat, found through module.paths`, `zqvendordat`, /files changed: vendor\/vlib\/index\.dat/],
    [`B37: an imports target written ./s%65tup.js`, `zqimportpct`, /files changed: setup\.js/],
    [`B39: node --import ./h%65lper.mjs`, `zqimportflag`, /files changed: helper\.mjs/],
    [`B47: plugins loaded through arguments[1], the wrapper's require`, `zqwrapper`, /plugins\/b\.js/],
    [`B48: plugins loaded through module.constructor`, `zqmodctor`, /plugins\/b\.js/],
    [`B69: plugins evaluated through an arrow function's constructor`, `zqfnctor`, /plugins\/b\.js/],
    [`B71: NODE_OPTIONS read from a data file into process.env`, `zqenvdata`, /conf\/z\.json/],
    [`B72: plugins run as Worker threads`, `zqworker`, /plugins\/b\.js/],
    [`B50: a .env.local that the install code loads itself`, `zqdotenv`, /\.env\.local/],
    [`B60: npm run build --workspaces`, `zqnpmws`, /tools\/b\/build\.js/],
    [`B68: npm version and its version script`, `zqnpmversion`, /files changed: v\.js/],
  ];
  for (const [what, name, changed] of cases) {
    it(`${what}: a release that changes only those files is refused, and nothing of it runs`, async () => {
      const {app} = await approvedProject(name, `1.0.0`);
      const up = await app.yarn([`up`, `${name}@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, changed);
      assert.deepEqual(await app.markers(), []);
    });
  }
});
