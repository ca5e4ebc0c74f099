/**
 * Outside attack round 30 (helper-72), on round 29's fixes: git starting
 * programs by default names (signature checkers, remote helpers, Debian's
 * editor), constant arithmetic the text reading did not fold, and awk joining
 * adjacent literals.
 */
import assert from 'node:assert/strict';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {isSystemTool} from '../../sources/installScripts/policy/installClosure';
import {memoryPackage} from './support/memoryPackage';

function analysed(postinstall: string, files: Record<string, string> = {}) {
  const manifest = {name: `app`, private: true, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), ...files}), workspaceFolders: [], projectFolder: ``});
}

describe(`outside attack round 30`, () => {
  it(`M2: bins named like the programs git starts by default names are system tools`, () => {
    for (const name of [`gpgsm`, `ssh-keygen`, `editor`, `sensible-editor`, `x-www-browser`])
      assert.ok(isSystemTool(name), name);
  });

  for (const [label, postinstall, files] of [
    [`git ls-remote zq::x`, `git ls-remote zq::x || true`, {}],
    [`git ls-remote zq://h/x`, `git ls-remote zq://h/x || true`, {}],
    [`a remote whose URL is zq::x`, `git -c remote.o.url=zq::x ls-remote o || true`, {}],
    [`insteadOf to a remote helper`, `git -c url.zq::x.insteadOf=https://h/ ls-remote https://h/y || true`, {}],
    [`insteadOf in a configuration file`, `HOME=cfg git ls-remote https://h/y || true`, {[`cfg/.gitconfig`]: `[url "zq::x"]\n\tinsteadOf = https://h/\n`}],
  ] as Array<[string, string, Record<string, string>]>) {
    it(`M2, M9: ${label} mentions git-remote-zq, the helper git starts`, () => {
      assert.ok(analysed(postinstall, files).mentions.includes(`git-remote-zq`), label);
    });
  }

  it(`M2: git's own transports start no helper from the PATH`, () => {
    assert.ok(!analysed(`git ls-remote git://h/x ssh://h/y file:///z || true`).mentions.some(mention => mention.startsWith(`git-remote-`)));
  });

  for (const spelling of [`zqbin$[1]`, `zqbin$((0x1))`, `zqbin$((8#1))`, `zqbin$((0+1))`, `zqbin$(( (3 - 1) * 2 % 3 ))`]) {
    it(`M3, M6: ${spelling} is folded: zqbin1 is mentioned`, () => {
      assert.ok(analysed(`bash setup.sh`, {[`setup.sh`]: `${spelling} --x\n`}).mentions.includes(`zqbin1`), spelling);
    });
  }

  it(`M3: arithmetic with a variable or a division by zero is not folded (no name made up)`, () => {
    const analysis = analysed(`bash setup.sh`, {[`setup.sh`]: `zqbin$((x+1)) zqvar$((1/0)) --x\n`});
    assert.ok(!analysis.mentions.includes(`zqbin1`) && !analysis.mentions.some(mention => mention.startsWith(`zqvar`) && mention !== `zqvar`));
  });

  it(`M6, M7: awk's joined literals name the bin, in a script and in an awk file`, () => {
    assert.ok(analysed(`sh setup.sh`, {[`setup.sh`]: `awk 'BEGIN { system("zqb" "in") }'\n`}).mentions.includes(`zqbin`));
    assert.ok(analysed(`awk 'BEGIN { system("zqb" "in") }'`).mentions.includes(`zqbin`));
    assert.ok(analysed(`awk -f scripts/p.awk`, {[`scripts/p.awk`]: `BEGIN { system("zqb" "in") }\n`}).mentions.includes(`zqbin`));
    // An escape in one of the joined literals, on the command line (round 30 re-run).
    assert.ok(analysed(`awk 'BEGIN { system("zqbi" "\\156") }'`).mentions.includes(`zqbin`));
  });

  it(`M1: Python joins adjacent literals too, inline and in a file it runs`, () => {
    assert.ok(analysed(`python3 -c 'import os; os.system("zqb" "in")'`).mentions.includes(`zqbin`));
    assert.ok(analysed(`python3 scripts/s.py`, {[`scripts/s.py`]: `import subprocess\nsubprocess.run(["zqb" "in"])\n`}).mentions.includes(`zqbin`));
  });

  for (const [label, postinstall, files] of [
    [`a Makefile's recipe names a bin`, `make -s`, {[`Makefile`]: `all:\n\t@zqbin --x\n`}],
    [`a Makefile's recipe spells it with make's empty variable`, `make -s`, {[`Makefile`]: `all:\n\t@zq$()bin --x\n`}],
    [`a makefile it includes names it`, `make -s`, {[`Makefile`]: `include sub.mk\n`, [`sub.mk`]: `all:\n\tzq$\{}bin\n`}],
    [`a makefile given as a here-document`, `sh scripts/m.sh`, {[`scripts/m.sh`]: `make -s -f - <<EOF\nall:\n\t@zq\\$()bin\nEOF\n`}],
    [`sh's empty command substitution`, `sh setup.sh`, {[`setup.sh`]: `zq$()bin --x\n`}],
  ] as Array<[string, string, Record<string, string>]>) {
    it(`M1: ${label}: zqbin is mentioned`, () => {
      const analysis = analysed(postinstall, files);
      assert.ok(analysis.mentions.includes(`zqbin`), [...analysis.mentions, ...analysis.unresolved].join(`\n`));
    });
  }

  it(`after the round: the tools git difftool and mergetool look for on the PATH, Debian's pager, sendmail are system tools`, () => {
    for (const name of [`emacs`, `nvim`, `gvim`, `code`, `meld`, `kdiff3`, `bcompare`, `pager`, `sendmail`, `ssh-askpass`])
      assert.ok(isSystemTool(name), name);
  });

  for (const [label, postinstall, files] of [
    [`git -c credential.helper=zq`, `git -c credential.helper=zq ls-remote https://h/x || true`, {}],
    [`a URL's credential helper with arguments`, `git -c credential.https://h.helper='zq --x' ls-remote https://h/x || true`, {}],
    [`a credential helper in a configuration file`, `HOME=cfg git ls-remote https://h/x || true`, {[`cfg/.gitconfig`]: `[credential]\n\thelper = zq\n`}],
  ] as Array<[string, string, Record<string, string>]>) {
    it(`after the round: ${label} mentions git-credential-zq, the helper git starts`, () => {
      assert.ok(analysed(postinstall, files).mentions.includes(`git-credential-zq`), label);
    });
  }

  it(`after the round: a credential helper given as a command or a path names no git-credential- program`, () => {
    assert.ok(!analysed(`git -c 'credential.helper=!zq' -c credential.helper=/usr/bin/zq ls-remote https://h/x || true`).mentions.some(mention => mention.startsWith(`git-credential-`)));
  });
});
