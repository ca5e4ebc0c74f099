/**
 * Reading named entries of a zip archive from its central directory, without
 * reading or indexing the rest of it: Yarn's cache archives (a package's
 * manifest) and Java archives (a jar's manifest). Only plain zips are read:
 * zip64, several disks, encryption, a compression method other than stored
 * or deflate, an entry listed twice or inconsistent offsets give null, and the
 * caller decides what that means.
 */

import {inflateRawSync} from 'zlib';

/** Random access to an archive's bytes. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Buffer;
}

export function bufferSource(bytes: Buffer): ByteSource {
  return {size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length)};
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
export const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;

interface DirectoryEntry {
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * The entries whose names `wanted` accepts (`true` when present), read with
 * at most `maxSize` bytes each: null when the archive is not a plain zip or
 * a wanted entry cannot be read.
 */
export function readZipEntries(source: ByteSource, wanted: (name: string) => boolean, maxSize: number, {dataDescriptors = false}: {dataDescriptors?: boolean} = {}): Map<string, Buffer> | null {
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
  const found = new Map<string, DirectoryEntry>();
  let position = 0;
  for (let index = 0; index < entries; ++index) {
    if (position + 46 > directory.length || directory.readUInt32LE(position) !== CENTRAL_DIRECTORY_ENTRY)
      return null;
    const nameLength = directory.readUInt16LE(position + 28);
    const next = position + 46 + nameLength + directory.readUInt16LE(position + 30) + directory.readUInt16LE(position + 32);
    if (next > directory.length)
      return null;
    const name = directory.toString(`utf8`, position + 46, position + 46 + nameLength);
    if (wanted(name)) {
      // A symbolic link (its Unix mode in the high half of the external
      // attributes): its bytes are the link's target, not the file Yarn reads
      // through it (outside attack round 42, A1). The caller's full reader follows it.
      if (found.has(name) || ((directory.readUInt32LE(position + 38) >>> 16) & 0o170000) === 0o120000)
        return null;
      found.set(name, {
        flags: directory.readUInt16LE(position + 8),
        method: directory.readUInt16LE(position + 10),
        compressedSize: directory.readUInt32LE(position + 20),
        size: directory.readUInt32LE(position + 24),
        localOffset: directory.readUInt32LE(position + 42),
      });
    }
    position = next;
  }
  if (position !== directory.length)
    return null;

  const read = new Map<string, Buffer>();
  for (const [name, entry] of found) {
    const bytes = readEntry(source, entry, name, directoryOffset, maxSize, dataDescriptors);
    if (bytes === null)
      return null;
    read.set(name, bytes);
  }
  return read;
}

function findEndRecord(tail: Buffer): number | null {
  for (let offset = tail.length - END_RECORD_SIZE; offset >= 0; --offset) {
    if (tail.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY && offset + END_RECORD_SIZE + tail.readUInt16LE(offset + 20) === tail.length) {
      return offset;
    }
  }
  return null;
}

function readEntry(source: ByteSource, entry: DirectoryEntry, name: string, directoryOffset: number, maxSize: number, dataDescriptors: boolean): Buffer | null {
  // Bit 0: encrypted; bit 3: sizes in a trailing descriptor (the central directory
  // has them: the JDK's jar tool writes it, Yarn never does).
  if ((entry.flags & (dataDescriptors ? 0x1 : 0x9)) !== 0 || (entry.method !== 0 && entry.method !== 8))
    return null;
  if (entry.size > maxSize || entry.compressedSize > maxSize)
    return null;
  const header = source.read(entry.localOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER)
    return null;
  const dataOffset = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataOffset + entry.compressedSize > directoryOffset)
    return null;
  if (source.read(entry.localOffset + 30, header.readUInt16LE(26)).toString(`utf8`) !== name)
    return null;
  const data = source.read(dataOffset, entry.compressedSize);
  let bytes: Buffer;
  try {
    bytes = entry.method === 0 ? data : inflateRawSync(data, {maxOutputLength: maxSize});
  } catch (error) {
    // A damaged stream: the caller's fallback judges it.
    if (error instanceof Error && `code` in error && typeof error.code === `string` && (error.code.startsWith(`Z_`) || error.code === `ERR_BUFFER_TOO_LARGE`))
      return null;
    throw error;
  }
  return bytes.length === entry.size ? bytes : null;
}
