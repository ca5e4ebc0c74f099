/**
 * What changed in the code a package runs at install time, between the bytes
 * a reviewer approved (or the release locked before) and the release the
 * project now resolves: the commands, and every entry of the fingerprint as a
 * unified diff. An entry's bytes are shown only when they hash to what the
 * fingerprint records, so the diff never shows other code than the approval
 * or the refusal is about. No Yarn, no I/O.
 */

import {structuredPatch} from 'diff';

import {canonicalJson, hashBytes} from './fingerprint/records';
import {visibleLine} from '../../core/policy/visibleText';
import {manifestData} from './fingerprint/tables';

/** One side of the comparison: what a fingerprint recorded, and the release's files to show it with. */
export interface DiffSide {
  /** How the side is named in headers: `esbuild@0.19.2`. */
  label: string;
  scripts: Record<string, string>;
  /** Fingerprint entries: package path, `package.json#<field>` or `PATH#<name>` → `sha512-…`. */
  files: Record<string, string>;
  /**
   * The release's files; null when its archive could not be read (then
   * entries are named with their hashes), with the reason in `unavailable`.
   */
  release: {read: (path: string) => Buffer | null, manifest: Record<string, unknown>} | null;
  unavailable?: string;
}

export type EntryBody =
  | {kind: `text`, hunks: Array<{oldStart: number, oldLines: number, newStart: number, newLines: number, lines: Array<string>}>}
  | {kind: `binary`}
  | {kind: `too-large`, bytes: number}
  /** The bytes of a side are not those the fingerprint records (or the archive could not be read). */
  | {kind: `unavailable`, why: string}
  /** Not file contents: which bins are on the PATH of the install scripts (`PATH#<name>`). */
  | {kind: `path-entry`};

export interface EntryChange {
  key: string;
  status: `added` | `removed` | `changed`;
  before: string | null;
  after: string | null;
  body: EntryBody;
}

export interface InstallDiff {
  scripts: Array<{name: string, before: string | null, after: string | null}>;
  entries: Array<EntryChange>;
  /** Entries whose hash is the same on both sides: already reviewed, not shown. */
  unchanged: Array<string>;
}

export interface DiffLimits {
  /** Largest side shown as text, in bytes (default 512 KiB); larger ones are named with their hashes. */
  maxBytes?: number;
  /** Lines of context around each change (default 3). */
  context?: number;
}

const DEFAULT_MAX_BYTES = 512 * 1024;

/**
 * Compares two fingerprints entry by entry. `before` is null for a package
 * with nothing to compare with (a first review): every entry is then added.
 */
export function diffInstallCode(before: DiffSide | null, after: DiffSide, limits: DiffLimits = {}): InstallDiff {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const context = limits.context ?? 3;

  const scriptNames = [...new Set([...Object.keys(before?.scripts ?? {}), ...Object.keys(after.scripts)])].sort();
  const scripts = scriptNames.flatMap(name => {
    const was = before !== null && Object.hasOwn(before.scripts, name) ? before.scripts[name] : null;
    const now = Object.hasOwn(after.scripts, name) ? after.scripts[name] : null;
    return was === now ? [] : [{name, before: was, after: now}];
  });

  const keys = [...new Set([...Object.keys(before?.files ?? {}), ...Object.keys(after.files)])].sort(compareKeys);
  const entries: Array<EntryChange> = [];
  const unchanged: Array<string> = [];
  for (const key of keys) {
    const was = before !== null && Object.hasOwn(before.files, key) ? before.files[key] : null;
    const now = Object.hasOwn(after.files, key) ? after.files[key] : null;
    if (was === now) {
      unchanged.push(key);
      continue;
    }
    const status = was === null ? `added` : now === null ? `removed` : `changed`;
    entries.push({key, status, before: was, after: now, body: bodyOf(key, was === null ? null : before, was, now === null ? null : after, now, maxBytes, context)});
  }
  return {scripts, entries, unchanged};
}

