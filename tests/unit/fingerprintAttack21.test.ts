/**
 * Outside attack round 21 (helper-63), on the fixes of round 20: a
 * colon-separated preload list (M1), `${X:+alt}` and globs quoted in part or
 * matching several workspaces (M2: see fingerprintAttack20), a tab inside a
 * file: URL, which the URL parser drops (M3, M4), `require` as tsx's JSX
 * factory (M5, M6), and OpenSSL's configuration, whose providers are shared
 * objects (M7).
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {projectRelativePaths} from '../../sources/installScripts/policy/environmentPaths';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string>) {
  const manifest = {name: `app`, private: true, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`ok.js`]: ``, ...files}), workspaceFolders: [], projectFolder: ``});
}

describe(`outside attack round 21`, () => {
  for (const value of [`/nonexistent.so:./node_modules/zqh/x.so`, `./node_modules/zqh/x.so;/b.so`]) {
    it(`M1: LD_PRELOAD=${value}: each entry of the list is followed`, () => {
      assert.deepEqual(analysed(`env LD_PRELOAD=${value} node ok.js`, {}).dependencyFiles, [`zqh/x.so`]);
    });
  }

  it(`M1: a URL's colon is no list`, () => {
    assert.deepEqual(analysed(`env ZQ_URL=https://example.com/node_modules/zqh/x node ok.js`, {}).dependencyFiles, []);
  });

  for (const escape of [`\\t`, `\\n`, `\\r`]) {
    it(`M3: import 'file:///proc/self/cwd/node_mod${escape}ules/zqh/index.js' loads zqh's file, as the URL parser drops the ${escape}`, () => {
      assert.deepEqual(analysed(`node x.mjs`, {[`x.mjs`]: `import 'file:///proc/self/cwd/node_mod${escape}ules/zqh/index.js';\n`}).dependencyFiles, [`zqh/index.js`]);
    });
  }

  it(`M4: a tab inside a file: URL of an environment file's value is dropped, as Node's URL parser does`, () => {
    assert.deepEqual(projectRelativePaths(`--import=file:///work/app/node_mod\tules/zqh/index.js`, `/work/app`, path => path), {value: `--import=./node_modules/zqh/index.js`});
  });

  it(`M4: NODE_OPTIONS is split at spaces only, as Node splits it`, () => {
    assert.deepEqual(analysed(`env NODE_OPTIONS='--import=file:///proc/self/cwd/node_mod\tules/zqh/index.js' node ok.js`, {}).dependencyFiles, [`zqh/index.js`]);
  });

  for (const [label, files] of [
    [`the pragma @jsx require`, {[`x.tsx`]: `/** @jsx require */\nconst a = <zq-dep />;\n`}],
    [`the pragma naming an alias of require`, {[`x.tsx`]: `const r = require;\n/** @jsx r */\nconst a = <zq-dep></zq-dep>;\n`}],
    [`tsconfig's jsxFactory "require"`, {[`x.tsx`]: `const a = <zq-dep/>;\n`, [`tsconfig.json`]: JSON.stringify({compilerOptions: {jsxFactory: `require`}})}],
    [`tsconfig's jsxFactory "module.require", in the configuration it extends`, {[`x.tsx`]: `const a = <zq-dep/>;\n`, [`tsconfig.json`]: JSON.stringify({extends: `./base.json`}), [`base.json`]: JSON.stringify({compilerOptions: {jsxFactory: `module.require`}})}],
  ] as Array<[string, Record<string, string>]>) {
    it(`M5, M6: tsx under ${label} loads zq-dep, the element <zq-dep/> compiled into a call of the factory`, () => {
      assert.ok(analysed(`tsx x.tsx`, files).modules.includes(`zq-dep`), label);
    });
  }

  it(`M5: React's factory loads nothing`, () => {
    assert.deepEqual(analysed(`tsx x.tsx`, {[`x.tsx`]: `const a = <zq-dep />;\n`}).modules, []);
  });

  for (const postinstall of [`node --openssl-config=ssl.cnf ok.js`, `node --openssl-config ssl.cnf ok.js`, `env OPENSSL_CONF=ssl.cnf node ok.js`]) {
    it(`M7: ${postinstall}: the providers the OpenSSL configuration loads are followed, and it is bound`, () => {
      const analysis = analysed(postinstall, {[`ssl.cnf`]: `openssl_conf = init\n[init]\nproviders = p\n[p]\nzq = zqs\n[zqs]\nmodule = ./node_modules/zqh/x.so # the provider\nactivate = 1\n.include inc.cnf\n`, [`inc.cnf`]: `[e]\ndynamic_path = node_modules/zqe/e.so\n`});
      assert.deepEqual(analysis.dependencyFiles, [`zqe/e.so`, `zqh/x.so`]);
      assert.ok(Object.keys(analysis.fingerprint.files ?? {}).includes(`ssl.cnf`), JSON.stringify(Object.keys(analysis.fingerprint.files ?? {})));
    });
  }

  for (const postinstall of [`env OPENSSL_CONF=ssl.cnf node ok.js`, `node --openssl-config=ssl.cnf ok.js`]) {
    for (const module of [`/home/me/app/node_modules/zqh/x.so`, `/proc/self/cwd/node_modules/zqh/x.so`, `\${D}/x.so`]) {
      it(`M7: ${postinstall}, whose provider is ${module}, is refused, in your own scripts too`, () => {
        assert.throws(() => analysed(postinstall, {[`ssl.cnf`]: `[p]\nmodule = ${module}\n`}), /OpenSSL loads/);
      });
    }
  }

  for (const value of [`/dev/null`, `/etc/ssl/openssl.cnf`]) {
    it(`M7: OPENSSL_CONF=${value}, the system's, is neither refused nor named`, () => {
      const analysis = analysed(`env OPENSSL_CONF=${value} node ok.js`, {});
      assert.deepEqual([analysis.unresolved, analysis.foreignRuns, analysis.dependencyFiles], [[], [], []]);
    });
  }

  it(`M7: OPENSSL_CONF naming a file the package does not have is named`, () => {
    assert.ok(analysed(`env OPENSSL_CONF=missing.cnf node ok.js`, {}).unresolved.some(line => line.includes(`is an OpenSSL configuration outside the package or not in it`)));
  });

  for (const postinstall of [`env NODE_OPTIONS=--snapshot-blob=snap.blob node ok.js`, `env NODE_OPTIONS='--snapshot-blob snap.blob' node ok.js`, `node --snapshot-blob snap.blob ok.js`]) {
    it(`round 22 (M2): ${postinstall}, a V8 startup snapshot whose main function runs instead of the script, is refused`, () => {
      assert.throws(() => analysed(postinstall, {[`snap.blob`]: `\u0000blob`}), /runs a V8 startup snapshot instead of the script/);
    });
  }
});
