/**
 * In-house round 36: under npm, the PATH of what a dependency's install code
 * runs holds every hoisted bin, and a program it starts may run any of them
 * by a default name no script writes (cargo → rustc, rounds 12-35 found one
 * more name each time). A dependency's install code is bound to all of them;
 * the project's own scripts, which need no approval, only to the ones they
 * name and the ones named like system tools.
 */
import assert from 'node:assert/strict';

import {analyzeScripts} from '../../sources/installScripts/policy/fingerprint';
import {directReaches, npmNodeModulesNames, npmPathFindings, npmPathReaches, npmUnlistedBins, npxDownloads, type VisibleBin} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

/** The command words the analysis reads in a script of a package. */
function commandsOf(script: string, code = `\n`): Array<string> {
  const manifest = {name: `zqdep`, version: `1.0.0`, scripts: {postinstall: script, build: `node b.js`}};
  return analyzeScripts({scripts: [`postinstall`], manifest, manifestScripts: manifest.scripts, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`b.js`]: code})}).commands;
}

const hoisted = new Map<string, VisibleBin[]>([
  [`zqtool`, [{id: `tool`, path: `cli.js`}]],
  [`uname`, [{id: `fake`, path: `uname.js`}]],
  [`zqown`, [{id: `own`, path: `own.js`}]],
]);
const ownBins = new Map<string, VisibleBin[]>([[`zqown`, [{id: `own`, path: `own.js`}]]]);

