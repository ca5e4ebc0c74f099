import assert from 'node:assert/strict';

import {analyzeEntries, analyzeInstall, installCommands, type FingerprintLimits, type InstallAnalysis} from '../../sources/installScripts/policy/fingerprint';

import {type Contents, memoryPackage} from './support/memoryPackage';

function analyse(scripts: Record<string, string>, contents: Contents, options: {listing?: boolean, limits?: FingerprintLimits} = {}): InstallAnalysis {
  const {commands} = installCommands(scripts, Object.prototype.hasOwnProperty.call(contents, `binding.gyp`));
  return analyzeInstall({commands, manifestScripts: scripts, manifest: {scripts}, files: memoryPackage(contents, options), limits: options.limits});
}

function filesOf(analysis: InstallAnalysis): Array<string> {
  return Object.keys(analysis.fingerprint.files).filter(key => !key.startsWith(`package.json#`));
}

const GYP_PYTHON = `binding.gyp: read by node-gyp's own gyp, Python code that is not analysed`;

describe(`analyzeInstall and code reached by a computed require`, () => {
  describe(`when a file loads its commands with require('./' + command), as node-gyp does`, () => {
    const contents: Contents = {
      'bin/node-gyp.js': `#!/usr/bin/env node\nrequire('../lib/node-gyp');\n`,
      'lib/node-gyp.js': `for (const command of commands) this[command] = argv => require('./' + command)(this, argv);\n`,
      'lib/build.js': `require('./util');\n`,
      'lib/configure.js': `require('../helpers/find-python');\n`,
      'lib/download.js': `fetch(url);\n`,
      'lib/util.js': `u`,
      'lib/data.json': `{}`,
      'lib/addon.node': Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
      'lib/notes.md': `not loadable`,
      'lib/nested/index.js': `n`,
      'lib/nested/deeper.js': `not picked by one computed name`,
      'helpers/find-python.js': `f`,
      'helpers/unused.js': `u`,
    };

    it(`includes every loadable file of lib/, follows them, and names the load among the limits`, () => {
      const analysis = analyzeEntries({entries: [{kind: `file`, path: `bin/node-gyp.js`}], manifest: {}, files: memoryPackage(contents)});
      assert.deepEqual(filesOf(analysis), [
        `bin/node-gyp.js`,
        `helpers/find-python.js`,
        `lib/addon.node`,
        `lib/build.js`,
        `lib/configure.js`,
        `lib/data.json`,
        `lib/download.js`,
        `lib/nested/index.js`,
        `lib/node-gyp.js`,
        `lib/util.js`,
      ]);
      assert.deepEqual(analysis.unresolved, [`lib/addon.node: a native addon, hashed; the shared libraries it loads are not followed`, `lib/node-gyp.js: require() with a computed argument: every file of lib/ is included`]);
    });

    it(`changes the fingerprint when a release changes a command file that nothing names literally`, () => {
      const before = analyzeEntries({entries: [{kind: `file`, path: `bin/node-gyp.js`}], manifest: {}, files: memoryPackage(contents)}).fingerprint;
      const after = analyzeEntries({entries: [{kind: `file`, path: `bin/node-gyp.js`}], manifest: {}, files: memoryPackage({...contents, 'lib/download.js': `fetch(evil);\n`})}).fingerprint;
      assert.notEqual(before.files[`lib/download.js`], after.files[`lib/download.js`]);
    });
  });

  describe(`when the computed argument starts with a literal directory`, () => {
    const forms: Array<[string, string]> = [
      [`require('./lib/' + name)`, `lib`],
      [`require("./lib/" + name + ".js")`, `lib`],
      [`require(\`./lib/\${name}\`)`, `lib`],
      [`require(path.join(__dirname, 'lib', name))`, `lib`],
      [`require(join(__dirname, name))`, `the package root`],
      [`require(__dirname + '/lib/' + name)`, `lib`],
      [`require(\`\${__dirname}/lib/\${name}\`)`, `lib`],
      [`require.resolve('./lib/' + name)`, `lib`],
      [`import(\`./lib/\${name}.mjs\`)`, `lib`],
    ];
    for (const [code, directory] of forms) {
      it(`includes the files of ${directory} for ${code}`, () => {
        const analysis = analyse({postinstall: `node install.js`}, {'install.js': `${code};\n`, 'lib/a.js': `a`, 'lib/b.mjs': `b`, 'other/c.js': `c`});
        const expected = directory === `lib` ? [`install.js`, `lib/a.js`, `lib/b.mjs`] : [`install.js`];
        assert.deepEqual(filesOf(analysis), expected);
        assert.equal(analysis.unresolved.length, 1);
        assert.match(analysis.unresolved[0], new RegExp(`^install\\.js: (?:require|require\\.resolve|import)\\(\\) with a computed argument: every file of ${directory === `lib` ? `lib/` : `the package root`} is included$`));
      });
    }

    it(`resolves the prefix from the requiring file's directory`, () => {
      const analysis = analyse({postinstall: `node scripts/install.js`}, {'scripts/install.js': `require('../tasks/' + task)`, 'tasks/a.js': `a`, 'scripts/tasks/decoy.js': `d`});
      assert.deepEqual(filesOf(analysis), [`scripts/install.js`, `tasks/a.js`]);
    });
  });

  describe(`when the prefix ends inside a name (require('./cmd-' + x))`, () => {
    it(`includes the files whose name starts with it, and everything below such subdirectories`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {
        'install.js': `require('./cmds/cmd-' + name)`,
        'cmds/cmd-a.js': `a`,
        'cmds/cmd-group/b.js': `b`,
        'cmds/cmd-group/deep/c.cjs': `c`,
        'cmds/other.js': `o`,
        'cmds/other/d.js': `d`,
      });
      assert.deepEqual(filesOf(analysis), [`cmds/cmd-a.js`, `cmds/cmd-group/b.js`, `cmds/cmd-group/deep/c.cjs`, `install.js`]);
      assert.deepEqual(analysis.unresolved, [`install.js: require() with a computed argument: every file of cmds/ whose name starts with cmd- is included, below such subdirectories too`]);
    });
  });

  describe(`when nothing literal leads the computed argument`, () => {
    it(`names the load as a limit and binds every file of the package, any of which it may load (outside attack round 7: B47)`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {'install.js': `require(name); require('x' + y); import(spec)`, 'lib/a.js': `a`, 'README.md': `r`});
      assert.deepEqual(filesOf(analysis), [`install.js`, `lib/a.js`]);
      assert.deepEqual(analysis.unresolved, [
        `install.js: import() with a computed argument, which may load any file, one outside the package too (not bound): every file of the package is hashed`,
        `install.js: require() with a computed argument, which may load any file, one outside the package too (not bound): every file of the package is hashed`,
      ]);
    });

    it(`refuses it when the package's files cannot be listed`, () => {
      assert.throws(() => analyse({postinstall: `node install.js`}, {'install.js': `require(name)`}, {listing: false}), /cannot be listed to bind them to the approval/);
    });
  });

  describe(`when the literal directory does not exist or leaves the package`, () => {
    it(`says so when the directory does not exist`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {'install.js': `require('./missing/' + x)`});
      assert.deepEqual(analysis.unresolved, [
        `install.js: require() with a computed argument: missing/ is not a directory of the package`,
      ]);
    });

    it(`refuses a load that leaves the package`, () => {
      assert.throws(() => analyse({postinstall: `node install.js`}, {'install.js': `require('../../' + x)`}), /install\.js loads \.\.\/\.\.\/, outside the package/);
    });
  });

  describe(`when the file view cannot list directories`, () => {
    it(`keeps the load as a plain limit`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {'install.js': `require('./lib/' + x)`, 'lib/a.js': `a`}, {listing: false});
      assert.deepEqual(filesOf(analysis), [`install.js`]);
      assert.deepEqual(analysis.unresolved, [`install.js: require() with a computed argument`]);
    });
  });

  describe(`when require() takes a path.join of literals only`, () => {
    it(`includes that file and reports no computed argument`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {'install.js': `require(path.join(__dirname, 'lib', 'a.js'))`, 'lib/a.js': `a`, 'lib/b.js': `b`});
      assert.deepEqual(filesOf(analysis), [`install.js`, `lib/a.js`]);
      assert.deepEqual(analysis.unresolved, []);
    });
  });

  describe(`when a hostile directory holds 10,000 files`, () => {
    const hostile = (name: (i: number) => string): Contents => {
      const contents: Contents = {'install.js': `require('./many/' + x)`};
      for (let i = 0; i < 10_000; i++)
        contents[`many/${name(i)}`] = `x`;
      return contents;
    };

    it(`fails on maxFiles quickly instead of hashing them all`, () => {
      const started = Date.now();
      assert.throws(() => analyse({postinstall: `node install.js`}, hostile(i => `f${i}.js`)), /500.*maxFiles/);
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    });

    it(`fails on maxLookups when the listing alone is too long, even of files it would skip`, () => {
      assert.throws(() => analyse({postinstall: `node install.js`}, hostile(i => `f${i}.txt`), {limits: {maxLookups: 5000}}), /maxLookups/);
    });

    it(`skips files Node would not load`, () => {
      const analysis = analyse({postinstall: `node install.js`}, hostile(i => `f${i}.txt`));
      assert.deepEqual(filesOf(analysis), [`install.js`]);
    });

    it(`lists a directory once however many requires name it, and scans near-matches quickly`, () => {
      const contents: Contents = {
        'install.js': `${`require('./lib/' + x);`.repeat(20_000)}${`spawn(`.repeat(50_000)}${`exec('node lib/a.js' + `.repeat(20_000)}require("child_process")`,
      };
      for (let i = 0; i < 100; i++)
        contents[`lib/f${i}.txt`] = `x`;
      contents[`lib/a.js`] = `a`;
      const files = memoryPackage(contents);
      const started = Date.now();
      const analysis = analyzeInstall({commands: {postinstall: `node install.js`}, manifestScripts: {postinstall: `node install.js`}, manifest: {}, files});
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
      assert.deepEqual(files.listed, [`lib`]);
      assert.deepEqual(filesOf(analysis), [`install.js`, `lib/a.js`]);
    });

    it(`fails on subdirectories nested deeper than a name prefix can justify`, () => {
      const contents: Contents = {'install.js': `require('./d' + x)`};
      contents[`${Array.from({length: 20}, () => `d`).join(`/`)}/x.js`] = `x`;
      assert.throws(() => analyse({postinstall: `node install.js`}, contents), /nested more than 16 directories/);
    });
  });
});

