import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';

import {pinFromRegistryRecord, sha512Integrity, type TarballInput, verifyTarball} from '../../sources/checksums/policy/integrity';
import {auditSettings, type SettingName} from '../../sources/checksums/policy/settings';
import {checkTarballUrl} from '../../sources/checksums/policy/tarballUrls';

// Expected values are computed here with node:crypto, independently of the module.
function sri(algorithm: string, bytes: Uint8Array) {
  return `${algorithm}-${createHash(algorithm).update(bytes).digest(`base64`)}`;
}
function hex(algorithm: string, bytes: Uint8Array) {
  return createHash(algorithm).update(bytes).digest(`hex`);
}

const TARBALL = Buffer.from(`package/package.json {"name":"left-pad"}`);
const TAMPERED = Buffer.from(`package/package.json {"name":"left-pad"} + payload`);
const EMPTY = new Uint8Array(0);

// sha512 of zero bytes, a published test vector.
const EMPTY_SHA512 = `sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==`;

function verify(overrides: Partial<TarballInput>) {
  return verifyTarball({bytes: TARBALL, registry: null, pin: null, acceptWeakIntegrity: false, ...overrides});
}
function published(integrity: string | null, shasum: string | null = null) {
  return {integrity, shasum};
}

describe(`sha512Integrity`, () => {
  describe(`when given the bytes of a tarball`, () => {
    it(`returns sha512 in SRI form`, () => {
      assert.equal(sha512Integrity(TARBALL), sri(`sha512`, TARBALL));
    });
  });

  describe(`when given no bytes`, () => {
    it(`returns the sha512 of the empty string`, () => {
      assert.equal(sha512Integrity(EMPTY), EMPTY_SHA512);
    });
  });

  describe(`when given a view into a larger buffer`, () => {
    it(`hashes only the bytes of the view`, () => {
      const backing = Buffer.concat([Buffer.from(`junk-before`), TARBALL, Buffer.from(`junk-after`)]);
      const view = new Uint8Array(backing.buffer, backing.byteOffset + `junk-before`.length, TARBALL.length);
      assert.equal(sha512Integrity(view), sri(`sha512`, TARBALL));
    });
  });
});

