/**
 * Outside attack round 82: approved install code that reached `require`
 * through the module wrapper's `arguments`, opened Node's inspector to send it
 * code (`process._debugProcess`, a signal chosen at run time, a child started
 * with `--inspect`), poisoned `Module._pathCache`, handed `Worker` on in
 * parentheses, or loaded another package's `.env`, ran a new release of a
 * script-free dependency with no limit named. The code sits behind a
 * condition that is never true when the tests run it: the scan reads it all
 * the same. Each test fails on the round's bundle.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

const NEVER = (code: string) => `const name = atob('enE4Mmg=');\nif (process.env.ZQ82_NEVER) {\n${code}\n}`;

describe(`outside attack round 82 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-82`, () => [
    plain(`zq82h`, `1.0.0`, {files: {[`index.js`]: `module.exports = () => 1;\n`}}),
    installStarter(`zq82args`, `zq82h`, NEVER(`const [, r] = arguments;\nr(name)();`)),
    installStarter(`zq82debug`, `zq82h`, NEVER(`process._debugProcess(process.pid);`)),
    installStarter(`zq82signal`, `zq82h`, NEVER(`process.kill(process.pid, Number(name.length) + 5);`)),
    installStarter(`zq82inspect`, `zq82h`, NEVER(`require('child_process').spawnSync('node', ['--inspect=6488', 'child.js']);`)),
    installStarter(`zq82paths`, `zq82h`, NEVER(`require('module')._pathCache[name] = require.resolve(name);\nrequire('./child.js');`)),
    installStarter(`zq82worker`, `zq82h`, NEVER(`new (require('worker_threads').Worker)(require('path').join(__dirname, '..', name, 'index.js'));`)),
    installStarter(`zq82env`, `zq82h`, NEVER(`process.loadEnvFile(require('path').join(__dirname, '..', name, '.env'));\nrequire('child_process').spawnSync('node', ['child.js']);`)),
  ]);

  itNamesLimits(suite, [
    [`A05`, `zq82args`, /install\.js: the module wrapper's arguments \(require, module\) are used outside a function/],
    [`A09`, `zq82debug`, /install\.js: process\._debugProcess opens Node's inspector/],
    [`A10`, `zq82signal`, /install\.js: a signal chosen at run time is sent \(process\.kill\)/],
    [`A14`, `zq82inspect`, /install\.js: node starts with its inspector open \(--inspect\)/],
    [`A11`, `zq82paths`, /install\.js: changes where modules are looked up \(_pathCache\)/],
    [`A12`, `zq82worker`, /install\.js: worker_threads\.Worker is used as a value/],
    [`A13`, `zq82env`, /install\.js: sets the variables of an environment file chosen at run time \(process\.loadEnvFile\)/],
  ]);
});
