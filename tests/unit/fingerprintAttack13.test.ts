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

describe(`what the package's last build left on disk (yarn rebuild)`, () => {
  const makefile = `include /../../../../../usr/include/node/common.gypi\ninclude /proc/self/cwd/../node-gyp/addon.gypi\n`;
  function onDisk(postinstall: string, onDiskCopy: boolean) {
    const manifest = {name: `zqnative`, version: `1.0.0`, scripts: {postinstall}};
    const files = {[`package.json`]: JSON.stringify(manifest), [`binding.gyp`]: `{"targets": []}`, [`build/Makefile`]: makefile, [`build/config.gypi`]: `{}`};
    return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage(files), everyFile: true, onDisk: onDiskCopy});
  }

  it(`leaves node-gyp's generated build/Makefile alone on disk: node-gyp writes it again before make reads it`, () => {
    assert.deepEqual(onDisk(`node-gyp rebuild`, true).foreignRuns, []);
  });

  it(`still refuses such a build/Makefile in the archive (a package that ships one)`, () => {
    assert.ok(onDisk(`node-gyp rebuild`, false).foreignRuns.some(line => line.startsWith(`build/Makefile`)), JSON.stringify(onDisk(`node-gyp rebuild`, false).foreignRuns));
  });

  it(`leaves the build/ beside a binding.gyp in a subfolder alone too (cd native && node-gyp rebuild: round 17's false refusal of a rebuild)`, () => {
    const postinstall = `cd native && node-gyp rebuild`;
    const manifest = {name: `zqnative`, version: `1.0.0`, scripts: {postinstall}};
    const files = {[`package.json`]: JSON.stringify(manifest), [`native/binding.gyp`]: `{"targets": []}`, [`native/build/Makefile`]: makefile, [`native/build/Release/.deps/x.o.d`]: `x.o: ../addon.c /usr/include/node/node.h ../../zqsib/x.h\n`};
    const analyse = (onDiskCopy: boolean) => analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage(files), everyFile: true, onDisk: onDiskCopy});
    assert.deepEqual(analyse(true).foreignRuns, []);
    assert.ok(analyse(false).foreignRuns.some(line => line.startsWith(`native/build/Makefile`)), JSON.stringify(analyse(false).foreignRuns));
  });

  it(`still reads it on disk when a script runs it (make -C build)`, () => {
    assert.ok(onDisk(`make -C build`, true).foreignRuns.some(line => line.startsWith(`build/Makefile`)), JSON.stringify(onDisk(`make -C build`, true)));
  });
});

describe(`outside attack round 15 (attack24): a workspace's code that runs files of another workspace`, () => {
  function rootWorkspace(postinstall: string, files: Record<string, string>) {
    const manifest = {name: `app`, private: true, workspaces: [`packages/*`], scripts: {postinstall}};
    return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), everyFile: false, workspaceFolders: [`packages/a`]});
  }
  const workspaceA = {[`packages/a/package.json`]: `{"name": "a"}`, [`packages/a/setup.js`]: `require('zqhid')();\n`};

  for (const [postinstall, files] of [
    [`node packages/a/setup.js`, {}],
    [`cd packages/a && node setup.js`, {}],
    [`node scripts/x.js`, {[`scripts/x.js`]: `require('../packages/a/setup.js');\n`}],
    [`node -e "require('./packages/a/setup.js')"`, {}],
    [`node --require ./packages/a/setup.js -e 0`, {}],
    [`cd packages/a && yarn node setup.js`, {}],
  ] as Array<[string, Record<string, string>]>) {
    it(`F8-F14: ${postinstall} reports packages/a/setup.js as that workspace's file, whose requires are not the root's`, () => {
      const analysis = rootWorkspace(postinstall, {...workspaceA, ...files});
      assert.deepEqual(analysis.workspaceFiles, [`packages/a/setup.js`]);
      assert.ok(!analysis.modules.includes(`zqhid`), JSON.stringify(analysis.modules));
    });
  }

  it(`F16: reads the imports of a TypeScript file that a runner such as tsx runs`, () => {
    const analysis = rootWorkspace(`tsx scripts/x.ts`, {[`scripts/x.ts`]: `import run from 'zqhid';\nrun();\n`});
    assert.deepEqual(analysis.modules, [`zqhid`]);
  });

  it(`F16: leaves declaration files alone`, () => {
    const analysis = rootWorkspace(`cat types/x.d.ts`, {[`types/x.d.ts`]: `import type {A} from 'zqtypes';\n`});
    assert.deepEqual(analysis.modules, []);
  });
});

