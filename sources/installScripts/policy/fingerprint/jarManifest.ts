/**
 * The `Class-Path` of a Java archive's manifest: `java -jar x.jar` loads the
 * classes of every archive it lists, relative to the jar's folder, and its
 * `Main-Class` may be one of them (outside attack round 17, H1). The manifest
 * sits compressed inside the zip, where a text scan never sees it.
 */

import {posix} from 'path';

import {bufferSource, readZipEntries} from '../../../core/policy/zip';

const MAX_MANIFEST_BYTES = 1 << 20;

/** The manifest's text; null when the archive has none; throws when the zip cannot be read. */
export function jarManifestText(bytes: Buffer): string | null {
  const read = readZipEntries(bufferSource(bytes), name => name.toLowerCase() === `meta-inf/manifest.mf`, MAX_MANIFEST_BYTES, {dataDescriptors: true});
  if (read === null)
    throw new Error(`not a zip archive this reader understands`);
  const [manifest] = read.values();
  return manifest === undefined ? null : manifest.toString(`utf8`);
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
