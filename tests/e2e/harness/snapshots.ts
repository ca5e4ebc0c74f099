/**
 * Snapshot files of real Yarn output, one per case under tests/e2e/snapshots/<case>.txt. Only what
 * varies between runs is normalized: temp paths, ports, Yarn's timings and dates close to now.
 * TRUST_UPDATE_SNAPSHOTS=1 rewrites the files; without it a difference fails with a diff.
 */
import {strict as assert} from 'assert';
import * as fsSync from 'fs';
import {promises as fs} from 'fs';
import * as os from 'os';
import * as path from 'path';

import {REPO_ROOT, type RunResult} from './util';

export const SNAPSHOT_DIR = path.join(REPO_ROOT, `tests/e2e/snapshots`);
export const UPDATE_SNAPSHOTS = process.env.TRUST_UPDATE_SNAPSHOTS === `1`;

const DAY_MS = 86_400_000;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, `\\$&`);

/** Dates within 30 days of now are the test's own (a name published 5 hours ago, a probe's time): volatile. */
function normalizeRecentDates(text: string): string {
  return text.replace(/\b\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z| UTC)?)?/g, match => {
    const time = Date.parse(match.replace(` UTC`, `Z`).replace(` `, `T`));
    return Number.isNaN(time) || Math.abs(Date.now() - time) > 30 * DAY_MS ? match : `<recent date>`;
  });
}

export function normalizeOutput(text: string): string {
  const tmp = fsSync.realpathSync(os.tmpdir());
  let out = text.replace(/\r\n/g, `\n`);
  // Temp dirs of the harness (projects, registries, git repositories): mkdtemp's random suffix.
  out = out.replace(new RegExp(`${escape(tmp)}/trust-[A-Za-z0-9-]+`, `g`), `<tmp>`);
  out = out.replace(new RegExp(`${escape(tmp)}/xfs-[0-9a-f]+`, `g`), `<xfs>`);
  // Not \\b: in a percent-encoded URL (`%2F%2F127.0.0.1%3A4873`) the host follows a letter.
  out = out.replace(/(?<![\w.-])(127\.0\.0\.1|localhost)(:|%3A)\d+/g, `$1$2<port>`);
  out = out.replace(/(%2F)(127\.0\.0\.1|localhost)(%3A)\d+/g, `$1$2$3<port>`);
  // Yarn's timing lines.
  out = out.replace(/ in (?:\d+m )?(?:\d+s )?\d+ms\b/g, ``);
  out = normalizeRecentDates(out);
  return out.split(`\n`).map(line => line.trimEnd()).join(`\n`).trimEnd() + `\n`;
}

/** What a snapshot holds: the command as a user types it, its output, and its exit code. */
export function snapshotText(args: Array<string>, result: RunResult): string {
  return normalizeOutput(`$ yarn ${args.join(` `)}\n${result.output}\n[exit code ${result.code}]\n`);
}

export async function matchSnapshot(name: string, args: Array<string>, result: RunResult): Promise<void> {
  const file = path.join(SNAPSHOT_DIR, `${name}.txt`);
  const actual = snapshotText(args, result);
  if (UPDATE_SNAPSHOTS) {
    await fs.mkdir(SNAPSHOT_DIR, {recursive: true});
    await fs.writeFile(file, actual);
    return;
  }
  const expected = await fs.readFile(file, `utf8`).catch((error: NodeJS.ErrnoException) => {
    if (error.code === `ENOENT`)
      return null;
    throw error;
  });
  if (expected === null)
    assert.fail(`no snapshot ${path.relative(REPO_ROOT, file)}; write it with TRUST_UPDATE_SNAPSHOTS=1. Output:\n${actual}`);
  assert.equal(actual, expected, `output differs from ${path.relative(REPO_ROOT, file)} (rewrite with TRUST_UPDATE_SNAPSHOTS=1):\n${lineDiff(expected, actual)}`);
}

/** A readable line diff: `-` expected, `+` actual, around the first and last differing lines. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split(`\n`);
  const b = actual.split(`\n`);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start])
    start++;
  let endA = a.length - 1, endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - 2);
  return [
    ...a.slice(from, start).map(line => `  ${line}`),
    ...a.slice(start, endA + 1).map(line => `- ${line}`),
    ...b.slice(start, endB + 1).map(line => `+ ${line}`),
    ...a.slice(endA + 1, endA + 3).map(line => `  ${line}`),
  ].join(`\n`);
}

/**
 * The command a message tells the user to run: the last `run yarn <prefix>…` (or `with yarn <prefix>…`)
 * of `output`, as the words a user would type: quotes respected, stopping at the prose that follows it
 * (`(or …`, `after …`). A placeholder such as `"<what you checked>"` is filled in, as a user would.
 */
export function printedCommand(output: string, prefix: string): Array<string> {
  const matches = [...output.matchAll(new RegExp(`\\b(?:run|with) yarn (${escape(prefix)}\\b[^\\n]*)`, `gi`))];
  if (matches.length === 0)
    throw new Error(`the output tells the user to run no command yarn ${prefix}:\n${output}`);
  const line = matches[matches.length - 1][1];
  const words: Array<string> = [];
  for (const token of line.match(/"[^"]*"[.,;:]?|\S+/g) ?? []) {
    if (token.startsWith(`(`) || [`after`, `then`, `or`, `and`, `so`, `to`, `without`].includes(token))
      break;
    const ends = /[.,;:]$/.test(token);
    const bare = ends ? token.slice(0, -1) : token;
    const word = bare.startsWith(`"`) ? bare.slice(1, -1) : bare;
    words.push(/^<.*>$/.test(word) ? `reviewed in the messages e2e test` : word);
    if (ends)
      break;
  }
  return words;
}