describe(`analyzeInstall and commands run from JavaScript`, () => {
  describe(`when install code spawns node-gyp`, () => {
    for (const code of [
      `require('child_process').spawn('node-gyp', ['rebuild'], {stdio: 'inherit'})`,
      `const cp = require('child_process'); cp.spawnSync('node-gyp', ['rebuild'])`,
      `const {exec} = require('node:child_process'); exec('node-gyp rebuild', function done() {})`,
      `childProcess.execSync("node-gyp rebuild")`,
      `import {execFile} from 'child_process'; execFile('node-gyp', ['rebuild'])`,
      `execFileSync('node-gyp', ['rebuild'])`,
      `const spawn = require('cross-spawn'); spawn.sync('node-gyp', ['rebuild'])`,
      `spawn('node-gyp rebuild', {shell: true})`,
    ]) {
      it(`reports node-gyp and hashes binding.gyp for ${code}`, () => {
        const analysis = analyse({install: `node install.js`}, {'install.js': code, 'binding.gyp': `{'targets': []}`});
        assert.deepEqual(analysis.commands, [`node`, `node-gyp`]);
        assert.deepEqual(filesOf(analysis), [`binding.gyp`, `install.js`]);
        assert.deepEqual(analysis.unresolved, [GYP_PYTHON]);
      });
    }
  });

  describe(`when install code runs package files through node`, () => {
    const contents: Contents = {
      'lib/install.js': [
        `const {execSync, spawn, fork} = require('child_process');`,
        `execSync('node ./tools/x.js --flag');`,
        `spawn(process.execPath, ['./build.js']);`,
        `spawn('node', [path.join(__dirname, 'worker.js'), 'arg']);`,
        `execSync(\`node \${__dirname}/gen.js\`);`,
        `fork('scripts/child');`,
      ].join(`\n`),
      'tools/x.js': `require('./y')`,
      'tools/y.js': `y`,
      'build.js': `b`,
      'lib/worker.js': `w`,
      'lib/gen.js': `g`,
      'scripts/child.js': `c`,
    };

    it(`hashes and follows each file they run`, () => {
      const analysis = analyse({postinstall: `node lib/install.js`}, contents);
      assert.deepEqual(filesOf(analysis), [`build.js`, `lib/gen.js`, `lib/install.js`, `lib/worker.js`, `scripts/child.js`, `tools/x.js`, `tools/y.js`]);
      assert.deepEqual(analysis.commands, [`node`]);
      assert.deepEqual(analysis.unresolved, []);
    });
  });

  describe(`when the command or its arguments are built at run time`, () => {
    it(`names each call among the limits`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {
        'install.js': [
          `const cp = require('child_process');`,
          `cp.spawn(args[0], args.slice(1));`,
          `cp.execSync(\`\${tool} build\`);`,
          `cp.spawn('sh', ['-c', command]);`,
          `cp.fork(script);`,
        ].join(`\n`),
      });
      assert.deepEqual(analysis.unresolved, [
        `install.js: forks a module chosen at run time`,
        `install.js: spawn("sh", …) with arguments built at run time`,
        `install.js: spawns a command built at run time`,
      ]);
      assert.deepEqual(analysis.commands, [`node`, `sh`]);
    });
  });

  describe(`when exec and fork are methods of something else`, () => {
    it(`does not read RegExp#exec, a database's exec or cluster.fork as commands`, () => {
      const analysis = analyse({postinstall: `node install.js`}, {'install.js': `/x/.exec(line); db.exec('CREATE TABLE t'); re.exec(s); cluster.fork(); exec('rm -rf /')`});
      assert.deepEqual(analysis.commands, [`node`]);
      assert.deepEqual(analysis.unresolved, []);
    });
  });
});