/** Install-event scripts first, then other scripts, files, manifest fields and PATH entries, each by name. */
function compareKeys(a: string, b: string) {
  const rank = (key: string) => key.startsWith(`PATH#`) ? 2 : key.startsWith(`package.json#`) ? 1 : 0;
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function bodyOf(key: string, beforeSide: DiffSide | null, beforeHash: string | null, afterSide: DiffSide | null, afterHash: string | null, maxBytes: number, context: number): EntryBody {
  if (key.startsWith(`PATH#`))
    return {kind: `path-entry`};

  const sides: Array<{side: DiffSide | null, hash: string | null}> = [{side: beforeSide, hash: beforeHash}, {side: afterSide, hash: afterHash}];
  const contents: Array<Buffer> = [];
  for (const {side, hash} of sides) {
    if (side === null || hash === null) {
      contents.push(Buffer.alloc(0));
      continue;
    }
    const shown = contentOf(side, key, hash);
    if (`why` in shown)
      return {kind: `unavailable`, why: shown.why};
    contents.push(shown.bytes);
  }

  const [old, now] = contents;
  if (old.length > maxBytes || now.length > maxBytes)
    return {kind: `too-large`, bytes: Math.max(old.length, now.length)};
  const oldText = textOf(old);
  const newText = textOf(now);
  if (oldText === null || newText === null)
    return {kind: `binary`};
  const patch = structuredPatch(key, key, oldText, newText, ``, ``, {context});
  return {kind: `text`, hunks: patch.hunks.map(({oldStart, oldLines, newStart, newLines, lines}) => ({oldStart, oldLines, newStart, newLines, lines}))};
}

/**
 * The bytes behind a fingerprint entry, checked against its recorded hash.
 * A manifest field is shown as indented JSON; its hash is that of the
 * canonical JSON the fingerprint records.
 */
function contentOf(side: DiffSide, key: string, hash: string): {bytes: Buffer} | {why: string} {
  if (side.release === null)
    return {why: `the files of ${side.label} could not be read${side.unavailable !== undefined ? `: ${side.unavailable}` : ``}`};
  if (key.startsWith(`package.json#`)) {
    const field = key.slice(`package.json#`.length);
    const value = field === `data` || field === `all` ? manifestData(side.release.manifest, {descriptive: field === `all`}) : Object.hasOwn(side.release.manifest, field) ? side.release.manifest[field] : undefined;
    if (hashBytes(canonicalJson(value)) !== hash)
      return {why: `the package.json of ${side.label} does not hold the ${field} that was recorded`};
    return {bytes: Buffer.from(value === undefined ? `` : `${JSON.stringify(value, null, 2)}\n`)};
  }
  const bytes = side.release.read(key);
  if (bytes === null)
    return {why: `${side.label} has no file ${key}, which was recorded with ${hash}`};
  if (hashBytes(bytes) !== hash)
    return {why: `${key} in ${side.label} is not the file that was recorded (${hash}, found ${hashBytes(bytes)})`};
  return {bytes};
}

/**
 * UTF-8 text, or null for bytes that are not (shown by hash). Control
 * characters in text, a NUL included, are shown as escapes when rendered: a
 * byte that a terminal would hide never makes code unreadable.
 */
function textOf(bytes: Buffer): string | null {
  try {
    return new TextDecoder(`utf-8`, {fatal: true}).decode(bytes);
  } catch (error) {
    if (error instanceof TypeError)
      return null;
    throw error;
  }
}

/** How each line of the rendering is meant to be shown, for the caller's colors. */
export type LineKind = `header` | `hunk` | `added` | `removed` | `context` | `note`;

/**
 * The diff as `git diff`-style text: a `---`/`+++` header per entry named by
 * each side's label, hunks, and one-line notes for what is not shown as text.
 */
export function renderInstallDiff(diff: InstallDiff, beforeLabel: string | null, afterLabel: string): Array<{kind: LineKind, text: string}> {
  return renderLines(diff, beforeLabel, afterLabel).map(({kind, text}) => ({kind, text: visibleLine(text)}));
}

function renderLines(diff: InstallDiff, beforeLabel: string | null, afterLabel: string): Array<{kind: LineKind, text: string}> {
  const lines: Array<{kind: LineKind, text: string}> = [];
  const from = (key: string) => beforeLabel === null ? `/dev/null` : `${beforeLabel}/${key}`;

  if (diff.scripts.length > 0) {
    lines.push({kind: `header`, text: `--- ${beforeLabel === null ? `/dev/null` : `${beforeLabel} (install scripts)`}`});
    lines.push({kind: `header`, text: `+++ ${afterLabel} (install scripts)`});
    for (const {name, before, after} of diff.scripts) {
      if (before !== null)
        lines.push({kind: `removed`, text: `-${name}: ${before}`});
      if (after !== null) {
        lines.push({kind: `added`, text: `+${name}: ${after}`});
      }
    }
  }

  for (const entry of diff.entries) {
    const oldName = entry.status === `added` ? `/dev/null` : from(entry.key);
    const newName = entry.status === `removed` ? `/dev/null` : `${afterLabel}/${entry.key}`;
    const hashes = `${entry.before ?? `(none)`} → ${entry.after ?? `(none)`}`;
    switch (entry.body.kind) {
      case `text`:
        if (entry.body.hunks.length === 0) {
          lines.push({kind: `note`, text: `${entry.key} ${entry.status}: empty or absent on both sides (${hashes})`});
          break;
        }
        lines.push({kind: `header`, text: `--- ${oldName}`}, {kind: `header`, text: `+++ ${newName}`});
        for (const hunk of entry.body.hunks) {
          lines.push({kind: `hunk`, text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`});
          for (const line of hunk.lines) {
            lines.push({kind: line.startsWith(`+`) ? `added` : line.startsWith(`-`) ? `removed` : line.startsWith(`\\`) ? `note` : `context`, text: line});
          }
        }
        break;
      case `binary`:
        lines.push({kind: `note`, text: `Binary ${entry.key} ${entry.status}: ${hashes}`});
        break;
      case `too-large`:
        lines.push({kind: `note`, text: `${entry.key} ${entry.status} (${entry.body.bytes} bytes, too large to show): ${hashes}`});
        break;
      case `path-entry`:
        lines.push({kind: `note`, text: `${entry.key.slice(`PATH#`.length)} on the PATH of the install scripts: ${entry.status === `added` ? `now provided by a package` : entry.status === `removed` ? `no longer provided by a package` : `now provided by another package or file`} (${hashes})`});
        break;
      case `unavailable`:
        lines.push({kind: `note`, text: `${entry.key} ${entry.status}, not shown: ${entry.body.why} (${hashes})`});
        break;
    }
  }
  return lines;
}
