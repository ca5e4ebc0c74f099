import assert from 'node:assert/strict';

import {INSTALL_RECORD_VERSION, installRecordKey, lockfileDigest, parseInstallRecord, serializeConfigurationValues, serializeInstallRecord} from '../../sources/core/policy/installRecord';

describe(`the record of the last verified install`, () => {
  const inputs = {
    files: [[`yarn.lock`, `1:2:300:4:5`], [`plugin`, `1:3:9:4:5`]] as Array<[string, string]>,
    configuration: serializeConfigurationValues(new Map([[`npmRegistryServer`, `http://r`]])),
    workspaces: JSON.stringify([[`.`, {name: `app`}], [`packages/u`, {name: `u`}]]),
    lockfile: lockfileDigest([[`r`, `a1`, `b1`], [`p`, `b1`, `c1`]]),
  };

  it(`binds every file by its identity, the configuration and the lockfile Yarn holds`, () => {
    const key = installRecordKey(inputs);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(installRecordKey({...inputs, files: [...inputs.files].reverse()}), key, `the order of the files does not matter`);
    assert.notEqual(installRecordKey({...inputs, files: [[`yarn.lock`, `1:2:300:4:6`], inputs.files[1]]}), key, `another change time`);
    assert.notEqual(installRecordKey({...inputs, files: [[`yarn.lock`, `1:7:300:4:5`], inputs.files[1]]}), key, `another inode`);
    assert.notEqual(installRecordKey({...inputs, files: [inputs.files[0]]}), key, `a file left out`);
    assert.notEqual(installRecordKey({...inputs, configuration: serializeConfigurationValues(new Map([[`npmRegistryServer`, `http://s`]]))}), key);
    assert.notEqual(installRecordKey({...inputs, lockfile: lockfileDigest([[`r`, `a1`, `b1`]])}), key);
    assert.notEqual(installRecordKey({...inputs, workspaces: JSON.stringify([[`.`, {name: `app`}], [`packages/u`, {name: `u`, private: true}]])}), key, `a workspace made private (round 25, M1)`);
  });

  it(`digests the lockfile's entries in any order, and tells a moved or forgotten resolution apart`, () => {
    const hex = (value: number) => value.toString(16).padStart(8, `0`).repeat(16);
    const entries: Array<[string, string, string]> = Array.from({length: 500}, (_, index) => [`r`, hex(index), hex(index * 7)]);
    const digest = lockfileDigest(entries);
    assert.equal(lockfileDigest([...entries].reverse()), digest);
    assert.notEqual(lockfileDigest(entries.slice(1)), digest, `a resolution forgotten (yarn up -R)`);
    const moved = [...entries];
    moved[3] = [`r`, entries[3][1], entries[4][2]];
    assert.notEqual(lockfileDigest(moved), digest, `a resolution moved to another package (yarn dedupe)`);
    assert.notEqual(lockfileDigest([...entries, entries[0]]), digest, `an entry twice`);
    assert.notEqual(lockfileDigest(entries.map(([, first, second]) => [`p`, first, second])), digest, `a package entry is no resolution`);
    // A change in the second hash's first 24 digits, and text that is not hex.
    assert.notEqual(lockfileDigest([[`p`, hex(1), `${hex(2).slice(0, 16)}ffffffff`]]), lockfileDigest([[`p`, hex(1), hex(2)]]));
    assert.notEqual(lockfileDigest([[`p`, hex(1), `-`]]), lockfileDigest([[`p`, hex(1), `x`]]));
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
