import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';

import {guardSource, type Load, type LoadRules, loadVerdict} from '../../sources/installScripts/policy/loadGuard';

const hash = (text: string) => `sha512-${createHash(`sha512`).update(text).digest(`base64`)}`;

const RULES: LoadRules = {
  pkg: `own@1.0.0`,
  own: [{root: `/p/node_modules/own`, files: {[`install.js`]: hash(`install`), [`lib/a.js`]: hash(`a`)}}],
  allowed: [hash(`reached`)],
  projectRoot: `/p`,
  exempt: [`/p/.pnp.cjs`],
  machineRoots: [`/usr`],
  yarnFiles: [`/p/.yarn/releases/yarn-4.18.1.cjs`],
  startedAt: 1_000,
};

function verdict(load: Partial<Load> & {path: string}, rules: LoadRules = RULES, toolModules: Set<string> = new Set()) {
  return loadVerdict({hash: hash(`other`), changedAt: 5_000, sameText: true, parent: null, ...load}, rules, new Set(rules.allowed), toolModules);
}

describe(`load guard: what a script's processes may load`, () => {
  it(`lets the package's own bound files load as the backstop hashed them`, () => {
    assert.deepEqual(verdict({path: `/p/node_modules/own/lib/a.js`, hash: hash(`a`)}), {allowed: true});
  });

  it(`refuses an own bound file that changed while the install ran`, () => {
    const found = verdict({path: `/p/node_modules/own/lib/a.js`, hash: hash(`b`)});
    assert.equal(found.allowed, false);
    assert.match(JSON.stringify(found), /lib\/a\.js as approved \(sha512-.*it changed while the install ran/);
  });

  it(`lets a file its approved code wrote in its own folder load (build output is a stated limit)`, () => {
    assert.deepEqual(verdict({path: `/p/node_modules/own/build/gen.js`}), {allowed: true});
  });

  it(`judges a package nested in its own node_modules like any dependency`, () => {
    assert.equal(verdict({path: `/p/node_modules/own/node_modules/dep/index.js`}).allowed, false);
    assert.deepEqual(verdict({path: `/p/node_modules/own/node_modules/dep/index.js`, hash: hash(`reached`)}), {allowed: true});
  });

  it(`does not take a folder whose name starts like the package's for its own`, () => {
    assert.equal(verdict({path: `/p/node_modules/owner/index.js`}).allowed, false);
  });

  it(`lets files the approvals of what its install runs bind load, wherever they are`, () => {
    assert.deepEqual(verdict({path: `/p/node_modules/reached/index.js`, hash: hash(`reached`)}), {allowed: true});
    assert.deepEqual(verdict({path: `/elsewhere/x.js`, hash: hash(`reached`)}), {allowed: true});
  });

  it(`refuses a dependency's file that no such approval binds: node_modules, unplugged folders, archives`, () => {
    for (const path of [`/p/node_modules/helper/index.js`, `/p/.yarn/unplugged/h-npm-1.0.0/node_modules/h/index.js`, `/p/.yarn/cache/h.zip/node_modules/h/index.js`]) {
      const found = verdict({path});
      assert.equal(found.allowed, false, path);
      assert.match(JSON.stringify(found), /which no such approval binds/, path);
    }
  });

  it(`lets the project's own files that were there before the install load, and refuses those written while it ran`, () => {
    assert.deepEqual(verdict({path: `/p/scripts/setup.js`, changedAt: 999}), {allowed: true});
    assert.match(JSON.stringify(verdict({path: `/p/scripts/setup.js`, changedAt: 1_000})), /a file written while the install ran"/);
  });

  it(`refuses a file elsewhere on the machine that no approval binds, however old (a copy an earlier install left in /tmp)`, () => {
    assert.match(JSON.stringify(verdict({path: `/tmp/zq/x.js`, changedAt: 1})), /outside the project, which no such approval binds/);
    assert.match(JSON.stringify(verdict({path: `/tmp/zq/x.js`})), /outside the project, which no such approval binds/);
  });

  it(`refuses a dependency's file that no approval binds however old it is, in the project or not`, () => {
    assert.equal(verdict({path: `/p/node_modules/helper/index.js`, changedAt: 1}).allowed, false);
    assert.equal(verdict({path: `/home/me/.yarn/berry/cache/h.zip/node_modules/h/index.js`, changedAt: 1}).allowed, false);
  });

  it(`lets what the Yarn a script starts looks up itself load (supports-color), and what the machine's Node.js loads`, () => {
    assert.deepEqual(verdict({path: `/p/.yarn/releases/yarn-4.18.1.cjs`}), {allowed: true, tool: true});
    assert.deepEqual(verdict({path: `/p/node_modules/supports-color/index.js`, parent: `/p/.yarn/releases/yarn-4.18.1.cjs`}), {allowed: true, tool: true});
    assert.deepEqual(verdict({path: `/p/node_modules/x/index.js`, parent: `/usr/lib/node_modules/npm/lib/cli.js`}), {allowed: true, tool: true});
    // What those load in turn (supports-color's has-flag).
    assert.deepEqual(verdict({path: `/p/node_modules/has-flag/index.js`, parent: `/p/node_modules/supports-color/index.js`}, RULES, new Set([`/p/node_modules/supports-color/index.js`])), {allowed: true, tool: true});
    assert.equal(verdict({path: `/p/node_modules/has-flag/index.js`, parent: `/p/node_modules/supports-color/index.js`}).allowed, false);
    assert.equal(verdict({path: `/p/node_modules/supports-color/index.js`, parent: `/p/node_modules/own/install.js`}).allowed, false);
  });

  it(`lets the .pnp.cjs that Yarn wrote in this install load`, () => {
    assert.deepEqual(verdict({path: `/p/.pnp.cjs`}), {allowed: true});
    assert.equal(verdict({path: `/p/.pnp.data.js`}).allowed, false);
  });

  it(`lets the machine's Node.js and the Yarn that runs the install load, but not an archive there`, () => {
    assert.deepEqual(verdict({path: `/usr/lib/node_modules/npm/lib/cli.js`}), {allowed: true});
    assert.equal(verdict({path: `/usr/share/x.zip/node_modules/h/index.js`}).allowed, false);
  });

  it(`refuses code compiled under a file's name that is not the file's text, even a bound one`, () => {
    assert.match(JSON.stringify(verdict({path: `/p/node_modules/own/install.js`, hash: hash(`install`), sameText: false})), /other code compiled under its name/);
  });

  it(`is written into the guard as it is: the source holds no reference to anything outside it`, () => {
    const source = guardSource(RULES, `/tmp/log`);
    assert.ok(source.includes(loadVerdict.toString()));
    // The guard is a script of its own: it parses, and asks loadVerdict.
    assert.doesNotThrow(() => new Function(`require`, source));
  });
});

describe(`load guard in a real Node process`, function() {
  this.timeout(30_000);

  let root: string;
  let project: string;
  let guard: string;
  let log: string;
  const marker = () => join(root, `marker`);

  function write(path: string, text: string) {
    mkdirSync(dirname(path), {recursive: true});
    writeFileSync(path, text);
  }

  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), `trust-load-guard-`)));
    project = join(root, `p`);
    const own = join(project, `node_modules`, `own`);
    write(join(project, `scripts`, `old.js`), `module.exports = 'old';\n`);
    const files: Record<string, string> = {
      [`install.js`]: [
        `require('./lib/a.js');`,
        `const k = ['cal', 'ler'].join(''); const ka = ['argu', 'ments'].join('');`,
        `function g() { return g[k]; }`,
        `const load = g()[ka][1];`,
        `if (process.argv[2] === 'reset') { try { require('module').prototype._compile = function () {}; } catch (error) { console.log(error.constructor.name); } }`,
        `if (process.argv[2] === 'project') load('../../scripts/old.js');`,
        `if (process.argv[2] === 'made-up') load('module').createRequire(__dirname + '/../../.yarn/releases/yarn.cjs')(Object.keys(load('./package.json').dependencies)[0]);`,
        `if (process.argv[2] === 'worker') { const {Worker} = require('worker_threads'); const worker = new Worker(__dirname + '/child.js', {env: {}}); worker.on('error', error => { console.error(String(error)); process.exitCode = 1; }); }`,
        `if (process.argv[2] === 'child') { delete process.env.NODE_OPTIONS; const result = require('child_process').spawnSync(process.execPath, ['child.js'], {env: {PATH: process.env.PATH}, stdio: 'inherit'}); process.exit(result.status); }`,
        `if (!['own-only', 'worker', 'made-up'].includes(process.argv[2])) load(Object.keys(load('./package.json').dependencies)[0]);`,
      ].join(`\n`),
      [`lib/a.js`]: `module.exports = 1;\n`,
      [`child.js`]: `function g() { return g[['cal', 'ler'].join('')]; }\nconst load = g()[['argu', 'ments'].join('')][1];\nload('helper');\n`,
      [`package.json`]: JSON.stringify({name: `own`, dependencies: {helper: `1.0.0`}}),
    };
    for (const [path, text] of Object.entries(files))
      write(join(own, path), text);
    write(join(project, `node_modules`, `helper`, `index.js`), `require('fs').writeFileSync(${JSON.stringify(marker())}, 'ran');\n`);
    log = join(root, `refusals.jsonl`);
    writeFileSync(log, ``);
    const rules: LoadRules = {
      pkg: `own@1.0.0`,
      own: [{root: own, files: Object.fromEntries(Object.entries(files).map(([path, text]) => [path, hash(text)]))}],
      allowed: [],
      projectRoot: project,
      exempt: [],
      machineRoots: [`/usr`],
      yarnFiles: [join(project, `.yarn`, `releases`, `yarn.cjs`)],
      // The install starts after the project's files were written.
      startedAt: Date.now() + 10,
    };
    guard = join(root, `guard.cjs`);
    writeFileSync(guard, guardSource(rules, log));
  });

  after(() => {
    rmSync(root, {recursive: true, force: true});
  });

  function run(...args: Array<string>) {
    rmSync(marker(), {force: true});
    writeFileSync(log, ``);
    const result = spawnSync(process.execPath, [`install.js`, ...args], {cwd: join(project, `node_modules`, `own`), env: {...process.env, NODE_OPTIONS: `--require ${JSON.stringify(guard)}`}, encoding: `utf8`});
    return {...result, ran: (() => {
      try {
        return readFileSync(marker(), `utf8`) === `ran`;
      } catch {
        return false;
      }
    })(), refusals: readFileSync(log, `utf8`).split(`\n`).filter(line => line !== ``).map(line => JSON.parse(line) as {file: string, found: string})};
  }

  it(`runs the package's own bound files`, () => {
    const result = run(`own-only`);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.refusals, []);
  });

  it(`refuses the dependency that a require reached through caller loads, before any of it runs, and records it`, () => {
    const result = run();
    assert.equal(result.ran, false);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /yarn-plugin-trust refused to load .*node_modules\/helper\/index\.js in a script of own@1\.0\.0/);
    assert.deepEqual(result.refusals.map(refusal => refusal.file), [join(project, `node_modules`, `helper`, `index.js`)]);
  });

  it(`cannot be taken off by putting Module.prototype._compile back`, () => {
    const result = run(`reset`);
    assert.equal(result.ran, false);
    assert.notEqual(result.status, 0);
    assert.equal(result.refusals.length, 1, result.stdout);
  });

  it(`passes itself on to a child process started with an environment without it`, () => {
    const result = run(`child`);
    assert.equal(result.ran, false);
    assert.notEqual(result.status, 0);
    assert.deepEqual(result.refusals.map(refusal => refusal.file), [join(project, `node_modules`, `helper`, `index.js`)]);
  });

  it(`passes itself on to a worker thread given an environment of its own`, () => {
    const result = run(`worker`);
    assert.equal(result.ran, false, result.stderr);
    assert.notEqual(result.status, 0);
    assert.deepEqual(result.refusals.map(refusal => refusal.file), [join(project, `node_modules`, `helper`, `index.js`)]);
  });

  it(`does not take a module made up by createRequire for the Yarn that loads its own modules`, () => {
    const result = run(`made-up`);
    assert.equal(result.ran, false, result.stderr);
    assert.deepEqual(result.refusals.map(refusal => refusal.file), [join(project, `node_modules`, `helper`, `index.js`)]);
  });

  it(`lets a file of the project that was there before the install load`, () => {
    const result = run(`project`);
    // The project's file loads; the dependency after it is still refused.
    assert.deepEqual(result.refusals.map(refusal => refusal.file), [join(project, `node_modules`, `helper`, `index.js`)]);
  });
});
