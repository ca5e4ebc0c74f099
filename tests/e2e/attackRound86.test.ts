/**
 * Outside attack round 86: approved install code reached the module
 * wrapper's `require` with `caller` or the stack's members written as keys,
 * opened Node's inspector through `process.kill` taken as a value, or took the
 * Function constructor from a class written in place, and no limit was named.
 * The code sits behind a condition that is never true when the tests run it:
 * the scan reads it all the same. Each test fails on the round's bundle.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

const NEVER = (code: string) => `const name = atob('enE4Nmg=');\nif (process.env.ZQ86_NEVER) {\n${code}\n}`;

describe(`outside attack round 86 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-86`, () => [
    plain(`zq86h`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    installStarter(`zq86kill`, `zq86h`, NEVER(`const k = ['ki', 'll'].join('');\nprocess['kill'](process.pid, 'SIG' + 'USR1');`)),
    installStarter(`zq86key`, `zq86h`, NEVER(`function g() { const {caller: c} = g; return c; }\ng().arguments[1](name)();`)),
    installStarter(`zq86stack`, `zq86h`, NEVER(`Object.assign(Error, {prepareStackTrace: (e, s) => s});\nconst s = new Error().stack;`)),
    installStarter(`zq86class`, `zq86h`, NEVER(`const F = Reflect.get(class {}, ['constr', 'uctor'].join(''));\nF('return 1')();`)),
  ]);

  itNamesLimits(suite, [
    [`B01`, `zq86kill`, /install\.js: process\.kill is used as a value, so the signal it sends is not read/],
    [`B02`, `zq86key`, /install\.js: a function's caller is read, which reaches the module wrapper/],
    [`B03`, `zq86stack`, /install\.js: the functions of the call stack are read \(prepareStackTrace\)/],
    [`B04`, `zq86class`, /install\.js: Function\(\) evaluates text built at run time/],
  ]);
});
