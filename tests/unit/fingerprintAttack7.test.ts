/**
 * The bypasses of outside attack round 7 (issue 10), replayed against the
 * pure analysis: environment files that set NODE_OPTIONS, code that changes
 * where modules or commands are looked up (module.paths, NODE_PATH, PATH, a
 * working folder of its own), and `npx -c`.
 */
import assert from 'node:assert/strict';

import {analyzeEntries, analyzeInstall, installCommands, type InstallAnalysis} from '../../sources/installScripts/policy/fingerprint';

import {type Contents, memoryPackage} from './support/memoryPackage';

function analyse(scripts: Record<string, string>, contents: Contents): InstallAnalysis {
  const {commands} = installCommands(scripts, false);
  return analyzeInstall({commands, manifestScripts: scripts, manifest: {scripts}, files: memoryPackage(contents)});
}

function filesOf(analysis: InstallAnalysis): Array<string> {
  return Object.keys(analysis.fingerprint.files).filter(key => !key.startsWith(`package.json#`)).sort();
}

/** A package whose files a relocation must all bind, and files it must leave out. */
const TREE: Contents = {
  'vendor/zqlib/index.js': `evil`,
  'tools/uname': `#!/bin/sh\necho evil`,
  'tools/setup.js': `evil`,
  'lib/run.sh': `echo`,
  'package.json': `{"version": "1.0.0"}`,
  'README.md': `docs`,
};
const TREE_CODE = [`lib/run.sh`, `tools/setup.js`, `tools/uname`, `vendor/zqlib/index.js`];

describe(`analyzeInstall and environment files (outside attack round 7: B1, B2)`, () => {
  it(`hashes the .env that process.loadEnvFile() reads and follows the NODE_OPTIONS it sets`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {
      'install.js': `process.loadEnvFile();\nrequire('child_process').execSync('node -p 1');\n`,
      '.env': `ZQ=1\nNODE_OPTIONS="--require ./payload.js"\n`,
      'payload.js': `require('./more')`,
      'more.js': `m`,
    });
    assert.deepEqual(filesOf(analysis), [`.env`, `install.js`, `more.js`, `payload.js`]);
  });

  it(`reads a literal file given to loadEnvFile and to node --env-file`, () => {
    const contents = {'install.js': `process.loadEnvFile('conf/app.env')`, 'conf/app.env': `export NODE_OPTIONS=--import=./hook.mjs # preload`, 'hook.mjs': `h`, 'x.js': `x`, 'b.env': `NODE_OPTIONS='-r ./x.js'`};
    assert.deepEqual(filesOf(analyse({postinstall: `node install.js`}, contents)), [`conf/app.env`, `hook.mjs`, `install.js`]);
    assert.deepEqual(filesOf(analyse({postinstall: `node --env-file=b.env install.js`}, contents)), [`b.env`, `conf/app.env`, `hook.mjs`, `install.js`, `x.js`]);
  });

  it(`records nothing for an environment file the package does not have, so a release that adds one is a new fingerprint`, () => {
    const without = analyse({postinstall: `node install.js`}, {'install.js': `process.loadEnvFile()`});
    const withIt = analyse({postinstall: `node install.js`}, {'install.js': `process.loadEnvFile()`, '.env': `A=1`});
    assert.deepEqual(filesOf(without), [`install.js`]);
    assert.deepEqual(filesOf(withIt), [`.env`, `install.js`]);
  });
});