describe(`analyzeInstall and packages located by their package.json`, () => {
  it(`reports their names in packageRoots, and the specifiers in modules`, () => {
    const analysis = analyse({install: `node bin.js`}, {
      // How node-gyp-build finds node-gyp, then spawns its bin by a computed path.
      'bin.js': [
        `var proc = require('child_process');`,
        `var args = ['node-gyp', 'rebuild'];`,
        `try {`,
        `  var pkg = require('node-gyp/package.json');`,
        `  args = [process.execPath, path.join(require.resolve('node-gyp/package.json'), '..', pkg.bin), 'rebuild'];`,
        `} catch (_) {}`,
        `proc.spawn(args[0], args.slice(1), {stdio: 'inherit'});`,
        `require.resolve("@scope/tool/package.json");`,
        `require('other/lib/x.js');`,
      ].join(`\n`),
    });
    assert.deepEqual(analysis.packageRoots, [`@scope/tool`, `node-gyp`]);
    assert.deepEqual(analysis.modules, [`@scope/tool/package.json`, `node-gyp/package.json`, `other/lib/x.js`]);
    assert.deepEqual(analysis.unresolved, [`bin.js: spawns a command built at run time`]);
  });

  it(`is present and empty when no code locates a package`, () => {
    assert.deepEqual(analyse({install: `node bin.js`}, {'bin.js': `require('a')`}).packageRoots, []);
  });
});

describe(`analyzeInstall and Python`, () => {
  it(`names gyp actions and install commands that run Python, and hashes the scripts they name`, () => {
    const analysis = analyse({preinstall: `python3 tools/check.py --fast`}, {
      'binding.gyp': `{'targets': [{'actions': [{'action_name': 'gen', 'action': ['python', 'tools/gen.py', '<(module_root_dir)/src']}]}], 'v': '<!pymod_do_main(helper)'}`,
      'tools/gen.py': `print(1)`,
      'tools/check.py': `print(2)`,
    });
    assert.deepEqual(filesOf(analysis), [`binding.gyp`, `tools/check.py`, `tools/gen.py`]);
    assert.deepEqual(analysis.unresolved, [
      `binding.gyp: <!pymod_do_main(helper) imports a module that is not a file beside it`,
      `binding.gyp: <!pymod_do_main(helper) runs Python code: its module is hashed, what that imports is not analysed`,
      GYP_PYTHON,
      `binding.gyp: runs Python (python tools/gen.py ./src), which is not analysed; the files it names and the Python modules of the folder it imports from are hashed`,
      `preinstall: runs Python (python3 tools/check.py --fast), which is not analysed; the files it names and the Python modules of the folder it imports from are hashed`,
    ]);
  });

  it(`hashes the modules beside the script, which Python imports before its own (a json.py shadows json)`, () => {
    const analysis = analyse({postinstall: `python3 tools/gen.py`}, {'tools/gen.py': `import json`, 'tools/json.py': `evil`, 'tools/sub/__init__.py': `p`, 'tools/notes.txt': `n`, 'other.py': `o`});
    assert.deepEqual(filesOf(analysis).sort(), [`tools/gen.py`, `tools/json.py`, `tools/sub/__init__.py`]);
  });

  it(`hashes the working folder's modules for python -m and -c, and PYTHONPATH's`, () => {
    const contents = {'json.py': `evil`, 'lib/site.py': `s`, 'README.md': `r`};
    assert.deepEqual(filesOf(analyse({postinstall: `python -m tool`}, contents)).sort(), [`json.py`, `lib/site.py`]);
    assert.deepEqual(filesOf(analyse({postinstall: `python3 -c 'import json'`}, contents)).sort(), [`json.py`, `lib/site.py`]);
    assert.deepEqual(filesOf(analyse({postinstall: `cd lib && PYTHONPATH=. python3 /usr/bin/x`}, contents)).sort(), [`lib/site.py`]);
  });

  it(`takes python -m pip install as an install from a registry`, () => {
    assert.deepEqual(analyse({postinstall: `python3 -m pip install evil`}, {}).registryInstalls, [`postinstall: python3 -m pip install evil`]);
  });
});

