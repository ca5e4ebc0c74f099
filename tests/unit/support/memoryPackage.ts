/**
 * A package's files held in memory, as the fingerprint's file view sees them:
 * `read` a path, and `list` a directory (entries, with a trailing slash for
 * subdirectories; null for a directory that does not exist). `reads` and
 * `listed` record what the analysis asked for.
 */
import type {PackageFiles} from '../../../sources/installScripts/policy/fingerprint';

export type Contents = Record<string, string | Buffer>;

export type MemoryPackage = PackageFiles & {reads: Array<string>, listed: Array<string>};

export function memoryPackage(contents: Contents, options: {listing?: boolean} = {}): MemoryPackage {
  const reads: Array<string> = [];
  const listed: Array<string> = [];
  const files: MemoryPackage = {
    reads,
    listed,
    read(path: string): Buffer | null {
      reads.push(path);
      if (!Object.prototype.hasOwnProperty.call(contents, path))
        return null;
      const value = contents[path];
      return Buffer.isBuffer(value) ? value : Buffer.from(value);
    },
  };
  if (options.listing === false)
    return files;
  files.list = (directory: string) => {
    listed.push(directory);
    const prefix = directory === `` ? `` : `${directory}/`;
    const entries = new Set<string>();
    for (const path of Object.keys(contents)) {
      if (!path.startsWith(prefix))
        continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf(`/`);
      entries.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return entries.size === 0 && directory !== `` ? null : [...entries];
  };
  return files;
}
