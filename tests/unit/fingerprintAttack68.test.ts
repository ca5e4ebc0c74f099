/**
 * Outside attack round 68. A1: a byte order mark before a hashbang; A2: the
 * two readings of a line inside a template's `${…}` forgot the template; A3:
 * `env` and `cwd` written as quoted keys; A4: `process.getBuiltinModule`; A6:
 * a program named by the options (`execPath`, `shell`).
 */
import assert from 'node:assert/strict';

import {scanCode} from '../../sources/installScripts/policy/fingerprint/code';
import {tokenize} from '../../sources/installScripts/policy/fingerprint/tokens';
import {ENVIRONMENT_LIMIT, INDIRECT_LIMIT, analysedInstallCode as analysed} from './support/installCode';

const PROGRAM_LIMIT = /install\.js: starts its processes with a program that its options name/;

function assertNamesLimit(code: string, limit: RegExp) {
  const analysis = analysed(code);
  assert.ok(analysis.unresolved.some(line => limit.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
}

function assertQuiet(code: string) {
  const analysis = analysed(code);
  assert.ok(!analysis.unresolved.some(line => INDIRECT_LIMIT.test(line) || ENVIRONMENT_LIMIT.test(line) || PROGRAM_LIMIT.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
}

describe(`outside attack round 68`, () => {
  it(`reads a hashbang after a byte order mark as a comment (A1)`, () => {
    const read = tokenize(`\ufeff#!\`\nconst m = module.require("child_process");\n`);
    assert.deepEqual(read.errors, []);
    assert.ok(read.tokens.some(token => token.kind === `string` && token.value === `child_process`));
    assertNamesLimit(`\ufeff#!\`\nconst m = module.require("child_process"); m.exec("node -r zqhelp child.js");\nvar x = \`\n// \``, INDIRECT_LIMIT);
  });

  it(`reads both ways inside a template's substitution as a template goes on (A2)`, () => {
    assertNamesLimit(`var t = \`\${ function(){} / 1 }'\`; const m = module.require("child_process"); m.exec("node -r zqhelp child.js"); var z = { a: 1 / 2 } // \``, INDIRECT_LIMIT);
    // A division in a substitution, read once the template is known, stays quiet.
    assert.deepEqual(tokenize(`var t = \`\${ (function(){}) / 1 }x\`; y();`).errors, []);
  });

  it(`reads env and cwd written as quoted keys (A3, A5)`, () => {
    const head = `const cp = require('child_process');\nconst x = JSON.parse('{"NODE_' + 'OPTIONS": "-r zqhelp"}');\n`;
    for (const key of [`'env'`, `"env"`, `"e\\u006ev"`, `\`env\``])
      assertNamesLimit(`${head}cp.execFileSync('node', ['child.js'], {stdio: 'inherit', ${key}: x});`, ENVIRONMENT_LIMIT);
    assertQuiet(`require('child_process').execFileSync('node', ['child.js'], {'env': {...process.env, FORCE_COLOR: '1'}});`);
    for (const key of [`'cwd'`, `"cwd"`, `\`cwd\``])
      assert.ok(scanCode(`require('child_process').execFileSync('node', ['index.js'], {${key}: '../zqhelp'});`).relocations.includes(`folder:../zqhelp`), key);
  });

  it(`reads process.getBuiltinModule as a load (A4)`, () => {
    assertNamesLimit(`const cp = process.getBuiltinModule('child_' + 'process'); cp['exec' + 'Sync']('node child.js');`, /install\.js: require\(\) with a computed argument/);
    assertNamesLimit(`const cp = process.getBuiltinModule('child_process'); cp['exec' + 'Sync']('node child.js');`, INDIRECT_LIMIT);
    assertQuiet(`const fs = process.getBuiltinModule('fs'); fs.readFileSync('x');`);
  });

  it(`names a program chosen by the options (A6)`, () => {
    for (const options of [`{execPath: '/usr/bin/env'}`, `{'execPath': e}`, `{execPath}`, `{shell: '/usr/bin/python3'}`, `{shell: process.env.SHELL}`, `{"shell": './run'}`])
      assertNamesLimit(`const e = '/usr/bin/env', execPath = e;\nrequire('child_process').fork('node', ['-r', 'zqhelp', 'child.js'], ${options});`, PROGRAM_LIMIT);
    for (const options of [`{execPath: process.execPath}`, `{shell: true}`, `{shell: false, stdio: 'inherit'}`, `{shell: '/bin/bash'}`, `{shell: 'cmd.exe'}`])
      assertQuiet(`require('child_process').fork('./child.js', [], ${options});`);
    assertQuiet(`const node = a ? process.execPath : 'node';\nrequire('child_process').execFileSync(node, ['child.js']);`);
  });
});

describe(`outside attack round 70`, () => {
  it(`reads a brace after a case, default or label colon as a block, and a bracket closed out of turn as no reading (A1)`, () => {
    const regexes = (code: string) => tokenize(code).tokens.filter(token => token.kind === `regex`).map(token => token.value);
    for (const code of [`switch (a) { case 1: {} /[)]/.test(x); }`, `switch (a) { default: {} /[)]/.test(x); }`, `switch (a) { case b ? 1 : 2: {} /[)]/.test(x); }`, `foo: {} /[)]/.test(x);`])
      assert.deepEqual(regexes(code), [`/[)]/`], code);
    // An object after a conditional's or a key's colon: a division follows.
    for (const code of [`x = a ? b : {} / 2 / c;`, `o = {a: {} / 2 / c};`, `switch (a) { case 1: x = y ? {} / 2 / c : 0; }`]) {
      assert.deepEqual(regexes(code), [], code);
      assert.deepEqual(tokenize(code).errors, [], code);
    }
    assert.deepEqual(tokenize(`var t = \`\${ (function(){ switch (a) { case 1: {} /[)]/; } })() }\`; y();`).errors, []);
    assert.match(tokenize(`f(a]`).errors[0], /a \] that closes no bracket open before it/);
  });
});

describe(`outside attack round 72`, () => {
  it(`names node started with no program, which runs what it reads from its standard input (Q5)`, () => {
    const STDIN = /install\.js: node runs the program it reads from its standard input/;
    assertNamesLimit(`const c = require('child_process').spawn('node', [], {stdio: ['pipe', 'inherit', 'inherit']});\nc.stdin.end(require('fs').readFileSync('x.js'));`, STDIN);
    assertNamesLimit(`const c = require('child_process').spawn(process.execPath, ['-r', 'zqhelp']);`, STDIN);
    // Words the scan does not read may name the program: no such limit then.
    for (const code of [`const args = ['child.js'];\nrequire('child_process').spawnSync(process.execPath, args, {stdio: 'inherit'});`, `require('child_process').spawnSync('node', [require.resolve('./child.js')]);`]) {
      const analysis = analysed(code);
      assert.ok(!analysis.unresolved.some(line => STDIN.test(line)), `${code}\n${analysis.unresolved.join(`\n`)}`);
    }
    assertNamesLimit(`require('child_process').spawnSync('node', {input: 'x'});`, STDIN);
    for (const command of [`node --version`, `node -v`, `node --check child.js`, `node child.js`, `node -e "1"`]) {
      const analysis = analysed(`require('child_process').execSync('${command}');`);
      assert.ok(!analysis.unresolved.some(line => STDIN.test(line)), `${command}\n${analysis.unresolved.join(`\n`)}`);
    }
  });
});