describe(`verifyTarball`, () => {
  describe(`when the registry publishes the sha512 of the bytes`, () => {
    it(`accepts them and returns the sha512 to pin`, () => {
      assert.deepEqual(verify({registry: published(sri(`sha512`, TARBALL))}), {ok: true, integrity: sri(`sha512`, TARBALL), checkedAgainst: [`registry`]});
    });

    it(`also accepts a matching shasum next to it`, () => {
      assert.equal(verify({registry: published(sri(`sha512`, TARBALL), hex(`sha1`, TARBALL))}).ok, true);
    });

    it(`accepts sha384 or sha256 alone as strong`, () => {
      assert.equal(verify({registry: published(sri(`sha384`, TARBALL))}).ok, true);
      assert.equal(verify({registry: published(sri(`sha256`, TARBALL))}).ok, true);
    });

    it(`reads the algorithm name without regard to case`, () => {
      assert.equal(verify({registry: published(sri(`sha512`, TARBALL).replace(`sha512`, `SHA512`))}).ok, true);
    });

    it(`ignores SRI options and surrounding whitespace`, () => {
      assert.equal(verify({registry: published(`  ${sri(`sha512`, TARBALL)}?foo=bar\n`)}).ok, true);
    });

    it(`ignores a well-formed hash of an unknown algorithm next to it`, () => {
      assert.equal(verify({registry: published(`${sri(`sha512`, TARBALL)} whirlpool-${Buffer.alloc(64, 1).toString(`base64`)}`)}).ok, true);
    });
  });

  describe(`when the bytes were tampered with`, () => {
    it(`refuses them with the published and the actual sha512`, () => {
      assert.deepEqual(verify({bytes: TAMPERED, registry: published(sri(`sha512`, TARBALL))}), {
        ok: false,
        problem: {kind: `registry-mismatch`, expected: sri(`sha512`, TARBALL), found: sri(`sha512`, TAMPERED)},
      });
    });

    it(`refuses empty bytes`, () => {
      const verdict = verify({bytes: EMPTY, registry: published(sri(`sha512`, TARBALL))});
      assert.deepEqual(verdict, {ok: false, problem: {kind: `registry-mismatch`, expected: sri(`sha512`, TARBALL), found: EMPTY_SHA512}});
    });
  });

  describe(`when the registry lists several hashes and one of them is wrong`, () => {
    it(`refuses when the strongest is right but a weaker strong one is wrong`, () => {
      const verdict = verify({registry: published(`${sri(`sha512`, TARBALL)} ${sri(`sha256`, TAMPERED)}`)});
      assert.deepEqual(verdict, {ok: false, problem: {kind: `registry-mismatch`, expected: sri(`sha256`, TAMPERED), found: sri(`sha256`, TARBALL)}});
    });

    it(`refuses when the strongest is wrong, reporting that one`, () => {
      const verdict = verify({registry: published(`${sri(`sha256`, TARBALL)} ${sri(`sha512`, TAMPERED)}`)});
      assert.deepEqual(verdict, {ok: false, problem: {kind: `registry-mismatch`, expected: sri(`sha512`, TAMPERED), found: sri(`sha512`, TARBALL)}});
    });

    it(`refuses two sha512 values of which only one matches`, () => {
      const verdict = verify({registry: published(`${sri(`sha512`, TARBALL)} ${sri(`sha512`, TAMPERED)}`)});
      assert.equal(verdict.ok, false);
      assert.equal(!verdict.ok && verdict.problem.kind, `registry-mismatch`);
    });

    it(`refuses a wrong sha1 next to a right sha512`, () => {
      const verdict = verify({registry: published(`${sri(`sha512`, TARBALL)} ${sri(`sha1`, TAMPERED)}`)});
      assert.deepEqual(verdict, {ok: false, problem: {kind: `registry-mismatch`, expected: sri(`sha1`, TAMPERED), found: sri(`sha1`, TARBALL)}});
    });

    it(`refuses a wrong shasum next to a right integrity`, () => {
      const verdict = verify({registry: published(sri(`sha512`, TARBALL), hex(`sha1`, TAMPERED))});
      assert.deepEqual(verdict, {ok: false, problem: {kind: `registry-mismatch`, expected: sri(`sha1`, TAMPERED), found: sri(`sha1`, TARBALL)}});
    });

    it(`does not skip an upper-case wrong sha512 in favour of a right sha1`, () => {
      const verdict = verify({acceptWeakIntegrity: true, registry: published(`${sri(`sha512`, TAMPERED).replace(`sha512`, `SHA512`)} ${sri(`sha1`, TARBALL)}`)});
      assert.deepEqual(verdict, {ok: false, problem: {kind: `registry-mismatch`, expected: sri(`sha512`, TAMPERED), found: sri(`sha512`, TARBALL)}});
    });
  });

  describe(`when the registry publishes only sha1`, () => {
    it(`refuses with weak-integrity by default`, () => {
      assert.deepEqual(verify({registry: published(sri(`sha1`, TARBALL))}), {ok: false, problem: {kind: `weak-integrity`, published: sri(`sha1`, TARBALL)}});
    });

    it(`refuses a bare shasum, reported in SRI form`, () => {
      assert.deepEqual(verify({registry: published(null, hex(`sha1`, TARBALL))}), {ok: false, problem: {kind: `weak-integrity`, published: sri(`sha1`, TARBALL)}});
    });

    it(`accepts a matching sha1 when weak integrity is accepted`, () => {
      assert.deepEqual(verify({acceptWeakIntegrity: true, registry: published(sri(`sha1`, TARBALL))}), {ok: true, integrity: sri(`sha512`, TARBALL), checkedAgainst: [`registry`]});
    });

    it(`accepts a matching upper-case hex shasum when weak integrity is accepted`, () => {
      assert.equal(verify({acceptWeakIntegrity: true, registry: published(null, hex(`sha1`, TARBALL).toUpperCase())}).ok, true);
    });

    it(`still refuses a wrong sha1 when weak integrity is accepted`, () => {
      assert.deepEqual(verify({acceptWeakIntegrity: true, registry: published(null, hex(`sha1`, TAMPERED))}), {
        ok: false,
        problem: {kind: `registry-mismatch`, expected: sri(`sha1`, TAMPERED), found: sri(`sha1`, TARBALL)},
      });
    });

    it(`reports a wrong sha1 as a mismatch rather than as weak`, () => {
      const verdict = verify({registry: published(sri(`sha1`, TAMPERED))});
      assert.equal(!verdict.ok && verdict.problem.kind, `registry-mismatch`);
    });
  });

  describe(`when the registry publishes nothing`, () => {
    it(`refuses with weak-integrity and nothing published`, () => {
      assert.deepEqual(verify({registry: published(null, null)}), {ok: false, problem: {kind: `weak-integrity`, published: null}});
      assert.deepEqual(verify({registry: published(` `, ``)}), {ok: false, problem: {kind: `weak-integrity`, published: null}});
    });

    it(`accepts, having checked nothing, when weak integrity is accepted`, () => {
      assert.deepEqual(verify({acceptWeakIntegrity: true, registry: published(null, null)}), {ok: true, integrity: sri(`sha512`, TARBALL), checkedAgainst: []});
    });
  });

  describe(`when the published integrity cannot be read`, () => {
    const sha512 = sri(`sha512`, TARBALL);
    const cases: Array<[string, string]> = [
      [`garbage`, `not-an-integrity`],
      [`an algorithm without digest`, `sha512-`],
      [`a truncated digest`, sha512.slice(0, -10)],
      [`a digest of the wrong length for its algorithm`, `sha512-${createHash(`sha256`).update(TARBALL).digest(`base64`)}`],
      [`an unpadded digest`, sha512.replace(/=+$/, ``)],
      [`a base64url digest`, `sha512-${createHash(`sha512`).update(TARBALL).digest(`base64url`)}=`],
      [`a valid hash followed by junk`, `${sha512} ###`],
      [`a dashed algorithm name`, sha512.replace(`sha512`, `sha-512`)],
      [`only an unknown algorithm`, sri(`md5`, TARBALL)],
    ];
    for (const [what, integrity] of cases) {
      it(`refuses ${what} as invalid-integrity`, () => {
        assert.deepEqual(verify({registry: published(integrity)}), {ok: false, problem: {kind: `invalid-integrity`, published: integrity}});
      });
    }

    it(`refuses a shasum that is not 40 hex digits`, () => {
      for (const shasum of [`xyz`, hex(`sha1`, TARBALL).slice(1), `${hex(`sha1`, TARBALL).slice(1)}g`, hex(`sha256`, TARBALL)])
        assert.deepEqual(verify({registry: published(sha512, shasum)}), {ok: false, problem: {kind: `invalid-integrity`, published: shasum}});
    });

    it(`refuses even when weak integrity is accepted`, () => {
      assert.deepEqual(verify({acceptWeakIntegrity: true, registry: published(`sha1-!!`)}), {ok: false, problem: {kind: `invalid-integrity`, published: `sha1-!!`}});
    });
  });

  describe(`when only a pin is given`, () => {
    it(`accepts bytes that match it`, () => {
      assert.deepEqual(verify({pin: sri(`sha512`, TARBALL)}), {ok: true, integrity: sri(`sha512`, TARBALL), checkedAgainst: [`pin`]});
    });

    it(`refuses bytes that differ, with the pin and the actual sha512`, () => {
      assert.deepEqual(verify({bytes: TAMPERED, pin: sri(`sha512`, TARBALL)}), {
        ok: false,
        problem: {kind: `pin-mismatch`, expected: sri(`sha512`, TARBALL), found: sri(`sha512`, TAMPERED)},
      });
    });

    it(`refuses a pin in any other form than sha512Integrity writes`, () => {
      for (const pin of [sri(`sha256`, TARBALL), ` ${sri(`sha512`, TARBALL)}`, `${sri(`sha512`, TARBALL)}?x`, `${sri(`sha512`, TARBALL)} ${sri(`sha512`, TAMPERED)}`, ``]) {
        const verdict = verify({pin});
        assert.equal(!verdict.ok && verdict.problem.kind, `pin-mismatch`, pin);
      }
    });
  });

  describe(`when both a pin and the registry are given`, () => {
    it(`accepts bytes that match both`, () => {
      assert.deepEqual(verify({registry: published(sri(`sha512`, TARBALL)), pin: sri(`sha512`, TARBALL)}), {ok: true, integrity: sri(`sha512`, TARBALL), checkedAgainst: [`registry`, `pin`]});
    });

    it(`refuses bytes that match the registry but not the pin`, () => {
      const verdict = verify({bytes: TAMPERED, registry: published(sri(`sha512`, TAMPERED)), pin: sri(`sha512`, TARBALL)});
      assert.equal(!verdict.ok && verdict.problem.kind, `pin-mismatch`);
    });

    it(`refuses bytes that match the pin but not the registry`, () => {
      const verdict = verify({registry: published(sri(`sha512`, TAMPERED)), pin: sri(`sha512`, TARBALL)});
      assert.equal(!verdict.ok && verdict.problem.kind, `registry-mismatch`);
    });

    it(`reports the registry mismatch first when both differ`, () => {
      const verdict = verify({bytes: EMPTY, registry: published(sri(`sha512`, TARBALL)), pin: sri(`sha512`, TARBALL)});
      assert.equal(!verdict.ok && verdict.problem.kind, `registry-mismatch`);
    });

    it(`reports a pin mismatch before weak or invalid registry integrity`, () => {
      // The registry record agrees with the tampered bytes but is unreadable or weak.
      for (const registry of [published(sri(`md5`, TAMPERED)), published(null, hex(`sha1`, TAMPERED))]) {
        const verdict = verify({bytes: TAMPERED, registry, pin: sri(`sha512`, TARBALL)});
        assert.equal(!verdict.ok && verdict.problem.kind, `pin-mismatch`);
      }
    });

    it(`still refuses weak registry integrity when the pin matches`, () => {
      const verdict = verify({registry: published(sri(`sha1`, TARBALL)), pin: sri(`sha512`, TARBALL)});
      assert.deepEqual(verdict, {ok: false, problem: {kind: `weak-integrity`, published: sri(`sha1`, TARBALL)}});
    });

    it(`hashes the bytes once per algorithm, however many statements name it`, () => {
      // A tarball is tens of MB: the check of the record, the check of the pin
      // and the integrity it returns share one sha512.
      const input = {registry: published(`${sri(`sha512`, TARBALL)} ${sri(`sha512`, TARBALL)}`, hex(`sha1`, TARBALL)), pin: sri(`sha512`, TARBALL)};
      const nodeCrypto = require(`crypto`) as typeof import('crypto');
      const original = nodeCrypto.createHash;
      const passes: string[] = [];
      nodeCrypto.createHash = ((algorithm: string, ...rest: []) => {
        passes.push(algorithm);
        return original(algorithm, ...rest);
      }) as typeof original;
      let verdict;
      try {
        verdict = verify(input);
      } finally {
        nodeCrypto.createHash = original;
      }
      assert.deepEqual(verdict, {ok: true, integrity: sri(`sha512`, TARBALL), checkedAgainst: [`registry`, `pin`]});
      assert.deepEqual(passes.sort(), [`sha1`, `sha512`]);
    });
  });

  describe(`when neither a pin nor a registry record is given`, () => {
    it(`refuses, even when weak integrity is accepted`, () => {
      assert.deepEqual(verify({acceptWeakIntegrity: true}), {ok: false, problem: {kind: `weak-integrity`, published: null}});
    });
  });
});