describe(`analyzeInstall and code that changes where modules and commands are found (outside attack round 7: B8, B9, B11, B18, B19)`, () => {
  const forms: Array<[string, string, RegExp]> = [
    [`B8: module.paths.unshift`, `module.paths.unshift(require('path').join(__dirname, 'vendor')); require('zqlib');`, /changes where modules are looked up \(module\.paths\)/],
    [`require.main.paths`, `require.main.paths.push(dir)`, /changes where modules are looked up \(require\.main\.paths\)/],
    [`Module._resolveFilename`, `const M = require('module'); const o = M._resolveFilename; M._resolveFilename = function () {}`, /_resolveFilename/],
    [`process.env.NODE_PATH`, `process.env.NODE_PATH = dir; require('module')._initPaths();`, /NODE_PATH/],
    [`B11: a cwd option`, `require('child_process').execSync('node setup.js', {cwd: require('path').join(__dirname, 'tools')});`, /runs commands from another folder \(a cwd option\)/],
    [`B11: process.chdir`, `process.chdir('tools'); require('child_process').execSync('node prepare.js');`, /runs commands from another folder \(process\.chdir\(\)\)/],
    [`B18: an env option's PATH`, `const env = {...process.env, PATH: dir + ':' + process.env.PATH}; require('child_process').execSync('uname -m', {env});`, /sets PATH for the commands it runs/],
    [`B18: process.env.PATH =`, `process.env.PATH = dir + ':' + process.env.PATH; require('child_process').execSync('git --version');`, /sets PATH for the commands it runs/],
    [`B18: process.env['PATH'] =`, `process.env['PATH'] = dir;`, /sets PATH for the commands/],
  ];
  for (const [name, code, limit] of forms) {
    it(`${name}: hashes every code file of the package (not package.json or docs) and names the limit`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {...TREE, 'install.js': code});
      assert.deepEqual(filesOf(analysis), [`install.js`, ...TREE_CODE].sort());
      assert.ok(analysis.unresolved.some(line => limit.test(line) && line.endsWith(`every file of the package is hashed`)), analysis.unresolved.join(`\n`));
    });
  }

  it(`leaves code that only reads the PATH or compares it alone`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {...TREE, 'install.js': `const dirs = process.env.PATH.split(':'); if (process.env.PATH === x) {}`});
    assert.deepEqual(filesOf(analysis), [`install.js`]);
  });

  it(`B9: NODE_PATH=./lib in a command hashes every code file`, () => {
    const analysis = analyse({postinstall: `NODE_PATH=./lib node install.js`}, {...TREE, 'install.js': `require('zqcfg')`, 'lib/zqcfg.js': `c`});
    assert.deepEqual(filesOf(analysis), [`install.js`, `lib/zqcfg.js`, ...TREE_CODE].sort());
  });

  it(`B19: PATH=./tools:$PATH in a command hashes every file below the folders it puts first`, () => {
    const analysis = analyse({postinstall: `PATH=./tools:$PATH node install.js`}, {...TREE, 'install.js': `i`, 'tools/node': `#!/bin/sh`, 'tools/README.md': `r`});
    assert.deepEqual(filesOf(analysis), [`install.js`, `tools/README.md`, `tools/node`, `tools/setup.js`, `tools/uname`]);
    assert.ok(analysis.unresolved.includes(`postinstall: PATH=./tools:$PATH puts tools/ before the system's programs: every file below it is hashed`), analysis.unresolved.join(`\n`));
    const exported = analyse({postinstall: `export PATH="$PWD/bin:$PATH"; node install.js`}, {'install.js': `i`});
    assert.ok(exported.unresolved.some(line => /puts \$PWD\/bin before the system's programs, a folder whose files are not bound/.test(line)), exported.unresolved.join(`\n`));
  });
});

describe(`analyzeInstall and npx -c (outside attack round 7: B10)`, () => {
  it(`follows the command line of npx -c / --call instead of taking it for a tool to download`, () => {
    for (const postinstall of [`npx -c "node f8.js"`, `npx --call 'node f8.js'`]) {
      const analysis = analyse({postinstall}, {'f8.js': `f`});
      assert.deepEqual(filesOf(analysis), [`f8.js`], postinstall);
      assert.ok(!analysis.commands.some(command => command.startsWith(`npx:`)), analysis.commands.join(`, `));
      assert.deepEqual(analysis.registryInstalls, []);
    }
  });
});

