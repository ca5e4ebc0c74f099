/**
 * Outside attack round 75. A01, A11: node options that take a value in the
 * next word (`--inspect-port install.js`), which left node with no program;
 * A03, A04: the words of node emptied at run time while the code writes to
 * its standard input; A09: the Function constructor reached as a
 * function's `constructor`.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';

import {analyzeInstall} from '../../sources/installScripts/policy/fingerprint';
import {nodeFlagTakesValue} from '../../sources/installScripts/policy/fingerprint/tables';
import {analysedInstallCode as analysed} from './support/installCode';
import {memoryPackage} from './support/memoryPackage';

const STDIN = /node runs the program it reads from (?:its standard input|a pipe)/;
const MAY_STDIN = /install\.js: node may run the program it reads from its standard input, which the code writes to/;
const EVALUATES = /install\.js: \S+\(\) evaluates text built at run time/;

function limitsOf(code: string): Array<string> {
  return analysed(code).unresolved;
}

function scriptLimits(postinstall: string): Array<string> {
  const manifest = {name: `zqroot`, version: `1.0.0`, scripts: {postinstall}};
  return analyzeInstall({commands: {postinstall}, manifestScripts: manifest.scripts, manifest, files: memoryPackage({[`package.json`]: JSON.stringify(manifest), [`install.js`]: `console.log(1);\n`}), everyFile: true}).unresolved;
}

// Each read off Node 20.20: the word after it is its value, and node then reads its program from stdin.
const VALUE_OPTIONS = [`--inspect-port`, `--debug-port`, `--diagnostic-dir`, `--report-dir`, `--report-directory`, `--report-filename`, `--report-signal`, `--secure-heap`, `--secure-heap-min`, `--tls-keylog`, `--disable-warning`, `--redirect-warnings`, `--trace-event-categories`, `--trace-event-file-pattern`, `--icu-data-dir`, `--max-http-header-size`, `--test-name-pattern`, `--tls-cipher-list`, `--security-revert`, `--security-reverts`, `--stack-size`, `--max-old-space-size`, `--stack_size`, `-stack-size`, `--report_dir`, `--logfile`];

describe(`outside attack round 75`, () => {
  it(`knows which node options take the next word as their value (A01)`, () => {
    for (const option of VALUE_OPTIONS)
      assert.ok(nodeFlagTakesValue(option.startsWith(`--`) ? option.replace(/_/g, `-`) : option), option);
    for (const option of [`--no-warnings`, `--expose-gc`, `--enable-source-maps`, `--inspect`, `--inspect-brk`, `--trace-warnings`, `--harmony`, `-i`])
      assert.ok(!nodeFlagTakesValue(option), option);
  });

  it(`knows every option of the running Node that takes a value, and its aliases (round 77, S1)`, () => {
    // Node's own table: the integer, unsigned, string, host-port and string-list options (types 3 to 7).
    const table = JSON.parse(execFileSync(process.execPath, [`--expose-internals`, `-e`, `const {options, aliases} = require('internal/options').getCLIOptionsInfo(); const value = [...options].filter(([, o]) => o.type >= 3 && o.type <= 7).map(([n]) => n); process.stdout.write(JSON.stringify({value, aliases: [...aliases].filter(([, e]) => [e].flat().length === 1 && value.includes([e].flat()[0])).map(([a]) => a)}));`], {encoding: `utf8`})) as {value: Array<string>, aliases: Array<string>};
    assert.ok(table.value.includes(`--inspect-port`) && table.value.includes(`--security-revert`), JSON.stringify(table));
    for (const option of [...table.value, ...table.aliases])
      assert.ok(nodeFlagTakesValue(option), option);
  });

  it(`knows every option of the running Node's V8 that takes a value`, () => {
    const types = [...execFileSync(process.execPath, [`--v8-options`], {encoding: `utf8`}).matchAll(/^ {2}(--[\w-]+) [^\n]*\n\s+type: (\S+)/gm)];
    assert.ok(types.length > 100, `${types.length} options read`);
    for (const [, option, type] of types)
      if (type !== `bool` && type !== `maybe_bool`)
        assert.ok(nodeFlagTakesValue(option), `${option} (${type})`);
  });

  it(`names node given a value option and no program, fed on its standard input (A01)`, () => {
    for (const option of VALUE_OPTIONS) {
      const code = `const c = require('child_process').spawn('node', ['${option}', 'install.js'], {stdio: ['pipe', 'inherit', 'inherit']});\nc.stdin.end(text);`;
      assert.ok(limitsOf(code).some(line => STDIN.test(line)), `${option}\n${limitsOf(code).join(`\n`)}`);
    }
    // The value given, then the program: read as before.
    for (const command of [`node --stack-size 900 child.js`, `node --inspect-port=9230 child.js`, `node --title x child.js`, `node --no-warnings child.js`]) {
      const limits = limitsOf(`require('child_process').execSync('${command}');`);
      assert.ok(!limits.some(line => STDIN.test(line)), `${command}\n${limits.join(`\n`)}`);
    }
  });

  it(`names a pipe into node whose option takes the program's name as its value (A11)`, () => {
    const limits = scriptLimits(`node -p "require('./package.json').name" | node --disable-warning install.js`);
    assert.ok(limits.some(line => STDIN.test(line)), limits.join(`\n`));
    assert.ok(!scriptLimits(`node -p "1" > out.txt && node --disable-warning=DEP0005 install.js`).some(line => STDIN.test(line)));
  });

  it(`names node whose words are not read when the code writes to the standard input of what it starts (A03, A04)`, () => {
    const start = `const cp = require('child_process');\n`;
    const emptied = [
      `const args = ['install.js', 'child']; args.pop(); args.pop();`,
      `const args = ['install.js', 'child']; args.length = 0;`,
      `const args = ['install.js', 'child']; args.splice(0);`,
      `const args = ['install.js', 'child'].filter(() => false);`,
      `let args = ['install.js', 'child']; args = [];`,
      `const o = {args: ['install.js', 'child']}; o.args = []; const args = o.args;`,
    ];
    for (const empty of emptied) {
      for (const feed of [`const c = cp.spawn('node', args, {stdio: ['pipe', 'inherit', 'inherit']}); c.stdin.end(text);`, `cp.spawnSync(process.execPath, args, {input: text});`, `const {stdin} = cp.spawn('node', args); stdin.write(text);`, `cp.spawnSync('node', args, {stdio: [fs.openSync('x', 'r'), 'inherit', 'inherit']});`]) {
        const code = `${start}${empty}\n${feed}`;
        assert.ok(limitsOf(code).some(line => MAY_STDIN.test(line)), `${code}\n${limitsOf(code).join(`\n`)}`);
      }
    }
    // Words in a variable, nothing written to what it starts: the README's stated limit, not named.
    for (const code of [`${start}const args = ['child.js'];\ncp.spawnSync(process.execPath, args, {stdio: 'inherit'});`, `${start}const args = ['child.js'];\ncp.spawnSync('node', args, {stdio: ['ignore', 'pipe', 'pipe']});\nprocess.stdin.resume();`]) {
      const limits = limitsOf(code);
      assert.ok(!limits.some(line => MAY_STDIN.test(line) || STDIN.test(line)), `${code}\n${limits.join(`\n`)}`);
    }
  });

  it(`names the Function constructor reached through a function's constructor (A09)`, () => {
    for (const code of [`''.constructor.constructor(text)();`, `[].map.constructor(text)();`, `x['constructor']['constructor'](text)();`, `f.constructor.call(null, text)();`, `this.constructor.constructor(text)();`])
      assert.ok(limitsOf(code).some(line => EVALUATES.test(line)), `${code}\n${limitsOf(code).join(`\n`)}`);
    for (const code of [`const copy = new this.constructor(size);`, `if (value.constructor === Object) console.log(value.constructor.name);`])
      assert.ok(!limitsOf(code).some(line => EVALUATES.test(line)), code);
  });
});
