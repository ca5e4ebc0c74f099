/**
 * `yarn trust check --format sarif`: the check's findings as a SARIF 2.1.0
 * log for code scanning. Pure: the findings and the texts of the files they
 * point at in, the log object out.
 */

import {createHash} from 'crypto';

import {findLockfileEntry, lockfileEntries, manifestDependencyLine, manifestKeyLine, yamlKeyLine} from './locations';
import {type CheckName, RULES, type RuleSpec, ruleOf, type SarifLevel} from './rules';

/** The plugin's version, as in package.json (a unit test keeps them equal). */
export const PLUGIN_VERSION = `0.1.0`;

export const SARIF_SCHEMA = `https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json`;

/** Which version of the fingerprint below; bump it when what it hashes changes. */
const FINGERPRINT_KEY = `yarnTrust/v1`;

/** One finding of `yarn trust check`, whatever the output format. */
export interface CheckRecord {
  check: CheckName;
  /** A rule of `RULES`, e.g. `scripts/pending`. */
  ruleId: string;
  level: SarifLevel;
  /**
   * The package concerned: its name, the version when the finding is about
   * one release, and its locator as yarn.lock resolves it when known.
   */
  package: {name: string, version: string | null, locator: string | null} | null;
  /**
   * Where a finding is located instead of the package's lockfile entry: a
   * file of the project and the key path of the setting in it.
   */
  target?: {file: string, key: Array<string>};
  /** What identifies a finding about no package across runs (a setting path); defaults to the target's key. */
  subject?: string;
  /** The plugin's message, without ANSI escapes. */
  message: string;
  /** The command that fixes it, when there is one. */
  fix: string | null;
}

export interface ProjectFiles {
  /** The lockfile's path from the project root (`yarn.lock`) and its text, null when the project has none. */
  lockfile: {path: string, text: string} | null;
  /** .yarnrc.yml at the project root, null when absent. */
  yarnrc: string | null;
  /** Each workspace's package.json: its path from the project root, its text, and the locators its dependencies resolve to. */
  manifests: Array<{path: string, text: string, dependencies: Array<{name: string, locator: string}>}>;
  /** The project root as a `file:` URI ending with `/`, for `%SRCROOT%`; null leaves it to the consumer. */
  rootUri: string | null;
}

/** The project's own settings file, where settings findings are located. */
export const YARNRC = `.yarnrc.yml`;

/** Removes ANSI escape sequences (colors, OSC 8 hyperlinks) from a message Yarn formatted for a terminal. */
export function withoutAnsi(text: string): string {
  return text.replace(/\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[\u001B\u009B][[\]()#;?]*(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-nq-uy=><~]/g, ``);
}

/**
 * Stable across runs, independent of line numbers and message wording: the
 * rule and the package's name (and version, for rules about one release), or
 * the subject of a finding about no package.
 */
export function fingerprintOf(record: CheckRecord): string {
  const {rule} = ruleOf(record.ruleId);
  const identity = record.package !== null
    ? [record.package.name, rule.perVersion ? record.package.version ?? record.package.locator : null]
    : [record.subject ?? record.target?.key.join(`.`) ?? record.message];
  return createHash(`sha256`).update(JSON.stringify([record.ruleId, ...identity])).digest(`hex`);
}

function artifact(uri: string) {
  return {uri, uriBaseId: `%SRCROOT%`};
}

function physical(uri: string, line: number | null) {
  return line === null ? {artifactLocation: artifact(uri)} : {artifactLocation: artifact(uri), region: {startLine: line}};
}

function ruleDescriptor(rule: RuleSpec) {
  const markdown = rule.fix === null ? rule.help : `${rule.help.replace(/ Run: .*$/, ``)}\n\n\`\`\`sh\n${rule.fix}\n\`\`\``;
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: {text: rule.short},
    fullDescription: {text: rule.full},
    help: {text: rule.help, markdown},
    defaultConfiguration: {level: rule.level},
    properties: {
      tags: rule.tags,
      [`security-severity`]: rule.securitySeverity.toFixed(1),
      precision: rule.precision,
    },
  };
}

/** The SARIF log of one `yarn trust check`: one run, every rule, one result per record in order. */
export function sarifLog(records: ReadonlyArray<CheckRecord>, files: ProjectFiles) {
  const entries = files.lockfile === null ? [] : lockfileEntries(files.lockfile.text);
  const lockfilePath = files.lockfile?.path ?? `yarn.lock`;

  const locate = (record: CheckRecord) => {
    if (record.target !== undefined) {
      const {file, key} = record.target;
      const text = file === YARNRC ? files.yarnrc : files.manifests.find(manifest => manifest.path === file)?.text ?? null;
      const line = text === null ? null : file.endsWith(`.json`) ? manifestKeyLine(text, key) : yamlKeyLine(text, key);
      return physical(file, line);
    }
    if (record.package !== null)
      return physical(lockfilePath, findLockfileEntry(entries, record.package)?.line ?? null);
    return physical(lockfilePath, null);
  };

  // The workspaces that depend on the package directly, at the line that names it.
  const related = (record: CheckRecord) => {
    if (record.target !== undefined || record.package === null)
      return [];
    const locator = record.package.locator ?? findLockfileEntry(entries, record.package)?.resolution ?? null;
    const locations = [];
    for (const manifest of files.manifests) {
      for (const dependency of manifest.dependencies) {
        if (dependency.locator !== locator)
          continue;
        const where = manifestDependencyLine(manifest.text, dependency.name);
        locations.push({
          id: locations.length + 1,
          physicalLocation: physical(manifest.path, where?.line ?? null),
          message: {text: `${manifest.path} depends on it directly${where !== null ? ` (${where.field}.${dependency.name})` : ``}`},
        });
      }
    }
    return locations;
  };

  const results = records.map(record => {
    const {index} = ruleOf(record.ruleId);
    const relatedLocations = related(record);
    return {
      ruleId: record.ruleId,
      ruleIndex: index,
      level: record.level,
      message: {text: withoutAnsi(record.message)},
      locations: [{physicalLocation: locate(record)}],
      ...relatedLocations.length > 0 ? {relatedLocations} : {},
      partialFingerprints: {[FINGERPRINT_KEY]: fingerprintOf(record)},
      properties: {
        check: record.check,
        ...record.package !== null ? {package: record.package.locator ?? record.package.name} : {},
        ...record.fix !== null ? {fix: record.fix} : {},
      },
    };
  });

  return {
    $schema: SARIF_SCHEMA,
    version: `2.1.0` as const,
    runs: [{
      tool: {
        driver: {
          name: `yarn-plugin-trust`,
          // The project has no public home yet (package.json names no repository or homepage).
          semanticVersion: PLUGIN_VERSION,
          version: PLUGIN_VERSION,
          rules: RULES.map(ruleDescriptor),
        },
      },
      originalUriBaseIds: {'%SRCROOT%': files.rootUri !== null ? {uri: files.rootUri} : {description: {text: `The project root (the folder of yarn.lock)`}}},
      columnKind: `utf16CodeUnits` as const,
      results,
    }],
  };
}