describe(`analyzeInstall and more of round 7 (B20, B23, B24, B25, B27)`, () => {
  it(`B20: resolves a percent-encoded import specifier as Node's ESM loader does`, () => {
    for (const code of [`import './setup%2emjs';`, `import('./s%65tup.mjs')`, `export * from './setup.mjs?x#y'`]) {
      const analysis = analyse({postinstall: `node install.mjs`}, {'install.mjs': code, 'setup.mjs': `s`});
      assert.deepEqual(filesOf(analysis), [`install.mjs`, `setup.mjs`], code);
    }
  });

  it(`B20: refuses an encoded climb out of the package like a plain one`, () => {
    assert.throws(() => analyse({postinstall: `node install.mjs`}, {'install.mjs': `import '.%2e/x.mjs'`}), /loads \.\.\/x\.mjs, outside the package/);
  });

  it(`B23: reads /proc/self/cwd/x as the package root's x (the working folder of install code)`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {'install.js': `require('/proc/self/cwd/setup.js')`, 'setup.js': `s`});
    assert.deepEqual(filesOf(analysis), [`install.js`, `setup.js`]);
  });

  it(`B24: binds the configuration a HOME, npm_config_* or NODE_OPTIONS set by install code points at`, () => {
    for (const code of [`execSync('npm run build', {env: {...process.env, HOME: path.join(__dirname, 'cfg')}})`, `process.env.npm_config_userconfig = x`, `process.env['NODE_OPTIONS'] = opts`]) {
      const analysis = analyse({postinstall: `node install.js`}, {'install.js': code, 'cfg/.npmrc': `node-options=--require ./cfg/p.js`, 'cfg/p.js': `p`, 'README.md': `r`});
      assert.deepEqual(filesOf(analysis), [`cfg/.npmrc`, `cfg/p.js`, `install.js`], code);
      assert.ok(analysis.unresolved.some(line => /install\.js: sets (HOME|npm_config_userconfig|NODE_OPTIONS) for the commands it runs/.test(line)), analysis.unresolved.join(`\n`));
    }
  });

  it(`B24: hashes the folder HOME=./cfg gives the commands of a script`, () => {
    const analysis = analyse({postinstall: `HOME=./cfg npm run build`, build: `node build.js`}, {'cfg/.npmrc': `node-options=--require ./cfg/p.js`, 'cfg/p.js': `p`, 'build.js': `b`});
    assert.deepEqual(filesOf(analysis), [`build.js`, `cfg/.npmrc`, `cfg/p.js`]);
  });

  it(`B25: Module.prototype.require and require.cache writes bind every code file`, () => {
    for (const code of [`Module.prototype.require = function () {}`, `require.cache[key] = fake`]) {
      const analysis = analyse({postinstall: `node install.js`}, {...TREE, 'install.js': code});
      assert.deepEqual(filesOf(analysis), [`install.js`, ...TREE_CODE].sort(), code);
    }
  });

  it(`B27: under a cwd option, a file the command names is hashed in every folder, whatever its extension`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {
      'install.js': `execSync('node setup.dat', {cwd: path.join(__dirname, 'tools')}); execFileSync('sh', ['prepare.txt'], {cwd: dir});`,
      'setup.dat': `root`, 'tools/setup.dat': `tools`, 'tools/prepare.txt': `p`, 'tools/other.dat': `o`,
    });
    assert.deepEqual(filesOf(analysis), [`install.js`, `setup.dat`, `tools/other.dat`, `tools/prepare.txt`, `tools/setup.dat`]);
  });

  it(`B33: hashes every file, not only code extensions, when module lookup is rewired (a vendored main: index.dat)`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {
      'install.js': `module.paths.unshift(__dirname + '/vendor'); require('zqlib');`,
      'vendor/zqlib/package.json': `{"main": "index.dat"}`, 'vendor/zqlib/index.dat': `evil`,
      'CHANGELOG.md': `c`, 'LICENSE': `l`, 'types/index.d.ts': `t`, 'dist/x.js.map': `m`,
    });
    assert.deepEqual(filesOf(analysis), [`install.js`, `vendor/zqlib/index.dat`, `vendor/zqlib/package.json`]);
  });

  it(`B42: hashes the package's .git folder and git attributes when install code runs git`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {'install.js': `require('child_process').execSync('git status --porcelain')`, '.git/config': `[core]\n\tfsmonitor = node evil.js`, '.git/hooks/post-checkout': `h`, '.gitattributes': `* filter=x`, 'evil.js': `e`});
    // core.fsmonitor is a command git runs: followed since round 12 (F44).
    assert.deepEqual(filesOf(analysis), [`.git/config`, `.git/hooks/post-checkout`, `.gitattributes`, `evil.js`, `install.js`]);
  });

  it(`B44: hashes every CMakeLists.txt and .cmake file when install code runs cmake`, () => {
    const analysis = analyse({postinstall: `cmake -S . -B build`}, {'CMakeLists.txt': `include(cmake/options.cmake)`, 'cmake/options.cmake': `execute_process(COMMAND node evil.js)`, 'src/CMakeLists.txt': `s`, 'evil.js': `e`});
    assert.deepEqual(filesOf(analysis), [`CMakeLists.txt`, `cmake/options.cmake`, `src/CMakeLists.txt`]);
    assert.ok(analysis.unresolved.includes(`runs CMake: every CMakeLists.txt and .cmake file of the package is hashed, the commands they run are not analysed`));
  });

  it(`B37, B38: resolves percent-encoded targets of imports and exports, as Node's URL resolution decodes them`, () => {
    const imports = analyzeInstall({commands: {postinstall: `node install.js`}, manifestScripts: {postinstall: `node install.js`}, manifest: {imports: {'#setup': `./s%65tup.js`}}, files: memoryPackage({'install.js': `require('#setup')`, 'setup.js': `s`})});
    assert.deepEqual(filesOf(imports), [`install.js`, `setup.js`]);
  });

  it(`B39: resolves a percent-encoded --import specifier`, () => {
    const analysis = analyse({postinstall: `node --import ./h%65lper.mjs install.js`}, {'helper.mjs': `h`, 'install.js': `i`});
    assert.deepEqual(filesOf(analysis), [`helper.mjs`, `install.js`]);
  });

  it(`B46: hashes the Perl and Ruby modules below the folder of a script they run`, () => {
    const analysis = analyse({postinstall: `perl build.pl && ruby tools/x.rb`}, {'build.pl': `use lib "$FindBin::Bin/lib"; use ZqHelper;`, 'lib/ZqHelper.pm': `1;`, 'tools/x.rb': `require_relative 'y'`, 'tools/y.rb': `y`, 'notes.txt': `n`});
    assert.deepEqual(filesOf(analysis), [`build.pl`, `lib/ZqHelper.pm`, `tools/x.rb`, `tools/y.rb`]);
  });
});

