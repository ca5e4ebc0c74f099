/**
 * TypeScript runners (outside attack round 16, E4/E5). tsx could not be
 * approved at all: its minified bundle holds `"--import":"--loader"` and
 * `e.includes("import(")`, read as loads of `:` and of a piece of code, and
 * get-tsconfig's `const r = createRequire(…); r.resolve(…)`, read as a load
 * from another folder. Once tsx runs, a project's tsconfig steers what its
 * imports load: `paths`, `baseUrl`, `extends` of a registry package,
 * `jsxImportSource` and the `@jsxImportSource` pragma, `./x.js` that is `x.ts`.
 * The snippets below are copied from tsx 4.19.2 and 4.23.15 and ts-node 10.9.2.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {enclosingEnd, enclosingStart, insideText} from '../../sources/installScripts/policy/fingerprint/blocks';
import {scanCode} from '../../sources/installScripts/policy/fingerprint/code';
import {indirectLoads} from '../../sources/installScripts/policy/fingerprint/indirectLoads';
import {jsxPragmaSources, readTsconfig, typescriptCandidates} from '../../sources/installScripts/policy/fingerprint/tsconfig';
import {memoryPackage} from './support/memoryPackage';

describe(`TypeScript runners: tsx's own code`, () => {
  it(`reads no load in tsx's command line "--import":"--loader"`, () => {
    const code = `return Vi(process.execPath,["--require",We.resolve("./preflight.cjs"),wu(kn)?"--import":"--loader",Ln(We.resolve("./loader.mjs")).toString(),...t],{stdio:s,env:u})`;
    assert.deepEqual(scanCode(code).specifiers.filter(specifier => !specifier.startsWith(`.`)), []);
  });

  it(`reads no load in e.includes("import(")`, () => {
    const code = `be=u((n,e,A)=>{if(A){if(!e.includes("import("))return}else if(!e.includes("import"))return;const s=Pe(e,n)[0]})`;
    assert.deepEqual(scanCode(code).specifiers, []);
  });

  it(`still reads the load in text handed to eval, and an import statement after a decrement`, () => {
    assert.deepEqual(scanCode(`eval("require('zqh')")`).specifiers, [`zqh`]);
    assert.deepEqual(scanCode(`a--\nimport "zqh"`).specifiers, [`zqh`]);
  });

  it(`reads no load in ts-node's template text, and refuses the same name outside a template`, () => {
    assert.deepEqual(scanCode(`x.map(name => \`declare import \${name} = require('\${name}')\`)`).specifiers, []);
    assert.deepEqual(scanCode(`require('\${name}')`).specifiers, [`\${name}`]);
  });

  it(`takes a require made for another folder that only resolves paths for what it is (get-tsconfig, ts-node)`, () => {
    const tsx = `os=w((t,e,n)=>{const r=K.createRequire(C.join(n,"tsconfig.json"));if(t!==e)try{return r.resolve(t)}catch{}try{return r.resolve(\`\${e}/\${ie}\`)}catch{}},"x"),z=w((t,r)=>{r(t);return r})`;
    assert.deepEqual(indirectLoads(tsx).foreign, []);
    const tsNode = `const req = (0, util_2.createRequire)((0, path_1.join)(dir, 'imaginaryUncacheableRequireResolveScript'));\nreturn req.resolve(relativeModuleSpecifier, {paths: [...(req.resolve.paths(relativeModuleSpecifier) || [])]});`;
    assert.deepEqual(indirectLoads(tsNode).foreign, []);
  });

  for (const code of [
    `const r = createRequire(x); r('zqh')`,
    `{ function f() { return r('zqh') } const r = createRequire(x); f() }`,
    `r('zqh'); var r = createRequire(x); r.resolve('y')`,
    `createRequire(x)('zqh')`,
    `const r = createRequire(x); if (1) /}/.test(''); r('zqh')`,
    `const s = \`\${createRequire(x)('zqh')}\``,
  ]) {
    it(`still refuses a require made for another folder that loads: ${code}`, () => {
      assert.equal(indirectLoads(code).foreign.length, 1);
    });
  }

  it(`takes createRequire(fileURLToPath(import.meta.url)) and a template's text for the file's own`, () => {
    assert.deepEqual(indirectLoads(`const require = createRequire(fileURLToPath(import.meta.url)); const r = createRequire(url.fileURLToPath(import.meta.url)); r('x')`).foreign, []);
    assert.deepEqual(indirectLoads(`ot=i((t,r)=>\`require = require("node:module").createRequire(\${JSON.stringify(e)});\`,"banner")`).foreign, []);
  });
});

describe(`blocks: where a block ends, and whether a place is text`, () => {
  it(`finds the end and start of the enclosing block across strings, templates and regular expressions`, () => {
    const code = `f(() => { const r = 1; g('}', \`\${'}'}\`, /[}]/); h(r) } ); k()`;
    const at = code.indexOf(`const`);
    assert.equal(code[enclosingEnd(code, at)], `}`);
    assert.equal(enclosingEnd(code, at), code.lastIndexOf(`}`));
    assert.equal(enclosingStart(code, at), code.indexOf(`{`));
  });

  it(`gives up where a slash may start a regular expression or divide`, () => {
    const code = `{ const r = 1; if (a) /}/.test(b); r }`;
    assert.equal(enclosingEnd(code, code.indexOf(`const`)), code.length);
  });

  it(`tells text from code`, () => {
    const code = `a('x(y)'); \`t \${b} u\`; /* c */ d`;
    assert.equal(insideText(code, code.indexOf(`x(y)`)), true);
    assert.equal(insideText(code, code.indexOf(`u\``)), true);
    assert.equal(insideText(code, code.indexOf(`b}`)), false);
    assert.equal(insideText(code, code.indexOf(` d`)), false);
  });
});

