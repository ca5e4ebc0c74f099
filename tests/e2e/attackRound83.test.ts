/**
 * Outside attack round 83: approved install code that reached the module
 * wrapper's `require` through a function's `caller` or the call stack
 * (`Error.prepareStackTrace`), opened node's inspector through `NODE_OPTIONS`
 * in an environment file, or ran a dependency's WebAssembly, ran a new
 * release of a script-free dependency with no limit named. The code sits
 * behind a condition that is never true when the tests run it: the scan reads
 * it all the same. Each test fails on the round's bundle.
 */
import {itNamesLimits, plain, suiteRegistry} from './harness';

const NEVER = (code: string) => `const name = atob('enE4M2g=');\nif (process.env.ZQ83_NEVER) {\n${code}\n}\n`;
const starter = (name: string, install: string, files: Record<string, string> = {}) => plain(name, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zq83h: `^1.0.0`}, files: {[`install.js`]: NEVER(install), [`benign.js`]: `console.log('benign');\n`, ...files}});

describe(`outside attack round 83 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-83`, () => [
    plain(`zq83h`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    starter(`zq83caller`, `function g() { return g.caller.arguments[1]; }\ng()(name)();`),
    starter(`zq83stack`, `Error.prepareStackTrace = (e, s) => s;\nconst s = new Error().stack;\ns[0].getFunction().arguments[1](name)();`),
    starter(`zq83env`, `require('child_process').spawn(process.execPath, ['--env-file=dbg.env', 'benign.js']);`, {[`dbg.env`]: `NODE_OPTIONS="--inspect=127.0.0.1:6492"\n`}),
    starter(`zq83signal`, `process.debugPort = 6491;\nrequire('child_process').execSync('kill -s USR1 $PPID');`),
    starter(`zq83wasm`, `WebAssembly.compile(require('fs').readFileSync(require('path').join(__dirname, '..', name, 'm.wasm')));`),
  ]);

  itNamesLimits(suite, [
    [`B01`, `zq83caller`, /install\.js: a function's caller is read, which reaches the module wrapper/],
    [`B02`, `zq83stack`, /install\.js: the functions of the call stack are read/],
    [`B05`, `zq83env`, /node starts with its inspector open \(--inspect in NODE_OPTIONS\)/],
    [`B04`, `zq83signal`, /install\.js: kill sends a signal that may open node's inspector/],
    [`B06`, `zq83wasm`, /install\.js: WebAssembly\(\) evaluates text built at run time/],
  ]);
});
