import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {NPM_REGISTRY_KEYS} from '../../sources/releaseTrust/data/npmRegistryKeys';
import {MISSING_SIGNATURES_IN_FULL, missingSignatureStyle, parseRegistryKeys, type SignatureInput, verifyReleaseSignature} from '../../sources/releaseTrust/policy/signatures';
import {makeSigner} from '../tools/signing';

const ROOT = path.resolve(__dirname, `../../..`);
const REAL = JSON.parse(fs.readFileSync(path.join(ROOT, `tests/unit/fixtures/signatures/real.json`), `utf8`)) as {releases: Array<SignatureInput & {source: string}>};
const INTEGRITY = `sha512-${Buffer.alloc(64, 7).toString(`base64`)}`;

describe(`release trust: registry signatures`, () => {
  describe(`real npm releases, with the npm registry's real keys`, () => {
    for (const release of REAL.releases) {
      it(`verifies ${release.name}@${release.version}`, () => {
        assert.deepEqual(verifyReleaseSignature({...release, keys: NPM_REGISTRY_KEYS}), {kind: `verified`, keyid: release.signatures && (release.signatures as Array<{keyid: string}>)[0].keyid});
      });

      it(`refuses ${release.name}@${release.version} with one character of its integrity or version changed`, () => {
        const integrity = release.integrity as string;
        const flipped = `${integrity.slice(0, 20)}${integrity[20] === `A` ? `B` : `A`}${integrity.slice(21)}`;
        assert.equal(verifyReleaseSignature({...release, integrity: flipped, keys: NPM_REGISTRY_KEYS}).kind, `bad`);
        assert.equal(verifyReleaseSignature({...release, version: `${release.version}1`, keys: NPM_REGISTRY_KEYS}).kind, `bad`);
      });
    }

    it(`refuses a release signed by the first key but published after it expired`, () => {
      const [tool5] = REAL.releases;
      const verdict = verifyReleaseSignature({...tool5, publishedAt: `2025-01-29T00:00:00.000Z`, keys: NPM_REGISTRY_KEYS});
      assert.equal(verdict.kind, `expired-key`);
      assert.match(JSON.stringify(verdict), /expired on 2025-01-29/);
      assert.equal(verifyReleaseSignature({...tool5, publishedAt: null, keys: NPM_REGISTRY_KEYS}).kind, `expired-key`);
    });

    it(`lists the keys the registry's keys endpoint serves`, () => {
      const parsed = parseRegistryKeys({keys: NPM_REGISTRY_KEYS.map(key => ({...key, keytype: `ecdsa-sha2-nistp256`, scheme: `ecdsa-sha2-nistp256`}))});
      assert.deepEqual(parsed, {keys: NPM_REGISTRY_KEYS});
    });
  });

  describe(`every verdict, with a test key`, () => {
    const signer = makeSigner(`SHA256:test-key`);
    const other = makeSigner(`SHA256:other-key`);
    const base = (extra: Partial<SignatureInput> = {}): SignatureInput => ({
      name: `@scope/pkg`, version: `1.2.3`, integrity: INTEGRITY, signatures: [signer.sign(`@scope/pkg`, `1.2.3`, INTEGRITY)], keys: [signer.key], publishedAt: `2026-01-01T00:00:00.000Z`, ...extra,
    });

    it(`signs exactly "<name>@<version>:<integrity>"`, () => {
      assert.deepEqual(verifyReleaseSignature(base()), {kind: `verified`, keyid: `SHA256:test-key`});
      const scopeless = base({signatures: [signer.sign(`pkg`, `1.2.3`, INTEGRITY)]});
      assert.equal(verifyReleaseSignature(scopeless).kind, `bad`);
    });

    it(`missing, unknown key, malformed`, () => {
      assert.equal(verifyReleaseSignature(base({signatures: undefined})).kind, `missing`);
      assert.equal(verifyReleaseSignature(base({signatures: []})).kind, `missing`);
      const unknown = verifyReleaseSignature(base({signatures: [other.sign(`@scope/pkg`, `1.2.3`, INTEGRITY)]}));
      assert.deepEqual(unknown.kind === `unknown-key` && unknown.keyids, [`SHA256:other-key`]);
      assert.equal(verifyReleaseSignature(base({signatures: [{keyid: 1}]})).kind, `malformed`);
      assert.equal(verifyReleaseSignature(base({signatures: `MEUC…`})).kind, `malformed`);
      assert.equal(verifyReleaseSignature(base({integrity: undefined})).kind, `malformed`);
    });

    it(`a good signature next to an unknown key verifies; next to a bad one by a known key it does not`, () => {
      const good = signer.sign(`@scope/pkg`, `1.2.3`, INTEGRITY);
      assert.equal(verifyReleaseSignature(base({signatures: [other.sign(`@scope/pkg`, `1.2.3`, INTEGRITY), good]})).kind, `verified`);
      const forged = {keyid: `SHA256:test-key`, sig: other.sign(`@scope/pkg`, `1.2.3`, INTEGRITY).sig};
      assert.equal(verifyReleaseSignature(base({signatures: [good, forged]})).kind, `bad`);
    });

    it(`a key is valid for releases published before it expires, not from then on`, () => {
      const expiring = {...signer.key, expires: `2026-01-01T00:00:00.000Z`};
      assert.equal(verifyReleaseSignature(base({keys: [expiring], publishedAt: `2025-12-31T23:59:59.999Z`})).kind, `verified`);
      assert.equal(verifyReleaseSignature(base({keys: [expiring], publishedAt: `2026-01-01T00:00:00.000Z`})).kind, `expired-key`);
      assert.equal(verifyReleaseSignature(base({keys: [expiring], publishedAt: `not a date`})).kind, `expired-key`);
    });

    it(`refuses keys documents it cannot use, saying why`, () => {
      assert.match(JSON.stringify(parseRegistryKeys({})), /\\"keys\\" array/);
      assert.match(JSON.stringify(parseRegistryKeys({keys: [{keyid: `k`, key: `x`, keytype: `ssh-rsa`}]})), /unsupported key type/);
      assert.match(JSON.stringify(parseRegistryKeys({keys: [{keyid: `k`, key: `bm90IGEga2V5`, keytype: `ecdsa-sha2-nistp256`}]})), /not a base64 SPKI public key/);
      assert.match(JSON.stringify(parseRegistryKeys({keys: [{...signer.keysDocument().keys[0], expires: `someday`}]})), /neither null nor a date/);
      assert.deepEqual(parseRegistryKeys(signer.keysDocument()), {keys: [signer.key]});
    });
  });
});

describe(`missingSignatureStyle`, () => {
  describe(`when a registry lists no signature for release after release (a mirror that strips them)`, () => {
    it(`tells the first few in full, then one line each`, () => {
      assert.deepEqual([1, 2, 3, 4, 1545].map(missingSignatureStyle), [`full`, `full`, `full`, `short`, `short`]);
      assert.equal(MISSING_SIGNATURES_IN_FULL, 3);
    });
  });
});
