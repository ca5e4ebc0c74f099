/**
 * The pins file: for every package, the SHA-512 of its tarball as it was
 * first verified, and the checksum Yarn recorded for its cache archive. It is
 * committed next to yarn.lock and, like it, written one line per package so
 * that a pull request touching thousands of packages still shows, line by
 * line, which hashes appeared, changed or went away.
 *
 *     # yarn-plugin-trust pins v1
 *     # (comments)
 *     <key> <integrity> <archiveChecksum>
 *
 * Reading is strict (a hand edit that a person and the tool read differently
 * is refused, pointing at its line) and linear in the size of the text;
 * writing is canonical (sorted by key, fixed header, one trailing newline).
 * Nothing here touches the disk, the network or the clock.
 */

export const PINS_FILE_HEADER = `# yarn-plugin-trust pins v1`;

/** The comment lines written after the header; readers ignore all comments. */
const HEADER_COMMENTS = [
  `# The SHA-512 of each package tarball as first verified, and Yarn's archive checksum for it.`,
  `# Written by yarn install; review changes like yarn.lock.`,
];

export interface Pin {
  /** `name@version` for registry packages, the full Yarn locator otherwise. */
  key: string;
  /** `sha512-` followed by the base64 of the 64-byte digest of the tarball. */
  integrity: string;
  /** Yarn's checksum of the cache archive (`<cacheKey>/<hex>` or `<hex>`), or null when unknown. */
  archiveChecksum: string | null;
}

export interface Pins {
  /**
   * Pins by key. Maps built by this module iterate in key order; the order
   * of a map built elsewhere does not matter to any function here.
   */
  readonly entries: ReadonlyMap<string, Pin>;
}

export class PinsFileError extends Error {
  override readonly name = `PinsFileError`;
  readonly file: string;
  readonly line?: number;
  /** The message without the `file:line: ` prefix. */
  readonly reason: string;

