import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';

import {guardOptions, guardSource, type Load, type LoadRules, loadVerdict} from '../../sources/installScripts/policy/loadGuard';

const hash = (text: string) => `sha512-${createHash(`sha512`).update(text).digest(`base64`)}`;

const RULES: LoadRules = {
  pkg: `own@1.0.0`,
  own: [`/p/node_modules/own`],
  allowed: [hash(`reached`)],
  projectRoot: `/p`,
  exempt: [`/p/.pnp.cjs`],
  machineRoots: [`/usr`],
  yarnFiles: [`/p/.yarn/releases/yarn-4.18.1.cjs`],
  startedAt: 1_000,
};

function verdict(load: Partial<Load> & {path: string}, rules: LoadRules = RULES) {
  return loadVerdict({hash: hash(`other`), changedAt: 5_000, sameText: true, main: null, ...load}, rules, new Set(rules.allowed));
}

describe(`load guard: what a script's processes may load`, () => {
  it(`lets the package's own files load, and what its approved code writes there while it runs (a stated limit)`, () => {
    assert.deepEqual(verdict({path: `/p/node_modules/own/lib/a.js`, hash: hash(`a`)}), {allowed: true});
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

  it(`lets the Yarn that runs the install load, and supports-color and has-flag that it looks up itself, in a process whose main file it is`, () => {
    const yarn = `/p/.yarn/releases/yarn-4.18.1.cjs`;
    assert.deepEqual(verdict({path: yarn}), {allowed: true});
    assert.deepEqual(verdict({path: `/p/node_modules/supports-color/index.js`, main: yarn}), {allowed: true});
    assert.deepEqual(verdict({path: `/p/node_modules/has-flag/index.js`, main: yarn}), {allowed: true});
    assert.equal(verdict({path: `/p/node_modules/helper/index.js`, main: yarn}).allowed, false);
    assert.equal(verdict({path: `/p/node_modules/supports-color/index.js`, main: `/p/node_modules/own/install.js`}).allowed, false);
  });

  it(`judges a project inside the machine's Node.js folder as a project (/usr/src/app in Docker's images)`, () => {
    const rules = {...RULES, projectRoot: `/usr/src/app`, own: [`/usr/src/app/node_modules/own`]};
    assert.equal(verdict({path: `/usr/src/app/node_modules/helper/index.js`, changedAt: 1}, rules).allowed, false);
    assert.deepEqual(verdict({path: `/usr/lib/node_modules/npm/index.js`}, rules), {allowed: true});
  });

  it(`reads Windows paths with backslashes as the same paths`, () => {
    const rules = {...RULES, projectRoot: `C:/p`, own: [`C:/p/node_modules/own`], machineRoots: [`C:/Program Files/nodejs`]};
    assert.deepEqual(verdict({path: `C:\\p\\node_modules\\own\\lib\\a.js`, hash: hash(`a`)}, rules), {allowed: true});
    assert.equal(verdict({path: `C:\\p\\node_modules\\helper\\index.js`}, rules).allowed, false);
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
    assert.match(JSON.stringify(verdict({path: `/p/node_modules/reached/index.js`, hash: hash(`reached`), sameText: false})), /other code compiled under its name/);
  });

  it(`is written into the guard as it is: the source holds no reference to anything outside it`, () => {
    const source = guardSource(RULES, `/tmp/log`);
    assert.ok(source.includes(JSON.stringify(loadVerdict.toString()).slice(1, -1)));
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
        `const mode = process.argv[2];`,
        `const helper = () => load.resolve(Object.keys(load('./package.json').dependencies)[0]);`,
        `const text = () => load('fs').readFileSync(helper(), 'utf8');`,
        `const node = (args, options) => { const result = load('child_process').spawnSync(process.execPath, args, Object.assign({stdio: 'inherit'}, options)); process.exit(result.status === null ? 1 : result.status); };`,
        `if (mode === 'own-only') require('./bin.js');`,
        `else if (mode === 'reset') { require('module').prototype._compile = function () {}; load(helper()); }`,
        `else if (mode === 'project') { load('../../scripts/old.js'); load(helper()); }`,
        `else if (mode === 'made-up') load('module').createRequire(__dirname + '/../../.yarn/releases/yarn.cjs')(helper());`,
        `else if (mode === 'esm') import(require('path').join(__dirname, '..', 'helper', 'esm.mjs')).catch(error => { console.error(String(error)); process.exitCode = 1; });`,
        `else if (mode === 'worker') { const {Worker} = require('worker_threads'); const worker = new Worker(__dirname + '/child.js', {env: {}}); worker.on('error', error => { console.error(String(error)); process.exitCode = 1; }); }`,
        `else if (mode === 'child') { delete process.env.NODE_OPTIONS; node(['child.js'], {env: {PATH: process.env.PATH}}); }`,
        // Outside attack round 87: the guard's own helpers replaced, code compiled under other names, environments that lie.
        `else if (mode === 'primordials') { const file = helper(); Set.prototype.has = () => true; Array.prototype.includes = () => true; String.prototype.startsWith = () => true; String.prototype.indexOf = () => 0; RegExp.prototype.test = () => false; load('path').isAbsolute = () => false; const c = load('crypto'); c.hash = () => 'x'; c.createHash = () => ({update() { return this; }, digest() { return 'x'; }}); load(file); }`,
        `else if (mode === 'relative') new (load('module'))('x')._compile(text(), 'x.js');`,
        `else if (mode === 'bound-name') module._compile(text(), __dirname + '/lib/a.js');`,
        `else if (mode === 'vm') load('vm').runInThisContext(text());`,
        `else if (mode === 'function') g.constructor('require', text())(load);`,
        `else if (mode === 'async-function') (async () => {}).constructor('require', text())(load);`,
        `else if (mode === 'eval') (0, eval)(text());`,
        `else if (mode === 'data-url') import('data:text/javascript,' + encodeURIComponent(text())).catch(error => { console.error(String(error)); process.exitCode = 1; });`,
        `else if (mode === 'worker-eval') new (load('worker_threads').Worker)(text(), {eval: true});`,
        `else if (mode === 'instanceof') { if (!(g instanceof Function) || !((async () => {}) instanceof Function) || g.constructor !== Function) process.exit(3); }`,
        `else if (mode === 'proxy-env') { let asked = 0; const given = process.env.NODE_OPTIONS; node([helper()], {env: new Proxy({}, {get: (target, key) => key === 'NODE_OPTIONS' ? (asked++ < 2 ? given : '') : process.env[key], ownKeys: () => [...new Set([...Object.keys(process.env), 'NODE_OPTIONS'])], getOwnPropertyDescriptor: () => ({enumerable: true, configurable: true})})}); }`,
        `else if (mode === 'appended') node([helper()], {env: Object.assign({}, process.env, {NODE_OPTIONS: '--require ' + JSON.stringify(process.env.NODE_OPTIONS.split('"')[1]) + '/../p/scripts/old.js'})});`,
        `else if (mode === 'snapshot') node(['--snapshot-blob', __dirname + '/x.blob', '--build-snapshot', helper()]);`,
        `else if (mode === 'dlopen') process.dlopen({exports: {}}, '../helper/x.node');`,
        // Outside attack round 88.
        `else if (mode === 'path') { const file = helper(); const p = load('path'); const resolve = p.resolve; try { p.resolve = () => __dirname + '/lib/a.js'; } catch (error) { console.error(String(error)); } load(file); }`,
        `else if (mode === 'wrap') { const M = load('module'); const t = text(); M.wrap = () => M.wrapper[0] + t + M.wrapper[1]; load('./lib/a.js'); load('./child.js'); }`,
        `else if (mode === 'to-string') { let asked = 0; process.dlopen({exports: {}}, {toString: () => asked++ === 0 ? __dirname + '/lib/a.js' : require('path').join(__dirname, '..', 'helper', 'x.node')}); }`,
        `else if (mode === 'node-e') node(['-e', text()]);`,
        `else if (mode === 'node-stdin') { const result = load('child_process').spawnSync(process.execPath, [], {input: text(), stdio: ['pipe', 'inherit', 'inherit']}); process.exit(result.status === null ? 1 : result.status); }`,
        `else if (mode === 'inspector') { const {Session} = load('inspector'); const session = new Session(); session.connect(); session.post('Runtime.evaluate', {expression: text()}); }`,
        `else if (mode === 'register') load('module').register('data:text/javascript,' + encodeURIComponent(text()));`,
        `else load(helper());`,
      ].join(`\n`),
      [`lib/a.js`]: `module.exports = 1;\n`,
      // A hashbang line, which Node's own wrapper handles (and a replaced one does not).
      [`bin.js`]: `#!/usr/bin/env node\nmodule.exports = 2;\n`,
      [`child.js`]: `function g() { return g[['cal', 'ler'].join('')]; }\nconst load = g()[['argu', 'ments'].join('')][1];\nload('helper');\n`,
      [`package.json`]: JSON.stringify({name: `own`, dependencies: {helper: `1.0.0`}}),
    };
    for (const [path, text] of Object.entries(files))
      write(join(own, path), text);
    write(join(project, `node_modules`, `helper`, `index.js`), `require('fs').writeFileSync(${JSON.stringify(marker())}, 'ran');\n`);
    write(join(project, `node_modules`, `helper`, `x.node`), `not a library\n`);
    write(join(project, `node_modules`, `helper`, `esm.mjs`), `import {writeFileSync} from 'node:fs';\nwriteFileSync(${JSON.stringify(marker())}, 'ran');\n`);
    log = join(root, `refusals.jsonl`);
    writeFileSync(log, ``);
    const rules: LoadRules = {
      pkg: `own@1.0.0`,
      own: [own],
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
    const result = spawnSync(process.execPath, [`install.js`, ...args], {cwd: join(project, `node_modules`, `own`), env: {...process.env, NODE_OPTIONS: guardOptions(guard)}, encoding: `utf8`});
    return {...result, ran: (() => {
      try {
        return readFileSync(marker(), `utf8`) === `ran`;
      } catch {
        return false;
      }
    })(), refusals: readFileSync(log, `utf8`).split(`\n`).filter(line => line !== ``).map(line => JSON.parse(line) as {file: string, reason: string})};
  }

  it(`runs the package's own bound files`, () => {
    const result = run(`own-only`);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.refusals, []);
  });

  it(`keeps functions what they were: instanceof Function and a function's constructor still hold`, () => {
    const result = run(`instanceof`);
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

  it(`refuses an ES module of the dependency that the install code imports`, () => {
    const result = run(`esm`);
    assert.equal(result.ran, false, result.stderr);
    assert.notEqual(result.status, 0);
    assert.deepEqual(result.refusals.map(refusal => refusal.file), [join(project, `node_modules`, `helper`, `esm.mjs`)]);
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

  for (const [mode, about] of [
    [`primordials`, `with the functions it uses replaced: Set and Array methods, string methods, path.isAbsolute, crypto's hashes`],
    [`path`, `after path.resolve was replaced, which Node's own fs functions call (outside attack round 88, R01)`],
    [`appended`, `when a child is given NODE_OPTIONS that turn the guard's path into another file's`],
    [`proxy-env`, `when a child is given an environment that answers differently each time it is read`],
  ]) {
    it(`refuses the dependency ${about} (outside attack round 87)`, () => {
      const result = run(mode);
      assert.equal(result.ran, false, result.stderr);
      assert.notEqual(result.status, 0);
      assert.deepEqual(result.refusals.map(refusal => refusal.file), [join(project, `node_modules`, `helper`, `index.js`)], result.stderr);
    });
  }

  for (const [mode, about, file, reason] of [
    [`relative`, `compiled under a name that is no path`, `x.js`, /code compiled under a name that is no path/],
    [`bound-name`, `compiled under the name of a bound file`, `node_modules/own/lib/a.js`, /the text of the file that Node reads/],
    [`vm`, `run by vm`, `vm.runInThisContext`, /code evaluated from text/],
    [`function`, `given to the Function constructor reached as a function's constructor`, `Function`, /code evaluated from text \(Function\)/],
    [`async-function`, `given to the constructor of async functions`, `AsyncFunction`, /code evaluated from text \(AsyncFunction\)/],
    [`eval`, `given to eval`, `eval`, /code evaluated from text \(eval\)/],
    [`data-url`, `imported from a data: URL`, `data:text/javascript,`, /a module from text or the network/],
    [`worker-eval`, `given to a worker as code`, `new Worker(code, {eval: true})`, /a worker given its code as text/],
    [`wrap`, `compiled through a replaced Module.wrap (outside attack round 88, M01)`, `node_modules/own/child.js`, /Module\.wrap or Module\.wrapper replaced/],
    [`node-e`, `given to node -e by the install code (X01)`, `node -e`, /node given its code as text on its command line/],
    [`node-stdin`, `given to node on its standard input (X02)`, `node`, /node started without a script/],
    [`inspector`, `sent to the inspector (K01)`, `inspector.Session`, /code evaluated from text \(inspector\.Session\)/],
    [`register`, `given as loader hooks from text (I02)`, `data:text/javascript,`, /loader hooks from text or the network/],
    [`snapshot`, `built into a snapshot, which Node builds without preloads`, `a snapshot`, /a snapshot option/],
    [`dlopen`, `opened as a native addon by a relative path`, `node_modules/helper/x.node`, /which no such approval binds/],
  ] as Array<[string, string, string, RegExp]>) {
    it(`refuses the dependency's text ${about} (outside attack round 87)`, () => {
      const result = run(mode);
      assert.equal(result.ran, false, result.stderr);
      assert.notEqual(result.status, 0);
      assert.deepEqual(result.refusals.map(refusal => refusal.file.startsWith(`data:`) ? refusal.file.slice(0, 21) : refusal.file), [file.startsWith(`node_modules/`) ? join(project, file) : file], result.stderr);
      assert.match(result.refusals[0].reason, reason);
    });
  }

  it(`opens the native addon it checked, whatever the name given reads the second time (outside attack round 88, D01)`, () => {
    const result = run(`to-string`);
    assert.equal(result.ran, false, result.stderr);
    assert.notEqual(result.status, 0);
    // What was checked (the package's own lib/a.js) is what the system's loader was given: no library.
    assert.match(result.stderr, /own\/lib\/a\.js: (file too short|invalid ELF header)/);
  });

  it(`lets a file of the project that was there before the install load`, () => {
    const result = run(`project`);
    // The project's file loads; the dependency after it is still refused.
    assert.deepEqual(result.refusals.map(refusal => refusal.file), [join(project, `node_modules`, `helper`, `index.js`)]);
  });
});