describe(`commands that run what the package decides at run time (outside attack, 2026-12-04)`, () => {
  it(`hashes the Makefile that make runs and states that its recipes are not analysed`, () => {
    const analysis = analyse({install: `make`}, {Makefile: `all:\n\tnode evil.js\n`, 'evil.js': `e`});
    assert.deepEqual(filesOf(analysis), [`Makefile`]);
    assert.ok(analysis.unresolved.some(line => /install: runs make; Makefile and the makefiles it includes are hashed and read only for the bins and node_modules files they name/.test(line)), analysis.unresolved.join(`\n`));
    const missing = analyse({install: `make`}, {'index.js': `i`});
    assert.ok(missing.unresolved.some(line => /no makefile of the package was found/.test(line)), missing.unresolved.join(`\n`));
  });

  it(`hashes the makefiles a makefile includes, from make's folder and its -I folders, and names the ones it cannot`, () => {
    const analysis = analyse({install: `make -C native -I ../mk`}, {
      'native/Makefile': `include rules.mk\n-include $(ARCH).mk\nsinclude \\\n  extra.mk\ninclude common.mk missing.mk\nall:\n\tnode x.js\n`,
      'native/rules.mk': `include rules.mk\n`,
      'native/extra.mk': `e`,
      'mk/common.mk': `c`,
      'Makefile': `decoy`,
    });
    assert.deepEqual(filesOf(analysis).sort(), [`mk/common.mk`, `native/Makefile`, `native/extra.mk`, `native/rules.mk`]);
    assert.deepEqual(analysis.unresolved.filter(line => line.startsWith(`native/Makefile`)), [
      `native/Makefile: includes $(ARCH).mk, a name make builds when it runs: not followed`,
      `native/Makefile: includes missing.mk, which is not a file of the package (make may build it, or find it outside)`,
    ]);
  });

  it(`reads the makefile -f names (after -C) instead of the folder's Makefile`, () => {
    const analysis = analyse({install: `make -Cbuild -f ../other.mk && gmake --file=nope.mk`}, {'Makefile': `m`, 'build/Makefile': `b`, 'other.mk': `o`});
    assert.deepEqual(filesOf(analysis).sort(), [`other.mk`]);
    assert.ok(analysis.unresolved.some(line => line === `install: gmake -f nope.mk is not a file of the package, so what it runs is not known`), analysis.unresolved.join(`\n`));
  });

  it(`states that find -exec and xargs run files chosen at run time`, () => {
    for (const command of [`find setup.d -name '*.js' | xargs -n1 node`, `find . -name '*.js' -exec node {} \\;`]) {
      const analysis = analyse({postinstall: command}, {'setup.d/a.js': `a`});
      assert.ok(analysis.unresolved.some(line => /runs a command on files chosen at run time, which are not followed/.test(line)), `${command}: ${analysis.unresolved.join(`\n`)}`);
    }
  });

  it(`follows the node options of a shebang line of a file the script runs directly`, () => {
    const analysis = analyse({postinstall: `./setup.js`}, {'setup.js': `#!/usr/bin/env -S node --require ./hook.js\nconsole.log(1);\n`, 'hook.js': `h`, 'other.js': `o`});
    assert.deepEqual(filesOf(analysis).sort(), [`hook.js`, `setup.js`]);
    const plainShebang = analyse({postinstall: `./setup.js`}, {'setup.js': `#!/usr/bin/env node\nconsole.log(1);\n`, 'hook.js': `h`});
    assert.deepEqual(filesOf(plainShebang), [`setup.js`]);
  });

  it(`hashes every file an unquoted glob matches, so that a release adding a match changes the fingerprint`, () => {
    const before = analyse({postinstall: `node ./setup[1].js`}, {'setup[1].js': `a`, 'other.js': `o`});
    assert.deepEqual(filesOf(before), [`setup[1].js`]);
    assert.ok(before.unresolved.some(line => /\.\/setup\[1\]\.js is a glob the shell expands when the script runs; the 0 file\(s\) it matches now are hashed/.test(line)), before.unresolved.join(`\n`));
    const after = analyse({postinstall: `node ./setup[1].js`}, {'setup[1].js': `a`, 'setup1.js': `evil`});
    assert.deepEqual(filesOf(after).sort(), [`setup1.js`, `setup[1].js`]);
    assert.deepEqual(filesOf(analyse({postinstall: `node lib/*.js`}, {'lib/a.js': `a`, 'lib/b.js': `b`, 'lib/c.txt': `c`, 'lib/sub/d.js': `d`})).sort(), [`lib/a.js`, `lib/b.js`]);
    assert.deepEqual(filesOf(analyse({postinstall: `node 'setup[1].js'`}, {'setup[1].js': `a`, 'setup1.js': `evil`})), [`setup[1].js`]);
    assert.deepEqual(filesOf(analyse({postinstall: `./run-?.sh`}, {'run-a.sh': `a`, 'run-bb.sh': `b`})), [`run-a.sh`]);
  });
});

