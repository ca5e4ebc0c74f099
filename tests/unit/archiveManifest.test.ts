import {tgzUtils} from '@yarnpkg/core';
import {npath, type PortablePath} from '@yarnpkg/fslib';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';

import {certainlyRunsNothing} from '../../sources/installScripts/policy/fingerprint';
import {summarizeArchive, summarizeArchiveFile, type ByteSource} from '../../sources/installScripts/yarn/archiveManifest';
import {handZip} from './support/handZip';

const PREFIX = `node_modules/@scope/pkg`;

function inMemory(bytes: Buffer): ByteSource {
  return {size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length)};
}

const MANIFEST = Buffer.from(JSON.stringify({name: `@scope/pkg`, version: `1.0.0`}));

describe(`summarizeArchive`, () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), `trust-archive-manifest-`));
  });

  afterEach(() => {
    rmSync(root, {recursive: true, force: true});
  });

  /** An archive as Yarn builds it: `compressionLevel: mixed`, entries under `node_modules/<name>`. */
  async function yarnArchive(files: Record<string, string | Buffer>): Promise<string> {
    const source = join(root, `source`);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(dirname(join(source, file)), {recursive: true});
      writeFileSync(join(source, file), content);
    }
    const zip = await tgzUtils.makeArchiveFromDirectory(npath.toPortablePath(source), {prefixPath: PREFIX as PortablePath, compressionLevel: `mixed`, inMemory: true});
    const archive = join(root, `archive.zip`);
    writeFileSync(archive, zip.getBufferAndClose());
    return archive;
  }

  describe(`when the archive is one Yarn wrote`, () => {
    it(`reads the manifest and sees binding.gyp`, async () => {
      const manifest = JSON.stringify({name: `@scope/pkg`, version: `1.0.0`, scripts: {test: `mocha`}, description: `x`.repeat(5000)});
      const archive = await yarnArchive({'package.json': manifest, 'binding.gyp': `{}`, 'index.js': `module.exports = 1;\n`});
      const summary = summarizeArchiveFile(archive, PREFIX);
      assert.equal(summary?.manifest?.toString(), manifest);
      assert.equal(summary?.hasBindingGyp, true);
    });

    it(`sees binding.gyp that is a folder, as Yarn does when it schedules node-gyp rebuild (outside attack round 38, A10)`, async () => {
      const archive = await yarnArchive({'package.json': MANIFEST.toString(), 'binding.gyp/x.gyp': `{}`});
      assert.equal(summarizeArchiveFile(archive, PREFIX)?.hasBindingGyp, true);
      // A name that only starts like it is no binding.gyp.
      rmSync(join(root, `source`), {recursive: true, force: true});
      const other = await yarnArchive({'package.json': MANIFEST.toString(), 'binding.gypi': `{}`});
      assert.equal(summarizeArchiveFile(other, PREFIX)?.hasBindingGyp, false);
    });

    it(`gives up on a package.json or binding.gyp that is a symbolic link, whose bytes are only its target's name (outside attack round 42, A1)`, async () => {
      for (const linked of [`package.json`, `binding.gyp`]) {
        rmSync(join(root, `source`), {recursive: true, force: true});
        mkdirSync(join(root, `source`), {recursive: true});
        writeFileSync(join(root, `source/{}`), JSON.stringify({name: `@scope/pkg`, version: `1.0.0`, scripts: {postinstall: `node x.js`}}));
        if (linked === `binding.gyp`)
          writeFileSync(join(root, `source/package.json`), MANIFEST);
        symlinkSync(`{}`, join(root, `source`, linked));
        const archive = await yarnArchive({});
        assert.equal(summarizeArchiveFile(archive, PREFIX), null, linked);
      }
    });

    it(`reads it when the archive is larger than the end it reads first`, async () => {
      // Random bytes do not compress: the archive is well over the 64 KiB read first.
      const files: Record<string, string | Buffer> = {'package.json': MANIFEST.toString()};
      for (let index = 0; index < 60; ++index)
        files[`lib/file-${index}.bin`] = randomBytes(4000);
      const archive = await yarnArchive(files);
      assert.ok(statSync(archive).size > 200_000);
      const summary = summarizeArchiveFile(archive, PREFIX);
      assert.equal(summary?.manifest?.toString(), MANIFEST.toString());
      assert.equal(summary?.hasBindingGyp, false);
    });

    it(`reports an archive without a manifest as such`, async () => {
      const summary = summarizeArchiveFile(await yarnArchive({'index.js': ``}), PREFIX);
      assert.deepEqual(summary, {manifest: null, hasBindingGyp: false});
    });

    it(`does not take another package's manifest for this one`, async () => {
      const summary = summarizeArchiveFile(await yarnArchive({'package.json': MANIFEST.toString()}), `node_modules/other`);
      assert.deepEqual(summary, {manifest: null, hasBindingGyp: false});
    });
  });

  describe(`when the archive is hand-made`, () => {
    it(`reads stored and deflated manifests, behind a comment`, () => {
      for (const method of [0, 8] as const) {
        const summary = summarizeArchive(inMemory(handZip([{name: `${PREFIX}/package.json`, data: MANIFEST, method}], {comment: `made by hand`})), PREFIX);
        assert.equal(summary?.manifest?.toString(), MANIFEST.toString(), `method ${method}`);
      }
    });

    const refused: Array<[string, Buffer]> = [
      [`the manifest listed twice`, handZip([{name: `${PREFIX}/package.json`, data: MANIFEST}, {name: `${PREFIX}/package.json`, data: Buffer.from(`{}`)}])],
      [`binding.gyp listed twice`, handZip([{name: `${PREFIX}/binding.gyp`, data: Buffer.from(`{}`)}, {name: `${PREFIX}/binding.gyp`, data: Buffer.from(`{}`)}])],
      [`an encrypted manifest`, handZip([{name: `${PREFIX}/package.json`, data: MANIFEST, flags: 1}])],
      [`sizes in a data descriptor`, handZip([{name: `${PREFIX}/package.json`, data: MANIFEST, flags: 8}])],
      [`another compression method`, handZip([{name: `${PREFIX}/package.json`, data: MANIFEST, method: 12}])],
      [`no end record`, handZip([{name: `${PREFIX}/package.json`, data: MANIFEST}]).subarray(0, -22)],
      [`bytes that are not a zip`, Buffer.from(`not a zip at all, but long enough to look for one`)],
    ];
    for (const [label, bytes] of refused) {
      it(`leaves it to Yarn's reader: ${label}`, () => {
        assert.equal(summarizeArchive(inMemory(bytes), PREFIX), null);
      });
    }

    it(`leaves it to Yarn's reader when the directory points outside the file`, () => {
      const bytes = handZip([{name: `${PREFIX}/package.json`, data: MANIFEST}]);
      bytes.writeUInt32LE(bytes.length, bytes.length - 22 + 16);
      assert.equal(summarizeArchive(inMemory(bytes), PREFIX), null);
    });

    it(`leaves it to Yarn's reader when the local header names another file`, () => {
      const bytes = handZip([{name: `${PREFIX}/package.json`, data: MANIFEST}]);
      bytes.write(`X`, 30);
      assert.equal(summarizeArchive(inMemory(bytes), PREFIX), null);
    });

    it(`leaves it to Yarn's reader when the deflated stream is damaged`, () => {
      const bytes = handZip([{name: `${PREFIX}/package.json`, data: MANIFEST, method: 8}]);
      bytes.fill(0xff, 30 + `${PREFIX}/package.json`.length, 30 + `${PREFIX}/package.json`.length + 4);
      assert.equal(summarizeArchive(inMemory(bytes), PREFIX), null);
    });
  });
});

