/**
 * Builders for FixturePackage values. Scripts prove they ran by writing marker files into the dir
 * named by env TRUST_MARKERS (set by the project harness), named `<name with / as +>@<version>-<event>`.
 */
import {strict as assert} from 'assert';
import {execFileSync} from 'child_process';
import {promises as fs} from 'fs';
import * as path from 'path';

import type {FixturePackage} from './registry';
import {makeTempDir, removeTempDir, writeFiles} from './util';

export type LifecycleEvent = `preinstall` | `install` | `postinstall`;
/** `true` = default marker command (`node marker.js <event>`); a string = that exact command. */
export type ScriptSpec = Partial<Record<LifecycleEvent, boolean | string>>;

/** Marker file name written by marker.js / the fake node-gyp (event `node-gyp`). */
export function markerName(name: string, version: string, event: string): string {
  return `${name.replace(/\//g, `+`)}@${version}-${event}`;
}

/** Writes the marker; its content tells a test how it was run (argv, npm_lifecycle_event, cwd). */
export const MARKER_JS = `// e2e fixture: proves that a script of this package ran.
const fs = require('fs');
const path = require('path');
const pkg = require('./package.json');
const event = process.argv[2] || process.env.npm_lifecycle_event || 'unknown';
const dir = process.env.TRUST_MARKERS;
if (dir) {
  const file = path.join(dir, pkg.name.replace(/\\//g, '+') + '@' + pkg.version + '-' + event);
  fs.writeFileSync(file, JSON.stringify({event, lifecycle: process.env.npm_lifecycle_event || null, cwd: process.cwd()}) + '\\n');
}
console.log('marker ' + pkg.name + '@' + pkg.version + ' ' + event);
`;

/**
 * Merges `extra` into `base`: record fields (scripts, dependencies, files, manifest…) are merged
 * key by key, everything else is replaced.
 */
export function withExtra(base: FixturePackage, extra: Partial<FixturePackage> = {}): FixturePackage {
  return {
    ...base,
    ...extra,
    scripts: merge(base.scripts, extra.scripts),
    dependencies: merge(base.dependencies, extra.dependencies),
    optionalDependencies: merge(base.optionalDependencies, extra.optionalDependencies),
    files: merge(base.files, extra.files),
    manifest: merge(base.manifest, extra.manifest),
  };
}

function merge<T>(a?: Record<string, T>, b?: Record<string, T>): Record<string, T> | undefined {
  return a || b ? {...a, ...b} : undefined;
}

/** A package without scripts. */
export function plain(name: string, version: string, extra?: Partial<FixturePackage>): FixturePackage {
  return withExtra({name, version}, extra);
}

/** A package whose lifecycle scripts write markers, e.g. `scripted('a', '1.0.0', {postinstall: true})`. */
export function scripted(name: string, version: string, scripts: ScriptSpec, extra?: Partial<FixturePackage>): FixturePackage {
  const entries = Object.entries(scripts).filter(([, spec]) => spec !== false && spec !== undefined);
  if (entries.length === 0)
    throw new Error(`e2e fixtures: scripted(${name}@${version}) needs at least one script`);
  return withExtra({
    name,
    version,
    scripts: Object.fromEntries(entries.map(([event, spec]) => [event, spec === true ? `node marker.js ${event}` : String(spec)])),
    files: {'marker.js': MARKER_JS},
  }, extra);
}

export const FAKE_NODE_GYP_VERSION = `1.0.0`;

/**
 * `node-gyp` stand-in: its bin compiles nothing and writes `<pkg>@<version>-node-gyp` for the package
 * being built (cwd's package.json, else npm_package_name/version), so tests can see whether Yarn's
 * implicit `node-gyp rebuild` ran without needing a compiler or the network.
 */
