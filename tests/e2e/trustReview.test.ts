/**
 * `yarn trust review` with the real Yarn in a pseudo-terminal: from a refused
 * install to recorded decisions, using only what the session prints; and a
 * refusal to start without a terminal.
 */
import {strict as assert} from 'assert';

import {type Registry, type TestProject, makeProject, markerName, scripted, startRegistry} from './harness';

describe(`yarn trust review (e2e)`, function() {
  this.timeout(240_000);

  let registry: Registry;
  const projects: Array<TestProject> = [];

  async function refusedProject() {
    const app = await makeProject({registry, manifest: {name: `app`, private: true, dependencies: {[`rev-a`]: `1.0.0`, [`rev-b`]: `1.0.0`}}});
    projects.push(app);
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 1, install.output);
    return app;
  }

  before(async function() {
    registry = await startRegistry({name: `trust-review`});
    await registry.publishAll([
      scripted(`rev-a`, `1.0.0`, {postinstall: true}),
      scripted(`rev-b`, `1.0.0`, {postinstall: true}),
    ]);
  });

  after(async function() {
    for (const created of projects)
      await created.cleanup();
    await registry?.stop();
  });

  it(`refuses to start without a terminal, and names the commands to use instead`, async () => {
    const app = await refusedProject();
    const review = await app.yarn([`trust`, `review`]);
    assert.equal(review.code, 1, review.output);
    assert.match(review.output, /needs an interactive terminal.*yarn trust status.*yarn trust diff <package>.*yarn trust approve <package> --reason/s);
    assert.equal(await app.exists(`yarn-trust.json`), false);
  });

  it(`shows each package with what it runs, and records the decisions typed`, async () => {
    const app = await refusedProject();
    const review = await app.yarn([`trust`, `review`], {terminal: {input: `a\nreviewed marker.js\nd\nprints a banner\n`}});
    assert.equal(review.code, 0, review.output);
    const shown = review.output.replace(/\r\n/g, `\n`);
    assert.match(shown, /\(1\/2\) rev-a@npm:1\.0\.0 runs install scripts that the trust file does not approve/);
    assert.match(shown, /\+\+\+ rev-a@1\.0\.0\/marker\.js/);
    assert.match(shown, /\[a\] approve what it runs, \[d\] deny \(install it without running its scripts\), \[s\] skip, \[q\] quit\?/);
    assert.match(shown, /\(2\/2\) rev-b@npm:1\.0\.0/);
    assert.match(shown, /2 decision\(s\) recorded\. Commit yarn-trust\.json and package\.json, then run yarn install\./);

    const trust = await app.readJson(`yarn-trust.json`);
    assert.equal(trust.packages[`rev-a`].approvals[0].reason, `reviewed marker.js`);
    assert.equal(trust.packages[`rev-b`].denied.reason, `prints a banner`);

    await app.clearMarkers();
    const install = await app.yarn([`install`]);
    assert.equal(install.code, 0, install.output);
    assert.deepEqual(await app.markers(), [markerName(`rev-a`, `1.0.0`, `postinstall`)]);
  });

  it(`records nothing when left with q, and says what is left`, async () => {
    const app = await refusedProject();
    const review = await app.yarn([`trust`, `review`], {terminal: {input: `q\n`}});
    assert.equal(review.code, 1, review.output);
    assert.match(review.output, /0 decision\(s\) recorded, 2 left for later \(rev-a, rev-b\)/);
    assert.equal(await app.exists(`yarn-trust.json`), false);
  });
});
