/**
 * Outside attack round 18 (Yarn's own features): the project's environment
 * file, which Yarn loads into every script it runs (`injectEnvironmentFiles`,
 * `.env.yarn` by default), preloads a registry package into a dependency's
 * approved postinstall through `NODE_OPTIONS` or npm's `npm_config_node_options`
 * (K1, K17). With the session-start bundle the helper ran and the install
 * passed; each test fails on its marker there.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';

import {markerCode as PWN, plain, suiteRegistry} from './harness';

describe(`attack round 18: Yarn's own features (e2e)`, function() {
  this.timeout(300_000);

  const suite = suiteRegistry(`attack-round-18`, () => [
    plain(`zqk1build`, `1.0.0`, {scripts: {postinstall: `node install.js`}, files: {[`install.js`]: `console.log('built');\n`}}),
    plain(`zqk1npm`, `1.0.0`, {scripts: {postinstall: `npm run build`, build: `node build.js`}, files: {[`build.js`]: `console.log('built');\n`}}),
    plain(`zqk1help`, `1.0.0`, {files: {[`index.js`]: PWN(`k1-preload-ran`)}}),
  ]);

  for (const [label, build, line] of [
    [`K1: NODE_OPTIONS=--require`, `zqk1build`, `NODE_OPTIONS=--require zqk1help`],
    [`K17: npm_config_node_options, which npm turns into NODE_OPTIONS`, `zqk1npm`, `npm_config_node_options=--require zqk1help`],
  ]) {
    it(`${label} in the project's .env.yarn: the package it preloads into an approved postinstall needs an approval, and never runs without one`, async () => {
      const app = await suite.project({manifest: {name: `app`, private: true, dependencies: {[build]: `1.0.0`, zqk1help: `1.0.0`}}});
      assert.equal((await app.yarn([`install`])).code, 1);
      assert.equal((await app.yarn([`trust`, `approve`, build])).code, 0);
      const approved = await app.yarn([`install`]);
      assert.equal(approved.code, 0, approved.output);

      // The pull request adds one file and nothing else.
      await fs.writeFile(path.join(app.cwd, `.env.yarn`), `${line}\n`);
      await fs.rm(path.join(app.cwd, `node_modules`), {recursive: true, force: true});
      const install = await app.yarn([`install`]);
      assert.deepEqual(await app.markers(), [], install.output);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /zqk1help@npm:1\.0\.0 has code that other packages run at install time, and the trust file does not approve it/);
      const status = await app.yarn([`trust`, `status`]);
      assert.match(status.output, /zqk1help@npm:1\.0\.0: pending/);
    });
  }
});