export function fakeNodeGyp(version = FAKE_NODE_GYP_VERSION): FixturePackage {
  return {
    name: `node-gyp`,
    version,
    manifest: {bin: {'node-gyp': `bin/node-gyp.js`}},
    files: {'bin/node-gyp.js': `#!/usr/bin/env node
// e2e fixture: fake node-gyp; records the build instead of compiling.
const fs = require('fs');
const path = require('path');
let name, version;
try {
  const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'));
  name = pkg.name;
  version = pkg.version;
} catch (error) {
  console.error('fake node-gyp: no readable package.json in ' + process.cwd() + ' (' + error.message + '), using npm_package_* env');
}
name = name || process.env.npm_package_name;
version = version || process.env.npm_package_version;
if (!name || !version) {
  console.error('fake node-gyp: cannot tell which package is being built (cwd ' + process.cwd() + ')');
  process.exit(1);
}
const dir = process.env.TRUST_MARKERS;
if (dir) {
  const file = path.join(dir, name.replace(/\\//g, '+') + '@' + version + '-node-gyp');
  fs.writeFileSync(file, JSON.stringify({argv: process.argv.slice(2), lifecycle: process.env.npm_lifecycle_event || null, cwd: process.cwd()}) + '\\n');
}
console.log('fake node-gyp ' + process.argv.slice(2).join(' ') + ' for ' + name + '@' + version);
`},
  };
}

/**
 * A package with only a binding.gyp (no scripts in its tarball's package.json): Yarn runs the implicit
 * `node-gyp rebuild`. It depends on the fake `node-gyp` (publish `fakeNodeGyp()` too).
 * Note: npm publish adds `scripts.install: "node-gyp rebuild"` and `gypfile: true` to the
 * *packument* (as on the public registry); the tarball's package.json stays script-free.
 */
export function withBindingGyp(name: string, version: string, extra?: Partial<FixturePackage> & {nodeGypVersion?: string}): FixturePackage {
  const {nodeGypVersion, ...rest} = extra ?? {};
  return withExtra({
    name,
    version,
    dependencies: {'node-gyp': nodeGypVersion ?? FAKE_NODE_GYP_VERSION},
    files: {'binding.gyp': JSON.stringify({targets: [{target_name: `fake`, sources: []}]}, null, 2) + `\n`},
  }, rest);
}

/**
 * Test projects pin no malware feed, so an install that adds releases ends with one warning saying
 * that the known-malware check did not run: `output` without that line, for tests that expect silence.
 */
export function withoutFeedNotice(output: string): string {
  const lines = output.split(`\n`);
  const kept = lines.filter(line => !/not checked against a malware feed/.test(line));
  // Yarn's footer counted the notice: with it gone, a run with no other warning is plain done.
  const otherWarnings = kept.some(line => /YN\d{4}: [│·] /.test(line) && /warning/i.test(line) && !/Done with warnings/.test(line));
  return kept.map(line => kept.length < lines.length && !otherWarnings ? line.replace(/Done with warnings/, `Done`) : line).join(`\n`);
}

/**
 * `yarn trust check` of a clean test project (no malware feed pinned): it exits with 0, says once
 * that the known-malware check did not run, and prints the summary lines of a clean run.
 */
export function assertCleanButNoFeed(check: {code: number, output: string}) {
  assert.equal(check.code, 0, check.output);
  assert.equal(check.output.match(/not checked against a malware feed/g)?.length, 1, check.output);
  assert.match(check.output, /Install scripts: /, check.output);
}

/**
 * A tarball made by hand with the system's `tar`, holding `package/<path>` for each of `files` as
 * given: what `npm pack` would drop or rewrite (`.npmrc`, a `bin` that climbs out of the package,
 * a symbolic link: `{symlink: '<target>'}`) stays. For
 * `registry.tamperTarball(name, version, bytes, {updateMetadata: true})`.
 */
export async function handMadeTarball(files: Record<string, string | {symlink: string}>): Promise<Buffer> {
  const dir = await makeTempDir(`trust-e2e-tarball-`);
  try {
    const links = Object.entries(files).flatMap(([rel, content]) => typeof content === `string` ? [] : [[rel, content.symlink] as const]);
    await writeFiles(path.join(dir, `package`), Object.fromEntries(Object.entries(files).flatMap(([rel, content]) => typeof content === `string` ? [[rel, content]] : [])));
    for (const [rel, target] of links) {
      await fs.mkdir(path.dirname(path.join(dir, `package`, rel)), {recursive: true});
      await fs.symlink(target, path.join(dir, `package`, rel));
    }
    execFileSync(`tar`, [`-czf`, path.join(dir, `out.tgz`), `-C`, dir, `package`]);
    return await fs.readFile(path.join(dir, `out.tgz`));
  } finally {
    await removeTempDir(dir);
  }
}
