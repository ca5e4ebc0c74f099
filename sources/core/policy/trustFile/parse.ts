/** Reads the trust file strictly: every value checked, every problem reported with its file, line and column. */

import {JsonSyntaxError, parseJson} from '../json';
import type {JsonEntry, JsonNode, JsonObjectNode, Pos} from '../jsonTree';
import {type Approval, type CollisionAcknowledgement, FINDING_KINDS, isNameFinding, type ReleaseAllowance, type ReleaseFindingKind, type Denial, type GitCommitApproval, type GitDependencyTrust, INTEGRITY, LIFECYCLE_RANK, LIFECYCLE_SCRIPTS, type PackageTrust, TRUST_FILE_VERSION, type TrustFile, TrustFileError, setKey} from './types';
import {filePathProblem, GIT_COMMIT, isExactVersion, isUtcTimestamp, packageNameProblem, registryUrlProblem, repositoryUrlProblem} from './values';
import {approvalKey, compareAllowances, compareApprovals, compareGitApprovals, compareKinds} from './order';

// ---------------------------------------------------------------------------
// Parsing.

const keyPath = (path: string, key: string) => `${path}[${JSON.stringify(key)}]`;
const fieldPath = (path: string, field: string) => path === `` ? field : `${path}.${field}`;
const pathLabel = (path: string) => path === `` ? `top level` : path;

export const MAX_QUOTED = 60;

export function quote(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.length > MAX_QUOTED ? `${quoted.slice(0, MAX_QUOTED - 4)}..."` : quoted;
}

export function describe(node: JsonNode): string {
  switch (node.kind) {
    case `object`:
      return node.entries.length === 0 ? `an empty object` : `an object`;
    case `array`:
      return node.items.length === 0 ? `an empty array` : `an array`;
    case `string`:
      return `the string ${quote(node.value)}`;
    case `number`:
      return `the number ${node.value}`;
    case `boolean`:
      return `the boolean ${node.value}`;
    case `null`:
      return `null`;
  }
}

const listKeys = (keys: Array<string>) => keys.map(key => JSON.stringify(key)).join(`, `);

export interface ObjectShape {
  /** Every allowed key, in the order written (and listed in messages). */
  keys: Array<string>;
  required: Array<string>;
}

export class TrustFileReader {
  constructor(private readonly file: string) {}

  fail(pos: Pos, path: string, problem: string): never {
    throw new TrustFileError(this.file, `${pathLabel(path)}: ${problem}`, pos);
  }

  expected(node: JsonNode, path: string, what: string): never {
    this.fail(node.pos, path, `expected ${what}, found ${describe(node)}`);
  }

  object(node: JsonNode, path: string, what: string): JsonObjectNode {
    if (node.kind !== `object`)
      this.expected(node, path, what);
    return node;
  }

  string(node: JsonNode, path: string, what: string, accept: (value: string) => boolean): string {
    if (node.kind !== `string` || !accept(node.value))
      this.expected(node, path, what);
    return node.value;
  }

  /** Refuses unknown keys first (they often explain a "missing" one: a typo). */
  fields(node: JsonObjectNode, path: string, shape: ObjectShape): Map<string, JsonEntry> {
    const allowed = shape.keys;
    const fields = new Map<string, JsonEntry>();
    for (const entry of node.entries) {
      if (!allowed.includes(entry.key))
        this.fail(entry.keyPos, path, `unknown key ${quote(entry.key)}; allowed keys are ${listKeys(allowed)}`);
      fields.set(entry.key, entry);
    }

    for (const key of shape.required) {
      if (!fields.has(key)) {
        this.fail(node.pos, path, `missing required key ${JSON.stringify(key)}`);
      }
    }

    return fields;
  }

  read(root: JsonNode): TrustFile {
    const top = this.object(root, ``, `an object with "version" and "packages"`);

    // The version is judged before anything else: a newer file may well use
    // keys this version does not know, and "upgrade" is the useful answer.
    const versionEntry = top.entries.find(entry => entry.key === `version`);
    if (versionEntry === undefined)
      this.fail(top.pos, ``, `missing required key "version"`);
    this.version(versionEntry.value);

    const fields = this.fields(top, ``, {keys: [`version`, `packages`, `collisions`, `gitDependencies`, `releases`], required: [`version`, `packages`]});
    const packages = this.packages(fields.get(`packages`)!.value);
    // Optional so that files written before collisions existed stay valid.
    const collisions = fields.get(`collisions`);
    const gitDependencies = fields.get(`gitDependencies`);
    const releases = fields.get(`releases`);
    return {
      version: TRUST_FILE_VERSION, packages, collisions: collisions !== undefined ? this.collisions(collisions.value) : {},
      ...(gitDependencies !== undefined ? {gitDependencies: readGitDependencies(this, gitDependencies.value)} : {}),
      ...(releases !== undefined ? {releases: readReleases(this, releases.value)} : {}),
    };
  }

