/**
 * The committed trust file, `yarn-trust.json`: what reviewers approved or
 * denied, per package, and which internal names they acknowledged as also
 * existing on a public registry (collisions). Parsing is strict because a
 * file that is read differently by a person and by the tool is worse than no
 * file; writing is canonical so that two people recording the same decisions
 * produce the same bytes, and diffs in review show decisions, not reordering.
 */

import semver from 'semver';

import type {InstallFingerprint} from '../../installScripts/policy/fingerprint';
import {type JsonEntry, type JsonNode, type JsonObjectNode, JsonSyntaxError, type Pos, parseJson} from './json';

export const TRUST_FILE_VERSION = 1;

// An approval stores the fingerprint exactly as the fingerprint module computes it.
export type {InstallFingerprint} from '../../installScripts/policy/fingerprint';

export interface Approval extends InstallFingerprint {
  version: string;
  approvedAt: string;
  reason?: string;
}

export interface Denial {
  deniedAt: string;
  reason?: string;
}

export type PackageTrust = {approvals: Array<Approval>} | {denied: Denial};

/**
 * An internal package name that also exists on a public registry, accepted by
 * a reviewer (typically because the organization owns the public name too).
 */
export interface CollisionAcknowledgement {
  acknowledgedAt: string;
  reason?: string;
  /**
   * Where the collision was seen, as written (absolute `https:`/`http:`, no
   * userinfo, query or fragment). Not normalized here: compare registries
   * after normalizing both sides.
   */
  publicRegistry: string;
}

/** One reviewed commit of a git dependency's repository. */
export interface GitCommitApproval {
  commit: string;
  approvedAt: string;
  reason?: string;
}

/** Repository URL, as Yarn's git fetcher normalizes it → the commits reviewed. */
export type GitDependencyTrust = Record<string, {approvals: Array<GitCommitApproval>}>;

export interface TrustFile {
  version: 1;
  packages: Record<string, PackageTrust>;
  /** Keyed by package name; optional in the file (absent means none), always present here. */
  collisions: Record<string, CollisionAcknowledgement>;
  /** Optional in the file and here (absent means none): see gitDependenciesOf. */
  gitDependencies?: GitDependencyTrust;
}

export class TrustFileError extends Error {
  override readonly name = `TrustFileError`;
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The message without the `file:line:column: ` prefix. */
  readonly reason: string;

