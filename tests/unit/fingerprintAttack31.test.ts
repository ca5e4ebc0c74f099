/**
 * Outside attack round 31 (helper-73), on round 30's fixes: programs git
 * starts by a default name (Debian's pager, difftool's guesses, instaweb's
 * server, the schedulers of `git maintenance start`), helpers it takes from
 * settings (`credential.helper`, `remote.<r>.vcs`, `pushInsteadOf`), and an
 * `ext::` URL in the configuration, whose command git hands to a program.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {isSystemTool} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `app`, private: true, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), workspaceFolders: [], projectFolder: ``});
}

const REPOSITORY = {[`.git/HEAD`]: `ref: refs/heads/main\n`};

describe(`outside attack round 31`, () => {
  it(`M1: the programs git starts by a default name are system tools`, () => {
    for (const name of [`pager`, `kompare`, `lighttpd`, `crontab`, `systemctl`, `launchctl`, `emacs`, `vimdiff`])
      assert.ok(isSystemTool(name), name);
  });

  for (const [label, postinstall, files] of [
    [`remote.<r>.vcs = zq`, `git ls-remote origin || true`, {...REPOSITORY, [`.git/config`]: `[remote "origin"]\n\turl = https://h/r\n\tvcs = zq\n`}],
    [`url.<x>.pushInsteadOf`, `git push origin HEAD:refs/heads/x || true`, {...REPOSITORY, [`.git/config`]: `[remote "origin"]\n\turl = https://h/r\n[url "zq::x"]\n\tpushInsteadOf = https://h/\n`}],
    [`credential.helper in the repository's configuration`, `git credential fill </dev/null || true`, {...REPOSITORY, [`.git/config`]: `[credential]\n\thelper = zq\n`}],
  ] as Array<[string, string, Record<string, string>]>) {
    it(`M1: ${label} names the helper git starts`, () => {
      const {mentions} = analysed(postinstall, files);
      assert.ok(mentions.includes(`git-remote-zq`) || mentions.includes(`git-credential-zq`), [...mentions].join(` `));
    });
  }

  it(`M1: an ext:: URL in the configuration is read as the command git runs, quotes removed`, () => {
    const {mentions} = analysed(`git ls-remote origin || true`, {...REPOSITORY, [`.git/config`]: `[remote "origin"]\n\turl = ext::sh -c zq\\"\\"bin\n`});
    assert.ok(mentions.includes(`zqbin`), [...mentions].join(` `));
  });

  it(`M1: an ext:: URL on the command line runs its command: its files are followed`, () => {
    const analysis = analysed(`git -c protocol.ext.allow=always ls-remote 'ext::node% tools/x.js' || true`, {[`tools/x.js`]: `require('zqdep');\n`});
    assert.ok(analysis.fingerprint !== undefined && `files` in analysis.fingerprint && Object.keys(analysis.fingerprint.files).includes(`tools/x.js`), JSON.stringify(analysis.fingerprint).slice(0, 400));
  });

  for (const spelling of [`zqbin$(( 1 << 0 ))`, `zqbin$((1?1:0))`, `zqbin$((0,1))`, `zqbin$(("1"))`, `zqbin$((3 & 1))`, `zqbin$((2**0))`, `zqbin$'\\U00000031'`, `zqbin$'\\u31'`]) {
    it(`M2: ${spelling} is worked out: zqbin1 is mentioned, and no limit line claims otherwise`, () => {
      const analysis = analysed(`bash setup.sh`, {[`setup.sh`]: `${spelling} --x\n`});
      assert.ok(analysis.mentions.includes(`zqbin1`), spelling);
      assert.ok(!analysis.unresolved.some(line => /command's output|shell arithmetic/.test(line)), analysis.unresolved.join(`\n`));
    });
  }

  it(`M2: arithmetic on a variable is named as arithmetic, not as command output`, () => {
    const {unresolved} = analysed(`bash setup.sh`, {[`setup.sh`]: `zqbin$((x + 1)) --x\n`});
    assert.ok(unresolved.some(line => /builds a word with shell arithmetic/.test(line)) && !unresolved.some(line => /command's output/.test(line)), unresolved.join(`\n`));
  });

  it(`M2: a recipe's $$ is the shell's $: bash's $[…] behind it is worked out`, () => {
    assert.ok(analysed(`make -s`, {[`Makefile`]: `SHELL := /bin/bash\nall:\n\t@zqbin$$[1]\n`}).mentions.includes(`zqbin1`));
  });

  for (const program of [`BEGIN{system(sprintf("%s%s","zq","bin"))}`, `BEGIN{printf "%s%s\\n","zq","bin" | "sh"}`, `BEGIN{system(tolower("ZQBIN"))}`]) {
    it(`M2: awk that may build the command it runs (${program}) is named as a limit`, () => {
      const {unresolved} = analysed(`awk '${program}'`);
      assert.ok(unresolved.some(line => /runs awk, whose program may run commands/.test(line)), unresolved.join(`\n`));
    });
  }

  it(`M2: awk that runs no command is no limit`, () => {
    assert.ok(!analysed(`awk '{ print $1 }' list.txt`).unresolved.some(line => /runs awk/.test(line)));
  });

  for (const recipe of [`$(subst Q,,zqQbin)`, `$(patsubst %,%n,zqbi)`, `$(join zqb,in)`, `$(addsuffix n,zqbi)`, `$(if 1,zqb)in`, `$(strip zqb )in`, `$(basename zqbin.c)`, `$(subst x,,$(strip zqxbin))`, `$(word 2,a zqbin)`]) {
    it(`M2: make works out ${recipe} on literals before the shell runs it: zqbin is mentioned`, () => {
      assert.ok(analysed(`make -s`, {[`Makefile`]: `all:\n\t@${recipe} --x\n`}).mentions.includes(`zqbin`), recipe);
    });
  }

  it(`M2: a make function on a variable is left as it is (no name made up)`, () => {
    const {mentions} = analysed(`make -s`, {[`Makefile`]: `all:\n\t@$(subst Q,,zq$(X)bin) --x\n`});
    assert.ok(!mentions.includes(`zqbin`), [...mentions].join(` `));
  });
});