describe(`analyzeInstall and the rest of round 7 (B47, B48, B50, B60, B68, B69, B71)`, () => {
  const plugins = {'plugins/a.js': `a`, 'plugins/b.txt': `b`};

  it(`B47: reads arguments[1] of the CommonJS wrapper as require, and follows the directory it loads from`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {...plugins, 'install.js': `const load = arguments[1];\nfor (const f of list) load(path.join(__dirname, 'plugins', f));`});
    assert.ok(filesOf(analysis).includes(`plugins/a.js`), filesOf(analysis).join(`, `));
  });

  it(`B47: binds every file when the wrapper's arguments are taken as a list`, () => {
    for (const code of [`const [, load] = [...arguments]; load(x)`, `Array.from(arguments)[1](x)`]) {
      const analysis = analyse({postinstall: `node install.js`}, {...plugins, 'install.js': code});
      assert.deepEqual(filesOf(analysis), [`install.js`, `plugins/a.js`, `plugins/b.txt`], code);
    }
  });

  it(`B48: binds every file when install code builds modules with module.constructor`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {...plugins, 'install.js': `const M = module.constructor; new M(file, module).load(file);`});
    assert.deepEqual(filesOf(analysis), [`install.js`, `plugins/a.js`, `plugins/b.txt`]);
  });

  it(`B50: hashes the package's .env files that dotenv reads, and follows their NODE_OPTIONS`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {'install.js': `require('dotenv').config()`, '.env.local': `NODE_OPTIONS=--require ./payload.dat`, 'payload.dat': `p`});
    assert.deepEqual(filesOf(analysis), [`.env.local`, `install.js`, `payload.dat`]);
  });

  it(`B60: binds every file when npm runs scripts of the package's own workspaces`, () => {
    for (const postinstall of [`npm run build --workspaces --if-present`, `npm run build -ws`, `npm test -w tools/a`, `pnpm -r run build`]) {
      const analysis = analyse({postinstall}, {'tools/a/package.json': `{"scripts": {"build": "node build.js"}}`, 'tools/a/build.js': `b`});
      assert.deepEqual(filesOf(analysis), [`tools/a/build.js`, `tools/a/package.json`], postinstall);
    }
  });

  it(`B68: follows the version lifecycle that npm version runs`, () => {
    const analysis = analyse({postinstall: `npm version 1.0.0 --no-git-tag-version`, preversion: `node pre.js`, version: `node v.js`, postversion: `node post.js`}, {'pre.js': `p`, 'v.js': `v`, 'post.js': `q`});
    assert.deepEqual(filesOf(analysis), [`post.js`, `pre.js`, `v.js`]);
  });

  it(`B69: binds every file when install code evaluates text through a REPL, the inspector, a Worker or a Function constructor`, () => {
    for (const code of [
      `require('repl').start({input: stream})`,
      `session.post('Runtime.evaluate', {expression: t})`,
      `new Worker(t, {eval: true})`,
      `const AsyncFunction = (async () => {}).constructor; AsyncFunction(t)()`,
      `(() => {}).constructor(t)()`,
      `Object.getPrototypeOf(function* () {}).constructor(t)`,
    ]) {
      const analysis = analyse({postinstall: `node install.js`}, {...plugins, 'install.js': code});
      assert.deepEqual(filesOf(analysis), [`install.js`, `plugins/a.js`, `plugins/b.txt`], code);
      assert.ok(analysis.unresolved.some(line => /evaluates text built at run time/.test(line)), code);
    }
  });

  it(`B71: binds every file when install code writes process.env from data (Object.assign, a computed name)`, () => {
    for (const code of [`Object.assign(process.env, JSON.parse(text))`, `for (const k in conf) process.env[k] = conf[k]`]) {
      const analysis = analyse({postinstall: `node install.js`}, {...plugins, 'install.js': code});
      assert.deepEqual(filesOf(analysis), [`install.js`, `plugins/a.js`, `plugins/b.txt`], code);
    }
  });
});

