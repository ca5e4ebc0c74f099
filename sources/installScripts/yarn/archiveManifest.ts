/**
 * Reads a package's manifest and install-relevant file names straight from its
 * cached archive, without extracting it.
 */

import {closeSync, fstatSync, openSync, readSync} from 'fs';
import {inflateRawSync} from 'zlib';

/** What the gate needs to know about an archive before deciding to look closer. */
export interface ArchiveSummary {
  /** The bytes of `<prefix>/package.json`, or null when the archive has none. */
  manifest: Buffer | null;
  hasBindingGyp: boolean;
}

/** Random access to an archive's bytes. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** package.json files are kilobytes; anything this large is left to Yarn's reader. */
const MAX_MANIFEST_SIZE = 16 * 1024 * 1024;

/**
 * Reads `<prefix>/package.json` and whether `<prefix>/binding.gyp` exists from
 * the central directory of a zip archive of Yarn's cache, without reading or
 * indexing the rest of it — a cold install has hundreds of archives, and
 * opening each with Yarn's zip layer reads all of it. Returns null whenever
 * the archive is anything but a plain zip as Yarn writes them (zip64, several
 * disks, encryption, another compression method, an entry listed twice,
 * inconsistent offsets): the caller then reads it with Yarn's own reader.
 */
export function summarizeArchive(source: ByteSource, prefix: string): ArchiveSummary | null {
  if (source.size < END_RECORD_SIZE)
    return null;
  const tailLength = Math.min(source.size, END_RECORD_SIZE + MAX_COMMENT);
  const tail = source.read(source.size - tailLength, tailLength);
  const end = findEndRecord(tail);
  if (end === null)
    return null;

  const disk = tail.readUInt16LE(end + 4);
  const directoryDisk = tail.readUInt16LE(end + 6);
  const entriesOnDisk = tail.readUInt16LE(end + 8);
  const entries = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== entries || entries === 0xffff || directoryOffset === 0xffffffff || directorySize === 0xffffffff)
    return null;
  if (directoryOffset + directorySize > source.size - tailLength + end)
    return null;

  const directory = source.read(directoryOffset, directorySize);
  const manifestName = `${prefix}/package.json`;
  const bindingName = `${prefix}/binding.gyp`;
  let manifest: {method: number, flags: number, compressedSize: number, size: number, localOffset: number} | null = null;
  let hasBindingGyp = false;

  let position = 0;
  for (let index = 0; index < entries; ++index) {
    if (position + 46 > directory.length || directory.readUInt32LE(position) !== CENTRAL_DIRECTORY_ENTRY)
      return null;
    const flags = directory.readUInt16LE(position + 8);
    const method = directory.readUInt16LE(position + 10);
    const compressedSize = directory.readUInt32LE(position + 20);
    const size = directory.readUInt32LE(position + 24);
    const nameLength = directory.readUInt16LE(position + 28);
    const extraLength = directory.readUInt16LE(position + 30);
    const commentLength = directory.readUInt16LE(position + 32);
    const localOffset = directory.readUInt32LE(position + 42);
    const next = position + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length)
      return null;
    const name = directory.toString(`utf8`, position + 46, position + 46 + nameLength);
    if (name === manifestName) {
      if (manifest !== null)
        return null;
      manifest = {method, flags, compressedSize, size, localOffset};
    } else if (name === bindingName) {
      if (hasBindingGyp)
        return null;
      hasBindingGyp = true;
    }
    position = next;
  }
  if (position !== directory.length)
    return null;

  if (manifest === null)
    return {manifest: null, hasBindingGyp};
  const bytes = readEntry(source, manifest, manifestName, directoryOffset);
  return bytes === null ? null : {manifest: bytes, hasBindingGyp};
}

function findEndRecord(tail: Buffer): number | null {
  for (let offset = tail.length - END_RECORD_SIZE; offset >= 0; --offset) {
    if (tail.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY && offset + END_RECORD_SIZE + tail.readUInt16LE(offset + 20) === tail.length) {
      return offset;
    }
  }
  return null;
}

function readEntry(source: ByteSource, entry: {method: number, flags: number, compressedSize: number, size: number, localOffset: number}, name: string, directoryOffset: number): Buffer | null {
  // Bit 0: encrypted; bit 3: sizes in a trailing descriptor (the central directory has them, but Yarn never writes it).
  if ((entry.flags & 0x9) !== 0 || (entry.method !== 0 && entry.method !== 8))
    return null;
  if (entry.size > MAX_MANIFEST_SIZE || entry.compressedSize > MAX_MANIFEST_SIZE)
    return null;
  const header = source.read(entry.localOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER)
    return null;
  const nameLength = header.readUInt16LE(26);
  const extraLength = header.readUInt16LE(28);
  const dataOffset = entry.localOffset + 30 + nameLength + extraLength;
  if (dataOffset + entry.compressedSize > directoryOffset)
    return null;
  const localName = source.read(entry.localOffset + 30, nameLength);
  if (localName.toString(`utf8`) !== name)
    return null;
  const data = source.read(dataOffset, entry.compressedSize);
  let bytes: Buffer;
  try {
    bytes = entry.method === 0 ? data : inflateRawSync(data, {maxOutputLength: MAX_MANIFEST_SIZE});
  } catch (error) {
    // A damaged stream is not for this reader to judge: Yarn's reader reports it.
    if (error instanceof Error && `code` in error && typeof error.code === `string` && error.code.startsWith(`Z_`))
      return null;
    throw error;
  }
  return bytes.length === entry.size ? bytes : null;
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