  version(node: JsonNode) {
    if (node.kind === `number` && Number.isInteger(node.value) && node.value > TRUST_FILE_VERSION)
      this.fail(node.pos, `version`, `unsupported trust file version ${node.value}; this version of yarn-plugin-trust reads version ${TRUST_FILE_VERSION} — upgrade the plugin`);
    if (node.kind !== `number` || node.value !== TRUST_FILE_VERSION) {
      this.expected(node, `version`, `the number ${TRUST_FILE_VERSION}`);
    }
  }

  packages(node: JsonNode): Record<string, PackageTrust> {
    return this.byPackageName(node, `packages`, `an object mapping package names to their trust entries`, (value, path) => this.packageTrust(value, path), {legacyNames: true});
  }

  collisions(node: JsonNode): Record<string, CollisionAcknowledgement> {
    return this.byPackageName(node, `collisions`, `an object mapping package names to collision acknowledgements`, (value, path) => this.acknowledgement(value, path));
  }

  byPackageName<T>(node: JsonNode, path: string, what: string, readValue: (value: JsonNode, path: string) => T, {legacyNames = false} = {}): Record<string, T> {
    const record: Record<string, T> = {};

    for (const entry of this.object(node, path, what).entries) {
      const entryPath = keyPath(path, entry.key);
      const problem = packageNameProblem(entry.key, {legacy: legacyNames});
      if (problem !== null)
        this.fail(entry.keyPos, entryPath, `invalid package name: ${problem}; expected an npm package name such as "esbuild" or "@scope/name"`);
      setKey(record, entry.key, readValue(entry.value, entryPath));
    }

    return record;
  }

  packageTrust(node: JsonNode, path: string): PackageTrust {
    const object = this.object(node, path, `an object with either "approvals" or "denied"`);
    const fields = this.fields(object, path, {keys: [`approvals`, `denied`], required: []});

    const approvals = fields.get(`approvals`);
    const denied = fields.get(`denied`);
    if (approvals !== undefined && denied !== undefined) {
      const second = object.entries.find(entry => entry === approvals || entry === denied) === approvals ? denied : approvals;
      this.fail(second.keyPos, path, `expected exactly one of "approvals" or "denied", found both`);
    }

    if (approvals !== undefined)
      return {approvals: this.approvals(approvals.value, fieldPath(path, `approvals`))};
    if (denied !== undefined)
      return {denied: this.denial(denied.value, fieldPath(path, `denied`))};

    return this.fail(object.pos, path, `expected exactly one of "approvals" or "denied", found neither`);
  }

  approvals(node: JsonNode, path: string): Array<Approval> {
    if (node.kind !== `array` || node.items.length === 0)
      this.expected(node, path, `a non-empty array of approvals`);

    const firstSeen = new Map<string, Pos>();
    const approvals = node.items.map((item, index) => {
      const itemPath = `${path}[${index}]`;
      const {approval, versionPos} = this.approval(item, itemPath);

      const key = approvalKey(approval);
      const first = firstSeen.get(key);
      if (first !== undefined)
        this.fail(versionPos, fieldPath(itemPath, `version`), `duplicate approval for version ${JSON.stringify(approval.version)} with the same scripts and files (first at line ${first.line})`);
      firstSeen.set(key, versionPos);

      return approval;
    });

    return approvals.sort(compareApprovals);
  }

  approval(node: JsonNode, path: string): {approval: Approval, versionPos: Pos} {
    const object = this.object(node, path, `an approval object`);
    const fields = this.fields(object, path, {keys: [`version`, `scripts`, `files`, `approvedAt`, `reason`], required: [`version`, `scripts`, `files`, `approvedAt`]});

    const versionNode = fields.get(`version`)!.value;
    const approval: Approval = {
      version: this.string(versionNode, fieldPath(path, `version`), `an exact semver version such as "1.2.3"`, isExactVersion),
      scripts: this.scripts(fields.get(`scripts`)!.value, fieldPath(path, `scripts`)),
      files: this.files(fields.get(`files`)!.value, fieldPath(path, `files`)),
      approvedAt: this.timestamp(fields.get(`approvedAt`)!.value, fieldPath(path, `approvedAt`)),
    };
    if (Object.keys(approval.scripts).length === 0 && Object.keys(approval.files).length === 0)
      this.fail(fields.get(`scripts`)!.value.pos, fieldPath(path, `scripts`), `expected install scripts, or files that other packages run at install time; found neither`);

    const reason = fields.get(`reason`);
    if (reason !== undefined)
      approval.reason = this.reason(reason.value, fieldPath(path, `reason`));

    return {approval, versionPos: versionNode.pos};
  }