describe(`analyzeInstall and files run through Worker, cluster and dlopen (outside attack round 7: B72)`, () => {
  for (const code of [`new Worker(file)`, `new threads.Worker(path.join(dir, f))`, `cluster.setupPrimary({exec: file}); cluster.fork()`, `cluster.setupMaster({exec: f})`, `process.dlopen(m, path.join(__dirname, f))`]) {
    it(`${code}: binds every file of the package and names the limit`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {'install.js': code, 'w/a.js': `a`, 'w/b.bin': `b`});
      assert.deepEqual(filesOf(analysis), [`install.js`, `w/a.js`, `w/b.bin`]);
      assert.ok(analysis.unresolved.some(line => /runs a file chosen at run time/.test(line)), analysis.unresolved.join(`\n`));
    });
  }

  it(`leaves a Worker of a literal file to the literal's own rule`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {'install.js': `new Worker('./w/a.js')`, 'w/a.js': `a`, 'w/b.bin': `b`});
    assert.deepEqual(filesOf(analysis), [`install.js`, `w/a.js`]);
  });
});

describe(`analyzeInstall and configuration named through the environment (outside attack round 7: B51, B38)`, () => {
  it(`B51: binds every file when install code sets YARN_RC_FILENAME for a yarn it starts (a yarnPath in a .yml)`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {
      'install.js': `require('child_process').execSync('yarn node -e 1', {env: {...process.env, YARN_RC_FILENAME: '.buildrc.yml'}})`,
      '.buildrc.yml': `yarnPath: ./tools/y.dat`, 'tools/y.dat': `y`,
    });
    assert.deepEqual(filesOf(analysis), [`.buildrc.yml`, `install.js`, `tools/y.dat`]);
  });

  it(`B38: resolves a percent-encoded exports target of a package required by name`, () => {
    const analysis = analyzeEntries({entries: [{kind: `module`, specifier: `.`}], manifest: {name: `lib`, exports: {'.': `./m%61in.js`}}, files: memoryPackage({'main.js': `m`})});
    assert.deepEqual(filesOf(analysis), [`main.js`]);
    assert.deepEqual(analysis.unresolved, []);
  });
});

describe(`analyzeInstall and what real packages showed after round 7 (trial on 2026-12-04: D2 to D5)`, () => {
  const harmless: Array<[string, string]> = [
    [`D2: a variable only read in a conditional`, `const p = process.env.CI ? process.env.PATH : '/bin'; const h = x ? process.env.HOME : y;`],
    [`D3: a function's own arguments by index (TypeScript's __assign)`, `var __assign = function (t) { for (var s, i = 1, n = arguments.length; i < n; i++) { s = arguments[i]; } return t; };`],
    [`D4: a constructor compared, not called`, `if (Object.getPrototypeOf(x).constructor === Y) {}`],
  ];
  for (const [what, code] of harmless) {
    it(`${what} binds nothing more`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {'install.js': code, 'other.js': `o`});
      assert.deepEqual(filesOf(analysis), [`install.js`], analysis.unresolved.join(`\n`));
    });
  }

  it(`D2: a variable set as an object key or assigned still binds every file`, () => {
    for (const code of [`spawn('x', {env: {...process.env, PATH: dir}})`, `const env = {'HOME': d}`, `process.env.PATH = d`]) {
      const analysis = analyse({postinstall: `node install.js`}, {'install.js': code, 'other.js': `o`});
      assert.deepEqual(filesOf(analysis), [`install.js`, `other.js`], code);
    }
  });

  it(`D5: reads (0, cp.execSync)(…), as TypeScript compiles a call, like cp.execSync(…)`, () => {
    const install = analyse({postinstall: `node install.js`}, {'install.js': `const cp = require('child_process'); (0, cp.execSync)('npm install left-pad@1');`});
    assert.deepEqual(install.registryInstalls, [`install.js: npm install left-pad@1`]);
    const run = analyse({postinstall: `node install.js`}, {'install.js': `(0, child_process_1.execFileSync)('node', ['helper.js'])`, 'helper.js': `h`});
    assert.deepEqual(filesOf(run), [`helper.js`, `install.js`]);
  });
});
