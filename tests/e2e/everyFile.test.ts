/**
 * Every file of a package whose code runs at install time is bound to its
 * approval (the structural answer to seven outside rounds): code that the
 * scan cannot see loading a file — here a shell script, which is hashed but
 * not read — still runs only approved bytes. Each attack test fails with a
 * bundle that bound only the files the scan followed: `yarn up` passes and
 * the marker is written. The negatives show what stays free: a release whose
 * files are the same, or whose only change is documentation.
 */
import {strict as assert} from 'assert';
import {promises as fs} from 'fs';
import path from 'path';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`every file of a package whose code runs at install time is bound (e2e)`, function() {
  this.timeout(300_000);

  const setup = `#!/bin/sh\nnode "$(dirname "$0")/lib/helper.js"\n`;
  const depIndex = `require('child_process').execFileSync('sh', [require.resolve('./run.sh')], {stdio: 'inherit'});\nmodule.exports = 1;\n`;
  const suite = suiteRegistry(`every-file`, () => [
    // A package's own install script runs a shell script, which runs lib/helper.js.
    plain(`zqshscript`, `1.0.0`, {scripts: {postinstall: `sh setup.sh`}, files: {[`setup.sh`]: setup, [`lib/helper.js`]: `// prepares\n`}}),
    plain(`zqshscript`, `1.0.1`, {scripts: {postinstall: `sh setup.sh`}, files: {[`setup.sh`]: setup, [`lib/helper.js`]: PWN(`shscript-ran`)}}),
    plain(`zqshscript`, `1.0.2`, {scripts: {postinstall: `sh setup.sh`}, files: {[`setup.sh`]: setup, [`lib/helper.js`]: `// prepares\n`, [`README.md`]: `# now documented\n`}}),
    // A script-free dependency whose required entry runs a shell script, which runs lib/x.js.
    plain(`zqshdep`, `1.0.0`, {files: {[`index.js`]: depIndex, [`run.sh`]: `#!/bin/sh\nnode "$(dirname "$0")/lib/x.js"\n`, [`lib/x.js`]: `// ok\n`}}),
    // A new version with the same files: only the version differs.
    plain(`zqclean`, `1.0.0`, {scripts: {postinstall: `node install.js`}, manifest: {description: `a tool`}, files: {[`install.js`]: `require('./lib.js');\n`, [`lib.js`]: `// ok\n`, [`README.md`]: `# zqclean\n`}}),
    plain(`zqclean`, `1.0.1`, {scripts: {postinstall: `node install.js`}, manifest: {description: `a tool`}, files: {[`install.js`]: `require('./lib.js');\n`, [`lib.js`]: `// ok\n`, [`README.md`]: `# zqclean\n`}}),
    plain(`zqshroot`, `1.0.0`, {scripts: {postinstall: `node install.js`}, dependencies: {zqshdep: `^1.0.0`}, files: {[`install.js`]: `require('zqshdep');\n`}}),
    // A tool whose own dependency has a bin, at a version the project also has another of: the
    // linker nests it (node_modules/zqntool/node_modules/zqnwhich, and a .bin link beside it).
    plain(`zqnwhich`, `1.0.0`, {manifest: {bin: {zqnwhich: `w.js`}}, files: {[`w.js`]: `#!/usr/bin/env node\nmodule.exports = 1;\n`}}),
    plain(`zqnwhich`, `2.0.0`, {manifest: {bin: {zqnwhich: `w.js`}}, files: {[`w.js`]: `#!/usr/bin/env node\nmodule.exports = 2;\n`}}),
    plain(`zqntool`, `1.0.0`, {manifest: {bin: {zqntool: `t.js`}}, dependencies: {zqnwhich: `1.0.0`}, files: {[`t.js`]: `#!/usr/bin/env node\nrequire('zqnwhich/w.js');\n${PWN(`nested-tool-ran`)}`}}),
    plain(`zqnuser`, `1.0.0`, {scripts: {postinstall: `zqntool`}, dependencies: {zqntool: `1.0.0`}}),
    // A bin written with "./", as node-gyp writes its own: yarn.lock keeps it as "t.js".
    plain(`zqdtool`, `1.0.0`, {manifest: {bin: {zqdtool: `./t.js`}}, files: {[`t.js`]: `#!/usr/bin/env node\n${PWN(`dot-bin-ran`)}`}}),
    plain(`zqduser`, `1.0.0`, {scripts: {postinstall: `zqdtool`}, dependencies: {zqdtool: `1.0.0`}}),
  ]);
  const approved = suite.approvedProject;

  it(`an approved tool whose own dependency the linker nests, with its .bin link, in the tool's node_modules runs: the copy on disk is vouched for without that folder (found on jest with node-gyp 13)`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqnuser: `1.0.0`, zqnwhich: `2.0.0`}}});
    assert.equal((await app.yarn([`install`])).code, 1);
    assert.equal((await app.yarn([`trust`, `approve`, `zqnuser`])).code, 0);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.deepEqual(await app.markers(), [`nested-tool-ran`], install.output);
  });

  it(`an approval holds whether yarn.lock spells a bin "./t.js" (a fresh resolution with Yarn 4.18) or "t.js" (other Yarn releases, or the registry's manifest): found on jest with node-gyp`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqduser: `1.0.0`}}});
    assert.equal((await app.yarn([`install`])).code, 1);
    assert.equal((await app.yarn([`trust`, `approve`, `zqduser`])).code, 0);
    assert.equal((await app.yarn([`install`])).code, 0);
    const lockfile = await fs.readFile(path.join(app.cwd, `yarn.lock`), `utf8`);
    const respelled = lockfile.includes(`zqdtool: ./t.js`) ? lockfile.replace(`zqdtool: ./t.js`, `zqdtool: t.js`) : lockfile.replace(`zqdtool: t.js`, `zqdtool: ./t.js`);
    assert.notEqual(respelled, lockfile);
    await fs.writeFile(path.join(app.cwd, `yarn.lock`), respelled);
    await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
    const again = await app.yarn([`install`]);
    assert.equal(again.code, 0, again.output);
    assert.deepEqual(await app.markers(), [`dot-bin-ran`], again.output);
  });

  it(`a release that changes only a file its install script's shell script runs is refused, and nothing of it runs`, async () => {
    const {app} = await approved({zqshscript: `1.0.0`}, [`zqshscript`]);
    const up = await app.yarn([`up`, `zqshscript@1.0.1`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqshscript@npm:1\.0\.1/);
    assert.match(up.output, /files changed: lib\/helper\.js/);
    assert.match(up.output, /none of these is seen to run at install time; they are bound because every file of the package is/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`yarn trust status --json names the files that run, and the approval binds the others too`, async () => {
    const {app} = await approved({zqshroot: `1.0.0`}, [`zqshroot`]);
    const status = await app.yarn([`trust`, `status`, `--json`]);
    assert.equal(status.code, 0, status.output);
    const dep = status.output.split(`\n`).filter(line => line.startsWith(`{`)).map(line => JSON.parse(line)).find(entry => entry.package === `zqshdep`);
    assert.deepEqual(dep.runs, [`index.js`, `run.sh`]);
    assert.deepEqual(Object.keys(dep.files).filter(path => !path.includes(`#`)).sort(), [`index.js`, `lib/x.js`, `run.sh`]);
  });

  it(`a new release of a script-free dependency that changes only a file its required entry runs through a shell script is refused`, async () => {
    const {app} = await approved({zqshroot: `1.0.0`}, [`zqshroot`]);
    await suite.registry.publishAll([plain(`zqshdep`, `1.0.1`, {files: {[`index.js`]: depIndex, [`run.sh`]: `#!/bin/sh\nnode "$(dirname "$0")/lib/x.js"\n`, [`lib/x.js`]: PWN(`shdep-ran`)}})]);
    const up = await app.yarn([`up`, `-R`, `zqshdep`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /zqshdep@npm:1\.0\.1/);
    assert.match(up.output, /files changed: lib\/x\.js/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`a new version whose files are the same (only the version differs) installs without a review`, async () => {
    const {app} = await approved({zqclean: `1.0.0`}, [`zqclean`]);
    const up = await app.yarn([`up`, `zqclean@1.0.1`]);
    assert.equal(up.code, 0, up.output);
    assert.match(await app.readFile(`package.json`), /"zqclean": "1\.0\.1"/);
  });

  it(`a release that changes only documentation is refused: documentation is bound too (code the scan misses may run it)`, async () => {
    const {app} = await approved({zqshscript: `1.0.0`}, [`zqshscript`]);
    const up = await app.yarn([`up`, `zqshscript@1.0.2`]);
    assert.equal(up.code, 1, up.output);
    assert.match(up.output, /files added: README\.md/);
  });
});
