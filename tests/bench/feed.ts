/**
 * What the malware feed costs an install: load (gunzip, split, header) and match every release of a
 * real lockfile, on a feed of the size the OpenSSF data reaches in 2026 (220,000 entries).
 *
 *     node build/tests/bench/feed.js [--entries=220000] [--runs=7] [--lockfile=../shared/bench-projects/jest/yarn.lock] [--no-write]
 *
 * An install reads the feed as Yarn's global folder keeps it: the feed package's tarball, as npm packs
 * it (a gzipped tar holding package/malware-feed.gz). The measured load is what an install does: read
 * the tarball, check its sha512 against the pin, decompress it, take the feed out, decompress the feed,
 * locate its lines, then judge every release of the lockfile.
 *
 * The feed is synthetic (the real data is too large to fetch here): random names of the shapes the
 * data has (unscoped and scoped, 5–30 characters), one to three listed versions each, one entry in
 * twenty with a range, and 200 entries on names of the lockfile at versions it does not lock (so that
 * lookups find lines and judge them). Each run is a fresh Node process, so its peak RSS is the feed's.
 * Writes tests/bench/results-feed.json.
 */

import {spawnSync} from 'child_process';
import {createHash} from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {gunzipSync, gzipSync} from 'zlib';

import {parseFeed, serializeFeed} from '../../sources/knownMalware/policy/feed';
import {judgeRelease, type MalwareEntry} from '../../sources/knownMalware/policy/osv';
import {FEED_FILE, fileOfTar} from '../../sources/knownMalware/policy/tarball';
import {seededRandom} from '../tools/random';

const REPO_ROOT = path.resolve(__dirname, `../../..`);

function option(name: string, fallback: string): string {
  const found = process.argv.find(arg => arg.startsWith(`--${name}=`));
  return found === undefined ? fallback : found.slice(name.length + 3);
}

/** name@version of every npm release a yarn.lock resolves (from its `resolution:` lines). */
function lockedReleases(lockfile: string): Array<{name: string, version: string}> {
  const releases = [];
  for (const match of fs.readFileSync(lockfile, `utf8`).matchAll(/^ {2}resolution: "(@?[^@"]+)@npm:([^"]+)"$/gm))
    releases.push({name: match[1], version: match[2]});
  return releases;
}

function syntheticFeed(count: number, locked: Array<{name: string, version: string}>): string {
  const next = seededRandom(20261204);
  const random = {int: (below: number) => Math.floor(next() * below)};
  const letters = `abcdefghijklmnopqrstuvwxyz0123456789-`;
  const word = (min: number, max: number) => {
    let text = letters[random.int(26)];
    const length = min + random.int(max - min + 1);
    while (text.length < length)
      text += letters[random.int(letters.length)];
    return text.replace(/-+$/, ``);
  };
  const version = () => `${random.int(10)}.${random.int(20)}.${random.int(30)}`;
  const entries: Array<MalwareEntry> = [];
  for (let index = 0; index < count; ++index) {
    const onLocked = index < 200 && locked.length > 0;
    const name = onLocked ? locked[random.int(locked.length)].name : random.int(10) === 0 ? `@${word(3, 12)}/${word(4, 20)}` : word(5, 30);
    const versions = onLocked ? [`999.0.${index}`] : Array.from({length: 1 + random.int(3)}, version);
    const ranges = !onLocked && random.int(20) === 0 ? [[{introduced: `0`}]] : [];
    entries.push({id: `MAL-2026-${index}`, name, summary: `Malicious code in ${name} (npm)`, published: `2026-01-01T00:00:00Z`, modified: `2026-01-02T00:00:00Z`, spec: {versions, ranges}});
  }
  return serializeFeed(entries, {source: `synthetic`, generated: new Date(`2026-12-04T00:00:00Z`).toISOString()});
}

