/**
 * The record of the last verified install (`.yarn/yarn-plugin-trust-verified.json`),
 * which lets a no-op install skip the checks that depend only on the lockfile,
 * the pins, the trust file and the configuration: it must vouch for nothing
 * once one of them changed, however the change hides (the same size and
 * modification time), and a record planted from elsewhere must vouch for
 * nothing either.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

import {plain, suiteRegistry} from './harness';

const RECORD = `.yarn/yarn-plugin-trust-verified.json`;

/** `text` with the first hex digit after `prefix` changed: the same length. */
function oneDigitChanged(text: string, prefix: RegExp): string {
  const edited = text.replace(new RegExp(`(${prefix.source})([0-9a-f])`), (_, before: string, digit: string) => `${before}${digit === `0` ? `1` : `0`}`);
  assert.notEqual(edited, text);
  return edited;
}

/** Writes `content` into `file` and puts its modification time back to the nanosecond, as a careful attacker would. */
async function rewriteKeepingTimes(file: string, content: string) {
  const before = await fs.stat(file, {bigint: true});
  const reference = `${file}.times`;
  execFileSync(`cp`, [`-p`, file, reference]);
  await fs.writeFile(file, content);
  execFileSync(`touch`, [`-r`, reference, file]);
  await fs.rm(reference);
  const after = await fs.stat(file, {bigint: true});
  assert.equal(after.size, before.size);
  assert.equal(after.mtimeNs, before.mtimeNs);
  assert.equal(after.ino, before.ino);
}

/** Waits until the files an install wrote are old enough to be recorded. */
const settle = () => new Promise(resolve => setTimeout(resolve, 2_100));

describe(`the record of the last verified install (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`install-record`, () => [
    plain(`zqrec`, `1.0.0`, {files: {[`index.js`]: `module.exports = 'genuine';\n`}}),
  ]);

  for (const [label, file, prefix, message] of [
    [`yarn.lock's checksum`, `yarn.lock`, /checksum: [0-9a-z]+\//, /zqrec@npm:1\.0\.0: yarn\.lock records the archive checksum .* but .*yarn-trust\.pins recorded/],
    [`the pin's archive checksum`, `yarn-trust.pins`, /zqrec@1\.0\.0 sha512-\S+ [0-9a-z]+\//, /zqrec@npm:1\.0\.0: yarn\.lock records the archive checksum .* but .*yarn-trust\.pins recorded/],
  ] as Array<[string, string, RegExp, RegExp]>) {
    it(`vouches for nothing once ${label} is edited after a verified install, with the file's size and modification time kept`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqrec: `1.0.0`}}});
      assert.equal((await app.yarn([`install`])).code, 0);
      // Files changed less than 2 s before are not vouched for: a no-op install after that writes the record.
      await settle();
      const again = await app.yarn([`install`]);
      assert.equal(again.code, 0, again.output);
      const record = await app.readFile(RECORD);
      assert.match(record, /"key":"[0-9a-f]{64}"/);

      await rewriteKeepingTimes(path.join(app.cwd, file), oneDigitChanged(await app.readFile(file), prefix));
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, message);
    });
  }

  it(`vouches for nothing in another checkout: a record copied with the project's files (a CI cache of .yarn) does not let an edited lockfile pass`, async () => {
    const first = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqrec: `1.0.0`}}});
    assert.equal((await first.yarn([`install`])).code, 0);
    await settle();
    assert.equal((await first.yarn([`install`])).code, 0);
    const record = await first.readFile(RECORD);

    // The other checkout: the same committed files, the lockfile's checksum edited, and the record restored.
    const second = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqrec: `1.0.0`}}, files: {
      [`yarn.lock`]: oneDigitChanged(await first.readFile(`yarn.lock`), /checksum: [0-9a-z]+\//),
      [`yarn-trust.pins`]: await first.readFile(`yarn-trust.pins`),
      [RECORD]: record,
    }});
    const install = await second.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqrec@npm:1\.0\.0: yarn\.lock records the archive checksum/);
  });

  it(`vouches for nothing once a workspace became private (round 25, M1): its name is internal now, and the public package locked under it is refused`, async () => {
    const app = await suite.project({
      manifest: {name: `app`, private: true, workspaces: [`packages/*`], dependencies: {zqrec: `^1.0.0`}},
      files: {[`packages/u/package.json`]: JSON.stringify({name: `zqrec`, version: `2.0.0`})},
    });
    // The registry is the public one: a private workspace's name must not come from it.
    await app.updateYarnrc({trustPublicRegistryServer: suite.registry.url});
    const first = await app.yarn([`install`]);
    assert.equal(first.code, 0, first.output);
    await settle();
    assert.equal((await app.yarn([`install`])).code, 0);
    await fs.access(path.join(app.cwd, RECORD));

    await app.writeFile(`packages/u/package.json`, JSON.stringify({name: `zqrec`, version: `2.0.0`, private: true}));
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqrec@npm:1\.0\.0 is internal/);
  });

  it(`survives a refused install unchanged in meaning: the lockfile edited back installs, and is recorded again`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqrec: `1.0.0`}}});
    assert.equal((await app.yarn([`install`])).code, 0);
    await settle();
    assert.equal((await app.yarn([`install`])).code, 0);
    const before = await app.readFile(RECORD);
    const lockfile = await app.readFile(`yarn.lock`);
    await app.writeFile(`yarn.lock`, oneDigitChanged(lockfile, /checksum: [0-9a-z]+\//));
    assert.equal((await app.yarn([`install`])).code, 1);
    await app.writeFile(`yarn.lock`, lockfile);
    await settle();
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    const after = await app.readFile(RECORD);
    assert.match(after, /"key":"[0-9a-f]{64}"/);
    assert.notEqual(after, before, `the lockfile written again is another file: a new record`);
  });
});
