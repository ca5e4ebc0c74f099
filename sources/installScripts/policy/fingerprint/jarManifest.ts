/**
 * The `Class-Path` of a Java archive's manifest: `java -jar x.jar` loads the
 * classes of every archive it lists, relative to the jar's folder, and its
 * `Main-Class` may be one of them (outside attack round 17, H1). The manifest
 * sits compressed inside the zip, where a text scan never sees it.
 */

import {posix} from 'path';
import {inflateRawSync} from 'zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_ENTRY = 0x04034b50;
const MANIFEST = `meta-inf/manifest.mf`;
const MAX_MANIFEST_BYTES = 1 << 20;

/** The manifest's text; null when the archive has none; throws when the zip cannot be read. */
export function jarManifestText(bytes: Buffer): string | null {
  // The end record is in the last 22 bytes plus an archive comment of up to 64 KiB.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end === -1)
    throw new Error(`not a zip archive (no end of central directory)`);
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  for (let index = 0; index < count; index++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_ENTRY)
      throw new Error(`a damaged central directory`);
    const method = bytes.readUInt16LE(at + 10);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localOffset = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString(`utf8`);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.toLowerCase() !== MANIFEST)
      continue;
    if (localOffset + 30 > bytes.length || bytes.readUInt32LE(localOffset) !== LOCAL_ENTRY)
      throw new Error(`a damaged entry for ${name}`);
    const start = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
    const data = bytes.subarray(start, start + compressedSize);
    if (method === 0)
      return data.toString(`utf8`);
    if (method === 8)
      return inflateRawSync(data, {maxOutputLength: MAX_MANIFEST_BYTES}).toString(`utf8`);
    throw new Error(`its manifest is compressed with method ${method}, which is not read`);
  }
  return null;
}

/** The manifest's `Class-Path` entries (continuation lines joined), in the order written. */
export function classPathOf(manifest: string): Array<string> {
  const joined = manifest.replace(/\r\n?/g, `\n`).replace(/\n /g, ``);
  const entries: Array<string> = [];
  for (const line of joined.split(`\n`)) {
    const match = /^class-path\s*:(.*)$/i.exec(line);
    if (match !== null) {
      entries.push(...match[1].split(/\s+/).filter(entry => entry !== ``));
    }
  }
  return entries;
}

/** The `Class-Path` entries of the jar at `path` that name a place outside the package. */
export function classPathOutside(path: string, manifest: string): Array<string> {
  const folder = posix.dirname(path);
  return classPathOf(manifest).filter(entry => {
    let decoded = entry;
    try {
      decoded = decodeURIComponent(entry);
    } catch {
      return true;
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(decoded) || decoded.startsWith(`/`) || decoded.startsWith(`\\`))
      return true;
    const normalized = posix.normalize(posix.join(folder, decoded.replace(/\\/g, `/`)));
    return normalized === `..` || normalized.startsWith(`../`);
  });
}
