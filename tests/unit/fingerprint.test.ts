import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';

import {
  INSTALL_EVENTS,
  analyzeInstall,
  computeFingerprint,
  diffFingerprints,
  installCommands,
  sameFingerprint,
  type FingerprintLimits,
  type InstallFingerprint,
} from '../../sources/installScripts/policy/fingerprint';

import {type Contents, memoryPackage} from './support/memoryPackage';

function sha(content: string | Buffer): string {
  return `sha512-${createHash(`sha512`).update(content).digest(`base64`)}`;
}

/** Fingerprint a package the way the plugin will: commands from the manifest, binding.gyp from the files. */
function fingerprintOf(scripts: Record<string, string>, contents: Contents, limits?: FingerprintLimits): InstallFingerprint {
  const files = memoryPackage(contents, {listing: false});
  const {commands} = installCommands(scripts, Object.prototype.hasOwnProperty.call(contents, `binding.gyp`));
  return computeFingerprint({commands, manifestScripts: scripts, files, limits});
}

/** The package files hashed; the `package.json#…` field records have tests of their own (fingerprintResolution.test.ts). */
function filesOf(scripts: Record<string, string>, contents: Contents): Array<string> {
  return Object.keys(fingerprintOf(scripts, contents).files).filter(key => !key.startsWith(`package.json#`));
}

/** How a consulted but absent manifest field is recorded. */
const ABSENT = sha(`null`);

describe(`installCommands`, () => {
  for (const event of INSTALL_EVENTS) {
    describe(`when the manifest has only a ${event} script`, () => {
      it(`returns that command alone`, () => {
        const result = installCommands({[event]: `node ${event}.js`, build: `tsc`}, false);
        assert.deepEqual(result, {commands: {[event]: `node ${event}.js`}, implicitNodeGyp: false});
      });
    });
  }

  describe(`when the manifest has every install event and unrelated scripts`, () => {
    it(`returns the three events and nothing else`, () => {
      const result = installCommands({prepare: `husky`, postinstall: `c`, test: `mocha`, install: `b`, preinstall: `a`}, false);
      assert.deepEqual(result.commands, {preinstall: `a`, install: `b`, postinstall: `c`});
      assert.equal(result.implicitNodeGyp, false);
    });
  });

  describe(`when the package ships binding.gyp and has no install script`, () => {
    it(`adds node-gyp rebuild as the install step`, () => {
      const result = installCommands({postinstall: `node post.js`}, true);
      assert.deepEqual(result, {commands: {install: `node-gyp rebuild`, postinstall: `node post.js`}, implicitNodeGyp: true});
    });
  });

  describe(`when the package ships binding.gyp and has an install script`, () => {
    it(`keeps the install script and adds no node-gyp`, () => {
      const result = installCommands({install: `prebuild-install`}, true);
      assert.deepEqual(result, {commands: {install: `prebuild-install`}, implicitNodeGyp: false});
    });
  });

  describe(`when the install script is an empty string and binding.gyp exists`, () => {
    it(`treats the empty script as present, like Yarn, and adds no node-gyp`, () => {
      const result = installCommands({install: ``}, true);
      assert.deepEqual(result, {commands: {install: ``}, implicitNodeGyp: false});
    });
  });

  describe(`when there is no binding.gyp and no install events`, () => {
    it(`returns nothing to run`, () => {
      assert.deepEqual(installCommands({build: `tsc`}, false), {commands: {}, implicitNodeGyp: false});
    });
  });

  describe(`when an install event is not a string`, () => {
    it(`ignores it, as Yarn's manifest does, so binding.gyp still triggers node-gyp`, () => {
      const scripts = JSON.parse(`{"install": 42, "postinstall": ["node", "x.js"]}`) as Record<string, string>;
      assert.deepEqual(installCommands(scripts, true), {commands: {install: `node-gyp rebuild`}, implicitNodeGyp: true});
    });
  });

  describe(`when an install event is only inherited through the prototype`, () => {
    it(`ignores it`, () => {
      const scripts = Object.create({postinstall: `node evil.js`}) as Record<string, string>;
      assert.deepEqual(installCommands(scripts, false), {commands: {}, implicitNodeGyp: false});
    });
  });
});

