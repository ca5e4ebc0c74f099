import assert from 'node:assert/strict';

import {shortestDependencyPaths} from '../../sources/core/policy/dependencyPaths';

function graph(edges: Record<string, string[]>, roots: string[]) {
  return {roots, dependencies: new Map(Object.entries(edges))};
}

describe(`shortestDependencyPaths`, () => {
  describe(`when a package is reachable through several chains`, () => {
    it(`returns the shortest chain, root first`, () => {
      const paths = shortestDependencyPaths(graph({
        app: [`a`, `b`],
        a: [`c`],
        b: [],
        c: [`target`],
        target: [],
      }, [`app`]), [`target`]);
      assert.deepEqual(paths.get(`target`), [`app`, `a`, `c`, `target`]);
    });

    it(`prefers the direct dependency over a longer transitive chain`, () => {
      const paths = shortestDependencyPaths(graph({
        app: [`a`, `target`],
        a: [`target`],
        target: [],
      }, [`app`]), [`target`]);
      assert.deepEqual(paths.get(`target`), [`app`, `target`]);
    });
  });

  describe(`when the project has several workspaces`, () => {
    it(`starts from whichever workspace reaches the package first`, () => {
      const paths = shortestDependencyPaths(graph({
        root: [`deep`],
        deep: [`deeper`],
        deeper: [`target`],
        tools: [`target`],
        target: [],
      }, [`root`, `tools`]), [`target`]);
      assert.deepEqual(paths.get(`target`), [`tools`, `target`]);
    });
  });

  describe(`when the graph has cycles`, () => {
    it(`terminates and still finds the package`, () => {
      const paths = shortestDependencyPaths(graph({
        app: [`a`],
        a: [`b`],
        b: [`a`, `target`],
        target: [`app`],
      }, [`app`]), [`target`]);
      assert.deepEqual(paths.get(`target`), [`app`, `a`, `b`, `target`]);
    });
  });

  describe(`when no workspace reaches the package`, () => {
    it(`says so with null instead of inventing a path`, () => {
      const paths = shortestDependencyPaths(graph({
        app: [`a`],
        a: [],
        orphan: [],
      }, [`app`]), [`orphan`, `missing`]);
      assert.equal(paths.get(`orphan`), null);
      assert.equal(paths.get(`missing`), null);
    });
  });

  describe(`when the target is a root itself`, () => {
    it(`returns the root alone`, () => {
      const paths = shortestDependencyPaths(graph({app: []}, [`app`]), [`app`]);
      assert.deepEqual(paths.get(`app`), [`app`]);
    });
  });

  describe(`when the shortest chain goes through a denied package`, () => {
    // sequelize: app › nx › axios is shorter than app › ibm_db › x › axios, but nx is denied.
    const edges = {app: [`nx`, `ibm_db`], nx: [`axios`], ibm_db: [`x`], x: [`axios`], axios: []};

    it(`shows another chain`, () => {
      const paths = shortestDependencyPaths(graph(edges, [`app`]), [`axios`], new Set([`nx`]));
      assert.deepEqual(paths.get(`axios`), [`app`, `ibm_db`, `x`, `axios`]);
    });

    it(`still shows the only chain there is, and the denied package itself`, () => {
      const paths = shortestDependencyPaths(graph(edges, [`app`]), [`axios`, `nx`], new Set([`nx`, `ibm_db`]));
      assert.deepEqual(paths.get(`axios`), [`app`, `nx`, `axios`]);
      assert.deepEqual(paths.get(`nx`), [`app`, `nx`]);
    });
  });
});