describe(`analyzeInstall and files that code names without ./ (outside attack #9)`, () => {
  describe(`when install code evaluates a file it reads by a bare name`, () => {
    const contents = {
      'setup.js': `const fs = require('fs');\nnew Function('require', fs.readFileSync('helper.js', 'utf8'))(require);`,
      'helper.js': `require('./more.js')`,
      'more.js': `more`,
      'unrelated.js': `x`,
    };

    it(`hashes the file it names, and follows it as code; every other file too, since the text may come from any (outside attack round 7: B69)`, () => {
      const analysis = analyse({postinstall: `node setup.js`}, contents);
      assert.deepEqual(filesOf(analysis).sort(), [`helper.js`, `more.js`, `setup.js`, `unrelated.js`]);
    });

    it(`names the evaluation among the limits`, () => {
      const analysis = analyse({postinstall: `node setup.js`}, contents);
      assert.deepEqual(analysis.unresolved, [`setup.js: new Function() evaluates text built at run time; what it reads from outside the package is not followed: every file of the package is hashed`, `setup.js: require is used as a value (stored, passed on or bound), so what it loads is not followed`]);
    });

    it(`makes a release that changes only the named file a new fingerprint`, () => {
      const before = analyse({postinstall: `node setup.js`}, contents);
      const after = analyse({postinstall: `node setup.js`}, {...contents, 'helper.js': `require('fs').writeFileSync('/tmp/x', '')`});
      assert.notEqual(before.fingerprint.files[`helper.js`], after.fingerprint.files[`helper.js`]);
    });
  });

  describe(`when vm runs a file read from the script's own folder`, () => {
    it(`hashes the file beside the script and the one at the root of the same name`, () => {
      const analysis = analyse({postinstall: `node lib/setup.js`}, {
        'lib/setup.js': `require('vm').runInThisContext(fs.readFileSync(path.join(__dirname, 'c.js')) + fs.readFileSync('c.js'))`,
        'lib/c.js': `beside`,
        'c.js': `root`,
      });
      assert.deepEqual(filesOf(analysis).sort(), [`c.js`, `lib/c.js`, `lib/setup.js`]);
      assert.deepEqual(analysis.unresolved, [`lib/setup.js: runInThisContext() evaluates text built at run time; what it reads from outside the package is not followed: every file of the package is hashed`]);
    });
  });

  describe(`when a named file is not in the package, or is data`, () => {
    it(`includes nothing more and reports nothing`, () => {
      const analysis = analyse({postinstall: `node setup.js`}, {
        'setup.js': `console.log('see README.md and missing.js'); const t = 'logo.png';`,
        'README.md': `docs`,
        'logo.png': `png`,
      });
      assert.deepEqual(filesOf(analysis), [`setup.js`]);
      assert.deepEqual(analysis.unresolved, []);
    });
  });

  describe(`when eval takes a literal only, or is a method of another object`, () => {
    it(`reports no evaluation`, () => {
      const analysis = analyse({postinstall: `node setup.js`}, {'setup.js': `regex.exec(x); obj.eval(y); eval("1 + 1");`});
      assert.deepEqual(analysis.unresolved, []);
      // `new Function('return this')` evaluates no code a release can change unseen, but it hands out
      // the global object, through which the environment of started processes can be written (round 62).
      const global = analyse({postinstall: `node setup.js`}, {'setup.js': `const g = new Function('return this')();`});
      assert.deepEqual(global.unresolved.map(line => line.replace(/:.*/, ``)), [`setup.js`]);
      assert.match(global.unresolved[0], /sets variables named at run time/);
    });
  });
});

describe(`analyzeInstall and what binding.gyp makes make run (outside attacks #14, #15)`, () => {
  describe(`when <!pymod_do_main(helper) names a module beside binding.gyp`, () => {
    const contents = {
      'binding.gyp': `{'variables': {'helper_out': '<!pymod_do_main(helper)'}, 'targets': [{'target_name': 'noop', 'type': 'none'}]}`,
      'helper.py': `def DoMain(args): return "ok"`,
    };

    it(`hashes helper.py, and says that what it imports is not analysed`, () => {
      const analysis = analyse({}, contents);
      assert.deepEqual(filesOf(analysis), [`binding.gyp`, `helper.py`]);
      assert.deepEqual(analysis.unresolved, [
        `binding.gyp: <!pymod_do_main(helper) runs Python code: its module is hashed, what that imports is not analysed`,
        GYP_PYTHON,
      ]);
    });

    it(`makes a release that changes only helper.py a new fingerprint`, () => {
      const before = analyse({}, contents);
      const after = analyse({}, {...contents, 'helper.py': `open("/tmp/x", "w").close()\ndef DoMain(args): return "ok"`});
      assert.notEqual(before.fingerprint.files[`helper.py`], after.fingerprint.files[`helper.py`]);
    });

    it(`finds a dotted module as a package folder`, () => {
      const analysis = analyse({}, {'binding.gyp': `{'v': '<!pymod_do_main(tools.detect --x)'}`, 'tools/detect/__init__.py': `pass`});
      assert.deepEqual(filesOf(analysis), [`binding.gyp`, `tools/detect/__init__.py`]);
    });
  });

  describe(`when make_global_settings sets CC to a script of the package`, () => {
    const contents = {
      'binding.gyp': `{'make_global_settings': [['CC', '../tools/cc.sh'], ['LINK', 'tools/link.js']], 'targets': [{'target_name': 'lib', 'type': 'static_library', 'sources': ['x.c']}]}`,
      'tools/cc.sh': `#!/bin/sh\nexec gcc "$@"`,
      'tools/link.js': `require('./more.js')`,
      'tools/more.js': `more`,
      'x.c': `int f(void){return 1;}`,
    };

    it(`hashes the script that make runs from build/, and follows JavaScript`, () => {
      const analysis = analyse({}, contents);
      assert.deepEqual(filesOf(analysis).sort(), [`binding.gyp`, `tools/cc.sh`, `tools/link.js`, `tools/more.js`]);
      assert.ok(analysis.unresolved.includes(`tools/cc.sh: executable that is not JavaScript, hashed and read only for the bins and node_modules files it names (a command it builds at run time is not followed)`));
    });

    it(`makes a release that changes only the compiler script a new fingerprint`, () => {
      const before = analyse({}, contents);
      const after = analyse({}, {...contents, 'tools/cc.sh': `#!/bin/sh\n: > /tmp/pwned\nexec gcc "$@"`});
      assert.notEqual(before.fingerprint.files[`tools/cc.sh`], after.fingerprint.files[`tools/cc.sh`]);
    });
  });

  describe(`when make_global_settings names a tool outside the package`, () => {
    it(`names it among the limits`, () => {
      const analysis = analyse({}, {'binding.gyp': `{'make_global_settings': [['CXX', '/usr/bin/clang++'], ['CC', '<(clang_dir)/bin/clang']]}`});
      assert.deepEqual(analysis.unresolved.filter(line => line.includes(`make_global_settings`)), [
        `binding.gyp: make_global_settings sets CC to $GYP_clang_dir/bin/clang, which is not a file of the package: make runs what it finds there at build time`,
        `binding.gyp: make_global_settings sets CXX to /usr/bin/clang++, which is not a file of the package: make runs what it finds there at build time`,
      ]);
    });
  });
});