  denial(node: JsonNode, path: string): Denial {
    const object = this.object(node, path, `a denial object`);
    const fields = this.fields(object, path, {keys: [`deniedAt`, `reason`], required: [`deniedAt`]});

    const denial: Denial = {
      deniedAt: this.timestamp(fields.get(`deniedAt`)!.value, fieldPath(path, `deniedAt`)),
    };

    const reason = fields.get(`reason`);
    if (reason !== undefined)
      denial.reason = this.reason(reason.value, fieldPath(path, `reason`));

    return denial;
  }

  acknowledgement(node: JsonNode, path: string): CollisionAcknowledgement {
    const object = this.object(node, path, `an acknowledgement object`);
    const fields = this.fields(object, path, {keys: [`acknowledgedAt`, `reason`, `publicRegistry`], required: [`acknowledgedAt`, `publicRegistry`]});

    const acknowledgement: CollisionAcknowledgement = {
      acknowledgedAt: this.timestamp(fields.get(`acknowledgedAt`)!.value, fieldPath(path, `acknowledgedAt`)),
      publicRegistry: this.registryUrl(fields.get(`publicRegistry`)!.value, fieldPath(path, `publicRegistry`)),
    };

    const reason = fields.get(`reason`);
    if (reason !== undefined)
      acknowledgement.reason = this.reason(reason.value, fieldPath(path, `reason`));

    return acknowledgement;
  }

  scripts(node: JsonNode, path: string): Record<string, string> {
    // Empty for the approval of code that other packages' install scripts run.
    const object = this.object(node, path, `an object mapping script names to commands`);
    if (object.entries.length === 0)
      return {};

    const scripts: Record<string, string> = {};
    for (const entry of object.entries) {
      const entryPath = keyPath(path, entry.key);
      if (entry.key.length === 0)
        this.fail(entry.keyPos, entryPath, `expected a script name, found an empty key`);
      setKey(scripts, entry.key, this.string(entry.value, entryPath, `a non-empty command string`, value => value.length > 0));
    }

    if (!object.entries.some(entry => LIFECYCLE_RANK.has(entry.key)))
      this.fail(object.pos, path, `expected at least one of ${listKeys(LIFECYCLE_SCRIPTS)}, found only ${listKeys(object.entries.map(entry => entry.key))}`);

    return scripts;
  }

  files(node: JsonNode, path: string): Record<string, string> {
    const object = this.object(node, path, `an object mapping file paths to "sha512-<base64>" hashes`);

    const files: Record<string, string> = {};
    for (const entry of object.entries) {
      const entryPath = keyPath(path, entry.key);
      const problem = filePathProblem(entry.key);
      if (problem !== null)
        this.fail(entry.keyPos, entryPath, `invalid file path: ${problem}; expected a relative POSIX path such as "lib/install.js"`);
      setKey(files, entry.key, this.string(entry.value, entryPath, `an integrity hash "sha512-<base64>"`, value => INTEGRITY.test(value)));
    }

    return files;
  }

  timestamp(node: JsonNode, path: string): string {
    return this.string(node, path, `an ISO-8601 UTC timestamp such as "2026-11-26T10:00:00.000Z"`, isUtcTimestamp);
  }

  reason(node: JsonNode, path: string): string {
    return this.string(node, path, `a non-empty string`, value => value.length > 0);
  }

  registryUrl(node: JsonNode, path: string): string {
    const what = `an absolute "https:" or "http:" registry URL such as "https://registry.npmjs.org"`;
    const url = this.string(node, path, what, () => true);
    const problem = registryUrlProblem(url);
    if (problem !== null)
      this.fail(node.pos, path, `invalid registry URL ${quote(url)}: ${problem}; expected ${what}`);
    return url;
  }
}

/** Strict: anything the format does not allow is an error that points at it. */
export function parseTrustFile(text: string, file: string): TrustFile {
  if (/^\uFEFF?[ \t\r\n]*$/.test(text))
    throw new TrustFileError(file, `the trust file is empty; expected a JSON object such as {"version": ${TRUST_FILE_VERSION}, "packages": {}}`);

  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError))
      throw error;
    throw new TrustFileError(file, `invalid JSON: ${error.reason}`, {line: error.line, column: error.column});
  }

  return new TrustFileReader(file).read(root);
}