  constructor(file: string, reason: string, pos?: Pos) {
    super(pos !== undefined ? `${file}:${pos.line}:${pos.column}: ${reason}` : `${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
    if (pos !== undefined) {
      this.line = pos.line;
      this.column = pos.column;
    }
  }
}

/** The events that run at install time; an approval exists to allow one of them. */
const LIFECYCLE_SCRIPTS = [`preinstall`, `install`, `postinstall`];
const LIFECYCLE_RANK = new Map(LIFECYCLE_SCRIPTS.map((name, rank) => [name, rank]));

const INTEGRITY = /^sha512-[A-Za-z0-9+/]+={0,2}$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{3})?Z$/;
const NAME_PART = /^[a-z0-9~-][a-z0-9._~-]*$/;
const MAX_NAME_LENGTH = 214;

/** Where `serializeTrustFile` says the problem is when it refuses invalid data. */
const SERIALIZED_LABEL = `(trust file being written)`;

export function emptyTrustFile(): TrustFile {
  return {version: TRUST_FILE_VERSION, packages: {}, collisions: {}};
}

// ---------------------------------------------------------------------------
// Value rules, shared by the parser and by callers that validate input early.

/** Why `name` is not an npm package name, or null when it is one. */
export function packageNameProblem(name: string): string | null {
  if (name.length === 0)
    return `the name is empty`;
  if (name.length > MAX_NAME_LENGTH)
    return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (/[A-Z]/.test(name))
    return `it contains uppercase letters`;

  const match = /^(?:@([^/]*)\/)?([^/]*)$/.exec(name);
  if (match === null)
    return `only a scoped name ("@scope/name") may contain "/"`;

  const [, scope, bare] = match;
  for (const part of scope !== undefined ? [scope, bare] : [bare]) {
    if (part.length === 0)
      return `it has an empty ${part === scope ? `scope` : `name`}`;
    if (part.startsWith(`.`) || part.startsWith(`_`))
      return `a name or scope may not start with "." or "_"`;
    if (!NAME_PART.test(part)) {
      return `it contains characters other than lowercase letters, digits, "-", ".", "_" and "~"`;
    }
  }

  return null;
}

export function isValidPackageName(name: string): boolean {
  return packageNameProblem(name) === null;
}

/** Why `path` is not a normalized relative POSIX path, or null when it is one. */
export function filePathProblem(path: string): string | null {
  if (path.length === 0)
    return `the path is empty`;
  if (path.startsWith(`/`))
    return `it is absolute (starts with "/")`;
  if (path.includes(`\\`))
    return `it contains a backslash`;
  if (/[\u0000-\u001f\u007f]/.test(path))
    return `it contains a control character`;

  for (const segment of path.split(`/`)) {
    if (segment === ``)
      return `it has an empty segment`;
    if (segment === `..`)
      return `it has a ".." segment`;
    // "./a.js" and "a.js" would be two keys for one file.
    if (segment === `.`) {
      return `it has a "." segment`;
    }
  }

  return null;
}

/** Exact versions only, in the form semver itself prints them. */
export function isExactVersion(version: string): boolean {
  const parsed = semver.parse(version);
  if (parsed === null)
    return false;

  // semver.parse also takes " v1.2.3"; only the canonical spelling is accepted
  // so that one release has one spelling in the file.
  const build = parsed.build.length > 0 ? `+${parsed.build.join(`.`)}` : ``;
  return `${parsed.version}${build}` === version;
}

/** Printable ASCII only: URL parsers silently drop tabs and newlines and map look-alike Unicode. */
const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;

/**
 * Why `url` is not usable as a registry URL, or null when it is one: an
 * absolute `https:` or `http:` URL written with "//" and a host, without
 * userinfo (`https://registry.npmjs.org@evil.com` reads as npm to a person),
 * a query or a fragment. Spelling is not normalized: a trailing slash or an
 * explicit default port is accepted.
 */
export function registryUrlProblem(url: string): string | null {
  if (url.length === 0)
    return `the URL is empty`;
  if (!PRINTABLE_ASCII.test(url))
    return `it contains a space, a control character or a non-ASCII character`;
  if (!/^https?:\/\//.test(url))
    return `it does not start with "https://" or "http://"`;
  // URL parsers read a backslash as "/" in http(s) URLs: it would move the host.
  if (url.includes(`\\`))
    return `it contains a backslash`;

  const authority = /^https?:\/\/([^/?#]*)/.exec(url)![1];
  if (authority.includes(`@`))
    return `it contains userinfo (a "@" before the host)`;
  if (url.includes(`?`))
    return `it has a query ("?")`;
  if (url.includes(`#`))
    return `it has a fragment ("#")`;
  if (authority.length === 0)
    return `it has no host`;

  try {
    new URL(url);
  } catch (error) {
    if (!(error instanceof TypeError))
      throw error;
    return `it is not a valid URL`;
  }

  return null;
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export function isUtcTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (match === null)
    return false;

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const daysInMonth = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return month >= 1 && month <= 12
    && day >= 1 && day <= daysInMonth[month - 1]
    && hour <= 23 && minute <= 59 && second <= 59;
}

// ---------------------------------------------------------------------------
// Parsing.

const keyPath = (path: string, key: string) => `${path}[${JSON.stringify(key)}]`;
const fieldPath = (path: string, field: string) => path === `` ? field : `${path}.${field}`;
const pathLabel = (path: string) => path === `` ? `top level` : path;

const MAX_QUOTED = 60;

function quote(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.length > MAX_QUOTED ? `${quoted.slice(0, MAX_QUOTED - 4)}..."` : quoted;
}

function describe(node: JsonNode): string {
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

/** Own data property, so that keys such as "__proto__" stay plain keys. */
function setKey<T>(record: Record<string, T>, key: string, value: T) {
  Object.defineProperty(record, key, {value, enumerable: true, writable: true, configurable: true});
}

interface ObjectShape {
  /** Every allowed key, in the order written (and listed in messages). */
  keys: Array<string>;
  required: Array<string>;
}

class TrustFileReader {
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

    const fields = this.fields(top, ``, {keys: [`version`, `packages`, `collisions`, `gitDependencies`], required: [`version`, `packages`]});
    const packages = this.packages(fields.get(`packages`)!.value);
    // Optional so that files written before collisions existed stay valid.
    const collisions = fields.get(`collisions`);
    const gitDependencies = fields.get(`gitDependencies`);
    return {
      version: TRUST_FILE_VERSION, packages, collisions: collisions !== undefined ? this.collisions(collisions.value) : {},
      ...(gitDependencies !== undefined ? {gitDependencies: readGitDependencies(this, gitDependencies.value)} : {}),
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
    return this.byPackageName(node, `packages`, `an object mapping package names to their trust entries`, (value, path) => this.packageTrust(value, path));
  }

  collisions(node: JsonNode): Record<string, CollisionAcknowledgement> {
    return this.byPackageName(node, `collisions`, `an object mapping package names to collision acknowledgements`, (value, path) => this.acknowledgement(value, path));
  }

  byPackageName<T>(node: JsonNode, path: string, what: string, readValue: (value: JsonNode, path: string) => T): Record<string, T> {
    const record: Record<string, T> = {};

    for (const entry of this.object(node, path, what).entries) {
      const entryPath = keyPath(path, entry.key);
      const problem = packageNameProblem(entry.key);
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

// ---------------------------------------------------------------------------
// Serialization.

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareVersions(a: string, b: string): number {
  // Invalid versions only reach here from hand-built data that the final
  // validation refuses anyway; they just need a stable place meanwhile.
  if (semver.valid(a) === null || semver.valid(b) === null)
    return compareCodeUnits(a, b);
  return semver.compareBuild(a, b) || compareCodeUnits(a, b);
}

/**
 * One version can carry several fingerprints (the registry package and a
 * `patch:` of it, say): an approval is identified by both.
 */
function approvalKey(approval: Approval): string {
  const sorted = (record: Record<string, string>) => Object.keys(record).sort(compareCodeUnits).map(key => [key, record[key]]);
  return JSON.stringify([approval.version, sorted(approval.scripts), sorted(approval.files)]);
}

function compareApprovals(a: Approval, b: Approval): number {
  return compareVersions(a.version, b.version) || compareCodeUnits(approvalKey(a), approvalKey(b));
}

function compareScriptNames(a: string, b: string): number {
  const rankA = LIFECYCLE_RANK.get(a) ?? LIFECYCLE_SCRIPTS.length;
  const rankB = LIFECYCLE_RANK.get(b) ?? LIFECYCLE_SCRIPTS.length;
  return rankA - rankB || compareCodeUnits(a, b);
}

/** Objects as entry lists, so that the order chosen here is the order written. */
type Out =
  | {object: Array<[string, Out]>}
  | {array: Array<Out>}
  | string
  | number;

/**
 * Written by hand rather than with JSON.stringify: engines put integer-like
 * keys ("10", "2") first in numeric order whatever the insertion order, which
 * would break the documented code-unit ordering of names and paths.
 */
function render(value: Out, indent: string): string {
  if (typeof value === `string` || typeof value === `number`)
    return JSON.stringify(value);

  const inner = `${indent}  `;
  if (`array` in value) {
    if (value.array.length === 0)
      return `[]`;
    return `[\n${value.array.map(item => `${inner}${render(item, inner)}`).join(`,\n`)}\n${indent}]`;
  }

  if (value.object.length === 0)
    return `{}`;
  return `{\n${value.object.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${render(item, inner)}`).join(`,\n`)}\n${indent}}`;
}

function sortedRecord(record: Record<string, string>, compare: (a: string, b: string) => number): Out {
  return {object: Object.keys(record).sort(compare).map(key => [key, record[key]])};
}

function approvalOut(approval: Approval): Out {
  const fields: Array<[string, Out]> = [
    [`version`, approval.version],
    [`scripts`, sortedRecord(approval.scripts, compareScriptNames)],
    [`files`, sortedRecord(approval.files, compareCodeUnits)],
    [`approvedAt`, approval.approvedAt],
  ];
  if (approval.reason !== undefined)
    fields.push([`reason`, approval.reason]);
  return {object: fields};
}

function denialOut(denial: Denial): Out {
  const fields: Array<[string, Out]> = [[`deniedAt`, denial.deniedAt]];
  if (denial.reason !== undefined)
    fields.push([`reason`, denial.reason]);
  return {object: fields};
}

function acknowledgementOut(acknowledgement: CollisionAcknowledgement): Out {
  const fields: Array<[string, Out]> = [[`acknowledgedAt`, acknowledgement.acknowledgedAt]];
  if (acknowledgement.reason !== undefined)
    fields.push([`reason`, acknowledgement.reason]);
  fields.push([`publicRegistry`, acknowledgement.publicRegistry]);
  return {object: fields};
}

/**
 * The acknowledgements of `trust`. The type requires the record, but objects
 * built before it existed (plain JavaScript, casts) may lack it at run time;
 * they are read as having none rather than crashing a write.
 */
function collisionsOf(trust: TrustFile): Record<string, CollisionAcknowledgement> {
  return (trust.collisions as TrustFile[`collisions`] | undefined) ?? {};
}

function packageOut(trust: PackageTrust): Out {
  const fields: Array<[string, Out]> = [];
  // Both keys are written if a caller built such an entry, so that the
  // validation below refuses it instead of one of them vanishing silently.
  if (`approvals` in trust)
    fields.push([`approvals`, {array: [...trust.approvals].sort(compareApprovals).map(approvalOut)}]);
  if (`denied` in trust)
    fields.push([`denied`, denialOut(trust.denied)]);
  return {object: fields};
}

/**
 * Canonical text: same decisions, same bytes. Refuses (TrustFileError) data
 * that `parseTrustFile` would refuse, so the tool never writes a file it
 * cannot read back.
 */
export function serializeTrustFile(trust: TrustFile): string {
  const fields: Array<[string, Out]> = [
    [`version`, trust.version],
    [`packages`, {object: Object.keys(trust.packages).sort(compareCodeUnits).map(name => [name, packageOut(trust.packages[name])])}],
  ];

  // Left out when empty, so that files without acknowledgements keep the
  // bytes they had before the section existed.
  const collisions = collisionsOf(trust);
  const acknowledged = Object.keys(collisions).sort(compareCodeUnits);
  if (acknowledged.length > 0)
    fields.push([`collisions`, {object: acknowledged.map(name => [name, acknowledgementOut(collisions[name])])}]);
  const gitDependencies = gitDependenciesOut(trust);
  if (gitDependencies !== null)
    fields.push([`gitDependencies`, gitDependencies]);

  const document: Out = {object: fields};

  const text = `${render(document, ``)}\n`;
  parseTrustFile(text, SERIALIZED_LABEL);
  return text;
}

/**
 * The acknowledgement of `name`, or null. Own keys only: a plain lookup
 * (`trust.collisions[name]`) finds Object.prototype members for names such
 * as "constructor", which would read as acknowledged.
 */
export function collisionAcknowledgementOf(trust: TrustFile, name: string): CollisionAcknowledgement | null {
  const collisions = collisionsOf(trust);
  return Object.hasOwn(collisions, name) ? collisions[name] : null;
}

// ---------------------------------------------------------------------------
// Edits. Each returns a new TrustFile and leaves its argument untouched, so
// callers can compare before and after (for messages, or to skip a write).

function copyApproval(approval: Approval): Approval {
  const copy: Approval = {
    version: approval.version,
    scripts: {...approval.scripts},
    files: {...approval.files},
    approvedAt: approval.approvedAt,
  };
  if (approval.reason !== undefined)
    copy.reason = approval.reason;
  return copy;
}

function copyDenial(denial: Denial): Denial {
  const copy: Denial = {deniedAt: denial.deniedAt};
  if (denial.reason !== undefined)
    copy.reason = denial.reason;
  return copy;
}

function copyAcknowledgement(acknowledgement: CollisionAcknowledgement): CollisionAcknowledgement {
  const copy: CollisionAcknowledgement = {acknowledgedAt: acknowledgement.acknowledgedAt, publicRegistry: acknowledgement.publicRegistry};
  if (acknowledgement.reason !== undefined)
    copy.reason = acknowledgement.reason;
  return copy;
}

/** The record without `name`; own data properties only, so "__proto__" stays a plain key. */
function without<T>(record: Record<string, T>, name: string): Record<string, T> {
  const rest: Record<string, T> = {};
  for (const other of Object.keys(record))
    if (other !== name)
      setKey(rest, other, record[other]);
  return rest;
}

/**
 * Every edit returns new top-level records (so a caller changing the result
 * cannot reach the input) and shares the unchanged entries, which no edit
 * ever modifies.
 */
function withEntry(trust: TrustFile, name: string, entry: PackageTrust): TrustFile {
  // A computed key in a literal defines an own property, even for "__proto__".
  return {version: trust.version, packages: {...trust.packages, [name]: entry}, collisions: {...collisionsOf(trust)}, ...keepGitDependencies(trust)};
}

/**
 * Adds `approval`; a denial of the package is dropped. Recorded approvals are
 * review history and are never rewritten: when one of the same version and
 * fingerprint exists, it is kept with its date and reason, and `trust` is
 * returned unchanged (check with `hasApproval` to tell the caller so).
 */
export function withApproval(trust: TrustFile, name: string, approval: Approval): TrustFile {
  if (hasApproval(trust, name, approval))
    return trust;
  const current = Object.hasOwn(trust.packages, name) ? trust.packages[name] : undefined;
  const kept = current !== undefined && `approvals` in current ? current.approvals : [];

  return withEntry(trust, name, {approvals: [...kept, copyApproval(approval)].sort(compareApprovals)});
}

/** True when `name` has an approval of the same version and fingerprint (dates and reasons aside). */
export function hasApproval(trust: TrustFile, name: string, approval: InstallFingerprint & {version: string}): boolean {
  const current = Object.hasOwn(trust.packages, name) ? trust.packages[name] : undefined;
  if (current === undefined || !(`approvals` in current))
    return false;
  const key = approvalKey({...approval, approvedAt: ``});
  return current.approvals.some(other => approvalKey(other) === key);
}

/**
 * Removes one approval (same version and fingerprint) of `name`; the package
 * is forgotten when it was its last one.
 */
export function withoutApproval(trust: TrustFile, name: string, approval: Approval): TrustFile {
  const current = Object.hasOwn(trust.packages, name) ? trust.packages[name] : undefined;
  if (current === undefined || !(`approvals` in current))
    return trust;
  const key = approvalKey(approval);
  const kept = current.approvals.filter(other => approvalKey(other) !== key);
  if (kept.length === current.approvals.length)
    return trust;
  return kept.length === 0 ? withoutPackage(trust, name) : withEntry(trust, name, {approvals: kept});
}

/** Denies the package; its approvals, if any, are dropped. */
export function withDenial(trust: TrustFile, name: string, denial: Denial): TrustFile {
  return withEntry(trust, name, {denied: copyDenial(denial)});
}

/** Forgets every decision about the package (revocation). */
export function withoutPackage(trust: TrustFile, name: string): TrustFile {
  // An acknowledged collision is a decision about a name, not about approved
  // code: revoking the package's approvals leaves it in place.
  return {version: trust.version, packages: without(trust.packages, name), collisions: {...collisionsOf(trust)}, ...keepGitDependencies(trust)};
}

/**
 * Acknowledges that the internal package `name` also exists on the public
 * registry, replacing an earlier acknowledgement of that name.
 */
export function withCollisionAcknowledged(trust: TrustFile, name: string, acknowledgement: CollisionAcknowledgement): TrustFile {
  return {version: trust.version, packages: {...trust.packages}, collisions: {...collisionsOf(trust), [name]: copyAcknowledgement(acknowledgement)}, ...keepGitDependencies(trust)};
}

/** Forgets the acknowledgement of `name`, if any: a collision is refused again. */
export function withoutCollisionAcknowledgement(trust: TrustFile, name: string): TrustFile {
  return {version: trust.version, packages: {...trust.packages}, collisions: without(collisionsOf(trust), name), ...keepGitDependencies(trust)};
}

// ---------------------------------------------------------------------------
// Git dependencies: an optional top-level section, `gitDependencies`, mapping
// a repository URL to the commits reviewers approved. Yarn packs a git
// dependency (running its prepare and install scripts) when it fetches it, so
// an approval names the exact commit, never a branch or a tag.

const GIT_COMMIT = /^[0-9a-f]{40}$/;

/**
 * Why `url` is not a repository URL as this section stores it, or null: a
 * "<protocol>:" URL of printable ASCII without a fragment (the commit is not
 * part of the key).
 */
export function repositoryUrlProblem(url: string): string | null {
  if (url.length === 0)
    return `the URL is empty`;
  if (!PRINTABLE_ASCII.test(url))
    return `it contains a space, a control character or a non-ASCII character`;
  if (!/^[a-z][a-z0-9+.-]*:/.test(url))
    return `it does not start with a protocol such as "https:" or "ssh:"`;
  if (url.includes(`#`))
    return `it has a fragment ("#"); the commit belongs in "approvals"`;
  return null;
}

function readGitDependencies(reader: TrustFileReader, node: JsonNode): GitDependencyTrust {
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

function readGitApprovals(reader: TrustFileReader, node: JsonNode, path: string): Array<GitCommitApproval> {
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

/** Oldest approval first, so that a new review appends at the end of the list. */
function compareGitApprovals(a: GitCommitApproval, b: GitCommitApproval): number {
  return compareCodeUnits(a.approvedAt, b.approvedAt) || compareCodeUnits(a.commit, b.commit);
}

/** The approved git dependencies of `trust`; own keys only. */
export function gitDependenciesOf(trust: TrustFile): GitDependencyTrust {
  return trust.gitDependencies ?? {};
}

/** The section as a spread, so that edits of other sections carry it over unchanged. */
function keepGitDependencies(trust: TrustFile): {gitDependencies?: GitDependencyTrust} {
  return trust.gitDependencies !== undefined ? {gitDependencies: {...trust.gitDependencies}} : {};
}

function gitDependenciesOut(trust: TrustFile): Out | null {
  const repositories = gitDependenciesOf(trust);
  const urls = Object.keys(repositories).sort(compareCodeUnits);
  if (urls.length === 0)
    return null;
  return {object: urls.map(url => [url, {object: [[`approvals`, {array: [...repositories[url].approvals].sort(compareGitApprovals).map(approval => {
    const fields: Array<[string, Out]> = [[`commit`, approval.commit], [`approvedAt`, approval.approvedAt]];
    if (approval.reason !== undefined)
      fields.push([`reason`, approval.reason]);
    return {object: fields} as Out;
  })}]]}])};
}

/**
 * Approves `repository` at `approval.commit`, replacing an earlier approval of
 * the same commit (a re-review updates its date and reason).
 */
export function withGitCommitApproved(trust: TrustFile, repository: string, approval: GitCommitApproval): TrustFile {
  const repositories = gitDependenciesOf(trust);
  const current = Object.hasOwn(repositories, repository) ? repositories[repository].approvals : [];
  const copy: GitCommitApproval = {commit: approval.commit, approvedAt: approval.approvedAt};
  if (approval.reason !== undefined)
    copy.reason = approval.reason;
  const approvals = [...current.filter(other => other.commit !== approval.commit), copy].sort(compareGitApprovals);
  const next: GitDependencyTrust = {};
  for (const url of Object.keys(repositories))
    setKey(next, url, repositories[url]);
  setKey(next, repository, {approvals});
  return {version: trust.version, packages: {...trust.packages}, collisions: {...collisionsOf(trust)}, gitDependencies: next};
}
