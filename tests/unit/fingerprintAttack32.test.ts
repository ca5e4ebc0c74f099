/**
 * Outside attack round 32 (helper-74), on round 31's fixes: npm's pre/post
 * scripts in another folder of the package, what man and make start by
 * default names, start-up files in a home folder the script sets, and GNU
 * sed's `e`.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {isSystemTool} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

function analysed(scripts: Record<string, string>, files: Record<string, string> = {}) {
  const manifest = {name: `app`, private: true, scripts};
  return analyzeInstall({commands: {postinstall: scripts.postinstall}, manifestScripts: scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), workspaceFolders: [], projectFolder: ``});
}

const sub = (scripts: Record<string, string>) => ({[`sub/package.json`]: JSON.stringify({scripts})});

describe(`outside attack round 32`, () => {
  for (const [label, postinstall, scripts, expected] of [
    [`npm run go runs prego and postgo`, `cd sub && npm run go`, {go: `true`, prego: `zqpre`, postgo: `zqpost`}, [`zqpre`, `zqpost`]],
    [`npm test runs pretest`, `cd sub && npm test`, {test: `true`, pretest: `zqpre`}, [`zqpre`]],
    [`npm version runs preversion`, `cd sub && npm version patch --no-git-tag-version`, {preversion: `zqpre`}, [`zqpre`]],
    [`pnpm run go runs prego`, `cd sub && pnpm run go`, {go: `true`, prego: `zqpre`}, [`zqpre`]],
  ] as Array<[string, string, Record<string, string>, Array<string>]>) {
    it(`M1: in another folder of the package, ${label}`, () => {
      const {mentions} = analysed({postinstall}, sub(scripts));
      for (const name of expected)
        assert.ok(mentions.includes(name), `${name}: ${[...mentions].join(` `)}`);
    });
  }

  it(`M1: yarn run go in another folder runs go alone (Yarn 4 runs no pre/post scripts)`, () => {
    assert.ok(!analysed({postinstall: `cd sub && yarn run go`}, sub({go: `true`, prego: `zqpre`})).mentions.includes(`zqpre`));
  });

  it(`M1, M5: what man and make start by default names are system tools`, () => {
    for (const name of [`preconv`, `tbl`, `nroff`, `groff`, `troff`, `col`, `m2c`])
      assert.ok(isSystemTool(name), name);
  });

  for (const [variable, file, text] of [
    [`HOME`, `cfg/.profile`, `zqbin --x\n`],
    [`HOME`, `cfg/.bashrc`, `alias ll='zqbin'\n`],
    [`HOME`, `cfg/.lesskey`, `#env\nLESSOPEN=|zqbin %s\n`],
    [`HOME`, `cfg/.ssh/config`, `Host *\n  ProxyCommand zqbin %h\n`],
    [`PYTHONUSERBASE`, `cfg/lib/python3.11/site-packages/x.pth`, `import os; os.system("zqbin")\n`],
  ] as Array<[string, string, string]>) {
    it(`M1, M3: ${variable}=cfg: ${file} is read for the bins it names`, () => {
      assert.ok(analysed({postinstall: `${variable}=cfg sh -lc true`}, {[file]: text}).mentions.includes(`zqbin`), file);
    });
  }

  it(`M2: sed whose script may run commands (s///e) is named as a limit; a plain substitution is not`, () => {
    assert.ok(analysed({postinstall: `echo zq | sed "s/q/qbin/e"`}).unresolved.some(line => /runs sed with a script that may run commands/.test(line)));
    assert.ok(!analysed({postinstall: `sed -i s/a/b/ x.txt`}).unresolved.some(line => /runs sed/.test(line)));
  });

  it(`re-run of M1: HOME=$PWD/cfg is the script's own cfg folder, also after a cd: its start-up files are read`, () => {
    assert.ok(analysed({postinstall: `HOME=$PWD/cfg bash -lc true`}, {[`cfg/.bash_profile`]: `zqbin\n`}).mentions.includes(`zqbin`));
    assert.ok(analysed({postinstall: `cd sub && HOME=\${PWD}/cfg bash -lc true`}, {[`sub/cfg/.bash_profile`]: `zqbin\n`}).mentions.includes(`zqbin`));
    assert.ok(analysed({postinstall: `PYTHONUSERBASE=$PWD/cfg python3 -c 0`}, {[`cfg/lib/python3.11/site-packages/x.pth`]: `import os; os.system("zqbin")\n`}).mentions.includes(`zqbin`));
  });

  it(`re-run of M1: a home outside the package stays a limit`, () => {
    assert.ok(analysed({postinstall: `HOME=$HOME/x bash -lc true`}).unresolved.some(line => /HOME=\$HOME\/x points the programs it starts at configuration outside the package/.test(line)));
  });
});
