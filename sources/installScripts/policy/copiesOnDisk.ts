/**
 * The backstop's view of the other packages whose code an install script
 * runs: their copies on disk (a `node_modules` restored from a CI cache, or
 * edited by hand) must hold the bytes the gate judged in the archives, or
 * the script does not start (outside attack round 8, C17).
 */
import type {InstallFingerprint} from './fingerprint';
import {isBuildOutput, isNestedModuleFile} from './fingerprint/tables';
import type {GateFinding} from './gateTypes';

/** Files a copy on disk may hold beyond what an approval binds: its manifest (whose fields are bound one by one) and Yarn's `.ready` in an unplugged folder. */
const UNBOUND = /^package\.json$|^\.ready$/;

/**
 * The packages whose code the install code of `id` runs, transitively (the
 * packages other install code reaches). `isOwnCode` names the project's own
 * code (a workspace, a `portal:` folder), which is no finding: what it reaches
 * counts as reached, so that a chain through it is not cut (round 16, G42).
 */
export function reachedClosure(findings: readonly GateFinding[], id: string, isOwnCode: (id: string) => boolean = () => false): GateFinding[] {
  const reached = new Set([id]);
  for (let grown = true; grown;) {
    grown = false;
    for (const finding of findings) {
      if (!reached.has(finding.pkg.id) && (finding.pkg.reachedFrom ?? []).some(from => reached.has(from.id) || isOwnCode(from.id))) {
        reached.add(finding.pkg.id);
        grown = true;
      }
    }
  }
  return findings.filter(finding => finding.pkg.id !== id && reached.has(finding.pkg.id));
}

/**
 * How a copy on disk (`path` → hash of every file below the package's
 * folder but its node_modules) differs from the fingerprint the gate
 * approved: a bound file changed or gone, or a file added other than
 * Yarn's `.ready`. A package with install scripts of its own
 * may have added build output (`build/`, `.ready`): only its bound files are
 * compared, and the added files that the code reached in it runs on disk
 * (`run`, read again from the copy). Empty when the copy is what was approved.
 */
export function copyDifference(approved: InstallFingerprint, onDisk: ReadonlyMap<string, string>, {ownScripts, archiveNodeModules = false, run}: {ownScripts: boolean, archiveNodeModules?: boolean, run?: {runs?: readonly string[], loadsAnyFile?: boolean}}): Array<string> {
  const differences: Array<string> = [];
  // The archive's own node_modules folder: on disk, the node-modules linker's
  // (it drops the archive's, or installs dependencies there); the pnpm linker
  // and PnP keep the archive's (`archiveNodeModules`).
  const bound = Object.keys(approved.files).filter(path => !path.startsWith(`package.json#`) && !path.startsWith(`PATH#`) && (archiveNodeModules || !path.startsWith(`node_modules/`)));
  for (const path of bound) {
    const found = onDisk.get(path);
    if (found === undefined)
      differences.push(`${path} is missing`);
    else if (found !== approved.files[path])
      differences.push(`${path} changed`);
  }
  const known = new Set(bound);
  const runs = new Set(run?.runs ?? []);
  for (const path of [...onDisk.keys()].sort()) {
    if (known.has(path) || UNBOUND.test(path))
      continue;
    // A package with scripts of its own may have added build output, but not
    // a node_modules folder below its root: Node loads a copy there before the
    // approved one (outside round 46, N1); nor a file that the code reached in
    // it now loads (`lib/util` found before the approved `lib/util.js`:
    // outside round 50, R1).
    if (!ownScripts || isNestedModuleFile(path))
      differences.push(`${path} was added`);
    else if (runs.has(path) || (run?.loadsAnyFile === true && !isBuildOutput(path)))
      differences.push(`${path} was added, and the code the install runs in it loads it`);
  }
  return differences;
}

/**
 * The PATH a dependency's script gets without the bin folders it inherited
 * from whoever started Yarn (outside attack round 8, C41, C50): a `yarn run`
 * script that runs `yarn install` passes on its own bin folder
 * (`BERRY_BIN_FOLDER`), which holds the root workspace's dependency bins, and
 * a shell may export `node_modules/.bin`. An approval was judged with the bins
 * Yarn itself puts on that PATH, so a root dependency's `make` or an unknown
 * command word must not be found there.
 */
export function withoutInheritedBins(path: string, {parentBinFolder, delimiter}: {parentBinFolder: string | undefined, delimiter: string}): string {
  return path.split(delimiter).filter(entry => {
    const trimmed = entry.replace(/[/\\]+$/, ``);
    return trimmed !== `` ? !(parentBinFolder !== undefined && trimmed === parentBinFolder.replace(/[/\\]+$/, ``)) && !/(?:^|[/\\])node_modules[/\\]\.bin$/.test(trimmed) : true;
  }).join(delimiter);
}
