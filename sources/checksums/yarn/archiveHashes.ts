/**
 * The SHA-512 of cached archives, remembered across installs by file identity
 * so that unchanged archives are not hashed again.
 */

import {type Project, hashUtils} from '@yarnpkg/core';
import {type PortablePath, ppath, xfs} from '@yarnpkg/fslib';

import {writeFileAtomic} from '../../core/yarn/atomicWrite';
import {localCachePath, statOf} from '../../core/yarn/localFiles';
import {projectState} from '../../core/yarn/projectState';

const VERSION = 1;

/** What `builtFrom` records of a `patch:` or `file:` folder archive found to be what its sources build (see derivedArchives). */
export const REBUILT_FROM_SOURCES = `rebuilt-from-sources`;

/**
 * SHA-512 of archive files, remembered by the identity of the file that was
 * hashed: device, inode, size, and modification and change times to the
 * nanosecond. Yarn records no checksum for platform-specific packages
 * (esbuild's binaries…), so without this every install would hash those
 * archives again — megabytes each. Writing to the file changes its change
 * time, which no unprivileged process can set back, so a file edited after
 * it was hashed is hashed again. As timestamps advance in ticks, a file
 * changed shortly before it was hashed is not remembered: an edit in the same
 * tick would keep its identity (git's "racily clean" entries).
 */
export class ArchiveHashes {
  /** Entries read from the file, and those hashed or confirmed in this process. */
  private readonly known: Map<string, Entry>;
  private readonly used = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string>>();

  private constructor(readonly path: PortablePath, known: Map<string, Entry>, private readonly settleMs: number) {
    this.known = known;
  }

  /**
   * Reads the remembered hashes; a missing, damaged or other-version file
   * remembers nothing. Files changed less than `settleMs` before they are
   * hashed are not remembered.
   */
  static async load(path: PortablePath, {settleMs = 2_000}: {settleMs?: number} = {}): Promise<ArchiveHashes> {
    let text: string;
    try {
      text = await xfs.readFilePromise(path, `utf8`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === `ENOENT`)
        return new ArchiveHashes(path, new Map(), settleMs);
      throw error;
    }
    return new ArchiveHashes(path, parseArchiveHashes(text), settleMs);
  }

  /** The SHA-512 (hex) of the file, hashed only when the file is not the one last hashed. */
  hashOf(file: PortablePath): Promise<string> {
    let pending = this.pending.get(file);
    if (pending === undefined) {
      pending = this.compute(file);
      this.pending.set(file, pending);
    }
    return pending;
  }

  private async compute(file: PortablePath): Promise<string> {
    const startedAt = Date.now();
    const before = await statOf(file);
    const remembered = this.known.get(file);
    if (remembered !== undefined && remembered.identity === before.identity) {
      this.used.set(file, remembered);
      return remembered.hash;
    }
    const hash = await hashUtils.checksumFile(file);
    // Not remembered: a file replaced while it was read, or changed too
    // recently for its timestamps to tell a later edit apart.
    const settled = startedAt - before.changedAtMs >= this.settleMs;
    if (settled && (await statOf(file)).identity === before.identity)
      this.used.set(file, {identity: before.identity, hash});
    return hash;
  }

  /**
   * The integrity of the verified tarball that this file was found to be the
   * archive of, when the file is still the one that was compared (platform
   * packages have no archive checksum in their pin to compare with instead).
   */
  async builtFrom(file: PortablePath): Promise<string | null> {
    await this.hashOf(file);
    return this.used.get(file)?.builtFrom ?? null;
  }

  /** Records that `file`, as last hashed, is the archive built from the tarball `integrity`. */
  async rememberBuiltFrom(file: PortablePath, integrity: string): Promise<void> {
    await this.hashOf(file);
    const entry = this.used.get(file);
    if (entry !== undefined) {
      this.used.set(file, {...entry, builtFrom: integrity});
    }
  }

  /** Keeps the hashes this process used, when they differ from the file's. */
  async save(): Promise<void> {
    await Promise.allSettled(this.pending.values());
    const same = this.used.size === this.known.size && [...this.used].every(([file, entry]) => {
      const known = this.known.get(file);
      return known !== undefined && known.identity === entry.identity && known.hash === entry.hash && known.builtFrom === entry.builtFrom;
    });
    if (same)
      return;
    await xfs.mkdirPromise(ppath.dirname(this.path), {recursive: true});
    await writeFileAtomic(this.path, serializeArchiveHashes(this.used));
  }
}

/** The install's remembered archive hashes, read once per process. */
export function archiveHashesOf(project: Project): Promise<ArchiveHashes> {
  const state = archiveHashesState.of(project);
  state.loaded ??= ArchiveHashes.load(localCachePath(project, `yarn-plugin-trust-hashes.json`));
  return state.loaded;
}

/** Writes the remembered hashes back, if this process read them. */
export async function saveArchiveHashes(project: Project) {
  await (await archiveHashesState.existing(project)?.loaded)?.save();
}

const archiveHashesState = projectState<{loaded?: Promise<ArchiveHashes>}>(`checksums/archive-hashes`, () => ({}));

export interface Entry {
  identity: string;
  hash: string;
  /** The integrity of the verified tarball this archive was rebuilt from and compared with. */
  builtFrom?: string;
}

export function serializeArchiveHashes(entries: ReadonlyMap<string, Entry>): string {
  const files: Record<string, Array<string>> = {};
  for (const file of [...entries.keys()].sort()) {
    const {identity, hash, builtFrom} = entries.get(file)!;
    files[file] = builtFrom === undefined ? [identity, hash] : [identity, hash, builtFrom];
  }
  return `${JSON.stringify({version: VERSION, files})}\n`;
}

/** Only well-formed entries are kept: anything else is simply hashed again. */
export function parseArchiveHashes(text: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // A damaged file remembers nothing: every archive is hashed again.
    return entries;
  }
  const {version, files} = (data ?? {}) as {version?: unknown, files?: unknown};
  if (version !== VERSION || typeof files !== `object` || files === null || Array.isArray(files))
    return entries;
  for (const [file, value] of Object.entries(files)) {
    if (!Array.isArray(value) || typeof value[0] !== `string` || typeof value[1] !== `string` || !/^[0-9a-f]{128}$/.test(value[1]))
      continue;
    if (value.length === 2)
      entries.set(file, {identity: value[0], hash: value[1]});
    else if (value.length === 3 && typeof value[2] === `string` && (value[2] === REBUILT_FROM_SOURCES || /^sha512-[A-Za-z0-9+/]{86}==$/.test(value[2])))
      entries.set(file, {identity: value[0], hash: value[1], builtFrom: value[2]});
  }
  return entries;
}