describe(`computeFingerprint`, () => {
  describe(`when a file is hashed`, () => {
    it(`records sha512- and the base64 digest of its exact bytes`, () => {
      const bytes = Buffer.from([0, 255, 10, 13, 0x80]);
      const fingerprint = fingerprintOf({postinstall: `node bin.js`}, {'bin.js': bytes});
      assert.deepEqual(fingerprint.files, {'bin.js': sha(bytes), 'package.json#type': ABSENT});
      assert.match(fingerprint.files[`bin.js`], /^sha512-[A-Za-z0-9+/]{86}==$/);
    });
  });

  for (const event of INSTALL_EVENTS) {
    describe(`when only ${event} runs a file`, () => {
      it(`records the ${event} command and the file`, () => {
        const fingerprint = fingerprintOf({[event]: `node ./scripts/${event}.js`, test: `mocha`}, {[`scripts/${event}.js`]: `x`, 'README.md': `r`});
        assert.deepEqual(fingerprint, {scripts: {[event]: `node ./scripts/${event}.js`}, files: {[`scripts/${event}.js`]: sha(`x`), 'package.json#type': ABSENT}});
      });
    });
  }

  describe(`when no install event is present`, () => {
    it(`returns an empty fingerprint and reads nothing`, () => {
      const files = memoryPackage({'index.js': `x`}, {listing: false});
      const fingerprint = computeFingerprint({commands: {}, manifestScripts: {build: `node index.js`}, files});
      assert.deepEqual(fingerprint, {scripts: {}, files: {}});
      assert.deepEqual(files.reads, []);
    });
  });

  describe(`when node-gyp runs implicitly`, () => {
    it(`records install as node-gyp rebuild and hashes binding.gyp`, () => {
      const fingerprint = fingerprintOf({}, {'binding.gyp': `{"targets": []}`, 'src/addon.cc': `c`});
      assert.deepEqual(fingerprint, {scripts: {install: `node-gyp rebuild`}, files: {'binding.gyp': sha(`{"targets": []}`)}});
    });
  });

  describe(`when a command uses a node-gyp style builder`, () => {
    for (const command of [`node-gyp rebuild`, `node-pre-gyp install --fallback-to-build`, `prebuild-install || node-gyp rebuild`, `npx node-gyp configure build`, `yarn node-gyp rebuild`, `node-gyp-build`]) {
      it(`includes binding.gyp for "${command}"`, () => {
        assert.deepEqual(filesOf({install: command}, {'binding.gyp': `g`, 'index.js': `i`}), [`binding.gyp`]);
      });
    }
  });

  describe(`when node-gyp runs but binding.gyp is absent`, () => {
    it(`hashes nothing`, () => {
      assert.deepEqual(fingerprintOf({install: `node-gyp rebuild`}, {'index.js': `i`}).files, {});
    });
  });

  describe(`when the package ships configuration for the package managers its scripts start`, () => {
    it(`hashes .npmrc, .yarnrc and .yarnrc.yml, and follows the file yarnPath names as code`, () => {
      const contents = {
        'setup.js': `s`,
        '.npmrc': `node-options=--require ./preload.cjs\n`,
        '.yarnrc': `yarn-path "./old.js"\n`,
        '.yarnrc.yml': `# a comment\nyarnPath: "./tools/yarn.cjs" # pinned\n`,
        'tools/yarn.cjs': `require('./helper');\n`,
        'tools/helper.js': `h`,
        'unrelated.js': `u`,
      };
      assert.deepEqual(filesOf({postinstall: `yarn run setup`, setup: `node setup.js`}, contents).sort(), [`.npmrc`, `.yarnrc`, `.yarnrc.yml`, `setup.js`, `tools/helper.js`, `tools/yarn.cjs`]);
    });

    it(`adds them for the implicit node-gyp build, and not for a package without install scripts`, () => {
      assert.deepEqual(filesOf({}, {'binding.gyp': `{}`, '.yarnrc.yml': `yarnPath: ./x.cjs\n`, 'x.cjs': `x`}).sort(), [`.yarnrc.yml`, `binding.gyp`, `x.cjs`]);
      assert.deepEqual(filesOf({build: `tsc`}, {'.yarnrc.yml': `yarnPath: ./x.cjs\n`, 'x.cjs': `x`}), []);
    });

    it(`hashes .yarnrc.yml even when its yarnPath names no file of the package`, () => {
      const analysis = fingerprintOf({postinstall: `yarn run setup`, setup: `node setup.js`}, {'setup.js': `s`, '.yarnrc.yml': `yarnPath: .yarn/releases/missing.cjs\n`});
      assert.ok(Object.hasOwn(analysis.files, `.yarnrc.yml`));
    });

    it(`names a yarnPath outside a workspace as a limit (a dependency's is refused: fingerprintAttack11)`, () => {
      const manifest = {name: `ws`, scripts: {postinstall: `yarn run setup`, setup: `node setup.js`}};
      const analysis = analyzeInstall({commands: {postinstall: `yarn run setup`}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({'setup.js': `s`, '.yarnrc.yml': `yarnPath: /usr/local/bin/evil\n`}), everyFile: false});
      assert.ok(analysis.unresolved.includes(`.yarnrc.yml makes Yarn run /usr/local/bin/evil, outside the workspace: not followed`), analysis.unresolved.join(`\n`));
    });
  });

  describe(`when a command names a file without its extension`, () => {
    it(`resolves node ./bin/post-install to bin/post-install.js`, () => {
      assert.deepEqual(filesOf({postinstall: `node ./bin/post-install`}, {'bin/post-install.js': `p`, 'bin/other.js': `o`}), [`bin/post-install.js`]);
    });

    it(`resolves a directory to its index.js`, () => {
      assert.deepEqual(filesOf({postinstall: `node scripts`}, {'scripts/index.js': `p`}), [`scripts/index.js`]);
    });

    it(`prefers the exact file over an extension`, () => {
      assert.deepEqual(filesOf({postinstall: `node bin/setup`}, {'bin/setup': `#!/usr/bin/env node`, 'bin/setup.js': `s`}), [`bin/setup`]);
    });
  });

  describe(`when commands use the usual install shapes`, () => {
    const cases: Array<[string, Contents, Array<string>]> = [
      [`node install.js`, {'install.js': `i`}, [`install.js`]],
      [`node scripts/build.mjs --flag`, {'scripts/build.mjs': `b`}, [`scripts/build.mjs`]],
      [`sh ./setup.sh`, {'setup.sh': `s`}, [`setup.sh`]],
      [`bash -e setup`, {'setup.sh': `s`}, [`setup.sh`]],
      [`./configure && make`, {configure: `#!/bin/sh`, Makefile: `m`}, [`Makefile`, `configure`]],
      [`FOO=bar NODE_ENV="production mode" node x.js`, {'x.js': `x`, 'FOO=bar': `f`}, [`x.js`]],
      [`node "./my dir/x.js"`, {'my dir/x.js': `x`}, [`my dir/x.js`]],
      [`node 'a.js' ; node b.js | tee log || node c.js & node d.js`, {'a.js': `a`, 'b.js': `b`, 'c.js': `c`, 'd.js': `d`}, [`a.js`, `b.js`, `c.js`, `d.js`]],
      [`node x.js > out.log 2>&1`, {'x.js': `x`}, [`x.js`]],
      [`cross-env NODE_ENV=production node ./x`, {'x.js': `x`, 'node.js': `n`}, [`x.js`]],
      [`node --require=./hook.js main.js`, {'hook.js': `h`, 'main.js': `m`}, [`hook.js`, `main.js`]],
      [`NODE_OPTIONS="--require ./hook.js" node main.js`, {'hook.js': `h`, 'main.js': `m`}, [`hook.js`, `main.js`]],
      [`sh -c "node inner.js"`, {'inner.js': `i`}, [`inner.js`]],
      [`cd lib && node build.js`, {'lib/build.js': `l`, 'build.js': `root`}, [`lib/build.js`]],
      [`node .`, {'index.js': `i`}, [`index.js`]],
    ];
    for (const [command, contents, expected] of cases) {
      it(`finds ${JSON.stringify(expected)} for "${command}"`, () => {
        assert.deepEqual(filesOf({postinstall: command}, contents), expected);
      });
    }
  });

  describe(`when a bare command word matches a package file`, () => {
    it(`does not include it, because the shell looks bare words up in PATH`, () => {
      assert.deepEqual(filesOf({postinstall: `node install.js`}, {'node.js': `n`, 'install.js': `i`}), [`install.js`]);
    });
  });

  describe(`when executed JavaScript requires files across directories`, () => {
    const contents: Contents = {
      'install.js': `const a = require('./lib/a');\nrequire("./lib/data.json");`,
      'lib/a.js': `import b from '../util/b.js';\nexport * from './c.mjs';`,
      'lib/c.mjs': `import('./d').then(() => {});`,
      'lib/d/index.js': `module.exports = require.resolve('./native');`,
      'lib/d/native.node': Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
      'lib/data.json': `{"require": "./not-followed"}`,
      'lib/not-followed.js': `n`,
      'util/b.js': `import './side-effect.cjs';`,
      'util/side-effect.cjs': `s`,
      'lib/unused.js': `u`,
      'README.md': `r`,
    };

    it(`includes every transitively required file and nothing else`, () => {
      assert.deepEqual(filesOf({postinstall: `node install.js`}, contents), [
        `install.js`,
        `lib/a.js`,
        `lib/c.mjs`,
        `lib/d/index.js`,
        `lib/d/native.node`,
        `lib/data.json`,
        `util/b.js`,
        `util/side-effect.cjs`,
      ]);
    });
  });

  describe(`when a file without a JS extension is executed`, () => {
    it(`follows its requires when it has a node shebang`, () => {
      assert.deepEqual(filesOf({postinstall: `./bin/setup`}, {'bin/setup': `#!/usr/bin/env node\nrequire('./helper')`, 'bin/helper.js': `h`}), [`bin/helper.js`, `bin/setup`]);
    });

    it(`does not parse a shell script as JavaScript`, () => {
      assert.deepEqual(filesOf({postinstall: `./setup.sh`}, {'setup.sh': `#!/bin/sh\n# require('./x')`, 'x.js': `x`}), [`setup.sh`]);
    });

    it(`parses it when node runs it, whatever the extension`, () => {
      assert.deepEqual(filesOf({postinstall: `node tool.txt`}, {'tool.txt': `require('./x')`, 'x.js': `x`}), [`tool.txt`, `x.js`]);
    });
  });

  describe(`when JavaScript references files as paths rather than modules`, () => {
    it(`includes fork targets, __dirname joins and concatenations`, () => {
      const contents: Contents = {
        'lib/install.js': [
          `fork('./scripts/child.js');`,
          `require(path.join(__dirname, '..', 'tools', 'gen.js'));`,
          `spawn(process.execPath, [__dirname + '/worker.js']);`,
        ].join(`\n`),
        'scripts/child.js': `c`,
        'tools/gen.js': `g`,
        'lib/worker.js': `w`,
      };
      assert.deepEqual(filesOf({postinstall: `node lib/install.js`}, contents), [`lib/install.js`, `lib/worker.js`, `scripts/child.js`, `tools/gen.js`]);
    });
  });

  describe(`when JavaScript requires bare specifiers`, () => {
    it(`does not follow them, even when a same-named file exists`, () => {
      const contents: Contents = {'install.js': `require('fs'); require('lodash'); import x from 'node:path';`, 'lodash.js': `l`, 'fs.js': `f`, 'node_modules/lodash/index.js': `x`};
      assert.deepEqual(filesOf({postinstall: `node install.js`}, contents), [`install.js`]);
    });
  });

  describe(`when requires form a cycle`, () => {
    it(`terminates and includes each file once`, () => {
      const contents: Contents = {'a.js': `require('./b')`, 'b.js': `require('./c'); require('./a.js')`, 'c.js': `require('./a')`};
      assert.deepEqual(fingerprintOf({postinstall: `node a.js`}, contents).files, {'a.js': sha(contents[`a.js`]), 'b.js': sha(contents[`b.js`]), 'c.js': sha(contents[`c.js`]), 'package.json#type': ABSENT});
    });

    it(`terminates when a file requires itself`, () => {
      assert.deepEqual(filesOf({postinstall: `node a.js`}, {'a.js': `require('./a'); require('.')`, 'index.js': `i`}), [`a.js`, `index.js`]);
    });
  });

  describe(`when a command or a require tries to leave the package root`, () => {
    const escapes = [
      `node ../../etc/passwd`,
      `node ../sibling/x.js`,
      `node lib/../../x.js`,
      `sh ..\\..\\x.sh`,
      `cd .. && node x.js`,
    ];
    for (const command of escapes) {
      it(`never looks outside for "${command}"`, () => {
        const files = memoryPackage({'x.js': `root file, unrelated`}, {listing: false});
        const fingerprint = computeFingerprint({commands: {postinstall: command}, manifestScripts: {postinstall: command}, files});
        for (const path of files.reads)
          assert.ok(!path.startsWith(`/`) && !path.split(/[/\\]/).includes(`..`), `looked up ${path}`);
        if (!command.startsWith(`cd`)) {
          assert.deepEqual(fingerprint.files, {});
        }
      });
    }

    it(`refuses requires that climb out, without looking them up: whatever is installed beside the package would run`, () => {
      const files = memoryPackage({
        'lib/deep/a.js': `require('../../ok'); require('../../../x');`,
        'ok.js': `o`,
      });
      assert.throws(() => computeFingerprint({commands: {postinstall: `node lib/deep/a.js`}, manifestScripts: {}, files}), /lib\/deep\/a\.js loads \.\.\/\.\.\/\.\.\/x, outside the package/);
      for (const path of files.reads)
        assert.ok(!path.startsWith(`/`) && !path.split(`/`).includes(`..`), `looked up ${path}`);
    });

    it(`keeps the requires that climb within the package`, () => {
      const files = memoryPackage({'lib/deep/a.js': `require('../../ok');`, 'ok.js': `o`}, {listing: false});
      const fingerprint = computeFingerprint({commands: {postinstall: `node lib/deep/a.js`}, manifestScripts: {}, files});
      assert.deepEqual(Object.keys(fingerprint.files), [`lib/deep/a.js`, `ok.js`, `package.json#type`]);
    });
  });

  describe(`when a command or a require uses an absolute path`, () => {
    it(`ignores it without looking it up`, () => {
      const files = memoryPackage({'etc/passwd': `p`, 'a.js': `require('/etc/passwd'); require('file:///etc/passwd'); require('C:/x')`, 'x.js': `x`});
      const fingerprint = computeFingerprint({commands: {postinstall: `node /etc/passwd && node $INIT_CWD/x.js && node ~/x.js && node a.js`}, manifestScripts: {}, files});
      assert.deepEqual(Object.keys(fingerprint.files), [`a.js`, `package.json#type`]);
      assert.ok(files.reads.every(path => !path.startsWith(`/`) && !path.includes(`:`)), files.reads.join(`, `));
    });
  });

  describe(`when an install command runs a package script`, () => {
    const forms = [`npm run build`, `npm run-script build`, `npm run --silent build`, `yarn build`, `yarn run build`, `pnpm run build`, `pnpm build`];
    for (const form of forms) {
      it(`follows "${form}" and records the script`, () => {
        const scripts = {postinstall: form, build: `node tools/build.js`, test: `node test.js`};
        const fingerprint = fingerprintOf(scripts, {'tools/build.js': `b`, 'test.js': `t`});
        assert.deepEqual(fingerprint, {scripts: {build: `node tools/build.js`, postinstall: form}, files: {'tools/build.js': sha(`b`), 'package.json#type': ABSENT}});
      });
    }

    it(`follows scripts through npm-run-all patterns`, () => {
      const scripts = {postinstall: `run-s "setup:*"`, 'setup:a': `node a.js`, 'setup:b': `node b.js`, other: `node c.js`};
      const fingerprint = fingerprintOf(scripts, {'a.js': `a`, 'b.js': `b`, 'c.js': `c`});
      assert.deepEqual(Object.keys(fingerprint.scripts), [`postinstall`, `setup:a`, `setup:b`]);
      assert.deepEqual(Object.keys(fingerprint.files), [`a.js`, `b.js`, `package.json#type`]);
    });

    it(`follows npm's pre and post hooks but not Yarn's, which Yarn 4 does not run`, () => {
      const scripts = {prebuild: `node pre.js`, build: `node b.js`, postbuild: `node post.js`};
      const contents = {'pre.js': `1`, 'b.js': `2`, 'post.js': `3`};
      assert.deepEqual(Object.keys(fingerprintOf({...scripts, postinstall: `npm run build`}, contents).scripts), [`build`, `postbuild`, `postinstall`, `prebuild`]);
      assert.deepEqual(Object.keys(fingerprintOf({...scripts, postinstall: `yarn build`}, contents).scripts), [`build`, `postinstall`]);
    });

    it(`ignores a script name that the manifest does not define`, () => {
      assert.deepEqual(fingerprintOf({postinstall: `npm run missing`}, {'missing.js': `m`}), {scripts: {postinstall: `npm run missing`}, files: {}});
    });

    it(`does not follow inherited script names such as constructor`, () => {
      const fingerprint = fingerprintOf({postinstall: `npm run constructor && yarn toString`}, {});
      assert.deepEqual(fingerprint.scripts, {postinstall: `npm run constructor && yarn toString`});
    });
  });

  describe(`when scripts invoke each other in a cycle`, () => {
    it(`terminates and records each script once`, () => {
      const scripts = {postinstall: `npm run a`, a: `node a.js && npm run b`, b: `yarn a && npm run postinstall`};
      const fingerprint = fingerprintOf(scripts, {'a.js': `a`});
      assert.deepEqual(fingerprint, {scripts: {a: scripts.a, b: scripts.b, postinstall: scripts.postinstall}, files: {'a.js': sha(`a`), 'package.json#type': ABSENT}});
    });
  });

  describe(`when a script is called __proto__`, () => {
    it(`records it as an ordinary own entry`, () => {
      const scripts = JSON.parse(`{"postinstall": "npm run __proto__", "__proto__": "node __proto__"}`) as Record<string, string>;
      const fingerprint = fingerprintOf(scripts, JSON.parse(`{"__proto__": "x"}`) as Contents);
      assert.deepEqual(Object.keys(fingerprint.scripts), [`__proto__`, `postinstall`]);
      assert.equal(Object.getOwnPropertyDescriptor(fingerprint.scripts, `__proto__`)?.value, `node __proto__`);
      assert.equal(Object.getOwnPropertyDescriptor(fingerprint.files, `__proto__`)?.value, sha(`x`));
      assert.equal(Object.getPrototypeOf(fingerprint.files), Object.prototype);
    });
  });

  describe(`when node evaluates inline code`, () => {
    it(`records the code as part of the command and follows its relative requires`, () => {
      const command = `node -e "require('./lib/setup')" && node --eval="import('./esm.mjs')" && node -p "require('lodash')"`;
      const fingerprint = fingerprintOf({postinstall: command}, {'lib/setup.js': `s`, 'esm.mjs': `e`, 'lodash.js': `l`});
      assert.deepEqual(fingerprint, {scripts: {postinstall: command}, files: {'esm.mjs': sha(`e`), 'lib/setup.js': sha(`s`), 'package.json#type': ABSENT}});
    });
  });

  describe(`when an executed file changes`, () => {
    const scripts = {postinstall: `node install.js`};
    const base: Contents = {'install.js': `require('./lib/helper')`, 'lib/helper.js': `safe`, 'lib/unused.js': `u`, 'README.md': `r`};

    it(`changes the fingerprint when the entry file changes`, () => {
      const before = fingerprintOf(scripts, base);
      const after = fingerprintOf(scripts, {...base, 'install.js': `require('./lib/helper'); steal()`});
      assert.equal(sameFingerprint(before, after), false);
      assert.deepEqual(diffFingerprints(before, after).files, {added: [], removed: [], changed: [`install.js`]});
    });

    it(`changes the fingerprint when a required file changes`, () => {
      const before = fingerprintOf(scripts, base);
      const after = fingerprintOf(scripts, {...base, 'lib/helper.js': `evil`});
      assert.deepEqual(diffFingerprints(before, after).files.changed, [`lib/helper.js`]);
    });

    it(`keeps the fingerprint when only README.md or a file nothing requires changes`, () => {
      const before = fingerprintOf(scripts, base);
      const after = fingerprintOf(scripts, {...base, 'README.md': `new docs`, 'lib/unused.js': `changed`, 'CHANGELOG.md': `added`});
      assert.equal(sameFingerprint(before, after), true);
      assert.deepEqual(before, after);
    });
  });

  describe(`when the postinstall command of a release is hijacked (nx 21.5 style)`, () => {
    it(`reports the changed command, the file that stopped running and the one that started`, () => {
      const contents: Contents = {'bin/post-install.js': `legit`, 'telemetry.js': `exfiltrate()`};
      const before = fingerprintOf({postinstall: `node ./bin/post-install`}, contents);
      const after = fingerprintOf({postinstall: `node telemetry.js`}, contents);
      assert.deepEqual(diffFingerprints(before, after), {
        same: false,
        scripts: [{name: `postinstall`, before: `node ./bin/post-install`, after: `node telemetry.js`}],
        files: {added: [`telemetry.js`], removed: [`bin/post-install.js`], changed: []},
      });
      assert.equal(sameFingerprint(before, after), false);
    });
  });

  describe(`when the caller's command disagrees with the manifest script it reaches`, () => {
    it(`throws instead of recording an ambiguous fingerprint`, () => {
      assert.throws(() => computeFingerprint({
        commands: {preinstall: `npm run postinstall`, postinstall: `node a.js`},
        manifestScripts: {preinstall: `npm run postinstall`, postinstall: `node b.js`},
        files: memoryPackage({}, {listing: false}),
      }), /postinstall/);
    });
  });

  describe(`when the number of files exceeds maxFiles`, () => {
    const contents: Contents = {'a.js': `require('./b')`, 'b.js': `require('./c')`, 'c.js': `c`};

    it(`throws an error naming maxFiles`, () => {
      assert.throws(() => fingerprintOf({postinstall: `node a.js`}, contents, {maxFiles: 2}), /maxFiles/);
    });

    it(`succeeds when the count equals the limit`, () => {
      // + 1: the package.json#type record, which is not a file and does not count.
      assert.equal(Object.keys(fingerprintOf({postinstall: `node a.js`}, contents, {maxFiles: 3}).files).length, 3 + 1);
    });

    it(`applies the default of 5,000 files`, () => {
      const chain: Contents = {};
      for (let i = 0; i < 5001; i++)
        chain[`f${i}.js`] = `require('./f${i + 1}')`;
      assert.throws(() => fingerprintOf({postinstall: `node f0.js`}, chain), /5000.*maxFiles/);
      delete chain[`f5000.js`];
      assert.equal(Object.keys(fingerprintOf({postinstall: `node f0.js`}, chain).files).length, 5000 + 1);
    });
  });

  describe(`when the total size exceeds maxBytes`, () => {
    it(`throws an error naming maxBytes`, () => {
      const contents: Contents = {'a.js': `require('./b')//`, 'b.js': `0123456789`};
      assert.throws(() => fingerprintOf({postinstall: `node a.js`}, contents, {maxBytes: 20}), /maxBytes/);
      assert.equal(Object.keys(fingerprintOf({postinstall: `node a.js`}, contents, {maxBytes: 26}).files).length, 2 + 1);
    });

    it(`applies the default of 64 MiB`, () => {
      const big = Buffer.alloc(64 * 1024 * 1024, 0x20);
      assert.throws(() => fingerprintOf({postinstall: `node a.js && node b.js`}, {'a.js': big, 'b.js': `x`}), /maxBytes/);
    });
  });

  describe(`when a file references an unbounded number of missing paths`, () => {
    it(`throws an error naming maxLookups`, () => {
      const code = Array.from({length: 200}, (_, i) => `require('./missing${i}')`).join(`;`);
      assert.throws(() => fingerprintOf({postinstall: `node a.js`}, {'a.js': code}, {maxLookups: 100}), /maxLookups/);
    });
  });

  describe(`when a limit is not a non-negative integer`, () => {
    for (const limits of [{maxFiles: -1}, {maxBytes: Number.NaN}, {maxFiles: 1.5}]) {
      it(`rejects ${JSON.stringify(limits)}`, () => {
        assert.throws(() => fingerprintOf({postinstall: `node a.js`}, {'a.js': `a`}, limits), RangeError);
      });
    }
  });

  describe(`when commands are nested absurdly deep`, () => {
    it(`fails closed instead of ignoring what is inside`, () => {
      let command = `node x.js`;
      for (let i = 0; i < 12; i++)
        command = `sh -c ${JSON.stringify(command)}`;
      assert.throws(() => fingerprintOf({postinstall: command}, {'x.js': `x`}), /nested/);
    });
  });

  describe(`when a hostile file is large and full of near-matches`, () => {
    it(`scans it quickly`, () => {
      const code = `require(${` `.repeat(100_000)}x ${`from `.repeat(100_000)} path.join(__dirname${`, 'a'`.repeat(10_000)}`;
      const started = Date.now();
      // A computed require binds every file of the package: it must be listable.
      computeFingerprint({commands: {postinstall: `node a.js`}, manifestScripts: {postinstall: `node a.js`}, files: memoryPackage({'a.js': code})});
      assert.ok(Date.now() - started < 2000);
    });
  });

  describe(`when the same inputs are fingerprinted twice`, () => {
    it(`produces sorted keys and identical results`, () => {
      const scripts = {postinstall: `node z.js && npm run b`, b: `node a.js`};
      const contents = {'z.js': `z`, 'a.js': `a`};
      const first = fingerprintOf(scripts, contents);
      assert.deepEqual(Object.keys(first.files), [`a.js`, `package.json#type`, `z.js`]);
      assert.deepEqual(JSON.stringify(first), JSON.stringify(fingerprintOf(scripts, contents)));
    });
  });
});

