/**
 * The npm registry's public signing keys, as its keys endpoint
 * (https://registry.npmjs.org/-/npm/v1/keys) lists them: ECDSA P-256 keys in
 * base64 SPKI form. The first signed every release until it expired on
 * 2025-01-29; releases published before then keep its signatures. Built in so
 * that the registry itself is never the only source of the keys that vouch
 * for it; a registry that rotates keys again needs a plugin update (or the
 * keys in `trustRegistryKeys`).
 */

import type {RegistryKey} from '../policy/signatures';

export const NPM_REGISTRY_KEYS: ReadonlyArray<RegistryKey> = [
  {
    keyid: `SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA`,
    key: `MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1Olb3zMAFFxXKHiIkQO5cJ3Yhl5i6UPp+IhuteBJbuHcA5UogKo0EWtlWwW6KSaKoTNEYL7JlCQiVnkhBktUgg==`,
    expires: `2025-01-29T00:00:00.000Z`,
  },
  {
    keyid: `SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U`,
    key: `MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEY6Ya7W++7aUPzvMTrezH6Ycx3c+HOKYCcNGybJZSCJq/fd7Qa8uuAKtdIkUQtQiEKERhAmE5lMMJhP8OkDOa2g==`,
    expires: null,
  },
];
