/**
 * Outside attack round 68. A1: code hidden after a byte order mark and a
 * hashbang in an ES module; A2: behind a slash inside a template's `${…}`; A3:
 * an environment given under a quoted `'env'` key; A4: child_process loaded by
 * `process.getBuiltinModule` with a name built at run time; A6: fork's
 * `execPath` option naming the program. Each is named as a limit of the
 * approval. A5: a quoted `'cwd'` outside the package is refused. Each test
 * fails on the bundle of round 68.
 */
import {assertRefusedEvenAfterApproval, installStarter, itNamesLimits, markerCode as PWN, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;
const helpers = (count: number) => Array.from({length: count}, (_, index) => plain(`zq68h${index + 1}`, `1.0.0`, {files: {[`index.js`]: HELPER}}));
const INDIRECT = (file: string) => new RegExp(`${file.replace(`.`, `\\.`)}: calls a child_process function under another name or indirectly`);
const ENVIRONMENT = /install\.js: sets variables named at run time for the commands it runs/;

describe(`outside attack round 68 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-68`, () => [
    ...helpers(6),
    plain(`zq68bom`, `1.0.0`, {scripts: {postinstall: `node install.mjs`}, dependencies: {zq68h1: `^1.0.0`}, files: {
      [`install.mjs`]: `\ufeff#!\`\nimport {createRequire} from "module"; const m = createRequire(import.meta.url)("child_process"); m.exec("node -r zq68h1 child.js", {stdio: "inherit"});\nvar x = \`\n// \`\n`,
      [`child.js`]: `console.log('child');\n`,
    }}),
    installStarter(`zq68substitution`, `zq68h2`, `var t = \`\${ function(){} / 1 }'\`; const m = module.require("child_process"); m.exec("node -r zq68h2 child.js", {stdio: "inherit"}); var z = { a: 1 / 2 } // \``),
    installStarter(`zq68quoted`, `zq68h3`, `const cp = require('child_process');\nconst x = JSON.parse('{"PA' + 'TH": ' + JSON.stringify(process.env.PATH) + ', "NODE_' + 'OPTIONS": "-r zq' + '68h3"}');\ncp.execFileSync('node', ['child.js'], {stdio: 'inherit', 'env': x});`),
    installStarter(`zq68builtin`, `zq68h4`, `const cp = process.getBuiltinModule('child_' + 'process'); cp['exec' + 'Sync']('node -r ' + 'zq68h4 child.js', {stdio: 'inherit'});`),
    plain(`zq68cwd`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq68h5: `^1.0.0`}, files: {
      [`install.js`]: `require('child_process').execFileSync('node', ['index.js'], {stdio: 'inherit', 'cwd': '../zq68h5'});\n`,
      [`index.js`]: `console.log('own index');\n`,
    }}),
    plain(`zq68h5`, `1.0.1`, {files: {[`index.js`]: PWN(`a5-dependency-index-ran`)}}),
    plain(`zq68execpath`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq68h6: `^1.0.0`}, files: {
      [`install.js`]: `const cp = require('child_process');\ncp.fork('node', ['-r', 'zq68h6', 'child.js'], {stdio: 'inherit', execPath: '/usr/bin/env'});\n`,
      [`node`]: `console.log('a file named node');\n`,
      [`child.js`]: `console.log('child');\n`,
    }}),
  ]);

  itNamesLimits(suite, [
    [`A1`, `zq68bom`, INDIRECT(`install.mjs`)],
    [`A2`, `zq68substitution`, INDIRECT(`install.js`)],
    [`A3`, `zq68quoted`, ENVIRONMENT],
    [`A4`, `zq68builtin`, /install\.js: require\(\) with a computed argument/],
    [`A6`, `zq68execpath`, /install\.js: starts its processes with a program that its options name \(execPath\)/],
  ]);

  it(`a quoted cwd outside the package is refused, also after an approval, and nothing runs (A5)`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zq68cwd: `1.0.0`}}});
    await assertRefusedEvenAfterApproval(app, `zq68cwd`, /runs commands in \.\.\/zq68h5, outside the package/);
  });
});