describe(`diffFingerprints`, () => {
  const base: InstallFingerprint = {scripts: {postinstall: `node a.js`, build: `tsc`}, files: {'a.js': `sha512-A`, 'b.js': `sha512-B`}};

  describe(`when both fingerprints are equal`, () => {
    it(`reports same with no differences`, () => {
      assert.deepEqual(diffFingerprints(base, structuredClone(base)), {same: true, scripts: [], files: {added: [], removed: [], changed: []}});
    });
  });

  describe(`when scripts are added, removed and changed`, () => {
    it(`lists each by name with before and after`, () => {
      const after: InstallFingerprint = {scripts: {postinstall: `node b.js`, preinstall: `node p.js`}, files: base.files};
      assert.deepEqual(diffFingerprints(base, after), {
        same: false,
        scripts: [
          {name: `build`, before: `tsc`},
          {name: `postinstall`, before: `node a.js`, after: `node b.js`},
          {name: `preinstall`, after: `node p.js`},
        ],
        files: {added: [], removed: [], changed: []},
      });
    });
  });

  describe(`when files are added, removed and changed`, () => {
    it(`lists each path in sorted order`, () => {
      const after: InstallFingerprint = {scripts: base.scripts, files: {'b.js': `sha512-B2`, 'c.js': `sha512-C`, '0.js': `sha512-0`}};
      assert.deepEqual(diffFingerprints(base, after), {same: false, scripts: [], files: {added: [`0.js`, `c.js`], removed: [`a.js`], changed: [`b.js`]}});
    });
  });

  describe(`when a fingerprint loaded from JSON has a __proto__ entry`, () => {
    it(`compares it like any other entry`, () => {
      const before = JSON.parse(`{"scripts": {"__proto__": "node a.js"}, "files": {"__proto__": "sha512-A"}}`) as InstallFingerprint;
      const after = JSON.parse(`{"scripts": {"__proto__": "node b.js"}, "files": {}}`) as InstallFingerprint;
      assert.deepEqual(diffFingerprints(before, after), {
        same: false,
        scripts: [{name: `__proto__`, before: `node a.js`, after: `node b.js`}],
        files: {added: [], removed: [`__proto__`], changed: []},
      });
    });
  });

  describe(`when one side only inherits an entry`, () => {
    it(`does not count the inherited entry`, () => {
      const inherited: InstallFingerprint = {scripts: Object.create({postinstall: `node a.js`}) as Record<string, string>, files: {}};
      assert.deepEqual(diffFingerprints({scripts: {postinstall: `node a.js`}, files: {}}, inherited).scripts, [{name: `postinstall`, before: `node a.js`}]);
    });
  });
});

