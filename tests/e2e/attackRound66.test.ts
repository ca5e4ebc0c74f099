/**
 * Outside attack round 66. A1: code hidden behind a slash after `}` whose
 * line Node reads with a string continued over the line break; A2: behind
 * `export default /re/`; A3: options that only start with a function; A4: a
 * key written to the prototype of plain objects through a string key. Each is
 * named as a limit of the approval. Each test fails on the bundle of round 66.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

const HELPER = `module.exports = {level: 1};\n`;
const hidden = (helper: string) => `const m = module.require("child_process"); m.exec("node -r ${helper} child.js", {stdio: "inherit"});`;

describe(`outside attack round 66 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-66`, () => [
    plain(`zq66h1`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq66continued`, `zq66h1`, `{}/'/; ${hidden(`zq66h1`)} var x = '/*\\\n*/'; // '`),
    plain(`zq66h2`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    plain(`zq66default`, `1.0.0`, {scripts: {postinstall: `node install.mjs`}, dependencies: {zq66h2: `^1.0.0`}, files: {
      [`install.mjs`]: `export default /'/; import {createRequire} from "module"; const m = createRequire(import.meta.url)("child_process"); m.exec("node -r zq66h2 child.js", {stdio: "inherit"}); /'/;\n`,
      [`child.js`]: `console.log('child');\n`,
    }}),
    plain(`zq66h3`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq66callback`, `zq66h3`, `const cp = require('child_process');\nconst k = 'e' + 'nv';\nconst v = {};\nv['NODE_' + 'OPTIONS'] = (process.env.NODE_OPTIONS || '') + ' -r zq66h3';\ncp.execFileSync(process.execPath, ['child.js'], false ? () => 0 : {stdio: 'inherit', [k]: v});`),
    plain(`zq66h4`, `1.0.0`, {files: {[`index.js`]: HELPER}}),
    installStarter(`zq66proto`, `zq66h4`, `const cp = require('child_process');\nconst K = 'NODE_' + 'OPTIONS';\nObject['prototype'][K] = '-r zq66h4';\ncp.execSync('node child.js', {stdio: 'inherit'});`),
  ]);

  itNamesLimits(suite, [
    [`A1`, `zq66continued`, /install\.js: (?:calls a child_process function under another name or indirectly|sets variables named at run time)/],
    [`A2`, `zq66default`, /install\.mjs: calls a child_process function under another name or indirectly/],
    [`A3`, `zq66callback`, /install\.js: sets variables named at run time for the commands it runs/],
    [`A4`, `zq66proto`, /install\.js: sets variables named at run time for the commands it runs/],
  ]);
});
