/**
 * Signs releases the way a registry does, with a test key, for tests: the key
 * pair, the `dist.signatures` entry over `<name>@<version>:<integrity>`, and
 * the keys-endpoint document that lists the public key.
 */

import {generateKeyPairSync, type KeyObject, sign} from 'node:crypto';

import type {RegistryKey} from '../../sources/releaseTrust/policy/signatures';
import {signedMessage} from '../../sources/releaseTrust/policy/signatures';

export type TestSigner = {
  key: RegistryKey;
  sign(name: string, version: string, integrity: string): {keyid: string, sig: string};
  keysDocument(): {keys: Array<Record<string, unknown>>};
};

export function makeSigner(keyid: string, expires: string | null = null): TestSigner {
  const {publicKey, privateKey} = generateKeyPairSync(`ec`, {namedCurve: `prime256v1`});
  const key: RegistryKey = {keyid, key: (publicKey.export({format: `der`, type: `spki`}) as Buffer).toString(`base64`), expires};
  return {
    key,
    sign: (name, version, integrity) => ({keyid, sig: signWith(privateKey, signedMessage(name, version, integrity))}),
    keysDocument: () => ({keys: [{expires, keyid, keytype: `ecdsa-sha2-nistp256`, scheme: `ecdsa-sha2-nistp256`, key: key.key}]}),
  };
}

function signWith(privateKey: KeyObject, message: string): string {
  return sign(`sha256`, Buffer.from(message), privateKey).toString(`base64`);
}
