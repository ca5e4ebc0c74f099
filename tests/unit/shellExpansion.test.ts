import assert from 'node:assert/strict';

import {expandVariables, withAssignments, workspaceGlobPath} from '../../sources/installScripts/policy/fingerprint/shellExpansion';

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
    assert.deepEqual(defaults, [`ZQ`, `ZQ`, `ZQ`]);
  });

  it(`forgets a variable set again to something computed`, () => {
    assert.equal(withAssignments(withAssignments(undefined, [`T=a`]), [`T=$X`]).has(`T`), false);
  });

  it(`reads a glob whose folder part matches one workspace as the path into it, from the working folder`, () => {
    const folders = [`packages/a`, `packages/b`, `tools/c`];
    assert.equal(workspaceGlobPath(`packages/a*/x.js`, ``, folders), `packages/a/x.js`);
    assert.equal(workspaceGlobPath(`*/c`, ``, folders), `tools/c`);
    assert.equal(workspaceGlobPath(`../tools/[c]`, `packages`, folders), `../tools/c`);
    assert.equal(workspaceGlobPath(`packages/*`, ``, folders), null, `two workspaces`);
    assert.equal(workspaceGlobPath(`packages/a/*.js`, ``, folders), null, `a glob after the workspace's folder`);
    assert.equal(workspaceGlobPath(`node_modules/*`, ``, folders), null);
    assert.equal(workspaceGlobPath(`../x*`, ``, folders), null);
    assert.equal(workspaceGlobPath(`packages/a/x.js`, ``, folders), null, `no glob`);
  });
});
