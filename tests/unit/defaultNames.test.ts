/**
 * In-house round 36: under npm, the PATH of what a dependency's install code
 * runs holds every hoisted bin, and a program it starts may run any of them
 * by a default name no script writes (cargo → rustc, rounds 12-35 found one
 * more name each time). A dependency's install code is bound to all of them;
 * the project's own scripts, which need no approval, only to the ones they
 * name and the ones named like system tools.
 */
import assert from 'node:assert/strict';

import {directReaches, npmPathReaches, type VisibleBin} from '../../sources/installScripts/policy/installClosure';

const hoisted = new Map<string, VisibleBin[]>([
  [`zqtool`, [{id: `tool`, path: `cli.js`}]],
  [`uname`, [{id: `fake`, path: `uname.js`}]],
  [`zqown`, [{id: `own`, path: `own.js`}]],
]);
const ownBins = new Map<string, VisibleBin[]>([[`zqown`, [{id: `own`, path: `own.js`}]]]);

describe(`programs that start others by default names`, () => {
  it(`a dependency's install code that runs npm reaches every hoisted bin, named or not, but not again the bins Yarn's PATH holds`, () => {
    const reaches = npmPathReaches({commands: [`npm`], mentions: [], bins: ownBins, npmPathBins: () => hoisted, everyPathBin: true});
    assert.deepEqual(reaches.map(reach => [reach.id, reach.entry, reach.shadows]), [
      [`tool`, {kind: `file`, path: `cli.js`}, undefined],
      [`fake`, {kind: `file`, path: `uname.js`}, `uname`],
    ]);
    assert.match(reaches[0].via, /^its bin zqtool is on that PATH, where any program the script starts may run it \(npm puts/);
  });

  it(`npx and pnpm put the same folders on the PATH`, () => {
    for (const commands of [[`npx:zqtool`], [`pnpm`], [`pnpx:zq`]])
      assert.deepEqual(npmPathReaches({commands, mentions: [], bins: new Map(), npmPathBins: () => hoisted, everyPathBin: true}).map(reach => reach.id).sort(), [`fake`, `own`, `tool`], commands.join());
  });

  it(`the project's own scripts reach only what they name and what is named like a system tool`, () => {
    const reaches = npmPathReaches({commands: [`npm`], mentions: [`zqown`], bins: new Map(), npmPathBins: () => hoisted, everyPathBin: false});
    assert.deepEqual(reaches.map(reach => reach.id), [`fake`, `own`]);
  });

  it(`code that runs no npm reaches nothing there, and never asks for the hoisted bins`, () => {
    const reaches = npmPathReaches({commands: [`node`, `make`], mentions: [`zqtool`], bins: new Map(), npmPathBins: () => assert.fail(`asked`), everyPathBin: true});
    assert.deepEqual(reaches, []);
  });

  it(`directReaches gives a dependency's script the same reach`, () => {
    const {reaches} = directReaches({commands: [`npm`], modules: [], bins: ownBins, topLevelBins: new Map(), npmPathBins: () => hoisted, resolveName: () => [], ownName: `zqdep`, everyPathBin: true});
    assert.deepEqual(reaches.map(reach => reach.id).sort(), [`fake`, `own`, `tool`]);
  });
});
