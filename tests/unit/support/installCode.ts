/** Install code of a package for the attack tests: a `postinstall` that runs `install.js`, a `child.js`, and a dependency `zqhelp`. */
import {analyzeInstall} from '../../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './memoryPackage';

export function analysedInstallCode(code: string) {
  const postinstall = `node install.js`;
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}, dependencies: {zqhelp: `^1.0.0`}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`child.js`]: `console.log(1);\n`, [`install.js`]: `${code}\n`}), everyFile: true});
}

/** The limit lines a scan of `install.js` names for what it cannot follow. */
export const INDIRECT_LIMIT = /install\.js: calls a child_process function under another name or indirectly/;
export const ENVIRONMENT_LIMIT = /install\.js: sets variables named at run time for the commands it runs/;