describe(`a sub-workspace's code that climbs into another workspace's folder`, () => {
  // packages/a, whose folders around it are the root (../..) and its sibling packages/b (../b).
  function subWorkspace(postinstall: string, files: Record<string, string> = {}, workspaceFolders = [`../..`, `../b`]) {
    const manifest = {name: `a`, scripts: {postinstall}};
    return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), everyFile: false, workspaceFolders});
  }

  for (const [postinstall, files, expected] of [
    [`node ../../scripts/setup.js`, {}, [`../../scripts/setup.js`]],
    [`node ../../scripts/setup`, {}, [`../../scripts/setup`]],
    [`node ../b/run.js`, {}, [`../b/run.js`]],
    [`node x.js`, {[`x.js`]: `require('../../scripts/utils');\n`}, [`../../scripts/utils`]],
    [`node lib/x.js`, {[`lib/x.js`]: `require('../../../scripts/utils.js');\n`}, [`../../scripts/utils.js`]],
    [`node x.js`, {[`x.js`]: `require('../b');\n`}, [`../b`]],
    [`node -r ../../hook.js x.js`, {[`x.js`]: ``}, [`../../hook.js`]],
  ] as Array<[string, Record<string, string>, Array<string>]>) {
    it(`${postinstall}${Object.keys(files).length > 0 ? ` (${Object.values(files)[0].trim()})` : ``}: reported as that workspace's file, to be followed there`, () => {
      const analysis = subWorkspace(postinstall, files);
      assert.deepEqual(analysis.workspaceFiles, expected);
      assert.deepEqual(analysis.foreignRuns, []);
      assert.deepEqual(analysis.unresolved.filter(line => line.includes(`not a file of the package`)), []);
    });
  }

  it(`still names a path above every workspace as outside the package`, () => {
    const analysis = subWorkspace(`node ../../../elsewhere/x.js`);
    assert.deepEqual(analysis.workspaceFiles, []);
    assert.ok(analysis.foreignRuns.some(line => line.includes(`../../../elsewhere/x.js`)), JSON.stringify(analysis.foreignRuns));
  });

  it(`still refuses to follow a require above every workspace`, () => {
    assert.throws(() => subWorkspace(`node x.js`, {[`x.js`]: `require('../../../elsewhere');\n`}), /loads \.\.\/\.\.\/\.\.\/elsewhere, outside the package/);
  });

  it(`does nothing of the kind for a dependency (no workspace folders)`, () => {
    const analysis = subWorkspace(`node ../../scripts/setup.js`, {}, []);
    assert.deepEqual(analysis.workspaceFiles, []);
    assert.ok(analysis.foreignRuns.some(line => line.includes(`../../scripts/setup.js`)), JSON.stringify(analysis.foreignRuns));
  });
});

describe(`yarn run <name:with:colon>: the one workspace that has that script`, () => {
  function workspace(postinstall: string, everyFile: boolean, scripts: Record<string, string> = {}) {
    const manifest = {name: `app`, scripts: {postinstall, ...scripts}};
    return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest)}), everyFile, workspaceFolders: everyFile ? [] : [`packages/a`]});
  }

  for (const postinstall of [`yarn run gen:zq`, `yarn gen:zq`, `yarn run --silent gen:zq`]) {
    it(`${postinstall} from a workspace without that script follows every workspace's gen:zq`, () => {
      assert.deepEqual(workspace(postinstall, false).workspaceScripts, [`*#gen:zq`]);
    });
  }

  it(`runs the workspace's own script when it has one`, () => {
    assert.deepEqual(workspace(`yarn run gen:zq`, false, {[`gen:zq`]: `true`}).workspaceScripts, []);
  });

  it(`a name without a colon is a bin, as Yarn has it`, () => {
    assert.deepEqual(workspace(`yarn run genzq`, false).workspaceScripts, []);
  });

  it(`not from a dependency, whose folder is no workspace`, () => {
    assert.deepEqual(workspace(`yarn run gen:zq`, true).workspaceScripts, []);
  });
});

describe(`$PROJECT_CWD in a workspace's scripts: the top-level workspace's folder`, () => {
  function analysed(postinstall: string, files: Record<string, string>, place: {workspaceFolders: Array<string>, projectFolder: string}) {
    const manifest = {name: `ws`, scripts: {postinstall}};
    return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), everyFile: false, ...place});
  }
  const root = {workspaceFolders: [`packages/a`], projectFolder: ``};
  const sub = {workspaceFolders: [`../..`], projectFolder: `../..`};

  for (const postinstall of [`node $PROJECT_CWD/scripts/setup.js`, `node "\${PROJECT_CWD}/scripts/setup.js"`, `cd $PROJECT_CWD && node scripts/setup.js`]) {
    it(`the top-level workspace follows its own file: ${postinstall}`, () => {
      const analysis = analysed(postinstall, {[`scripts/setup.js`]: `require('zqhid');\n`}, root);
      assert.deepEqual(analysis.modules, [`zqhid`]);
      assert.deepEqual(analysis.foreignRuns, []);
    });
  }

  it(`a workspace below reports the top-level workspace's file, to be followed there`, () => {
    const analysis = analysed(`node $PROJECT_CWD/scripts/setup.js`, {}, sub);
    assert.deepEqual(analysis.workspaceFiles, [`../../scripts/setup.js`]);
    assert.deepEqual(analysis.foreignRuns, []);
  });

  it(`stays a path outside the package without a project folder (a dependency)`, () => {
    const analysis = analysed(`node $PROJECT_CWD/scripts/setup.js`, {}, {workspaceFolders: [], projectFolder: undefined as unknown as string});
    assert.ok(analysis.foreignRuns.some(line => line.includes(`$PROJECT_CWD/scripts/setup.js`)), JSON.stringify(analysis.foreignRuns));
  });
});