const CONVENTIONAL = `https://registry.yarnpkg.com/@scope%2fpkg/-/pkg-1.0.0.tgz`;
const DIST_TARBALL = `https://registry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz`;

function checkUrl(url: string, overrides: {expected?: string[], allowedHosts?: string[], unsafeHttpWhitelist?: string[]} = {}) {
  return checkTarballUrl({url, expected: [CONVENTIONAL, DIST_TARBALL], allowedHosts: [], unsafeHttpWhitelist: [], ...overrides});
}
function problemKind(result: ReturnType<typeof checkTarballUrl>) {
  return result.ok ? `ok` : result.problem.kind;
}

describe(`checkTarballUrl`, () => {
  describe(`when the URL is one of the expected URLs`, () => {
    it(`accepts it as written`, () => {
      assert.deepEqual(checkUrl(CONVENTIONAL), {ok: true});
      assert.deepEqual(checkUrl(DIST_TARBALL), {ok: true});
    });

    it(`treats registry.npmjs.org and registry.yarnpkg.com as the same registry`, () => {
      const onlyNpm = {expected: [`https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz`]};
      const onlyYarn = {expected: [`https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz`]};
      assert.equal(problemKind(checkUrl(`https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz`, onlyNpm)), `ok`);
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz`, onlyYarn)), `ok`);
    });

    it(`treats the encoded scope separator as a slash, in either case`, () => {
      const onlySlash = {expected: [DIST_TARBALL]};
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org/@scope%2fpkg/-/pkg-1.0.0.tgz`, onlySlash)), `ok`);
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org/@scope%2Fpkg/-/pkg-1.0.0.tgz`, onlySlash)), `ok`);
      assert.equal(problemKind(checkUrl(DIST_TARBALL, {expected: [CONVENTIONAL]})), `ok`);
    });

    it(`ignores host case and the default port`, () => {
      assert.equal(problemKind(checkUrl(`https://REGISTRY.NPMJS.ORG:443/@scope/pkg/-/pkg-1.0.0.tgz`)), `ok`);
    });
  });

  describe(`when the URL points at another tarball on the same registry (lockfile poisoning)`, () => {
    it(`refuses it and lists what was expected`, () => {
      const url = `https://registry.npmjs.org/evil/-/evil-6.6.6.tgz`;
      assert.deepEqual(checkUrl(url), {ok: false, problem: {kind: `unexpected-url`, url, expected: [CONVENTIONAL, DIST_TARBALL]}});
    });

    it(`refuses a different version or scope case`, () => {
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org/@scope/pkg/-/pkg-1.0.1.tgz`)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org/@Scope/pkg/-/pkg-1.0.0.tgz`)), `unexpected-url`);
    });

    it(`refuses encoded slashes outside the scope separator`, () => {
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org/@scope%2fpkg%2f-%2fpkg-1.0.0.tgz`)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org/@scope/pkg/-%2fpkg-1.0.0.tgz`)), `unexpected-url`);
    });

    it(`refuses an added query or fragment`, () => {
      assert.equal(problemKind(checkUrl(`${DIST_TARBALL}?x=1`)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`${DIST_TARBALL}?`)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`${DIST_TARBALL}#x`)), `unexpected-url`);
    });
  });

  describe(`when the URL only looks like the registry`, () => {
    it(`refuses userinfo that names the registry`, () => {
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org@evil.com/@scope/pkg/-/pkg-1.0.0.tgz`)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://user:pass@registry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz`)), `unexpected-url`);
    });

    it(`refuses a look-alike host, a trailing dot or another port`, () => {
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org.evil.com/@scope/pkg/-/pkg-1.0.0.tgz`)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org./@scope/pkg/-/pkg-1.0.0.tgz`)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://registry.npmjs.org:8443/@scope/pkg/-/pkg-1.0.0.tgz`)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://registry.yarnpkg.com:8443/@scope/pkg/-/pkg-1.0.0.tgz`)), `unexpected-url`);
    });

    it(`refuses a backslash that moves the host`, () => {
      assert.equal(problemKind(checkUrl(`https://evil.com\\@registry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz`)), `unexpected-url`);
    });

    it(`accepts a URL with userinfo only when it is an expected URL verbatim`, () => {
      const withToken = `https://token@npm.corp.example/@scope/pkg/-/pkg-1.0.0.tgz`;
      assert.equal(problemKind(checkUrl(withToken, {expected: [withToken]})), `ok`);
      assert.equal(problemKind(checkUrl(withToken.replace(`npm.corp`, `NPM.corp`), {expected: [withToken]})), `unexpected-url`);
      assert.equal(problemKind(checkUrl(withToken, {expected: [withToken.replace(`token@`, ``)], allowedHosts: [`npm.corp.example`]})), `unexpected-url`);
    });
  });

  describe(`when the URL uses plain http`, () => {
    it(`refuses it even when it is an expected URL`, () => {
      const url = `http://registry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz`;
      assert.deepEqual(checkUrl(url, {expected: [url]}), {ok: false, problem: {kind: `not-https`, url}});
    });

    it(`refuses userinfo tricks as not-https before anything else`, () => {
      assert.equal(problemKind(checkUrl(`http://registry.npmjs.org@evil.com/`)), `not-https`);
    });

    it(`accepts an expected URL on a whitelisted host, whatever the port`, () => {
      const url = `http://127.0.0.1:4873/@scope%2fpkg/-/pkg-1.0.0.tgz`;
      assert.equal(problemKind(checkUrl(url, {expected: [url], unsafeHttpWhitelist: [`127.0.0.1`]})), `ok`);
    });

    it(`matches IPv6 loopback whether the whitelist writes brackets or not`, () => {
      const url = `http://[::1]:4873/pkg/-/pkg-1.0.0.tgz`;
      for (const entry of [`::1`, `[::1]`, `0:0:0:0:0:0:0:1`])
        assert.equal(problemKind(checkUrl(url, {expected: [url], unsafeHttpWhitelist: [entry]})), `ok`, entry);
    });

    it(`matches subdomains of a *. whitelist entry, not the domain itself or a look-alike`, () => {
      const whitelist = {unsafeHttpWhitelist: [`*.corp.example`]};
      const ok = `http://npm.eu.corp.example/pkg/-/pkg-1.0.0.tgz`;
      assert.equal(problemKind(checkUrl(ok, {...whitelist, expected: [ok]})), `ok`);
      assert.equal(problemKind(checkUrl(`http://corp.example/pkg/-/pkg-1.0.0.tgz`, whitelist)), `not-https`);
      assert.equal(problemKind(checkUrl(`http://evilcorp.example/pkg/-/pkg-1.0.0.tgz`, whitelist)), `not-https`);
    });

    it(`does not match a trailing-dot host or globs it does not understand`, () => {
      assert.equal(problemKind(checkUrl(`http://localhost./pkg.tgz`, {unsafeHttpWhitelist: [`localhost`]})), `not-https`);
      assert.equal(problemKind(checkUrl(`http://evil.com/pkg.tgz`, {unsafeHttpWhitelist: [`*`]})), `not-https`);
      assert.equal(problemKind(checkUrl(`http://evil.com/pkg.tgz`, {unsafeHttpWhitelist: [`evil.co?`]})), `not-https`);
    });

    it(`does not treat http as the same URL as https`, () => {
      const url = `http://registry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz`;
      assert.equal(problemKind(checkUrl(url, {unsafeHttpWhitelist: [`registry.npmjs.org`]})), `unexpected-url`);
    });
  });

  describe(`when the URL is on a host the user allows`, () => {
    it(`accepts any tarball there`, () => {
      assert.equal(problemKind(checkUrl(`https://cdn.example.com/builds/pkg.tgz`, {allowedHosts: [`cdn.example.com`]})), `ok`);
    });

    it(`compares the host without regard to case and ignores the port`, () => {
      assert.equal(problemKind(checkUrl(`https://cdn.example.com:8443/pkg.tgz`, {allowedHosts: [`CDN.Example.com`]})), `ok`);
    });

    it(`accepts subdomains of a *. entry, not the domain itself or a look-alike`, () => {
      const allowed = {allowedHosts: [`*.example.com`]};
      assert.equal(problemKind(checkUrl(`https://a.b.example.com/pkg.tgz`, allowed)), `ok`);
      assert.equal(problemKind(checkUrl(`https://example.com/pkg.tgz`, allowed)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://badexample.com/pkg.tgz`, allowed)), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://example.com.evil.net/pkg.tgz`, allowed)), `unexpected-url`);
    });

    it(`refuses userinfo that hides another host behind it`, () => {
      assert.equal(problemKind(checkUrl(`https://cdn.example.com@evil.com/pkg.tgz`, {allowedHosts: [`cdn.example.com`]})), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://evil@cdn.example.com/pkg.tgz`, {allowedHosts: [`cdn.example.com`]})), `unexpected-url`);
    });

    it(`does not let an entry with a port or path match anything`, () => {
      assert.equal(problemKind(checkUrl(`https://cdn.example.com/pkg.tgz`, {allowedHosts: [`cdn.example.com:443`]})), `unexpected-url`);
      assert.equal(problemKind(checkUrl(`https://cdn.example.com/pkg.tgz`, {allowedHosts: [`https://cdn.example.com/`]})), `unexpected-url`);
    });
  });

  describe(`when the URL cannot be judged`, () => {
    const urls = [
      ``,
      `not a url`,
      `/relative/pkg.tgz`,
      `ftp://registry.npmjs.org/pkg.tgz`,
      `file:///etc/passwd`,
      `javascript:alert(1)`,
      `https://registry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz\n`,
      `https://registry.npmjs.org/@scope/pkg/-/pkg-1.0.\t0.tgz`,
      // Full-width "ｒ": the URL parser would map it to the real registry.
      `https://ｒegistry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz`,
      `https://[not-ipv6]/pkg.tgz`,
    ];
    for (const url of urls) {
      it(`refuses ${JSON.stringify(url)} as invalid-url`, () => {
        assert.deepEqual(checkUrl(url), {ok: false, problem: {kind: `invalid-url`, url}});
      });
    }

    it(`skips expected URLs that cannot be parsed instead of failing`, () => {
      assert.equal(problemKind(checkUrl(DIST_TARBALL, {expected: [`::garbage`, ``]})), `unexpected-url`);
    });
  });
});

const SAFE = {
  checksumBehavior: `throw`,
  enableStrictSsl: true,
  unsafeHttpWhitelist: [] as string[],
  registries: [{path: `npmRegistryServer`, url: `https://registry.yarnpkg.com`}],
  allowed: new Set<SettingName>(),
};

describe(`auditSettings`, () => {
  describe(`when every setting has its safe value`, () => {
    it(`reports nothing`, () => {
      assert.deepEqual(auditSettings(SAFE), []);
    });
  });

  describe(`when checksumBehavior is not throw`, () => {
    for (const value of [`update`, `ignore`, `reset`, ``, `THROW`]) {
      it(`reports ${JSON.stringify(value)}`, () => {
        const [finding, ...rest] = auditSettings({...SAFE, checksumBehavior: value});
        assert.deepEqual(rest, []);
        assert.deepEqual({...finding, why: undefined}, {setting: `checksumBehavior`, path: `checksumBehavior`, found: value, expected: `throw`, why: undefined});
        assert.match(finding.why, /^[A-Z].+\.$/);
      });
    }
  });

  describe(`when enableStrictSsl is false`, () => {
    it(`reports it`, () => {
      const findings = auditSettings({...SAFE, enableStrictSsl: false});
      assert.deepEqual(findings.map(({setting, path, found, expected}) => ({setting, path, found, expected})), [{setting: `enableStrictSsl`, path: `enableStrictSsl`, found: `false`, expected: `true`}]);
    });
  });

  describe(`when unsafeHttpWhitelist lists only loopback`, () => {
    it(`reports nothing`, () => {
      assert.deepEqual(auditSettings({...SAFE, unsafeHttpWhitelist: [`localhost`, `LOCALHOST`, `127.0.0.1`, `127.1.2.254`, `::1`, `[::1]`]}), []);
    });
  });

  describe(`when unsafeHttpWhitelist lists other hosts`, () => {
    it(`reports them once, in order, without the loopback ones or duplicates`, () => {
      const whitelist = [`localhost`, `registry.corp`, `127.*`, `*.localhost`, `127.0.0.1.nip.io`, `0.0.0.0`, `127.256.0.1`, `127.0.0.01`, `*`, `registry.corp`];
      const findings = auditSettings({...SAFE, unsafeHttpWhitelist: whitelist});
      assert.equal(findings.length, 1);
      assert.equal(findings[0].setting, `unsafeHttpWhitelist`);
      assert.equal(findings[0].found, `registry.corp, 127.*, *.localhost, 127.0.0.1.nip.io, 0.0.0.0, 127.256.0.1, 127.0.0.01, *`);
    });
  });

  describe(`when a registry uses plain http`, () => {
    it(`reports each non-loopback one with its setting path and the https URL`, () => {
      const findings = auditSettings({
        ...SAFE,
        registries: [
          {path: `npmRegistryServer`, url: `http://registry.corp.example:8080/npm/`},
          {path: `npmScopes.corp.npmRegistryServer`, url: `http://npm.corp.example`},
          {path: `npmScopes.secure.npmRegistryServer`, url: `https://npm.corp.example`},
        ],
      });
      assert.deepEqual(findings.map(({setting, path, found, expected}) => ({setting, path, found, expected})), [
        {setting: `httpRegistry`, path: `npmRegistryServer`, found: `http://registry.corp.example:8080/npm/`, expected: `https://registry.corp.example:8080/npm/`},
        {setting: `httpRegistry`, path: `npmScopes.corp.npmRegistryServer`, found: `http://npm.corp.example`, expected: `https://npm.corp.example/`},
      ]);
    });

    it(`accepts loopback registries`, () => {
      const registries = [`http://localhost:4873`, `http://127.0.0.1:4873/`, `http://[::1]:4873`, `http://127.9.9.9`].map((url, i) => ({path: `npmScopes.s${i}.npmRegistryServer`, url}));
      assert.deepEqual(auditSettings({...SAFE, registries}), []);
    });

    it(`reports a host that only starts like loopback`, () => {
      const findings = auditSettings({...SAFE, registries: [{path: `npmRegistryServer`, url: `http://127.0.0.1.nip.io/`}]});
      assert.equal(findings.length, 1);
    });
  });

  describe(`when a registry URL cannot be read as http(s)`, () => {
    it(`reports it instead of assuming it is safe`, () => {
      for (const url of [`not a url`, `ftp://registry.corp/`, ``]) {
        const findings = auditSettings({...SAFE, registries: [{path: `npmRegistryServer`, url}]});
        assert.deepEqual(findings.map(({setting, found}) => ({setting, found})), [{setting: `httpRegistry`, found: url}]);
      }
    });
  });

  describe(`when the user accepted some relaxations`, () => {
    const everythingWrong = {
      checksumBehavior: `ignore`,
      enableStrictSsl: false,
      unsafeHttpWhitelist: [`registry.corp`],
      registries: [{path: `npmRegistryServer`, url: `http://registry.corp`}],
    };

    it(`reports all four kinds without them, in a stable order`, () => {
      assert.deepEqual(auditSettings({...everythingWrong, allowed: new Set()}).map(finding => finding.setting), [`checksumBehavior`, `enableStrictSsl`, `unsafeHttpWhitelist`, `httpRegistry`]);
    });

    it(`drops only the accepted ones`, () => {
      const findings = auditSettings({...everythingWrong, allowed: new Set<SettingName>([`unsafeHttpWhitelist`, `httpRegistry`])});
      assert.deepEqual(findings.map(finding => finding.setting), [`checksumBehavior`, `enableStrictSsl`]);
    });

    it(`writes one sentence on the risk for every finding`, () => {
      for (const finding of auditSettings({...everythingWrong, allowed: new Set()}))
        assert.match(finding.why, /^[A-Z][^.]+\.$/, finding.setting);
    });
  });
});

describe(`auditSettings and approvedGitRepositories`, () => {
  const base = {checksumBehavior: `throw`, enableStrictSsl: true, unsafeHttpWhitelist: [], registries: [], allowed: new Set<never>()};

  describe(`when a pattern approves every git repository`, () => {
    it(`reports it, since prepare scripts of git dependencies run outside every approval`, () => {
      const findings = auditSettings({...base, approvedGitRepositories: [`https://github.com/corp/*`, `**`]});
      assert.deepEqual(findings.map(finding => [finding.setting, finding.found]), [[`approvedGitRepositories`, `**`]]);
    });
  });

  describe(`when only named repositories are approved`, () => {
    it(`reports nothing`, () => {
      assert.deepEqual(auditSettings({...base, approvedGitRepositories: [`https://github.com/corp/tool.git`]}), []);
    });
  });

  describe(`when the risk is accepted`, () => {
    it(`reports nothing`, () => {
      assert.deepEqual(auditSettings({...base, approvedGitRepositories: [`**`], allowed: new Set([`approvedGitRepositories` as const])}), []);
    });
  });

  describe(`when Yarn's migration of a v8 lockfile wrote ** and the project has no git dependency`, () => {
    const [finding] = auditSettings({...base, approvedGitRepositories: [`**`], gitRepositories: {lockfileVersion: 8, writtenByMigration: true, gitRepositories: []}});

    it(`says that Yarn wrote it and why removing the key loops`, () => {
      assert.match(finding.cause ?? ``, /^Yarn's own migration wrote this value into \.yarnrc\.yml during this command, because yarn\.lock is version 8 \(older than 9\)/);
      assert.match(finding.cause ?? ``, /removing the key does not help/);
      assert.match(finding.cause ?? ``, /This project has no git dependency/);
    });

    it(`gives the command that sets an empty list, which the migration keeps`, () => {
      assert.equal(finding.fix, `yarn config set approvedGitRepositories --json '[]'`);
    });
  });

  describe(`when ** sits in .yarnrc.yml from an earlier run while yarn.lock is still v8`, () => {
    it(`still names the migration as the likely writer`, () => {
      const [finding] = auditSettings({...base, approvedGitRepositories: [`**`], gitRepositories: {lockfileVersion: 8, writtenByMigration: false, gitRepositories: []}});
      assert.match(finding.cause ?? ``, /^Yarn's own migration writes this value/);
    });
  });

  describe(`when the project has git dependencies`, () => {
    it(`suggests listing exactly their repositories, to be reviewed`, () => {
      const [finding] = auditSettings({...base, approvedGitRepositories: [`**`], gitRepositories: {lockfileVersion: 6, writtenByMigration: true, gitRepositories: [`https://github.com/corp/tool.git`]}});
      assert.equal(finding.fix, `yarn config set approvedGitRepositories --json '["https://github.com/corp/tool.git"]'`);
      assert.match(finding.cause ?? ``, /git dependencies come from https:\/\/github\.com\/corp\/tool\.git: review them/);
    });
  });

  describe(`when a current lockfile holds ** written by a person`, () => {
    it(`blames no migration`, () => {
      const [finding] = auditSettings({...base, approvedGitRepositories: [`**`], gitRepositories: {lockfileVersion: 10, writtenByMigration: false, gitRepositories: []}});
      assert.equal(finding.cause, undefined);
      assert.equal(finding.fix, `yarn config set approvedGitRepositories --json '[]'`);
    });
  });
});

describe(`pinFromRegistryRecord`, () => {
  describe(`when the registry publishes a SHA-512`, () => {
    it(`pins it, whatever else the record states`, () => {
      assert.deepEqual(pinFromRegistryRecord(published(sri(`sha512`, TARBALL))), {kind: `pin`, integrity: sri(`sha512`, TARBALL)});
      assert.deepEqual(pinFromRegistryRecord(published(`${sri(`sha1`, TARBALL)} ${sri(`sha512`, TARBALL)}`, hex(`sha1`, TARBALL))), {kind: `pin`, integrity: sri(`sha512`, TARBALL)});
    });

    it(`pins the canonical form written by sha512Integrity, also from an upper-case algorithm`, () => {
      assert.deepEqual(pinFromRegistryRecord(published(sri(`sha512`, TARBALL).replace(`sha512`, `SHA512`))), {kind: `pin`, integrity: sha512Integrity(TARBALL)});
    });
  });

  describe(`when the registry publishes no SHA-512`, () => {
    it(`asks for the bytes: only a download can tell their SHA-512`, () => {
      assert.deepEqual(pinFromRegistryRecord(published(sri(`sha256`, TARBALL))), {kind: `download`});
      assert.deepEqual(pinFromRegistryRecord(published(null, hex(`sha1`, TARBALL))), {kind: `download`});
      assert.deepEqual(pinFromRegistryRecord(published(null)), {kind: `download`});
    });
  });

  describe(`when the record contradicts itself or cannot be read`, () => {
    it(`pins nothing`, () => {
      const twoDigests = `${sri(`sha512`, TARBALL)} ${sri(`sha512`, TAMPERED)}`;
      assert.deepEqual(pinFromRegistryRecord(published(twoDigests)), {kind: `invalid`, published: twoDigests});
      assert.deepEqual(pinFromRegistryRecord(published(`sha512-short`)), {kind: `invalid`, published: `sha512-short`});
    });
  });
});
