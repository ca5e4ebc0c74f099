/**
 * Builds the popular-names data the typosquat check ships with: the top 10,000
 * npm names by monthly downloads, from a tab-separated list of npm packages
 * (`name`, `version`, `downloads_a_month`, `summary`; the first line names the
 * columns). The output is compact JSON: a header (source, date, count) and the
 * names sorted by name, each with its downloads.
 *
 * Regenerate (from the repository root, after `npx tsc`):
 *
 *     node build/tests/tools/popularNames.js /work/.library/env/packages/npm.tsv \
 *       sources/releaseTrust/data/popularNames.json
 *
 * The date in the header is the list's modification date (the day it was
 * made), so running the script twice on the same list writes the same bytes.
 */

import fs from 'node:fs';
import path from 'node:path';

export const POPULAR_COUNT = 10_000;

export type PopularNamesFile = {
  source: string;
  date: string;
  count: number;
  /** `[name, monthly downloads]`, sorted by name. */
  names: Array<[string, number]>;
};

/** Reads the rows of an npm list: valid lowercase names with a download count. Later duplicates keep the larger count. */
export function readNpmList(text: string): Map<string, number> {
  const downloads = new Map<string, number>();
  const lines = text.split(`\n`);
  for (let i = 1; i < lines.length; ++i) {
    const line = lines[i];
    if (line === ``)
      continue;
    const [name, , count] = line.split(`\t`);
    const parsed = Number(count);
    if (!name || !Number.isSafeInteger(parsed) || parsed < 0)
      continue;
    // Names with capitals are legacy names no one can publish any more; npm
    // resolves only the exact spelling, and typos are looked up in lowercase.
    if (name !== name.toLowerCase())
      continue;
    if ((downloads.get(name) ?? -1) < parsed)
      downloads.set(name, parsed);
  }
  return downloads;
}

/** The `count` most downloaded names (ties broken by name), sorted by name. */
export function topNames(downloads: Map<string, number>, count: number): Array<[string, number]> {
  const ranked = [...downloads].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return ranked.slice(0, count).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** One name a line keeps the diff of a regeneration readable. */
export function serializePopularNames(file: PopularNamesFile): string {
  const rows = file.names.map(entry => `    ${JSON.stringify(entry)}`).join(`,\n`);
  return `{\n  "source": ${JSON.stringify(file.source)},\n  "date": ${JSON.stringify(file.date)},\n  "count": ${file.count},\n  "names": [\n${rows}\n  ]\n}\n`;
}

function main(argv: Array<string>) {
  if (argv.length !== 2) {
    process.stderr.write(`usage: node build/tests/tools/popularNames.js <npm.tsv> <out.json>\n`);
    process.exitCode = 2;
    return;
  }
  const [input, output] = argv;
  const downloads = readNpmList(fs.readFileSync(input, `utf8`));
  const names = topNames(downloads, POPULAR_COUNT);
  const file: PopularNamesFile = {
    source: `npm names by monthly downloads (${path.basename(input)}, ${downloads.size} names)`,
    date: fs.statSync(input).mtime.toISOString().slice(0, 10),
    count: names.length,
    names,
  };
  fs.writeFileSync(output, serializePopularNames(file));
  process.stdout.write(`${output}: ${names.length} names, the least downloaded with ${Math.min(...names.map(entry => entry[1]))} a month\n`);
}

if (require.main === module)
  main(process.argv.slice(2));
