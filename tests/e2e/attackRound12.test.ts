/**
 * Outside attack round 12 (/work/attack16), replayed with marker files: what
 * npm and Yarn settings make run, not what a script names. A dependency's
 * module loaded as node's test reporter (F4), a dependency's bin started as
 * npm's script shell (F6, F7), a file outside the package that Yarn runs as
 * its release or a plugin, set by the environment or a renamed configuration
 * file (F9, F10, F13), and a policy file that redirects what require loads
 * (F14), npm rebuild of another package (F18), a sibling's file through
 * BASH_ENV (F31), a dependency's bin through a git alias (F38) or a wrapper
 * the scan does not know (F58), and a bin named xz that tar starts (F51).
 * Each test fails with the bundle before round 12: the marker is
 * written.
 */
import {strict as assert} from 'assert';

import {assertRefusedEvenAfterApproval, markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`attack round 12: what npm's and Yarn's settings run (e2e)`, function() {
  this.timeout(300_000);

  const reporter = (marker: string | null) => `${marker === null ? `` : `import fs from 'fs';\nfs.writeFileSync(process.env.TRUST_MARKERS + '/${marker}', 'x');\n`}export default async function* (source) { for await (const event of source) void event; }\n`;
  const shell = (marker: string | null) => `#!/usr/bin/env node\n${marker === null ? `` : PWN(marker)}`;
  const suite = suiteRegistry(`attack-round-12`, () => [
    // F4: node --test --test-reporter=<a dependency's module>.
    plain(`zqr4`, `1.0.0`, {scripts: {postinstall: `node --test --test-reporter=zqr4rep/reporter.mjs t.test.js`}, dependencies: {zqr4rep: `1.0.0`}, files: {[`t.test.js`]: `require('node:test')('t', () => {});\n`}}),
    plain(`zqr4`, `1.0.1`, {scripts: {postinstall: `node --test --test-reporter=zqr4rep/reporter.mjs t.test.js`}, dependencies: {zqr4rep: `2.0.0`}, files: {[`t.test.js`]: `require('node:test')('t', () => {});\n`}}),
    plain(`zqr4rep`, `1.0.0`, {files: {[`reporter.mjs`]: reporter(null)}}),
    plain(`zqr4rep`, `2.0.0`, {files: {[`reporter.mjs`]: reporter(`r4-reporter-ran`)}}),
    // F6, F7: npm's script-shell, a dependency's bin.
    plain(`zqr6`, `1.0.0`, {scripts: {postinstall: `npm_config_script_shell=zqr6sh npm run go`, go: `echo hi`}, dependencies: {zqr6sh: `1.0.0`}}),
    plain(`zqr6`, `1.0.1`, {scripts: {postinstall: `npm_config_script_shell=zqr6sh npm run go`, go: `echo hi`}, dependencies: {zqr6sh: `2.0.0`}}),
    plain(`zqr7`, `1.0.0`, {scripts: {postinstall: `npm --script-shell=zqr6sh run go`, go: `echo hi`}, dependencies: {zqr6sh: `1.0.0`}}),
    plain(`zqr7`, `1.0.1`, {scripts: {postinstall: `npm --script-shell=zqr6sh run go`, go: `echo hi`}, dependencies: {zqr6sh: `2.0.0`}}),
    plain(`zqr6sh`, `1.0.0`, {manifest: {bin: {zqr6sh: `sh.js`}}, files: {[`sh.js`]: shell(null)}}),
    plain(`zqr6sh`, `2.0.0`, {manifest: {bin: {zqr6sh: `sh.js`}}, files: {[`sh.js`]: shell(`r6-script-shell-ran`)}}),
    // F9, F10, F13: Yarn runs a sibling package's file.
    plain(`zqr9`, `1.0.0`, {scripts: {postinstall: `YARN_YARN_PATH=../zqr9sib/cli.js yarn --version || true`}, dependencies: {zqr9sib: `1.0.0`}}),
    plain(`zqr10`, `1.0.0`, {scripts: {postinstall: `yarn --version || true`}, dependencies: {zqr9sib: `1.0.0`}, files: {[`.yarnrc.yml`]: `plugins:\n  - path: ../zqr9sib/cli.js\n    spec: zqp\n`}}),
    plain(`zqr13`, `1.0.0`, {scripts: {postinstall: `YARN_RC_FILENAME=cfg.yml yarn --version || true`}, dependencies: {zqr9sib: `1.0.0`}, files: {[`cfg.yml`]: `yarnPath: ../zqr9sib/cli.js\n`}}),
    plain(`zqr9sib`, `1.0.0`, {files: {[`cli.js`]: PWN(`r9-sibling-ran`)}}),
    // F18: npm rebuild of another package, from the project's root.
    plain(`zqr18`, `1.0.0`, {scripts: {postinstall: `npm rebuild zqr18i --prefix ../.. || true`}, dependencies: {zqr18i: `1.0.0`}}),
    plain(`zqr18i`, `1.0.0`, {scripts: {postinstall: `node go.js`}, files: {[`go.js`]: PWN(`r18-rebuilt-ran`)}}),
    // F31, F38, F40: a sibling's file through BASH_ENV, a dependency's bin through a git alias, npm pack of a sibling.
    plain(`zqr31`, `1.0.0`, {scripts: {postinstall: `BASH_ENV=../zqr31sib/x.sh bash -c true`}, dependencies: {zqr31sib: `1.0.0`}}),
    plain(`zqr31sib`, `1.0.0`, {files: {[`x.sh`]: `echo ran > "$TRUST_MARKERS/r31-bash-env-ran"\n`}}),
    plain(`zqr38`, `1.0.0`, {scripts: {postinstall: `git -c alias.zz='!zqr6sh' zz || true`}, dependencies: {zqr6sh: `1.0.0`}}),
    plain(`zqr38`, `1.0.1`, {scripts: {postinstall: `git -c alias.zz='!zqr6sh' zz || true`}, dependencies: {zqr6sh: `2.0.0`}}),
    // F58: a wrapper the scan does not know runs a dependency's bin it is given.
    plain(`zqr58`, `1.0.0`, {scripts: {postinstall: `unshare --help > /dev/null; setarch --help > /dev/null; prlimit --nofile=1024 zqr6sh || true`}, dependencies: {zqr6sh: `1.0.0`}}),
    plain(`zqr58`, `1.0.1`, {scripts: {postinstall: `unshare --help > /dev/null; setarch --help > /dev/null; prlimit --nofile=1024 zqr6sh || true`}, dependencies: {zqr6sh: `2.0.0`}}),
    // F51: a dependency's bin named xz, which tar -J starts.
    plain(`zqr51`, `1.0.0`, {scripts: {postinstall: `tar -cJf /dev/null package.json || true`}, dependencies: {zqr51xz: `1.0.0`}}),
    plain(`zqr51xz`, `1.0.0`, {manifest: {bin: {xz: `xz.js`}}, files: {[`xz.js`]: shell(`r51-xz-ran`)}}),
    // F14: a policy file that redirects ./h.js to a sibling package.
    plain(`zqr14`, `1.0.0`, {scripts: {postinstall: `node --experimental-policy=policy.json i.js`}, dependencies: {zqr9sib: `1.0.0`}, files: {[`i.js`]: `require('./h.js');\n`, [`h.js`]: `// benign\n`, [`policy.json`]: `{"onerror": "log", "scopes": {}, "resources": {"./i.js": {"integrity": true, "dependencies": {"./h.js": "../zqr9sib/cli.js"}}}}\n`}}),
  ]);

  for (const [id, name, swapped] of [[`F4`, `zqr4`, `zqr4rep@npm:2.0.0`], [`F6`, `zqr6`, `zqr6sh@npm:2.0.0`], [`F7`, `zqr7`, `zqr6sh@npm:2.0.0`], [`F38`, `zqr38`, `zqr6sh@npm:2.0.0`], [`F58`, `zqr58`, `zqr6sh@npm:2.0.0`]]) {
    it(`${id}: a release that swaps the dependency its node or npm setting runs is refused, and the new code never runs`, async () => {
      const {app, approved} = await suite.approvedProject({[name]: `1.0.0`}, [name]);
      assert.match(approved.output, new RegExp(swapped.replace(/@npm:2\.0\.0$/, ``)));
      const up = await app.yarn([`up`, `${name}@1.0.1`]);
      assert.equal(up.code, 1, up.output);
      assert.match(up.output, new RegExp(swapped.replace(/\./g, `\\.`)));
      assert.deepEqual(await app.markers(), []);
    });
  }

  for (const [id, name, refusal] of [
    [`F9: YARN_YARN_PATH naming a sibling package's file`, `zqr9`, /YARN_YARN_PATH makes Yarn run \.\.\/zqr9sib\/cli\.js, outside the package/],
    [`F10: a plugin path in the package's .yarnrc.yml naming a sibling package's file`, `zqr10`, /\.yarnrc\.yml makes Yarn run \.\.\/zqr9sib\/cli\.js, outside the package/],
    [`F13: YARN_RC_FILENAME naming a configuration whose yarnPath is a sibling package's file`, `zqr13`, /cfg\.yml makes Yarn run \.\.\/zqr9sib\/cli\.js, outside the package/],
    [`F14: node --experimental-policy, whose redirect loads a sibling package's file`, `zqr14`, /lets a policy file redirect what require loads/],
    [`F31: BASH_ENV naming a sibling package's file`, `zqr31`, /names \.\.\/zqr31sib\/x\.sh, outside the package/],
  ] as Array<[string, string, RegExp]>) {
    it(`${id} is refused, also after an approval, and nothing runs`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[name]: `1.0.0`}}});
      await assertRefusedEvenAfterApproval(app, name, refusal);
    });
  }

  it(`F18: npm rebuild of a denied package, from an approved one, is refused, and the denied script never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqr18: `1.0.0`}}});
    assert.equal((await app.yarn([`install`])).code, 1);
    const deny = await app.yarn([`trust`, `deny`, `zqr18i`]);
    assert.equal(deny.code, 0, deny.output);
    await app.yarn([`trust`, `approve`, `zqr18`]);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /its install code reaches code outside the package while it is installed \([^\n]*postinstall: npm rebuild zqr18i --prefix \.\.\/\.\.[;)]/);
    assert.deepEqual(await app.markers(), []);
  });

  it(`F51: a dependency's bin named xz, which tar -J starts without the script naming it, is refused until approved by name, and it never runs`, async () => {
    const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {zqr51: `1.0.0`}}});
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    assert.match(install.output, /zqr51xz@npm:1\.0\.0/);
    assert.match(install.output, /its bin xz replaces the system's xz/);
    const approve = await app.yarn([`trust`, `approve`, `zqr51`]);
    assert.equal((await app.yarn([`install`])).code, 1, approve.output);
    assert.deepEqual(await app.markers(), []);
  });
});
