/**
 * Outside attack round 84: approved install code that reached the module
 * wrapper's `require` by listing a sloppy function's own properties, or from
 * a block after `o.function(1)` that the reader took for a function's body,
 * ran a new release of a script-free dependency with no limit named. The code
 * sits behind a condition that is never true when the tests run it: the scan
 * reads it all the same. Each test fails on the round's bundle.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

const NEVER = (code: string) => `const name = atob('enE4NGg=');\nif (process.env.ZQ84_NEVER) {\n${code}\n}`;

describe(`outside attack round 84 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-84`, () => [
    plain(`zq84h`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    installStarter(`zq84own`, `zq84h`, NEVER(`function g() { return Object.getOwnPropertyDescriptors(g); }\nconst wrapper = Object.values(g()).map(d => d.value).find(v => typeof v === 'function');\nObject.values(Object.getOwnPropertyDescriptors(wrapper)).map(d => d.value)[1][1](name)();`)),
    installStarter(`zq84block`, `zq84h`, `const o = {function() {}};\no.function(1)\n{ const [, load] = arguments; if (process.env.ZQ84_NEVER) load(atob('enE4NGg='))(); }`),
  ]);

  itNamesLimits(suite, [
    [`B01`, `zq84own`, /install\.js: a function's own properties may be listed \(getOwnPropertyDescriptors\)/],
    [`B04`, `zq84block`, /install\.js: the module wrapper's arguments \(require, module\) are used outside a function/],
  ]);
});