describe(`certainlyRunsNothing`, () => {
  it(`is true for manifests without install scripts`, () => {
    assert.equal(certainlyRunsNothing(JSON.stringify({name: `a`}), false), true);
    assert.equal(certainlyRunsNothing(JSON.stringify({name: `a`, scripts: {test: `mocha`, prepare: `tsc`}}), false), true);
    assert.equal(certainlyRunsNothing(JSON.stringify({name: `a`, scripts: null}), false), true);
  });

  it(`is false when an install event is named, whatever its value`, () => {
    for (const event of [`preinstall`, `install`, `postinstall`]) {
      assert.equal(certainlyRunsNothing(JSON.stringify({scripts: {[event]: `node x.js`}}), false), false, event);
      assert.equal(certainlyRunsNothing(JSON.stringify({scripts: {[event]: 42}}), false), false, event);
    }
  });

  it(`is false with a binding.gyp (Yarn builds it with node-gyp)`, () => {
    assert.equal(certainlyRunsNothing(JSON.stringify({name: `a`}), true), false);
  });

  it(`is false for anything it does not read exactly as Yarn would`, () => {
    assert.equal(certainlyRunsNothing(`\uFEFF${JSON.stringify({name: `a`})}`, false), false);
    assert.equal(certainlyRunsNothing(`{"name": "a",}`, false), false);
    assert.equal(certainlyRunsNothing(`[]`, false), false);
    assert.equal(certainlyRunsNothing(`"a"`, false), false);
    assert.equal(certainlyRunsNothing(JSON.stringify({scripts: `node x.js`}), false), false);
    assert.equal(certainlyRunsNothing(JSON.stringify({scripts: [`node x.js`]}), false), false);
  });

  it(`reads the last of duplicate keys, as Yarn's JSON.parse does`, () => {
    assert.equal(certainlyRunsNothing(`{"scripts": {"postinstall": "evil"}, "scripts": {}}`, false), true);
    assert.equal(certainlyRunsNothing(`{"scripts": {}, "scripts": {"postinstall": "evil"}}`, false), false);
  });
});