describe(`tsconfig: what a TypeScript runner loads beyond Node's rules`, () => {
  it(`reads extends, baseUrl, every paths target and jsxImportSource, comments and trailing commas allowed`, () => {
    const config = readTsconfig(`{\n  // base\n  "extends": ["./a.json", "@zq/config/tsconfig.json"],\n  "compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./src/*", "./gen/*"],}, "jsxImportSource": "zqjsx",},\n}`);
    assert.deepEqual(config, {extends: [`./a.json`, `@zq/config/tsconfig.json`], baseUrl: `.`, pathTargets: [`./src/*`, `./gen/*`], jsxImportSource: `zqjsx`, jsxRuntime: null, jsxFactory: null, tsNodeModules: []});
    assert.throws(() => readTsconfig(`{ nope`));
    assert.throws(() => readTsconfig(`[]`), /no JSON object/);
  });

  it(`names the TypeScript files a relative import may be`, () => {
    assert.deepEqual(typescriptCandidates(`./x.js`), [`./x.ts`, `./x.tsx`]);
    assert.deepEqual(typescriptCandidates(`./x.mjs`), [`./x.mts`]);
    assert.deepEqual(typescriptCandidates(`./x.ts`), []);
    assert.deepEqual(typescriptCandidates(`./lib/`), [`./lib/index.ts`, `./lib/index.tsx`, `./lib/index.mts`, `./lib/index.cts`]);
    assert.ok(typescriptCandidates(`./lib`).includes(`./lib.ts`) && typescriptCandidates(`./lib`).includes(`./lib/index.ts`));
  });

  it(`reads the @jsxImportSource pragma`, () => {
    assert.deepEqual(jsxPragmaSources(`/** @jsxImportSource zqjsx */\nconst x = <div/>`), [`zqjsx`]);
  });

  // The project's own postinstall, as the root workspace: registry code it reaches is reported in `modules`.
  function root(postinstall: string, files: Record<string, string>) {
    const manifest = {name: `app`, private: true, scripts: {postinstall}};
    return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), everyFile: false, workspaceFolders: []});
  }

  for (const [route, postinstall, files, module] of [
    [`./x.js that is x.ts`, `tsx s/a.ts`, {[`s/a.ts`]: `import './b.js'\n`, [`s/b.ts`]: `import 'zqh'\n`}, `zqh`],
    [`a folder's index.ts`, `tsx s/a.ts`, {[`s/a.ts`]: `import './lib'\n`, [`s/lib/index.ts`]: `import 'zqh'\n`}, `zqh`],
    [`paths with a star`, `tsx s/a.ts`, {[`s/a.ts`]: `import 'app/t'\n`, [`tsconfig.json`]: `{"compilerOptions": {"paths": {"app/*": ["./src/*"]}}}`, [`src/t.ts`]: `import 'zqh'\n`}, `zqh`],
    [`paths into node_modules`, `tsx s/a.ts`, {[`s/a.ts`]: `import 'logger'\n`, [`tsconfig.json`]: `{"compilerOptions": {"paths": {"logger": ["./node_modules/zqh/index.js"]}}}`}, `zqh/index.js`],
    [`baseUrl`, `tsx s/a.ts`, {[`s/a.ts`]: `import 'gen'\n`, [`tsconfig.json`]: `{"compilerOptions": {"baseUrl": "."}}`, [`gen/index.ts`]: `import 'zqh'\n`}, `zqh`],
    [`extends of a registry package`, `tsx --tsconfig tsconfig.x.json s/a.ts`, {[`s/a.ts`]: `import 'zqother'\n`, [`tsconfig.x.json`]: `{"extends": "zqh/tsconfig.json"}`}, `zqh/tsconfig.json`],
    [`extends of a package by name`, `tsx s/a.ts`, {[`s/a.ts`]: ``, [`tsconfig.json`]: `{"extends": "zqh"}`}, `zqh/tsconfig.json`],
    [`jsxImportSource`, `tsx s/a.tsx`, {[`s/a.tsx`]: `const x = <div/>\n`, [`tsconfig.json`]: `{"compilerOptions": {"jsx": "react-jsx", "jsxImportSource": "zqh"}}`}, `zqh/jsx-runtime`],
    [`jsxImportSource of a relative extends`, `tsx s/a.tsx`, {[`s/a.tsx`]: `const x = <div/>\n`, [`tsconfig.json`]: `{"extends": "./base.json"}`, [`base.json`]: `{"compilerOptions": {"jsxImportSource": "zqh"}}`}, `zqh/jsx-runtime`],
    [`the @jsxImportSource pragma`, `tsx s/a.tsx`, {[`s/a.tsx`]: `/** @jsxImportSource zqh */\nconst x = <div/>\n`}, `zqh/jsx-runtime`],
  ] as Array<[string, string, Record<string, string>, string]>) {
    it(`follows ${route}`, () => {
      const analysis = root(postinstall, files);
      const reached = [...analysis.modules, ...analysis.dependencyFiles];
      assert.ok(reached.includes(module), `${module} not among ${JSON.stringify(reached)}`);
    });
  }

  // Outside round 19: what tsx is told on its command line and in its environment, and where it runs.
  const aliasTo = (target: string) => JSON.stringify({compilerOptions: {paths: {zz: [target]}}});
  for (const [route, postinstall, files, reached] of [
    [`M1: tsx --tsconfig cfg/ts.json`, `tsx --tsconfig cfg/ts.json s/a.ts`, {[`cfg/ts.json`]: aliasTo(`../node_modules/zqh/index.js`), [`s/a.ts`]: `import 'zz'\n`}, `zqh/index.js`],
    [`M1: ts-node -P cfg/ts.json`, `ts-node -P cfg/ts.json s/a.ts`, {[`cfg/ts.json`]: aliasTo(`../node_modules/zqh/index.js`), [`s/a.ts`]: `import 'zz'\n`}, `zqh/index.js`],
    [`M2: TSX_TSCONFIG_PATH=cfg/ts.json`, `TSX_TSCONFIG_PATH=cfg/ts.json tsx s/a.ts`, {[`cfg/ts.json`]: aliasTo(`../node_modules/zqh/index.js`), [`s/a.ts`]: `import 'zz'\n`}, `zqh/index.js`],
    [`M3: the tsconfig.json of the folder tsx runs in`, `cd tools && tsx ../s/a.ts`, {[`tools/tsconfig.json`]: aliasTo(`../node_modules/zqh/index.js`), [`s/a.ts`]: `import 'zz'\n`}, `zqh/index.js`],
    [`M4: an entry without its extension`, `tsx s/a`, {[`s/a.ts`]: `import 'zqh'\n`}, `zqh`],
    [`M4: an entry spelled .js`, `tsx s/a.js`, {[`s/a.ts`]: `import 'zqh'\n`}, `zqh`],
    [`M4: a folder as the entry`, `tsx s`, {[`s/index.ts`]: `import 'zqh'\n`}, `zqh`],
    [`M5: baseUrl into node_modules`, `tsx s/a.ts`, {[`tsconfig.json`]: JSON.stringify({compilerOptions: {baseUrl: `./node_modules/zqh`}}), [`s/a.ts`]: `import 'index'\n`}, `zqh/package.json`],
    [`M5: a paths wildcard into node_modules`, `tsx s/a.ts`, {[`tsconfig.json`]: JSON.stringify({compilerOptions: {paths: {[`@app/*`]: [`./node_modules/zqh/*`]}}}), [`s/a.ts`]: `import '@app/index.js'\n`}, `zqh/package.json`],
    [`M6: tsx --env-file`, `tsx --env-file=.env.build s/a.ts`, {[`.env.build`]: `NODE_OPTIONS=--require zqh\n`, [`s/a.ts`]: ``}, `zqh`],
  ] as Array<[string, string, Record<string, string>, string]>) {
    it(`follows ${route}`, () => {
      const analysis = root(postinstall, files);
      const all = [...analysis.modules, ...analysis.dependencyFiles];
      assert.ok(all.includes(reached), `${reached} not among ${JSON.stringify(all)}`);
    });
  }

  it(`refuses a configuration outside the package, by flag or by variable alike (round 19, M15)`, () => {
    for (const postinstall of [`tsx --tsconfig ../cfg/ts.json s/a.ts`, `ts-node -P=../cfg/ts.json s/a.ts`, `TSX_TSCONFIG_PATH=../cfg/ts.json tsx s/a.ts`, `TS_NODE_PROJECT=$HOME/ts.json ts-node s/a.ts`])
      assert.throws(() => root(postinstall, {[`s/a.ts`]: ``}), /names a TypeScript configuration outside the package/, postinstall);
  });

  it(`binds the tsconfig, so that editing it changes the approval`, () => {
    const files = {[`s/a.ts`]: `import 'app/t'\n`, [`tsconfig.json`]: `{"compilerOptions": {"paths": {"app/*": ["./src/*"]}}}`, [`src/t.ts`]: ``};
    const before = root(`tsx s/a.ts`, files).fingerprint;
    const after = root(`tsx s/a.ts`, {...files, [`tsconfig.json`]: `{"compilerOptions": {"paths": {"app/*": ["./lib/*"]}}}`}).fingerprint;
    assert.notDeepEqual(before, after);
  });

  it(`refuses a tsconfig that cannot be read, naming it`, () => {
    assert.throws(() => root(`tsx s/a.ts`, {[`s/a.ts`]: `import 'x'\n`, [`tsconfig.json`]: `{ "compilerOptions": `}), /tsconfig\.json cannot be read/);
  });
});
