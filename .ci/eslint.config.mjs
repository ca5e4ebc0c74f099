// ESLint for sources/ and tests/ (run from the repository root: `yarn lint`). It lives in .ci/ because the
// repository's top level is fixed; paths below are relative to the repository root.
//
// Conventions follow the Yarn codebase (yarnpkg/berry's @yarnpkg/eslint-config): backtick strings, trailing
// commas in multiline literals, semicolons, two-space indent, `{a}` without inner spaces, arrow parameters
// without parentheses when there is one, no default export except Clipanion commands and the plugin itself.
// Two rules keep the layout honest: no import cycles, and nothing under a `policy/` folder touches Yarn or I/O.

import stylistic from '@stylistic/eslint-plugin';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** One folder per check under sources/; sources/core is what they share. */
const CHECKS = [`installScripts`, `checksums`, `confusion`, `releaseTrust`, `knownMalware`];
const WIRING = [`./sources/hooks.ts`, `./sources/index.ts`, `./sources/commands`];

function checkZones() {
  const zones = CHECKS.map(check => ({
    target: `./sources/${check}`,
    from: [...CHECKS.filter(other => other !== check).map(other => `./sources/${other}`), ...WIRING],
    message: `checks do not import each other: order them in sources/hooks.ts, share through sources/core.`,
  }));
  zones.push({target: `./sources/core`, from: [...CHECKS.map(check => `./sources/${check}`), ...WIRING], message: `sources/core is shared by the checks and imports none of them.`});
  return zones;
}

export default tseslint.config(
  {
    ignores: [`build/**`, `bundles/**`, `.yarn/**`, `node_modules/**`, `tests/unit/fixtures/**`, `tests/e2e/fixtures/**`],
  },
  {
    files: [`sources/**/*.ts`, `tests/**/*.ts`],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: {ecmaVersion: 2022, sourceType: `module`},
    },
    plugins: {
      '@stylistic': stylistic,
      'import-x': importX,
    },
    settings: {
      'import-x/resolver': {node: {extensions: [`.ts`, `.js`]}},
      'import-x/extensions': [`.ts`, `.js`],
    },
    rules: {
      // Layout: no cycles (type-only imports included), one import per module.
      'import-x/no-cycle': [`error`, {ignoreExternal: true}],
      'import-x/no-duplicates': `error`,
      'import-x/first': `error`,
      'import-x/newline-after-import': `error`,
      'import-x/no-default-export': `error`,
      // Checks never import each other, nor the wiring that orders them; core imports no check.
      'import-x/no-restricted-paths': [`error`, {zones: checkZones()}],

      // Correctness.
      'eqeqeq': [`error`, `always`, {null: `ignore`}],
      'no-empty': [`error`, {allowEmptyCatch: false}],
      'no-var': `error`,
      'prefer-const': `error`,
      'no-throw-literal': `error`,
      '@typescript-eslint/no-explicit-any': `error`,
      '@typescript-eslint/no-non-null-asserted-optional-chain': `error`,
      '@typescript-eslint/prefer-as-const': `error`,
      '@typescript-eslint/consistent-type-assertions': [`error`, {assertionStyle: `as`}],

      // Formatting, as in the Yarn codebase.
      '@stylistic/quotes': [`error`, `backtick`],
      '@stylistic/comma-dangle': [`error`, `always-multiline`],
      '@stylistic/semi': [`error`, `always`],
      '@stylistic/indent': [`error`, 2, {SwitchCase: 1, flatTernaryExpressions: true, ignoredNodes: [`TemplateLiteral *`]}],
      '@stylistic/object-curly-spacing': [`error`, `never`],
      '@stylistic/array-bracket-spacing': [`error`, `never`],
      '@stylistic/arrow-parens': [`error`, `as-needed`],
      '@stylistic/space-before-function-paren': [`error`, {anonymous: `never`, named: `never`, asyncArrow: `always`}],
      '@stylistic/keyword-spacing': `error`,
      '@stylistic/space-infix-ops': `error`,
      '@stylistic/comma-spacing': `error`,
      '@stylistic/key-spacing': `error`,
      '@stylistic/no-trailing-spaces': `error`,
      '@stylistic/eol-last': `error`,
      '@stylistic/no-multiple-empty-lines': [`error`, {max: 1, maxBOF: 0, maxEOF: 0}],
      '@stylistic/brace-style': [`error`, `1tbs`, {allowSingleLine: true}],
      '@stylistic/member-delimiter-style': [`error`, {multiline: {delimiter: `semi`}, singleline: {delimiter: `comma`, requireLast: false}}],
    },
  },
  {
    // Clipanion commands and the plugin are default exports, as Yarn loads them.
    files: [`sources/commands/**/*.ts`, `sources/index.ts`],
    rules: {'import-x/no-default-export': `off`},
  },
  {
    // e2e tests navigate JSON printed by Yarn or served by Verdaccio; a wrong shape fails the assertion itself.
    files: [`tests/e2e/**/*.ts`],
    rules: {'@typescript-eslint/no-explicit-any': `off`},
  },
  {
    // Pure decisions: plain data in, findings out. No Yarn, no file system, no network, no processes.
    files: [`sources/*/policy/**/*.ts`],
    rules: {
      'no-restricted-imports': [`error`, {
        patterns: [
          {group: [`@yarnpkg/*`, `clipanion`], message: `policy/ holds pure decisions: Yarn belongs in the check's yarn/ folder.`},
          {group: [`fs`, `fs/*`, `node:fs`, `node:fs/*`, `child_process`, `node:child_process`, `net`, `http`, `https`, `node:net`, `node:http`, `node:https`], message: `policy/ does no I/O: read in the check's yarn/ folder and pass the data in.`},
          {group: [`**/yarn/*`], message: `policy/ must not depend on Yarn wiring.`},
        ],
      }],
    },
  },
);
