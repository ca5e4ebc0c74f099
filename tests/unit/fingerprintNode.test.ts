import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join, relative, sep} from 'node:path';
import {pathToFileURL} from 'node:url';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';

import {DEPENDENCIES, NODE_FIXTURES, type Contents} from './fixtures/nodePackages';
import {memoryPackage} from './support/memoryPackage';

// Records every file Node loads: require.cache for CommonJS, a load hook for ESM.
const REQUIRE_HOOK = `
const {appendFileSync} = require('node:fs');
process.on('exit', () => {
  appendFileSync(process.env.TRUST_LOADED_LOG, Object.keys(require.cache).join('\\n') + '\\n');
});
`;
const REGISTER_HOOK = `
import {register} from 'node:module';
register('./loader.mjs', import.meta.url);
`;
const LOADER_HOOK = `
import {appendFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:'))
    appendFileSync(process.env.TRUST_LOADED_LOG, fileURLToPath(url) + '\\n');
  return nextLoad(url, context);
}
`;

function writeTree(root: string, contents: Contents): void {
  for (const [path, text] of Object.entries(contents)) {
    mkdirSync(dirname(join(root, path)), {recursive: true});
    writeFileSync(join(root, path), text);
  }
}

/** `node_modules/@s/p/x.js` -> `@s/p`. */
function packageNameOf(pathInNodeModules: string): string {
  const segments = pathInNodeModules.split(sep);
  return segments[0].startsWith(`@`) ? `${segments[0]}/${segments[1]}` : segments[0];
}

function nameOfSpecifier(specifier: string): string {
  const segments = specifier.split(`/`);
  return specifier.startsWith(`@`) ? `${segments[0]}/${segments[1]}` : segments[0];
}

describe(`analyzeInstall compared with Node itself`, function() {
  this.timeout(30_000);

  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), `trust-node-resolution-`));
    writeTree(join(root, `hooks`), {'require.cjs': REQUIRE_HOOK, 'register.mjs': REGISTER_HOOK, 'loader.mjs': LOADER_HOOK});
    for (const [name, contents] of Object.entries(DEPENDENCIES))
      writeTree(join(root, `node_modules`, name), contents);
    for (const fixture of NODE_FIXTURES) {
      writeTree(join(root, `node_modules`, fixture.name), fixture.files);
    }
  });

  after(() => {
    rmSync(root, {recursive: true, force: true});
  });

  const runs = new Map<string, Array<string>>();

  /** Runs `node <entry>` in the installed package (once) and returns the files Node loaded, relative to node_modules. */
  function loadedBy(name: string, entry: string): Array<string> {
    const known = runs.get(name);
    if (known !== undefined)
      return known;
    const log = join(root, `${name}.log`);
    writeFileSync(log, ``);
    // Through NODE_OPTIONS, the hooks also record what child processes load (`execSync('node x.js')`).
    const hooks = `--require ${JSON.stringify(join(root, `hooks`, `require.cjs`))} --import ${JSON.stringify(pathToFileURL(join(root, `hooks`, `register.mjs`)).href)}`;
    execFileSync(process.execPath, [entry], {
      cwd: join(root, `node_modules`, name),
      env: {PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ``}`, TRUST_LOADED_LOG: log, NODE_OPTIONS: hooks},
      stdio: [`ignore`, `ignore`, `pipe`],
    });
    const modules = join(root, `node_modules`);
    const loaded = readFileSync(log, `utf8`).split(`\n`).filter(line => line.startsWith(modules + sep));
    const files = [...new Set(loaded.map(file => relative(modules, file)))].sort();
    runs.set(name, files);
    return files;
  }

  for (const fixture of NODE_FIXTURES) {
    describe(`when node runs ${fixture.about}`, () => {
      it(`fingerprints every package file Node loads and reports every package it loads from outside`, () => {
        const loaded = loadedBy(fixture.name, fixture.entry);
        const inside = loaded.filter(path => packageNameOf(path) === fixture.name).map(path => relative(fixture.name, path).split(sep).join(`/`));
        const outside = loaded.filter(path => packageNameOf(path) !== fixture.name).map(packageNameOf);
        // The hooks saw the run: at least the entry and one file it loads.
        assert.ok(inside.length >= 2, `Node loaded only ${JSON.stringify(inside)}`);

        const command = `node ${fixture.entry}`;
        const manifest = JSON.parse(fixture.files[`package.json`]) as Record<string, unknown>;
        const analysis = analyzeInstall({commands: {postinstall: command}, manifestScripts: {postinstall: command}, manifest, files: memoryPackage(fixture.files)});

        const missed = inside.filter(path => !Object.prototype.hasOwnProperty.call(analysis.fingerprint.files, path));
        assert.deepEqual(missed, [], `Node loaded files the fingerprint lacks; fingerprint: ${Object.keys(analysis.fingerprint.files).join(`, `)}`);

        const reported = new Set(analysis.modules.map(nameOfSpecifier));
        const unreported = [...new Set(outside)].filter(name => !reported.has(name));
        assert.deepEqual(unreported, [], `Node loaded packages the analysis did not report; modules: ${analysis.modules.join(`, `)}`);
      });
    });
  }

  describe(`when code loads files by a computed name or runs them in a child process`, () => {
    it(`Node loads the files the fixtures expect, so the comparison above covers them`, () => {
      assert.deepEqual(loadedBy(`fx-computed`, `install.js`).filter(path => path.startsWith(`fx-computed`)).map(path => path.split(sep).join(`/`)), [
        `fx-computed/cmds/build.js`, `fx-computed/cmds/clean.js`, `fx-computed/cmds/shared.js`, `fx-computed/install.js`,
      ]);
      assert.deepEqual(loadedBy(`fx-spawn`, `lib/install.js`).map(path => path.split(sep).join(`/`)), [
        `@scope/dep-b/sub.cjs`, `fx-spawn/lib/install.js`, `fx-spawn/tools/x.js`, `fx-spawn/tools/y.js`, `fx-spawn/tools/z.js`,
      ]);
    });
  });

  describe(`when the fixtures are taken together`, () => {
    it(`load files from outside the package at least once, so the module check is not vacuous`, () => {
      const outside = NODE_FIXTURES.flatMap(fixture => loadedBy(fixture.name, fixture.entry).filter(path => packageNameOf(path) !== fixture.name));
      assert.ok(outside.some(path => path.startsWith(`dep-a`)) && outside.some(path => path.startsWith(`@scope`)), outside.join(`, `));
    });
  });
});