describe(`analyzeInstall and paths through node_modules (outside attack R1: A4, A22, B35)`, () => {
  it(`takes node node_modules/dep/cli.js as the dependency's file, never as the package's own`, () => {
    const analysis = analyse({postinstall: `node node_modules/dep/cli.js`}, {'node_modules/dep/cli.js': `evil`});
    assert.deepEqual(analysis.dependencyFiles, [`dep/cli.js`]);
    assert.deepEqual(filesOf(analysis), []);
  });

  it(`does the same for a require that reaches into node_modules, scoped names included`, () => {
    const analysis = analyse({postinstall: `node scripts/rel.js`}, {
      'scripts/rel.js': `require('../node_modules/dep/index.js'); require('../node_modules/@s/tool/lib/run.js');`,
      'node_modules/dep/index.js': `evil`,
    });
    assert.deepEqual(analysis.dependencyFiles, [`@s/tool/lib/run.js`, `dep/index.js`]);
    assert.deepEqual(filesOf(analysis), [`scripts/rel.js`]);
  });

  it(`takes a dependency's folder (require('./node_modules/dep/'), node node_modules/dep) as requiring it by name`, () => {
    const analysis = analyse({postinstall: `node node_modules/@s/tool && node lib/a.js`}, {'lib/a.js': `require('../node_modules/dep/')`});
    assert.deepEqual(analysis.modules, [`@s/tool`, `dep`]);
    assert.deepEqual(analysis.unresolved, []);
  });

  it(`follows a path that climbs out of the package into a node_modules folder (a child workspace) instead of refusing it`, () => {
    const analysis = analyse({postinstall: `node ../../node_modules/dep/cli.js && node lib/a.js`}, {'lib/a.js': `require('../../../node_modules/other/x.js')`});
    assert.deepEqual(analysis.dependencyFiles, [`dep/cli.js`, `other/x.js`]);
  });
});

describe(`analyzeInstall and the GYP files node-gyp reads besides binding.gyp (outside attack round 4: G1, G22, G24)`, () => {
  it(`follows a target's dependencies on another GYP file, and what that file expands`, () => {
    const analysis = analyse({}, {
      'binding.gyp': `{'targets': [{'target_name': 'a', 'dependencies': ['sub/sub.gyp:s', '<(DEPTH)/other.gyp:o']}]}`,
      'sub/sub.gyp': `{'targets': [{'target_name': 's', 'sources': ['<!(node gen.js)']}]}`,
      'sub/gen.js': `gen`,
      'other.gyp': `{'targets': [{'target_name': 'o'}]}`,
    });
    assert.deepEqual(filesOf(analysis).sort(), [`binding.gyp`, `other.gyp`, `sub/gen.js`, `sub/sub.gyp`]);
  });

  it(`reads the binding.gyp of node-gyp's --directory, -C, or working directory`, () => {
    const contents = {'sub/binding.gyp': `{'variables': {'x': '<!(node gen.js)'}}`, 'sub/gen.js': `gen`};
    for (const install of [`node-gyp rebuild --directory=sub`, `node-gyp rebuild -C sub`, `cd sub && node-gyp rebuild`]) {
      const analysis = analyse({install}, contents);
      assert.deepEqual(filesOf(analysis).sort(), [`sub/binding.gyp`, `sub/gen.js`], install);
    }
  });

  it(`reads the common.gypi of a --nodedir inside the package`, () => {
    const analysis = analyse({install: `node-gyp rebuild --nodedir=nd`}, {
      'binding.gyp': `{'targets': []}`,
      'nd/include/node/common.gypi': `{'variables': {'x': '<!(node tools/gen.js)'}}`,
      'tools/gen.js': `gen`,
    });
    assert.deepEqual(filesOf(analysis).sort(), [`binding.gyp`, `nd/include/node/common.gypi`, `tools/gen.js`]);
  });
});

