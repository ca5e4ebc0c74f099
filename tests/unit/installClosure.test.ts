import assert from 'node:assert/strict';

import {directReaches, entriesKey, isInstalledPackagesFolder, isSystemTool, type VisibleBin} from '../../sources/installScripts/policy/installClosure';

function bins(entries: Record<string, Array<VisibleBin>>): Map<string, Array<VisibleBin>> {
  return new Map(Object.entries(entries));
}

function reachesOf(input: Partial<Parameters<typeof directReaches>[0]>) {
  return directReaches({
    commands: [],
    modules: [],
    bins: new Map(),
    topLevelBins: new Map(),
    resolveName: () => [],
    ownName: `self`,
    ...input,
  });
}

describe(`directReaches`, () => {
  describe(`when install code requires the package's own name (outside attack F32)`, () => {
    it(`reads it as a self-reference when the package declares no dependency under that name`, () => {
      const {reaches} = reachesOf({modules: [`self`, `self/lib/x`], resolveName: () => [`self-id`]});
      assert.deepEqual(reaches, []);
    });

    it(`reaches the dependency declared under that name, which Node and PnP load`, () => {
      const {reaches} = reachesOf({modules: [`self`], resolveName: name => name === `self` ? [`alias-target`] : [], ownName: null});
      assert.deepEqual(reaches, [{id: `alias-target`, entry: {kind: `module`, specifier: `.`}, via: `require('self')`, as: `self`}]);
    });
  });

  describe(`when a command word names a bin on the script's PATH`, () => {
    it(`reaches the bin's file in the package that provides it`, () => {
      const {reaches, unresolved} = reachesOf({
        commands: [`prebuild-install`],
        bins: bins({[`prebuild-install`]: [{id: `pb`, path: `bin.js`}]}),
      });
      assert.deepEqual(reaches, [{id: `pb`, entry: {kind: `file`, path: `bin.js`}, via: `runs prebuild-install`}]);
      assert.deepEqual(unresolved, []);
    });

    it(`reaches every provider when two dependencies provide the same name`, () => {
      const {reaches} = reachesOf({
        commands: [`tool`],
        bins: bins({tool: [{id: `a`, path: `a.js`}, {id: `b`, path: `b.js`}]}),
      });
      assert.deepEqual(reaches.map(reach => reach.id), [`a`, `b`]);
    });

    it(`marks a bin named like a system tool as shadowing it`, () => {
      const {reaches} = reachesOf({
        commands: [`node`],
        bins: bins({node: [{id: `evil`, path: `evil.js`}]}),
      });
      assert.deepEqual(reaches, [{id: `evil`, entry: {kind: `file`, path: `evil.js`}, via: `runs node`, shadows: `node`}]);
    });
  });

  describe(`when a bin on the PATH shadows a system tool that no command names`, () => {
    it(`reaches it anyway, since subprocesses inherit the PATH`, () => {
      const {reaches} = reachesOf({
        commands: [`prebuild-install`],
        bins: bins({sh: [{id: `evil`, path: `sh.js`}]}),
      });
      assert.equal(reaches.length, 1);
      assert.equal(reaches[0].shadows, `sh`);
      assert.match(reaches[0].via, /its bin sh shadows the system's sh/);
    });

    it(`does not reach bins with ordinary names that no command names`, () => {
      const {reaches} = reachesOf({bins: bins({[`some-tool`]: [{id: `t`, path: `t.js`}]})});
      assert.deepEqual(reaches, []);
    });
  });

  describe(`when node-gyp is not on the script's PATH`, () => {
    it(`follows Yarn's shim to the top-level workspace's node-gyp`, () => {
      const {reaches} = reachesOf({
        commands: [`node-gyp`],
        topLevelBins: bins({[`node-gyp`]: [{id: `gyp`, path: `bin/node-gyp.js`}]}),
      });
      assert.deepEqual(reaches, [{id: `gyp`, entry: {kind: `file`, path: `bin/node-gyp.js`}, via: `runs node-gyp (the top-level workspace's)`}]);
    });

    it(`reaches the top-level workspace's bins that shadow the tools node-gyp runs (outside attack #22)`, () => {
      const {reaches} = reachesOf({
        commands: [`node-gyp`],
        topLevelBins: bins({
          [`node-gyp`]: [{id: `gyp`, path: `bin/node-gyp.js`}],
          make: [{id: `evil`, path: `bin/make.js`}],
          python3: [{id: `evil`, path: `bin/python3.js`}],
          [`some-tool`]: [{id: `t`, path: `t.js`}],
        }),
      });
      assert.deepEqual(reaches, [
        {id: `gyp`, entry: {kind: `file`, path: `bin/node-gyp.js`}, via: `runs node-gyp (the top-level workspace's)`},
        {id: `evil`, entry: {kind: `file`, path: `bin/make.js`}, via: `its bin make shadows the system's make on the PATH node-gyp runs with (the top-level workspace's)`, shadows: `make`},
        {id: `evil`, entry: {kind: `file`, path: `bin/python3.js`}, via: `its bin python3 shadows the system's python3 on the PATH node-gyp runs with (the top-level workspace's)`, shadows: `python3`},
      ]);
    });

    it(`leaves the top-level workspace's bins alone when the package runs no node-gyp`, () => {
      const {reaches} = reachesOf({commands: [`node`], topLevelBins: bins({make: [{id: `evil`, path: `bin/make.js`}]})});
      assert.deepEqual(reaches, []);
    });

    it(`states the limit when the top-level workspace has none either`, () => {
      const {reaches, unresolved} = reachesOf({commands: [`node-gyp`]});
      assert.deepEqual(reaches, []);
      assert.equal(unresolved.length, 1);
      assert.match(unresolved[0], /node-gyp is not a dependency of the top-level workspace/);
    });
  });

  describe(`when install code starts npm, which puts the project's node_modules/.bin on the PATH (outside attack round 7: B35, B36, B40)`, () => {
    const topLevelBins = bins({
      uname: [{id: `root-dep`, path: `bin/uname.js`}],
      gen: [{id: `fake`, path: `bin/gen.js`}],
      other: [{id: `x`, path: `x.js`}],
    });

    it(`reaches the root dependencies' bins that its command words name, and those named like system tools`, () => {
      const {reaches} = reachesOf({commands: [`npm`, `gen`], bins: bins({gen: [{id: `real`, path: `gen.js`}]}), topLevelBins});
      assert.deepEqual(reaches, [
        {id: `real`, entry: {kind: `file`, path: `gen.js`}, via: `runs gen`},
        {id: `root-dep`, entry: {kind: `file`, path: `bin/uname.js`}, via: `its bin uname shadows the system's uname (npm puts the node_modules/.bin folders above the package on the PATH of the scripts it runs, where the bins of hoisted packages are linked)`, shadows: `uname`},
        {id: `fake`, entry: {kind: `file`, path: `bin/gen.js`}, via: `runs gen (npm puts the node_modules/.bin folders above the package on the PATH of the scripts it runs, where the bins of hoisted packages are linked)`},
      ]);
    });

    it(`looks among the bins of every package of the project when it is given them, since the linker hoists any of them (outside attack round 11: F15-F17)`, () => {
      const every = bins({node: [{id: `deep`, path: `t.sh`}], zqtool: [{id: `deep2`, path: `t.js`}]});
      const {reaches} = reachesOf({commands: [`npm`, `zqtool`], bins: new Map(), topLevelBins, npmPathBins: () => every});
      assert.deepEqual(reaches.map(reach => [reach.id, reach.shadows ?? null]), [[`deep`, `node`], [`deep2`, null]]);
    });

    it(`does the same for npx, and leaves the root's bins alone without npm`, () => {
      assert.equal(reachesOf({commands: [`npx:gen`, `gen`], topLevelBins}).reaches.length, 2);
      assert.deepEqual(reachesOf({commands: [`node`, `gen`], topLevelBins}).reaches, []);
    });
  });

  describe(`when install code runs a dependency's file by a path through node_modules`, () => {
    it(`reaches that file of the package the name resolves to`, () => {
      const {reaches, unresolved} = reachesOf({dependencyFiles: [`dep/cli.js`, `gone/x.js`], resolveName: name => name === `dep` ? [`dep-id`] : []});
      assert.deepEqual(reaches, [{id: `dep-id`, entry: {kind: `file`, path: `cli.js`}, via: `runs node_modules/dep/cli.js`, as: `dep`}]);
      assert.deepEqual(unresolved, [`node_modules/gone/x.js: gone is not installed in this project`]);
    });

    it(`reaches a GYP file a build includes as a gyp entry, apart from the same file run as a program`, () => {
      const {reaches, refusals} = reachesOf({dependencyFiles: [`dep/x.gyp`], dependencyGypFiles: [`dep/x.gyp`, `dep/../evil/x.gypi`], resolveName: name => name === `dep` ? [`dep-id`] : []});
      assert.deepEqual(reaches, [
        {id: `dep-id`, entry: {kind: `file`, path: `x.gyp`}, via: `runs node_modules/dep/x.gyp`, as: `dep`},
        {id: `dep-id`, entry: {kind: `gyp`, path: `x.gyp`}, via: `its build reads node_modules/dep/x.gyp as GYP`, as: `dep`},
      ]);
      assert.match(refusals[0], /node_modules\/dep\/\.\.\/evil\/x\.gypi: the path climbs out of dep/);
      assert.notEqual(entriesKey([reaches[0].entry]), entriesKey([reaches[1].entry]));
    });
  });

  describe(`when install code requires packages by name`, () => {
    it(`reaches the resolved dependency with the subpath as a module entry`, () => {
      const {reaches} = reachesOf({
        modules: [`detect-libc`, `@scope/pkg/lib/x.js`],
        resolveName: name => (name === `detect-libc` ? [`dl`] : name === `@scope/pkg` ? [`sp`] : []),
      });
      assert.deepEqual(reaches, [
        {id: `dl`, entry: {kind: `module`, specifier: `.`}, via: `require('detect-libc')`, as: `detect-libc`},
        {id: `sp`, entry: {kind: `module`, specifier: `./lib/x.js`}, via: `require('@scope/pkg/lib/x.js')`, as: `@scope/pkg`},
      ]);
    });

    it(`leaves self-references to the package's own analysis`, () => {
      const {reaches, unresolved} = reachesOf({modules: [`self/lib`], resolveName: () => [`other`]});
      assert.deepEqual(reaches, []);
      assert.deepEqual(unresolved, []);
    });

    it(`states what is not installed instead of dropping it`, () => {
      const {reaches, unresolved} = reachesOf({modules: [`optional-thing`]});
      assert.deepEqual(reaches, []);
      assert.deepEqual(unresolved, [`require('optional-thing'): optional-thing is not installed in this project (an optional dependency?); a copy in a node_modules folder above the file that another tool put there (npm in a sub-project, a planted folder) is what Node would load, and no pin or approval holds it`]);
    });
  });
});

describe(`isSystemTool`, () => {
  it(`knows the tools an attack would shadow, in any case`, () => {
    for (const name of [`node`, `sh`, `bash`, `npm`, `yarn`, `git`, `curl`, `NODE`])
      assert.ok(isSystemTool(name), name);
    for (const name of [`node-gyp`, `prebuild-install`, `esbuild`])
      assert.ok(!isSystemTool(name), name);
  });
});

describe(`entriesKey`, () => {
  it(`is the same for the same entries in any order or repetition`, () => {
    const a = entriesKey([{kind: `module`, specifier: `.`}, {kind: `file`, path: `bin.js`}]);
    const b = entriesKey([{kind: `file`, path: `bin.js`}, {kind: `module`, specifier: `.`}, {kind: `module`, specifier: `.`}]);
    assert.equal(a, b);
    assert.notEqual(a, entriesKey([{kind: `module`, specifier: `.`}]));
  });
});

describe(`isInstalledPackagesFolder (a link: or portal: folder that is no code of the project: outside round 51, L1)`, () => {
  const place = {projectFolder: `/p/app`, yarnFolders: [`/home/u/.yarn/berry`, `/p/app/.yarn/cache`]};

  it(`takes a folder inside a node_modules folder, the project's .yarn folder or Yarn's folders for installed packages`, () => {
    for (const folder of [`/p/app/node_modules/zqevil`, `/p/app/packages/a/node_modules/x/lib`, `/p/app/.yarn/unplugged/x-npm-1.0.0-abc/node_modules/x`, `/home/u/.yarn/berry/cache`, `/elsewhere/node_modules/x`])
      assert.equal(isInstalledPackagesFolder(folder, place), true, folder);
  });

  it(`leaves the project's own folders and sibling checkouts alone`, () => {
    for (const folder of [`/p/app/tools/helper`, `/p/app`, `/p/sibling`, `/p/app/.yarnish/x`, `/p/app/my_node_modules/x`])
      assert.equal(isInstalledPackagesFolder(folder, place), false, folder);
    // A project that itself sits in a folder named node_modules.
    assert.equal(isInstalledPackagesFolder(`/h/node_modules/app/tools`, {projectFolder: `/h/node_modules/app`, yarnFolders: []}), false);
    assert.equal(isInstalledPackagesFolder(`/h/node_modules/app/node_modules/x`, {projectFolder: `/h/node_modules/app`, yarnFolders: []}), true);
  });
});
