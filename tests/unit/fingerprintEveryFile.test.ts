/**
 * A dependency's approval binds every file of the package and its manifest
 * but the version (the structural rule of the eighth and ninth rounds): code
 * the scan cannot see loading or evaluating another file still runs only
 * approved bytes. `runs` keeps what the scan followed.
 */
import assert from 'node:assert/strict';

import {analyzeEntries, analyzeInstall, analyzeScripts} from '../../sources/installScripts/policy/fingerprint';
import {memoryPackage} from './support/memoryPackage';

const FILES = {
  [`package.json`]: `{"name":"zqpkg","version":"1.0.0"}`,
  [`install.js`]: `require('./lib/used.js');`,
  [`lib/used.js`]: `module.exports = 1;`,
  [`lib/unused.js`]: `module.exports = 2;`,
  [`src/addon.cc`]: `int main() {}`,
  [`test/t.js`]: `require('assert');`,
  [`README.md`]: `# zqpkg`,
  [`CHANGELOG`]: `1.0.0`,
  [`types/index.d.ts`]: `export {};`,
};

function install(files: Record<string, string>, everyFile: boolean) {
  return analyzeInstall({commands: {postinstall: `node install.js`}, manifestScripts: {postinstall: `node install.js`}, manifest: JSON.parse(files[`package.json`]), files: memoryPackage(files), everyFile});
}

describe(`every file of a package whose code runs at install time is bound`, () => {
  it(`binds the files the scan does not reach, documentation too, and the manifest but its version`, () => {
    const analysis = install(FILES, true);
    assert.deepEqual(Object.keys(analysis.fingerprint.files).filter(path => !path.includes(`#`)), [`CHANGELOG`, `README.md`, `install.js`, `lib/unused.js`, `lib/used.js`, `src/addon.cc`, `test/t.js`, `types/index.d.ts`]);
    assert.ok(analysis.fingerprint.files[`package.json#all`] !== undefined);
    assert.deepEqual(analysis.runs, [`install.js`, `lib/used.js`]);
    assert.equal(analysis.loadsAnyFile, false);
  });

  it(`leaves the version out: a release whose files are the same is the same fingerprint`, () => {
    const bumped = {...FILES, [`package.json`]: `{"name":"zqpkg","version":"1.0.1"}`};
    assert.deepEqual(install(bumped, true).fingerprint, install(FILES, true).fingerprint);
  });

  it(`marks a package whose code loads names the scan cannot pin down (the backstop then compares every file on disk)`, () => {
    const analysis = install({...FILES, [`install.js`]: `require(process.argv[2]);`}, true);
    assert.deepEqual(analysis.runs, [`install.js`]);
    assert.equal(analysis.loadsAnyFile, true);
  });

  it(`a release that only changes a file no install code is seen to load is a different fingerprint`, () => {
    const before = install(FILES, true).fingerprint;
    const after = install({...FILES, [`lib/unused.js`]: `require('child_process').execSync('touch /tmp/x');`}, true).fingerprint;
    assert.notDeepEqual(before.files[`lib/unused.js`], after.files[`lib/unused.js`]);
    assert.deepEqual(install(FILES, false).fingerprint.files[`lib/unused.js`], undefined);
  });

  it(`binds every file of a dependency whose entry other install code requires`, () => {
    const files = {[`package.json`]: `{"name":"zqdep","main":"index.js"}`, [`index.js`]: `module.exports = 1;`, [`other.js`]: `x`};
    const analysis = analyzeEntries({entries: [{kind: `module`, specifier: `.`}], manifest: JSON.parse(files[`package.json`]), files: memoryPackage(files), everyFile: true});
    assert.deepEqual(Object.keys(analysis.fingerprint.files).filter(path => !path.includes(`#`)), [`index.js`, `other.js`]);
    assert.deepEqual(analysis.runs, [`index.js`]);
  });

  it(`does not bind a workspace's files: its scripts are the project's own code`, () => {
    const files = {[`package.json`]: `{"name":"ws","scripts":{"gen":"node gen.js"}}`, [`gen.js`]: `1`, [`src/app.js`]: `2`};
    const analysis = analyzeScripts({scripts: [`gen`], manifest: JSON.parse(files[`package.json`]), manifestScripts: {gen: `node gen.js`}, files: memoryPackage(files)});
    assert.deepEqual(Object.keys(analysis.fingerprint.files).filter(path => !path.includes(`#`)), [`gen.js`]);
  });

  it(`refuses the analysis when the package's files cannot be listed, rather than binding only what the scan reached`, () => {
    assert.throws(() => analyzeInstall({commands: {postinstall: `node install.js`}, manifestScripts: {postinstall: `node install.js`}, manifest: {}, files: memoryPackage(FILES, {listing: false}), everyFile: true}), /cannot be listed/);
  });

  it(`counts every file against the limits (a package too large to bind is undecidable, not half bound)`, () => {
    assert.throws(() => analyzeInstall({commands: {postinstall: `node install.js`}, manifestScripts: {postinstall: `node install.js`}, manifest: {}, files: memoryPackage(FILES), everyFile: true, limits: {maxFiles: 3}}), /more than 3 files/);
  });
});
