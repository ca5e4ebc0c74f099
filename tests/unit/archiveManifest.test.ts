import {tgzUtils} from '@yarnpkg/core';
import {npath, type PortablePath} from '@yarnpkg/fslib';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {crc32, deflateRawSync} from 'node:zlib';

import {certainlyRunsNothing} from '../../sources/installScripts/policy/fingerprint';
import {summarizeArchive, summarizeArchiveFile, type ByteSource} from '../../sources/installScripts/yarn/archiveManifest';

const PREFIX = `node_modules/@scope/pkg`;

function inMemory(bytes: Buffer): ByteSource {
  return {size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length)};
}

interface HandEntry {
  name: string;
  data: Buffer;
  method?: 0 | 8 | 12;
  flags?: number;
}

/** A zip written by hand, to build the archives Yarn never writes. */
function handZip(entries: HandEntry[], {comment = ``} = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const method = entry.method ?? 0;
    const stored = method === 8 ? deflateRawSync(entry.data) : entry.data;
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(entry.data), 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.flags ?? 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc32(entry.data), 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(Buffer.byteLength(comment), 20);
  return Buffer.concat([...locals, directory, end, Buffer.from(comment)]);
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