  constructor(file: string, reason: string, line?: number) {
    super(line !== undefined ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
    if (line !== undefined) {
      this.line = line;
    }
  }
}

/** Where `serializePins` says the problem is when it refuses invalid data. */
const SERIALIZED_LABEL = `(pins file being written)`;

const HEADER_PATTERN = /^# yarn-plugin-trust pins v(\d+)$/;
const SUPPORTED_VERSION = `1`;

const INTEGRITY_PREFIX = `sha512-`;
/** 64 bytes in standard padded base64: 21 full groups, then 2 characters and "==". */
const BASE64_LENGTH = 88;
const BASE64_SHAPE = /^[A-Za-z0-9+/]{86}==$/;
/** The second-to-last data character carries 2 bits of the last byte; its 4 low bits must be zero. */
const CANONICAL_LAST_CHARS = `AQgw`;

const CACHE_KEY = /^[0-9a-z]+$/;
const HEX_ANY_CASE = /^[0-9a-fA-F]{128}$/;
const HEX_LOWER = /^[0-9a-f]{128}$/;
const UNKNOWN_CHECKSUM = `-`;

const MIN_KEY_LENGTH = 3;
const WHITESPACE = /\s/;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const MERGE_MARKERS = [`<<<<<<<`, `|||||||`, `=======`, `>>>>>>>`];
const BOM = `\uFEFF`;

const MAX_QUOTED = 140;

function quote(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.length > MAX_QUOTED ? `${quoted.slice(0, MAX_QUOTED - 4)}..."` : quoted;
}

const hex4 = (code: number) => code.toString(16).toUpperCase().padStart(4, `0`);

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Value rules, shared by the parser and the serializer.

const EXPECTED_KEY = `expected "name@version" for a registry package or a Yarn locator`;
const EXPECTED_INTEGRITY = `expected "sha512-" followed by the base64 of a 64-byte digest (88 characters ending in "==")`;
const EXPECTED_CHECKSUM = `expected "-" (unknown), "<cacheKey>/<128 lowercase hex digits>" or the 128 hex digits alone`;

function keyProblem(key: string): string | null {
  if (WHITESPACE.test(key))
    return `it contains whitespace`;
  if (CONTROL_CHARACTER.test(key))
    return `it contains a control character`;
  if (key.length < MIN_KEY_LENGTH)
    return `it is shorter than ${MIN_KEY_LENGTH} characters`;
  if (key.startsWith(`#`))
    return `it starts with "#", which would make its line a comment`;

  // The first "@" after the first character separates the name from the
  // version or reference; "@scope/name@1.0.0" starts with the scope's.
  const at = key.indexOf(`@`, 1);
  if (at === -1)
    return `it has no "@" after its first character`;
  if (at === key.length - 1)
    return `nothing follows the "@"`;

  return null;
}

function integrityProblem(integrity: string): string | null {
  if (!integrity.startsWith(INTEGRITY_PREFIX))
    return `it does not start with "${INTEGRITY_PREFIX}"`;

  const base64 = integrity.slice(INTEGRITY_PREFIX.length);
  if (base64.length !== BASE64_LENGTH)
    return `its base64 part has ${base64.length} characters instead of ${BASE64_LENGTH}`;
  if (!BASE64_SHAPE.test(base64))
    return `its base64 part is not standard base64 ending in "=="`;
  // Otherwise one digest would have several spellings, and comparing strings
  // would report a mismatch where there is none.
  if (!CANONICAL_LAST_CHARS.includes(base64[85]))
    return `its base64 part is not canonical (the character before "==" must be one of "A", "Q", "g", "w")`;

  return null;
}

/** Splits `<cacheKey>/<hash>` like Yarn does: at the first "/"; no "/" means no cache key. */
export function splitChecksum(checksum: string): {cacheKey: string | null, hash: string} {
  const slash = checksum.indexOf(`/`);
  return slash === -1
    ? {cacheKey: null, hash: checksum}
    : {cacheKey: checksum.slice(0, slash), hash: checksum.slice(slash + 1)};
}

function checksumProblem(checksum: string): string | null {
  // The fields swapped, or an integrity pasted into the wrong column.
  if (/^sha\d+-/.test(checksum))
    return `it is an integrity, not an archive checksum`;

  const {cacheKey, hash} = splitChecksum(checksum);
  if (cacheKey !== null && !CACHE_KEY.test(cacheKey))
    return `the cache key before "/" must be lowercase letters and digits`;
  if (HEX_LOWER.test(hash))
    return null;

  return HEX_ANY_CASE.test(hash) ? `the hash has uppercase hex digits` : `the hash is not 128 hex digits`;
}

function pinFieldsProblem(key: string, integrity: string, archiveChecksum: string | null): string | null {
  const problemWithKey = keyProblem(key);
  if (problemWithKey !== null)
    return `invalid key ${quote(key)}: ${problemWithKey}; ${EXPECTED_KEY}`;

  const problemWithIntegrity = integrityProblem(integrity);
  if (problemWithIntegrity !== null)
    return `invalid integrity ${quote(integrity)} for ${quote(key)}: ${problemWithIntegrity}; ${EXPECTED_INTEGRITY}`;

  const problemWithChecksum = archiveChecksum !== null ? checksumProblem(archiveChecksum) : null;
  if (archiveChecksum !== null && problemWithChecksum !== null)
    return `invalid archive checksum ${quote(archiveChecksum)} for ${quote(key)}: ${problemWithChecksum}; ${EXPECTED_CHECKSUM}`;

  return null;
}

/**
 * Why `pin` could not be written to (or read from) a pins file, or null when
 * it can. An unknown archive checksum is `null`, never the `-` that stands
 * for it in the file.
 */
export function pinProblem(pin: Pin): string | null {
  if (pin.archiveChecksum === UNKNOWN_CHECKSUM)
    return `invalid archive checksum "-" for ${quote(pin.key)}: an unknown checksum is null in a pin; "-" only stands for it in the file`;
  return pinFieldsProblem(pin.key, pin.integrity, pin.archiveChecksum);
}

// ---------------------------------------------------------------------------
// Parsing.

function isMergeMarker(line: string): boolean {
  return MERGE_MARKERS.some(marker => line === marker || line.startsWith(`${marker} `));
}

/**
 * A well-formed entry line, in one match: nearly every line of a real file
 * (thousands in a monorepo, read on every install). It accepts exactly what
 * `readEntry`'s checks accept; any other line goes through them, so that the
 * error says what is wrong. Key: no whitespace or control character, not
 * starting with "#", an "@" after its first character with something after
 * it. Integrity: canonical base64 of a SHA-512. Checksum: "-", or 128
 * lowercase hex digits after an optional cache key.
 */
const WELL_FORMED_ENTRY = /^([^\s\u0000-\u001f\u007f-\u009f#][^\s\u0000-\u001f\u007f-\u009f]*@[^\s\u0000-\u001f\u007f-\u009f]+) (sha512-[A-Za-z0-9+/]{85}[AQgw]==) (-|(?:[0-9a-z]+\/)?[0-9a-f]{128})$/;

/** Reads one entry line, or says why it is not one. */
export function readEntry(line: string): Pin | string {
  const match = WELL_FORMED_ENTRY.exec(line);
  if (match !== null)
    return {key: match[1], integrity: match[2], archiveChecksum: match[3] === UNKNOWN_CHECKSUM ? null : match[3]};
  return readEntryStepByStep(line);
}

/** The checks one by one, for a line the single match refused (exported for tests: both must agree). */
export function readEntryStepByStep(line: string): Pin | string {
  if (isMergeMarker(line))
    return `unresolved merge conflict marker; resolve the conflict, keeping one line per package, or take either side and run yarn install`;
  if (line.includes(`\t`))
    return `the line contains a tab; fields are separated by single spaces`;
  if (line.trim() === ``)
    return `the line has only whitespace; a blank line must be empty`;
  if (line.startsWith(` `))
    return `the line starts with a space`;
  if (line.endsWith(` `))
    return `the line ends with a space`;
  if (line.includes(`  `))
    return `fields are separated by more than one space; use single spaces`;

  const control = CONTROL_CHARACTER.exec(line);
  if (control !== null)
    return `the line contains the control character U+${hex4(control[0].charCodeAt(0))}`;

  const fields = line.split(` `);
  if (fields.length !== 3)
    return `expected 3 fields "<key> <integrity> <archiveChecksum>" separated by single spaces, found ${fields.length}`;

  const [key, integrity, checksumField] = fields;
  const archiveChecksum = checksumField === UNKNOWN_CHECKSUM ? null : checksumField;
  return pinFieldsProblem(key, integrity, archiveChecksum) ?? {key, integrity, archiveChecksum};
}

export function sortedByKey(pins: Iterable<Pin>): Map<string, Pin> {
  return new Map([...pins].sort((a, b) => compareCodeUnits(a.key, b.key)).map(pin => [pin.key, pin]));
}

/**
 * Strict: anything the format does not allow is a PinsFileError naming the
 * file and line. CRLF line endings, a leading byte order mark, a missing
 * final newline, comments, blank lines and entries in any order are accepted.
 */
export function parsePins(text: string, file: string): Pins {
  const body = text.startsWith(BOM) ? text.slice(BOM.length) : text;
  if (/^[ \t\r\n]*$/.test(body))
    throw new PinsFileError(file, `the pins file is empty; expected its first line to be ${JSON.stringify(PINS_FILE_HEADER)}`);

  const lines = body.split(`\n`);
  const lineAt = (index: number) => {
    const line = lines[index];
    return line.endsWith(`\r`) ? line.slice(0, -1) : line;
  };

  // The version is judged before anything else: a newer file may well be
  // written in a way this version does not understand, and "upgrade" is
  // the useful answer then.
  const header = lineAt(0);
  const version = HEADER_PATTERN.exec(header);
  if (version !== null && version[1] !== SUPPORTED_VERSION)
    throw new PinsFileError(file, `unsupported pins file version ${version[1]}; upgrade the plugin`, 1);
  if (version === null)
    throw new PinsFileError(file, `expected the first line to be ${JSON.stringify(PINS_FILE_HEADER)}, found ${quote(header)}`, 1);

  const entries = new Map<string, Pin>();
  const lineOfKey = new Map<string, number>();
  let sorted = true;
  let previousKey: string | null = null;

  for (let index = 1; index < lines.length; ++index) {
    const line = lineAt(index);
    if (line === `` || line.startsWith(`#`))
      continue;

    const lineNumber = index + 1;
    const entry = readEntry(line);
    if (typeof entry === `string`)
      throw new PinsFileError(file, entry, lineNumber);

    const first = lineOfKey.get(entry.key);
    if (first !== undefined)
      throw new PinsFileError(file, `duplicate key ${quote(entry.key)} (first on line ${first}); keep one line per package`, lineNumber);
    lineOfKey.set(entry.key, lineNumber);
    entries.set(entry.key, entry);

    if (previousKey !== null && compareCodeUnits(previousKey, entry.key) > 0)
      sorted = false;
    previousKey = entry.key;
  }

  return {entries: sorted ? entries : sortedByKey(entries.values())};
}

export function emptyPins(): Pins {
  return {entries: new Map()};
}

/** The key of a package from the npm registry. */
export function registryPinKey(name: string, version: string): string {
  return `${name}@${version}`;
}

// ---------------------------------------------------------------------------
// Serialization.

/**
 * Canonical text: fixed header, one line per pin sorted by key in code-unit
 * order, a final newline. Same pins, same bytes. Refuses (PinsFileError,
 * with the line the pin would have had) pins that `parsePins` would refuse,
 * so the tool never writes a file it cannot read back.
 */
export function serializePins(pins: Pins): string {
  const keys = [...pins.entries.keys()].sort(compareCodeUnits);
  const lines = [PINS_FILE_HEADER, ...HEADER_COMMENTS];

  for (const key of keys) {
    const pin = pins.entries.get(key)!;
    const lineNumber = lines.length + 1;
    if (pin.key !== key)
      throw new PinsFileError(SERIALIZED_LABEL, `the pin stored under ${quote(key)} has the key ${quote(pin.key)}`, lineNumber);

    const problem = pinProblem(pin);
    if (problem !== null)
      throw new PinsFileError(SERIALIZED_LABEL, problem, lineNumber);

    lines.push(`${pin.key} ${pin.integrity} ${pin.archiveChecksum ?? UNKNOWN_CHECKSUM}`);
  }

  return `${lines.join(`\n`)}\n`;
}
