/**
 * Opening the project for a trust command the way Yarn's commands do, with the
 * checks' safeguards on its downloads and requests; Yarn's `built` flags.
 */

import type {CommandContext} from '@yarnpkg/cli';
import {Cache, Configuration, MessageName, type Package, Project, ReportError, structUtils} from '@yarnpkg/core';

import {noteArchiveChecksum} from '../../checksums/yarn/commandPins';
import {contextOf} from '../../checksums/yarn/context';
import {guardRequestsOf} from '../../confusion/yarn/model';
import {loadPins} from '../../core/yarn/pinsStore';
import {onArchiveFetched} from '../../installScripts/yarn/installProfiles';

/**
 * Opens the project the way Yarn's own commands do. `restoreInstallState`
 * falls back to resolving from the lockfile alone, which is what lets the trust
 * commands work in a fresh clone before the first install.
 */
export async function openProject(context: CommandContext, configuration?: Configuration) {
  const projectConfiguration = configuration ?? await Configuration.find(context.cwd, context.plugins);
  const {project} = await Project.find(projectConfiguration, context.cwd);
  try {
    await project.restoreInstallState();
  } catch (error) {
    throw new ReportError(MessageName.UNNAMED, `The project could not be read from yarn.lock: ${(error as Error).message}`);
  }
  // Downloads made by a command are verified like those of an install, and
  // pinned when reading the project's scripts had to fetch them.
  contextOf(project).pins = await loadPins(projectConfiguration);
  onArchiveFetched(project, (pkg, checksum) => noteArchiveChecksum(project, pkg, checksum));
  // Requests of the command never carry an internal name to another registry,
  // private workspaces included.
  guardRequestsOf(project);
  const cache = await Cache.find(projectConfiguration);
  return {configuration: projectConfiguration, project, cache};
}

/** Packages (not workspaces, not virtual instances) resolved under this name. */
export function packagesNamed(project: Project, name: string): Package[] {
  return [...project.storedPackages.values()].filter(pkg =>
    !structUtils.isVirtualLocator(pkg)
    && structUtils.stringifyIdent(pkg) === name
    && project.tryWorkspaceByLocator(pkg) === null);
}

/**
 * Makes Yarn's native allowlist (`dependenciesMeta.<name>.built` in the root
 * package.json) agree with a trust decision: true for approved, false for
 * denied, absent after a revoke. Version-specific `built` flags for the same
 * name are dropped because they would override the decision for one version.
 */
export async function setBuiltFlag(project: Project, name: string, built: boolean | undefined) {
  const workspace = project.topLevelWorkspace;
  const metaByRange = workspace.manifest.dependenciesMeta.get(name) ?? new Map();

  for (const [range, meta] of metaByRange) {
    if (range !== null && typeof meta.built !== `undefined`) {
      delete meta.built;
      if (isEmptyMeta(meta)) {
        metaByRange.delete(range);
      }
    }
  }

  const nameMeta = metaByRange.get(null) ?? {};
  if (typeof built === `undefined`)
    delete nameMeta.built;
  else
    nameMeta.built = built;

  if (!isEmptyMeta(nameMeta))
    metaByRange.set(null, nameMeta);
  else
    metaByRange.delete(null);

  if (metaByRange.size > 0)
    workspace.manifest.dependenciesMeta.set(name, metaByRange);
  else
    workspace.manifest.dependenciesMeta.delete(name);

  await workspace.persistManifest();
}

/** Yarn parses absent flags as keys holding `undefined`; those do not count. */
function isEmptyMeta(meta: object) {
  return Object.values(meta).every(value => typeof value === `undefined`);
}
