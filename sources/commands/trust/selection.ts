/** Which findings the package arguments of approve/deny select, and what an approval records. */

import {type Configuration, MessageName, type Project, ReportError, formatUtils, structUtils} from '@yarnpkg/core';
import {UsageError} from 'clipanion';

import type {InstallFingerprint} from '../../installScripts/policy/fingerprint';
import type {GateFinding} from '../../installScripts/policy/scriptGate';
import type {Approval} from '../../core/policy/trustFile/types';
import {visibleLine} from '../../core/policy/visibleText';
import {packagesNamed} from './project';

export interface Selection {
  name: string;
  findings: GateFinding[];
}

/**
 * Maps the `<name>` or `<name>@<version>` arguments of approve/deny to the
 * scripted packages of the project. Names come from the resolution, so an
 * alias (`"foo": "npm:bar@1"`) must be approved as `bar`.
 */
export function selectFindings(project: Project, findings: readonly GateFinding[], args: readonly string[], verb: string): Selection[] {
  const byName = new Map<string, Selection>();
  for (const arg of args) {
    const {name, version} = parsePackageArgument(arg);
    const installed = packagesNamed(project, name).filter(pkg => version === null || pkg.version === version);
    if (installed.length === 0) {
      const what = version === null ? name : `${name}@${version}`;
      throw new ReportError(MessageName.MISSING_LOCKFILE_ENTRY, `${what} is not a package of this project (according to yarn.lock); check the name, or add it first with yarn add`);
    }

    const matching = findings.filter(finding => finding.pkg.name === name && (version === null || finding.pkg.version === version));
    if (matching.length === 0)
      throw new ReportError(MessageName.UNNAMED, `${formatUtils.pretty(project.configuration, arg, formatUtils.Type.NAME)} has no install scripts (no preinstall, install, postinstall or binding.gyp); there is nothing to ${verb}. To see what waits for a decision, run ${formatUtils.pretty(project.configuration, `yarn trust status`, formatUtils.Type.CODE)}`);

    const selection = byName.get(name) ?? {name, findings: []};
    for (const finding of matching)
      if (!selection.findings.includes(finding))
        selection.findings.push(finding);
    byName.set(name, selection);
  }
  return [...byName.values()];
}

export function parsePackageArgument(arg: string): {name: string, version: string | null} {
  const descriptor = structUtils.tryParseDescriptor(arg, false);
  if (descriptor === null)
    throw new UsageError(`${arg} is not a package name; expected <name> or <name>@<version>, e.g. esbuild or @parcel/watcher@2.4.1`);
  const name = structUtils.stringifyIdent(descriptor);
  const range = descriptor.range === `unknown` ? null : descriptor.range.replace(/^npm:/, ``);
  return {name, version: range};
}

/** The approval of what `finding` runs today; its fingerprint must be known. */
export function approvalOf(finding: GateFinding, approvedAt: string, reason: string | undefined): Approval {
  const fingerprint = finding.pkg.fingerprint;
  if (`error` in fingerprint)
    throw new Error(`Assertion failed: an undecidable package cannot be approved`);
  return {
    version: finding.pkg.version,
    scripts: fingerprint.scripts,
    files: fingerprint.files,
    approvedAt,
    ...(typeof reason === `string` ? {reason: reason.trim()} : {}),
  };
}

/** What an approval lets run, one line each: the commands, then the executed files with their hashes. */
export function fingerprintLines(configuration: Configuration, fingerprint: InstallFingerprint): string[] {
  return [
    ...Object.entries(fingerprint.scripts).map(([script, command]) => `${visibleLine(script)}: ${formatUtils.pretty(configuration, visibleLine(command), formatUtils.Type.CODE)}`),
    ...Object.entries(fingerprint.files).map(([file, hash]) => `${visibleLine(file)} ${formatUtils.pretty(configuration, hash, `grey`)}`),
  ];
}