describe(`analyzeInstall and package managers run in another folder (outside attack round 4: DP1-DP3, W70-W75)`, () => {
  const contents = {'sub/package.json': JSON.stringify({scripts: {x: `node run.js`}}), 'sub/run.js': `run`};

  it(`follows the script of that folder's package.json, and hashes that manifest`, () => {
    for (const postinstall of [`npm run x --prefix sub`, `cd sub && npm run x`, `npm --prefix sub run x`, `yarn --cwd sub x`, `pnpm -C sub run x`]) {
      const analysis = analyse({postinstall}, contents);
      assert.deepEqual(filesOf(analysis).sort(), [`sub/package.json`, `sub/run.js`], postinstall);
    }
  });

  it(`names a script it cannot find, and reports a folder outside the package as running other packages' code (round 12, F19)`, () => {
    assert.deepEqual(analyse({postinstall: `npm run y --prefix sub`}, contents).unresolved, [`postinstall: npm runs y in sub, which has no package.json script of that name: not followed`]);
    const outside = analyse({postinstall: `yarn --cwd ../other build`}, contents);
    assert.deepEqual(outside.unresolved, []);
    assert.ok(outside.foreignRuns.includes(`postinstall: yarn build (in a folder outside the package)`), outside.foreignRuns.join(`\n`));
  });

  it(`reports npm rebuild, which runs installed packages' install scripts past the gate (round 12, F18)`, () => {
    assert.ok(analyse({postinstall: `npm rebuild zqdenied`}, contents).foreignRuns.includes(`postinstall: npm rebuild zqdenied`));
    assert.ok(analyse({postinstall: `cd ../zqsib && npm run go`}, contents).foreignRuns.includes(`postinstall: npm run go (in a folder outside the package)`));
  });

  it(`names the scripts of the project's workspaces that yarn workspace(s) runs, for the caller to follow`, () => {
    const cases: Array<[string, Array<string>]> = [
      [`yarn workspaces foreach -A run setup`, [`*#\0yarn run setup`]],
      [`yarn workspaces foreach --all --include '@app/*' -pt run build`, [`*#\0yarn run build`]],
      [`yarn workspace @app/tools run prepare`, [`@app/tools#\0yarn run prepare`]],
      // Without `run`, Yarn runs the workspace's script or bin of that name: followed as `yarn setup` there.
      [`yarn workspace tools setup && yarn workspace other run x`, [`other#\0yarn run x`, `tools#\0yarn setup`]],
      // Yarn's other commands run in that folder too (round 16, G1, G7, G17).
      [`yarn workspace tools exec node x.js`, [`tools#\0yarn exec node x.js`]],
      [`yarn workspace tools node x.js`, [`tools#\0yarn node x.js`]],
      [`yarn workspaces foreach -A exec make`, [`*#\0yarn exec make`]],
    ];
    for (const [postinstall, expected] of cases) {
      const analysis = analyse({postinstall}, contents);
      assert.deepEqual(analysis.workspaceScripts, expected, postinstall);
      assert.deepEqual(analysis.unresolved, [], postinstall);
    }
  });

  it(`names as limits what yarn workspace(s) runs that it cannot tell`, () => {
    for (const postinstall of [`yarn workspaces list`, `yarn workspace tools`]) {
      const analysis = analyse({postinstall}, contents);
      assert.deepEqual(analysis.workspaceScripts, [], postinstall);
      assert.equal(analysis.unresolved.length, 1, postinstall);
      assert.match(analysis.unresolved[0], /runs something in other workspaces that is not followed/, postinstall);
    }
  });
});

describe(`analyzeInstall and code it cannot read (outside attack round 4: DP7b, D12b)`, () => {
  it(`names inline code that node --import loads from a data: URL`, () => {
    const analysis = analyse({postinstall: `node --import "data:text/javascript,await import('./x.mjs')" install.js`}, {'install.js': `i`});
    assert.deepEqual(analysis.unresolved, [`postinstall: loads inline code (data:text/javascript,await import('./x.mjs')), which is not analysed`]);
  });

  it(`names the shared libraries a native addon loads as a limit`, () => {
    const analysis = analyse({postinstall: `node install.js`}, {'install.js': `require('./addon.node')`, 'addon.node': Buffer.from([0x7f, 0x45, 0x4c, 0x46])});
    assert.deepEqual(analysis.unresolved, [`addon.node: a native addon, hashed; the shared libraries it loads are not followed`]);
  });
});

describe(`analyzeInstall and compiler flags that name a file of the package (outside attack round 4: G3)`, () => {
  const gyp = `{'targets': [{'target_name': 'a', 'cflags': ['-wrapper', '/bin/sh,<(module_root_dir)/tools/w.sh', '-O2'], 'xcode_settings': {'OTHER_CFLAGS': ['-fplugin=tools/plugin.so']}, 'sources': ['a.cc']}]}`;
  const contents = {'binding.gyp': gyp, 'tools/w.sh': `#!/bin/sh\\nexec "$@"`, 'tools/plugin.so': `elf`, 'a.cc': `int a;`};

  it(`hashes the files that the flags name, and leaves the sources alone`, () => {
    const analysis = analyse({}, contents);
    assert.deepEqual(filesOf(analysis).sort(), [`binding.gyp`, `tools/plugin.so`, `tools/w.sh`]);
  });

  it(`makes a release that changes only such a file a new fingerprint`, () => {
    const before = analyse({}, contents);
    const after = analyse({}, {...contents, 'tools/w.sh': `#!/bin/sh\\n: > /tmp/pwned\\nexec "$@"`});
    assert.notEqual(before.fingerprint.files[`tools/w.sh`], after.fingerprint.files[`tools/w.sh`]);
  });
});

describe(`analyzeInstall and a node_modules path that names no one dependency's file`, () => {
  it(`names it among the limits instead of passing it silently`, () => {
    const analysis = analyse({postinstall: `node node_modules/zqdep`}, {});
    assert.deepEqual(analysis.dependencyFiles, []);
    assert.deepEqual(analysis.modules, [`zqdep`]);
    const folder = analyse({postinstall: `cat node_modules/@zq/`}, {});
    assert.deepEqual(folder.unresolved, [`node_modules/@zq: under node_modules, but not a file of one dependency, so what it runs is not followed`]);
  });

  it(`takes node_modules/.bin/tool for the bin tool the linker links there (round 13, R4)`, () => {
    const analysis = analyse({postinstall: `node node_modules/.bin/tool`}, {});
    assert.deepEqual(analysis.dependencyFiles, []);
    assert.deepEqual(analysis.unresolved, []);
    assert.ok(analysis.commands.includes(`dotbin:tool`));
  });
});

