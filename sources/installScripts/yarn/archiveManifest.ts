/**
 * Reads a package's manifest and install-relevant file names straight from its
 * cached archive, without extracting it.
 */

import {closeSync, fstatSync, openSync, readSync} from 'fs';

import {type ByteSource, END_RECORD_SIZE, readZipEntries} from '../../core/policy/zip';

/** What the gate needs to know about an archive before deciding to look closer. */
export interface ArchiveSummary {
  /** The bytes of `<prefix>/package.json`, or null when the archive has none. */
  manifest: Buffer | null;
  hasBindingGyp: boolean;
}

export type {ByteSource};

/** package.json files are kilobytes; anything this large is left to Yarn's reader. */
const MAX_MANIFEST_SIZE = 16 * 1024 * 1024;

/**
 * Reads `<prefix>/package.json` and whether `<prefix>/binding.gyp` exists from
 * the central directory of a zip archive of Yarn's cache, without reading or
 * indexing the rest of it — a cold install has hundreds of archives, and
 * opening each with Yarn's zip layer reads all of it. Returns null whenever
 * the archive is anything but a plain zip as Yarn writes them (see
 * readZipEntries): the caller then reads it with Yarn's own reader.
 */
export function summarizeArchive(source: ByteSource, prefix: string): ArchiveSummary | null {
  const manifestName = `${prefix}/package.json`;
  const bindingName = `${prefix}/binding.gyp`;
  let bindingGyps = 0;
  // Yarn schedules `node-gyp rebuild` when binding.gyp exists at all, a
  // folder too (outside attack round 38, A10): one listed as a folder, or
  // only through the files in it, counts.
  let bindingGypFolder = false;
  // binding.gyp is read too (it is small), so that a link by that name sends the caller to Yarn's reader.
  const read = readZipEntries(source, name => {
    if (name === bindingName)
      bindingGyps += 1;
    else if (name.startsWith(`${bindingName}/`))
      bindingGypFolder = true;
    return name === manifestName || name === bindingName;
  }, MAX_MANIFEST_SIZE);
  // An entry listed twice is no archive Yarn wrote.
  if (read === null || bindingGyps > 1)
    return null;
  const hasBindingGyp = bindingGyps === 1 || bindingGypFolder;
  return {manifest: read.get(manifestName) ?? null, hasBindingGyp};
}

/**
 * Reads `<prefix>`'s summary from an archive file. The end of the file is
 * read once (64 KiB, where the directory of a package's archive usually
 * lies), and reads inside it are served from memory: small archives cost a
 * single read. Synchronous: hundreds of archives in a row, each a few
 * reads, go faster without a thread-pool round trip per read.
 */
export function summarizeArchiveFile(path: string, prefix: string): ArchiveSummary | null {
  const fd = openSync(path, `r`);
  try {
    const {size} = fstatSync(fd);
    const tailStart = Math.max(0, size - TAIL_READ);
    const tail = readAt(fd, tailStart, size - tailStart);
    return summarizeArchive({
      size,
      read(offset, length) {
        if (offset >= tailStart && offset + length <= size)
          return tail.subarray(offset - tailStart, offset - tailStart + length);
        return readAt(fd, offset, length);
      },
    }, prefix);
  } finally {
    closeSync(fd);
  }
}

const TAIL_READ = 64 * 1024 + END_RECORD_SIZE;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, buffer, filled, length - filled, offset + filled);
    if (read === 0)
      break;
    filled += read;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}
