import assert from 'node:assert/strict';

import {expandVariables, withAssignments, workspaceGlobPaths} from '../../sources/installScripts/policy/fingerprint/shellExpansion';

describe(`shellExpansion`, () => {
  it(`expands variables an earlier command set to a literal, and defaults of variables Yarn does not set`, () => {
    const defaults: Array<string> = [];
    const variables = withAssignments(undefined, [`T=packages/a`, `U=$(pwd)`, `V=x`]);
    const expand = (text: string) => expandVariables(text, variables, defaulted => defaults.push(defaulted.name));
    assert.equal(expand(`$T/x.js`), `packages/a/x.js`);
    assert.equal(expand(`\${T}/\${V}`), `packages/a/x`);
    assert.equal(expand(`$U/x`), `$U/x`);
    assert.equal(expand(`\${ZQ:-packages/b}`), `packages/b`);
    assert.equal(expand(`\${ZQ-b}\${ZQ:=c}`), `bc`);
    assert.equal(expand(`\${INIT_CWD:-packages/b} \${npm_package_name:-x}`), `\${INIT_CWD:-packages/b} \${npm_package_name:-x}`);
    assert.equal(expand(`\${HOME:+packages/a} \${ZQ:+b} \${T:+c}`), `packages/a b c`);
    assert.deepEqual(defaults, [`ZQ`, `ZQ`, `ZQ`, `ZQ`]);
  });

  it(`forgets a variable set again to something computed`, () => {
    assert.equal(withAssignments(withAssignments(undefined, [`T=a`]), [`T=$X`]).has(`T`), false);
  });

  it(`reads a glob whose folder part matches workspaces as the paths into them, sorted, from the working folder`, () => {
    const folders = [`packages/b`, `packages/a`, `tools/c`];
    assert.deepEqual(workspaceGlobPaths(`packages/a*/x.js`, ``, folders), [`packages/a/x.js`]);
    assert.deepEqual(workspaceGlobPaths(`*/c`, ``, folders), [`tools/c`]);
    assert.deepEqual(workspaceGlobPaths(`../tools/[c]`, `packages`, folders), [`../tools/c`]);
    assert.deepEqual(workspaceGlobPaths(`packages/*/x.js`, ``, folders), [`packages/a/x.js`, `packages/b/x.js`]);
    assert.deepEqual(workspaceGlobPaths(`packages/**/x.js`, ``, folders), [], `** reaches the workspaces' node_modules too`);
    assert.deepEqual(workspaceGlobPaths(`packages/a/*.js`, ``, folders), [], `a glob after the workspace's folder`);
    assert.deepEqual(workspaceGlobPaths(`node_modules/*`, ``, folders), []);
    assert.deepEqual(workspaceGlobPaths(`../x*`, ``, folders), []);
    assert.deepEqual(workspaceGlobPaths(`packages/a/x.js`, ``, folders), [], `no glob`);
  });
});
