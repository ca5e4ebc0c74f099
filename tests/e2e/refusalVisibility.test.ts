/**
 * Every refusal is visible in the console, in the plugin's own words: the
 * backstop's (which Yarn otherwise hides in a build log) and the routes check's
 * (which names the dependencies it affects).
 */
import {strict as assert} from 'assert';

import {type Registry, type TestProject, makeProject, scripted, startRegistry} from './harness';

const TELEMETRY_JS = `require('fs').writeFileSync(require('path').join(process.env.TRUST_MARKERS || '.', 'telemetry-ran'), 'x');\n`;

describe(`refusals in the console (e2e)`, function() {
  this.timeout(180_000);

  let registry: Registry;
  const projects: TestProject[] = [];

  before(async function() {
    registry = await startRegistry({name: `visibility`});
    await registry.publishAll([scripted(`post-pkg`, `1.0.0`, {postinstall: true})]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  describe(`when the backstop refuses a tampered copy of an approved package`, () => {
    it(`prints its reason instead of only a build log path, and exits with 1`, async () => {
      const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {[`post-pkg`]: `1.0.0`}}});
      projects.push(app);
      await app.yarn([`install`]);
      assert.equal((await app.yarn([`trust`, `approve`, `post-pkg`])).code, 0);
      assert.equal((await app.yarn([`install`])).code, 0);
      await app.clearMarkers();

      await app.writeFile(`node_modules/post-pkg/marker.js`, TELEMETRY_JS);
      // Yarn's default: build output goes to a temporary log file, not to the console.
      const rebuild = await app.yarn([`rebuild`], {env: {YARN_ENABLE_INLINE_BUILDS: `0`}});
      assert.equal(rebuild.code, 1, rebuild.output);
      assert.match(rebuild.stdout, /yarn-plugin-trust refused to run a script of post-pkg@1\.0\.0 .*what it would run on disk is not approved/);
      assert.deepEqual(await app.markers(), []);
    });
  });

  describe(`when an internal glob has no route to an internal registry`, () => {
    it(`lists the project's dependencies that it affects`, async () => {
      const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {[`@corp/ui`]: `1.0.0`, [`@corp/api`]: `1.0.0`, [`post-pkg`]: `1.0.0`}}});
      projects.push(app);
      await app.updateYarnrc({trustInternalPackages: [`@corp/*`], trustPublicRegistryServer: registry.url});
      const install = await app.yarn([`install`]);
      assert.equal(install.code, 1, install.output);
      assert.match(install.output, /trustInternalPackages "@corp\/\*" has no internal registry.*It affects 2 dependencies of the project: @corp\/api, @corp\/ui\./);
    });
  });
});
