/**
 * Outside attack round 80: approved install code that loaded another
 * package's file through Module._preloadModules or `module.load(file)`, or ran
 * text through the inspector, ran a new release of a script-free dependency
 * with no limit named. Each test fails on the round's bundle.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

// `atob('enE4MGg=')` is `zq80h`: a name the scan cannot read.
const HELPER = `const name = atob('enE4MGg=');\n`;
// `require("zq80h")` as base64, run as text.
const TEXT = `const text = atob('cmVxdWlyZSgienE4MGgiKQ==');\n`;

describe(`outside attack round 80 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-80`, () => [
    plain(`zq80h`, `1.0.0`, {files: {[`index.js`]: `module.exports = 1;\n`}}),
    installStarter(`zq80preload`, `zq80h`, `${HELPER}require('module')._preloadModules([name]);`),
    installStarter(`zq80load`, `zq80h`, `${HELPER}module.load(require('path').join(__dirname, '..', name, 'index.js'));`),
    installStarter(`zq80inspector`, `zq80h`, `${TEXT}const {Session} = require('inspector');\nconst s = new Session();\ns.connect();\ns.post('Runtime.enable');\ns.post('Runtime.compileScript', {expression: text, sourceURL: 'x.js', persistScript: true}, (e, r) => s.post('Runtime.runScript', {scriptId: r.scriptId}));`),
  ]);

  itNamesLimits(suite, [
    [`B18`, `zq80preload`, /install\.js: Module\._preloadModules loads the modules it is given/],
    [`C04`, `zq80load`, /install\.js: module\.load\(\) loads the file it is given/],
    [`C11`, `zq80inspector`, /install\.js: inspector\.Session\(\) evaluates text built at run time/],
  ]);
});