describe(`sameFingerprint`, () => {
  describe(`when only the key order differs`, () => {
    it(`returns true`, () => {
      const a: InstallFingerprint = {scripts: {install: `x`, postinstall: `y`}, files: {'a.js': `sha512-A`, 'b.js': `sha512-B`}};
      const b: InstallFingerprint = {scripts: {postinstall: `y`, install: `x`}, files: {'b.js': `sha512-B`, 'a.js': `sha512-A`}};
      assert.equal(sameFingerprint(a, b), true);
    });
  });

  describe(`when a single hash differs`, () => {
    it(`returns false`, () => {
      assert.equal(sameFingerprint({scripts: {}, files: {'a.js': `sha512-A`}}, {scripts: {}, files: {'a.js': `sha512-a`}}), false);
    });
  });

  describe(`when a script moves to another event with the same command`, () => {
    it(`returns false`, () => {
      assert.equal(sameFingerprint({scripts: {preinstall: `node a.js`}, files: {}}, {scripts: {postinstall: `node a.js`}, files: {}}), false);
    });
  });
});

describe(`computeFingerprint and the package's own manifest`, () => {
  describe(`when an install script requires ./package.json`, () => {
    const install = `const pkg = require('./package.json');\nrequire('./lib/download');\n`;

    it(`records the data of package.json but not its version, so a version bump alone keeps the fingerprint`, () => {
      const before = fingerprintOf({postinstall: `node install.js`}, {[`install.js`]: install, [`lib/download.js`]: `x`, [`package.json`]: `{"version":"1.0.0"}`});
      const after = fingerprintOf({postinstall: `node install.js`}, {[`install.js`]: install, [`lib/download.js`]: `x`, [`package.json`]: `{"version":"1.0.1"}`});
      assert.deepEqual(Object.keys(before.files), [`install.js`, `lib/download.js`, `package.json#data`, `package.json#type`]);
      assert.equal(sameFingerprint(before, after), true);
    });

    it(`still follows the other files it requires`, () => {
      const before = fingerprintOf({postinstall: `node install.js`}, {[`install.js`]: install, [`lib/download.js`]: `x`, [`package.json`]: `{}`});
      const after = fingerprintOf({postinstall: `node install.js`}, {[`install.js`]: install, [`lib/download.js`]: `y`, [`package.json`]: `{}`});
      assert.deepEqual(diffFingerprints(before, after).files.changed, [`lib/download.js`]);
    });
  });
});