describe(`analyzeInstall and commands that pick or fetch what runs (outside attack round 6: A3, A9, A10, A13, A17, A19, A24)`, () => {
  it(`follows npm's default start (node server.js) when the package has no start script`, () => {
    for (const postinstall of [`npm start`, `npm restart`, `pnpm start`]) {
      const analysis = analyse({postinstall}, {'server.js': `require('./lib.js');`, 'lib.js': `x`});
      assert.deepEqual(filesOf(analysis).sort(), [`lib.js`, `server.js`], postinstall);
    }
    const own = analyse({postinstall: `npm start`, start: `node own.js`}, {'server.js': `s`, 'own.js': `o`});
    assert.deepEqual(filesOf(own).sort(), [`own.js`]);
  });

  it(`follows the scripts that packing runs (prepack, prepare, postpack)`, () => {
    for (const postinstall of [`npm pack`, `npm publish --dry-run`, `yarn pack`, `pnpm pack`]) {
      const analysis = analyse({postinstall, prepare: `node prep.js`, prepack: `node pre.js`, postpack: `node post.js`}, {'prep.js': `p`, 'pre.js': `q`, 'post.js': `r`});
      assert.deepEqual(filesOf(analysis).sort(), [`post.js`, `pre.js`, `prep.js`], postinstall);
    }
  });

  it(`names a package manager that installs from a registry while the install runs`, () => {
    for (const postinstall of [
      `npm install --no-save left-pad`, `npm i`, `npm ci`, `yarn add left-pad`, `pnpm add left-pad`, `npm --prefix sub install`,
      `yarn`, `yarn --cwd sub`, `yarn dlx tool`, `pnpm dlx tool`, `npm exec --package=tool -- tool`, `npm x -p tool tool`, `npm exec tool@1.2.3`,
      `npx -p tool tool`, `npx --package tool tool`, `npx tool@latest`, `FOO=1 npx -y tool@2`,
    ]) {
      const analysis = analyse({postinstall}, {'sub/package.json': `{}`});
      assert.equal(analysis.registryInstalls.length, 1, postinstall);
      assert.match(analysis.registryInstalls[0], /^postinstall: (FOO=1 )?(npm|yarn|pnpm|npx)\b/, postinstall);
    }
    assert.deepEqual(analyse({postinstall: `npm run build`, build: `node b.js`}, {'b.js': `b`}).registryInstalls, []);
    for (const postinstall of [`yarn --version`, `yarn -v`, `yarn --help`])
      assert.deepEqual(analyse({postinstall}, {}).registryInstalls, [], postinstall);
    // `npm exec tool` is npx: the caller knows whether a dependency provides tool.
    const exec = analyse({postinstall: `npm exec tool && yarn exec node x.js`}, {'x.js': `x`});
    assert.deepEqual(exec.registryInstalls, []);
    assert.ok(exec.commands.includes(`npx:tool`), exec.commands.join(`, `));
  });

  it(`hashes the .npmrc and Yarn settings of the folder a package manager runs a script in`, () => {
    const analysis = analyse({postinstall: `npm run --prefix sub x`}, {'sub/package.json': JSON.stringify({scripts: {x: `node x.js`}}), 'sub/.npmrc': `node-options=--require=./hook.js`, 'sub/x.js': `x`});
    assert.ok(filesOf(analysis).includes(`sub/.npmrc`), filesOf(analysis).join(`, `));
  });

  it(`follows env -C into the folder it runs the command in, and env -S's split string`, () => {
    const contents = {'sub/x.js': `require('./y')`, 'sub/y.js': `y`, 'x.js': `decoy`, 'hook.js': `h`};
    for (const postinstall of [`env -C sub node x.js`, `env --chdir=sub node x.js`, `env -i -Csub FOO=1 node x.js`, `env --chdir sub -u HOME node x.js`])
      assert.deepEqual(filesOf(analyse({postinstall}, contents)).sort(), [`sub/x.js`, `sub/y.js`], postinstall);
    assert.deepEqual(filesOf(analyse({postinstall: `env -S 'node --require ./hook.js' sub/x.js`}, contents)).sort(), [`hook.js`, `sub/x.js`, `sub/y.js`]);
    assert.ok(analyse({postinstall: `env -C /tmp node x.js`}, contents).unresolved.includes(`postinstall: env -C /tmp leaves the package; later paths are looked up from its root`));
  });

  it(`follows the test files node --test finds itself, and only those`, () => {
    const analysis = analyse({postinstall: `node --test`}, {
      'test/a.js': `require('../lib/helper')`, 'lib/helper.js': `h`, 'lib/x.test.mjs': `t`, 'lib/test-y.cjs': `t`, 'lib/z_test.js': `t`, 'test.js': `t`,
      'lib/other.js': `o`, 'lib/testing.js': `o`, 'node_modules/dep/test.js': `d`,
    });
    assert.deepEqual(filesOf(analysis).sort(), [`lib/helper.js`, `lib/test-y.cjs`, `lib/x.test.mjs`, `lib/z_test.js`, `test.js`, `test/a.js`]);
    assert.deepEqual(filesOf(analyse({postinstall: `node --test spec/only.js`}, {'spec/only.js': `s`, 'test.js': `t`})), [`spec/only.js`]);
  });
});

describe(`analyzeInstall and loads that text patterns miss (outside attack round 6: A2)`, () => {
  const cases: Array<[string, string]> = [
    [`an escape in the string`, `require('h2-\\u0065sc');`],
    [`a braced escape in the string`, `require('h2-\\u{65}sc');`],
    [`a hex escape in the string`, `require('h2-\\x65sc');`],
    [`an escape in the identifier`, `\\u0072equire('h2-esc');`],
    [`a comment between the call and its string`, `require(/* c */ 'h2-esc');`],
    [`a line comment between the call and its string`, `require( // c\n'h2-esc');`],
    [`eval of the name require`, `eval('require')('h2-esc');`],
    [`a destructured _load`, `const {_load} = require('module'); _load('h2-esc', module);`],
  ];
  for (const [what, code] of cases) {
    it(`follows a require written with ${what}`, () => {
      const analysis = analyse({postinstall: `node i.js`}, {'i.js': code});
      assert.ok(analysis.modules.includes(`h2-esc`), `${code}: ${analysis.modules.join(`, `)} | ${analysis.unresolved.join(` | `)}`);
    });
  }

  it(`keeps what the text as written shows when a comment opener sits inside a string`, () => {
    const analysis = analyse({postinstall: `node i.js`}, {'i.js': `const a = '/*'; require('h2-esc'); const b = '*/';`});
    assert.ok(analysis.modules.includes(`h2-esc`));
  });
});
