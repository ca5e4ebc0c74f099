/**
 * Release trust on the registry's record of each release it downloads:
 * registry signatures (`dist.signatures` over `<name>@<version>:<integrity>`,
 * with keys from `trustRegistryKeys` or the registry's keys endpoint) and
 * trust downgrades (a new release without the trusted publisher or
 * provenance its predecessors had). Verdaccio serves hand-edited
 * `dist.signatures`, `_npmUser` and `dist.attestations` from its storage; it
 * has no keys endpoint, so one test puts a tiny forwarding server in front of
 * it that adds one.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';
import * as http from 'http';
import * as path from 'path';

import {type Registry, type TestProject, makeProject, plain, startRegistry} from './harness';
import {makeSigner, type TestSigner} from '../tools/signing';

const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const marker = (name: string) => ({[`index.js`]: `module.exports = ${JSON.stringify(name)};\n`});

describe(`release trust: signatures and trust downgrades (e2e)`, function() {
  this.timeout(240_000);

  let registry: Registry;
  let signer: TestSigner;
  let stranger: TestSigner;
  let retired: TestSigner;
  const projects: TestProject[] = [];

  /** The keys setting for the test registry: the signer's key, and a key that expired in 2021. */
  const keysSetting = () => ({trustRegistryKeys: {[registry.url]: [
    {keyid: signer.key.keyid, key: signer.key.key, expires: null},
    {keyid: retired.key.keyid, key: retired.key.key, expires: `2021-01-01T00:00:00.000Z`},
  ]}});

  async function project(dependencies: Record<string, string> = {}, yarnrc: Record<string, unknown> = keysSetting()) {
    const created = await makeProject({registry, manifest: {name: `app`, private: true, dependencies}});
    projects.push(created);
    await created.updateYarnrc(yarnrc);
    return created;
  }

  /** Signs name@version's listed integrity (or `integrity`) with `by`, as the registry would. */
  async function sign(name: string, version: string, by: TestSigner | null, options: {integrity?: string, publishedAt?: string} = {}) {
    await registry.editPackument(name, doc => {
      const dist = doc.versions[version].dist;
      dist.signatures = by === null ? undefined : [by.sign(name, version, options.integrity ?? dist.integrity)];
      if (options.publishedAt)
        doc.time[version] = options.publishedAt;
    });
  }

  const remove = (app: TestProject, rel: string) => fs.rm(path.join(app.cwd, rel), {recursive: true, force: true});

  before(async function() {
    signer = makeSigner(`SHA256:test-registry-key`);
    stranger = makeSigner(`SHA256:someone-elses-key`);
    retired = makeSigner(`SHA256:retired-key`, `2021-01-01T00:00:00.000Z`);
    registry = await startRegistry({name: `release-records`});
    await registry.publishAll([
      plain(`signed-pkg`, `1.0.0`, {files: marker(`signed-pkg`)}),
      plain(`signed-pkg`, `1.0.1`, {files: marker(`signed-pkg`)}),
      plain(`unsigned-pkg`, `1.0.0`, {files: marker(`unsigned-pkg`)}),
      plain(`forged-pkg`, `1.0.0`, {files: marker(`forged-pkg`)}),
      plain(`stranger-pkg`, `1.0.0`, {files: marker(`stranger-pkg`)}),
      plain(`old-signed`, `1.0.0`, {files: marker(`old-signed`), publishedAt: `2020-06-01T00:00:00.000Z`}),
      plain(`late-signed`, `1.0.0`, {files: marker(`late-signed`), publishedAt: `2022-06-01T00:00:00.000Z`}),
      plain(`has-dep`, `1.0.0`, {dependencies: {[`unsigned-dep`]: `1.0.0`}}),
      plain(`unsigned-dep`, `1.0.0`),
      // Published from CI with a trusted publisher, then by hand by someone new.
      plain(`ci-pkg`, `1.0.0`, {files: marker(`ci-pkg`)}),
      plain(`ci-pkg`, `1.1.0`, {files: marker(`ci-pkg`)}),
      plain(`ci-pkg`, `1.2.0`, {files: marker(`ci-pkg`), publishedAt: ago(48)}),
      // Provenance on 1.0.0 only; 1.0.1 has none.
      plain(`prov-pkg`, `1.0.0`),
      plain(`prov-pkg`, `1.0.1`, {publishedAt: ago(24)}),
      // Never any evidence: new releases are fine.
      plain(`plain-pkg`, `1.0.0`),
      plain(`plain-pkg`, `1.1.0`, {publishedAt: ago(24)}),
      // A downgrade published years ago, outside the default window.
      plain(`old-downgrade`, `1.0.0`),
      plain(`old-downgrade`, `1.0.1`),
      // Outside attack B1: a downgraded release of a package only another platform installs.
      plain(`b-macdown`, `1.0.0`, {manifest: {os: [`darwin`]}}),
      plain(`b-macdown`, `1.1.0`, {manifest: {os: [`darwin`]}, publishedAt: ago(24)}),
      plain(`bw-down`, `1.0.0`, {optionalDependencies: {[`b-macdown`]: `1.1.0`}}),
      // Outside attack I2: a downgraded release whose archive is already in Yarn's global mirror.
      plain(`i-down`, `1.0.0`),
      plain(`i-down`, `1.1.0`, {publishedAt: ago(24)}),
    ]);
    await sign(`signed-pkg`, `1.0.0`, signer);
    // 1.0.1 carries the (valid) signature of 1.0.0: a replay.
    await registry.editPackument(`signed-pkg`, doc => {
      doc.versions[`1.0.1`].dist.signatures = doc.versions[`1.0.0`].dist.signatures;
    });
    await sign(`forged-pkg`, `1.0.0`, signer, {integrity: `sha512-${Buffer.alloc(64, 7).toString(`base64`)}`});
    await sign(`stranger-pkg`, `1.0.0`, stranger);
    await sign(`old-signed`, `1.0.0`, retired);
    await sign(`late-signed`, `1.0.0`, retired);
    await sign(`has-dep`, `1.0.0`, signer);
    await registry.editPackument(`ci-pkg`, doc => {
      doc.versions[`1.0.0`]._npmUser = {name: `ci-bot`, email: `ci@example.com`, trustedPublisher: {id: `github`, oidcConfigId: `oidc:1`}};
      doc.versions[`1.1.0`]._npmUser = {name: `ci-bot`, email: `ci@example.com`, trustedPublisher: {id: `github`, oidcConfigId: `oidc:1`}};
      doc.versions[`1.2.0`]._npmUser = {name: `mallory`, email: `m@example.com`};
    });
    for (const name of [`prov-pkg`, `old-downgrade`, `b-macdown`, `i-down`]) {
      await registry.editPackument(name, doc => {
        doc.versions[`1.0.0`].dist.attestations = {url: `https://registry.example/-/npm/v1/attestations/${name}@1.0.0`, provenance: {predicateType: `https://slsa.dev/provenance/v1`}};
      });
    }
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`registry signatures`, () => {
    it(`installs a release signed by the registry's key`, async () => {
      const app = await project({[`signed-pkg`]: `1.0.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.equal(await app.exists(`node_modules/signed-pkg/index.js`), true);
    });

    it(`refuses a release the registry lists without a signature, before Yarn sees its bytes`, async () => {
      const app = await project({[`unsigned-pkg`]: `1.0.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /YN0018: │ unsigned-pkg@npm:1\.0\.0: the registry's signature does not vouch for unsigned-pkg@1\.0\.0: /);
      assert.match(install.output, /lists no signature for unsigned-pkg@1\.0\.0/);
      assert.match(install.output, /found: no signature/);
      assert.match(install.output, /yarn trust allow unsigned-pkg@1\.0\.0 --finding signature --reason/);
      assert.equal(await app.exists(`node_modules/unsigned-pkg`), false);
      assert.equal(await app.exists(`yarn.lock`), false);
    });

    it(`tells the first few missing signatures in full, then one line each pointing at trustRegistryKeys`, async () => {
      const app = await project({[`unsigned-pkg`]: `1.0.0`, [`unsigned-dep`]: `1.0.0`, [`plain-pkg`]: `1.0.0`, [`old-downgrade`]: `1.0.0`, [`i-down`]: `1.0.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.equal(install.output.match(/found: no signature/g)?.length, 3, install.output);
      assert.equal(install.output.match(/: no registry signature either \(not downloaded; release [45] of http:\/\/127\.0\.0\.1:\d+ without one in this install\)/g)?.length, 2, install.output);
      assert.match(install.output, /If no release of http:\/\/127\.0\.0\.1:\d+ lists a signature .* trustRegistryKeys/);
      assert.equal(await app.exists(`yarn.lock`), false);
    });

    it(`refuses a signature over another integrity (a mirror that changed the integrity and the bytes)`, async () => {
      const app = await project({[`forged-pkg`]: `1.0.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /the signature of forged-pkg@1\.0\.0 by SHA256:test-registry-key does not verify/);
      assert.equal(await app.exists(`node_modules/forged-pkg`), false);
    });

    it(`refuses a valid signature replayed from another version, and an unsigned package behind an alias`, async () => {
      const replay = await project({[`signed-pkg`]: `1.0.1`});
      const replayed = await replay.yarn([`install`]);
      assert.equal(replayed.code, 1, replayed.output);
      assert.match(replayed.output, /the signature of signed-pkg@1\.0\.1 by SHA256:test-registry-key does not verify/);
      assert.equal(await replay.exists(`node_modules/signed-pkg`), false);

      const alias = await project({[`innocent-name`]: `npm:unsigned-pkg@1.0.0`});
      const aliased = await alias.yarn([`install`]);
      assert.equal(aliased.code, 1, aliased.output);
      assert.match(aliased.output, /lists no signature for unsigned-pkg@1\.0\.0/);
      assert.equal(await alias.exists(`node_modules/innocent-name`), false);
    });

    it(`refuses a signature by a key the registry does not use`, async () => {
      const app = await project({[`stranger-pkg`]: `1.0.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /stranger-pkg@1\.0\.0 is signed only by SHA256:someone-elses-key/);
      assert.equal(await app.exists(`node_modules/stranger-pkg`), false);
    });

    it(`accepts an expired key for a release published before it expired, not after`, async () => {
      const old = await project({[`old-signed`]: `1.0.0`});
      const accepted = await old.yarn([`install`]);
      assert.equal(accepted.code, 0, accepted.output);

      const late = await project({[`late-signed`]: `1.0.0`});
      const refused = await late.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /late-signed@1\.0\.0 was published on 2022-06-01T00:00:00\.000Z, but is signed by SHA256:retired-key, which expired on 2021-01-01/);
    });

    it(`accepts an expired key's signature on a release already locked, without asking for its packument`, async () => {
      // Locked while late-signed@1.0.0 was still signed by the current key.
      await sign(`late-signed`, `1.0.0`, signer);
      const app = await project({[`late-signed`]: `1.0.0`});
      try {
        assert.equal((await app.yarn([`install`])).code, 0);
        await sign(`late-signed`, `1.0.0`, retired);
        await remove(app, `yarn-trust.pins`);
        await remove(app, `node_modules`);
        await app.yarn([`cache`, `clean`, `--all`]);
        const since = await registry.markLog();
        const again = await app.yarn([`install`]);
        assert.equal(again.code, 0, again.output);
        // One record (the version document), no packument.
        assert.equal((await registry.requestsFor(`late-signed`, {since})).metadata, 1);
      } finally {
        await sign(`late-signed`, `1.0.0`, retired);
      }
    });

    it(`refuses an unsigned dependency of a signed package, naming it, before any download of it`, async () => {
      const app = await project({[`has-dep`]: `1.0.0`});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /unsigned-dep@npm:1\.0\.0: the registry's signature does not vouch for unsigned-dep@1\.0\.0/);
      assert.equal(await app.exists(`node_modules/unsigned-dep`), false);
      assert.equal(await app.exists(`node_modules/has-dep`), false);
      // The tarball request may have started alongside the record; its bytes never reached Yarn.
      assert.equal(await app.exists(`yarn.lock`), false);
    });

    it(`installs a signature finding once allowed for that version`, async () => {
      const app = await project({[`unsigned-pkg`]: `1.0.0`});
      const allow = await app.yarn([`trust`, `allow`, `unsigned-pkg@1.0.0`, `--finding`, `signature`, `--reason`, `our mirror strips signatures; checked with ops`]);
      assert.equal(allow.code, 0, allow.output);
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 0, install.output);
      assert.match(await app.readFile(`yarn-trust.json`), /"signature"/);
      // yarn trust status lists what was accepted, and why, without failing.
      const status = await app.yarn([`trust`, `status`]);
      assert.equal(status.code, 0, status.output);
      assert.match(status.output, /Release trust: unsigned-pkg@1\.0\.0: allowed despite signature on \d{4}-\d\d-\d\d: our mirror strips signatures; checked with ops/);
      const json = await app.yarn([`trust`, `status`, `--json`]);
      const allowance = json.stdout.split(`\n`).filter(line => line.startsWith(`{`)).map(line => JSON.parse(line)).find(entry => entry.kind === `release-allowance`);
      assert.deepEqual({...allowance, allowedAt: undefined}, {package: `unsigned-pkg`, version: `1.0.0`, state: `allowed`, kind: `release-allowance`, findings: [`signature`], allowedAt: undefined, reason: `our mirror strips signatures; checked with ops`, inLockfile: true});
    });

    it(`asks nothing once pinned: a pinned package is not checked again, even after its signature is gone`, async () => {
      const app = await project({[`signed-pkg`]: `1.0.0`});
      assert.equal((await app.yarn([`install`])).code, 0);
      await sign(`signed-pkg`, `1.0.0`, null);
      try {
        await app.yarn([`cache`, `clean`, `--all`]);
        await remove(app, `node_modules`);
        const since = await registry.markLog();
        const again = await app.yarn([`install`]);
        assert.equal(again.code, 0, again.output);
        assert.equal((await registry.requestsFor(`signed-pkg`, {since})).metadata, 0, `the pinned package's record was asked`);
        assert.equal((await registry.requestsFor(`signed-pkg`, {since})).tarball, 1);
      } finally {
        await sign(`signed-pkg`, `1.0.0`, signer);
      }
    });

    it(`yarn trust verify checks the signature of every locked release, pinned ones included`, async () => {
      const app = await project({[`signed-pkg`]: `1.0.0`});
      assert.equal((await app.yarn([`install`])).code, 0);
      const clean = await app.yarn([`trust`, `verify`]);
      assert.equal(clean.code, 0, clean.output);
      await sign(`signed-pkg`, `1.0.0`, stranger);
      try {
        const verify = await app.yarn([`trust`, `verify`]);
        assert.equal(verify.code, 1, verify.output);
        assert.match(verify.output, /signed-pkg@1\.0\.0 is signed only by SHA256:someone-elses-key/);
      } finally {
        await sign(`signed-pkg`, `1.0.0`, signer);
      }
    });

    it(`does not check a registry that has no keys (Verdaccio: no keys endpoint) or an empty key list`, async () => {
      const noSetting = await project({[`unsigned-pkg`]: `1.0.0`}, {});
      const install = await noSetting.yarn([`install`]);
      assert.equal(install.code, 0, install.output);

      const empty = await project({[`unsigned-pkg`]: `1.0.0`}, {trustRegistryKeys: {[registry.url]: []}});
      const again = await empty.yarn([`install`]);
      assert.equal(again.code, 0, again.output);
    });

    it(`stops on a malformed key in trustRegistryKeys, naming the setting, with nothing installed`, async () => {
      const app = await project({[`signed-pkg`]: `1.0.0`}, {trustRegistryKeys: {[registry.url]: [{keyid: `k1`, key: `not-a-key`}]}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /trustRegistryKeys\['http:\/\/127\.0\.0\.1:\d+'\] in \.yarnrc\.yml: keys\[0\] \(k1\): "key" is not a base64 SPKI public key/);
      assert.equal(await app.exists(`node_modules/signed-pkg`), false);
    });

    it(`reads the keys of a registry from its /-/npm/v1/keys endpoint`, async () => {
      // Verdaccio lacks the endpoint: a forwarding server adds it in front.
      let keysRequests = 0;
      const front = http.createServer((request, response) => {
        if (request.url === `/-/npm/v1/keys`) {
          keysRequests += 1;
          response.writeHead(200, {[`content-type`]: `application/json`});
          response.end(JSON.stringify(signer.keysDocument()));
          return;
        }
        const upstream = http.request({host: `127.0.0.1`, port: registry.port, path: request.url, method: request.method, headers: request.headers}, answer => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        });
        upstream.on(`error`, error => response.destroy(error));
        request.pipe(upstream);
      });
      await new Promise<void>(resolve => front.listen(0, `127.0.0.1`, resolve));
      const address = front.address();
      const frontUrl = `http://127.0.0.1:${typeof address === `object` && address !== null ? address.port : 0}`;
      try {
        const signed = await project({[`signed-pkg`]: `1.0.0`}, {npmRegistryServer: frontUrl});
        const accepted = await signed.yarn([`install`]);
        assert.equal(accepted.code, 0, accepted.output);
        assert.equal(keysRequests, 1, `the keys endpoint is asked once per install`);

        const unsigned = await project({[`unsigned-pkg`]: `1.0.0`}, {npmRegistryServer: frontUrl});
        const refused = await unsigned.yarn([`install`]);
        assert.equal(refused.code, 1, refused.output);
        assert.match(refused.output, /keys from http:\/\/127\.0\.0\.1:\d+\/-\/npm\/v1\/keys/);
      } finally {
        await new Promise(resolve => front.close(resolve));
      }
    });
  });

  describe(`trust downgrades`, () => {
    it(`refuses a new release published without the trusted publisher of the ones before, naming its publisher`, async () => {
      const app = await project({}, {});
      const add = await app.yarn([`add`, `ci-pkg@1.2.0`]);
      assert.equal(add.code, 1, add.output);
      assert.match(add.output, /YN0078: │ ci-pkg@npm:1\.2\.0: a trust downgrade: ci-pkg@1\.2\.0 was published without a trusted publisher or a provenance attestation, but 1\.1\.0 \(2020-01-01\) was published by a trusted publisher/);
      assert.match(add.output, /publisher: mallory \(never published ci-pkg before\)/);
      assert.match(add.output, /yarn trust allow ci-pkg@1\.2\.0 --finding trust-downgrade --reason/);
      assert.equal(await app.exists(`node_modules/ci-pkg`), false);
      assert.doesNotMatch(await app.readFile(`package.json`), /ci-pkg/);
    });

    it(`refuses it through yarn up from an approved version, and installs the earlier one`, async () => {
      const app = await project({[`ci-pkg`]: `1.1.0`}, {});
      assert.equal((await app.yarn([`install`])).code, 0);
      const up = await app.yarn([`up`, `ci-pkg@1.2.0`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, /a trust downgrade/);
      assert.match(await app.readFile(`yarn.lock`), /ci-pkg@npm:1\.1\.0/);
      assert.doesNotMatch(await app.readFile(`yarn.lock`), /ci-pkg@npm:1\.2\.0/);
    });

    it(`refuses a release without the provenance an earlier one had; a package that never had any is fine`, async () => {
      const app = await project({[`prov-pkg`]: `1.0.1`, [`plain-pkg`]: `1.1.0`}, {});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /prov-pkg@npm:1\.0\.1: a trust downgrade: .*1\.0\.0 \(2020-01-01\) was published with a provenance attestation/);
      assert.doesNotMatch(install.output, /plain-pkg@npm:1\.1\.0: a trust downgrade/);
    });

    it(`judges only releases published within trustDowngradeWindow (30 days by default; 0 switches it off)`, async () => {
      const old = await project({[`old-downgrade`]: `1.0.1`}, {});
      const accepted = await old.yarn([`install`]);
      assert.equal(accepted.code, 0, accepted.output);

      const wide = await project({[`old-downgrade`]: `1.0.1`}, {trustDowngradeWindow: `36500d`});
      const refused = await wide.yarn([`install`]);
      assert.equal(refused.code, 1, refused.output);
      assert.match(refused.output, /old-downgrade@npm:1\.0\.1: a trust downgrade/);

      const off = await project({[`prov-pkg`]: `1.0.1`}, {trustDowngradeWindow: `0`});
      const unchecked = await off.yarn([`install`]);
      assert.equal(unchecked.code, 0, unchecked.output);
    });

    it(`installs once allowed for that version`, async () => {
      const app = await project({}, {});
      const allow = await app.yarn([`trust`, `allow`, `ci-pkg@1.2.0`, `--finding`, `trust-downgrade`, `--reason`, `maintainer confirmed a manual release`]);
      assert.equal(allow.code, 0, allow.output);
      const add = await app.yarn([`add`, `ci-pkg@1.2.0`]);
      assert.equal(add.code, 0, add.output);
    });

    it(`does not judge a release already in the lockfile (adopting the plugin in a project that has it)`, async () => {
      const app = await project({[`ci-pkg`]: `1.2.0`}, {});
      await app.yarn([`trust`, `allow`, `ci-pkg@1.2.0`, `--finding`, `trust-downgrade`, `--reason`, `to lock it`]);
      assert.equal((await app.yarn([`install`])).code, 0);
      await remove(app, `yarn-trust.json`);
      await remove(app, `yarn-trust.pins`);
      await remove(app, `node_modules`);
      await app.yarn([`cache`, `clean`, `--all`]);
      const again = await app.yarn([`install`]);
      assert.equal(again.code, 0, again.output);
    });
  });

  describe(`an outside attack on release trust (2026-12-04)`, () => {
    it(`B1: refuses a downgraded release of a package only another platform installs, on the platform that locks it`, async () => {
      // A project already under the plugin: its pins file holds the releases it verified.
      const app = await project({[`plain-pkg`]: `1.0.0`}, {});
      assert.equal((await app.yarn([`install`])).code, 0);
      const add = await app.yarn([`add`, `bw-down@1.0.0`]);
      assert.equal(add.code, 1, add.output);
      assert.match(add.output, /b-macdown@npm:1\.1\.0: a trust downgrade/);
      assert.match(add.output, /It is not installed on this platform, but yarn\.lock now holds it/);
      // The lockfile was written before the end of the install: every later install refuses it
      // too, here and on the platform that installs it.
      const again = await app.yarn([`install`]);
      assert.equal(again.code, 1, again.output);
      assert.match(again.output, /b-macdown@npm:1\.1\.0: a trust downgrade/);
      await app.updateYarnrc({supportedArchitectures: {os: [`darwin`]}});
      const mac = await app.yarn([`install`]);
      assert.equal(mac.code, 1, mac.output);
      assert.match(mac.output, /b-macdown@npm:1\.1\.0: a trust downgrade/);
      assert.equal(await app.exists(`node_modules/b-macdown`), false);
    });

    it(`B1 (A9, A20): in a project whose first install is the refused one, the next install refuses it again`, async () => {
      const app = await project({}, {});
      const add = await app.yarn([`add`, `bw-down@1.0.0`]);
      assert.equal(add.code, 1, add.output);
      assert.match(add.output, /b-macdown@npm:1\.1\.0: a trust downgrade/);
      // The refused install wrote the pins it verified: the project is now under the plugin.
      assert.equal(await app.exists(`yarn-trust.pins`), true);
      const again = await app.yarn([`install`]);
      assert.equal(again.code, 1, again.output);
      assert.match(again.output, /b-macdown@npm:1\.1\.0: a trust downgrade/);
      assert.doesNotMatch(await app.readFile(`yarn-trust.pins`), /b-macdown/);
    });

    it(`I2: refuses a downgraded release taken from Yarn's global mirror, and again at the next install`, async () => {
      const app = await project({[`i-down`]: `1.0.0`}, {});
      assert.equal((await app.yarn([`install`])).code, 0);
      // Someone once accepted 1.1.0 on this machine: its archive is in the mirror.
      await app.yarn([`trust`, `allow`, `i-down@1.1.0`, `--finding`, `trust-downgrade`, `--reason`, `for the test`]);
      assert.equal((await app.yarn([`up`, `i-down@1.1.0`])).code, 0);
      assert.equal((await app.yarn([`up`, `i-down@1.0.0`])).code, 0);
      const trust = await app.readJson(`yarn-trust.json`);
      delete trust.releases;
      await app.writeJson(`yarn-trust.json`, trust);

      const up = await app.yarn([`up`, `i-down@1.1.0`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, /i-down@npm:1\.1\.0: a trust downgrade/);
      assert.match(up.output, /It came from a cache and is already linked into node_modules/);
      const again = await app.yarn([`install`]);
      assert.equal(again.code, 1, again.output);
      assert.match(again.output, /i-down@npm:1\.1\.0: a trust downgrade/);
    });

    it(`D1: finds the keys of a registry written with another spelling of its URL in trustRegistryKeys`, async () => {
      const spelled = registry.url.replace(/^http:/, `HTTP:`).replace(/\/?$/, `/./`);
      const app = await project({[`unsigned-pkg`]: `1.0.0`}, {trustRegistryKeys: {[spelled]: keysSetting().trustRegistryKeys[registry.url]}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /unsigned-pkg@npm:1\.0\.0: the registry's signature does not vouch for unsigned-pkg@1\.0\.0/);
    });

    it(`D1: stops on a trustRegistryKeys entry that is not a registry URL, naming it`, async () => {
      const app = await project({[`signed-pkg`]: `1.0.0`}, {trustRegistryKeys: {[`registry.example.com`]: []}});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /trustRegistryKeys in \.yarnrc\.yml: "registry\.example\.com" is not an http\(s\) URL/);
    });
  });
});
