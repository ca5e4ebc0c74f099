import {npath, xfs} from '@yarnpkg/fslib';
import assert from 'node:assert/strict';
import {mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {readInstallProfile} from '../../sources/installScripts/yarn/packageFiles';

describe(`readInstallProfile`, () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), `trust-package-files-`));
    mkdirSync(join(root, `pkg`));
    mkdirSync(join(root, `outside`));
    writeFileSync(join(root, `outside`, `payload.js`), `console.log('not reviewed');\n`);
  });

  afterEach(() => {
    rmSync(root, {recursive: true, force: true});
  });

  function writePackage(scripts: Record<string, string>) {
    writeFileSync(join(root, `pkg`, `package.json`), JSON.stringify({name: `pkg`, version: `1.0.0`, scripts}));
  }

  const profileOf = () => readInstallProfile(xfs, npath.toPortablePath(join(root, `pkg`)));

  describe(`when the package runs no install script`, () => {
    it(`returns null`, async () => {
      writePackage({test: `mocha`});
      assert.equal(await profileOf(), null);
    });
  });

  describe(`when the executed file is a plain file`, () => {
    it(`fingerprints the command and the file`, async () => {
      writePackage({postinstall: `node install.js`});
      writeFileSync(join(root, `pkg`, `install.js`), `require('./lib/helper');\n`);
      mkdirSync(join(root, `pkg`, `lib`));
      writeFileSync(join(root, `pkg`, `lib`, `helper.js`), `// helper\n`);
      const profile = await profileOf();
      assert.ok(profile !== null && !(`error` in profile.fingerprint));
      assert.deepEqual(profile.fingerprint.scripts, {postinstall: `node install.js`});
      assert.deepEqual(Object.keys(profile.fingerprint.files), [`install.js`, `lib/helper.js`, `package.json#all`, `package.json#type`]);
      assert.deepEqual(profile.reaches?.runs, [`install.js`, `lib/helper.js`]);
    });
  });

  describe(`when the executed file is a symbolic link leaving the package`, () => {
    it(`makes the package undecidable instead of hashing nothing`, async () => {
      writePackage({postinstall: `node install.js`});
      symlinkSync(join(root, `outside`, `payload.js`), join(root, `pkg`, `install.js`));
      const profile = await profileOf();
      assert.ok(profile !== null && `error` in profile.fingerprint);
      assert.match(profile.fingerprint.error, /install\.js is reached through the symbolic link install\.js/);
    });
  });

  describe(`when a required file sits behind a linked directory`, () => {
    it(`makes the package undecidable`, async () => {
      writePackage({postinstall: `node install.js`});
      writeFileSync(join(root, `pkg`, `install.js`), `require('./lib/payload');\n`);
      symlinkSync(join(root, `outside`), join(root, `pkg`, `lib`));
      const profile = await profileOf();
      assert.ok(profile !== null && `error` in profile.fingerprint);
      assert.match(profile.fingerprint.error, /symbolic link lib/);
    });
  });

  describe(`when the package ships only binding.gyp`, () => {
    it(`reports Yarn's implicit node-gyp build`, async () => {
      writePackage({});
      writeFileSync(join(root, `pkg`, `binding.gyp`), `{"targets": []}\n`);
      const profile = await profileOf();
      assert.ok(profile !== null);
      assert.equal(profile.implicitNodeGyp, true);
      assert.deepEqual(profile.commands, {install: `node-gyp rebuild`});
    });
  });
});
