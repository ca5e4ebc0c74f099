/**
 * Outside attack round 72: install code that starts node with no program and
 * writes another package's file to its standard input (Q5, Q1) ran that code
 * with no limit named. Node with no program runs what it reads from its
 * standard input: named as a limit of the approval. Each test fails on the
 * bundle of round 72.
 */
import {installStarter, itNamesLimits, plain, suiteRegistry} from './harness';

const RUN = `module.exports = {level: 1};\n`;
const STDIN_LIMIT = /install\.js: node runs the program it reads from its standard input/;

describe(`outside attack round 72 (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-72`, () => [
    plain(`zq72h1`, `1.0.0`, {files: {[`index.js`]: RUN, [`run.js`]: RUN}}),
    installStarter(`zq72written`, `zq72h1`, `const {spawn} = require('child_process');\nconst fs = require('fs');\nconst c = spawn('node', [], {stdio: ['pipe', 'inherit', 'inherit']});\nc.stdin.end(fs.readFileSync(process.env.INIT_CWD + '/node_modules/zq72h1/run.js'));`),
    plain(`zq72h2`, `1.0.0`, {files: {[`index.js`]: RUN, [`run.js`]: RUN}}),
    installStarter(`zq72piped`, `zq72h2`, `const cp = require('child_process');\nconst path = require('path');\nconst c = cp.spawn(process.execPath, [], {stdio: ['pipe', 'inherit', 'inherit']});\nrequire('fs').createReadStream(path.join(process.env.INIT_CWD, 'node_modules', 'zq72h2', 'run.js')).pipe(c.stdin);`),
  ]);

  itNamesLimits(suite, [
    [`Q5`, `zq72written`, STDIN_LIMIT],
    [`Q1`, `zq72piped`, STDIN_LIMIT],
  ]);
});