export function readGitDependencies(reader: TrustFileReader, node: JsonNode): GitDependencyTrust {
  const path = `gitDependencies`;
  const record: GitDependencyTrust = {};
  for (const entry of reader.object(node, path, `an object mapping repository URLs to their approved commits`).entries) {
    const entryPath = keyPath(path, entry.key);
    const problem = repositoryUrlProblem(entry.key);
    if (problem !== null)
      reader.fail(entry.keyPos, entryPath, `invalid repository URL: ${problem}; expected a URL such as "https://github.com/owner/repo.git"`);
    const object = reader.object(entry.value, entryPath, `an object with "approvals"`);
    const fields = reader.fields(object, entryPath, {keys: [`approvals`], required: [`approvals`]});
    setKey(record, entry.key, {approvals: readGitApprovals(reader, fields.get(`approvals`)!.value, fieldPath(entryPath, `approvals`))});
  }
  return record;
}

export function readGitApprovals(reader: TrustFileReader, node: JsonNode, path: string): Array<GitCommitApproval> {
  if (node.kind !== `array` || node.items.length === 0)
    reader.expected(node, path, `a non-empty array of approved commits`);

  const firstSeen = new Map<string, Pos>();
  const approvals = node.items.map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const object = reader.object(item, itemPath, `an approved commit object`);
    const fields = reader.fields(object, itemPath, {keys: [`commit`, `approvedAt`, `reason`], required: [`commit`, `approvedAt`]});
    const commitNode = fields.get(`commit`)!.value;
    const approval: GitCommitApproval = {
      commit: reader.string(commitNode, fieldPath(itemPath, `commit`), `a full 40-digit lowercase commit hash`, value => GIT_COMMIT.test(value)),
      approvedAt: reader.timestamp(fields.get(`approvedAt`)!.value, fieldPath(itemPath, `approvedAt`)),
    };
    const reason = fields.get(`reason`);
    if (reason !== undefined)
      approval.reason = reader.reason(reason.value, fieldPath(itemPath, `reason`));

    const first = firstSeen.get(approval.commit);
    if (first !== undefined)
      reader.fail(commitNode.pos, fieldPath(itemPath, `commit`), `duplicate approval of commit ${approval.commit} (first at line ${first.line})`);
    firstSeen.set(approval.commit, commitNode.pos);
    return approval;
  });
  return approvals.sort(compareGitApprovals);
}

// The `releases` section: findings of the release-trust checks accepted by a reviewer.

export function readReleases(reader: TrustFileReader, node: JsonNode): Record<string, Array<ReleaseAllowance>> {
  return reader.byPackageName(node, `releases`, `an object mapping package names to their allowed findings`, (value, path) => {
    if (value.kind !== `array` || value.items.length === 0)
      reader.expected(value, path, `a non-empty array of allowances`);
    const seen = new Set<string>();
    return value.items.map((item, index) => {
      const itemPath = `${path}[${index}]`;
      const object = reader.object(item, itemPath, `an allowance object`);
      const fields = reader.fields(object, itemPath, {keys: [`version`, `findings`, `allowedAt`, `reason`], required: [`findings`, `allowedAt`, `reason`]});
      const versionNode = fields.get(`version`)?.value;
      const version = versionNode !== undefined ? reader.string(versionNode, fieldPath(itemPath, `version`), `an exact version such as "1.2.3"`, isExactVersion) : undefined;
      const findingsNode = fields.get(`findings`)!.value;
      if (findingsNode.kind !== `array` || findingsNode.items.length === 0)
        reader.expected(findingsNode, fieldPath(itemPath, `findings`), `a non-empty array of finding kinds`);
      const findings = findingsNode.items.map((kindNode, kindIndex) => reader.string(kindNode, fieldPath(itemPath, `findings[${kindIndex}]`), `one of ${FINDING_KINDS.map(kind => JSON.stringify(kind)).join(`, `)}`, kind => (FINDING_KINDS as ReadonlyArray<string>).includes(kind)) as ReleaseFindingKind);
      if (version === undefined) {
        const perRelease = findings.find(kind => !isNameFinding(kind));
        if (perRelease !== undefined) {
          reader.fail(findingsNode.pos, fieldPath(itemPath, `findings`), `"${perRelease}" is a finding about one release: add "version"`);
        }
      }
      const key = version ?? ``;
      if (seen.has(key))
        reader.fail(object.pos, itemPath, version === undefined ? `a second allowance for every version; merge it with the first` : `a second allowance for version ${version}; merge it with the first`);
      seen.add(key);
      const allowance: ReleaseAllowance = {
        ...version !== undefined ? {version} : {},
        findings: [...new Set(findings)].sort(compareKinds),
        allowedAt: reader.timestamp(fields.get(`allowedAt`)!.value, fieldPath(itemPath, `allowedAt`)),
        reason: reader.reason(fields.get(`reason`)!.value, fieldPath(itemPath, `reason`)),
      };
      return allowance;
    }).sort(compareAllowances);
  });
}
