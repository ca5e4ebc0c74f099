import assert from 'node:assert/strict';

import {archiveChecksum, archiveChecksumsFor, type ArchiveEntry, checkArchiveChecksums, diffPins, hasChanges, type PinChanges, prunePins, withPin, withPins} from '../../sources/checksums/policy/pins';
import {emptyPins, parsePins, type Pin, pinProblem, type Pins, PINS_FILE_HEADER, PinsFileError, readEntry, readEntryStepByStep, registryPinKey, serializePins} from '../../sources/core/policy/pinsFile';

const FILE = `yarn-trust-pins.txt`;
const WRITING = `(pins file being written)`;

/** Written out rather than imported, so that a change to the header fails here. */
const HEADER_TEXT = [
  `# yarn-plugin-trust pins v1`,
  `# The SHA-512 of each package tarball as first verified, and Yarn's archive checksum for it.`,
  `# Written by yarn install; review changes like yarn.lock.`,
].map(line => `${line}\n`).join(``);

/** Small deterministic PRNG so that generated hashes are the same every run. */
function mulberry32(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function digest(seed: number): Buffer {
  const random = mulberry32(seed);
  return Buffer.from(Array.from({length: 64}, () => Math.floor(random() * 256)));
}

const integrity = (seed: number) => `sha512-${digest(seed).toString(`base64`)}`;
const hex = (seed: number) => digest(seed + 1_000_000).toString(`hex`);

const I1 = integrity(1);
const I2 = integrity(2);
const I3 = integrity(3);
const H1 = hex(1);
const H2 = hex(2);
const H3 = hex(3);

const SCOPED: Pin = {key: `@scope/name@1.0.0`, integrity: I1, archiveChecksum: `10c0/${H1}`};
const LEFT_PAD: Pin = {key: `left-pad@1.3.0`, integrity: I2, archiveChecksum: null};
const TARBALL: Pin = {key: `tarball@https://example.com/t.tgz`, integrity: I3, archiveChecksum: `10c0/${H3}`};

const LINE_SCOPED = `@scope/name@1.0.0 ${I1} 10c0/${H1}`;
const LINE_LEFT_PAD = `left-pad@1.3.0 ${I2} -`;
const LINE_TARBALL = `tarball@https://example.com/t.tgz ${I3} 10c0/${H3}`;

/** The header, then one line each; the first line given is line 4. */
const pinsText = (...lines: Array<string>) => `${HEADER_TEXT}${lines.map(line => `${line}\n`).join(``)}`;

/** The example of the format description, in canonical form: entries on lines 4 to 6. */
const EXAMPLE = pinsText(LINE_SCOPED, LINE_LEFT_PAD, LINE_TARBALL);

const pinsOf = (...pins: Array<Pin>): Pins => ({entries: new Map(pins.map(pin => [pin.key, pin]))});

/** The entries in iteration order, so that order is part of what is compared. */
const listed = (pins: Pins) => [...pins.entries.entries()];

/** Asserts the whole message, so a wrong line or wording fails the test. */
function assertRefused(text: string, line: number | undefined, reason: string) {
  assert.throws(() => parsePins(text, FILE), (error: unknown) => {
    assert.ok(error instanceof PinsFileError, `expected a PinsFileError, got ${String(error)}`);
    assert.equal(error.message, line === undefined ? `${FILE}: ${reason}` : `${FILE}:${line}: ${reason}`);
    assert.deepEqual({name: error.name, file: error.file, line: error.line, reason: error.reason}, {name: `PinsFileError`, file: FILE, line, reason});
    return true;
  });
}

function assertWriteRefused(pins: Pins, line: number, reason: string) {
  assert.throws(() => serializePins(pins), (error: unknown) => {
    assert.ok(error instanceof PinsFileError, `expected a PinsFileError, got ${String(error)}`);
    assert.equal(error.message, `${WRITING}:${line}: ${reason}`);
    assert.deepEqual({file: error.file, line: error.line, reason: error.reason}, {file: WRITING, line, reason});
    return true;
  });
}

/** Freezes the Pins object and its pins; a Map cannot be frozen, so callers also compare snapshots. */
function freezePins(pins: Pins): Pins {
  for (const pin of pins.entries.values())
    Object.freeze(pin);
  return Object.freeze(pins);
}

function snapshot(pins: Pins): string {
  return JSON.stringify(listed(pins));
}

/** `count` valid pins with random-looking values, in a shuffled order. */
function generatePins(count: number, seed: number): Array<Pin> {
  const random = mulberry32(seed);
  const pins: Array<Pin> = [];
  for (let index = 0; index < count; ++index) {
    const scoped = random() < 0.3;
    const name = `${scoped ? `@scope-${index % 97}/` : ``}pkg-${index.toString(36)}`;
    const roll = random();
    const archiveChecksum = roll < 0.1 ? null : roll < 0.2 ? hex(seed + index) : `10c0/${hex(seed + index)}`;
    pins.push({key: registryPinKey(name, `${index % 7}.${index % 13}.${index % 5}`), integrity: integrity(seed * 100_000 + index), archiveChecksum});
  }
  for (let index = pins.length - 1; index > 0; --index) {
    const other = Math.floor(random() * (index + 1));
    [pins[index], pins[other]] = [pins[other], pins[index]];
  }
  return pins;
}

const byKey = (a: Pin, b: Pin) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

describe(`parsePins`, () => {
  describe(`when the file is canonical`, () => {
    it(`returns its pins, in key order`, () => {
      assert.deepEqual(listed(parsePins(EXAMPLE, FILE)), [
        [SCOPED.key, SCOPED],
        [LEFT_PAD.key, LEFT_PAD],
        [TARBALL.key, TARBALL],
      ]);
    });

    it(`serializes back to the same bytes`, () => {
      const canonicalTexts = [
        EXAMPLE,
        HEADER_TEXT,
        pinsText(`a@b ${I1} ${H1}`, `x@patch:x@npm%3A1.0.0#~/.yarn/patches/x.patch::version=1.0.0&hash=0 ${I2} 8/${H2}`),
        serializePins({entries: new Map(generatePins(300, 7).map(pin => [pin.key, pin]))}),
      ];
      for (const text of canonicalTexts)
        assert.equal(serializePins(parsePins(text, FILE)), text);
    });

    it(`reads the header and nothing else as an empty set of pins`, () => {
      assert.equal(parsePins(HEADER_TEXT, FILE).entries.size, 0);
      assert.equal(parsePins(PINS_FILE_HEADER, FILE).entries.size, 0);
    });
  });

  describe(`when the file is valid but not canonical`, () => {
    it(`accepts entries in any order and returns them in key order`, () => {
      const pins = parsePins(pinsText(LINE_TARBALL, LINE_SCOPED, LINE_LEFT_PAD), FILE);
      assert.deepEqual([...pins.entries.keys()], [SCOPED.key, LEFT_PAD.key, TARBALL.key]);
      assert.deepEqual(listed(pins), listed(parsePins(EXAMPLE, FILE)));
    });

    it(`ignores comments and blank lines anywhere after the header`, () => {
      const text = [PINS_FILE_HEADER, ``, `#`, `#no space`, LINE_SCOPED, ``, `# between`, LINE_LEFT_PAD, `#${LINE_TARBALL}`, ``, ``].join(`\n`);
      assert.deepEqual(listed(parsePins(text, FILE)), [[SCOPED.key, SCOPED], [LEFT_PAD.key, LEFT_PAD]]);
    });

    it(`accepts CRLF line endings, a byte order mark and a missing final newline`, () => {
      const variants = [
        EXAMPLE.replace(/\n/g, `\r\n`),
        `\uFEFF${EXAMPLE}`,
        EXAMPLE.slice(0, -1),
        `\uFEFF${EXAMPLE.replace(/\n/g, `\r\n`).slice(0, -2)}`,
        EXAMPLE.replace(/\n/g, `\r\n`).replace(`${LINE_SCOPED}\r\n`, `${LINE_SCOPED}\n`),
      ];
      for (const text of variants)
        assert.deepEqual(listed(parsePins(text, FILE)), listed(parsePins(EXAMPLE, FILE)));
    });

    it(`is written back in canonical form, without its comments`, () => {
      const text = `\uFEFF${[PINS_FILE_HEADER, `# my note`, LINE_TARBALL, ``, LINE_LEFT_PAD, LINE_SCOPED].join(`\r\n`)}`;
      assert.equal(serializePins(parsePins(text, FILE)), EXAMPLE);
    });
  });

  describe(`when the file is empty`, () => {
    it(`says so, without a line`, () => {
      const reason = `the pins file is empty; expected its first line to be "# yarn-plugin-trust pins v1"`;
      for (const text of [``, `\n`, `\r\n`, `\uFEFF`, `\uFEFF\n`, `  \n\t\n`])
        assertRefused(text, undefined, reason);
    });
  });

  describe(`when the header is another version`, () => {
    it(`asks for an upgrade`, () => {
      assertRefused(EXAMPLE.replace(`pins v1`, `pins v2`), 1, `unsupported pins file version 2; upgrade the plugin`);
      assertRefused(`# yarn-plugin-trust pins v10\nanything at all\tgoes here\n`, 1, `unsupported pins file version 10; upgrade the plugin`);
      assertRefused(`# yarn-plugin-trust pins v0\r\n`, 1, `unsupported pins file version 0; upgrade the plugin`);
    });
  });

  describe(`when the header is missing or misspelled`, () => {
    const expected = `expected the first line to be "# yarn-plugin-trust pins v1", found`;

    it(`refuses a file that starts with an entry`, () => {
      assertRefused(`${LINE_LEFT_PAD}\n`, 1, `${expected} "${LINE_LEFT_PAD}"`);
    });

    it(`refuses a header that is not on the first line`, () => {
      assertRefused(`\n${EXAMPLE}`, 1, `${expected} ""`);
      assertRefused(`# a comment\n${EXAMPLE}`, 1, `${expected} "# a comment"`);
    });

    it(`refuses near misses`, () => {
      const nearMisses = [
        `# yarn-plugin-trust pins v1 `,
        ` # yarn-plugin-trust pins v1`,
        `#yarn-plugin-trust pins v1`,
        `# yarn-plugin-trust pins V1`,
        `# yarn-plugin-trust pins 1`,
        `# yarn-plugin-trust pins v1.0`,
        `# yarn-plugin-trust pins`,
        `# Yarn-Plugin-Trust pins v1`,
        `# yarn-plugin-trust  pins v1`,
        `# yarn-plugin-trust pins v1\t`,
        `# yarn-plugin-trust pins v-1`,
      ];
      for (const header of nearMisses)
        assertRefused(`${header}\n${LINE_LEFT_PAD}\n`, 1, `${expected} ${JSON.stringify(header)}`);
    });

    it(`shortens a long first line in the message`, () => {
      assertRefused(`${`x`.repeat(500)}\n`, 1, `${expected} "${`x`.repeat(135)}..."`);
    });
  });

  describe(`when a line was edited by hand`, () => {
    const cases: Array<[string, string, string]> = [
      [`a tab between fields`, `left-pad@1.3.0\t${I2} -`, `the line contains a tab; fields are separated by single spaces`],
      [`a tab at the end`, `${LINE_LEFT_PAD}\t`, `the line contains a tab; fields are separated by single spaces`],
      [`two spaces between fields`, `left-pad@1.3.0  ${I2} -`, `fields are separated by more than one space; use single spaces`],
      [`a trailing space`, `${LINE_LEFT_PAD} `, `the line ends with a space`],
      [`a leading space`, ` ${LINE_LEFT_PAD}`, `the line starts with a space`],
      [`an indented comment`, `  # note`, `the line starts with a space`],
      [`only spaces`, `   `, `the line has only whitespace; a blank line must be empty`],
      [`only a no-break space`, `\u00a0`, `the line has only whitespace; a blank line must be empty`],
      [`a carriage return inside the line`, `left-pad@1.3.0\r${I2} -`, `the line contains the control character U+000D`],
      [`carriage returns before the line ending`, `${LINE_LEFT_PAD}\r\r`, `the line contains the control character U+000D`],
      [`a NUL character`, `left-pad@1.3.0 ${I2} -\u0000`, `the line contains the control character U+0000`],
      [`a vertical tab`, `left-pad@1.3.0\u000b ${I2} -`, `the line contains the control character U+000B`],
      [`a C1 control character`, `left-pad@1.3.0\u0085 ${I2} -`, `the line contains the control character U+0085`],
      [`a missing checksum`, `left-pad@1.3.0 ${I2}`, `expected 3 fields "<key> <integrity> <archiveChecksum>" separated by single spaces, found 2`],
      [`a key alone`, `left-pad@1.3.0`, `expected 3 fields "<key> <integrity> <archiveChecksum>" separated by single spaces, found 1`],
      [`an extra field`, `${LINE_LEFT_PAD} extra`, `expected 3 fields "<key> <integrity> <archiveChecksum>" separated by single spaces, found 4`],
    ];

    for (const [what, line, reason] of cases) {
      it(`refuses ${what} at its line`, () => {
        // The CRLF variant must point at the same line with the same reason.
        assertRefused(pinsText(LINE_SCOPED, line, LINE_TARBALL), 5, reason);
        assertRefused(pinsText(LINE_SCOPED, line, LINE_TARBALL).replace(/\n/g, `\r\n`), 5, reason);
      });
    }

    it(`points at an unresolved merge conflict`, () => {
      const reason = `unresolved merge conflict marker; resolve the conflict, keeping one line per package, or take either side and run yarn install`;
      const conflict = (marker: string, at: number) => {
        const lines = [`<<<<<<< HEAD`, LINE_LEFT_PAD, `||||||| base`, `=======`, `left-pad@1.3.1 ${I3} -`, `>>>>>>> feature/upgrade`];
        const kept = lines.filter(line => line === marker || !line.match(/^[<|=>]{7}/));
        assertRefused(pinsText(LINE_SCOPED, ...kept), at, reason);
      };
      conflict(`<<<<<<< HEAD`, 5);
      conflict(`||||||| base`, 6);
      conflict(`=======`, 6);
      conflict(`>>>>>>> feature/upgrade`, 7);
      assertRefused(pinsText(`<<<<<<<`), 4, reason);
    });

    it(`reports the first problem in the file`, () => {
      assertRefused(pinsText(LINE_SCOPED, `${LINE_LEFT_PAD} `, `bad`), 5, `the line ends with a space`);
    });
  });

  describe(`when a key is invalid`, () => {
    const expected = `expected "name@version" for a registry package or a Yarn locator`;
    const cases: Array<[string, string]> = [
      [`ab`, `it is shorter than 3 characters`],
      [`a@`, `it is shorter than 3 characters`],
      [`@a`, `it is shorter than 3 characters`],
      [`left-pad`, `it has no "@" after its first character`],
      [`@scope/name`, `it has no "@" after its first character`],
      [`left-pad@`, `nothing follows the "@"`],
      [`ab@`, `nothing follows the "@"`],
      [`@scope/name@`, `nothing follows the "@"`],
      [`left\u00a0pad@1.3.0`, `it contains whitespace`],
      [`left-pad@1.3.0\u2028`, `it contains whitespace`],
      [`\u3000a@1`, `it contains whitespace`],
      [`left-pad@1.3.0\ufeff`, `it contains whitespace`],
    ];

    for (const [key, problem] of cases) {
      it(`refuses ${JSON.stringify(key)} at its line`, () => {
        assertRefused(pinsText(LINE_SCOPED, LINE_TARBALL, `${key} ${I2} -`), 6, `invalid key ${JSON.stringify(key)}: ${problem}; ${expected}`);
      });
    }

    it(`accepts registry keys and locators of other sources`, () => {
      const keys = [
        `a@b`,
        `a@@`,
        `JSONStream@1.3.5`,
        `caf\u00e9@1.0.0`,
        `@types/node@20.11.0`,
        `@scope/name@npm:1.0.0`,
        `lodash@patch:lodash@npm%3A4.17.21#~/.yarn/patches/lodash-npm-4.17.21-6382451519.patch::version=4.17.21&hash=2a2d3b`,
        `tarball@https://example.com/t.tgz#sha=1`,
        `repo@git+ssh://git@github.com/owner/repo.git#commit=0123456789abcdef`,
        `local@file:./vendor/local.tgz::locator=root%40workspace%3A.`,
      ];
      const pins = parsePins(pinsText(...keys.map((key, index) => `${key} ${integrity(index)} -`)), FILE);
      assert.deepEqual([...pins.entries.keys()], [...keys].sort());
      for (const [key, pin] of pins.entries)
        assert.equal(pin.key, key);
    });

    it(`shortens a long key in the message`, () => {
      assertRefused(pinsText(`${`x`.repeat(300)} ${I1} -`), 4, `invalid key "${`x`.repeat(135)}...": it has no "@" after its first character; ${expected}`);
    });

    it(`treats a line that starts with "#" as a comment, whatever follows`, () => {
      assert.equal(parsePins(pinsText(`#x@1.0.0 ${I1} -`), FILE).entries.size, 0);
    });
  });

  describe(`when an integrity is invalid`, () => {
    const expected = `expected "sha512-" followed by the base64 of a 64-byte digest (88 characters ending in "==")`;
    const base64 = I2.slice(`sha512-`.length);
    const cases: Array<[string, string, string]> = [
      [`another algorithm`, `sha1-${digest(9).subarray(0, 20).toString(`base64`)}`, `it does not start with "sha512-"`],
      [`an uppercase prefix`, `SHA512-${base64}`, `it does not start with "sha512-"`],
      [`a bare digest`, base64, `it does not start with "sha512-"`],
      [`a hex digest`, `sha512-${H2}`, `its base64 part has 128 characters instead of 88`],
      [`an empty digest`, `sha512-`, `its base64 part has 0 characters instead of 88`],
      [`a truncated digest`, `sha512-${base64.slice(1)}`, `its base64 part has 87 characters instead of 88`],
      [`a digest of 63 bytes`, `sha512-${digest(2).subarray(0, 63).toString(`base64`)}`, `its base64 part has 84 characters instead of 88`],
      [`a missing padding`, `sha512-${base64.slice(0, 86)}`, `its base64 part has 86 characters instead of 88`],
      [`padding replaced by data`, `sha512-${base64.slice(0, 86)}AA`, `its base64 part is not standard base64 ending in "=="`],
      [`base64url characters`, `sha512-_-${base64.slice(2)}`, `its base64 part is not standard base64 ending in "=="`],
      [`a padding character inside`, `sha512-=${base64.slice(1)}`, `its base64 part is not standard base64 ending in "=="`],
      [`a non-ASCII letter`, `sha512-\u00e9${base64.slice(1)}`, `its base64 part is not standard base64 ending in "=="`],
      [`a non-canonical last character`, `sha512-${base64.slice(0, 85)}B==`, `its base64 part is not canonical (the character before "==" must be one of "A", "Q", "g", "w")`],
    ];

    for (const [what, value, problem] of cases) {
      it(`refuses ${what} at its line`, () => {
        assertRefused(pinsText(LINE_SCOPED, `left-pad@1.3.0 ${value} -`), 5,
          `invalid integrity ${JSON.stringify(value)} for "left-pad@1.3.0": ${problem}; ${expected}`);
      });
    }

    it(`accepts every canonical last character`, () => {
      for (const last of `AQgw`) {
        const value = `sha512-${base64.slice(0, 85)}${last}==`;
        assert.equal(parsePins(pinsText(`left-pad@1.3.0 ${value} -`), FILE).entries.get(`left-pad@1.3.0`)?.integrity, value);
      }
    });
  });

  describe(`when an archive checksum is invalid`, () => {
    const expected = `expected "-" (unknown), "<cacheKey>/<128 lowercase hex digits>" or the 128 hex digits alone`;
    const cases: Array<[string, string, string]> = [
      [`uppercase hex`, `10c0/${H2.toUpperCase()}`, `the hash has uppercase hex digits`],
      [`uppercase hex without a cache key`, `${H2.slice(0, 127)}F`, `the hash has uppercase hex digits`],
      [`127 hex digits`, `10c0/${H2.slice(1)}`, `the hash is not 128 hex digits`],
      [`129 hex digits`, `10c0/${H2}0`, `the hash is not 128 hex digits`],
      [`a SHA-256 digest`, `10c0/${H2.slice(0, 64)}`, `the hash is not 128 hex digits`],
      [`a non-hex digit`, `10c0/${H2.slice(0, 127)}g`, `the hash is not 128 hex digits`],
      [`an empty hash`, `10c0/`, `the hash is not 128 hex digits`],
      [`two cache keys`, `10c0/10c0/${H2}`, `the hash is not 128 hex digits`],
      [`an integrity instead`, I3, `it is an integrity, not an archive checksum`],
      [`an integrity of another algorithm instead`, `sha1-${H1.slice(0, 40)}`, `it is an integrity, not an archive checksum`],
      [`two dashes`, `--`, `the hash is not 128 hex digits`],
      [`an uppercase cache key`, `10C0/${H2}`, `the cache key before "/" must be lowercase letters and digits`],
      [`an empty cache key`, `/${H2}`, `the cache key before "/" must be lowercase letters and digits`],
      [`a cache key with punctuation`, `10-c0/${H2}`, `the cache key before "/" must be lowercase letters and digits`],
    ];

    for (const [what, value, problem] of cases) {
      it(`refuses ${what} at its line`, () => {
        assertRefused(pinsText(LINE_SCOPED, LINE_LEFT_PAD, `z@1 ${I1} ${value}`), 6, `invalid archive checksum ${JSON.stringify(value)} for "z@1": ${problem}; ${expected}`);
      });
    }

    it(`accepts "-", any lowercase cache key and a hash alone`, () => {
      const values: Array<[string, string | null]> = [[`-`, null], [`10c0/${H1}`, `10c0/${H1}`], [`8/${H1}`, `8/${H1}`], [`abc123/${H1}`, `abc123/${H1}`], [H1, H1]];
      for (const [field, archiveChecksum] of values)
        assert.deepEqual(parsePins(pinsText(`z@1 ${I1} ${field}`), FILE).entries.get(`z@1`), {key: `z@1`, integrity: I1, archiveChecksum});
    });
  });

  describe(`when a key appears twice`, () => {
    it(`refuses the second line, naming the first`, () => {
      assertRefused(pinsText(LINE_LEFT_PAD, LINE_SCOPED, `# changed:`, `left-pad@1.3.0 ${I3} 10c0/${H3}`), 7,
        `duplicate key "left-pad@1.3.0" (first on line 4); keep one line per package`);
    });

    it(`refuses identical lines too`, () => {
      assertRefused(pinsText(LINE_SCOPED, LINE_SCOPED), 5, `duplicate key "@scope/name@1.0.0" (first on line 4); keep one line per package`);
    });

    it(`keeps keys that differ only in case apart`, () => {
      assert.equal(parsePins(pinsText(`jsonstream@1.3.5 ${I1} -`, `JSONStream@1.3.5 ${I2} -`), FILE).entries.size, 2);
    });
  });

  describe(`when the file is large`, () => {
    const pins = generatePins(20_000, 42);
    const canonical = serializePins({entries: new Map(pins.map(pin => [pin.key, pin]))});

    it(`parses 20,000 pins without a blow-up (timing claims live in tests/bench)`, () => {
      const start = process.hrtime.bigint();
      const parsed = parsePins(canonical, FILE);
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      assert.equal(parsed.entries.size, 20_000);
      assert.ok(elapsedMs < 5000, `parsing took ${elapsedMs.toFixed(0)} ms`);
      assert.deepEqual([...parsed.entries.values()], [...pins].sort(byKey));
    });

    it(`parses 20,000 pins in shuffled order with CRLF endings without a blow-up (timing claims live in tests/bench)`, () => {
      const text = [PINS_FILE_HEADER, ...pins.map(pin => `${pin.key} ${pin.integrity} ${pin.archiveChecksum ?? `-`}`)].join(`\r\n`);
      const start = process.hrtime.bigint();
      const parsed = parsePins(text, FILE);
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      assert.ok(elapsedMs < 5000, `parsing took ${elapsedMs.toFixed(0)} ms`);
      assert.equal(serializePins(parsed), canonical);
    });

    it(`finds a duplicate at the end of 20,000 pins at its line`, () => {
      assertRefused(`${canonical}${canonical.split(`\n`)[3]}\n`, 20_004, `duplicate key ${JSON.stringify(pins.reduce((a, b) => byKey(a, b) <= 0 ? a : b).key)} (first on line 4); keep one line per package`);
    });

    it(`stays fast on adversarial lines`, () => {
      const adversarial = [
        pinsText(`${`a`.repeat(2_000_000)}@ ${I1} -`),
        pinsText(`a@1 ${I1} ${`0`.repeat(2_000_000)}`),
        pinsText(`a@1 ${I1} ${`a`.repeat(2_000_000)}/`),
        pinsText(`a@1 sha512-${`A`.repeat(2_000_000)}== -`),
        pinsText(`a@1 ${` `.repeat(2_000_000)}`),
        `${HEADER_TEXT}${`#\n`.repeat(200_000)}x\n`,
      ];
      const start = process.hrtime.bigint();
      for (const text of adversarial)
        assert.throws(() => parsePins(text, FILE), PinsFileError);
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      assert.ok(elapsedMs < 5000, `parsing took ${elapsedMs.toFixed(0)} ms`);
    });
  });
});

describe(`serializePins`, () => {
  describe(`when there are no pins`, () => {
    it(`writes the header alone`, () => {
      assert.equal(serializePins(emptyPins()), HEADER_TEXT);
    });
  });

  describe(`when given pins`, () => {
    it(`writes one line per pin in key order, "-" for an unknown checksum, and a final newline`, () => {
      assert.equal(serializePins(pinsOf(TARBALL, LEFT_PAD, SCOPED)), EXAMPLE);
      assert.ok(EXAMPLE.endsWith(`-\n${LINE_TARBALL}\n`) && !EXAMPLE.endsWith(`\n\n`));
    });

    it(`sorts keys by code unit, not by locale`, () => {
      const keys = [`~x@1`, `abc@1`, `Zlib@1`, `@z/a@1`, `\u00e9t\u00e9@1`, `a@10`, `a@9`, `a-b@1`, `a.b@1`, `\u{1F600}x@1`, `\uFF21x@1`];
      const text = serializePins(pinsOf(...keys.map((key, index) => ({key, integrity: integrity(index), archiveChecksum: null}))));
      assert.deepEqual(text.split(`\n`).slice(3, -1).map(line => line.split(` `)[0]),
        [`@z/a@1`, `Zlib@1`, `a-b@1`, `a.b@1`, `a@10`, `a@9`, `abc@1`, `~x@1`, `\u00e9t\u00e9@1`, `\u{1F600}x@1`, `\uFF21x@1`]);
    });

    it(`does not depend on the order of the map`, () => {
      const pins = generatePins(200, 3);
      assert.equal(serializePins(pinsOf(...pins)), serializePins(pinsOf(...[...pins].reverse())));
      assert.equal(serializePins(pinsOf(...pins)), serializePins(pinsOf(...[...pins].sort(byKey))));
    });

    it(`reads back as the same pins`, () => {
      for (const seed of [1, 2, 3]) {
        const pins = pinsOf(...generatePins(500, seed));
        const parsed = parsePins(serializePins(pins), FILE);
        assert.deepEqual(parsed, pins);
        assert.deepEqual(listed(parsed), [...pins.entries.entries()].sort(([a], [b]) => a < b ? -1 : 1));
      }
    });

    it(`leaves its input untouched`, () => {
      const pins = freezePins(pinsOf(TARBALL, LEFT_PAD, SCOPED));
      const before = snapshot(pins);
      serializePins(pins);
      assert.equal(snapshot(pins), before);
      assert.deepEqual([...pins.entries.keys()], [TARBALL.key, LEFT_PAD.key, SCOPED.key]);
    });

    it(`writes 20,000 pins without a blow-up (timing claims live in tests/bench)`, () => {
      const pins = pinsOf(...generatePins(20_000, 5));
      const start = process.hrtime.bigint();
      const text = serializePins(pins);
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      assert.ok(elapsedMs < 5000, `serializing took ${elapsedMs.toFixed(0)} ms`);
      assert.equal(text.split(`\n`).length, 20_000 + 3 + 1);
    });
  });

  describe(`when a pin could not be read back`, () => {
    it(`refuses a key with whitespace, at the line it would have`, () => {
      assertWriteRefused(pinsOf(SCOPED, {...LEFT_PAD, key: `left pad@1.3.0`}, TARBALL), 5,
        `invalid key "left pad@1.3.0": it contains whitespace; expected "name@version" for a registry package or a Yarn locator`);
    });

    it(`refuses a key with a control character`, () => {
      assertWriteRefused(pinsOf({...LEFT_PAD, key: `a@1\u0000`}), 4,
        `invalid key "a@1\\u0000": it contains a control character; expected "name@version" for a registry package or a Yarn locator`);
    });

    it(`refuses a key that would read as a comment`, () => {
      assertWriteRefused(pinsOf(SCOPED, {...LEFT_PAD, key: `#x@1`}), 4,
        `invalid key "#x@1": it starts with "#", which would make its line a comment; expected "name@version" for a registry package or a Yarn locator`);
    });

    it(`refuses a key without a version`, () => {
      assertWriteRefused(pinsOf({...LEFT_PAD, key: `left-pad`}), 4,
        `invalid key "left-pad": it has no "@" after its first character; expected "name@version" for a registry package or a Yarn locator`);
    });

    it(`refuses an invalid integrity`, () => {
      assertWriteRefused(pinsOf(SCOPED, {...TARBALL, integrity: `sha512-abc`}), 5,
        `invalid integrity "sha512-abc" for "tarball@https://example.com/t.tgz": its base64 part has 3 characters instead of 88; expected "sha512-" followed by the base64 of a 64-byte digest (88 characters ending in "==")`);
    });

    it(`refuses "-" as a checksum, which would read back as null`, () => {
      assertWriteRefused(pinsOf({...LEFT_PAD, archiveChecksum: `-`}), 4,
        `invalid archive checksum "-" for "left-pad@1.3.0": an unknown checksum is null in a pin; "-" only stands for it in the file`);
    });

    it(`refuses an invalid checksum`, () => {
      assertWriteRefused(pinsOf({...LEFT_PAD, archiveChecksum: `10c0/abc`}), 4,
        `invalid archive checksum "10c0/abc" for "left-pad@1.3.0": the hash is not 128 hex digits; expected "-" (unknown), "<cacheKey>/<128 lowercase hex digits>" or the 128 hex digits alone`);
    });

    it(`refuses a pin stored under another key`, () => {
      assertWriteRefused({entries: new Map([[SCOPED.key, SCOPED], [`zzz@1`, LEFT_PAD]])}, 5,
        `the pin stored under "zzz@1" has the key "left-pad@1.3.0"`);
    });
  });
});

describe(`pinProblem`, () => {
  describe(`when the pin is valid`, () => {
    it(`returns null`, () => {
      for (const pin of [SCOPED, LEFT_PAD, TARBALL, {key: `a@b`, integrity: I1, archiveChecksum: H1}])
        assert.equal(pinProblem(pin), null);
    });
  });

  describe(`when the pin is invalid`, () => {
    it(`reports the first problem, key before integrity before checksum`, () => {
      assert.equal(pinProblem({key: `x`, integrity: `y`, archiveChecksum: `z`}),
        `invalid key "x": it is shorter than 3 characters; expected "name@version" for a registry package or a Yarn locator`);
      assert.equal(pinProblem({key: `x@1`, integrity: `y`, archiveChecksum: `z`}),
        `invalid integrity "y" for "x@1": it does not start with "sha512-"; expected "sha512-" followed by the base64 of a 64-byte digest (88 characters ending in "==")`);
      assert.equal(pinProblem({key: `x@1`, integrity: I1, archiveChecksum: `z`}),
        `invalid archive checksum "z" for "x@1": the hash is not 128 hex digits; expected "-" (unknown), "<cacheKey>/<128 lowercase hex digits>" or the 128 hex digits alone`);
    });
  });
});

describe(`PinsFileError`, () => {
  describe(`when constructed without a line`, () => {
    it(`prefixes the file alone`, () => {
      const error = new PinsFileError(`p.txt`, `broken`);
      assert.equal(error.message, `p.txt: broken`);
      assert.equal(error.line, undefined);
      assert.ok(error instanceof Error);
    });
  });

  describe(`when constructed with a line`, () => {
    it(`prefixes the file and line`, () => {
      const error = new PinsFileError(`p.txt`, `broken`, 12);
      assert.deepEqual({message: error.message, file: error.file, line: error.line, reason: error.reason}, {message: `p.txt:12: broken`, file: `p.txt`, line: 12, reason: `broken`});
    });
  });
});

describe(`emptyPins`, () => {
  describe(`when called twice`, () => {
    it(`returns independent empty pins`, () => {
      const first = emptyPins();
      const second = emptyPins();
      assert.equal(first.entries.size, 0);
      assert.notEqual(first.entries, second.entries);
      (first.entries as Map<string, Pin>).set(LEFT_PAD.key, LEFT_PAD);
      assert.equal(second.entries.size, 0);
    });
  });
});

describe(`registryPinKey`, () => {
  describe(`when given a name and a version`, () => {
    it(`joins them with "@"`, () => {
      assert.equal(registryPinKey(`left-pad`, `1.3.0`), `left-pad@1.3.0`);
      assert.equal(registryPinKey(`@scope/name`, `1.0.0-rc.1+build.5`), `@scope/name@1.0.0-rc.1+build.5`);
    });

    it(`makes keys that the file accepts`, () => {
      const key = registryPinKey(`@scope/name`, `1.0.0`);
      assert.equal(parsePins(serializePins(withPin(emptyPins(), {key, integrity: I1, archiveChecksum: null})), FILE).entries.get(key)?.key, key);
    });
  });
});

describe(`withPin`, () => {
  describe(`when the key is new`, () => {
    it(`adds the pin in key order, leaving the input untouched`, () => {
      const pins = freezePins(pinsOf(SCOPED, TARBALL));
      const before = snapshot(pins);
      const updated = withPin(pins, LEFT_PAD);
      assert.deepEqual([...updated.entries.keys()], [SCOPED.key, LEFT_PAD.key, TARBALL.key]);
      assert.deepEqual(updated.entries.get(LEFT_PAD.key), LEFT_PAD);
      assert.equal(snapshot(pins), before);
      assert.notEqual(updated.entries, pins.entries);
    });

    it(`adds it first or last when that is its place`, () => {
      assert.deepEqual([...withPin(pinsOf(LEFT_PAD, TARBALL), SCOPED).entries.keys()], [SCOPED.key, LEFT_PAD.key, TARBALL.key]);
      assert.deepEqual([...withPin(pinsOf(SCOPED, LEFT_PAD), TARBALL).entries.keys()], [SCOPED.key, LEFT_PAD.key, TARBALL.key]);
      assert.deepEqual([...withPin(emptyPins(), TARBALL).entries.keys()], [TARBALL.key]);
    });

    it(`keeps every pin of a map that is not in key order`, () => {
      const updated = withPin(pinsOf(TARBALL, SCOPED), LEFT_PAD);
      assert.deepEqual([...updated.entries.keys()].sort(), [SCOPED.key, LEFT_PAD.key, TARBALL.key]);
      assert.equal(serializePins(updated), EXAMPLE);
    });
  });

  describe(`when the key is already pinned`, () => {
    it(`replaces the pin in place, leaving the input untouched`, () => {
      const pins = freezePins(pinsOf(SCOPED, LEFT_PAD, TARBALL));
      const before = snapshot(pins);
      const replacement: Pin = {key: LEFT_PAD.key, integrity: I3, archiveChecksum: `10c0/${H2}`};
      const updated = withPin(pins, replacement);
      assert.deepEqual(listed(updated), [[SCOPED.key, SCOPED], [LEFT_PAD.key, replacement], [TARBALL.key, TARBALL]]);
      assert.equal(snapshot(pins), before);
    });

    it(`replaces it in a map that is not in key order without duplicating it`, () => {
      const replacement: Pin = {key: LEFT_PAD.key, integrity: I1, archiveChecksum: null};
      const updated = withPin(pinsOf(TARBALL, SCOPED, LEFT_PAD), replacement);
      assert.deepEqual(listed(updated), [[TARBALL.key, TARBALL], [SCOPED.key, SCOPED], [LEFT_PAD.key, replacement]]);
    });
  });

  describe(`when the caller changes its pin object afterwards`, () => {
    it(`is not affected`, () => {
      const pin: Pin = {...LEFT_PAD};
      const updated = withPin(emptyPins(), pin);
      pin.integrity = I3;
      assert.equal(updated.entries.get(LEFT_PAD.key)?.integrity, I2);
    });
  });
});

describe(`withPins`, () => {
  describe(`when given several pins`, () => {
    it(`adds and replaces them in one copy, the last of a key winning, leaving the input untouched`, () => {
      const pins = freezePins(pinsOf(TARBALL, SCOPED));
      const before = snapshot(pins);
      const newer: Pin = {...SCOPED, archiveChecksum: null};
      const updated = withPins(pins, [LEFT_PAD, {...SCOPED, integrity: I3}, newer]);
      assert.deepEqual(listed(updated), [[SCOPED.key, newer], [LEFT_PAD.key, LEFT_PAD], [TARBALL.key, TARBALL]]);
      assert.equal(snapshot(pins), before);
    });

    it(`records 20,000 pins without a blow-up (timing claims live in tests/bench)`, () => {
      const pins = generatePins(20_000, 11);
      const start = process.hrtime.bigint();
      const updated = withPins(emptyPins(), pins);
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      assert.ok(elapsedMs < 5000, `recording took ${elapsedMs.toFixed(0)} ms`);
      assert.deepEqual([...updated.entries.values()], [...pins].sort(byKey));
    });
  });

  describe(`when given no pins`, () => {
    it(`returns equal pins in a new map`, () => {
      const pins = pinsOf(SCOPED);
      const updated = withPins(pins, []);
      assert.deepEqual(listed(updated), listed(pins));
      assert.notEqual(updated.entries, pins.entries);
    });
  });
});

describe(`prunePins`, () => {
  describe(`when some keys are no longer live`, () => {
    it(`keeps only the live ones, in order, leaving the input untouched`, () => {
      const pins = freezePins(pinsOf(SCOPED, LEFT_PAD, TARBALL));
      const before = snapshot(pins);
      const pruned = prunePins(pins, new Set([TARBALL.key, SCOPED.key, `not-pinned@1.0.0`]));
      assert.deepEqual(listed(pruned), [[SCOPED.key, SCOPED], [TARBALL.key, TARBALL]]);
      assert.equal(snapshot(pins), before);
    });
  });

  describe(`when nothing is live`, () => {
    it(`returns no pins`, () => {
      assert.equal(prunePins(pinsOf(SCOPED, LEFT_PAD), new Set()).entries.size, 0);
    });
  });

  describe(`when everything is live`, () => {
    it(`returns equal pins in a new map`, () => {
      const pins = pinsOf(SCOPED, LEFT_PAD);
      const pruned = prunePins(pins, new Set([SCOPED.key, LEFT_PAD.key]));
      assert.deepEqual(listed(pruned), listed(pins));
      assert.notEqual(pruned.entries, pins.entries);
    });
  });

  describe(`when a live key differs only in case or by a locator prefix`, () => {
    it(`does not keep the pin`, () => {
      assert.equal(prunePins(pinsOf(LEFT_PAD), new Set([`Left-pad@1.3.0`, `left-pad@npm:1.3.0`])).entries.size, 0);
    });
  });
});

describe(`diffPins`, () => {
  const noChanges: PinChanges = {added: [], changed: [], removed: []};

  describe(`when nothing changed`, () => {
    it(`returns empty lists`, () => {
      const changes = diffPins(pinsOf(SCOPED, LEFT_PAD), pinsOf(LEFT_PAD, {...SCOPED}));
      assert.deepEqual(changes, noChanges);
      assert.equal(hasChanges(changes), false);
    });
  });

  describe(`when pins were added, changed and removed`, () => {
    it(`lists each kind sorted by key, whatever the map order`, () => {
      const a1: Pin = {key: `a@1`, integrity: I1, archiveChecksum: null};
      const b1: Pin = {key: `b@1`, integrity: I1, archiveChecksum: null};
      const c1: Pin = {key: `c@1`, integrity: I1, archiveChecksum: H1};
      const d1: Pin = {key: `d@1`, integrity: I1, archiveChecksum: H1};
      const before = freezePins(pinsOf(d1, LEFT_PAD, c1, SCOPED, b1));
      const after = freezePins(pinsOf(
        {...d1, archiveChecksum: `10c0/${H1}`},
        TARBALL,
        {...c1, integrity: I2},
        a1,
        {...b1},
      ));
      const snapshots = [snapshot(before), snapshot(after)];

      const changes = diffPins(before, after);
      assert.deepEqual(changes, {
        added: [a1, TARBALL],
        changed: [
          {before: c1, after: {...c1, integrity: I2}},
          {before: d1, after: {...d1, archiveChecksum: `10c0/${H1}`}},
        ],
        removed: [SCOPED, LEFT_PAD],
      });
      assert.equal(hasChanges(changes), true);
      assert.deepEqual([snapshot(before), snapshot(after)], snapshots);
    });

    it(`counts a checksum becoming known or unknown as a change`, () => {
      const known: Pin = {...LEFT_PAD, archiveChecksum: `10c0/${H2}`};
      assert.deepEqual(diffPins(pinsOf(LEFT_PAD), pinsOf(known)).changed, [{before: LEFT_PAD, after: known}]);
      assert.deepEqual(diffPins(pinsOf(known), pinsOf(LEFT_PAD)).changed, [{before: known, after: LEFT_PAD}]);
    });

    it(`sorts by code unit`, () => {
      const keys = [`abc@1`, `Zlib@1`, `~x@1`, `@s/a@1`];
      const pins = keys.map((key, index) => ({key, integrity: integrity(index), archiveChecksum: null}));
      assert.deepEqual(diffPins(emptyPins(), pinsOf(...pins)).added.map(pin => pin.key), [`@s/a@1`, `Zlib@1`, `abc@1`, `~x@1`]);
      assert.deepEqual(diffPins(pinsOf(...pins), emptyPins()).removed.map(pin => pin.key), [`@s/a@1`, `Zlib@1`, `abc@1`, `~x@1`]);
    });
  });

  describe(`when the caller changes the returned pins`, () => {
    it(`leaves the compared pins alone`, () => {
      const before = pinsOf(SCOPED);
      const after = pinsOf({...SCOPED, integrity: I2}, LEFT_PAD);
      const changes = diffPins(before, after);
      changes.added[0].integrity = I3;
      changes.changed[0].before.integrity = I3;
      changes.changed[0].after.integrity = I3;
      assert.equal(before.entries.get(SCOPED.key)?.integrity, I1);
      assert.equal(after.entries.get(SCOPED.key)?.integrity, I2);
      assert.equal(after.entries.get(LEFT_PAD.key)?.integrity, I2);
    });
  });

  describe(`when the file is large`, () => {
    it(`compares 20,000 pins without a blow-up (timing claims live in tests/bench)`, () => {
      const pins = generatePins(20_000, 13);
      const before = pinsOf(...pins);
      const after = withPin(prunePins(before, new Set(pins.slice(1).map(pin => pin.key))), {...pins[2], integrity: I1});
      const start = process.hrtime.bigint();
      const changes = diffPins(before, after);
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      assert.ok(elapsedMs < 5000, `comparing took ${elapsedMs.toFixed(0)} ms`);
      assert.deepEqual(changes, {added: [], changed: [{before: pins[2], after: {...pins[2], integrity: I1}}], removed: [pins[0]]});
    });
  });
});

describe(`hasChanges`, () => {
  describe(`when any one list is non-empty`, () => {
    it(`returns true`, () => {
      assert.equal(hasChanges({added: [LEFT_PAD], changed: [], removed: []}), true);
      assert.equal(hasChanges({added: [], changed: [{before: LEFT_PAD, after: LEFT_PAD}], removed: []}), true);
      assert.equal(hasChanges({added: [], changed: [], removed: [LEFT_PAD]}), true);
    });
  });

  describe(`when every list is empty`, () => {
    it(`returns false`, () => {
      assert.equal(hasChanges({added: [], changed: [], removed: []}), false);
    });
  });
});

describe(`checkArchiveChecksums`, () => {
  const entry = (key: string, checksum: string | null): ArchiveEntry => ({key, label: `${key} (locator)`, checksum});
  const pinned = (key: string, archiveChecksum: string | null): Pin => ({key, integrity: I1, archiveChecksum});

  describe(`when the lockfile checksum equals the pinned one`, () => {
    it(`finds nothing`, () => {
      const pins = pinsOf(pinned(`a@1`, `10c0/${H1}`), pinned(`b@1`, H2));
      assert.deepEqual(checkArchiveChecksums([entry(`a@1`, `10c0/${H1}`), entry(`b@1`, H2)], pins), []);
    });
  });

  describe(`when they differ under the same cache key`, () => {
    it(`reports each mismatch in entry order, with the pinned value as expected`, () => {
      const pins = pinsOf(pinned(`a@1`, `10c0/${H1}`), pinned(`b@1`, `10c0/${H2}`), pinned(`c@1`, H3));
      const findings = checkArchiveChecksums([entry(`c@1`, H1), entry(`b@1`, `10c0/${H2}`), entry(`a@1`, `10c0/${H3}`)], pins);
      assert.deepEqual(findings, [
        {key: `c@1`, label: `c@1 (locator)`, expected: H3, found: H1},
        {key: `a@1`, label: `a@1 (locator)`, expected: `10c0/${H1}`, found: `10c0/${H3}`},
      ]);
    });

    it(`compares the hash exactly, case included`, () => {
      const pins = pinsOf(pinned(`a@1`, `10c0/${H1}`));
      assert.deepEqual(checkArchiveChecksums([entry(`a@1`, `10c0/${H1.toUpperCase()}`)], pins),
        [{key: `a@1`, label: `a@1 (locator)`, expected: `10c0/${H1}`, found: `10c0/${H1.toUpperCase()}`}]);
    });

    it(`reports a malformed lockfile checksum under the same cache key`, () => {
      const pins = pinsOf(pinned(`a@1`, `10c0/${H1}`));
      assert.deepEqual(checkArchiveChecksums([entry(`a@1`, `10c0/oops`)], pins),
        [{key: `a@1`, label: `a@1 (locator)`, expected: `10c0/${H1}`, found: `10c0/oops`}]);
    });
  });

  describe(`when the cache keys differ`, () => {
    it(`finds nothing, leaving re-verification to the caller`, () => {
      const pins = pinsOf(pinned(`a@1`, `10c0/${H1}`), pinned(`b@1`, H2), pinned(`c@1`, `10c0/${H3}`));
      const entries = [
        entry(`a@1`, `10c9/${H2}`),
        entry(`b@1`, `10c0/${H1}`),
        entry(`c@1`, H1),
      ];
      assert.deepEqual(checkArchiveChecksums(entries, pins), []);
    });

    it(`splits at the first "/"`, () => {
      const pins = pinsOf(pinned(`a@1`, `10c0/${H1}`));
      assert.deepEqual(checkArchiveChecksums([entry(`a@1`, `10c0/x/${H1}`)], pins),
        [{key: `a@1`, label: `a@1 (locator)`, expected: `10c0/${H1}`, found: `10c0/x/${H1}`}]);
      assert.deepEqual(checkArchiveChecksums([entry(`a@1`, `10/c0/${H1}`)], pins), []);
    });
  });

  describe(`when either checksum is unknown`, () => {
    it(`finds nothing`, () => {
      const pins = pinsOf(pinned(`a@1`, null), pinned(`b@1`, `10c0/${H1}`));
      assert.deepEqual(checkArchiveChecksums([entry(`a@1`, `10c0/${H1}`), entry(`b@1`, null), entry(`a@1`, null)], pins), []);
    });
  });

  describe(`when a package has no pin`, () => {
    it(`finds nothing for it`, () => {
      const pins = pinsOf(pinned(`a@1`, `10c0/${H1}`));
      assert.deepEqual(checkArchiveChecksums([entry(`z@1`, `10c0/${H2}`), entry(`A@1`, `10c0/${H2}`)], pins), []);
      assert.deepEqual(checkArchiveChecksums([entry(`a@1`, `10c0/${H2}`)], emptyPins()), []);
    });
  });

  describe(`when there are no entries`, () => {
    it(`finds nothing`, () => {
      assert.deepEqual(checkArchiveChecksums([], pinsOf(pinned(`a@1`, `10c0/${H1}`))), []);
    });
  });

  describe(`when the inputs are frozen`, () => {
    it(`reads them without changing them`, () => {
      const pins = freezePins(pinsOf(pinned(`a@1`, `10c0/${H1}`)));
      const entries = Object.freeze([Object.freeze(entry(`a@1`, `10c0/${H2}`))]);
      const before = snapshot(pins);
      assert.equal(checkArchiveChecksums(entries, pins).length, 1);
      assert.equal(snapshot(pins), before);
      assert.deepEqual(entries, [entry(`a@1`, `10c0/${H2}`)]);
    });
  });
});

describe(`archiveChecksumsFor`, () => {
  const H1 = `1`.repeat(128);
  const H2 = `2`.repeat(128);
  const pinned = (key: string, archiveChecksum: string | null): Pin => ({key, integrity: `sha512-${`A`.repeat(86)}==`, archiveChecksum});
  const pinsOf = (...pins: Pin[]): Pins => withPins(emptyPins(), pins);

  describe(`when pins were written under the current cache key`, () => {
    it(`vouches for their archive checksums, by pin key`, () => {
      const pins = pinsOf(pinned(`a@1.0.0`, `10c0/${H1}`), pinned(`@s/b@2.0.0`, `10c0/${H2}`));
      assert.deepEqual(archiveChecksumsFor(pins, `10c0`), new Map([[`@s/b@2.0.0`, `10c0/${H2}`], [`a@1.0.0`, `10c0/${H1}`]]));
    });
  });

  describe(`when a pin was written under another cache key`, () => {
    it(`vouches for nothing: it describes another archive`, () => {
      const pins = pinsOf(pinned(`a@1.0.0`, `9c0/${H1}`), pinned(`b@1.0.0`, H2), pinned(`c@1.0.0`, `10c0/${H1}`));
      assert.deepEqual([...archiveChecksumsFor(pins, `10c0`).keys()], [`c@1.0.0`]);
      assert.deepEqual([...archiveChecksumsFor(pins, `10`).keys()], []);
    });
  });

  describe(`when a pin has no archive checksum`, () => {
    it(`vouches for nothing (platform-specific packages, whose archives Yarn never checks)`, () => {
      assert.deepEqual(archiveChecksumsFor(pinsOf(pinned(`@esbuild/linux-x64@0.19.2`, null)), `10c0`), new Map());
    });
  });
});

describe(`archiveChecksum`, () => {
  it(`writes the cache key and the hash the way yarn.lock does`, () => {
    assert.equal(archiveChecksum(`10c0`, `ab`.repeat(64)), `10c0/${`ab`.repeat(64)}`);
  });
});

describe(`readEntry's single match`, () => {
  // The one-match reading of a well-formed line must accept exactly what the
  // step-by-step checks accept, with the same fields: every line below (each
  // valid line with one character replaced, inserted or removed) is read both ways.
  const valid = [LINE_SCOPED, LINE_LEFT_PAD, LINE_TARBALL, `a@1 ${I1} ${H1}`, `@@x ${I2} -`, `@s/n@npm:1 ${I3} 8/${H3}`];
  const alphabet = [` `, `\t`, `@`, `#`, `/`, `-`, `=`, `A`, `Q`, `B`, `g`, `w`, `f`, `F`, `0`, `:`, `\u0000`, `\u007f`, `\u0085`, `\u00a0`, `\u2028`, `\ufeff`, `é`];
  const variants = new Set<string>(valid);
  for (const line of valid) {
    for (let at = 0; at <= line.length; at++) {
      variants.add(line.slice(0, at) + line.slice(at + 1));
      for (const char of alphabet) {
        variants.add(line.slice(0, at) + char + line.slice(at + 1));
        variants.add(line.slice(0, at) + char + line.slice(at));
      }
    }
  }
  variants.add(`<<<<<<< a@1 ${I1} -`);
  variants.add(`======= ${I1} -`);

  it(`agrees with the step-by-step checks on ${variants.size} lines, accepting some and refusing others`, () => {
    let accepted = 0;
    for (const line of variants) {
      const quick = readEntry(line);
      assert.deepEqual(quick, readEntryStepByStep(line), JSON.stringify(line));
      if (typeof quick !== `string`)
        accepted++;
    }
    assert.ok(accepted > 100 && accepted < variants.size - 100, `${accepted} of ${variants.size} accepted`);
  });
});