/** A tar entry as npm packs it (ustar header, body padded to 512 bytes). */
function tarEntry(name: string, data: Buffer): Buffer {
  const head = Buffer.alloc(512);
  head.write(name);
  head.write(`${data.length.toString(8).padStart(11, `0`)}\0`, 124);
  head.write(`0`, 156);
  head.write(`ustar\0`, 257);
  return Buffer.concat([head, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** The feed package's tarball, as `npm pack` of a folder with package.json and malware-feed.gz makes it. */
function feedTarball(gz: Buffer): Buffer {
  return gzipSync(Buffer.concat([tarEntry(`package/package.json`, Buffer.from(`{"name":"malware-feed","version":"2026.12.4"}\n`)), tarEntry(FEED_FILE, gz), Buffer.alloc(1024)]), {level: 9});
}

/** One measured run, in this (fresh) process: prints {ms, rssMb, matched}. */
function measureOnce(tarballFile: string, integrity: string, lockfile: string) {
  const releases = lockedReleases(lockfile);
  const start = process.hrtime.bigint();
  // What an install does with the cached tarball (loadPinnedFeed and gunzipWhole in knownMalware/yarn/feedStore.ts).
  const tarball = fs.readFileSync(tarballFile);
  if (`sha512-${createHash(`sha512`).update(tarball).digest(`base64`)}` !== integrity)
    throw new Error(`the tarball does not match the pin`);
  const gunzip = (gz: Uint8Array) => gunzipSync(gz, {chunkSize: Math.max(64 * 1024, Buffer.from(gz.buffer, gz.byteOffset + gz.length - 4, 4).readUInt32LE(0) + 1)});
  const feed = parseFeed(gunzip(fileOfTar(gunzip(tarball), FEED_FILE)!));
  let matched = 0;
  for (const {name, version} of releases)
    for (const entry of feed.entriesOf(name))
      if (judgeRelease(entry, version, null).kind !== `clear`)
        matched += 1;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(`${JSON.stringify({ms, rssMb: process.resourceUsage().maxRSS / 1024, matched, releases: releases.length})}\n`);
}

function main() {
  if (process.argv.includes(`--measure-once`)) {
    measureOnce(option(`tarball`, ``), option(`integrity`, ``), option(`lockfile`, ``));
    return;
  }
  const entries = Number(option(`entries`, `220000`));
  const runs = Number(option(`runs`, `7`));
  const lockfile = path.resolve(option(`lockfile`, path.join(REPO_ROOT, `../shared/bench-projects/jest/yarn.lock`)));
  const locked = lockedReleases(lockfile);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `trust-feed-bench-`));
  try {
    const tarballFile = path.join(dir, `feed.tgz`);
    const text = syntheticFeed(entries, locked);
    const gz = gzipSync(text, {level: 9});
    const tarball = feedTarball(gz);
    const integrity = `sha512-${createHash(`sha512`).update(tarball).digest(`base64`)}`;
    fs.writeFileSync(tarballFile, tarball);
    const unzipStart = process.hrtime.bigint();
    gunzipSync(gz);
    const gunzipMs = Number(process.hrtime.bigint() - unzipStart) / 1e6;
    const samples = [];
    for (let run = 0; run < runs; ++run) {
      const child = spawnSync(process.execPath, [__filename, `--measure-once`, `--tarball=${tarballFile}`, `--integrity=${integrity}`, `--lockfile=${lockfile}`], {encoding: `utf8`});
      if (child.status !== 0)
        throw new Error(`feed bench run failed: ${child.stderr}`);
      samples.push(JSON.parse(child.stdout) as {ms: number, rssMb: number, matched: number, releases: number});
    }
    const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const result = {
      date: new Date().toISOString(),
      entries,
      feedBytes: gz.length,
      tarballBytes: tarball.length,
      bytesPerEntry: gz.length / entries,
      decompressedBytes: Buffer.byteLength(text),
      gunzipMs,
      lockfile: path.relative(REPO_ROOT, lockfile),
      releases: samples[0].releases,
      matched: samples[0].matched,
      runs,
      loadAndMatchMs: median(samples.map(sample => sample.ms)),
      peakRssMb: median(samples.map(sample => sample.rssMb)),
      samplesMs: samples.map(sample => Math.round(sample.ms * 10) / 10),
      cores: os.cpus().length,
    };
    console.log(`malware feed: ${entries} entries, ${(gz.length / 1e6).toFixed(2)} MB gzipped (${result.bytesPerEntry.toFixed(1)} bytes an entry), ${(result.decompressedBytes / 1e6).toFixed(1)} MB decompressed (${gunzipMs.toFixed(0)} ms of the load); load from the cached tarball + match ${result.releases} releases of ${result.lockfile}: ${result.loadAndMatchMs.toFixed(1)} ms median of ${runs}, peak RSS ${result.peakRssMb.toFixed(0)} MB (the whole Node process)`);
    if (!process.argv.includes(`--no-write`))
      fs.writeFileSync(path.join(REPO_ROOT, `tests/bench/results-feed.json`), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    if (!process.env.KEEP_FEED) fs.rmSync(dir, {recursive: true, force: true}); else console.log(dir);
  }
}

main();
