/**
 * Outside attack round 15 and this session's own review: paths that climb out
 * of the package from a folder decided at run time.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), everyFile: true});
}

describe(`outside attack round 15 and its review`, () => {
  for (const command of [
    `node $(dirname $npm_package_json)/../zqsib/x.js`,
    `node "$(dirname "$npm_package_json")/../zqsib/x.js"`,
    `node \`dirname $npm_package_json\`/../zqsib/x.js`,
  ]) {
    it(`refuses ${command}: .. from a folder a command's output decides`, () => {
      const analysis = analysed(command);
      assert.ok(analysis.foreignRuns.some(run => /names (?:\/|\$\(dirname \$npm_package_json\)\/)\.\., outside the package$/.test(run)), JSON.stringify(analysis));
    });
  }

  for (const command of [`node \${npm_package_json/package.json/../zqsib/x.js}`, `node "\${npm_package_json/package.json/..\\zqsib\\x.js}"`]) {
    it(`refuses ${command}: .. inside an expansion the shell computes`, () => {
      const analysis = analysed(command);
      assert.ok(analysis.foreignRuns.some(run => run.includes(`outside the package`)), JSON.stringify(analysis));
    });
  }

  it(`names a file under a folder a command's output decides as a limit, without refusing it`, () => {
    const analysis = analysed(`node $(dirname $npm_package_json)/x.js`);
    assert.deepEqual(analysis.foreignRuns, []);
    assert.ok(analysis.unresolved.some(line => /another command's output/.test(line)), JSON.stringify(analysis));
  });
});

describe(`the package manager by its path ($npm_execpath)`, () => {
  for (const postinstall of [`$npm_execpath run -T zqf31t`, `"$npm_execpath" run -T zqf31t`, `\${npm_execpath} run -T zqf31t`, `node "$npm_execpath" run -T zqf31t`, `$npm_node_execpath $npm_execpath run -T zqf31t`]) {
    it(`reads ${postinstall} as yarn run -T: the top-level workspace's bin`, () => {
      const analysis = analysed(postinstall);
      assert.ok(analysis.commands.includes(`toplevel:zqf31t`), JSON.stringify(analysis));
      assert.ok(!analysis.unresolved.some(line => /decided at run time/.test(line)), JSON.stringify(analysis));
    });
  }

  it(`follows a script that $npm_execpath runs, as npm would under npm run too`, () => {
    const manifest = {name: `zqx`, version: `1.0.0`, scripts: {postinstall: `$npm_execpath run b`, b: `node ../zqsib/x.js`}};
    const analysis = analyzeInstall({commands: {postinstall: manifest.scripts.postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest)}), everyFile: true});
    assert.ok(analysis.foreignRuns.some(line => line.startsWith(`b: ../zqsib/x.js names`)), analysis.foreignRuns.join());
  });
});
