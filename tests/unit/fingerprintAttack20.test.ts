/**
 * Outside attack round 20 (helper-62): a glob in `cd`'s operand, which Yarn's
 * shell expands, entered a workspace unfollowed (M4); tsx with `baseUrl: "."`
 * loaded `import 'node_modules/dep/x.js'` as the dependency's file, which the
 * scan took for a package named node_modules (M5).
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {INLINE_COMMAND} from '../../sources/installScripts/policy/fingerprint/packageManagers';
import {directReaches} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string>, workspaceFolders = [`packages/a`, `packages/b`, `tools/a`]) {
  const manifest = {name: `app`, private: true, workspaces: [`packages/*`], scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), workspaceFolders, projectFolder: ``});
}

describe(`outside attack round 20`, () => {
  const workspaces = {[`packages/a/package.json`]: JSON.stringify({name: `a`}), [`packages/a/setup.js`]: `require('zqhelp');\n`, [`packages/b/package.json`]: JSON.stringify({name: `b`})};

  for (const glob of [`packages/a*`, `packages/?`.replace(`?`, `[a]`), `pack*/a`, `./packages/a*/`, `packages/../packages/a*`]) {
    it(`M4: cd ${glob} enters the one workspace it matches: its bin and its files are followed there`, () => {
      assert.deepEqual(analysed(`cd ${glob} && yarn zqbin`, workspaces).workspaceScripts, [`./packages/a#${INLINE_COMMAND}yarn zqbin`]);
      assert.deepEqual(analysed(`cd ${glob} && node setup.js`, workspaces).workspaceFiles, [`packages/a/setup.js`]);
    });
  }

  for (const glob of [`nothing*`, `../x*`]) {
    it(`M4: cd ${glob}, which matches no workspace, leaves the folder unknown and says so`, () => {
      const analysis = analysed(`cd ${glob} && yarn zqbin`, workspaces);
      assert.deepEqual(analysis.workspaceScripts, []);
      assert.ok(analysis.unresolved.some(line => line.includes(`cd ${glob} enters the folder a glob matches when the script runs`)), JSON.stringify(analysis.unresolved));
    });
  }

  for (const glob of [`packages/*`, `*/a`, `"packages/a"*`, `'packages'/a*`]) {
    it(`round 21 (M2): cd ${glob}, matching several workspaces or quoted in part, enters the first the shell sorts`, () => {
      assert.deepEqual(analysed(`cd ${glob} && yarn zqbin`, workspaces).workspaceScripts, [`./packages/a#${INLINE_COMMAND}yarn zqbin`]);
    });
  }

  it(`round 21 (M2): node packages/*/setup.js follows the file of every workspace it matches`, () => {
    const analysis = analysed(`node packages/*/setup.js`, {...workspaces, [`packages/b/setup.js`]: `require('zqother');\n`});
    assert.deepEqual(analysis.workspaceFiles, [`packages/a/setup.js`, `packages/b/setup.js`]);
  });

  it(`M5: tsx with baseUrl "." loads node_modules/<dep>/<file> as that dependency's file, and node_modules/<dep> as its folder`, () => {
    const analysis = analysed(`tsx x.ts`, {
      [`x.ts`]: `import 'node_modules/zqh/index.js';\nimport 'node_modules/zqdir';\nimport 'node_modules/@zq/s/lib/a';\n`,
      [`tsconfig.json`]: JSON.stringify({compilerOptions: {baseUrl: `.`}}),
    }, []);
    assert.deepEqual(analysis.dependencyFiles, [`@zq/s/lib/a`, `zqdir/package.json`, `zqh/index.js`]);
  });

  it(`M5: without baseUrl, the same import is a package named node_modules, as Node reads it`, () => {
    const analysis = analysed(`tsx x.ts`, {[`x.ts`]: `import 'node_modules/zqh/index.js';\n`}, []);
    assert.deepEqual(analysis.dependencyFiles, []);
  });

  for (const [label, config, code, file, expected] of [
    [`"jsx": "react-jsx"`, {compilerOptions: {jsx: `react-jsx`}}, `const a = <b/>;`, `x.tsx`, [`react/jsx-runtime`]],
    [`"jsx": "react-jsxdev"`, {compilerOptions: {jsx: `react-jsxdev`}}, `const a = <b/>;`, `x.tsx`, [`react/jsx-dev-runtime`]],
    [`"jsx": "react-jsx" in the configuration it extends`, {extends: `./base.json`}, `const a = <b/>;`, `x.jsx`, [`react/jsx-runtime`]],
    [`"jsx": "react-jsx" and a jsxImportSource`, {compilerOptions: {jsx: `react-jsx`, jsxImportSource: `preact`}}, `const a = <b/>;`, `x.tsx`, [`preact/jsx-runtime`, `react/jsx-runtime`]],
    [`the pragma @jsxRuntime automatic, without a configuration's jsx`, {}, `/** @jsxRuntime automatic */\nconst a = <b/>;`, `x.tsx`, [`react/jsx-runtime`]],
    [`the classic runtime ("jsx": "react")`, {compilerOptions: {jsx: `react`}}, `const a = <b/>;`, `x.tsx`, []],
    [`"jsx": "react-jsx" for a .ts file, which holds no JSX`, {compilerOptions: {jsx: `react-jsx`}}, `export {};`, `x.ts`, []],
  ] as Array<[string, object, string, string, Array<string>]>) {
    it(`M10, M11: tsx under ${label} loads ${expected.length === 0 ? `no JSX runtime` : expected.join(` and `)}`, () => {
      const analysis = analysed(`tsx ${file}`, {[file]: code, [`tsconfig.json`]: JSON.stringify(config), [`base.json`]: JSON.stringify({compilerOptions: {jsx: `react-jsx`}})}, []);
      assert.deepEqual(analysis.modules, expected);
    });
  }

  for (const [postinstall, request] of [
    [`cd \${ZQ_UNSET:-packages/a} && yarn zqbin`, `./packages/a#${INLINE_COMMAND}yarn zqbin`],
    [`T=packages/a; cd $T && yarn zqbin`, `./packages/a#${INLINE_COMMAND}yarn zqbin`],
    [`T=packages/a; (cd "\${T}"; yarn zqbin)`, `./packages/a#${INLINE_COMMAND}yarn zqbin`],
    [`yarn workspace \${ZQ_UNSET-a} zqbin`, `a#${INLINE_COMMAND}yarn zqbin`],
    [`W=a; yarn workspace $W run gen`, `a#${INLINE_COMMAND}yarn run gen`],
  ]) {
    it(`M7: ${postinstall} is read as the shell expands it: ${JSON.stringify(request)}`, () => {
      const analysis = analysed(postinstall, workspaces);
      assert.deepEqual(analysis.workspaceScripts, [request]);
      // A default is what runs only while its variable is unset: said.
      assert.equal(analysis.unresolved.some(line => line.includes(`is set or unset otherwise in the environment is not`)), postinstall.includes(`ZQ_UNSET`), JSON.stringify(analysis.unresolved));
    });
  }

  it(`M7: a variable the script set from a command's output, or that Yarn sets, is not expanded`, () => {
    assert.deepEqual(analysed(`T=$(echo packages/a); cd $T && yarn zqbin`, workspaces).workspaceScripts, []);
    assert.deepEqual(analysed(`cd \${INIT_CWD:-packages/a} && yarn zqbin`, workspaces).workspaceScripts, []);
  });

  for (const [postinstall, file] of [
    [`node --import=file:///proc/self/cwd/node_modules/zqalias/index.js ok.js`, `zqalias/index.js`],
    [`node --import file:///proc/self/cwd/node_modules/%7aqalias/index.js?x ok.js`, `zqalias/index.js`],
    [`node -e "import('file:///proc/self/cwd/node_modules/zqalias/index.js')"`, `zqalias/index.js`],
  ]) {
    it(`M12: ${postinstall} loads ${file}, a dependency's file, as Node reads the URL`, () => {
      assert.deepEqual(analysed(postinstall, {[`ok.js`]: ``}, []).dependencyFiles, [file]);
    });
  }

  it(`M12: the URL of a dependency's folder loads its main, like require('zqalias')`, () => {
    assert.deepEqual(analysed(`node -r file://localhost/proc/self/cwd/node_modules/zqalias ok.js`, {[`ok.js`]: ``}, []).modules, [`zqalias`]);
  });

  it(`M12: a preload of an installed package's file by an absolute path is not followed, and said`, () => {
    const analysis = analysed(`node --import=file:///home/me/app/node_modules/zqalias/index.js ok.js`, {[`ok.js`]: ``}, []);
    assert.ok(analysis.foreignRuns.some(line => line.includes(`a file of an installed package named by an absolute path`)), JSON.stringify(analysis.foreignRuns));
  });

  for (const [postinstall, expected] of [
    [`node packages/a*/setup.js`, {workspaceFiles: [`packages/a/setup.js`]}],
    [`node packages/[a]/setup.js`, {workspaceFiles: [`packages/a/setup.js`]}],
    [`yarn --cwd packages/a* zqbin`, {workspaceScripts: [`./packages/a#${INLINE_COMMAND}yarn zqbin`]}],
    [`env -C pack*/a yarn zqbin`, {workspaceScripts: [`./packages/a#${INLINE_COMMAND}yarn zqbin`]}],
  ] as Array<[string, {workspaceFiles?: Array<string>, workspaceScripts?: Array<string>}]>) {
    it(`M4: ${postinstall}: a glob whose folder part matches one workspace is read as the path into it`, () => {
      const analysis = analysed(postinstall, workspaces);
      for (const [key, value] of Object.entries(expected))
        assert.deepEqual(analysis[key as keyof typeof expected], value, postinstall);
    });
  }

  for (const [postinstall, file] of [
    [`node node_modules/zq*/cli.js`, `zq*/cli.js`],
    [`node node_modules/zqli[b]`, `zqli[b]`],
    [`node node_modules/@zq/?/i.js`, `@zq/?/i.js`],
  ]) {
    it(`M16: ${postinstall}: a glob through node_modules is kept for the installed packages it matches`, () => {
      assert.deepEqual(analysed(postinstall, {}, []).dependencyFiles, [file]);
    });
  }

  it(`M16: the glob reaches that file of every package installed under a matching name, and refuses when the names cannot be listed`, () => {
    const names = [`zqlib`, `zqtool`, `other`, `@zq/a`];
    const ids = (name: string) => [`id:${name}`];
    const matching = (glob: string) => names.filter(name => new RegExp(`^${glob.replace(/[.]/g, `\\.`).replace(/\*/g, `[^/]*`).replace(/\?/g, `[^/]`)}$`).test(name));
    const {reaches} = directReaches({commands: [], modules: [], dependencyFiles: [`zq*/cli.js`, `@zq/?/i.js`], bins: new Map(), topLevelBins: new Map(), resolveName: ids, ownName: `app`, namesMatching: matching});
    assert.deepEqual(reaches.map(reach => [reach.id, reach.entry]), [[`id:zqlib`, {kind: `file`, path: `cli.js`}], [`id:zqtool`, {kind: `file`, path: `cli.js`}], [`id:@zq/a`, {kind: `file`, path: `i.js`}]]);
    const {refusals} = directReaches({commands: [], modules: [], dependencyFiles: [`zq*/cli.js`], bins: new Map(), topLevelBins: new Map(), resolveName: ids, ownName: `app`});
    assert.equal(refusals.length, 1);
  });
});
