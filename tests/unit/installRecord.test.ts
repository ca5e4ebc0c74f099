import assert from 'node:assert/strict';

import {INSTALL_RECORD_VERSION, installRecordKey, lockfileDigest, parseInstallRecord, serializeConfigurationValues, serializeInstallRecord} from '../../sources/core/policy/installRecord';

describe(`the record of the last verified install`, () => {
  const inputs = {
    files: [[`yarn.lock`, `1:2:300:4:5`], [`plugin`, `1:3:9:4:5`]] as Array<[string, string]>,
    configuration: serializeConfigurationValues(new Map([[`npmRegistryServer`, `http://r`]])),
    workspaces: JSON.stringify([[`.`, {name: `app`}], [`packages/u`, {name: `u`}]]),
    lockfile: lockfileDigest({resolutions: new Map([[`a1`, `b1`]]), packages: new Map([[`b1`, `10c0/c1`]])}),
  };

  it(`binds every file by its identity, the configuration and the lockfile Yarn holds`, () => {
    const key = installRecordKey(inputs);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(installRecordKey({...inputs, files: [...inputs.files].reverse()}), key, `the order of the files does not matter`);
    assert.notEqual(installRecordKey({...inputs, files: [[`yarn.lock`, `1:2:300:4:6`], inputs.files[1]]}), key, `another change time`);
    assert.notEqual(installRecordKey({...inputs, files: [[`yarn.lock`, `1:7:300:4:5`], inputs.files[1]]}), key, `another inode`);
    assert.notEqual(installRecordKey({...inputs, files: [inputs.files[0]]}), key, `a file left out`);
    assert.notEqual(installRecordKey({...inputs, configuration: serializeConfigurationValues(new Map([[`npmRegistryServer`, `http://s`]]))}), key);
    assert.notEqual(installRecordKey({...inputs, lockfile: lockfileDigest({resolutions: new Map([[`a1`, `b1`]]), packages: new Map()})}), key);
    assert.notEqual(installRecordKey({...inputs, workspaces: JSON.stringify([[`.`, {name: `app`}], [`packages/u`, {name: `u`, private: true}]])}), key, `a workspace made private (round 25, M1)`);
  });

  it(`digests the lockfile's entries in any order, and tells a moved or forgotten resolution apart`, () => {
    const hex = (value: number) => value.toString(16).padStart(8, `0`).repeat(16);
    const pairs: Array<[string, string]> = Array.from({length: 500}, (_, index) => [hex(index), hex(index * 7)]);
    const packages = new Map(pairs.map(([, locator], index) => [locator, `10c0/${hex(index + 1000)}`]));
    const digest = lockfileDigest({resolutions: new Map(pairs), packages});
    assert.match(digest, /^[0-9a-f]{64}$/);
    assert.equal(lockfileDigest({resolutions: new Map([...pairs].reverse()), packages: new Map([...packages].reverse())}), digest, `the order of the maps does not matter`);
    assert.notEqual(lockfileDigest({resolutions: new Map(pairs.slice(1)), packages}), digest, `a resolution forgotten (yarn up -R)`);
    const moved = [...pairs];
    moved[3] = [pairs[3][0], pairs[4][1]];
    assert.notEqual(lockfileDigest({resolutions: new Map(moved), packages}), digest, `a resolution moved to another package (yarn dedupe)`);
    assert.notEqual(lockfileDigest({resolutions: new Map(pairs), packages: new Map([...packages].map(([locator, checksum], index) => [locator, index === 7 ? `10c0/${hex(1)}` : checksum]))}), digest, `another archive checksum`);
    assert.notEqual(lockfileDigest({resolutions: new Map(), packages: new Map(pairs)}), lockfileDigest({resolutions: new Map(pairs), packages: new Map()}), `a package entry is no resolution`);
    // A change past the first digits, and the archive checksum's cache key.
    assert.notEqual(lockfileDigest({resolutions: new Map(), packages: new Map([[hex(1), `10c0/${hex(2)}f`]])}), lockfileDigest({resolutions: new Map(), packages: new Map([[hex(1), `10c0/${hex(2)}e`]])}));
    assert.notEqual(lockfileDigest({resolutions: new Map(), packages: new Map([[hex(1), `10c0/${hex(2)}`]])}), lockfileDigest({resolutions: new Map(), packages: new Map([[hex(1), `9/${hex(2)}`]])}));
    // Entries cannot be shifted between keys and values.
    assert.notEqual(lockfileDigest({resolutions: new Map([[`a`, `b`], [`c`, `d`]]), packages: new Map()}), lockfileDigest({resolutions: new Map([[`a`, `c`], [`b`, `d`]]), packages: new Map()}));
  });

  it(`reads back the key it wrote; a damaged record, or one of another version, vouches for nothing`, () => {
    const key = installRecordKey(inputs);
    assert.deepEqual(parseInstallRecord(serializeInstallRecord(key)), {key});
    assert.ok(`none` in parseInstallRecord(`{"version":1,"key":`));
    assert.ok(`none` in parseInstallRecord(JSON.stringify({version: INSTALL_RECORD_VERSION + 1, key})));
    assert.ok(`none` in parseInstallRecord(JSON.stringify({version: INSTALL_RECORD_VERSION, key: `x`})));
    assert.ok(`none` in parseInstallRecord(`[]`));
  });

  it(`serializes maps and sets of the configuration by their entries, leaving functions out`, () => {
    assert.equal(serializeConfigurationValues(new Map<string, unknown>([[`a`, new Map([[`b`, new Set([`c`])]])], [`f`, () => 1]])), `[["a",{"map":[["b",{"set":["c"]}]]}],["f",null]]`);
  });
});
