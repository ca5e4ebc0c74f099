import {npath, type PortablePath} from '@yarnpkg/fslib';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {ArchiveHashes, REBUILT_FROM_SOURCES, parseArchiveHashes, serializeArchiveHashes} from '../../sources/checksums/yarn/archiveHashes';
import {identityOf} from '../../sources/core/yarn/localFiles';

const sha512 = (text: string) => createHash(`sha512`).update(text).digest(`hex`);
const FAKE = `f`.repeat(128);
/** The files of these tests were just written: remember them anyway. */
const SETTLED = {settleMs: 0};

describe(`ArchiveHashes`, () => {
  let root: string;
  let archive: PortablePath;
  let store: PortablePath;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), `trust-archive-hashes-`));
    writeFileSync(join(root, `a.zip`), `first content`);
    archive = npath.toPortablePath(join(root, `a.zip`));
    store = npath.toPortablePath(join(root, `.yarn`, `hashes.json`));
  });

  afterEach(() => {
    rmSync(root, {recursive: true, force: true});
  });

  /** A store that claims FAKE for the archive as it is now. */
  async function rememberFake() {
    const entries = new Map([[archive as string, {identity: await identityOf(archive), hash: FAKE}]]);
    mkdirSync(join(root, `.yarn`), {recursive: true});
    writeFileSync(npath.fromPortablePath(store), serializeArchiveHashes(entries));
  }

  describe(`when nothing is remembered`, () => {
    it(`hashes the file and keeps the hash for the next install`, async () => {
      const hashes = await ArchiveHashes.load(store, SETTLED);
      assert.equal(await hashes.hashOf(archive), sha512(`first content`));
      await hashes.save();
      const saved = parseArchiveHashes(readFileSync(npath.fromPortablePath(store), `utf8`));
      assert.deepEqual([...saved.keys()], [archive]);
      assert.equal(saved.get(archive)!.hash, sha512(`first content`));
    });
  });

  describe(`when a file was found to be the archive of a verified tarball`, () => {
    const INTEGRITY = `sha512-${`A`.repeat(86)}==`;

    it(`remembers it for the same file`, async () => {
      const first = await ArchiveHashes.load(store, SETTLED);
      assert.equal(await first.builtFrom(archive), null);
      await first.rememberBuiltFrom(archive, INTEGRITY);
      await first.save();
      assert.equal(await (await ArchiveHashes.load(store, SETTLED)).builtFrom(archive), INTEGRITY);
    });

    it(`forgets it once the file changed`, async () => {
      const first = await ArchiveHashes.load(store, SETTLED);
      await first.rememberBuiltFrom(archive, INTEGRITY);
      await first.save();
      writeFileSync(npath.fromPortablePath(archive), `tampered content`);
      assert.equal(await (await ArchiveHashes.load(store, SETTLED)).builtFrom(archive), null);
    });

    it(`does not remember it for a file changed too recently to tell a later edit apart`, async () => {
      const first = await ArchiveHashes.load(store);
      await first.rememberBuiltFrom(archive, INTEGRITY);
      assert.equal(await first.builtFrom(archive), null);
    });
  });

  describe(`when the same file was hashed before`, () => {
    it(`answers from memory without reading it`, async () => {
      const hashes = await ArchiveHashes.load(store, SETTLED);
      await hashes.hashOf(archive);
      await hashes.save();
      await rememberFake();
      // The remembered (fake) value proves the file was not read again.
      assert.equal(await (await ArchiveHashes.load(store, SETTLED)).hashOf(archive), FAKE);
    });

    it(`does not rewrite the store when nothing changed`, async () => {
      const first = await ArchiveHashes.load(store, SETTLED);
      await first.hashOf(archive);
      await first.save();
      const before = statSync(npath.fromPortablePath(store), {bigint: true}).ino;
      const second = await ArchiveHashes.load(store, SETTLED);
      await second.hashOf(archive);
      await second.save();
      // Saving replaces the file by a rename: an unchanged inode means no write.
      assert.equal(statSync(npath.fromPortablePath(store), {bigint: true}).ino, before);
    });
  });

  describe(`when the file changed just before it was hashed`, () => {
    it(`does not remember it: an edit within the same timestamp tick would go unseen`, async () => {
      const hashes = await ArchiveHashes.load(store, {settleMs: 60_000});
      assert.equal(await hashes.hashOf(archive), sha512(`first content`));
      await hashes.save();
      assert.equal(existsSync(npath.fromPortablePath(store)), false);
    });
  });

  describe(`when the file was written after it was hashed`, () => {
    it(`hashes it again, even with the same size`, async () => {
      const hashes = await ArchiveHashes.load(store, SETTLED);
      await hashes.hashOf(archive);
      await hashes.save();
      await rememberFake();
      writeFileSync(npath.fromPortablePath(archive), `other content`);
      assert.equal(await (await ArchiveHashes.load(store, SETTLED)).hashOf(archive), sha512(`other content`));
    });
  });

  describe(`when the store is damaged or of another version`, () => {
    for (const [label, text] of [
      [`not JSON`, `{"version": 1, "files": {`],
      [`another version`, JSON.stringify({version: 2, files: {}})],
      [`files is an array`, JSON.stringify({version: 1, files: []})],
    ]) {
      it(`remembers nothing (${label}) and replaces it on save`, async () => {
        await rememberFake();
        writeFileSync(npath.fromPortablePath(store), text);
        const hashes = await ArchiveHashes.load(store, SETTLED);
        assert.equal(await hashes.hashOf(archive), sha512(`first content`));
        await hashes.save();
        assert.equal(parseArchiveHashes(readFileSync(npath.fromPortablePath(store), `utf8`)).get(archive)!.hash, sha512(`first content`));
      });
    }

    it(`drops entries whose hash is not a SHA-512`, async () => {
      const identity = await identityOf(archive);
      const parsed = parseArchiveHashes(JSON.stringify({version: 1, files: {
        [archive]: [identity, `abc`],
        '/other.zip': [identity, FAKE],
        '/third.zip': [identity],
      }}));
      assert.deepEqual([...parsed.keys()], [`/other.zip`]);
    });

    it(`keeps what a derived archive was found to be, and drops any other mark (the check of a patch: archive was redone on every install)`, async () => {
      const identity = await identityOf(archive);
      const parsed = parseArchiveHashes(JSON.stringify({version: 1, files: {
        '/patch.zip': [identity, FAKE, REBUILT_FROM_SOURCES],
        '/odd.zip': [identity, FAKE, `rebuilt`],
      }}));
      assert.deepEqual([...parsed.keys()], [`/patch.zip`]);
      assert.equal(parsed.get(`/patch.zip`)!.builtFrom, REBUILT_FROM_SOURCES);
    });
  });

  describe(`when the file is missing`, () => {
    it(`fails instead of answering`, async () => {
      const hashes = await ArchiveHashes.load(store, SETTLED);
      await assert.rejects(hashes.hashOf(npath.toPortablePath(join(root, `missing.zip`))), /ENOENT/);
    });
  });
});
