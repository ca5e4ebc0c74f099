/**
 * The bypasses of outside attack round 5 (issue 10), each replayed against
 * the pure analysis: indirect require, dependency files handed along by the
 * workspace's shell, and compiler flags that name a directory.
 */
import assert from 'node:assert/strict';

import {analyzeInstall, installCommands, type InstallAnalysis, type PackageFiles} from '../../sources/installScripts/policy/fingerprint';

type Contents = Record<string, string>;

/** In-memory package that can list its directories, as the glue's file view does. */
function packageOf(contents: Contents): PackageFiles {
  return {
    read: path => Object.prototype.hasOwnProperty.call(contents, path) ? Buffer.from(contents[path]) : null,
    list: directory => {
      const prefix = directory === `` ? `` : `${directory}/`;
      const entries = new Set<string>();
      for (const path of Object.keys(contents)) {
        if (!path.startsWith(prefix))
          continue;
        const rest = path.slice(prefix.length);
        const slash = rest.indexOf(`/`);
        entries.add(slash === -1 ? rest : rest.slice(0, slash + 1));
      }
      return entries.size === 0 && directory !== `` ? null : [...entries];
    },
  };
}

function analyse(scripts: Record<string, string>, contents: Contents): InstallAnalysis {
  const {commands} = installCommands(scripts, Object.prototype.hasOwnProperty.call(contents, `binding.gyp`));
  return analyzeInstall({commands, manifestScripts: scripts, manifest: {scripts}, files: packageOf(contents)});
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
