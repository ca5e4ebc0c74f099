import assert from 'node:assert/strict';
import {posix} from 'node:path';

import {projectRelativePaths} from '../../sources/installScripts/policy/environmentPaths';

/** A disk where /link is a link to the project, and /work/app/lib/out and /work/app/node_modules/ln links to /elsewhere/sub. */
const realPath = (path: string) => posix.normalize(path
  .replace(/^\/link(?=\/|$)/, `/work/app`)
  .replace(/^\/work\/app\/(?:lib\/out|node_modules\/ln)\/\.\.(?=\/|$)/, `/elsewhere`));

const relative = (value: string) => projectRelativePaths(value, `/work/app`, realPath);

describe(`projectRelativePaths`, () => {
  it(`writes absolute paths inside the project relative to it, wherever they stand in the value`, () => {
    assert.deepEqual(relative(`/work/app/node_modules/x/a.so`), {value: `./node_modules/x/a.so`});
    assert.deepEqual(relative(`--require /work/app/x.js --import=/work/app/y.mjs`), {value: `--require ./x.js --import=./y.mjs`});
    assert.deepEqual(relative(`/usr/lib:/work/app/lib:/work/app`), {value: `/usr/lib:./lib:.`});
    assert.deepEqual(relative(`"/work/app/q.js",'/work/app/r.js'`), {value: `"./q.js",'./r.js'`});
  });

  it(`reads file: URLs as Node does: percent escapes decoded, query and fragment dropped`, () => {
    assert.deepEqual(relative(`--import=file:///work/app/node_modules/%7a/i.js`), {value: `--import=./node_modules/z/i.js`});
    assert.deepEqual(relative(`--import=file://localhost/work/app/i.js?x#y`), {value: `--import=./i.js`});
    assert.deepEqual(relative(`--import=FILE:/work/app/i.js`), {value: `--import=./i.js`});
  });

  it(`finds the project behind other spellings: .., //, a link`, () => {
    assert.deepEqual(relative(`/work/other/../app//node_modules/./x`), {value: `./node_modules/x`});
    assert.deepEqual(relative(`/link/node_modules/x/i.js`), {value: `./node_modules/x/i.js`});
  });

  it(`leaves paths outside the project as they are, and text that is no path`, () => {
    assert.deepEqual(relative(`/usr/lib/x.so`), {value: `/usr/lib/x.so`});
    assert.deepEqual(relative(`/work/application/x.js`), {value: `/work/application/x.js`});
    assert.deepEqual(relative(`/work/app/lib/out/../x.so`), {value: `/work/app/lib/out/../x.so`});
    assert.deepEqual(relative(`https://example.com/work/app/x`), {value: `https://example.com/work/app/x`});
    assert.deepEqual(relative(`a/work/app/x`), {value: `a/work/app/x`});
  });

  it(`refuses /proc, whose cwd is each script's own folder, a node_modules folder outside the project, and a URL it cannot decode`, () => {
    assert.match((relative(`/work/app/node_modules/ln/../x.so`) as {error: string}).error, /node_modules folder outside the project/);
    assert.match((relative(`--require /work/ext/node_modules/h`) as {error: string}).error, /node_modules folder outside the project/);
    assert.match((relative(`LD=/proc/self/cwd/../x/a.so`) as {error: string}).error, /goes through \/proc/);
    assert.match((relative(`/work/app/../../proc/1/cwd/x.js`) as {error: string}).error, /goes through \/proc/);
    assert.match((relative(`--import=file:///work/app/%zz.js`) as {error: string}).error, /malformed percent-escape/);
  });
});