describe(`programs that start others by default names`, () => {
  it(`a dependency's install code that runs npm reaches every hoisted bin, named or not, but not again the bins Yarn's PATH holds`, () => {
    const reaches = npmPathReaches({commands: [`npm`, `npmscripts:npm`], mentions: [], bins: ownBins, npmPathBins: () => hoisted, everyPathBin: true});
    assert.deepEqual(reaches.map(reach => [reach.id, reach.entry, reach.shadows]), [
      [`tool`, {kind: `file`, path: `cli.js`}, undefined],
      [`fake`, {kind: `file`, path: `uname.js`}, `uname`],
    ]);
    assert.match(reaches[0].via, /^its bin zqtool is on that PATH, where any program the script starts may run it \(npm puts/);
  });

  it(`npx and pnpm put the same folders on the PATH`, () => {
    for (const commands of [[`npx:zqtool`], [`pnpm`, `npmscripts:pnpm`], [`pnpx:zq`]])
      assert.deepEqual(npmPathReaches({commands, mentions: [], bins: new Map(), npmPathBins: () => hoisted, everyPathBin: true}).map(reach => reach.id).sort(), [`fake`, `own`, `tool`], commands.join());
  });

  it(`the project's own scripts reach only what they name and what is named like a system tool`, () => {
    const reaches = npmPathReaches({commands: [`npm`, `npmscripts:npm`], mentions: [`zqown`], bins: new Map(), npmPathBins: () => hoisted, everyPathBin: false});
    assert.deepEqual(reaches.map(reach => reach.id), [`fake`, `own`]);
  });

  it(`code that runs no npm reaches nothing there, and never asks for the hoisted bins`, () => {
    const reaches = npmPathReaches({commands: [`node`, `make`], mentions: [`zqtool`], bins: new Map(), npmPathBins: () => assert.fail(`asked`), everyPathBin: true});
    assert.deepEqual(reaches, []);
  });

  it(`directReaches gives a dependency's script the same reach`, () => {
    const {reaches} = directReaches({commands: [`npm`, `npmscripts:npm`], modules: [], bins: ownBins, topLevelBins: new Map(), npmPathBins: () => hoisted, resolveName: () => [], ownName: `zqdep`, everyPathBin: true});
    assert.deepEqual(reaches.map(reach => reach.id).sort(), [`fake`, `own`, `tool`]);
  });

  it(`npm that runs nothing (config, view, ls) reaches only the hoisted bins named or named like system tools: napi-postinstall asks npm for its registry`, () => {
    for (const script of [`npm config ls --json`, `npm view zq version`, `pnpm ls`, `npm --loglevel=error config get registry`]) {
      const commands = commandsOf(script);
      assert.ok(!commands.some(command => command.startsWith(`npmscripts:`)), `${script}: ${commands.join()}`);
      assert.deepEqual(npmPathReaches({commands, mentions: [], bins: new Map(), npmPathBins: () => hoisted, everyPathBin: true}).map(reach => reach.id), [`fake`], script);
    }
  });

  it(`npm and pnpm that run a script, a lifecycle alias, exec, or a subcommand that cannot be read reach every hoisted bin`, () => {
    for (const script of [`npm run build`, `npm test`, `npm exec zq`, `npm x zq`, `pnpm build`, `pnpm dlx zq`, `npm $CMD`, `npm --prefix . run build`, `npm version patch`, `npm pack`]) {
      const commands = commandsOf(script);
      assert.ok(commands.some(command => command.startsWith(`npmscripts:`)), `${script}: ${commands.join()}`);
      assert.deepEqual(npmPathReaches({commands, mentions: [], bins: new Map(), npmPathBins: () => hoisted, everyPathBin: true}).map(reach => reach.id).sort(), [`fake`, `own`, `tool`], script);
    }
  });
});

describe(`outside attack round 36`, () => {
  const hoistedOnly = new Map<string, VisibleBin[]>([[`zqtool`, [{id: `tool`, path: `cli.js`}]]]);
  const reachedBy = (script: string, code?: string) => npmPathReaches({commands: commandsOf(script, code), mentions: [], bins: new Map(), npmPathBins: () => hoistedOnly, everyPathBin: true}).map(reach => reach.id);

  it(`M1: npm started by a path, or its script run by node, gives what it runs every hoisted bin`, () => {
    for (const script of [`/usr/bin/npm run go`, `node /usr/bin/npm run go`, `node /usr/lib/node_modules/npm/bin/npm-cli.js run go`, `node "$(which npm)" run go`, `/usr/local/bin/npx zq`, `node /opt/pnpm/bin/pnpm.cjs go`, `C:/node/npm.cmd run go`])
      assert.deepEqual(reachedBy(script), [`tool`], script);
  });

  it(`M1: JavaScript that runs npm's script with node's own path`, () => {
    for (const code of [
      `require('child_process').execFileSync(process.execPath, ['/usr/lib/node_modules/npm/bin/npm-cli.js', 'run', 'go']);\n`,
      `require('child_process').execSync('/usr/bin/npm run go');\n`,
    ])
      assert.deepEqual(reachedBy(`node b.js`, code), [`tool`], code);
  });

  it(`M1: npm by a path that runs nothing is read as npm too`, () => {
    assert.deepEqual(reachedBy(`node /usr/lib/node_modules/npm/bin/npm-cli.js config get registry`), []);
  });

  it(`M1: node running a file of the package named npm-cli.js is not npm`, () => {
    assert.deepEqual(reachedBy(`node b.js`), []);
  });
});

describe(`in-house round 37: bins only an archive's package.json declares`, () => {
  it(`npm that runs something is refused while node_modules/.bin holds a bin no registry manifest declares`, () => {
    const refusals = npmUnlistedBins({commands: [`npm`, `npmscripts:npm`], linked: () => [{name: `zqtool`, folder: `node_modules/.bin`}, {name: `zqhidden`, folder: `node_modules/zqa/node_modules/.bin`}], known: () => new Set([`zqtool`])});
    assert.equal(refusals.length, 1);
    assert.match(refusals[0], /^npm puts node_modules\/zqa\/node_modules\/.bin on the PATH[^\n]*linked zqhidden from a package's own package.json although no registry manifest of the project's packages declares that bin[^\n]*ls -l node_modules\/zqa\/node_modules\/.bin\/zqhidden/);
  });

  it(`a link is judged by the package it points to: a bin its manifest declares passes, whatever other packages declare`, () => {
    const linked = () => [
      {name: `zqtool`, folder: `node_modules/.bin`, target: {package: `zqtool@npm:1.0.0`, file: `cli.js`, declares: true}},
      // zqtool is declared by another package: a link to a package that does not declare it is still refused.
      {name: `zqtool`, folder: `node_modules/zqa/node_modules/.bin`, target: {package: `zqhide@npm:1.0.0`, file: `cli.js`, declares: false}},
      {name: `zqout`, folder: `node_modules/.bin`, target: {package: null, file: `../elsewhere/x.js`, declares: false}},
    ];
    const refusals = npmUnlistedBins({commands: [`npm`, `npmscripts:npm`], linked: () => [...linked(), {name: `zqtool`, folder: `node_modules/zqb/node_modules/.bin`, notALink: true as const}], known: () => new Set([`zqtool`, `zqout`])});
    assert.equal(refusals.length, 3);
    assert.match(refusals[2], /^npm puts node_modules\/zqb\/node_modules\/.bin on the PATH of what it runs, where zqtool is a file where the linker only makes links/);
    assert.match(refusals[0], /^npm puts node_modules\/zqa\/node_modules\/.bin on the PATH of what it runs, where the linker linked zqtool to cli.js of zqhide@npm:1.0.0, a bin its registry manifest does not declare/);
    assert.match(refusals[1], /where zqout points to ..\/elsewhere\/x.js, in no package of the project/);
  });

  it(`npm that runs nothing, and no npm at all, never list the folder`, () => {
    for (const commands of [[`npm`], [`node`, `make`]])
      assert.deepEqual(npmUnlistedBins({commands, linked: () => assert.fail(`listed`), known: () => new Set()}), [], commands.join());
  });
});

describe(`outside attack round 37 (M3): a package installed under the key node_modules`, () => {
  const installed = () => [{as: `node_modules`, locator: `zqdot@npm:1.0.0`}, {as: `@zq/node_modules`, locator: `zqdot@npm:1.0.0`}];

  it(`npm that runs something is refused while one is installed: its .bin folder is on npm's PATH`, () => {
    const refusals = npmNodeModulesNames({commands: [`npm`, `npmscripts:npm`], installed});
    assert.equal(refusals.length, 2);
    assert.match(refusals[0], /zqdot@npm:1\.0\.0 is installed under the key node_modules, a folder named node_modules/);
    assert.match(refusals[1], /under the key @zq\/node_modules[^\n]*remove the dependency declared as @zq\/node_modules/);
  });

  it(`a package under the key .bin (a folder npm puts on its PATH, where the pnpm linker puts it) is refused the same way`, () => {
    const refusals = npmNodeModulesNames({commands: [`npm`, `npmscripts:npm`], installed: () => [{as: `.bin`, locator: `zqdot@npm:1.0.0`}]});
    assert.equal(refusals.length, 1);
    assert.match(refusals[0], /zqdot@npm:1\.0\.0 is installed under the key \.bin, a folder named \.bin, which the pnpm linker puts in a node_modules folder/);
  });

  it(`npm that runs nothing, and no npm at all, never ask for the names`, () => {
    for (const commands of [[`npm`], [`node`, `make`]])
      assert.deepEqual(npmNodeModulesNames({commands, installed: () => assert.fail(`asked`)}), [], commands.join());
  });

  it(`a dependency's install code is refused; the project's own scripts get a limit line`, () => {
    const input = {commands: [`npm`, `npmscripts:npm`], mentions: [], bins: new Map(), npmPathBins: () => new Map(), linkedBins: {linked: () => [], known: () => new Set<string>(), nodeModulesNamed: installed}};
    const dependency = npmPathFindings({...input, dependency: true});
    assert.equal(dependency.refusals.length, 2);
    assert.deepEqual(dependency.unresolved, []);
    const own = npmPathFindings({...input, dependency: false});
    assert.deepEqual(own.refusals, []);
    assert.equal(own.unresolved.length, 2);
  });
});

describe(`npx of a tool no package provides`, () => {
  it(`is refused unless the PATH the code runs with has that bin (pnpx and bunx too)`, () => {
    const refusals = npxDownloads([`npx`, `npx:zqtool`, `npx:zqabsent`, `bunx:zqother`], hoisted);
    assert.equal(refusals.length, 2);
    assert.match(refusals[0], /^npx zqabsent: no dependency provides zqabsent/);
    assert.match(refusals[1], /^bunx zqother: no dependency provides zqother/);
  });

  it(`directReaches gives a script the same answer, and code reached from it (no bins of its own) none`, () => {
    const input = {commands: [`npx`, `npx:zqabsent`], modules: [], topLevelBins: new Map(), resolveName: () => [], ownName: `zqdep`};
    assert.deepEqual(directReaches({...input, bins: hoisted}).refusals, npxDownloads(input.commands, hoisted));
    assert.deepEqual(directReaches({...input, bins: null}).refusals, []);
  });
});
