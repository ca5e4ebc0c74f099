import assert from 'node:assert/strict';

import {scanCode} from '../../sources/installScripts/policy/fingerprint/code';

function specifiersOf(code: string) {
  return scanCode(code).specifiers;
}

describe(`module references in comments (false limits found on a real monorepo)`, () => {
  describe(`when a JSDoc or line comment says "from \`name\`" (axios 1.21, nx 21)`, () => {
    it(`names no module`, () => {
      const axios = [
        `/**`,
        ` * @param {number} start Timestamp read from \`now\``,
        ` */`,
        `    // RegExp from \`name\` — interpolating an unescaped string into a RegExp would let`,
        `      // A key recorded but absent from \`result\` was skipped by skipUndefined;`,
        `const FormData = require('form-data');`,
      ].join(`\n`);
      assert.deepEqual(specifiersOf(axios), [`form-data`]);
      const nx = ` * Most properties from \`target\` will overwrite any properties from \`baseTarget\`.\n            // Or if a workspace has \`@nx/angular\` installed then projects from \`angular.json\` to be considered by Nx.\n`;
      assert.deepEqual(specifiersOf(nx), []);
    });
  });

  describe(`when ts-node keeps Node's sources as commented-out requires`, () => {
    it(`names no module`, () => {
      const tsNode = [
        `// require("a")`,
        `// const internalFS = require('internal/fs/utils');`,
        `//   require('internal/process/policy') :`,
        `const {versionGteLt} = require('../dist/util');`,
      ].join(`\n`);
      assert.deepEqual(specifiersOf(tsNode), [`../dist/util`]);
    });
  });

  describe(`when TypeScript's diagnostic messages read like imports`, () => {
    it(`names no module for a quoted word before from, or a word before a bare import on its line`, () => {
      const typescript = [
        `  Loading_module_0: diag(6098, 3, "Loading_module", "Loading module '{0}' from 'node_modules' folder, target file types: {1}."),`,
        `  Imported_via: diag(1395, 3, "Imported_via", "Imported via {0} from file '{1}' to import 'importHelpers' as specified in compilerOptions"),`,
      ].join(`\n`);
      assert.deepEqual(specifiersOf(typescript), []);
    });

    it(`still finds imports after a string name, a brace or on a new line`, () => {
      assert.deepEqual(specifiersOf(`export { "a b" as c } from 'named-dep';\nfoo\nimport 'side-effect';\nx;import 'after-semicolon'`), [`named-dep`, `side-effect`, `after-semicolon`]);
    });
  });

  describe(`when real loads share a line with a comment or follow one`, () => {
    it(`still finds them`, () => {
      assert.deepEqual(specifiersOf(`const a = require('a'); // loads a`), [`a`]);
      assert.deepEqual(specifiersOf(`/* c */ require('b')`), [`b`]);
      assert.deepEqual(specifiersOf(`import x from 'esm-dep';\nexport * from "other-dep";`), [`esm-dep`, `other-dep`]);
      assert.deepEqual(specifiersOf(`const m = await import(\`dyn\`)`), [`dyn`]);
    });

    it(`ends a comment at U+2028 and U+2029, as JavaScript does`, () => {
      assert.deepEqual(specifiersOf(`// harmless\u2028require('hidden')`), [`hidden`]);
      assert.deepEqual(specifiersOf(`  // harmless\u2029require('hidden')`), [`hidden`]);
    });

    it(`keeps a name on a comment line with a backslash, whose escape may become a line break in evaluated text`, () => {
      assert.deepEqual(specifiersOf(`eval(\`\n// x\\u2028 require('hidden')\n\`)`), [`hidden`]);
    });

    it(`keeps relative paths found in comments: hashing a file too many costs nothing`, () => {
      assert.deepEqual(specifiersOf(`// require('./legacy.js')\n * from \`./old\``), [`./legacy.js`, `./old`]);
    });

    it(`takes a line whose start is too far back as code`, () => {
      assert.deepEqual(specifiersOf(`// ${`x`.repeat(5000)} require('far')`), [`far`]);
    });
  });
});
