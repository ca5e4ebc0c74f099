/**
 * The load guard in an install (see ../policy/loadGuard.ts): armed by the
 * backstop in the environment of each dependency script it lets run, and read
 * back after the builds.
 */

import {type LocatorHash, type Project, formatUtils, structUtils} from '@yarnpkg/core';
import {type Filename, type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';
import {createHash} from 'crypto';

import {ownFolderOf, realFolder} from './installClosure';
import {reachedClosure} from '../policy/copiesOnDisk';
import type {GateFinding} from '../policy/gateTypes';
import {guardOptions, guardSource, type LoadRules} from '../policy/loadGuard';
import {projectState} from '../../core/yarn/projectState';

const LOG = `refusals.jsonl` as Filename;

const guardState = projectState<{startedAt: number, folder?: PortablePath, armed: number}>(`load-guard`, () => ({startedAt: Date.now(), armed: 0}));

/** The first step of an install: files of the project changed after this were written while it ran. */
export function markInstallStart(project: Project) {
  guardState.of(project).startedAt = Date.now();
}

/** A real path as the guard compares it: native, with `/` separators. */
function guardPath(path: PortablePath): string {
  return npath.fromPortablePath(path).replace(/\\/g, `/`);
}

/**
 * Makes every Node process of the script preload the guard: it may load the
 * package's own files as the backstop just hashed them, and the files bound by
 * the approvals of the packages its install runs.
 */
export async function armLoadGuard(project: Project, env: NodeJS.ProcessEnv, {pkg, own, folders, findings}: {pkg: string, own: GateFinding, folders: ReadonlyArray<PortablePath>, findings: readonly GateFinding[]}) {
  const state = guardState.of(project);
  if (state.folder === undefined) {
    const folder = await xfs.mktempPromise();
    await xfs.writeFilePromise(ppath.join(folder, LOG), ``);
    state.folder = folder;
  }
  // The project's own code (a workspace, a portal: or link: folder), as the backstop counts it.
  const isOwnCode = (id: string) => {
    const stored = project.storedPackages.get(id as LocatorHash);
    return stored !== undefined && ownFolderOf(project, stored) !== null;
  };
  const allowed = new Set<string>();
  for (const finding of [own, ...reachedClosure(findings, own.pkg.id, isOwnCode)]) {
    if (!(`error` in finding.pkg.fingerprint)) {
      for (const hash of Object.values(finding.pkg.fingerprint.files)) {
        allowed.add(hash);
      }
    }
  }
  const projectRoot = realFolder(project.cwd);
  const rules: LoadRules = {
    pkg,
    own: folders.map(folder => guardPath(realFolder(folder))),
    allowed: [...allowed].sort(),
    projectRoot: guardPath(projectRoot),
    exempt: [`.pnp.cjs`, `.pnp.loader.mjs`].map(name => guardPath(ppath.join(projectRoot, name as Filename))),
    machineRoots: machineRoots(),
    yarnFiles: process.argv[1] === undefined ? [] : [guardPath(realFolder(npath.toPortablePath(process.argv[1])))],
    startedAt: state.startedAt,
  };
  const file = ppath.join(state.folder, `${createHash(`sha256`).update(JSON.stringify(rules.own)).digest(`hex`).slice(0, 16)}.cjs` as Filename);
  await xfs.writeFilePromise(file, guardSource(rules, guardPath(ppath.join(state.folder, LOG))));
  state.armed += 1;
  // First, so that what the environment preloads after it (Yarn's .pnp.cjs, a
  // project's own NODE_OPTIONS) is guarded too.
  env.NODE_OPTIONS = `${guardOptions(guardPath(file))}${env.NODE_OPTIONS ? ` ${env.NODE_OPTIONS}` : ``}`;
}

/** The folder of the Node.js that runs the scripts (npm, corepack and global packages beside it). */
function machineRoots(): Array<string> {
  const node = realFolder(npath.toPortablePath(process.execPath));
  // node is <prefix>/bin/node, or <prefix>\node.exe on Windows.
  return [guardPath(process.platform === `win32` ? ppath.dirname(node) : ppath.dirname(ppath.dirname(node)))];
}

/**
 * After the builds: the loads the guard refused, in the plugin's words. Code
 * that catches the refusal, or deletes the record, still fails the install.
 */
export async function takeLoadRefusals(project: Project): Promise<Array<string>> {
  const state = guardState.existing(project);
  if (state?.folder === undefined || state.armed === 0)
    return [];
  const {configuration} = project;
  const log = ppath.join(state.folder, LOG);
  state.armed = 0;
  let text: string;
  try {
    text = await xfs.readFilePromise(log, `utf8`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== `ENOENT`)
      throw error;
    return [`yarn-plugin-trust cannot tell what the install scripts loaded: the record of its load guard (${formatUtils.pretty(configuration, log, formatUtils.Type.PATH)}) was deleted while they ran, which only code of a script does. Run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)} again and read what each script runs with ${formatUtils.pretty(configuration, `yarn trust status`, formatUtils.Type.CODE)}`];
  }
  await xfs.writeFilePromise(log, ``);
  const refusals: Array<string> = [];
  for (const line of text.split(`\n`)) {
    if (line.trim() === ``)
      continue;
    let entry: {pkg?: unknown, file?: unknown, reason?: unknown};
    try {
      entry = JSON.parse(line);
    } catch {
      refusals.push(`yarn-plugin-trust cannot read a line of the record of its load guard (${formatUtils.pretty(configuration, log, formatUtils.Type.PATH)}): ${JSON.stringify(line.slice(0, 200))}. A script wrote to it; treat the install as refused and run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)} again`);
      continue;
    }
    const pkg = typeof entry.pkg === `string` ? entry.pkg : `?`;
    const file = typeof entry.file === `string` ? entry.file : `?`;
    const name = structUtils.tryParseIdent(pkg.replace(/@[^@]*$/, ``));
    const shown = file.startsWith(`/`) || /^[A-Za-z]:/.test(file) ? formatUtils.pretty(configuration, npath.toPortablePath(file), formatUtils.Type.PATH) : formatUtils.pretty(configuration, file, formatUtils.Type.CODE);
    refusals.push([
      `yarn-plugin-trust refused what a script of ${formatUtils.pretty(configuration, pkg, formatUtils.Type.NAME)} loaded while it ran: code that no approval covers (${shown}).`,
      `  ${String(entry.reason)}`,
      `  Node did not run it. The install code reaches it in a way the plugin's reading of it does not follow; ${formatUtils.pretty(configuration, `yarn trust status`, formatUtils.Type.CODE)} shows what it was approved to run. If the package should run it, it needs a review: report it to the package's authors, or deny the package with ${formatUtils.pretty(configuration, `yarn trust deny${name === null ? ` <package>` : ` ${structUtils.stringifyIdent(name)}`}`, formatUtils.Type.CODE)}`,
    ].join(`\n`));
  }
  return [...new Set(refusals)];
}
